struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor { rest: text }
    }

    fn next_word(&mut self) -> Option<&'a str> {
        let trimmed = self.rest.trim_start();
        if trimmed.is_empty() {
            self.rest = trimmed;
            return None;
        }
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (word, rest) = trimmed.split_at(end);
        self.rest = rest;
        Some(word)
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
