//! The checklist: the roadmap as a tree, always visible on the left.
//!
//! State here is only what the learner sees (selection, scroll, collapsed
//! nodes, filter) plus a copy of the progress records; every change is
//! written through to the store at once and the copy reloaded, so the
//! checklist never shows something the store does not hold.

use crate::checklist::{Checklist, Filter, Row, is_leaf_item, leaf_items};
use crate::content::{Kind, Node, Roadmap};
use crate::pane::{Ctx, Handled, Request, Selection, Sidebar};
use crate::store::{ItemProgress, Store};
use crate::theme::Theme;
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crate::tui::text::truncate;
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, LineGauge, Paragraph};
use std::collections::{HashMap, HashSet};

pub const ID: &str = "checklist";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Collapse,
    Expand,
    CollapseAll,
    ExpandAll,
    Tick,
    CountUp,
    CountDown,
    Open,
    Sheet,
    Note,
    Filter,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::Up), Key::ch('k')],
        "↑ / k",
        "move up",
        Cmd::Up,
    ),
    bind(
        &[Key::code(KeyCode::Down), Key::ch('j')],
        "↓ / j",
        "move down",
        Cmd::Down,
    ),
    bind(
        &[Key::code(KeyCode::PageUp)],
        "PgUp",
        "page up",
        Cmd::PageUp,
    ),
    bind(
        &[Key::code(KeyCode::PageDown)],
        "PgDn",
        "page down",
        Cmd::PageDown,
    ),
    bind(
        &[Key::code(KeyCode::Home), Key::ch('g')],
        "g / Home",
        "top",
        Cmd::Top,
    ),
    bind(
        &[Key::code(KeyCode::End), Key::ch('G')],
        "G / End",
        "bottom",
        Cmd::Bottom,
    ),
    bind(
        &[Key::code(KeyCode::Left), Key::ch('h')],
        "← / h",
        "collapse (on a leaf: go to the parent)",
        Cmd::Collapse,
    ),
    bind(
        &[Key::code(KeyCode::Right), Key::ch('l')],
        "→ / l",
        "expand",
        Cmd::Expand,
    ),
    bind(&[Key::ch('C')], "C", "collapse all", Cmd::CollapseAll),
    bind(&[Key::ch('E')], "E", "expand all", Cmd::ExpandAll),
    bind(
        &[Key::ch(' '), Key::ch('x')],
        "space / x",
        "tick / untick (a parent ticks all its items)",
        Cmd::Tick,
    ),
    bind(
        &[Key::ch('+'), Key::ch('=')],
        "+",
        "count up on counted items",
        Cmd::CountUp,
    ),
    bind(
        &[Key::ch('-'), Key::ch('_')],
        "-",
        "count down on counted items",
        Cmd::CountDown,
    ),
    bind(
        &[Key::code(KeyCode::Enter), Key::ch('o')],
        "enter / o",
        "open the item's pane (or its sheet)",
        Cmd::Open,
    ),
    bind(
        &[Key::ch('s')],
        "s",
        "open the item's cheat sheet",
        Cmd::Sheet,
    ),
    bind(
        &[Key::ch('n')],
        "n",
        "write a note on the item or section",
        Cmd::Note,
    ),
    bind(
        &[Key::ch('f')],
        "f",
        "filter: all → open → done",
        Cmd::Filter,
    ),
]);

/// UI state worth keeping across runs.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct SavedView {
    collapsed: HashSet<String>,
    filter: Filter,
    selected: Option<String>,
}

pub struct ChecklistPane {
    roadmap: Roadmap,
    progress: HashMap<String, ItemProgress>,
    collapsed: HashSet<String>,
    filter: Filter,
    selected: usize,
    offset: usize,
    /// Rows that fit in the list area; set from the layout on every resize.
    viewport: usize,
}

impl ChecklistPane {
    pub fn new(roadmap: Roadmap, store: &Store) -> Result<Self, crate::store::StoreError> {
        let progress = store.all_progress()?;
        let saved: SavedView = store
            .get_json("ui", "checklist")
            .ok()
            .flatten()
            .unwrap_or_default();
        let mut pane = ChecklistPane {
            roadmap,
            progress,
            collapsed: saved.collapsed,
            filter: saved.filter,
            selected: 0,
            offset: 0,
            viewport: 10,
        };
        if let Some(id) = saved.selected {
            pane.select_id(&id);
        }
        Ok(pane)
    }

    pub fn set_roadmap(&mut self, roadmap: Roadmap) {
        let keep = self.selected_id();
        self.roadmap = roadmap;
        if let Some(id) = keep {
            self.select_id(&id);
        }
        self.clamp();
    }

