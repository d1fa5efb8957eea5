//! The study domain: timer sessions, local days, streaks, statistics and
//! the journal.
//!
//! Everything here is pure logic over values and an injected [`Clock`]:
//! sessions ([`session`]) are cut into local days ([`days`]), days give
//! streaks ([`streak`]), and all of it is summarised for the UI and the CLI
//! ([`stats`]). The pomodoro rhythm ([`pomodoro`]) reads a session; the
//! journal ([`journal`]) stands beside them. The sums the statistics need
//! are kept per day ([`totals`]) as sessions are written ([`stored`]), so
//! statistics cost what changed, not the whole history; the status line
//! for prompts is kept in a small file ([`status`]), and `megarepo stats` is
//! answered from another while nothing changed ([`stats_cache`]). Drawing lives
//! elsewhere and calls in. The day and streak rules are written out in
//! `README-rules.md`.

pub mod cli;
pub mod clock;
pub mod days;
pub mod journal;
pub mod pomodoro;
pub mod roadmap_link;
pub mod service;
pub mod session;
pub mod stats;
pub mod stats_cache;
pub mod status;
pub mod stored;
pub mod streak;
pub mod timefmt;
pub mod timer;
pub mod totals;

pub use clock::{Clock, FixedClock, SystemClock};
pub use days::{ModeSplit, StudyDays, study_days};
pub use journal::{Field, JournalEntry};
pub use pomodoro::{Pomodoro, Rhythm, pomodoro};
pub use session::{Mode, Phase, Session, SessionKind, TimerError};
pub use stats::{Progress, Stats, StatsInput, StudySettings};
pub use stored::StudyStore;
pub use streak::{DayMark, Streak, StreakRules, streak};
pub use timer::{Timer, TimerCommandError};
