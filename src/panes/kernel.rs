//! The kernel pane: build the Phase 5 kernel, boot it in QEMU, watch its
//! serial console live and type into it.
//!
//! The work is done by the `kernel-runner` crate: the build runs on a thread
//! and reports cargo's progress and compiler errors as messages; QEMU runs as
//! a child process whose serial lines arrive on a channel that the pane
//! drains on a short tick while QEMU runs (and only then). The boot timeline
//! is parsed from the kernel's stage-tagged log lines. QEMU is killed when
//! the pane restarts it, stops it, or the app exits.

use crate::jobs::Mailbox;
use crate::pane::{Ctx, Handled, Pane};
use crate::theme::Theme;
use crate::tui::console::{Console, ConsoleEvent, Tone};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};
use kernel_runner::builder::{self, BuildEvent, BuildOutput, KernelPaths};
use kernel_runner::qemu::{KernelExit, QemuConfig, QemuSession, SerialEvent};
use kernel_runner::suite::{self, BootPath};
use kernel_runner::timeline::Timeline;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};
use std::time::{Duration, Instant};

pub const ID: &str = "kernel";
/// Serial lines kept for scrollback.
const SCROLLBACK: usize = 5000;

enum Msg {
    Build(BuildEvent),
    Built(Result<BuildOutput, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Run,
    Stop,
    BootPath,
    Type,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('r')],
        "r",
        "build the kernel and (re)boot it in QEMU (cancels a build running)",
        Cmd::Run,
    ),
    bind(&[Key::ch('s')], "s", "stop QEMU", Cmd::Stop),
    bind(
        &[Key::ch('b')],
        "b",
        "switch boot path: PVH (-kernel) / BIOS (our bootloader)",
        Cmd::BootPath,
    ),
    bind(
        &[Key::ch('i')],
        "i",
        "type into the kernel's serial console (esc stops)",
        Cmd::Type,
    ),
]);

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
    /// Cargo's output, then the kernel's serial lines; the input line types
    /// into the serial port.
    console: Console,
    mailbox: Mailbox<Msg>,
    diagnostics: Vec<String>,
    timeline: Timeline,
    /// Host-side time from QEMU start to the [ready] line.
    ready_after: Option<Duration>,
    /// Crates the last successful build compiled, to size the progress bar.
    known_crates: usize,
    started_once: bool,
}

impl KernelPane {
    pub fn new() -> Self {
        KernelPane {
            paths: KernelPaths::default(),
            path: BootPath::Pvh,
            state: State::Idle,
            console: {
                let mut c = Console::new(SCROLLBACK).with_input("kernel> ");
                c.set_placeholder("(no output yet)");
                c
            },
            mailbox: Mailbox::new(),
            diagnostics: Vec::new(),
            timeline: Timeline::default(),
            ready_after: None,
            known_crates: 3,
            started_once: false,
        }
    }

    fn stop(&mut self) {
        if let State::Running { session, .. } = &mut self.state {
            session.stop();
        }
        self.console.set_typing(false);
    }

