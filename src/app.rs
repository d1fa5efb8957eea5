//! The app: state, `update` (the only place state changes) and `draw`.
//!
//! `update` takes one [`Action`] and returns whether the screen needs a
//! redraw; `draw` reads state and never changes it. The roadmap (a
//! [`Sidebar`]) is always on the left; the main area shows one tab pane at a
//! time. The app knows no concrete pane: it routes keys, wake-ups, ticks and
//! requests to `dyn Pane`s by id.

use crate::action::{Action, Sender};
use crate::content::Content;
use crate::pane::{Ctx, Foreground, Handled, Pane, QuitQuestion, Request, Sidebar};
use crate::remote::Reply;
use crate::store::Store;
use crate::theme::Theme;
use crate::tui::keymap::{DIGITS, Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use std::time::Duration;

/// Smallest terminal the layout is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Main,
}

/// What the app is made of: the roadmap on the left and the tabs, in
/// order (built by `panes::shell`).
pub struct Shell {
    pub sidebar: Box<dyn Sidebar>,
    pub tabs: Vec<Box<dyn Pane>>,
}

/// How the app reaches the world outside `update`: the event channel and
/// the tokio runtime panes run their servers and clients on.
pub struct Io {
    pub tx: Sender,
    pub runtime: tokio::runtime::Handle,
}

pub struct App {
    pub store: Store,
    pub content: Content,
    pub theme: Theme,
    tx: Sender,
    runtime: tokio::runtime::Handle,
    sidebar: Box<dyn Sidebar>,
    /// The tab panes, in tab order.
    tabs: Vec<Box<dyn Pane>>,
    /// Index into `tabs` of the visible one.
    pub active: usize,
    focus: Focus,
    help: bool,
    /// The checklist is hidden and the tab's pane has the full width (`z`).
    zoomed: bool,
    /// First line of the help overlay shown (it scrolls on small screens).
    help_scroll: u16,
    status: Option<(String, bool)>,
    size: (u16, u16),
    pub quit: bool,
    /// A pane's question before quitting (a timer running), and the tab
    /// that asked; keys answer it until it is answered or cancelled.
    quitting: Option<(usize, QuitQuestion)>,
    /// A program waiting to be given the terminal (the event loop runs it).
    foreground: Option<Foreground>,
    /// The last ctrl-c, so a second one within a second quits from a text
    /// input.
    last_ctrl_c: Option<std::time::Instant>,
    /// When each tab was last ticked.
    last_tick: Vec<Option<std::time::Instant>>,
}

/// The app's own keys, checked before the focused pane's unless the pane is
/// taking text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Global {
    Quit,
    Help,
    Theme,
    Focus,
    PrevTab,
    NextTab,
    GoTab,
    Zoom,
}

const GLOBAL: Keymap<Global> = Keymap::new(&[
    bind(
        &[Key::ch('?')],
        "?",
        "this help (esc closes, j/k scroll)",
        Global::Help,
    ),
    bind(&[Key::ch('q')], "q", "quit", Global::Quit),
    bind(
        &[Key::code(KeyCode::Tab)],
        "tab",
        "focus: checklist ⇄ main area",
        Global::Focus,
    ),
    bind(
        &[Key::ch('['), Key::code(KeyCode::BackTab)],
        "[ / shift-tab",
        "previous tab",
        Global::PrevTab,
    ),
    bind(&[Key::ch(']')], "]", "next tab", Global::NextTab),
    bind(DIGITS, "1-9", "go to tab 1..9", Global::GoTab),
    bind(
        &[Key::ch('z')],
        "z",
        "zoom: the tab's pane takes the full width (hides the checklist) ⇄ back",
        Global::Zoom,
    ),
    bind(
        &[Key::ch('T')],
        "T",
        "dark ⇄ light theme (remembered)",
        Global::Theme,
    ),
]);

/// Keys that work even while a pane takes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Always {
    Quit,
    GoTab,
}

const ALWAYS: Keymap<Always> = Keymap::new(&[
    bind(&[Key::ctrl('c')], "ctrl-c", "quit", Always::Quit),
    bind(
        &[
            Key::code(KeyCode::F(1)),
            Key::code(KeyCode::F(2)),
            Key::code(KeyCode::F(3)),
            Key::code(KeyCode::F(4)),
            Key::code(KeyCode::F(5)),
            Key::code(KeyCode::F(6)),
            Key::code(KeyCode::F(7)),
            Key::code(KeyCode::F(8)),
            Key::code(KeyCode::F(9)),
            Key::code(KeyCode::F(10)),
            Key::code(KeyCode::F(11)),
            Key::code(KeyCode::F(12)),
        ],
        "F1..F12",
        "go to tab 1..12",
        Always::GoTab,
    ),
]);

