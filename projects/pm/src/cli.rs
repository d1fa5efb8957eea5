//! The command line: `pm ...`, and `megarepo pm ...` with the same types.
//!
//! [`Cli`] is the whole grammar as clap derive types: the enum *is* the
//! parser, and the compiler checks that [`run`] handles every subcommand.
//! `run` finds the workspace, does one command and writes the result to
//! `out` (a `Vec<u8>` in a test, locked stdout in `main`). It never prints
//! the error itself: it returns it, and the caller prints one line and
//! exits with [`exit_code`]:
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | refused, nothing changed (damaged or newer board, name taken, project in use) |
//! | 2 | bad usage (clap's own errors, or a value such as a date we cannot read) |
//! | 3 | not found (no workspace, no such task or project) |
//! | 4 | I/O failure (a file could not be read or written) |
//!
//! The only other output is the progress line of `pm scan`, on stderr, and
//! only when stderr is a terminal: a script or a pipe never sees it.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, CommandFactory, Parser, Subcommand};
use jiff::civil::Date;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{
    Board, Filter, NewTask, Priority, Source, Status, Task, TaskEdit, parse_due, today,
};
use crate::report::report;
use crate::scan::{Progress, scan};
use crate::workspace::Workspace;

/// A small project-management tool: projects and tasks in a YAML file,
/// kept in a `.pm/` folder that pm finds the way git finds its repository.
#[derive(Debug, Clone, Parser)]
#[command(name = "pm", version, about, max_term_width = 100)]
pub struct Cli {
    /// The workspace folder (the one holding `.pm/`). Default: the current
    /// folder or the nearest folder above it that has one.
    #[arg(
        long,
        short = 'w',
        global = true,
        env = "PM_WORKSPACE",
        value_name = "DIR"
    )]
    pub workspace: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Make a folder a workspace (default: --workspace, or the current folder).
    Init {
        /// The folder to make a workspace.
        dir: Option<PathBuf>,
    },
    /// Add, list or remove projects.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Add a task.
    Add(AddArgs),
    /// List tasks: todo and doing, or any with --status or --all.
    List(ListArgs),
    /// Move tasks to "doing".
    Start {
        #[arg(required = true)]
        ids: Vec<u64>,
    },
    /// Move tasks to "done".
    Done {
        #[arg(required = true)]
        ids: Vec<u64>,
    },
    /// Change a task's title, project, status, priority, due date or notes.
    Edit(EditArgs),
    /// Remove tasks for good.
    Rm {
        #[arg(required = true)]
        ids: Vec<u64>,
    },
    /// Add tags to a task (or remove them with --remove).
    Tag {
        id: u64,
        #[arg(required = true)]
        tags: Vec<String>,
        /// Remove these tags instead of adding them.
        #[arg(long, short)]
        remove: bool,
    },
    /// Set a task's due date (`none` clears it).
    Due {
        id: u64,
        /// YYYY-MM-DD, today, tomorrow, a weekday (mon..sun), +3d, +2w or none.
        date: String,
    },
    /// Show the tasks as a text kanban board.
    Board {
        /// Only this project's tasks.
        #[arg(long, short)]
        project: Option<String>,
    },
    /// Find tasks by words in their title, notes, tags, project or file.
    Search {
        #[arg(required = true)]
        words: Vec<String>,
        /// Print JSON (an array of tasks, as `list --json`).
        #[arg(long)]
        json: bool,
    },
    /// Counts per project, overdue tasks and tasks done per week.
    Report {
        /// How many weeks of "done per week" to show, this one included.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=520))]
        weeks: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Turn TODO: and FIXME: comments in source files into tasks.
    Scan(ScanArgs),
    /// Print a shell completion script (e.g. `pm completions bash > ~/.local/share/bash-completion/completions/pm`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Test helper: add COUNT tasks one change at a time, printing each id
    /// once it is saved (used by the concurrency and crash tests).
    #[command(hide = true)]
    StressWriter {
        #[arg(long)]
        count: u64,
        #[arg(long, default_value = "task")]
        prefix: String,
        /// Stop this long half-way through writing each save.
        #[arg(long, default_value_t = 0)]
        pause_mid_write_ms: u64,
    },
}

