//! Finding text in rendered lines, and marking what was found.
//!
//! Search runs on what the reader sees (the wrapped lines), so a match is a
//! line index plus a range in that line: byte offsets into the line's text
//! (for splitting spans) and display columns (for placing a cursor).
//! Matching is case-insensitive by Unicode lower-casing, char by char, so
//! offsets always land on the original text's char boundaries.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::wrap::text_width;

/// One occurrence of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the line in the rendered lines.
    pub line: usize,
    /// Byte range in the line's text (its spans joined).
    pub bytes: Range<usize>,
    /// Display columns the match covers.
    pub columns: Range<usize>,
}

/// The text of a line: its spans joined.
pub fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Every non-overlapping occurrence of `query` in `lines`, ignoring case, in
/// reading order. An empty (or all-whitespace) query finds nothing.
pub fn find_matches(lines: &[Line<'_>], query: &str) -> Vec<Match> {
    let needle: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    if query.trim().is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let text = line_text(line);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut start = 0;
        while start < chars.len() {
            match match_at(&chars, start, &needle) {
                Some(end) => {
                    let bytes = chars[start].0..chars.get(end).map_or(text.len(), |c| c.0);
                    let col = text_width(&text[..bytes.start]);
                    let columns = col..col + text_width(&text[bytes.clone()]);
                    found.push(Match {
                        line: index,
                        bytes,
                        columns,
                    });
                    start = end.max(start + 1);
                }
                None => start += 1,
            }
        }
    }
    found
}

/// If `needle` (lower-cased) matches at char `start`, the char index after it.
fn match_at(chars: &[(usize, char)], start: usize, needle: &[char]) -> Option<usize> {
    let mut n = 0;
    let mut i = start;
    while n < needle.len() {
        let (_, c) = *chars.get(i)?;
        for lower in c.to_lowercase() {
            if needle.get(n) != Some(&lower) {
                return None;
            }
            n += 1;
        }
        i += 1;
    }
    Some(i)
}

/// Returns `lines` with the matched text restyled by `style` patched over
/// its own (so a match in bold stays bold). Call again with another style
/// and a single match to mark the current one.
pub fn highlight_matches(lines: &mut [Line<'static>], matches: &[Match], style: Style) {
    let mut i = 0;
    while i < matches.len() {
        let line_index = matches[i].line;
        let mut ranges = Vec::new();
        while i < matches.len() && matches[i].line == line_index {
            ranges.push(matches[i].bytes.clone());
            i += 1;
        }
        if let Some(line) = lines.get_mut(line_index) {
            restyle(line, &ranges, style);
        }
    }
}

/// Splits the spans of `line` at the range edges and patches the parts inside.
fn restyle(line: &mut Line<'static>, ranges: &[Range<usize>], style: Style) {
    let mut out = Vec::with_capacity(line.spans.len() + ranges.len() * 2);
    let mut offset = 0;
    for span in line.spans.drain(..) {
        let text = span.content.as_ref();
        let span_range = offset..offset + text.len();
        let mut cuts = vec![0, text.len()];
        for r in ranges {
            for edge in [r.start, r.end] {
                if edge > span_range.start
                    && edge < span_range.end
                    && text.is_char_boundary(edge - offset)
                {
                    cuts.push(edge - offset);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let absolute = offset + a;
            let inside = ranges
                .iter()
                .any(|r| r.start <= absolute && absolute < r.end);
            let piece_style = if inside {
                span.style.patch(style)
            } else {
                span.style
            };
            out.push(Span::styled(text[a..b].to_string(), piece_style));
        }
        offset = span_range.end;
    }
    line.spans = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    fn lines(texts: &[&str]) -> Vec<Line<'static>> {
        texts.iter().map(|t| Line::from(t.to_string())).collect()
    }

    #[test]
    fn finds_case_insensitively_with_byte_and_column_ranges() {
        let doc = lines(&["The Borrow checker", "no match here", "borrow, BORROW"]);
        let found = find_matches(&doc, "borrow");
        let at: Vec<(usize, Range<usize>)> =
            found.iter().map(|m| (m.line, m.bytes.clone())).collect();
        assert_eq!(at, [(0, 4..10), (2, 0..6), (2, 8..14)]);
        assert_eq!(found[0].columns, 4..10);
        assert!(find_matches(&doc, "").is_empty());
        assert!(find_matches(&doc, "absent").is_empty());
    }

    #[test]
    fn columns_count_display_width_not_bytes() {
        let doc = lines(&["größe 漢字 Ownership"]);
        let found = find_matches(&doc, "OWNERSHIP");
        assert_eq!(found.len(), 1);
        // "größe " is 6 columns, "漢字 " is 5.
        assert_eq!(found[0].columns, 11..20);
        assert_eq!(&line_text(&doc[0])[found[0].bytes.clone()], "Ownership");
    }

    #[test]
    fn matches_across_spans_are_restyled_and_text_is_unchanged() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut doc = vec![Line::from(vec![
            Span::raw("use "),
            Span::styled("Arc", bold),
            Span::raw("<T>"),
        ])];
        let found = find_matches(&doc, "e arc<");
        assert_eq!(found.len(), 1);
        let mark = Style::new().bg(Color::Yellow);
        highlight_matches(&mut doc, &found, mark);
        assert_eq!(line_text(&doc[0]), "use Arc<T>");
        let styled: Vec<(&str, Style)> = doc[0]
            .spans
            .iter()
            .map(|s| (s.content.as_ref(), s.style))
            .collect();
        assert_eq!(
            styled,
            [
                ("us", Style::new()),
                ("e ", mark),
                ("Arc", bold.patch(mark)),
                ("<", mark),
                ("T>", Style::new()),
            ]
        );
    }
}
