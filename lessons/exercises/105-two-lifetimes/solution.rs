fn after<'h>(haystack: &'h str, needle: &str) -> Option<&'h str> {
    let at = haystack.find(needle)?;
    Some(&haystack[at + needle.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_may_go_first() {
        let text = String::from("Subject: hello there");
        let rest;
        {
            let marker = String::from("Subject: ");
            rest = after(&text, &marker);
        }
        assert_eq!(rest, Some("hello there"));
        assert_eq!(after("abc", "x"), None);
    }
}
