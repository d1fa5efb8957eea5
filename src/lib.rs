//! megarepo: a terminal study environment for learning Rust and systems
//! programming. `main.rs` only parses the command line and calls into this
//! library, so integration tests link the same code.

pub mod action;
pub mod app;
pub mod checklist;
pub mod cli;
pub mod content;
pub mod pane;
pub mod panes;
pub mod store;
pub mod theme;
pub mod tui;
