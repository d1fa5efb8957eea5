#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The PM pane driven by keys on a real runtime, against the same board
//! file the `pm` library and `megarepo pm` use: what the pane writes the
//! CLI reads, what the CLI writes while the pane is open shows up in the
//! pane, and a damaged board is reported and never written over.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use megarepo::action::Action;
use megarepo::app::App;
use megarepo::harness::Harness;
use megarepo::pane::Pane;
use megarepo::panes::pm::PmPane;
use megarepo::theme::Theme;
use pm::{NewTask, Priority, Status, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// The pane alone, drawn at `w`x`h`.
fn screen(p: &dyn Pane, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| p.draw(f, Rect::new(0, 0, w, h), &Theme::plain()))
        .unwrap();
    t.backend().to_string()
}

fn shows(p: &dyn Pane, what: &str) -> bool {
    screen(p, 100, 30).contains(what)
}

fn show(h: &mut Harness, pane: &mut PmPane) {
    h.call(pane, |p, cx| p.on_show(cx));
}

fn typed(h: &Harness, pane: &mut PmPane, text: &str) {
    for c in text.chars() {
        h.key(pane, KeyCode::Char(c));
    }
}

/// Wait (pumping the pane's wake-ups) until `what` is on its screen.
fn wait_for(h: &mut Harness, pane: &mut PmPane, what: &str) {
    let ok = h.pump_until(pane, WAIT, |p| shows(p, what));
    assert!(ok, "never saw {what:?}:\n{}", screen(pane, 100, 30));
}

/// Wait until the board file says what `check` wants.
fn wait_for_file(
    h: &mut Harness,
    pane: &mut PmPane,
    ws: &Workspace,
    check: impl Fn(&pm::Board) -> bool,
) {
    let ok = h.pump_until(pane, WAIT, |_| ws.load().is_ok_and(|b| check(&b)));
    assert!(ok, "the board file never got there: {:?}", ws.load());
}

