//! The journal pane: today's entry and past ones, a multi-line editor, and
//! search.
//!
//! The list shows today's entry first (even before anything is written),
//! then earlier entries newest first. Enter opens the selected entry in the
//! built-in [`TextEditor`], as the same plain text `megarepo journal add`
//! opens in `$EDITOR` (title and tags lines, the day's notes, then the
//! Challenges, Breakthroughs and Insights headings). Long lines wrap by
//! word (a word wider than the pane is broken with a marker) in the editor
//! and in the view, and both scroll. Tab moves between the fields (Title,
//! Tags, the notes, each heading). Ctrl-S saves; esc asks: save, discard or
//! keep editing, so nothing typed is dropped without the learner saying
//! so. `/` searches every entry.

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
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crate::tui::text;
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

    /// Ctrl-u: delete from the start of the line to the cursor.
    fn kill_to_start(&mut self) {
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        line.replace_range(..at, "");
        self.col = 0;
    }

    /// Ctrl-w: delete the word before the cursor (and the spaces after it).
    fn kill_word(&mut self) {
        let chars: Vec<char> = self.lines[self.row].chars().collect();
        let mut start = self.col;
        while start > 0 && chars[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && chars[start - 1] != ' ' {
            start -= 1;
        }
        let line = &mut self.lines[self.row];
        let (a, b) = (byte_at(line, start), byte_at(line, self.col));
        line.replace_range(a..b, "");
        self.col = start;
    }

    /// Handles an editing key; returns false for keys it does not use.
    /// The line-editing keys are those of every single-line input.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            match key.code {
                KeyCode::Char('u') => self.kill_to_start(),
                KeyCode::Char('w') => self.kill_word(),
                KeyCode::Char('a') => self.home(),
                KeyCode::Char('e') => self.end(),
                _ => return false,
            }
            return true;
        }
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => self.insert(c),
            KeyCode::Enter => self.newline(),
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

    /// The rows where a field starts: Title, Tags, the notes (after the
    /// blank line under the header) and the line under each `## ` heading.
    fn field_rows(&self) -> Vec<usize> {
        let mut rows = Vec::new();
        let mut header = true;
        for (i, l) in self.lines.iter().enumerate() {
            let lower = l.to_ascii_lowercase();
            if header && (lower.starts_with("title:") || lower.starts_with("tags:")) {
                rows.push(i);
                continue;
            }
            if header && l.trim().is_empty() {
                continue;
            }
            if header {
                header = false;
                rows.push(i);
                if !l.starts_with("## ") {
                    continue;
                }
            }
            if l.starts_with("## ") {
                rows.push((i + 1).min(self.lines.len() - 1));
            }
        }
        if header {
            // Only a header so far: the notes start after it.
            rows.push(self.lines.len() - 1);
        }
        rows.dedup();
        rows
    }

    /// Tab: the cursor goes to the end of the next field's first line
    /// (`back`: the previous field), round to the first (last) one.
    pub fn next_field(&mut self, back: bool) {
        let rows = self.field_rows();
        let target = if back {
            rows.iter()
                .rev()
                .find(|&&r| r < self.row)
                .or(rows.last())
                .copied()
        } else {
            rows.iter()
                .find(|&&r| r > self.row)
                .or(rows.first())
                .copied()
        };
        if let Some(r) = target {
            self.row = r;
            self.col = char_len(&self.lines[r]);
        }
    }

    /// The screen rows of the text at `width`, as (line, row of the line).
    fn visual_rows(&self, width: usize) -> Vec<(usize, text::Row)> {
        self.lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| text::wrap_rows(l, width).into_iter().map(move |r| (i, r)))
            .collect()
    }

    /// The cursor's screen row (counted over the whole wrapped text) and
    /// column at `width`.
    fn visual_cursor(&self, width: usize) -> (usize, usize) {
        let before: usize = self.lines[..self.row]
            .iter()
            .map(|l| text::wrap_rows(l, width).len())
            .sum();
        let line = &self.lines[self.row];
        let (r, x) = text::locate(line, &text::wrap_rows(line, width), self.col);
        (before + r, x)
    }

    /// Scroll so the cursor's screen row is inside a window of `height`
    /// rows, moving as little as possible.
    pub fn keep_cursor_visible(&mut self, width: usize, height: usize) {
        let h = height.max(1);
        let (row, _) = self.visual_cursor(width);
        if row < self.scroll {
            self.scroll = row;
        } else if row >= self.scroll + h {
            self.scroll = row + 1 - h;
        }
    }
}

