//! `pm report`: counts per project, the overdue tasks, and how many tasks
//! were finished in each of the last weeks.
//!
//! The report is plain data (`Serialize`), so `--json` prints it as it is
//! and the text output and a pane can lay it out as they like.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde::Serialize;

use crate::model::{Board, Status};

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub today: Date,
    /// One row per project in the board's order, then one for tasks without
    /// a project (`project: null`) if there are any.
    pub projects: Vec<ProjectCounts>,
    /// Overdue tasks, the most overdue first.
    pub overdue: Vec<Overdue>,
    /// The last weeks (Monday to Sunday), oldest first, this week last.
    pub done_per_week: Vec<WeekDone>,
}

/// Task counts of one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectCounts {
    pub project: Option<String>,
    pub todo: usize,
    pub doing: usize,
    pub done: usize,
    pub overdue: usize,
}

/// A task past its due date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overdue {
    pub id: u64,
    pub title: String,
    pub project: Option<String>,
    pub due: Date,
    pub days_late: i32,
}

/// Tasks finished in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekDone {
    /// The Monday that starts the week.
    pub week_start: Date,
    pub done: usize,
}

/// Builds the report as of `today`, counting `weeks` weeks back (this week
/// included). `tz` turns "done at" times into dates; pass
/// `TimeZone::system()` for the learner's own weeks.
pub fn report(board: &Board, today: Date, tz: &TimeZone, weeks: u32) -> Report {
    let mut projects: Vec<ProjectCounts> = board
        .projects
        .iter()
        .map(|p| counts(Some(p.name.clone())))
        .collect();
    let mut loose = counts(None);
    for task in &board.tasks {
        let row = match &task.project {
            Some(name) => projects
                .iter_mut()
                .find(|r| r.project.as_ref() == Some(name)),
            None => Some(&mut loose),
        };
        // A task whose project is missing cannot be in a validated board.
        let Some(row) = row else { continue };
        match task.status {
            Status::Todo => row.todo += 1,
            Status::Doing => row.doing += 1,
            Status::Done => row.done += 1,
        }
        if task.is_overdue(today) {
            row.overdue += 1;
        }
    }
    if loose.todo + loose.doing + loose.done > 0 {
        projects.push(loose);
    }

    let mut overdue: Vec<Overdue> = board
        .tasks
        .iter()
        .filter(|t| t.is_overdue(today))
        .filter_map(|t| {
            let due = t.due?;
            Some(Overdue {
                id: t.id,
                title: t.title.clone(),
                project: t.project.clone(),
                due,
                days_late: (today - due).get_days(),
            })
        })
        .collect();
    overdue.sort_by_key(|o| (o.due, o.id));

    let this_monday = monday_of(today);
    let done_per_week = (0..weeks.max(1))
        .rev()
        .filter_map(|back| {
            let start = this_monday
                .checked_sub(Span::new().try_weeks(i64::from(back)).ok()?)
                .ok()?;
            let done = board
                .tasks
                .iter()
                .filter(|t| t.status == Status::Done)
                .filter_map(|t| t.done_at)
                .filter(|at| monday_of(date_in(*at, tz)) == start)
                .count();
            Some(WeekDone {
                week_start: start,
                done,
            })
        })
        .collect();

    Report {
        today,
        projects,
        overdue,
        done_per_week,
    }
}

fn counts(project: Option<String>) -> ProjectCounts {
    ProjectCounts {
        project,
        todo: 0,
        doing: 0,
        done: 0,
        overdue: 0,
    }
}

fn date_in(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned_datetime(tz.clone()).date()
}

/// The Monday on or before `date`.
fn monday_of(date: Date) -> Date {
    let back = date.weekday().to_monday_zero_offset();
    date.checked_sub(Span::new().days(back)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewTask;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn counts_overdue_and_weeks() {
        let mut b = Board::new();
        b.add_project("book", None).unwrap();
        b.add_project("empty", None).unwrap();
        let late = b
            .add_task(NewTask {
                title: "late".into(),
                project: Some("book".into()),
                due: Some(date("2026-11-30")),
                ..Default::default()
            })
            .unwrap();
        let done = b
            .add_task(NewTask {
                title: "done".into(),
                ..Default::default()
            })
            .unwrap();
        b.set_status(done.id, Status::Done).unwrap();
        // Pretend it was finished on a known day: Thursday 2026-11-26.
        b.tasks[1].done_at = Some("2026-11-26T12:00:00Z".parse().unwrap());

        let r = report(&b, date("2026-12-03"), &TimeZone::UTC, 3);
        assert_eq!(
            r.projects.len(),
            3,
            "book, empty, and the tasks without a project"
        );
        assert_eq!((r.projects[0].todo, r.projects[0].overdue), (1, 1));
        assert_eq!(r.projects[1].todo + r.projects[1].done, 0);
        assert_eq!(
            (r.projects[2].project.as_deref(), r.projects[2].done),
            (None, 1)
        );
        assert_eq!(r.overdue.len(), 1);
        assert_eq!((r.overdue[0].id, r.overdue[0].days_late), (late.id, 3));
        let weeks: Vec<(String, usize)> = r
            .done_per_week
            .iter()
            .map(|w| (w.week_start.to_string(), w.done))
            .collect();
        assert_eq!(
            weeks,
            [
                ("2026-11-16".to_string(), 0),
                ("2026-11-23".to_string(), 1),
                ("2026-11-30".to_string(), 0)
            ]
        );
    }
}
