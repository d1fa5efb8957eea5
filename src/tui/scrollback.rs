//! Drawing the tail of a growing log (a kernel's serial output, a console's
//! history): the newest lines that fit, wrapped to the width, anchored to
//! the bottom, `scroll` lines up from the end.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::VecDeque;

pub fn draw_tail<T>(
    f: &mut Frame,
    area: Rect,
    items: &VecDeque<T>,
    scroll: usize,
    to_line: impl Fn(&T) -> Line<'static>,
) -> bool {
    let h = area.height as usize;
    let w = area.width.max(1) as usize;
    let end = items.len().saturating_sub(scroll);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut i = end;
    while i > 0 && rows.len() < h {
        i -= 1;
        // Wrapped like a terminal does (at the column, not at words), so the
        // row count is exact and the newest line is always fully visible.
        let mut wrapped = hard_wrap(to_line(&items[i]), w);
        wrapped.reverse();
        rows.extend(wrapped);
    }
    if rows.is_empty() {
        return false;
    }
    rows.truncate(h);
    rows.reverse();
    f.render_widget(Paragraph::new(rows), area);
    true
}

/// Split a line into rows of at most `width` columns, keeping span styles.
pub fn hard_wrap(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let mut buf = String::new();
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && used > 0 {
                if !buf.is_empty() {
                    cur.push(Span::styled(std::mem::take(&mut buf), span.style));
                }
                out.push(Line::from(std::mem::take(&mut cur)).style(line.style));
                used = 0;
            }
            buf.push(c);
            used += cw;
        }
        if !buf.is_empty() {
            cur.push(Span::styled(buf, span.style));
        }
    }
    out.push(Line::from(cur).style(line.style));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn shows_newest_lines_wrapped_at_the_bottom() {
        let items: VecDeque<String> = (0..50)
            .map(|i| format!("line {i} {}", "x".repeat(i % 3 * 8)))
            .collect();
        let mut t = Terminal::new(TestBackend::new(12, 4)).unwrap();
        t.draw(|f| {
            draw_tail(f, f.area(), &items, 0, |s| Line::raw(s.clone()));
        })
        .unwrap();
        let screen = t.backend().to_string();
        assert!(screen.contains("line 49"), "{screen}");
        assert!(!screen.contains("line 46"), "{screen}");
        let mut t = Terminal::new(TestBackend::new(12, 4)).unwrap();
        t.draw(|f| {
            draw_tail(f, f.area(), &items, 10, |s| Line::raw(s.clone()));
        })
        .unwrap();
        assert!(t.backend().to_string().contains("line 39"));
    }

    #[test]
    fn hard_wrap_is_exact_and_keeps_styles() {
        use ratatui::style::Style;
        let l = Line::from(vec![
            Span::raw("abcde"),
            Span::styled("fgh", Style::new().bold()),
        ]);
        let rows = hard_wrap(l, 3);
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text, ["abc", "def", "gh"]);
        assert_eq!(rows[1].spans[1].style, Style::new().bold());
        assert_eq!(hard_wrap(Line::raw(""), 5).len(), 1);
    }
}
