//! The item pane: everything about the checklist item under the cursor:
//! its text, links (open them with alt-1..9; the plain digits switch tabs),
//! what it leads to, its counter and the learner's note (edited in place
//! with `n`, on an item or a section). A long item scrolls with page
//! up/down, J/K or the mouse wheel (j/k move the checklist's cursor).

use crate::checklist::Checklist;
use crate::content::{Kind, Node, Roadmap};
use crate::pane::{Ctx, Handled, Pane, Request, Selection};
use crate::store::ItemProgress;
use crate::theme::Theme;
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{ALT_DIGITS, Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use std::cell::Cell;
use std::collections::HashMap;

pub const ID: &str = "item";
/// `open_at` target: start editing the selected item's note.
pub const AT_NOTE: &str = "note";
const NO_NOTE: &str = "select an item or a section to write a note on";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Note,
    Link,
    Roadmap,
    PageDown,
    PageUp,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('n')],
        "n",
        "write a note on the item or section (enter saves, esc cancels)",
        Cmd::Note,
    ),
    bind(
        ALT_DIGITS,
        "alt-1..9",
        "open the item's links in the browser",
        Cmd::Link,
    ),
    bind(
        &[
            Key::ch(' '),
            Key::ch('x'),
            Key::ch('+'),
            Key::ch('='),
            Key::ch('-'),
            Key::ch('_'),
            Key::code(KeyCode::Enter),
            Key::ch('o'),
            Key::ch('s'),
            Key::ch('j'),
            Key::ch('k'),
            Key::code(KeyCode::Up),
            Key::code(KeyCode::Down),
        ],
        "space + - enter s j k",
        "as in the checklist: tick, count, open, sheet, move",
        Cmd::Roadmap,
    ),
    bind(
        &[Key::code(KeyCode::PageDown), Key::ch('J')],
        "pgdn J",
        "scroll a long item down",
        Cmd::PageDown,
    ),
    bind(
        &[Key::code(KeyCode::PageUp), Key::ch('K')],
        "pgup K",
        "scroll it up",
        Cmd::PageUp,
    ),
]);

/// While a note is being written (the line editor's keys besides these).
const NOTE_KEYS: Keymap<()> = Keymap::new(&[
    bind(&[Key::code(KeyCode::Enter)], "enter", "save the note", ()),
    bind(&[Key::code(KeyCode::Esc)], "esc", "leave it unchanged", ()),
]);

pub struct ItemPane {
    roadmap: Roadmap,
    progress: HashMap<String, ItemProgress>,
    selected: Option<String>,
    editing: Option<LineInput>,
    /// Rows scrolled down; drawing clamps it to the last screenful.
    scroll: u16,
    /// The rows the text had and the rows shown at the last draw, for
    /// paging and clamping (drawing only reads the pane, hence a Cell).
    shown: Cell<(u16, u16)>,
}

impl ItemPane {
    pub fn new(roadmap: Roadmap) -> Self {
        ItemPane {
            roadmap,
            progress: HashMap::new(),
            selected: None,
            editing: None,
            scroll: 0,
            shown: Cell::new((0, 0)),
        }
    }

    /// Scroll by `rows` (negative: up), within the text as last drawn.
    fn scroll_by(&mut self, rows: i32) {
        let (total, height) = self.shown.get();
        let max = i32::from(total.saturating_sub(height));
        let at = i32::from(self.scroll.min(total.saturating_sub(height)));
        self.scroll = u16::try_from((at + rows).clamp(0, max)).unwrap_or(0);
    }

    fn page(&self) -> i32 {
        i32::from(self.shown.get().1.saturating_sub(1).max(1))
    }

    /// Follow the roadmap, its progress and the selection.
    fn sync(
        &mut self,
        roadmap: &Roadmap,
        progress: &HashMap<String, ItemProgress>,
        selected: Option<String>,
    ) {
        if &self.roadmap != roadmap {
            self.roadmap = roadmap.clone();
        }
        self.progress = progress.clone();
        if self.selected != selected {
            self.editing = None;
            self.scroll = 0;
        }
        self.selected = selected;
    }

    fn node(&self) -> Option<&Node> {
        self.roadmap.find(self.selected.as_deref()?)
    }

    /// Start editing the note (the `n` key, from the checklist or here).
    pub fn edit_note(&mut self) -> bool {
        let Some(id) = self.selected.clone() else {
            return false;
        };
        if self.roadmap.find(&id).is_none() {
            return false;
        }
        let text = self
            .progress
            .get(&id)
            .map(|p| p.note.clone())
            .unwrap_or_default();
        self.editing = Some(LineInput::with_text(&text));
        true
    }
}

