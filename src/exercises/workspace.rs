//! The learner's copy of the bank: `DATA/exercises/`, a cargo package in
//! which every exercise and drill is one file the learner edits.
//!
//! ```text
//! DATA/exercises/
//!   Cargo.toml            managed: one [[test]] target per exercise
//!   Cargo.lock            copied once from the checkout, then cargo's
//!   exercises/NNN-slug.rs the learner's file (starter.rs at first)
//!   drills/NAME.rs        "fix the compiler error" drills from the sheets
//!   offers/...            a newer shipped version of a file the learner edited
//!   state.json            what was shipped, what is solved (see State)
//! ```
//!
//! The one rule: a file the learner edited is never overwritten. `init`
//! records the hash of every file it writes; a file whose hash still
//! matches is the learner's untouched copy and may be updated, anything
//! else is theirs, and a newer shipped version is written beside it in
//! `offers/` and reported as offered. Only `reset`, which the caller
//! confirms, replaces an edited file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::bank::{Bank, CheckKind, Exercise};
use super::check::{CheckResult, CheckSpec, SpecKind};
use super::drills::Drill;
use super::rustlings::RustlingsProgress;

/// A failure to read or write the workspace, with the path.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}: damaged state file ({message}); it was left in place")]
    BadState { path: PathBuf, message: String },
    #[error("{0}")]
    Unknown(String),
    #[error("{0}")]
    NotReady(String),
}

fn io(path: &Path, e: impl std::fmt::Display) -> WorkspaceError {
    WorkspaceError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Version of `state.json`'s layout.
pub const STATE_VERSION: u32 = 1;

/// `state.json`: the workspace's memory. Written atomically (a temporary
/// file renamed over the old one), so a crash leaves the old or the new
/// state, never half of one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// Hash (FNV-1a 64, hex) of the shipped text last written to each file,
    /// by path relative to the workspace (`exercises/001-hello.rs`).
    #[serde(default)]
    pub shipped: BTreeMap<String, String>,
    /// Exercises and drills solved, with the local date they were first solved.
    #[serde(default)]
    pub solved: BTreeMap<String, Date>,
    /// How many hints of each exercise the learner has seen.
    #[serde(default)]
    pub hints_seen: BTreeMap<String, u8>,
    /// The exercise the learner is on (set by `next` and by checks).
    #[serde(default)]
    pub current: Option<String>,
    /// The last progress imported from a rustlings checkout.
    #[serde(default)]
    pub rustlings: Option<RustlingsProgress>,
    /// Days the daily challenge was solved, with the exercise solved: these
    /// days count for the study streak and the heatmap.
    #[serde(default)]
    pub daily: BTreeMap<Date, String>,
}

/// What `init` did, file by file (names, not paths).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InitReport {
    /// New files written.
    pub created: Vec<String>,
    /// Untouched copies brought up to the shipped version.
    pub updated: Vec<String>,
    /// Edited by the learner while a newer version shipped: the new one
    /// waits in `offers/`, and `reset` takes it.
    pub offered: Vec<String>,
    /// Edited by the learner, nothing new shipped.
    pub edited: Vec<String>,
}

/// FNV-1a, 64 bits, as 16 hex digits. Change detection, not security.
pub fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Write `text` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), WorkspaceError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(text.as_bytes()).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// One file the workspace holds: an exercise or a drill.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Exercise(&'a Exercise),
    Drill(&'a Drill),
}

impl Item<'_> {
    pub fn name(&self) -> &str {
        match self {
            Item::Exercise(e) => &e.name,
            Item::Drill(d) => &d.name,
        }
    }
    /// Path relative to the workspace.
    pub fn rel_path(&self) -> String {
        match self {
            Item::Exercise(e) => format!("exercises/{}.rs", e.name),
            Item::Drill(d) => format!("drills/{}.rs", d.name),
        }
    }
    /// The text shipped for the learner to start from.
    pub fn shipped(&self) -> &str {
        match self {
            Item::Exercise(e) => &e.starter,
            Item::Drill(d) => &d.source,
        }
    }
}

/// The workspace folder and its state.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub state: State,
}

