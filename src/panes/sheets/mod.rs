//! The sheets pane: the cheat sheets, listed with a fuzzy filter, and read
//! with the Markdown renderer.
//!
//! Sheets come from two places: the copies compiled into the binary (by
//! build.rs) and, overriding them by name, the `cheatsheets/` folder of the
//! content directory, read on a background thread when the pane is first
//! shown or the folder changes. The reader keeps a scroll position per
//! sheet, offers a table of contents and a link list (popups), and searches
//! with `/`, `n` and `N`.
//!
//! Code colours are never waited for: the reader renders with
//! `markdown::render_quick`, which leaves blocks plain while syntect (tens of
//! milliseconds to load and compile its grammars) works on a background
//! thread; when that thread reports [`HighlightReady`], the sheet is drawn
//! again in colour.
//!
//! Rendering needs the width of the area, which only `draw` knows, so the
//! rendered document is memoised in a `RefCell` keyed by (sheet, width,
//! theme, query): `draw` fills it when the key changes and key handling reads
//! it. It is a cache of a pure function of the state, so drawing still
//! changes nothing a user can observe.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::jobs::Mailbox;
use crate::markdown::{
    self, MarkdownView, Match, Rendered, ThemeKind, find_matches, highlight_matches,
};
use crate::pane::{Ctx, Handled, Pane};
use crate::theme::{Mode, Theme};
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{ALT_DIGITS, Key, KeyHelp, Keymap, bind};

pub const ID: &str = "sheets";

pub use crate::content::sheets::{Sheet, SheetsLoaded, embedded_sheets, load_sheets};

mod list;
mod reader;
mod search;

pub use list::fuzzy_score;
use list::{CLEAR_KEYS, FILTER_KEYS, LIST_KEYS};
use reader::{POPUP_KEYS, READER_KEYS};
use search::{FOUND_KEYS, SEARCH_KEYS};

/// What the pane's background jobs report.
enum Msg {
    /// The highlighting thread cached a sheet's code colours.
    HighlightReady,
    /// The sheets were read from the content and data folders.
    Loaded(SheetsLoaded),
}

/// The pane's popups over the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Popup {
    Contents(usize),
    Links(usize),
}

/// What the memoised rendering depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ViewKey {
    sheet: String,
    /// Changes when the sheet's text is reloaded.
    text_len: usize,
    width: u16,
    theme: ThemeKind,
    query: String,
}

/// The reader's place, kept across runs.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct SavedReading {
    open: Option<String>,
    scroll: HashMap<String, usize>,
}

/// Results of a full-text search.
struct Found {
    query: String,
    hits: Vec<crate::content::sheets::Hit>,
    selected: usize,
}

struct View {
    key: ViewKey,
    rendered: Rendered,
    matches: Vec<Match>,
}

pub struct SheetsPane {
    sheets: Vec<Sheet>,
    loaded_from_disk: bool,
    /// A sheet asked for before the disk load finished: looked up again
    /// when it does (the learner's own sheets are only known then).
    pending_open: Option<String>,
    /// The first disk load has arrived.
    disk_done: bool,
    /// Full-text search across every sheet and lesson (`F` in the list):
    /// the input while typing, then the hits to pick from.
    finding: Option<LineInput>,
    found: Option<Found>,
    /// The store the reading position is saved to on exit (set when shown).
    saver: Option<crate::store::Store>,
    /// The list's filter, and whether keys are going into it.
    filter: LineInput,
    filtering: bool,
    /// Selected row of the filtered list.
    selected: usize,
    /// Name of the open sheet, if reading.
    open: Option<String>,
    scroll: HashMap<String, usize>,
    popup: Option<Popup>,
    search: LineInput,
    searching: bool,
    query: String,
    current_match: usize,
    view: RefCell<Option<View>>,
    /// Size of the reader's text area at the last draw; key handling pages
    /// and renders with it (80x24 until the first draw).
    last_size: Cell<(u16, u16)>,
    last_theme: Cell<ThemeKind>,
    /// (sheet, theme, text length) whose highlighting was started, so one
    /// sheet starts at most one background job.
    prepared: Option<(String, ThemeKind, usize)>,
    mailbox: Mailbox<Msg>,
}

impl Default for SheetsPane {
    fn default() -> Self {
        SheetsPane::new(embedded_sheets())
    }
}

