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

/// The first row of the screen: the tab bar.
fn tab_bar(screen: &str) -> String {
    screen
        .lines()
        .next()
        .unwrap_or("")
        .trim_matches('"')
        .to_string()
}

#[test]
fn tab_bar_shows_names_at_every_size_and_never_shifts() {
    let dir = tempfile::tempdir().unwrap();
    for (w, h) in [(80, 24), (100, 30), (120, 40), (160, 50)] {
        let (mut a, _h) = app(dir.path(), w, h);
        let first = tab_bar(&render(&a, w, h));
        for name in ["Today", "Item", "Study", "KV", "Net", "DB"] {
            assert!(first.contains(name), "{w}x{h}: no `{name}` in {first:?}");
        }
        // A cut name is marked.
        for cut in ["Exer", "Kern"] {
            if !first.contains("Exercises") || !first.contains("Kernel") {
                assert!(first.contains(&format!("{cut}…")), "{w}x{h}: {first:?}");
            }
        }
        // Whichever tab is active, the labels stay where they are.
        for t in ["Study", "Kernel", "Sheets"] {
            show(&mut a, t);
            assert_eq!(tab_bar(&render(&a, w, h)), first, "{w}x{h} with {t} active");
        }
        a.shutdown();
    }
}

#[test]
fn number_keys_switch_tabs_from_the_checklist_and_z_zooms() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 100, 30);
    // With the checklist focused (the app opens on Today: esc).
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('4'));
    assert_eq!(a.tab_titles()[a.active], "Study");
    key(&mut a, KeyCode::Char('2'));
    assert_eq!(a.tab_titles()[a.active], "Item");
    // On Today, the digits are tabs too: its items are letters.
    key(&mut a, KeyCode::Char('1'));
    assert_eq!(a.tab_titles()[a.active], "Today");
    key(&mut a, KeyCode::Char('3'));
    assert_eq!(a.tab_titles()[a.active], "Sheets");

    let before = render(&a, 100, 30);
    assert!(before.contains("Checklist"), "{before}");
    key(&mut a, KeyCode::Char('z'));
    let zoomed = render(&a, 100, 30);
    assert!(!zoomed.contains("Checklist"), "{zoomed}");
    assert!(zoomed.lines().last().unwrap().contains("ZOOM"), "{zoomed}");
    // The pane's frame now starts at the left edge.
    let frame_top = zoomed.lines().nth(1).unwrap().trim_start_matches('"');
    assert!(frame_top.contains(" Sheets "), "{zoomed}");
    assert!(!frame_top.starts_with(' '), "{zoomed}");
    key(&mut a, KeyCode::Char('z'));
    assert!(render(&a, 100, 30).contains("Checklist"));
    a.shutdown();
}

#[test]
fn help_overlay_uses_the_width_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 160, 50);
    show(&mut a, "KV");
    key(&mut a, KeyCode::Char('?'));
    let screen = render(&a, 160, 50);
    // Descriptions the fixed 70-column box cut are whole.
    assert!(
        screen.contains(
            "type in the console (set, get, del, scan, batch, expire, compact, stats, help)"
        ),
        "{screen}"
    );
    // At 80 columns a long description wraps under itself instead.
    a.shutdown();
    drop(_h);
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h2) = app(dir.path(), 80, 24);
    show(&mut a, "KV");
    key(&mut a, KeyCode::Char('?'));
    for _ in 0..60 {
        key(&mut a, KeyCode::Char('j'));
    }
    let screen = render(&a, 80, 24);
    assert!(screen.contains("open the store again"), "{screen}");
    a.shutdown();
    drop(_h2);
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h3) = app(dir.path(), 80, 24);
    show(&mut a, "KV");
    key(&mut a, KeyCode::Char('?'));
    let mut seen = String::new();
    for _ in 0..60 {
        seen.push_str(&render(&a, 80, 24));
        key(&mut a, KeyCode::Char('j'));
    }
    assert!(
        seen.contains("compact, stats, help)"),
        "the description was cut"
    );
}

#[test]
fn a_section_takes_a_note_and_the_item_pane_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 100, 30);
    a.select_item("fundamentals");
    // The app opens on Today: esc hands the keys to the checklist.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('n'));
    for c in "book first, then drills".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.store.progress("fundamentals").unwrap().unwrap().note,
        "book first, then drills"
    );
    let screen = render(&a, 100, 30);
    assert!(screen.contains("Note (n to edit)"), "{screen}");
    assert!(screen.contains("book first, then drills"), "{screen}");
    // Whole items, no decimals, in the section's state line.
    assert!(screen.contains("Section: 0 of 13 items done"), "{screen}");
    a.shutdown();
}

#[test]
fn the_note_being_written_is_on_screen_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 80, 24);
    // The section with the most text above its note.
    a.select_item("fundamentals");
    // The app opens on Today: esc hands the keys to the checklist.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('n'));
    for c in "visible while typed".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let screen = render(&a, 80, 24);
    assert!(screen.contains("> visible while typed"), "{screen}");
    a.shutdown();
}

#[test]
fn a_long_item_scrolls_to_its_note_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _h) = app(dir.path(), 80, 24);
    a.select_item("personal-cheat-sheets");
    show(&mut a, "Item");
    let top = render(&a, 80, 24);
    assert!(top.contains("↓ more: pgdn"), "{top}");
    assert!(!top.contains("Note (n to edit)"), "{top}");
    for _ in 0..5 {
        key(&mut a, KeyCode::PageDown);
    }
    let bottom = render(&a, 80, 24);
    assert!(bottom.contains("Note (n to edit)"), "{bottom}");
    assert!(!bottom.contains("↓ more"), "{bottom}");
    // Back to the top, and a new selection starts there too.
    for _ in 0..5 {
        key(&mut a, KeyCode::Char('K'));
    }
    assert_eq!(render(&a, 80, 24), top);
    key(&mut a, KeyCode::PageDown);
    a.select_item("projects");
    a.select_item("personal-cheat-sheets");
    assert_eq!(render(&a, 80, 24), top);
    a.shutdown();
}
