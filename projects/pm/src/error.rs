//! The one error type of the crate, and what each error means for the exit
//! status of the command line.
//!
//! Every variant carries what a person needs to act: the path of the file,
//! the line and column of a syntax error, the task id or project name that
//! was not found, and the message says what to do next. The cause of an I/O
//! error is part of the message (the `error` fields are not `#[source]`), so
//! `to_string()` is complete on its own: the CLI prints it as one line, and
//! a TUI pane can show it as it is. Putting the cause in the message *and*
//! in `source()` would print it twice through any error reporter that walks
//! the chain, so we pick one.

use std::io;
use std::path::PathBuf;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `pm`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No `.pm` folder in the start folder or any folder above it.
    #[error(
        "no pm workspace in {} or any folder above it; run `pm init` there, or pass --workspace DIR",
        start.display()
    )]
    NoWorkspace { start: PathBuf },

    /// `--workspace DIR` (or `PM_WORKSPACE`) names a folder without a board.
    #[error(
        "{} is not a pm workspace ({} does not exist); run `pm init {}` to make it one",
        root.display(), file.display(), root.display()
    )]
    NotAWorkspace { root: PathBuf, file: PathBuf },

    /// `pm init` where a board already exists.
    #[error("{} already exists; nothing was changed", path.display())]
    AlreadyInitialized { path: PathBuf },

    /// Reading, writing, locking or listing a file failed.
    #[error("cannot {action} {}: {error}", path.display())]
    Io {
        /// What we were doing, as a verb phrase: "read", "lock", "replace".
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },

    /// The board file is not valid YAML, or does not fit the format.
    #[error(
        "{}:{line}:{column}: {message} (the file was left as it is: fix it by hand, then run pm again)",
        path.display()
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// The board parses but contradicts itself (two tasks with one id, a
    /// task in a project that does not exist).
    #[error(
        "{}: {message} (the file was left as it is: fix it by hand, then run pm again)",
        path.display()
    )]
    Inconsistent { path: PathBuf, message: String },

    /// The board was written by a newer `pm`, whose format we do not know.
    #[error(
        "{} has format version {found}, but this pm reads only up to version {supported}; use a newer pm (the file was not changed)",
        path.display()
    )]
    NewerFormat {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    /// No task with this id.
    #[error("no task #{id}; `pm list --all` shows every task")]
    TaskNotFound { id: u64 },

    /// No project with this name.
    #[error(
        "no project `{name}`; `pm project list` shows them, `pm project add {name}` creates it"
    )]
    ProjectNotFound { name: String },

    /// `pm project add` with a name already taken.
    #[error("project `{name}` already exists")]
    ProjectExists { name: String },

    /// `pm project rm` on a project that still has tasks.
    #[error(
        "project `{name}` still has {count} task(s); move or remove them first, or pass --force to keep them without a project"
    )]
    ProjectNotEmpty { name: String, count: usize },

    /// A value given by the user is not acceptable (an empty title, a
    /// date we cannot read, a name with spaces).
    #[error("{0}")]
    InvalidInput(String),

    /// Writing the command's output failed (for example a closed pipe).
    #[error("cannot write output: {0}")]
    Output(io::Error),
}

/// The kind of failure, which decides the exit status of `pm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line or a value in it is wrong (exit status 2, as clap
    /// uses for its own usage errors).
    Usage,
    /// A workspace, task or project does not exist (exit status 3).
    NotFound,
    /// A file could not be read or written (exit status 4).
    Io,
    /// The request was refused and nothing changed: a damaged or newer
    /// file, a name already taken, a project still in use (exit status 1).
    Refused,
}

impl ErrorKind {
    /// The process exit status for this kind of failure.
    pub fn exit_status(self) -> u8 {
        match self {
            ErrorKind::Refused => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotFound => 3,
            ErrorKind::Io => 4,
        }
    }
}

impl Error {
    /// Which kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) => ErrorKind::Usage,
            Error::NoWorkspace { .. }
            | Error::NotAWorkspace { .. }
            | Error::TaskNotFound { .. }
            | Error::ProjectNotFound { .. } => ErrorKind::NotFound,
            Error::Io { .. } | Error::Output(_) => ErrorKind::Io,
            Error::AlreadyInitialized { .. }
            | Error::Damaged { .. }
            | Error::Inconsistent { .. }
            | Error::NewerFormat { .. }
            | Error::ProjectExists { .. }
            | Error::ProjectNotEmpty { .. } => ErrorKind::Refused,
        }
    }

    /// Shorthand used by the I/O code: `fs::read(&p).map_err(Error::io("read", &p))`.
    pub(crate) fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(io::Error) -> Error {
        let path = path.to_path_buf();
        move |error| Error::Io {
            action,
            path,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_print_the_cause_once_and_have_no_source() {
        let e = Error::io("read", std::path::Path::new("/x/board.yaml"))(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "permission denied",
        ));
        assert_eq!(
            e.to_string(),
            "cannot read /x/board.yaml: permission denied"
        );
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(e.kind().exit_status(), 4);
    }

    #[test]
    fn exit_statuses_are_distinct_per_kind() {
        let kinds = [
            ErrorKind::Refused,
            ErrorKind::Usage,
            ErrorKind::NotFound,
            ErrorKind::Io,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|k| k.exit_status()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes, [1, 2, 3, 4]);
    }
}
