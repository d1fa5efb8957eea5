fn vowels(text: &str) -> usize {
    todo!("{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_case() {
        assert_eq!(vowels("Rust Is Fun"), 3);
        assert_eq!(vowels("AEIOU aeiou"), 10);
    }

    #[test]
    fn none_and_unicode() {
        assert_eq!(vowels("rhythm"), 0);
        assert_eq!(vowels("caf\u{e9} na\u{ef}ve"), 3);
    }
}
