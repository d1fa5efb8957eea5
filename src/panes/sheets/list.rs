//! The sheets list: every sheet and lesson by name, a fuzzy name filter
//! (`/`), and the way into the full-text search (`F`).

use super::*;
use crate::tui::text::truncate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Filter,
    Find,
    Up,
    Down,
    Top,
    Bottom,
    Open,
    Clear,
}

pub(super) const LIST_KEYS: Keymap<List> = Keymap::new(&[
    bind(
        &[Key::ch('/')],
        "/",
        "filter the sheets by name",
        List::Filter,
    ),
    bind(
        &[Key::ch('F')],
        "F",
        "search the text of every sheet and lesson",
        List::Find,
    ),
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "previous sheet",
        List::Up,
    ),
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "next sheet",
        List::Down,
    ),
    bind(
        &[Key::ch('g'), Key::code(KeyCode::Home)],
        "g / Home",
        "first sheet",
        List::Top,
    ),
    bind(
        &[Key::ch('G'), Key::code(KeyCode::End)],
        "G / End",
        "last sheet",
        List::Bottom,
    ),
    bind(
        &[
            Key::code(KeyCode::Enter),
            Key::code(KeyCode::Right),
            Key::ch('l'),
        ],
        "enter / → / l",
        "read the selected sheet",
        List::Open,
    ),
]);

/// Only while a name filter is set.
pub(super) const CLEAR_KEYS: Keymap<List> = Keymap::new(&[bind(
    &[Key::code(KeyCode::Esc)],
    "esc",
    "clear the filter",
    List::Clear,
)]);

/// While typing a name filter (the line editor's keys besides these).
pub(super) const FILTER_KEYS: Keymap<()> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "read the best match",
        (),
    ),
    bind(
        &[Key::code(KeyCode::Up), Key::code(KeyCode::Down)],
        "↑ ↓",
        "move in the list",
        (),
    ),
    bind(&[Key::code(KeyCode::Esc)], "esc", "clear the filter", ()),
]);

/// How well `query` matches `name` as a fuzzy subsequence (higher is
/// better), or `None` when its letters do not all appear in order. Letters
/// in a row and letters at the start of a word score extra, so `bc` ranks
/// `borrow-checker` above `abacus`.
pub fn fuzzy_score(query: &str, name: &str) -> Option<i64> {
    let query: Vec<char> = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if query.is_empty() {
        return Some(0);
    }
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let mut score = 0i64;
    let mut q = 0;
    let mut previous: Option<usize> = None;
    for (i, &c) in name.iter().enumerate() {
        if q < query.len() && c == query[q] {
            score += 1;
            if previous.is_some_and(|p| p + 1 == i) {
                score += 5;
            }
            if i == 0 || matches!(name[i - 1], '-' | '_' | ' ' | '.' | '/') {
                score += 3;
            }
            previous = Some(i);
            q += 1;
        }
    }
    // Shorter names win ties: the query covers more of them.
    (q == query.len()).then(|| score * 100 - name.len() as i64)
}

impl SheetsPane {
    pub(super) fn handle_list_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.finding.is_some() || self.found.is_some() {
            return self.handle_search_key(key, cx);
        }
        let count = self.filtered().len();
        if self.filtering {
            match key.code {
                KeyCode::Up => self.selected = self.selected.saturating_sub(1),
                KeyCode::Down => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
                _ => match self.filter.handle_key(key) {
                    InputEvent::Submit(text) => {
                        // Enter opens the best match; the filter stays.
                        self.filter.set_text(&text);
                        self.filtering = false;
                        if let Some(name) =
                            self.filtered().get(self.selected).map(|s| s.name.clone())
                        {
                            self.open(&name);
                        }
                    }
                    InputEvent::Cancel => {
                        self.filter.set_text("");
                        self.filtering = false;
                        self.selected = 0;
                    }
                    InputEvent::Edited => self.selected = 0,
                    InputEvent::Unhandled => {}
                },
            }
            return Handled::Yes;
        }
        let cmd = match LIST_KEYS.lookup(&key) {
            Some(cmd) => cmd,
            None if !self.filter.text().is_empty() && CLEAR_KEYS.lookup(&key).is_some() => {
                List::Clear
            }
            None => return Handled::No,
        };
        match cmd {
            List::Filter => self.filtering = true,
            List::Find => self.finding = Some(LineInput::new()),
            List::Up => self.selected = self.selected.saturating_sub(1),
            List::Down => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
            List::Top => self.selected = 0,
            List::Bottom => self.selected = count.saturating_sub(1),
            List::Open => match self.filtered().get(self.selected).map(|s| s.name.clone()) {
                Some(name) => {
                    self.open(&name);
                }
                None => cx.info("no sheet to open"),
            },
            List::Clear => {
                self.filter.set_text("");
                self.selected = 0;
            }
        }
        Handled::Yes
    }

    pub(super) fn draw_list(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        if self.draw_found(f, area, theme) {
            return;
        }
        let [head, list] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        let width = usize::from(head.width);
        let header = if self.filtering || !self.filter.text().is_empty() {
            let input = self.filter.line("filter: ", head.width, theme.text);
            if self.filtering {
                vec![input]
            } else {
                vec![Line::styled(
                    truncate(&format!("filter: {}", self.filter.text()), width),
                    theme.dim,
                )]
            }
        } else {
            // The hint takes the header's two rows before it is cut.
            let hint = format!(
                "{} sheets and lessons  (/ filter names, F search all text, enter read)",
                self.sheets.len()
            );
            let mut rows = crate::tui::text::wrap(&hint, width);
            if rows.len() > 2 {
                let rest: String = rows[1..].concat();
                rows.truncate(1);
                rows.push(truncate(&rest, width));
            }
            rows.into_iter()
                .map(|r| Line::styled(r, theme.dim))
                .collect()
        };
        f.render_widget(Paragraph::new(header), head);
        let sheets = self.filtered();
        if sheets.is_empty() {
            let msg = if self.sheets.is_empty() {
                "No cheat sheets yet."
            } else {
                "No sheet matches the filter."
            };
            f.render_widget(Paragraph::new(msg).style(theme.dim), list);
            return;
        }
        let height = usize::from(list.height).max(1);
        let first = self.selected.saturating_sub(height - 1);
        // Names line up in one column, as wide as the longest (within reason).
        let name_width = sheets
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(32);
        let lines: Vec<Line> = sheets
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, sheet)| {
                let style = if i == self.selected {
                    theme.selected
                } else {
                    theme.text
                };
                let name = truncate(&sheet.name, name_width);
                let room = usize::from(list.width).saturating_sub(name_width + 2);
                let title = truncate(&sheet.title(), room);
                Line::from(vec![
                    Span::styled(format!(" {name:<name_width$}"), style),
                    Span::styled(format!(" {title}"), theme.dim),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), list);
    }
}
