//! Command-line faces of the study domain: `timer`, `status`, `stats` and
//! `journal`.
//!
//! The clap types here are meant to be embedded in the app's `Command` enum
//! (`Timer(TimerCmd)`, `Journal(JournalCmd)`); each handler takes a
//! [`StudyCtx`] (the open store, a clock, the roadmap) and a writer, prints
//! plain text or JSON, and returns an error whose one-line message the
//! binary prints before exiting non-zero. Bad input is refused before
//! anything is written.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use jiff::SignedDuration;
use jiff::civil::Date;
use serde_json::json;

use super::clock::Clock;
use super::days::{fmt_elapsed, fmt_minutes};
use super::journal::{self, Field, JournalEntry};
use super::service::{StudyCtx, publish, report_to_stderr, session_line, status_now};
use super::session::{Mode, Phase, Session};
use super::timefmt::{add_days, local_minute, local_rfc3339, parse_day, zone_name};
use super::timer::{CHECKPOINT_EVERY, Timer, TimerCommandError};

/// How far back `timer log` accepts a date.
const LOG_YEARS_BACK: i16 = 5;
/// What one day can hold, in seconds.
const DAY_SECONDS: i64 = 24 * 60 * 60;

/// `megarepo timer ...`
#[derive(Debug, Subcommand)]
pub enum TimerCmd {
    /// Start a study session (it keeps running after this command returns;
    /// with --foreground it runs until Ctrl-C).
    Start {
        /// reading or coding.
        #[arg(long, default_value = "reading")]
        mode: Mode,
        /// Checklist item id this session is for.
        #[arg(long)]
        item: Option<String>,
        /// Stay in the foreground, saving a checkpoint every 30 seconds,
        /// and stop the session on Ctrl-C.
        #[arg(long)]
        foreground: bool,
    },
    /// Stop the running session (or close a session left running by a
    /// crash at its last checkpoint).
    Stop,
    /// Pause the running session.
    Pause,
    /// Resume a paused session.
    Resume,
    /// Switch the running session to another mode (toggles without MODE).
    Switch { mode: Option<Mode> },
    /// Keep a session left running by a crash: it continues, counting the
    /// time in between.
    Keep,
    /// Show the running session.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Show or change the study settings: daily goal, streak threshold,
    /// freeze days per month, pomodoro rhythm.
    Settings {
        /// Daily goal in minutes (30 to 240).
        // Negative numbers reach the range check (a plain line) instead of
        // clap's "unexpected argument '-5'".
        #[arg(long, allow_negative_numbers = true)]
        goal: Option<i64>,
        /// Minutes that make a day count for the streak (1 to 1440).
        #[arg(long, allow_negative_numbers = true)]
        threshold: Option<i64>,
        /// Missed days per month that keep a streak alive (0 to 31; 0 = off).
        #[arg(long, allow_negative_numbers = true)]
        freezes: Option<i64>,
        /// Pomodoro rhythm WORK/BREAK in minutes (e.g. 25/5), or `off`.
        #[arg(long)]
        pomodoro: Option<String>,
        /// Ring the terminal bell when a pomodoro phase ends (on by default).
        #[arg(long, value_enum)]
        bell: Option<OnOff>,
        #[arg(long)]
        json: bool,
    },
    /// Log study done away from the keyboard (a day holds at most 24 h in
    /// all; an entry before your start date moves the start date back).
    Log {
        /// The day studied: today, yesterday or YYYY-MM-DD (up to five
        /// years back).
        #[arg(long)]
        date: String,
        /// Minutes studied (1 to 1440).
        #[arg(long, allow_negative_numbers = true)]
        minutes: i64,
        /// reading or coding.
        #[arg(long)]
        mode: Mode,
        /// Checklist item id.
        #[arg(long)]
        item: Option<String>,
    },
    /// List sessions (id, local start-end, minutes, mode, timer or log):
    /// the last 7 days, or one day with --date.
    Sessions {
        /// today, yesterday or YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove a session (a mistaken `timer log`): shows it, asks on a
    /// terminal, and takes its time off the day it was on.
    Rm {
        /// The session's id, from `megarepo timer sessions`.
        id: u64,
        /// Remove without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Show what would be removed and change nothing.
        #[arg(long, conflicts_with = "yes")]
        dry_run: bool,
    },
}

/// `megarepo journal ...`
#[derive(Debug, Subcommand)]
pub enum JournalCmd {
    /// Add text to a day's entry (today by default). Without TEXT, opens
    /// the entry in $EDITOR.
    Add {
        /// entry, challenges, breakthroughs or insights.
        #[arg(long, default_value = "entry")]
        field: Field,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// A tag (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        text: Vec<String>,
    },
    /// List entries, or with --search, the lines matching a term.
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print one day's entry as Markdown (today, yesterday or YYYY-MM-DD).
    Show {
        date: String,
        #[arg(long)]
        json: bool,
    },
    /// Write one Markdown file per day into DIR, with front matter.
    Export { dir: PathBuf },
}

/// A setting that is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// Who runs a timer command: this process (the command line, where a
/// session started keeps running with nobody watching) or the open app
/// (which owns the session and checkpoints it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Cli,
    App,
}

