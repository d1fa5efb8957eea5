//! The kernel pane: build the Phase 5 kernel, boot it in QEMU, watch its
//! serial console live and type into it.
//!
//! The work is done by the `kernel-runner` crate: the build runs on a thread
//! and reports cargo's progress and compiler errors as messages; QEMU runs as
//! a child process whose serial lines arrive on a channel that the pane
//! drains on a short tick while QEMU runs (and only then). The boot timeline
//! is parsed from the kernel's stage-tagged log lines. QEMU is killed when
//! the pane restarts it, stops it, or the app exits.

use crate::pane::{Ctx, Handled, Pane};
use crate::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use kernel_runner::builder::{self, BuildEvent, BuildOutput, KernelPaths};
use kernel_runner::qemu::{KernelExit, QemuConfig, QemuSession, SerialEvent};
use kernel_runner::suite::{self, BootPath};
use kernel_runner::timeline::Timeline;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub const ID: &str = "kernel";
/// Serial lines kept for scrollback.
const SCROLLBACK: usize = 5000;

enum Msg {
    Build(BuildEvent),
    Built(Result<BuildOutput, String>),
}

enum State {
    Idle,
    Building {
        crates: usize,
        last: String,
    },
    BuildFailed {
        summary: String,
    },
    Running {
        session: QemuSession,
        since: Instant,
    },
    Exited {
        exit: KernelExit,
    },
    Failed(String),
}

pub struct KernelPane {
    paths: KernelPaths,
    path: BootPath,
    state: State,
    lines: VecDeque<String>,
    diagnostics: Vec<String>,
    timeline: Timeline,
    /// Host-side time from QEMU start to the [ready] line.
    ready_after: Option<Duration>,
    /// Crates the last successful build compiled, to size the progress bar.
    known_crates: usize,
    typing: bool,
    /// What was typed since the last Enter (the kernel echoes only whole lines).
    partial: String,
    /// Lines scrolled up from the bottom.
    scroll: usize,
    started_once: bool,
}

impl KernelPane {
    pub fn new() -> Self {
        KernelPane {
            paths: KernelPaths::default(),
            path: BootPath::Pvh,
            state: State::Idle,
            lines: VecDeque::new(),
            diagnostics: Vec::new(),
            timeline: Timeline::default(),
            ready_after: None,
            known_crates: 3,
            typing: false,
            partial: String::new(),
            scroll: 0,
            started_once: false,
        }
    }

    fn stop(&mut self) {
        if let State::Running { session, .. } = &mut self.state {
            session.stop();
        }
        self.typing = false;
    }

    fn build_and_run(&mut self, cx: &mut Ctx) {
        self.stop();
        self.lines.clear();
        self.diagnostics.clear();
        self.timeline = Timeline::default();
        self.ready_after = None;
        self.partial.clear();
        self.scroll = 0;
        self.state = State::Building {
            crates: 0,
            last: "starting cargo".into(),
        };
        let tx = cx.tx.clone();
        let paths = self.paths.clone();
        std::thread::spawn(move || {
            let r = builder::build(&paths, &mut |ev| tx.to_pane(ID, Msg::Build(ev)));
            tx.to_pane(ID, Msg::Built(r.map_err(|e| e.to_string())));
        });
    }

    fn boot(&mut self, out: BuildOutput, cx: &mut Ctx) {
        if !suite::qemu_available() {
            self.state = State::Failed(format!(
                "{} is not installed; install it with: {}",
                kernel_runner::qemu::QEMU,
                kernel_runner::qemu::INSTALL_QEMU
            ));
            return;
        }
        let source = match suite::boot_source(&self.paths, &out, self.path, "") {
            Ok(s) => s,
            Err(e) => {
                self.state = State::Failed(format!("{e:#}"));
                return;
            }
        };
        match QemuSession::spawn(&QemuConfig::new(source)) {
            Ok(session) => {
                self.state = State::Running {
                    session,
                    since: Instant::now(),
                };
                cx.info(format!(
                    "QEMU started ({} boot); press i to type into the kernel",
                    self.path.name()
                ));
            }
            Err(e) => self.state = State::Failed(e.to_string()),
        }
    }

