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
    enter()?;
    match Terminal::new(CrosstermBackend::new(stdout())) {
        Ok(t) => Ok(t),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Raw mode, the alternate screen, mouse and bracketed paste on.
fn enter() -> std::io::Result<()> {
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
    Ok(())
}

/// Run `job` with the terminal as a shell would (cooked mode, main
/// screen), then take the terminal back and clear it for a full redraw.
/// The caller must have stopped reading terminal input first.
pub fn run_in_foreground(term: &mut Term, job: &crate::pane::Foreground) -> Result<(), String> {
    restore();
    let result = std::process::Command::new(&job.program)
        .args(&job.args)
        .status()
        .map_err(|e| format!("cannot start {}: {e}", job.program))
        .and_then(|status| {
            if status.success() {
                Ok(())
            } else {
                Err(format!("{} exited with {status}", job.program))
            }
        });
    if let Err(e) = enter() {
        tracing::error!("taking the terminal back: {e}");
    }
    // A clean screen and a new `Terminal` (its last frame blank), so the
    // next draw paints every cell. Not `Terminal::clear`: it first asks the
    // terminal for the cursor position, an answer read from the input
    // stream, which can time out here and then skips the reset.
    let cleared = execute!(
        stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )
    .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
    match cleared {
        Ok(t) => *term = t,
        Err(e) => tracing::error!("clearing the terminal: {e}"),
    }
    result
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