/// `megarepo timer ...` with the store open here.
pub fn timer(ctx: &StudyCtx<'_>, cmd: TimerCmd, out: &mut dyn Write) -> Result<()> {
    ctx.study().ensure_start_date(ctx.clock.today())?;
    let mut timer = Timer::open(ctx.study(), ctx.clock)?;
    timer_on(ctx, &mut timer, Host::Cli, cmd, out)
}

/// `megarepo timer ...` on a timer already open: the command line's, or
/// the app's own (the study pane's) when the command came over its socket.
pub fn timer_on<C: Clock>(
    ctx: &StudyCtx<'_>,
    timer: &mut Timer<C>,
    host: Host,
    cmd: TimerCmd,
    out: &mut dyn Write,
) -> Result<()> {
    let study = ctx.study();
    study.ensure_start_date(ctx.clock.today())?;
    match cmd {
        TimerCmd::Start {
            mode,
            item,
            foreground,
        } => {
            ctx.check_item(&item)?;
            if foreground && host == Host::App {
                bail!("the app is open and runs the timer: start it without --foreground");
            }
            // From the command line a session runs with nobody watching;
            // in the app it is the app's, like one started with `s`.
            let s = timer.start(mode, item, !foreground && host == Host::Cli)?;
            writeln!(out, "started {} session {}", mode, s.id)?;
            if foreground {
                out.flush()?;
                publish_status(ctx)?;
                run_foreground(ctx, timer, out)?;
            }
        }
        TimerCmd::Stop => {
            let s = match timer.orphans().first().map(|s| s.id) {
                Some(id) if timer.current().is_none() => timer.close_orphan(id)?,
                _ => timer.stop()?,
            };
            writeln!(
                out,
                "stopped session {}: {} studied",
                s.id,
                fmt_minutes(s.studied_time().as_secs() / 60)
            )?;
        }
        TimerCmd::Pause => {
            timer.pause()?;
            writeln!(out, "paused")?;
        }
        TimerCmd::Resume => {
            let s = timer.resume()?;
            writeln!(out, "resumed {}", s.current_mode().unwrap_or(Mode::Reading))?;
        }
        TimerCmd::Switch { mode } => {
            let s = match mode {
                Some(m) => timer.switch_mode(m)?,
                None => timer.toggle_mode()?,
            };
            writeln!(out, "now {}", s.current_mode().unwrap_or(Mode::Reading))?;
        }
        TimerCmd::Keep => {
            let Some(id) = timer.orphans().first().map(|s| s.id) else {
                bail!("no session was left running");
            };
            timer.keep_orphan(id)?;
            // From the command line it runs on with nobody watching; in the
            // app, the app watches it.
            if host == Host::Cli {
                timer.detach_current()?;
            }
            writeln!(out, "kept session {id}; it is running")?;
        }
        TimerCmd::Status { json } => {
            let now = ctx.clock.now();
            let current = timer.current().cloned().map(|mut s| {
                s.checkpoint(now);
                s
            });
            let orphan = timer.orphans().first().cloned();
            if json {
                let v = json!({
                    "running": current.as_ref().map(|s| session_json(s, &ctx.clock.zone())),
                    "left_running": orphan.as_ref().map(|s| session_json(s, &ctx.clock.zone())),
                });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                match (&current, &orphan) {
                    (Some(s), _) => writeln!(out, "{}", session_line(s))?,
                    (None, Some(o)) => writeln!(
                        out,
                        "session {} was {}; `megarepo timer keep` (counts the time since) or `megarepo timer stop` (ends it then)",
                        o.id,
                        left_running_since(o, &ctx.clock.zone(), now)
                    )?,
                    (None, None) => writeln!(out, "no session running")?,
                }
            }
        }
        TimerCmd::Settings {
            goal,
            threshold,
            freezes,
            pomodoro,
            bell,
            json: as_json,
        } => {
            use super::stats::SettingsError;
            let mut settings = study.settings()?;
            // Negative or huge values are refused with the setting's own
            // range, before anything is written.
            let fits = |v: i64, e: fn(i64) -> SettingsError| u32::try_from(v).map_err(|_| e(v));
            if let Some(g) = goal {
                settings.daily_goal_minutes = fits(g, SettingsError::DailyGoal)?;
            }
            if let Some(t) = threshold {
                settings.streak.threshold_minutes = fits(t, SettingsError::Threshold)?;
            }
            if let Some(f) = freezes {
                settings.streak.freezes_per_month = fits(f, SettingsError::Freezes)?;
            }
            if goal.is_some() || threshold.is_some() || freezes.is_some() {
                // Validated before anything is written: bad input changes nothing.
                settings.validate()?;
            }
            let rhythm = match pomodoro.as_deref() {
                None => None,
                Some("off") => Some(None),
                Some(spec) => {
                    let (w, b) = spec.split_once('/').ok_or_else(|| {
                        anyhow::anyhow!("--pomodoro takes WORK/BREAK minutes (e.g. 25/5) or `off`")
                    })?;
                    let parse = |x: &str| {
                        x.trim().parse::<u32>().map_err(|_| {
                            anyhow::anyhow!("`{x}` in --pomodoro is not a whole number of minutes")
                        })
                    };
                    let r = super::pomodoro::Rhythm {
                        work: parse(w)?,
                        short_break: parse(b)?,
                        ..super::pomodoro::Rhythm::default()
                    };
                    r.validate()?;
                    Some(Some(r))
                }
            };
            if goal.is_some() || threshold.is_some() || freezes.is_some() {
                study.save_settings(&settings)?;
            }
            if let Some(r) = &rhythm {
                study.save_rhythm(r.as_ref())?;
            }
            if let Some(b) = bell {
                study.save_bell(b == OnOff::On)?;
            }
            let rhythm = study.rhythm()?;
            let bell = study.bell()?;
            if as_json {
                let v = json!({
                    "daily_goal_minutes": settings.daily_goal_minutes,
                    "streak_threshold_minutes": settings.streak.threshold_minutes,
                    "freezes_per_month": settings.streak.freezes_per_month,
                    "pomodoro": rhythm.map(|r| json!({"work": r.work, "short_break": r.short_break, "long_break": r.long_break, "long_every": r.long_every})),
                    "bell": bell,
                });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                writeln!(out, "daily goal        {} min", settings.daily_goal_minutes)?;
                writeln!(
                    out,
                    "streak threshold  {} min",
                    settings.streak.threshold_minutes
                )?;
                writeln!(
                    out,
                    "freezes per month {}",
                    settings.streak.freezes_per_month
                )?;
                match rhythm {
                    Some(r) => writeln!(
                        out,
                        "pomodoro          {}/{} min (long break {} min every {})",
                        r.work, r.short_break, r.long_break, r.long_every
                    )?,
                    None => writeln!(out, "pomodoro          off")?,
                }
                writeln!(out, "bell              {}", if bell { "on" } else { "off" })?;
            }
        }
        TimerCmd::Log {
            date,
            minutes,
            mode,
            item,
        } => {
            let today = ctx.clock.today();
            let date = parse_day(&date, today).map_err(anyhow::Error::msg)?;
            ctx.check_item(&item)?;
            let oldest = today.saturating_sub(jiff::Span::new().years(LOG_YEARS_BACK));
            if date < oldest {
                bail!(
                    "{date} is more than {LOG_YEARS_BACK} years back; the earliest day you can log is {oldest} (nothing was logged)"
                );
            }
            let now = ctx.clock.now();
            let id = study.next_session_id()?;
            let zone = zone_name(&ctx.clock.zone(), now);
            let s = Session::manual(id, date, minutes, mode, zone, now, today, item)?;
            // A day holds 24 hours in all: every mode, every session on it,
            // the running one to this second (the app's, in memory, is
            // written first).
            if host == Host::App {
                timer.flush()?;
            }
            let (days, rebuilt) = ctx.days_now()?;
            report_to_stderr(rebuilt.as_ref());
            let already = days.on(date).total().max(0);
            let room = (DAY_SECONDS - already).max(0) / 60;
            if minutes > room {
                if room == 0 {
                    bail!(
                        "{date} already holds {} of study and a day has 24 hours: nothing was logged",
                        fmt_minutes(already / 60)
                    );
                }
                bail!(
                    "{date} already holds {} of study and a day has 24 hours: at most {room} more min can be logged on it (nothing was logged)",
                    fmt_minutes(already / 60)
                );
            }
            study.save_session(&s)?;
            writeln!(
                out,
                "logged {minutes} min of {mode} on {date} (session {id})"
            )?;
            if let Some(start) = study.start_date()?
                && date < start
            {
                study.set_start_date(date)?;
                writeln!(
                    out,
                    "your start date moved back from {start} to {date}, the earliest study logged"
                )?;
            }
        }
        TimerCmd::Sessions { date, json } => {
            let today = ctx.clock.today();
            let (from, to) = match date {
                Some(d) => {
                    let d = parse_day(&d, today).map_err(anyhow::Error::msg)?;
                    (d, d)
                }
                None => (add_days(today, -6), today),
            };
            let rows = session_rows(ctx, timer, from, to)?;
            if json {
                let zone = ctx.clock.zone();
                let v: Vec<_> = rows.iter().map(|r| r.json(&zone)).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else if rows.is_empty() {
                if from == to {
                    writeln!(out, "no sessions on {from}")?;
                } else {
                    writeln!(
                        out,
                        "no sessions from {from} to {to} (--date D shows another day)"
                    )?;
                }
            } else {
                let mw = rows.iter().map(|r| r.modes.len()).max().unwrap_or(4).max(4);
                writeln!(
                    out,
                    "{:>5}  {:<10}  {:<11}  {:>5}  {:<mw$}  how",
                    "id", "date", "time", "min", "mode"
                )?;
                for r in &rows {
                    writeln!(
                        out,
                        "{:>5}  {}  {:<11}  {:>5}  {:<mw$}  {}",
                        r.id,
                        r.date,
                        r.time(),
                        r.minutes,
                        r.modes,
                        r.how()
                    )?;
                }
            }
            // Read-only: nothing to flush or publish.
            return Ok(());
        }
        TimerCmd::Rm { id, yes, dry_run } => {
            let zone = ctx.clock.zone();
            let now = ctx.clock.now();
            let Some(s) = study.session(id)? else {
                return Err(TimerCommandError::NoSuchSession(id).into());
            };
            let row = SessionRow::of(&s, timer.current(), &zone, now);
            if dry_run {
                writeln!(out, "would remove {}", row.describe())?;
                return Ok(());
            }
            if !yes {
                bail!(
                    "not removed: {}; add --yes to remove it (there is no terminal to ask on)",
                    row.describe()
                );
            }
            let removed = timer.remove(id)?;
            let row = SessionRow::of(&removed, None, &zone, now);
            writeln!(out, "removed {}", row.describe())?;
        }
    }
    study.flush()?;
    publish_status(ctx)?;
    Ok(())
}

/// Keeps `DATA/status.json` current after a change (the store's write
/// removed it first), so `megarepo status` need not open the store.
fn publish_status(ctx: &StudyCtx<'_>) -> Result<()> {
    let (file, rebuilt) = status_now(ctx.store, ctx.clock)?;
    report_to_stderr(rebuilt.as_ref());
    publish(ctx.store.data_dir(), &file);
    Ok(())
}

pub(crate) fn session_json(s: &Session, zone: &jiff::tz::TimeZone) -> serde_json::Value {
    let t = s.timed();
    json!({
        "id": s.id,
        "mode": s.current_mode(),
        "paused": t.is_some_and(|t| matches!(t.phase, Phase::Paused { .. })),
        "item": s.item,
        "started": t.map(|t| local_rfc3339(t.start, zone)),
        "elapsed_seconds": s.studied_time().as_secs(),
    })
}

/// Keeps a session running in this process until Ctrl-C, checkpointing it.
/// `MEGAREPO_CHECKPOINT_SECS` (1..=60) shortens the interval for tests.
fn run_foreground<C: Clock>(
    ctx: &StudyCtx<'_>,
    timer: &mut Timer<C>,
    out: &mut dyn Write,
) -> Result<()> {
    let every = std::env::var("MEGAREPO_CHECKPOINT_SECS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .map(SignedDuration::from_secs)
        .unwrap_or(CHECKPOINT_EVERY);
    timer.set_checkpoint_interval(every);
    let wait = Duration::from_secs(every.as_secs().clamp(1, 60) as u64);
    // Ctrl-C is caught on a thread with its own small runtime, so this works
    // whether or not the caller is already inside a tokio runtime.
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        if rt.block_on(tokio::signal::ctrl_c()).is_ok() {
            let _ = tx.send(());
        }
    });
    // Ends on Ctrl-C, or when the signal thread could not start (its
    // sender is dropped): either way the session is stopped cleanly.
    while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(wait) {
        if timer.tick()? {
            // The checkpoint removed the status file; this process holds
            // the store, so it writes the file again.
            publish_status(ctx)?;
        }
    }
    let s = timer.stop()?;
    writeln!(
        out,
        "stopped session {}: {} studied",
        s.id,
        fmt_elapsed(s.studied_time())
    )?;
    Ok(())
}

