//! The status line for shell prompts, kept in a small file so that
//! `megarepo status` never opens the store.
//!
//! `DATA/status.json` holds what the line is made of, as of the moment it
//! was written: the local date and zone, today's seconds per mode, the
//! streak up to yesterday, the goal and threshold, and the open session
//! (if any) as it was counted. Reading it, [`StatusFile::line_at`] brings
//! the running session up to now (a detached one to now; one run by the
//! app to at most [`LIVE_GRACE`] past the file, since the app rewrites it
//! every 30 s while it runs and a crashed app's session stops counting)
//! and composes the same line the statistics give. The file only answers
//! for the date it was written on: on another date (or in another zone)
//! the caller recomputes from the store and writes it again.
//!
//! Writers: every change to sessions or settings first removes the file
//! ([`invalidate`], in `StudyStore`), then the command or the app that made
//! the change writes it again ([`write`], atomically: a temporary file
//! renamed over it). A crash in between leaves no file, and the next
//! `status` recomputes: the file is never older than the data.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::days::{ModeSplit, day_parts};
use super::session::Session;
use super::stats::{DayMinutes, status_line};
use super::timefmt::{self, zone_name};

/// The file's name in the data folder.
pub const FILE: &str = "status.json";

/// Version of the file's fields; another version is recomputed.
pub const FORMAT: u32 = 1;

/// How far past the file's time a session run by the app is counted: the
/// app rewrites the file every 30 s while a session runs.
pub const LIVE_GRACE: SignedDuration = SignedDuration::from_secs(60);

/// What the status line is made of, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusFile {
    pub format: u32,
    #[serde(with = "timefmt::instant")]
    pub written: Timestamp,
    /// The local date the numbers are for, in `zone`.
    #[serde(with = "timefmt::day")]
    pub date: Date,
    pub zone: String,
    pub goal_minutes: u32,
    pub threshold_minutes: u32,
    /// Seconds studied today, the open session counted as in `open`.
    pub today: ModeSplit,
    /// The streak through yesterday (today adds one once it counts).
    pub run_before_today: u32,
    /// A daily challenge was solved today (today counts whatever the time).
    pub solved_today: bool,
    /// The open session shown in the line, as it was counted.
    pub open: Option<Session>,
    /// The line as of `written`, for people who `cat` the file.
    pub line: String,
}

impl StatusFile {
    /// The line as of `now`: the open session's study since the file was
    /// written is added to today, and the streak follows.
    pub fn line_at(&self, now: Timestamp) -> String {
        let v = self.view_at(now);
        compose(
            &v.today,
            self.goal_minutes,
            v.streak,
            v.today_counts,
            v.open.as_ref(),
        )
    }

    /// `megarepo status --json`: the parts of [`StatusFile::line_at`].
    pub fn json_at(&self, now: Timestamp) -> serde_json::Value {
        let zone = timefmt::zone_from_name(&self.zone).unwrap_or(TimeZone::UTC);
        let v = self.view_at(now);
        serde_json::json!({
            "date": self.date.to_string(),
            "today": {"reading": v.today.reading, "coding": v.today.coding, "total": v.today.total},
            "goal_minutes": self.goal_minutes,
            "streak": v.streak,
            "today_counts": v.today_counts,
            "running": v.open.as_ref().map(|s| super::cli::session_json(s, &zone)),
            "line": self.line_at(now),
        })
    }

    /// Today's minutes and the streak as of `now`: what the Today view
    /// shows until the full statistics are computed.
    pub fn figures_at(&self, now: Timestamp) -> (DayMinutes, u32, bool) {
        let v = self.view_at(now);
        (v.today, v.streak, v.today_counts)
    }

    fn view_at(&self, now: Timestamp) -> View {
        let mut today = self.today;
        let open_now = self.open.as_ref().map(|s| {
            // Looked up only here: jiff's first lookup by name lists the
            // zone files, a millisecond a line without a session skips.
            let fallback = timefmt::zone_from_name(&self.zone).unwrap_or(TimeZone::UTC);
            let mut live = s.clone();
            let until = if s.is_detached() {
                now
            } else {
                now.min(self.written.saturating_add(LIVE_GRACE).unwrap_or(now))
            };
            live.checkpoint(until);
            let before = on_date(s, self.date, &fallback);
            let after = on_date(&live, self.date, &fallback);
            today.reading += after.reading - before.reading;
            today.coding += after.coding - before.coding;
            live
        });
        let counts = self.solved_today || today.total() >= i64::from(self.threshold_minutes) * 60;
        View {
            today: DayMinutes::new(self.date, today),
            streak: self.run_before_today + u32::from(counts),
            today_counts: counts,
            open: open_now,
        }
    }
}

/// The line's parts as of a moment.
struct View {
    today: DayMinutes,
    streak: u32,
    today_counts: bool,
    open: Option<Session>,
}

/// The seconds `s` gives `date`.
fn on_date(s: &Session, date: Date, fallback: &TimeZone) -> ModeSplit {
    let mut out = ModeSplit::default();
    for (d, mode, secs) in day_parts(s, fallback) {
        if d == date {
            out.add(mode, secs);
        }
    }
    out
}