    fn build_and_run(&mut self, cx: &mut Ctx) {
        self.stop();
        self.console.clear();
        self.diagnostics.clear();
        self.timeline = Timeline::default();
        self.ready_after = None;
        self.state = State::Building {
            crates: 0,
            last: "starting cargo".into(),
        };
        let paths = self.paths.clone();
        // A new job cancels the build still running (its cargo is killed)
        // and drops whatever it still reports.
        self.mailbox.thread("build", cx.waker(), move |job| {
            let cancel = job.cancel_flag();
            let r = builder::build_cancellable(&paths, Some(cancel), &mut |ev| {
                job.send(Msg::Build(ev));
            });
            job.send(Msg::Built(r.map_err(|e| e.to_string())));
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
        self.console.push(line, Tone::Ansi);
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
            self.console.set_typing(false);
            self.state = State::Exited { exit };
        }
    }

    fn send(&mut self, bytes: &[u8], cx: &mut Ctx) {
        if let State::Running { session, .. } = &mut self.state
            && let Err(e) = session.send(bytes)
        {
            cx.error(e.to_string());
            self.console.set_typing(false);
        }
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        match cmd {
            Cmd::Run => self.build_and_run(cx),
            Cmd::Stop => {
                if matches!(self.state, State::Running { .. }) {
                    self.stop();
                    cx.info("stopping QEMU");
                } else {
                    cx.info("QEMU is not running");
                }
            }
            Cmd::BootPath => {
                self.path = match self.path {
                    BootPath::Pvh => BootPath::Bios,
                    BootPath::Bios => BootPath::Pvh,
                };
                cx.info(format!(
                    "boot path: {} (r to rebuild and boot)",
                    self.path.name()
                ));
            }
            Cmd::Type => {
                if matches!(self.state, State::Running { .. }) {
                    self.console.set_typing(true);
                    cx.info("typing into the kernel's serial port; esc to stop");
                } else {
                    cx.info("the kernel is not running (r to boot it)");
                }
            }
        }
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
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
        self.console.typing()
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

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.console.typing() {
            // Control keys go to the kernel as control bytes, ctrl-c as ETX
            // as a terminal would (the app quits on a second one within a
            // second).
            if key.modifiers.contains(KeyModifiers::CONTROL)
                && let KeyCode::Char(c) = key.code
                && c.is_ascii_alphabetic()
            {
                self.send(&[(c.to_ascii_lowercase() as u8) & 0x1f], cx);
                return Handled::Yes;
            }
            match self.console.handle_key(key) {
                ConsoleEvent::Submit(line) => {
                    // The kernel's shell echoes whole lines itself.
                    let mut bytes = line.into_bytes();
                    bytes.push(b'\r');
                    self.send(&bytes, cx);
                }
                ConsoleEvent::Left => cx.info("stopped typing into the kernel"),
                ConsoleEvent::Handled | ConsoleEvent::Unhandled => {}
            }
            return Handled::Yes;
        }
        if let Some(cmd) = KEYS.lookup(&key) {
            self.run(cmd, cx);
            return Handled::Yes;
        }
        match self.console.handle_key(key) {
            ConsoleEvent::Unhandled => Handled::No,
            _ => Handled::Yes,
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, _area: Rect, _cx: &mut Ctx) -> Handled {
        Handled::from(self.console.handle_mouse(&ev))
    }

    fn keys(&self) -> Vec<KeyHelp> {
        self.console.keys_with(KEYS.help())
    }

    fn on_resize(&mut self, area: Rect, _theme: &Theme) {
        self.console.on_resize(area);
    }

    fn shutdown(&mut self) {
        // Cancels a build in flight too: its cargo is killed.
        self.mailbox.cancel_all();
        self.stop();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
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
                if self.console.typing() {
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
                        self.console
                            .lines()
                            .map(|l| crate::tui::ansi::line(l, theme.text, color)),
                    );
                }
                f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), out_area);
            }
            _ => self.draw_output(f, out_area, theme, color),
        }
        self.draw_timeline(f, side, theme);
    }
}

impl KernelPane {
    fn draw_output(&self, f: &mut Frame, area: Rect, theme: &Theme, _color: bool) {
        self.console.draw(
            f,
            area,
            theme,
            "r boot · s stop · b boot path · i type · j/k scroll · ? help",
        );
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
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn a_failed_build_shows_the_compiler_errors_readably() {
        let dir = tempfile::tempdir().unwrap();
        let h = crate::harness::Harness::new(dir.path()).unwrap();
        let mut pane = KernelPane::new();
        pane.state = State::Building {
            crates: 0,
            last: String::new(),
        };
        let rendered = "\u{1b}[1m\u{1b}[91merror[E0425]\u{1b}[0m\u{1b}[1m: cannot find function `nope`\u{1b}[0m\n  --> src/shell.rs:43:19";
        let tx = crate::action::Sender::new(tokio::sync::mpsc::unbounded_channel().0);
        let mut cx = Ctx::new(&h.store, &h.content, &tx, h.runtime(), ID);
        pane.on_msg(
            Msg::Build(BuildEvent::Diagnostic {
                level: "error".into(),
                rendered: rendered.into(),
            }),
            &mut cx,
        );
        pane.on_msg(
            Msg::Built(Err("the kernel did not compile (1 error(s))".into())),
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
