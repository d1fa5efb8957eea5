#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The DB pane driven by keys as a learner would: minidb runs on the pane's
//! worker thread, answers come back through the mailbox and are pumped
//! here, and the screen is read from a `TestBackend`. The last tests hand
//! the file to the real `megarepo db` binary, which can only open it once
//! the pane has closed it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use megarepo::harness::Harness;
use megarepo::pane::{Handled, Pane};
use megarepo::panes::db::DbPane;
use megarepo::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

struct T {
    h: Harness,
    pane: DbPane,
    size: (u16, u16),
}

impl T {
    fn new(dir: &Path) -> T {
        Self::sized(dir, (120, 40))
    }

    fn sized(dir: &Path, size: (u16, u16)) -> T {
        let h = Harness::new(dir).unwrap();
        let mut pane = DbPane::new();
        pane.on_resize(Rect::new(0, 0, size.0, size.1), &Theme::plain());
        T { h, pane, size }
    }

    fn show(&mut self) {
        self.h.call(&mut self.pane, |p, cx| p.on_show(cx));
    }

    fn key(&mut self, code: KeyCode) -> Handled {
        self.h.key(&mut self.pane, code).0
    }

    /// Type a line into the console and press enter.
    fn line(&mut self, s: &str) {
        // Panes open in navigation mode; `i` starts typing.
        if !self.pane.captures_text() {
            self.key(KeyCode::Char('i'));
        }
        assert!(self.pane.captures_text(), "the console is not taking text");
        for c in s.chars() {
            self.h.key_event(
                &mut self.pane,
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            );
        }
        self.key(KeyCode::Enter);
    }

    fn screen(&self) -> String {
        render(&self.pane, self.size)
    }

    fn wait_for(&mut self, what: &str) -> String {
        self.wait(what, |s| s.contains(what))
    }

    /// Deliver the pane's messages until `done(screen)` holds (or fail
    /// after a deadline, showing the screen).
    fn wait(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let size = self.size;
        let mut last = String::new();
        let ok = self.h.pump_until(&mut self.pane, WAIT, |p| {
            last = render(p, size);
            done(&last)
        });
        assert!(ok, "never saw {what}; screen:\n{last}");
        last
    }

    /// Show the tab and wait until the database is open.
    fn open_db(&mut self) {
        self.show();
        self.wait_for("opened");
    }
}

