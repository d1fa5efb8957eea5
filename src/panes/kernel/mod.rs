//! The kernel pane: build the Phase 5 kernel, boot it in QEMU, watch its
//! serial console live and type into it.
//!
//! Showing the tab starts nothing: the pane says what `enter` or `r` will
//! build and boot, and waits for the learner to ask.
//!
//! The work is done by the `kernel-runner` crate: the build runs on a thread
//! and reports cargo's progress and compiler errors as messages; QEMU runs as
//! a child process whose serial lines arrive on a channel. The session
//! pings a small thread of ours after each line (`wake_on_serial`), which
//! wakes the app for this pane; `on_wake` drains the channel. So the app
//! sleeps while the kernel is quiet, and a kernel printing its trace is
//! drawn at most about 30 times a second. The only tick is a 1 Hz one for
//! the uptime in the header, while the tab is shown and QEMU runs. The
//! serial stream is sorted (`serial`): the kernel's `%sched` trace lines
//! feed the scheduling timeline, the rest go to the console, and the
//! stage-tagged boot log feeds the boot chart. `view` prepares and draws
//! both beside and below the console.
//!
//! QEMU is killed when the pane restarts it, stops it, or the app exits,
//! and when the learner leaves the tab unless they chose (`K`, remembered
//! in the store under `ui/kernel`) to keep it running on other tabs.

mod serial;
mod view;

use crate::jobs::{Mailbox, Waker};
use crate::pane::{Ctx, Handled, Pane, QuitQuestion};
use crate::theme::Theme;
use crate::tui::console::{Console, ConsoleEvent, Tone};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crate::tui::text::truncate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};
use kernel_runner::builder::{self, BuildEvent, BuildOutput, KernelPaths};
use kernel_runner::qemu::{KernelExit, Notify, QemuConfig, QemuSession, SerialEvent};
use kernel_runner::suite::{self, BootPath};
use kernel_runner::timeline::Timeline as BootLog;
use kernel_runner::trace::Timeline as Sched;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use serde::{Deserialize, Serialize};
use serial::{Echoes, KernelClock, Splitter};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;
use view::{TraceState, View};

pub const ID: &str = "kernel";
/// Serial lines kept for scrollback.
const SCROLLBACK: usize = 5000;
/// The time spans the timeline can show (`w` cycles through them).
const WINDOWS_US: [u64; 4] = [1_000_000, 2_000_000, 5_000_000, 10_000_000];
/// Shown at first: long enough for a few slices of every thread.
const DEFAULT_WINDOW: usize = 1;
/// While serial lines keep coming, the app is woken at most this often.
const WAKE_GAP: Duration = Duration::from_millis(30);
/// The uptime in the header changes once a second; nothing else needs time.
const UPTIME_TICK: Duration = Duration::from_secs(1);
/// Where the pane's setting lives in the store (next to the theme).
const SETTINGS_KEY: &str = "kernel";

/// What the learner chose for this pane, remembered across runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Settings {
    /// Keep QEMU running while other tabs are shown (off: leaving the tab
    /// stops it).
    keep_running: bool,
}

enum Msg {
    Build(BuildEvent),
    Built(Result<BuildOutput, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Run,
    Enter,
    Stop,
    Keep,
    BootPath,
    Type,
    Trace,
    Window,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('r')],
        "r",
        "build the kernel and (re)boot it in QEMU (cancels a build running)",
        Cmd::Run,
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "boot the kernel when it is not running; type into it when it is",
        Cmd::Enter,
    ),
    bind(&[Key::ch('s')], "s", "stop QEMU", Cmd::Stop),
    bind(
        &[Key::ch('K')],
        "K",
        "keep QEMU running on other tabs, or stop it on leaving (remembered)",
        Cmd::Keep,
    ),
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
    bind(
        &[Key::ch('t')],
        "t",
        "scheduling trace on/off (the timeline's lanes; also at the next boot)",
        Cmd::Trace,
    ),
    bind(
        &[Key::ch('w')],
        "w",
        "timeline window: last 1, 2, 5 or 10 seconds",
        Cmd::Window,
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
        /// The path this kernel was booted by (`b` changes the next one).
        path: BootPath,
    },
    /// QEMU ended by itself: the kernel exited, failed, or QEMU died.
    Exited {
        exit: KernelExit,
        path: BootPath,
    },
    /// We stopped it (`s`, leaving the tab) or did not boot it; why, in
    /// the learner's words.
    Stopped {
        path: Option<BootPath>,
        why: String,
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
    /// The boot log's stages (the boot chart).
    boot_log: BootLog,
    /// The scheduling trace folded into lanes.
    sched: Sched,
    /// Takes trace lines out of the console's stream.
    splitter: Splitter,
    echoes: Echoes,
    clock: KernelClock,
    /// Whether the kernel is printing its trace (by what it printed).
    tracing: bool,
    /// The kernel's time at the first line of the trace the lanes show:
    /// the window never reaches back before it (nothing is known there).
    trace_since: u64,
    /// Whether the learner wants the trace: boots with it, `t` flips it.
    trace_wanted: bool,
    window: usize,
    /// The pane's area, for the view prepared before drawing.
    area: Rect,
    view: View,
    /// Host-side time from QEMU start to the [ready] line.
    ready_after: Option<Duration>,
    /// Crates the last successful build compiled, to size the progress bar.
    known_crates: usize,
    /// Whether the tab is the one shown.
    shown: bool,
    settings: Settings,
    /// The settings were read from the store (on the first show).
    settings_loaded: bool,
}

