//! `pm`: a small project-management tool for the command line, and the
//! library behind it (Phase 1 of the roadmap).
//!
//! A *workspace* is a folder with a `.pm/board.yaml` file in it, found the
//! way git finds its repository. The *board* holds projects and tasks.
//! Everything goes through three layers:
//!
//! - [`model`]: the [`Board`] and every change to it, in memory, with no
//!   I/O. A change succeeds completely or leaves the board as it was.
//! - [`storage`] and [`workspace`]: the file on disk. [`Workspace::load`]
//!   reads it; [`Workspace::update`] takes a lock, reads it again, applies
//!   a change and writes the result atomically, so neither a crash nor a
//!   second writer (another terminal, the TUI pane) can lose data.
//! - [`cli`]: the `pm` command line (clap), which both the `pm` binary and
//!   `megarepo pm` call. The library itself never prints.
//!
//! Around them: [`report`] (counts, overdue tasks, done per week),
//! [`scan`] (turn `TODO:` comments into tasks, on several threads) with its
//! [`gitignore`] reader, and [`Error`], the one error type.
//!
//! A program such as the TUI's kanban pane uses it like this:
//!
//! ```no_run
//! use pm::{NewTask, Status, Workspace};
//!
//! let ws = Workspace::discover(std::path::Path::new("."))?; // or open(dir) / init(dir)
//! let board = ws.load()?; // reading needs no lock
//! let [todo, doing, done] = board.columns(Some("rust-book")); // sorted kanban columns
//! println!("{} / {} / {}", todo.len(), doing.len(), done.len());
//!
//! // Each change: lock, read the newest board, change it, save atomically.
//! let task = ws.update(|b| {
//!     b.add_task(NewTask {
//!         title: "Read chapter 6".into(),
//!         ..NewTask::default()
//!     })
//! })?;
//! ws.update(|b| b.set_status(task.id, Status::Doing))?;
//!
//! // Saves replace board.yaml by a rename: watch the folder, not the file.
//! let _watch = ws.data_dir();
//! # Ok::<(), pm::Error>(())
//! ```

pub mod cli;
pub mod error;
pub mod gitignore;
pub mod model;
pub mod report;
pub mod scan;
pub mod storage;
pub mod workspace;

pub use error::{Error, ErrorKind, Result};
pub use model::{
    Board, FORMAT_VERSION, Filter, NewTask, Priority, Project, Source, Status, Task, TaskEdit,
    parse_due, today,
};
pub use report::{Report, report};
pub use scan::{Found, MergeSummary, Progress, ScanOutcome, scan};
pub use workspace::Workspace;
