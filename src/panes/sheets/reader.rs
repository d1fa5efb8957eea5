//! The reader: a sheet rendered to the width, scrolled per sheet, with a
//! table of contents and a link list in popups.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reader {
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Heading,
    Contents,
    Links,
    Link,
    Search,
    Next,
    Previous,
    Back,
}

pub(super) const READER_KEYS: Keymap<Reader> = Keymap::new(&[
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "scroll down",
        Reader::Down,
    ),
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "scroll up",
        Reader::Up,
    ),
    bind(
        &[Key::ch(' '), Key::code(KeyCode::PageDown)],
        "space / PgDn",
        "page down",
        Reader::PageDown,
    ),
    bind(
        &[Key::ch('b'), Key::code(KeyCode::PageUp)],
        "b / PgUp",
        "page up",
        Reader::PageUp,
    ),
    bind(
        &[Key::ch('g'), Key::code(KeyCode::Home)],
        "g / Home",
        "top",
        Reader::Top,
    ),
    bind(
        &[Key::ch('G'), Key::code(KeyCode::End)],
        "G / End",
        "bottom",
        Reader::Bottom,
    ),
    bind(
        &[Key::ch('{'), Key::ch('}')],
        "{ }",
        "previous / next heading",
        Reader::Heading,
    ),
    bind(
        &[Key::ch('t')],
        "t",
        "table of contents (enter jumps)",
        Reader::Contents,
    ),
    bind(&[Key::ch('o')], "o", "list the links", Reader::Links),
    bind(
        ALT_DIGITS,
        "alt-1..9",
        "open link n in the browser (o lists them all)",
        Reader::Link,
    ),
    bind(&[Key::ch('/')], "/", "search this sheet", Reader::Search),
    bind(&[Key::ch('n')], "n", "next match", Reader::Next),
    bind(&[Key::ch('N')], "N", "previous match", Reader::Previous),
    bind(
        &[
            Key::code(KeyCode::Esc),
            Key::code(KeyCode::Left),
            Key::ch('h'),
            Key::code(KeyCode::Backspace),
        ],
        "esc / ← / h",
        "clear the search, then back to the list",
        Reader::Back,
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PopupCmd {
    Close,
    Up,
    Down,
    Go,
}

/// The contents and links popups.
pub(super) const POPUP_KEYS: Keymap<PopupCmd> = Keymap::new(&[
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "previous entry",
        PopupCmd::Up,
    ),
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "next entry",
        PopupCmd::Down,
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "go to the heading / open the link",
        PopupCmd::Go,
    ),
    bind(
        &[
            Key::code(KeyCode::Esc),
            Key::ch('t'),
            Key::ch('o'),
            Key::ch('h'),
        ],
        "esc / t / o / h",
        "close the popup",
        PopupCmd::Close,
    ),
]);

impl SheetsPane {
    pub(super) fn open_link(&mut self, index: usize, cx: &mut Ctx) {
        let link = self
            .with_view(|v| v.rendered.links.iter().find(|l| l.index == index).cloned())
            .flatten();
        match link {
            // A link to a heading in the same sheet scrolls there.
            Some(link) if link.url.starts_with('#') => {
                let anchor = link.url.trim_start_matches('#').to_string();
                let target = self.with_view(|v| {
                    v.rendered
                        .headings
                        .iter()
                        .find(|h| slug(&h.title) == anchor)
                        .map(|h| h.line)
                });
                match target.flatten() {
                    Some(line) => self.set_scroll(line),
                    None => cx.info(format!("no heading `{anchor}` in this sheet")),
                }
            }
            Some(link) => match crate::tui::open::open_url(&link.url) {
                Ok(m) => cx.info(m),
                Err(m) => cx.error(m),
            },
            None => cx.info(format!("this sheet has no link {index}")),
        }
    }