impl Workspace {
    /// Where the workspace of the data folder `data_dir` lives.
    pub fn dir(data_dir: &Path) -> PathBuf {
        data_dir.join("exercises")
    }

    fn state_path(root: &Path) -> PathBuf {
        root.join("state.json")
    }

    /// Open the workspace at `root` (it may not exist yet: then the state is
    /// empty). A damaged state file is an error and is left in place.
    pub fn open(root: &Path) -> Result<Workspace, WorkspaceError> {
        let path = Workspace::state_path(root);
        let state = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let state: State =
                    serde_json::from_str(&text).map_err(|e| WorkspaceError::BadState {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                if state.version > STATE_VERSION {
                    return Err(WorkspaceError::BadState {
                        path,
                        message: format!(
                            "version {} is newer than this megarepo ({STATE_VERSION})",
                            state.version
                        ),
                    });
                }
                state
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State {
                version: STATE_VERSION,
                ..State::default()
            },
            Err(e) => return Err(io(&path, e)),
        };
        Ok(Workspace {
            root: root.to_path_buf(),
            state,
        })
    }

    /// Whether `init` has run here.
    pub fn is_initialised(&self) -> bool {
        self.root.join("Cargo.toml").is_file()
    }

    pub fn save(&self) -> Result<(), WorkspaceError> {
        let text = serde_json::to_string_pretty(&self.state)
            .map_err(|e| io(&Workspace::state_path(&self.root), e))?;
        write_atomic(&Workspace::state_path(&self.root), &text)
    }

    /// The file of an item.
    pub fn path_of(&self, item: Item<'_>) -> PathBuf {
        self.root.join(item.rel_path())
    }

    /// Copy the bank and drills in, never overwriting the learner's edits,
    /// and (re)write the managed Cargo.toml. Saves the state.
    pub fn init(&mut self, bank: &Bank, drills: &[Drill]) -> Result<InitReport, WorkspaceError> {
        std::fs::create_dir_all(&self.root).map_err(|e| io(&self.root, e))?;
        let mut report = InitReport::default();
        let items = bank
            .exercises
            .iter()
            .map(Item::Exercise)
            .chain(drills.iter().map(Item::Drill));
        for item in items {
            self.place(item, &mut report)?;
        }
        let manifest = manifest(&bank.exercises);
        let manifest_path = self.root.join("Cargo.toml");
        if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
            write_atomic(&manifest_path, &manifest)?;
        }
        // Pin the same dependency versions the app was built and tested with.
        let lock = self.root.join("Cargo.lock");
        let shipped_lock = bank.root.join("Cargo.lock");
        if !lock.exists() && shipped_lock.is_file() {
            std::fs::copy(&shipped_lock, &lock).map_err(|e| io(&lock, e))?;
        }
        self.save()?;
        Ok(report)
    }