/// `pm project ...`
#[derive(Debug, Clone, Subcommand)]
pub enum ProjectCommand {
    /// Add a project.
    Add {
        /// One word: letters, digits, `-`, `_`, `.`.
        name: String,
        #[arg(long, short)]
        description: Option<String>,
    },
    /// List projects with their task counts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a project.
    Rm {
        name: String,
        /// Remove it even if it has tasks; they stay, without a project.
        #[arg(long)]
        force: bool,
    },
}

/// `pm add ...`
#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// The title (several words need no quotes).
    #[arg(required = true)]
    pub title: Vec<String>,
    #[arg(long, short)]
    pub project: Option<String>,
    #[arg(long, short = 'P', value_enum, default_value_t = Priority::Normal)]
    pub priority: Priority,
    /// A tag (repeat for more).
    #[arg(long = "tag", short)]
    pub tags: Vec<String>,
    /// YYYY-MM-DD, today, tomorrow, a weekday (mon..sun), +3d or +2w.
    #[arg(long, short)]
    pub due: Option<String>,
    #[arg(long, short)]
    pub notes: Option<String>,
}

/// `pm list ...`
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only these statuses (repeat for more).
    #[arg(long, short, value_enum)]
    pub status: Vec<Status>,
    /// Include done tasks.
    #[arg(long, short, conflicts_with = "status")]
    pub all: bool,
    #[arg(long, short)]
    pub tag: Option<String>,
    #[arg(long, short)]
    pub project: Option<String>,
    /// Only tasks due on or before this date (today, fri, +1w, 2026-12-24...).
    #[arg(long, short, value_name = "DATE")]
    pub due: Option<String>,
    /// Only tasks past their due date.
    #[arg(long)]
    pub overdue: bool,
    /// Print JSON: an array of tasks.
    #[arg(long)]
    pub json: bool,
}

/// `pm edit ...`
#[derive(Debug, Clone, Args)]
pub struct EditArgs {
    pub id: u64,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long, short, conflicts_with = "no_project")]
    pub project: Option<String>,
    /// Take the task out of its project.
    #[arg(long)]
    pub no_project: bool,
    #[arg(long, short, value_enum)]
    pub status: Option<Status>,
    #[arg(long, short = 'P', value_enum)]
    pub priority: Option<Priority>,
    /// A due date, or `none` to clear it.
    #[arg(long, short)]
    pub due: Option<String>,
    #[arg(long, short, conflicts_with = "no_notes")]
    pub notes: Option<String>,
    /// Clear the notes.
    #[arg(long)]
    pub no_notes: bool,
}

/// `pm scan ...`
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Folders (or files) to scan.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Put new tasks in this project.
    #[arg(long, short)]
    pub project: Option<String>,
    /// Print what was found; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
}

/// The exit status for an error returned by [`run`]. A closed output pipe
/// (`pm list | head -1`) is not a failure.
pub fn exit_code(error: &Error) -> ExitCode {
    match error {
        Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        other => ExitCode::from(other.kind().exit_status()),
    }
}

