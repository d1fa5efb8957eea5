//! The journal pane: today's entry and past ones, a multi-line editor, and
//! search.
//!
//! The list shows today's entry first (even before anything is written),
//! then earlier entries newest first. Enter opens the selected entry in the
//! built-in [`TextEditor`], as the same plain text `megarepo journal add`
//! opens in `$EDITOR` (title and tags lines, the day's notes, then the
//! Challenges, Breakthroughs and Insights headings). Esc or Ctrl-S saves the
//! edit to the store; nothing typed is ever dropped silently. `/` searches
//! every entry.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::pane::{Ctx, Handled, Pane};
use crate::store::Store;
use crate::study::journal::{JournalEntry, SearchHit, search};
use crate::study::{Clock, StudyStore};
use crate::theme::Theme;
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use std::sync::Arc;

/// A small multi-line text editor: a cursor over lines of text.
///
/// Columns count `char`s, not bytes, so the cursor never lands inside a
/// multi-byte character.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextEditor {
    lines: Vec<String>,
    row: usize,
    col: usize,
    scroll: usize,
}

fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map(|(i, _)| i).unwrap_or(s.len())
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

impl TextEditor {
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        TextEditor {
            lines,
            row: 0,
            col: 0,
            scroll: 0,
        }
    }

    /// Put the cursor at `row`, `col` (clamped to the text).
    pub fn place_cursor(&mut self, row: usize, col: usize) {
        self.row = row.min(self.lines.len() - 1);
        self.col = col.min(char_len(&self.lines[self.row]));
    }

    pub fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t
    }

    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn insert(&mut self, c: char) {
        if c == '\n' {
            return self.newline();
        }
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        line.insert(at, c);
        self.col += 1;
    }

    pub fn insert_str(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\r' => {}
                '\t' => {
                    for _ in 0..4 {
                        self.insert(' ');
                    }
                }
                c => self.insert(c),
            }
        }
    }

    pub fn newline(&mut self) {
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        let rest = line.split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    pub fn backspace(&mut self) {
        if self.col > 0 {
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col - 1);
            line.remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = char_len(&self.lines[self.row]);
            self.lines[self.row].push_str(&line);
        }
    }

    pub fn delete(&mut self) {
        let len = char_len(&self.lines[self.row]);
        if self.col < len {
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col);
            line.remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = char_len(&self.lines[self.row]);
        }
    }

    pub fn right(&mut self) {
        if self.col < char_len(&self.lines[self.row]) {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    pub fn up(&mut self, n: usize) {
        self.row = self.row.saturating_sub(n);
        self.col = self.col.min(char_len(&self.lines[self.row]));
    }

    pub fn down(&mut self, n: usize) {
        self.row = (self.row + n).min(self.lines.len() - 1);
        self.col = self.col.min(char_len(&self.lines[self.row]));
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = char_len(&self.lines[self.row]);
    }

    /// Handles an editing key; returns false for keys it does not use.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => self.insert(c),
            KeyCode::Enter => self.newline(),
            KeyCode::Tab => self.insert_str("\t"),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Up => self.up(1),
            KeyCode::Down => self.down(1),
            KeyCode::PageUp => self.up(10),
            KeyCode::PageDown => self.down(10),
            KeyCode::Home => self.home(),
            KeyCode::End => self.end(),
            _ => return false,
        }
        true
    }

    /// Keeps the cursor row inside a window of `height` rows.
    fn scrolled(&self, height: usize) -> usize {
        let h = height.max(1);
        if self.row < self.scroll {
            self.row
        } else if self.row >= self.scroll + h {
            self.row + 1 - h
        } else {
            self.scroll
        }
    }
}

enum Mode {
    List,
    Edit {
        date: Date,
        editor: TextEditor,
    },
    Search {
        query: String,
        hits: Option<Vec<SearchHit>>,
    },
}

pub const ID: &str = "journal";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Down,
    Up,
    Write,
    Search,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "next entry",
        Cmd::Down,
    ),
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "previous entry",
        Cmd::Up,
    ),
    bind(
        &[Key::code(KeyCode::Enter), Key::ch('e')],
        "enter / e",
        "write in the selected entry",
        Cmd::Write,
    ),
    bind(
        &[Key::ch('/')],
        "/",
        "search every entry (enter runs, esc leaves)",
        Cmd::Search,
    ),
]);

/// In the editor (the editing keys are the editor's own).
const EDIT_KEYS: Keymap<()> = Keymap::new(&[bind(
    &[Key::code(KeyCode::Esc), Key::ctrl('s')],
    "esc / ctrl-s",
    "save and close",
    (),
)]);

/// While typing a search.
const SEARCH_KEYS: Keymap<()> = Keymap::new(&[
    bind(&[Key::code(KeyCode::Enter)], "enter", "search", ()),
    bind(&[Key::code(KeyCode::Esc)], "esc", "back to the list", ()),
]);

