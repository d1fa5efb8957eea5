trait Summary {
    fn title(&self) -> String;
    fn word_count(&self) -> usize;
    fn summary(&self) -> String;
}

struct Article {
    headline: String,
    body: String,
}

struct Tweet {
    author: String,
    text: String,
}

impl Summary for Article {
    fn title(&self) -> String {
        self.headline.clone()
    }
    fn word_count(&self) -> usize {
        self.body.split_whitespace().count()
    }
}

impl Summary for Tweet {
    fn title(&self) -> String {
        self.text.clone()
    }
    fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_override() {
        let a = Article { headline: "Rust 2024".to_string(), body: "three words here".to_string() };
        let t = Tweet { author: "ferris".to_string(), text: "hello crabs".to_string() };
        assert_eq!(a.summary(), "RUST 2024 (3 words)");
        assert_eq!(t.summary(), "@ferris: hello crabs");
        assert_eq!(t.word_count(), 2);
    }
}