/// "left running since 14:07" (the app's last sign of life, local time;
/// with the date when it was not today).
pub fn left_running_since(s: &Session, zone: &jiff::tz::TimeZone, now: jiff::Timestamp) -> String {
    let Some(t) = s.timed() else {
        return "left running".into();
    };
    let at = t.checkpoint.to_zoned_datetime(zone.clone());
    let today = now.to_zoned_datetime(zone.clone()).date();
    if at.date() == today {
        format!("left running since {}", at.strftime("%H:%M"))
    } else {
        format!("left running since {}", at.strftime("%Y-%m-%d %H:%M"))
    }
}

/// `megarepo status` with the store open: one line for a shell prompt or
/// tmux, computed from the totals and written to the status file for the
/// next call (which then reads only that file: see [`status_fast`]).
pub fn status(ctx: &StudyCtx<'_>, json: bool, out: &mut dyn Write) -> Result<()> {
    status_with_store(ctx.store, ctx.clock, json, out)
}

/// [`status`] on an open store, without the roadmap (the line needs none).
pub fn status_with_store(
    store: &crate::store::Store,
    clock: &dyn Clock,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let (file, rebuilt) = status_now(store, clock)?;
    report_to_stderr(rebuilt.as_ref());
    publish(store.data_dir(), &file);
    if json {
        let v = file.json_at(clock.now());
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(out, "{}", file.line)?;
    }
    Ok(())
}