/// Runs one command, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode> {
    let workspace = cli.workspace;
    let find = || -> Result<Workspace> {
        match &workspace {
            Some(dir) => Workspace::open(dir),
            None => {
                let here = std::env::current_dir()
                    .map_err(Error::io("find the current folder", Path::new(".")))?;
                Workspace::discover(&here)
            }
        }
    };
    let mut out = Out(out);
    match cli.command {
        Command::Init { dir } => {
            let dir = dir.or(workspace).unwrap_or_else(|| PathBuf::from("."));
            let ws = Workspace::init(&dir)?;
            out.line(format_args!(
                "made a pm workspace: {}",
                ws.board_path().display()
            ))?;
        }
        Command::Project(cmd) => project(&find()?, cmd, &mut out)?,
        Command::Add(args) => {
            let new = NewTask {
                title: args.title.join(" "),
                project: args.project,
                priority: args.priority,
                tags: args.tags,
                due: args.due.map(|d| parse_due(&d, today())).transpose()?,
                notes: args.notes,
            };
            let task = find()?.update(|b| b.add_task(new))?;
            out.line(format_args!("added #{} {}", task.id, task.title))?;
        }
        Command::List(args) => list(&find()?, args, &mut out)?,
        Command::Start { ids } => set_status(&find()?, &ids, Status::Doing, &mut out)?,
        Command::Done { ids } => set_status(&find()?, &ids, Status::Done, &mut out)?,
        Command::Edit(args) => edit(&find()?, args, &mut out)?,
        Command::Rm { ids } => {
            let removed = find()?.update(|b| {
                ids.iter()
                    .map(|&id| b.remove_task(id))
                    .collect::<Result<Vec<_>>>()
            })?;
            for t in removed {
                out.line(format_args!("removed #{} {}", t.id, t.title))?;
            }
        }
        Command::Tag { id, tags, remove } => {
            let (add, rm): (&[String], &[String]) =
                if remove { (&[], &tags) } else { (&tags, &[]) };
            let task = find()?.update(|b| b.tag(id, add, rm))?;
            let shown = if task.tags.is_empty() {
                "(none)".to_string()
            } else {
                task.tags.join(", ")
            };
            out.line(format_args!("#{} tags: {shown}", task.id))?;
        }
        Command::Due { id, date } => {
            let due = optional_date(&date)?;
            let task = find()?.update(|b| b.set_due(id, due))?;
            match task.due {
                Some(d) => out.line(format_args!("#{} due {} ({})", task.id, d, weekday(d)))?,
                None => out.line(format_args!("#{} has no due date", task.id))?,
            }
        }
        Command::Board { project } => {
            let board = find()?.load()?;
            if let Some(p) = &project {
                board.project(p)?;
            }
            out.text(&render_board(&board, project.as_deref(), today()))?;
        }
        Command::Search { words, json } => {
            let board = find()?.load()?;
            let hits = board.search(&words.join(" "));
            print_tasks(&hits, json, today(), &mut out)?;
        }
        Command::Report { weeks, json } => {
            let board = find()?.load()?;
            let r = report(&board, today(), &jiff::tz::TimeZone::system(), weeks);
            if json {
                out.json(&r)?;
            } else {
                out.text(&render_report(&r))?;
            }
        }
        Command::Scan(args) => scan_command(&find()?, args, &mut out)?,
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "pm", &mut buf);
            out.0.write_all(&buf).map_err(Error::Output)?;
        }
        Command::StressWriter {
            count,
            prefix,
            pause_mid_write_ms,
        } => {
            crate::storage::set_mid_write_pause_for_tests(pause_mid_write_ms);
            let ws = find()?;
            for i in 0..count {
                let title = format!("{prefix} {i}");
                let task = ws.update(|b| {
                    b.add_task(NewTask {
                        title,
                        ..NewTask::default()
                    })
                })?;
                out.line(format_args!("{}", task.id))?;
                out.0.flush().map_err(Error::Output)?;
            }
        }
    }
    out.0.flush().map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}

/// The output, with write errors turned into [`Error::Output`].
struct Out<'a>(&'a mut dyn Write);

impl Out<'_> {
    fn line(&mut self, args: std::fmt::Arguments) -> Result<()> {
        writeln!(self.0, "{args}").map_err(Error::Output)
    }
    fn text(&mut self, text: &str) -> Result<()> {
        self.0.write_all(text.as_bytes()).map_err(Error::Output)
    }
    fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut *self.0, value).map_err(|e| Error::Output(e.into()))?;
        self.line(format_args!(""))
    }
}

