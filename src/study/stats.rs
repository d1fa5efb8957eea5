//! Statistics for the stats pane, the status bar and `megarepo stats`.
//!
//! [`Stats::compute`] takes everything as input (sessions, today's date and
//! zone, the settings, a mapping from checklist item to roadmap section, the
//! dates challenges were solved, checklist completion dates) and produces
//! one plain, serializable value. Nothing here reads a clock or the store,
//! so every number can be checked by a test with fixed inputs, and the JSON
//! of `megarepo stats --json` is exactly this value.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::days::{ModeSplit, StudyDays, study_days, week_start};
use super::session::Session;
use super::streak::{DayMark, Streak, StreakRules, streak};
use super::timefmt::{self, add_days, days_between};

/// The learner's study settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudySettings {
    /// Daily goal in minutes (30..=240).
    pub daily_goal_minutes: u32,
    pub streak: StreakRules,
}

impl Default for StudySettings {
    fn default() -> Self {
        StudySettings {
            daily_goal_minutes: 60,
            streak: StreakRules::default(),
        }
    }
}

/// A setting outside its allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("the daily goal must be a positive number of minutes, from 30 to 240 (got {0})")]
    DailyGoal(i64),
    #[error("the streak threshold must be a positive number of minutes, from 1 to 1440 (got {0})")]
    Threshold(i64),
    #[error("freezes per month must be a whole number from 0 to 31 (got {0})")]
    Freezes(i64),
}

impl StudySettings {
    /// Checks every field; the store calls this before saving.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let g = i64::from(self.daily_goal_minutes);
        if !(30..=240).contains(&g) {
            return Err(SettingsError::DailyGoal(g));
        }
        let t = i64::from(self.streak.threshold_minutes);
        if !(1..=1440).contains(&t) {
            return Err(SettingsError::Threshold(t));
        }
        let f = i64::from(self.streak.freezes_per_month);
        if f > 31 {
            return Err(SettingsError::Freezes(f));
        }
        Ok(())
    }
}

/// Checklist completion, for projecting when the roadmap will be done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Items in the "Learning Fundamentals" part and the dates each done one was done.
    pub fundamentals_total: usize,
    pub fundamentals_done: Vec<Date>,
    /// All roadmap items and their done dates.
    pub roadmap_total: usize,
    pub roadmap_done: Vec<Date>,
}

/// Everything [`Stats::compute`] needs.
pub struct StatsInput<'a> {
    pub sessions: &'a [Session],
    pub today: Date,
    pub zone: &'a TimeZone,
    pub settings: StudySettings,
    /// The roadmap start date; when unset, the first study date (or today).
    pub start_date: Option<Date>,
    /// Maps a checklist item id to its roadmap section id.
    pub section_of: &'a dyn Fn(&str) -> Option<String>,
    pub solved: &'a BTreeSet<Date>,
    pub progress: &'a Progress,
}

/// Everything [`Stats::from_days`] needs besides the per-day view.
pub struct DaysInput<'a> {
    pub today: Date,
    pub settings: StudySettings,
    /// The roadmap start date; when unset, the first study date (or today).
    pub start_date: Option<Date>,
    /// Maps a checklist item id to its roadmap section id.
    pub section_of: &'a dyn Fn(&str) -> Option<String>,
    pub solved: &'a BTreeSet<Date>,
    pub progress: &'a Progress,
}

/// Minutes on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayMinutes {
    #[serde(with = "timefmt::day")]
    pub date: Date,
    pub reading: i64,
    pub coding: i64,
    pub total: i64,
}

impl DayMinutes {
    pub fn new(date: Date, split: ModeSplit) -> Self {
        let (reading, coding, total) = whole_minutes(split);
        DayMinutes {
            date,
            reading,
            coding,
            total,
        }
    }
}

