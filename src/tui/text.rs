//! Text measured in terminal columns: cutting a label to a width (always
//! marked with "…") and wrapping a line into rows by word.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cut `s` to `max` columns, marking the cut with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    cut(s, max)
}

/// `s` cut to end with "…" within `max` columns, however short it is.
fn cut(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
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

/// The rows `lines` take when wrapped to `width` columns (as the panes'
/// wrapped paragraphs show them), for scroll limits.
pub fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let rows: usize = lines
        .iter()
        .map(|l| {
            let t: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            wrap_rows(&t, usize::from(width)).len()
        })
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// `label value` on one row when it fits in `width` (the label padded to
/// `label_w`), else the label on its own row and the value wrapped under
/// it, indented: side panels stay readable in a narrow pane.
pub fn labelled(
    label: &str,
    value: String,
    label_w: usize,
    width: usize,
    styles: (Style, Style),
) -> Vec<Line<'static>> {
    let (label_style, value_style) = styles;
    if label_w + value.width() <= width {
        return vec![Line::from(vec![
            Span::styled(format!("{label:<label_w$}"), label_style),
            Span::styled(value, value_style),
        ])];
    }
    let mut out = vec![Line::styled(truncate(label, width), label_style)];
    for row in wrap(&value, width.saturating_sub(2)) {
        out.push(Line::styled(format!("  {row}"), value_style));
    }
    out
}

/// A byte count in B, KiB, MiB, GiB or TiB: one decimal, none when whole.
pub fn human_bytes(b: u64) -> String {
    const U: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i < U.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else if v.fract() == 0.0 {
        format!("{v:.0} {}", U[i])
    } else {
        format!("{v:.1} {}", U[i])
    }
}

/// Cut a line of styled spans to `max` columns, marking the cut with an
/// ellipsis in the style of the span it falls in.
pub fn truncate_spans(spans: Vec<Span<'static>>, max: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= max {
        return spans;
    }
    let mut out = Vec::new();
    let mut left = max;
    for s in spans {
        let w = s.content.width();
        if w < left {
            left -= w;
            out.push(s);
        } else {
            // More follows even when this span fits exactly.
            out.push(Span::styled(cut(&s.content, left), s.style));
            break;
        }
    }
    out
}

/// Cut `s` to `max` columns from the left, keeping its end: "…the end".
pub fn truncate_start(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        kept.push(c);
        w += cw;
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    out
}

/// Cut `s` to `max` columns so that the first match of `needle` (ignoring
/// case) is shown: text before it is cut (marked "…") when needed, a few
/// chars of context kept in front, then the rest cut at the end.
pub fn around(s: &str, needle: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    let needle: Vec<char> = needle.chars().flat_map(|c| c.to_lowercase()).collect();
    // Lower-casing may change the length of exotic chars: then search the
    // original.
    let hay = if lower.len() == chars.len() {
        &lower
    } else {
        &chars
    };
    let at = if needle.is_empty() {
        None
    } else {
        hay.windows(needle.len())
            .position(|w| w == needle.as_slice())
    };
    let Some(at) = at else {
        return truncate(s, max);
    };
    let start = at.saturating_sub(8);
    let rest: String = chars[start..].iter().collect();
    let tail: String = chars[start..at + needle.len()].iter().collect();
    if start == 0 || tail.width() + 1 > max {
        // The match itself does not fit behind a marker: show it from its
        // start.
        if start == 0 {
            return truncate(s, max);
        }
        let from: String = chars[at..].iter().collect();
        return format!("…{}", truncate(&from, max.saturating_sub(1)));
    }
    format!("…{}", truncate(&rest, max.saturating_sub(1)))
}

/// Starts a row that continues the line above it (code, console output).
pub const CONTINUED: &str = "↪ ";

