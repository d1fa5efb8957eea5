#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Net pane driven by keys on a real tokio runtime: it starts the
//! `projects/net` server in-process, real clients (our `net::Client`, a raw
//! socket, and `redis-cli` when installed) connect to it, and the drawn
//! screen shows them, their commands, the console's replies and the
//! benchmark's chart. Every server binds port 0 (or the default port when
//! the test holds it to prove the fallback).

use crossterm::event::KeyCode;
use megarepo::harness::Harness;
use megarepo::pane::Pane;
use megarepo::panes::net::{CONSOLE_CLIENT, DEFAULT_PORT, NetPane};
use megarepo::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const W: u16 = 110;
const H: u16 = 40;

fn screen(pane: &dyn Pane) -> String {
    let mut t = Terminal::new(TestBackend::new(W, H)).unwrap();
    t.draw(|f| pane.draw(f, f.area(), &Theme::plain())).unwrap();
    // TestBackend's Display quotes each row; keep the rows' text.
    t.backend()
        .buffer()
        .content
        .chunks(W as usize)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The port in the header's "serving on 127.0.0.1:PORT".
fn port_of(screen: &str) -> Option<u16> {
    let rest = &screen[screen.find("serving on 127.0.0.1:")? + "serving on 127.0.0.1:".len()..];
    rest.chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()
}

fn status(pane: &dyn Pane) -> String {
    pane.status(&Theme::plain())
        .iter()
        .map(|s| s.content.to_string())
        .collect()
}

fn text(h: &Harness, pane: &mut NetPane, s: &str) {
    for c in s.chars() {
        h.key(pane, KeyCode::Char(c));
    }
}

/// Type a console line and wait for the row drawn right under its echo;
/// returns that row's console part (left of the side panel's border).
fn run_line(h: &mut Harness, pane: &mut NetPane, line: &str) -> String {
    text(h, pane, line);
    h.key(pane, KeyCode::Enter);
    let echo = format!("net> {line}");
    let mut reply = None;
    let ok = h.pump_until(pane, Duration::from_secs(20), |p| {
        let s = screen(p);
        let rows: Vec<&str> = s.lines().collect();
        reply = rows
            .iter()
            .rposition(|r| r.contains(&echo))
            .and_then(|i| rows.get(i + 1))
            .map(|r| r.split('│').next().unwrap_or("").trim().to_string())
            .filter(|r| !r.is_empty());
        reply.is_some()
    });
    assert!(ok, "no reply to `{line}`; screen:\n{}", screen(pane));
    reply.unwrap()
}

fn start_on_port_0(h: &mut Harness, pane: &mut NetPane) -> u16 {
    let (r, _) = h.call(pane, |p, cx| p.open_at("0", cx));
    r.unwrap();
    wait_serving(h, pane)
}

fn wait_serving(h: &mut Harness, pane: &mut NetPane) -> u16 {
    let ok = h.pump_until(pane, Duration::from_secs(30), |p| {
        port_of(&screen(p)).is_some()
    });
    assert!(ok, "the server never started; screen:\n{}", screen(pane));
    port_of(&screen(pane)).unwrap()
}

fn wait_stopped(h: &mut Harness, pane: &mut NetPane) {
    let ok = h.pump_until(pane, Duration::from_secs(20), |p| {
        screen(p).contains("○ stopped")
    });
    assert!(ok, "the server never stopped; screen:\n{}", screen(pane));
}

#[test]
fn the_pane_serves_real_clients_and_shows_them_live() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = NetPane::new();
    h.call(&mut pane, |p, cx| p.on_show(cx));
    assert!(!pane.captures_text(), "s must start the server, not type");
    assert!(screen(&pane).contains(&format!("s starts it on 127.0.0.1:{DEFAULT_PORT}")));

    // Choose port 0 (any free port) with p, then start with s.
    h.key(&mut pane, KeyCode::Char('p'));
    assert!(pane.captures_text());
    for _ in 0..6 {
        h.key(&mut pane, KeyCode::Backspace);
    }
    text(&h, &mut pane, "zero");
    h.key(&mut pane, KeyCode::Enter);
    assert!(pane.captures_text(), "a bad port keeps the editor open");
    for _ in 0..4 {
        h.key(&mut pane, KeyCode::Backspace);
    }
    h.key(&mut pane, KeyCode::Char('0'));
    h.key(&mut pane, KeyCode::Enter);
    assert!(!pane.captures_text());
    h.key(&mut pane, KeyCode::Char('s'));
    let port = wait_serving(&mut h, &mut pane);
    assert_ne!(port, 0, "the bound port is shown, not the one asked for");
    let s = screen(&pane);
    assert!(s.contains(&format!("redis-cli -p {port}")), "{s}");
    assert_eq!(pane.addr().map(|a| a.port()), Some(port));

    // A raw connection appears through the server's events alone: only
    // wake-ups are delivered here, no ticks.
    let raw = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let raw_addr = raw.local_addr().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !screen(&pane).contains(&raw_addr) {
        assert!(
            Instant::now() < deadline,
            "{raw_addr} never listed; screen:\n{}",
            screen(&pane)
        );
        h.pump(&mut pane);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(screen(&pane).contains("clients 1"), "{}", screen(&pane));
    assert_eq!(status(&pane), format!("net :{port} 1 client"));

    // Our client library: its name, its command in the log.
    let rt = h.runtime().clone();
    let mut c = rt
        .block_on(net::Client::connect(("127.0.0.1", port)))
        .unwrap();
    rt.block_on(c.command(&["CLIENT", "SETNAME", "tester"]))
        .unwrap();
    let ok = rt
        .block_on(c.command(&["SET", "greeting", "hello"]))
        .unwrap();
    assert_eq!(ok.to_string(), "OK");
    let seen = h.pump_until(&mut pane, Duration::from_secs(10), |p| {
        let s = screen(p);
        s.contains("tester") && s.contains(r#""SET" "greeting" "hello""#)
    });
    assert!(
        seen,
        "client or command missing; screen:\n{}",
        screen(&pane)
    );
    let s = screen(&pane);
    assert!(s.contains("clients 2"), "{s}");
    // In the log, the client's connect comes before its commands.
    let rows: Vec<&str> = s.lines().collect();
    let set_row = rows
        .iter()
        .position(|r| r.contains(r#""SET" "greeting" "hello""#))
        .unwrap();
    let id = rows[set_row]
        .split('#')
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap();
    let connect_row = rows
        .iter()
        .position(|r| r.contains(&format!("+ client #{id} connected from")))
        .unwrap_or_else(|| panic!("no connect line for #{id}:\n{s}"));
    assert!(connect_row < set_row, "{s}");

    // The real redis-cli, when installed.
    match std::process::Command::new("redis-cli")
        .args(["-p", &port.to_string(), "ping"])
        .output()
    {
        Ok(out) => {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "PONG");
            let seen = h.pump_until(&mut pane, Duration::from_secs(10), |p| {
                screen(p).contains(r#""ping""#)
            });
            assert!(seen, "redis-cli's ping not logged:\n{}", screen(&pane));
        }
        Err(e) => eprintln!("skipping the redis-cli part: cannot run redis-cli ({e})"),
    }

    // The console: replies drawn like redis-cli, errors, bad quoting.
    h.key(&mut pane, KeyCode::Char('i'));
    assert!(pane.captures_text());
    assert_eq!(run_line(&mut h, &mut pane, "get greeting"), r#""hello""#);
    assert_eq!(
        run_line(&mut h, &mut pane, "incrby visits 41"),
        "(integer) 41"
    );
    let err = run_line(&mut h, &mut pane, "nosuchcommand x");
    assert!(err.starts_with("(error) ERR unknown command"), "{err}");
    let bad = run_line(&mut h, &mut pane, r#"get "unclosed"#);
    assert!(bad.starts_with("Invalid argument(s)"), "{bad}");
    // What the console typed reached the server as a named client, and
    // what our client wrote is what the console reads.
    let seen = h.pump_until(&mut pane, Duration::from_secs(10), |p| {
        let s = screen(p);
        s.contains(CONSOLE_CLIENT) && s.contains(r#""incrby" "visits" "41""#)
    });
    assert!(seen, "{}", screen(&pane));
    assert_eq!(
        rt.block_on(c.command(&["GET", "visits"]))
            .unwrap()
            .to_string(),
        r#""41""#
    );

    // Stop: the port refuses connections and connected clients are closed.
    h.key(&mut pane, KeyCode::Esc);
    assert!(!pane.captures_text());
    h.key(&mut pane, KeyCode::Char('s'));
    wait_stopped(&mut h, &mut pane);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port {port} still accepts after stop"
    );
    assert!(rt.block_on(c.command(&["PING"])).is_err());
    assert_eq!(status(&pane), "");
    assert_eq!(pane.addr(), None);
    drop(raw);

    // A line typed with no server says so instead of hanging.
    h.key(&mut pane, KeyCode::Char('i'));
    text(&h, &mut pane, "ping");
    h.key(&mut pane, KeyCode::Enter);
    assert!(screen(&pane).contains("the server is not running"));
    pane.shutdown();
}

#[test]
fn a_benchmark_from_the_pane_ends_in_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = NetPane::new();
    h.call(&mut pane, |p, cx| p.on_show(cx));
    // b without a server only explains.
    let (_, req) = h.key(&mut pane, KeyCode::Char('b'));
    assert!(
        format!("{req:?}").contains("start the server first"),
        "{req:?}"
    );
    start_on_port_0(&mut h, &mut pane);
    h.key(&mut pane, KeyCode::Char('b'));
    let mut saw_progress = false;
    let done = h.pump_until(&mut pane, Duration::from_secs(300), |p| {
        let s = screen(p);
        saw_progress |= s.contains("benchmark running");
        s.contains("benchmark: requests/s")
    });
    let s = screen(&pane);
    assert!(done, "the benchmark never finished; screen:\n{s}");
    assert!(saw_progress, "no progress was shown");
    for test in ["PING", "SET", "GET", "INCR"] {
        for p in ["-P 1 ", "-P 16"] {
            let row = s
                .lines()
                .find(|r| r.contains(&format!("{test:<5}{p}")) && r.contains('█'))
                .unwrap_or_else(|| panic!("no bar for {test} {p}:\n{s}"));
            assert!(row.contains("/s  p50"), "{row}");
            assert!(!row.contains("errors"), "{row}");
        }
    }
    // The requests went through the server being watched: its counter
    // (in the header) has them all.
    let commands: u64 = s
        .split(" commands")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .map(|n| n.replace(',', ""))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no command count in the header:\n{s}"));
    assert!(commands >= 4 * (10_000 + 50_000), "{commands}\n{s}");
    pane.shutdown();
}

#[test]
fn disk_storage_persists_and_m_switches_to_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = NetPane::new();
    h.call(&mut pane, |p, cx| p.on_show(cx));
    start_on_port_0(&mut h, &mut pane);
    assert!(screen(&pane).contains("disk: "), "{}", screen(&pane));
    h.key(&mut pane, KeyCode::Char(':'));
    assert_eq!(run_line(&mut h, &mut pane, "set lang rust"), "OK");
    h.key(&mut pane, KeyCode::Esc);

    // Stop and start again: the key is read back from DATA/net.
    h.key(&mut pane, KeyCode::Char('s'));
    wait_stopped(&mut h, &mut pane);
    assert!(dir.path().join("net").is_dir());
    h.key(&mut pane, KeyCode::Char('s'));
    wait_serving(&mut h, &mut pane);
    h.key(&mut pane, KeyCode::Char('i'));
    assert_eq!(run_line(&mut h, &mut pane, "get lang"), r#""rust""#);
    h.key(&mut pane, KeyCode::Esc);

    // m restarts the running server in memory: the key is not there.
    h.key(&mut pane, KeyCode::Char('m'));
    let ok = h.pump_until(&mut pane, Duration::from_secs(30), |p| {
        let s = screen(p);
        port_of(&s).is_some() && s.contains("(memory only)")
    });
    assert!(ok, "no restart in memory; screen:\n{}", screen(&pane));
    h.key(&mut pane, KeyCode::Char('i'));
    assert_eq!(run_line(&mut h, &mut pane, "get lang"), "(nil)");
    pane.shutdown();
}

#[test]
fn the_default_port_falls_back_to_a_free_one_when_taken() {
    let Ok(_held) = std::net::TcpListener::bind(("127.0.0.1", DEFAULT_PORT)) else {
        eprintln!("skipping: port {DEFAULT_PORT} is in use by another program");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = NetPane::new();
    h.call(&mut pane, |p, cx| p.on_show(cx));
    h.key(&mut pane, KeyCode::Char('m'));
    h.key(&mut pane, KeyCode::Char('s'));
    let port = wait_serving(&mut h, &mut pane);
    assert_ne!(port, DEFAULT_PORT);
    let s = screen(&pane);
    assert!(
        s.contains(&format!(
            "port {DEFAULT_PORT} was taken, so the server took {port}"
        )),
        "{s}"
    );
    pane.shutdown();
}

#[test]
fn a_chosen_port_that_is_taken_is_an_error_not_a_surprise() {
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let taken = held.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = NetPane::new();
    let (r, _) = h.call(&mut pane, |p, cx| p.open_at(&format!(":{taken}"), cx));
    r.unwrap();
    let ok = h.pump_until(&mut pane, Duration::from_secs(20), |p| {
        screen(p).contains("cannot start")
    });
    let s = screen(&pane);
    assert!(ok, "{s}");
    assert!(s.contains("p picks another port"), "{s}");
    assert!(s.contains("○ stopped"), "{s}");
    let (r, _) = h.call(&mut pane, |p, cx| p.open_at("redis", cx));
    assert!(r.is_err());
    pane.shutdown();
}

#[test]
fn quitting_stops_the_server_and_flushes_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(dir.path()).unwrap();
    let mut pane = NetPane::new();
    h.call(&mut pane, |p, cx| p.on_show(cx));
    let port = start_on_port_0(&mut h, &mut pane);
    let rt = h.runtime().clone();
    let mut c = rt
        .block_on(net::Client::connect(("127.0.0.1", port)))
        .unwrap();
    rt.block_on(c.command(&["SET", "kept", "yes"])).unwrap();
    pane.shutdown();
    // shutdown returns once the server has stopped: nothing listens.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());

    // A new pane (the app started again) reads the key from DATA/net.
    let mut again = NetPane::new();
    h.call(&mut again, |p, cx| p.on_show(cx));
    let port = start_on_port_0(&mut h, &mut again);
    let mut c = rt
        .block_on(net::Client::connect(("127.0.0.1", port)))
        .unwrap();
    assert_eq!(
        rt.block_on(c.command(&["GET", "kept"]))
            .unwrap()
            .to_string(),
        r#""yes""#
    );
    again.shutdown();
}