enum Mode {
    List,
    Edit {
        date: Date,
        editor: TextEditor,
        /// The text as opened, to tell whether closing loses anything.
        original: String,
        /// Esc was pressed on changed text: save, discard or keep editing?
        asking: bool,
    },
    Search {
        query: LineInput,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditCmd {
    Save,
    Close,
    NextField,
    PrevField,
    LineEdit,
}

const EDIT_KEYS: Keymap<EditCmd> = Keymap::new(&[
    bind(&[Key::ctrl('s')], "ctrl-s", "save and close", EditCmd::Save),
    bind(
        &[Key::code(KeyCode::Esc)],
        "esc",
        "close (asks: save, discard or keep editing)",
        EditCmd::Close,
    ),
    bind(
        &[Key::code(KeyCode::Tab)],
        "tab",
        "next field (title, tags, notes, each heading)",
        EditCmd::NextField,
    ),
    bind(
        &[Key::code(KeyCode::BackTab)],
        "shift-tab",
        "previous field",
        EditCmd::PrevField,
    ),
    bind(
        &[
            Key::ctrl('u'),
            Key::ctrl('w'),
            Key::ctrl('a'),
            Key::ctrl('e'),
        ],
        "ctrl-u w a e",
        "clear to the line's start, delete a word, line start, line end",
        EditCmd::LineEdit,
    ),
]);

/// The question after esc on a changed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Save,
    Discard,
    Keep,
}

const ASK_KEYS: Keymap<Ask> = Keymap::new(&[
    bind(
        &[Key::ch('s'), Key::ctrl('s')],
        "s",
        "save and close",
        Ask::Save,
    ),
    bind(
        &[Key::ch('d')],
        "d",
        "discard the changes and close",
        Ask::Discard,
    ),
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Esc)],
        "k / esc",
        "keep editing",
        Ask::Keep,
    ),
]);

