//! The network pane: the Phase 3 Redis-protocol server (`projects/net`)
//! running inside the app, on the app's tokio runtime, watched live.
//!
//! The pane holds no protocol logic. Starting binds a `net::Server` in a
//! job of the pane's mailbox; the job hands the pane a `ServerHandle`,
//! spawns `Server::run` as its own task (so stopping is always the graceful
//! `shutdown()`, never an abort), and then forwards the server's events
//! (connects, closes, rejections) into the mailbox, so the client list
//! changes the moment a client connects rather than on a poll. The job
//! reports the stop when `run` returns. While the server runs, a tick once a
//! second samples `commands_processed` for the commands/s sparkline and
//! reads the command log incrementally (`recent_commands` after the last
//! `seq` seen).
//!
//! The console is a second job: a `net::Client` connected to the server,
//! fed the lines typed at `net> ` and answering with replies printed as
//! redis-cli prints them (it also shows pub/sub messages pushed to it). The
//! benchmark is `net::bench::run` as a third job, without and with
//! pipelining, drawn as a bar chart per test. Quitting the app asks the
//! server to stop and waits (briefly) until it has flushed its storage.

use crate::jobs::{JobSender, Mailbox};
use crate::pane::{Ctx, Handled, Pane};
use crate::theme::Theme;
use crate::tui::console::{Console, ConsoleEvent, Tone};
use crate::tui::input::LineInput;
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent, MouseEvent};
use net::{BenchOptions, BenchTest, Client, Config, Server, ServerError, ServerHandle, Storage};
use net::{ServerEvent, ServerStats};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Sparkline};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub const ID: &str = "net";
/// Not Redis's 6379, so a real redis-server on the machine can run beside.
pub const DEFAULT_PORT: u16 = 6380;
/// Seconds of commands/s kept for the sparkline.
const HISTORY: usize = 120;
const CONSOLE_LINES: usize = 2000;
const LOG_LINES: usize = 1000;
/// The name the console's connection gives itself (CLIENT SETNAME), so the
/// learner can tell it apart in the client list.
pub const CONSOLE_CLIENT: &str = "console";
/// How long quitting waits for the server to finish and flush.
const QUIT_WAIT: Duration = Duration::from_secs(3);

enum Msg {
    /// Bound and running; `fell_back_from` is the port that was taken.
    Started {
        handle: ServerHandle,
        fell_back_from: Option<u16>,
    },
    StartFailed(String),
    Event(ServerEvent),
    /// Events were missed (the broadcast lagged): refresh from a snapshot.
    Lagged,
    /// `Server::run` returned (or its task failed, with the reason).
    Stopped(Option<String>),
    /// A console line's reply, printed like redis-cli.
    Reply {
        text: String,
        error: bool,
    },
    /// A console problem that is not a reply (connecting, a closed socket).
    ConsoleNote(String),
    BenchProgress {
        pipeline: usize,
        test: BenchTest,
        done: u64,
        total: u64,
    },
    BenchDone(Result<Vec<BenchBar>, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    StartStop,
    Storage,
    Port,
    Bench,
    Type,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('s')],
        "s",
        "start / stop the server (stop waits for commands in flight)",
        Cmd::StartStop,
    ),
    bind(
        &[Key::ch('m')],
        "m",
        "switch storage: disk (DATA/net) or memory only (restarts a running server)",
        Cmd::Storage,
    ),
    bind(&[Key::ch('p')], "p", "choose the port", Cmd::Port),
    bind(
        &[Key::ch('b')],
        "b",
        "benchmark the running server: PING SET GET INCR, without and with pipelining",
        Cmd::Bench,
    ),
    bind(
        &[Key::ch('i'), Key::ch(':'), Key::code(KeyCode::Enter)],
        "i / : / enter",
        "type commands in the console (redis-cli syntax: set a 1, get a, keys *, info)",
        Cmd::Type,
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortCmd {
    Apply,
    Cancel,
}

/// The keys while the port is being typed (the rest edit the line).
const PORT_KEYS: Keymap<PortCmd> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "use this port (0: any free port); restarts a running server",
        PortCmd::Apply,
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        "esc",
        "keep the port as it was",
        PortCmd::Cancel,
    ),
]);

enum State {
    Stopped,
    Starting,
    Running(ServerHandle),
    Stopping(ServerHandle),
}