/// Whole minutes per mode and in total, so that the two modes add up to
/// the total: the total is truncated from the seconds, each mode is
/// truncated, and a minute left over (2m50s reading + 40s coding is 3m)
/// goes to the mode with the larger remainder.
pub fn whole_minutes(split: ModeSplit) -> (i64, i64, i64) {
    let total = split.total().max(0) / 60;
    let (mut r, mut c) = (split.reading.max(0) / 60, split.coding.max(0) / 60);
    if r + c < total {
        if split.reading % 60 >= split.coding % 60 {
            r += total - r - c;
        } else {
            c += total - r - c;
        }
    }
    (r, c, total)
}

/// Reading/coding balance against the 50/50 target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Balance {
    pub reading_minutes: i64,
    pub coding_minutes: i64,
    /// Share of reading in percent (0..=100); `None` when nothing was studied.
    pub reading_percent: Option<u8>,
    /// Distance from 50/50 in percentage points; positive means more reading.
    pub off_target: Option<i8>,
}

impl Balance {
    fn of(split: ModeSplit) -> Self {
        let total = split.total();
        let reading_percent = (total > 0).then(|| {
            // Rounded to the nearest percent; always within 0..=100.
            ((split.reading * 100 + total / 2) / total) as u8
        });
        Balance {
            reading_minutes: split.reading / 60,
            coding_minutes: split.coding / 60,
            reading_percent,
            off_target: reading_percent.map(|p| p as i8 - 50),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekTotal {
    /// The Monday that starts the week.
    #[serde(with = "timefmt::day")]
    pub week: Date,
    pub reading: i64,
    pub coding: i64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionTotal {
    /// Roadmap section id, or `"unassigned"` for sessions without an item.
    pub section: String,
    pub reading: i64,
    pub coding: i64,
    pub total: i64,
}

/// One cell of the heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeatCell {
    #[serde(with = "timefmt::day")]
    pub date: Date,
    pub minutes: i64,
    /// 0 nothing, 1 some, 2 reached the streak threshold, 3 reached the
    /// daily goal, 4 twice the goal.
    pub level: u8,
    pub mark: Option<DayMark>,
}

/// The calendar heatmap: `weeks` columns (Monday first), the last one
/// holding today; days after today are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heatmap {
    #[serde(with = "timefmt::day")]
    pub first_monday: Date,
    /// `columns[week][weekday]`, weekday 0 = Monday.
    pub columns: Vec<[Option<HeatCell>; 7]>,
}

pub const HEATMAP_WEEKS: usize = 26;
pub const BAR_DAYS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every item is done.
    Done,
    /// Projected before the early end of the estimate.
    Ahead,
    /// Projected within the estimate.
    OnTrack,
    /// Projected after the late end of the estimate.
    Behind,
    /// Nothing done yet, or too few days of data (see
    /// [`PROJECTION_MIN_DAYS`]), so there is no pace to project from.
    Unknown,
}

/// Days of data (from the first study day or first tick to today, both
/// counted) before a completion date is projected: a first-day burst of
/// ticks would otherwise project a year-long plan to end in weeks.
pub const PROJECTION_MIN_DAYS: u32 = 14;

impl Verdict {
    /// How the verdict reads in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Done => "done",
            Verdict::Ahead => "ahead of the estimate",
            Verdict::OnTrack => "within the estimate",
            Verdict::Behind => "behind the estimate",
            Verdict::Unknown => "no pace yet",
        }
    }
}

/// A projected completion date against a published estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Projection {
    pub done: usize,
    pub total: usize,
    /// Items done per week since the start date.
    pub per_week: f64,
    #[serde(with = "timefmt::opt_day")]
    pub projected: Option<Date>,
    #[serde(with = "timefmt::day")]
    pub estimate_from: Date,
    #[serde(with = "timefmt::day")]
    pub estimate_to: Date,
    pub verdict: Verdict,
    /// More days of data needed before a date is projected (0 once there
    /// are [`PROJECTION_MIN_DAYS`]).
    pub days_needed: u32,
}

impl Projection {
    /// The verdict as it reads after the numbers: "within the estimate",
    /// or how many more days of data a projection needs.
    pub fn describe(&self) -> String {
        match (self.verdict, self.days_needed) {
            (Verdict::Unknown, n) if n > 0 && self.done > 0 => format!(
                "a projection after {n} more day{} of data",
                if n == 1 { "" } else { "s" }
            ),
            (v, _) => v.describe().to_string(),
        }
    }
}

