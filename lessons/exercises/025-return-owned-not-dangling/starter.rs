fn shout(word: &str) -> &str {
    let loud = format!("{}!", word.to_uppercase());
    &loud
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