    fn push_line(&mut self, line: String) {
        if let Some(e) = self.timeline.push_line(&builder::strip_ansi(&line))
            && e.stage == "ready"
            && self.ready_after.is_none()
            && let State::Running { since, .. } = &self.state
        {
            self.ready_after = Some(since.elapsed());
        }
        self.lines.push_back(line);
        while self.lines.len() > SCROLLBACK {
            self.lines.pop_front();
        }
    }

    fn drain(&mut self) {
        let mut exited = None;
        if let State::Running { session, .. } = &self.state {
            let mut got = Vec::new();
            while let Ok(ev) = session.events().try_recv() {
                got.push(ev);
            }
            for ev in got {
                match ev {
                    SerialEvent::Line(l) => self.push_line(l),
                    SerialEvent::QemuMessage(m) => self.push_line(format!("qemu: {m}")),
                    SerialEvent::Exited(e) => exited = Some(e),
                }
            }
        }
        if let Some(exit) = exited {
            self.typing = false;
            self.state = State::Exited { exit };
        }
    }

    fn send(&mut self, bytes: &[u8], cx: &mut Ctx) {
        if let State::Running { session, .. } = &mut self.state
            && let Err(e) = session.send(bytes)
        {
            cx.error(e.to_string());
            self.typing = false;
        }
    }
}

impl Default for KernelPane {
    fn default() -> Self {
        Self::new()
    }
}