/// One bar of the benchmark chart.
#[derive(Debug, Clone, PartialEq)]
struct BenchBar {
    test: BenchTest,
    pipeline: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

enum BenchState {
    None,
    Running {
        pipeline: usize,
        test: BenchTest,
        done: u64,
        total: u64,
    },
    Done(Vec<BenchBar>),
    Failed(String),
}

/// The two benchmark rounds: (pipeline depth, requests, clients).
const BENCH_ROUNDS: [(usize, u64, usize); 2] = [(1, 10_000, 10), (16, 50_000, 10)];
const BENCH_TESTS: [BenchTest; 4] = [
    BenchTest::Ping,
    BenchTest::Set,
    BenchTest::Get,
    BenchTest::Incr,
];

pub struct NetPane {
    port: u16,
    memory: bool,
    /// DATA/net, known once the pane has seen a context.
    data_dir: Option<PathBuf>,
    state: State,
    /// The runtime the server runs on, for the wait on quit.
    runtime: Option<tokio::runtime::Handle>,
    /// Start again once the stop completes (storage or port changed).
    restart: bool,
    /// A line about the last start (a fallback port, an error).
    note: Option<(String, bool)>,
    port_input: Option<LineInput>,
    console: Console,
    console_tx: Option<UnboundedSender<String>>,
    log: Console,
    log_seq: u64,
    stats: Option<ServerStats>,
    last_sample: Option<(Instant, u64)>,
    per_second: VecDeque<u64>,
    bench: BenchState,
    mailbox: Mailbox<Msg>,
}

impl Default for NetPane {
    fn default() -> Self {
        Self::new()
    }
}

/// Asks the server to stop when the job holding it ends, however it ends
/// (an abort included), so a cancelled job never leaves a server running.
struct StopOnDrop(ServerHandle);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.shutdown();
    }
}

impl NetPane {
    pub fn new() -> Self {
        let mut console = Console::new(CONSOLE_LINES).with_input("net> ");
        // The pane's own keys work at once (s starts); i types.
        console.set_typing(false);
        console.set_placeholder(
            "s starts the server; then i types\ncommands here, as in redis-cli:\nset a 1 · get a · keys * · info",
        );
        let mut log = Console::new(LOG_LINES);
        log.set_placeholder("commands the server runs appear here");
        NetPane {
            port: DEFAULT_PORT,
            memory: false,
            data_dir: None,
            state: State::Stopped,
            runtime: None,
            restart: false,
            note: None,
            port_input: None,
            console,
            console_tx: None,
            log,
            log_seq: 0,
            stats: None,
            last_sample: None,
            per_second: VecDeque::new(),
            bench: BenchState::None,
            mailbox: Mailbox::new(),
        }
    }

    fn handle(&self) -> Option<&ServerHandle> {
        match &self.state {
            State::Running(h) | State::Stopping(h) => Some(h),
            _ => None,
        }
    }

    /// The address clients can connect to while the server runs.
    pub fn addr(&self) -> Option<SocketAddr> {
        match &self.state {
            State::Running(h) => Some(h.local_addr()),
            _ => None,
        }
    }

    fn storage_shown(&self) -> String {
        if self.memory {
            "memory only".into()
        } else {
            match &self.data_dir {
                Some(d) => format!("disk: {}", d.display()),
                None => "disk: DATA/net".into(),
            }
        }
    }

    fn start(&mut self, cx: &mut Ctx) {
        if !matches!(self.state, State::Stopped) {
            return;
        }
        let dir = cx.store.data_dir().join("net");
        self.data_dir = Some(dir.clone());
        let storage = if self.memory {
            Storage::Memory
        } else {
            Storage::Dir {
                path: dir,
                // Redis's `appendfsync everysec`: `always` would fsync on a
                // runtime thread for every write, which the server refuses.
                durability: kv::Durability::Every(Duration::from_secs(1)),
            }
        };
        let config = Config {
            addr: SocketAddr::from(([127, 0, 0, 1], self.port)),
            storage,
            shutdown_grace: Duration::from_secs(2),
            ..Config::default()
        };
        let fallback = self.port == DEFAULT_PORT;
        self.state = State::Starting;
        self.note = None;
        self.runtime = Some(cx.runtime.clone());
        self.mailbox
            .spawn("serve", cx.waker(), cx.runtime, move |job| {
                serve(config, fallback, job)
            });
    }

    /// Ask the server to stop; the job reports when it has.
    fn stop(&mut self) {
        if let State::Running(h) = &self.state {
            h.shutdown();
            self.state = State::Stopping(h.clone());
            self.log
                .push("stopping: finishing commands in flight…", Tone::Dim);
        }
    }

    fn start_stop(&mut self, cx: &mut Ctx) {
        match self.state {
            State::Stopped => self.start(cx),
            State::Running(_) => self.stop(),
            State::Starting => cx.info("the server is starting"),
            State::Stopping(_) => cx.info("the server is stopping"),
        }
    }

    /// Apply a changed setting: a running server restarts with it.
    fn restart_with_change(&mut self, cx: &mut Ctx) {
        match self.state {
            State::Running(_) => {
                self.restart = true;
                self.stop();
            }
            State::Stopping(_) => self.restart = true,
            State::Starting => cx.info("applies at the next start (the server is starting)"),
            State::Stopped => {}
        }
    }

    fn start_console(&mut self, addr: SocketAddr, cx: &mut Ctx) {
        let (tx, rx) = unbounded_channel();
        self.console_tx = Some(tx);
        self.mailbox
            .spawn("console", cx.waker(), cx.runtime, move |job| {
                console_worker(addr, rx, job)
            });
    }