fn project(ws: &Workspace, cmd: ProjectCommand, out: &mut Out) -> Result<()> {
    match cmd {
        ProjectCommand::Add { name, description } => {
            let p = ws.update(|b| b.add_project(&name, description))?;
            out.line(format_args!("added project {}", p.name))?;
        }
        ProjectCommand::List { json } => {
            let board = ws.load()?;
            #[derive(Serialize)]
            struct Row<'a> {
                name: &'a str,
                description: Option<&'a str>,
                todo: usize,
                doing: usize,
                done: usize,
            }
            let rows: Vec<Row> = board
                .projects
                .iter()
                .map(|p| {
                    let count = |s: Status| {
                        board
                            .tasks
                            .iter()
                            .filter(|t| t.project.as_ref() == Some(&p.name) && t.status == s)
                            .count()
                    };
                    Row {
                        name: &p.name,
                        description: p.description.as_deref(),
                        todo: count(Status::Todo),
                        doing: count(Status::Doing),
                        done: count(Status::Done),
                    }
                })
                .collect();
            if json {
                return out.json(&rows);
            }
            if rows.is_empty() {
                return out.line(format_args!(
                    "no projects yet; add one with `pm project add NAME`"
                ));
            }
            let width = rows
                .iter()
                .map(|r| r.name.chars().count())
                .max()
                .unwrap_or(0);
            for r in rows {
                let about = r.description.map(|d| format!("  {d}")).unwrap_or_default();
                out.line(format_args!(
                    "{:width$}  {} todo, {} doing, {} done{about}",
                    r.name, r.todo, r.doing, r.done
                ))?;
            }
        }
        ProjectCommand::Rm { name, force } => {
            let kept = ws.update(|b| {
                let count = b
                    .tasks
                    .iter()
                    .filter(|t| t.project.as_ref() == Some(&name))
                    .count();
                b.remove_project(&name, force).map(|_| count)
            })?;
            match kept {
                0 => out.line(format_args!("removed project {name}"))?,
                n => out.line(format_args!(
                    "removed project {name}; its {n} task(s) are kept without a project"
                ))?,
            }
        }
    }
    Ok(())
}

fn list(ws: &Workspace, args: ListArgs, out: &mut Out) -> Result<()> {
    let today = today();
    let statuses = if args.all {
        Vec::new()
    } else if args.status.is_empty() {
        vec![Status::Todo, Status::Doing]
    } else {
        args.status
    };
    let filter = Filter {
        statuses,
        tag: args.tag,
        project: args.project,
        due_by: args.due.map(|d| parse_due(&d, today)).transpose()?,
    };
    let board = ws.load()?;
    if let Some(p) = &filter.project {
        // A typo in a project name should say so, not print "no tasks".
        board.project(p)?;
    }
    let mut tasks = board.filter(&filter);
    if args.overdue {
        tasks.retain(|t| t.is_overdue(today));
    }
    print_tasks(&tasks, args.json, today, out)
}

/// One task as `--json` prints it: every field is always present (`null`
/// or `[]` when empty), so a script can rely on the shape.
#[derive(Serialize)]
struct TaskJson<'a> {
    id: u64,
    title: &'a str,
    project: Option<&'a str>,
    status: Status,
    priority: Priority,
    tags: &'a [String],
    due: Option<Date>,
    overdue: bool,
    notes: Option<&'a str>,
    source: Option<&'a Source>,
    created: jiff::Timestamp,
    updated: jiff::Timestamp,
    done_at: Option<jiff::Timestamp>,
}

