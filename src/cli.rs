//! The command line: one contract, used by people and by the tests.
//!
//! `megarepo` with no subcommand starts the TUI; every subcommand runs
//! headless, prints to stdout (JSON with `--json` where it prints data) and
//! exits non-zero with a one-line reason on error. Argument parsing is clap
//! derive; each subcommand is a small function over [`Env`].

use crate::checklist::{Checklist, Filter, is_leaf_item, leaf_items};
use crate::content::Kind;
use crate::env::Env;
use crate::store::Store;
use anyhow::{Context, Result, bail};
use clap::{CommandFactory, Parser, Subcommand};
use jiff::Timestamp;
use serde_json::json;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "megarepo",
    version,
    about = "A terminal study environment for learning Rust and systems programming",
    long_about = "A terminal study environment for learning Rust and systems programming.\n\n\
                  Run without a subcommand to open the app (checklist, cheat sheets, timer, \
                  and live project panes)."
)]
pub struct Cli {
    /// Folder for your data (progress, sessions, journal, logs).
    /// Defaults to the platform's data folder.
    #[arg(long, global = true, env = "MEGAREPO_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Folder with lessons/ and cheatsheets/ to use instead of the built-in copies.
    /// Defaults to the checkout megarepo was built from, if it still exists.
    #[arg(long, global = true, value_name = "DIR")]
    pub content_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// The arguments as typed (without the program name), set by `main`:
    /// what is sent to the running app when it holds the store. None when
    /// one of them is not UTF-8.
    #[arg(skip)]
    pub argv: Option<Vec<String>>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with the roadmap checklist.
    #[command(subcommand)]
    Checklist(ChecklistCmd),
    /// Cheat sheets and lessons: list, read, start your own.
    #[command(subcommand)]
    Sheet(SheetCmd),
    /// Search every cheat sheet, lesson and personal sheet (file, heading, line).
    Search {
        term: String,
        #[arg(long)]
        json: bool,
    },
    /// The study timer: start, stop, pause, switch mode, log time done away.
    #[command(subcommand)]
    Timer(crate::study::cli::TimerCmd),
    /// One short line for a shell prompt or tmux: today's minutes, split, streak.
    Status,
    /// Study statistics: streaks, minutes per day, balance, projections.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// The learning journal: daily entries and reflections.
    #[command(subcommand)]
    Journal(crate::study::cli::JournalCmd),
    /// The Phase 2 key-value store on our own log-structured engine.
    Kv(kv::cli::KvArgs),
    /// The Phase 5 kernel: build it, boot it in QEMU, run its tests.
    #[command(subcommand)]
    Kernel(kernel_runner::KernelCommand),
    /// Phase 1: tasks and projects with `pm` (default workspace: DATA/pm,
    /// the board the PM tab shows; --workspace or PM_WORKSPACE for another).
    Pm(pm::cli::Cli),
    /// Phase 3: the Redis-protocol server on our engine, its client, a load
    /// generator (`serve` keeps data in DATA/net unless --dir or --memory).
    Net(net::cli::NetArgs),
    /// Phase 4: minidb, a SQL database in one file: query it or open a console.
    Db(minidb::cli::Args),
    /// Daily coding exercises: init, list, next, check, watch, hint, reset.
    #[command(subcommand)]
    Exercise(crate::exercises::cli::ExerciseCmd),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCmd {
    /// List every item with its state.
    List {
        /// Show only some items.
        #[arg(long, value_enum, default_value = "all")]
        filter: FilterArg,
        #[arg(long)]
        json: bool,
    },
    /// Mark an item done (an item with sub-items marks all of them).
    Done { id: String },
    /// Mark an item not done.
    Undo { id: String },
    /// Add N (default 1, may be negative) to an item's counter.
    Inc {
        id: String,
        #[arg(allow_negative_numbers = true, default_value_t = 1)]
        n: i64,
    },
    /// Set (or with an empty text, clear) an item's note.
    Note { id: String, text: String },
    /// Progress per section and overall.
    Progress {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SheetCmd {
    /// Every sheet and lesson, with its kind and title.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Print a sheet (coloured on a terminal, plain when piped or with NO_COLOR).
    Show {
        /// `ownership`, `lesson/phase-2-kv`, `my/NAME`.
        name: String,
        /// Wrap at this many columns (default: the terminal's width, or 100).
        #[arg(long)]
        width: Option<u16>,
    },
    /// Start your own sheet from a template in the data folder and open $EDITOR.
    New {
        /// lowercase letters, digits and dashes, e.g. `ownership`
        name: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FilterArg {
    All,
    Open,
    Done,
}

impl From<FilterArg> for Filter {
    fn from(f: FilterArg) -> Filter {
        match f {
            FilterArg::All => Filter::All,
            FilterArg::Open => Filter::Open,
            FilterArg::Done => Filter::Done,
        }
    }
}

impl Env {
    /// Where data and content are, from the command line (`--data-dir`,
    /// `--content-dir`) or their defaults. Kept here, not in `env.rs`, so
    /// `env` does not depend on the command line's types.
    pub fn new(cli: &Cli) -> Env {
        Env::resolve(cli.data_dir.clone(), cli.content_dir.as_deref())
    }
}

/// Run a headless command and return its exit status (the project tools
/// have their own: pm distinguishes bad usage, not found and I/O). The TUI
/// (no command) is started by `main`.
pub fn run(mut cli: Cli, out: &mut dyn Write) -> Result<ExitCode> {
    if let Some(Command::Status) = cli.command {
        // Before the content is loaded: a prompt runs this on every line.
        let data_dir = cli
            .data_dir
            .clone()
            .unwrap_or_else(crate::store::default_data_dir);
        status(&data_dir, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let env = Env::new(&cli);
    // Answered from DATA/stats.json when nothing changed since the last
    // time (see study::stats_cache), without the store or the app.
    if let Some(Command::Stats { json }) = cli.command
        && crate::study::cli::stats_cached(
            &env.data_dir,
            &env.content.roadmap,
            &crate::study::SystemClock::new(),
            json,
            out,
        )?
    {
        return Ok(ExitCode::SUCCESS);
    }
    read_journal_from_stdin(&mut cli)?;
    match cli.command {
        Some(Command::Pm(mut pm_cli)) => {
            if pm_cli.workspace.is_none() {
                pm_cli.workspace = Some(env.data_dir.join("pm"));
            }
            Ok(match pm::cli::run(pm_cli, out) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("error: {e}");
                    pm::cli::exit_code(&e)
                }
            })
        }
        Some(Command::Net(mut args)) => {
            if let net::cli::NetCommand::Serve(serve) = &mut args.command
                && serve.dir.is_none()
                && !serve.memory
            {
                serve.dir = Some(env.data_dir.join("net"));
            }
            net::cli::run(args)
        }
        Some(Command::Db(args)) => minidb::cli::run(args),
        Some(Command::Exercise(cmd)) => {
            crate::exercises::cli::run(cmd, &env.data_dir, env.content.dir.as_deref(), out)?;
            Ok(ExitCode::SUCCESS)
        }
        command => {
            run_app_command(env, command, cli.argv, out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `echo text | megarepo journal add`: with no text on the command line
/// and no terminal to edit in, the text is standard input (an editor on a
/// pipe cannot work). It becomes the command's text, so the app gets it too.
fn read_journal_from_stdin(cli: &mut Cli) -> Result<()> {
    use std::io::{IsTerminal, Read};
    let Some(Command::Journal(crate::study::cli::JournalCmd::Add {
        text, title, tags, ..
    })) = &mut cli.command
    else {
        return Ok(());
    };
    if !text.is_empty() || title.is_some() || !tags.is_empty() || std::io::stdin().is_terminal() {
        return Ok(());
    }
    let mut buf = String::new();
    std::io::stdin()
        .take(crate::remote::MAX_REQUEST as u64 / 2)
        .read_to_string(&mut buf)
        .context("reading the entry from standard input")?;
    if buf.trim().is_empty() {
        bail!(
            "nothing to add: standard input was empty (give the text, or run on a terminal to use $EDITOR)"
        );
    }
    let buf = buf.trim_end().to_string();
    if let Some(argv) = &mut cli.argv {
        if !argv.iter().any(|a| a == "--") {
            argv.push("--".into());
        }
        argv.push(buf.clone());
    }
    text.push(buf);
    Ok(())
}

/// Commands that need the store. With no app open they open it here; while
/// the app holds it they are sent to the app, which applies them and
/// answers with the same output (see `crate::remote`).
fn store_command(
    env: &Env,
    command: Command,
    argv: Option<Vec<String>>,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::remote::{self, RemoteError};
    // Ask a listening app first: opening the store it holds would wait.
    let refused = match remote::connect(&env.data_dir) {
        Ok(conn) => return send_to_app(conn, &command, argv, out),
        Err(RemoteError::NoApp(_)) => None,
        Err(e @ RemoteError::Unsafe { .. }) => Some(e),
        Err(e) => return Err(e.into()),
    };
    match Store::open(&env.data_dir) {
        Ok(store) => {
            let r = run_on_store(&env.content, &store, command, out);
            store.flush()?;
            r
        }
        Err(crate::store::StoreError::Locked(p)) => {
            if let Some(e) = refused {
                return Err(e.into());
            }
            // The app may have just started: it takes the store, then listens.
            match remote::connect(&env.data_dir) {
                Ok(conn) => send_to_app(conn, &command, argv, out),
                Err(RemoteError::NoApp(_)) => Err(crate::store::StoreError::Locked(p).into()),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

fn send_to_app(
    conn: crate::remote::Connection,
    command: &Command,
    argv: Option<Vec<String>>,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::study::cli::{JournalCmd, TimerCmd};
    match command {
        Command::Timer(TimerCmd::Start {
            foreground: true, ..
        }) => bail!(
            "the app is open and holds the timer: start it there (s on the Study tab) or with `megarepo timer start` without --foreground"
        ),
        Command::Journal(JournalCmd::Add {
            text, title, tags, ..
        }) if text.is_empty() && title.is_none() && tags.is_empty() => bail!(
            "the app is open: write the entry in its Journal tab, or give the text (`megarepo journal add TEXT`, or pipe it in)"
        ),
        _ => {}
    }
    let Some(args) = argv else {
        bail!("an argument is not valid UTF-8, so it cannot be sent to the running app");
    };
    let reply = conn.call(&args)?;
    if reply.ok {
        out.write_all(reply.out.as_bytes())?;
        Ok(())
    } else {
        bail!(
            "{}",
            reply
                .error
                .unwrap_or_else(|| "the app refused the command".into())
        )
    }
}

/// Run a store command on an open store: the command line's way, and the
/// app's for commands no pane claims (`App::update` on `Action::Remote`).
pub fn run_on_store(
    content: &crate::content::Content,
    store: &Store,
    command: Command,
    out: &mut dyn Write,
) -> Result<()> {
    let clock = crate::study::clock::SystemClock::new();
    let cx = crate::study::service::StudyCtx {
        store,
        clock: &clock,
        roadmap: &content.roadmap,
    };
    match command {
        Command::Checklist(cmd) => checklist(content, store, cmd, out),
        Command::Timer(cmd) => crate::study::cli::timer(&cx, cmd, out),
        Command::Status => crate::study::cli::status(&cx, out),
        Command::Stats { json } => crate::study::cli::stats(&cx, json, out),
        Command::Journal(cmd) => crate::study::cli::journal(&cx, cmd, out),
        _ => bail!("this command does not use the store, so the app does not run it"),
    }
}

/// Does this command need the store (and so go to the app while it runs)?
pub fn uses_store(command: &Command) -> bool {
    matches!(
        command,
        Command::Checklist(_)
            | Command::Timer(_)
            | Command::Status
            | Command::Stats { .. }
            | Command::Journal(_)
    )
}

/// The app's own commands (checklist, sheets, study, kv, kernel).
fn run_app_command(
    env: Env,
    command: Option<Command>,
    argv: Option<Vec<String>>,
    out: &mut dyn Write,
) -> Result<()> {
    match command {
        None => bail!("no subcommand: `megarepo` alone starts the app (see `megarepo --help`)"),
        Some(Command::Pm(_) | Command::Net(_) | Command::Db(_) | Command::Exercise(_)) => {
            unreachable_project_command()
        }
        Some(Command::Completions { shell }) => {
            // clap_complete panics on a write error (`| head`): render into
            // memory, then write, so a closed pipe is an ordinary error.
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "megarepo", &mut buf);
            out.write_all(&buf)?;
            Ok(())
        }
        Some(cmd) if uses_store(&cmd) => {
            env.warn_content();
            store_command(&env, cmd, argv, out)
        }
        Some(Command::Kv(mut args)) => {
            if args.dir.is_none() {
                // The KV tab's store; benchmarks get a scratch folder beside it.
                let sub = if matches!(args.cmd, kv::cli::KvCommand::Bench { .. }) {
                    "kv-bench"
                } else {
                    "kv"
                };
                args.dir = Some(env.data_dir.join(sub));
            }
            kv::cli::run(args, out)
        }
        Some(Command::Kernel(cmd)) => {
            let code = kernel_runner::run_cli(cmd)?;
            if code != 0 {
                // The kernel's own exit status (a failed test, a panic) is
                // the command's; run_cli has already said why.
                std::process::exit(code);
            }
            Ok(())
        }
        Some(Command::Sheet(cmd)) => sheet(&env, cmd, out),
        Some(Command::Search { term, json }) => search(&env, &term, json, out),
        Some(_) => bail!("internal: a store command reached the wrong dispatcher"),
    }
}

/// `megarepo status`: the line from `DATA/status.json` when it was written
/// today (no store, no content: a few milliseconds for a prompt); else
/// recomputed from the store's totals and written again. While the app
/// holds the store it keeps the file current itself (at least once a
/// minute), so a file from before midnight is shown as it is then.
fn status(data_dir: &std::path::Path, out: &mut dyn Write) -> Result<()> {
    use crate::study::cli::{status_fast, status_with_store};
    let clock = crate::study::clock::SystemClock::new();
    let stale = match status_fast(data_dir, &clock) {
        Ok(line) => {
            writeln!(out, "{line}")?;
            return Ok(());
        }
        Err(stale) => stale,
    };
    let locked = match Store::open(data_dir) {
        Ok(store) => {
            let r = status_with_store(&store, &clock, out);
            store.flush()?;
            return r;
        }
        Err(e @ crate::store::StoreError::Locked(_)) => e,
        Err(e) => return Err(e.into()),
    };
    if let Some(f) = stale {
        writeln!(out, "{}", f.line_at(jiff::Timestamp::now()))?;
        return Ok(());
    }
    // The app removes the file just before a change and writes it again
    // just after: give it a moment.
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(25));
        if let Ok(line) = status_fast(data_dir, &clock) {
            writeln!(out, "{line}")?;
            return Ok(());
        }
    }
    Err(locked.into())
}

fn load_documents(env: &Env) -> Vec<crate::content::sheets::Sheet> {
    use crate::content::sheets;
    let personal = sheets::personal_dir(&env.data_dir);
    let loaded = sheets::load_sheets(env.content.dir.as_deref(), Some(&personal));
    for p in &loaded.problems {
        eprintln!("warning: {p}");
    }
    loaded.sheets
}

fn sheet(env: &Env, cmd: SheetCmd, out: &mut dyn Write) -> Result<()> {
    use crate::content::sheets;
    match cmd {
        SheetCmd::List { json } => {
            let docs = load_documents(env);
            if json {
                let v: Vec<_> = docs
                    .iter()
                    .map(|s| json!({"name": s.name, "kind": s.kind(), "title": s.title()}))
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                let w = docs
                    .iter()
                    .map(|s| s.name.chars().count())
                    .max()
                    .unwrap_or(0);
                for s in &docs {
                    writeln!(out, "{:<w$}  {}", s.name, s.title())?;
                }
            }
        }
        SheetCmd::Show { name, width } => {
            let docs = load_documents(env);
            let Some(doc) = docs.iter().find(|s| s.name == name) else {
                let near = docs
                    .iter()
                    .map(|s| (strsim::jaro_winkler(&name, &s.name), &s.name))
                    .filter(|(score, _)| *score > 0.7)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                match near {
                    Some((_, n)) => bail!("no sheet named `{name}` (did you mean `{n}`?)"),
                    None => bail!("no sheet named `{name}` (see `megarepo sheet list`)"),
                }
            };
            let color = crate::markdown::stdout_wants_color();
            let width = width
                .or_else(|| {
                    crossterm::terminal::size()
                        .ok()
                        .map(|(w, _)| w)
                        .filter(|_| color)
                })
                .unwrap_or(100)
                .clamp(20, 400);
            let kind = match std::env::var("MEGAREPO_THEME").as_deref() {
                Ok("light") => crate::markdown::ThemeKind::Light,
                _ => crate::markdown::ThemeKind::Dark,
            };
            write!(
                out,
                "{}",
                crate::markdown::render_ansi(&doc.text, width, kind, color)
            )?;
        }
        SheetCmd::New { name } => {
            if !sheets::valid_personal_name(&name) {
                bail!(
                    "`{name}` is not a sheet name: use lowercase letters, digits and dashes (e.g. `ownership`)"
                );
            }
            crate::store::prepare_data_dir(&env.data_dir)?;
            let (path, created) =
                sheets::create_personal(&env.data_dir, &name).with_context(|| {
                    format!(
                        "creating your sheet in {}",
                        sheets::personal_dir(&env.data_dir).display()
                    )
                })?;
            writeln!(
                out,
                "{} {} (it shows in the app as `my/{name}`)",
                if created {
                    "created"
                } else {
                    "opening your existing sheet"
                },
                path.display()
            )?;
            open_in_editor(&path)?;
        }
    }
    Ok(())
}

/// Open `path` in the learner's editor when one is set and there is a
/// terminal to edit in; otherwise the printed path is the answer.
fn open_in_editor(path: &std::path::Path) -> Result<()> {
    use std::io::IsTerminal;
    match crate::editor::configured() {
        Some(editor) if std::io::stdin().is_terminal() => crate::editor::edit(&editor, path)
            .with_context(|| format!("your sheet is at {}", path.display())),
        _ => Ok(()),
    }
}

fn search(env: &Env, term: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    if term.trim().is_empty() {
        bail!("give a word or phrase to search for");
    }
    let docs = load_documents(env);
    let hits = crate::content::sheets::search(&docs, term);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&hits)?)?;
    } else if hits.is_empty() {
        writeln!(out, "no matches for `{term}`")?;
    } else {
        for h in &hits {
            writeln!(out, "{}:{}  [{}]  {}", h.sheet, h.line, h.heading, h.text)?;
        }
    }
    Ok(())
}

fn checklist(
    content: &crate::content::Content,
    store: &Store,
    cmd: ChecklistCmd,
    out: &mut dyn Write,
) -> Result<()> {
    let roadmap = &content.roadmap;
    let now = Timestamp::now();
    match cmd {
        ChecklistCmd::List { filter, json } => {
            let progress = store.all_progress()?;
            let cl = Checklist::new(roadmap, &progress);
            let rows = cl.rows(&HashSet::new(), filter.into());
            if json {
                let flat = roadmap.flatten();
                let items: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        let n = r.node;
                        let st = cl.state(&n.id);
                        let rec = progress.get(&n.id);
                        let entry = flat.iter().find(|e| e.node.id == n.id);
                        json!({
                            "id": n.id,
                            "title": n.title,
                            "kind": n.kind,
                            "depth": r.depth,
                            "parent": entry.and_then(|e| e.parent).map(|p| flat[p].node.id.clone()),
                            "section": entry.map(|e| e.section),
                            "done": st.map(|s| s.done),
                            "progress": st.map(|s| s.tally.ratio()),
                            "count": rec.map(|r| r.count),
                            "target": n.target,
                            "note": rec.map(|r| r.note.clone()).filter(|s| !s.is_empty()),
                            "done_at": rec.and_then(|r| r.done_at).map(|t| t.to_string()),
                            "pane": n.pane,
                            "sheet": n.sheet,
                            "links": n.links.iter().map(|l| json!({"title": l.title, "url": l.url})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
            } else {
                for r in rows {
                    let n = r.node;
                    let st = cl.state(&n.id);
                    let indent = "  ".repeat(r.depth);
                    let line = match n.kind {
                        Kind::Section => {
                            let t = st.map(|s| s.tally).unwrap_or_default();
                            format!(
                                "{indent}{}  ({:.0}/{:.0})",
                                n.title,
                                t.done.floor(),
                                t.total
                            )
                        }
                        Kind::Info => format!("{indent}  · {}", n.title),
                        Kind::Item => {
                            let mark = if st.is_some_and(|s| s.done) {
                                "[x]"
                            } else {
                                "[ ]"
                            };
                            let count = match st.and_then(|s| s.count) {
                                Some((c, t)) => format!(" [{c}/{t}]"),
                                None => String::new(),
                            };
                            format!("{indent}{mark} {}{count}  ({})", n.title, n.id)
                        }
                    };
                    writeln!(out, "{line}")?;
                }
            }
        }
        ChecklistCmd::Done { id } => set_done(roadmap, store, &id, true, now, out)?,
        ChecklistCmd::Undo { id } => set_done(roadmap, store, &id, false, now, out)?,
        ChecklistCmd::Inc { id, n } => {
            let node = roadmap.require(&id)?;
            if !is_leaf_item(node) {
                bail!("`{id}` is not a single item; counters live on items without sub-items");
            }
            let Some(target) = node.target else {
                bail!(
                    "`{id}` has no counter (counters are on counted items such as codewars-50); use `checklist done {id}`"
                );
            };
            if n.unsigned_abs() > u64::from(target) {
                bail!("{n} is more than `{id}`'s whole target ({target}); nothing was changed");
            }
            let p = store.add_count(&id, n, Some(target), now)?;
            store.flush()?;
            writeln!(
                out,
                "{id}: {}/{target}{}",
                p.count,
                if p.done { " (done)" } else { "" }
            )?;
        }
        ChecklistCmd::Note { id, text } => {
            roadmap.require(&id)?;
            if !text.is_empty() && text.trim().is_empty() {
                bail!(
                    "a note of only spaces is not saved; give some text, or \"\" to clear the note"
                );
            }
            store.set_note(&id, &text, now)?;
            store.flush()?;
            writeln!(
                out,
                "{id}: note {}",
                if text.is_empty() { "cleared" } else { "saved" }
            )?;
        }
        ChecklistCmd::Progress { json } => {
            let progress = store.all_progress()?;
            let cl = Checklist::new(roadmap, &progress);
            let sections: Vec<_> = roadmap
                .sections
                .iter()
                .filter_map(|s| cl.state(&s.id).map(|st| (s, st.tally)))
                .filter(|(_, t)| t.total > 0.0)
                .collect();
            let overall = cl.overall();
            if json {
                let v = json!({
                    "overall": {"done": overall.done, "total": overall.total, "ratio": overall.ratio()},
                    "sections": sections.iter().map(|(s, t)| json!({
                        "id": s.id, "title": s.title, "done": t.done, "total": t.total, "ratio": t.ratio()
                    })).collect::<Vec<_>>(),
                });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                for (s, t) in &sections {
                    writeln!(
                        out,
                        "{:<28} {:>5.1}/{:<3} {:>4.0}%",
                        s.title,
                        t.done,
                        t.total,
                        t.ratio() * 100.0
                    )?;
                }
                writeln!(
                    out,
                    "{:<28} {:>5.1}/{:<3} {:>4.0}%",
                    "Overall",
                    overall.done,
                    overall.total,
                    overall.ratio() * 100.0
                )?;
            }
        }
    }
    Ok(())
}

fn set_done(
    roadmap: &crate::content::Roadmap,
    store: &Store,
    id: &str,
    done: bool,
    now: Timestamp,
    out: &mut dyn Write,
) -> Result<()> {
    let node = roadmap.require(id)?;
    match node.kind {
        Kind::Item => {}
        Kind::Section => bail!("`{id}` is a section; mark its items instead"),
        Kind::Info => bail!("`{id}` is an information line and cannot be checked"),
    }
    let leaves = leaf_items(node);
    for leaf in &leaves {
        store
            .set_done(&leaf.id, done, now)
            .with_context(|| format!("while marking `{}`", leaf.id))?;
    }
    store.flush()?;
    let word = if done { "done" } else { "not done" };
    if leaves.len() == 1 {
        writeln!(out, "{id}: {word}")?;
    } else {
        writeln!(out, "{id}: {word} ({} items)", leaves.len())?;
    }
    Ok(())
}

/// `run` answers the project tools before `run_app_command` is called.
fn unreachable_project_command() -> Result<()> {
    bail!("internal: a project command reached the app's dispatcher")
}
