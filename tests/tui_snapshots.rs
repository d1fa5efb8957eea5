#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The main screen and the help overlay rendered into ratatui's TestBackend
//! at the smallest supported size and a common larger one, plus key-driven
//! behaviour through `App::update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use megarepo::action::Action;
use megarepo::app::{App, Shell};
use megarepo::harness::Harness;
use megarepo::study::clock::{Clock, FixedClock};
use megarepo::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;

/// The app on the real tab set, with the harness whose runtime it uses
/// (keep it alive as long as the app).
fn app(dir: &std::path::Path, w: u16, h: u16) -> (App, Harness) {
    // The real tab set; none of these panes starts work until shown.
    // A fixed clock: the Today view shows the date.
    let h_ = Harness::new(dir).unwrap();
    let clock: Arc<dyn Clock + Send + Sync> =
        Arc::new(FixedClock::at_local("UTC", "2026-12-01T09:00").unwrap());
    let shell = Shell {
        sidebar: Box::new(
            megarepo::panes::checklist::ChecklistPane::new(h_.content.roadmap.clone(), &h_.store)
                .unwrap(),
        ),
        tabs: megarepo::panes::tabs(&h_.store, &h_.content, clock).unwrap(),
    };
    let app = App::new(
        h_.store.clone(),
        h_.content.clone(),
        Theme::plain(),
        h_.io(),
        (w, h),
        shell,
    )
    .unwrap();
    (app, h_)
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    term.backend().to_string()
}

/// Show the tab titled `title` (found by title: F-key numbers move when a
/// tab is added).
fn show(app: &mut App, title: &str) {
    let i = app.tab_titles().iter().position(|t| t == title).unwrap();
    key(app, KeyCode::F(i as u8 + 1));
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn main_screen_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _h) = app(dir.path(), 80, 24);
    insta::assert_snapshot!(render(&a, 80, 24));
}

#[test]
fn main_screen_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _h) = app(dir.path(), 120, 40);
    insta::assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn help_overlay_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 80, 24);
    key(&mut a, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&a, 80, 24));
}

#[test]
fn help_overlay_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 120, 40);
    key(&mut a, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn help_overlay_scrolls_to_the_last_binding_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 80, 24);
    key(&mut a, KeyCode::Char('?'));
    assert!(render(&a, 80, 24).contains("more (j)"));
    for _ in 0..30 {
        key(&mut a, KeyCode::Char('j'));
    }
    let screen = render(&a, 80, 24);
    // The last binding of the Today view, the first tab.
    assert!(screen.contains("its guiding principles"), "{screen}");
    assert!(!screen.contains("more (j)"), "{screen}");
    key(&mut a, KeyCode::Esc);
    assert!(!render(&a, 80, 24).contains("Keys"));
}

#[test]
fn too_small_terminal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _h) = app(dir.path(), 60, 20);
    let screen = render(&a, 60, 20);
    assert!(screen.contains("Terminal too small"), "{screen}");
    assert!(screen.contains("60x20, need at least 80x24"), "{screen}");
    assert!(!screen.contains("Checklist"), "{screen}");
}

#[test]
fn toggling_with_keys_writes_through_to_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 100, 30);
    // The app opens on Today; esc gives the checklist the keys.
    key(&mut a, KeyCode::Esc);
    // rows: fundamentals, rust-language, rust-book
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.selected_id().as_deref(), Some("rust-book"));
    key(&mut a, KeyCode::Char(' '));
    assert!(a.store.progress("rust-book").unwrap().unwrap().done);
    let screen = render(&a, 100, 30);
    assert!(screen.contains("[x] Complete \"The Rust"), "{screen}");
    key(&mut a, KeyCode::Char('x'));
    assert!(!a.store.progress("rust-book").unwrap().unwrap().done);
}

#[test]
fn counters_filter_and_collapse() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 100, 30);
    // The item pane shows the section bars; tab gives the checklist the keys.
    show(&mut a, "Item");
    key(&mut a, KeyCode::Tab);
    a.select_item("codewars-50");
    for _ in 0..3 {
        key(&mut a, KeyCode::Char('+'));
    }
    key(&mut a, KeyCode::Char('-'));
    assert_eq!(a.store.progress("codewars-50").unwrap().unwrap().count, 2);
    assert!(render(&a, 100, 30).contains("2/50"));

    // filter: all -> open -> done; only done items (none) remain
    key(&mut a, KeyCode::Char('f'));
    key(&mut a, KeyCode::Char('f'));
    let screen = render(&a, 100, 30);
    assert!(screen.contains("[done]"), "{screen}");
    assert!(screen.contains("nothing matches"), "{screen}");
    key(&mut a, KeyCode::Char('f'));

    // collapse the first section with ← on it
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Left);
    let screen = render(&a, 100, 30);
    assert!(screen.contains("▸ Learning Fundamentals"), "{screen}");
    // its children are gone from the tree (the item pane still lists them)
    assert!(!screen.contains("▾ Rust Language Fundamentals"), "{screen}");
    assert!(
        screen.contains("Rust Language Fundamentals ░"),
        "section bars in the item pane: {screen}"
    );
}

#[test]
fn mouse_click_on_box_toggles() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 100, 30);
    let screen = render(&a, 100, 30);
    // find the row and column of rust-book's box on screen
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Complete \"The Rust"))
        .unwrap();
    let col = line.chars().position(|c| c == '[').unwrap();
    a.update(Action::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: col as u16 + 1,
        row: row as u16,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.selected_id().as_deref(), Some("rust-book"));
    assert!(a.store.progress("rust-book").unwrap().unwrap().done);
}

#[test]
fn notes_are_written_in_the_item_pane() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 100, 30);
    a.select_item("rust-book");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('n'));
    for c in "ch. 4 twice".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    // q while typing is text, not quit
    key(&mut a, KeyCode::Char('q'));
    assert!(!a.quit);
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.store.progress("rust-book").unwrap().unwrap().note,
        "ch. 4 twiceq"
    );
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
}

#[test]
fn theme_toggle_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    let shell = megarepo::panes::shell(&h.store, &h.content).unwrap();
    let mut a = App::new(
        h.store.clone(),
        h.content.clone(),
        Theme::dark(),
        h.io(),
        (100, 30),
        shell,
    )
    .unwrap();
    key(&mut a, KeyCode::Char('T'));
    assert_eq!(a.theme.mode, megarepo::theme::Mode::Light);
    assert_eq!(
        a.store
            .get_json::<String>("ui", "theme")
            .unwrap()
            .as_deref(),
        Some("light")
    );
    key(&mut a, KeyCode::Char('T'));
    assert_eq!(a.theme.mode, megarepo::theme::Mode::Dark);
}
