//! The pane platform's promises, checked on the real tab set: the help
//! lists exactly the keys each pane handles, every pane name the roadmap
//! uses reaches a pane, keys a pane leaves alone do not reach the checklist,
//! and a pane can run tokio tasks in tests as in the app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEvent};
use megarepo::harness::Harness;
use megarepo::pane::{Ctx, Handled, Pane};
use megarepo::theme::Theme;
use megarepo::tui::keymap::{KeyHelp, probe_keys};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::time::Duration;

fn tabs(h: &Harness) -> Vec<Box<dyn Pane>> {
    megarepo::panes::shell(&h.store, &h.content).unwrap().tabs
}

fn listed(keys: &[KeyHelp], ev: &KeyEvent) -> bool {
    keys.iter()
        .any(|k| k.keys.iter().any(|key| key.matches(ev)))
}

/// Keys whose command starts heavy work (a kernel build, a benchmark): the
/// test checks they are listed but does not press them.
fn heavy(pane: &str, ev: &KeyEvent) -> bool {
    matches!(
        (pane, ev.code),
        ("kernel", KeyCode::Char('r') | KeyCode::Enter) | ("kv", KeyCode::Char('b'))
    )
}

#[test]
fn help_lists_exactly_the_keys_each_pane_handles() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    for mut pane in tabs(&h) {
        let id = pane.id();
        // Consoles start typing: leave the input line first, as a learner
        // does with esc, so the pane's own keys are in force.
        if pane.captures_text() {
            h.key(pane.as_mut(), KeyCode::Esc);
        }
        assert!(!pane.captures_text(), "{id} still takes text after esc");
        let keys = pane.keys();
        assert!(!keys.is_empty(), "{id} lists no keys");
        for ev in probe_keys() {
            // A fresh pane each time, so one key's mode change (a popup,
            // an editor) does not change what the next key means.
            let mut fresh = tabs(&h).into_iter().find(|p| p.id() == id).unwrap();
            if fresh.captures_text() {
                h.key(fresh.as_mut(), KeyCode::Esc);
            }
            // What the help shows for this pane in this state.
            let is_listed = listed(&fresh.keys(), &ev);
            if is_listed && heavy(id, &ev) {
                fresh.shutdown();
                continue;
            }
            let (handled, _) = h.key_event(fresh.as_mut(), ev);
            assert_eq!(
                handled == Handled::Yes,
                is_listed,
                "{id}: {:?} is {} in the help but the pane {} it",
                ev.code,
                if is_listed { "listed" } else { "not listed" },
                if handled == Handled::Yes {
                    "handles"
                } else {
                    "ignores"
                },
            );
            fresh.shutdown();
        }
        pane.shutdown();
    }
}

/// The app's own single keys (the digits switch tabs, z zooms, ...) are
/// never bound by a pane, or the pane would silently lose them: Today's
/// items and the links of Item and Sheets used to take 1-9.
#[test]
fn no_pane_binds_a_key_the_app_takes_first() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    let app_keys: Vec<KeyEvent> = "123456789zq?[]T"
        .chars()
        .map(|c| megarepo::tui::keymap::Key::ch(c).event())
        .collect();
    for mut pane in tabs(&h) {
        if pane.captures_text() {
            h.key(pane.as_mut(), KeyCode::Esc);
        }
        let id = pane.id();
        for ev in &app_keys {
            assert!(
                !listed(&pane.keys(), ev),
                "{id} binds {:?}, which the app takes first",
                ev.code
            );
        }
        pane.shutdown();
    }
}

/// The names the item view shows for a roadmap pane are the tabs' titles.
#[test]
fn tab_titles_match_the_tabs() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    for t in tabs(&h) {
        for name in std::iter::once(t.id()).chain(t.aliases().iter().copied()) {
            assert_eq!(
                megarepo::panes::tab_title(name),
                Some(t.title().as_str()),
                "pane name `{name}`"
            );
        }
    }
}

#[test]
fn every_pane_the_roadmap_names_exists_or_is_planned() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    let tabs = tabs(&h);
    let names: Vec<&str> = tabs
        .iter()
        .flat_map(|t| std::iter::once(t.id()).chain(t.aliases().iter().copied()))
        .chain([megarepo::panes::checklist::ID])
        .collect();
    for pane in megarepo::content::roadmap::PANES {
        assert!(
            names.contains(pane) || megarepo::panes::PLANNED.contains(pane),
            "the roadmap may name pane `{pane}`, which no tab answers to"
        );
    }
    // And the other way: every tab but the item view is reachable from the
    // roadmap's vocabulary, so a renamed id cannot ship unnoticed.
    for t in &tabs {
        let id = t.id();
        assert!(
            id == megarepo::panes::item::ID || megarepo::content::roadmap::PANES.contains(&id),
            "tab `{id}` is not a pane name the roadmap knows"
        );
        assert!(
            !megarepo::panes::PLANNED.contains(&id),
            "`{id}` is built: take it off PLANNED"
        );
    }
    // Every pane named by an item of the shipped roadmap opens something.
    for e in h.content.roadmap.flatten() {
        if let Some(p) = &e.node.pane {
            assert!(
                names.contains(&p.as_str()) || megarepo::panes::PLANNED.contains(&p.as_str()),
                "item `{}` leads to unknown pane `{p}`",
                e.node.id
            );
        }
    }
}