    pub(super) fn handle_popup_key(
        &mut self,
        popup: Popup,
        key: KeyEvent,
        cx: &mut Ctx,
    ) -> Handled {
        let (selected, count) = match popup {
            Popup::Contents(i) => (
                i,
                self.with_view(|v| v.rendered.headings.len()).unwrap_or(0),
            ),
            Popup::Links(i) => (i, self.with_view(|v| v.rendered.links.len()).unwrap_or(0)),
        };
        let moved = |i: usize| match popup {
            Popup::Contents(_) => Popup::Contents(i),
            Popup::Links(_) => Popup::Links(i),
        };
        let Some(cmd) = POPUP_KEYS.lookup(&key) else {
            return Handled::No;
        };
        match cmd {
            PopupCmd::Close => self.popup = None,
            PopupCmd::Up => self.popup = Some(moved(selected.saturating_sub(1))),
            PopupCmd::Down => self.popup = Some(moved((selected + 1).min(count.saturating_sub(1)))),
            PopupCmd::Go => {
                self.popup = None;
                match popup {
                    Popup::Contents(i) => {
                        if let Some(line) = self
                            .with_view(|v| v.rendered.headings.get(i).map(|h| h.line))
                            .flatten()
                        {
                            self.set_scroll(line);
                        }
                    }
                    Popup::Links(i) => self.open_link(i + 1, cx),
                }
            }
        }
        Handled::Yes
    }