    pub fn reload(&mut self, store: &Store) -> Result<(), crate::store::StoreError> {
        self.progress = store.all_progress()?;
        self.clamp();
        Ok(())
    }

    pub fn save_view(&self, store: &Store) {
        let v = SavedView {
            collapsed: self.collapsed.clone(),
            filter: self.filter,
            selected: self.selected_id(),
        };
        if let Err(e) = store.put_json("ui", "checklist", &v) {
            tracing::warn!("could not save checklist view: {e}");
        }
    }

    fn model(&self) -> Checklist<'_> {
        Checklist::new(&self.roadmap, &self.progress)
    }

    fn rows(&self) -> Vec<Row<'_>> {
        self.model().rows(&self.collapsed, self.filter)
    }

    pub fn selected_id(&self) -> Option<String> {
        self.rows().get(self.selected).map(|r| r.node.id.clone())
    }

    pub fn selected_node(&self) -> Option<&Node> {
        let id = self.selected_id()?;
        self.roadmap.find(&id)
    }

    pub fn roadmap(&self) -> &Roadmap {
        &self.roadmap
    }

    pub fn progress(&self) -> &HashMap<String, ItemProgress> {
        &self.progress
    }

    /// Select a node by id, expanding its ancestors so it is visible.
    pub fn select_id(&mut self, id: &str) {
        let flat = self.roadmap.flatten();
        if let Some(mut i) = flat.iter().position(|e| e.node.id == id) {
            while let Some(p) = flat[i].parent {
                self.collapsed.remove(&flat[p].node.id);
                i = p;
            }
        }
        if let Some(pos) = self.rows().iter().position(|r| r.node.id == id) {
            self.selected = pos;
        }
        self.clamp();
    }

    pub fn set_viewport(&mut self, rows: usize) {
        self.viewport = rows.max(1);
        self.clamp();
    }

    fn clamp(&mut self) {
        let n = self.rows().len();
        if n == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.selected = self.selected.min(n - 1);
        if self.selected < self.offset {
            self.offset = self.selected;
        }
        if self.selected >= self.offset + self.viewport {
            self.offset = self.selected + 1 - self.viewport;
        }
        self.offset = self.offset.min(n.saturating_sub(self.viewport));
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.rows().len() as isize;
        if n == 0 {
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n - 1) as usize;
        self.clamp();
    }

    fn toggle_selected(&mut self, cx: &mut Ctx) {
        let Some(node) = self.selected_node().cloned() else {
            return;
        };
        match node.kind {
            Kind::Section => self.toggle_collapse(&node.id),
            Kind::Info => cx.info("this line is for reference; it has nothing to tick"),
            Kind::Item => {
                let done = self.model().state(&node.id).is_some_and(|s| s.done);
                let now = Timestamp::now();
                let leaves = leaf_items(&node);
                for leaf in &leaves {
                    if let Err(e) = cx.store.set_done(&leaf.id, !done, now) {
                        cx.error(e.to_string());
                        return;
                    }
                }
                let what = if leaves.len() > 1 {
                    format!("{} ({} items)", node.title, leaves.len())
                } else {
                    node.title.clone()
                };
                cx.info(format!(
                    "{} {what}",
                    if done { "Reopened" } else { "Done:" }
                ));
                cx.request(Request::ProgressChanged);
            }
        }
    }

    fn count_selected(&mut self, delta: i64, cx: &mut Ctx) {
        let Some(node) = self.selected_node().cloned() else {
            return;
        };
        if !is_leaf_item(&node) || node.target.is_none() {
            cx.info("this item has no counter (+/- work on counted items such as Codewars 50)");
            return;
        }
        match cx
            .store
            .add_count(&node.id, delta, node.target, Timestamp::now())
        {
            Ok(p) => {
                cx.info(format!(
                    "{}: {}/{}",
                    node.title,
                    p.count,
                    node.target.unwrap_or(0)
                ));
                cx.request(Request::ProgressChanged);
            }
            Err(e) => cx.error(e.to_string()),
        }
    }

    fn toggle_collapse(&mut self, id: &str) {
        if !self.collapsed.remove(id) {
            self.collapsed.insert(id.to_string());
        }
        self.clamp();
    }

    /// Open what the selected item leads to: its pane, else its sheet.
    pub fn open_target(&self, prefer_sheet: bool, cx: &mut Ctx) {
        let Some(node) = self.selected_node() else {
            return;
        };
        let sheet = node.sheet.clone();
        let pane = node.pane.clone();
        match (prefer_sheet, pane, sheet) {
            (true, _, Some(s)) | (false, None, Some(s)) => cx.request(Request::Open {
                pane: super::sheets::ID.into(),
                at: Some(s),
            }),
            (_, Some(p), _) => cx.request(Request::Open { pane: p, at: None }),
            _ => cx.info("this item does not lead to a pane or a sheet"),
        }
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        let page = self.viewport.max(2) as isize - 1;
        match cmd {
            Cmd::Up => self.move_by(-1),
            Cmd::Down => self.move_by(1),
            Cmd::PageUp => self.move_by(-page),
            Cmd::PageDown => self.move_by(page),
            Cmd::Top => self.move_by(-(1 << 20)),
            Cmd::Bottom => self.move_by(1 << 20),
            Cmd::Collapse => {
                let rows = self.rows();
                if let Some(r) = rows.get(self.selected) {
                    let id = r.node.id.clone();
                    if !r.node.children.is_empty() && !r.collapsed {
                        drop(rows);
                        self.toggle_collapse(&id);
                    } else {
                        // go to the parent row
                        let depth = r.depth;
                        if let Some(p) = (0..self.selected).rev().find(|&i| rows[i].depth < depth) {
                            drop(rows);
                            self.selected = p;
                            self.clamp();
                        }
                    }
                }
            }
            Cmd::Expand => {
                if let Some(r) = self.rows().get(self.selected)
                    && r.collapsed
                {
                    let id = r.node.id.clone();
                    self.toggle_collapse(&id);
                }
            }
            Cmd::Tick => self.toggle_selected(cx),
            Cmd::CountUp => self.count_selected(1, cx),
            Cmd::CountDown => self.count_selected(-1, cx),
            Cmd::Open => self.open_target(false, cx),
            Cmd::Sheet => self.open_target(true, cx),
            Cmd::Note => cx.request(Request::Open {
                pane: super::item::ID.into(),
                at: Some(super::item::AT_NOTE.into()),
            }),
            Cmd::Filter => {
                self.filter = self.filter.next();
                self.clamp();
                cx.info(format!("filter: {}", self.filter.label()));
            }
            Cmd::CollapseAll => {
                for s in &self.roadmap.flatten() {
                    if !s.node.children.is_empty() {
                        self.collapsed.insert(s.node.id.clone());
                    }
                }
                self.selected = 0;
                self.clamp();
            }
            Cmd::ExpandAll => {
                self.collapsed.clear();
                self.clamp();
            }
        }
    }

    /// Mouse in the checklist: click selects (on the box it also toggles),
    /// the wheel scrolls.
    fn on_mouse(&mut self, ev: MouseEvent, area: Rect, cx: &mut Ctx) -> Handled {
        let list = Self::list_area(area);
        match ev.kind {
            MouseEventKind::ScrollDown => self.move_by(3),
            MouseEventKind::ScrollUp => self.move_by(-3),
            MouseEventKind::Down(MouseButton::Left) => {
                if ev.row < list.y || ev.row >= list.y + list.height || ev.column < list.x {
                    return Handled::No;
                }
                let i = self.offset + (ev.row - list.y) as usize;
                let rows = self.rows();
                let Some(r) = rows.get(i) else {
                    return Handled::Yes;
                };
                let box_x = list.x + 2 * r.depth as u16 + 2;
                let on_box =
                    ev.column >= box_x && ev.column < box_x + 3 && r.node.kind == Kind::Item;
                let on_arrow = ev.column >= box_x.saturating_sub(2)
                    && ev.column < box_x
                    && !r.node.children.is_empty();
                let id = r.node.id.clone();
                drop(rows);
                self.selected = i;
                self.clamp();
                if on_box {
                    self.toggle_selected(cx);
                } else if on_arrow {
                    self.toggle_collapse(&id);
                }
            }
            _ => return Handled::No,
        }
        Handled::Yes
    }

    /// The list area inside the block: below the gauge line.
    pub fn list_area(area: Rect) -> Rect {
        let inner = Block::bordered().inner(area);
        let [_, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        list
    }

    fn draw_tree(&self, f: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let model = self.model();
        let overall = model.overall();
        let title = Line::from(vec![
            Span::styled(" Checklist ", theme.title),
            Span::styled(format!("[{}] ", self.filter.label()), theme.dim),
        ]);
        let block = theme.frame(focused).title(title);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [gauge_area, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        let label = format!(
            "{:.0}/{:.0} {:>3.0}%",
            overall.done.floor(),
            overall.total,
            overall.ratio() * 100.0
        );
        f.render_widget(
            LineGauge::default()
                .ratio(overall.ratio().clamp(0.0, 1.0))
                .label(Span::styled(label, theme.text))
                .filled_style(theme.gauge)
                .unfilled_style(theme.dim),
            gauge_area,
        );

        let rows = model.rows(&self.collapsed, self.filter);
        let width = list.width as usize;
        let mut lines = Vec::new();
        for (i, r) in rows
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(list.height as usize)
        {
            let st = model.state(&r.node.id);
            let mut spans = Vec::new();
            let indent = "  ".repeat(r.depth);
            spans.push(Span::raw(indent.clone()));
            let arrow = if r.node.children.is_empty() {
                "  "
            } else if r.collapsed {
                "▸ "
            } else {
                "▾ "
            };
            spans.push(Span::styled(arrow, theme.dim));
            let (mark, style) = match r.node.kind {
                Kind::Section => ("", theme.section),
                Kind::Info => ("· ", theme.dim),
                Kind::Item => {
                    let done = st.is_some_and(|s| s.done);
                    let partial = st.is_some_and(|s| s.tally.done > 0.0);
                    if done {
                        ("[x] ", theme.done)
                    } else if partial {
                        ("[~] ", theme.open)
                    } else {
                        ("[ ] ", theme.open)
                    }
                }
            };
            spans.push(Span::styled(mark, style));
            let right = match (r.node.kind, st) {
                (Kind::Section, Some(s)) => {
                    format!(" {:.0}/{:.0}", s.tally.done.floor(), s.tally.total)
                }
                (Kind::Item, Some(s)) => match s.count {
                    // Ticked before the count reached its target: the tick
                    // wins, as it does in the section's tally.
                    Some((c, t)) if s.done && c < t => " done".to_string(),
                    Some((c, t)) => format!(" {c}/{t}"),
                    None if !is_leaf_item(r.node) => {
                        format!(" {:.0}/{:.0}", s.tally.done.floor(), s.tally.total)
                    }
                    None => String::new(),
                },
                _ => String::new(),
            };
            let note = if st.is_some_and(|s| s.note) {
                " ✎"
            } else {
                ""
            };
            let used = indent.chars().count() + arrow.chars().count() + mark.chars().count();
            let room = width.saturating_sub(used + right.chars().count() + note.chars().count());
            let title = truncate(&r.node.title, room);
            let pad = room.saturating_sub(title.chars().count());
            spans.push(Span::styled(title, style));
            spans.push(Span::styled(note, theme.accent));
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(right, theme.dim));
            let mut line = Line::from(spans);
            if i == self.selected {
                line = line.style(if focused {
                    theme.selected
                } else {
                    theme
                        .selected
                        .remove_modifier(ratatui::style::Modifier::BOLD)
                });
            }
            lines.push(line);
        }
        if rows.is_empty() {
            lines.push(Line::styled(
                format!(
                    "nothing matches the filter `{}` (press f)",
                    self.filter.label()
                ),
                theme.dim,
            ));
        }
        f.render_widget(Paragraph::new(lines), list);
    }
}