    fn run_bench(&mut self, cx: &mut Ctx) {
        let Some(addr) = self.addr() else {
            cx.info("start the server first (s), then b benchmarks it");
            return;
        };
        if matches!(self.bench, BenchState::Running { .. }) {
            cx.info("the benchmark is already running");
            return;
        }
        self.bench = BenchState::Running {
            pipeline: 1,
            test: BENCH_TESTS[0],
            done: 0,
            total: 1,
        };
        self.mailbox
            .spawn("bench", cx.waker(), cx.runtime, move |job| async move {
                let r = bench(addr, &job).await;
                job.send(Msg::BenchDone(r));
            });
    }

    /// A fresh snapshot of the server and the commands logged since the
    /// last look.
    fn refresh(&mut self) {
        self.refresh_with(&mut Vec::new());
    }

    /// [`Self::refresh`], placing the line of each connect in `connects`
    /// right before the first logged command of that client (the log has
    /// commands by client id, the events have no time), and taking it out.
    fn refresh_with(&mut self, connects: &mut Vec<(u64, SocketAddr)>) {
        let Some(h) = self.handle().cloned() else {
            return;
        };
        self.stats = Some(h.stats());
        let recent = h.recent_commands(self.log_seq);
        if let Some(first) = recent.first()
            && first.seq > self.log_seq + 1
            && self.log_seq > 0
        {
            self.log.push(
                format!(
                    "… {} commands not shown (the server keeps the latest {})",
                    first.seq - self.log_seq - 1,
                    Config::default().command_log
                ),
                Tone::Dim,
            );
        }
        for c in recent {
            self.log_seq = c.seq;
            if let Some(i) = connects.iter().position(|(id, _)| *id == c.client) {
                let (id, addr) = connects.remove(i);
                self.log
                    .push(format!("+ client #{id} connected from {addr}"), Tone::Dim);
            }
            self.log.push(
                format!("{} #{} {}  {}", clock(c.at), c.client, c.addr, c.text),
                Tone::Text,
            );
        }
    }

    /// A point of the commands/s sparkline (at most one per half second,
    /// whatever the tick rate), plus a refresh.
    fn sample(&mut self) {
        self.refresh();
        let Some(n) = self.stats.as_ref().map(|s| s.commands_processed) else {
            return;
        };
        let now = Instant::now();
        match self.last_sample {
            Some((t, _)) if now.duration_since(t) < Duration::from_millis(500) => {}
            Some((t, prev)) => {
                let dt = now.duration_since(t).as_secs_f64().max(1e-3);
                self.per_second
                    .push_back((n.saturating_sub(prev) as f64 / dt).round() as u64);
                while self.per_second.len() > HISTORY {
                    self.per_second.pop_front();
                }
                self.last_sample = Some((now, n));
            }
            None => self.last_sample = Some((now, n)),
        }
    }

