//! The TUI runtime: terminal, event loop, file watcher, logging. It sits
//! above the app (it owns the [`App`]); the widget kit is `crate::tui`.
//!
//! One tokio task owns the [`App`]. Terminal events, signals, ticks, the
//! content watcher and panes' background tasks all become [`Action`]s on
//! one channel; the loop applies each with `App::update` and redraws only
//! when something changed. Ticks run only while a pane asks for them, so
//! an idle app sleeps in `select!` and uses no CPU.

pub mod socket;
pub mod terminal;

use crate::action::{Action, Sender};
use crate::app::{App, Io};
use crate::env::Env;
use crate::store::Store;
use anyhow::{Context, Result};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;

/// Log to `DATA/logs/megarepo.log`, never to the screen.
pub fn init_logging(data_dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = data_dir.join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "megarepo.log");
    // The default queue holds 128,000 lines, allocated and touched up
    // front: 2-7 ms of start-up on this machine. The app logs a few lines
    // a minute; when the queue is full, lines are dropped (lossy), never
    // the UI blocked.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("MEGAREPO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Log lines waiting for the writer thread before new ones are dropped.
const LOG_QUEUE_LINES: usize = 4096;

/// The TUI needs a terminal on both stdin and stdout; say so in one line
/// before anything is opened.
pub fn check_terminal() -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the app needs a terminal (stdin and stdout are not one); for scripts use a subcommand, e.g. `megarepo checklist list`"
        );
    }
    Ok(())
}

type Opened = std::thread::JoinHandle<(Result<Store, crate::store::StoreError>, Duration)>;

/// The store, opening on its own thread from the moment the app starts.
/// Opening sled is the largest part of start-up (it reads its segments and
/// starts its threads), so the content is loaded, and logging and the
/// async runtime are set up, meanwhile.
pub struct Opening {
    data_dir: std::path::PathBuf,
    thread: Option<Opened>,
}

impl Opening {
    pub fn start(data_dir: std::path::PathBuf) -> Opening {
        let dir = data_dir.clone();
        let thread = std::thread::Builder::new()
            .name("store-open".into())
            .spawn(move || {
                let t = std::time::Instant::now();
                let store = Store::open(&dir);
                (store, t.elapsed())
            })
            .ok();
        Opening { data_dir, thread }
    }

    fn finish(self) -> Result<Store> {
        match self.thread {
            Some(handle) => {
                let (store, took) = handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("opening the store failed unexpectedly"))?;
                tracing::debug!("start-up: Store::open took {:.1} ms", ms(took));
                Ok(store?)
            }
            // No thread to spare: open it here.
            None => Ok(Store::open(&self.data_dir)?),
        }
    }
}

/// Start the TUI and run until the learner quits. The caller has called
/// [`check_terminal`], and `store` has been opening since `started`, when
/// the process began (for the start-up log line). The store is open
/// before the terminal is touched, so a locked or damaged store is a plain
/// one-line error on a normal screen.
pub fn run(env: Env, store: Opening, started: std::time::Instant) -> Result<()> {
    let log = init_logging(&env.data_dir);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let ready = started.elapsed();
    let store = store.finish()?;
    let _log = log;
    tracing::info!(data = %env.data_dir.display(), "starting");
    // MEGAREPO_LOG=debug: where start-up time goes (see ARCHITECTURE.md).
    tracing::debug!(
        "start-up: content, logging and runtime ready {:.1} ms, store open {:.1} ms after start",
        ms(ready),
        ms(started.elapsed())
    );
    rt.block_on(event_loop(env, store, started))
}

