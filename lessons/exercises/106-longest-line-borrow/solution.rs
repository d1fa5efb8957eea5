fn longest_line(text: &str) -> Option<&str> {
    let mut best: Option<&str> = None;
    for line in text.lines() {
        if best.is_none_or(|b| line.len() > b.len()) {
            best = Some(line);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_longest() {
        assert_eq!(longest_line("ab\nabcd\nwxyz\na"), Some("abcd"));
        assert_eq!(longest_line("one"), Some("one"));
        assert_eq!(longest_line(""), None);
    }
}