impl Pane for ItemPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Item".into()
    }

    fn captures_text(&self) -> bool {
        self.editing.is_some()
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        match &mut self.editing {
            Some(input) => {
                input.insert_str(text);
                Handled::Yes
            }
            None => Handled::No,
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if let Some(input) = &mut self.editing {
            match input.handle_key(key) {
                InputEvent::Submit(text) => {
                    self.editing = None;
                    if let Some(id) = self.selected.clone() {
                        match cx.store.set_note(&id, text.trim(), Timestamp::now()) {
                            Ok(_) => {
                                cx.info("note saved");
                                cx.request(Request::ProgressChanged);
                            }
                            Err(e) => cx.error(e.to_string()),
                        }
                    }
                }
                InputEvent::Cancel => {
                    self.editing = None;
                    cx.info("note unchanged");
                }
                InputEvent::Edited | InputEvent::Unhandled => {}
            }
            return Handled::Yes;
        }
        let Some(cmd) = KEYS.lookup(&key) else {
            return Handled::No;
        };
        match cmd {
            Cmd::Note => {
                if !self.edit_note() {
                    cx.info(NO_NOTE);
                }
            }
            // Keys about the selected item act on the roadmap's selection.
            Cmd::Roadmap => cx.request(Request::Sidebar(key)),
            Cmd::PageDown => self.scroll_by(self.page()),
            Cmd::PageUp => self.scroll_by(-self.page()),
            Cmd::Link => {
                let KeyCode::Char(c) = key.code else {
                    return Handled::No;
                };
                let i = (c as usize).saturating_sub('1' as usize);
                match self
                    .node()
                    .and_then(|n| n.links.get(i))
                    .map(|l| l.url.clone())
                {
                    Some(url) => match crate::tui::open::open_url(&url) {
                        Ok(m) => cx.info(m),
                        Err(m) => cx.error(m),
                    },
                    None => cx.info(format!(
                        "this item has no link {c} (alt-1..9 open its links)"
                    )),
                }
            }
        }
        Handled::Yes
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.editing.is_some() {
            return NOTE_KEYS.help();
        }
        KEYS.help()
    }

    fn open_at(&mut self, target: &str, _cx: &mut Ctx) -> Result<(), String> {
        match target {
            AT_NOTE if self.edit_note() => Ok(()),
            AT_NOTE => Err(NO_NOTE.into()),
            _ => Err(format!("the item pane cannot open `{target}`")),
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        match ev.kind {
            MouseEventKind::ScrollDown => self.scroll_by(3),
            MouseEventKind::ScrollUp => self.scroll_by(-3),
            _ => return Handled::No,
        }
        Handled::Yes
    }

    fn on_select(&mut self, sel: &Selection, _cx: &mut Ctx) {
        self.sync(sel.roadmap, sel.progress, sel.id.map(str::to_string));
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let Some(node) = self.node() else {
            f.render_widget(
                Paragraph::new("Select an item in the checklist.").style(theme.dim),
                area,
            );
            return;
        };
        let cl = Checklist::new(&self.roadmap, &self.progress);
        let st = cl.state(&node.id);
        let rec = self.progress.get(&node.id);
        let mut lines = vec![Line::styled(node.title.clone(), theme.title), Line::raw("")];
        let flat = self.roadmap.flatten();
        if let Some(mut i) = flat.iter().position(|e| e.node.id == node.id) {
            let mut path = Vec::new();
            while let Some(p) = flat[i].parent {
                path.push(flat[p].node.title.clone());
                i = p;
            }
            path.reverse();
            if !path.is_empty() {
                lines.push(Line::styled(path.join(" › "), theme.dim));
            }
        }
        let state = match (node.kind, st) {
            (Kind::Section, Some(s)) => format!(
                "Section: {} of {:.0} items done ({:.0}%)",
                s.tally.done.floor(),
                s.tally.total,
                s.tally.ratio() * 100.0
            ),
            (Kind::Info, _) => "For reference".into(),
            (Kind::Item, Some(s)) => {
                let mut t = if s.done {
                    "Done".to_string()
                } else {
                    "Open".to_string()
                };
                if let Some((c, target)) = s.count {
                    t.push_str(&format!(" · {c} of {target} (+/- to count)"));
                }
                if let Some(at) = rec.and_then(|r| r.done_at).filter(|_| s.done) {
                    let local = at.to_zoned_datetime(jiff::tz::TimeZone::system());
                    t.push_str(&format!(" · since {}", local.strftime("%Y-%m-%d %H:%M")));
                }
                t
            }
            _ => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled("State  ", theme.dim),
            Span::styled(state, theme.text),
        ]));
        lines.push(Line::from(vec![
            Span::styled("Id     ", theme.dim),
            Span::styled(node.id.clone(), theme.text),
        ]));
        if node.pane.is_some() || node.sheet.is_some() {
            let mut spans = vec![Span::styled("Opens  ", theme.dim)];
            if let Some(p) = &node.pane {
                let shown = match super::tab_title(p) {
                    Some(t) => format!("the {t} tab (enter)"),
                    None => format!("the {p} pane (not built yet)"),
                };
                spans.push(Span::styled(shown, theme.accent));
            }
            if let Some(s) = &node.sheet {
                if node.pane.is_some() {
                    spans.push(Span::raw(", "));
                }
                spans.push(Span::styled(format!("cheat sheet `{s}` (s)"), theme.accent));
            }
            lines.push(Line::from(spans));
        }
        // A section shows a progress bar per part, so the learner sees where
        // the work is.
        let parts: Vec<_> = node
            .children
            .iter()
            .filter_map(|c| cl.state(&c.id).map(|st| (c, st.tally)))
            .filter(|(_, t)| t.total > 0.0)
            .collect();
        if node.kind == Kind::Section && !parts.is_empty() {
            lines.push(Line::raw(""));
            let bar_w = 20usize;
            let title_w = (area.width as usize)
                .saturating_sub(bar_w + 12)
                .clamp(8, 48);
            for (c, t) in parts {
                // Whole items only, as the count beside the bar says.
                let ratio = if t.total > 0.0 {
                    t.done.floor() / t.total
                } else {
                    0.0
                };
                let filled = ((ratio * bar_w as f64).round() as usize).min(bar_w);
                lines.push(Line::from(vec![
                    Span::styled(
                        format!(
                            "{:<title_w$} ",
                            crate::tui::text::truncate(&c.title, title_w)
                        ),
                        theme.text,
                    ),
                    Span::styled("█".repeat(filled), theme.done),
                    Span::styled("░".repeat(bar_w - filled), theme.dim),
                    Span::styled(
                        format!(" {:>3.0}/{:.0}", t.done.floor(), t.total),
                        theme.dim,
                    ),
                ]));
            }
        }
        if let Some(text) = &node.text {
            lines.push(Line::raw(""));
            lines.push(Line::styled(text.clone(), theme.text));
        }
        if !node.links.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Links", theme.section));
            for (i, l) in node.links.iter().enumerate() {
                lines.push(Line::from(vec![
                    Span::styled(format!(" alt-{} ", i + 1), theme.key),
                    Span::styled(l.title.clone(), theme.text),
                    Span::styled(format!("  {}", l.url), theme.dim),
                ]));
            }
        }
        // While the note is edited it is pinned to the bottom rows, so it is
        // seen however long the item's text is.
        let mut area = area;
        if let Some(input) = &self.editing {
            let [rest, note] = ratatui::layout::Layout::vertical([
                ratatui::layout::Constraint::Min(0),
                ratatui::layout::Constraint::Length(2),
            ])
            .areas(area);
            f.render_widget(
                Paragraph::new(vec![
                    Line::styled(
                        crate::tui::text::truncate(
                            "Note · enter saves · esc cancels · ctrl-u clears",
                            usize::from(note.width),
                        ),
                        theme.section,
                    ),
                    input.line("> ", note.width, theme.text),
                ]),
                note,
            );
            area = rest;
        } else {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Note (n to edit)", theme.section));
            match rec.map(|r| r.note.as_str()).filter(|n| !n.is_empty()) {
                Some(n) => lines.push(Line::styled(n.to_string(), theme.text)),
                None => lines.push(Line::styled("(none)", theme.dim)),
            }
        }
        // Never past the last screenful, counting wrapped rows, and the
        // bottom row says when there is more below.
        let rows = crate::tui::text::wrapped_height(&lines, area.width);
        self.shown.set((rows, area.height));
        let scroll = self.scroll.min(rows.saturating_sub(area.height));
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            area,
        );
        if scroll + area.height < rows && area.height > 1 {
            let more = " ↓ more: pgdn ";
            let w = (more.chars().count() as u16).min(area.width);
            let at = Rect {
                x: area.right() - w,
                y: area.bottom() - 1,
                width: w,
                height: 1,
            };
            f.render_widget(Paragraph::new(more).style(theme.key), at);
        }
    }
}