/// In the list: scroll the entry shown under it.
const VIEW_KEYS: Keymap<bool> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::PageDown), Key::ch('J')],
        "pgdn / J",
        "scroll the entry down",
        true,
    ),
    bind(
        &[Key::code(KeyCode::PageUp), Key::ch('K')],
        "pgup / K",
        "scroll the entry up",
        false,
    ),
]);

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
    /// The pane's size (from `on_resize`), for wrapping and scrolling.
    size: (u16, u16),
    /// First screen row of the entry shown under the list.
    view_scroll: usize,
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
            size: (0, 0),
            view_scroll: 0,
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
                original: editor.text(),
                editor,
                asking: false,
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
        match &mut self.mode {
            Mode::Edit {
                date,
                editor,
                original,
                asking,
            } => {
                let date = *date;
                if *asking {
                    match ASK_KEYS.lookup(&key) {
                        Some(Ask::Save) => {
                            let text = editor.text();
                            self.save(date, &text, cx);
                        }
                        Some(Ask::Discard) => {
                            self.mode = Mode::List;
                            cx.info(format!("journal entry for {date} left unchanged"));
                        }
                        Some(Ask::Keep) => *asking = false,
                        None => {}
                    }
                    return Handled::Yes;
                }
                match EDIT_KEYS.lookup(&key) {
                    Some(EditCmd::Save) => {
                        let text = editor.text();
                        self.save(date, &text, cx);
                    }
                    Some(EditCmd::Close) if editor.text() == *original => {
                        self.mode = Mode::List;
                        cx.info("nothing changed");
                    }
                    Some(EditCmd::Close) => *asking = true,
                    Some(EditCmd::NextField) => editor.next_field(false),
                    Some(EditCmd::PrevField) => editor.next_field(true),
                    Some(EditCmd::LineEdit) | None => {
                        editor.handle_key(key);
                    }
                }
                Handled::Yes
            }
            Mode::Search { query, hits } => {
                // The same line editor as every single-line input.
                match query.handle_key(key) {
                    InputEvent::Cancel => self.mode = Mode::List,
                    InputEvent::Submit(q) => {
                        query.set_text(&q);
                        *hits = Some(search(&self.entries, &q));
                    }
                    InputEvent::Edited => *hits = None,
                    InputEvent::Unhandled => {}
                }
                Handled::Yes
            }
            Mode::List => {
                if let Some(down) = VIEW_KEYS.lookup(&key) {
                    let step = usize::from(self.size.1 / 2).max(1);
                    self.view_scroll = if down {
                        self.view_scroll + step
                    } else {
                        self.view_scroll.saturating_sub(step)
                    };
                    return Handled::Yes;
                }
                let Some(cmd) = KEYS.lookup(&key) else {
                    return Handled::No;
                };
                self.view_scroll = 0;
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
                            query: LineInput::new(),
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
            Mode::Edit {
                editor,
                asking: false,
                ..
            } => {
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
            Mode::List => {
                let mut k = KEYS.help();
                k.extend(VIEW_KEYS.help());
                k
            }
            Mode::Edit { asking: true, .. } => ASK_KEYS.help(),
            Mode::Edit { .. } => EDIT_KEYS.help(),
            Mode::Search { .. } => SEARCH_KEYS.help(),
        }
    }

    fn on_resize(&mut self, area: Rect, _theme: &Theme) {
        self.size = (area.width, area.height);
    }

    fn before_draw(&mut self) {
        let (w, h) = self.size;
        if let Mode::Edit { editor, .. } = &mut self.mode {
            // The first line is the editor's header.
            editor.keep_cursor_visible(usize::from(w), usize::from(h.saturating_sub(1)));
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        match &self.mode {
            Mode::List => {
                let mut lines = vec![Line::styled(
                    text::truncate(
                        "Journal · enter write · / search · pgdn/pgup scroll · `megarepo journal export DIR` publishes",
                        usize::from(area.width),
                    ),
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
                    // Date first, then the title, then tags, each cut to
                    // what is left.
                    let room = usize::from(area.width).saturating_sub(11);
                    let title = text::truncate(&title, room);
                    let tags = text::truncate(&tags, room.saturating_sub(title.chars().count()));
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", e.date), theme.dim),
                        Span::styled(title, style),
                        Span::styled(tags, theme.dim),
                    ]));
                }
                // The selected entry under the list, wrapped to the pane and
                // scrolled with pgdn / pgup.
                let width = usize::from(area.width);
                let room = usize::from(area.height).saturating_sub(lines.len() + 1);
                if let Some(e) = self.entries.get(self.selected)
                    && room > 0
                {
                    let rows: Vec<String> = e
                        .to_editor_text()
                        .lines()
                        .skip(3)
                        .flat_map(|l| text::wrap(l, width))
                        .collect();
                    let top = self.view_scroll.min(rows.len().saturating_sub(room));
                    lines.push(if top > 0 {
                        Line::styled(format!("↑ {top} more rows (pgup)"), theme.dim)
                    } else {
                        Line::raw("")
                    });
                    let shown = rows.len().saturating_sub(top).min(room);
                    for r in rows.iter().skip(top).take(shown) {
                        lines.push(Line::styled(r.clone(), theme.text));
                    }
                    let below = rows.len() - top - shown;
                    if below > 0
                        && let Some(last) = lines.last_mut()
                    {
                        *last =
                            Line::styled(format!("↓ {} more rows (pgdn)", below + 1), theme.dim);
                    }
                }
                f.render_widget(Paragraph::new(lines), area);
            }
            Mode::Search { query, hits } => {
                let mut lines = vec![
                    query.line("Search: ", area.width, theme.text),
                    Line::styled("enter search · esc back · ctrl-u clear", theme.dim),
                ];
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
            Mode::Edit {
                date,
                editor,
                asking,
                ..
            } => {
                let header = if *asking {
                    Line::from(vec![
                        Span::styled("Close: ", theme.title),
                        Span::styled("s", theme.key),
                        Span::styled(" save · ", theme.text),
                        Span::styled("d", theme.key),
                        Span::styled(" discard · ", theme.text),
                        Span::styled("k", theme.key),
                        Span::styled(" keep editing", theme.text),
                    ])
                } else {
                    Line::styled(
                        text::truncate(
                            &format!("Editing {date} · ctrl-s saves · esc closes · tab next field"),
                            usize::from(area.width),
                        ),
                        theme.dim,
                    )
                };
                let mut lines = vec![header];
                let width = usize::from(area.width);
                let height = usize::from(area.height.saturating_sub(1));
                let (cur_row, cur_x) = editor.visual_cursor(width);
                let rows = editor.visual_rows(width);
                for (i, (line, row)) in rows.iter().enumerate().skip(editor.scroll).take(height) {
                    let l = &editor.lines[*line];
                    let mut t: String = l
                        .chars()
                        .skip(row.start)
                        .take(row.end - row.start)
                        .collect();
                    if i == cur_row {
                        // Draw the cursor as a reversed cell too, so it shows
                        // in snapshots and on terminals that hide the caret.
                        let at = editor
                            .col
                            .saturating_sub(row.start)
                            .min(row.end - row.start);
                        let at = if *line == editor.row { at } else { 0 };
                        let (a, b) = t.split_at(byte_at(&t, at));
                        let mut chars = b.chars();
                        let cur = chars.next().map(String::from).unwrap_or_else(|| " ".into());
                        let mut spans = vec![
                            Span::styled(a.to_string(), theme.text),
                            Span::styled(cur, theme.text.add_modifier(Modifier::REVERSED)),
                            Span::styled(chars.as_str().to_string(), theme.text),
                        ];
                        if row.cut {
                            spans.push(Span::styled(text::WORD_CUT, theme.dim));
                        }
                        lines.push(Line::from(spans));
                    } else {
                        let mut spans = vec![Span::styled(std::mem::take(&mut t), theme.text)];
                        if row.cut {
                            spans.push(Span::styled(text::WORD_CUT, theme.dim));
                        }
                        lines.push(Line::from(spans));
                    }
                }
                f.render_widget(Paragraph::new(lines), area);
                // The terminal's own cursor where the typing goes.
                if !*asking && cur_row >= editor.scroll && cur_row < editor.scroll + height {
                    let x = area.x
                        + u16::try_from(cur_x)
                            .unwrap_or(u16::MAX)
                            .min(area.width.saturating_sub(1));
                    let y = area.y + 1 + u16::try_from(cur_row - editor.scroll).unwrap_or(0);
                    if y < area.bottom() {
                        f.set_cursor_position(Position::new(x, y));
                    }
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
    fn line_editing_keys_match_the_single_line_inputs() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let mut e = TextEditor::new("first line\nsome more words");
        e.down(1);
        e.end();
        assert!(e.handle_key(ctrl('w')));
        assert_eq!(e.text(), "first line\nsome more \n");
        assert!(e.handle_key(ctrl('u')));
        assert_eq!(e.text(), "first line\n\n");
        e.up(1);
        assert!(e.handle_key(ctrl('a')));
        assert_eq!(e.cursor(), (0, 0));
        assert!(e.handle_key(ctrl('e')));
        assert_eq!(e.cursor(), (0, 10));
        // Tab is the pane's (next field), never a tab character.
        assert!(!e.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
        assert_eq!(e.text(), "first line\n\n");
    }

    #[test]
    fn tab_visits_title_tags_notes_and_each_heading() {
        let mut e =
            TextEditor::new("Title: t\nTags: x\n\nnotes\n\n## Challenges\n\n## Insights\nbody");
        e.place_cursor(0, 0);
        let mut rows = Vec::new();
        for _ in 0..6 {
            e.next_field(false);
            rows.push(e.cursor().0);
        }
        assert_eq!(rows, [1, 3, 6, 8, 0, 1]);
        e.next_field(true);
        assert_eq!(e.cursor().0, 0);
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
