//! megarepo: a terminal study environment for learning Rust and systems
//! programming. `main.rs` only parses the command line and calls [`cli::run`];
//! everything else lives here so integration tests link the same code.

pub mod checklist;
pub mod content;
pub mod store;