    fn place(&mut self, item: Item<'_>, report: &mut InitReport) -> Result<(), WorkspaceError> {
        let rel = item.rel_path();
        let path = self.root.join(&rel);
        let text = item.shipped();
        let new_hash = hash(text);
        let name = item.name().to_string();
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_atomic(&path, text)?;
                self.state.shipped.insert(rel, new_hash);
                report.created.push(name);
            }
            Err(e) => return Err(io(&path, e)),
            Ok(current) => {
                let current_hash = hash(&current);
                let recorded = self.state.shipped.get(&rel).cloned();
                if current_hash == new_hash {
                    // Already the shipped text: nothing is pending.
                    let offer = self.root.join("offers").join(&rel);
                    if offer.exists() {
                        std::fs::remove_file(&offer).map_err(|e| io(&offer, e))?;
                    }
                    self.state.shipped.insert(rel, new_hash);
                } else if recorded.as_deref() == Some(current_hash.as_str()) {
                    // The learner never touched it: take the new version.
                    write_atomic(&path, text)?;
                    self.state.shipped.insert(rel, new_hash);
                    report.updated.push(name);
                } else if recorded.as_deref() == Some(new_hash.as_str()) {
                    report.edited.push(name);
                } else {
                    write_atomic(&self.root.join("offers").join(&rel), text)?;
                    report.offered.push(name);
                }
            }
        }
        Ok(())
    }

    /// Whether the learner's file differs from what was shipped to it.
    pub fn is_edited(&self, item: Item<'_>) -> bool {
        let rel = item.rel_path();
        match std::fs::read_to_string(self.root.join(&rel)) {
            Ok(text) => self.state.shipped.get(&rel) != Some(&hash(&text)),
            Err(_) => false,
        }
    }

    /// Whether a newer shipped version waits in `offers/`.
    pub fn has_offer(&self, item: Item<'_>) -> bool {
        self.root.join("offers").join(item.rel_path()).is_file()
    }

    /// Put the shipped starter back (the caller has confirmed), dropping
    /// any waiting offer.
    pub fn reset(&mut self, item: Item<'_>) -> Result<PathBuf, WorkspaceError> {
        let rel = item.rel_path();
        let path = self.root.join(&rel);
        write_atomic(&path, item.shipped())?;
        self.state.shipped.insert(rel.clone(), hash(item.shipped()));
        let offer = self.root.join("offers").join(&rel);
        if offer.exists() {
            std::fs::remove_file(&offer).map_err(|e| io(&offer, e))?;
        }
        self.save()?;
        Ok(path)
    }

    pub fn is_solved(&self, name: &str) -> bool {
        self.state.solved.contains_key(name)
    }

    /// The first unsolved exercise in bank order.
    pub fn next<'a>(&self, bank: &'a Bank) -> Option<&'a Exercise> {
        bank.exercises.iter().find(|e| !self.is_solved(&e.name))
    }

    /// Hint `level` (1 to 3) of `exercise`, remembering the highest seen.
    pub fn hint<'a>(
        &mut self,
        exercise: &'a Exercise,
        level: u8,
    ) -> Result<&'a str, WorkspaceError> {
        let Some(text) = usize::from(level)
            .checked_sub(1)
            .and_then(|i| exercise.hints.get(i))
        else {
            return Err(WorkspaceError::Unknown(format!(
                "hint level {level} does not exist: {} has hints 1 to {}",
                exercise.name,
                exercise.hints.len()
            )));
        };
        let seen = self
            .state
            .hints_seen
            .entry(exercise.name.clone())
            .or_default();
        *seen = (*seen).max(level);
        self.save()?;
        Ok(text)
    }

    /// The next hint level to show (one past the highest seen, at most 3).
    pub fn next_hint_level(&self, exercise: &Exercise) -> u8 {
        let seen = self
            .state
            .hints_seen
            .get(&exercise.name)
            .copied()
            .unwrap_or(0);
        let last = u8::try_from(exercise.hints.len()).unwrap_or(u8::MAX);
        (seen + 1).min(last.max(1))
    }

    /// The reference solution, shown only once the exercise is solved.
    pub fn solution<'a>(&self, exercise: &'a Exercise) -> Option<&'a str> {
        self.is_solved(&exercise.name)
            .then_some(exercise.solution.as_str())
    }

    /// Record a check's result: a pass marks the item solved on `today`
    /// (the first pass wins). Returns whether it was newly solved; the
    /// caller counts that day for the streak and the daily-challenge item.
    pub fn record(&mut self, result: &CheckResult, today: Date) -> Result<bool, WorkspaceError> {
        self.state.current = Some(result.name.clone());
        let newly = result.passed && !self.state.solved.contains_key(&result.name);
        if newly {
            self.state.solved.insert(result.name.clone(), today);
        }
        self.save()?;
        Ok(newly)
    }

    /// What checking `name` takes, or why it cannot be checked.
    pub fn spec(
        &self,
        bank: &Bank,
        drills: &[Drill],
        name: &str,
    ) -> Result<CheckSpec, WorkspaceError> {
        if !self.is_initialised() {
            return Err(WorkspaceError::NotReady(format!(
                "no exercise workspace at {}: run `megarepo exercise init` first",
                self.root.display()
            )));
        }
        let (item, kind) = if let Some(d) = drills.iter().find(|d| d.name == name) {
            (
                Item::Drill(d),
                SpecKind::Rustc {
                    codes: d.codes.clone(),
                },
            )
        } else {
            let e = bank.find(name).map_err(WorkspaceError::Unknown)?;
            (
                Item::Exercise(e),
                SpecKind::Cargo {
                    clippy: e.check == CheckKind::Clippy,
                },
            )
        };
        let path = self.path_of(item);
        if !path.is_file() {
            return Err(WorkspaceError::NotReady(format!(
                "{} is missing: run `megarepo exercise init` to copy it in",
                path.display()
            )));
        }
        Ok(CheckSpec {
            name: item.name().to_string(),
            root: self.root.clone(),
            file: path,
            kind,
        })
    }
}

