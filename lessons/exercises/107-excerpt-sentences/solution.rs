struct Excerpt<'a> {
    text: &'a str,
}

impl<'a> Excerpt<'a> {
    fn sentences(&self) -> Vec<&'a str> {
        self.text
            .split('.')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_outlive_the_excerpt() {
        let book = String::from("Call me Ishmael. Some years ago. Never mind how long.");
        let sentences = {
            let e = Excerpt { text: &book };
            e.sentences()
        };
        assert_eq!(sentences, ["Call me Ishmael", "Some years ago", "Never mind how long"]);
        assert!(Excerpt { text: " . ." }.sentences().is_empty());
    }
}