async fn event_loop(env: Env, store: Store, started: std::time::Instant) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let sender = Sender::new(tx);
    let mut term = terminal::init().context("setting up the terminal")?;
    tracing::debug!("start-up: terminal ready {:.1} ms", ms(started.elapsed()));
    let _guard = terminal::Guard;
    let size = term.size()?;
    // Jobs the panes start while the first screen is built wait for it.
    let gate = crate::jobs::first_frame::hold();
    let theme = App::initial_theme(&store);
    let shell = crate::panes::shell(&store, &env.content)?;
    tracing::debug!("start-up: panes built {:.1} ms", ms(started.elapsed()));
    let io = Io {
        tx: sender.clone(),
        runtime: tokio::runtime::Handle::current(),
    };
    let mut app = App::new(
        store,
        env.content,
        theme,
        io,
        (size.width, size.height),
        shell,
    )?;
    tracing::debug!(
        "start-up: first screen's data read {:.1} ms",
        ms(started.elapsed())
    );
    // Live reload: the content folder's lessons/ and cheatsheets/, and the
    // learner's own sheets in the data folder.
    let personal = crate::content::sheets::personal_dir(app.store.data_dir());
    let _ = std::fs::create_dir_all(&personal);
    let mut folders = vec![personal];
    if let Some(d) = &app.content.dir {
        folders.push(d.join("lessons"));
        folders.push(d.join("cheatsheets"));
    }
    let mut events = EventStream::new();
    app.prepare_draw();
    term.draw(|f| app.draw(f))?;
    // Lets the end-to-end tests check the panic path on the real binary.
    #[cfg(debug_assertions)]
    if std::env::var_os("MEGAREPO_TEST_PANIC").is_some() {
        panic!("panic requested by MEGAREPO_TEST_PANIC");
    }
    tracing::info!(
        "first frame drawn {:.1} ms after start",
        ms(started.elapsed())
    );
    drop(gate);
    let mut redraw_now = false;
    // Neither are shell commands, signals or the old status file: set up
    // right after it.
    spawn_signals(sender.clone());
    // Shell commands reach the app here while it holds the store.
    let socket = match socket::bind(app.store.data_dir()) {
        Ok(bound) => Some(bound.serve(sender.clone(), crate::remote::my_uid())),
        Err(e) => {
            tracing::warn!("{e}");
            app.notify(e.to_string(), true);
            redraw_now = true;
            None
        }
    };
    // Before this version a running app kept DATA/status.txt for `megarepo
    // status`; the command now asks the app, so a leftover file would only
    // show a frozen line to whatever still reads it.
    let _ = std::fs::remove_file(app.store.data_dir().join("status.txt"));

    // Live reload is not needed for the first frame, and setting up the
    // watches (a walk of the content folders) costs more than drawing it:
    // a thread does it now. The handle keeps the watcher alive until quit.
    let watcher = {
        let tx = sender.clone();
        std::thread::Builder::new()
            .name("content-watch".into())
            .spawn(move || watch_content(&folders, tx))
            .map_err(|e| tracing::warn!("no live reload: {e}"))
            .ok()
    };
    if redraw_now {
        term.draw(|f| app.draw(f))?;
    }
    let mut tick: Option<(Duration, tokio::time::Interval)> = None;
    while !app.quit {
        // (Re)arm the tick only when the wanted rate changes.
        match (app.tick_every(), &tick) {
            (Some(d), Some((cur, _))) if *cur == d => {}
            (Some(d), _) => {
                let mut iv = tokio::time::interval(d);
                iv.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                tick = Some((d, iv));
            }
            (None, _) => tick = None,
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Action::Key(k),
                Some(Ok(Event::Mouse(m))) => Action::Mouse(m),
                Some(Ok(Event::Resize(w, h))) => Action::Resize(w, h),
                Some(Ok(Event::Paste(s))) => Action::Paste(s),
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::error!("terminal input failed: {e}");
                    Action::Quit
                }
                None => Action::Quit,
            },
            Some(a) = rx.recv() => a,
            _ = async {
                match &mut tick {
                    Some((_, iv)) => { iv.tick().await; }
                    None => std::future::pending::<()>().await,
                }
            } => Action::Tick,
        };
        let mut redraw = app.update(action);
        // Drain whatever else is already queued before drawing once.
        while let Ok(a) = rx.try_recv() {
            redraw |= app.update(a);
        }
        // A pane asked to hand the terminal to a program (an editor): stop
        // reading input (crossterm's reader would race the program for
        // stdin), run it, and read again once it is back.
        if let Some(job) = app.take_foreground() {
            drop(events);
            let result = terminal::run_in_foreground(&mut term, &job);
            events = EventStream::new();
            app.foreground_done(&job.what, result);
            redraw = true;
        }
        if redraw && !app.quit {
            term.draw(|f| app.draw(f))?;
        }
        if terminal::take_bell() {
            use std::io::Write as _;
            let w = term.backend_mut();
            if let Err(e) = w.write_all(b"\x07").and_then(|()| w.flush()) {
                tracing::warn!("ringing the bell failed: {e}");
            }
        }
    }
    if let Some((path, task)) = socket {
        task.abort();
        socket::remove(&path);
    }
    app.shutdown();
    drop(watcher);
    tracing::info!("bye");
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// SIGHUP (terminal closed) and SIGTERM end the app cleanly: panes stop
/// their child processes and the store is flushed.
fn spawn_signals(tx: Sender) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut hup), Ok(mut term)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        tokio::select! {
            _ = hup.recv() => {},
            _ = term.recv() => {},
        }
        tx.send(Action::Quit);
    });
}

/// Watch the given folders; changes arrive
/// debounced as one `ContentChanged` action.
fn watch_content(
    folders: &[std::path::PathBuf],
    tx: Sender,
) -> Option<
    notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    use notify::RecursiveMode;
    let mut deb = notify_debouncer_full::new_debouncer(
        Duration::from_millis(250),
        None,
        move |res: notify_debouncer_full::DebounceEventResult| {
            if let Ok(events) = res {
                // Reading a file raises access events; only writes matter.
                let mut paths: Vec<_> = events
                    .into_iter()
                    .filter(|e| {
                        matches!(
                            e.event.kind,
                            notify::EventKind::Create(_)
                                | notify::EventKind::Modify(_)
                                | notify::EventKind::Remove(_)
                        )
                    })
                    .flat_map(|e| e.event.paths)
                    .collect();
                paths.sort();
                paths.dedup();
                if !paths.is_empty() {
                    tx.send(Action::ContentChanged(paths));
                }
            }
        },
    )
    .map_err(|e| tracing::warn!("no live reload: {e}"))
    .ok()?;
    for p in folders {
        if p.is_dir()
            && let Err(e) = deb.watch(p, RecursiveMode::Recursive)
        {
            tracing::warn!("cannot watch {}: {e}", p.display());
        }
    }
    Some(deb)
}
