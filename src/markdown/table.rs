//! Tables: the cells the renderer collected, laid out in box-drawing
//! characters within a width.
//!
//! Each column starts at its natural width (its widest cell on one line);
//! while the table is too wide, the widest column gives up a column of
//! space, so narrow columns stay intact and long prose columns wrap. Cells
//! are then word-wrapped into their column and aligned as the Markdown's
//! `:--`, `:-:`, `--:` say. When any row wraps onto several lines, rows are
//! separated by rules so a reader can tell where each one ends.

use pulldown_cmark::Alignment;
use ratatui::text::Span;

use super::theme::Theme;
use super::wrap::{Pieces, text_width, wrap};

/// A table as collected from the Markdown events.
#[derive(Debug, Default, Clone)]
pub struct TableData {
    pub aligns: Vec<Alignment>,
    /// Rows of cells; the first `header_rows` rows are the header.
    pub rows: Vec<Vec<Pieces>>,
    pub header_rows: usize,
}

/// Lays the table out in at most `width` columns (when the width allows one
/// column of text per table column; narrower, lines come out wider).
pub fn layout(table: &TableData, width: usize, theme: &Theme) -> Vec<Vec<Span<'static>>> {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(table.aligns.len());
    if columns == 0 {
        return Vec::new();
    }
    let mut widths = vec![1usize; columns];
    // The longest word of each column: shrinking below it would cut a word.
    let mut words = vec![1usize; columns];
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate() {
            let natural = wrap(cell, usize::MAX)
                .iter()
                .map(line_width)
                .max()
                .unwrap_or(0);
            widths[i] = widths[i].max(natural);
            let longest_word = cell
                .iter()
                .flat_map(|(t, _)| t.split_whitespace())
                .map(text_width)
                .max()
                .unwrap_or(0);
            words[i] = words[i].max(longest_word);
        }
    }
    // "│ " before each cell, " " after it, and the closing "│".
    let overhead = columns * 3 + 1;
    let budget = width.saturating_sub(overhead);
    while widths.iter().sum::<usize>() > budget {
        // The widest column that can still wrap between words gives up a
        // column; only when none can does a word get cut.
        let pick = |floor: &dyn Fn(usize) -> usize| {
            widths
                .iter()
                .enumerate()
                .filter(|&(i, w)| *w > floor(i))
                .max_by_key(|&(i, w)| (*w, std::cmp::Reverse(i)))
                .map(|(i, _)| i)
        };
        match pick(&|i| words[i]).or_else(|| pick(&|_| 1)) {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }

    let rows: Vec<Vec<Vec<Vec<Span<'static>>>>> = table
        .rows
        .iter()
        .map(|row| {
            (0..columns)
                .map(|i| {
                    row.get(i)
                        .map(|cell| wrap(cell, widths[i]))
                        .unwrap_or_else(|| vec![Vec::new()])
                })
                .collect()
        })
        .collect();
    let any_wrapped = rows.iter().any(|row| row.iter().any(|cell| cell.len() > 1));

    let border = theme.table_border;
    let rule = |left: &str, mid: &str, right: &str| -> Vec<Span<'static>> {
        let mut s = String::from(left);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                s.push_str(mid);
            }
            s.push_str(&"─".repeat(w + 2));
        }
        s.push_str(right);
        vec![Span::styled(s, border)]
    };

    let mut out = vec![rule("┌", "┬", "┐")];
    for (r, row) in rows.iter().enumerate() {
        if r > 0 && (r == table.header_rows || any_wrapped) {
            out.push(rule("├", "┼", "┤"));
        }
        let header = r < table.header_rows;
        let height = row.iter().map(Vec::len).max().unwrap_or(1);
        for l in 0..height {
            let mut line = Vec::new();
            for (i, cell) in row.iter().enumerate() {
                line.push(Span::styled(if i == 0 { "│ " } else { " │ " }, border));
                let spans = cell.get(l).cloned().unwrap_or_default();
                let spare =
                    widths[i].saturating_sub(spans.iter().map(|s| text_width(&s.content)).sum());
                let (before, after) = match table.aligns.get(i).copied().unwrap_or(Alignment::None)
                {
                    Alignment::Right => (spare, 0),
                    Alignment::Center => (spare / 2, spare - spare / 2),
                    Alignment::Left | Alignment::None => (0, spare),
                };
                if before > 0 {
                    line.push(Span::raw(" ".repeat(before)));
                }
                for span in spans {
                    let style = if header {
                        theme.table_header.patch(span.style)
                    } else {
                        span.style
                    };
                    line.push(Span::styled(span.content, style));
                }
                if after > 0 {
                    line.push(Span::raw(" ".repeat(after)));
                }
            }
            line.push(Span::styled(" │", border));
            out.push(line);
        }
    }
    out.push(rule("└", "┴", "┘"));
    out
}

fn line_width(line: &Vec<Span<'static>>) -> usize {
    line.iter().map(|s| text_width(&s.content)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    fn cell(s: &str) -> Pieces {
        vec![(s.to_string(), Style::new())]
    }

    fn text(lines: &[Vec<Span<'static>>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn aligns_columns_and_fits_natural_widths() {
        let table = TableData {
            aligns: vec![Alignment::Left, Alignment::Right, Alignment::Center],
            rows: vec![
                vec![cell("name"), cell("n"), cell("mid")],
                vec![cell("a"), cell("10"), cell("x")],
            ],
            header_rows: 1,
        };
        let lines = text(&layout(&table, 80, &Theme::plain()));
        assert_eq!(
            lines,
            [
                "┌──────┬────┬─────┐",
                "│ name │  n │ mid │",
                "├──────┼────┼─────┤",
                "│ a    │ 10 │  x  │",
                "└──────┴────┴─────┘",
            ]
        );
    }

    #[test]
    fn shrinks_the_widest_column_and_wraps_its_cells() {
        let table = TableData {
            aligns: vec![Alignment::None, Alignment::None],
            rows: vec![
                vec![cell("key"), cell("meaning")],
                vec![cell("ok"), cell("a long explanation that must wrap")],
            ],
            header_rows: 1,
        };
        let lines = text(&layout(&table, 24, &Theme::plain()));
        for line in &lines {
            assert!(text_width(line) <= 24, "{line:?} is too wide");
        }
        // The short column keeps its natural width.
        assert!(lines[1].starts_with("│ key │"), "{lines:?}");
        assert!(lines.len() > 6, "the long cell should wrap: {lines:?}");
    }

    #[test]
    fn shrinking_wraps_between_words_before_it_cuts_one() {
        // The first column is one long word; the second is prose that can
        // wrap. The prose gives up its room before the word is cut.
        let table = TableData {
            aligns: vec![Alignment::None, Alignment::None],
            rows: vec![
                vec![cell("engine"), cell("notes")],
                vec![
                    cell("log_structured_engine_v2"),
                    cell("no fsync per write, flush at end"),
                ],
            ],
            header_rows: 1,
        };
        let lines = text(&layout(&table, 37, &Theme::plain()));
        let all = lines.join("\n");
        for word in [
            "log_structured_engine_v2",
            "fsync",
            "write,",
            "flush",
            "end",
        ] {
            assert!(all.contains(word), "`{word}` was cut: {lines:#?}");
        }
        for line in &lines {
            assert!(text_width(line) <= 37, "{line:?} is too wide");
        }
    }
}
