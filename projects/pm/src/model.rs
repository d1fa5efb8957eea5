//! The data: a [`Board`] of projects and tasks, and every change to it.
//!
//! This module knows nothing about files or the command line. Each change
//! (`add_task`, `set_status`, `edit`, ...) is a method that either succeeds
//! completely or returns an error and leaves the board as it was, so the
//! caller can run it under the file lock and write only on success (see
//! [`crate::Workspace::update`]). Methods return owned copies of what they
//! changed, which is what a caller wants after the lock is released.
//!
//! The same structs are what `serde` reads and writes: the board file is
//! these types as YAML (see `FORMAT.md`).

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The newest board format this build reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

/// Everything in one workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Format version; a file with a higher one is refused, not guessed at.
    pub version: u32,
    /// The id the next task gets. Ids are never reused, so `#7` in your
    /// notes keeps meaning the same task even after tasks are removed.
    #[serde(default)]
    pub next_id: u64,
    #[serde(default)]
    pub projects: Vec<Project>,
    #[serde(default)]
    pub tasks: Vec<Task>,
}

/// A named group of tasks (a course, a book, a side project).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created: Timestamp,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: u64,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// For tasks found by `pm scan`: the comment they came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    pub created: Timestamp,
    pub updated: Timestamp,
    /// When the task was last marked done (for "done per week").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<Timestamp>,
}

/// Where a scanned task's `TODO:` or `FIXME:` comment is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Relative to the workspace folder when the file is inside it.
    pub file: String,
    pub line: u32,
    /// The comment's text when it was found: a re-scan recognises the
    /// comment by file and text, so the task's title can be edited freely.
    pub text: String,
}

/// The three columns of the board.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Todo,
    Doing,
    Done,
}

impl Status {
    /// All statuses, in board order.
    pub const ALL: [Status; 3] = [Status::Todo, Status::Doing, Status::Done];

    /// The column to the right (todo → doing → done), for a kanban's
    /// "move right" key; `None` from done.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Todo => Some(Status::Doing),
            Status::Doing => Some(Status::Done),
            Status::Done => None,
        }
    }

    /// The column to the left; `None` from todo.
    pub fn previous(self) -> Option<Status> {
        match self {
            Status::Todo => None,
            Status::Doing => Some(Status::Todo),
            Status::Done => Some(Status::Doing),
        }
    }

    /// The name used in the file, in `--status` and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::Doing => "doing",
            Status::Done => "done",
        }
    }
}

/// How much a task matters. Lists sort high first.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

impl Priority {
    /// The name used in the file, in `--priority` and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
        }
    }
}

/// What `add` needs; everything but the title is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTask {
    pub title: String,
    pub project: Option<String>,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub due: Option<Date>,
    pub notes: Option<String>,
}

/// A change to some fields of a task. `None` leaves a field alone; for the
/// optional fields, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskEdit {
    pub title: Option<String>,
    pub project: Option<Option<String>>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub due: Option<Option<Date>>,
    pub notes: Option<Option<String>>,
}

/// Which tasks `list` shows. The default shows every task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Keep tasks with one of these statuses (all when empty).
    pub statuses: Vec<Status>,
    pub tag: Option<String>,
    pub project: Option<String>,
    /// Keep tasks due on or before this date.
    pub due_by: Option<Date>,
}

impl Filter {
    /// Whether `task` passes every condition of the filter.
    pub fn matches(&self, task: &Task) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&task.status))
            && self.tag.as_ref().is_none_or(|t| task.tags.contains(t))
            && self
                .project
                .as_ref()
                .is_none_or(|p| task.project.as_ref() == Some(p))
            && self
                .due_by
                .is_none_or(|by| task.due.is_some_and(|due| due <= by))
    }
}

impl Task {
    /// Due before `today` and not done.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status != Status::Done && self.due.is_some_and(|due| due < today)
    }
}

impl Default for Board {
    fn default() -> Self {
        Board::new()
    }
}

impl Board {
    /// An empty board in the current format.
    pub fn new() -> Board {
        Board {
            version: FORMAT_VERSION,
            next_id: 1,
            projects: Vec::new(),
            tasks: Vec::new(),
        }
    }

