//! The key-value pane: our log-structured engine running in-process on a
//! folder in the data folder, with a console, live statistics, and a
//! benchmark against sled.
//!
//! The pane owns no storage logic: it holds a `kv::LogEngine` handle and
//! sends console lines to a worker thread that runs `kv::console::execute`
//! (so an fsync or a compaction never blocks the UI), sampling the engine's
//! counters once a second for the rates and sparklines. The benchmark runs
//! `kv::bench` on its own thread in a scratch folder and reports progress.

use crate::pane::{Ctx, Handled, Pane};
use crate::theme::Theme;
use crate::tui::input::{InputEvent, LineInput};
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

pub struct KvPane {
    dir: Option<PathBuf>,
    engine: Option<Arc<LogEngine>>,
    opening: bool,
    open_error: Option<String>,
    worker: Option<mpsc::Sender<String>>,
    /// The worker thread holds an engine handle; joined on close so the
    /// store's lock is released before the CLI may use the folder.
    worker_thread: Option<std::thread::JoinHandle<()>>,
    input: LineInput,
    typing: bool,
    output: VecDeque<(String, bool)>,
    scroll: usize,
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
        KvPane {
            dir: None,
            engine: None,
            opening: false,
            open_error: None,
            worker: None,
            worker_thread: None,
            input: LineInput::new(),
            typing: true,
            output: VecDeque::new(),
            scroll: 0,
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

    fn say(&mut self, line: String, err: bool) {
        for l in line.lines() {
            self.output.push_back((l.to_string(), err));
        }
        while self.output.len() > OUTPUT_LINES {
            self.output.pop_front();
        }
        self.scroll = 0;
    }

    fn open(&mut self, cx: &mut Ctx) {
        if self.opening || self.engine.is_some() {
            return;
        }
        let dir = cx.store.data_dir().join("kv");
        self.dir = Some(dir.clone());
        self.opening = true;
        self.open_error = None;
        let tx = cx.tx.clone();
        // Opening replays hint files or segments: off the UI thread.
        std::thread::spawn(move || {
            let r = LogEngine::open(&dir, Options::default())
                .map(Arc::new)
                .map_err(|e| e.to_string());
            tx.to_pane(ID, Msg::Opened(r));
        });
    }

    /// Close the engine so `megarepo kv --dir ...` can use the same folder.
    fn close(&mut self) {
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
    }

    fn start_worker(&mut self, engine: Arc<LogEngine>, cx: &mut Ctx) {
        let (tx_line, rx_line) = mpsc::channel::<String>();
        let tx = cx.tx.clone();
        self.worker_thread = Some(std::thread::spawn(move || {
            for line in rx_line {
                let result =
                    kv::console::execute(engine.as_ref(), &line).map_err(|e| e.to_string());
                tx.to_pane(ID, Msg::Output { line, result });
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
        let tx = cx.tx.clone();
        self.bench = BenchState::Running(kv::bench::Progress {
            step: 0,
            total: 1,
            label: "starting".into(),
        });
        std::thread::spawn(move || {
            let cfg = kv::bench::BenchConfig::small();
            let r = kv::bench::run(&cfg, &root, &mut |p| {
                tx.to_pane(ID, Msg::BenchProgress(p.clone()))
            });
            let _ = std::fs::remove_dir_all(&root);
            tx.to_pane(ID, Msg::BenchDone(r.map_err(|e| e.to_string())));
        });
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
        self.typing
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

    fn on_message(&mut self, msg: Box<dyn std::any::Any + Send>, cx: &mut Ctx) {
        let Ok(msg) = msg.downcast::<Msg>() else {
            return;
        };
        match *msg {
            Msg::Opened(Ok(engine)) => {
                self.opening = false;
                let dir = self.dir_shown();
                self.say(
                    format!("opened {dir} (type `help`; esc leaves the console)"),
                    false,
                );
                self.start_worker(engine.clone(), cx);
                self.engine = Some(engine);
                self.sample();
            }
            Msg::Opened(Err(e)) => {
                self.opening = false;
                self.say(format!("cannot open the store: {e}"), true);
                self.open_error = Some(e);
            }
            Msg::Output { line, result } => {
                self.say(format!("> {line}"), false);
                match result {
                    Ok(out) if out.is_empty() => {}
                    Ok(out) => self.say(out, false),
                    Err(e) => self.say(format!("error: {e}"), true),
                }
                self.sample();
            }
            Msg::BenchProgress(p) => self.bench = BenchState::Running(p),
            Msg::BenchDone(Ok(report)) => {
                self.say(report.table(), false);
                self.bench = BenchState::Done(report);
            }
            Msg::BenchDone(Err(e)) => self.bench = BenchState::Failed(e),
        }
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        if self.typing {
            self.input.insert_str(text);
            Handled::Yes
        } else {
            Handled::No
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.typing {
            match self.input.handle_key(key) {
                InputEvent::Submit(line) => {
                    if line.trim().is_empty() {
                        return Handled::Yes;
                    }
                    match &self.worker {
                        Some(w) => {
                            if w.send(line).is_err() {
                                self.say(
                                    "the store's worker stopped; press o to reopen".into(),
                                    true,
                                );
                            }
                        }
                        None => self.say("the store is not open (o opens it)".into(), true),
                    }
                }
                InputEvent::Cancel => self.typing = false,
                InputEvent::Edited => {}
                InputEvent::Unhandled => return Handled::No,
            }
            return Handled::Yes;
        }
        match key.code {
            KeyCode::Char('i') | KeyCode::Char(':') | KeyCode::Enter => self.typing = true,
            KeyCode::Char('b') => self.run_bench(cx),
            KeyCode::Char('c') => match &self.worker {
                Some(w) => {
                    let _ = w.send("compact".into());
                }
                None => cx.info("the store is not open"),
            },
            KeyCode::Char('x') => {
                self.close();
                let dir = self.dir_shown();
                self.say(
                    format!(
                        "closed; the CLI can now use it: megarepo kv --dir {dir} stats (o reopens)"
                    ),
                    false,
                );
            }
            KeyCode::Char('o') => self.open(cx),
            KeyCode::PageUp | KeyCode::Char('k') | KeyCode::Up => {
                self.scroll = (self.scroll + if key.code == KeyCode::PageUp { 10 } else { 1 })
                    .min(self.output.len().saturating_sub(1))
            }
            KeyCode::PageDown | KeyCode::Char('j') | KeyCode::Down => {
                self.scroll = self
                    .scroll
                    .saturating_sub(if key.code == KeyCode::PageDown { 10 } else { 1 })
            }
            _ => return Handled::No,
        }
        Handled::Yes
    }

    fn handle_mouse(&mut self, ev: MouseEvent, area: Rect, cx: &mut Ctx) -> Handled {
        let b = self.areas(area).button;
        let on_button = ev.column >= b.x
            && ev.column < b.x + b.width
            && ev.row >= b.y
            && ev.row < b.y + b.height;
        match ev.kind {
            MouseEventKind::Down(crossterm::event::MouseButton::Left) if on_button => {
                self.run_bench(cx)
            }
            MouseEventKind::ScrollUp => {
                self.scroll = (self.scroll + 3).min(self.output.len().saturating_sub(1))
            }
            MouseEventKind::ScrollDown => self.scroll = self.scroll.saturating_sub(3),
            _ => return Handled::No,
        }
        Handled::Yes
    }

    fn help(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "i / : / enter",
                "type in the console (set, get, del, scan, batch, expire, compact, stats, help)",
            ),
            ("esc", "leave the console (then the keys below work)"),
            ("↑ ↓ (console)", "command history"),
            ("b", "benchmark our engine against sled (a few seconds)"),
            ("c", "compact now"),
            (
                "x / o",
                "close the store (so the CLI can use it) / open it again",
            ),
            ("j k PgUp PgDn", "scroll the console output"),
        ]
    }

    fn shutdown(&mut self) {
        self.close();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let a = self.areas(area);
        // Console.
        let drawn = crate::tui::scrollback::draw_tail(
            f,
            a.output,
            &self.output,
            self.scroll,
            |(l, err)| Line::styled(l.clone(), if *err { theme.error } else { theme.text }),
        );
        if !drawn {
            let msg = if self.opening {
                "opening the store…"
            } else {
                "the store is closed (o opens it)"
            };
            f.render_widget(Paragraph::new(msg).style(theme.dim), a.output);
        }
        let input_line = if self.typing {
            self.input.line("kv> ", a.input.width, theme.text)
        } else {
            Line::styled("i type · b bench · c compact · x close · ? help", theme.dim)
        };
        f.render_widget(Paragraph::new(input_line), a.input);

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
        f.render_widget(
            Paragraph::new(Line::styled(
                if running {
                    "[ benchmark running… ]"
                } else {
                    "[ run benchmark vs sled (b) ]"
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
                sl.push(kvline("keys", s.keys.to_string(), theme));
                sl.push(kvline(
                    "live / dead",
                    format!("{} / {}", b(s.live_bytes), b(s.dead_bytes)),
                    theme,
                ));
                sl.push(kvline("on disk", human_bytes(s.disk_bytes), theme));
                sl.push(kvline("segments", s.segments.to_string(), theme));
                sl.push(kvline("compactions", s.compactions.to_string(), theme));
                sl.push(kvline("durability", s.durability.clone(), theme));
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
    output: Rect,
    input: Rect,
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
        let [output, input] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(left);
        let inner = Block::default().borders(Borders::LEFT).inner(side);
        let [stats, spark_reads, spark_writes, button, _] = Layout::vertical([
            Constraint::Length(8),
            Constraint::Length(3),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        Areas {
            output,
            input,
            side,
            stats,
            spark_reads,
            spark_writes,
            button,
            bench,
        }
    }
}

fn kvline(k: &str, v: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<12}"), theme.dim),
        Span::styled(v, theme.text),
    ])
}

fn human_bytes(b: u64) -> String {
    const U: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i < U.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", U[i])
    }
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
        let label: String = label(r).chars().take(label_w.saturating_sub(1)).collect();
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
