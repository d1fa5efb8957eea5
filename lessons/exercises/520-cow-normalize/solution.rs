use std::borrow::Cow;

pub fn normalize_ws(s: &str) -> Cow<'_, str> {
    let needs_work = s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace)
        || s.contains(|c: char| c.is_whitespace() && c != ' ')
        || s.contains("  ");
    if needs_work {
        Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Cow::Borrowed(s)
    }
}

pub fn escape_field(s: &str) -> Cow<'_, str> {
    if !s.contains([',', '"']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    Cow::Owned(out)
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