/// Everything the stats pane and `megarepo stats` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    #[serde(with = "timefmt::day")]
    pub today: Date,
    pub today_minutes: DayMinutes,
    pub daily_goal_minutes: u32,
    /// Today's progress toward the goal in percent (may exceed 100).
    pub goal_percent: u32,
    pub balance_today: Balance,
    pub balance_7_days: Balance,
    pub streak: Streak,
    #[serde(with = "timefmt::day")]
    pub start_date: Date,
    pub total_minutes: i64,
    pub days_30: Vec<DayMinutes>,
    pub weeks: Vec<WeekTotal>,
    pub sections: Vec<SectionTotal>,
    pub heatmap: Heatmap,
    pub fundamentals: Projection,
    pub roadmap: Projection,
}

impl Stats {
    /// The statistics of a list of sessions (every session is read: the
    /// app and the commands use [`Stats::from_days`] over stored totals).
    pub fn compute(input: &StatsInput<'_>) -> Stats {
        let days = study_days(input.sessions, input.zone);
        Stats::from_days(
            &days,
            &DaysInput {
                today: input.today,
                settings: input.settings,
                start_date: input.start_date,
                section_of: input.section_of,
                solved: input.solved,
                progress: input.progress,
            },
        )
    }

    /// The statistics of a per-day view (from `study_days` or from the
    /// stored totals: the two are equal).
    pub fn from_days(days: &StudyDays, input: &DaysInput<'_>) -> Stats {
        let today = input.today;
        let settings = input.settings;
        let streak = streak(
            &days.by_date,
            input.solved,
            &days.travel,
            today,
            settings.streak,
        );
        let today_split = days.on(today);
        let mut last7 = ModeSplit::default();
        for n in 0..7 {
            last7.merge(&days.on(add_days(today, -n)));
        }
        let days_30 = (0..BAR_DAYS as i64)
            .rev()
            .map(|n| {
                let d = add_days(today, -n);
                DayMinutes::new(d, days.on(d))
            })
            .collect();
        let start_date = input
            .start_date
            .or_else(|| days.by_date.keys().next().copied())
            .unwrap_or(today)
            .min(today);
        let goal = settings.daily_goal_minutes.max(1);
        let today_minutes = DayMinutes::new(today, today_split);
        // The first day with any data: studied, or an item ticked.
        let first_day = days
            .by_date
            .iter()
            .find(|(_, m)| m.total() > 0)
            .map(|(d, _)| *d)
            .into_iter()
            .chain(input.progress.roadmap_done.iter().copied())
            .chain(input.progress.fundamentals_done.iter().copied())
            .min();
        let days_of_data = first_day.map_or(0, |f| days_between(f, today).max(0) + 1);
        let days_needed = u32::try_from((i64::from(PROJECTION_MIN_DAYS) - days_of_data).max(0))
            .unwrap_or(PROJECTION_MIN_DAYS);
        Stats {
            today,
            today_minutes,
            daily_goal_minutes: settings.daily_goal_minutes,
            goal_percent: u32::try_from(today_minutes.total * 100 / i64::from(goal))
                .unwrap_or(u32::MAX),
            balance_today: Balance::of(today_split),
            balance_7_days: Balance::of(last7),
            total_minutes: days.by_date.values().map(ModeSplit::total).sum::<i64>() / 60,
            days_30,
            weeks: weeks(days),
            sections: sections(days, input.section_of),
            heatmap: heatmap(days, &streak, today, settings),
            fundamentals: project(
                input.progress.fundamentals_total,
                &input.progress.fundamentals_done,
                start_date,
                today,
                (3, 6),
                days_needed,
            ),
            roadmap: project(
                input.progress.roadmap_total,
                &input.progress.roadmap_done,
                start_date,
                today,
                (12, 18),
                days_needed,
            ),
            start_date,
            streak,
        }
    }