/// Whether any of the sources needs tokio (only then is it a dependency, so
/// a bank without async exercises builds in a second).
pub fn needs_tokio<'a>(sources: impl IntoIterator<Item = &'a str>) -> bool {
    sources.into_iter().any(|s| s.contains("tokio"))
}

/// Cargo.toml of a package whose test targets are `targets`: (target name,
/// path relative to the package).
pub fn package_manifest(package: &str, targets: &[(String, String)], tokio: bool) -> String {
    let mut out = format!(
        "# Managed by megarepo: rewritten by `megarepo exercise init`.\n\
         [package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\nautotests = false\nautobins = false\nautoexamples = false\nautobenches = false\n\n\
         # Its own workspace, whatever folder it sits in.\n[workspace]\n\n\
         [profile.dev]\ndebug = false\n\n[dependencies]\n"
    );
    if tokio {
        out.push_str("tokio = { version = \"1\", features = [\"full\"] }\n");
    }
    for (name, path) in targets {
        let _ = write!(
            out,
            "\n[[test]]\nname = \"{name}\"\npath = \"{path}\"\nharness = true\n"
        );
    }
    out
}

/// The learner workspace's Cargo.toml.
pub fn manifest(exercises: &[Exercise]) -> String {
    let targets: Vec<(String, String)> = exercises
        .iter()
        .map(|e| (e.name.clone(), format!("exercises/{}.rs", e.name)))
        .collect();
    let tokio = needs_tokio(exercises.iter().map(|e| e.starter.as_str()))
        || needs_tokio(exercises.iter().map(|e| e.solution.as_str()));
    package_manifest("megarepo-exercises", &targets, tokio)
}

#[cfg(test)]
mod tests {
    use super::super::bank::Topic;
    use super::*;

    fn exercise(name: &str, starter: &str) -> Exercise {
        Exercise {
            name: name.into(),
            number: name[..3].parse().unwrap(),
            title: "T".into(),
            topic: Topic::Basics,
            sheet: "ownership".into(),
            hints: vec!["one".into(), "two".into(), "three".into()],
            check: CheckKind::Test,
            readme: String::new(),
            starter: starter.into(),
            solution: "solved".into(),
            dir: PathBuf::new(),
        }
    }

    fn bank(exercises: Vec<Exercise>) -> Bank {
        Bank {
            exercises,
            ..Bank::default()
        }
    }