pub struct JournalPane {
    store: StudyStore,
    clock: Arc<dyn Clock + Send + Sync>,
    entries: Vec<JournalEntry>,
    selected: usize,
    mode: Mode,
    error: Option<String>,
}

impl JournalPane {
    /// Reads nothing yet: the entries (years of them) are read when the
    /// pane is first shown, not while the app starts (issue 19).
    pub fn new(store: &Store, clock: Arc<dyn Clock + Send + Sync>) -> Self {
        JournalPane {
            store: StudyStore::new(store.clone()),
            clock,
            entries: Vec::new(),
            selected: 0,
            mode: Mode::List,
            error: None,
        }
    }

    /// Reloads entries; today's is always first, then older ones newest first.
    fn reload(&mut self) {
        let today = self.clock.today();
        match self.store.journal_entries() {
            Ok(mut all) => {
                all.sort_by_key(|e| std::cmp::Reverse(e.date));
                if !all.iter().any(|e| e.date == today) {
                    all.insert(0, JournalEntry::new(today, self.clock.now()));
                }
                // Entries dated after today (a clock change) stay listed.
                self.entries = all;
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        self.selected = self.selected.min(self.entries.len().saturating_sub(1));
    }

    pub fn is_editing(&self) -> bool {
        matches!(self.mode, Mode::Edit { .. })
    }

    fn open_selected(&mut self) {
        if let Some(e) = self.entries.get(self.selected) {
            let mut editor = TextEditor::new(&e.to_editor_text());
            // Start where the writing goes: at the end of the day's entry,
            // which follows the Title, Tags and blank lines.
            let body: Vec<&str> = e.entry.trim().lines().collect();
            let row = 3 + body.len().saturating_sub(1);
            editor.place_cursor(row, body.last().map_or(0, |l| l.chars().count()));
            self.mode = Mode::Edit {
                date: e.date,
                editor,
            };
        }
    }

    /// Saves the editor's text into the entry of `date`.
    fn save(&mut self, date: Date, text: &str, cx: &mut Ctx) {
        let now = self.clock.now();
        let mut entry = match self.store.journal(date) {
            Ok(e) => e.unwrap_or_else(|| JournalEntry::new(date, now)),
            Err(e) => {
                cx.error(format!("journal not saved: {e}"));
                return;
            }
        };
        entry.update_from_editor_text(text, now);
        match self
            .store
            .save_journal(&entry)
            .and_then(|()| self.store.flush())
        {
            Ok(()) => {
                cx.info(format!("journal entry for {date} saved"));
                self.mode = Mode::List;
                self.reload();
            }
            // Stay in the editor so the text is not lost.
            Err(e) => cx.error(format!("journal not saved: {e}")),
        }
    }
}

impl Pane for JournalPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Journal".into()
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match &mut self.mode {
            Mode::Edit { date, editor } => {
                let save = key.code == KeyCode::Esc || (ctrl && key.code == KeyCode::Char('s'));
                if save {
                    let (date, text) = (*date, editor.text());
                    self.save(date, &text, cx);
                } else {
                    editor.handle_key(key);
                }
                Handled::Yes
            }
            Mode::Search { query, hits } => {
                match key.code {
                    KeyCode::Esc => self.mode = Mode::List,
                    KeyCode::Enter => *hits = Some(search(&self.entries, query)),
                    KeyCode::Backspace => {
                        query.pop();
                        *hits = None;
                    }
                    KeyCode::Char(c) if !ctrl => {
                        query.push(c);
                        *hits = None;
                    }
                    _ => {}
                }
                Handled::Yes
            }
            Mode::List => {
                let Some(cmd) = KEYS.lookup(&key) else {
                    return Handled::No;
                };
                match cmd {
                    Cmd::Down => {
                        if self.selected + 1 < self.entries.len() {
                            self.selected += 1;
                        }
                    }
                    Cmd::Up => self.selected = self.selected.saturating_sub(1),
                    Cmd::Write => self.open_selected(),
                    Cmd::Search => {
                        self.mode = Mode::Search {
                            query: String::new(),
                            hits: None,
                        }
                    }
                }
                Handled::Yes
            }
        }
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        match &mut self.mode {
            Mode::Edit { editor, .. } => {
                editor.insert_str(text);
                Handled::Yes
            }
            _ => Handled::No,
        }
    }

    fn on_show(&mut self, _cx: &mut Ctx) {
        if !self.is_editing() {
            self.reload();
        }
    }

    fn captures_text(&self) -> bool {
        !matches!(self.mode, Mode::List)
    }