fn megarepo(data: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "megarepo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn keys_make_a_board_add_a_task_and_move_it_to_done_and_the_cli_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "No task board yet");
    assert!(!dir.path().join("pm").exists(), "showing the pane wrote");

    h.key(&mut pane, KeyCode::Char('i'));
    wait_for(&mut h, &mut pane, "TODO (0)");
    let ws = Workspace::open(&dir.path().join("pm")).unwrap();

    h.key(&mut pane, KeyCode::Char('a'));
    assert!(pane.captures_text(), "a opens the input line");
    typed(
        &h,
        &mut pane,
        "Read chapter 4, ownership +rust-book #reading !high @2099-01-05",
    );
    h.key(&mut pane, KeyCode::Enter);
    assert!(!pane.captures_text());
    wait_for(&mut h, &mut pane, "#1 Read chapter 4, ownership");

    let board = ws.load().unwrap();
    let t = board.task(1).unwrap();
    assert_eq!(t.title, "Read chapter 4, ownership");
    assert_eq!(t.project.as_deref(), Some("rust-book"));
    assert_eq!(t.tags, ["reading"]);
    assert_eq!(t.priority, Priority::High);
    assert_eq!(t.due, Some("2099-01-05".parse().unwrap()));
    assert_eq!(t.status, Status::Todo);

    // Move right twice: TODO → DOING → DONE; the selection follows it.
    h.key(&mut pane, KeyCode::Char('>'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(1).unwrap().status == Status::Doing
    });
    wait_for(&mut h, &mut pane, "DOING (1)");
    h.key(&mut pane, KeyCode::Char('>'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(1).unwrap().status == Status::Done
    });
    wait_for(&mut h, &mut pane, "DONE (1)");
    let done = ws.load().unwrap();
    assert!(done.task(1).unwrap().done_at.is_some());

    // The real binary reads the same board (DATA/pm is its default).
    let out = megarepo(dir.path(), &["pm", "list", "--all", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(rows[0]["title"], "Read chapter 4, ownership");
    assert_eq!(rows[0]["status"], "done");
    assert_eq!(rows[0]["project"], "rust-book");

    // Back left with <, then remove it: x asks, n keeps, x y removes.
    h.key(&mut pane, KeyCode::Char('<'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(1).unwrap().status == Status::Doing
    });
    h.key(&mut pane, KeyCode::Char('x'));
    h.key(&mut pane, KeyCode::Char('n'));
    h.key(&mut pane, KeyCode::Delete);
    assert!(shows(&pane, "Remove #1"), "{}", screen(&pane, 100, 30));
    h.key(&mut pane, KeyCode::Char('y'));
    wait_for_file(&mut h, &mut pane, &ws, |b| b.tasks.is_empty());
    wait_for(&mut h, &mut pane, "DOING (0)");
    pane.shutdown();
}

#[test]
fn edits_title_props_and_notes_and_filters_by_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pm");
    let ws = Workspace::init(&root).unwrap();
    ws.update(|b| {
        b.add_project("rust-book", None)?;
        b.add_project("exercism", None)?;
        b.add_task(NewTask {
            title: "Read ch 5".into(),
            project: Some("rust-book".into()),
            ..NewTask::default()
        })?;
        b.add_task(NewTask {
            title: "Solve two-fer".into(),
            project: Some("exercism".into()),
            ..NewTask::default()
        })
    })
    .unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "TODO (2)");

    // p: all → rust-book; only its task is left in the column.
    h.key(&mut pane, KeyCode::Char('p'));
    assert!(shows(&pane, "project: rust-book"));
    assert!(shows(&pane, "TODO (1)"));
    assert!(!shows(&pane, "Solve two-fer"));

    // e: the title line starts with the title; ctrl-u clears it.
    h.key(&mut pane, KeyCode::Char('e'));
    h.key_event(
        &mut pane,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
    );
    typed(&h, &mut pane, "Read chapter 5, structs");
    h.key(&mut pane, KeyCode::Enter);
    // c: project, tags, priority and due, all replaced by what the line says.
    h.key(&mut pane, KeyCode::Char('c'));
    typed(&h, &mut pane, " #reading !low @2099-02-01");
    h.key(&mut pane, KeyCode::Enter);
    // n: notes.
    h.key(&mut pane, KeyCode::Char('n'));
    typed(&h, &mut pane, "structs, methods, impl blocks");
    h.key(&mut pane, KeyCode::Enter);
    // A new task while the filter is on lands in the filtered project.
    h.key(&mut pane, KeyCode::Char('a'));
    typed(&h, &mut pane, "Read chapter 6");
    h.key(&mut pane, KeyCode::Enter);

    // The four writes ran in order, one at a time.
    wait_for_file(&mut h, &mut pane, &ws, |b| b.tasks.len() == 3);
    let b = ws.load().unwrap();
    let t = b.task(1).unwrap();
    assert_eq!(t.title, "Read chapter 5, structs");
    assert_eq!(t.project.as_deref(), Some("rust-book"));
    assert_eq!(t.tags, ["reading"]);
    assert_eq!(t.priority, Priority::Low);
    assert_eq!(t.due, Some("2099-02-01".parse().unwrap()));
    assert_eq!(t.notes.as_deref(), Some("structs, methods, impl blocks"));
    assert_eq!(b.task(3).unwrap().project.as_deref(), Some("rust-book"));
    assert_eq!(b.task(2).unwrap().title, "Solve two-fer", "untouched");
    // The new task is selected; #1 (low priority) sorts after it.
    wait_for(&mut h, &mut pane, "#3 Read chapter 6");
    h.key(&mut pane, KeyCode::Char('j'));
    wait_for(&mut h, &mut pane, "structs, methods, impl blocks");

    // A bad change line is refused before anything is written.
    let before = std::fs::read(ws.board_path()).unwrap();
    h.key(&mut pane, KeyCode::Char('c'));
    typed(&h, &mut pane, " someday");
    h.key(&mut pane, KeyCode::Enter);
    h.pump(&mut pane);
    assert_eq!(std::fs::read(ws.board_path()).unwrap(), before);

    // p again: exercism, then all.
    h.key(&mut pane, KeyCode::Char('p'));
    assert!(shows(&pane, "project: exercism"));
    h.key(&mut pane, KeyCode::Char('p'));
    assert!(shows(&pane, "project: all"));
    assert!(shows(&pane, "TODO (3)"));
    pane.shutdown();
}

#[test]
fn a_change_made_by_the_cli_while_the_pane_is_open_appears_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "TODO (0)");

    megarepo(
        dir.path(),
        &["pm", "add", "Write", "notes", "on", "borrowing"],
    );
    wait_for(&mut h, &mut pane, "#1 Write notes on borrowing");
    megarepo(dir.path(), &["pm", "start", "1"]);
    wait_for(&mut h, &mut pane, "DOING (1)");
    assert!(shows(&pane, "TODO (0)"));

    // The selection followed #1 to DOING; the pane's next write starts
    // from what the CLI wrote.
    h.key(&mut pane, KeyCode::Char('d'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(1).is_ok_and(|t| t.status == Status::Done)
    });
    pane.shutdown();
}

