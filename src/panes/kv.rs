//! The key-value pane: our log-structured engine running in-process on a
//! folder in the data folder, with a console, live statistics, and a
//! benchmark against sled.
//!
//! The pane owns no storage logic: it holds a `kv::LogEngine` handle and
//! sends console lines to a worker thread that runs `kv::console::execute`
//! (so an fsync or a compaction never blocks the UI), sampling the engine's
//! counters once a second for the rates and sparklines. The benchmark runs
//! `kv::bench` on its own thread in a scratch folder and reports progress.
//! Opening, the console worker and the benchmark are jobs of the pane's
//! mailbox: closing the store cancels an open still in flight, so its late
//! result cannot reopen what the learner closed.

use crate::jobs::Mailbox;
use crate::pane::{Ctx, Handled, Pane};
use crate::theme::Theme;
use crate::tui::console::{Console, ConsoleEvent, Tone};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crate::tui::text::human_bytes;
use crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};
use kv::{Engine, LogEngine, Options, Stats};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Sparkline};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const ID: &str = "kv";
const HISTORY: usize = 60;
const OUTPUT_LINES: usize = 2000;

enum Msg {
    Opened(Result<Arc<LogEngine>, String>),
    Output {
        line: String,
        result: Result<String, String>,
    },
    BenchProgress(kv::bench::Progress),
    BenchDone(Result<kv::bench::BenchReport, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Type,
    Bench,
    Compact,
    Close,
    Open,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('i'), Key::ch(':'), Key::code(KeyCode::Enter)],
        "i / : / enter",
        "type in the console (set, get, del, scan, batch, expire, compact, stats, help)",
        Cmd::Type,
    ),
    bind(
        &[Key::ch('b')],
        "b",
        "benchmark our engine against sled (a few seconds)",
        Cmd::Bench,
    ),
    bind(&[Key::ch('c')], "c", "compact now", Cmd::Compact),
    bind(
        &[Key::ch('x')],
        "x",
        "close the store (so the CLI can use it)",
        Cmd::Close,
    ),
    bind(&[Key::ch('o')], "o", "open the store again", Cmd::Open),
]);

pub struct KvPane {
    dir: Option<PathBuf>,
    engine: Option<Arc<LogEngine>>,
    opening: bool,
    open_error: Option<String>,
    worker: Option<mpsc::Sender<String>>,
    /// The worker thread holds an engine handle; joined on close so the
    /// store's lock is released before the CLI may use the folder.
    worker_thread: Option<std::thread::JoinHandle<()>>,
    console: Console,
    mailbox: Mailbox<Msg>,
    stats: Option<Stats>,
    last_sample: Option<(Instant, u64, u64)>,
    reads_per_s: VecDeque<u64>,
    writes_per_s: VecDeque<u64>,
    bench: BenchState,
}

enum BenchState {
    None,
    Running(kv::bench::Progress),
    Done(kv::bench::BenchReport),
    Failed(String),
}

impl KvPane {
    pub fn new() -> Self {
        let mut console = Console::new(OUTPUT_LINES).with_input("kv> ");
        console.set_placeholder("opening the store…");
        KvPane {
            dir: None,
            engine: None,
            opening: false,
            open_error: None,
            worker: None,
            worker_thread: None,
            console,
            mailbox: Mailbox::new(),
            stats: None,
            last_sample: None,
            reads_per_s: VecDeque::new(),
            writes_per_s: VecDeque::new(),
            bench: BenchState::None,
        }
    }

    /// The store's folder, for messages.
    fn dir_shown(&self) -> String {
        self.dir
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_default()
    }

    fn open(&mut self, cx: &mut Ctx) {
        if self.opening || self.engine.is_some() {
            return;
        }
        let dir = cx.store.data_dir().join("kv");
        self.dir = Some(dir.clone());
        self.opening = true;
        self.open_error = None;
        self.console.set_placeholder("opening the store…");
        // Opening replays hint files or segments: off the UI thread. A
        // close (`x`) while it runs cancels it, so the late result is
        // dropped instead of reopening the store.
        self.mailbox.thread("open", cx.waker(), move |job| {
            let r = LogEngine::open(&dir, Options::default())
                .map(Arc::new)
                .map_err(|e| e.to_string());
            job.send(Msg::Opened(r));
        });
    }

    /// Close the engine so `megarepo kv --dir ...` can use the same folder.
    fn close(&mut self) {
        self.mailbox.cancel("open");
        self.mailbox.cancel("console");
        self.opening = false;
        self.worker = None;
        if let Some(t) = self.worker_thread.take() {
            let _ = t.join();
        }
        if let Some(e) = self.engine.take()
            && let Err(err) = e.flush()
        {
            tracing::warn!("kv flush on close: {err}");
        }
        self.stats = None;
        self.last_sample = None;
        self.console
            .set_placeholder("the store is closed (o opens it)");
    }

