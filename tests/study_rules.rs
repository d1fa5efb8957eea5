#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The day-boundary and streak rules of `src/study/README-rules.md`, each
//! checked with a fixed clock: midnight crossings, DST changes, moves
//! between time zones, freezes, gaps and backdated manual entries.

use std::collections::BTreeSet;

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use megarepo::study::stats::{Progress, Stats, StatsInput, StudySettings};
use megarepo::study::streak::{DayMark, StreakRules};
use megarepo::study::{Clock, FixedClock, Mode, Session, study_days};

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

/// A stopped session of `mins` minutes starting at a local wall time.
fn studied(id: u64, zone: &str, local: &str, mins: i64, mode: Mode) -> Session {
    let clock = FixedClock::at_local(zone, local).unwrap();
    let mut s = Session::start(id, clock.now(), zone.to_string(), mode, None);
    clock.advance_mins(mins);
    s.stop(clock.now()).unwrap();
    s
}

fn manual(id: u64, d: Date, mins: i64, today: Date) -> Session {
    Session::manual(
        id,
        d,
        mins,
        Mode::Reading,
        "UTC".into(),
        Timestamp::UNIX_EPOCH,
        today,
        None,
    )
    .unwrap()
}

fn stats_with(sessions: &[Session], clock: &dyn Clock, rules: StreakRules) -> Stats {
    let zone = clock.zone();
    let solved = BTreeSet::new();
    let progress = Progress::default();
    let none = |_: &str| None;
    Stats::compute(&StatsInput {
        sessions,
        today: clock.today(),
        zone: &zone,
        settings: StudySettings {
            daily_goal_minutes: 60,
            streak: rules,
        },
        start_date: None,
        section_of: &none,
        solved: &solved,
        progress: &progress,
    })
}

const NO_FREEZES: StreakRules = StreakRules {
    threshold_minutes: 30,
    freezes_per_month: 0,
};

#[test]
fn midnight_crossing_is_split_between_the_two_days() {
    let s = studied(1, "Europe/Berlin", "2025-01-10T23:30", 60, Mode::Coding);
    let days = study_days(std::slice::from_ref(&s), &tz("Europe/Berlin"));
    assert_eq!(days.on(date(2025, 1, 10)).coding, 30 * 60);
    assert_eq!(days.on(date(2025, 1, 11)).coding, 30 * 60);
    // Each half reaches a 30-minute threshold, so both days count.
    let clock = FixedClock::at_local("Europe/Berlin", "2025-01-11T12:00").unwrap();
    let st = stats_with(&[s], &clock, NO_FREEZES);
    assert_eq!(st.streak.current, 2);
    assert!(st.streak.today_counts);
    // With a 31-minute threshold neither half counts.
    let s = studied(1, "Europe/Berlin", "2025-01-10T23:30", 60, Mode::Coding);
    let strict = StreakRules {
        threshold_minutes: 31,
        ..NO_FREEZES
    };
    assert_eq!(stats_with(&[s], &clock, strict).streak.current, 0);
}

#[test]
fn spring_forward_day_counts_real_minutes_once() {
    // New York jumps from 02:00 to 03:00 on 2024-03-10.
    let s = studied(1, "America/New_York", "2024-03-10T01:30", 60, Mode::Reading);
    let end = s.timed().unwrap().checkpoint;
    assert_eq!(
        end.to_zoned_datetime(tz("America/New_York")).time(),
        jiff::civil::time(3, 30, 0, 0),
        "an hour of real time ends at 03:30 local"
    );
    let days = study_days(&[s], &tz("America/New_York"));
    assert_eq!(days.by_date.len(), 1);
    assert_eq!(days.on(date(2024, 3, 10)).reading, 60 * 60);
}

