//! The two error types a caller sees: [`OpenError`] when a database cannot be
//! opened, and [`Error`] for everything that can fail afterwards. Both carry
//! the context a person needs to act (the path, the page, the line and column).

use std::path::PathBuf;

use crate::sql::lexer::ParseError;

/// Why a database file could not be opened. The file is left untouched.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a minidb database (bad magic bytes)")]
    NotADatabase { path: PathBuf },
    #[error(
        "{path}: format version {found} is not supported (this build reads version {supported})"
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path}: the database is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: the database is in use by another process")]
    Locked { path: PathBuf },
}

/// Anything that can go wrong after opening.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// A statement that parsed but names something that does not exist, or
    /// uses a feature in a way the engine does not support.
    #[error("{0}")]
    Plan(String),
    #[error("constraint failed: {0}")]
    Constraint(String),
    #[error("type error: {0}")]
    Type(String),
    #[error("{0}")]
    Transaction(String),
    #[error("{0}")]
    TooLarge(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