impl SheetsPane {
    pub fn new(sheets: Vec<Sheet>) -> Self {
        SheetsPane {
            sheets,
            loaded_from_disk: false,
            pending_open: None,
            disk_done: false,
            finding: None,
            found: None,
            saver: None,
            filter: LineInput::new(),
            filtering: false,
            selected: 0,
            open: None,
            scroll: HashMap::new(),
            popup: None,
            search: LineInput::new(),
            searching: false,
            query: String::new(),
            current_match: 0,
            view: RefCell::new(None),
            last_size: Cell::new((80, 24)),
            last_theme: Cell::new(ThemeKind::Dark),
            prepared: None,
            mailbox: Mailbox::new(),
        }
    }

    /// The sheets matching the filter, best first (all, by name, when empty).
    pub fn filtered(&self) -> Vec<&Sheet> {
        let query = self.filter.text();
        let mut scored: Vec<(i64, &Sheet)> = self
            .sheets
            .iter()
            .filter_map(|s| fuzzy_score(&query, &s.name).map(|score| (score, s)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        scored.into_iter().map(|(_, s)| s).collect()
    }

    /// Name of the sheet being read.
    pub fn open_sheet(&self) -> Option<&str> {
        self.open.as_deref()
    }

    /// First line shown of the open sheet.
    pub fn scroll(&self) -> usize {
        self.open
            .as_ref()
            .and_then(|n| self.scroll.get(n))
            .copied()
            .unwrap_or(0)
    }

    /// Opens a sheet by name; false when there is none.
    pub fn open(&mut self, name: &str) -> bool {
        if !self.sheets.iter().any(|s| s.name == name) {
            return false;
        }
        self.open = Some(name.to_string());
        self.popup = None;
        self.searching = false;
        self.query.clear();
        self.current_match = 0;
        true
    }

    /// Replaces the sheet list (after loading), keeping the open sheet if it
    /// still exists.
    pub fn set_sheets(&mut self, sheets: Vec<Sheet>) {
        self.sheets = sheets;
        if let Some(name) = &self.open
            && !self.sheets.iter().any(|s| &s.name == name)
        {
            self.open = None;
        }
        self.selected = self.selected.min(self.filtered().len().saturating_sub(1));
    }

    /// Starts highlighting the open sheet's code on a worker thread if the
    /// view is waiting for it.
    fn prepare_highlighting(&mut self, cx: &Ctx) {
        let Some(name) = self.open.clone() else {
            return;
        };
        let theme = self.last_theme.get();
        let pending = self
            .with_view(|v| v.rendered.highlight_pending)
            .unwrap_or(false);
        let Some(sheet) = self.sheets.iter().find(|s| s.name == name) else {
            return;
        };
        let job = (name, theme, sheet.text.len());
        if !pending || self.prepared.as_ref() == Some(&job) {
            return;
        }
        self.prepared = Some(job);
        let text = sheet.text.clone();
        self.mailbox.thread("highlight", cx.waker(), move |job| {
            markdown::prepare_highlighting(&text, &markdown::Theme::of(theme));
            job.send(Msg::HighlightReady);
        });
    }

    fn start_loading(&mut self, cx: &mut Ctx) {
        let dir = cx.content.dir.clone();
        let personal = crate::content::sheets::personal_dir(cx.store.data_dir());
        // Reading a folder is disk work: keep it off the UI task.
        self.mailbox.thread("load", cx.waker(), move |job| {
            job.send(Msg::Loaded(load_sheets(dir.as_deref(), Some(&personal))));
        });
    }

    fn theme_kind(theme: &Theme) -> ThemeKind {
        match theme.mode {
            Mode::Dark => ThemeKind::Dark,
            Mode::Light => ThemeKind::Light,
            Mode::Plain => ThemeKind::Plain,
        }
    }

    /// Makes sure the memoised view matches the open sheet at `width`.
    fn ensure_view(&self, width: u16, theme: ThemeKind) {
        let Some(sheet) = self
            .open
            .as_ref()
            .and_then(|n| self.sheets.iter().find(|s| &s.name == n))
        else {
            *self.view.borrow_mut() = None;
            return;
        };
        let key = ViewKey {
            sheet: sheet.name.clone(),
            text_len: sheet.text.len(),
            width,
            theme,
            query: self.query.clone(),
        };
        if self.view.borrow().as_ref().is_some_and(|v| v.key == key) {
            return;
        }
        let md_theme = markdown::Theme::of(theme);
        let mut rendered = markdown::render_quick(&sheet.text, width, &md_theme);
        let matches = find_matches(&rendered.lines, &self.query);
        highlight_matches(&mut rendered.lines, &matches, md_theme.search_match);
        *self.view.borrow_mut() = Some(View {
            key,
            rendered,
            matches,
        });
    }

    /// The view at the last drawn size (rendering now if needed).
    fn with_view<R>(&self, f: impl FnOnce(&View) -> R) -> Option<R> {
        self.ensure_view(self.last_size.get().0, self.last_theme.get());
        self.view.borrow().as_ref().map(f)
    }

    fn set_scroll(&mut self, line: usize) {
        let height = usize::from(self.last_size.get().1);
        let total = self.with_view(|v| v.rendered.lines.len()).unwrap_or(0);
        let max = total.saturating_sub(height.max(1));
        if let Some(name) = self.open.clone() {
            self.scroll.insert(name, line.min(max));
        }
    }

    /// Scrolls so `line` sits a third of the way down the screen.
    fn reveal(&mut self, line: usize) {
        let third = usize::from(self.last_size.get().1) / 3;
        self.set_scroll(line.saturating_sub(third));
    }
}

impl Pane for SheetsPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Sheets".into()
    }