#[test]
fn dst_changes_never_break_or_double_a_streak() {
    // One session a day across both 2024 changes in New York.
    let mut sessions = Vec::new();
    for (i, d) in ["2024-03-09", "2024-03-10", "2024-03-11"]
        .iter()
        .enumerate()
    {
        sessions.push(studied(
            i as u64,
            "America/New_York",
            &format!("{d}T23:00"),
            40,
            Mode::Coding,
        ));
    }
    for (i, d) in ["2024-11-02", "2024-11-03", "2024-11-04"]
        .iter()
        .enumerate()
    {
        sessions.push(studied(
            10 + i as u64,
            "America/New_York",
            &format!("{d}T00:30"),
            90,
            Mode::Reading,
        ));
    }
    let clock = FixedClock::at_local("America/New_York", "2024-03-11T23:59").unwrap();
    let march: Vec<Session> = sessions[..3].to_vec();
    let st = stats_with(&march, &clock, NO_FREEZES);
    // 23:00 + 40 min crosses midnight: 30 min on each date, so every date in
    // the run reaches the threshold, including the 23-hour 2024-03-10.
    assert_eq!(st.streak.current, 3);
    let clock = FixedClock::at_local("America/New_York", "2024-11-04T12:00").unwrap();
    let st = stats_with(&sessions, &clock, NO_FREEZES);
    assert_eq!(st.streak.current, 3);
    // 2024-11-03 00:30 + 90 real minutes = 01:00 EST (after 01:00 EDT repeated):
    // exactly 90 minutes on that date, not 30 or 150.
    let d = st
        .days_30
        .iter()
        .find(|d| d.date == date(2024, 11, 3))
        .unwrap();
    assert_eq!(d.total, 90);
    assert_eq!(st.streak.longest, 3);
}

#[test]
fn flying_east_skips_a_date_without_breaking_the_streak() {
    // Monday morning in Los Angeles, then the flight; the next session is
    // Wednesday afternoon in Tokyo, which is still Tuesday in Los Angeles.
    let mon = studied(
        1,
        "America/Los_Angeles",
        "2025-03-03T09:00",
        45,
        Mode::Reading,
    );
    let sun = studied(
        0,
        "America/Los_Angeles",
        "2025-03-02T09:00",
        45,
        Mode::Reading,
    );
    let wed = studied(2, "Asia/Tokyo", "2025-03-05T16:00", 45, Mode::Coding);
    let clock = FixedClock::at_local("Asia/Tokyo", "2025-03-05T20:00").unwrap();
    let st = stats_with(&[sun, mon, wed], &clock, NO_FREEZES);
    assert_eq!(st.streak.mark(date(2025, 3, 4)), Some(DayMark::Travel));
    assert_eq!(st.streak.current, 3, "Sun, Mon, (Tue jumped over), Wed");
    assert!(st.streak.frozen.is_empty());
}

#[test]
fn flying_west_repeats_a_date_that_counts_once() {
    // Study Tuesday evening in Tokyo, fly to Los Angeles, arrive on the
    // same Tuesday morning and study again.
    let mon = studied(0, "Asia/Tokyo", "2025-03-03T19:00", 40, Mode::Reading);
    let tokyo = studied(1, "Asia/Tokyo", "2025-03-04T19:00", 20, Mode::Reading);
    let la = studied(
        2,
        "America/Los_Angeles",
        "2025-03-04T10:00",
        20,
        Mode::Coding,
    );
    let clock = FixedClock::at_local("America/Los_Angeles", "2025-03-04T12:00").unwrap();
    let st = stats_with(&[mon, tokyo, la], &clock, NO_FREEZES);
    let tue = st
        .days_30
        .iter()
        .find(|d| d.date == date(2025, 3, 4))
        .unwrap();
    assert_eq!((tue.reading, tue.coding, tue.total), (20, 20, 40));
    // Two dates, two streak days: the repeated Tuesday is one day.
    assert_eq!(st.streak.current, 2);
    assert!(st.streak.today_counts);
}

