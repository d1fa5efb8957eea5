//! `megarepo exercise ...`: the command-line face of [`super::course`].
//!
//! The app's `Command` enum embeds [`ExerciseCmd`] and calls [`run`] with
//! the data folder, the `--content-dir` it was given and stdout. Errors
//! come back as one-line `anyhow` errors for the binary to print; a check
//! that fails prints its diagnostics and then returns an error, so the
//! exit code says whether the exercise passes.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Subcommand;
use jiff::civil::Date;

use super::bank::Topic;
use super::check::{self, Cancel};
use super::course::Course;
use super::watch::{Watch, WatchEvent};
use crate::study::Clock;

/// `megarepo exercise ...`
#[derive(Debug, Clone, Subcommand)]
pub enum ExerciseCmd {
    /// Copy the exercises into your workspace (DATA/exercises); your edits
    /// are kept, newer versions are offered beside them.
    Init,
    /// List the exercises and drills with their state.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show the first unsolved exercise.
    Next,
    /// Compile, lint and test one exercise or drill.
    Check {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Re-check an exercise each time you save it (until Ctrl-C).
    Watch,
    /// Show the next hint of an exercise (or hint --level N).
    Hint {
        name: String,
        #[arg(long)]
        level: Option<u8>,
    },
    /// Put the starter back, discarding your edits (asks for --yes).
    Reset {
        name: String,
        #[arg(long)]
        yes: bool,
    },
    /// Show the reference solution of a solved exercise.
    Solution { name: String },
    /// Show today's challenge.
    Daily {
        /// Prefer this topic (the roadmap's current one).
        #[arg(long)]
        topic: Option<Topic>,
        /// Another date (YYYY-MM-DD, or yesterday) instead of today.
        #[arg(long, value_parser = crate::study::timefmt::date_arg)]
        date: Option<Date>,
    },
    /// Import progress from a rustlings folder (or its .rustlings-state.txt).
    ImportRustlings { path: PathBuf },
}

/// What the exercise commands need of the roadmap, which lives in the
/// learner's store (held by the app while it is open, so the caller
/// decides how to reach it).
pub struct Roadmap<'a> {
    /// The roadmap's current topic: the day's pick prefers it.
    pub topic: &'a dyn Fn() -> Option<Topic>,
    /// Count the day on the roadmap's daily-challenge item; what it prints.
    pub count_day: &'a dyn Fn() -> Result<String>,
}

/// After a check that newly solved `name`: say so, and when it is the day's
/// challenge, mark the day (the streak reads it) and count it on the
/// roadmap, as the Exercises tab does.
fn solved(
    course: &mut Course,
    name: &str,
    roadmap: &Roadmap<'_>,
    out: &mut dyn Write,
) -> Result<()> {
    let day = today();
    if course.mark_daily(name, day, (roadmap.topic)())? {
        writeln!(
            out,
            "solved: today's challenge, so the day counts for the streak"
        )?;
        let counted = (roadmap.count_day)()?;
        write!(out, "{counted}")?;
    } else {
        writeln!(out, "solved")?;
    }
    Ok(())
}

fn today() -> Date {
    crate::study::SystemClock::new().today()
}

