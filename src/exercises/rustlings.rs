//! Importing progress from a rustlings checkout.
//!
//! Rustlings 6 keeps its progress in `.rustlings-state.txt` at the root of
//! the learner's rustlings folder. The format we accept, line by line:
//!
//! ```text
//! DON'T EDIT THIS FILE!      a fixed header (required: it identifies the file)
//!                            a blank line
//! variables3                 the exercise rustlings is on (may be absent)
//!                            a blank line
//! intro1                     every exercise done, one name a line
//! intro2
//! ```
//!
//! Blank lines and surrounding spaces are tolerated anywhere; names must
//! be plain words (letters, digits, `_`, `-`). rustlings records an
//! exercise only after it compiles and passes, so the done list is real
//! work. The import is stored in the workspace state; the caller adds the
//! count to the learner's outside-platform counters as it sees fit.

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The file rustlings writes.
pub const STATE_FILE: &str = ".rustlings-state.txt";
const HEADER: &str = "DON'T EDIT THIS FILE!";

/// What a rustlings state file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustlingsProgress {
    pub current: Option<String>,
    pub done: Vec<String>,
    /// The local date of the import.
    pub imported_on: Option<Date>,
}

/// Why a state file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ImportError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// Parse the text of `.rustlings-state.txt`. `path` is only for messages.
pub fn parse(text: &str, path: &str) -> Result<RustlingsProgress, ImportError> {
    let err = |line: usize, message: String| ImportError {
        path: path.to_string(),
        line,
        message,
    };
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim() == HEADER => {}
        _ => {
            return Err(err(
                1,
                format!("not a rustlings state file (the first line should be `{HEADER}`)"),
            ));
        }
    }
    // Groups of non-blank lines: the first is the current exercise, the
    // rest are done.
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut open = false;
    for (i, line) in lines {
        let name = line.trim();
        if name.is_empty() {
            open = false;
            continue;
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(err(i + 1, format!("`{name}` is not an exercise name")));
        }
        if !open {
            groups.push(Vec::new());
            open = true;
        }
        if let Some(g) = groups.last_mut() {
            g.push(name.to_string());
        }
    }
    let mut groups = groups.into_iter();
    let first = groups.next().unwrap_or_default();
    let (current, mut done): (Option<String>, Vec<String>) = if first.len() == 1 {
        (first.into_iter().next(), Vec::new())
    } else {
        // A single group of several names: no current line, all done.
        (None, first)
    };
    done.extend(groups.flatten());
    done.dedup();
    Ok(RustlingsProgress {
        current,
        done,
        imported_on: None,
    })
}

/// Read the state file at `path`, which is the file itself or the
/// rustlings folder that holds it.
pub fn read(path: &Path, today: Date) -> Result<RustlingsProgress, ImportError> {
    let file = if path.is_dir() {
        path.join(STATE_FILE)
    } else {
        path.to_path_buf()
    };
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(&file).map_err(|e| ImportError {
        path: shown.clone(),
        line: 0,
        message: e.to_string(),
    })?;
    let mut p = parse(&text, &shown)?;
    p.imported_on = Some(today);
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_rustlings_writes() {
        let text = "DON'T EDIT THIS FILE!\n\nif2\n\nintro1\nintro2\nvariables1\n";
        let p = parse(text, "s").unwrap();
        assert_eq!(p.current.as_deref(), Some("if2"));
        assert_eq!(p.done, ["intro1", "intro2", "variables1"]);
        let fresh = parse("DON'T EDIT THIS FILE!\n\nintro1\n\n", "s").unwrap();
        assert_eq!(fresh.current.as_deref(), Some("intro1"));
        assert!(fresh.done.is_empty());
    }

    #[test]
    fn other_files_are_refused_with_the_line() {
        let e = parse("hello\n", "x.txt").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(
            e.to_string()
                .starts_with("x.txt:1: not a rustlings state file")
        );
        let e = parse("DON'T EDIT THIS FILE!\n\nif2\n\nrm -rf /\n", "s").unwrap_err();
        assert_eq!(e.line, 5);
        assert!(parse("", "s").is_err());
    }

    #[test]
    fn reads_from_the_folder_or_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join(STATE_FILE),
            "DON'T EDIT THIS FILE!\n\nquiz1\n\nintro1\n",
        )
        .unwrap();
        let day = jiff::civil::date(2026, 12, 1);
        let a = read(tmp.path(), day).unwrap();
        let b = read(&tmp.path().join(STATE_FILE), day).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.imported_on, Some(day));
        assert!(read(&tmp.path().join("nope"), day).is_err());
    }
}
