fn parse_config(text: &str) -> Vec<(&str, &str)> {
    todo!("{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        let text = "# settings\nhost = example.org\n\nport=8080\nnonsense\n";
        assert_eq!(parse_config(text), [("host", "example.org"), ("port", "8080")]);
    }

    #[test]
    fn borrowed_from_the_input() {
        let text = String::from("a = b");
        let pairs = parse_config(&text);
        let start = text.as_ptr() as usize;
        let key = pairs[0].0.as_ptr() as usize;
        assert!(key >= start && key < start + text.len());
    }
}
