//! Searching: the full text of every sheet and lesson (`F` in the list,
//! results to pick from), and matches inside the open sheet (`/`, `n`, `N`).

use super::*;

/// While typing a search (full text, or in the open sheet).
pub(super) const SEARCH_KEYS: Keymap<()> = Keymap::new(&[
    bind(&[Key::code(KeyCode::Enter)], "enter", "search", ()),
    bind(&[Key::code(KeyCode::Esc)], "esc", "cancel", ()),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub(super) enum Found_ {
    Up,
    Down,
    PageUp,
    PageDown,
    Close,
    Edit,
    Open,
}

/// The full-text search results.
pub(super) const FOUND_KEYS: Keymap<Found_> = Keymap::new(&[
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "previous hit",
        Found_::Up,
    ),
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "next hit",
        Found_::Down,
    ),
    bind(
        &[Key::code(KeyCode::PageUp)],
        "PgUp",
        "ten hits up",
        Found_::PageUp,
    ),
    bind(
        &[Key::code(KeyCode::PageDown)],
        "PgDn",
        "ten hits down",
        Found_::PageDown,
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "open the sheet at the hit",
        Found_::Open,
    ),
    bind(&[Key::ch('F')], "F", "change the search", Found_::Edit),
    bind(
        &[Key::code(KeyCode::Esc)],
        "esc",
        "back to the list",
        Found_::Close,
    ),
]);

impl SheetsPane {
    /// Keys while the full-text search is typed or its results are shown.
    pub(super) fn handle_search_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if let Some(input) = &mut self.finding {
            match input.handle_key(key) {
                InputEvent::Submit(q) => {
                    self.finding = None;
                    let hits = crate::content::sheets::search(&self.sheets, &q);
                    if hits.is_empty() {
                        cx.info(format!("no sheet or lesson mentions `{q}`"));
                    } else {
                        cx.info(format!(
                            "{} lines mention `{q}`; enter opens one",
                            hits.len()
                        ));
                        self.found = Some(Found {
                            query: q,
                            hits,
                            selected: 0,
                        });
                    }
                }
                InputEvent::Cancel => self.finding = None,
                _ => {}
            }
            return Handled::Yes;
        }
        if let Some(found) = &mut self.found {
            let n = found.hits.len();
            let Some(cmd) = FOUND_KEYS.lookup(&key) else {
                return Handled::No;
            };
            match cmd {
                Found_::Up => found.selected = found.selected.saturating_sub(1),
                Found_::Down => found.selected = (found.selected + 1).min(n.saturating_sub(1)),
                Found_::PageUp => found.selected = found.selected.saturating_sub(10),
                Found_::PageDown => found.selected = (found.selected + 10).min(n.saturating_sub(1)),
                Found_::Close => self.found = None,
                Found_::Edit => self.finding = Some(LineInput::with_text(&found.query)),
                Found_::Open => {
                    let hit = found.hits[found.selected].clone();
                    // Which match within its sheet this hit is, to land on it.
                    let nth = found.hits[..found.selected]
                        .iter()
                        .filter(|h| h.sheet == hit.sheet)
                        .count();
                    let query = found.query.clone();
                    self.open_at_match(&hit.sheet, &query, nth, cx);
                }
            }
            return Handled::Yes;
        }
        Handled::No
    }

    pub(super) fn jump_to_match(&mut self, forward: bool, cx: &mut Ctx) {
        let Some(lines) = self.with_view(|v| v.matches.iter().map(|m| m.line).collect::<Vec<_>>())
        else {
            return;
        };
        if lines.is_empty() {
            if !self.query.is_empty() {
                cx.info(format!("no match for `{}`", self.query));
            }
            return;
        }
        let n = lines.len();
        self.current_match = if forward {
            (self.current_match + 1) % n
        } else {
            (self.current_match + n - 1) % n
        };
        self.reveal(lines[self.current_match]);
        cx.info(format!("match {} of {n}", self.current_match + 1));
    }

    /// After a search is entered: the first match at or below the top of the screen.
    pub(super) fn first_match_from_here(&mut self, cx: &mut Ctx) {
        let top = self.scroll();
        let Some(lines) = self.with_view(|v| v.matches.iter().map(|m| m.line).collect::<Vec<_>>())
        else {
            return;
        };
        if lines.is_empty() {
            cx.info(format!("no match for `{}`", self.query));
            return;
        }
        self.current_match = lines.iter().position(|&l| l >= top).unwrap_or(0);
        self.reveal(lines[self.current_match]);
        cx.info(format!(
            "match {} of {}",
            self.current_match + 1,
            lines.len()
        ));
    }

    /// Open `name` with `query` as the reader's search, on its `nth` match.
    pub(super) fn open_at_match(&mut self, name: &str, query: &str, nth: usize, cx: &mut Ctx) {
        if !self.open(name) {
            cx.error(format!("`{name}` is gone (it was changed on disk)"));
            return;
        }
        self.query = query.to_string();
        let (w, _) = self.last_size.get();
        self.ensure_view(w, self.last_theme.get());
        let lines = self
            .with_view(|v| v.matches.iter().map(|m| m.line).collect::<Vec<_>>())
            .unwrap_or_default();
        if let Some(&line) = lines.get(nth.min(lines.len().saturating_sub(1))) {
            self.current_match = nth.min(lines.len() - 1);
            self.reveal(line);
            cx.info(format!(
                "match {} of {} (n / N for more)",
                self.current_match + 1,
                lines.len()
            ));
        }
        self.prepare_highlighting(cx);
    }

    pub(super) fn draw_found(&self, f: &mut Frame, area: Rect, theme: &Theme) -> bool {
        let [head, list] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        if let Some(input) = &self.finding {
            f.render_widget(
                Paragraph::new(vec![
                    input.line("search all sheets and lessons: ", head.width, theme.text),
                    Line::styled("enter searches, esc cancels", theme.dim),
                ]),
                head,
            );
            return true;
        }
        let Some(found) = &self.found else {
            return false;
        };
        f.render_widget(
            Paragraph::new(Line::styled(
                crate::tui::text::truncate(
                    &format!(
                        "{} lines mention `{}`  (enter open, F search again, esc back)",
                        found.hits.len(),
                        found.query
                    ),
                    usize::from(head.width),
                ),
                theme.dim,
            )),
            head,
        );
        let height = usize::from(list.height).max(1);
        let first = found.selected.saturating_sub(height - 1);
        let lines: Vec<Line> = found
            .hits
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, h)| {
                let style = if i == found.selected {
                    theme.selected
                } else {
                    theme.text
                };
                // The matched text comes first, cut so the match shows;
                // the heading follows when there is room.
                let place = format!(" {}:{}  ", h.sheet, h.line);
                let room = usize::from(list.width).saturating_sub(place.chars().count());
                let text = crate::tui::text::around(h.text.trim(), &found.query, room);
                let left = room.saturating_sub(text.chars().count() + 2);
                let heading = if left >= 6 && !h.heading.is_empty() {
                    format!("  {}", crate::tui::text::truncate(&h.heading, left))
                } else {
                    String::new()
                };
                Line::from(vec![
                    Span::styled(place, style),
                    Span::styled(text, theme.text),
                    Span::styled(heading, theme.accent),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), list);
        true
    }
}
