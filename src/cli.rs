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
    /// The study timer: start, stop, pause, switch mode, log time done away,
    /// list and remove sessions.
    #[command(subcommand)]
    Timer(crate::study::cli::TimerCmd),
    /// One short line for a shell prompt or tmux: today's minutes, split, streak.
    Status {
        /// The line's parts as JSON (today's minutes per mode, goal, streak,
        /// the running session).
        #[arg(long)]
        json: bool,
    },
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
    Done {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark an item not done.
    Undo {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Add N (default 1, may be negative) to an item's counter.
    Inc {
        id: String,
        #[arg(allow_negative_numbers = true, default_value_t = 1)]
        n: i64,
        #[arg(long)]
        json: bool,
    },
    /// Set (or with an empty text, clear) an item's note.
    Note {
        id: String,
        text: String,
        #[arg(long)]
        json: bool,
    },
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
    /// Print a sheet, its link addresses listed at the end (coloured and
    /// paged through $PAGER, default `less -R`, on a terminal; plain when
    /// piped or with NO_COLOR).
    Show {
        /// `ownership`, `lesson/phase-2-kv`, `my/NAME`.
        name: String,
        /// Wrap at this many columns (default: the terminal's width, or 100).
        #[arg(long)]
        width: Option<u16>,
        /// Print straight to the terminal, without a pager.
        #[arg(long)]
        no_pager: bool,
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
        Env::resolve(Some(Env::data_dir(cli)), cli.content_dir.as_deref())
    }

    /// The data folder alone, without loading the content.
    pub fn data_dir(cli: &Cli) -> std::path::PathBuf {
        cli.data_dir
            .clone()
            .unwrap_or_else(crate::store::default_data_dir)
    }
}

/// Run a headless command and return its exit status (the project tools
/// have their own: pm distinguishes bad usage, not found and I/O). The TUI
/// (no command) is started by `main`.
pub fn run(mut cli: Cli, out: &mut dyn Write) -> Result<ExitCode> {
    if let Some(Command::Status { json }) = cli.command {
        // Before the content is loaded: a prompt runs this on every line.
        status(&Env::data_dir(&cli), json, out)?;
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
            let topic = || roadmap_topic(&env);
            let count_day = || {
                let mut said = Vec::new();
                store_call(
                    &env,
                    &["checklist", "inc", crate::panes::exercises::DAILY_ITEM],
                    &mut said,
                )?;
                Ok(String::from_utf8_lossy(&said).into_owned())
            };
            let roadmap = crate::exercises::cli::Roadmap {
                topic: &topic,
                count_day: &count_day,
            };
            crate::exercises::cli::run(
                cmd,
                &env.data_dir,
                env.content.dir.as_deref(),
                &roadmap,
                out,
            )?;
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

/// Run a store command given as arguments (`["checklist", "inc", ID]`),
/// through the running app when there is one.
fn store_call(env: &Env, args: &[&str], out: &mut dyn Write) -> Result<()> {
    use clap::Parser;
    let argv: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let cli = Cli::try_parse_from(std::iter::once("megarepo".to_string()).chain(argv.clone()))?;
    let Some(command) = cli.command else {
        bail!("no command in {args:?}");
    };
    store_command(env, command, Some(argv), out)
}

/// The roadmap's current topic (the first open item's sheet), read from
/// the store or the app; none when neither answers (the pick then ignores
/// the roadmap, and says nothing worse than that).
fn roadmap_topic(env: &Env) -> Option<crate::exercises::Topic> {
    let mut listed = Vec::new();
    store_call(env, &["checklist", "list", "--json"], &mut listed).ok()?;
    let items: Vec<serde_json::Value> = serde_json::from_slice(&listed).ok()?;
    let done: HashSet<&str> = items
        .iter()
        .filter(|i| i["done"] == serde_json::Value::Bool(true))
        .filter_map(|i| i["id"].as_str())
        .collect();
    crate::panes::exercises::roadmap_topic_by(&env.content.roadmap, |id| done.contains(id))
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
            dedupe_parts(
                &reply
                    .error
                    .unwrap_or_else(|| "the app refused the command".into())
            )
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
        Command::Status { json } => crate::study::cli::status(&cx, json, out),
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
            | Command::Status { .. }
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
        Some(Command::Timer(crate::study::cli::TimerCmd::Rm {
            id,
            yes: false,
            dry_run: false,
        })) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            env.warn_content();
            remove_session_asking(&env, id, argv, out)
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

/// `megarepo timer rm ID` on a terminal: show the session (`--dry-run`),
/// ask, then remove it (`--yes`). Each step opens the store, or goes to the
/// app when it is open, so the learner can think as long as they like.
fn remove_session_asking(
    env: &Env,
    id: u64,
    argv: Option<Vec<String>>,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::study::cli::TimerCmd;
    use std::io::BufRead;
    // The same arguments with one flag more, before any `--`.
    let with = |flag: &str| {
        argv.clone().map(|mut a| {
            let at = a.iter().position(|x| x == "--").unwrap_or(a.len());
            a.insert(at, flag.to_string());
            a
        })
    };
    let rm = |yes: bool, dry_run: bool| Command::Timer(TimerCmd::Rm { id, yes, dry_run });
    store_command(env, rm(false, true), with("--dry-run"), out)?;
    write!(out, "remove it? [y/N] ")?;
    out.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        store_command(env, rm(true, false), with("--yes"), out)
    } else {
        writeln!(out, "nothing was removed")?;
        Ok(())
    }
}

/// `megarepo status`: the line from `DATA/status.json` when it was written
/// today (no store, no content: a few milliseconds for a prompt); else
/// recomputed from the store's totals and written again. While the app
/// holds the store it keeps the file current itself (at least once a
/// minute), so a file from before midnight is shown as it is then.
fn status(data_dir: &std::path::Path, json: bool, out: &mut dyn Write) -> Result<()> {
    use crate::study::cli::{print_status, status_file_fast, status_with_store};
    use crate::study::clock::Clock;
    let clock = crate::study::clock::SystemClock::new();
    let stale = match status_file_fast(data_dir, &clock) {
        Ok(f) => return print_status(&f, clock.now(), json, out),
        Err(stale) => stale,
    };
    let locked = match Store::open(data_dir) {
        Ok(store) => {
            let r = status_with_store(&store, &clock, json, out);
            store.flush()?;
            return r;
        }
        Err(e @ crate::store::StoreError::Locked(_)) => e,
        Err(e) => return Err(e.into()),
    };
    if let Some(f) = stale {
        return print_status(&f, clock.now(), json, out);
    }
    // The app removes the file just before a change and writes it again
    // just after: give it a moment.
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(25));
        if let Ok(f) = status_file_fast(data_dir, &clock) {
            return print_status(&f, clock.now(), json, out);
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
        SheetCmd::Show {
            name,
            width,
            no_pager,
        } => {
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
            let theme = if color {
                crate::markdown::Theme::of(kind)
            } else {
                crate::markdown::Theme::plain()
            };
            let rendered = crate::markdown::render(&doc.text, width, &theme);
            let mut text = crate::markdown::to_ansi(&rendered.lines, color);
            text.push_str(&links_list(&rendered.links, width));
            page(&text, no_pager, out)?;
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

/// The addresses of a sheet's links, numbered as the `[n]` markers in its
/// text, for the end of `sheet show` (a terminal cannot follow a marker).
/// An entry is one line when it fits in `width`; else the text (cut with
/// "…") and the address on the next line, never broken, so it can be copied.
fn links_list(links: &[crate::markdown::Link], width: u16) -> String {
    use std::fmt::Write as _;
    use unicode_width::UnicodeWidthStr;
    if links.is_empty() {
        return String::new();
    }
    let width = usize::from(width);
    let w = links.last().map_or(1, |l| l.index.to_string().len()) + 2;
    let mut s = String::from("\nLinks\n");
    for l in links {
        let marker = format!("{:>w$}", format!("[{}]", l.index));
        let text = l.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let one = if text == l.url {
            format!("{marker} {}", l.url)
        } else {
            format!("{marker} {text}: {}", l.url)
        };
        if one.width() <= width || text == l.url {
            writeln!(s, "{one}").ok();
        } else {
            let room = width.saturating_sub(w + 1).max(1);
            let cut = crate::tui::text::truncate(&text, room);
            writeln!(s, "{marker} {cut}").ok();
            writeln!(s, "{:w$} {}", "", l.url).ok();
        }
    }
    s
}

/// Writes `text` through the learner's pager when stdout is a terminal
/// (`$PAGER`, else `less -R` when installed), else straight to `out`. A
/// pager quit before the end is not an error.
fn page(text: &str, no_pager: bool, out: &mut dyn Write) -> Result<()> {
    use std::io::IsTerminal;
    let pager = if no_pager || !std::io::stdout().is_terminal() {
        None
    } else {
        pager_command()
    };
    let Some(cmd) = pager else {
        out.write_all(text.as_bytes())?;
        return Ok(());
    };
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(&cmd)
        .stdin(std::process::Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        // Colours through, and no pager at all for a sheet that fits.
        command.env("LESS", "FRX");
    }
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("pager `{cmd}` did not start: {e}");
            out.write_all(text.as_bytes())?;
            return Ok(());
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        match stdin.write_all(text.as_bytes()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(e).context("writing to the pager"),
        }
    }
    child.wait().context("waiting for the pager")?;
    Ok(())
}

/// `$PAGER` when set and not empty (`cat` or `""` turn paging off), else
/// `less -R` when `less` is on the PATH.
fn pager_command() -> Option<String> {
    if let Some(p) = std::env::var_os("PAGER") {
        let p = p.to_string_lossy().trim().to_string();
        return (!p.is_empty() && p != "cat").then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .any(|d| d.join("less").is_file())
        .then(|| "less -R".to_string())
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
            let zone = jiff::tz::TimeZone::system();
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
                            "done_at": rec.and_then(|r| r.done_at).map(|t| crate::study::timefmt::local_rfc3339(t, &zone)),
                            "pane": n.pane,
                            "sheet": n.sheet,
                            "links": n.links.iter().map(|l| json!({"title": l.title, "url": l.url})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
            } else if !rows.iter().any(|r| r.node.kind == Kind::Item) {
                writeln!(out, "no items match --filter {}", filter_name(filter))?;
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
        ChecklistCmd::Done { id, json } => set_done(roadmap, store, &id, true, now, json, out)?,
        ChecklistCmd::Undo { id, json } => set_done(roadmap, store, &id, false, now, json, out)?,
        ChecklistCmd::Inc { id, n, json } => {
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
            if json {
                let v = json!({"id": id, "count": p.count, "target": target, "done": p.done});
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                writeln!(
                    out,
                    "{id}: {}/{target}{}",
                    p.count,
                    if p.done { " (done)" } else { "" }
                )?;
            }
        }
        ChecklistCmd::Note { id, text, json } => {
            roadmap.require(&id)?;
            if !text.is_empty() && text.trim().is_empty() {
                bail!(
                    "a note of only spaces is not saved; give some text, or \"\" to clear the note"
                );
            }
            store.set_note(&id, &text, now)?;
            store.flush()?;
            if json {
                let note = (!text.is_empty()).then_some(&text);
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&json!({"id": id, "note": note}))?
                )?;
            } else {
                writeln!(
                    out,
                    "{id}: note {}",
                    if text.is_empty() { "cleared" } else { "saved" }
                )?;
            }
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
                // Whole items done (a counted item part-way counts in the
                // percentage, not as a fraction of an item).
                let line = |title: &str, done: f64, total: f64, ratio: f64| {
                    format!(
                        "{:<28} {:>7} {:>4.0}%",
                        title,
                        format!("{}/{}", done.floor() as u64, total as u64),
                        ratio * 100.0
                    )
                };
                for (s, t) in &sections {
                    writeln!(out, "{}", line(&s.title, t.done, t.total, t.ratio()))?;
                }
                writeln!(
                    out,
                    "{}",
                    line("Overall", overall.done, overall.total, overall.ratio())
                )?;
            }
        }
    }
    Ok(())
}

fn filter_name(f: FilterArg) -> &'static str {
    match f {
        FilterArg::All => "all",
        FilterArg::Open => "open",
        FilterArg::Done => "done",
    }
}

fn set_done(
    roadmap: &crate::content::Roadmap,
    store: &Store,
    id: &str,
    done: bool,
    now: Timestamp,
    json: bool,
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
    if json {
        let v = json!({
            "id": id,
            "done": done,
            "items": leaves.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else if leaves.len() == 1 {
        writeln!(out, "{id}: {word}")?;
    } else {
        writeln!(out, "{id}: {word} ({} items)", leaves.len())?;
    }
    Ok(())
}

/// An error as one line: its context chain joined by ": ", leaving out a
/// cause whose text the line already holds (an error that prints its own
/// source, like "cannot create folder X: File exists (os error 17)", would
/// otherwise say the OS error twice).
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// A one-line error received as text (from the app): a part repeated right
/// after itself is said once.
fn dedupe_parts(text: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in text.split(": ") {
        if parts.last() != Some(&p) {
            parts.push(p);
        }
    }
    parts.join(": ")
}

/// `run` answers the project tools before `run_app_command` is called.
fn unreachable_project_command() -> Result<()> {
    bail!("internal: a project command reached the app's dispatcher")
}