    /// Connection events into the log, after the commands logged before
    /// them. A burst (redis-benchmark opens 50 connections at once) is one
    /// line per kind, so it does not push the commands out of view.
    fn log_events(&mut self, events: Vec<ServerEvent>) {
        if events.is_empty() {
            return;
        }
        let burst = events.len() > 4;
        let mut connects = Vec::new();
        let (mut closed, mut rejected) = (Vec::new(), Vec::new());
        for ev in events {
            match ev {
                ServerEvent::Connected { id, addr } => connects.push((id, addr)),
                ServerEvent::Closed { id } => closed.push(id),
                ServerEvent::Rejected { addr } => rejected.push(addr),
                ServerEvent::Stopped => {}
            }
        }
        if burst && !connects.is_empty() {
            self.log
                .push(format!("+ {} clients connected", connects.len()), Tone::Dim);
            connects.clear();
        }
        // Connects before their clients' commands, closes after.
        self.refresh_with(&mut connects);
        for (id, addr) in connects {
            self.log
                .push(format!("+ client #{id} connected from {addr}"), Tone::Dim);
        }
        match closed.as_slice() {
            [] => {}
            ids if burst => self
                .log
                .push(format!("- {} clients disconnected", ids.len()), Tone::Dim),
            ids => {
                for id in ids {
                    self.log
                        .push(format!("- client #{id} disconnected"), Tone::Dim);
                }
            }
        }
        match rejected.as_slice() {
            [] => {}
            [addr] => self.log.push(
                format!("! {addr} turned away: too many clients"),
                Tone::Error,
            ),
            many => self.log.push(
                format!("! {} clients turned away: too many clients", many.len()),
                Tone::Error,
            ),
        }
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
            Msg::Started {
                handle,
                fell_back_from,
            } => {
                let addr = handle.local_addr();
                self.note = fell_back_from.map(|p| {
                    (
                        format!("port {p} was taken, so the server took {}", addr.port()),
                        false,
                    )
                });
                self.log.push(
                    format!("server started on {addr} ({})", self.storage_shown()),
                    Tone::Ok,
                );
                self.state = State::Running(handle);
                self.log_seq = 0;
                self.last_sample = None;
                self.per_second.clear();
                self.start_console(addr, cx);
                self.sample();
            }
            Msg::StartFailed(e) => {
                self.state = State::Stopped;
                self.restart = false;
                let hint = if e.contains("bind") {
                    " (p picks another port)"
                } else if e.contains("store") {
                    " (m serves from memory instead)"
                } else {
                    ""
                };
                self.log.push(format!("cannot start: {e}"), Tone::Error);
                self.note = Some((format!("cannot start: {e}{hint}"), true));
            }
            Msg::Event(ev) => self.log_events(vec![ev]),
            Msg::Lagged => self.refresh(),
            Msg::Stopped(failure) => {
                self.refresh();
                self.state = State::Stopped;
                self.stats = None;
                self.last_sample = None;
                self.console_tx = None;
                self.mailbox.cancel("console");
                if matches!(self.bench, BenchState::Running { .. }) {
                    self.mailbox.cancel("bench");
                    self.bench = BenchState::Failed("the server stopped".into());
                }
                match failure {
                    None => self.log.push("server stopped", Tone::Ok),
                    Some(e) => {
                        self.log.push(format!("server failed: {e}"), Tone::Error);
                        self.note = Some((format!("the server failed: {e}"), true));
                    }
                }
                if std::mem::take(&mut self.restart) {
                    self.start(cx);
                }
            }
            Msg::Reply { text, error } => {
                self.console
                    .push(text, if error { Tone::Error } else { Tone::Text });
            }
            Msg::ConsoleNote(text) => self.console.push(text, Tone::Error),
            Msg::BenchProgress {
                pipeline,
                test,
                done,
                total,
            } => {
                self.bench = BenchState::Running {
                    pipeline,
                    test,
                    done,
                    total,
                }
            }
            Msg::BenchDone(Ok(bars)) => {
                for b in &bars {
                    self.console.push(
                        format!(
                            "bench {} -P {}: {:.0} requests/s, p50 {:.3} ms, p99 {:.3} ms",
                            b.test.name(),
                            b.pipeline,
                            b.per_second,
                            ms(b.p50),
                            ms(b.p99)
                        ),
                        Tone::Dim,
                    );
                }
                self.bench = BenchState::Done(bars);
            }
            Msg::BenchDone(Err(e)) => self.bench = BenchState::Failed(e),
        }
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        match cmd {
            Cmd::StartStop => self.start_stop(cx),
            Cmd::Storage => {
                self.memory = !self.memory;
                if self.data_dir.is_none() {
                    self.data_dir = Some(cx.store.data_dir().join("net"));
                }
                cx.info(format!("storage: {}", self.storage_shown()));
                self.restart_with_change(cx);
            }
            Cmd::Port => {
                self.port_input = Some(LineInput::with_text(&self.port.to_string()));
            }
            Cmd::Bench => self.run_bench(cx),
            Cmd::Type => self.console.set_typing(true),
        }
    }

    fn port_key(&mut self, key: KeyEvent, cx: &mut Ctx) {
        let Some(input) = &mut self.port_input else {
            return;
        };
        match PORT_KEYS.lookup(&key) {
            Some(PortCmd::Cancel) => self.port_input = None,
            Some(PortCmd::Apply) => {
                let text = input.text();
                match parse_port(&text) {
                    Some(p) => {
                        self.port_input = None;
                        if p != self.port {
                            self.port = p;
                            self.restart_with_change(cx);
                        }
                        cx.info(format!("port {p}"));
                    }
                    None => {
                        cx.error(format!(
                            "`{}` is not a port: a number from 0 (any free port) to 65535",
                            text.trim()
                        ));
                    }
                }
            }
            None => {
                let _ = input.handle_key(key);
            }
        }
    }

    fn submit(&mut self, line: String) {
        if line.trim().is_empty() {
            return;
        }
        self.console.push(format!("net> {line}"), Tone::Echo);
        let sent = self.console_tx.as_ref().map(|tx| tx.send(line).is_ok());
        match sent {
            Some(true) => {}
            Some(false) => self.console.error("the console's connection task stopped"),
            None => self
                .console
                .error("the server is not running (esc, then s starts it)"),
        }
    }
}

