//! Exercises: the daily coding challenge.
//!
//! The bank ([`bank`]) ships in `lessons/exercises/<NNN>-<slug>/` and is
//! read from the content folder. [`workspace`] copies it into the
//! learner's data folder (`DATA/exercises/`, one cargo package, each
//! exercise a test target) without ever overwriting an edit, and keeps
//! what is solved in `state.json` there. [`check`] compiles, lints and
//! tests one exercise off the calling thread and can be cancelled;
//! [`watch`] re-checks a file on save. [`daily`] picks the day's
//! challenge, [`drills`] makes "fix the compiler error" drills from the
//! cheat sheets, [`rustlings`] imports a rustlings checkout's progress.
//! [`course`] joins them for the pane, the Today view and [`cli`].

pub mod bank;
pub mod check;
pub mod cli;
pub mod course;
pub mod daily;
pub mod drills;
pub mod rustlings;
pub mod watch;
pub mod workspace;

pub use bank::{Bank, BankError, CheckKind, Exercise, Topic};
pub use check::{
    Cancel, CheckError, CheckReport, CheckResult, CheckSpec, Checker, Diagnostic, Stage,
    TestFailure,
};
pub use cli::{ExerciseCmd, run};
pub use course::{Course, CourseError, Entry};
pub use daily::daily_pick;
pub use drills::Drill;
pub use watch::{Watch, WatchEvent};
pub use workspace::{InitReport, State, Workspace};
