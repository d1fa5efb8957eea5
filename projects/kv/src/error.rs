//! Error types for the whole crate.
//!
//! Two enums, split by *when* something fails: [`OpenError`] while a store is
//! being opened and recovered (a bad directory, a lock held by another
//! process, a corrupt segment in the middle of the log), and [`KvError`] for
//! every operation on an open store. Each variant carries what a person needs
//! to act on it: the file path and byte offset of corruption, the key that was
//! too large, the operation that failed.
//!
//! Each message is complete on its own (the underlying OS or sled error is
//! part of it, not a separate `source`), so `to_string()` in the TUI and
//! `{:#}` in the CLI both print the cause exactly once.

use std::io;
use std::path::PathBuf;

/// Opening (and recovering) a store failed. Nothing on disk was changed in a
/// way that loses data: corrupt files are left in place to be inspected.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The directory could not be created or listed.
    #[error("cannot use store directory {path}: {error}")]
    Dir { path: PathBuf, error: io::Error },
    /// The options passed to open make no sense.
    #[error("invalid options for {path}: {reason}")]
    Options { path: PathBuf, reason: String },
    /// Another process (or another handle in this one) holds the store lock.
    #[error("store {path} is already open (its LOCK file is held by another handle or process)")]
    Locked { path: PathBuf },
    /// A segment or hint file does not start with our header.
    #[error("{path}: not a kv file: {reason}")]
    BadHeader { path: PathBuf, reason: String },
    /// A file was written by a newer (or unknown) format version.
    #[error(
        "{path}: format version {found} is not supported (this build reads version {supported})"
    )]
    Version {
        path: PathBuf,
        found: u16,
        supported: u16,
    },
    /// A record is damaged in a way no crash produces (valid records
    /// follow it, or it is complete but fails its checksum, or it is in a
    /// sealed segment). Cutting it would silently lose or roll back
    /// acknowledged data, so we refuse instead and change nothing.
    #[error(
        "{path}: corrupt record at byte offset {offset}: {reason} (nothing was changed: `kv verify` lists the damage, `kv repair` copies every readable record into a new store)"
    )]
    Corrupt {
        path: PathBuf,
        offset: u64,
        reason: String,
    },
    /// Files the store is made of are missing, cut short or zero-filled:
    /// acknowledged records are gone. Opening anyway could return deleted or
    /// outdated values, so the store is refused and left as it is.
    #[error(
        "store {path} is damaged ({}); nothing was changed: `kv verify` lists the damage, `kv repair` copies every readable record into a new store",
        problems.join("; ")
    )]
    Damaged {
        path: PathBuf,
        problems: Vec<String>,
    },
    /// Reading or writing a file failed.
    #[error("{op} {path}: {error}")]
    Io {
        op: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    /// Every segment id (a u32) has been used; ids are never reused.
    #[error(
        "no segment id left in {path}: all 2^32 ids are used; `kv repair` copies the store into a new one"
    )]
    IdsExhausted { path: PathBuf },
    /// Another engine (redb, fjall) refused to open.
    #[error("{engine} could not open {path}: {reason}")]
    Other {
        engine: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// The sled engine refused to open.
    #[error("sled could not open {path}: {error}")]
    Sled { path: PathBuf, error: sled::Error },
}

/// An operation on an open store failed.
#[derive(Debug, thiserror::Error)]
pub enum KvError {
    /// Keys are limited so a record header stays small and a damaged length
    /// field is easy to recognise.
    #[error("key of {len} bytes is larger than the limit of {max} bytes")]
    KeyTooLarge { len: usize, max: usize },
    /// Values are limited for the same reason as keys.
    #[error("value for key {key:?} is {len} bytes, larger than the limit of {max} bytes")]
    ValueTooLarge { key: String, len: usize, max: usize },
    /// Reading or writing a segment failed.
    #[error("{op} {path}: {error}")]
    Io {
        op: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    /// A record read back from disk does not match its checksum or key.
    #[error("{path}: corrupt record at byte offset {offset}: {reason}")]
    Corrupt {
        path: PathBuf,
        offset: u64,
        reason: String,
    },
    /// An earlier write failed half-way; the write path refuses further
    /// writes until the store is reopened (which recovers from the log).
    #[error("store refuses writes after an earlier failure ({reason}); reopen it to recover")]
    Failed { reason: String },
    /// Every segment id (a u32) has been used; ids are never reused.
    #[error(
        "no segment id left in {path}: all 2^32 ids are used; `kv repair` copies the store into a new one"
    )]
    IdsExhausted { path: PathBuf },
    /// Another engine (redb, fjall) reported an error.
    #[error("{engine}: {reason}")]
    Other {
        engine: &'static str,
        reason: String,
    },
    /// An error reported by sled.
    #[error("sled: {0}")]
    Sled(sled::Error),
    /// A sled value did not carry our small TTL envelope.
    #[error("sled value for key {key:?} has an unknown envelope tag {tag}")]
    BadEnvelope { key: String, tag: u8 },
}

/// Render a key for an error message: UTF-8 where possible, escaped bytes
/// otherwise, cut short so a huge key cannot flood a one-line error.
pub(crate) fn show_key(key: &[u8]) -> String {
    let shown: String = String::from_utf8_lossy(&key[..key.len().min(64)]).into_owned();
    if key.len() > 64 {
        format!("{shown}...")
    } else {
        shown
    }
}

impl From<sled::Error> for KvError {
    fn from(e: sled::Error) -> Self {
        KvError::Sled(e)
    }
}