/// Keys a pane leaves unused that still mean something: esc goes back to
/// the checklist. Nothing else falls through.
const FALLBACK: Keymap<()> = Keymap::new(&[bind(
    &[Key::code(KeyCode::Esc)],
    "esc",
    "from a pane back to the checklist",
    (),
)]);

/// Where everything goes on screen; one function so drawing and mouse
/// handling always agree. The tab bar spans the whole width (11 tabs need
/// it to show their names at 80 columns); zoomed, the checklist is hidden
/// and the tab's pane takes its place.
pub struct Areas {
    pub checklist: Rect,
    pub tabs: Rect,
    pub main: Rect,
    pub status: Rect,
}

/// A `w` x `h` box in the middle of `area` (an overlay: the quit question,
/// the help).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(v);
    r
}

pub fn layout(area: Rect, zoomed: bool) -> Areas {
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let left = if zoomed {
        0
    } else {
        (area.width * 2 / 5).clamp(34, 56)
    };
    let [checklist, main] =
        Layout::horizontal([Constraint::Length(left), Constraint::Min(0)]).areas(body);
    Areas {
        checklist,
        tabs,
        main,
        status,
    }
}

/// Build a context for one pane from the app's fields (a macro, so the
/// borrow of the fields stays disjoint from the borrow of the pane).
macro_rules! ctx {
    ($self:ident, $id:expr) => {
        Ctx::new(&$self.store, &$self.content, &$self.tx, &$self.runtime, $id)
    };
}

impl App {
    pub fn new(
        store: Store,
        content: Content,
        theme: Theme,
        io: Io,
        size: (u16, u16),
        shell: Shell,
    ) -> anyhow::Result<App> {
        let status = content
            .warnings
            .first()
            .map(|w| (format!("{w} (using the built-in roadmap)"), true));
        let mut app = App {
            store,
            content,
            theme,
            tx: io.tx,
            runtime: io.runtime,
            sidebar: shell.sidebar,
            tabs: shell.tabs,
            active: 0,
            focus: Focus::Main,
            help: false,
            zoomed: false,
            help_scroll: 0,
            status,
            size,
            quit: false,
            quitting: None,
            foreground: None,
            last_ctrl_c: None,
            last_tick: Vec::new(),
        };
        if app.tabs.is_empty() {
            anyhow::bail!("the app needs at least one tab");
        }
        app.resize(size.0, size.1);
        app.sync_selection();
        Ok(app)
    }

    /// The program a pane asked to run with the terminal, once.
    pub fn take_foreground(&mut self) -> Option<Foreground> {
        self.foreground.take()
    }

    /// The terminal is back from a foreground program: say how it went.
    pub fn foreground_done(&mut self, what: &str, result: Result<(), String>) {
        self.status = Some(match result {
            Ok(()) => (format!("back from {what}"), false),
            Err(e) => (format!("{what}: {e}"), true),
        });
    }

    /// The terminal is below the size the layout needs: only the "too
    /// small" screen is shown.
    fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// Show a one-line message in the status bar (true = error).
    pub fn notify(&mut self, msg: String, error: bool) {
        self.status = Some((msg, error));
    }

    /// Select a checklist item by id (expanding its ancestors).
    pub fn select_item(&mut self, id: &str) {
        self.sidebar.select_id(id);
        self.sync_selection();
    }

    /// The id of the checklist item under the cursor.
    pub fn selected_id(&self) -> Option<String> {
        self.sidebar.selected_id()
    }

    fn toggle_theme(&mut self) {
        use crate::theme::Mode;
        self.theme = match self.theme.mode {
            Mode::Plain => {
                self.status = Some(("NO_COLOR is set: the theme stays plain".into(), false));
                return;
            }
            Mode::Dark => Theme::light(),
            Mode::Light => Theme::dark(),
        };
        let name = if self.theme.mode == Mode::Light {
            "light"
        } else {
            "dark"
        };
        if let Err(e) = self.store.put_json("ui", "theme", &name) {
            tracing::warn!("could not save the theme: {e}");
        }
        // Panes that render text to the theme (the sheets reader) redo it.
        let (w, h) = self.size;
        self.resize(w, h);
        self.status = Some((format!("{name} theme"), false));
    }

    /// The theme to start with: NO_COLOR, then MEGAREPO_THEME, then the
    /// learner's last choice (`T`), else dark.
    pub fn initial_theme(store: &Store) -> Theme {
        let env = Theme::from_env();
        if env.mode == crate::theme::Mode::Plain || std::env::var_os("MEGAREPO_THEME").is_some() {
            return env;
        }
        match store
            .get_json::<String>("ui", "theme")
            .ok()
            .flatten()
            .as_deref()
        {
            Some("light") => Theme::light(),
            _ => env,
        }
    }

