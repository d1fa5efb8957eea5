#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The live panes driven through the app as a person would: keys in,
//! background messages pumped, the screen read back. These run the real
//! services: our key-value engine in-process and the kernel in QEMU.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use megarepo::action::Action;
use megarepo::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

struct Harness {
    app: App,
    /// The channel and runtime the app's panes use.
    io: megarepo::harness::Harness,
    /// Whether pumping delivers ticks (the kernel tests turn them off:
    /// serial output must wake the app by itself).
    ticks: bool,
    /// Ticks delivered so far.
    ticked: usize,
}

impl Harness {
    fn new(dir: &std::path::Path) -> Harness {
        let io = megarepo::harness::Harness::new(dir).unwrap();
        let app = io.app((120, 40)).unwrap();
        Harness {
            app,
            io,
            ticks: true,
            ticked: 0,
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.app
            .update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn screen(&self) -> String {
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| self.app.draw(f)).unwrap();
        t.backend().to_string()
    }

    /// Deliver background messages and ticks until `what` is on screen.
    fn pump_until(&mut self, what: &str, timeout: Duration) -> String {
        self.pump_until_screen(what, timeout, |s| s.contains(what))
    }

    /// Deliver background messages and ticks until `done(screen)` holds.
    fn pump_until_screen(
        &mut self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            self.io.pump_app(&mut self.app);
            if self.ticks && self.app.tick_every().is_some() {
                self.app.update(Action::Tick);
                self.ticked += 1;
            }
            let s = self.screen();
            if done(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "never saw {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn ctrl(&mut self, c: char) {
        self.app.update(Action::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    /// The kernel pane's two header rows (under the tab's frame).
    fn kernel_head(&self) -> String {
        let s = self.screen();
        let rows: Vec<&str> = s.lines().collect();
        let i = rows
            .iter()
            .position(|r| r.contains("┏ Kernel") || r.contains("┌ Kernel"))
            .unwrap_or(0);
        rows[i + 1..(i + 3).min(rows.len())].join("\n")
    }

    fn show(&mut self, title: &str) {
        let i = self
            .app
            .tab_titles()
            .iter()
            .position(|t| t == title)
            .unwrap();
        self.key(KeyCode::F(i as u8 + 1));
    }
}

#[test]
fn kv_pane_runs_our_engine_and_the_cli_sees_the_same_data() {
    let d = tempfile::tempdir().unwrap();
    let mut h = Harness::new(d.path());
    h.show("KV");
    h.pump_until("opened", Duration::from_secs(20));
    // Showing the tab never lands in the console; `i` starts typing.
    h.key(KeyCode::Char('i'));
    h.text("set lang \"rust 2024\"");
    h.key(KeyCode::Enter);
    h.pump_until("OK", Duration::from_secs(10));
    h.text("get lang");
    h.key(KeyCode::Enter);
    // The answer is the line after the echo of `get` (the echo of `set`
    // also shows the value, so finding the value alone proves nothing).
    h.pump_until_screen(
        "the value under `> get lang`",
        Duration::from_secs(10),
        |s| {
            let lines: Vec<&str> = s.lines().collect();
            lines.windows(2).any(|w| {
                w[0].contains("> get lang") && w[1].contains("\"rust 2024\"") && !w[1].contains('>')
            })
        },
    );
    // a wrong command is a one-line error, and the pane goes on
    h.text("frobnicate x");
    h.key(KeyCode::Enter);
    let s = h.pump_until("unknown command", Duration::from_secs(10));
    assert!(s.contains("keys        1"), "{s}");
    // q while typing in the console is text, not quit
    h.key(KeyCode::Char('q'));
    assert!(!h.app.quit);
    // the benchmark button is clickable
    let screen = h.screen();
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("benchmark vs sled (b) ]"))
        .expect("the button is drawn, whole");
    let byte = line.find("benchmark vs sled").unwrap();
    let col = line[..byte].chars().count() as u16;
    h.app.update(Action::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: col + 3,
        row: row as u16,
        modifiers: KeyModifiers::NONE,
    }));
    h.pump_until("benchmark running", Duration::from_secs(10));
    // function keys switch tabs even while the console takes text
    h.key(KeyCode::F(1));
    assert_eq!(h.app.active, 0);
    h.app.shutdown();
    drop(h);

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .args(["--data-dir"])
        .arg(d.path())
        // no --dir: `megarepo kv` uses the KV tab's store by default
        .args(["kv", "get", "lang"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "rust 2024");
}

/// The scheduling timeline's lanes on screen: the rows under its title,
/// cut to the band's columns, as (name, bar, share in percent).
fn lanes(screen: &str) -> Vec<(String, String, f64)> {
    let rows: Vec<Vec<char>> = screen
        .lines()
        .map(|l| l.trim_matches('"').chars().collect())
        .collect();
    let title = " scheduling · ".chars().collect::<Vec<_>>();
    let Some((t, col)) = rows.iter().enumerate().find_map(|(i, r)| {
        r.windows(title.len())
            .position(|w| w == title.as_slice())
            .map(|c| (i, c))
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &rows[t + 1..] {
        let text: String = r[col.min(r.len())..].iter().collect();
        let text = text.trim_end_matches(['│', '┃', ' ']);
        let Some(body) = text.strip_suffix('%') else {
            break;
        };
        let (rest, share) = body.rsplit_once(' ').unwrap();
        // `▶ 12 name     bar`: the label is five columns and the name
        let label: String = rest.chars().skip(5).collect();
        let (name, bar) = label.split_once(' ').unwrap_or((&label, ""));
        out.push((name.to_string(), bar.to_string(), share.parse().unwrap()));
    }
    out
}

fn hog_bars(screen: &str) -> Vec<String> {
    lanes(screen)
        .into_iter()
        .filter(|(name, _, _)| name == "hog")
        .map(|(_, bar, _)| bar)
        .collect()
}

/// The app on the Kernel tab, for a test that boots QEMU (which must be
/// installed), with ticks off so only the app's own wake-ups redraw.
fn kernel_tab_without_ticks(dir: &std::path::Path) -> Harness {
    assert!(
        kernel_runner::suite::qemu_available(),
        "this test boots the kernel: install QEMU ({})",
        kernel_runner::qemu::INSTALL_QEMU
    );
    let mut h = Harness::new(dir);
    h.ticks = false;
    h.show("Kernel");
    h
}

#[test]
fn kernel_pane_boots_in_qemu_and_takes_typed_input() {
    let d = tempfile::tempdir().unwrap();
    // No ticks at all: everything below reaches the screen because the
    // serial output woke the app.
    let mut h = kernel_tab_without_ticks(d.path());
    // showing the tab boots nothing; it says what enter will do
    let s = h.screen();
    assert!(s.contains("enter or r will"), "{s}");
    assert!(!s.contains("building"), "{s}");
    // enter builds the kernel (fast when cached) and boots it
    h.key(KeyCode::Enter);
    let s = h.pump_until("[ready] after", Duration::from_secs(240));
    assert!(s.contains("PVH · running"), "{s}");
    assert!(s.contains("boot chart"), "{s}");
    assert!(s.contains("heap"), "{s}");
    // the pane boots with the trace on: the timeline has the boot threads
    let s = h.pump_until_screen("the boot threads' lanes", Duration::from_secs(20), |s| {
        lanes(s).iter().any(|(name, _, _)| name == "main")
    });
    // (a console row never starts with a trace line)
    assert!(!s.contains("┃%sched"), "{s}");
    // b changes the next boot, not the label of the kernel that runs
    h.key(KeyCode::Char('b'));
    let head = h.kernel_head();
    assert!(head.contains("PVH · running"), "{head}");
    assert!(head.contains("next boot: BIOS"), "{head}");
    assert!(!head.contains("BIOS · running"), "{head}");
    h.key(KeyCode::Char('b'));
    assert!(
        !h.kernel_head().contains("next boot"),
        "{}",
        h.kernel_head()
    );
    h.key(KeyCode::Enter);
    // D6: the line is edited in the pane; the kernel gets `help` whole
    h.text("helx");
    h.key(KeyCode::Backspace);
    h.text("p");
    h.key(KeyCode::Enter);
    let s = h.pump_until("trace on|off", Duration::from_secs(20));
    assert!(!s.contains("helx"), "{s}");
    h.text("ticks");
    h.key(KeyCode::Enter);
    h.pump_until("ticks:", Duration::from_secs(20));
    // two CPU hogs share the CPU, and the timeline shows it
    h.text("run hog");
    h.key(KeyCode::Enter);
    let s = h.pump_until("started hog as pid", Duration::from_secs(20));
    let pid: u32 = s
        .split("started hog as pid ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse().ok())
        .unwrap();
    h.text("run hog");
    h.key(KeyCode::Enter);
    h.pump_until_screen("two `started hog` lines", Duration::from_secs(20), |s| {
        s.matches("started hog as pid").count() == 2
    });
    h.text("ps");
    h.key(KeyCode::Enter);
    h.pump_until("SWITCHES", Duration::from_secs(20));
    let s = h.pump_until_screen("two hog lanes with cells", Duration::from_secs(60), |s| {
        let hogs: Vec<_> = lanes(s).into_iter().filter(|l| l.0 == "hog").collect();
        hogs.len() == 2
            && hogs
                .iter()
                .all(|(_, bar, share)| bar.contains(['█', '▓', '▒', '░']) && *share >= 10.0)
    });
    let shares: f64 = lanes(&s).iter().map(|l| l.2).sum();
    assert!((90.0..=110.0).contains(&shares), "{shares}\n{s}");
    // the lanes move with the kernel's clock
    let before = hog_bars(&s);
    h.pump_until_screen("the hog lanes moving", Duration::from_secs(20), |s| {
        let now = hog_bars(s);
        now.len() == 2 && now != before
    });
    // All of that came in with no tick: the serial output woke the app.
    assert_eq!(h.ticked, 0);
    // A lane leaving the window is a matter of time passing, which the
    // app's 1 Hz tick shows when the kernel prints nothing.
    h.ticks = true;
    // kill one: its lane goes once its last run leaves the window
    h.text(&format!("kill {pid}"));
    h.key(KeyCode::Enter);
    h.pump_until(&format!("pid {pid}: killed"), Duration::from_secs(20));
    let s = h.pump_until_screen("one hog lane left", Duration::from_secs(30), |s| {
        let hogs: Vec<_> = lanes(s).into_iter().filter(|l| l.0 == "hog").collect();
        hogs.len() == 1 && hogs[0].2 >= 80.0
    });
    assert!(!s.contains("┃%sched"), "{s}");
    h.key(KeyCode::Esc);
    // t turns the trace off (the kernel says so) and on again: the lanes
    // start afresh from the kernel's list of threads
    assert!(s.contains("trace on (t stops it)"), "{s}");
    h.key(KeyCode::Char('t'));
    h.pump_until("trace off (t starts it)", Duration::from_secs(20));
    h.key(KeyCode::Char('t'));
    let s = h.pump_until_screen("the trace back on", Duration::from_secs(20), |s| {
        s.contains("trace on (t stops it)") && hog_bars(s).len() == 1
    });
    assert!(!s.contains("┃%sched"), "{s}");
    // ctrl-c in the console goes to the kernel (ETX), not to the app; a
    // second one asks before quitting, and esc stays
    h.key(KeyCode::Char('i'));
    h.ctrl('c');
    assert!(!h.app.quit);
    assert!(h.screen().contains("ctrl-c sent to the kernel"));
    h.ctrl('c');
    assert!(!h.app.quit);
    assert!(h.app.quit_question().is_some());
    h.key(KeyCode::Esc);
    assert!(h.app.quit_question().is_none() && !h.app.quit);
    // the kernel still answers: the ETX did not break its shell
    h.text("uptime");
    h.key(KeyCode::Enter);
    h.pump_until("uptime:", Duration::from_secs(20));
    h.key(KeyCode::Esc);
    // s stops QEMU; the pane says so, in its words, not as a crash
    h.key(KeyCode::Char('s'));
    let s = h.pump_until("PVH · stopped", Duration::from_secs(20));
    assert!(!s.contains("signal"), "{s}");
    h.app.shutdown();
}

#[test]
fn showing_or_cycling_through_the_kernel_tab_starts_no_build() {
    let d = tempfile::tempdir().unwrap();
    let mut h = Harness::new(d.path());
    let kernel = h
        .app
        .tab_titles()
        .iter()
        .position(|t| t == "Kernel")
        .unwrap();
    // F-key, `]` through it and back, `[`, and enter on a kernel item
    h.show("Kernel");
    h.key(KeyCode::Char(']'));
    h.key(KeyCode::Char('['));
    h.key(KeyCode::Char('['));
    h.key(KeyCode::Char(']'));
    assert_eq!(h.app.active, kernel);
    h.show("Today");
    h.app.select_item("os-bootloader");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    assert_eq!(h.app.active, kernel, "{}", h.screen());
    // nothing was started (a build shows at once), even after a while
    h.io.pump_app(&mut h.app);
    std::thread::sleep(Duration::from_millis(300));
    h.io.pump_app(&mut h.app);
    let s = h.screen();
    assert!(s.contains("PVH · not started"), "{s}");
    assert!(s.contains("enter or r will"), "{s}");
    assert!(s.contains("cargo build --release"), "{s}");
    assert!(s.contains("--target x86_64-unknown-none"), "{s}");
    assert!(!s.contains("building") && !s.contains("$ cargo"), "{s}");
    // b says what the next boot uses, still without booting
    h.key(KeyCode::Char('b'));
    let s = h.screen();
    assert!(s.contains("BIOS · not started"), "{s}");
}

#[test]
fn leaving_the_kernel_tab_stops_qemu_unless_the_learner_keeps_it() {
    let d = tempfile::tempdir().unwrap();
    let mut h = kernel_tab_without_ticks(d.path());
    // by default: the pane says what leaving does, and leaving stops it
    assert!(h.kernel_head().contains("leaving this tab stops QEMU"));
    h.key(KeyCode::Char('r'));
    h.pump_until("[ready] after", Duration::from_secs(240));
    h.show("Today");
    let s = h.screen();
    assert!(s.contains("QEMU stopped: you left the Kernel tab"), "{s}");
    assert!(!s.contains("kernel running"), "{s}");
    h.show("Kernel");
    let s = h.screen();
    assert!(s.contains("PVH · stopped when you left the tab"), "{s}");
    // K keeps it running on other tabs, and is remembered
    h.key(KeyCode::Char('K'));
    assert!(h.kernel_head().contains("QEMU keeps running on other tabs"));
    let saved: serde_json::Value = h.io.store.get_json("ui", "kernel").unwrap().unwrap();
    assert_eq!(saved["keep_running"], true);
    h.key(KeyCode::Char('r'));
    h.pump_until("[ready] after", Duration::from_secs(240));
    h.key(KeyCode::Char('i'));
    h.show("Today");
    let s = h.screen();
    assert!(s.contains("kernel running (PVH)"), "{s}");
    // it still runs: what it prints arrives while another tab is shown
    h.show("Kernel");
    h.text("ticks");
    h.key(KeyCode::Enter);
    h.show("Today");
    // the answer is taken in while Today is shown: a glance at the Kernel
    // tab after each wake-up (without pumping there) finds it
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if h.io.pump_app(&mut h.app) > 0 {
            h.show("Kernel");
            let s = h.screen();
            h.show("Today");
            if s.contains("ticks:") {
                break;
            }
        }
        assert!(Instant::now() < deadline, "the answer never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    h.show("Kernel");
    let s = h.screen();
    assert!(s.contains("PVH · running"), "{s}");
    assert_eq!(h.ticked, 0);
    h.app.shutdown();
}

#[test]
fn the_reader_reopens_where_the_learner_left_off() {
    let d = tempfile::tempdir().unwrap();
    let before;
    {
        let mut h = Harness::new(d.path());
        h.show("Sheets");
        h.pump_until("sheets and lessons", Duration::from_secs(10));
        h.key(KeyCode::Char('/'));
        h.text("ownership");
        h.key(KeyCode::Enter);
        for _ in 0..40 {
            h.key(KeyCode::Char('j'));
        }
        before = h.screen();
        assert!(before.contains("ownership "), "{before}");
        h.app.shutdown();
    }
    let mut h = Harness::new(d.path());
    h.show("Sheets");
    let after = h.pump_until("ownership ", Duration::from_secs(10));
    // the same lines of the same sheet are on screen
    let body = |s: &str| {
        s.lines()
            .skip(3)
            .take(10)
            .map(|l| l.chars().skip(48).collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        body(&before),
        body(&after),
        "before:\n{before}\nafter:\n{after}"
    );
}

#[test]
fn the_kv_pane_shows_what_recovery_did_on_open() {
    use kv::Engine;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("kv");
    {
        let e = kv::LogEngine::open(&dir, kv::Options::default()).unwrap();
        e.set(b"kept", b"yes").unwrap();
        e.flush().unwrap();
    }
    // A clean reopen has nothing to report (the pane would say nothing).
    {
        let e = kv::LogEngine::open(&dir, kv::Options::default()).unwrap();
        assert!(e.recovery_report().is_clean(), "{}", e.recovery_report());
    }
    // A write torn by a crash: half a record at the end of the newest
    // segment.
    let mut segs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "seg"))
        .collect();
    segs.sort();
    let newest = segs.last().expect("a segment");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(newest)
        .unwrap();
    std::io::Write::write_all(&mut f, &[0x4b, 0x56, 0x01, 0x00, 0x00, 0x00, 0x10]).unwrap();
    drop(f);

    let mut h = Harness::new(d.path());
    h.show("KV");
    let s = h.pump_until("recovery on open", Duration::from_secs(20));
    assert!(s.contains("opened"), "the store still opens: {s}");
    h.key(KeyCode::Char('i'));
    h.text("get kept");
    h.key(KeyCode::Enter);
    h.pump_until_screen("`yes` under `> get kept`", Duration::from_secs(10), |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines
            .windows(2)
            .any(|w| w[0].contains("> get kept") && w[1].contains("┃yes "))
    });
    h.app.shutdown();
}

/// The journal editor at 80x24: a long line wraps by word and the terminal
/// cursor sits where the typing goes; tab moves between fields; esc on a
/// changed entry asks, `d` discards, ctrl-s saves.
#[test]
fn the_journal_editor_wraps_shows_the_cursor_and_asks_before_closing() {
    use megarepo::study::StudyStore;
    let dir = tempfile::tempdir().unwrap();
    let io = megarepo::harness::Harness::new(dir.path()).unwrap();
    let (w, h) = (80u16, 24u16);
    let mut app = io.app((w, h)).unwrap();
    let press = |app: &mut App, code: KeyCode, m: KeyModifiers| {
        app.update(Action::Key(KeyEvent::new(code, m)));
    };
    let type_text = |app: &mut App, s: &str| {
        for c in s.chars() {
            app.update(Action::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    };
    let draw = |app: &App| {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        let cursor = t.get_cursor_position().unwrap();
        (t.backend().to_string(), cursor)
    };
    let journal = app
        .tab_titles()
        .iter()
        .position(|t| t == "Journal")
        .unwrap();
    press(&mut app, KeyCode::F(journal as u8 + 1), KeyModifiers::NONE);
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let long =
        "Started the book. Borrowing is confusing but the compiler explains every error it finds";
    type_text(&mut app, long);
    let (screen, cursor) = draw(&app);
    // Every word is on screen: the line wrapped instead of running off.
    for word in ["Borrowing", "confusing", "compiler", "explains", "finds"] {
        assert!(screen.contains(word), "`{word}` is not shown:\n{screen}");
    }
    // The terminal's cursor is right after the last word typed.
    let row: String = screen
        .lines()
        .nth(usize::from(cursor.y))
        .unwrap()
        .chars()
        .collect();
    let before: String = row
        .trim_matches('"')
        .chars()
        .take(usize::from(cursor.x))
        .collect();
    assert!(before.ends_with("finds"), "cursor at {cursor:?} in {row:?}");
    // Tab goes to the Title field (the next field after the notes' last
    // one wraps round to the first), typing goes there.
    for _ in 0..6 {
        press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
        let (s, c) = draw(&app);
        if s.lines().nth(usize::from(c.y)).unwrap().contains("Title:") {
            break;
        }
    }
    type_text(&mut app, "Day one");
    assert!(draw(&app).0.contains("Title: Day one"));
    // Esc asks; d discards and nothing is written.
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    let (screen, _) = draw(&app);
    assert!(
        screen.contains("s save") && screen.contains("d discard"),
        "{screen}"
    );
    assert!(screen.contains("k keep editing"), "{screen}");
    press(&mut app, KeyCode::Char('d'), KeyModifiers::NONE);
    let study = StudyStore::new(io.store.clone());
    assert!(
        study.journal_entries().unwrap().is_empty(),
        "discard wrote the entry"
    );
    // Again, and ctrl-s saves.
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    type_text(&mut app, long);
    press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let entries = study.journal_entries().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry, long);
    // The view under the list wraps it too.
    let (screen, _) = draw(&app);
    assert!(screen.contains("finds"), "{screen}");
    app.shutdown();
}

/// The Study pane names things as the learner reads them: the item's title
/// (not its id) for the running session, which of pause or resume happened,
/// and the Item pane names the tab a timer item opens by its title.
#[test]
fn study_wording_uses_titles_and_says_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path());
    h.app.select_item("sheet-ownership");
    h.show("Study");
    h.key(KeyCode::Char('S'));
    let screen = h.pump_until("running", Duration::from_secs(20));
    assert!(screen.contains("on Ownership and Borrowing"), "{screen}");
    assert!(!screen.contains("on sheet-ownership"), "{screen}");
    h.key(KeyCode::Char('p'));
    let screen = h.screen();
    assert!(screen.contains("timer paused"), "{screen}");
    h.key(KeyCode::Char('p'));
    assert!(h.screen().contains("timer resumed"));
    h.key(KeyCode::Char('s'));
    // A timer item in the Item pane: the tab is called Study.
    h.app.select_item("daily-half-reading");
    h.show("Item");
    let screen = h.screen();
    assert!(screen.contains("the Study tab (enter)"), "{screen}");
    assert!(!screen.contains("stats pane"), "{screen}");
    h.app.shutdown();
}

/// At 80x24 the Study pane scrolls to its last line (the projections),
/// however many of its lines wrap.
#[test]
fn the_study_pane_scrolls_to_its_bottom_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let io = megarepo::harness::Harness::new(dir.path()).unwrap();
    let mut app = io.app((80, 24)).unwrap();
    let mut io = io;
    let draw = |app: &App| {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        t.backend().to_string()
    };
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char('4'),
        KeyModifiers::NONE,
    )));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !draw(&app).contains("Last 26 weeks") {
        io.pump_app(&mut app);
        assert!(Instant::now() < deadline, "{}", draw(&app));
        std::thread::sleep(Duration::from_millis(20));
    }
    for _ in 0..80 {
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Down,
            KeyModifiers::NONE,
        )));
    }
    let screen = draw(&app);
    assert!(screen.contains("Whole roadmap"), "{screen}");
    assert!(
        screen.contains("no pace"),
        "the last row is cut off:\n{screen}"
    );
    app.shutdown();
}
