//! The exercise bank as shipped: `lessons/exercises/<NNN>-<slug>/`, each
//! folder holding `exercise.yaml`, `README.md`, `starter.rs` and
//! `solution.rs`.
//!
//! The format, which the authors of the bank rely on:
//!
//! - the folder is `NNN-slug`: three digits (the order) and lowercase
//!   words joined by dashes; the name every command takes;
//! - `exercise.yaml` has exactly `title`, `topic` (one of [`Topic`]'s
//!   names: basics, ownership, structs-enums, traits, generics, lifetimes,
//!   errors, collections-iterators, closures, smart-pointers, threads,
//!   atomics, async, unsafe, systems), `sheet` (a cheat sheet's file stem),
//!   `hints` (three, vaguest first) and `check` (`test`, or `clippy` to
//!   also require `cargo clippy -- -D warnings` to be clean);
//! - `README.md` gives the instructions and names its sheet;
//! - `starter.rs` is what the learner gets, `solution.rs` the reference;
//!   each is one test target (edition 2024, std and tokio), and from the
//!   line `#[cfg(test)]` to the end of file the two are byte-identical.
//!
//! [`Bank::load`] reads every folder in name order, validates it and keeps
//! the good ones; each bad folder becomes one [`BankError`] that names the
//! file and line to fix, and is left out, so one typo never hides the rest.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where the bank lives inside a content folder (a checkout).
pub const BANK_DIR: &str = "lessons/exercises";

/// The roadmap's topics, in roadmap order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    Basics,
    Ownership,
    StructsEnums,
    Traits,
    Generics,
    Lifetimes,
    Errors,
    CollectionsIterators,
    Closures,
    SmartPointers,
    Threads,
    Atomics,
    Async,
    Unsafe,
    Systems,
}

impl Topic {
    pub const ALL: [Topic; 15] = [
        Topic::Basics,
        Topic::Ownership,
        Topic::StructsEnums,
        Topic::Traits,
        Topic::Generics,
        Topic::Lifetimes,
        Topic::Errors,
        Topic::CollectionsIterators,
        Topic::Closures,
        Topic::SmartPointers,
        Topic::Threads,
        Topic::Atomics,
        Topic::Async,
        Topic::Unsafe,
        Topic::Systems,
    ];

    /// The name used in `exercise.yaml` (`structs-enums`).
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Basics => "basics",
            Topic::Ownership => "ownership",
            Topic::StructsEnums => "structs-enums",
            Topic::Traits => "traits",
            Topic::Generics => "generics",
            Topic::Lifetimes => "lifetimes",
            Topic::Errors => "errors",
            Topic::CollectionsIterators => "collections-iterators",
            Topic::Closures => "closures",
            Topic::SmartPointers => "smart-pointers",
            Topic::Threads => "threads",
            Topic::Atomics => "atomics",
            Topic::Async => "async",
            Topic::Unsafe => "unsafe",
            Topic::Systems => "systems",
        }
    }
}

impl Topic {
    /// The topic a cheat sheet teaches, so a roadmap item's `sheet` can
    /// choose the daily challenge's topic.
    pub fn for_sheet(sheet: &str) -> Option<Topic> {
        Some(match sheet {
            "ownership" => Topic::Ownership,
            "traits" => Topic::Traits,
            "generics" => Topic::Generics,
            "lifetimes" => Topic::Lifetimes,
            "error-handling" => Topic::Errors,
            "collections" | "iterators-closures" => Topic::CollectionsIterators,
            "smart-pointers" => Topic::SmartPointers,
            "concurrency" => Topic::Threads,
            "atomics" => Topic::Atomics,
            "async-tokio" => Topic::Async,
            "unsafe-ffi" => Topic::Unsafe,
            "files-and-clis"
            | "storage-engines"
            | "database-internals"
            | "sockets-and-protocols"
            | "x86_64-kernel" => Topic::Systems,
            _ => return None,
        })
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Topic {
    type Err = String;
    fn from_str(s: &str) -> Result<Topic, String> {
        Topic::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown topic `{s}`"))
    }
}

/// How an exercise is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    /// Compile and run the tests.
    Test,
    /// Also run clippy with `-D warnings`.
    Clippy,
}

/// `exercise.yaml`, as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub title: String,
    pub topic: Topic,
    pub sheet: String,
    pub hints: Vec<String>,
    pub check: CheckKind,
}