fn print_tasks(tasks: &[&Task], json: bool, today: Date, out: &mut Out) -> Result<()> {
    if json {
        let rows: Vec<TaskJson> = tasks
            .iter()
            .map(|t| TaskJson {
                id: t.id,
                title: &t.title,
                project: t.project.as_deref(),
                status: t.status,
                priority: t.priority,
                tags: &t.tags,
                due: t.due,
                overdue: t.is_overdue(today),
                notes: t.notes.as_deref(),
                source: t.source.as_ref(),
                created: t.created,
                updated: t.updated,
                done_at: t.done_at,
            })
            .collect();
        return out.json(&rows);
    }
    if tasks.is_empty() {
        return out.line(format_args!("no tasks"));
    }
    let id_width = tasks
        .iter()
        .map(|t| t.id.to_string().len())
        .max()
        .unwrap_or(1)
        + 1;
    // Titles are padded to the longest one (up to a limit), so the details
    // after them line up.
    let title_width = tasks
        .iter()
        .map(|t| t.title.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for t in tasks {
        let mut line = format!(
            "{:>id_width$}  {:<5}  {:<6}  ",
            format!("#{}", t.id),
            t.status.as_str(),
            t.priority.as_str()
        );
        line.push_str(&format!("{:<title_width$}", t.title));
        if let Some(p) = &t.project {
            line.push_str(&format!("  [{p}]"));
        }
        if let Some(d) = t.due {
            let late = if t.is_overdue(today) { ", overdue" } else { "" };
            line.push_str(&format!("  (due {d}{late})"));
        }
        for tag in &t.tags {
            line.push_str(&format!("  +{tag}"));
        }
        if let Some(s) = &t.source {
            line.push_str(&format!("  {}:{}", s.file, s.line));
        }
        out.line(format_args!("{}", line.trim_end()))?;
    }
    Ok(())
}

fn set_status(ws: &Workspace, ids: &[u64], status: Status, out: &mut Out) -> Result<()> {
    // One update for all ids: if any id is wrong, none is changed.
    let tasks = ws.update(|b| {
        ids.iter()
            .map(|&id| b.set_status(id, status))
            .collect::<Result<Vec<_>>>()
    })?;
    for t in tasks {
        out.line(format_args!("#{} {}: {}", t.id, status.as_str(), t.title))?;
    }
    Ok(())
}

fn edit(ws: &Workspace, args: EditArgs, out: &mut Out) -> Result<()> {
    let change = TaskEdit {
        title: args.title,
        project: if args.no_project {
            Some(None)
        } else {
            args.project.map(Some)
        },
        status: args.status,
        priority: args.priority,
        due: args.due.as_deref().map(optional_date).transpose()?,
        notes: if args.no_notes {
            Some(None)
        } else {
            args.notes.map(Some)
        },
    };
    if change == TaskEdit::default() {
        return Err(Error::InvalidInput(
            "nothing to change: give --title, --project, --no-project, --status, --priority, --due, --notes or --no-notes".into(),
        ));
    }
    let task = ws.update(|b| b.edit(args.id, change))?;
    print_tasks(&[&task], false, today(), out)
}

/// A date, or `none` for no date.
fn optional_date(text: &str) -> Result<Option<Date>> {
    match text.trim().to_lowercase().as_str() {
        "none" | "clear" | "-" => Ok(None),
        _ => parse_due(text, today()).map(Some),
    }
}

fn weekday(d: Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match d.weekday() {
        Monday => "Mon",
        Tuesday => "Tue",
        Wednesday => "Wed",
        Thursday => "Thu",
        Friday => "Fri",
        Saturday => "Sat",
        Sunday => "Sun",
    }
}

/// How many done tasks `pm board` shows.
pub const DONE_SHOWN: usize = 10;

/// The text kanban: one column per status, as wide as the longest card up
/// to a limit, titles cut with `…`. Widths count characters, which is right
/// for most text (wide CJK characters would need the `unicode-width` crate).
///
/// The done column shows the most recently finished tasks first, at most
/// [`DONE_SHOWN`] of them: after a few weeks it would otherwise be the
/// longest column by far.
pub fn render_board(board: &Board, project: Option<&str>, today: Date) -> String {
    const MAX: usize = 32;
    let [todo, doing, mut done] = board.columns(project);
    done.sort_by_key(|t| std::cmp::Reverse((t.done_at, t.id)));
    let hidden = done.len().saturating_sub(DONE_SHOWN);
    let card = |t: &&Task| {
        let mark = if t.is_overdue(today) { "!" } else { "" };
        cut(&format!("#{} {}{mark}", t.id, t.title), MAX)
    };
    let mut done_cards: Vec<String> = done.iter().take(DONE_SHOWN).map(card).collect();
    if hidden > 0 {
        done_cards.push(format!("(+{hidden} more: pm list -s done)"));
    }
    let counts = [todo.len(), doing.len(), done.len()];
    let columns: Vec<Vec<String>> = vec![
        todo.iter().map(card).collect(),
        doing.iter().map(card).collect(),
        done_cards,
    ];
    let width = columns
        .iter()
        .flatten()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, MAX);
    let mut text = String::new();
    let heads: Vec<String> = Status::ALL
        .iter()
        .zip(counts)
        .map(|(s, n)| format!("{} ({n})", s.as_str().to_uppercase()))
        .collect();
    push_row(&mut text, &heads, width);
    push_row(&mut text, &vec!["-".repeat(width); 3], width);
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| c.get(i).cloned().unwrap_or_default())
            .collect();
        push_row(&mut text, &cells, width);
    }
    if rows == 0 {
        text.push_str("(no tasks: add one with `pm add TITLE`)\n");
    }
    text
}

