#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The study pane and the status-bar widget rendered into ratatui's
//! TestBackend with a fixed clock, snapshotted with insta; plus a full
//! session driven by keys (start, switch mode, pause, stop) and a restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use megarepo::content::Content;
use megarepo::harness::Harness;
use megarepo::pane::{Pane, Selection};
use megarepo::panes::stats::StatsPane;
use megarepo::store::Store;
use megarepo::study::cli::{self, TimerCmd};
use megarepo::study::service::StudyCtx;
use megarepo::study::{Clock, FixedClock, Mode, StudyStore};
use megarepo::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

fn clock(local: &str) -> Arc<FixedClock> {
    Arc::new(FixedClock::at_local("Europe/Paris", local).unwrap())
}

/// The pane as the app shows it: built (reading nothing), shown, and its
/// background job's first statistics delivered.
fn pane(store: &Store, clock: &Arc<FixedClock>) -> StatsPane {
    let content = Content::load(None);
    let mut p = StatsPane::new(store, content.roadmap, clock.clone()).unwrap();
    let mut h = harness(store);
    h.call(&mut p, |p, cx| p.on_show(cx));
    let deadline = Instant::now() + Duration::from_secs(20);
    while p.stats().is_none() && Instant::now() < deadline {
        h.pump(&mut p);
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(p.stats().is_some(), "the statistics never arrived");
    p
}

fn render(p: &StatsPane, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| p.draw(f, f.area(), &Theme::plain())).unwrap();
    term.backend().to_string()
}

fn status_bar(p: &StatsPane) -> String {
    let spans = p.status(&Theme::plain());
    let mut term = Terminal::new(TestBackend::new(60, 1)).unwrap();
    term.draw(|f| f.render_widget(Paragraph::new(Line::from(spans)), f.area()))
        .unwrap();
    term.backend().to_string()
}

fn log(store: &Store, clock: &Arc<FixedClock>, line: &str) {
    let content = Content::load(None);
    let ctx = StudyCtx {
        store,
        clock: &**clock,
        roadmap: &content.roadmap,
    };
    let mut parts = line.split(' ');
    let (date, minutes, mode) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let cmd = TimerCmd::Log {
        date: date.into(),
        minutes: minutes.parse().unwrap(),
        mode: mode.parse().unwrap(),
        item: None,
    };
    cli::timer(&ctx, cmd, &mut Vec::new()).unwrap();
}

fn harness(store: &Store) -> Harness {
    Harness::with(store.clone(), Content::load(None)).unwrap()
}

fn press(p: &mut StatsPane, store: &Store, c: char) -> Vec<megarepo::pane::Request> {
    harness(store)
        .key_event(p, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .1
}

fn select(p: &mut StatsPane, store: &Store, id: &str) {
    let content = Content::load(None);
    let progress = store.all_progress().unwrap();
    let sel = Selection {
        roadmap: &content.roadmap,
        progress: &progress,
        id: Some(id),
    };
    harness(store).call(p, |p, cx| p.on_select(&sel, cx));
}

fn tick(p: &mut StatsPane, store: &Store) {
    harness(store).call(p, |p, cx| p.tick(cx));
}

#[test]
fn stats_pane_with_six_days_and_a_running_session() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = clock("2025-09-15T20:00");
    for d in 10..=14 {
        let mode = if d % 2 == 0 { "coding" } else { "reading" };
        log(&store, &c, &format!("2025-09-{d} 45 {mode}"));
    }
    log(&store, &c, "2025-08-20 130 reading");
    log(&store, &c, "2025-09-15 20 reading");
    let mut p = pane(&store, &c);
    press(&mut p, &store, 's');
    c.advance_mins(12);
    press(&mut p, &store, 'm');
    c.advance_mins(13);
    tick(&mut p, &store);
    insta::assert_snapshot!("pane_100x40", render(&p, 100, 40));
    insta::assert_snapshot!("status_bar_running", status_bar(&p));
    // The heatmap shows exactly the studied days (6 this month + Aug 20).
    let screen = render(&p, 100, 40);
    let heat: usize = screen
        .lines()
        .map(|l| l.trim_start_matches('"'))
        .filter(|l| {
            ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "]
                .iter()
                .any(|d| l.starts_with(d))
        })
        .map(|l| l.chars().filter(|c| "░▒▓█".contains(*c)).count())
        .sum();
    assert_eq!(heat, 7, "{screen}");
}