/// `megarepo status` without the store: the line from the status file when
/// it was written today in the learner's zone. `None` when it must be
/// recomputed (missing, another day or zone, unreadable); the stale file,
/// if any, comes back for the case where the store cannot be opened.
pub fn status_fast(
    data_dir: &std::path::Path,
    clock: &dyn Clock,
) -> Result<String, Option<Box<super::status::StatusFile>>> {
    status_file_fast(data_dir, clock).map(|f| f.line_at(clock.now()))
}

/// Like [`status_fast`], the file itself (for `status --json`).
pub fn status_file_fast(
    data_dir: &std::path::Path,
    clock: &dyn Clock,
) -> Result<Box<super::status::StatusFile>, Option<Box<super::status::StatusFile>>> {
    use super::status::{Read, read_file};
    match read_file(data_dir, clock.now(), &clock.zone()) {
        Ok(f) => Ok(Box::new(f)),
        Err(Read::Stale(f)) => Err(Some(f)),
        Err(Read::Fresh(_) | Read::Missing | Read::Unreadable(_)) => Err(None),
    }
}

/// Prints the status file as of `now`: its line, or its parts as JSON.
pub fn print_status(
    f: &super::status::StatusFile,
    now: jiff::Timestamp,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&f.json_at(now))?)?;
    } else {
        writeln!(out, "{}", f.line_at(now))?;
    }
    Ok(())
}