fn push_row(text: &mut String, cells: &[String], width: usize) {
    let row: Vec<String> = cells.iter().map(|c| format!("{c:<width$}")).collect();
    text.push_str(row.join(" | ").trim_end());
    text.push('\n');
}

/// `s` cut to `max` characters, the last one replaced by `…` if cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut short: String = s.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

fn render_report(r: &crate::Report) -> String {
    let mut text = format!("Report for {} ({})\n\n", r.today, weekday(r.today));
    let name = |p: &Option<String>| p.clone().unwrap_or_else(|| "(no project)".into());
    let width = r
        .projects
        .iter()
        .map(|p| name(&p.project).chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    text.push_str(&format!(
        "{:width$}  {:>5}  {:>5}  {:>5}  {:>7}\n",
        "PROJECT", "TODO", "DOING", "DONE", "OVERDUE"
    ));
    for p in &r.projects {
        text.push_str(&format!(
            "{:width$}  {:>5}  {:>5}  {:>5}  {:>7}\n",
            name(&p.project),
            p.todo,
            p.doing,
            p.done,
            p.overdue
        ));
    }
    if r.projects.is_empty() {
        text.push_str("(no tasks yet)\n");
    }
    text.push_str("\nOverdue:\n");
    if r.overdue.is_empty() {
        text.push_str("  nothing, well done\n");
    }
    for o in &r.overdue {
        let project = o
            .project
            .as_ref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        text.push_str(&format!(
            "  #{} {}{project}: due {}, {} day(s) late\n",
            o.id, o.title, o.due, o.days_late
        ));
    }
    text.push_str("\nDone per week:\n");
    for w in &r.done_per_week {
        let bar = "#".repeat(w.done.min(50));
        let row = format!("  week of {}  {:>3}  {bar}", w.week_start, w.done);
        text.push_str(row.trim_end());
        text.push('\n');
    }
    text
}

fn scan_command(ws: &Workspace, args: ScanArgs, out: &mut Out) -> Result<()> {
    let mut roots = Vec::new();
    for dir in &args.dirs {
        // Canonical paths, so the same file is the same task whichever way
        // the folder was named (`.`, `../x`, a symlink).
        roots.push(dir.canonicalize().map_err(Error::io("scan", dir))?);
    }
    if let Some(p) = &args.project {
        ws.load()?.project(p)?;
    }
    let workers = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));

    let mut meter = ProgressLine::new();
    let outcome = scan(&roots, workers, &mut |p| meter.show(p))?;
    meter.finish();

    for (path, why) in &outcome.unreadable {
        eprintln!("pm: skipped {}: {why}", path.display());
    }
    let counts = format!(
        "scanned {} file(s) ({} ignored, {} binary): {} comment(s)",
        outcome.files,
        outcome.ignored,
        outcome.binary,
        outcome.found.len()
    );
    if args.dry_run {
        for f in &outcome.found {
            let file = f.file.strip_prefix(ws.root()).unwrap_or(&f.file);
            out.line(format_args!(
                "{}:{}: {} {}",
                file.display(),
                f.line,
                f.marker.tag().to_uppercase(),
                f.text
            ))?;
        }
        return out.line(format_args!("{counts}; dry run, nothing saved"));
    }
    let summary =
        ws.update(|b| b.merge_scan(&outcome.found, &roots, ws.root(), args.project.as_deref()))?;
    out.line(format_args!(
        "{counts}; {} new task(s), {} moved, {} unchanged, {} closed",
        summary.added, summary.moved, summary.unchanged, summary.closed
    ))
}