#[test]
fn gaps_break_the_streak_and_longest_is_kept() {
    let today = date(2025, 5, 20);
    let mut s = Vec::new();
    for d in 1..=7 {
        s.push(manual(d, date(2025, 5, d as i8), 30, today));
    }
    for d in 17..=19 {
        s.push(manual(d, date(2025, 5, d as i8), 45, today));
    }
    let clock = FixedClock::at_local("UTC", "2025-05-20T08:00").unwrap();
    let st = stats_with(&s, &clock, NO_FREEZES);
    assert_eq!(st.streak.longest, 7);
    assert_eq!(st.streak.current, 3);
    assert!(!st.streak.today_counts, "today is pending, not a break");
    assert_eq!(st.streak.mark(today), Some(DayMark::Pending));
    assert_eq!(st.streak.mark(date(2025, 5, 8)), Some(DayMark::Missed));
    // 29 minutes is below the threshold: still pending, streak unchanged.
    s.push(manual(20, today, 29, today));
    assert_eq!(stats_with(&s, &clock, NO_FREEZES).streak.current, 3);
    s.push(manual(21, today, 1, today));
    let st = stats_with(&s, &clock, NO_FREEZES);
    assert_eq!((st.streak.current, st.streak.today_counts), (4, true));
}

#[test]
fn a_missed_yesterday_ends_the_current_streak() {
    let today = date(2025, 5, 20);
    let s = vec![
        manual(1, date(2025, 5, 17), 45, today),
        manual(2, date(2025, 5, 18), 45, today),
    ];
    let clock = FixedClock::at_local("UTC", "2025-05-20T08:00").unwrap();
    let st = stats_with(&s, &clock, NO_FREEZES);
    assert_eq!((st.streak.current, st.streak.longest), (0, 2));
}

#[test]
fn freezes_keep_a_streak_alive_and_reset_each_month() {
    let today = date(2025, 6, 3);
    let studied_days = [
        date(2025, 5, 24),
        date(2025, 5, 25),
        // 26 missed: frozen
        date(2025, 5, 27),
        // 28 missed: frozen
        date(2025, 5, 29),
        date(2025, 5, 30),
        // 31 missed: no freeze left in May -> breaks
        date(2025, 6, 1),
        // 2 missed: June has its own two freezes
        date(2025, 6, 3),
    ];
    let s: Vec<Session> = studied_days
        .iter()
        .enumerate()
        .map(|(i, d)| manual(i as u64, *d, 30, today))
        .collect();
    let clock = FixedClock::at_local("UTC", "2025-06-03T21:00").unwrap();
    let rules = StreakRules {
        threshold_minutes: 30,
        freezes_per_month: 2,
    };
    let st = stats_with(&s, &clock, rules);
    assert_eq!(
        st.streak.frozen,
        vec![date(2025, 5, 26), date(2025, 5, 28), date(2025, 6, 2)]
    );
    assert_eq!(st.streak.mark(date(2025, 5, 31)), Some(DayMark::Missed));
    assert_eq!(
        st.streak.longest, 5,
        "frozen days keep the run but do not lengthen it"
    );
    assert_eq!(st.streak.current, 2);
    // The heatmap shows frozen days as such.
    let cell = st
        .heatmap
        .columns
        .iter()
        .flatten()
        .flatten()
        .find(|c| c.date == date(2025, 6, 2))
        .unwrap();
    assert_eq!(cell.mark, Some(DayMark::Frozen));
    // With freezes off, the same days give shorter runs.
    let st = stats_with(&s, &clock, NO_FREEZES);
    assert_eq!((st.streak.current, st.streak.longest), (1, 2));
}

#[test]
fn a_backdated_manual_entry_mends_a_gap() {
    let today = date(2025, 4, 10);
    let mut s = vec![
        manual(1, date(2025, 4, 7), 45, today),
        manual(2, date(2025, 4, 9), 45, today),
        manual(3, today, 45, today),
    ];
    let clock = FixedClock::at_local("UTC", "2025-04-10T18:00").unwrap();
    assert_eq!(stats_with(&s, &clock, NO_FREEZES).streak.current, 2);
    // Logged on the 10th for the 8th: study done away from the keyboard.
    s.push(manual(4, date(2025, 4, 8), 50, today));
    let st = stats_with(&s, &clock, NO_FREEZES);
    assert_eq!(st.streak.current, 4);
    assert_eq!(st.days_30.last().unwrap().date, today);
}