impl Pane for KernelPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Kernel".into()
    }

    fn captures_text(&self) -> bool {
        self.typing
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        if !self.started_once {
            self.started_once = true;
            self.build_and_run(cx);
        }
    }

    fn tick_every(&self) -> Option<Duration> {
        match self.state {
            State::Running { .. } => Some(Duration::from_millis(50)),
            _ => None,
        }
    }

    fn tick(&mut self, _cx: &mut Ctx) {
        self.drain();
    }

    fn on_message(&mut self, msg: Box<dyn std::any::Any + Send>, cx: &mut Ctx) {
        let Ok(msg) = msg.downcast::<Msg>() else {
            return;
        };
        match *msg {
            Msg::Build(ev) => match ev {
                BuildEvent::Started { command } => self.push_line(format!("$ {command}")),
                BuildEvent::Compiled { crate_name, fresh } => {
                    if let State::Building { crates, last } = &mut self.state {
                        *crates += 1;
                        *last =
                            format!("{} {crate_name}", if fresh { "fresh" } else { "compiled" });
                    }
                }
                BuildEvent::Diagnostic { level, rendered } => {
                    for l in rendered.lines() {
                        self.push_line(l.to_string());
                    }
                    if level == "error" {
                        self.diagnostics.push(rendered);
                    }
                }
                BuildEvent::Finished { .. } => {}
            },
            Msg::Built(Ok(out)) => {
                if let State::Building { crates, .. } = self.state {
                    self.known_crates = crates.max(1);
                }
                self.boot(out, cx);
            }
            Msg::Built(Err(e)) => {
                self.state = State::BuildFailed { summary: e };
            }
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.typing {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            match key.code {
                KeyCode::Esc => {
                    self.typing = false;
                    cx.info("stopped typing into the kernel");
                }
                KeyCode::Enter => {
                    self.send(b"\r", cx);
                    self.partial.clear();
                }
                KeyCode::Backspace => {
                    self.send(&[0x7f], cx);
                    self.partial.pop();
                }
                KeyCode::Char(c) if ctrl && c.is_ascii_alphabetic() => {
                    self.send(&[(c.to_ascii_lowercase() as u8) & 0x1f], cx);
                }
                KeyCode::Char(c) => {
                    let mut buf = [0u8; 4];
                    self.send(c.encode_utf8(&mut buf).as_bytes(), cx);
                    self.partial.push(c);
                }
                _ => {}
            }
            self.scroll = 0;
            return Handled::Yes;
        }
        match key.code {
            KeyCode::Char('r') => self.build_and_run(cx),
            KeyCode::Char('s') => {
                if matches!(self.state, State::Running { .. }) {
                    self.stop();
                    cx.info("stopping QEMU");
                } else {
                    cx.info("QEMU is not running");
                }
            }
            KeyCode::Char('b') => {
                self.path = match self.path {
                    BootPath::Pvh => BootPath::Bios,
                    BootPath::Bios => BootPath::Pvh,
                };
                cx.info(format!(
                    "boot path: {} (r to rebuild and boot)",
                    self.path.name()
                ));
            }
            KeyCode::Char('i') => {
                if matches!(self.state, State::Running { .. }) {
                    self.typing = true;
                    cx.info("typing into the kernel's serial port; esc to stop");
                } else {
                    cx.info("the kernel is not running (r to boot it)");
                }
            }
            KeyCode::PageUp | KeyCode::Char('k') | KeyCode::Up => {
                let step = if key.code == KeyCode::PageUp { 10 } else { 1 };
                self.scroll = (self.scroll + step).min(self.lines.len().saturating_sub(1));
            }
            KeyCode::PageDown | KeyCode::Char('j') | KeyCode::Down => {
                let step = if key.code == KeyCode::PageDown { 10 } else { 1 };
                self.scroll = self.scroll.saturating_sub(step);
            }
            KeyCode::End | KeyCode::Char('G') => self.scroll = 0,
            _ => return Handled::No,
        }
        Handled::Yes
    }

    fn handle_mouse(&mut self, ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        match ev.kind {
            MouseEventKind::ScrollUp => {
                self.scroll = (self.scroll + 3).min(self.lines.len().saturating_sub(1))
            }
            MouseEventKind::ScrollDown => self.scroll = self.scroll.saturating_sub(3),
            _ => return Handled::No,
        }
        Handled::Yes
    }

    fn help(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("r", "build the kernel and (re)boot it in QEMU"),
            ("s", "stop QEMU"),
            (
                "b",
                "switch boot path: PVH (-kernel) / BIOS (our bootloader)",
            ),
            ("i", "type into the kernel's serial console (esc stops)"),
            ("j k PgUp PgDn G", "scroll the serial output"),
        ]
    }

    fn shutdown(&mut self) {
        self.stop();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        let path = self.path.name().to_uppercase();
        let head_line = match &self.state {
            State::Idle => Line::styled(
                format!("{path} · not started (r builds and boots)"),
                theme.dim,
            ),
            State::Building { .. } => {
                Line::styled(format!("{path} · building the kernel…"), theme.accent)
            }
            State::BuildFailed { .. } => {
                Line::styled(format!("{path} · build failed"), theme.error)
            }
            State::Running { since, .. } => {
                let mut s = format!("{path} · running {:.0}s", since.elapsed().as_secs_f64());
                if let Some(r) = self.ready_after {
                    s.push_str(&format!(" · [ready] after {} ms", r.as_millis()));
                }
                if self.typing {
                    s.push_str(" · TYPING (esc to stop)");
                }
                Line::styled(s, theme.ok)
            }
            State::Exited { exit } => Line::styled(
                format!("{path} · {}", exit.describe()),
                if exit.is_success() {
                    theme.ok
                } else {
                    theme.error
                },
            ),
            State::Failed(m) => Line::styled(m.clone(), theme.error),
        };
        f.render_widget(Paragraph::new(head_line), head);

        let [out_area, side] = Layout::horizontal([
            Constraint::Min(20),
            Constraint::Length((body.width / 3).clamp(16, 26)),
        ])
        .areas(body);
        let color = theme.mode != crate::theme::Mode::Plain;
        match &self.state {
            State::Building { crates, last } => {
                let [g, rest] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(out_area);
                let total = self.known_crates.max(crates + 1);
                f.render_widget(
                    Gauge::default()
                        .ratio((*crates as f64 / total as f64).clamp(0.0, 1.0))
                        .label(format!("{crates}/{total} crates · {last}"))
                        .gauge_style(theme.gauge),
                    g,
                );
                self.draw_output(f, rest, theme, color);
            }
            State::BuildFailed { summary } => {
                // The compiler's errors in full, first error first: that
                // one is the one to fix (the rest often follow from it).
                let mut lines = vec![Line::styled(summary.clone(), theme.error), Line::raw("")];
                for d in &self.diagnostics {
                    lines.extend(
                        d.lines()
                            .map(|l| crate::tui::ansi::line(l, theme.text, color)),
                    );
                }
                if self.diagnostics.is_empty() {
                    lines.extend(
                        self.lines
                            .iter()
                            .map(|l| crate::tui::ansi::line(l, theme.text, color)),
                    );
                }
                f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), out_area);
            }
            _ => self.draw_output(f, out_area, theme, color),
        }
        self.draw_timeline(f, side, theme);

        let hint = if self.typing {
            Line::from(vec![
                Span::styled("kernel> ", theme.key),
                Span::styled(self.partial.clone(), theme.text),
                Span::styled("█", theme.accent),
            ])
        } else {
            Line::styled(
                "r boot · s stop · b boot path · i type · j/k scroll · ? help",
                theme.dim,
            )
        };
        f.render_widget(Paragraph::new(hint), foot);
    }
}

