//! Drawing the tail of a growing log (a kernel's serial output, a console's
//! history): the newest lines that fit, wrapped to the width, anchored to
//! the bottom, `scroll` lines up from the end.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
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
    let mut rows = 0;
    let mut start = end;
    let mut lines = Vec::new();
    while start > 0 && rows < h {
        start -= 1;
        let line = to_line(&items[start]);
        rows += line.width().div_ceil(w).max(1);
        lines.push(line);
    }
    if lines.is_empty() {
        return false;
    }
    lines.reverse();
    let overflow = rows.saturating_sub(h) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((overflow, 0)),
        area,
    );
    true
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
}