impl KernelPane {
    pub fn new() -> Self {
        KernelPane {
            paths: KernelPaths::default(),
            path: BootPath::Pvh,
            state: State::Idle,
            console: {
                let mut c = Console::new(SCROLLBACK).with_input("kernel> ");
                c.set_typing(false);
                c.set_placeholder("(no output yet)");
                c
            },
            mailbox: Mailbox::new(),
            diagnostics: Vec::new(),
            boot_log: BootLog::default(),
            sched: Sched::default(),
            splitter: Splitter::default(),
            echoes: Echoes::default(),
            clock: KernelClock::default(),
            tracing: false,
            trace_since: 0,
            trace_wanted: true,
            window: DEFAULT_WINDOW,
            area: Rect::default(),
            view: View::empty(),
            ready_after: None,
            known_crates: 3,
            shown: false,
            settings: Settings::default(),
            settings_loaded: false,
        }
    }

    /// Stops QEMU if it runs (killing it: the session is dropped), and says
    /// `why` in the header. False when it was not running.
    fn stop(&mut self, why: &str) -> bool {
        self.console.set_typing(false);
        // What it printed before the kill is still shown.
        self.drain();
        let State::Running { path, .. } = self.state else {
            return false;
        };
        self.state = State::Stopped {
            path: Some(path),
            why: why.to_string(),
        };
        true
    }