/// Run one exercise command.
pub fn run(
    cmd: ExerciseCmd,
    data_dir: &Path,
    content_dir: Option<&Path>,
    roadmap: &Roadmap<'_>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut course = Course::open(data_dir, content_dir)?;
    match cmd {
        ExerciseCmd::Init => {
            let r = course.init()?;
            writeln!(
                out,
                "workspace: {}\n{} new, {} updated, {} kept as you edited them",
                course.workspace.root.display(),
                r.created.len(),
                r.updated.len(),
                r.edited.len() + r.offered.len()
            )?;
            for name in &r.offered {
                writeln!(
                    out,
                    "newer version of {name} in offers/ (yours is kept; `megarepo exercise reset {name} --yes` takes it)"
                )?;
            }
            if let Some(next) = course.next() {
                writeln!(out, "start with: megarepo exercise check {}", next.name)?;
            }
        }
        ExerciseCmd::List { json } => {
            let entries = course.entries();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?;
            } else {
                for e in &entries {
                    let mark = if e.solved_on.is_some() { "x" } else { " " };
                    let flags = match (e.edited, e.offered) {
                        (_, true) => "  (new version offered)",
                        (true, false) => "  (edited)",
                        _ => "",
                    };
                    writeln!(
                        out,
                        "[{mark}] {:<28} {:<22} {}{flags}",
                        e.name, e.topic, e.title
                    )?;
                }
                let solved = entries.iter().filter(|e| e.solved_on.is_some()).count();
                writeln!(out, "{solved}/{} solved", entries.len())?;
            }
        }
        ExerciseCmd::Next => match course.next() {
            Some(e) => writeln!(
                out,
                "{}: {} ({}, sheet {})\n{}",
                e.name,
                e.title,
                e.topic,
                e.sheet,
                course
                    .workspace
                    .root
                    .join("exercises")
                    .join(format!("{}.rs", e.name))
                    .display()
            )?,
            None => writeln!(out, "every exercise is solved")?,
        },
        ExerciseCmd::Check { name, json } => {
            let spec = course.spec(&name)?;
            let result = check::check(&spec, &Cancel::new())?;
            let newly = course.record(&result, today())?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&result)?)?;
            } else {
                writeln!(out, "{}", result.summary())?;
                if newly {
                    solved(&mut course, &name, roadmap, out)?;
                }
            }
            if !result.passed {
                bail!("{} does not pass yet", result.name);
            }
        }
        ExerciseCmd::Watch => {
            if !course.workspace.is_initialised() {
                bail!("no exercise workspace yet: run `megarepo exercise init` first");
            }
            let (tx, rx) = std::sync::mpsc::channel();
            let looker = course.clone();
            let _watch = Watch::start(
                &course.workspace.root,
                move |name| looker.spec(name).map_err(|e| e.to_string()),
                move |ev| {
                    let _ = tx.send(ev);
                },
            )
            .map_err(anyhow::Error::msg)?;
            writeln!(
                out,
                "watching {}: save an exercise to check it (Ctrl-C stops)",
                course.workspace.root.display()
            )?;
            out.flush()?;
            for ev in rx {
                match ev {
                    WatchEvent::Started { name, .. } => writeln!(out, "checking {name} ...")?,
                    WatchEvent::Finished(report) => match report.outcome {
                        Ok(result) => {
                            writeln!(out, "{}", result.summary())?;
                            if course.record(&result, today())? {
                                solved(&mut course, &result.name, roadmap, out)?;
                                if let Some(next) = course.next() {
                                    writeln!(out, "next: {}", next.name)?;
                                }
                            }
                        }
                        Err(check::CheckError::Cancelled) => {}
                        Err(e) => writeln!(out, "{}: {e}", report.name)?,
                    },
                    WatchEvent::Problem(p) => writeln!(out, "{p}")?,
                }
                out.flush()?;
            }
        }
        ExerciseCmd::Hint { name, level } => {
            let (level, text) = course.hint(&name, level)?;
            writeln!(out, "hint {level}/3: {text}")?;
        }
        ExerciseCmd::Reset { name, yes } => {
            if !yes {
                bail!("reset discards your edits to {name}; run it again with --yes to confirm");
            }
            let path = course.reset(&name)?;
            writeln!(out, "reset {}", path.display())?;
        }
        ExerciseCmd::Solution { name } => match course.solution(&name)? {
            Some(text) => write!(out, "{text}")?,
            None => bail!("{name} is not solved yet: its solution opens once it passes"),
        },
        ExerciseCmd::Daily { topic, date } => {
            let date = date.unwrap_or_else(today);
            match course.daily(date, topic.or_else(|| (roadmap.topic)())) {
                Some(e) => writeln!(out, "{date}: {} ({}, {})", e.name, e.title, e.topic)?,
                None => writeln!(out, "{date}: every exercise is solved")?,
            }
        }
        ExerciseCmd::ImportRustlings { path } => {
            let p = course.import_rustlings(&path, today())?;
            writeln!(
                out,
                "rustlings: {} exercises done{}",
                p.done.len(),
                p.current.map(|c| format!(", on {c}")).unwrap_or_default()
            )?;
        }
    }
    Ok(())
}