    fn start_worker(&mut self, engine: Arc<LogEngine>, cx: &mut Ctx) {
        let (tx_line, rx_line) = mpsc::channel::<String>();
        let job = self.mailbox.start("console", cx.waker());
        self.worker_thread = Some(std::thread::spawn(move || {
            for line in rx_line {
                let result =
                    kv::console::execute(engine.as_ref(), &line).map_err(|e| e.to_string());
                if !job.send(Msg::Output { line, result }) {
                    break;
                }
            }
        }));
        self.worker = Some(tx_line);
    }

    fn sample(&mut self) {
        let Some(e) = &self.engine else { return };
        let s = e.stats();
        let now = Instant::now();
        if let Some((t, r, w)) = self.last_sample {
            let dt = now.duration_since(t).as_secs_f64().max(1e-3);
            push(
                &mut self.reads_per_s,
                ((s.reads.saturating_sub(r)) as f64 / dt) as u64,
            );
            push(
                &mut self.writes_per_s,
                ((s.writes + s.deletes).saturating_sub(w) as f64 / dt) as u64,
            );
        }
        self.last_sample = Some((now, s.reads, s.writes + s.deletes));
        self.stats = Some(s);
    }

    fn run_bench(&mut self, cx: &mut Ctx) {
        if matches!(self.bench, BenchState::Running(_)) {
            cx.info("the benchmark is already running");
            return;
        }
        let root = cx.store.data_dir().join("kv-bench");
        self.bench = BenchState::Running(kv::bench::Progress {
            step: 0,
            total: 1,
            label: "starting".into(),
        });
        self.mailbox.thread("bench", cx.waker(), move |job| {
            let cfg = kv::bench::BenchConfig::small();
            let r = kv::bench::run(&cfg, &root, &mut |p| {
                job.send(Msg::BenchProgress(p.clone()));
            });
            let _ = std::fs::remove_dir_all(&root);
            job.send(Msg::BenchDone(r.map_err(|e| e.to_string())));
        });
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
            Msg::Opened(Ok(engine)) => {
                self.opening = false;
                let dir = self.dir_shown();
                self.console.say(format!(
                    "opened {dir} (type `help`; esc leaves the console)"
                ));
                // What recovery did on open (a torn tail cut, a hint set
                // aside) is never hidden: the evidence is in lost+found.
                let report = engine.recovery_report();
                if !report.is_clean() {
                    let summary = report.to_string();
                    self.console.error(format!(
                        "recovery on open: {}",
                        summary.lines().next().unwrap_or("")
                    ));
                    for e in report.events() {
                        self.console.error(format!("  {e}"));
                    }
                    cx.error("the store needed recovery on open: see the console, or run `megarepo kv verify`");
                }
                self.start_worker(engine.clone(), cx);
                self.engine = Some(engine);
                self.sample();
            }
            Msg::Opened(Err(e)) => {
                self.opening = false;
                self.console.error(format!("cannot open the store: {e}"));
                self.open_error = Some(e);
            }
            Msg::Output { line, result } => {
                self.console.push(format!("> {line}"), Tone::Echo);
                match result {
                    Ok(out) if out.is_empty() => {}
                    Ok(out) => self.console.say(out),
                    Err(e) => self.console.error(format!("error: {e}")),
                }
                self.sample();
            }
            Msg::BenchProgress(p) => self.bench = BenchState::Running(p),
            Msg::BenchDone(Ok(report)) => {
                self.console.say(report.table());
                self.bench = BenchState::Done(report);
            }
            Msg::BenchDone(Err(e)) => self.bench = BenchState::Failed(e),
        }
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        match cmd {
            Cmd::Type => self.console.set_typing(true),
            Cmd::Bench => self.run_bench(cx),
            Cmd::Compact => match &self.worker {
                Some(w) => {
                    let _ = w.send("compact".into());
                }
                None => cx.info("the store is not open"),
            },
            Cmd::Close => {
                self.close();
                let dir = self.dir_shown();
                self.console.say(format!(
                    "closed; the CLI can now use it: megarepo kv --dir {dir} stats (o reopens)"
                ));
            }
            Cmd::Open => self.open(cx),
        }
    }
}

fn push(v: &mut VecDeque<u64>, x: u64) {
    v.push_back(x);
    while v.len() > HISTORY {
        v.pop_front();
    }
}

