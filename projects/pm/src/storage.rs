//! The board file on disk: reading it with positions, writing it so that
//! it is never torn, and locking it so that two writers never lose each
//! other's changes.
//!
//! - [`parse`] turns the text into a [`Board`] in three checks: the format
//!   version first (a newer file is refused before we misread it), then
//!   serde (syntax and types, with line and column), then
//!   [`Board::validate`] (what serde cannot see).
//! - [`render`] turns a board back into YAML with a short header comment.
//! - [`write_atomic`] replaces a file through a temporary file, so a reader
//!   (or a crash) sees the old file or the new one, never half of one.
//! - [`BoardLock`] is an advisory lock on a separate `lock` file: every
//!   change takes it, re-reads the board, changes it and writes it before
//!   letting go (see [`crate::Workspace::update`]).
//!
//! serde_yaml is named only here, so swapping it for a maintained fork is a
//! change to this file alone.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Board, FORMAT_VERSION};

/// The first lines of every board file we write. YAML comments are lost on
/// the next save, so this is the one place to talk to a person reading it.
const HEADER: &str = "\
# pm board. You may edit it by hand: pm checks it on every run and never
# writes over a file it cannot read. Format: projects/pm/FORMAT.md
";

/// Parses a board file's text. `path` is only for the error messages.
pub fn parse(path: &Path, text: &str) -> Result<Board> {
    // Step 1: the version alone. Reading a newer format with today's types
    // could silently drop what we do not know, and the next save would
    // lose it. So a newer file is refused before anything else.
    #[derive(Deserialize)]
    struct Header {
        version: Option<u32>,
    }
    let header: Header = serde_yaml::from_str(text).map_err(|e| damaged(path, text, &e))?;
    match header.version {
        Some(found) if found > FORMAT_VERSION => {
            return Err(Error::NewerFormat {
                path: path.into(),
                found,
                supported: FORMAT_VERSION,
            });
        }
        Some(0) => {
            return Err(Error::Inconsistent {
                path: path.into(),
                message: "format version 0 does not exist; the first version is 1".into(),
            });
        }
        // A missing version is reported by step 2, with its position.
        _ => {}
    }
    // Step 2: the whole file, with `deny_unknown_fields` on every struct so
    // a typo (`titel:`) is an error rather than a field silently dropped.
    let board: Board = serde_yaml::from_str(text).map_err(|e| damaged(path, text, &e))?;
    // Step 3: what serde cannot check.
    board.validate().map_err(|message| Error::Inconsistent {
        path: path.into(),
        message,
    })?;
    Ok(board)
}

/// Builds the `Damaged` error, with the position in front, compiler-style.
fn damaged(path: &Path, text: &str, e: &serde_yaml::Error) -> Error {
    let mut message = e.to_string();
    // serde_yaml appends " at line L column C"; we already print it in front.
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    let (line, column) = match e.location() {
        Some(loc) => (loc.line(), loc.column()),
        // Errors about the document as a whole (an empty file, say) carry
        // no position; the end of the file is where something is missing.
        None => end_of(text),
    };
    Error::Damaged {
        path: path.into(),
        line,
        column,
        message,
    }
}

/// The line and column just past the last character of `text`.
fn end_of(text: &str) -> (usize, usize) {
    let line = text.lines().count().max(1);
    let column = text.lines().last().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads the board file as text. Bytes that are not UTF-8 make the file
/// damaged (with the position of the first bad byte), not an I/O failure.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(Error::io("read", path))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // `good` is valid UTF-8 by definition, so this never loses text.
        let good = String::from_utf8_lossy(good);
        let line = good.matches('\n').count() + 1;
        let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::Damaged {
            path: path.into(),
            line,
            column,
            message: "the file is not UTF-8 text".into(),
        }
    })
}

/// The text we write for `board`.
pub fn render(path: &Path, board: &Board) -> Result<String> {
    let body = serde_yaml::to_string(board).map_err(|e| Error::Inconsistent {
        path: path.into(),
        message: format!("cannot turn the board into YAML: {e}"),
    })?;
    Ok(format!("{HEADER}{body}"))
}

