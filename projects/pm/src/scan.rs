//! `pm scan DIR...`: find `TODO:` and `FIXME:` comments in source trees,
//! in parallel, and turn them into tasks.
//!
//! The work is split across threads with nothing but std:
//!
//! ```text
//!  walker thread ──batches of paths──▶ [bounded channel] ──▶ worker 1 ─┐
//!  (reads folders,                                          worker 2 ─┼─results──▶ this thread
//!   applies .gitignore)                                     worker N ─┘  (collects, reports progress)
//! ```
//!
//! - One walker lists folders and sends file paths into a `sync_channel`.
//!   It is bounded, so a fast walker waits for the workers instead of
//!   filling memory with a million paths.
//! - `std::sync::mpsc` receivers have a single owner, so the workers share
//!   the one receiver behind a `Mutex`: whoever holds it takes the next
//!   batch, then lets go before reading the files. That is a worker pool in
//!   ten lines.
//! - Workers read the files and send what they found to the calling thread,
//!   which collects it and calls the progress callback.
//! - Paths travel in batches (up to [`BATCH`] files), not one by one. A
//!   send to a waiting thread wakes it with a system call; with one path
//!   per message, waking threads cost more than reading 10,000 small files
//!   (measured with `perf`: about 40% of the time went to futex wake-ups).
//! - `std::thread::scope` lets every thread borrow the roots and the
//!   channels without `Arc`, and joins them all before `scan` returns.
//!
//! Then [`Board::merge_scan`] turns the comments into tasks: a comment seen
//! before updates its task (the line may have moved), a new one adds a task,
//! and a task whose comment is gone is marked done.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

use crate::error::{Error, Result};
use crate::gitignore::IgnoreStack;
use crate::model::{Board, Source, Status, Task, now};

/// Which marker a comment has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Marker {
    Todo,
    Fixme,
}

impl Marker {
    const ALL: [(Marker, &'static str); 2] = [(Marker::Todo, "TODO:"), (Marker::Fixme, "FIXME:")];

    /// The tag scanned tasks get.
    pub fn tag(self) -> &'static str {
        match self {
            Marker::Todo => "todo",
            Marker::Fixme => "fixme",
        }
    }
}

/// One comment found in a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    pub file: PathBuf,
    /// 1-based.
    pub line: u32,
    pub marker: Marker,
    /// The comment's text after the marker (never empty).
    pub text: String,
}

/// What a scan saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOutcome {
    /// Every comment, sorted by file and line.
    pub found: Vec<Found>,
    /// Text files read.
    pub files: usize,
    /// Files skipped because they look binary (a NUL byte near the start).
    pub binary: usize,
    /// Files and folders skipped because a `.gitignore` says so.
    pub ignored: usize,
    /// Files that could not be read (permissions, vanished), with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Sent to the progress callback after each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub files: usize,
    pub found: usize,
}

/// What a worker learned about one file.
enum FileResult {
    Text(Vec<Found>),
    Binary,
    Unreadable(PathBuf, String),
}

/// The most paths sent in one message (see the module comment).
pub const BATCH: usize = 64;

/// How many bytes at the start of a file are checked for a NUL byte, the
/// same test git and grep use to call a file binary.
const BINARY_PROBE: usize = 8 * 1024;