#[test]
fn small_pane_and_idle_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = clock("2025-09-15T08:00");
    log(&store, &c, "2025-09-14 35 coding");
    let p = pane(&store, &c);
    insta::assert_snapshot!("pane_60x30", render(&p, 60, 30));
    insta::assert_snapshot!("status_bar_idle", status_bar(&p));
}

#[test]
fn a_full_session_by_keys_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = clock("2025-09-15T09:00");
    {
        let store = Store::open(dir.path()).unwrap();
        let mut p = pane(&store, &c);
        select(&mut p, &store, "rust-book");
        press(&mut p, &store, 'S');
        c.advance_mins(20);
        tick(&mut p, &store);
        press(&mut p, &store, 'm');
        c.advance_mins(10);
        press(&mut p, &store, ' ');
        c.advance_mins(15);
        let s = p.status_snapshot();
        assert_eq!(s.running.map(|r| (r.0, r.1)), Some((Mode::Coding, true)));
        press(&mut p, &store, ' ');
        c.advance_mins(10);
        let msgs = press(&mut p, &store, 's');
        assert!(
            format!("{msgs:?}").contains("stopped: 40m studied"),
            "{msgs:?}"
        );
        let st = p.stats().unwrap();
        assert_eq!(
            (st.today_minutes.reading, st.today_minutes.coding),
            (20, 20)
        );
        assert_eq!(p.status_snapshot().today_minutes, 40);
        // A second session is left running when the app "dies".
        press(&mut p, &store, 's');
        c.advance_mins(5);
        tick(&mut p, &store);
        c.advance_mins(1);
        tick(&mut p, &store);
        drop(p);
    }
    c.advance_mins(30);
    let store = Store::open(dir.path()).unwrap();
    let mut p = pane(&store, &c);
    assert!(p.status_snapshot().left_running);
    let screen = render(&p, 100, 40);
    assert!(screen.contains("was left running"));
    // The "no session" hint would contradict the question above it.
    assert!(!screen.contains("No session running"), "{screen}");
    press(&mut p, &store, 'x');
    assert!(!p.status_snapshot().left_running);
    let st = p.stats().unwrap();
    // 40 minutes from the first session, 6 saved of the second.
    assert_eq!(st.today_minutes.total, 46);
    assert_eq!(st.sections[0].section, "rust-language");
    // The pane names the section by its title, not its id.
    let screen = render(&p, 100, 40);
    assert!(
        screen.contains("Sections Rust Language Fundamentals 40m"),
        "{screen}"
    );
    assert_eq!(st.sections[0].total, 40);
    assert!(c.today() == st.today);
}

#[test]
fn goal_and_start_date_are_edited_from_the_pane() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = clock("2025-09-15T09:00");
    let mut p = pane(&store, &c);
    assert_eq!(p.stats().unwrap().start_date.to_string(), "2025-09-15");
    for _ in 0..20 {
        press(&mut p, &store, '+');
    }
    assert_eq!(p.stats().unwrap().daily_goal_minutes, 240, "clamped at 240");
    press(&mut p, &store, '-');
    assert_eq!(p.stats().unwrap().daily_goal_minutes, 225);
    press(&mut p, &store, 'd');
    assert!(p.captures_text());
    let h = harness(&store);
    let mut requests = Vec::new();
    let mut k = |p: &mut StatsPane, code| {
        requests.extend(h.key(p, code).1);
    };
    for _ in 0..10 {
        k(&mut p, KeyCode::Backspace);
    }
    for ch in "2025-13-01".chars() {
        k(&mut p, KeyCode::Char(ch));
    }
    k(&mut p, KeyCode::Enter);
    assert!(format!("{requests:?}").contains("bad date"));
    assert_eq!(p.stats().unwrap().start_date.to_string(), "2025-09-15");
    press(&mut p, &store, 'd');
    for _ in 0..10 {
        h.key(&mut p, KeyCode::Backspace);
    }
    for ch in "2025-06-01".chars() {
        h.key(&mut p, KeyCode::Char(ch));
    }
    h.key(&mut p, KeyCode::Enter);
    assert_eq!(p.stats().unwrap().start_date.to_string(), "2025-06-01");
    // The pomodoro rhythm shows beside a running session.
    press(&mut p, &store, 'P');
    press(&mut p, &store, 's');
    c.advance_mins(10);
    assert!(render(&p, 100, 10).contains("pomodoro 1: 0:15:00 left"));
    c.advance_mins(16);
    assert!(render(&p, 100, 10).contains("take a 5m break"));
    press(&mut p, &store, 'P');
    assert!(!render(&p, 100, 10).contains("pomodoro"));
}

