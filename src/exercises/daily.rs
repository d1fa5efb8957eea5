//! The daily challenge: one exercise a day, the same all day long.
//!
//! The pool for a date is the exercises still open at the start of that
//! date (never solved, or solved on that date or later), narrowed to the
//! roadmap's current topic when any of that topic are open. Each exercise
//! gets a score from a fixed hash of the date and its name, and the lowest
//! score wins, so the pick depends only on the date, the bank and what was
//! solved before that day: solving today's challenge does not change
//! today's pick. To keep two days in a row from repeating, a pick equal to
//! yesterday's (by the same rule) gives way to the runner-up.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::bank::{Exercise, Topic};
use super::workspace::hash;

fn open_on<'a>(
    exercises: &'a [Exercise],
    solved: &BTreeMap<String, Date>,
    date: Date,
    topic: Option<Topic>,
) -> Vec<&'a Exercise> {
    let open: Vec<&Exercise> = exercises
        .iter()
        .filter(|e| solved.get(&e.name).is_none_or(|d| *d >= date))
        .collect();
    if let Some(t) = topic {
        let on_topic: Vec<&Exercise> = open.iter().copied().filter(|e| e.topic == t).collect();
        if !on_topic.is_empty() {
            return on_topic;
        }
    }
    open
}

fn ranked<'a>(pool: &[&'a Exercise], date: Date) -> Vec<&'a Exercise> {
    let mut scored: Vec<(String, &Exercise)> = pool
        .iter()
        .map(|e| (hash(&format!("{date}/{}", e.name)), *e))
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    scored.into_iter().map(|(_, e)| e).collect()
}

/// Today's challenge for `date`, or `None` when everything is solved.
pub fn daily_pick<'a>(
    exercises: &'a [Exercise],
    solved: &BTreeMap<String, Date>,
    date: Date,
    topic: Option<Topic>,
) -> Option<&'a Exercise> {
    let today = ranked(&open_on(exercises, solved, date, topic), date);
    let first = *today.first()?;
    let yesterday = date.yesterday().ok().and_then(|y| {
        ranked(&open_on(exercises, solved, y, topic), y)
            .first()
            .copied()
    });
    match (yesterday, today.get(1)) {
        (Some(y), Some(second)) if y.name == first.name => Some(*second),
        _ => Some(first),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::bank::CheckKind;
    use super::*;

    fn ex(n: u16, topic: Topic) -> Exercise {
        Exercise {
            name: format!("{n:03}-x"),
            number: n,
            title: String::new(),
            topic,
            sheet: String::new(),
            hints: Vec::new(),
            check: CheckKind::Test,
            readme: String::new(),
            starter: String::new(),
            solution: String::new(),
            dir: PathBuf::new(),
        }
    }

    fn bank() -> Vec<Exercise> {
        (1..=30)
            .map(|n| {
                ex(
                    n,
                    if n <= 20 {
                        Topic::Basics
                    } else {
                        Topic::Traits
                    },
                )
            })
            .collect()
    }

    fn d(day: i8) -> Date {
        jiff::civil::date(2026, 12, day)
    }

    #[test]
    fn stable_for_a_date_and_changing_across_dates() {
        let b = bank();
        let none = BTreeMap::new();
        let mut picks = Vec::new();
        for day in 1..=31 {
            let a = daily_pick(&b, &none, d(day), None).unwrap();
            let again = daily_pick(&b, &none, d(day), None).unwrap();
            assert_eq!(a.name, again.name);
            picks.push(a.name.clone());
        }
        for pair in picks.windows(2) {
            assert_ne!(pair[0], pair[1], "two days in a row: {picks:?}");
        }
        let mut distinct = picks.clone();
        distinct.sort();
        distinct.dedup();
        assert!(
            distinct.len() >= 12,
            "only {} distinct picks",
            distinct.len()
        );
    }

    #[test]
    fn solving_it_today_keeps_the_pick_and_tomorrow_skips_it() {
        let b = bank();
        let mut solved = BTreeMap::new();
        let pick = daily_pick(&b, &solved, d(5), None).unwrap().name.clone();
        solved.insert(pick.clone(), d(5));
        assert_eq!(daily_pick(&b, &solved, d(5), None).unwrap().name, pick);
        for day in 6..=31 {
            assert_ne!(daily_pick(&b, &solved, d(day), None).unwrap().name, pick);
        }
    }

    #[test]
    fn the_current_topic_is_preferred_until_it_runs_out() {
        let b = bank();
        let mut solved = BTreeMap::new();
        for day in 1..=10 {
            assert_eq!(
                daily_pick(&b, &solved, d(day), Some(Topic::Traits))
                    .unwrap()
                    .topic,
                Topic::Traits
            );
        }
        for e in b.iter().filter(|e| e.topic == Topic::Traits) {
            solved.insert(e.name.clone(), d(1));
        }
        assert_eq!(
            daily_pick(&b, &solved, d(3), Some(Topic::Traits))
                .unwrap()
                .topic,
            Topic::Basics
        );
        for e in &b {
            solved.insert(e.name.clone(), d(1));
        }
        assert!(daily_pick(&b, &solved, d(3), None).is_none());
        assert!(daily_pick(&[], &BTreeMap::new(), d(3), None).is_none());
        // A single open exercise is picked even if it was yesterday's.
        let one = vec![ex(1, Topic::Basics)];
        assert_eq!(
            daily_pick(&one, &BTreeMap::new(), d(3), None)
                .unwrap()
                .number,
            1
        );
    }
}