impl Default for KvPane {
    fn default() -> Self {
        Self::new()
    }
}

impl Pane for KvPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "KV".into()
    }

    fn captures_text(&self) -> bool {
        self.console.typing()
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        self.open(cx);
    }

    fn tick_every(&self) -> Option<Duration> {
        // Statistics once a second while the engine is open.
        self.engine.as_ref().map(|_| Duration::from_secs(1))
    }

    fn tick(&mut self, _cx: &mut Ctx) {
        self.sample();
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        if self.console.paste(text) {
            Handled::Yes
        } else {
            Handled::No
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if !self.console.typing()
            && let Some(cmd) = KEYS.lookup(&key)
        {
            self.run(cmd, cx);
            return Handled::Yes;
        }
        match self.console.handle_key(key) {
            ConsoleEvent::Submit(line) => {
                if line.trim().is_empty() {
                    return Handled::Yes;
                }
                let sent = self.worker.as_ref().map(|w| w.send(line).is_ok());
                match sent {
                    Some(true) => {}
                    Some(false) => self
                        .console
                        .error("the store's worker stopped; press o to reopen"),
                    None => self.console.error("the store is not open (o opens it)"),
                }
                Handled::Yes
            }
            ConsoleEvent::Left | ConsoleEvent::Handled => Handled::Yes,
            ConsoleEvent::Unhandled => Handled::No,
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, area: Rect, cx: &mut Ctx) -> Handled {
        let b = self.areas(area).button;
        let on_button = ev.column >= b.x
            && ev.column < b.x + b.width
            && ev.row >= b.y
            && ev.row < b.y + b.height;
        if matches!(
            ev.kind,
            MouseEventKind::Down(crossterm::event::MouseButton::Left)
        ) && on_button
        {
            self.run_bench(cx);
            return Handled::Yes;
        }
        Handled::from(self.console.handle_mouse(&ev))
    }

    fn keys(&self) -> Vec<KeyHelp> {
        self.console.keys_with(KEYS.help())
    }

    fn on_resize(&mut self, area: Rect, _theme: &Theme) {
        self.console.on_resize(self.areas(area).output);
    }

    fn shutdown(&mut self) {
        self.mailbox.cancel_all();
        self.close();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let a = self.areas(area);
        // Console.
        self.console.draw(
            f,
            a.console,
            theme,
            "i type · b bench · c compact · x close · ? help",
        );

        // Statistics and benchmark.
        f.render_widget(
            Block::default()
                .borders(Borders::LEFT)
                .border_style(theme.border),
            a.side,
        );
        let (stats_area, spark_r, spark_w, bench_area) =
            (a.stats, a.spark_reads, a.spark_writes, a.bench);
        let running = matches!(self.bench, BenchState::Running(_));
        let button_w = usize::from(a.button.width);
        f.render_widget(
            Paragraph::new(Line::styled(
                match (running, button_w) {
                    (true, _) => "[ benchmark running… ]",
                    (false, 29..) => "[ run benchmark vs sled (b) ]",
                    (false, 25..) => "[ benchmark vs sled (b) ]",
                    (false, _) => "[ bench (b) ]",
                },
                if running {
                    theme.dim
                } else {
                    theme.key.add_modifier(ratatui::style::Modifier::REVERSED)
                },
            )),
            a.button,
        );
        let mut sl = vec![Line::styled("engine", theme.section)];
        match &self.stats {
            Some(s) => {
                let b = |v: Option<u64>| v.map(human_bytes).unwrap_or_else(|| "n/a".into());
                let w = usize::from(stats_area.width);
                sl.extend(kvline("keys", s.keys.to_string(), w, theme));
                sl.extend(kvline(
                    "live / dead",
                    format!("{} / {}", b(s.live_bytes), b(s.dead_bytes)),
                    w,
                    theme,
                ));
                sl.extend(kvline("on disk", human_bytes(s.disk_bytes), w, theme));
                sl.extend(kvline("segments", s.segments.to_string(), w, theme));
                sl.extend(kvline("compactions", s.compactions.to_string(), w, theme));
                sl.extend(kvline("durability", s.durability.clone(), w, theme));
                if let Some(e) = &s.background_error {
                    sl.push(Line::styled(format!("background: {e}"), theme.error));
                }
            }
            None => sl.push(Line::styled(
                self.open_error.clone().unwrap_or_else(|| "not open".into()),
                if self.open_error.is_some() {
                    theme.error
                } else {
                    theme.dim
                },
            )),
        }
        f.render_widget(Paragraph::new(sl), stats_area);
        let mut spark = |label: &str, data: &VecDeque<u64>, style, area| {
            let d: Vec<u64> = data.iter().copied().collect();
            let title = format!("{label} {}", d.last().copied().unwrap_or(0));
            f.render_widget(
                Sparkline::default()
                    .block(Block::default().title(Span::styled(title, theme.dim)))
                    .data(&d)
                    .style(style),
                area,
            );
        };
        spark("reads/s", &self.reads_per_s, theme.ok, spark_r);
        spark("writes/s", &self.writes_per_s, theme.accent, spark_w);
        match &self.bench {
            BenchState::None => {}
            BenchState::Running(p) => {
                let [t, g] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)])
                    .areas(bench_area);
                f.render_widget(
                    Paragraph::new(Line::styled("benchmark running…", theme.section)),
                    t,
                );
                f.render_widget(
                    Gauge::default()
                        .ratio((p.step as f64 / p.total.max(1) as f64).clamp(0.0, 1.0))
                        .label(p.label.clone())
                        .gauge_style(theme.gauge),
                    g,
                );
            }
            BenchState::Failed(e) => f.render_widget(
                Paragraph::new(Line::styled(format!("benchmark failed: {e}"), theme.error)),
                bench_area,
            ),
            BenchState::Done(report) => draw_bench(f, bench_area, report, theme),
        }
    }
}