/// A port typed by the learner: `6380`, `:6380` or `127.0.0.1:6380`.
fn parse_port(text: &str) -> Option<u16> {
    let t = text.trim();
    let t = t.rsplit(':').next().unwrap_or(t);
    t.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Local wall-clock time of a logged command, `HH:MM:SS`.
fn clock(at: std::time::SystemTime) -> String {
    jiff::Timestamp::try_from(at)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

fn human_bytes(b: u64) -> String {
    let mb = b as f64 / (1024.0 * 1024.0);
    format!("{mb:.1} MiB")
}

/// Thousands separated by commas, as redis-benchmark does not but people do.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The serve job: bind (falling back to any free port when the default is
/// taken), hand the pane the handle, run the server as its own task, and
/// forward its events until it stops.
async fn serve(mut config: Config, fallback: bool, job: JobSender<Msg>) {
    let wanted = config.addr.port();
    let mut fell_back_from = None;
    let server = match Server::bind(config.clone()).await {
        Ok(s) => s,
        Err(ServerError::Bind { source, .. })
            if fallback && source.kind() == std::io::ErrorKind::AddrInUse =>
        {
            config.addr.set_port(0);
            fell_back_from = Some(wanted);
            match Server::bind(config).await {
                Ok(s) => s,
                Err(e) => {
                    job.send(Msg::StartFailed(e.to_string()));
                    return;
                }
            }
        }
        Err(e) => {
            job.send(Msg::StartFailed(e.to_string()));
            return;
        }
    };
    let handle = server.handle();
    // Subscribed before the server runs, so no connect is missed.
    let mut events = handle.events();
    let stop_guard = StopOnDrop(handle.clone());
    if !job.send(Msg::Started {
        handle,
        fell_back_from,
    }) {
        return; // cancelled while binding: the unrun server is dropped
    }
    // Its own task, not this job's: cancelling the job (quit) must not
    // abort `run` halfway; the guard asks it to stop instead.
    let mut running = tokio::spawn(server.run());
    let failure = loop {
        tokio::select! {
            biased;
            ev = events.recv() => match ev {
                Ok(ServerEvent::Stopped) => {}
                Ok(ev) => {
                    if !job.send(Msg::Event(ev)) {
                        return;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    job.send(Msg::Lagged);
                }
                // Closed only once the server is gone: `running` says how.
                Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    break (&mut running).await.err();
                }
            },
            r = &mut running => break r.err(),
        }
    };
    // Let go of the server (its storage's lock) before saying it stopped,
    // so a restart right away can open the same folder.
    drop(stop_guard);
    drop(events);
    job.send(Msg::Stopped(failure.map(|e| e.to_string())));
}

/// What the console worker waits for next.
enum Next {
    Line(Option<String>),
    Pushed(Result<net::Reply, net::ClientError>),
}

/// The console's connection: lines in, replies out. Connects on the first
/// line (and again after the server closed it); while connected it also
/// reads what the server pushes unasked (pub/sub messages, a close).
async fn console_worker(
    addr: SocketAddr,
    mut lines: UnboundedReceiver<String>,
    job: JobSender<Msg>,
) {
    let mut client: Option<Client> = None;
    loop {
        let next = match client.as_mut() {
            // Both are cancel-safe: a line or reply half-read stays queued.
            Some(c) => tokio::select! {
                l = lines.recv() => Next::Line(l),
                r = c.read_reply() => Next::Pushed(r),
            },
            None => Next::Line(lines.recv().await),
        };
        let line = match next {
            Next::Line(None) => return,
            Next::Line(Some(line)) => line,
            Next::Pushed(Ok(reply)) => {
                let error = reply.is_error();
                job.send(Msg::Reply {
                    text: reply.to_string(),
                    error,
                });
                continue;
            }
            Next::Pushed(Err(e)) => {
                client = None;
                job.send(Msg::ConsoleNote(format!("{e}; the next line reconnects")));
                continue;
            }
        };
        let words = match net::cli::parse_line(&line) {
            Ok(w) if w.is_empty() => continue,
            Ok(w) => w,
            Err(e) => {
                job.send(Msg::Reply {
                    text: format!("Invalid argument(s): {e}"),
                    error: true,
                });
                continue;
            }
        };
        if client.is_none() {
            match Client::connect(addr).await {
                Ok(mut c) => {
                    // Named, so the learner can find it in the client list.
                    let _ = c.command(&["CLIENT", "SETNAME", CONSOLE_CLIENT]).await;
                    client = Some(c);
                }
                Err(e) => {
                    job.send(Msg::ConsoleNote(format!(
                        "could not connect to {addr}: {e}"
                    )));
                    continue;
                }
            }
        }
        let Some(c) = client.as_mut() else { continue };
        match c.command(&words).await {
            Ok(reply) => {
                let error = reply.is_error();
                job.send(Msg::Reply {
                    text: reply.to_string(),
                    error,
                });
                if words[0].eq_ignore_ascii_case(b"quit") {
                    client = None;
                }
            }
            Err(e) => {
                client = None;
                job.send(Msg::ConsoleNote(format!("{e}; the next line reconnects")));
            }
        }
    }
}

/// The benchmark job: every test without and with pipelining.
async fn bench(addr: SocketAddr, job: &JobSender<Msg>) -> Result<Vec<BenchBar>, String> {
    let mut bars = Vec::new();
    for (pipeline, requests, clients) in BENCH_ROUNDS {
        let opts = BenchOptions {
            requests,
            clients,
            pipeline,
            tests: BENCH_TESTS.to_vec(),
            ..BenchOptions::default()
        };
        let progress = job.clone();
        let report = net::bench::run(addr, opts, move |p| {
            progress.send(Msg::BenchProgress {
                pipeline,
                test: p.test,
                done: p.done,
                total: p.total,
            });
        })
        .await
        .map_err(|e| e.to_string())?;
        bars.extend(report.results.iter().map(|r| BenchBar {
            test: r.test,
            pipeline,
            per_second: r.per_second,
            p50: r.p50,
            p99: r.p99,
            errors: r.errors,
        }));
    }
    Ok(bars)
}

impl Pane for NetPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Net".into()
    }

    fn captures_text(&self) -> bool {
        self.port_input.is_some() || self.console.typing()
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        if self.data_dir.is_none() {
            self.data_dir = Some(cx.store.data_dir().join("net"));
        }
    }

    fn open_at(&mut self, target: &str, cx: &mut Ctx) -> Result<(), String> {
        let port = parse_port(target).ok_or_else(|| {
            format!("Net opens at a port (6380, :6380, 127.0.0.1:6380), not `{target}`")
        })?;
        let changed = port != self.port;
        self.port = port;
        match self.state {
            State::Stopped => self.start(cx),
            _ if changed => self.restart_with_change(cx),
            _ => {}
        }
        Ok(())
    }

    fn tick_every(&self) -> Option<Duration> {
        // Sampling once a second, only while there is a server to watch.
        self.handle().map(|_| Duration::from_secs(1))
    }

    fn tick(&mut self, _cx: &mut Ctx) {
        self.sample();
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        let mut events = Vec::new();
        for msg in self.mailbox.drain() {
            match msg {
                Msg::Event(ev) => events.push(ev),
                other => {
                    self.log_events(std::mem::take(&mut events));
                    self.on_msg(other, cx);
                }
            }
        }
        self.log_events(events);
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        if let Some(input) = &mut self.port_input {
            input.insert_str(text.trim());
            return Handled::Yes;
        }
        Handled::from(self.console.paste(text))
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.port_input.is_some() {
            self.port_key(key, cx);
            return Handled::Yes;
        }
        if !self.console.typing()
            && let Some(cmd) = KEYS.lookup(&key)
        {
            self.run(cmd, cx);
            return Handled::Yes;
        }
        match self.console.handle_key(key) {
            ConsoleEvent::Submit(line) => {
                self.submit(line);
                Handled::Yes
            }
            ConsoleEvent::Left | ConsoleEvent::Handled => Handled::Yes,
            ConsoleEvent::Unhandled => Handled::No,
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        Handled::from(self.console.handle_mouse(&ev))
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.port_input.is_some() {
            return PORT_KEYS.help();
        }
        self.console.keys_with(KEYS.help())
    }

    fn status(&self, theme: &Theme) -> Vec<Span<'static>> {
        match &self.state {
            State::Running(h) => {
                let n = self.stats.as_ref().map_or(0, |s| s.clients.len());
                vec![Span::styled(
                    format!(
                        "net :{} {n} client{}",
                        h.local_addr().port(),
                        if n == 1 { "" } else { "s" }
                    ),
                    theme.ok,
                )]
            }
            State::Starting => vec![Span::styled("net starting…", theme.dim)],
            State::Stopping(_) => vec![Span::styled("net stopping…", theme.dim)],
            State::Stopped => Vec::new(),
        }
    }

    fn on_resize(&mut self, area: Rect, _theme: &Theme) {
        let a = self.areas(area);
        self.console.on_resize(a.console);
        self.log.on_resize(a.log);
    }

    fn shutdown(&mut self) {
        // Stop gracefully: commands already read are answered and the
        // storage is flushed before the app (and its runtime) goes away.
        if let (Some(h), Some(rt)) = (self.handle().cloned(), self.runtime.clone()) {
            h.shutdown();
            let (tx, rx) = std::sync::mpsc::channel();
            rt.spawn(async move {
                h.stopped().await;
                let _ = tx.send(());
            });
            // Bounded: the server's own grace period is shorter.
            let _ = rx.recv_timeout(QUIT_WAIT);
        }
        self.mailbox.cancel_all();
        self.console_tx = None;
        self.state = State::Stopped;
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let a = self.areas(area);
        f.render_widget(Paragraph::new(self.header(theme)), a.header);

        self.console.draw(
            f,
            a.console_all,
            theme,
            "i type · s start/stop · m storage · p port · b bench · ? help",
        );

        f.render_widget(
            Block::default()
                .borders(Borders::LEFT)
                .border_style(theme.border),
            a.side,
        );
        f.render_widget(Paragraph::new(self.client_lines(theme)), a.clients);

        let data: Vec<u64> = self.per_second.iter().copied().collect();
        let shown = &data[data.len().saturating_sub(a.spark.width as usize)..];
        let peak = data.iter().copied().max().unwrap_or(0);
        let title = format!(
            "commands/s {} (peak {})",
            grouped(data.last().copied().unwrap_or(0)),
            grouped(peak)
        );
        f.render_widget(
            Sparkline::default()
                .block(Block::default().title(Span::styled(title, theme.section)))
                .data(shown)
                .style(theme.ok),
            a.spark,
        );

        f.render_widget(
            Paragraph::new(Line::styled("recent commands", theme.section)),
            a.log_title,
        );
        self.log.draw(f, a.log, theme, "");

        match &self.bench {
            BenchState::None => {}
            BenchState::Running {
                pipeline,
                test,
                done,
                total,
            } => {
                let [t, g] =
                    Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(a.bench);
                f.render_widget(
                    Paragraph::new(Line::styled("benchmark running…", theme.section)),
                    t,
                );
                f.render_widget(
                    Gauge::default()
                        .ratio((*done as f64 / (*total).max(1) as f64).clamp(0.0, 1.0))
                        .label(format!(
                            "{} -P {pipeline}: {} / {}",
                            test.name(),
                            grouped(*done),
                            grouped(*total)
                        ))
                        .gauge_style(theme.gauge),
                    g,
                );
            }
            BenchState::Failed(e) => f.render_widget(
                Paragraph::new(Line::styled(format!("benchmark failed: {e}"), theme.error)),
                a.bench,
            ),
            BenchState::Done(bars) => f.render_widget(
                Paragraph::new(bench_chart(bars, a.bench.width, theme)),
                a.bench,
            ),
        }
    }
}