#[test]
fn keys_a_pane_leaves_alone_do_not_tick_the_checklist() {
    use megarepo::action::Action;
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    let mut app = h.app((120, 40)).unwrap();
    app.select_item("rust-book");
    let study = app.tab_titles().iter().position(|t| t == "Study").unwrap();
    app.update(Action::Key(KeyEvent::from(KeyCode::F(study as u8 + 1))));
    // No session was left running, so `x` means nothing in the Study tab;
    // it used to fall through and tick the item behind it.
    app.update(Action::Key(KeyEvent::from(KeyCode::Char('x'))));
    assert!(
        h.store
            .progress("rust-book")
            .unwrap()
            .is_none_or(|p| !p.done),
        "x in the Study tab ticked the checklist"
    );
    app.shutdown();
}

/// A pane whose job is a tokio task: it serves a TCP port on the runtime
/// the app (here, the harness) gives it and reports the bound address.
struct Echo {
    mailbox: megarepo::jobs::Mailbox<std::net::SocketAddr>,
    addr: Option<std::net::SocketAddr>,
}

impl Pane for Echo {
    fn id(&self) -> &'static str {
        "echo"
    }
    fn title(&self) -> String {
        "Echo".into()
    }
    fn keys(&self) -> Vec<KeyHelp> {
        Vec::new()
    }
    fn handle_key(&mut self, _key: KeyEvent, _cx: &mut Ctx) -> Handled {
        Handled::No
    }
    fn on_show(&mut self, cx: &mut Ctx) {
        self.mailbox
            .spawn("serve", cx.waker(), cx.runtime, |job| async move {
                let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
                    return;
                };
                let Ok(addr) = listener.local_addr() else {
                    return;
                };
                job.send(addr);
                while let Ok((mut sock, _)) = listener.accept().await {
                    tokio::spawn(async move {
                        let (mut r, mut w) = sock.split();
                        let _ = tokio::io::copy(&mut r, &mut w).await;
                    });
                }
            });
    }
    fn on_wake(&mut self, _cx: &mut Ctx) {
        for addr in self.mailbox.drain() {
            self.addr = Some(addr);
        }
    }
    fn shutdown(&mut self) {
        self.mailbox.cancel_all();
    }
    fn draw(&self, _f: &mut Frame, _area: Rect, _theme: &Theme) {}
}

#[test]
fn a_pane_runs_a_tokio_task_in_the_harness_as_in_the_app() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = Echo {
        mailbox: megarepo::jobs::Mailbox::new(),
        addr: None,
    };
    h.call(&mut pane, |p, cx| p.on_show(cx));
    let mut addr = None;
    let ok = h.pump_until(&mut pane, Duration::from_secs(20), |_| true);
    assert!(ok);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while addr.is_none() {
        h.pump(&mut pane);
        addr = pane.addr;
        assert!(
            std::time::Instant::now() < deadline,
            "the task never reported"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut s = std::net::TcpStream::connect(addr.unwrap()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"ping").unwrap();
    let mut buf = [0u8; 4];
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
    // Shutting the pane down aborts the task: the port stops answering.
    pane.shutdown();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if std::net::TcpStream::connect(addr.unwrap()).is_err() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server outlived shutdown"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A pane that writes down what the app tells it, asks to open `to` at a
/// target on `o`, and cannot open any target itself.
struct Recorder {
    id: &'static str,
    to: &'static str,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Pane for Recorder {
    fn id(&self) -> &'static str {
        self.id
    }
    fn title(&self) -> String {
        self.id.into()
    }
    fn keys(&self) -> Vec<KeyHelp> {
        Vec::new()
    }
    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if key.code != KeyCode::Char('o') {
            return Handled::No;
        }
        cx.request(megarepo::pane::Request::Open {
            pane: self.to.into(),
            at: Some("nowhere".into()),
        });
        Handled::Yes
    }
    fn open_at(&mut self, target: &str, _cx: &mut Ctx) -> Result<(), String> {
        Err(format!("{} cannot open {target}", self.id))
    }
    fn on_show(&mut self, _cx: &mut Ctx) {
        self.log.lock().unwrap().push(format!("show {}", self.id));
    }
    fn on_hide(&mut self, _cx: &mut Ctx) {
        self.log.lock().unwrap().push(format!("hide {}", self.id));
    }
    fn draw(&self, _f: &mut Frame, _area: Rect, _theme: &Theme) {}
}

#[test]
fn a_failed_open_goes_back_and_tells_both_panes() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path()).unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let pane = |id, to| -> Box<dyn Pane> {
        Box::new(Recorder {
            id,
            to,
            log: log.clone(),
        })
    };
    let shell = megarepo::app::Shell {
        sidebar: megarepo::panes::shell(&h.store, &h.content)
            .unwrap()
            .sidebar,
        tabs: vec![pane("a", "b"), pane("b", "a")],
    };
    let mut app = megarepo::app::App::new(
        h.store.clone(),
        h.content.clone(),
        Theme::plain(),
        h.io(),
        (120, 40),
        shell,
    )
    .unwrap();
    log.lock().unwrap().clear();
    app.update(megarepo::action::Action::Key(KeyEvent::from(
        KeyCode::Char('o'),
    )));
    assert_eq!(app.active, 0);
    assert_eq!(
        *log.lock().unwrap(),
        ["hide a", "show b", "hide b", "show a"],
        "b was shown for the open, then a again"
    );
    app.shutdown();
}