/// The `scanned N files` line of `pm scan`, redrawn in place on stderr at
/// most ten times a second, and only when stderr is a terminal.
struct ProgressLine {
    enabled: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl ProgressLine {
    fn new() -> ProgressLine {
        ProgressLine {
            enabled: std::io::stderr().is_terminal(),
            last: None,
            drawn: false,
        }
    }

    fn show(&mut self, p: Progress) {
        if !self.enabled
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        self.drawn = true;
        // `\r` returns to the start of the line; `\x1b[K` clears the rest.
        eprint!("\rscanning: {} files, {} comments\x1b[K", p.files, p.found);
    }

    fn finish(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> std::result::Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("pm").chain(args.iter().copied()))
    }

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_add_with_options() {
        let cli = parse(&[
            "add", "read", "ch", "4", "-p", "book", "-t", "a", "-t", "b", "-P", "high",
        ])
        .unwrap();
        let Command::Add(a) = cli.command else {
            panic!("not add")
        };
        assert_eq!(a.title.join(" "), "read ch 4");
        assert_eq!(a.tags, ["a", "b"]);
        assert_eq!(
            (a.project.as_deref(), a.priority),
            (Some("book"), Priority::High)
        );
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &["add"][..],
            &["done", "x"],
            &["list", "--all", "--status", "done"],
            &["frobnicate"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_done_column_shows_the_latest_ten() {
        let mut b = Board::new();
        for i in 0..12 {
            let t = b
                .add_task(NewTask {
                    title: format!("t{i}"),
                    ..Default::default()
                })
                .unwrap();
            b.set_status(t.id, Status::Done).unwrap();
        }
        let text = render_board(&b, None, today());
        let done: Vec<&str> = text
            .lines()
            .skip(2)
            .map(|l| l.rsplit('|').next().unwrap().trim())
            .collect();
        assert_eq!(done.len(), 11, "{text}");
        assert!(text.starts_with("TODO (0)"), "{text}");
        assert!(
            text.lines().next().unwrap().ends_with("DONE (12)"),
            "{text}"
        );
        // Same done_at second for all: the higher id counts as more recent.
        assert_eq!(done[0], "#12 t11");
        assert_eq!(done[10], "(+2 more: pm list -s done)");
    }

    #[test]
    fn cut_and_board() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        let mut b = Board::new();
        let t = b
            .add_task(NewTask {
                title: "write".into(),
                ..Default::default()
            })
            .unwrap();
        b.set_status(t.id, Status::Doing).unwrap();
        let text = render_board(&b, None, today());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("TODO (0)"), "{text}");
        let heads: Vec<&str> = lines[0].split('|').map(str::trim).collect();
        assert_eq!(heads, ["TODO (0)", "DOING (1)", "DONE (0)"], "{text}");
        let cards: Vec<&str> = lines[2].split('|').map(str::trim).collect();
        assert_eq!(cards, ["", "#1 write", ""], "{text}");
    }
}