/// `megarepo stats [--json]`
pub fn stats(ctx: &StudyCtx<'_>, json: bool, out: &mut dyn Write) -> Result<()> {
    let computed = ctx.compute(None)?;
    report_to_stderr(computed.rebuilt.as_ref());
    let s = computed.stats;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
        return Ok(());
    }
    writeln!(out, "{}", s.status_line())?;
    writeln!(
        out,
        "longest streak {} · total {} since {}",
        s.streak.longest,
        fmt_minutes(s.total_minutes),
        s.start_date
    )?;
    let pct = |p: Option<u8>| p.map(|p| format!("{p}% reading")).unwrap_or("-".into());
    writeln!(
        out,
        "balance today {} · last 7 days {} (target 50%)",
        pct(s.balance_today.reading_percent),
        pct(s.balance_7_days.reading_percent)
    )?;
    for w in s.weeks.iter().rev().take(4) {
        writeln!(out, "week of {}: {}", w.week, fmt_minutes(w.total))?;
    }
    for sec in &s.sections {
        writeln!(out, "section {}: {}", sec.section, fmt_minutes(sec.total))?;
    }
    for (name, p) in [("fundamentals", &s.fundamentals), ("roadmap", &s.roadmap)] {
        let projected = p
            .projected
            .map(|d| d.to_string())
            .unwrap_or_else(|| "not yet known".into());
        writeln!(
            out,
            "{name}: {}/{} done, projected {projected} (estimate {} to {}): {}",
            p.done,
            p.total,
            p.estimate_from,
            p.estimate_to,
            p.describe()
        )?;
    }
    Ok(())
}

