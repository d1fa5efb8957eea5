//! The app: state, `update` (the only place state changes) and `draw`.
//!
//! `update` takes one [`Action`] and returns whether the screen needs a
//! redraw; `draw` reads state and never changes it. The roadmap (a
//! [`Sidebar`]) is always on the left; the main area shows one tab pane at a
//! time. The app knows no concrete pane: it routes keys, wake-ups, ticks and
//! requests to `dyn Pane`s by id.

use crate::action::{Action, Sender};
use crate::content::Content;
use crate::pane::{Ctx, Handled, Pane, Request, Sidebar};
use crate::store::Store;
use crate::theme::Theme;
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
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
    /// First line of the help overlay shown (it scrolls on small screens).
    help_scroll: u16,
    status: Option<(String, bool)>,
    size: (u16, u16),
    pub quit: bool,
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
/// handling always agree.
pub struct Areas {
    pub checklist: Rect,
    pub tabs: Rect,
    pub main: Rect,
    pub status: Rect,
}

pub fn layout(area: Rect) -> Areas {
    let [body, status] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let left = (area.width * 2 / 5).clamp(34, 56);
    let [checklist, right] =
        Layout::horizontal([Constraint::Length(left), Constraint::Min(0)]).areas(body);
    let [tabs, main] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(right);
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
            focus: Focus::Checklist,
            help: false,
            help_scroll: 0,
            status,
            size,
            quit: false,
            last_tick: Vec::new(),
        };
        if app.tabs.is_empty() {
            anyhow::bail!("the app needs at least one tab");
        }
        app.resize(size.0, size.1);
        app.sync_selection();
        Ok(app)
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

    /// The area a tab pane draws in (inside the main frame).
    fn pane_area(&self) -> Rect {
        Block::bordered().inner(layout(Rect::new(0, 0, self.size.0, self.size.1)).main)
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
        let a = layout(Rect::new(0, 0, w, h));
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
                Request::FocusSidebar => self.focus = Focus::Checklist,
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
            self.focus = Focus::Checklist;
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
            self.status = Some((why, true));
            self.active = before.0;
            self.focus = before.1;
        }
    }

    fn switch_to(&mut self, index: usize) {
        self.active = index % self.tabs.len();
        let i = self.active;
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
                if self.focus == Focus::Main {
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
            Action::Mouse(ev) => self.on_mouse(ev),
        }
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
        match ALWAYS.lookup(&key) {
            Some(Always::Quit) => {
                self.quit = true;
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
            let len = self.help_lines().len() as u16;
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
        let capturing = self.focus == Focus::Main && self.tabs[self.active].captures_text();
        if !capturing && let Some(cmd) = GLOBAL.lookup(&key) {
            let n = self.tabs.len();
            match cmd {
                Global::Quit => self.quit = true,
                Global::Help => {
                    self.help = true;
                    self.help_scroll = 0;
                }
                Global::Theme => self.toggle_theme(),
                Global::Focus => {
                    self.focus = match self.focus {
                        Focus::Checklist => Focus::Main,
                        Focus::Main => Focus::Checklist,
                    }
                }
                Global::PrevTab => self.switch_to((self.active + n - 1) % n),
                Global::NextTab => self.switch_to(self.active + 1),
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
                    self.focus = Focus::Checklist;
                }
            }
        }
    }

    fn on_mouse(&mut self, ev: MouseEvent) -> bool {
        let a = layout(Rect::new(0, 0, self.size.0, self.size.1));
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
        let a = layout(area);
        self.sidebar
            .draw(f, a.checklist, &self.theme, self.focus == Focus::Checklist);

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
    }

    fn draw_status(&self, f: &mut Frame, area: Rect) {
        let line = match &self.status {
            Some((msg, err)) => Line::from(Span::styled(
                format!(" {msg}"),
                if *err {
                    self.theme.error
                } else {
                    self.theme.text
                },
            )),
            None => {
                let mut spans = vec![Span::styled(" megarepo ", self.theme.title)];
                for t in &self.tabs {
                    let part = t.status(&self.theme);
                    if !part.is_empty() {
                        spans.extend(part);
                        spans.push(Span::raw(" "));
                    }
                }
                spans.push(Span::styled(
                    format!(
                        "· {:.0}% of the roadmap ",
                        self.sidebar.done_ratio() * 100.0
                    ),
                    self.theme.text,
                ));
                spans.push(Span::styled("· ? help · q quit", self.theme.dim));
                Line::from(spans)
            }
        };
        f.render_widget(Paragraph::new(line).style(self.theme.status), area);
    }

    fn help_lines(&self) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let section = |title: &str, rows: Vec<KeyHelp>, lines: &mut Vec<Line<'static>>| {
            lines.push(Line::styled(title.to_string(), self.theme.section));
            for k in rows {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<16}", k.shown), self.theme.key),
                    Span::styled(k.help.to_string(), self.theme.text),
                ]));
            }
            lines.push(Line::raw(""));
        };
        let mut everywhere = GLOBAL.help();
        everywhere.extend(ALWAYS.help());
        everywhere.extend(FALLBACK.help());
        section("Everywhere", everywhere, &mut lines);
        section("Checklist", self.sidebar.keys(), &mut lines);
        let pane = self.tabs[self.active].as_ref();
        let keys = pane.keys();
        if !keys.is_empty() {
            section(&format!("{} pane", pane.title()), keys, &mut lines);
        }
        lines.pop();
        lines
    }

    fn draw_help(&self, f: &mut Frame, area: Rect) {
        let lines = self.help_lines();
        let total = lines.len() as u16;
        let h = (total + 2).min(area.height);
        let w = 72.min(area.width);
        let [v] = Layout::vertical([Constraint::Length(h)])
            .flex(Flex::Center)
            .areas(area);
        let [r] = Layout::horizontal([Constraint::Length(w)])
            .flex(Flex::Center)
            .areas(v);
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

impl App {
    /// Tab labels that fit in `width`: full titles when there is room, else
    /// the active tab in full and the others shortened, else numbers only.
    /// Drawing and mouse hit-testing both use this.
    pub fn tab_labels(&self, width: u16) -> Vec<String> {
        let titles = self.tab_titles();
        let fits = |labels: &[String]| {
            labels.iter().map(|l| l.chars().count()).sum::<usize>() <= width as usize
        };
        let full: Vec<String> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| tab_label(i, t))
            .collect();
        if fits(&full) {
            return full;
        }
        for keep in [4, 3, 2, 0] {
            let short: Vec<String> = titles
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == self.active {
                        tab_label(i, t)
                    } else {
                        let s: String = t.chars().take(keep).collect();
                        if s.is_empty() {
                            format!(" {} ", i + 1)
                        } else {
                            tab_label(i, &s)
                        }
                    }
                })
                .collect();
            if fits(&short) || keep == 0 {
                return short;
            }
        }
        full
    }
}

fn tab_label(i: usize, title: &str) -> String {
    format!(" {} {} ", i + 1, title)
}