    fn handle_mouse(&mut self, ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        let down = match ev.kind {
            MouseEventKind::ScrollDown => true,
            MouseEventKind::ScrollUp => false,
            _ => return Handled::No,
        };
        if self.open.is_some() {
            // Three lines a notch, as most terminals and browsers do.
            let top = self.scroll();
            self.set_scroll(if down { top + 3 } else { top.saturating_sub(3) });
        } else {
            let last = self.filtered().len().saturating_sub(1);
            self.selected = if down {
                (self.selected + 1).min(last)
            } else {
                self.selected.saturating_sub(1)
            };
        }
        Handled::Yes
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        let handled = if self.open.is_some() {
            self.handle_reader_key(key, cx)
        } else {
            self.handle_list_key(key, cx)
        };
        self.prepare_highlighting(cx);
        handled
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        if !self.loaded_from_disk {
            self.loaded_from_disk = true;
            // Where the learner was reading last time.
            if let Ok(Some(saved)) = cx.store.get_json::<SavedReading>("ui", "sheets") {
                self.scroll.extend(saved.scroll);
                if self.open.is_none()
                    && let Some(name) = saved.open
                {
                    self.open(&name);
                }
            }
            self.saver = Some(cx.store.clone());
            self.start_loading(cx);
        }
    }

