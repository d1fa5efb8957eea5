//! The study use cases shared by the command line and the TUI: computing
//! the statistics as of now, the one-line status, and the status file that
//! keeps that line for shell prompts. The CLI (`study::cli`) and the study
//! pane both call in here; neither calls the other.
//!
//! Statistics are computed from the stored per-day totals (see
//! `study::stored`), never from every session: the totals are brought up to
//! now by the sessions still open (a detached one counts to now; the app
//! hands in its running session as it is in memory), then summarised.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::clock::Clock;
use super::days::{StudyDays, fmt_elapsed};
use super::roadmap_link;
use super::session::{Mode, Phase, Session};
use super::stats::{DaysInput, Stats, StudySettings};
use super::status::{self, StatusFile};
use super::stored::{Rebuilt, StudyStore};
use super::streak::{Streak, streak};
use super::timefmt::zone_name;
use super::totals::{Delta, Totals};
use crate::content::Roadmap;
use crate::store::Store;

/// What the study commands need.
pub struct StudyCtx<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub roadmap: &'a Roadmap,
}

/// One computation of the statistics as of now.
#[derive(Debug, Clone)]
pub struct Computed {
    pub stats: Stats,
    /// The status line's parts, ready to be written for prompts.
    pub status: StatusFile,
    /// The totals had to be rebuilt first, and why (report damage).
    pub rebuilt: Option<Rebuilt>,
}

/// The per-day view as of now, and the open session the line shows.
struct Now {
    days: StudyDays,
    open: Option<Session>,
    settings: StudySettings,
}

impl Now {
    /// The status file's parts as of `now` (its line left empty): one
    /// place for the app's statistics and `megarepo status` alike.
    fn status_file(
        self,
        now: Timestamp,
        zone: &TimeZone,
        today: jiff::civil::Date,
        streak: &Streak,
        solved: &BTreeSet<jiff::civil::Date>,
    ) -> StatusFile {
        StatusFile {
            format: status::FORMAT,
            written: now,
            date: today,
            zone: zone_name(zone, now),
            goal_minutes: self.settings.daily_goal_minutes,
            threshold_minutes: self.settings.streak.threshold_minutes,
            today: self.days.on(today),
            run_before_today: streak.current - u32::from(streak.today_counts),
            solved_today: solved.contains(&today),
            line: String::new(),
            open: self.open,
        }
    }
}

/// Brings stored totals up to `now`: each open session is counted as
/// `live` has it (the app's running session, fresher than its record), as
/// of `now` when it is detached, else as stored (a session left running by
/// a crash counts to its last checkpoint).
fn as_of_now(
    study: &StudyStore,
    mut totals: Totals,
    now: Timestamp,
    zone: &TimeZone,
    live: Option<&Session>,
) -> Result<Now> {
    let mut delta = Delta::default();
    let mut shown = None;
    for stored in study.open_sessions()? {
        let current = match live {
            Some(l) if l.id == stored.id => l.clone(),
            _ if stored.is_detached() => {
                let mut c = stored.clone();
                c.checkpoint(now);
                c
            }
            _ => stored.clone(),
        };
        delta.session(&stored, zone, -1);
        delta.session(&current, zone, 1);
        // Oldest first: the last one is the newest, the one the line shows.
        shown = Some(current);
    }
    delta.prune();
    totals.apply(&delta);
    Ok(Now {
        days: totals.study_days(),
        open: shown,
        settings: study.settings()?,
    })
}

