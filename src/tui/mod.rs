//! The widget kit the panes are drawn with: the console (scrollback and an
//! input line), the line editor, the key tables, ANSI colour parsing, and
//! small text and platform helpers. Nothing here knows the app or a pane;
//! the event loop that drives the app lives in `crate::runtime`.

pub mod ansi;
pub mod console;
pub mod input;
pub mod keymap;
pub mod open;
pub mod text;
