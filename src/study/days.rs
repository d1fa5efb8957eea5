//! Turning sessions into local days.
//!
//! Data flow: sessions (absolute instants plus the zone each was started in)
//! go in; a [`StudyDays`] comes out, holding seconds studied per local date
//! and mode, the same split per checklist item, and the set of travel days.
//! The rules (also in `README-rules.md`):
//!
//! - A timed session's time is attributed to local dates in the zone recorded
//!   with that session. A segment that crosses local midnight is cut at the
//!   instant of midnight in that zone, so each part lands on its own date.
//! - Time is measured between instants, never between wall-clock readings,
//!   so a DST change neither adds nor removes study time: a 23- or 25-hour
//!   day is still one date, and an hour repeated by a fall-back is counted
//!   once.
//! - A manual entry belongs to the date it names.
//! - When the learner starts a session in a different zone from the previous
//!   timed session, the new session's start is read in both zones. The dates
//!   from the old zone's reading up to the day before the new zone's reading
//!   are the dates the move jumped over (flying east across many zones);
//!   they become travel days, which neither count toward a streak nor break
//!   it. Flying west repeats dates instead; time studied on a repeated date
//!   is added to that one date, so no day is ever counted twice.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::session::{Mode, Segment, Session, SessionKind};
use super::timefmt::{self, zone_from_name};

/// Seconds studied in each mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeSplit {
    pub reading: i64,
    pub coding: i64,
}

impl ModeSplit {
    pub fn add(&mut self, mode: Mode, secs: i64) {
        match mode {
            Mode::Reading => self.reading += secs,
            Mode::Coding => self.coding += secs,
        }
    }

    pub fn total(&self) -> i64 {
        self.reading + self.coding
    }

    pub fn merge(&mut self, other: &ModeSplit) {
        self.reading += other.reading;
        self.coding += other.coding;
    }

    /// Whole minutes studied (seconds are summed first, then truncated, so
    /// splitting a session at midnight never loses a minute overall).
    pub fn minutes(&self) -> i64 {
        self.total() / 60
    }
}

/// Study time arranged by local date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudyDays {
    pub by_date: BTreeMap<Date, ModeSplit>,
    /// Per checklist item (sessions without an item are left out).
    pub by_item: BTreeMap<String, ModeSplit>,
    /// Study per ISO week, keyed by the week's Monday.
    pub by_week: BTreeMap<Date, ModeSplit>,
    /// Dates jumped over by a move to a zone further east.
    pub travel: BTreeSet<Date>,
}

impl StudyDays {
    pub fn on(&self, date: Date) -> ModeSplit {
        self.by_date.get(&date).copied().unwrap_or_default()
    }

    fn add(&mut self, date: Date, item: Option<&str>, mode: Mode, secs: i64) {
        if secs <= 0 {
            return;
        }
        self.by_date.entry(date).or_default().add(mode, secs);
        self.by_week
            .entry(week_start(date))
            .or_default()
            .add(mode, secs);
        if let Some(item) = item {
            self.by_item
                .entry(item.to_string())
                .or_default()
                .add(mode, secs);
        }
    }
}

/// The Monday of `date`'s ISO week.
pub fn week_start(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    timefmt::add_days(date, -back)
}

/// Resolves a session's recorded zone, falling back to `fallback` (the
/// learner's current zone) when this machine does not know the name.
pub fn session_zone(session: &Session, fallback: &TimeZone) -> TimeZone {
    zone_from_name(&session.zone).unwrap_or_else(|| fallback.clone())
}

/// Cuts a segment at every local midnight in `tz` and returns the seconds
/// that fall on each date, in order.
pub fn split_by_day(seg: &Segment, tz: &TimeZone) -> Vec<(Date, i64)> {
    let mut out = Vec::new();
    let mut t = seg.start;
    while t < seg.end {
        let date = t.to_zoned_datetime(tz.clone()).date();
        let next_midnight = next_midnight(date, tz).filter(|m| *m > t);
        let piece_end = match next_midnight {
            Some(m) if m < seg.end => m,
            // No later midnight (end of jiff's range) or the segment ends
            // first: the rest of the segment belongs to this date.
            _ => seg.end,
        };
        out.push((date, piece_end.duration_since(t).as_secs()));
        t = piece_end;
    }
    out
}