impl Sidebar for ChecklistPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn keys(&self) -> Vec<KeyHelp> {
        let mut k = KEYS.help();
        k.push(KeyHelp {
            keys: &[],
            shown: "click / wheel",
            help: "select (click the box to tick), scroll",
        });
        k
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        match KEYS.lookup(&key) {
            Some(cmd) => {
                self.run(cmd, cx);
                Handled::Yes
            }
            None => Handled::No,
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, area: Rect, cx: &mut Ctx) -> Handled {
        self.on_mouse(ev, area, cx)
    }

    fn selection(&self) -> Selection<'_> {
        let id = self
            .rows()
            .get(self.selected)
            .map(|r| r.node.id.as_str())
            .and_then(|id| self.roadmap.find(id))
            .map(|n| n.id.as_str());
        Selection {
            roadmap: &self.roadmap,
            progress: &self.progress,
            id,
        }
    }

    fn selected_id(&self) -> Option<String> {
        ChecklistPane::selected_id(self)
    }

    fn select_id(&mut self, id: &str) {
        ChecklistPane::select_id(self, id)
    }

    fn reload(&mut self, store: &Store) -> Result<(), crate::store::StoreError> {
        ChecklistPane::reload(self, store)
    }

    fn set_roadmap(&mut self, roadmap: Roadmap) {
        ChecklistPane::set_roadmap(self, roadmap)
    }

    fn done_ratio(&self) -> f64 {
        self.model().overall().ratio()
    }

    fn on_resize(&mut self, area: Rect) {
        self.set_viewport(Self::list_area(area).height as usize);
    }

    fn save_view(&self, store: &Store) {
        ChecklistPane::save_view(self, store)
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        self.draw_tree(f, area, theme, focused)
    }
}