/// Scans `roots` (folders or single files) with `workers` threads.
/// `.git` and `.pm` folders, symbolic links, ignored entries and binary
/// files are skipped. The callback runs on the calling thread.
pub fn scan(
    roots: &[PathBuf],
    workers: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<ScanOutcome> {
    // Check every root before starting any thread, so a typo is a clean
    // error rather than a partial scan.
    for root in roots {
        fs::metadata(root).map_err(Error::io("scan", root))?;
    }
    let workers = workers.max(1);
    let mut outcome = ScanOutcome::default();

    // Made before the scope, so the scoped threads can borrow them.
    let (path_tx, path_rx) = mpsc::sync_channel::<Vec<PathBuf>>(32);
    let path_rx = Mutex::new(path_rx);
    let (result_tx, result_rx) = mpsc::channel::<Vec<FileResult>>();

    std::thread::scope(|s| {
        // The walker owns the only path sender: when it is done and drops
        // it, the workers' `recv` fails and they stop.
        let walker = s.spawn(move || {
            let mut batch = Batcher {
                paths: Vec::new(),
                tx: path_tx,
            };
            let mut ignored = 0;
            for root in roots {
                ignored += walk(root, &mut batch);
            }
            batch.flush();
            ignored
        });

        for _ in 0..workers {
            let result_tx = result_tx.clone();
            let path_rx = &path_rx;
            s.spawn(move || {
                loop {
                    // The guard is a temporary, dropped at the end of this
                    // statement: the lock is held for `recv` only, not while
                    // the files are read.
                    let next = match path_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return, // another worker panicked
                    };
                    let Ok(paths) = next else { return };
                    let results = paths.into_iter().map(scan_file).collect();
                    if result_tx.send(results).is_err() {
                        return;
                    }
                }
            });
        }
        // Keep no sender here, or the loop below would never end.
        drop(result_tx);

        for results in result_rx {
            for result in results {
                match result {
                    FileResult::Text(found) => {
                        outcome.files += 1;
                        outcome.found.extend(found);
                    }
                    FileResult::Binary => outcome.binary += 1,
                    FileResult::Unreadable(path, why) => outcome.unreadable.push((path, why)),
                }
            }
            progress(Progress {
                files: outcome.files + outcome.binary + outcome.unreadable.len(),
                found: outcome.found.len(),
            });
        }
        // A panic in the walker would be a bug; count nothing rather than
        // pass it on.
        outcome.ignored = walker.join().unwrap_or(0);
    });

    outcome
        .found
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    outcome.unreadable.sort();
    Ok(outcome)
}

/// The walker's side of the path channel: collects paths and sends them
/// [`BATCH`] at a time.
struct Batcher {
    paths: Vec<PathBuf>,
    tx: mpsc::SyncSender<Vec<PathBuf>>,
}

impl Batcher {
    /// Adds a path; false when the workers are gone and walking is pointless.
    fn push(&mut self, path: PathBuf) -> bool {
        self.paths.push(path);
        self.paths.len() < BATCH || self.flush()
    }

    /// Sends what is collected; false when the workers are gone.
    fn flush(&mut self) -> bool {
        if self.paths.is_empty() {
            return true;
        }
        self.tx.send(std::mem::take(&mut self.paths)).is_ok()
    }
}

/// Walks one root depth-first with an explicit stack (no recursion, so a
/// deep tree cannot overflow the thread's stack), sending every file that
/// is not ignored. Returns how many entries were ignored.
fn walk(root: &Path, paths: &mut Batcher) -> usize {
    if root.is_file() {
        paths.push(root.to_path_buf());
        return 0;
    }
    let mut ignored = 0;
    // (folder, its path relative to the root ending in '/', the rules in force)
    let mut stack = vec![(
        root.to_path_buf(),
        String::new(),
        IgnoreStack::default().enter(root, ""),
    )];
    while let Some((dir, prefix, rules)) = stack.pop() {
        // A folder we cannot list is skipped; its files were never ours to
        // report, and one unreadable folder should not stop the scan.
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let relative = format!("{prefix}{name}");
            if kind.is_dir() {
                if name == ".git" || name == crate::workspace::DATA_DIR {
                    continue;
                }
                if rules.is_ignored(&relative, true) {
                    ignored += 1;
                    continue;
                }
                let path = entry.path();
                let child_prefix = format!("{relative}/");
                let child_rules = rules.enter(&path, &child_prefix);
                stack.push((path, child_prefix, child_rules));
            } else if kind.is_file() {
                if rules.is_ignored(&relative, false) {
                    ignored += 1;
                    continue;
                }
                if !paths.push(entry.path()) {
                    return ignored; // the workers are gone
                }
            }
            // Symbolic links are not followed: a link back up the tree
            // would make the walk endless.
        }
    }
    ignored
}

/// Reads one file and finds its comments.
fn scan_file(path: PathBuf) -> FileResult {
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => return FileResult::Unreadable(path, e.to_string()),
    };
    if bytes[..bytes.len().min(BINARY_PROBE)].contains(&0) {
        return FileResult::Binary;
    }
    // `str::from_utf8` checks ASCII a word at a time; the lossy version
    // (for a Latin-1 file, read with replacement characters rather than
    // skipped) is slower, so it is only the fallback.
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&bytes),
    };
    // Most files have no marker: check the whole file once before
    // splitting it into lines.
    if !Marker::ALL.iter().any(|(_, m)| text.contains(m)) {
        return FileResult::Text(Vec::new());
    }
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some((marker, comment)) = find_marker(line) {
            found.push(Found {
                file: path.clone(),
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                marker,
                text: comment,
            });
        }
    }
    FileResult::Text(found)
}