/// The whole line: the open session, then today, the split and the streak.
pub fn compose(
    today: &DayMinutes,
    goal_minutes: u32,
    streak: u32,
    today_counts: bool,
    open: Option<&Session>,
) -> String {
    let running = open
        .map(|s| format!("{} · ", super::service::session_line(s)))
        .unwrap_or_default();
    format!(
        "{running}{}",
        status_line(today, goal_minutes, streak, today_counts)
    )
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// Removes the file before a change, so no reader can take it for current
/// once the change is made. A file already gone is fine.
pub fn invalidate(data_dir: &Path) {
    match std::fs::remove_file(path(data_dir)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!("could not remove the status file: {e}"),
    }
}

/// Writes the file atomically: a temporary file in the same folder (named
/// for this process, so two writers never share one), then a rename.
pub fn write(data_dir: &Path, f: &StatusFile) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(f).map_err(std::io::Error::other)?;
    let tmp = data_dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path(data_dir)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// What reading the file found.
#[derive(Debug)]
pub enum Read {
    /// Written today in this zone: the line as of now.
    Fresh(String),
    /// Written on another date or in another zone: recompute.
    Stale(Box<StatusFile>),
    Missing,
    /// Not readable (another format, damage): recompute.
    Unreadable(String),
}

/// Reads the file and, when it is for today in `zone`, the line as of `now`.
pub fn read(data_dir: &Path, now: Timestamp, zone: &TimeZone) -> Read {
    match read_file(data_dir, now, zone) {
        Ok(f) => Read::Fresh(f.line_at(now)),
        Err(r) => r,
    }
}

/// Reads the file when it is for today in `zone` (else why not).
pub fn read_file(data_dir: &Path, now: Timestamp, zone: &TimeZone) -> Result<StatusFile, Read> {
    let bytes = match std::fs::read(path(data_dir)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Read::Missing),
        Err(e) => return Err(Read::Unreadable(e.to_string())),
    };
    let f: StatusFile = match serde_json::from_slice(&bytes) {
        Ok(f) => f,
        Err(e) => return Err(Read::Unreadable(e.to_string())),
    };
    if f.format != FORMAT {
        return Err(Read::Unreadable(format!("format {}", f.format)));
    }
    let today = now.to_zoned_datetime(zone.clone()).date();
    if f.date != today || f.zone != zone_name(zone, now) {
        return Err(Read::Stale(Box::new(f)));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::session::Mode;

    fn at(local: &str) -> Timestamp {
        TimeZone::get("Europe/Paris")
            .unwrap()
            .to_zoned_datetime(local.parse().unwrap())
            .unwrap()
            .timestamp()
    }

    fn file(open: Option<Session>, written: Timestamp) -> StatusFile {
        StatusFile {
            format: FORMAT,
            written,
            date: jiff::civil::date(2025, 3, 10),
            zone: "Europe/Paris".into(),
            goal_minutes: 60,
            threshold_minutes: 30,
            today: ModeSplit {
                reading: 20 * 60,
                coding: 0,
            },
            run_before_today: 4,
            solved_today: false,
            open,
            line: String::new(),
        }
    }

    #[test]
    fn a_detached_session_counts_to_now_and_completes_the_day() {
        let start = at("2025-03-10T10:00");
        let mut s = Session::start(7, start, "Europe/Paris".into(), Mode::Coding, None);
        if let crate::study::session::SessionKind::Timed(t) = &mut s.kind {
            t.detached = true;
        }
        let f = file(Some(s), start);
        assert_eq!(
            f.line_at(start),
            "running coding 0:00:00 · today 20m/1h00m · R 20m C 0m · streak 4 (today pending)"
        );
        // Ten minutes later today reaches the 30-minute threshold.
        assert_eq!(
            f.line_at(at("2025-03-10T10:10")),
            "running coding 0:10:00 · today 30m/1h00m · R 20m C 10m · streak 5"
        );
    }

    #[test]
    fn a_session_of_the_app_stops_counting_a_minute_after_the_file() {
        let start = at("2025-03-10T10:00");
        let s = Session::start(7, start, "Europe/Paris".into(), Mode::Reading, None);
        let f = file(Some(s), start);
        assert_eq!(
            f.line_at(at("2025-03-10T11:00")),
            "running reading 0:01:00 · today 21m/1h00m · R 21m C 0m · streak 4 (today pending)"
        );
    }

    #[test]
    fn reading_checks_the_date_and_zone() {
        let dir = tempfile::tempdir().unwrap();
        let paris = TimeZone::get("Europe/Paris").unwrap();
        assert!(matches!(
            read(dir.path(), at("2025-03-10T12:00"), &paris),
            Read::Missing
        ));
        let mut f = file(None, at("2025-03-10T09:00"));
        f.line = "as written".into();
        write(dir.path(), &f).unwrap();
        match read(dir.path(), at("2025-03-10T23:59"), &paris) {
            Read::Fresh(line) => {
                assert_eq!(
                    line,
                    "today 20m/1h00m · R 20m C 0m · streak 4 (today pending)"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read(dir.path(), at("2025-03-11T00:00"), &paris),
            Read::Stale(_)
        ));
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert!(matches!(
            read(dir.path(), at("2025-03-10T09:30"), &tokyo),
            Read::Stale(_)
        ));
        std::fs::write(path(dir.path()), "{half a file").unwrap();
        assert!(matches!(
            read(dir.path(), at("2025-03-10T12:00"), &paris),
            Read::Unreadable(_)
        ));
        invalidate(dir.path());
        invalidate(dir.path());
        assert!(!path(dir.path()).exists());
    }
}