    /// Give the checklist the keys; it cannot take them hidden, so this
    /// also ends a zoom.
    fn focus_checklist(&mut self) {
        self.focus = Focus::Checklist;
        if self.zoomed {
            self.zoomed = false;
            let (w, h) = self.size;
            self.resize(w, h);
        }
    }

    /// The screen's areas at the current size and zoom.
    fn areas(&self) -> Areas {
        layout(Rect::new(0, 0, self.size.0, self.size.1), self.zoomed)
    }

    /// The area a tab pane draws in (inside the main frame).
    fn pane_area(&self) -> Rect {
        Block::bordered().inner(self.areas().main)
    }

    /// Bring the visible pane's derived state up to date before a frame.
    /// `update` calls it after every action; the event loop also calls it
    /// before the first frame.
    pub fn prepare_draw(&mut self) {
        let i = self.active;
        self.tabs[i].before_draw();
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        let a = self.areas();
        self.sidebar.on_resize(a.checklist);
        let area = self.pane_area();
        for t in &mut self.tabs {
            t.on_resize(area, &self.theme);
        }
    }

    /// Tell every tab where the roadmap selection (or its progress) is now.
    fn sync_selection(&mut self) {
        let sel = self.sidebar.selection();
        let mut requests = Vec::new();
        for t in &mut self.tabs {
            let mut cx = ctx!(self, t.id());
            t.on_select(&sel, &mut cx);
            requests.append(&mut cx.requests);
        }
        self.apply(requests);
    }

    pub fn tab_titles(&self) -> Vec<String> {
        self.tabs.iter().map(|t| t.title()).collect()
    }

    /// The shortest tick any pane wants now, if any.
    pub fn tick_every(&self) -> Option<Duration> {
        self.tabs.iter().filter_map(|t| t.tick_every()).min()
    }

    /// Run `f` on a tab with a context, then apply what it requested.
    fn with_pane<R>(&mut self, index: usize, f: impl FnOnce(&mut dyn Pane, &mut Ctx) -> R) -> R {
        let pane = self.tabs[index].as_mut();
        let mut cx = ctx!(self, pane.id());
        let r = f(pane, &mut cx);
        let reqs = std::mem::take(&mut cx.requests);
        self.apply(reqs);
        r
    }

    /// Run `f` on the sidebar, then apply its requests and follow a moved
    /// selection.
    fn with_sidebar<R>(&mut self, f: impl FnOnce(&mut dyn Sidebar, &mut Ctx) -> R) -> R {
        let before = self.sidebar.selected_id();
        let sidebar = self.sidebar.as_mut();
        let mut cx = ctx!(self, sidebar.id());
        let r = f(sidebar, &mut cx);
        let reqs = std::mem::take(&mut cx.requests);
        self.apply(reqs);
        if self.sidebar.selected_id() != before {
            self.sync_selection();
        }
        r
    }

    fn apply(&mut self, requests: Vec<Request>) {
        for r in requests {
            match r {
                Request::Status(msg, err) => self.status = Some((msg, err)),
                Request::ProgressChanged => {
                    if let Err(e) = self.sidebar.reload(&self.store) {
                        self.status = Some((e.to_string(), true));
                    }
                    self.sync_selection();
                }
                Request::Open { pane, at } => self.open(&pane, at),
                Request::Act { pane, at } => self.act(&pane, &at),
                Request::Foreground(job) => self.foreground = Some(job),
                Request::FocusSidebar => self.focus_checklist(),
                Request::Sidebar(key) => {
                    self.with_sidebar(|s, cx| s.handle_key(key, cx));
                }
            }
        }
    }

    /// The tab answering to `name` (its id or an alias).
    fn tab_index(&self, name: &str) -> Option<usize> {
        self.tabs
            .iter()
            .position(|t| t.id() == name || t.aliases().contains(&name))
    }

    /// Show the pane called `name`, opened at `at` when given. If it cannot
    /// open there, the screen goes back to where it was, with the reason.
    fn open(&mut self, name: &str, at: Option<String>) {
        if name == self.sidebar.id() {
            self.focus_checklist();
            return;
        }
        let Some(i) = self.tab_index(name) else {
            self.status = Some((
                format!("the {name} pane is not part of this build yet"),
                false,
            ));
            return;
        };
        let before = (self.active, self.focus);
        self.switch_to(i);
        self.focus = Focus::Main;
        if let Some(target) = at
            && let Err(why) = self.with_pane(i, |p, cx| p.open_at(&target, cx))
        {
            // Back where the learner was, told as any switch is (the pane
            // shown first is hidden, the one before shown again).
            if before.0 != i {
                self.switch_to(before.0);
            }
            self.focus = before.1;
            self.status = Some((why, true));
        }
    }