/// `megarepo journal ...`
pub fn journal(ctx: &StudyCtx<'_>, cmd: JournalCmd, out: &mut dyn Write) -> Result<()> {
    let study = ctx.study();
    let now = ctx.clock.now();
    let day = |d: &Option<String>| -> Result<Date> {
        match d {
            Some(text) => parse_day(text, ctx.clock.today()).map_err(anyhow::Error::msg),
            None => Ok(ctx.clock.today()),
        }
    };
    match cmd {
        JournalCmd::Add {
            field,
            date,
            title,
            tags,
            text,
        } => {
            let date = day(&date)?;
            let mut e = study
                .journal(date)?
                .unwrap_or_else(|| JournalEntry::new(date, now));
            let joined = text.join(" ");
            if !text.is_empty() && joined.trim().is_empty() {
                bail!("nothing to add: the text is empty (nothing was saved)");
            }
            if text.is_empty() && title.is_none() && tags.is_empty() {
                let edited = edit_in_editor(&e.to_editor_text())?;
                e.update_from_editor_text(&edited, now);
            } else {
                if let Some(t) = title {
                    e.title = t.trim().to_string();
                }
                e.add_tags(tags.iter().map(String::as_str));
                e.append(field, &joined, now);
                e.updated = now;
            }
            study.save_journal(&e)?;
            study.flush()?;
            writeln!(out, "saved journal entry for {date}")?;
        }
        JournalCmd::List { search, json } => {
            let entries = study.journal_entries()?;
            match search {
                Some(q) => {
                    let hits = journal::search(&entries, &q);
                    if json {
                        writeln!(out, "{}", serde_json::to_string_pretty(&hits)?)?;
                    } else if hits.is_empty() {
                        writeln!(out, "no journal entries match `{q}`")?;
                    } else {
                        for h in hits {
                            writeln!(out, "{} {}: {}", h.date, h.field, h.snippet)?;
                        }
                    }
                }
                None if json => {
                    let zone = ctx.clock.zone();
                    let v = entries
                        .iter()
                        .map(|e| entry_json(e, &zone))
                        .collect::<Result<Vec<_>>>()?;
                    writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                }
                None if entries.is_empty() => {
                    writeln!(
                        out,
                        "no journal entries yet (`megarepo journal add TEXT` writes today's)"
                    )?;
                }
                None => {
                    for e in entries.iter().rev() {
                        let tags = if e.tags.is_empty() {
                            String::new()
                        } else {
                            format!(" [{}]", e.tags.join(", "))
                        };
                        writeln!(out, "{} {}{}", e.date, e.display_title(), tags)?;
                    }
                }
            }
        }
        JournalCmd::Show { date, json } => {
            let date = parse_day(&date, ctx.clock.today()).map_err(anyhow::Error::msg)?;
            let Some(e) = study.journal(date)? else {
                bail!("no journal entry for {date}");
            };
            let (days, rebuilt) = ctx.days_now()?;
            report_to_stderr(rebuilt.as_ref());
            let minutes = days.on(date).minutes();
            if json {
                let mut v = entry_json(&e, &ctx.clock.zone())?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("studied_minutes".into(), json!(minutes));
                }
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                writeln!(out, "{}", e.to_markdown(minutes))?;
            }
        }
        JournalCmd::Export { dir } => {
            let entries = study.journal_entries()?;
            let (days, rebuilt) = ctx.days_now()?;
            report_to_stderr(rebuilt.as_ref());
            let minutes_of = |d: Date| days.on(d).minutes();
            let written = journal::export(&entries, &minutes_of, &dir)?;
            let n = written.len();
            let noun = if n == 1 { "entry" } else { "entries" };
            writeln!(out, "exported {n} {noun} to {}", dir.display())?;
        }
    }
    Ok(())
}