impl StudyCtx<'_> {
    pub(crate) fn study(&self) -> StudyStore {
        StudyStore::with_fallback(self.store.clone(), self.clock.zone())
    }

    pub(crate) fn check_item(&self, item: &Option<String>) -> Result<()> {
        if let Some(id) = item {
            self.roadmap.require(id)?;
        }
        Ok(())
    }

    /// The full statistics as of now (totals rebuilt first if needed).
    pub fn stats(&self) -> Result<Stats> {
        Ok(self.compute(None)?.stats)
    }

    /// Statistics and status as of now; missing, stale or damaged totals
    /// are rebuilt from the sessions first (a scan of the whole history:
    /// the app runs this as a background job).
    pub fn compute(&self, live: Option<&Session>) -> Result<Computed> {
        let study = self.study();
        let (totals, rebuilt) = study.totals()?;
        self.compute_from(&study, totals, rebuilt, live)
    }

    /// Like [`StudyCtx::compute`], but never scans the history: `None` when
    /// the totals must be rebuilt first.
    pub fn compute_if_ready(&self, live: Option<&Session>) -> Result<Option<Computed>> {
        let study = self.study();
        match study.totals_if_ready()? {
            Some(t) => Ok(Some(self.compute_from(&study, t, None, live)?)),
            None => Ok(None),
        }
    }

    fn compute_from(
        &self,
        study: &StudyStore,
        totals: Totals,
        rebuilt: Option<Rebuilt>,
        live: Option<&Session>,
    ) -> Result<Computed> {
        let now = self.clock.now();
        let zone = self.clock.zone();
        let today = self.clock.today();
        let Now {
            days,
            open,
            settings,
        } = as_of_now(study, totals, now, &zone, live)?;
        let start_date = study.start_date()?;
        let records = self.store.all_progress()?;
        let progress = roadmap_link::progress(self.roadmap, &records, &zone);
        let sections = roadmap_link::section_map(self.roadmap);
        let section_of = |item: &str| sections.get(item).cloned();
        let solved = solved_days(self.store);
        let stats = Stats::from_days(
            &days,
            &DaysInput {
                today,
                settings,
                start_date,
                section_of: &section_of,
                solved: &solved,
                progress: &progress,
            },
        );
        let line = status_text(&stats, open.as_ref());
        let at = Now {
            days,
            open,
            settings,
        };
        let status = StatusFile {
            line,
            ..at.status_file(now, &zone, today, &stats.streak, &solved)
        };
        Ok(Computed {
            stats,
            status,
            rebuilt,
        })
    }

    /// The per-day view as of now (from the totals, rebuilt if needed).
    pub(crate) fn days_now(&self) -> Result<(StudyDays, Option<Rebuilt>)> {
        let study = self.study();
        let (totals, rebuilt) = study.totals()?;
        let now = as_of_now(&study, totals, self.clock.now(), &self.clock.zone(), None)?;
        Ok((now.days, rebuilt))
    }
}

/// Days the daily challenge was solved: they count for the streak and the
/// heatmap (the exercise workspace's state; none before `exercise init`).
/// One place, so `status` and the statistics agree on the streak.
fn solved_days(store: &Store) -> BTreeSet<jiff::civil::Date> {
    crate::exercises::course::daily_days(store.data_dir()).unwrap_or_else(|e| {
        tracing::warn!("daily challenges not counted: {e}");
        BTreeSet::new()
    })
}

/// The status line's parts as of now, without the roadmap (the line needs
/// none): what `megarepo status` computes when the file is out of date.
pub fn status_now(store: &Store, clock: &dyn Clock) -> Result<(StatusFile, Option<Rebuilt>)> {
    let study = StudyStore::with_fallback(store.clone(), clock.zone());
    let (totals, rebuilt) = study.totals()?;
    let now = clock.now();
    let zone = clock.zone();
    let today = clock.today();
    let Now {
        days,
        open,
        settings,
    } = as_of_now(&study, totals, now, &zone, None)?;
    let solved = solved_days(store);
    let st = streak(&days.by_date, &solved, &days.travel, today, settings.streak);
    let at = Now {
        days,
        open,
        settings,
    };
    let status = at.status_file(now, &zone, today, &st, &solved);
    let line = status.line_at(now);
    Ok((StatusFile { line, ..status }, rebuilt))
}

/// For the command line: says why totals were rebuilt, damage on stderr
/// (the learner should know), the rest in the log. The app shows damage in
/// its status bar instead.
pub fn report_to_stderr(rebuilt: Option<&Rebuilt>) {
    match rebuilt {
        Some(r @ Rebuilt::Damaged(_)) => {
            tracing::warn!("{r}");
            eprintln!("warning: {r}");
        }
        Some(r) => tracing::info!("{r}"),
        None => {}
    }
}

/// Writes the status file; a failure is logged, never fatal (the next
/// `status` recomputes from the store).
pub fn publish(data_dir: &Path, f: &StatusFile) {
    if let Err(e) = status::write(data_dir, f) {
        tracing::warn!("could not write the status file: {e}");
    }
}

pub(crate) fn session_line(s: &Session) -> String {
    let paused = s
        .timed()
        .is_some_and(|t| matches!(t.phase, Phase::Paused { .. }));
    format!(
        "{} {} {}{}",
        if paused { "paused" } else { "running" },
        s.current_mode().unwrap_or(Mode::Reading),
        fmt_elapsed(s.studied_time()),
        s.item
            .as_deref()
            .map(|i| format!(" on {i}"))
            .unwrap_or_default()
    )
}

/// The one-line status (`megarepo status`): the open session, if any, then
/// today, the split and the streak.
pub fn status_text(stats: &Stats, open: Option<&Session>) -> String {
    status::compose(
        &stats.today_minutes,
        stats.daily_goal_minutes,
        stats.streak.current,
        stats.streak.today_counts,
        open,
    )
}

/// Where the status line is kept for prompts.
pub fn status_file(data_dir: &Path) -> PathBuf {
    status::path(data_dir)
}
