use std::borrow::Cow;

pub fn normalize_ws(s: &str) -> Cow<'_, str> {
    todo!("normalize {s:?}")
}

pub fn escape_field(s: &str) -> Cow<'_, str> {
    todo!("escape {s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn borrowed(c: Cow<'_, str>) -> bool {
        matches!(c, Cow::Borrowed(_))
    }

    #[test]
    fn clean_input_is_borrowed() {
        let s = "a b c";
        let n = normalize_ws(s);
        assert_eq!(n.as_ptr(), s.as_ptr());
        assert!(borrowed(n));
        assert!(borrowed(normalize_ws("")));
        assert!(borrowed(escape_field("plain text")));
        assert!(borrowed(escape_field("")));
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(normalize_ws("a  b\tc "), "a b c");
        assert_eq!(normalize_ws("\n x\n\ny "), "x y");
        assert_eq!(normalize_ws("   "), "");
        assert!(!borrowed(normalize_ws("a\tb")));
        assert!(!borrowed(normalize_ws(" a")));
    }

    #[test]
    fn csv_escaping() {
        assert_eq!(escape_field("say \"hi\", bob"), "\"say \"\"hi\"\", bob\"");
        assert_eq!(escape_field("a,b"), "\"a,b\"");
        assert_eq!(escape_field("\""), "\"\"\"\"");
        assert!(!borrowed(escape_field("x,y")));
    }
}