/// The instant the day after `date` begins in `tz`. Where a zone skips
/// midnight (some DST rules do), the day begins at the first instant that
/// exists, as jiff's "compatible" disambiguation gives.
fn next_midnight(date: Date, tz: &TimeZone) -> Option<Timestamp> {
    let next = date.tomorrow().ok()?;
    next.to_zoned_datetime(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// The seconds a session gives each local date, in order: a manual entry
/// gives its minutes to the date it names; a timed session's studied
/// segments are cut at every midnight of the session's zone. The one place
/// that decides where study time goes: [`study_days`] and the stored per-day
/// totals (`study::totals`) both add up these parts, so they cannot drift.
pub fn day_parts(s: &Session, fallback: &TimeZone) -> Vec<(Date, Mode, i64)> {
    match &s.kind {
        SessionKind::Manual(m) => vec![(m.date, m.mode, i64::from(m.minutes) * 60)],
        SessionKind::Timed(_) => {
            let tz = session_zone(s, fallback);
            let mut out = Vec::new();
            for seg in s.studied() {
                for (date, secs) in split_by_day(&seg, &tz) {
                    out.push((date, seg.mode, secs));
                }
            }
            out
        }
    }
}

/// Builds the per-day view of all sessions. `fallback` is the learner's
/// current zone, used for sessions whose zone name cannot be resolved.
pub fn study_days(sessions: &[Session], fallback: &TimeZone) -> StudyDays {
    let mut days = StudyDays::default();
    for s in sessions {
        let item = s.item.as_deref();
        for (date, mode, secs) in day_parts(s, fallback) {
            days.add(date, item, mode, secs);
        }
    }
    days.travel = travel_days(sessions, fallback);
    days
}

/// Dates jumped over when consecutive timed sessions were started in
/// different zones (see the module docs).
pub fn travel_days(sessions: &[Session], fallback: &TimeZone) -> BTreeSet<Date> {
    let mut timed: Vec<(Timestamp, &Session)> = sessions
        .iter()
        .filter_map(|s| s.timed().map(|t| (t.start, s)))
        .collect();
    timed.sort_by_key(|(start, s)| (*start, s.id));
    let mut out = BTreeSet::new();
    for pair in timed.windows(2) {
        let (_, prev) = pair[0];
        let (start, next) = pair[1];
        out.extend(travel_between(&prev.zone, &next.zone, start, fallback));
    }
    out
}

/// The dates jumped over between two consecutive timed sessions: the one
/// before was started in `prev_zone`, the next in `next_zone` at `start`.
/// Empty unless the zone names differ and the move went east.
pub fn travel_between(
    prev_zone: &str,
    next_zone: &str,
    start: Timestamp,
    fallback: &TimeZone,
) -> Vec<Date> {
    if prev_zone == next_zone {
        return Vec::new();
    }
    let resolve = |name: &str| zone_from_name(name).unwrap_or_else(|| fallback.clone());
    let old = start.to_zoned_datetime(resolve(prev_zone)).date();
    let new = start.to_zoned_datetime(resolve(next_zone)).date();
    let mut out = Vec::new();
    let mut d = old;
    // Offsets differ by at most 26 hours, so this runs at most twice.
    while d < new {
        out.push(d);
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

/// Formats a duration of study as `1h05m` or `45m`.
pub fn fmt_minutes(mins: i64) -> String {
    if mins >= 60 {
        format!("{}h{:02}m", mins / 60, mins % 60)
    } else {
        format!("{mins}m")
    }
}

/// Formats elapsed time as `H:MM:SS` for the live timer.
pub fn fmt_elapsed(d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(zone: &str, local: &str) -> Timestamp {
        let tz = TimeZone::get(zone).unwrap();
        tz.to_zoned_datetime(local.parse().unwrap())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn midnight_crossing_is_split() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let seg = Segment {
            mode: Mode::Coding,
            start: at("Europe/Berlin", "2025-01-10T23:20"),
            end: at("Europe/Berlin", "2025-01-11T00:50"),
        };
        assert_eq!(
            split_by_day(&seg, &tz),
            vec![(date(2025, 1, 10), 40 * 60), (date(2025, 1, 11), 50 * 60)]
        );
    }

    #[test]
    fn fall_back_counts_real_time_once() {
        // 2024-11-03 01:00-02:00 happens twice in New York.
        let tz = TimeZone::get("America/New_York").unwrap();
        let start = at("America/New_York", "2024-11-03T00:30");
        let seg = Segment {
            mode: Mode::Reading,
            start,
            end: start + SignedDuration::from_hours(3),
        };
        assert_eq!(split_by_day(&seg, &tz), vec![(date(2024, 11, 3), 3 * 3600)]);
    }

    #[test]
    fn midnight_that_does_not_exist() {
        // America/Santiago springs forward at 24:00 -> 01:00 on 2024-09-08.
        let tz = TimeZone::get("America/Santiago").unwrap();
        let seg = Segment {
            mode: Mode::Reading,
            start: at("America/Santiago", "2024-09-07T23:30"),
            end: at("America/Santiago", "2024-09-08T01:30"),
        };
        // 23:30 -> (skipped hour) -> 01:30 is one real hour.
        assert_eq!(
            split_by_day(&seg, &tz),
            vec![(date(2024, 9, 7), 30 * 60), (date(2024, 9, 8), 30 * 60)]
        );
    }

    #[test]
    fn week_start_is_monday() {
        assert_eq!(week_start(date(2025, 3, 2)), date(2025, 2, 24)); // Sunday
        assert_eq!(week_start(date(2025, 3, 3)), date(2025, 3, 3)); // Monday
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_minutes(45), "45m");
        assert_eq!(fmt_minutes(125), "2h05m");
        assert_eq!(fmt_elapsed(SignedDuration::from_secs(3725)), "1:02:05");
    }
}