    fn running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }

    fn load_settings(&mut self, cx: &mut Ctx) {
        if self.settings_loaded {
            return;
        }
        self.settings_loaded = true;
        match cx.store.get_json::<Settings>("ui", SETTINGS_KEY) {
            Ok(s) => self.settings = s.unwrap_or_default(),
            Err(e) => cx.error(format!(
                "the kernel pane's settings could not be read ({e}); using the defaults"
            )),
        }
    }

    fn toggle_keep(&mut self, cx: &mut Ctx) {
        self.settings.keep_running = !self.settings.keep_running;
        let said = if self.settings.keep_running {
            "QEMU keeps running while other tabs are shown (K: stop it on leaving)"
        } else {
            "leaving the Kernel tab stops QEMU (K: keep it running)"
        };
        match cx.store.put_json("ui", SETTINGS_KEY, &self.settings) {
            Ok(()) => cx.info(said),
            Err(e) => cx.error(format!("{said}; not remembered: {e}")),
        }
    }

    fn build_and_run(&mut self, cx: &mut Ctx) {
        self.stop("restarted");
        self.console.clear();
        self.diagnostics.clear();
        self.reset_serial();
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
        // With `trace` on the command line the kernel traces from boot on,
        // so the timeline has every thread from the start.
        let cmdline = if self.trace_wanted { "trace" } else { "" };
        let source = match suite::boot_source(&self.paths, &out, self.path, cmdline) {
            Ok(s) => s,
            Err(e) => {
                self.state = State::Failed(format!("{e:#}"));
                return;
            }
        };
        if !self.shown && !self.settings.keep_running {
            // The learner left the tab while it built: booting now would
            // leave QEMU running where they said it should not.
            self.state = State::Stopped {
                path: None,
                why: "built while you were on another tab; not booted".into(),
            };
            return;
        }
        // The session pings after every event; a thread of ours turns the
        // pings into (at most ~30 a second) wake-ups of this pane.
        let (ping, pings) = std::sync::mpsc::channel::<()>();
        let notify: Notify = Arc::new(move || {
            let _ = ping.send(());
        });
        let waker = cx.waker();
        if let Err(e) = std::thread::Builder::new()
            .name("kernel-serial-wake".into())
            .spawn(move || wake_on_serial(pings, waker))
        {
            self.state = State::Failed(format!(
                "cannot start a thread to read the serial port: {e}"
            ));
            return;
        }
        match QemuSession::spawn_notifying(&QemuConfig::new(source), notify) {
            Ok(session) => {
                self.state = State::Running {
                    session,
                    since: Instant::now(),
                    path: self.path,
                };
                cx.info(format!(
                    "QEMU started ({} boot); press i to type into the kernel",
                    self.path.name()
                ));
            }
            Err(e) => self.state = State::Failed(e.to_string()),
        }
    }

    /// Forget everything the last boot printed.
    fn reset_serial(&mut self) {
        self.boot_log = BootLog::default();
        self.sched = Sched::default();
        self.splitter = Splitter::default();
        self.echoes.clear();
        self.clock = KernelClock::default();
        self.tracing = false;
        self.trace_since = 0;
        self.ready_after = None;
    }

    /// A line for the console that is not from the kernel (cargo, QEMU).
    fn push_line(&mut self, line: String) {
        self.console.push(line, Tone::Ansi);
    }

    /// One event from QEMU, as `on_wake` drains them (and tests feed them).
    fn on_serial(&mut self, ev: SerialEvent, at: Instant) {
        match ev {
            SerialEvent::Line(l) => {
                let sorted = self.splitter.push(&l);
                if let Some(t) = sorted.trace {
                    self.on_trace_line(&builder::strip_ansi(&t), at);
                }
                if let Some(l) = sorted.console {
                    self.on_console_line(l, at);
                }
            }
            SerialEvent::QemuMessage(m) => self.push_line(format!("qemu: {m}")),
            SerialEvent::Exited(exit) => {
                if let Some(rest) = self.splitter.flush() {
                    self.console.push(rest, Tone::Ansi);
                }
                self.console.set_typing(false);
                // Our own stops drop the session first, so an exit that
                // arrives here is the kernel's or QEMU's own doing.
                let path = match self.state {
                    State::Running { path, .. } => path,
                    _ => self.path,
                };
                self.state = State::Exited { exit, path };
            }
        }
    }

    fn on_trace_line(&mut self, line: &str, at: Instant) {
        if !self.tracing {
            // The trace (re)starts: the kernel lists its threads first. What
            // the old lanes showed stopped being true when it went off.
            self.sched = Sched::default();
            self.tracing = true;
            self.trace_since = u64::MAX;
        }
        if let Some(ev) = self.sched.push_line(line) {
            self.trace_since = self.trace_since.min(ev.micros());
            self.clock.saw(ev.micros(), at);
        }
    }

    fn on_console_line(&mut self, line: String, at: Instant) {
        let plain = builder::strip_ansi(&line);
        if let Some(e) = self.boot_log.push_line(&plain) {
            let (micros, ready) = (e.micros, e.stage == "ready");
            self.clock.saw(micros, at);
            if ready
                && self.ready_after.is_none()
                && let State::Running { since, .. } = &self.state
            {
                self.ready_after = Some(at.saturating_duration_since(*since));
            }
        } else if self.echoes.is_echo(&plain) {
            // What we typed, echoed by the shell: not its answer.
        } else if plain.trim() == "trace off" || plain.ends_with(", trace off") {
            self.tracing = false;
        }
        self.console.push(line, Tone::Ansi);
    }

    fn drain(&mut self) {
        let mut got = Vec::new();
        if let State::Running { session, .. } = &self.state {
            while let Ok(ev) = session.events().try_recv() {
                got.push(ev);
            }
        }
        let at = Instant::now();
        for ev in got {
            self.on_serial(ev, at);
        }
    }

    /// Sends one line to the kernel's shell.
    fn send_line(&mut self, line: &str, cx: &mut Ctx) {
        self.echoes.record(line);
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\r');
        self.send(&bytes, cx);
    }

    fn trace_state(&self) -> TraceState {
        match self.state {
            State::Running { .. } if self.tracing => TraceState::On,
            State::Running { .. } => TraceState::Off,
            _ => TraceState::NextBoot(self.trace_wanted),
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
            Cmd::Enter => {
                if self.running() {
                    self.run(Cmd::Type, cx);
                } else if matches!(self.state, State::Building { .. }) {
                    cx.info("the kernel is building; it boots when the build is done");
                } else {
                    self.build_and_run(cx);
                }
            }
            Cmd::Stop => {
                if self.stop("stopped (enter or r boots again)") {
                    cx.info("QEMU stopped");
                } else {
                    cx.info("QEMU is not running");
                }
            }
            Cmd::Keep => self.toggle_keep(cx),
            Cmd::BootPath => {
                self.path = match self.path {
                    BootPath::Pvh => BootPath::Bios,
                    BootPath::Bios => BootPath::Pvh,
                };
                let when = if self.running() {
                    "the running kernel is unchanged; r reboots"
                } else {
                    "enter or r boots"
                };
                cx.info(format!(
                    "next boot: {} ({when})",
                    self.path.name().to_uppercase()
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
            Cmd::Trace => {
                if matches!(self.state, State::Running { .. }) {
                    // What the kernel does, not what we asked last, decides.
                    self.trace_wanted = !self.tracing;
                    let line = if self.trace_wanted {
                        "trace on"
                    } else {
                        "trace off"
                    };
                    self.send_line(line, cx);
                    cx.info(format!("sent `{line}` to the kernel's shell"));
                } else {
                    self.trace_wanted = !self.trace_wanted;
                    cx.info(format!(
                        "scheduling trace {} from the next boot (r)",
                        if self.trace_wanted { "on" } else { "off" }
                    ));
                }
            }
            Cmd::Window => {
                self.window = (self.window + 1) % WINDOWS_US.len();
                cx.info(format!(
                    "timeline: the last {} s",
                    WINDOWS_US[self.window] / 1_000_000
                ));
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
        // Nothing starts here: the pane says what enter or r will do.
        self.shown = true;
        self.load_settings(cx);
    }

    fn on_hide(&mut self, cx: &mut Ctx) {
        self.shown = false;
        if !self.settings.keep_running && self.stop("stopped when you left the tab") {
            cx.info("QEMU stopped: you left the Kernel tab (K there keeps it running)");
        }
    }

    fn tick_every(&self) -> Option<Duration> {
        // Serial output wakes the pane by itself; the tick only moves the
        // uptime shown in the header, so only while it can be seen.
        (self.shown && self.running()).then_some(UPTIME_TICK)
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
        self.drain();
    }

    fn status(&self, theme: &Theme) -> Vec<Span<'static>> {
        // On other tabs, a kernel kept running says so.
        match &self.state {
            State::Running { path, .. } if !self.shown => vec![Span::styled(
                format!("· kernel running ({})", path.name().to_uppercase()),
                theme.ok,
            )],
            _ => Vec::new(),
        }
    }

    fn quit_question(&self) -> Option<QuitQuestion> {
        // Ctrl-C twice in the kernel console: the learner was most likely
        // interrupting the kernel, not leaving.
        (self.running() && self.console.typing()).then(|| QuitQuestion {
            text: "ctrl-c went to the kernel. Quit the app and stop QEMU?".into(),
            choices: vec![('y', "quit".into())],
        })
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
                let byte = (c.to_ascii_lowercase() as u8) & 0x1f;
                self.send(&[byte], cx);
                if byte == 0x03 {
                    cx.info("ctrl-c sent to the kernel (ETX); esc leaves the console");
                }
                return Handled::Yes;
            }
            match self.console.handle_key(key) {
                ConsoleEvent::Submit(line) => {
                    // The line was edited here (backspace, arrows, history);
                    // the kernel's shell gets it whole and echoes it.
                    self.send_line(&line, cx);
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
        self.area = area;
        self.console
            .on_resize(view::areas(area, self.view.band_rows()).console);
    }

    fn before_draw(&mut self) {
        let live = matches!(self.state, State::Running { .. }) && self.tracing;
        let now = self.clock.advance(Instant::now(), live);
        self.view = View::build(
            self.area,
            &self.boot_log,
            &self.sched,
            now,
            WINDOWS_US[self.window],
            self.trace_since,
            self.trace_state(),
        );
    }

    fn shutdown(&mut self) {
        // Cancels a build in flight too: its cargo is killed.
        self.mailbox.cancel_all();
        self.stop("stopped");
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let view::Areas {
            head,
            console: out_area,
            side,
            band,
        } = view::areas(area, self.view.band_rows());
        f.render_widget(Paragraph::new(self.head_lines(theme, head.width)), head);

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
            // Nothing ran yet (the console is empty): the plan instead,
            // over the boot chart's place too (it has nothing to show).
            State::Idle if self.console.lines().next().is_none() => {
                let plan = out_area.union(side);
                f.render_widget(Paragraph::new(self.plan_lines(theme, plan.width)), plan);
                self.view.draw_band(f, band, theme, WINDOWS_US[self.window]);
                return;
            }
            _ => self.draw_output(f, out_area, theme, color),
        }
        self.view.draw_side(f, side, theme);
        self.view.draw_band(f, band, theme, WINDOWS_US[self.window]);
    }
}

/// Wakes the app for the pane when the kernel printed something: at once
/// after a quiet spell, then at most every [`WAKE_GAP`] while lines keep
/// coming. Any ping is followed by a wake, so no line waits for the next
/// one. Ends when the session's threads are gone (QEMU exited or killed).
fn wake_on_serial(pings: Receiver<()>, waker: Waker) {
    while pings.recv().is_ok() {
        loop {
            waker.wake();
            std::thread::sleep(WAKE_GAP);
            let mut more = false;
            while pings.try_recv().is_ok() {
                more = true;
            }
            if !more {
                break;
            }
        }
    }
}

/// `65s` as "1m 05s": the uptime in the header.
fn uptime(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

/// `text` after `first` (a number, a key), wrapped at word boundaries to
/// `width` columns with the following lines indented under the text. A
/// word longer than the line (a path) is cut with `…` rather than split.
fn hang(first: &str, text: &str, width: usize) -> Vec<String> {
    let indent = first.width();
    let room = width.saturating_sub(indent).max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let word = truncate(word, room);
        if !line.is_empty() && line.width() + 1 + word.width() > room {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    out.push(line);
    out.into_iter()
        .enumerate()
        .map(|(i, l)| {
            let lead = if i == 0 {
                first.to_string()
            } else {
                " ".repeat(indent)
            };
            format!("{lead}{l}")
        })
        .collect()
}

impl KernelPane {
    /// The header: what runs (by the path it really booted) or how it
    /// ended, then what the next boot uses and what leaving the tab does.
    /// Shorter words when the pane is narrow; a cut line ends in `…`.
    fn head_lines(&self, theme: &Theme, width: u16) -> Vec<Line<'static>> {
        let narrow = width < 70;
        let next = self.path.name().to_uppercase();
        let (first, style, shown_path) = match &self.state {
            State::Idle => (
                if narrow {
                    format!("{next} · not started · enter boots")
                } else {
                    format!("{next} · not started · enter or r builds and boots")
                },
                theme.dim,
                Some(self.path),
            ),
            State::Building { .. } => (
                format!("{next} · building the kernel…"),
                theme.accent,
                Some(self.path),
            ),
            State::BuildFailed { .. } => (
                format!("{next} · build failed"),
                theme.error,
                Some(self.path),
            ),
            State::Running { since, path, .. } => {
                let mut s = format!(
                    "{} · running {}",
                    path.name().to_uppercase(),
                    uptime(since.elapsed())
                );
                if let Some(r) = self.ready_after {
                    if narrow {
                        s.push_str(&format!(" · ready {} ms", r.as_millis()));
                    } else {
                        s.push_str(&format!(" · [ready] after {} ms", r.as_millis()));
                    }
                }
                if self.console.typing() {
                    s.push_str(if narrow {
                        " · TYPING"
                    } else {
                        " · TYPING (esc to stop)"
                    });
                }
                (s, theme.ok, Some(*path))
            }
            State::Exited { exit, path } => {
                let what = match exit {
                    // Our own stops never get here (see on_serial).
                    KernelExit::Killed(sig) => {
                        format!("QEMU was killed by signal {sig} from outside the app")
                    }
                    other => other.describe(),
                };
                let style = if exit.is_success() {
                    theme.ok
                } else {
                    theme.error
                };
                (
                    format!("{} · {what}", path.name().to_uppercase()),
                    style,
                    Some(*path),
                )
            }
            State::Stopped { path, why } => (
                match path {
                    Some(p) => format!("{} · {why}", p.name().to_uppercase()),
                    None => why.clone(),
                },
                theme.dim,
                *path,
            ),
            State::Failed(m) => (m.clone(), theme.error, None),
        };
        let mut second = String::new();
        if shown_path != Some(self.path) {
            second.push_str(&if narrow {
                format!("next: {next} · ")
            } else {
                format!("next boot: {next} · ")
            });
        }
        second.push_str(match (self.settings.keep_running, narrow) {
            (true, false) => "QEMU keeps running on other tabs (K: stop it on leaving)",
            (true, true) => "QEMU runs on other tabs (K: stop)",
            (false, false) => "leaving this tab stops QEMU (K: keep it running)",
            (false, true) => "leaving stops QEMU (K keeps it)",
        });
        let second_style = if shown_path != Some(self.path) {
            theme.accent
        } else {
            theme.dim
        };
        let w = width as usize;
        vec![
            Line::styled(truncate(&first, w), style),
            Line::styled(truncate(&second, w), second_style),
        ]
    }

    /// Before anything ran: what enter or r will do, and the keys, wrapped
    /// to `width` under their numbers.
    fn plan_lines(&self, theme: &Theme, width: u16) -> Vec<Line<'static>> {
        let w = width as usize;
        let trace = if self.trace_wanted {
            "with the scheduling trace on (t turns it off)"
        } else {
            "with the scheduling trace off (t turns it on)"
        };
        let how = match self.path {
            BootPath::Pvh => "by the PVH path: QEMU loads the kernel's ELF itself (-kernel)",
            BootPath::Bios => {
                "by the BIOS path: our bootloader on a disk image, from the firmware up"
            }
        };
        let other = match self.path {
            BootPath::Pvh => "boot the BIOS way instead",
            BootPath::Bios => "boot the PVH way instead",
        };
        let keep = if self.settings.keep_running {
            "QEMU keeps running on other tabs (on; K turns it off)"
        } else {
            "keep QEMU running on other tabs (off: leaving this tab stops it)"
        };
        let mut out = vec![Line::styled(
            "Nothing runs yet. enter or r will:",
            theme.title,
        )];
        let steps = [
            (
                "1. ",
                format!(
                    "build the kernel in {} (cargo build --release --target {})",
                    self.paths.kernel_dir.display(),
                    builder::TARGET
                ),
            ),
            ("2. ", format!("boot it in QEMU {how}, {trace}")),
            (
                "3. ",
                "show its serial console here; enter or i types into it".to_string(),
            ),
        ];
        for (n, text) in &steps {
            out.extend(hang(n, text, w).into_iter().map(Line::raw));
        }
        out.push(Line::raw(""));
        out.push(Line::styled("Keys", theme.title));
        for (k, text) in [
            ("b  ", other),
            ("K  ", keep),
            ("s  ", "stop QEMU · ? all keys"),
        ] {
            out.extend(hang(k, text, w).into_iter().map(Line::raw));
        }
        out
    }

    fn draw_output(&self, f: &mut Frame, area: Rect, theme: &Theme, _color: bool) {
        let hint = if self.running() {
            "i or enter types · s stop · r reboot · ? keys"
        } else {
            "enter or r boots · b boot path · ? keys"
        };
        self.console.draw(f, area, theme, hint);
    }
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

    /// The kernel's own boot log, as it printed it (PVH, trace on).
    const BOOT: &[&str] = &[
        "[boot] 0.026111 INFO megarepo kernel 0.1.0 booted via pvh",
        "[boot] 0.026650 INFO cmdline \"trace\", tsc 2601 MHz",
        "[int] 0.027010 INFO GDT, TSS and IDT loaded",
        "[mem] 0.027163 INFO map 0x0000000000-0x000009fc00      639 KiB usable",
        "[mem] 0.028527 INFO frames: 32414 managed",
        "[heap] 0.031425 INFO heap: blocks strategy, 1024 KiB",
        "%sched 40000 thread 0 idle 5 idle",
        "%sched 40100 thread 1 kernel 0 main",
        "%sched 40200 running 1",
        "[sched] 0.040945 INFO scheduler: rr policy",
        "[int] 0.055970 INFO PIC remapped to vectors 32-47, PIT timer at 100 Hz",
        "[ready] 0.057129 INFO boot complete in 57.106 ms",
        "[shell] 0.057225 INFO type `help` for commands",
    ];

    fn feed(pane: &mut KernelPane, lines: &[String]) {
        let at = Instant::now();
        for l in lines {
            pane.on_serial(SerialEvent::Line(l.clone()), at);
        }
    }

    fn lines(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|s| s.to_string()).collect()
    }

    /// Two hogs started from the shell, then switching every 40 ms of the
    /// kernel's clock (about what QEMU's emulation gives) until `until`.
    fn two_hogs(from: u64, until: u64) -> Vec<String> {
        let mut v = lines(&[
            "run hog",
            "%sched 60369 thread 2 user 0 hog",
            "started hog as pid 2",
            "run hog",
            "%sched 61819 thread 3 user 0 hog",
            "started hog as pid 3",
            "%sched 77112 switch 1 2 block",
        ]);
        let mut t = from;
        let mut on = 2;
        while t < until {
            let next = if on == 2 { 3 } else { 2 };
            v.push(format!("%sched {t} switch {on} {next} preempt"));
            on = next;
            t += 40_000;
        }
        v
    }

    /// The pane drawn at `w` x `h`, as the app does it: resize, prepare,
    /// draw. Rows without the quotes TestBackend puts around them.
    fn screen(pane: &mut KernelPane, w: u16, h: u16) -> Vec<String> {
        pane.on_resize(Rect::new(0, 0, w, h), &Theme::plain());
        pane.before_draw();
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| pane.draw(f, f.area(), &Theme::plain())).unwrap();
        t.backend()
            .to_string()
            .lines()
            .map(|l| l.trim_matches('"').to_string())
            .collect()
    }

    fn share(row: &str) -> f64 {
        let pct = row.trim_end().rsplit(' ').next().unwrap();
        pct.trim_end_matches('%').parse().unwrap()
    }

    #[test]
    fn two_hogs_get_two_lanes_whose_shares_add_up_and_the_console_has_no_trace() {
        let mut pane = KernelPane::new();
        feed(&mut pane, &lines(BOOT));
        feed(&mut pane, &two_hogs(114_059, 3_500_000));
        let rows = screen(&mut pane, 100, 30);
        let all = rows.join("\n");
        let lanes: Vec<&String> = rows
            .iter()
            .filter(|r| r.trim_end().ends_with('%'))
            .collect();
        let hogs: Vec<&&String> = lanes.iter().filter(|r| r.contains(" hog ")).collect();
        assert_eq!(hogs.len(), 2, "{all}");
        for h in &hogs {
            // a bar with cells, and a real share of the CPU
            assert!(h.contains(['█', '▓', '▒', '░']), "{all}");
            assert!((35.0..=65.0).contains(&share(h)), "{h}\n{all}");
        }
        // every lane's share: together they are the whole window
        assert_eq!(lanes.len(), 4, "idle, main and two hogs: {all}");
        let total: f64 = lanes.iter().map(|r| share(r)).sum();
        assert!((98.0..=102.0).contains(&total), "{total}\n{all}");
        // the running one is marked, and the title says what is shown
        assert_eq!(
            hogs.iter().filter(|h| h.starts_with('▶')).count(),
            1,
            "{all}"
        );
        assert!(all.contains("last 2 s"), "{all}");
        // the shell's answers are in the console, the trace is not
        assert!(all.contains("started hog as pid 3"), "{all}");
        assert!(!all.contains("%sched"), "{all}");
        assert!(pane.console.lines().all(|l| !l.contains("%sched")));
    }

    #[test]
    fn the_timeline_follows_the_kernel_clock_and_an_exited_hog_leaves() {
        let mut pane = KernelPane::new();
        feed(&mut pane, &lines(BOOT));
        feed(&mut pane, &two_hogs(114_059, 3_000_000));
        let before = screen(&mut pane, 100, 30).join("\n");
        // pid 3 is killed; pid 2 runs alone for two more seconds
        let mut rest = lines(&[
            "kill 3",
            "%sched 3000100 exit 3 -9",
            "%sched 3000200 switch 3 2 exit",
            "killed pid 3",
        ]);
        rest.push("%sched 5100000 switch 2 1 block".into());
        feed(&mut pane, &rest);
        let after = screen(&mut pane, 100, 30);
        let all = after.join("\n");
        let hogs: Vec<&String> = after
            .iter()
            .filter(|r| r.trim_end().ends_with('%') && r.contains(" hog "))
            .collect();
        assert_eq!(
            hogs.len(),
            1,
            "the killed hog's lane is gone:\n{all}\nbefore:\n{before}"
        );
        assert!(hogs[0].contains("  2 hog"), "{all}");
        assert!(share(hogs[0]) > 95.0, "{all}");
        // while it still had time in the window, it showed as exited
        let mut pane = KernelPane::new();
        feed(&mut pane, &lines(BOOT));
        feed(&mut pane, &two_hogs(114_059, 3_000_000));
        feed(&mut pane, &rest[..3]);
        let rows = screen(&mut pane, 100, 30);
        assert!(
            rows.iter()
                .any(|r| r.starts_with('x') && r.contains("  3 hog")),
            "{}",
            rows.join("\n")
        );
    }

    #[test]
    fn later_events_neither_rescale_nor_clip_the_boot_chart() {
        let mut pane = KernelPane::new();
        feed(&mut pane, &lines(BOOT));
        let side = |pane: &KernelPane, rows: &[String]| -> Vec<String> {
            let a = view::areas(Rect::new(0, 0, 100, 30), pane.view.band_rows());
            rows[a.side.y as usize..(a.side.y + 8) as usize]
                .iter()
                .map(|r| r.chars().skip(a.side.x as usize).collect())
                .collect()
        };
        let rows = screen(&mut pane, 100, 30);
        let chart = side(&pane, &rows);
        // D1: every stage has a bar, the last ones included
        for stage in ["boot", "int", "mem", "heap", "sched", "ready"] {
            let row = chart
                .iter()
                .find(|r| r.trim_start_matches('│').starts_with(&format!("{stage} ")))
                .unwrap_or_else(|| panic!("{stage} missing:\n{}", chart.join("\n")));
            assert!(
                row.contains('█'),
                "{stage} has no bar:\n{}",
                chart.join("\n")
            );
        }
        // D2: a fault at 33 s, a killed process and a lot of trace later...
        feed(&mut pane, &two_hogs(114_059, 3_000_000));
        feed(
            &mut pane,
            &lines(&[
                "[proc] 31.500000 WARN pid 4 (poke) killed: page fault",
                "[fault] 33.000000 ERROR EXCEPTION 14 (page fault)",
            ]),
        );
        let later = screen(&mut pane, 100, 30);
        // ...the chart is drawn exactly as before, and they are markers
        assert_eq!(side(&pane, &later), chart);
        let all = later.join("\n");
        assert!(all.contains("since [ready]:"), "{all}");
        assert!(all.contains("33.000s fault"), "{all}");
        assert!(all.contains("31.500s proc"), "{all}");
    }

    #[test]
    fn a_trace_line_inside_an_echo_is_kept_out_of_the_console() {
        let mut pane = KernelPane::new();
        feed(&mut pane, &lines(BOOT));
        feed(
            &mut pane,
            &lines(&[
                "run%sched 60369 thread 2 user 0 hog",
                "%sched 61000 switch 1 2 block",
                " hog",
                "started hog as pid 2",
            ]),
        );
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(all.contains("run hog"), "{all}");
        assert!(!all.contains("%sched") && !all.contains("run%"), "{all}");
        assert!(
            all.contains("  2 hog"),
            "the trace line reached the lanes: {all}"
        );
    }

    #[test]
    fn trace_off_freezes_the_lanes_and_trace_on_starts_them_afresh() {
        let mut pane = KernelPane::new();
        feed(&mut pane, &lines(BOOT));
        feed(&mut pane, &two_hogs(114_059, 3_000_000));
        assert!(pane.tracing);
        let switches = pane.sched.switches();
        pane.echoes.record("trace off");
        // the shell's echo of what was typed is not its answer
        feed(
            &mut pane,
            &lines(&["trace off", "%sched 3000050 switch 2 3 preempt"]),
        );
        assert!(pane.tracing);
        assert_eq!(pane.sched.switches(), switches + 1);
        feed(&mut pane, &lines(&["trace off"]));
        assert!(!pane.tracing);
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(
            all.contains("  3 hog"),
            "the lanes stay as they were: {all}"
        );
        // on again: the kernel lists its threads and the lanes start afresh
        feed(
            &mut pane,
            &lines(&[
                "%sched 9000000 thread 0 idle 5 idle",
                "%sched 9000010 thread 1 kernel 0 main",
                "%sched 9000020 thread 2 user 0 hog",
                "%sched 9000030 running 1",
                "%sched 9100000 switch 1 2 block",
            ]),
        );
        assert!(pane.tracing);
        assert_eq!(pane.sched.switches(), 1);
        let rows = screen(&mut pane, 100, 30);
        let all = rows.join("\n");
        assert!(!all.contains("  3 hog"), "{all}");
        // 0.1 s of trace in a 2 s window: the lanes cover what is known,
        // not the time before the trace began, so the shares add up
        let total: f64 = rows
            .iter()
            .filter(|r| r.trim_end().ends_with('%'))
            .map(|r| share(r))
            .sum();
        assert!((98.0..=102.0).contains(&total), "{total}\n{all}");
    }

    #[test]
    fn showing_the_pane_starts_nothing_and_says_what_enter_does() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = crate::harness::Harness::new(dir.path()).unwrap();
        let mut pane = KernelPane::new();
        h.call(&mut pane, |p, cx| p.on_show(cx));
        h.call(&mut pane, |p, cx| p.on_hide(cx));
        h.call(&mut pane, |p, cx| p.on_show(cx));
        assert!(matches!(pane.state, State::Idle));
        assert_eq!(pane.tick_every(), None);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(h.pump(&mut pane), 0, "no job was started");
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(all.contains("PVH · not started"), "{all}");
        assert!(all.contains("enter or r will:"), "{all}");
        assert!(all.contains("leaving this tab stops QEMU"), "{all}");
    }

    #[test]
    fn the_header_names_the_path_that_booted_and_says_what_the_next_uses() {
        let dir = tempfile::tempdir().unwrap();
        let h = crate::harness::Harness::new(dir.path()).unwrap();
        let mut pane = KernelPane::new();
        pane.state = State::Exited {
            exit: KernelExit::Success,
            path: BootPath::Pvh,
        };
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(all.contains("PVH · kernel exited with success"), "{all}");
        assert!(!all.contains("next boot"), "{all}");
        h.key(&mut pane, KeyCode::Char('b'));
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(all.contains("PVH · kernel exited with success"), "{all}");
        assert!(all.contains("next boot: BIOS"), "{all}");
        // QEMU killed by someone else is not our stop
        pane.on_serial(SerialEvent::Exited(KernelExit::Killed(9)), Instant::now());
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(
            all.contains("QEMU was killed by signal 9 from outside the app"),
            "{all}"
        );
    }

    #[test]
    fn the_keep_running_setting_is_remembered_and_shown() {
        let dir = tempfile::tempdir().unwrap();
        let h = crate::harness::Harness::new(dir.path()).unwrap();
        let mut pane = KernelPane::new();
        h.call(&mut pane, |p, cx| p.on_show(cx));
        h.key(&mut pane, KeyCode::Char('K'));
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(all.contains("QEMU keeps running on other tabs"), "{all}");
        let mut again = KernelPane::new();
        h.call(&mut again, |p, cx| p.on_show(cx));
        assert!(again.settings.keep_running);
        h.key(&mut again, KeyCode::Char('K'));
        let mut third = KernelPane::new();
        h.call(&mut third, |p, cx| p.on_show(cx));
        assert!(!third.settings.keep_running);
    }

    #[test]
    fn uptime_reads_in_seconds_minutes_and_hours() {
        assert_eq!(uptime(Duration::from_secs(7)), "7s");
        assert_eq!(uptime(Duration::from_secs(65)), "1m 05s");
        assert_eq!(uptime(Duration::from_secs(3 * 3600 + 120)), "3h 02m");
    }

    #[test]
    fn d6_backspace_is_edited_in_the_pane_and_the_kernel_gets_the_line_whole() {
        let dir = tempfile::tempdir().unwrap();
        let h = crate::harness::Harness::new(dir.path()).unwrap();
        let mut pane = KernelPane::new();
        pane.console.set_typing(true);
        for c in "helx".chars() {
            h.key(&mut pane, KeyCode::Char(c));
        }
        h.key(&mut pane, KeyCode::Backspace);
        h.key(&mut pane, KeyCode::Char('p'));
        h.key(&mut pane, KeyCode::Enter);
        // the line handed to the serial port: no backspace ever reaches
        // the kernel, so its `\x08 \x08` echo never reaches the console
        assert_eq!(pane.echoes.pending().collect::<Vec<_>>(), ["help"]);
        // the shell's echo of it is recognised as such
        feed(&mut pane, &lines(&["help", "commands:"]));
        assert_eq!(pane.echoes.pending().count(), 0);
        let all = screen(&mut pane, 100, 30).join("\n");
        assert!(all.contains("help") && !all.contains("helx"), "{all}");
    }
}