    /// The one-line summary for `megarepo status` and the status bar:
    /// `today 45m/60m · R 20m C 25m · streak 6`.
    pub fn status_line(&self) -> String {
        status_line(
            &self.today_minutes,
            self.daily_goal_minutes,
            self.streak.current,
            self.streak.today_counts,
        )
    }
}

/// `today 45m/60m · R 20m C 25m · streak 6`, from its parts: the one
/// format shared by [`Stats::status_line`] and the status file's reader.
pub fn status_line(t: &DayMinutes, goal_minutes: u32, streak: u32, today_counts: bool) -> String {
    let pending = if today_counts || streak == 0 {
        ""
    } else {
        " (today pending)"
    };
    format!(
        "today {}/{} · R {} C {} · streak {}{}",
        super::days::fmt_minutes(t.total),
        super::days::fmt_minutes(i64::from(goal_minutes)),
        super::days::fmt_minutes(t.reading),
        super::days::fmt_minutes(t.coding),
        streak,
        pending
    )
}

fn weeks(days: &StudyDays) -> Vec<WeekTotal> {
    days.by_week
        .iter()
        .map(|(week, s)| {
            let (reading, coding, total) = whole_minutes(*s);
            WeekTotal {
                week: *week,
                reading,
                coding,
                total,
            }
        })
        .collect()
}

fn sections(days: &StudyDays, section_of: &dyn Fn(&str) -> Option<String>) -> Vec<SectionTotal> {
    let mut by_section: BTreeMap<String, ModeSplit> = BTreeMap::new();
    let mut assigned = ModeSplit::default();
    for (item, split) in &days.by_item {
        assigned.merge(split);
        let section = section_of(item).unwrap_or_else(|| "unassigned".to_string());
        by_section.entry(section).or_default().merge(split);
    }
    let all = days
        .by_date
        .values()
        .fold(ModeSplit::default(), |mut acc, s| {
            acc.merge(s);
            acc
        });
    let rest = ModeSplit {
        reading: all.reading - assigned.reading,
        coding: all.coding - assigned.coding,
    };
    if rest.total() > 0 {
        by_section
            .entry("unassigned".to_string())
            .or_default()
            .merge(&rest);
    }
    by_section
        .into_iter()
        .map(|(section, s)| SectionTotal {
            section,
            reading: s.reading / 60,
            coding: s.coding / 60,
            total: s.total() / 60,
        })
        .collect()
}

fn heatmap(days: &StudyDays, streak: &Streak, today: Date, settings: StudySettings) -> Heatmap {
    let first_monday = add_days(week_start(today), -7 * (HEATMAP_WEEKS as i64 - 1));
    let threshold = i64::from(settings.streak.threshold_minutes);
    let goal = i64::from(settings.daily_goal_minutes);
    let columns = (0..HEATMAP_WEEKS as i64)
        .map(|w| {
            let mut col = [None; 7];
            for (wd, cell) in col.iter_mut().enumerate() {
                let date = add_days(first_monday, w * 7 + wd as i64);
                if date > today {
                    continue;
                }
                let minutes = days.on(date).minutes();
                let level = match minutes {
                    0 => 0,
                    m if m < threshold => 1,
                    m if m < goal => 2,
                    m if m < goal * 2 => 3,
                    _ => 4,
                };
                *cell = Some(HeatCell {
                    date,
                    minutes,
                    level,
                    mark: streak.mark(date),
                });
            }
            col
        })
        .collect();
    Heatmap {
        first_monday,
        columns,
    }
}

/// Adds whole months, clamping the day (Jan 31 + 1 month = Feb 28/29).
fn add_months(d: Date, months: i32) -> Date {
    let total = i32::from(d.year()) * 12 + i32::from(d.month()) - 1 + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let (Ok(y), Ok(m)) = (i16::try_from(y), i8::try_from(m)) else {
        return d;
    };
    let first = Date::new(y, m, 1).unwrap_or(d);
    let day = d.day().min(first.days_in_month());
    Date::new(y, m, day).unwrap_or(first)
}

