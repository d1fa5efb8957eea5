//! The pane pattern: every tab in the main area is a [`Pane`], and the
//! always-visible roadmap on the left is the [`Sidebar`].
//!
//! A pane adapts a service (a storage engine, a server, QEMU, the Markdown
//! renderer) to the screen. It gets keys and mouse events while focused, a
//! wake-up when its own background jobs report (see `crate::jobs`: typed
//! messages, job generations), and a tick while it asks for one. Drawing
//! takes `&self`: all state changes happen in the event methods, so a frame
//! is a pure function of state. A pane starts its service lazily in
//! [`Pane::on_show`], so the app starts fast and panes the learner never
//! opens cost nothing.
//!
//! The app knows no concrete pane: it holds `Vec<Box<dyn Pane>>` from
//! `panes::tabs`, finds panes by [`Pane::id`], asks them for their keys
//! (the help overlay), their status-bar part ([`Pane::status`]), and opens
//! them at a target ([`Pane::open_at`]) when another pane asks.

use crate::action::Sender;
use crate::content::{Content, Roadmap};
use crate::jobs::Waker;
use crate::store::{ItemProgress, Store};
use crate::theme::Theme;
use crate::tui::keymap::KeyHelp;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use std::collections::HashMap;
use std::time::Duration;

/// What the app offers a pane while it handles an event.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub content: &'a Content,
    tx: &'a Sender,
    /// The app's tokio runtime: panes run servers and clients on it.
    pub runtime: &'a tokio::runtime::Handle,
    /// The pane being called (wake-ups are addressed to it).
    me: &'static str,
    /// Requests back to the app (switch tab, show a message, ...), applied
    /// after the pane returns.
    pub requests: Vec<Request>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        store: &'a Store,
        content: &'a Content,
        tx: &'a Sender,
        runtime: &'a tokio::runtime::Handle,
        me: &'static str,
    ) -> Self {
        Ctx {
            store,
            content,
            tx,
            runtime,
            me,
            requests: Vec::new(),
        }
    }

    /// The waker for the pane being called, for the jobs it starts.
    pub fn waker(&self) -> Waker {
        Waker::new(self.tx.clone(), self.me)
    }

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

/// A program to run in the foreground with the terminal: the app leaves
/// raw mode and the alternate screen, waits for it, and comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreground {
    pub program: String,
    pub args: Vec<String>,
    /// What it is, for the status line afterwards ("editing 022-....rs").
    pub what: String,
}

/// Something a pane asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Show a one-line message in the status bar (true = error).
    Status(String, bool),
    /// Switch to the pane with this id (or alias), and open it at a target
    /// (a sheet, a table, a port, an exercise) when one is given.
    Open { pane: String, at: Option<String> },
    /// Have another pane act on a target without showing it (Today's `s`
    /// starts the study pane's timer and stays on Today). Every pane then
    /// sees the data changed.
    Act { pane: String, at: String },
    /// Hand the terminal to a program (a terminal editor) until it exits,
    /// then take it back and redraw. The pane sees its work through its
    /// own means (the exercises watcher sees the save).
    Foreground(Foreground),
    /// Give the roadmap focus.
    FocusSidebar,
    /// Hand a key to the roadmap (the item pane's space, + and -).
    Sidebar(KeyEvent),
    /// Reload the progress shown by the checklist (after a pane changed it).
    ProgressChanged,
}

impl Request {
    pub fn show(pane: impl Into<String>) -> Request {
        Request::Open {
            pane: pane.into(),
            at: None,
        }
    }
}

/// A question before quitting: a line of text and the answers, each a key
/// and what it does ("s", "stop the session"). Cancel (esc) is the app's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuitQuestion {
    pub text: String,
    pub choices: Vec<(char, String)>,
}

/// Did the pane use the event? Unused keys go back to the app, which acts
/// only on its own global keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Yes,
    No,
}

impl From<bool> for Handled {
    fn from(used: bool) -> Handled {
        if used { Handled::Yes } else { Handled::No }
    }
}

/// What the panes know of the roadmap selection.
pub struct Selection<'a> {
    pub roadmap: &'a Roadmap,
    pub progress: &'a HashMap<String, ItemProgress>,
    pub id: Option<&'a str>,
}

pub trait Pane {
    /// Stable id used in wake-ups and requests ("item", "sheets", "kv", ...);
    /// the roadmap's `pane:` names are checked against these by a test.
    fn id(&self) -> &'static str;

