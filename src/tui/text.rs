//! Text measured in terminal columns.

/// Cut `s` to `max` columns, marking the cut with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncate_counts_columns() {
        assert_eq!(super::truncate("hello", 5), "hello");
        assert_eq!(super::truncate("hello world", 6), "hello…");
        assert_eq!(super::truncate("日本語", 4), "日…");
    }
}