/// `(folder, file, text)` of every shipped exercise file, from build.rs.
const EMBEDDED: &[(&str, &str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_exercises.rs"));

/// One exercise of the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// The folder name, `001-hello`: the name every command takes.
    pub name: String,
    /// The order number (`1` for `001-hello`).
    pub number: u16,
    pub title: String,
    pub topic: Topic,
    /// Cheat sheet file stem (`ownership`).
    pub sheet: String,
    /// Three hints, vaguest first.
    pub hints: Vec<String>,
    pub check: CheckKind,
    /// Instructions (Markdown).
    pub readme: String,
    pub starter: String,
    pub solution: String,
    /// The folder it was read from.
    pub dir: PathBuf,
}

/// The marker that starts the test block shared by starter and solution.
pub const TESTS_MARKER: &str = "#[cfg(test)]";

/// A problem with one exercise folder: the file, the 1-based line (0 when
/// the problem is the file as a whole) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct BankError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl BankError {
    fn new(path: &Path, line: usize, message: impl Into<String>) -> BankError {
        BankError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// The loaded bank, in order, plus the folders that were left out.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    pub exercises: Vec<Exercise>,
    pub problems: Vec<BankError>,
    /// The content folder it came from (the checkout root).
    pub root: PathBuf,
}

impl Bank {
    /// Read `root/lessons/exercises`. `sheets` are the cheat sheet names an
    /// exercise may link to (empty: do not check).
    pub fn load(root: &Path, sheets: &BTreeSet<String>) -> Result<Bank, BankError> {
        let dir = root.join(BANK_DIR);
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| BankError::new(&dir, 0, format!("cannot read the exercise bank: {e}")))?;
        let mut folders: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        let mut bank = Bank {
            root: root.to_path_buf(),
            ..Bank::default()
        };
        for folder in folders {
            bank.add(load_one(&folder, sheets, read));
        }
        Ok(bank)
    }

    /// A bank from files held in memory: `(folder name, file name, text)`,
    /// such as a copy embedded in the binary by a build script. Messages
    /// name the files as if they were under `lessons/exercises/`.
    pub fn from_files(files: &[(&str, &str, &str)], sheets: &BTreeSet<String>) -> Bank {
        let mut folders: Vec<&str> = files.iter().map(|(folder, _, _)| *folder).collect();
        folders.sort_unstable();
        folders.dedup();
        let mut bank = Bank::default();
        for folder in folders {
            let dir = Path::new(BANK_DIR).join(folder);
            let text = |path: &Path| {
                let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
                files
                    .iter()
                    .find(|(d, f, _)| *d == folder && *f == file)
                    .map(|(_, _, t)| t.to_string())
                    .ok_or_else(|| BankError::new(path, 0, "missing"))
            };
            bank.add(load_one(&dir, sheets, text));
        }
        bank
    }

    /// The bank compiled into the binary by build.rs (every file of
    /// `lessons/exercises/*/`), sheet links checked against the embedded
    /// sheets.
    pub fn embedded() -> Bank {
        Bank::from_files(EMBEDDED, &sheet_names(None))
    }

    /// Keep a loaded exercise, or its problem; a number used twice is a
    /// problem of the later folder.
    fn add(&mut self, loaded: Result<Exercise, BankError>) {
        match loaded {
            Ok(ex) => {
                if let Some(other) = self.exercises.iter().find(|e| e.number == ex.number) {
                    let message = format!("number {:03} is also used by {}", ex.number, other.name);
                    self.problems.push(BankError::new(&ex.dir, 0, message));
                } else {
                    self.exercises.push(ex);
                }
            }
            Err(e) => self.problems.push(e),
        }
    }

    /// The bank of the content folder `content_dir` resolves to (as the
    /// rest of the app resolves it), checking sheet links against the
    /// sheets that folder and the binary ship.
    pub fn load_resolved(content_dir: Option<&Path>) -> Result<Bank, BankError> {
        let Some(root) = crate::content::resolve_dir(content_dir) else {
            return Err(BankError::new(
                Path::new(BANK_DIR),
                0,
                "no exercise bank: run from a megarepo checkout or pass --content-dir",
            ));
        };
        Bank::load(&root, &sheet_names(Some(&root)))
    }

    pub fn get(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    /// The exercise called `name`, accepting its number alone (`7`, `007`)
    /// too; the error suggests the closest name.
    pub fn find(&self, name: &str) -> Result<&Exercise, String> {
        if let Some(e) = self.get(name) {
            return Ok(e);
        }
        if let Ok(n) = name.parse::<u16>()
            && let Some(e) = self.exercises.iter().find(|e| e.number == n)
        {
            return Ok(e);
        }
        let closest = self
            .exercises
            .iter()
            .map(|e| (strsim::levenshtein(&e.name, name), &e.name))
            .min()
            .filter(|(d, _)| *d <= 3)
            .map(|(_, n)| format!(" (did you mean {n}?)"))
            .unwrap_or_default();
        Err(format!("no exercise named `{name}`{closest}"))
    }
}

/// Cheat sheet names (file stems) available with this content folder.
pub fn sheet_names(content_dir: Option<&Path>) -> BTreeSet<String> {
    crate::content::sheets::load_sheets(content_dir, None)
        .sheets
        .into_iter()
        .filter(|s| s.kind() == crate::content::sheets::Kind::Sheet)
        .map(|s| s.name)
        .collect()
}

/// `NNN-slug`: three digits, a dash, lowercase words joined by dashes.
pub fn parse_name(name: &str) -> Option<u16> {
    let (num, slug) = name.split_once('-')?;
    let ok_num = num.len() == 3 && num.bytes().all(|b| b.is_ascii_digit());
    let ok_slug = !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok_num && ok_slug {
        num.parse().ok()
    } else {
        None
    }
}

fn read(path: &Path) -> Result<String, BankError> {
    std::fs::read_to_string(path).map_err(|e| BankError::new(path, 0, e.to_string()))
}

/// 1-based line of the first line starting with `key:` (0 if absent).
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// The test block: from the line `#[cfg(test)]` to the end, and the
/// 1-based line it starts on.
pub fn tests_block(source: &str) -> Option<(usize, &str)> {
    let mut offset = 0;
    for (i, line) in source.split_inclusive('\n').enumerate() {
        if line.trim_end() == TESTS_MARKER {
            return Some((i + 1, &source[offset..]));
        }
        offset += line.len();
    }
    None
}

/// Parse and check `exercise.yaml`. `path` is only used in messages.
pub fn parse_meta(text: &str, path: &Path) -> Result<Meta, BankError> {
    let meta: Meta = serde_yaml::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(0);
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        BankError::new(path, line, message)
    })?;
    if meta.title.trim().is_empty() {
        return Err(BankError::new(
            path,
            line_of_key(text, "title"),
            "empty title",
        ));
    }
    if meta.hints.len() != 3 || meta.hints.iter().any(|h| h.trim().is_empty()) {
        return Err(BankError::new(
            path,
            line_of_key(text, "hints"),
            format!(
                "want three non-empty hints, vaguest first (found {})",
                meta.hints.len()
            ),
        ));
    }
    Ok(meta)
}

