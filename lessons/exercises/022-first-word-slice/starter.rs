fn first_word(text: &str) -> &str {
    todo!("{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(first_word("hello world"), "hello");
        assert_eq!(first_word("   indented line"), "indented");
        assert_eq!(first_word("single"), "single");
        assert_eq!(first_word(""), "");
    }

    #[test]
    fn it_is_a_borrow_of_the_input() {
        let text = String::from("borrowed slice");
        let word = first_word(&text);
        assert_eq!(word.as_ptr(), text.as_ptr());
    }
}
