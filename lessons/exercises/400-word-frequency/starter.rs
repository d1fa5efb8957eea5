use std::collections::HashMap;

/// Count each word of `text`: split on whitespace, lowercase, strip
/// leading and trailing non-alphanumeric characters, skip empty pieces.
pub fn word_counts(text: &str) -> HashMap<String, usize> {
    todo!("tally the words of {text:?}")
}

/// The `n` most frequent words, most frequent first, ties alphabetical.
pub fn top_words(text: &str, n: usize) -> Vec<(String, usize)> {
    todo!("rank the words of {text:?}, keep {n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_case_and_punctuation_insensitive() {
        let c = word_counts("Hello, world! hello WORLD. Hello?");
        assert_eq!(c.get("hello"), Some(&3));
        assert_eq!(c.get("world"), Some(&2));
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn empty_pieces_are_not_words() {
        let c = word_counts("  -- ... a  ");
        assert_eq!(c.len(), 1);
        assert_eq!(c["a"], 1);
        assert!(word_counts("").is_empty());
    }

    #[test]
    fn inner_punctuation_is_kept() {
        let c = word_counts("don't stop, don't");
        assert_eq!(c["don't"], 2);
        assert_eq!(c["stop"], 1);
    }

    #[test]
    fn top_words_ranks_and_breaks_ties_alphabetically() {
        let text = "b a c b a b d";
        assert_eq!(
            top_words(text, 3),
            vec![("b".to_string(), 3), ("a".to_string(), 2), ("c".to_string(), 1)]
        );
        assert_eq!(top_words(text, 0), vec![]);
        assert_eq!(top_words(text, 10).len(), 4);
    }
}
