//! The readable documents: shipped cheat sheets, lessons, and the learner's
//! own sheets.
//!
//! Shipped sheets and lessons are embedded in the binary by build.rs; a
//! content folder on disk (`cheatsheets/`, `lessons/`) replaces them by name
//! and is what live reload watches. Personal sheets live in the data folder
//! (`DATA/sheets/*.md`), never in the repository, and are named with a
//! `my/` prefix; lessons with `lesson/`. One flat namespace of names keeps
//! lookups, the list, search and `megarepo sheet show NAME` simple.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Name prefix of the learner's own sheets.
pub const PERSONAL_PREFIX: &str = "my/";
/// Name prefix of lessons.
pub const LESSON_PREFIX: &str = "lesson/";

/// Shipped documents compiled into the binary: (folder, file stem, Markdown).
const EMBEDDED: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_sheets.rs"));

/// One document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// `ownership`, `lesson/phase-2-kv` or `my/ownership`.
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Sheet,
    Lesson,
    Personal,
}

impl Sheet {
    pub fn kind(&self) -> Kind {
        if self.name.starts_with(PERSONAL_PREFIX) {
            Kind::Personal
        } else if self.name.starts_with(LESSON_PREFIX) {
            Kind::Lesson
        } else {
            Kind::Sheet
        }
    }

    /// The first `# ` heading, as the document's title.
    pub fn title(&self) -> String {
        self.text
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_string())
            .unwrap_or_default()
    }
}

/// The result of reading the folders, sent from a loader thread.
#[derive(Debug)]
pub struct SheetsLoaded {
    pub sheets: Vec<Sheet>,
    /// One line per file that could not be read.
    pub problems: Vec<String>,
}

fn name_for(folder: &str, stem: &str) -> String {
    match folder {
        "lessons" => format!("{LESSON_PREFIX}{stem}"),
        _ => stem.to_string(),
    }
}

/// The shipped sheets and lessons, sorted by name.
pub fn embedded_sheets() -> Vec<Sheet> {
    let mut sheets: Vec<Sheet> = EMBEDDED
        .iter()
        .map(|(folder, stem, text)| Sheet {
            name: name_for(folder, stem),
            text: text.to_string(),
        })
        .collect();
    sheets.sort_by(|a, b| a.name.cmp(&b.name));
    sheets
}

/// Where the learner's own sheets live.
pub fn personal_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("sheets")
}

fn read_md_files(
    folder: &Path,
    prefix: &str,
    into: &mut BTreeMap<String, Sheet>,
    problems: &mut Vec<String>,
) {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => return,
    };
    paths.sort();
    for path in paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let name = format!("{prefix}{stem}");
                into.insert(name.clone(), Sheet { name, text });
            }
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
}

/// Shipped documents, overridden by name from `content_dir` (its
/// `cheatsheets/` and `lessons/`), plus personal sheets from `personal`.
/// A missing folder is not a problem; an unreadable file is reported and
/// its embedded copy, if any, kept.
pub fn load_sheets(content_dir: Option<&Path>, personal: Option<&Path>) -> SheetsLoaded {
    let mut by_name: BTreeMap<String, Sheet> = embedded_sheets()
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    let mut problems = Vec::new();
    if let Some(dir) = content_dir {
        read_md_files(&dir.join("cheatsheets"), "", &mut by_name, &mut problems);
        read_md_files(
            &dir.join("lessons"),
            LESSON_PREFIX,
            &mut by_name,
            &mut problems,
        );
    }
    if let Some(p) = personal {
        read_md_files(p, PERSONAL_PREFIX, &mut by_name, &mut problems);
    }
    SheetsLoaded {
        sheets: by_name.into_values().collect(),
        problems,
    }
}

/// One search hit: which document, under which heading, on which line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub sheet: String,
    /// The nearest heading above the line ("" before the first).
    pub heading: String,
    /// 1-based line in the Markdown source.
    pub line: usize,
    pub text: String,
}

