#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the real binary in a real terminal (tmux). Tick an item with
//! keys, quit, start again and see it still ticked; and after quitting, the
//! shell's terminal is back in cooked mode on the main screen.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The tests' own tmux server (`tmux -L`), so sessions never land on a
/// developer's server or inherit its environment.
const SERVER: &str = "megarepo-tests";

fn tmux() -> Command {
    let mut c = Command::new("tmux");
    c.args(["-L", SERVER]);
    c
}

struct Session(String);

impl Session {
    fn start(name: &str, cmd: &str) -> Session {
        assert!(
            tmux().arg("-V").output().is_ok_and(|o| o.status.success()),
            "these tests drive the app in tmux: install it (apt-get install -y tmux)"
        );
        let name = format!("megarepo-test-{name}-{}", std::process::id());
        let ok = tmux()
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
                cmd,
            ])
            .env("TERM", "xterm-256color")
            .status()
            .unwrap();
        assert!(ok.success());
        Session(name)
    }

    fn screen(&self) -> String {
        let o = tmux()
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            tmux()
                .args(["send-keys", "-t", &self.0, k])
                .status()
                .unwrap();
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn wait_for(&self, what: &str) -> String {
        self.wait_until(&format!("{what:?} on screen"), |s| s.contains(what))
    }

    /// Poll the screen until `done` holds, failing after 20 s with the
    /// screen: every screen check waits for its condition, none sleeps a
    /// fixed time and hopes (tmux reads the terminal asynchronously).
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_within(what, Duration::from_secs(20), done)
    }

    /// `wait_until` with a longer deadline, for what runs cargo.
    fn wait_within(&self, what: &str, limit: Duration, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let s = self.screen();
            if done(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "never saw {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Back at a fresh shell prompt with the app's screen gone: the last
    /// line with text is the prompt itself (not the one the command was
    /// typed after).
    fn wait_for_fresh_prompt(&self) -> String {
        self.wait_until("a fresh READY$ prompt without the app", |s| {
            let last = s.lines().rev().find(|l| !l.trim().is_empty());
            last.is_some_and(|l| l.trim_end() == "READY$")
                && !s.contains("Rust Language Fundamentals")
        })
    }

    fn alive(&self) -> bool {
        tmux()
            .args(["has-session", "-t", &self.0])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux().args(["kill-session", "-t", &self.0]).status();
    }
}

/// A bash session in tmux with a known prompt.
fn shell(name: &str) -> Session {
    let s = Session::start(name, "bash --norc --noprofile");
    s.keys(&["PS1='READY$ '", "Enter"]);
    s.wait_for("READY$");
    s
}

/// Wait until `path` has content (a command writes it after the app exits).
fn wait_for_file(s: &Session, path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if !text.is_empty() {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "app did not exit; screen:\n{}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `stty -a` output shows a cooked terminal: canonical input and echo on.
fn assert_cooked(modes: &str) {
    assert!(
        modes.contains(" icanon") && !modes.contains("-icanon"),
        "{modes}"
    );
    assert!(
        modes.contains(" echo ") && !modes.contains("-echo "),
        "{modes}"
    );
}

fn cli(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn app_cmd(data: &Path) -> String {
    format!(
        "{} --data-dir {}",
        env!("CARGO_BIN_EXE_megarepo"),
        data.display()
    )
}

#[test]
fn tick_quit_restart_still_ticked() {
    let d = tempfile::tempdir().unwrap();
    let s = Session::start("tick", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    // The app opens on Today; esc gives the checklist the keys.
    s.keys(&["Escape", "j", "j", "Space"]);
    s.wait_for("[x] Complete \"The Rust");
    s.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.alive() {
        assert!(Instant::now() < deadline, "app did not quit on q");
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(s);

    let s = Session::start("tick2", &app_cmd(d.path()));
    let screen = s.wait_for("Rust Language Fundamentals");
    assert!(screen.contains("[x] Complete \"The Rust"), "{screen}");
    // the selection was remembered too (the item pane, F2 after Today, shows it)
    s.keys(&["F2"]);
    s.wait_for("State  Done");
    s.keys(&["q"]);

    // the second session may still be exiting (holding the store): retry briefly
    let mut out = String::new();
    for _ in 0..50 {
        out = String::from_utf8_lossy(
            &cli(d.path(), &["checklist", "list", "--filter", "done"]).stdout,
        )
        .into_owned();
        if out.contains("rust-book") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(out.contains("rust-book"), "{out}");
}

#[test]
fn terminal_is_restored_after_quit() {
    let d = tempfile::tempdir().unwrap();
    let stty = d.path().join("stty.txt");
    let s = shell("restore");
    s.keys(&[
        &format!("{}; stty -a > {}", app_cmd(d.path()), stty.display()),
        "Enter",
    ]);
    s.wait_for("Rust Language Fundamentals");
    s.keys(&["q"]);
    assert_cooked(&wait_for_file(&s, &stty));
    // back on the main screen: a new shell prompt, the app's screen gone
    s.wait_for_fresh_prompt();
}

#[test]
fn a_saved_sheet_reloads_live_in_the_reader() {
    let data = tempfile::tempdir().unwrap();
    let content = tempfile::tempdir().unwrap();
    let sheets = content.path().join("cheatsheets");
    std::fs::create_dir_all(&sheets).unwrap();
    std::fs::create_dir_all(content.path().join("lessons")).unwrap();
    let sheet = sheets.join("zz-reload.md");
    std::fs::write(&sheet, "# Reload me\n\nFIRST VERSION of the text\n").unwrap();
    let cmd = format!(
        "{} --data-dir {} --content-dir {}",
        env!("CARGO_BIN_EXE_megarepo"),
        data.path().display(),
        content.path().display()
    );
    let s = Session::start("reload", &cmd);
    s.wait_for("Rust Language Fundamentals");
    s.keys(&["F3"]); // Sheets (Today is F1, Item F2)
    // Filter first: with every sheet listed, the new one is below the fold.
    s.keys(&["/", "z", "z", "-", "r", "e", "l"]);
    s.wait_for("zz-reload");
    s.keys(&["Enter"]);
    s.wait_for("FIRST VERSION");
    std::fs::write(&sheet, "# Reload me\n\nSECOND VERSION, saved while open\n").unwrap();
    let screen = s.wait_for("SECOND VERSION");
    assert!(!screen.contains("FIRST VERSION"), "{screen}");
    s.keys(&["q"]);
}

// The panic hook is reachable only in debug builds (MEGAREPO_TEST_PANIC is
// compiled out of release binaries), so is this test.
#[cfg(debug_assertions)]
#[test]
fn a_panic_restores_the_terminal_then_reports() {
    let d = tempfile::tempdir().unwrap();
    let stty = d.path().join("stty.txt");
    let err = d.path().join("err.txt");
    let s = shell("panic");
    s.keys(&[
        &format!(
            "MEGAREPO_TEST_PANIC=1 {} 2> {}; stty -a > {}",
            app_cmd(d.path()),
            err.display(),
            stty.display()
        ),
        "Enter",
    ]);
    assert_cooked(&wait_for_file(&s, &stty));
    let report = std::fs::read_to_string(&err).unwrap();
    assert!(
        report.contains("panic requested by MEGAREPO_TEST_PANIC"),
        "{report}"
    );
    s.wait_for_fresh_prompt();
    let log = std::fs::read_to_string(d.path().join("logs/megarepo.log")).unwrap();
    assert!(log.contains("panic"), "{log}");
}

#[test]
fn without_a_terminal_the_app_says_so_in_one_line() {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(d.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn status_works_while_the_app_holds_the_store() {
    let d = tempfile::tempdir().unwrap();
    let today = jiff::ZonedDateTime::now().date().to_string();
    let log = cli(
        d.path(),
        &[
            "timer",
            "log",
            "--date",
            &today,
            "--minutes",
            "35",
            "--mode",
            "reading",
        ],
    );
    assert!(
        log.status.success(),
        "{}",
        String::from_utf8_lossy(&log.stderr)
    );
    let s = Session::start("status", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    // the app holds the store; status answers, from the app itself
    let out = cli_until_ok(d.path(), &["status"]);
    assert!(out.contains("today 35m/1h00m"), "{out}");
    assert!(out.contains("streak 1"), "{out}");
    assert_eq!(out.lines().count(), 1);
    assert!(!d.path().join("status.txt").exists());
    s.keys(&["q"]);
}

/// Run a command until it succeeds (the app may still be starting); its stdout.
fn cli_until_ok(data: &Path, args: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let o = cli(data, args);
        if o.status.success() {
            return String::from_utf8_lossy(&o.stdout).into_owned();
        }
        assert!(
            Instant::now() < deadline,
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_gone(s: &Session) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.alive() {
        assert!(
            Instant::now() < deadline,
            "app did not quit; screen:\n{}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn shell_commands_change_the_open_app_at_once() {
    let d = tempfile::tempdir().unwrap();
    let s = Session::start("remote", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    assert!(!s.screen().contains("[x] Complete \"The Rust"));
    // Ticked from the shell: the same words as without the app, and the
    // app's checklist shows it.
    let out = cli_until_ok(d.path(), &["checklist", "done", "rust-book"]);
    assert_eq!(out, "rust-book: done\n");
    s.wait_for("[x] Complete \"The Rust");
    let mode = std::fs::metadata(d.path().join("megarepo.sock"))
        .unwrap()
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    // Read-only commands work too.
    let list = cli_until_ok(d.path(), &["checklist", "list", "--filter", "done"]);
    assert!(list.contains("(rust-book)"), "{list}");
    let json = cli_until_ok(d.path(), &["stats", "--json"]);
    assert!(json.trim_start().starts_with('{'), "{json}");
    // An error is the command's own error, one line, non-zero exit.
    let o = cli(d.path(), &["checklist", "done", "rust-bok"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("did you mean `rust-book`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    // The timer started from the shell is the app's timer.
    let out = cli_until_ok(d.path(), &["timer", "start", "--mode", "coding"]);
    assert!(out.starts_with("started coding session"), "{out}");
    s.wait_for("● coding");
    let st = cli_until_ok(d.path(), &["status"]);
    assert!(st.starts_with("running coding 0:00:"), "{st}");
    let jr = cli_until_ok(d.path(), &["journal", "add", "from the shell"]);
    assert!(jr.starts_with("saved journal entry"), "{jr}");
    // Quitting asks about the running session; keep it running.
    s.keys(&["q"]);
    s.wait_for("A study session is running");
    s.keys(&["k"]);
    wait_gone(&s);
    // The app is gone: the session goes on counting, not frozen.
    let st = cli_until_ok(d.path(), &["timer", "status"]);
    assert!(st.starts_with("running coding 0:00:"), "{st}");
    let out = cli_until_ok(
        d.path(),
        &[
            "journal",
            "show",
            &jiff::ZonedDateTime::now().date().to_string(),
        ],
    );
    assert!(out.contains("from the shell"), "{out}");
    let out = cli_until_ok(d.path(), &["timer", "stop"]);
    assert!(out.starts_with("stopped session 1"), "{out}");
    assert!(!d.path().join("megarepo.sock").exists());
}

#[test]
fn quitting_with_a_running_timer_asks_and_each_answer_does_what_it_says() {
    let d = tempfile::tempdir().unwrap();
    let s = Session::start("quitask", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    s.keys(&["F4"]); // Study (after Today, Item, Sheets)
    s.wait_for("No session running");
    s.keys(&["s"]);
    s.wait_for("timer started");
    // esc: stay, the session still runs
    s.keys(&["q"]);
    s.wait_for("A study session is running");
    s.keys(&["Escape"]);
    s.wait_for("not quitting");
    assert!(s.alive());
    // s: stop it and quit
    s.keys(&["q"]);
    s.wait_for("A study session is running");
    s.keys(&["s"]);
    wait_gone(&s);
    let st = cli_until_ok(d.path(), &["timer", "status"]);
    assert_eq!(st, "no session running\n");
    let st = cli_until_ok(d.path(), &["status"]);
    assert!(!st.contains("running"), "{st}");
    // Without a session, q quits at once.
    let s = Session::start("quitask2", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    s.keys(&["q"]);
    wait_gone(&s);
}

#[test]
fn a_stale_socket_is_replaced_and_an_open_one_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let sock = d.path().join("megarepo.sock");
    // A crashed app's socket, and open to everyone.
    drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let s = Session::start("stale", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    let out = cli_until_ok(d.path(), &["checklist", "done", "rust-book"]);
    assert_eq!(out, "rust-book: done\n");
    assert_eq!(
        std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Someone opened the socket to others: the command line will not use it.
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = cli(d.path(), &["checklist", "undo", "rust-book"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("refusing the socket"), "{}", stderr(&o));
    assert!(stderr(&o).contains("0666"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Garbage gets one line back and the app goes on.
    {
        use std::io::{BufRead, Write};
        let mut c = std::os::unix::net::UnixStream::connect(&sock).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c.write_all(b"rm -rf /\n").unwrap();
        let mut line = String::new();
        std::io::BufReader::new(c).read_line(&mut line).unwrap();
        assert!(line.contains("\"ok\":false"), "{line}");
        assert!(line.contains("not JSON"), "{line}");
    }
    let out = cli_until_ok(d.path(), &["checklist", "list", "--filter", "done"]);
    assert!(out.contains("(rust-book)"), "{out}");
    s.keys(&["q"]);
    wait_gone(&s);
}

#[test]
fn behind_the_too_small_screen_keys_do_nothing() {
    let d = tempfile::tempdir().unwrap();
    let s = Session::start("small", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    // Sized by hand, whatever other clients the tmux server has.
    tmux()
        .args(["set-option", "-w", "-t", &s.0, "window-size", "manual"])
        .status()
        .unwrap();
    tmux()
        .args(["resize-window", "-t", &s.0, "-x", "60", "-y", "20"])
        .status()
        .unwrap();
    s.wait_for("Terminal too small");
    s.keys(&["j", "j", "Space", "F4", "s"]); // F4: Study
    tmux()
        .args(["resize-window", "-t", &s.0, "-x", "100", "-y", "30"])
        .status()
        .unwrap();
    let screen = s.wait_for("Rust Language Fundamentals");
    assert!(!screen.contains("[x]"), "{screen}");
    assert!(!screen.contains("● reading"), "{screen}");
    // Ctrl-C in a text input (the KV console) does not quit the app.
    s.keys(&["F8"]); // KV (Today, Item, Sheets, Study, Journal, Exercises, PM, KV)
    s.wait_for("┏ KV");
    s.keys(&["i"]);
    s.wait_for("TYPING");
    s.keys(&["C-c"]);
    s.wait_for("ctrl-c again within a second quits");
    s.keys(&["?"]);
    s.wait_for("Keys");
    assert!(s.alive());
    s.keys(&["Escape", "q"]);
    wait_gone(&s);
    let out = cli_until_ok(d.path(), &["checklist", "list", "--filter", "done"]);
    assert!(!out.contains("[x]"), "{out}");
}

/// The real terminal: the digits switch tabs from the checklist, `z`
/// zooms, and in the journal editor a line longer than the pane wraps with
/// the terminal's own cursor shown where the typing goes.
#[test]
fn digits_zoom_and_the_journal_cursor_in_a_real_terminal() {
    let d = tempfile::tempdir().unwrap();
    let s = Session::start("journal", &app_cmd(d.path()));
    s.wait_for("Rust Language Fundamentals");
    s.keys(&["4"]);
    s.wait_for("Last 26 weeks");
    s.keys(&["z"]);
    s.wait_until("the zoomed Study tab", |sc| {
        sc.contains("ZOOM") && !sc.contains("Rust Language Fundamentals")
    });
    s.keys(&["z", "5", "Enter"]);
    s.wait_for("Editing");
    let long = "Borrowing is confusing but the compiler explains every error it finds finally";
    s.keys(&[long]);
    let screen = s.wait_for("finally");
    assert!(screen.contains("compiler"), "{screen}");
    let o = tmux()
        .args([
            "display",
            "-p",
            "-t",
            &s.0,
            "#{cursor_flag} #{cursor_x} #{cursor_y}",
        ])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let parts: Vec<usize> = shown.split(' ').filter_map(|p| p.parse().ok()).collect();
    assert_eq!(parts.first(), Some(&1), "the cursor is hidden: {shown}");
    // The cursor is right after the last word typed.
    let row = screen.lines().nth(parts[2]).unwrap_or_default();
    let before: String = row.chars().take(parts[1]).collect();
    assert!(before.ends_with("finally"), "cursor {shown} on {row:?}");
    s.keys(&["C-s", "q"]);
}

/// Issue 16's new user: the app opens on Today, `s` starts the timer, `c`
/// opens the day's challenge, `i` makes the workspace, `e` hands the
/// terminal to the editor (a script standing in for vi: it shows it has
/// the screen, then saves the reference solution), and after the save the
/// check passes, the streak counts the day and the checklist's
/// daily-challenge item counts one.
#[test]
fn today_to_a_solved_daily_challenge_through_a_terminal_editor() {
    let d = tempfile::tempdir().unwrap();
    let bank = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/exercises");
    let editor = d.path().join("fake-vi");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\necho \"FAKE-VI has the terminal: $1\"\nsleep 1\ncp \"{}/$(basename \"$1\" .rs)/solution.rs\" \"$1\"\n",
            bank.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = d.path().join("data");
    let s = Session::start(
        "daily",
        &format!("VISUAL= EDITOR={} {}", editor.display(), app_cmd(&data)),
    );
    // The challenge line reads "loading…" until the bank is read.
    let challenge = |sc: &str| {
        sc.lines()
            .find_map(|l| l.split("[c] Challenge").nth(1))
            .and_then(|r| r.split_whitespace().next())
            .filter(|n| n.starts_with(|c: char| c.is_ascii_digit()))
            .map(str::to_string)
    };
    let screen = s.wait_until("today's challenge", |sc| challenge(sc).is_some());
    let name = challenge(&screen).unwrap();
    assert!(bank.join(&name).join("solution.rs").is_file(), "{name}");
    s.keys(&["s"]);
    s.wait_for("(s stops it)");
    s.keys(&["c"]);
    s.wait_for("┏ Exercises");
    s.wait_for("solved · today's challenge");
    s.keys(&["i"]);
    s.wait_for(" new, 0 updated");
    s.keys(&["e"]);
    s.wait_for("FAKE-VI has the terminal");
    // Back in the app, the save is checked and passes.
    s.wait_within("the challenge solved", Duration::from_secs(240), |sc| {
        sc.contains("today's challenge solved")
    });
    s.keys(&["F1"]);
    let screen = s.wait_for("Streak    1 day");
    assert!(screen.contains(" 1/100"), "{screen}");
    s.keys(&["s"]);
    s.wait_for("stopped (s starts it)");
    s.keys(&["q"]);
    wait_gone(&s);
}