/// Wrap a styled line (code, console output) to `width` columns without
/// cutting a token: rows end at whitespace, a token longer than a row is
/// cut where the row is full. Every row after the first starts with
/// `marker` (see [`CONTINUED`]). Nothing is dropped or collapsed: the rows
/// hold every char of the line in order, spaces included.
pub fn wrap_line(line: Line<'static>, width: usize, marker: &Span<'static>) -> Vec<Line<'static>> {
    let width = width.max(1);
    let marker_w = marker.width();
    let cells: Vec<(char, usize, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            s.content
                .chars()
                .map(move |c| (c, c.width().unwrap_or(0), s.style))
        })
        .collect();
    if cells.iter().map(|c| c.1).sum::<usize>() <= width {
        return vec![line];
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        let first = out.is_empty();
        let room = if first || marker_w >= width {
            width
        } else {
            width - marker_w
        };
        let mut w = 0;
        let mut end = start;
        while end < cells.len() && w + cells[end].1 <= room {
            w += cells[end].1;
            end += 1;
        }
        // Always make progress, even with a wide char in a narrow row.
        let mut end = end.max(start + 1);
        let at_boundary =
            end >= cells.len() || cells[end].0.is_whitespace() || cells[end - 1].0.is_whitespace();
        if !at_boundary
            && let Some(b) = (start + 1..end)
                .rev()
                .find(|&i| cells[i - 1].0.is_whitespace())
        {
            end = b;
        }
        let mut spans: Vec<Span<'static>> = Vec::new();
        if !first && marker_w < width {
            spans.push(marker.clone());
        }
        let mut buf = String::new();
        let mut style = cells[start].2;
        for &(c, _, st) in &cells[start..end] {
            if st != style && !buf.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut buf), style));
            }
            style = st;
            buf.push(c);
        }
        if !buf.is_empty() {
            spans.push(Span::styled(buf, style));
        }
        out.push(Line::from(spans).style(line.style));
        start = end;
    }
    out
}

/// Marks the end of a row where a word too long for the width was broken.
pub const WORD_CUT: &str = "…";

/// One row of a wrapped line: chars `start..end` of it. `cut` says a word
/// was broken at the end of the row (draw [`WORD_CUT`] after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
    pub cut: bool,
}

/// Wrap `s` into rows of at most `width` columns, breaking after spaces.
/// A word longer than a row is broken, leaving the row's last column for
/// the [`WORD_CUT`] marker. Spaces at a break stay at the end of the row
/// they follow (they may hang past the width), so every char belongs to
/// exactly one row and a cursor position maps to one row. An empty line is
/// one empty row.
pub fn wrap_rows(s: &str, width: usize) -> Vec<Row> {
    let chars: Vec<(char, usize)> = s.chars().map(|c| (c, c.width().unwrap_or(0))).collect();
    let width = width.max(2);
    let mut rows = Vec::new();
    let mut start = 0;
    loop {
        let mut w = 0;
        let mut i = start;
        let mut brk = None;
        while i < chars.len() {
            let (c, cw) = chars[i];
            if c == ' ' {
                w += cw;
                i += 1;
                brk = Some(i);
                continue;
            }
            if w + cw > width {
                break;
            }
            w += cw;
            i += 1;
        }
        if i >= chars.len() {
            rows.push(Row {
                start,
                end: chars.len(),
                cut: false,
            });
            return rows;
        }
        if let Some(b) = brk {
            rows.push(Row {
                start,
                end: b,
                cut: false,
            });
            start = b;
            continue;
        }
        let mut w = 0;
        let mut j = start;
        while j < chars.len() && w + chars[j].1 < width {
            w += chars[j].1;
            j += 1;
        }
        // Always make progress, even with a wide char in a narrow row.
        let j = j.max(start + 1);
        rows.push(Row {
            start,
            end: j,
            cut: true,
        });
        start = j;
    }
}

/// The row of `rows` holding char position `col`, and the column of that
/// position within the row (in terminal columns).
pub fn locate(s: &str, rows: &[Row], col: usize) -> (usize, usize) {
    let r = rows.iter().rposition(|r| r.start <= col).unwrap_or(0);
    let start = rows.get(r).map_or(0, |r| r.start);
    let x = s
        .chars()
        .skip(start)
        .take(col.saturating_sub(start))
        .map(|c| c.width().unwrap_or(0))
        .sum();
    (r, x)
}

/// The text of one row, with the cut marker when a word was broken.
pub fn row_text(s: &str, row: &Row) -> String {
    let mut t: String = s
        .chars()
        .skip(row.start)
        .take(row.end - row.start)
        .collect();
    if row.cut {
        t.push_str(WORD_CUT);
    }
    t
}