/// Projects completion from the average pace since `start`, once no more
/// days of data are needed.
fn project(
    total: usize,
    done: &[Date],
    start: Date,
    today: Date,
    months: (i32, i32),
    days_needed: u32,
) -> Projection {
    let estimate_from = add_months(start, months.0);
    let estimate_to = add_months(start, months.1);
    let n = done.len().min(total);
    // At least one day elapsed, so a first-day burst does not divide by 0.
    let elapsed = days_between(start, today).max(1) as f64;
    let per_day = n as f64 / elapsed;
    let (projected, verdict) = if total > 0 && n >= total {
        (done.iter().max().copied(), Verdict::Done)
    } else if n == 0 || total == 0 || days_needed > 0 {
        (None, Verdict::Unknown)
    } else {
        let remaining_days = ((total - n) as f64 / per_day).ceil() as i64;
        let p = add_days(today, remaining_days);
        let v = if p < estimate_from {
            Verdict::Ahead
        } else if p <= estimate_to {
            Verdict::OnTrack
        } else {
            Verdict::Behind
        };
        (Some(p), v)
    };
    Projection {
        done: n,
        total,
        per_week: per_day * 7.0,
        projected,
        estimate_from,
        estimate_to,
        verdict,
        days_needed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn months_clamp() {
        assert_eq!(add_months(date(2025, 1, 31), 1), date(2025, 2, 28));
        assert_eq!(add_months(date(2025, 11, 15), 3), date(2026, 2, 15));
        assert_eq!(add_months(date(2025, 6, 1), 18), date(2026, 12, 1));
    }

    #[test]
    fn projection_from_velocity() {
        let start = date(2025, 1, 1);
        let today = date(2025, 1, 31); // 30 days in
        let done: Vec<Date> = (0..10).map(|i| add_days(start, i * 3)).collect();
        // 10 of 40 in 30 days -> 30 left take 90 days -> 2025-05-01.
        let p = project(40, &done, start, today, (3, 6), 0);
        assert_eq!(p.projected, Some(date(2025, 5, 1)));
        assert_eq!(p.verdict, Verdict::OnTrack);
        assert_eq!(p.estimate_from, date(2025, 4, 1));
        let slow = project(400, &done, start, today, (3, 6), 0);
        assert_eq!(slow.verdict, Verdict::Behind);
        let none = project(40, &[], start, today, (3, 6), 0);
        assert_eq!((none.projected, none.verdict), (None, Verdict::Unknown));
        let all = project(10, &done, start, today, (3, 6), 0);
        assert_eq!(all.verdict, Verdict::Done);
        assert_eq!(all.projected, Some(add_days(start, 27)));
        let early = project(40, &done, start, today, (3, 6), 5);
        assert_eq!((early.projected, early.verdict), (None, Verdict::Unknown));
        assert_eq!(early.describe(), "a projection after 5 more days of data");
    }

    #[test]
    fn minutes_per_mode_add_up_to_the_total() {
        let split = ModeSplit {
            reading: 2 * 60 + 50,
            coding: 40,
        };
        assert_eq!(whole_minutes(split), (3, 0, 3));
        let split = ModeSplit {
            reading: 10,
            coding: 59 + 60,
        };
        assert_eq!(whole_minutes(split), (0, 2, 2));
        let d = DayMinutes::new(
            date(2025, 1, 1),
            ModeSplit {
                reading: 170,
                coding: 40,
            },
        );
        assert_eq!(d.reading + d.coding, d.total);
    }

    #[test]
    fn balance_rounds_and_handles_nothing() {
        let b = Balance::of(ModeSplit {
            reading: 20 * 60,
            coding: 40 * 60,
        });
        assert_eq!(b.reading_percent, Some(33));
        assert_eq!(b.off_target, Some(-17));
        let none = Balance::of(ModeSplit::default());
        assert_eq!(none.reading_percent, None);
    }

    #[test]
    fn settings_ranges() {
        let mut s = StudySettings::default();
        assert!(s.validate().is_ok());
        s.daily_goal_minutes = 20;
        assert_eq!(s.validate(), Err(SettingsError::DailyGoal(20)));
        s.daily_goal_minutes = 240;
        s.streak.threshold_minutes = 0;
        assert!(s.validate().is_err());
    }
}
