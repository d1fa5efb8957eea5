//! The app: state, `update` (the only place state changes) and `draw`.
//!
//! `update` takes one [`Action`] and returns whether the screen needs a
//! redraw; `draw` reads state and never changes it. The checklist is always
//! on the left; the main area shows one tab pane at a time.

use crate::action::{Action, Sender};
use crate::content::Content;
use crate::pane::{Ctx, Handled, Pane, Request};
use crate::panes::checklist::ChecklistPane;
use crate::panes::item::{self, ItemPane};
use crate::store::Store;
use crate::theme::Theme;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
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

pub struct App {
    pub store: Store,
    pub content: Content,
    pub theme: Theme,
    pub tx: Sender,
    pub checklist: ChecklistPane,
    item: ItemPane,
    /// Tab panes after the item pane, in tab order.
    pub tabs: Vec<Box<dyn Pane>>,
    /// 0 = the item pane, i = tabs[i - 1].
    pub active: usize,
    pub focus: Focus,
    pub help: bool,
    /// First line of the help overlay shown (it scrolls on small screens).
    help_scroll: u16,
    pub status: Option<(String, bool)>,
    pub size: (u16, u16),
    pub quit: bool,
    /// The study timer's state for the status bar (set by the study pane).
    pub study_status: Option<crate::panes::stats::StudyStatus>,
    /// When each pane (index as in `active`) was last ticked.
    last_tick: Vec<Option<std::time::Instant>>,
}

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

impl App {
    pub fn new(
        store: Store,
        content: Content,
        theme: Theme,
        tx: Sender,
        size: (u16, u16),
    ) -> anyhow::Result<App> {
        let checklist = ChecklistPane::new(content.roadmap.clone(), &store)?;
        let item = ItemPane::new(content.roadmap.clone());
        let status = content
            .warnings
            .first()
            .map(|w| (format!("{w} (using the built-in roadmap)"), true));
        let mut app = App {
            store,
            content,
            theme,
            tx,
            checklist,
            item,
            tabs: Vec::new(),
            active: 0,
            focus: Focus::Checklist,
            help: false,
            help_scroll: 0,
            status,
            size,
            quit: false,
            study_status: None,
            last_tick: Vec::new(),
        };
        app.resize(size.0, size.1);
        app.sync_item();
        Ok(app)
    }

    /// Select a checklist item by id (expanding its ancestors).
    pub fn select_item(&mut self, id: &str) {
        self.checklist.select_id(id);
        self.sync_item();
    }

    /// Add a tab pane (in tab order).
    pub fn add_tab(&mut self, mut pane: Box<dyn Pane>) {
        pane.on_resize(self.pane_area(), &self.theme);
        self.tabs.push(pane);
    }