fn render(pane: &dyn Pane, (w, h): (u16, u16)) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pane.draw(f, f.area(), &Theme::plain())).unwrap();
    // TestBackend quotes each row; the rows themselves are the screen.
    t.backend()
        .to_string()
        .lines()
        .map(|l| {
            l.strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen above the log: the result table and the plan.
fn above_log(screen: &str) -> String {
    screen
        .lines()
        .take_while(|l| !l.starts_with(" log ─"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn cli(data: &Path, sql: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(data)
        .arg("db")
        .arg(DbPane::file(data))
        .args(["-e", sql])
        .output()
        .unwrap()
}

#[test]
fn tables_indexes_explain_and_a_syntax_error_that_does_not_stop_the_pane() {
    let d = tempfile::tempdir().unwrap();
    let mut t = T::new(d.path());
    t.open_db();
    assert!(
        DbPane::file(d.path()).exists(),
        "DATA/db/study.db is created"
    );

    t.line("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);");
    t.wait_for("CREATE TABLE ·");
    // A statement over three lines: nothing runs until the `;`, and the
    // prompt says the statement goes on.
    t.line("INSERT INTO users (name, city)");
    let s = t.screen();
    assert!(s.contains(" ..> "), "continuation prompt:\n{s}");
    assert!(!s.contains("INSERT 4 rows"), "{s}");
    t.line("  VALUES ('ada', 'london'), ('grace', 'arlington'),");
    t.line("  ('linus', NULL), ('barbara', 'boston');");
    t.wait_for("INSERT 4 rows");
    assert!(t.screen().contains("sql> "), "the prompt is back");

    t.line("CREATE INDEX users_city ON users (city);");
    t.wait_for("CREATE INDEX ·");
    t.line("EXPLAIN SELECT name FROM users WHERE city = 'boston';");
    let s = t.wait_for("SEARCH users USING INDEX users_city");
    assert!(s.contains("plan: EXPLAIN SELECT name"), "{s}");
    // and the storage figures followed: two tables' worth of B+trees, a
    // buffer pool that was used, commits in the WAL
    assert!(s.contains("indexes    1"), "{s}");
    assert!(!s.contains("commits    0"), "{s}");

    // Without the index the plan is a scan: the tree is the planner's.
    t.line("EXPLAIN SELECT name FROM users WHERE name = 'ada';");
    t.wait_for("SCAN users");

    // A syntax error: one line with line and column, and the pane goes on.
    t.line("SELEC name FROM users;");
    let s = t.wait_for("syntax error");
    let err: Vec<&str> = s.lines().filter(|l| l.contains("syntax error")).collect();
    assert_eq!(err.len(), 1, "{s}");
    assert!(err[0].contains("line 1, column 1"), "{s}");
    t.line("SELECT name, city FROM users ORDER BY name;");
    let s = t.wait_for("SELECT 4 rows");
    assert!(s.contains("barbara"), "{s}");
    assert!(s.contains("linus"), "{s}");

    // A statement that names nothing is an error too, and nothing ran.
    t.line("INSERT INTO nope VALUES (1);");
    t.wait_for("error: ");
    t.line("SELECT count(*) AS total FROM users;");
    let s = t.wait_for("SELECT 1 row ");
    let lines: Vec<&str> = s.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("total")).unwrap();
    assert!(lines[header + 2].starts_with("    4 "), "{s}");

    // .tables asks the worker
    t.line(".tables");
    t.wait("the table list", |s| {
        s.lines().any(|l| l.starts_with("users "))
    });

    // The plan toggles with e once the console is left.
    t.key(KeyCode::Esc);
    assert!(!t.pane.captures_text());
    let before = t.screen();
    assert!(!before.contains("plan: SELECT count"), "{before}");
    assert_eq!(t.key(KeyCode::Char('e')), Handled::Yes);
    let s = t.screen();
    assert!(s.contains("plan: SELECT count"), "{s}");
    assert!(s.contains("AGGREGATE"), "{s}");
    t.key(KeyCode::Char('e'));
    assert!(!t.screen().contains("plan: SELECT count"));
    t.pane.shutdown();
}

#[test]
fn results_are_an_aligned_table_with_null_shown_apart() {
    let d = tempfile::tempdir().unwrap();
    let mut t = T::sized(d.path(), (100, 30));
    t.open_db();
    t.line(
        "CREATE TABLE langs (id INTEGER PRIMARY KEY, name TEXT, year INTEGER, score REAL, note TEXT);",
    );
    t.line("INSERT INTO langs (name, year, score, note) VALUES ('C', 1972, 9.5, 'portable assembly'), ('Rust', 2015, 10.0, NULL), ('Go', 2009, 7.25, 'goroutines'), ('Zig', 2016, NULL, NULL);");
    t.line("SELECT * FROM langs ORDER BY year;");
    let s = t.wait_for("SELECT 4 rows");

    // Columns line up: every row's separators sit where the header's do.
    let lines: Vec<&str> = s.lines().collect();
    let header = lines.iter().position(|l| l.contains("id │ name")).unwrap();
    let bars = |l: &str| -> Vec<usize> {
        // the table's own bars: the side column starts further right
        l.chars()
            .take(70)
            .enumerate()
            .filter(|(_, c)| *c == '│' || *c == '┼')
            .map(|(i, _)| i)
            .collect()
    };
    let cols = bars(lines[header]);
    assert_eq!(cols.len(), 4, "{s}");
    for l in &lines[header + 1..header + 6] {
        assert_eq!(bars(l), cols, "misaligned row {l:?} in\n{s}");
    }
    // Numbers right-aligned: "2009" ends where the column ends.
    let go = lines.iter().find(|l| l.contains("Go")).unwrap();
    assert!(
        go.starts_with(" 3 │ Go   │ 2009 │  7.25 │ goroutines"),
        "{go}"
    );

    // NULL cells are drawn in their own style, unlike text.
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| t.pane.draw(f, f.area(), &Theme::plain()))
        .unwrap();
    let buf = term.backend().buffer().clone();
    let zig_row = lines.iter().position(|l| l.contains("Zig")).unwrap() as u16;
    let zig_line = lines[zig_row as usize];
    let null_col = zig_line.find("NULL").unwrap();
    let null_col = zig_line[..null_col].chars().count() as u16;
    let name_col = zig_line[..zig_line.find("Zig").unwrap()].chars().count() as u16;
    let null_style = buf[(null_col, zig_row)].modifier;
    let text_style = buf[(name_col, zig_row)].modifier;
    assert!(
        null_style.contains(ratatui::style::Modifier::ITALIC),
        "NULL is italic"
    );
    assert_ne!(null_style, text_style);

    // With the plan of the query under the table.
    t.key(KeyCode::Esc);
    t.key(KeyCode::Char('e'));
    insta::assert_snapshot!("db_pane_100x30", mask_times(&t.screen()));
    t.pane.shutdown();
}

/// Timings differ from run to run: `12.3 ms` becomes `#.# ms`, and the
/// spaces after it make up the difference so columns further right stay.
fn mask_times(s: &str) -> String {
    let mut out = Vec::new();
    for line in s.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        let mut masked: Vec<String> = Vec::new();
        let mut shift: isize = 0;
        for (i, w) in words.iter().enumerate() {
            let next_is_ms = words.get(i + 1).is_some_and(|n| n.starts_with("ms"));
            if next_is_ms && w.parse::<f64>().is_ok() {
                shift += w.chars().count() as isize - 3;
                masked.push("#.#".into());
            } else if w.is_empty() && shift != 0 {
                // an empty word is one of a run of spaces
                if shift > 0 {
                    masked.push(" ".repeat(shift as usize));
                    shift = 0;
                } else {
                    shift += 1;
                    continue;
                }
            } else {
                masked.push((*w).to_string());
            }
        }
        out.push(masked.join(" "));
    }
    out.join("\n")
}

#[test]
fn big_results_are_fetched_a_screenful_at_a_time_and_scroll() {
    let d = tempfile::tempdir().unwrap();
    let mut t = T::new(d.path());
    t.open_db();
    t.line("CREATE TABLE n (i INTEGER PRIMARY KEY, sq INTEGER);");
    t.line("BEGIN;");
    let mut values = Vec::new();
    for i in 1..=800 {
        values.push(format!("({i}, {})", i * i));
    }
    t.line(&format!("INSERT INTO n VALUES {};", values.join(", ")));
    t.line("COMMIT;");
    t.wait_for("COMMIT ·");
    t.line("SELECT * FROM n;");
    let s = t.wait_for("first 500 rows");
    assert!(s.contains("not fetched"), "{s}");
    assert!(s.contains("rows 1–"), "{s}");
    t.key(KeyCode::Esc);
    assert!(!above_log(&s).contains("250000"), "{s}");
    t.key(KeyCode::Char('G'));
    let s = above_log(&t.screen());
    assert!(s.contains("250000"), "the last fetched row, 500²:\n{s}");
    assert!(!s.contains("251001"), "row 501 was never fetched:\n{s}");
    assert!(s.contains("–500 of first 500 rows"), "{s}");
    t.key(KeyCode::Char('g'));
    let s = above_log(&t.screen());
    assert!(s.contains("rows 1–"), "{s}");
    assert!(!s.contains("250000"), "{s}");
    t.pane.shutdown();
}

#[test]
fn closing_hands_the_file_to_the_cli_and_a_transaction_is_not_lost_silently() {
    let d = tempfile::tempdir().unwrap();
    let mut t = T::new(d.path());
    t.open_db();
    t.line("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
    t.line("INSERT INTO t (v) VALUES ('a'), ('b'), ('c');");
    t.wait_for("INSERT 3 rows");

    // While the pane holds the file, the CLI is refused.
    let o = cli(d.path(), "select count(*) from t");
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("in use"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // An open transaction: the status bar says so, and x asks first.
    t.line("BEGIN;");
    t.line("INSERT INTO t (v) VALUES ('uncommitted');");
    t.wait_for("INSERT 1 row ");
    let status: String = t
        .pane
        .status(&Theme::plain())
        .iter()
        .map(|s| s.content.to_string())
        .collect();
    assert!(status.contains("in transaction"), "{status}");
    t.key(KeyCode::Esc);
    t.key(KeyCode::Char('x'));
    let s = t.screen();
    assert!(s.contains("press x again"), "{s}");
    assert!(s.contains("in txn     yes, "), "still open:\n{s}");
    t.key(KeyCode::Char('x'));
    let s = t.screen();
    assert!(s.contains("rolled back"), "{s}");
    assert!(t.pane.status(&Theme::plain()).is_empty());

    // Closed: the real binary reads what the pane committed, and only that.
    let o = cli(d.path(), "select count(*) from t");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().any(|l| l.trim() == "3"), "{out}");
    let o = cli(d.path(), "insert into t (v) values ('from the cli')");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // o opens it again and sees the CLI's row.
    t.key(KeyCode::Char('o'));
    t.wait("reopened", |s| s.contains("file       study.db"));
    t.key(KeyCode::Char('i'));
    t.line("SELECT v FROM t WHERE id = 4;");
    t.wait_for("from the cli");
    t.pane.shutdown();
    // shutdown released the file as well
    let o = cli(d.path(), "select count(*) from t");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn open_at_a_table_shows_its_rows_and_refuses_what_is_not_a_table() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(DbPane::file(d.path()).parent().unwrap()).unwrap();
    let o = cli(
        d.path(),
        "create table books (id integer primary key, title text); insert into books (title) values ('sicp'), ('taocp')",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut t = T::new(d.path());
    t.show();
    let (r, _) = t.h.call(&mut t.pane, |p, cx| p.open_at("books", cx));
    r.unwrap();
    let s = t.wait_for("SELECT 2 rows");
    assert!(s.contains("taocp"), "{s}");
    assert!(s.contains("SELECT * FROM books LIMIT 100"), "{s}");
    let (r, _) = t.h.call(&mut t.pane, |p, cx| {
        p.open_at("books; drop table books", cx)
    });
    assert!(r.is_err());
    let (r, _) = t.h.call(&mut t.pane, |p, cx| p.open_at("nope", cx));
    assert!(r.unwrap_err().contains("no table"));
    t.pane.shutdown();
}

#[test]
fn a_damaged_file_is_reported_and_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let file = DbPane::file(d.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let junk = b"these are my notes, not a database\n".repeat(200);
    std::fs::write(&file, &junk).unwrap();
    let mut t = T::new(d.path());
    t.show();
    let s = t.wait_for("cannot open");
    assert!(s.contains("not a minidb database"), "{s}");
    // typing SQL now is an error, not a panic
    t.line("SELECT 1;");
    t.wait_for("the database is closed");
    t.pane.shutdown();
    assert_eq!(std::fs::read(&file).unwrap(), junk, "the file is untouched");
}

#[test]
fn a_file_in_use_is_reported_and_o_tries_again_once_it_is_free() {
    let d = tempfile::tempdir().unwrap();
    let file = DbPane::file(d.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let holder = minidb::Database::open(&file).unwrap();
    let mut t = T::new(d.path());
    t.show();
    let s = t.wait_for("cannot open");
    assert!(s.contains("in use by another process"), "{s}");
    drop(holder);
    t.key(KeyCode::Esc);
    t.key(KeyCode::Char('o'));
    t.wait_for("opened");
    // A paste of several lines runs as typed, a `--` comment included.
    t.key(KeyCode::Char('i'));
    let (r, _) = t.h.call(&mut t.pane, |p, cx| {
        p.handle_paste("SELECT 41 + 1 AS answer -- the comment ends here\n;\n", cx)
    });
    assert_eq!(r, Handled::Yes);
    let s = t.wait_for("SELECT 1 row ");
    assert!(s.lines().any(|l| l.starts_with("    42 ")), "{s}");
    t.pane.shutdown();
}
