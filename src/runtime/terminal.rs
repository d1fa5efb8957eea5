//! Terminal set-up and, above all, restore.
//!
//! The terminal is put back (raw mode off, main screen, mouse released,
//! cursor shown) on every way out: normal quit, error, and panic (the hook
//! restores first, then lets the default hook print the report).

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

pub fn init() -> std::io::Result<Term> {
    install_panic_hook();
    enable_raw_mode()?;
    if let Err(e) = execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(stdout())) {
        Ok(t) => Ok(t),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Put the terminal back. Safe to call more than once.
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!("panic: {info}");
        default(info);
    }));
}

/// Restores the terminal when dropped, so `?` in the event loop is safe.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// A bell asked for by a pane (a pomodoro phase ended), rung by the
/// event loop through its terminal handle after the next update, so the
/// BEL byte never lands in the middle of a frame being drawn.
static BELL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Ring the terminal bell once, soon (see [`BELL`]).
pub fn ring_bell() {
    BELL.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether a bell was asked for since the last call.
pub fn take_bell() -> bool {
    BELL.swap(false, std::sync::atomic::Ordering::Relaxed)
}
