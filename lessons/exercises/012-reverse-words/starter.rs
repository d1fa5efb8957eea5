fn reverse_words(text: &str) -> String {
    todo!("{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed() {
        assert_eq!(reverse_words("the quick brown fox"), "fox brown quick the");
        assert_eq!(reverse_words("  spaced   out  "), "out spaced");
        assert_eq!(reverse_words("one"), "one");
        assert_eq!(reverse_words(""), "");
    }
}