    fn keys(&self) -> Vec<KeyHelp> {
        match self.mode {
            Mode::List => KEYS.help(),
            Mode::Edit { .. } => EDIT_KEYS.help(),
            Mode::Search { .. } => SEARCH_KEYS.help(),
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        match &self.mode {
            Mode::List => {
                let mut lines = vec![Line::styled(
                    "Journal · enter write · / search · `megarepo journal export DIR` publishes",
                    theme.dim,
                )];
                if let Some(e) = &self.error {
                    lines.push(Line::styled(e.clone(), theme.error));
                }
                let today = self.clock.today();
                for (i, e) in self.entries.iter().enumerate() {
                    let style = if i == self.selected {
                        theme.selected
                    } else {
                        theme.text
                    };
                    let title = if e.is_empty() && e.date == today {
                        "today: nothing written yet".to_string()
                    } else {
                        e.display_title()
                    };
                    let tags = if e.tags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", e.tags.join(", "))
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", e.date), theme.dim),
                        Span::styled(title, style),
                        Span::styled(tags, theme.dim),
                    ]));
                }
                if let Some(e) = self.entries.get(self.selected) {
                    lines.push(Line::raw(""));
                    for l in e
                        .to_editor_text()
                        .lines()
                        .skip(3)
                        .take(area.height as usize)
                    {
                        lines.push(Line::styled(l.to_string(), theme.text));
                    }
                }
                f.render_widget(Paragraph::new(lines), area);
            }
            Mode::Search { query, hits } => {
                let mut lines = vec![Line::from(vec![
                    Span::styled("Search: ", theme.key),
                    Span::styled(format!("{query}▏"), theme.text),
                    Span::styled("  enter search · esc back", theme.dim),
                ])];
                match hits {
                    None => {}
                    Some(h) if h.is_empty() => lines.push(Line::styled("no matches", theme.dim)),
                    Some(h) => {
                        for hit in h {
                            lines.push(Line::from(vec![
                                Span::styled(format!("{} {:<13} ", hit.date, hit.field), theme.dim),
                                Span::styled(hit.snippet.clone(), theme.text),
                            ]));
                        }
                    }
                }
                f.render_widget(Paragraph::new(lines), area);
            }
            Mode::Edit { date, editor } => {
                let height = area.height.saturating_sub(1) as usize;
                let scroll = editor.scrolled(height);
                let mut lines = vec![Line::styled(
                    format!("Editing {date} · esc or ctrl-s saves"),
                    theme.dim,
                )];
                let (row, col) = editor.cursor();
                for (i, l) in editor.lines.iter().enumerate().skip(scroll).take(height) {
                    if i == row {
                        // Draw the cursor as a reversed cell too, so it shows
                        // in snapshots and on terminals that hide the caret.
                        let at = byte_at(l, col);
                        let (a, b) = l.split_at(at);
                        let mut chars = b.chars();
                        let cur = chars.next().map(String::from).unwrap_or_else(|| " ".into());
                        lines.push(Line::from(vec![
                            Span::styled(a.to_string(), theme.text),
                            Span::styled(cur, theme.text.add_modifier(Modifier::REVERSED)),
                            Span::styled(chars.as_str().to_string(), theme.text),
                        ]));
                    } else {
                        lines.push(Line::styled(l.clone(), theme.text));
                    }
                }
                f.render_widget(Paragraph::new(lines), area);
                let x = area.x.saturating_add(
                    u16::try_from(editor.lines[row].chars().take(col).count()).unwrap_or(u16::MAX),
                );
                let y = area
                    .y
                    .saturating_add(1)
                    .saturating_add(u16::try_from(row - scroll).unwrap_or(u16::MAX));
                if x < area.right() && y < area.bottom() {
                    f.set_cursor_position(Position::new(x, y));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_keeps_unicode_intact() {
        let mut e = TextEditor::new("héllo\nwörld");
        e.down(1);
        e.end();
        e.insert('!');
        e.up(1);
        e.home();
        e.right();
        e.right();
        e.backspace(); // removes é
        e.newline();
        assert_eq!(e.text(), "h\nllo\nwörld!\n");
        e.home();
        e.backspace(); // joins the lines again
        assert_eq!(e.text(), "hllo\nwörld!\n");
        e.end();
        e.delete(); // joins with the next line
        assert_eq!(e.text(), "hllowörld!\n");
        e.insert_str("a\tb\r\nc");
        assert_eq!(e.text(), "hlloa    b\ncwörld!\n");
        assert_eq!(e.cursor(), (1, 1));
    }

    #[test]
    fn cursor_stays_in_bounds() {
        let mut e = TextEditor::new("");
        e.left();
        e.up(5);
        e.backspace();
        e.delete();
        e.down(3);
        assert_eq!(e.cursor(), (0, 0));
        e.insert_str("long line\nx");
        e.up(1);
        e.end();
        e.down(1);
        assert_eq!(e.cursor(), (1, 1));
    }
}