    /// Other names the roadmap may use for this pane ("timer" for the study
    /// pane).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// Title shown on the tab.
    fn title(&self) -> String;

    /// The keys the pane answers right now, from its key table: the help
    /// overlay shows exactly these.
    fn keys(&self) -> Vec<KeyHelp>;

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled;

    fn handle_mouse(&mut self, _ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        Handled::No
    }

    fn handle_paste(&mut self, _text: &str, _cx: &mut Ctx) -> Handled {
        Handled::No
    }

    /// This pane's background jobs sent messages: drain the mailbox.
    fn on_wake(&mut self, _cx: &mut Ctx) {}

    /// The pane became the visible tab; start services lazily here.
    fn on_show(&mut self, _cx: &mut Ctx) {}

    /// Another tab is shown instead of this one (the kernel pane stops QEMU
    /// here unless the learner chose to keep it running).
    fn on_hide(&mut self, _cx: &mut Ctx) {}

    /// Open the pane at a target named by another pane or the roadmap (a
    /// sheet's name, a table, a port). Err is the one-line reason it cannot.
    fn open_at(&mut self, target: &str, _cx: &mut Ctx) -> Result<(), String> {
        Err(format!("{} has nothing called `{target}`", self.title()))
    }

    /// The roadmap selection, its progress or the roadmap itself changed.
    fn on_select(&mut self, _sel: &Selection, _cx: &mut Ctx) {}

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

    /// The pane's part of the status bar (the study timer's today and
    /// streak, a server's connections), shown whatever tab is active.
    fn status(&self, _theme: &Theme) -> Vec<Span<'static>> {
        Vec::new()
    }

    /// The pane's area (inside its frame) changed; `theme` is the app's.
    /// Panes that lay text out to the width prepare for it here.
    fn on_resize(&mut self, _area: Rect, _theme: &Theme) {}

    /// Called after every update, before the frame is drawn: the place to
    /// bring derived state (a rendered document, a layout) up to date, so
    /// that `draw` only reads.
    fn before_draw(&mut self) {}

    /// Called once before the app exits: cancel jobs, stop child
    /// processes, flush.
    fn shutdown(&mut self) {}

    /// A command from the shell, sent to the running app (`crate::remote`).
    /// A pane that owns live state the command acts on (the study pane's
    /// timer) runs it here, writing what the command prints to `out`, and
    /// returns `Ok(result)`; any other pane hands it back with `Err(cmd)`,
    /// and the app runs it on the store like the command line would.
    fn remote(
        &mut self,
        cmd: Box<crate::cli::Command>,
        _out: &mut dyn std::io::Write,
        _cx: &mut Ctx,
    ) -> Result<anyhow::Result<()>, Box<crate::cli::Command>> {
        Err(cmd)
    }

    /// The learner's data changed outside the pane (a shell command went
    /// through the app, or another pane acted on a `Request::Act`): reload
    /// what is shown.
    fn on_data_changed(&mut self, _cx: &mut Ctx) {}

    /// Asked when the learner quits: something this pane runs would be
    /// lost or left in doubt (a study session running). The app shows the
    /// question; the answer comes to [`Pane::quit_answer`].
    fn quit_question(&self) -> Option<QuitQuestion> {
        None
    }

    /// The learner picked `choice` (one of the question's keys); the app
    /// quits afterwards. Cancel never reaches the pane.
    fn quit_answer(&mut self, _choice: char, _cx: &mut Ctx) {}

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme);
}

/// The roadmap on the left: always visible, the owner of the selection and
/// of the learner's progress as shown.
pub trait Sidebar {
    fn id(&self) -> &'static str;
    fn keys(&self) -> Vec<KeyHelp>;
    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled;
    fn handle_mouse(&mut self, ev: MouseEvent, area: Rect, cx: &mut Ctx) -> Handled;
    fn selection(&self) -> Selection<'_>;
    fn selected_id(&self) -> Option<String>;
    fn select_id(&mut self, id: &str);
    fn reload(&mut self, store: &Store) -> Result<(), crate::store::StoreError>;
    fn set_roadmap(&mut self, roadmap: Roadmap);
    /// The share of the roadmap done, 0..=1, for the status bar.
    fn done_ratio(&self) -> f64;
    /// The whole area the sidebar gets changed.
    fn on_resize(&mut self, area: Rect);
    fn save_view(&self, store: &Store);
    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme, focused: bool);
}
