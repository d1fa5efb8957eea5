//! The study use cases shared by the command line and the TUI: computing
//! the statistics as of now, the one-line status, and the status file a
//! running app leaves for shell prompts. The CLI (`study::cli`) and the
//! study pane both call in here; neither calls the other.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;
use jiff::civil::Date;

use super::clock::Clock;
use super::days::fmt_elapsed;
use super::roadmap_link;
use super::session::{Mode, Phase, Session};
use super::stats::{Stats, StatsInput};
use super::stored::StudyStore;
use crate::content::Roadmap;
use crate::store::Store;

/// What the study commands need.
pub struct StudyCtx<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub roadmap: &'a Roadmap,
}

impl StudyCtx<'_> {
    pub(crate) fn study(&self) -> StudyStore {
        StudyStore::new(self.store.clone())
    }

    pub(crate) fn check_item(&self, item: &Option<String>) -> Result<()> {
        if let Some(id) = item {
            self.roadmap.require(id)?;
        }
        Ok(())
    }

    /// Computes the full statistics as of now.
    pub fn stats(&self) -> Result<Stats> {
        let study = self.study();
        let now = self.clock.now();
        let zone = self.clock.zone();
        let today = self.clock.today();
        let sessions = study.sessions_at(now)?;
        let settings = study.settings()?;
        let start_date = study.start_date()?;
        let records = self.store.all_progress()?;
        let progress = roadmap_link::progress(self.roadmap, &records, &zone);
        let sections = roadmap_link::section_map(self.roadmap);
        let section_of = |item: &str| sections.get(item).cloned();
        // Days the daily challenge was solved count for the streak and
        // the heatmap (the exercise workspace's state; none before init).
        let solved =
            crate::exercises::course::daily_days(self.store.data_dir()).unwrap_or_else(|e| {
                tracing::warn!("daily challenges not counted: {e}");
                BTreeSet::new()
            });
        Ok(Stats::compute(&StatsInput {
            sessions: &sessions,
            today,
            zone: &zone,
            settings,
            start_date,
            section_of: &section_of,
            solved: &solved,
            progress: &progress,
        }))
    }
}

impl StudyCtx<'_> {
    pub(crate) fn stats_minutes_on(&self, date: Date) -> Result<i64> {
        let sessions = self.study().sessions_at(self.clock.now())?;
        Ok(
            crate::study::days::study_days(&sessions, &self.clock.zone())
                .on(date)
                .minutes(),
        )
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
/// today, the split and the streak. The TUI writes the same line to
/// `DATA/status.txt` for shell prompts while it holds the store.
pub fn status_text(stats: &Stats, open: Option<&Session>) -> String {
    let running = open
        .map(|s| format!("{} · ", session_line(s)))
        .unwrap_or_default();
    format!("{running}{}", stats.status_line())
}

/// Where the running app leaves its status line.
pub fn status_file(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("status.txt")
}

/// Write the status line atomically (temporary file, then rename), so a
/// prompt reading it never sees half a line.
pub fn write_status_file(data_dir: &std::path::Path, line: &str) -> std::io::Result<()> {
    let path = status_file(data_dir);
    let tmp = data_dir.join(".status.txt.tmp");
    std::fs::write(&tmp, format!("{line}\n"))?;
    std::fs::rename(&tmp, &path)
}