/// Where everything in the pane goes; shared by drawing and mouse handling.
struct Areas {
    /// The console: output and its input line.
    console: Rect,
    output: Rect,
    side: Rect,
    stats: Rect,
    spark_reads: Rect,
    spark_writes: Rect,
    /// The clickable "run benchmark" button.
    button: Rect,
    bench: Rect,
}

impl KvPane {
    fn areas(&self, area: Rect) -> Areas {
        let bench_h = match &self.bench {
            BenchState::Done(r) => r.rows.len() as u16 + 1,
            BenchState::None => 0,
            _ => 2,
        };
        let [top, bench] =
            Layout::vertical([Constraint::Min(8), Constraint::Length(bench_h)]).areas(area);
        let [left, side] = Layout::horizontal([
            Constraint::Min(20),
            Constraint::Length((top.width * 2 / 5).clamp(22, 30)),
        ])
        .areas(top);
        let [output, _input] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(left);
        let inner = Block::default().borders(Borders::LEFT).inner(side);
        // Room for the engine's lines when long values wrap under their label.
        let [stats, spark_reads, spark_writes, button, _] = Layout::vertical([
            Constraint::Length(10),
            Constraint::Length(3),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        Areas {
            console: left,
            output,
            side,
            stats,
            spark_reads,
            spark_writes,
            button,
            bench,
        }
    }
}

/// A label and its value in `width` columns: on one row when they fit,
/// else the value wraps by word under the label, indented.
fn kvline(k: &str, v: String, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    crate::tui::text::labelled(k, v, 12, width, (theme.dim, theme.text))
}

/// The ratio ours/sled per workload as horizontal bars on a log scale
/// centred on parity, so 0.5x and 2x are the same length either side.
fn draw_bench(f: &mut Frame, area: Rect, report: &kv::bench::BenchReport, theme: &Theme) {
    let mut lines = vec![Line::styled(
        "ours vs sled, × faster (| = parity)",
        theme.section,
    )];
    let label = |r: &kv::bench::BenchRow| {
        if r.durability.contains("fsync") && !r.durability.starts_with("no") {
            format!("{} [{}]", r.workload, r.durability)
        } else {
            r.workload.clone()
        }
    };
    let longest = report
        .rows
        .iter()
        .map(|r| label(r).chars().count())
        .max()
        .unwrap_or(10);
    let label_w = (longest + 1).min(area.width as usize / 2);
    let value_w = 8usize;
    let half = (area.width as usize).saturating_sub(label_w + value_w + 1) / 2;
    for r in &report.rows {
        let label = crate::tui::text::truncate(&label(r), label_w.saturating_sub(1));
        // log2 scale: each cell is a doubling/8, capped at the half width
        let cells = ((r.ratio.max(1e-6).log2().abs() * 8.0).round() as usize).min(half);
        let (left, right) = if r.ratio >= 1.0 {
            (" ".repeat(half), "█".repeat(cells))
        } else {
            (
                format!("{}{}", " ".repeat(half - cells), "█".repeat(cells)),
                String::new(),
            )
        };
        let style = if r.ratio >= 1.0 {
            theme.ok
        } else {
            theme.error
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<label_w$}"), theme.dim),
            Span::styled(left, style),
            Span::styled("|", theme.dim),
            Span::styled(format!("{right:<half$}"), style),
            Span::styled(format!(" {:>6.2}×", r.ratio), theme.text),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}