#[test]
fn a_damaged_board_is_reported_in_one_line_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    ws.update(|b| {
        b.add_task(NewTask {
            title: "keep me".into(),
            ..NewTask::default()
        })
    })
    .unwrap();
    // Through the app, so the status line is on screen.
    let mut h = Harness::new(dir.path()).unwrap();
    let mut app = h.app((100, 30)).unwrap();
    let app_screen = |app: &App| {
        let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        t.backend().to_string()
    };
    let pump_until = |h: &mut Harness, app: &mut App, what: &str| {
        let deadline = Instant::now() + WAIT;
        loop {
            h.pump_app(app);
            let s = app_screen(app);
            if s.contains(what) {
                return s;
            }
            assert!(Instant::now() < deadline, "never saw {what:?}:\n{s}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let tab = app.tab_titles().iter().position(|t| t == "PM").unwrap();
    app.update(Action::Key(KeyEvent::from(KeyCode::F(tab as u8 + 1))));
    pump_until(&mut h, &mut app, "#1 keep me");

    let broken = b"version: 1\ntasks: [\n  {id: 1, title: keep me\n";
    std::fs::write(ws.board_path(), broken).unwrap();
    let s = pump_until(&mut h, &mut app, "board.yaml:");
    let reports: Vec<&str> = s.lines().filter(|l| l.contains("board.yaml:")).collect();
    assert!(
        reports.iter().any(|l| l.contains("pm:")),
        "no status line:\n{s}"
    );
    // The last good board stays on screen.
    assert!(s.contains("#1 keep me"), "{s}");

    // A write is refused by pm, and the file stays as it was.
    for c in "aanother task".chars() {
        app.update(Action::Key(KeyEvent::from(KeyCode::Char(c))));
    }
    app.update(Action::Key(KeyEvent::from(KeyCode::Enter)));
    let deadline = Instant::now() + WAIT;
    while app_screen(&app).contains("saving…") {
        h.pump_app(&mut app);
        assert!(Instant::now() < deadline, "the write never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read(ws.board_path()).unwrap(), broken);
    assert!(app_screen(&app).contains("board.yaml:"));

    // Fixed by hand, the board comes back by itself.
    let fresh = tempfile::tempdir().unwrap();
    let good = Workspace::init(fresh.path()).unwrap();
    good.update(|b| {
        b.add_task(NewTask {
            title: "fixed by hand".into(),
            ..NewTask::default()
        })
    })
    .unwrap();
    std::fs::copy(good.board_path(), ws.board_path()).unwrap();
    pump_until(&mut h, &mut app, "#1 fixed by hand");
    app.shutdown();
}

#[test]
fn the_status_bar_counts_tasks_in_progress_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    ws.update(|b| {
        for title in ["a", "b", "c"] {
            let t = b.add_task(NewTask {
                title: title.into(),
                ..NewTask::default()
            })?;
            if title != "c" {
                b.set_status(t.id, Status::Doing)?;
            }
        }
        Ok(())
    })
    .unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut app = h.app((120, 40)).unwrap();
    // The PM tab is never shown: the board is read once at start.
    let deadline = Instant::now() + WAIT;
    loop {
        h.pump_app(&mut app);
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        let s = t.backend().to_string();
        if s.contains("pm 2 doing") {
            break;
        }
        assert!(Instant::now() < deadline, "no pm status:\n{s}");
        std::thread::sleep(Duration::from_millis(20));
    }
    app.shutdown();
}

#[test]
fn a_key_pressed_just_before_quitting_is_still_saved() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "TODO (0)");
    for title in ["one", "two", "three"] {
        h.key(&mut pane, KeyCode::Char('a'));
        typed(&h, &mut pane, title);
        h.key(&mut pane, KeyCode::Enter);
    }
    // No pumping: the first write may be in flight, two are queued.
    pane.shutdown();
    let b = ws.load().unwrap();
    let titles: Vec<&str> = b.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["one", "two", "three"]);
}

#[test]
fn board_snapshot_100x30() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    ws.update(|b| {
        b.add_project("rust-book", Some("The Rust Programming Language".into()))?;
        b.add_project("exercism", None)?;
        let task = |title: &str, project: Option<&str>, tags: &[&str], due: Option<&str>| NewTask {
            title: title.into(),
            project: project.map(str::to_string),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            due: due.map(|d| d.parse().unwrap()),
            ..NewTask::default()
        };
        let ch4 = b.add_task(NewTask {
            priority: Priority::High,
            notes: Some("Ownership, borrowing and slices; do the quiz at the end.".into()),
            ..task(
                "Read chapter 4, ownership",
                Some("rust-book"),
                &["reading"],
                Some("2099-12-02"),
            )
        })?;
        b.add_task(task(
            "Read chapter 5, structs",
            Some("rust-book"),
            &["reading"],
            Some("2099-12-04"),
        ))?;
        let twofer = b.add_task(task("Solve two-fer", Some("exercism"), &["practice"], None))?;
        b.add_task(task("Write notes on borrowing", None, &["writing"], None))?;
        b.add_task(NewTask {
            priority: Priority::Low,
            ..task("Tidy the dotfiles", None, &[], None)
        })?;
        b.set_status(ch4.id, Status::Doing)?;
        b.set_status(twofer.id, Status::Done)
    })
    .unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "DOING (1)");
    // Select the task in progress, which has notes.
    h.key(&mut pane, KeyCode::Char('l'));
    let shot = screen(&pane, 100, 30).replace(&dir.path().display().to_string(), "DATA");
    insta::assert_snapshot!(shot);
    pane.shutdown();
}