    fn shutdown(&mut self) {
        if let Some(store) = &self.saver {
            let saved = SavedReading {
                open: self.open.clone(),
                scroll: self.scroll.clone(),
            };
            if let Err(e) = store.put_json("ui", "sheets", &saved) {
                tracing::warn!("could not save the reading position: {e}");
            }
        }
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            match msg {
                // Render again: the colours are in the cache now.
                Msg::HighlightReady => *self.view.borrow_mut() = None,
                Msg::Loaded(loaded) => {
                    self.disk_done = true;
                    if let Some(problem) = loaded.problems.first() {
                        cx.error(problem.clone());
                    }
                    self.set_sheets(loaded.sheets);
                    if let Some(name) = self.pending_open.take() {
                        let mine = format!("{}{}", crate::content::sheets::PERSONAL_PREFIX, name);
                        if self.open(&mine) {
                            cx.info(format!(
                                "your sheet `{mine}`; the shipped one is `{name}` in the list"
                            ));
                            self.prepare_highlighting(cx);
                        }
                    }
                }
            }
        }
    }

    /// Open a sheet by name (the checklist's `s`, a lesson's link).
    fn open_at(&mut self, name: &str, cx: &mut Ctx) -> Result<(), String> {
        if !self.disk_done {
            self.pending_open = Some(name.to_string());
        }
        // The learner's own sheet of that name comes first; the shipped
        // one is a keypress away in the list.
        let mine = format!("{}{}", crate::content::sheets::PERSONAL_PREFIX, name);
        if self.open(&mine) {
            cx.info(format!(
                "your sheet `{mine}`; the shipped one is `{name}` in the list"
            ));
        } else if !self.open(name) {
            return Err(format!("no cheat sheet named `{name}`"));
        }
        self.prepare_highlighting(cx);
        Ok(())
    }

    fn on_content_changed(&mut self, paths: &[PathBuf], cx: &mut Ctx) {
        if paths
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "md"))
        {
            self.start_loading(cx);
        }
    }

    fn captures_text(&self) -> bool {
        self.filtering || self.searching || self.finding.is_some()
    }

    fn on_resize(&mut self, area: Rect, theme: &Theme) {
        // The reader's text sits between a header and a footer line.
        self.last_size
            .set((area.width, area.height.saturating_sub(2)));
        self.last_theme.set(Self::theme_kind(theme));
    }

    fn before_draw(&mut self) {
        self.ensure_view(self.last_size.get().0, self.last_theme.get());
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.open.is_some() {
            if self.searching {
                SEARCH_KEYS.help()
            } else if self.popup.is_some() {
                POPUP_KEYS.help()
            } else {
                READER_KEYS.help()
            }
        } else if self.finding.is_some() {
            SEARCH_KEYS.help()
        } else if self.found.is_some() {
            FOUND_KEYS.help()
        } else if self.filtering {
            FILTER_KEYS.help()
        } else if self.filter.text().is_empty() {
            LIST_KEYS.help()
        } else {
            let mut k = LIST_KEYS.help();
            k.extend(CLEAR_KEYS.help());
            k
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        if self.open.is_some() {
            self.draw_reader(f, area, theme)
        } else {
            self.draw_list(f, area, theme)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn sheets() -> Vec<Sheet> {
        let long: String = (1..=60)
            .map(|i| format!("Line {i} of filler text.\n\n"))
            .collect();
        vec![
            Sheet {
                name: "borrow-checker".into(),
                text: format!(
                    "# Borrowing\n\nSee [the book](https://doc.rust-lang.org/book/) and [below](#deep-section).\n\n{long}## Deep section\n\nThe borrow checker again.\n"
                ),
            },
            Sheet {
                name: "abacus".into(),
                text: "# Abacus\n\nbeads\n".into(),
            },
            Sheet {
                name: "cargo".into(),
                text: "# Cargo\n\n```toml\n[package]\nname = \"x\"\n```\n".into(),
            },
        ]
    }

    struct Harness {
        _dir: tempfile::TempDir,
        inner: crate::harness::Harness,
    }

    impl std::ops::Deref for Harness {
        type Target = crate::harness::Harness;
        fn deref(&self) -> &Self::Target {
            &self.inner
        }
    }

    impl std::ops::DerefMut for Harness {
        fn deref_mut(&mut self) -> &mut Self::Target {
            &mut self.inner
        }
    }

    impl Harness {
        fn new() -> Harness {
            let dir = tempfile::tempdir().expect("temp dir");
            let inner = crate::harness::Harness::new(dir.path()).expect("harness");
            Harness { _dir: dir, inner }
        }

        fn key(&self, pane: &mut SheetsPane, code: KeyCode) -> Vec<crate::pane::Request> {
            self.inner.key(pane, code).1
        }

        fn keys(&self, pane: &mut SheetsPane, text: &str) {
            for c in text.chars() {
                self.key(pane, KeyCode::Char(c));
            }
        }
    }

    fn screen(pane: &mut SheetsPane, w: u16, h: u16) -> String {
        pane.on_resize(Rect::new(0, 0, w, h), &Theme::plain());
        pane.before_draw();
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("backend");
        term.draw(|f| pane.draw(f, f.area(), &Theme::plain()))
            .expect("draw");
        term.backend().to_string()
    }

    #[test]
    fn fuzzy_filter_ranks_word_starts_and_runs() {
        assert!(fuzzy_score("bc", "borrow-checker") > fuzzy_score("bc", "abacus"));
        assert!(fuzzy_score("xyz", "cargo").is_none());
        assert_eq!(fuzzy_score("", "cargo"), Some(0));
        let h = Harness::new();
        let mut pane = SheetsPane::new(sheets());
        h.key(&mut pane, KeyCode::Char('/'));
        assert!(pane.captures_text());
        h.keys(&mut pane, "bc");
        let names: Vec<&str> = pane.filtered().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["borrow-checker", "abacus"]);
        h.key(&mut pane, KeyCode::Enter);
        assert_eq!(pane.open_sheet(), Some("borrow-checker"));
        assert!(!pane.captures_text());
    }

    #[test]
    fn list_and_reader_snapshots() {
        let h = Harness::new();
        let mut pane = SheetsPane::new(sheets());
        insta::assert_snapshot!(screen(&mut pane, 60, 8));
        h.key(&mut pane, KeyCode::Down);
        h.key(&mut pane, KeyCode::Down);
        h.key(&mut pane, KeyCode::Enter);
        assert_eq!(pane.open_sheet(), Some("cargo"));
        insta::assert_snapshot!(screen(&mut pane, 60, 10));
    }

    #[test]
    fn scroll_is_kept_per_sheet() {
        let h = Harness::new();
        let mut pane = SheetsPane::new(sheets());
        screen(&mut pane, 60, 12);
        assert!(pane.open("borrow-checker"));
        screen(&mut pane, 60, 12);
        h.key(&mut pane, KeyCode::Char(' '));
        let scrolled = pane.scroll();
        assert!(scrolled > 0);
        h.key(&mut pane, KeyCode::Esc);
        assert_eq!(pane.open_sheet(), None);
        assert!(pane.open("abacus"));
        assert_eq!(pane.scroll(), 0);
        h.key(&mut pane, KeyCode::Esc);
        assert!(pane.open("borrow-checker"));
        assert_eq!(pane.scroll(), scrolled);
        // The mouse wheel scrolls three lines a notch.
        let wheel = |kind| MouseEvent {
            kind,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        };
        h.call(&mut pane, |p, cx| {
            p.handle_mouse(wheel(MouseEventKind::ScrollDown), Rect::default(), cx)
        });
        assert_eq!(pane.scroll(), scrolled + 3);
        h.call(&mut pane, |p, cx| {
            p.handle_mouse(wheel(MouseEventKind::ScrollUp), Rect::default(), cx)
        });
        assert_eq!(pane.scroll(), scrolled);
        // Scrolling stops at the end of the sheet.
        h.key(&mut pane, KeyCode::Char('G'));
        let end = pane.scroll();
        h.key(&mut pane, KeyCode::Char('j'));
        assert_eq!(pane.scroll(), end);
    }

    #[test]
    fn full_text_search_lists_hits_and_opens_at_the_match() {
        let h = Harness::new();
        let mut pane = SheetsPane::new(embedded_sheets());
        screen(&mut pane, 100, 30);
        h.key(&mut pane, KeyCode::Char('F'));
        assert!(pane.captures_text());
        h.keys(&mut pane, "E0505");
        h.key(&mut pane, KeyCode::Enter);
        let list = screen(&mut pane, 100, 30);
        assert!(list.contains("lines mention `E0505`"), "{list}");
        assert!(list.contains("ownership:"), "{list}");
        // pick the first hit in the ownership sheet and open it
        let first_own = pane
            .found
            .as_ref()
            .and_then(|f| f.hits.iter().position(|h| h.sheet == "ownership"))
            .expect("a hit in ownership");
        for _ in 0..first_own {
            h.key(&mut pane, KeyCode::Down);
        }
        h.key(&mut pane, KeyCode::Enter);
        assert_eq!(pane.open_sheet(), Some("ownership"));
        let reader = screen(&mut pane, 100, 30);
        assert!(
            reader.contains("E0505"),
            "the match is on screen:\n{reader}"
        );
        assert!(pane.scroll() > 0);
        // esc leaves the reader (clearing the search), then back to the hits
        h.key(&mut pane, KeyCode::Esc);
        h.key(&mut pane, KeyCode::Esc);
        assert!(screen(&mut pane, 100, 30).contains("lines mention"));
        h.key(&mut pane, KeyCode::Esc);
        assert!(screen(&mut pane, 100, 30).contains("sheets and lessons"));
    }

    #[test]
    fn contents_jump_and_search_with_n() {
        let h = Harness::new();
        let mut pane = SheetsPane::new(sheets());
        assert!(pane.open("borrow-checker"));
        screen(&mut pane, 60, 12);
        h.key(&mut pane, KeyCode::Char('t'));
        let popup = screen(&mut pane, 60, 12);
        assert!(
            popup.contains("Contents") && popup.contains("Deep section"),
            "{popup}"
        );
        h.key(&mut pane, KeyCode::Down);
        h.key(&mut pane, KeyCode::Enter);
        let deep = pane
            .with_view(|v| v.rendered.headings[1].line)
            .expect("view");
        assert!(pane.scroll() > 0 && pane.scroll() <= deep);
        assert!(screen(&mut pane, 60, 12).contains("Deep section"));

        h.key(&mut pane, KeyCode::Char('g'));
        h.key(&mut pane, KeyCode::Char('/'));
        h.keys(&mut pane, "BORROW");
        let requests = h.key(&mut pane, KeyCode::Enter);
        // "Borrowing" (the title) and "borrow checker" (the last line).
        let said = |requests: &[crate::pane::Request], text: &str| {
            requests
                .iter()
                .any(|r| matches!(r, crate::pane::Request::Status(m, false) if m == text))
        };
        assert!(said(&requests, "match 1 of 2"), "{requests:?}");
        let requests = h.key(&mut pane, KeyCode::Char('n'));
        assert!(said(&requests, "match 2 of 2"), "{requests:?}");
        let last = pane.with_view(|v| v.matches[1].line).expect("view");
        assert!(pane.scroll() <= last && last < pane.scroll() + 12);
        let shown = screen(&mut pane, 60, 12);
        assert!(
            shown.contains("2 of 2") && shown.contains("borrow checker"),
            "{shown}"
        );
        let requests = h.key(&mut pane, KeyCode::Char('n'));
        assert!(
            said(&requests, "match 1 of 2"),
            "n wraps around: {requests:?}"
        );
        let requests = h.key(&mut pane, KeyCode::Char('N'));
        assert!(said(&requests, "match 2 of 2"), "{requests:?}");
        // Esc clears the search first, then leaves the sheet.
        h.key(&mut pane, KeyCode::Esc);
        assert!(pane.open_sheet().is_some());
        h.key(&mut pane, KeyCode::Esc);
        assert!(pane.open_sheet().is_none());
    }

    #[test]
    fn anchor_links_scroll_and_missing_links_say_so() {
        let h = Harness::new();
        let mut pane = SheetsPane::new(sheets());
        assert!(pane.open("borrow-checker"));
        screen(&mut pane, 60, 12);
        let alt = |c| {
            crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::ALT)
        };
        // The plain digits switch tabs: links are alt-1..9.
        assert_eq!(h.inner.key_event(&mut pane, alt('2')).0, Handled::Yes);
        assert!(pane.scroll() > 0, "link [2] points at #deep-section");
        let requests = h.inner.key_event(&mut pane, alt('9')).1;
        assert!(
            requests.iter().any(
                |r| matches!(r, crate::pane::Request::Status(m, _) if m.contains("no link 9"))
            )
        );
    }

    #[test]
    fn code_is_coloured_after_the_background_job_reports() {
        let mut h = Harness::new();
        let mut pane = SheetsPane::new(vec![Sheet {
            name: "probe".into(),
            // Code no other test highlights, so the cache starts without it.
            text: "# Probe\n\n```rust\nfn sheets_pane_probe() -> i64 { -1 }\n```\n".into(),
        }]);
        h.key(&mut pane, KeyCode::Enter);
        assert_eq!(pane.open_sheet(), Some("probe"));
        assert_eq!(pane.with_view(|v| v.rendered.highlight_pending), Some(true));
        // The worker wakes the pane when the colours are cached.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut woke = 0;
        while woke == 0 {
            woke = h.pump(&mut pane);
            assert!(std::time::Instant::now() < deadline, "no wake-up");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        pane.before_draw();
        assert_eq!(
            pane.with_view(|v| v.rendered.highlight_pending),
            Some(false)
        );
        let coloured = pane
            .with_view(|v| {
                v.rendered
                    .lines
                    .iter()
                    .flat_map(|l| &l.spans)
                    .any(|s| matches!(s.style.fg, Some(ratatui::style::Color::Rgb(..))))
            })
            .unwrap_or(false);
        assert!(coloured);
    }

    #[test]
    fn open_sheet_message_and_disk_override() {
        let h = Harness::new();
        let mut pane = SheetsPane::new(sheets());
        let (r, _) = h.call(&mut pane, |p, cx| p.open_at("cargo", cx));
        assert_eq!(r, Ok(()));
        assert_eq!(pane.open_sheet(), Some("cargo"));
        let (r, _) = h.call(&mut pane, |p, cx| p.open_at("nope", cx));
        assert!(r.is_err_and(|m| m.contains("nope")));

        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("cheatsheets")).expect("mkdir");
        std::fs::write(dir.path().join("cheatsheets/zz-local.md"), "# Local\n").expect("write");
        let loaded = load_sheets(Some(dir.path()), None);
        assert!(loaded.problems.is_empty());
        assert!(
            loaded
                .sheets
                .iter()
                .any(|s| s.name == "zz-local" && s.text == "# Local\n")
        );
        assert_eq!(
            load_sheets(Some(&dir.path().join("missing")), None).sheets,
            embedded_sheets()
        );
    }
}
