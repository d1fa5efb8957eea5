#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The exercises pane and the Today view, driven as the learner drives
//! them: saves in a real workspace re-check through notify and cargo, the
//! daily challenge's pass marks the streak and the checklist, and Today
//! opens the Exercises pane at the day's challenge.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use megarepo::action::Action;
use megarepo::app::App;
use megarepo::content::Content;
use megarepo::exercises::{Course, bank};
use megarepo::harness::Harness;
use megarepo::pane::Pane;
use megarepo::panes::exercises::{DAILY_ITEM, ExercisesPane, roadmap_topic};
use megarepo::store::Store;
use megarepo::study::SystemClock;
use megarepo::study::clock::Clock;
use megarepo::study::service::StudyCtx;
use megarepo::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const TESTS: &str = "#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() {\n        assert_eq!(super::answer(), 42);\n    }\n}\n";

/// A content folder with a one-exercise bank (no tokio: builds in seconds).
fn tiny_content(root: &Path) {
    let dir = root.join(bank::BANK_DIR).join("001-answer");
    write(
        &dir.join("exercise.yaml"),
        "title: The answer\ntopic: basics\nsheet: ownership\nhints: [look, closer, \"return 42\"]\ncheck: test\n",
    );
    write(
        &dir.join("README.md"),
        "# The answer\n\nReturn the answer (see the `ownership` sheet).\n",
    );
    write(
        &dir.join("starter.rs"),
        &format!("fn answer() -> u32 {{\n    todo!()\n}}\n\n{TESTS}"),
    );
    write(
        &dir.join("solution.rs"),
        &format!("fn answer() -> u32 {{\n    42\n}}\n\n{TESTS}"),
    );
}

fn key(h: &Harness, pane: &mut dyn Pane, c: char) {
    h.key(pane, KeyCode::Char(c));
}