    /// Let the pane called `name` act on `at` where it is, without showing
    /// it; then every pane reloads what it shows.
    fn act(&mut self, name: &str, at: &str) {
        let Some(i) = self.tab_index(name) else {
            self.status = Some((
                format!("the {name} pane is not part of this build yet"),
                false,
            ));
            return;
        };
        if let Err(why) = self.with_pane(i, |p, cx| p.open_at(at, cx)) {
            self.status = Some((why, true));
            return;
        }
        for j in 0..self.tabs.len() {
            if j != i {
                self.with_pane(j, |p, cx| p.on_data_changed(cx));
            }
        }
    }

    fn switch_to(&mut self, index: usize) {
        let before = self.active;
        self.active = index % self.tabs.len();
        let i = self.active;
        if before != i {
            self.with_pane(before, |p, cx| p.on_hide(cx));
        }
        self.with_pane(i, |p, cx| p.on_show(cx));
    }

    /// Apply one action. Returns true when the screen must be redrawn.
    pub fn update(&mut self, action: Action) -> bool {
        let redraw = self.apply_action(action);
        if redraw {
            self.prepare_draw();
        }
        redraw
    }

    fn apply_action(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => {
                self.quit = true;
                false
            }
            Action::Resize(w, h) => {
                self.resize(w, h);
                true
            }
            Action::Tick => {
                // The loop ticks at the fastest rate any pane wants; each
                // pane is ticked only when its own period has passed, so a
                // 50 ms kernel console does not make the study pane
                // recompute its statistics twenty times a second.
                let n = self.tabs.len();
                let now = std::time::Instant::now();
                self.last_tick.resize(n, None);
                let mut ticked = false;
                for i in 0..n {
                    let Some(every) = self.tabs[i].tick_every() else {
                        self.last_tick[i] = None;
                        continue;
                    };
                    // A little slack so timer jitter never skips a period.
                    let due = self.last_tick[i]
                        .is_none_or(|t| now.duration_since(t) + every / 10 >= every);
                    if due {
                        self.last_tick[i] = Some(now);
                        self.with_pane(i, |p, cx| p.tick(cx));
                        ticked = true;
                    }
                }
                ticked
            }
            Action::Wake(id) => match self.tabs.iter().position(|t| t.id() == id) {
                Some(i) => {
                    self.with_pane(i, |p, cx| p.on_wake(cx));
                    true
                }
                None => false,
            },
            Action::ContentChanged(paths) => {
                if paths.iter().any(|p| p.ends_with("roadmap.yaml")) {
                    self.reload_content();
                }
                for i in 0..self.tabs.len() {
                    self.with_pane(i, |p, cx| p.on_content_changed(&paths, cx));
                }
                true
            }
            Action::Paste(text) => {
                if self.focus == Focus::Main && !self.too_small() && self.quitting.is_none() {
                    let i = self.active;
                    self.with_pane(i, |p, cx| p.handle_paste(&text, cx));
                }
                true
            }
            Action::Key(key) => {
                if key.kind == KeyEventKind::Release {
                    return false;
                }
                self.on_key(key);
                true
            }
            Action::Mouse(_) if self.too_small() || self.quitting.is_some() => false,
            Action::Mouse(ev) => self.on_mouse(ev),
            Action::Remote(call) => {
                let shown = shown_command(&call.args);
                let reply = self.remote(call.args);
                // Success shows itself (a tick, the timer in the status
                // bar); a refusal is said, since the learner may not be
                // looking at the shell that sent it.
                match &reply.error {
                    None => {
                        tracing::info!("from the shell: {shown}");
                        self.status = None;
                    }
                    Some(e) => self.status = Some((format!("from the shell: {shown}: {e}"), true)),
                }
                // The caller may have given up waiting; the change stands.
                let _ = call.reply.send(reply);
                true
            }
        }
    }

    /// Run a command from the shell (`crate::remote`) as the command line
    /// would, on the app's store, and answer with what it printed. A pane
    /// that owns the state the command acts on (the study pane's timer)
    /// runs it; otherwise the command line's own code runs on the store.
    /// Either way the screen follows at once.
    fn remote(&mut self, args: Vec<String>) -> Reply {
        use clap::Parser;
        let argv = std::iter::once("megarepo".to_string()).chain(args);
        let cli = match crate::cli::Cli::try_parse_from(argv) {
            Ok(c) => c,
            Err(e) => {
                let text = e.to_string();
                let line = text.lines().next().unwrap_or("").trim();
                return Reply::error(line.strip_prefix("error: ").unwrap_or(line));
            }
        };
        let Some(cmd) = cli.command.filter(crate::cli::uses_store) else {
            return Reply::error(
                "the app runs only the commands that use its store (checklist, timer, status, stats, journal); run the others directly",
            );
        };
        let mut out = Vec::new();
        let mut pending = Some(Box::new(cmd));
        let mut result = Ok(());
        for i in 0..self.tabs.len() {
            let Some(cmd) = pending.take() else { break };
            match self.with_pane(i, |p, cx| p.remote(cmd, &mut out, cx)) {
                Ok(r) => result = r,
                Err(cmd) => pending = Some(cmd),
            }
        }
        if let Some(cmd) = pending {
            result = crate::cli::run_on_store(&self.content, &self.store, *cmd, &mut out);
            if let Err(e) = self.store.flush() {
                tracing::error!("flush after a shell command failed: {e}");
            }
        }
        // The screen follows: the checklist, and every pane's view of the data.
        if let Err(e) = self.sidebar.reload(&self.store) {
            tracing::warn!("reloading progress: {e}");
        }
        self.sync_selection();
        for i in 0..self.tabs.len() {
            self.with_pane(i, |p, cx| p.on_data_changed(cx));
        }
        match result {
            Ok(()) => Reply::ok(String::from_utf8_lossy(&out).into_owned()),
            Err(e) => Reply::error(format!("{e:#}")),
        }
    }

    /// Quit, unless a pane has a question first (a timer running).
    fn request_quit(&mut self, from: usize) {
        for i in from..self.tabs.len() {
            if let Some(q) = self.tabs[i].quit_question() {
                self.quitting = Some((i, q));
                return;
            }
        }
        self.quit = true;
    }

    /// The question before quitting, if one is shown.
    pub fn quit_question(&self) -> Option<&QuitQuestion> {
        self.quitting.as_ref().map(|(_, q)| q)
    }

    /// Keys while the quit question is shown: one of its answers, or esc /
    /// ctrl-c / c to stay.
    fn on_quit_key(&mut self, key: KeyEvent) {
        let Some((tab, q)) = self.quitting.clone() else {
            return;
        };
        let ctrl = key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => self.cancel_quit(),
            KeyCode::Char('c') if ctrl => self.cancel_quit(),
            KeyCode::Char(ch) if !ctrl && q.choices.iter().any(|(k, _)| *k == ch) => {
                self.quitting = None;
                self.with_pane(tab, |p, cx| p.quit_answer(ch, cx));
                self.request_quit(tab + 1);
            }
            KeyCode::Char('c') if !ctrl => self.cancel_quit(),
            _ => {}
        }
    }

    fn cancel_quit(&mut self) {
        self.quitting = None;
        self.status = Some(("not quitting".into(), false));
    }

    fn reload_content(&mut self) {
        let dir = self.content.dir.clone();
        let fresh = Content::load(dir.as_deref());
        match fresh.warnings.first() {
            Some(w) => self.status = Some((format!("{w} (kept the previous roadmap)"), true)),
            None => {
                self.sidebar.set_roadmap(fresh.roadmap.clone());
                self.content = fresh;
                self.status = Some(("roadmap reloaded".into(), false));
                self.sync_selection();
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) {
        // The status line is a message about the previous key.
        self.status = None;
        if self.quitting.is_some() {
            self.on_quit_key(key);
            return;
        }
        let too_small = self.too_small();
        let capturing = self.focus == Focus::Main && self.tabs[self.active].captures_text();
        match ALWAYS.lookup(&key) {
            Some(Always::Quit) => {
                // In a text input ctrl-c belongs to the input (it cancels
                // it; the kernel console sends it on as ETX); a second one
                // within a second quits.
                let now = std::time::Instant::now();
                let again = self
                    .last_ctrl_c
                    .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1));
                self.last_ctrl_c = Some(now);
                if capturing && !again && !too_small {
                    let i = self.active;
                    self.with_pane(i, |p, cx| p.handle_key(key, cx));
                    if self.status.is_none() {
                        self.status = Some(("ctrl-c again within a second quits".into(), false));
                    }
                    return;
                }
                self.request_quit(0);
                return;
            }
            _ if too_small => {
                // Behind the "too small" screen nothing acts but q and ctrl-c.
                if key.code == KeyCode::Char('q') && !capturing {
                    self.request_quit(0);
                }
                return;
            }
            Some(Always::GoTab) => {
                // Function keys are never text: they switch tabs even while
                // a pane is taking typed input.
                if let KeyCode::F(k) = key.code {
                    let i = k as usize - 1;
                    if i < self.tabs.len() {
                        self.switch_to(i);
                        self.focus = Focus::Main;
                    }
                }
                return;
            }
            None => {}
        }
        if self.help {
            let len = self.help_lines(self.help_width().saturating_sub(2)).len() as u16;
            match key.code {
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => self.help = false,
                KeyCode::Down | KeyCode::Char('j') => {
                    self.help_scroll = (self.help_scroll + 1).min(len)
                }
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    self.help_scroll = (self.help_scroll + 10).min(len)
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.help_scroll = self.help_scroll.saturating_sub(1)
                }
                KeyCode::PageUp => self.help_scroll = self.help_scroll.saturating_sub(10),
                _ => {}
            }
            return;
        }
        if !capturing && let Some(cmd) = GLOBAL.lookup(&key) {
            let n = self.tabs.len();
            match cmd {
                Global::Quit => self.request_quit(0),
                Global::Help => {
                    self.help = true;
                    self.help_scroll = 0;
                }
                Global::Theme => self.toggle_theme(),
                Global::Focus => match self.focus {
                    Focus::Checklist => self.focus = Focus::Main,
                    Focus::Main => self.focus_checklist(),
                },
                Global::PrevTab => self.switch_to((self.active + n - 1) % n),
                Global::NextTab => self.switch_to(self.active + 1),
                Global::GoTab => {
                    if let KeyCode::Char(c) = key.code {
                        let i = (c as usize).saturating_sub('1' as usize);
                        if i < n {
                            self.switch_to(i);
                            self.focus = Focus::Main;
                        }
                    }
                }
                Global::Zoom => {
                    self.zoomed = !self.zoomed;
                    if self.zoomed {
                        self.focus = Focus::Main;
                    }
                    // The status bar shows ZOOM while it lasts.
                    let (w, h) = self.size;
                    self.resize(w, h);
                }
            }
            return;
        }
        match self.focus {
            Focus::Checklist => {
                self.with_sidebar(|c, cx| c.handle_key(key, cx));
            }
            Focus::Main => {
                let i = self.active;
                let handled = self.with_pane(i, |p, cx| p.handle_key(key, cx));
                if handled == Handled::No && FALLBACK.lookup(&key).is_some() {
                    self.focus_checklist();
                }
            }
        }
    }

    fn on_mouse(&mut self, ev: MouseEvent) -> bool {
        let a = self.areas();
        let inside = |r: Rect| {
            ev.column >= r.x
                && ev.column < r.x + r.width
                && ev.row >= r.y
                && ev.row < r.y + r.height
        };
        if self.help {
            match ev.kind {
                MouseEventKind::Down(_) => self.help = false,
                MouseEventKind::ScrollDown => self.help_scroll = self.help_scroll.saturating_add(3),
                MouseEventKind::ScrollUp => self.help_scroll = self.help_scroll.saturating_sub(3),
                _ => return false,
            }
            return true;
        }
        if matches!(
            ev.kind,
            MouseEventKind::Moved | MouseEventKind::Drag(_) | MouseEventKind::Up(_)
        ) {
            return false;
        }
        if inside(a.checklist) {
            if matches!(ev.kind, MouseEventKind::Down(_)) {
                self.focus = Focus::Checklist;
            }
            let area = a.checklist;
            self.with_sidebar(|c, cx| c.handle_mouse(ev, area, cx));
            return true;
        }
        if inside(a.tabs) {
            if let MouseEventKind::Down(MouseButton::Left) = ev.kind {
                let mut x = a.tabs.x;
                for (i, label) in self.tab_labels(a.tabs.width).iter().enumerate() {
                    let w = label.chars().count() as u16;
                    if ev.column >= x && ev.column < x + w {
                        self.switch_to(i);
                        self.focus = Focus::Main;
                        return true;
                    }
                    x += w;
                }
            }
            return false;
        }
        if inside(a.main) {
            if matches!(ev.kind, MouseEventKind::Down(_)) {
                self.focus = Focus::Main;
            }
            let i = self.active;
            let inner = Block::bordered().inner(a.main);
            self.with_pane(i, |p, cx| p.handle_mouse(ev, inner, cx));
            return true;
        }
        false
    }

    /// Called once before exit: panes cancel their jobs and stop their
    /// services, state is saved.
    pub fn shutdown(&mut self) {
        for t in &mut self.tabs {
            t.shutdown();
        }
        self.sidebar.save_view(&self.store);
        if let Err(e) = self.store.flush() {
            tracing::error!("flush on exit failed: {e}");
        }
    }

    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if let Some((_, q)) = &self.quitting
            && (area.width < MIN_WIDTH || area.height < MIN_HEIGHT)
        {
            // Too small for the app, but the question must still be seen.
            f.render_widget(
                Paragraph::new(self.quit_lines(q)).wrap(ratatui::widgets::Wrap { trim: false }),
                area,
            );
            return;
        }
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = vec![
                Line::styled("Terminal too small", self.theme.title),
                Line::styled(
                    format!(
                        "{}x{}, need at least {MIN_WIDTH}x{MIN_HEIGHT}",
                        area.width, area.height
                    ),
                    self.theme.text,
                ),
                Line::styled("(enlarge the window, or q to quit)", self.theme.dim),
            ];
            let h = (msg.len() as u16).min(area.height);
            let [mid] = Layout::vertical([Constraint::Length(h)])
                .flex(Flex::Center)
                .areas(area);
            f.render_widget(Paragraph::new(msg).centered(), mid);
            return;
        }
        let a = layout(area, self.zoomed);
        if !self.zoomed {
            self.sidebar
                .draw(f, a.checklist, &self.theme, self.focus == Focus::Checklist);
        }

        // Tab bar.
        let mut spans = Vec::new();
        for (i, label) in self.tab_labels(a.tabs.width).into_iter().enumerate() {
            let style = if i == self.active {
                self.theme.tab_active
            } else {
                self.theme.tab
            };
            // Labels carry their own padding (" 1 Item "): no gap between.
            spans.push(Span::styled(label, style));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), a.tabs);

        let focused = self.focus == Focus::Main;
        let pane = self.tabs[self.active].as_ref();
        let block = self.theme.frame(focused).title(Span::styled(
            format!(" {} ", pane.title()),
            self.theme.title,
        ));
        let inner = block.inner(a.main);
        f.render_widget(block, a.main);
        pane.draw(f, inner, &self.theme);

        self.draw_status(f, a.status);
        if self.help {
            self.draw_help(f, area);
        }
        if let Some((_, q)) = &self.quitting {
            self.draw_quit(f, area, q);
        }
    }

    fn quit_lines(&self, q: &QuitQuestion) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::styled(q.text.clone(), self.theme.title),
            Line::raw(""),
        ];
        for (k, what) in &q.choices {
            lines.push(Line::from(vec![
                Span::styled(format!("  {k:<5}"), self.theme.key),
                Span::styled(what.clone(), self.theme.text),
            ]));
        }
        lines.push(Line::from(vec![
            Span::styled("  esc  ", self.theme.key),
            Span::styled("don't quit", self.theme.text),
        ]));
        lines
    }

    fn draw_quit(&self, f: &mut Frame, area: Rect, q: &QuitQuestion) {
        let lines = self.quit_lines(q);
        let w = area.width.saturating_sub(4).min(64);
        let text_w = w.saturating_sub(2).max(1) as usize;
        // Wrapped height of the question line plus one line per answer.
        let rows: u16 = lines
            .iter()
            .map(|l| (l.width().max(1).div_ceil(text_w)) as u16)
            .sum();
        let h = (rows + 2).min(area.height);
        let r = centered(area, w, h);
        f.render_widget(Clear, r);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(self.theme.border_focused)
            .title(Span::styled(" Quit? ", self.theme.title));
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .style(self.theme.text)
                .wrap(ratatui::widgets::Wrap { trim: false }),
            r,
        );
    }

    fn draw_status(&self, f: &mut Frame, area: Rect) {
        let line = match &self.status {
            Some((msg, err)) => Line::from(Span::styled(
                crate::tui::text::truncate(&format!(" {msg}"), usize::from(area.width)),
                if *err {
                    self.theme.error
                } else {
                    self.theme.text
                },
            )),
            None => {
                // The mode first, where even a narrow terminal shows it.
                let typing = self.focus == Focus::Main && self.tabs[self.active].captures_text();
                let mut spans = if typing {
                    // Quitting asks first while a pane has something
                    // running (the timer, QEMU): the hint says which.
                    let asks = self.tabs.iter().any(|t| t.quit_question().is_some());
                    let quit = if asks {
                        " esc leaves · ctrl-c twice asks to quit "
                    } else {
                        " esc leaves · ctrl-c twice quits "
                    };
                    vec![
                        Span::styled(" TYPING ", self.theme.tab_active),
                        Span::styled(quit, self.theme.dim),
                    ]
                } else {
                    vec![Span::styled(" megarepo ", self.theme.title)]
                };
                if self.zoomed {
                    spans.push(Span::styled(" ZOOM (z) ", self.theme.tab_active));
                    spans.push(Span::raw(" "));
                }
                for t in &self.tabs {
                    let part = t.status(&self.theme);
                    // One space between parts, whether or not a part ends
                    // with one.
                    let spaced = part.last().is_some_and(|s| s.content.ends_with(' '));
                    if !part.is_empty() {
                        spans.extend(part);
                        if !spaced {
                            spans.push(Span::raw(" "));
                        }
                    }
                }
                spans.push(Span::styled(
                    format!(
                        "· {:.0}% of the roadmap ",
                        self.sidebar.done_ratio() * 100.0
                    ),
                    self.theme.text,
                ));
                if !typing {
                    spans.push(Span::styled("· ? help · q quit", self.theme.dim));
                }
                Line::from(crate::tui::text::truncate_spans(
                    spans,
                    usize::from(area.width),
                ))
            }
        };
        f.render_widget(Paragraph::new(line).style(self.theme.status), area);
    }

    /// The help overlay's width: as wide as its longest row, up to the
    /// screen.
    fn help_width(&self) -> u16 {
        let widest = self
            .help_rows()
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|k| 2 + HELP_KEY_W + k.help.chars().count()))
            .max()
            .unwrap_or(0);
        u16::try_from(widest + 2)
            .unwrap_or(u16::MAX)
            .min(self.size.0)
    }

    /// The sections of the help: everywhere, the checklist, the pane.
    fn help_rows(&self) -> Vec<(String, Vec<KeyHelp>)> {
        let mut everywhere = GLOBAL.help();
        everywhere.extend(ALWAYS.help());
        everywhere.extend(FALLBACK.help());
        let mut out = vec![
            ("Everywhere".to_string(), everywhere),
            ("Checklist".to_string(), self.sidebar.keys()),
        ];
        let pane = self.tabs[self.active].as_ref();
        let keys = pane.keys();
        if !keys.is_empty() {
            out.push((format!("{} pane", pane.title()), keys));
        }
        out
    }

    /// The help's lines for a text width of `width` columns: a description
    /// too long for the row wraps under itself, never cut.
    fn help_lines(&self, width: u16) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let desc_w = usize::from(width).saturating_sub(2 + HELP_KEY_W).max(10);
        for (title, rows) in self.help_rows() {
            lines.push(Line::styled(title, self.theme.section));
            for k in rows {
                let key_col = if k.shown.chars().count() > HELP_KEY_W {
                    // A long key name gets a row of its own.
                    lines.push(Line::styled(format!("  {}", k.shown), self.theme.key));
                    " ".repeat(HELP_KEY_W)
                } else {
                    format!("{:<HELP_KEY_W$}", k.shown)
                };
                for (j, part) in crate::tui::text::wrap(k.help, desc_w)
                    .into_iter()
                    .enumerate()
                {
                    let left = if j == 0 {
                        key_col.clone()
                    } else {
                        " ".repeat(HELP_KEY_W)
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {left}"), self.theme.key),
                        Span::styled(part, self.theme.text),
                    ]));
                }
            }
            lines.push(Line::raw(""));
        }
        lines.pop();
        lines
    }

    fn draw_help(&self, f: &mut Frame, area: Rect) {
        let w = self.help_width().min(area.width);
        let lines = self.help_lines(w.saturating_sub(2));
        let total = lines.len() as u16;
        let h = (total + 2).min(area.height);
        let r = centered(area, w, h);
        let visible = h.saturating_sub(2);
        let scroll = self.help_scroll.min(total.saturating_sub(visible));
        let more = if scroll + visible < total {
            " ↓ more (j) "
        } else {
            ""
        };
        f.render_widget(Clear, r);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(self.theme.border_focused)
            .title(Span::styled(" Keys ", self.theme.title))
            .title_bottom(Line::styled(more, self.theme.dim).right_aligned());
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .style(self.theme.text)
                .scroll((scroll, 0)),
            r,
        );
    }
}

