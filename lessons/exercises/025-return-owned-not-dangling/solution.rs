fn shout(word: &str) -> String {
    format!("{}!", word.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loud() {
        assert_eq!(shout("hello"), "HELLO!");
        assert_eq!(shout(""), "!");
    }
}
