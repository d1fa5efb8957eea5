fn longest_line(text: &str) -> Option<&str> {
    todo!("{text}")
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