    /// Checks what serde cannot: unique ids and names, tasks in projects
    /// that exist, valid names and titles. The message names the culprit.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let mut names = std::collections::HashSet::new();
        for p in &self.projects {
            check_name("project", &p.name).map_err(|e| e.to_string())?;
            if !names.insert(p.name.as_str()) {
                return Err(format!("project `{}` is listed twice", p.name));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for t in &self.tasks {
            if !ids.insert(t.id) {
                return Err(format!("two tasks have id {}", t.id));
            }
            if t.id == 0 {
                return Err("task ids start at 1; found a task with id 0".into());
            }
            check_title(&t.title).map_err(|e| format!("task #{}: {e}", t.id))?;
            if let Some(p) = &t.project
                && !names.contains(p.as_str())
            {
                return Err(format!(
                    "task #{} is in project `{p}`, which is not in the projects list",
                    t.id
                ));
            }
            for tag in &t.tags {
                check_name("tag", tag).map_err(|e| format!("task #{}: {e}", t.id))?;
            }
        }
        Ok(())
    }

    /// The task with this id.
    pub fn task(&self, id: u64) -> Result<&Task> {
        self.tasks
            .iter()
            .find(|t| t.id == id)
            .ok_or(Error::TaskNotFound { id })
    }

    fn task_mut(&mut self, id: u64) -> Result<&mut Task> {
        self.tasks
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or(Error::TaskNotFound { id })
    }

    /// The project with this name.
    pub fn project(&self, name: &str) -> Result<&Project> {
        self.projects
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::ProjectNotFound { name: name.into() })
    }

    /// Adds a project. Names are one word (letters, digits, `-`, `_`, `.`)
    /// so they can be typed after `--project` without quotes.
    pub fn add_project(&mut self, name: &str, description: Option<String>) -> Result<Project> {
        check_name("project", name)?;
        if self.project(name).is_ok() {
            return Err(Error::ProjectExists { name: name.into() });
        }
        let project = Project {
            name: name.into(),
            description: description.filter(|d| !d.trim().is_empty()),
            created: now(),
        };
        self.projects.push(project.clone());
        Ok(project)
    }