/// Where everything in the pane goes.
struct Areas {
    header: Rect,
    /// The console's output and input line together.
    console_all: Rect,
    /// The console's output rows only (page scrolling).
    console: Rect,
    side: Rect,
    clients: Rect,
    spark: Rect,
    log_title: Rect,
    log: Rect,
    bench: Rect,
}

impl NetPane {
    fn areas(&self, area: Rect) -> Areas {
        let bench_h = match &self.bench {
            BenchState::None => 0,
            BenchState::Done(bars) => bars.len() as u16 + 1,
            _ => 2,
        };
        let [header, body, spark, log_title, log, bench] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(6),
            Constraint::Length(4),
            Constraint::Length(1),
            Constraint::Length((area.height / 4).clamp(3, 10)),
            Constraint::Length(bench_h),
        ])
        .areas(area);
        let [console_all, side] = Layout::horizontal([
            Constraint::Min(24),
            Constraint::Length((body.width * 2 / 5).clamp(34, 60)),
        ])
        .areas(body);
        let [console, _input] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(console_all);
        let clients = Block::default().borders(Borders::LEFT).inner(side);
        Areas {
            header,
            console_all,
            console,
            side,
            clients,
            spark,
            log_title,
            log,
            bench,
        }
    }

    fn header(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mut first = Vec::new();
        let mut facts = Vec::new();
        let mut hint = Vec::new();
        match &self.state {
            State::Stopped => {
                first.push(Span::styled("○ stopped", theme.dim));
                first.push(Span::styled(
                    format!("  s starts it on 127.0.0.1:{}", self.port),
                    theme.text,
                ));
                facts.push(Span::styled(
                    format!("storage: {} (m switches)", self.storage_shown()),
                    theme.dim,
                ));
            }
            State::Starting => first.push(Span::styled(
                format!("… starting on 127.0.0.1:{}", self.port),
                theme.dim,
            )),
            State::Running(h) | State::Stopping(h) => {
                let addr = h.local_addr();
                let stopping = matches!(self.state, State::Stopping(_));
                first.push(Span::styled(
                    if stopping {
                        "◌ stopping"
                    } else {
                        "● serving"
                    },
                    if stopping { theme.dim } else { theme.ok },
                ));
                first.push(Span::styled(format!(" on {addr}"), theme.title));
                first.push(Span::styled(
                    format!("  ({})", self.storage_shown()),
                    theme.dim,
                ));
                if let Some(s) = &self.stats {
                    let mut f = format!(
                        "up {} · {} keys · {} commands · {} connections",
                        age(s.uptime),
                        grouped(s.keys as u64),
                        grouped(s.commands_processed),
                        grouped(s.connections_received)
                    );
                    if let Some(rss) = s.rss_bytes {
                        f.push_str(&format!(" · app RSS {}", human_bytes(rss)));
                    }
                    facts.push(Span::styled(f, theme.text));
                }
                if !stopping {
                    hint.push(Span::styled("connect from a shell: ", theme.dim));
                    hint.push(Span::styled(
                        format!("redis-cli -p {}", addr.port()),
                        theme.key,
                    ));
                    hint.push(Span::styled(
                        format!(" · redis-benchmark -p {} -t set,get -q", addr.port()),
                        theme.dim,
                    ));
                }
            }
        }
        if let Some(input) = &self.port_input {
            hint = input.line("port (enter, esc): ", 40, theme.text).spans;
        } else if let Some((note, error)) = &self.note {
            hint = vec![Span::styled(
                note.clone(),
                if *error { theme.error } else { theme.accent },
            )];
        }
        vec![Line::from(first), Line::from(facts), Line::from(hint)]
    }

    fn client_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let Some(s) = &self.stats else {
            return vec![
                Line::styled("clients", theme.section),
                Line::styled("no server running", theme.dim),
            ];
        };
        let mut lines = vec![Line::styled(
            format!("clients {}", s.clients.len()),
            theme.section,
        )];
        if s.clients.is_empty() {
            lines.push(Line::styled("none connected yet", theme.dim));
            return lines;
        }
        // Columns as wide as their longest entry, so a narrow side panel
        // still shows address, name, age and last command.
        let addrs: Vec<String> = s.clients.iter().map(|c| c.addr.to_string()).collect();
        let aw = addrs.iter().map(String::len).max().unwrap_or(0).max(7);
        let names: Vec<String> = s
            .clients
            .iter()
            .map(|c| c.name.as_deref().unwrap_or("-").chars().take(16).collect())
            .collect();
        let nw = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        lines.push(Line::styled(
            format!("{:<aw$} {:<nw$} {:>6} {}", "address", "name", "age", "last"),
            theme.dim,
        ));
        for ((c, addr), name) in s.clients.iter().zip(addrs).zip(names) {
            lines.push(Line::from(vec![
                Span::styled(format!("{addr:<aw$} "), theme.text),
                Span::styled(format!("{name:<nw$} "), theme.accent),
                Span::styled(format!("{:>6} ", age(c.age)), theme.dim),
                Span::styled(
                    c.last_command.clone().unwrap_or_else(|| "-".into()),
                    theme.text,
                ),
            ]));
        }
        lines
    }
}

