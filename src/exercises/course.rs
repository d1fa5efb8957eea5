//! One learner's exercises: the bank, the drills and their workspace,
//! joined by name. This is the face the pane, the Today view and the CLI
//! use; each call reads or writes the workspace state at once, so two
//! faces never disagree for long.
//!
//! How a pane drives it (checks and watch events arrive on other threads;
//! send them to the UI as actions and drop reports whose job id is stale):
//!
//! ```no_run
//! use megarepo::exercises::{Checker, Course, Topic, Watch, WatchEvent};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let (data_dir, today) = (std::path::Path::new("/tmp/d"), jiff::civil::date(2026, 12, 1));
//! let mut course = Course::open(data_dir, None)?;
//! let report = course.init()?; // report.offered: newer versions kept aside
//! let daily = course.daily(today, Topic::for_sheet("traits")).map(|e| e.name.clone());
//! let checker = Checker::new();
//! if let Some(name) = &daily {
//!     let spec = course.spec(name)?;
//!     checker.start(spec, |report| {
//!         // on the check's thread: send `report` to the UI
//!         let _ = report.outcome.map(|r| r.passed);
//!     });
//! }
//! // Watch mode: a save re-checks that file, cancelling the running check.
//! let looker = course.clone();
//! let _watch = Watch::start(
//!     &course.workspace.root,
//!     move |name| looker.spec(name).map_err(|e| e.to_string()),
//!     |event: WatchEvent| { /* send to the UI */ },
//! )?;
//! // When a result arrives on the UI side:
//! # let result = megarepo::exercises::check::check(&course.spec("001-x")?, &Default::default())?;
//! if course.record(&result, today)? {
//!     // newly solved: mark the day for the streak and the daily-challenge item
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use super::bank::{Bank, BankError, CheckKind, Exercise, Topic};
use super::check::{CheckResult, CheckSpec};
use super::daily::daily_pick;
use super::drills::{self, Drill};
use super::rustlings::{self, RustlingsProgress};
use super::workspace::{InitReport, Item, Workspace, WorkspaceError};

/// Why the exercises could not be opened or a request failed.
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    #[error(transparent)]
    Bank(#[from] BankError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Import(#[from] rustlings::ImportError),
    #[error("{0}")]
    Refused(String),
}

/// One line of the list: an exercise or a drill and where the learner is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub name: String,
    /// `exercise` or `drill`.
    pub kind: &'static str,
    pub title: String,
    /// The topic (exercises) or `drill`.
    pub topic: String,
    pub sheet: String,
    pub clippy: bool,
    pub solved_on: Option<Date>,
    /// The learner's file differs from what was shipped.
    pub edited: bool,
    /// A newer shipped version waits in `offers/`.
    pub offered: bool,
    /// The learner's file.
    pub path: PathBuf,
}

/// The bank, the drills and the workspace of one data folder.
#[derive(Debug, Clone)]
pub struct Course {
    pub bank: Bank,
    pub drills: Vec<Drill>,
    pub workspace: Workspace,
}

impl Course {
    /// Load the bank from the content folder (resolved as the rest of the
    /// app resolves it) and open the workspace in `data_dir/exercises`.
    pub fn open(data_dir: &Path, content_dir: Option<&Path>) -> Result<Course, CourseError> {
        let bank = Bank::load_resolved(content_dir)?;
        Course::with_bank(bank, data_dir)
    }

    /// The bank of the content folder when there is one, else the copy
    /// embedded in the binary (an installed `megarepo` still has exercises).
    pub fn open_any(data_dir: &Path, content_dir: Option<&Path>) -> Result<Course, CourseError> {
        let on_disk = crate::content::resolve_dir(content_dir)
            .is_some_and(|d| d.join(super::bank::BANK_DIR).is_dir());
        if on_disk {
            Course::open(data_dir, content_dir)
        } else {
            Course::with_bank(Bank::embedded(), data_dir)
        }
    }

    /// The same with a bank loaded elsewhere (say, one embedded in the
    /// binary with [`Bank::from_files`]; its drills then come from the
    /// embedded sheets).
    pub fn with_bank(bank: Bank, data_dir: &Path) -> Result<Course, CourseError> {
        let content = (!bank.root.as_os_str().is_empty()).then_some(bank.root.as_path());
        let drills = drills::drills(content);
        let workspace = Workspace::open(&Workspace::dir(data_dir))?;
        Ok(Course {
            bank,
            drills,
            workspace,
        })
    }

    /// Copy everything into the workspace (never over an edit).
    pub fn init(&mut self) -> Result<InitReport, CourseError> {
        Ok(self.workspace.init(&self.bank, &self.drills)?)
    }