/// The first `TODO:` or `FIXME:` in a line that starts a word (so
/// `MYTODO:` does not count), with the text after it.
fn find_marker(line: &str) -> Option<(Marker, String)> {
    let mut best: Option<(usize, Marker, &str)> = None;
    for (marker, word) in Marker::ALL {
        let mut from = 0;
        while let Some(at) = line[from..].find(word).map(|i| i + from) {
            let starts_word = line[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            if starts_word {
                if best.is_none_or(|(b, _, _)| at < b) {
                    best = Some((at, marker, &line[at + word.len()..]));
                }
                break;
            }
            from = at + word.len();
        }
    }
    let (_, marker, rest) = best?;
    // Drop what closes a block comment, and anything a title cannot hold.
    let mut text = rest.trim();
    for closer in ["*/", "-->", "#}", "%>"] {
        text = text.strip_suffix(closer).unwrap_or(text).trim_end();
    }
    let mut text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if text.trim().is_empty() {
        text = format!("{} with no text", &marker.tag().to_uppercase());
    }
    Some((marker, text.trim().to_string()))
}

/// What [`Board::merge_scan`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeSummary {
    pub added: usize,
    /// Tasks whose comment moved to another line.
    pub moved: usize,
    pub unchanged: usize,
    /// Tasks whose comment is gone, now marked done.
    pub closed: usize,
}

impl Board {
    /// Turns scanned comments into tasks. `scanned` are the roots that were
    /// scanned, in the same form as `found` paths; only tasks from files
    /// below them can be closed. File paths are stored relative to
    /// `workspace_root` when they are inside it. New tasks go to `project`.
    ///
    /// A comment is recognised by its file and text, not its line, so
    /// adding lines above it updates the task instead of making a new one.
    pub fn merge_scan(
        &mut self,
        found: &[Found],
        scanned: &[PathBuf],
        workspace_root: &Path,
        project: Option<&str>,
    ) -> Result<MergeSummary> {
        if let Some(p) = project {
            self.project(p)?;
        }
        let shown = |path: &Path| -> String {
            path.strip_prefix(workspace_root)
                .unwrap_or(path)
                .to_string_lossy()
                .into_owned()
        };
        let scanned: Vec<String> = scanned.iter().map(|p| shown(p)).collect();
        let in_scope = |file: &str| scanned.iter().any(|root| Path::new(file).starts_with(root));

        // Existing scanned tasks in scope, grouped by (file, comment text),
        // each group in line order.
        let mut known: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (index, task) in self.tasks.iter().enumerate() {
            if let Some(src) = &task.source
                && in_scope(&src.file)
            {
                known
                    .entry((src.file.clone(), src.text.clone()))
                    .or_default()
                    .push(index);
            }
        }
        for group in known.values_mut() {
            group.sort_by_key(|&i| self.tasks[i].source.as_ref().map(|s| s.line));
            group.reverse(); // so `pop` hands them out first line first
        }

        let mut summary = MergeSummary::default();
        let stamp = now();
        let mut new_tasks = Vec::new();
        for f in found {
            let file = shown(&f.file);
            let claimed = known
                .get_mut(&(file.clone(), f.text.clone()))
                .and_then(Vec::pop);
            match claimed {
                Some(index) => {
                    let task = &mut self.tasks[index];
                    match &mut task.source {
                        Some(src) if src.line != f.line => {
                            src.line = f.line;
                            task.updated = stamp;
                            summary.moved += 1;
                        }
                        _ => summary.unchanged += 1,
                    }
                }
                None => {
                    new_tasks.push(Task {
                        id: 0, // given below
                        title: f.text.clone(),
                        project: project.map(str::to_string),
                        status: Status::Todo,
                        priority: Default::default(),
                        tags: vec![f.marker.tag().to_string()],
                        due: None,
                        notes: None,
                        source: Some(Source {
                            file,
                            line: f.line,
                            text: f.text.clone(),
                        }),
                        created: stamp,
                        updated: stamp,
                        done_at: None,
                    });
                    summary.added += 1;
                }
            }
        }
        // Whatever was not claimed lost its comment: the work is done.
        for index in known.into_values().flatten() {
            let task = &mut self.tasks[index];
            if task.status != Status::Done {
                task.status = Status::Done;
                task.done_at = Some(stamp);
                task.updated = stamp;
                summary.closed += 1;
            }
        }
        for mut task in new_tasks {
            task.id = self.fresh_id();
            self.tasks.push(task);
        }
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        let f = find_marker;
        assert_eq!(
            f("// TODO: write tests"),
            Some((Marker::Todo, "write tests".into()))
        );
        assert_eq!(
            f("/* FIXME: leaks */"),
            Some((Marker::Fixme, "leaks".into()))
        );
        assert_eq!(
            f("<!-- TODO: alt text -->"),
            Some((Marker::Todo, "alt text".into()))
        );
        assert_eq!(
            f("x = 1 # FIXME: then TODO: b"),
            Some((Marker::Fixme, "then TODO: b".into()))
        );
        assert_eq!(
            f("MYTODO: no; TODO: yes"),
            Some((Marker::Todo, "yes".into()))
        );
        assert_eq!(
            f("// TODO:"),
            Some((Marker::Todo, "TODO with no text".into()))
        );
        assert_eq!(f("// todo: lower case is prose"), None);
        assert_eq!(f("TODO without a colon"), None);
        assert_eq!(f("é TODO: ünïcode"), Some((Marker::Todo, "ünïcode".into())));
    }

    fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, body).unwrap();
        }
        dir
    }

    #[test]
    fn scan_skips_ignored_binary_and_git() {
        let dir = tree(&[
            (".gitignore", b"target/\n*.gen\n"),
            ("src/main.rs", b"fn main() {}\n// TODO: one\n"),
            ("src/lib.rs", b"// FIXME: two\n// TODO: three\n"),
            ("target/debug/out.rs", b"// TODO: ignored folder\n"),
            ("src/code.gen", b"// TODO: ignored file\n"),
            ("img.bin", b"\x00\x01TODO: binary\n"),
            (".git/COMMIT_EDITMSG", b"TODO: git internals\n"),
            ("sub/.gitignore", b"!*.gen\n"),
            ("sub/kept.gen", b"TODO: re-included\n"),
        ]);
        let mut last = None;
        let out = scan(&[dir.path().to_path_buf()], 3, &mut |p| last = Some(p)).unwrap();
        let texts: Vec<&str> = out.found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["two", "three", "one", "re-included"], "{out:?}");
        assert_eq!(out.binary, 1);
        assert_eq!(out.ignored, 2);
        // .gitignore x2, main.rs, lib.rs, kept.gen (the binary file too)
        assert_eq!(out.files, 5);
        // The last progress report counts every file read (and found).
        assert_eq!(last, Some(Progress { files: 6, found: 4 }));
    }

    #[test]
    fn a_missing_root_is_an_error_before_any_work() {
        let e = scan(&[PathBuf::from("/no/such/folder")], 2, &mut |_| {}).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot scan /no/such/folder"),
            "{e}"
        );
    }

    fn found(file: &str, line: u32, text: &str) -> Found {
        Found {
            file: PathBuf::from("/ws").join(file),
            line,
            marker: Marker::Todo,
            text: text.into(),
        }
    }

    #[test]
    fn rescanning_updates_instead_of_duplicating() {
        let mut b = Board::new();
        let roots = [PathBuf::from("/ws/src")];
        let ws = Path::new("/ws");
        let first = [
            found("src/a.rs", 3, "x"),
            found("src/a.rs", 9, "x"),
            found("src/b.rs", 1, "y"),
        ];
        let s = b.merge_scan(&first, &roots, ws, None).unwrap();
        assert_eq!((s.added, s.moved, s.closed), (3, 0, 0));
        assert_eq!(b.tasks[0].source.as_ref().unwrap().file, "src/a.rs");

        // Two lines added on top of a.rs; b.rs's comment removed.
        let second = [found("src/a.rs", 5, "x"), found("src/a.rs", 11, "x")];
        let s = b.merge_scan(&second, &roots, ws, None).unwrap();
        assert_eq!((s.added, s.moved, s.unchanged, s.closed), (0, 2, 0, 1));
        assert_eq!(b.tasks.len(), 3);
        assert_eq!(b.task(3).unwrap().status, Status::Done);
        let lines: Vec<u32> = b.tasks[..2]
            .iter()
            .map(|t| t.source.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, [5, 11]);

        // Scanning another folder does not close tasks from this one.
        let s = b
            .merge_scan(&[], &[PathBuf::from("/ws/docs")], ws, None)
            .unwrap();
        assert_eq!(s, MergeSummary::default());
        assert!(b.validate().is_ok());
    }
}