fn key_to(p: &mut dyn Pane, store: &Store, code: KeyCode, mods: KeyModifiers) {
    harness(store).key_event(p, KeyEvent::new(code, mods));
}

fn type_text(p: &mut dyn Pane, store: &Store, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        key_to(p, store, code, KeyModifiers::NONE);
    }
}

fn render_pane(p: &dyn Pane, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| p.draw(f, f.area(), &Theme::plain())).unwrap();
    term.backend().to_string()
}

#[test]
fn journal_written_in_the_pane_survives_a_restart() {
    use megarepo::panes::journal::JournalPane;
    let dir = tempfile::tempdir().unwrap();
    let c = clock("2025-09-15T21:00");
    {
        let store = Store::open(dir.path()).unwrap();
        let mut p = JournalPane::new(&store, c.clone());
        harness(&store).call(&mut p, |p, cx| p.on_show(cx));
        insta::assert_snapshot!("journal_list_empty", render_pane(&p, 70, 8));
        key_to(&mut p, &store, KeyCode::Enter, KeyModifiers::NONE);
        assert!(p.captures_text());
        // The cursor starts where the day's entry goes: write it first.
        type_text(&mut p, &store, "Read chapter 10.\nWrote a cache.");
        // Then up to "Title: " and "Tags: ".
        for _ in 0..4 {
            key_to(&mut p, &store, KeyCode::Up, KeyModifiers::NONE);
        }
        key_to(&mut p, &store, KeyCode::End, KeyModifiers::NONE);
        type_text(&mut p, &store, "Lifetimes click");
        key_to(&mut p, &store, KeyCode::Down, KeyModifiers::NONE);
        key_to(&mut p, &store, KeyCode::End, KeyModifiers::NONE);
        type_text(&mut p, &store, "rust");
        // Down to the Insights heading's blank line and write there.
        for _ in 0..20 {
            key_to(&mut p, &store, KeyCode::Down, KeyModifiers::NONE);
        }
        type_text(&mut p, &store, "\n'a is a region");
        insta::assert_snapshot!("journal_editor", render_pane(&p, 70, 16));
        key_to(&mut p, &store, KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(!p.captures_text());
    }
    let store = Store::open(dir.path()).unwrap();
    let e = StudyStore::new(store.clone())
        .journal(c.today())
        .unwrap()
        .unwrap();
    assert_eq!(e.title, "Lifetimes click");
    assert_eq!(e.tags, vec!["rust"]);
    assert_eq!(e.entry, "Read chapter 10.\nWrote a cache.");
    assert_eq!(e.insights, "'a is a region");
    let mut p = JournalPane::new(&store, c.clone());
    harness(&store).call(&mut p, |p, cx| p.on_show(cx));
    insta::assert_snapshot!("journal_list", render_pane(&p, 70, 8));
    key_to(&mut p, &store, KeyCode::Char('/'), KeyModifiers::NONE);
    type_text(&mut p, &store, "REGION");
    key_to(&mut p, &store, KeyCode::Enter, KeyModifiers::NONE);
    let screen = render_pane(&p, 70, 5);
    assert!(
        screen.contains("2025-09-15 insights      'a is a region"),
        "{screen}"
    );
}

#[test]
fn damaged_totals_are_reported_in_the_pane_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = clock("2025-09-15T20:00");
    log(&store, &c, "2025-09-14 45 coding");
    log(&store, &c, "2025-09-15 20 reading");
    store
        .tree("study_days")
        .unwrap()
        .insert("2025-09-14", &b"{not json"[..])
        .unwrap();
    let p = pane(&store, &c);
    let screen = render(&p, 100, 40);
    assert!(screen.contains("damaged"), "{screen}");
    let st = p.stats().unwrap();
    assert_eq!(st.total_minutes, 65);
    assert_eq!(st.streak.current, 1, "{:?}", st.streak);
}

#[test]
fn the_pane_keeps_the_status_file_that_status_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = clock("2025-09-15T20:00");
    log(&store, &c, "2025-09-15 20 reading");
    let mut p = pane(&store, &c);
    press(&mut p, &store, 's');
    c.advance_mins(10);
    tick(&mut p, &store);
    let fast = megarepo::study::cli::status_fast(dir.path(), &*c).unwrap();
    assert_eq!(
        fast,
        "running reading 0:10:00 · today 30m/1h00m · R 30m C 0m · streak 1"
    );
}