    /// Dark ⇄ light (NO_COLOR stays plain). The choice is remembered.
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
        if i == 0 {
            self.item.before_draw();
        } else {
            self.tabs[i - 1].before_draw();
        }
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        let a = layout(Rect::new(0, 0, w, h));
        self.checklist
            .set_viewport(ChecklistPane::list_area(a.checklist).height as usize);
        let area = self.pane_area();
        self.item.on_resize(area, &self.theme);
        for t in &mut self.tabs {
            t.on_resize(area, &self.theme);
        }
    }

    fn sync_item(&mut self) {
        let sel = self.checklist.selected_id();
        self.item.sync(
            self.checklist.roadmap(),
            self.checklist.progress(),
            sel.clone(),
        );
        if let Some(id) = sel {
            let mut cx = Ctx {
                store: &self.store,
                content: &self.content,
                tx: &self.tx,
                requests: Vec::new(),
            };
            for t in &mut self.tabs {
                t.on_select(&id, &mut cx);
            }
            let reqs = std::mem::take(&mut cx.requests);
            self.apply(reqs);
        }
    }

    pub fn tab_titles(&self) -> Vec<String> {
        std::iter::once(self.item.title())
            .chain(self.tabs.iter().map(|t| t.title()))
            .collect()
    }

    fn active_pane_ref(&self) -> &dyn Pane {
        if self.active == 0 {
            &self.item
        } else {
            self.tabs[self.active - 1].as_ref()
        }
    }

    /// The shortest tick any pane wants now, if any.
    pub fn tick_every(&self) -> Option<Duration> {
        std::iter::once(self.item.tick_every())
            .chain(self.tabs.iter().map(|t| t.tick_every()))
            .flatten()
            .min()
    }

    /// Run `f` on a pane with a context, then apply what it requested.
    fn with_pane<R>(&mut self, index: usize, f: impl FnOnce(&mut dyn Pane, &mut Ctx) -> R) -> R {
        let mut cx = Ctx {
            store: &self.store,
            content: &self.content,
            tx: &self.tx,
            requests: Vec::new(),
        };
        let pane: &mut dyn Pane = if index == 0 {
            &mut self.item
        } else {
            self.tabs[index - 1].as_mut()
        };
        let r = f(pane, &mut cx);
        let reqs = std::mem::take(&mut cx.requests);
        self.apply(reqs);
        r
    }

    fn with_checklist<R>(&mut self, f: impl FnOnce(&mut ChecklistPane, &mut Ctx) -> R) -> R {
        let mut cx = Ctx {
            store: &self.store,
            content: &self.content,
            tx: &self.tx,
            requests: Vec::new(),
        };
        let before = self.checklist.selected_id();
        let r = f(&mut self.checklist, &mut cx);
        let reqs = std::mem::take(&mut cx.requests);
        self.apply(reqs);
        if self.checklist.selected_id() != before {
            self.sync_item();
        }
        r
    }

    fn apply(&mut self, requests: Vec<Request>) {
        for r in requests {
            match r {
                Request::Status(msg, err) => self.status = Some((msg, err)),
                Request::ProgressChanged => {
                    if let Err(e) = self.checklist.reload(&self.store) {
                        self.status = Some((e.to_string(), true));
                    }
                    self.sync_item();
                }
                Request::Show(id) => self.show(id),
                Request::OpenSheet(name) => {
                    if let Some(i) = self.tab_index("sheets") {
                        self.switch_to(i);
                        self.with_pane(i, |p, cx| p.on_message(Box::new(OpenSheet(name)), cx));
                        self.focus = Focus::Main;
                    } else {
                        self.status = Some((
                            format!("cheat sheet `{name}`: the sheets pane is not built yet"),
                            false,
                        ));
                    }
                }
            }
        }
    }

    fn tab_index(&self, id: &str) -> Option<usize> {
        if id == item::ID {
            return Some(0);
        }
        self.tabs.iter().position(|t| t.id() == id).map(|i| i + 1)
    }

    fn show(&mut self, id: &str) {
        // The timer lives in the study pane.
        let id = if id == "timer" { "stats" } else { id };
        if id == "checklist" {
            self.focus = Focus::Checklist;
            return;
        }
        match self.tab_index(id) {
            Some(i) => {
                self.switch_to(i);
                self.focus = Focus::Main;
            }
            None => {
                self.status = Some((
                    format!("the {id} pane is not part of this build yet"),
                    false,
                ))
            }
        }
    }

    fn switch_to(&mut self, index: usize) {
        let n = self.tabs.len() + 1;
        self.active = index % n;
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
                let n = self.tabs.len() + 1;
                let now = std::time::Instant::now();
                self.last_tick.resize(n, None);
                let mut ticked = false;
                for i in 0..n {
                    let wants = if i == 0 {
                        self.item.tick_every()
                    } else {
                        self.tabs[i - 1].tick_every()
                    };
                    let Some(every) = wants else {
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
            Action::Pane(msg) => {
                if let Some(i) = self.tab_index(msg.to) {
                    self.with_pane(i, |p, cx| p.on_message(msg.body, cx));
                }
                true
            }
            Action::ContentChanged(paths) => {
                if paths.iter().any(|p| p.ends_with("roadmap.yaml")) {
                    self.reload_content();
                }
                for i in 0..=self.tabs.len() {
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
                self.checklist.set_roadmap(fresh.roadmap.clone());
                self.content = fresh;
                self.status = Some(("roadmap reloaded".into(), false));
                self.sync_item();
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) {
        // The status line is a message about the previous key.
        self.status = None;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c')) {
            self.quit = true;
            return;
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
        let capturing = self.focus == Focus::Main && self.active_pane_ref().captures_text();
        if !capturing {
            match key.code {
                KeyCode::Char('q') => {
                    self.quit = true;
                    return;
                }
                KeyCode::Char('?') => {
                    self.help = true;
                    self.help_scroll = 0;
                    return;
                }
                KeyCode::Char('T') => {
                    self.toggle_theme();
                    return;
                }
                KeyCode::Tab => {
                    self.focus = match self.focus {
                        Focus::Checklist => Focus::Main,
                        Focus::Main => Focus::Checklist,
                    };
                    return;
                }
                KeyCode::BackTab => {
                    let n = self.tabs.len() + 1;
                    self.switch_to((self.active + n - 1) % n);
                    return;
                }
                KeyCode::Char(']') => {
                    self.switch_to(self.active + 1);
                    return;
                }
                KeyCode::Char('[') => {
                    let n = self.tabs.len() + 1;
                    self.switch_to((self.active + n - 1) % n);
                    return;
                }
                _ => {}
            }
        }
        // Function keys are never text: they switch tabs even while a pane
        // is taking typed input.
        if let KeyCode::F(k) = key.code
            && (1..=12).contains(&k)
        {
            let i = k as usize - 1;
            if i <= self.tabs.len() {
                self.switch_to(i);
                self.focus = Focus::Main;
            }
            return;
        }
        match self.focus {
            Focus::Checklist => {
                if key.code == KeyCode::Char('n') {
                    // Notes are written in the item pane.
                    self.switch_to(0);
                    self.focus = Focus::Main;
                    if !self.item.edit_note() {
                        self.status =
                            Some(("sections have no notes; select an item".into(), false));
                        self.focus = Focus::Checklist;
                    }
                    return;
                }
                if self.with_checklist(|c, cx| c.handle_key(key, cx)) == Handled::No {
                    self.status = None;
                }
            }
            Focus::Main => {
                let i = self.active;
                let handled = self.with_pane(i, |p, cx| p.handle_key(key, cx));
                if handled == Handled::No {
                    if key.code == KeyCode::Esc {
                        self.focus = Focus::Checklist;
                    } else {
                        // Keys the pane does not use act on the checklist
                        // selection (space, +/-, enter...), so the item pane
                        // can tick and count too.
                        self.with_checklist(|c, cx| c.handle_key(key, cx));
                    }
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
            self.with_checklist(|c, cx| c.handle_mouse(ev, area, cx));
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

    /// Called once before exit: panes stop their services, state is saved.
    pub fn shutdown(&mut self) {
        self.item.shutdown();
        for t in &mut self.tabs {
            t.shutdown();
        }
        self.checklist.save_view(&self.store);
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
        self.checklist
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
        let pane = self.active_pane_ref();
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
                let overall = crate::checklist::Checklist::new(
                    self.checklist.roadmap(),
                    self.checklist.progress(),
                )
                .overall();
                let mut spans = vec![Span::styled(" megarepo ", self.theme.title)];
                if let Some(st) = &self.study_status {
                    spans.extend(crate::panes::stats::status_bar_spans(
                        &st.get(),
                        &self.theme,
                    ));
                    spans.push(Span::raw(" "));
                }
                spans.push(Span::styled(
                    format!("· {:.0}% of the roadmap ", overall.ratio() * 100.0),
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
        let section = |title: &str, rows: Vec<(&str, &str)>, lines: &mut Vec<Line<'static>>| {
            lines.push(Line::styled(title.to_string(), self.theme.section));
            for (k, what) in rows {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {k:<16}"), self.theme.key),
                    Span::styled(what.to_string(), self.theme.text),
                ]));
            }
            lines.push(Line::raw(""));
        };
        section(
            "Everywhere",
            vec![
                ("?", "this help (esc closes, j/k scroll)"),
                ("q / ctrl-c", "quit"),
                ("tab", "focus: checklist ⇄ main area"),
                ("[ ] / shift-tab", "previous / next tab"),
                ("F1..F12", "go to tab 1..12"),
                ("T", "dark ⇄ light theme (remembered)"),
                ("esc", "from a pane back to the checklist"),
                ("n", "write a note on the selected item"),
            ],
            &mut lines,
        );
        section("Checklist", ChecklistPane::help(), &mut lines);
        let pane = self.active_pane_ref();
        let ph = pane.help();
        if !ph.is_empty() {
            section(&format!("{} pane", pane.title()), ph, &mut lines);
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

/// Sent to the sheets pane to open one sheet.
#[derive(Debug, Clone)]
pub struct OpenSheet(pub String);