#[test]
fn a_save_checks_in_the_pane_a_second_save_cancels_the_first_and_the_daily_pass_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let (content, data) = (tmp.path().join("content"), tmp.path().join("data"));
    tiny_content(&content);
    let c = Course::open_any(&data, Some(&content)).unwrap();
    assert!(c.bank.problems.is_empty(), "{:?}", c.bank.problems);
    assert_eq!(c.bank.exercises.len(), 1);
    let store = Store::open(&data).unwrap();
    let mut h = Harness::with(store, Content::load(Some(&content))).unwrap();
    let clock: Arc<dyn Clock + Send + Sync> = Arc::new(SystemClock::new());
    let mut pane = ExercisesPane::new(clock.clone());
    h.call(&mut pane, |p, cx| p.on_show(cx));
    pump(&mut h, &mut pane, 60, "the course loaded", |p| {
        p.is_loaded()
    });
    assert!(!pane.watching(), "no workspace yet, nothing to watch");
    assert_eq!(pane.daily_name(), Some("001-answer"));
    key(&h, &mut pane, 'i');
    assert!(pane.watching(), "init starts watch mode");
    assert_eq!(pane.selected_name(), Some("001-answer"));
    let file = data.join("exercises/exercises/001-answer.rs");
    assert!(file.is_file());

    // A save with a compile error: the result shows the error code.
    write(
        &file,
        &format!("fn answer() -> u32 {{\n    \"42\"\n}}\n\n{TESTS}"),
    );
    pump(&mut h, &mut pane, 240, "the save was checked", |p| {
        p.result("001-answer").is_some()
    });
    let r = pane.result("001-answer").unwrap();
    assert!(!r.passed);
    assert!(
        r.errors()
            .any(|d| d.code.as_deref() == Some("E0308") && d.line == 2),
        "{}",
        r.summary()
    );
    // Drawn readably: the code and the place.
    let screen = draw(&mut pane);
    assert!(screen.contains("error[E0308]"), "{screen}");
    assert!(screen.contains("exercises/001-answer.rs:2:"), "{screen}");

    // First save of two: right, but its test sleeps; the second save must
    // cancel it, and its result must never be shown.
    let marker = tmp.path().join("first-check-running");
    write(
        &file,
        &format!(
            "fn answer() -> u32 {{\n    std::fs::write({marker:?}, \"running\").unwrap();\n    std::thread::sleep(std::time::Duration::from_secs(120));\n    42\n}}\n\n{TESTS}"
        ),
    );
    let deadline = Instant::now() + Duration::from_secs(240);
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "the first check never ran its test"
        );
        h.pump(&mut pane);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(pane.running(), Some("001-answer"));
    let second_save = Instant::now();
    write(
        &file,
        &format!("fn answer() -> u32 {{\n    42\n}}\n\n{TESTS}"),
    );
    let deadline = Instant::now() + Duration::from_secs(100);
    loop {
        h.pump(&mut pane);
        if let Some(r) = pane.result("001-answer") {
            if r.passed {
                break;
            }
            // Only the old compile error may still be shown meanwhile.
            assert!(r.errors().any(|d| d.code.as_deref() == Some("E0308")));
        }
        assert!(
            Instant::now() < deadline,
            "the second save did not pass in time (was the sleeping check waited for?)"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(second_save.elapsed() < Duration::from_secs(100));
    assert_eq!(pane.running(), None);
    let screen = draw(&mut pane);
    assert!(screen.contains("001-answer passes"), "{screen}");

    // The daily challenge was solved: the day is marked in the workspace,
    // the streak counts it, and the roadmap's counter went up once.
    let today = clock.today();
    let days = megarepo::exercises::course::daily_days(&data).unwrap();
    assert!(days.contains(&today), "{days:?}");
    let stats = StudyCtx {
        store: &h.store,
        clock: clock.as_ref(),
        roadmap: &h.content.roadmap,
    }
    .stats()
    .unwrap();
    assert!(stats.streak.today_counts);
    assert_eq!(stats.streak.current, 1);
    let p = h.store.progress(DAILY_ITEM).unwrap().expect("counted");
    assert_eq!(p.count, 1);
    // A later save of the solved exercise does not count the day again.
    write(
        &file,
        &format!("fn answer() -> u32 {{\n    40 + 2\n}}\n\n{TESTS}"),
    );
    pump(&mut h, &mut pane, 240, "the re-check started", |p| {
        p.running().is_some()
    });
    pump(&mut h, &mut pane, 240, "the re-check ended", |p| {
        p.running().is_none()
    });
    assert!(pane.result("001-answer").unwrap().passed);
    assert_eq!(h.store.progress(DAILY_ITEM).unwrap().unwrap().count, 1);
    h.call(&mut pane, |p, _| p.shutdown());
}

/// Deliver the pane's wake-ups until `done` holds; fails after `secs`.
fn pump(
    h: &mut Harness,
    pane: &mut ExercisesPane,
    secs: u64,
    what: &str,
    done: impl Fn(&ExercisesPane) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        h.pump(pane);
        if done(pane) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn draw(pane: &mut ExercisesPane) -> String {
    let theme = Theme::plain();
    let area = ratatui::layout::Rect::new(0, 0, 110, 36);
    pane.on_resize(area, &theme);
    pane.before_draw();
    let mut t = Terminal::new(TestBackend::new(110, 36)).unwrap();
    t.draw(|f| pane.draw(f, area, &theme)).unwrap();
    t.backend().to_string()
}

#[test]
fn the_app_opens_on_today_which_opens_the_challenge_in_the_exercises_pane() {
    let d = tempfile::tempdir().unwrap();
    let mut io = Harness::new(d.path()).unwrap();
    let mut app = io.app((120, 40)).unwrap();
    assert_eq!(app.tab_titles()[app.active], "Today");

    // What Today should offer: the course's pick for today and the topic.
    let course = Course::open_any(d.path(), None).unwrap();
    let topic = roadmap_topic(&io.content.roadmap, &io.store.all_progress().unwrap());
    let pick = course
        .daily(SystemClock::new().today(), topic)
        .expect("a challenge")
        .clone();

    let screen = |app: &App| {
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        t.backend().to_string()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        io.pump_app(&mut app);
        let s = screen(&app);
        // Both the bank and the first statistics are read by jobs.
        if s.contains(&pick.name) && s.contains("Streak") {
            assert!(s.contains("Next on the roadmap"), "{s}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Today never showed {}:\n{s}",
            pick.name
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The app opens with Today focused. `s` starts the study timer and
    // stays on Today, whose timer line says so; a second `s` stops it.
    let press = |app: &mut App, c: char| {
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    };
    press(&mut app, 's');
    assert_eq!(app.tab_titles()[app.active], "Today");
    let s = screen(&app);
    assert!(s.contains("(s stops it)"), "{s}");
    assert_eq!(
        megarepo::study::stored::StudyStore::new(io.store.clone())
            .open_sessions()
            .unwrap()
            .len(),
        1
    );
    press(&mut app, 's');
    assert_eq!(app.tab_titles()[app.active], "Today");
    let s = screen(&app);
    assert!(s.contains("stopped (s starts it)"), "{s}");
    assert!(
        megarepo::study::stored::StudyStore::new(io.store.clone())
            .open_sessions()
            .unwrap()
            .is_empty()
    );
    // One key opens the challenge.
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.tab_titles()[app.active], "Exercises");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        io.pump_app(&mut app);
        let s = screen(&app);
        // The instructions of the picked exercise are shown.
        if s.contains(&pick.title) && s.contains("today's challenge") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the exercises pane never showed {}:\n{s}",
            pick.title
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    app.shutdown();
}

/// Today's statistics grow with history, so the first frame does not wait
/// for them: it shows the goal and streak from the status file (rewritten
/// on every change) and the statistics replace them when their job ends.
#[test]
fn today_shows_the_status_files_figures_until_its_statistics_arrive() {
    use megarepo::study::ModeSplit;
    use megarepo::study::service::{publish, status_now};
    let d = tempfile::tempdir().unwrap();
    let mut io = Harness::new(d.path()).unwrap();
    let clock = SystemClock::new();
    // Figures the store cannot produce, so the screen says where it read
    // them: 41 days before today and 50 minutes today.
    let (mut file, _) = status_now(&io.store, &clock).unwrap();
    file.run_before_today = 41;
    file.today = ModeSplit {
        reading: 50 * 60,
        coding: 0,
    };
    publish(d.path(), &file);
    let screen = |app: &App| {
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| app.draw(f)).unwrap();
        t.backend().to_string()
    };
    let mut app = io.app((120, 40)).unwrap();
    let first = screen(&app);
    assert!(first.contains("50m of 1h00m"), "{first}");
    assert!(first.contains("Streak    42 days"), "{first}");
    assert!(!first.contains("longest"), "{first}");
    // The job's statistics come from the store: nothing studied.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        io.pump_app(&mut app);
        let s = screen(&app);
        if s.contains("longest") {
            assert!(s.contains("Streak    0 days · longest 0"), "{s}");
            assert!(!s.contains("50m of 1h00m"), "{s}");
            break;
        }
        assert!(Instant::now() < deadline, "no statistics arrived:\n{s}");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Without a status file for today the first frame says they are read.
    let d = tempfile::tempdir().unwrap();
    let io = Harness::new(d.path()).unwrap();
    let mut app = io.app((120, 40)).unwrap();
    let first = screen(&app);
    assert!(first.contains("reading the statistics…"), "{first}");
    app.shutdown();
}

/// `R` in the pane imports rustlings' progress as `megarepo exercise
/// import-rustlings` does, and the header says how many are done; a wrong
/// folder is a one-line error that imports nothing.
#[test]
fn r_imports_rustlings_progress_from_a_typed_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (content, data) = (tmp.path().join("content"), tmp.path().join("data"));
    tiny_content(&content);
    let rustlings = tmp.path().join("rustlings");
    write(
        &rustlings.join(".rustlings-state.txt"),
        "DON'T EDIT THIS FILE!\n\nvariables3\n\nintro1\nintro2\nvariables1\n",
    );
    let store = Store::open(&data).unwrap();
    let mut h = Harness::with(store, Content::load(Some(&content))).unwrap();
    let clock: Arc<dyn Clock + Send + Sync> = Arc::new(SystemClock::new());
    let mut pane = ExercisesPane::new(clock);
    h.call(&mut pane, |p, cx| p.on_show(cx));
    pump(&mut h, &mut pane, 60, "the course loaded", |p| {
        p.is_loaded()
    });
    // What the status bar is told after enter.
    let type_in = |h: &Harness, pane: &mut ExercisesPane, text: &str| -> (String, bool) {
        key(h, pane, 'R');
        assert!(pane.captures_text(), "R opens the folder input");
        assert!(draw(pane).contains("rustlings folder: "));
        for c in text.chars() {
            key(h, pane, c);
        }
        let (_, requests) = h.key(pane, KeyCode::Enter);
        assert!(!pane.captures_text());
        requests
            .into_iter()
            .find_map(|r| match r {
                megarepo::pane::Request::Status(m, e) => Some((m, e)),
                _ => None,
            })
            .expect("a status line")
    };
    // A folder without the state file: nothing imported, said why.
    let (msg, error) = type_in(&h, &mut pane, tmp.path().to_str().unwrap());
    assert!(error && msg.contains(".rustlings-state.txt"), "{msg}");
    let state = |data: &Path| {
        std::fs::read_to_string(data.join("exercises/state.json")).unwrap_or_default()
    };
    assert!(!state(&data).contains("intro2"));
    assert!(!draw(&mut pane).contains("rustlings 3 done"));
    // The real folder: three done, shown in the header, kept in the state.
    let (msg, error) = type_in(&h, &mut pane, rustlings.to_str().unwrap());
    assert_eq!(
        (msg.as_str(), error),
        ("rustlings: 3 exercises done, on variables3", false)
    );
    assert!(
        draw(&mut pane).contains("rustlings 3 done"),
        "{}",
        draw(&mut pane)
    );
    let course = Course::open_any(&data, Some(&content)).unwrap();
    let imported = course.workspace.state.rustlings.expect("imported");
    assert_eq!(imported.done, ["intro1", "intro2", "variables1"]);
    assert_eq!(imported.current.as_deref(), Some("variables3"));
}