    pub(super) fn handle_reader_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.searching {
            match self.search.handle_key(key) {
                InputEvent::Submit(text) => {
                    self.searching = false;
                    self.query = text;
                    self.first_match_from_here(cx);
                }
                InputEvent::Cancel => {
                    self.searching = false;
                    self.query.clear();
                }
                // Searching as you type: the matches show while typing.
                InputEvent::Edited => self.query = self.search.text(),
                InputEvent::Unhandled => {}
            }
            return Handled::Yes;
        }
        if let Some(popup) = self.popup {
            return self.handle_popup_key(popup, key, cx);
        }
        let page = usize::from(self.last_size.get().1).saturating_sub(2).max(1);
        let top = self.scroll();
        let Some(cmd) = READER_KEYS.lookup(&key) else {
            return Handled::No;
        };
        match cmd {
            Reader::Down => self.set_scroll(top + 1),
            Reader::Up => self.set_scroll(top.saturating_sub(1)),
            Reader::PageDown => self.set_scroll(top + page),
            Reader::PageUp => self.set_scroll(top.saturating_sub(page)),
            Reader::Top => self.set_scroll(0),
            Reader::Bottom => self.set_scroll(usize::MAX),
            Reader::Heading => {
                let forward = key.code == KeyCode::Char('}');
                let lines = self.with_view(|v| {
                    v.rendered
                        .headings
                        .iter()
                        .map(|h| h.line)
                        .collect::<Vec<_>>()
                });
                let lines = lines.unwrap_or_default();
                let target = if forward {
                    lines.into_iter().find(|&l| l > top)
                } else {
                    lines.into_iter().rev().find(|&l| l < top)
                };
                if let Some(line) = target {
                    self.set_scroll(line);
                }
            }
            Reader::Contents => {
                let headings = self.with_view(|v| {
                    v.rendered
                        .headings
                        .iter()
                        .map(|h| h.line)
                        .collect::<Vec<_>>()
                });
                let headings = headings.unwrap_or_default();
                if headings.is_empty() {
                    cx.info("this sheet has no headings");
                } else {
                    // Start on the section being read.
                    let here = headings.iter().rposition(|&l| l <= top).unwrap_or(0);
                    self.popup = Some(Popup::Contents(here));
                }
            }
            Reader::Links => {
                if self
                    .with_view(|v| v.rendered.links.is_empty())
                    .unwrap_or(true)
                {
                    cx.info("this sheet has no links");
                } else {
                    self.popup = Some(Popup::Links(0));
                }
            }
            Reader::Link => {
                if let KeyCode::Char(c @ '1'..='9') = key.code {
                    self.open_link(usize::from(c as u8 - b'0'), cx)
                }
            }
            Reader::Search => {
                self.searching = true;
                self.search.set_text("");
                self.query.clear();
            }
            Reader::Next => self.jump_to_match(true, cx),
            Reader::Previous => self.jump_to_match(false, cx),
            Reader::Back if key.code == KeyCode::Esc && !self.query.is_empty() => {
                self.query.clear()
            }
            Reader::Back => self.open = None,
        }
        Handled::Yes
    }

    pub(super) fn draw_reader(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        // The view was brought up to date in `before_draw`; drawing only reads.
        let view = self.view.borrow();
        let Some(view) = view.as_ref() else { return };
        let total = view.rendered.lines.len();
        let top = self.scroll().min(total.saturating_sub(1));
        let name = self.open.as_deref().unwrap_or_default();
        let place = position_label(top, usize::from(body.height), total);
        let hint = crate::tui::text::truncate(
            &format!("  {place}  (t contents, / search, o links, esc list)"),
            usize::from(head.width).saturating_sub(name.chars().count()),
        );
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(name.to_string(), theme.title),
                Span::styled(hint, theme.dim),
            ])),
            head,
        );

        // Mark the current match on a copy of the visible lines only.
        let end = (top + usize::from(body.height)).min(total);
        let mut visible: Vec<Line<'static>> = view.rendered.lines[top.min(end)..end].to_vec();
        if let Some(m) = view
            .matches
            .get(self.current_match)
            .filter(|m| m.line >= top && m.line < end)
        {
            let md_theme = markdown::Theme::of(self.last_theme.get());
            let shifted = Match {
                line: m.line - top,
                ..m.clone()
            };
            highlight_matches(&mut visible, &[shifted], md_theme.search_current);
        }
        f.render_widget(MarkdownView::new(&visible, 0), body);

        let footer = if self.searching {
            self.search.line("/", foot.width, theme.text)
        } else if !self.query.is_empty() {
            let n = view.matches.len();
            let at = if n == 0 { 0 } else { self.current_match + 1 };
            Line::styled(
                format!(
                    "/{}  {at} of {n}  (n next, N previous, esc clear)",
                    self.query
                ),
                theme.dim,
            )
        } else {
            Line::default()
        };
        f.render_widget(Paragraph::new(footer), foot);

        match self.popup {
            Some(Popup::Contents(selected)) => {
                let rows = view
                    .rendered
                    .headings
                    .iter()
                    .map(|h| {
                        format!(
                            "{}{}",
                            "  ".repeat(usize::from(h.level.saturating_sub(1))),
                            h.title
                        )
                    })
                    .collect();
                draw_popup(f, area, " Contents ", rows, selected, theme);
            }
            Some(Popup::Links(selected)) => {
                let rows = view
                    .rendered
                    .links
                    .iter()
                    .map(|l| format!("[{}] {}  {}", l.index, l.text, l.url))
                    .collect();
                draw_popup(f, area, " Links ", rows, selected, theme);
            }
            None => {}
        }
    }
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation dropped.
pub(super) fn slug(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A centred list popup with one selected row.
pub(super) fn draw_popup(
    f: &mut Frame,
    area: Rect,
    title: &str,
    rows: Vec<String>,
    selected: usize,
    theme: &Theme,
) {
    let width = area.width.saturating_sub(4).clamp(10, 70);
    let height = (rows.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let popup = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width: width.min(area.width),
        height: height.min(area.height),
    };
    let inner_height = usize::from(popup.height.saturating_sub(2)).max(1);
    let first = selected.saturating_sub(inner_height - 1);
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .skip(first)
        .take(inner_height)
        .map(|(i, row)| {
            Line::styled(
                row,
                if i == selected {
                    theme.selected
                } else {
                    theme.text
                },
            )
        })
        .collect();
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(title)
                .border_style(theme.border_focused),
        ),
        popup,
    );
}

/// Where the reader is, as a pager says it: "All" when the text fits,
/// "Top" at the start, "End" at the end, else how far it has scrolled.
fn position_label(top: usize, height: usize, total: usize) -> String {
    if total <= height {
        "All".into()
    } else if top == 0 {
        "Top".into()
    } else if top + height >= total {
        "End".into()
    } else {
        format!("{}%", top * 100 / (total - height))
    }
}

#[cfg(test)]
mod position_tests {
    #[test]
    fn the_top_of_a_long_sheet_says_top() {
        assert_eq!(super::position_label(0, 20, 500), "Top");
        assert_eq!(super::position_label(0, 20, 10), "All");
        assert_eq!(super::position_label(480, 20, 500), "End");
        assert_eq!(super::position_label(240, 20, 500), "50%");
    }
}