/// The help's key column.
const HELP_KEY_W: usize = 16;

impl App {
    /// Tab labels that fit in `width`, the same whichever tab is active (so
    /// the bar never shifts when switching): full titles with room around
    /// them, else closer together, else every title cut to the same number
    /// of columns (marked "…"), else numbers only. Drawing and mouse
    /// hit-testing both use this.
    pub fn tab_labels(&self, width: u16) -> Vec<String> {
        tab_labels(&self.tab_titles(), usize::from(width))
    }
}

/// See [`App::tab_labels`].
pub fn tab_labels(titles: &[String], width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let fits = |labels: &[String]| labels.iter().map(|l| l.width()).sum::<usize>() <= width;
    let padded: Vec<String> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| format!(" {} {t} ", i + 1))
        .collect();
    if fits(&padded) {
        return padded;
    }
    let longest = titles.iter().map(|t| t.width()).max().unwrap_or(0);
    // Down to three columns ("Ke…"); shorter cuts say nothing.
    for keep in (3..=longest).rev() {
        let labels: Vec<String> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| format!(" {} {}", i + 1, crate::tui::text::truncate(t, keep)))
            .collect();
        if fits(&labels) {
            return labels;
        }
    }
    (0..titles.len()).map(|i| format!(" {}", i + 1)).collect()
}

/// A shell command as the learner would recognise it: without the global
/// options (`--data-dir DIR`) that only said where to send it.
fn shown_command(args: &[String]) -> String {
    let mut words = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--data-dir" || a == "--content-dir" {
            it.next();
        } else if !a.starts_with("--data-dir=") && !a.starts_with("--content-dir=") {
            words.push(a.as_str());
        }
    }
    words.join(" ")
}