#[test]
fn a_slow_save_does_not_pull_the_cursor_away_from_where_the_learner_went() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    ws.update(|b| {
        b.add_task(NewTask {
            title: "first".into(),
            priority: Priority::High,
            ..NewTask::default()
        })?;
        b.add_task(NewTask {
            title: "second".into(),
            ..NewTask::default()
        })
    })
    .unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "TODO (2)");
    h.key(&mut pane, KeyCode::Char('a'));
    typed(&h, &mut pane, "third");
    h.key(&mut pane, KeyCode::Enter);
    // Before the save reports, the learner goes down to "second"...
    h.key(&mut pane, KeyCode::Char('j'));
    wait_for(&mut h, &mut pane, "TODO (3)");
    // ...and d acts on it, not on the task just added.
    h.key(&mut pane, KeyCode::Char('d'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(2).unwrap().status == Status::Done
    });
    assert_eq!(ws.load().unwrap().task(3).unwrap().status, Status::Todo);
    pane.shutdown();
}

#[test]
fn a_click_selects_the_card_under_it_and_the_wheel_moves_in_the_column() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    ws.update(|b| {
        for title in ["one", "two", "three"] {
            b.add_task(NewTask {
                title: title.into(),
                ..NewTask::default()
            })?;
        }
        Ok(())
    })
    .unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "TODO (3)");
    let area = Rect::new(0, 0, 100, 30);
    let mouse = |h: &Harness, pane: &mut PmPane, kind, column, row| {
        let ev = MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        h.call(pane, |p, cx| p.handle_mouse(ev, area, cx)).0
    };
    // Row 0 is the header, row 1 the TODO frame; cards take two lines from
    // row 2, so row 6 is the third card ("three").
    let click = MouseEventKind::Down(MouseButton::Left);
    assert_eq!(
        mouse(&h, &mut pane, click, 5, 6),
        megarepo::pane::Handled::Yes
    );
    // The details (under the board, from column 0) show the clicked task.
    let s = screen(&pane, 100, 30);
    assert!(s.lines().any(|l| l.starts_with("\"#3 three")), "{s}");
    h.key(&mut pane, KeyCode::Char('>'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(3).unwrap().status == Status::Doing
    });
    // Back in TODO, the wheel goes down from "one" to "two".
    mouse(&h, &mut pane, click, 5, 2);
    mouse(&h, &mut pane, MouseEventKind::ScrollDown, 5, 2);
    h.key(&mut pane, KeyCode::Char('d'));
    wait_for_file(&mut h, &mut pane, &ws, |b| {
        b.task(2).unwrap().status == Status::Done
    });
    assert_eq!(ws.load().unwrap().task(1).unwrap().status, Status::Todo);
    // Outside the board the mouse is not the pane's.
    assert_eq!(
        mouse(&h, &mut pane, click, 5, 29),
        megarepo::pane::Handled::No
    );
    pane.shutdown();
}

#[test]
fn a_board_damaged_from_the_start_is_read_again_once_fixed_and_an_unchanged_edit_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&dir.path().join("pm")).unwrap();
    ws.update(|b| {
        b.add_task(NewTask {
            title: "Read chapter 10".into(),
            notes: Some("generics\ntraits\nlifetimes".into()),
            ..NewTask::default()
        })
    })
    .unwrap();
    let good = std::fs::read(ws.board_path()).unwrap();
    std::fs::write(ws.board_path(), b"version: 1\ntasks: {\n").unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = PmPane::new();
    show(&mut h, &mut pane);
    wait_for(&mut h, &mut pane, "cannot be read");
    assert!(shows(&pane, "board.yaml:"), "{}", screen(&pane, 100, 30));

    std::fs::write(ws.board_path(), &good).unwrap();
    wait_for(&mut h, &mut pane, "#1 Read chapter 10");
    assert!(!shows(&pane, "cannot be read"));

    // e, n and c opened and saved as they were change nothing on disk (the
    // notes' line breaks are not joined, `updated` stays).
    for key in ['e', 'n', 'c'] {
        h.key(&mut pane, KeyCode::Char(key));
        assert!(pane.captures_text());
        h.key(&mut pane, KeyCode::Enter);
        assert!(!pane.captures_text());
    }
    h.pump(&mut pane);
    assert!(!shows(&pane, "saving…"));
    assert_eq!(std::fs::read(ws.board_path()).unwrap(), good);
    pane.shutdown();
}