    fn item(&self, name: &str) -> Result<Item<'_>, CourseError> {
        if let Some(d) = self.drills.iter().find(|d| d.name == name) {
            return Ok(Item::Drill(d));
        }
        self.bank
            .find(name)
            .map(Item::Exercise)
            .map_err(CourseError::Refused)
    }

    /// The exercise called `name` (or its number).
    pub fn exercise(&self, name: &str) -> Result<&Exercise, CourseError> {
        self.bank.find(name).map_err(CourseError::Refused)
    }

    /// The list, exercises in order, then drills.
    pub fn entries(&self) -> Vec<Entry> {
        let ws = &self.workspace;
        let mut out: Vec<Entry> = self
            .bank
            .exercises
            .iter()
            .map(|e| Entry {
                name: e.name.clone(),
                kind: "exercise",
                title: e.title.clone(),
                topic: e.topic.to_string(),
                sheet: e.sheet.clone(),
                clippy: e.check == CheckKind::Clippy,
                solved_on: ws.state.solved.get(&e.name).copied(),
                edited: ws.is_edited(Item::Exercise(e)),
                offered: ws.has_offer(Item::Exercise(e)),
                path: ws.path_of(Item::Exercise(e)),
            })
            .collect();
        out.extend(self.drills.iter().map(|d| Entry {
            name: d.name.clone(),
            kind: "drill",
            title: format!(
                "Fix {} ({} sheet, line {})",
                d.codes.join(", "),
                d.sheet,
                d.line
            ),
            topic: "drill".to_string(),
            sheet: d.sheet.clone(),
            clippy: false,
            solved_on: ws.state.solved.get(&d.name).copied(),
            edited: ws.is_edited(Item::Drill(d)),
            offered: ws.has_offer(Item::Drill(d)),
            path: ws.path_of(Item::Drill(d)),
        }));
        out
    }

    /// What checking `name` takes (run it with [`super::check::Checker`]).
    pub fn spec(&self, name: &str) -> Result<CheckSpec, CourseError> {
        let name = self.item(name)?.name().to_string();
        Ok(self.workspace.spec(&self.bank, &self.drills, &name)?)
    }

    /// The first unsolved exercise in order.
    pub fn next(&self) -> Option<&Exercise> {
        self.workspace.next(&self.bank)
    }

    /// Today's challenge (see [`super::daily`]); `topic` is the roadmap's
    /// current topic, if the caller knows it.
    pub fn daily(&self, date: Date, topic: Option<Topic>) -> Option<&Exercise> {
        daily_pick(
            &self.bank.exercises,
            &self.workspace.state.solved,
            date,
            topic,
        )
    }

    /// Mark `today` as a day the daily challenge was solved, when `name`
    /// is today's pick (for `topic`) and was solved today. Returns true
    /// when the day is newly marked: count it on the roadmap's
    /// daily-challenge item then.
    pub fn mark_daily(
        &mut self,
        name: &str,
        today: Date,
        topic: Option<Topic>,
    ) -> Result<bool, CourseError> {
        let is_pick = self.daily(today, topic).is_some_and(|e| e.name == name);
        let solved_today = self.workspace.state.solved.get(name) == Some(&today);
        if !is_pick || !solved_today || self.workspace.state.daily.contains_key(&today) {
            return Ok(false);
        }
        self.workspace.state.daily.insert(today, name.to_string());
        self.workspace.save()?;
        Ok(true)
    }

    /// Re-read the workspace state (another face, the CLI or another pane,
    /// may have written it).
    pub fn reload_state(&mut self) -> Result<(), CourseError> {
        self.workspace = Workspace::open(&self.workspace.root)?;
        Ok(())
    }

    /// Hint `level` (1-3), or the next unseen one when `None`; returns the
    /// level shown and its text.
    pub fn hint(&mut self, name: &str, level: Option<u8>) -> Result<(u8, String), CourseError> {
        let e = self.bank.find(name).map_err(CourseError::Refused)?;
        let level = level.unwrap_or_else(|| self.workspace.next_hint_level(e));
        let text = self.workspace.hint(e, level)?.to_string();
        Ok((level, text))
    }

    /// The reference solution, once solved.
    pub fn solution(&self, name: &str) -> Result<Option<&str>, CourseError> {
        let e = self.bank.find(name).map_err(CourseError::Refused)?;
        Ok(self.workspace.solution(e))
    }

    /// Put the starter back (the caller confirmed). Returns the file.
    pub fn reset(&mut self, name: &str) -> Result<PathBuf, CourseError> {
        if !self.workspace.is_initialised() {
            return Err(CourseError::Refused(
                "no exercise workspace yet: run `megarepo exercise init` first".into(),
            ));
        }
        // Borrow the bank and drills, not all of self, beside the workspace.
        let item = match self.drills.iter().find(|d| d.name == name) {
            Some(d) => Item::Drill(d),
            None => Item::Exercise(self.bank.find(name).map_err(CourseError::Refused)?),
        };
        let path = self.workspace.reset(item)?;
        Ok(path)
    }

    /// Record a check result; `true` when it newly solved the exercise
    /// (count the day for the streak and the daily-challenge item then).
    pub fn record(&mut self, result: &CheckResult, today: Date) -> Result<bool, CourseError> {
        Ok(self.workspace.record(result, today)?)
    }

    /// Import a rustlings checkout's progress (its folder or state file).
    pub fn import_rustlings(
        &mut self,
        path: &Path,
        today: Date,
    ) -> Result<RustlingsProgress, CourseError> {
        let p = rustlings::read(path, today)?;
        self.workspace.state.rustlings = Some(p.clone());
        self.workspace.save()?;
        Ok(p)
    }
}

/// The days a daily challenge was solved in the workspace of `data_dir`
/// (empty when there is none yet), for the streak and the heatmap.
pub fn daily_days(data_dir: &Path) -> Result<BTreeSet<Date>, CourseError> {
    let ws = Workspace::open(&Workspace::dir(data_dir))?;
    Ok(ws.state.daily.keys().copied().collect())
}