/// Replaces the file at `path` with `bytes`, atomically: a reader, or the
/// same file after a crash or a power cut, holds either the old contents or
/// the new ones, never a mix.
///
/// 1. Write a temporary file *in the same folder* (a rename only replaces
///    atomically within one file system) and `sync_all` it, so the data is
///    on disk before any name points at it.
/// 2. `rename` it over `path`: one atomic step on POSIX systems.
/// 3. `sync_all` the folder, so the rename itself survives a power cut.
///
/// The temporary name is fixed (`.NAME.tmp`), so a write killed half-way
/// leaves at most one stale temporary file, replaced by the next write.
/// That is safe only because two writers never run at once: pm calls this
/// while it holds the board lock.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A bare name such as `board.yaml` has the parent `Some("")`, not
    // `None`; the empty path means the current folder, and `File::open("")`
    // would fail *after* the rename had already replaced the file.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let mut tmp_name = OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);

    let written = (|| {
        let mut file = File::create(&tmp)?;
        let (first, second) = bytes.split_at(bytes.len() / 2);
        file.write_all(first)?;
        pause_mid_write_for_tests(&mut file)?;
        file.write_all(second)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        // Best effort: the real file is untouched either way.
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // On Linux a folder can be opened read-only and fsynced; that is how
    // the new directory entry is made durable.
    File::open(dir)?.sync_all()
}

/// Milliseconds to stop half-way through writing a temporary file; 0 (the
/// default) does not stop. Only the hidden `pm stress-writer` command sets
/// it, so the crash test can kill a process at a moment it knows is in the
/// middle of a write.
static MID_WRITE_PAUSE_MS: AtomicU64 = AtomicU64::new(0);

/// Makes every later [`write_atomic`] in this process pause half-way.
pub(crate) fn set_mid_write_pause_for_tests(ms: u64) {
    MID_WRITE_PAUSE_MS.store(ms, Ordering::Relaxed);
}

fn pause_mid_write_for_tests(file: &mut File) -> io::Result<()> {
    let ms = MID_WRITE_PAUSE_MS.load(Ordering::Relaxed);
    if ms > 0 {
        // Flushed so the test sees a half-written temporary file.
        file.flush()?;
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    Ok(())
}

/// An exclusive advisory lock on the workspace, released when dropped.
///
/// We lock a separate `lock` file, not the board: every save *replaces* the
/// board with a new file, and a lock belongs to the old one, so a second
/// process waiting on the old board would wake up holding a lock on a file
/// that no longer has a name. The lock file is created once and never
/// replaced.
///
/// The lock is `std::fs::File::lock` (`flock(2)` on Linux), stable since
/// Rust 1.89; before that one needed the `fs2`, `fs4` or `fd-lock` crates.
/// It is advisory: it stops other `pm` processes, not an editor. Because a
/// save is a rename, an editor still never sees half a file.
#[derive(Debug)]
pub struct BoardLock {
    // Never read: holding the open file *is* holding the lock, and closing
    // it (on drop) releases it, even if the process is killed.
    _file: File,
}

impl BoardLock {
    /// Waits until no other process (or other handle in this one) holds the
    /// lock, then takes it. pm holds it for milliseconds, so waiting is
    /// better than failing.
    pub fn acquire(path: &Path) -> Result<BoardLock> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(Error::io("open the lock file", path))?;
        file.lock().map_err(Error::io("lock", path))?;
        Ok(BoardLock { _file: file })
    }
}

/// The temporary file [`write_atomic`] uses for `path` (for tests and docs).
pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".tmp");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewTask;

    fn p() -> &'static Path {
        Path::new("board.yaml")
    }

    #[test]
    fn round_trip() {
        let mut b = Board::new();
        b.add_project("rust-book", Some("The Book".into())).unwrap();
        b.add_task(NewTask {
            title: "Read: chapter 4 # ownership".into(),
            project: Some("rust-book".into()),
            tags: vec!["reading".into()],
            due: Some("2026-12-24".parse().unwrap()),
            notes: Some("line one\nline two".into()),
            ..Default::default()
        })
        .unwrap();
        let text = render(p(), &b).unwrap();
        assert!(text.starts_with("# pm board."));
        assert_eq!(parse(p(), &text).unwrap(), b);
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let text = "version: 1\ntasks:\n  - id: 1\n    titel: x\n";
        let e = parse(p(), text).unwrap_err();
        let Error::Damaged {
            line,
            column,
            message,
            ..
        } = &e
        else {
            panic!("expected Damaged, got {e:?}");
        };
        assert_eq!((*line, *column), (4, 5), "{e}");
        assert!(
            message.starts_with("tasks[0]: unknown field `titel`"),
            "{message}"
        );
        assert!(!message.contains(" at line "), "{message}");
        assert!(e.to_string().starts_with("board.yaml:4:5: "), "{e}");
    }

    #[test]
    fn empty_and_garbage_files_are_damaged() {
        for text in [
            "",
            "version: [1",
            "- just\n- a list\n",
            "version: 1\nversion: 1\n",
        ] {
            assert!(
                matches!(parse(p(), text), Err(Error::Damaged { .. })),
                "{text:?}"
            );
        }
    }

    #[test]
    fn hostile_files_are_errors_not_panics() {
        let deep = format!(
            "version: 1\ntasks: {}{}\n",
            "[".repeat(1_000),
            "]".repeat(1_000)
        );
        let cases = [
            deep.as_str(),
            "version: -1\n",
            "version: 99999999999\n",
            "version: 1\ntasks:\n- id: 18446744073709551616\n",
            "version: 1\n\ttasks: []\n",
            "version: 1\nprojects: {name: x}\n",
            "version: 1\ntasks:\n- {id: 1, title: x, created: yesterday, updated: 2026-01-01T00:00:00Z}\n",
            "version: 1\ntasks:\n- {id: 1, title: x, due: 2026-02-30, created: 2026-01-01T00:00:00Z, updated: 2026-01-01T00:00:00Z}\n",
            "--- !!binary AAAA\n",
            "&a [*a]\n",
        ];
        for text in cases {
            let e = parse(p(), text).unwrap_err();
            assert!(
                matches!(e, Error::Damaged { .. } | Error::Inconsistent { .. }),
                "{text:.40}: {e}"
            );
        }
    }

    #[test]
    fn a_newer_version_is_refused_even_with_unknown_fields() {
        let text = "version: 2\nfancy_new_thing: {}\n";
        assert!(matches!(
            parse(p(), text),
            Err(Error::NewerFormat {
                found: 2,
                supported: 1,
                ..
            })
        ));
    }

    #[test]
    fn validation_runs_after_parsing() {
        let text = "version: 1\nprojects: []\ntasks:\n  - {id: 1, title: x, project: ghost, created: 2026-01-01T00:00:00Z, updated: 2026-01-01T00:00:00Z}\n";
        assert!(matches!(parse(p(), text), Err(Error::Inconsistent { .. })));
    }

    #[test]
    fn non_utf8_is_damaged_at_the_right_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.yaml");
        fs::write(&path, b"version: 1\ntasks: \xff\n").unwrap();
        let e = read_text(&path).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Damaged {
                    line: 2,
                    column: 8,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.yaml");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(!temp_path(&path).exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_atomic_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("board.yaml");
        assert!(write_atomic(&path, b"x").is_err());
        assert!(!dir.path().join("nope").exists());
    }

    #[test]
    fn the_lock_excludes_a_second_handle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = BoardLock::acquire(&path).unwrap();
        let other = File::options().write(true).open(&path).unwrap();
        assert!(other.try_lock().is_err(), "a second handle got the lock");
        drop(held);
        assert!(
            other.try_lock().is_ok(),
            "the lock was not released on drop"
        );
    }
}