    #[test]
    fn init_never_overwrites_an_edit_and_offers_the_new_version() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("exercises");
        let mut ws = Workspace::open(&root).unwrap();
        let v1 = bank(vec![exercise("001-a", "v1 a"), exercise("002-b", "v1 b")]);
        let r = ws.init(&v1, &[]).unwrap();
        assert_eq!(r.created, ["001-a", "002-b"]);
        let a = root.join("exercises/001-a.rs");
        let b = root.join("exercises/002-b.rs");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "v1 a");
        let toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(toml.contains("name = \"001-a\"\npath = \"exercises/001-a.rs\""));
        assert!(!toml.contains("tokio"));

        // The learner edits a; b stays untouched. Then v2 ships.
        std::fs::write(&a, "my work").unwrap();
        let mut ws = Workspace::open(&root).unwrap();
        assert!(ws.is_edited(Item::Exercise(&v1.exercises[0])));
        assert!(!ws.is_edited(Item::Exercise(&v1.exercises[1])));
        let v2 = bank(vec![exercise("001-a", "v2 a"), exercise("002-b", "v2 b")]);
        let r = ws.init(&v2, &[]).unwrap();
        assert_eq!(r.offered, ["001-a"]);
        assert_eq!(r.updated, ["002-b"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "my work");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "v2 b");
        assert_eq!(
            std::fs::read_to_string(root.join("offers/exercises/001-a.rs")).unwrap(),
            "v2 a"
        );
        assert!(ws.has_offer(Item::Exercise(&v2.exercises[0])));

        // Running init again changes nothing and still offers.
        let r = ws.init(&v2, &[]).unwrap();
        assert_eq!(r.offered, ["001-a"]);
        assert!(r.created.is_empty() && r.updated.is_empty());

        // Taking the new text by hand settles the offer too.
        std::fs::write(&a, "v2 a").unwrap();
        let r = ws.init(&v2, &[]).unwrap();
        assert!(r.offered.is_empty() && r.edited.is_empty(), "{r:?}");
        assert!(!ws.has_offer(Item::Exercise(&v2.exercises[0])));
        std::fs::write(&a, "my work").unwrap();
        ws.init(&v1, &[]).unwrap();
        assert!(ws.has_offer(Item::Exercise(&v1.exercises[0])));

        // Reset takes the shipped version and drops the offer.
        ws.reset(Item::Exercise(&v2.exercises[0])).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "v2 a");
        assert!(!ws.has_offer(Item::Exercise(&v2.exercises[0])));
        let ws = Workspace::open(&root).unwrap();
        assert!(!ws.is_edited(Item::Exercise(&v2.exercises[0])));
    }

    #[test]
    fn a_file_with_no_record_is_treated_as_the_learners() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        std::fs::create_dir_all(root.join("exercises")).unwrap();
        std::fs::write(root.join("exercises/001-a.rs"), "mine").unwrap();
        let mut ws = Workspace::open(&root).unwrap();
        let r = ws
            .init(&bank(vec![exercise("001-a", "shipped")]), &[])
            .unwrap();
        assert_eq!(r.offered, ["001-a"]);
        assert_eq!(
            std::fs::read_to_string(root.join("exercises/001-a.rs")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn state_round_trips_and_a_damaged_file_is_reported_and_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let b = bank(vec![exercise("001-a", "x"), exercise("002-b", "y")]);
        let mut ws = Workspace::open(&root).unwrap();
        ws.init(&b, &[]).unwrap();
        assert_eq!(ws.next(&b).unwrap().name, "001-a");
        assert_eq!(ws.solution(&b.exercises[0]), None);
        let day = jiff::civil::date(2026, 12, 1);
        let pass = CheckResult::passed_for_test("001-a");
        assert!(ws.record(&pass, day).unwrap());
        assert!(!ws.record(&pass, jiff::civil::date(2026, 12, 2)).unwrap());
        assert_eq!(ws.hint(&b.exercises[1], 2).unwrap(), "two");
        assert!(ws.hint(&b.exercises[1], 4).is_err());
        assert!(ws.hint(&b.exercises[1], 0).is_err());

        let ws = Workspace::open(&root).unwrap();
        assert_eq!(ws.state.solved.get("001-a"), Some(&day));
        assert_eq!(ws.next(&b).unwrap().name, "002-b");
        assert_eq!(ws.solution(&b.exercises[0]), Some("solved"));
        assert_eq!(ws.next_hint_level(&b.exercises[1]), 3);
        assert_eq!(ws.next_hint_level(&b.exercises[0]), 1);

        std::fs::write(root.join("state.json"), "{ not json").unwrap();
        let err = Workspace::open(&root).unwrap_err().to_string();
        assert!(err.contains("state.json: damaged state file"), "{err}");
        assert_eq!(
            std::fs::read_to_string(root.join("state.json")).unwrap(),
            "{ not json"
        );
    }

    #[test]
    fn the_manifest_adds_tokio_only_when_an_exercise_uses_it() {
        let plain = manifest(&[exercise("001-a", "fn f() {}")]);
        assert!(!plain.contains("tokio"));
        let with = manifest(&[exercise("001-a", "#[tokio::test] async fn t() {}")]);
        assert!(with.contains("tokio = { version = \"1\", features = [\"full\"] }"));
        assert_eq!(hash("abc"), hash("abc"));
        assert_ne!(hash("abc"), hash("abd"));
    }
}
