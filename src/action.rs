//! Everything that can happen to the app becomes one [`Action`].
//!
//! Terminal input, ticks, file-watcher events and messages from panes'
//! background tasks are all turned into actions and fed, one at a time, to
//! `App::update` on the UI task. Background work never touches app state
//! directly: it puts a typed message in its pane's mailbox (`crate::jobs`)
//! and sends [`Action::Wake`] with the pane's id over the channel in
//! [`Sender`].

use crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;

pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Pasted text (bracketed paste), delivered to whatever has focus.
    Paste(String),
    Resize(u16, u16),
    /// A periodic tick, only while something on screen is animating.
    Tick,
    /// A pane's background job left messages in its mailbox.
    Wake(&'static str),
    /// Content files changed on disk (from the notify watcher).
    ContentChanged(Vec<PathBuf>),
    /// The terminal went away or a signal asked us to stop.
    Quit,
    /// A command from the shell (`megarepo checklist done ID` while the app
    /// is open), received on the app's socket (`runtime::socket`).
    Remote(RemoteCall),
}

/// A shell command for the app: its arguments (as typed, without the
/// program name) and where its answer goes.
pub struct RemoteCall {
    pub args: Vec<String>,
    pub reply: tokio::sync::oneshot::Sender<crate::remote::Reply>,
}

/// The handle background tasks use to report back to the UI task.
#[derive(Clone)]
pub struct Sender(UnboundedSender<Action>);

impl Sender {
    pub fn new(tx: UnboundedSender<Action>) -> Self {
        Sender(tx)
    }

    /// Fails silently when the app is closing, which is the only time the
    /// receiver is gone.
    pub fn send(&self, action: Action) {
        let _ = self.0.send(action);
    }
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Key(k) => write!(f, "Key({k:?})"),
            Action::Mouse(m) => write!(f, "Mouse({m:?})"),
            Action::Paste(s) => write!(f, "Paste({} bytes)", s.len()),
            Action::Resize(w, h) => write!(f, "Resize({w}, {h})"),
            Action::Tick => write!(f, "Tick"),
            Action::Wake(p) => write!(f, "Wake({p})"),
            Action::ContentChanged(p) => write!(f, "ContentChanged({p:?})"),
            Action::Quit => write!(f, "Quit"),
            Action::Remote(c) => write!(f, "Remote({:?})", c.args),
        }
    }
}