/// A journal entry as JSON, its time of last change in local time to the
/// second (the store keeps UTC to the nanosecond).
fn entry_json(e: &JournalEntry, zone: &jiff::tz::TimeZone) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(e)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("updated".into(), json!(local_rfc3339(e.updated, zone)));
    }
    Ok(v)
}

/// Opens `text` in `$VISUAL`/`$EDITOR` (default `vi`) and returns the result.
pub fn edit_in_editor(text: &str) -> Result<String> {
    let editor = crate::editor::configured().unwrap_or_else(|| "vi".to_string());
    let dir = tempfile_dir()?;
    let path = dir.join("megarepo-journal.md");
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    crate::editor::edit(&editor, &path).context("the entry was not changed")?;
    let edited = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(edited)
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("megarepo-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// One session as `timer sessions` and `timer rm` show it, in the
/// learner's zone to the minute.
struct SessionRow {
    id: u64,
    date: jiff::civil::Date,
    start: Option<jiff::Timestamp>,
    end: Option<jiff::Timestamp>,
    start_text: String,
    end_text: String,
    minutes: i64,
    modes: String,
    manual: bool,
    state: &'static str,
    item: Option<String>,
}

impl SessionRow {
    /// `current` is the timer's running session, fresher than its record
    /// (and the only open one that is not "left running").
    fn of(
        s: &Session,
        current: Option<&Session>,
        zone: &jiff::tz::TimeZone,
        now: jiff::Timestamp,
    ) -> SessionRow {
        use super::session::SessionKind;
        let is_current = current.is_some_and(|c| c.id == s.id);
        let mut s = match current {
            Some(c) if is_current => c.clone(),
            _ => s.clone(),
        };
        if is_current || s.is_detached() {
            s.checkpoint(now);
        }
        let minutes = s.studied_time().as_secs() / 60;
        match &s.kind {
            SessionKind::Manual(m) => SessionRow {
                id: s.id,
                date: m.date,
                start: None,
                end: None,
                start_text: String::new(),
                end_text: String::new(),
                minutes,
                modes: m.mode.to_string(),
                manual: true,
                state: "logged",
                item: s.item.clone(),
            },
            SessionKind::Timed(t) => {
                let mut modes: Vec<Mode> = t.segments.iter().map(|g| g.mode).collect();
                if let Phase::Running { mode, .. } | Phase::Paused { mode, .. } = t.phase {
                    modes.push(mode);
                }
                modes.sort();
                modes.dedup();
                let modes = modes
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join("+");
                let (end, state) = match t.phase {
                    Phase::Stopped { at } => (Some(at), "stopped"),
                    Phase::Running { .. } if is_current || t.detached => (None, "running"),
                    Phase::Paused { .. } if is_current || t.detached => (None, "paused"),
                    _ => (Some(t.checkpoint), "left running"),
                };
                let start_z = t.start.to_zoned_datetime(zone.clone());
                let end_text = match end {
                    Some(e) => {
                        let ez = e.to_zoned_datetime(zone.clone());
                        if ez.date() == start_z.date() {
                            ez.strftime("%H:%M").to_string()
                        } else {
                            local_minute(e, zone, t.start)
                        }
                    }
                    None => "now".into(),
                };
                SessionRow {
                    id: s.id,
                    date: start_z.date(),
                    start: Some(t.start),
                    end,
                    start_text: start_z.strftime("%H:%M").to_string(),
                    end_text,
                    minutes,
                    modes: if modes.is_empty() { "-".into() } else { modes },
                    manual: false,
                    state,
                    item: s.item.clone(),
                }
            }
        }
    }

    /// `14:01-14:30`, or blank for a logged entry (it has no clock times).
    fn time(&self) -> String {
        if self.manual {
            String::new()
        } else {
            format!("{}-{}", self.start_text, self.end_text)
        }
    }

    fn how(&self) -> String {
        let how = if self.manual { "log" } else { "timer" };
        let state = match self.state {
            "running" | "paused" | "left running" => format!(" ({})", self.state),
            _ => String::new(),
        };
        let item = self
            .item
            .as_deref()
            .map(|i| format!(" on {i}"))
            .unwrap_or_default();
        format!("{how}{state}{item}")
    }

    /// "session 5: 2026-11-27, 1440 min of coding, logged"
    fn describe(&self) -> String {
        let when = if self.manual {
            format!(
                "{}, {} min of {}, logged by hand",
                self.date, self.minutes, self.modes
            )
        } else {
            format!(
                "{} {}, {} min of {}, timer{}",
                self.date,
                self.time(),
                self.minutes,
                self.modes,
                match self.state {
                    "stopped" => String::new(),
                    s => format!(" ({s})"),
                }
            )
        };
        format!("session {}: {when}", self.id)
    }

    fn json(&self, zone: &jiff::tz::TimeZone) -> serde_json::Value {
        json!({
            "id": self.id,
            "date": self.date.to_string(),
            "start": self.start.map(|t| local_rfc3339(t, zone)),
            "end": self.end.map(|t| local_rfc3339(t, zone)),
            "minutes": self.minutes,
            "modes": self.modes.split('+').collect::<Vec<_>>(),
            "how": if self.manual { "log" } else { "timer" },
            "state": self.state,
            "item": self.item,
        })
    }
}

/// The sessions on the dates `from..=to` (a timed session on the date it
/// started), oldest first.
fn session_rows<C: Clock>(
    ctx: &StudyCtx<'_>,
    timer: &Timer<C>,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<Vec<SessionRow>> {
    let zone = ctx.clock.zone();
    let now = ctx.clock.now();
    let mut rows: Vec<SessionRow> = ctx
        .study()
        .sessions()?
        .iter()
        .map(|s| SessionRow::of(s, timer.current(), &zone, now))
        .filter(|r| (from..=to).contains(&r.date))
        .collect();
    rows.sort_by_key(|r| (r.date, r.start, r.id));
    Ok(rows)
}