/// Requests per second per test and pipeline depth, as horizontal bars on
/// one linear scale, so pipelining's gain is seen as length.
fn bench_chart(bars: &[BenchBar], width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let peak = bars.iter().map(|b| b.per_second).fold(0.0, f64::max);
    let mut lines = vec![Line::styled(
        format!(
            "benchmark: requests/s per test, -P 1 ({} requests) and -P 16 ({}), {} clients",
            grouped(BENCH_ROUNDS[0].1),
            grouped(BENCH_ROUNDS[1].1),
            BENCH_ROUNDS[0].2
        ),
        theme.section,
    )];
    let tails: Vec<String> = bars
        .iter()
        .map(|b| {
            let mut t = format!(
                " {:>9}/s  p50 {:.2} ms  p99 {:.2} ms",
                grouped(b.per_second.round() as u64),
                ms(b.p50),
                ms(b.p99)
            );
            if b.errors > 0 {
                t.push_str(&format!(" ({} errors)", b.errors));
            }
            t
        })
        .collect();
    let tail_w = tails.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    // the label is 12 columns; the bar gets what the numbers leave
    let bar_w = (width as usize).saturating_sub(12 + tail_w).max(1);
    for (b, tail) in bars.iter().zip(tails) {
        let cells = if peak > 0.0 {
            ((b.per_second / peak) * bar_w as f64).round() as usize
        } else {
            0
        }
        .clamp(1, bar_w);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<5}-P {:<3} ", b.test.name(), b.pipeline),
                theme.dim,
            ),
            Span::styled(
                format!("{:<bar_w$}", "█".repeat(cells)),
                if b.pipeline > 1 {
                    theme.accent
                } else {
                    theme.ok
                },
            ),
            Span::styled(
                tail,
                if b.errors > 0 {
                    theme.error
                } else {
                    theme.text
                },
            ),
        ]));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_from_what_a_learner_types() {
        assert_eq!(parse_port("6380"), Some(6380));
        assert_eq!(parse_port(" :7000 "), Some(7000));
        assert_eq!(parse_port("127.0.0.1:0"), Some(0));
        assert_eq!(parse_port("65536"), None);
        assert_eq!(parse_port("redis"), None);
        assert_eq!(parse_port(""), None);
    }

    #[test]
    fn numbers_and_ages_read_well() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(100), "100");
        assert_eq!(age(Duration::from_secs(5)), "5s");
        assert_eq!(age(Duration::from_secs(125)), "2m05s");
        assert_eq!(age(Duration::from_secs(7300)), "2h01m");
    }

    #[test]
    fn the_chart_scales_bars_to_the_fastest() {
        let bar = |pipeline, per_second| BenchBar {
            test: BenchTest::Set,
            pipeline,
            per_second,
            p50: Duration::from_micros(300),
            p99: Duration::from_millis(1),
            errors: 0,
        };
        let lines = bench_chart(&[bar(1, 25_000.0), bar(16, 100_000.0)], 90, &Theme::plain());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let blocks = |s: &str| s.chars().filter(|&c| c == '█').count();
        assert_eq!(blocks(&text[2]), 40, "{text:?}");
        assert_eq!(blocks(&text[1]), 10, "{text:?}");
        assert!(text[2].contains("100,000/s"), "{text:?}");
        // a width too small for bars still draws, one cell each
        let narrow = bench_chart(&[bar(1, 0.0)], 5, &Theme::plain());
        assert_eq!(narrow.len(), 2);
    }
}
