//! The pane pattern: every tab in the main area is a [`Pane`].
//!
//! A pane adapts a service (a storage engine, a server, QEMU, the Markdown
//! renderer) to the screen. It gets keys and mouse events while focused,
//! messages from its own background tasks via [`Ctx::tx`], and a tick while
//! it asks for one. Drawing takes `&self`: all state changes happen in the
//! event methods, so a frame is a pure function of state. A pane starts its
//! service lazily in [`Pane::on_show`], so the app starts fast and panes the
//! learner never opens cost nothing.

use crate::action::Sender;
use crate::content::Content;
use crate::store::Store;
use crate::theme::Theme;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;
use std::time::Duration;

/// What the app offers a pane while it handles an event.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub content: &'a Content,
    pub tx: &'a Sender,
    /// Requests back to the app (switch tab, show a message, ...), applied
    /// after the pane returns.
    pub requests: Vec<Request>,
}

impl Ctx<'_> {
    pub fn request(&mut self, r: Request) {
        self.requests.push(r);
    }
    pub fn info(&mut self, msg: impl Into<String>) {
        self.requests.push(Request::Status(msg.into(), false));
    }
    pub fn error(&mut self, msg: impl Into<String>) {
        self.requests.push(Request::Status(msg.into(), true));
    }
}

/// Something a pane asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Show a one-line message in the status bar (true = error).
    Status(String, bool),
    /// Switch to the pane with this id.
    Show(&'static str),
    /// Open a cheat sheet by name in the sheets pane.
    OpenSheet(String),
    /// Reload the progress shown by the checklist (after a pane changed it).
    ProgressChanged,
}

/// Did the pane use the event? Unused keys fall through to global bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Yes,
    No,
}

pub trait Pane {
    /// Stable id used in messages and requests ("item", "sheets", "kv", ...).
    fn id(&self) -> &'static str;

    /// Title shown on the tab.
    fn title(&self) -> String;

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled;

    fn handle_mouse(&mut self, _ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        Handled::No
    }

    fn handle_paste(&mut self, _text: &str, _cx: &mut Ctx) -> Handled {
        Handled::No
    }

    /// A message from this pane's own background work.
    fn on_message(&mut self, _msg: Box<dyn Any + Send>, _cx: &mut Ctx) {}

    /// The pane became the visible tab; start services lazily here.
    fn on_show(&mut self, _cx: &mut Ctx) {}

    /// The roadmap selection moved; panes that follow it update here.
    fn on_select(&mut self, _item_id: &str, _cx: &mut Ctx) {}

    /// Content files changed on disk.
    fn on_content_changed(&mut self, _paths: &[std::path::PathBuf], _cx: &mut Ctx) {}

    /// How often this pane needs a tick right now (None = never). Ticks only
    /// run while some pane asks, so an idle app uses no CPU.
    fn tick_every(&self) -> Option<Duration> {
        None
    }

    fn tick(&mut self, _cx: &mut Ctx) {}

    /// True while the pane is taking text (a console, an editor): global
    /// single-letter keys such as `q` and `?` then go to the pane.
    fn captures_text(&self) -> bool {
        false
    }

    /// Key bindings for the help overlay: (keys, what they do).
    fn help(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// The pane's area (inside its frame) changed; `theme` is the app's.
    /// Panes that lay text out to the width prepare for it here.
    fn on_resize(&mut self, _area: Rect, _theme: &Theme) {}

    /// Called after every update, before the frame is drawn: the place to
    /// bring derived state (a rendered document, a layout) up to date, so
    /// that `draw` only reads.
    fn before_draw(&mut self) {}

    /// Called once before the app exits: stop child processes, flush.
    fn shutdown(&mut self) {}

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme);
}