impl KernelPane {
    fn draw_output(&self, f: &mut Frame, area: Rect, theme: &Theme, color: bool) {
        let drawn = crate::tui::scrollback::draw_tail(f, area, &self.lines, self.scroll, |l| {
            crate::tui::ansi::line(l, theme.text, color)
        });
        if !drawn {
            f.render_widget(Paragraph::new("(no output yet)").style(theme.dim), area);
        }
    }

    fn draw_timeline(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::LEFT)
            .border_style(theme.border)
            .title(Span::styled(" boot timeline ", theme.section));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let stages = self.timeline.stages();
        let end = stages
            .iter()
            .map(|s| s.last_micros)
            .max()
            .unwrap_or(0)
            .max(1);
        let bar_w = inner.width.saturating_sub(14) as u64;
        let mut lines = Vec::new();
        for s in &stages {
            let bar_w = bar_w.max(1) as usize;
            let from = ((s.first_micros * bar_w as u64 / end) as usize).min(bar_w - 1);
            let to = ((s.last_micros * bar_w as u64 / end) as usize).clamp(from + 1, bar_w);
            let bar = format!("{}{}", " ".repeat(from), "▬".repeat(to - from));
            lines.push(Line::from(vec![
                Span::styled(format!("{:<6}", truncate6(&s.stage)), theme.key),
                Span::styled(
                    format!("{:>6.1}ms ", s.last_micros as f64 / 1000.0),
                    theme.dim,
                ),
                Span::styled(bar, theme.accent),
            ]));
        }
        let errors = self.timeline.errors().count();
        if errors > 0 {
            lines.push(Line::styled(format!("{errors} error line(s)"), theme.error));
        }
        if lines.is_empty() {
            lines.push(Line::styled("(waiting for [boot])", theme.dim));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

fn truncate6(s: &str) -> String {
    s.chars().take(6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Sender;
    use crate::content::Content;
    use crate::store::Store;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn a_failed_build_shows_the_compiler_errors_readably() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let content = Content::load(None);
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let tx = Sender::new(tx);
        let mut cx = Ctx {
            store: &store,
            content: &content,
            tx: &tx,
            requests: Vec::new(),
        };
        let mut pane = KernelPane::new();
        pane.state = State::Building {
            crates: 0,
            last: String::new(),
        };
        let rendered = "\u{1b}[1m\u{1b}[91merror[E0425]\u{1b}[0m\u{1b}[1m: cannot find function `nope`\u{1b}[0m\n  --> src/shell.rs:43:19";
        pane.on_message(
            Box::new(Msg::Build(BuildEvent::Diagnostic {
                level: "error".into(),
                rendered: rendered.into(),
            })),
            &mut cx,
        );
        pane.on_message(
            Box::new(Msg::Built(Err(
                "the kernel did not compile (1 error(s))".into()
            ))),
            &mut cx,
        );
        let mut t = Terminal::new(TestBackend::new(90, 12)).unwrap();
        t.draw(|f| pane.draw(f, f.area(), &Theme::plain())).unwrap();
        let screen = t.backend().to_string();
        assert!(screen.contains("build failed"), "{screen}");
        assert!(
            screen.contains("error[E0425]: cannot find function `nope`"),
            "{screen}"
        );
        assert!(screen.contains("--> src/shell.rs:43:19"), "{screen}");
        assert!(
            !screen.contains("[1m") && !screen.contains('\u{1b}'),
            "{screen}"
        );
    }
}