fn load_one(
    folder: &Path,
    sheets: &BTreeSet<String>,
    read: impl Fn(&Path) -> Result<String, BankError>,
) -> Result<Exercise, BankError> {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let number = parse_name(&name).ok_or_else(|| {
        BankError::new(
            folder,
            0,
            "folder name must be NNN-slug (three digits, a dash, lowercase words joined by dashes)",
        )
    })?;
    let yaml_path = folder.join("exercise.yaml");
    let yaml = read(&yaml_path)?;
    let meta = parse_meta(&yaml, &yaml_path)?;
    if !sheets.is_empty() && !sheets.contains(&meta.sheet) {
        return Err(BankError::new(
            &yaml_path,
            line_of_key(&yaml, "sheet"),
            format!("no cheat sheet named `{}`", meta.sheet),
        ));
    }
    let readme_path = folder.join("README.md");
    let readme = read(&readme_path)?;
    if !readme.contains(&meta.sheet) {
        return Err(BankError::new(
            &readme_path,
            0,
            format!(
                "the instructions never name their cheat sheet `{}`",
                meta.sheet
            ),
        ));
    }
    let starter_path = folder.join("starter.rs");
    let starter = read(&starter_path)?;
    let solution_path = folder.join("solution.rs");
    let solution = read(&solution_path)?;
    let Some((starter_line, starter_tests)) = tests_block(&starter) else {
        return Err(BankError::new(
            &starter_path,
            0,
            format!("no `{TESTS_MARKER}` line: the tests block is missing"),
        ));
    };
    let Some((solution_line, solution_tests)) = tests_block(&solution) else {
        return Err(BankError::new(
            &solution_path,
            0,
            format!("no `{TESTS_MARKER}` line: the tests block is missing"),
        ));
    };
    if starter_tests != solution_tests {
        let differ = starter_tests
            .lines()
            .zip(solution_tests.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| {
                starter_tests
                    .lines()
                    .count()
                    .min(solution_tests.lines().count())
            });
        return Err(BankError::new(
            &solution_path,
            solution_line + differ,
            format!(
                "the tests block differs from starter.rs (line {})",
                starter_line + differ
            ),
        ));
    }
    if starter == solution {
        return Err(BankError::new(
            &starter_path,
            0,
            "the starter is the same as the solution: there is no gap to fill",
        ));
    }
    Ok(Exercise {
        name,
        number,
        title: meta.title,
        topic: meta.topic,
        sheet: meta.sheet,
        hints: meta.hints,
        check: meta.check,
        readme,
        starter,
        solution,
        dir: folder.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_exercise(root: &Path, name: &str, yaml: &str, starter: &str, solution: &str) {
        let dir = root.join(BANK_DIR).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("exercise.yaml"), yaml).unwrap();
        std::fs::write(dir.join("README.md"), "# X\n\nSee the `ownership` sheet.\n").unwrap();
        std::fs::write(dir.join("starter.rs"), starter).unwrap();
        std::fs::write(dir.join("solution.rs"), solution).unwrap();
    }

    const YAML: &str =
        "title: Add\ntopic: basics\nsheet: ownership\nhints: [a, b, c]\ncheck: test\n";
    const TESTS: &str =
        "#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { assert_eq!(super::f(), 1); }\n}\n";

    #[test]
    fn names_are_number_dash_slug() {
        assert_eq!(parse_name("001-hello"), Some(1));
        assert_eq!(parse_name("120-move-a-string"), Some(120));
        assert_eq!(parse_name("01-x"), None);
        assert_eq!(parse_name("001-"), None);
        assert_eq!(parse_name("001-Hello"), None);
        assert_eq!(parse_name("001-a--b"), None);
        assert_eq!(parse_name("abc-x"), None);
    }

    #[test]
    fn a_good_folder_loads_and_bad_ones_name_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let starter = format!("fn f() -> u32 {{ todo!() }}\n\n{TESTS}");
        let solution = format!("fn f() -> u32 {{ 1 }}\n\n{TESTS}");
        write_exercise(root, "001-good", YAML, &starter, &solution);
        write_exercise(
            root,
            "002-two-hints",
            "title: X\ntopic: basics\nsheet: ownership\nhints: [a, b]\ncheck: test\n",
            &starter,
            &solution,
        );
        write_exercise(
            root,
            "003-bad-topic",
            "title: X\ntopic: cooking\nsheet: ownership\nhints: [a, b, c]\ncheck: test\n",
            &starter,
            &solution,
        );
        let drifted = solution.replace("assert_eq!(super::f(), 1)", "assert_eq!(super::f(), 2)");
        write_exercise(root, "004-drift", YAML, &starter, &drifted);
        write_exercise(
            root,
            "005-no-sheet",
            &YAML.replace("ownership", "nosuch"),
            &starter,
            &solution,
        );
        write_exercise(root, "Bad_Name", YAML, &starter, &solution);
        write_exercise(root, "001-twin", YAML, &starter, &solution);

        let sheets: BTreeSet<String> = ["ownership".to_string()].into();
        let bank = Bank::load(root, &sheets).unwrap();
        let names: Vec<&str> = bank.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["001-good"]);
        let msgs: Vec<String> = bank.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 6, "{msgs:#?}");
        let find = |needle: &str| {
            msgs.iter()
                .find(|m| m.contains(needle))
                .unwrap_or_else(|| panic!("no {needle} in {msgs:#?}"))
                .clone()
        };
        assert!(find("002-two-hints").contains("exercise.yaml:4: want three"));
        assert!(find("003-bad-topic").contains("exercise.yaml:2:"));
        assert!(find("003-bad-topic").contains("cooking"));
        // The tests block starts on line 3; its fourth line differs.
        assert!(find("004-drift").contains("solution.rs:6: the tests block differs"));
        assert!(find("005-no-sheet").contains("exercise.yaml:3: no cheat sheet named `nosuch`"));
        assert!(find("Bad_Name").contains("NNN-slug"));
        assert!(find("001-twin").contains("also used by 001-good"));

        let good = &bank.exercises[0];
        assert_eq!(good.number, 1);
        assert_eq!(good.topic, Topic::Basics);
        assert_eq!(bank.find("1").unwrap().name, "001-good");
        assert!(
            bank.find("001-goood")
                .unwrap_err()
                .contains("did you mean 001-good")
        );
    }

    #[test]
    fn a_bank_in_memory_loads_like_one_on_disk() {
        let starter = format!("fn f() -> u32 {{ todo!() }}\n\n{TESTS}");
        let solution = format!("fn f() -> u32 {{ 1 }}\n\n{TESTS}");
        let readme = "See the `ownership` sheet.";
        let files = [
            ("002-b", "exercise.yaml", YAML),
            ("002-b", "README.md", readme),
            ("002-b", "starter.rs", starter.as_str()),
            ("002-b", "solution.rs", solution.as_str()),
            ("001-a", "exercise.yaml", YAML),
            ("001-a", "README.md", readme),
            ("001-a", "starter.rs", starter.as_str()),
        ];
        let bank = Bank::from_files(&files, &BTreeSet::new());
        let names: Vec<&str> = bank.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["002-b"]);
        assert_eq!(bank.problems.len(), 1);
        assert_eq!(
            bank.problems[0].to_string(),
            "lessons/exercises/001-a/solution.rs:0: missing"
        );
    }

    #[test]
    fn unknown_fields_and_a_missing_bank_are_errors_not_panics() {
        let e = parse_meta("title: x\ntopik: basics\n", Path::new("e.yaml")).unwrap_err();
        assert!(e.to_string().starts_with("e.yaml:2:"), "{e}");
        let tmp = tempfile::tempdir().unwrap();
        let err = Bank::load(tmp.path(), &BTreeSet::new()).unwrap_err();
        assert!(err.to_string().contains("cannot read the exercise bank"));
    }

    #[test]
    fn topics_round_trip_their_names() {
        for t in Topic::ALL {
            assert_eq!(t.as_str().parse::<Topic>().unwrap(), t);
        }
        assert!("cooking".parse::<Topic>().is_err());
        assert_eq!(Topic::for_sheet("error-handling"), Some(Topic::Errors));
        assert_eq!(Topic::for_sheet("concurrency"), Some(Topic::Threads));
        assert_eq!(Topic::for_sheet("cargo-tooling"), None);
    }
}
