struct Cursor {
    rest: &str,
}

impl Cursor {
    fn new(text: &str) -> Cursor {
        Cursor { rest: text }
    }

    fn next_word(&mut self) -> Option<&str> {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_outlive_the_cursor() {
        let text = String::from("  one two   three ");
        let words: Vec<&str> = {
            let mut c = Cursor::new(&text);
            let mut out = Vec::new();
            while let Some(w) = c.next_word() {
                out.push(w);
            }
            out
        };
        assert_eq!(words, ["one", "two", "three"]);
    }

    #[test]
    fn empty_text() {
        assert_eq!(Cursor::new("   ").next_word(), None);
    }
}
