//! A widget that draws a window of rendered lines, starting at a scroll
//! offset, straight into the frame's buffer (no copy of the document per
//! frame, so a long sheet costs only what is on screen).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Draws `lines[scroll..]` into the area, one line per row, cut at its width.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownView<'a> {
    pub lines: &'a [Line<'static>],
    pub scroll: usize,
}

impl<'a> MarkdownView<'a> {
    pub fn new(lines: &'a [Line<'static>], scroll: usize) -> Self {
        MarkdownView { lines, scroll }
    }
}

impl Widget for MarkdownView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let visible = self
            .lines
            .iter()
            .skip(self.scroll)
            .take(usize::from(area.height));
        for (row, line) in (area.y..).zip(visible) {
            buf.set_line(area.x, row, line, area.width);
        }
    }
}
