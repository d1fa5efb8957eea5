//! Streaks: how many days in a row the learner has studied.
//!
//! Input: the per-date study from [`StudyDays`](super::days::StudyDays), the
//! dates on which a challenge was solved, the travel days, today's date and
//! the [`StreakRules`]. Output: a [`Streak`] with the current and longest
//! streak and a mark for every date from the first studied date to today.
//!
//! The walk goes forward one date at a time. A date *counts* when its study
//! reaches the threshold or a challenge was solved on it. A date that does
//! not count is a travel day (skipped), or is *frozen* when a streak is alive
//! and the calendar month of that date still has a freeze left, or else it
//! breaks the streak. Frozen days keep the streak alive but do not lengthen
//! it. Today is special: until it counts it is *pending* and the current
//! streak is the one that reached yesterday.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::days::ModeSplit;
use super::timefmt;

/// Settings that decide which days count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreakRules {
    /// Minutes of study that make a day count.
    pub threshold_minutes: u32,
    /// Missed days per calendar month that are forgiven; 0 turns freezes off.
    pub freezes_per_month: u32,
}

impl Default for StreakRules {
    fn default() -> Self {
        StreakRules {
            threshold_minutes: 30,
            freezes_per_month: 2,
        }
    }
}

/// What a date did to the streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DayMark {
    /// Reached the threshold or solved a challenge.
    Counted,
    /// Missed, but a freeze kept the streak alive.
    Frozen,
    /// Jumped over by a move east; neither counts nor breaks.
    Travel,
    /// Missed; the streak (if any) ended here.
    Missed,
    /// Today, not yet counting.
    Pending,
}

/// The result of a streak walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Streak {
    pub current: u32,
    pub longest: u32,
    /// Whether today already counts.
    pub today_counts: bool,
    #[serde(skip)]
    pub marks: BTreeMap<Date, DayMark>,
    #[serde(with = "timefmt::days")]
    pub frozen: Vec<Date>,
}

impl Streak {
    pub fn mark(&self, date: Date) -> Option<DayMark> {
        self.marks.get(&date).copied()
    }
}

/// Walks the dates up to `today` and computes the streak.
pub fn streak(
    by_date: &BTreeMap<Date, ModeSplit>,
    solved: &BTreeSet<Date>,
    travel: &BTreeSet<Date>,
    today: Date,
    rules: StreakRules,
) -> Streak {
    let threshold = i64::from(rules.threshold_minutes) * 60;
    let counts =
        |d: Date| solved.contains(&d) || by_date.get(&d).is_some_and(|m| m.total() >= threshold);
    // The walk starts at the first date that could count; dates after today
    // (a clock set wrong, or an entry logged in a zone ahead) are ignored.
    let first = by_date
        .iter()
        .filter(|(_, m)| m.total() > 0)
        .map(|(d, _)| *d)
        .chain(solved.iter().copied())
        .filter(|d| *d <= today)
        .min();
    let mut out = Streak {
        current: 0,
        longest: 0,
        today_counts: false,
        marks: BTreeMap::new(),
        frozen: Vec::new(),
    };
    let Some(mut d) = first else {
        out.marks.insert(today, DayMark::Pending);
        return out;
    };
    let mut run: u32 = 0;
    let mut freezes_used: BTreeMap<(i16, i8), u32> = BTreeMap::new();
    while d <= today {
        let mark = if counts(d) {
            run += 1;
            DayMark::Counted
        } else if d == today {
            DayMark::Pending
        } else if travel.contains(&d) {
            DayMark::Travel
        } else if run > 0 {
            let used = freezes_used.entry((d.year(), d.month())).or_insert(0);
            if *used < rules.freezes_per_month {
                *used += 1;
                out.frozen.push(d);
                DayMark::Frozen
            } else {
                run = 0;
                DayMark::Missed
            }
        } else {
            DayMark::Missed
        };
        out.longest = out.longest.max(run);
        out.marks.insert(d, mark);
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out.current = run;
    out.today_counts = out.marks.get(&today) == Some(&DayMark::Counted);
    out
}