/// Every line containing `term` (case-insensitive) in every document.
pub fn search(sheets: &[Sheet], term: &str) -> Vec<Hit> {
    let needle = term.to_lowercase();
    let mut hits = Vec::new();
    if needle.trim().is_empty() {
        return hits;
    }
    for s in sheets {
        let mut heading = String::new();
        let mut in_code = false;
        for (i, line) in s.text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("```") {
                in_code = !in_code;
            } else if !in_code && t.starts_with('#') {
                heading = t.trim_start_matches('#').trim().to_string();
            }
            if line.to_lowercase().contains(&needle) {
                hits.push(Hit {
                    sheet: s.name.clone(),
                    heading: heading.clone(),
                    line: i + 1,
                    text: line.trim().to_string(),
                });
            }
        }
    }
    hits
}

/// A sheet name the learner may choose: lowercase letters, digits, dashes.
pub fn valid_personal_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
}

/// The starting text of a new personal sheet.
pub fn template(name: &str) -> String {
    let title: String = name
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "# {title}\n\n\
         What this is about, in one paragraph of your own words.\n\n\
         ## The rules\n\n\
         | Rule | What it means |\n|------|---------------|\n| | |\n\n\
         ## Examples\n\n\
         ```rust\n// a small example that proves the rule to yourself\nassert_eq!(1 + 1, 2);\n```\n\n\
         ## Mistakes I made\n\n\
         - the compiler error, what it meant, the fix\n\n\
         ## Links\n\n\
         - \n"
    )
}

/// Create `DATA/sheets/NAME.md` from the template unless it exists (a
/// sheet the learner wrote is never overwritten). The write is atomic: a
/// temporary file renamed into place. Returns the path and whether it was
/// created now.
pub fn create_personal(data_dir: &Path, name: &str) -> std::io::Result<(PathBuf, bool)> {
    let dir = personal_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.md"));
    if path.exists() {
        return Ok((path, false));
    }
    let tmp = dir.join(format!(".{name}.md.tmp"));
    std::fs::write(&tmp, template(name))?;
    // hard_link fails if the target appeared meanwhile: never clobber.
    match std::fs::hard_link(&tmp, &path) {
        Ok(()) => {
            let _ = std::fs::remove_file(&tmp);
            Ok((path, true))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&tmp);
            Ok((path, false))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_has_sheets_and_lessons() {
        let all = embedded_sheets();
        assert!(
            all.iter()
                .any(|s| s.name == "ownership" && s.kind() == Kind::Sheet)
        );
        assert!(
            all.iter()
                .any(|s| s.name == "lesson/phase-2-kv" && s.kind() == Kind::Lesson)
        );
        assert_eq!(
            all.iter().find(|s| s.name == "ownership").unwrap().title(),
            "Ownership and Borrowing"
        );
    }

    #[test]
    fn personal_sheets_are_created_once_and_listed() {
        let d = tempfile::tempdir().unwrap();
        let (path, created) = create_personal(d.path(), "ownership").unwrap();
        assert!(created);
        std::fs::write(&path, "# Mine\nmy words\n").unwrap();
        let (_, created) = create_personal(d.path(), "ownership").unwrap();
        assert!(!created);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# Mine\nmy words\n"
        );
        let loaded = load_sheets(None, Some(&personal_dir(d.path())));
        let mine = loaded
            .sheets
            .iter()
            .find(|s| s.name == "my/ownership")
            .unwrap();
        assert_eq!(mine.kind(), Kind::Personal);
        assert!(loaded.sheets.iter().any(|s| s.name == "ownership"));
    }

    #[test]
    fn search_names_sheet_heading_and_line() {
        let sheets = vec![Sheet {
            name: "x".into(),
            text: "# Top\ntext\n## Borrowing\nthe Borrow checker\n```rust\n# not a heading\nlet borrow = 1;\n```\n".into(),
        }];
        let hits = search(&sheets, "borrow");
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[1].heading, "Borrowing");
        assert_eq!(hits[1].line, 4);
        assert_eq!(
            hits[2].heading, "Borrowing",
            "a `#` line in code is not a heading"
        );
        assert!(search(&sheets, "  ").is_empty());
    }

    #[test]
    fn personal_names_are_checked() {
        assert!(valid_personal_name("error-handling"));
        assert!(!valid_personal_name("../etc"));
        assert!(!valid_personal_name("Caps"));
        assert!(!valid_personal_name(""));
    }

    #[test]
    fn the_template_is_titled_from_the_name() {
        // (tests/examples.rs compiles and runs the template's example.)
        assert!(template("smart-pointers").starts_with("# Smart Pointers\n"));
    }
}
