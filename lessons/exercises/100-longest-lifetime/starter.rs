fn longer(a: &str, b: &str) -> &str {
    if b.len() > a.len() { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_longer() {
        assert_eq!(longer("ab", "abc"), "abc");
        assert_eq!(longer("same", "size"), "same");
        let owned = String::from("owned string");
        let result;
        {
            let short = "tiny";
            result = longer(&owned, short);
        }
        assert_eq!(result, "owned string");
    }
}