/// Wrap `s` to `width` and return the rows' text (markers included).
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    wrap_rows(s, width).iter().map(|r| row_text(s, r)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_labelled_value_wraps_under_its_label_when_narrow() {
        use ratatui::style::Style;
        let plain = (Style::default(), Style::default());
        let rows = |v: Vec<ratatui::text::Line<'static>>| -> Vec<String> {
            v.iter()
                .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect())
                .collect()
        };
        assert_eq!(
            rows(super::labelled("pages", "2 × 4 KiB".into(), 11, 30, plain)),
            ["pages      2 × 4 KiB"]
        );
        assert_eq!(
            rows(super::labelled("pages", "2 × 4 KiB".into(), 11, 13, plain)),
            ["pages", "  2 × 4 KiB"]
        );
        assert_eq!(super::human_bytes(16), "16 B");
        assert_eq!(super::human_bytes(8192), "8 KiB");
        assert_eq!(super::human_bytes(1536), "1.5 KiB");
    }

    #[test]
    fn spans_are_cut_with_an_ellipsis_even_at_a_span_boundary() {
        use ratatui::text::Span;
        let spans = || vec![Span::raw("abc"), Span::raw("def"), Span::raw("gh")];
        let text =
            |v: Vec<Span<'static>>| v.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(super::truncate_spans(spans(), 8)), "abcdefgh");
        assert_eq!(text(super::truncate_spans(spans(), 6)), "abcde…");
        assert_eq!(text(super::truncate_spans(spans(), 4)), "abc…");
        assert_eq!(text(super::truncate_spans(spans(), 3)), "ab…");
    }

    use super::*;

    #[test]
    fn truncate_counts_columns() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(truncate_start("hello world", 6), "…world");
        assert_eq!(truncate_start("hi", 6), "hi");
    }

    #[test]
    fn around_keeps_the_match_in_view() {
        let s = "Arc and Mutex: shared mutable state across threads with a lock";
        let cut = around(s, "THREADS", 24);
        assert!(cut.starts_with('…'), "{cut}");
        assert!(cut.contains("threads"), "{cut}");
        assert!(cut.width() <= 24, "{cut}");
        assert_eq!(around("short", "x", 24), "short");
        assert_eq!(around(s, "arc", 10), "Arc and M…");
    }

    #[test]
    fn wraps_by_word_and_marks_broken_words() {
        assert_eq!(wrap("the quick brown fox", 10), ["the quick ", "brown fox"]);
        assert_eq!(
            wrap("abcdefghijkl xy", 5),
            ["abcd…", "efgh…", "ijkl ", "xy"]
        );
        assert_eq!(wrap("", 5), [""]);
        // Every char is in exactly one row.
        let s = "Second line of entry. More words to push 借用 🦀 past the edge";
        let rows = wrap_rows(s, 12);
        let n: usize = rows.iter().map(|r| r.end - r.start).sum();
        assert_eq!(n, s.chars().count());
        for r in &rows {
            let t: String = s.chars().skip(r.start).take(r.end - r.start).collect();
            assert!(t.trim_end().width() <= 12, "{t:?} is wider than 12");
        }
    }

    fn plain(rows: &[Line<'static>]) -> Vec<String> {
        rows.iter()
            .map(|r| r.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn code_wraps_between_tokens_with_a_marker() {
        let code = "let b = a; // the String (pointer, length, capacity) moves to `b`";
        let marker = Span::raw(CONTINUED);
        let rows = plain(&wrap_line(Line::raw(code), 30, &marker));
        assert!(rows.len() > 1);
        for (i, r) in rows.iter().enumerate() {
            assert!(r.width() <= 30, "{r:?} is too wide");
            assert_eq!(r.starts_with(CONTINUED), i > 0, "{rows:?}");
        }
        // No token is split: the rows, markers taken off, rejoin to the
        // code, and each break falls next to whitespace.
        let joined: String = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if i == 0 {
                    r.as_str()
                } else {
                    &r[CONTINUED.len()..]
                }
            })
            .collect();
        assert_eq!(joined, code);
        for pair in rows.windows(2) {
            let next = &pair[1][CONTINUED.len()..];
            assert!(
                pair[0].ends_with(' ') || next.starts_with(' '),
                "{:?} | {next:?} splits a word",
                pair[0]
            );
        }
        assert!(rows.iter().any(|r| r.contains("moves")), "{rows:?}");
        // A token longer than the row is cut where the row is full.
        let rows = plain(&wrap_line(Line::raw("x".repeat(25)), 10, &marker));
        assert_eq!(rows, ["xxxxxxxxxx", "↪ xxxxxxxx", "↪ xxxxxxx"]);
        // A line that fits is left alone.
        assert_eq!(
            plain(&wrap_line(Line::raw("short"), 10, &marker)),
            ["short"]
        );
    }

    #[test]
    fn locates_a_cursor_in_its_row() {
        let s = "hello world";
        let rows = wrap_rows(s, 8);
        assert_eq!(locate(s, &rows, 0), (0, 0));
        assert_eq!(locate(s, &rows, 6), (1, 0));
        assert_eq!(locate(s, &rows, 11), (1, 5));
    }
}