    /// Removes a project. Its tasks stay, without a project, only when
    /// `force` is set; otherwise a project with tasks is refused.
    pub fn remove_project(&mut self, name: &str, force: bool) -> Result<Project> {
        let index = self
            .projects
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| Error::ProjectNotFound { name: name.into() })?;
        let count = self
            .tasks
            .iter()
            .filter(|t| t.project.as_deref() == Some(name))
            .count();
        if count > 0 && !force {
            return Err(Error::ProjectNotEmpty {
                name: name.into(),
                count,
            });
        }
        let stamp = now();
        for t in self
            .tasks
            .iter_mut()
            .filter(|t| t.project.as_deref() == Some(name))
        {
            t.project = None;
            t.updated = stamp;
        }
        Ok(self.projects.remove(index))
    }

    /// Adds a task and gives it the next id.
    pub fn add_task(&mut self, new: NewTask) -> Result<Task> {
        check_title(&new.title)?;
        if let Some(p) = &new.project {
            self.project(p)?;
        }
        let mut tags = Vec::new();
        for tag in new.tags {
            check_name("tag", &tag)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let id = self.fresh_id();
        let stamp = now();
        let task = Task {
            id,
            title: new.title.trim().to_string(),
            project: new.project,
            status: Status::Todo,
            priority: new.priority,
            tags,
            due: new.due,
            notes: new.notes.filter(|n| !n.trim().is_empty()),
            source: None,
            created: stamp,
            updated: stamp,
            done_at: None,
        };
        self.tasks.push(task.clone());
        Ok(task)
    }

    /// Takes the next id. A hand-edited file may have a `next_id` that is
    /// too small; the largest id in use wins, so an id is never handed out
    /// twice.
    pub(crate) fn fresh_id(&mut self) -> u64 {
        let in_use = self.tasks.iter().map(|t| t.id).max().unwrap_or(0);
        let id = self.next_id.max(in_use + 1);
        self.next_id = id + 1;
        id
    }

    /// Moves a task to another column.
    pub fn set_status(&mut self, id: u64, status: Status) -> Result<Task> {
        self.edit(
            id,
            TaskEdit {
                status: Some(status),
                ..TaskEdit::default()
            },
        )
    }

    /// Sets or clears the due date.
    pub fn set_due(&mut self, id: u64, due: Option<Date>) -> Result<Task> {
        self.edit(
            id,
            TaskEdit {
                due: Some(due),
                ..TaskEdit::default()
            },
        )
    }

    /// Changes some fields of a task. Every new value is checked before the
    /// first one is applied, so a bad value changes nothing.
    pub fn edit(&mut self, id: u64, edit: TaskEdit) -> Result<Task> {
        if let Some(title) = &edit.title {
            check_title(title)?;
        }
        if let Some(Some(p)) = &edit.project {
            self.project(p)?;
        }
        let task = self.task_mut(id)?;
        if let Some(title) = edit.title {
            task.title = title.trim().to_string();
        }
        if let Some(project) = edit.project {
            task.project = project;
        }
        if let Some(status) = edit.status
            && status != task.status
        {
            task.status = status;
            task.done_at = (status == Status::Done).then(now);
        }
        if let Some(priority) = edit.priority {
            task.priority = priority;
        }
        if let Some(due) = edit.due {
            task.due = due;
        }
        if let Some(notes) = edit.notes {
            task.notes = notes.filter(|n| !n.trim().is_empty());
        }
        task.updated = now();
        Ok(task.clone())
    }

    /// Adds and removes tags (adding one that is there, or removing one
    /// that is not, is not an error).
    pub fn tag(&mut self, id: u64, add: &[String], remove: &[String]) -> Result<Task> {
        for tag in add.iter().chain(remove) {
            check_name("tag", tag)?;
        }
        let task = self.task_mut(id)?;
        task.tags.retain(|t| !remove.contains(t));
        for tag in add {
            if !task.tags.contains(tag) {
                task.tags.push(tag.clone());
            }
        }
        task.updated = now();
        Ok(task.clone())
    }

    /// Removes a task for good.
    pub fn remove_task(&mut self, id: u64) -> Result<Task> {
        let index = self
            .tasks
            .iter()
            .position(|t| t.id == id)
            .ok_or(Error::TaskNotFound { id })?;
        Ok(self.tasks.remove(index))
    }

    /// The tasks that pass `filter`, most urgent first: doing before todo
    /// before done, then high priority first, then earliest due, then id.
    pub fn filter(&self, filter: &Filter) -> Vec<&Task> {
        let mut tasks: Vec<&Task> = self.tasks.iter().filter(|t| filter.matches(t)).collect();
        tasks.sort_by_key(|t| {
            let column = match t.status {
                Status::Doing => 0,
                Status::Todo => 1,
                Status::Done => 2,
            };
            // `None` sorts before `Some`, but an undated task is the least
            // urgent, so compare "has no due date" first.
            (
                column,
                std::cmp::Reverse(t.priority),
                t.due.is_none(),
                t.due,
                t.id,
            )
        });
        tasks
    }

    /// The kanban columns (todo, doing, done), each sorted as [`Board::filter`]
    /// sorts, optionally for one project only.
    pub fn columns(&self, project: Option<&str>) -> [Vec<&Task>; 3] {
        Status::ALL.map(|status| {
            self.filter(&Filter {
                statuses: vec![status],
                project: project.map(str::to_string),
                ..Filter::default()
            })
        })
    }

    /// Full-text search: tasks where every word of `query` appears
    /// (ignoring case) in the title, notes, tags, project or source file.
    pub fn search(&self, query: &str) -> Vec<&Task> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        self.tasks
            .iter()
            .filter(|t| {
                let mut text = t.title.to_lowercase();
                for extra in [t.notes.as_deref(), t.project.as_deref()]
                    .into_iter()
                    .flatten()
                    .chain(t.tags.iter().map(String::as_str))
                    .chain(t.source.as_ref().map(|s| s.file.as_str()))
                {
                    text.push('\n');
                    text.push_str(&extra.to_lowercase());
                }
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect()
    }
}

/// The time now, to the second (nanoseconds would only make the file
/// harder to read).
pub(crate) fn now() -> Timestamp {
    let exact = Timestamp::now();
    Timestamp::from_second(exact.as_second()).unwrap_or(exact)
}

/// Today's date in the system time zone.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Reads a due date: `2026-12-24`, `today`, `tomorrow`, a weekday (`fri`
/// or `friday`: the next one, today included), `+3d` or `+2w`.
pub fn parse_due(text: &str, today: Date) -> Result<Date> {
    let bad = || {
        Error::InvalidInput(format!(
            "cannot read the date `{text}`: use YYYY-MM-DD, today, tomorrow, a weekday (mon..sun), +3d or +2w"
        ))
    };
    let lower = text.trim().to_lowercase();
    let days_ahead: i64 = match lower.as_str() {
        "today" => 0,
        "tomorrow" => 1,
        _ => {
            if let Some(weekday) = weekday(&lower) {
                i64::from(today.weekday().until(weekday))
            } else if let Some(n) = lower.strip_prefix('+') {
                // `strip_suffix` rather than slicing: no byte index can land
                // inside a multi-byte character.
                let (count, unit) = if let Some(n) = n.strip_suffix('d') {
                    (n, 1)
                } else if let Some(n) = n.strip_suffix('w') {
                    (n, 7)
                } else {
                    return Err(bad());
                };
                let count: i64 = count.parse().map_err(|_| bad())?;
                count.checked_mul(unit).ok_or_else(bad)?
            } else {
                return lower.parse::<Date>().map_err(|_| bad());
            }
        }
    };
    let span = Span::new().try_days(days_ahead).map_err(|_| bad())?;
    today.checked_add(span).map_err(|_| bad())
}

fn weekday(word: &str) -> Option<jiff::civil::Weekday> {
    use jiff::civil::Weekday::*;
    let days = [
        ("monday", Monday),
        ("tuesday", Tuesday),
        ("wednesday", Wednesday),
        ("thursday", Thursday),
        ("friday", Friday),
        ("saturday", Saturday),
        ("sunday", Sunday),
    ];
    // "fri", "frid" and "friday" all work; "f" or "fr" is too short to be
    // a clear abbreviation.
    days.iter()
        .find(|(full, _)| word.len() >= 3 && full.starts_with(word))
        .map(|&(_, day)| day)
}

/// A project or tag name: one word of letters, digits, `-`, `_` or `.`.
pub fn check_name(kind: &str, name: &str) -> Result<()> {
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.chars().count() > 64 {
        return Err(Error::InvalidInput(format!(
            "a {kind} name must be 1 to 64 characters long, got {name:?}"
        )));
    }
    if name.starts_with('-') || !name.chars().all(ok_char) {
        return Err(Error::InvalidInput(format!(
            "{kind} name {name:?} may hold only letters, digits, `-`, `_` and `.`, and may not start with `-`"
        )));
    }
    Ok(())
}

/// A task title: some text, on one line.
pub fn check_title(title: &str) -> Result<()> {
    if title.trim().is_empty() {
        return Err(Error::InvalidInput("a task needs a title".into()));
    }
    if title.contains(['\n', '\r']) {
        return Err(Error::InvalidInput(
            "a title is one line; put more in --notes".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn board_with_project() -> Board {
        let mut b = Board::new();
        b.add_project("rust-book", None).unwrap();
        b
    }

    #[test]
    fn ids_are_never_reused() {
        let mut b = Board::new();
        let one = b
            .add_task(NewTask {
                title: "a".into(),
                ..Default::default()
            })
            .unwrap();
        let two = b
            .add_task(NewTask {
                title: "b".into(),
                ..Default::default()
            })
            .unwrap();
        b.remove_task(two.id).unwrap();
        let three = b
            .add_task(NewTask {
                title: "c".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((one.id, two.id, three.id), (1, 2, 3));
    }

    #[test]
    fn a_stale_next_id_cannot_hand_out_an_id_twice() {
        let mut b = Board::new();
        b.add_task(NewTask {
            title: "a".into(),
            ..Default::default()
        })
        .unwrap();
        b.next_id = 1; // as if edited by hand
        let t = b
            .add_task(NewTask {
                title: "b".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(t.id, 2);
        assert!(b.validate().is_ok());
    }

    #[test]
    fn a_bad_edit_changes_nothing() {
        let mut b = board_with_project();
        let t = b
            .add_task(NewTask {
                title: "read".into(),
                ..Default::default()
            })
            .unwrap();
        let before = b.clone();
        let err = b
            .edit(
                t.id,
                TaskEdit {
                    priority: Some(Priority::High),
                    project: Some(Some("nope".into())),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::ProjectNotFound { .. }));
        assert_eq!(b, before);
    }

    #[test]
    fn columns_step_left_and_right() {
        let right: Vec<_> = Status::ALL.iter().map(|s| s.next()).collect();
        assert_eq!(right, [Some(Status::Doing), Some(Status::Done), None]);
        let left: Vec<_> = Status::ALL.iter().map(|s| s.previous()).collect();
        assert_eq!(left, [None, Some(Status::Todo), Some(Status::Doing)]);
    }

    #[test]
    fn done_sets_and_reopening_clears_done_at() {
        let mut b = Board::new();
        let t = b
            .add_task(NewTask {
                title: "x".into(),
                ..Default::default()
            })
            .unwrap();
        assert!(b.set_status(t.id, Status::Done).unwrap().done_at.is_some());
        assert!(b.set_status(t.id, Status::Todo).unwrap().done_at.is_none());
    }

    #[test]
    fn removing_a_project_with_tasks_needs_force() {
        let mut b = board_with_project();
        let t = b
            .add_task(NewTask {
                title: "ch 1".into(),
                project: Some("rust-book".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(matches!(
            b.remove_project("rust-book", false),
            Err(Error::ProjectNotEmpty { count: 1, .. })
        ));
        b.remove_project("rust-book", true).unwrap();
        assert_eq!(b.task(t.id).unwrap().project, None);
        assert!(b.validate().is_ok());
    }

    #[test]
    fn filter_and_sort() {
        let mut b = board_with_project();
        for (title, prio, due) in [
            ("late", Priority::Normal, Some("2026-01-10")),
            ("urgent", Priority::High, None),
            ("soon", Priority::Normal, Some("2026-01-05")),
            ("whenever", Priority::Normal, None),
        ] {
            b.add_task(NewTask {
                title: title.into(),
                priority: prio,
                due: due.map(date),
                tags: vec!["reading".into()],
                ..Default::default()
            })
            .unwrap();
        }
        let titles =
            |f: &Filter| -> Vec<String> { b.filter(f).iter().map(|t| t.title.clone()).collect() };
        assert_eq!(
            titles(&Filter::default()),
            ["urgent", "soon", "late", "whenever"]
        );
        let due_by = Filter {
            due_by: Some(date("2026-01-06")),
            ..Default::default()
        };
        assert_eq!(titles(&due_by), ["soon"]);
        let tagged = Filter {
            tag: Some("nope".into()),
            ..Default::default()
        };
        assert!(titles(&tagged).is_empty());
    }

    #[test]
    fn search_needs_every_word() {
        let mut b = Board::new();
        b.add_task(NewTask {
            title: "Read chapter 4".into(),
            notes: Some("Ownership and borrowing".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(b.search("CHAPTER borrowing").len(), 1);
        assert_eq!(b.search("chapter lifetimes").len(), 0);
        assert_eq!(b.search("  ").len(), 0);
    }

    #[test]
    fn due_dates() {
        let wed = date("2026-12-02"); // a Wednesday
        assert_eq!(parse_due("2026-12-24", wed).unwrap(), date("2026-12-24"));
        assert_eq!(parse_due("today", wed).unwrap(), wed);
        assert_eq!(parse_due("Tomorrow", wed).unwrap(), date("2026-12-03"));
        assert_eq!(parse_due("fri", wed).unwrap(), date("2026-12-04"));
        assert_eq!(parse_due("wednesday", wed).unwrap(), wed);
        assert_eq!(parse_due("mon", wed).unwrap(), date("2026-12-07"));
        assert_eq!(parse_due("+3d", wed).unwrap(), date("2026-12-05"));
        assert_eq!(parse_due("+2w", wed).unwrap(), date("2026-12-16"));
        for bad in [
            "",
            "fr",
            "+3",
            "+d",
            "+99999999999999w",
            "2026-02-30",
            "+3é",
            "soon",
        ] {
            let e = parse_due(bad, wed).unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e}");
        }
    }

    #[test]
    fn names_and_titles() {
        assert!(check_name("tag", "rust-1.0_x").is_ok());
        assert!(check_name("tag", "émigré").is_ok());
        for bad in ["", "two words", "-x", "a/b", &"x".repeat(65)] {
            assert!(check_name("tag", bad).is_err(), "{bad:?}");
        }
        assert!(check_title("  ").is_err());
        assert!(check_title("a\nb").is_err());
    }

    #[test]
    fn validate_names_the_culprit() {
        let mut b = Board::new();
        b.add_task(NewTask {
            title: "a".into(),
            ..Default::default()
        })
        .unwrap();
        b.tasks[0].project = Some("ghost".into());
        let e = b.validate().unwrap_err();
        assert!(e.contains("#1") && e.contains("ghost"), "{e}");
        b.tasks[0].project = None;
        b.tasks.push(b.tasks[0].clone());
        assert_eq!(b.validate().unwrap_err(), "two tasks have id 1");
    }
}