#[test]
fn a_solved_challenge_counts_a_day_without_minutes() {
    let today = date(2025, 4, 10);
    let s = vec![
        manual(1, date(2025, 4, 8), 45, today),
        manual(2, today, 45, today),
    ];
    let clock = FixedClock::at_local("UTC", "2025-04-10T18:00").unwrap();
    let zone = clock.zone();
    let solved: BTreeSet<Date> = [date(2025, 4, 9)].into_iter().collect();
    let none = |_: &str| None;
    let st = Stats::compute(&StatsInput {
        sessions: &s,
        today,
        zone: &zone,
        settings: StudySettings {
            daily_goal_minutes: 60,
            streak: NO_FREEZES,
        },
        start_date: None,
        section_of: &none,
        solved: &solved,
        progress: &Progress::default(),
    });
    assert_eq!(st.streak.current, 3);
}

#[test]
fn five_logged_days_and_today_make_a_streak_of_six() {
    let clock = FixedClock::at_local("Europe/Paris", "2025-09-15T20:00").unwrap();
    let today = clock.today();
    let s: Vec<Session> = (0..6)
        .map(|n| {
            manual(
                n as u64,
                today - SignedDuration::from_hours(24 * n),
                45,
                today,
            )
        })
        .collect();
    let st = stats_with(&s, &clock, StreakRules::default());
    assert_eq!(st.streak.current, 6);
    assert_eq!(st.today_minutes.total, 45);
    assert_eq!(st.total_minutes, 6 * 45);
    assert_eq!(st.goal_percent, 75);
    let heat: Vec<_> = st
        .heatmap
        .columns
        .iter()
        .flatten()
        .flatten()
        .filter(|c| c.minutes > 0)
        .map(|c| c.date)
        .collect();
    assert_eq!(heat.len(), 6);
    assert_eq!(*heat.last().unwrap(), today);
    assert_eq!(st.status_line(), "today 45m/1h00m · R 45m C 0m · streak 6");
}

#[test]
fn sessions_per_roadmap_section_and_week() {
    let clock = FixedClock::at_local("UTC", "2025-09-17T20:00").unwrap();
    let mut a = studied(1, "UTC", "2025-09-15T10:00", 30, Mode::Reading);
    a.item = Some("rust-book".into());
    let mut b = studied(2, "UTC", "2025-09-16T10:00", 20, Mode::Coding);
    b.item = Some("kv-crud".into());
    let c = studied(3, "UTC", "2025-09-14T10:00", 10, Mode::Coding);
    let section = |item: &str| match item {
        "rust-book" => Some("fundamentals".to_string()),
        "kv-crud" => Some("phase-2".to_string()),
        _ => None,
    };
    let zone = clock.zone();
    let st = Stats::compute(&StatsInput {
        sessions: &[a, b, c],
        today: clock.today(),
        zone: &zone,
        settings: StudySettings::default(),
        start_date: None,
        section_of: &section,
        solved: &BTreeSet::new(),
        progress: &Progress::default(),
    });
    let sec: Vec<(&str, i64)> = st
        .sections
        .iter()
        .map(|s| (s.section.as_str(), s.total))
        .collect();
    assert_eq!(
        sec,
        vec![("fundamentals", 30), ("phase-2", 20), ("unassigned", 10)]
    );
    let weeks: Vec<(Date, i64)> = st.weeks.iter().map(|w| (w.week, w.total)).collect();
    assert_eq!(weeks, vec![(date(2025, 9, 8), 10), (date(2025, 9, 15), 50)]);
    assert_eq!(st.balance_7_days.reading_percent, Some(50));
    assert_eq!(st.start_date, date(2025, 9, 14));
    // The heatmap's last column holds today; later days are empty.
    let last = st.heatmap.columns.last().unwrap();
    assert_eq!(last[2].unwrap().date, date(2025, 9, 17));
    assert!(last[3].is_none());
    assert_eq!(st.heatmap.columns.len(), 26);
}
