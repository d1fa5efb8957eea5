#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Crash tests: a child process (this test binary, re-run in "child" mode)
//! commits transactions and prints each commit; the parent kills it with
//! SIGKILL at random moments, reopens the database, and checks that every
//! printed commit is there in full and no transaction is there in part.
//!
//! Each transaction inserts ROWS rows tagged with its number (one of them
//! large enough to need overflow pages) and adds ROWS to a counter row, so a
//! partial transaction would show as a tag with too few rows or a counter
//! that disagrees with the row count. A small checkpoint threshold makes
//! kills land during checkpoints too.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use minidb::{Database, Options, Value};

const ROWS: i64 = 12;
const CHILD_ENV: &str = "MINIDB_CRASH_CHILD_DB";

fn options() -> Options {
    Options {
        checkpoint_frames: 48,
        ..Options::default()
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        other => panic!("expected an integer, got {other:?}"),
    }
}

/// The child's work loop. It is not a test of its own: the parent runs this
/// binary with `--ignored --exact crash_child` and CHILD_ENV set.
#[test]
#[ignore = "entry point of the child process that crash tests kill"]
fn crash_child() {
    let path = std::env::var(CHILD_ENV).expect("crash_child runs only as the crash test's child");
    let mut db = Database::open_with(&path, options()).unwrap();
    db.execute(
        "CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, tx INTEGER NOT NULL, body TEXT)",
    )
    .unwrap();
    db.execute("CREATE INDEX IF NOT EXISTS log_tx ON log (tx)")
        .unwrap();
    db.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER)")
        .unwrap();
    if db
        .execute("SELECT n FROM counter WHERE id = 1")
        .unwrap()
        .rows
        .is_empty()
    {
        db.execute("INSERT INTO counter VALUES (1, 0)").unwrap();
    }
    let start = db.execute("SELECT max(tx) FROM log").unwrap().rows[0][0].clone();
    let mut tx = match start {
        Value::Integer(i) => i + 1,
        _ => 1,
    };
    loop {
        db.execute("BEGIN").unwrap();
        for i in 0..ROWS {
            let body = if i == 0 {
                "x".repeat(3000 + (tx as usize % 7) * 1000)
            } else {
                format!("tx {tx} row {i}")
            };
            db.execute(&format!(
                "INSERT INTO log (tx, body) VALUES ({tx}, '{body}')"
            ))
            .unwrap();
        }
        if tx % 5 == 0 {
            // Deletes and re-inserts move pages around (merges, free list).
            db.execute(&format!("DELETE FROM log WHERE tx = {}", tx - 3))
                .unwrap();
            for i in 0..ROWS {
                let body = if i == 0 {
                    "y".repeat(5000)
                } else {
                    format!("again {i}")
                };
                db.execute(&format!(
                    "INSERT INTO log (tx, body) VALUES ({}, '{body}')",
                    tx - 3
                ))
                .unwrap();
            }
        }
        db.execute(&format!("UPDATE counter SET n = n + {ROWS} WHERE id = 1"))
            .unwrap();
        db.execute("COMMIT").unwrap();
        println!("committed {tx}");
        tx += 1;
    }
}

fn check(path: &std::path::Path, printed: &[i64]) -> i64 {
    let mut db =
        Database::open_with(path, options()).unwrap_or_else(|e| panic!("reopen failed: {e}"));
    let counts = db
        .execute("SELECT tx, count(*) FROM log GROUP BY tx")
        .unwrap();
    let mut total = 0;
    let mut max_tx = 0;
    for row in &counts.rows {
        let (tx, n) = (int(&row[0]), int(&row[1]));
        assert_eq!(
            n, ROWS,
            "transaction {tx} is there in part: {n} of {ROWS} rows"
        );
        total += n;
        max_tx = max_tx.max(tx);
    }
    let present: Vec<i64> = counts.rows.iter().map(|r| int(&r[0])).collect();
    for tx in printed {
        assert!(
            present.contains(tx),
            "transaction {tx} was reported committed but is missing"
        );
    }
    let n = int(&db
        .execute("SELECT n FROM counter WHERE id = 1")
        .unwrap()
        .rows[0][0]);
    assert_eq!(
        n, total,
        "the counter disagrees with the rows: a transaction was split"
    );
    // The index agrees with the table.
    for tx in &present {
        let via_index = db
            .execute(&format!("SELECT count(*) FROM log WHERE tx = {tx}"))
            .unwrap();
        assert_eq!(int(&via_index.rows[0][0]), ROWS);
    }
    let big = db
        .execute("SELECT count(*) FROM log WHERE length(body) >= 3000")
        .unwrap();
    assert_eq!(
        int(&big.rows[0][0]),
        present.len() as i64,
        "every transaction's large row survives"
    );
    max_tx
}

#[test]
fn killed_writers_lose_nothing_committed_and_leave_nothing_partial() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let exe = std::env::current_exe().unwrap();
    let mut seed: u64 = 0x5DEE_CE66_D1CE_4E5B;
    let mut all_printed = Vec::new();
    for round in 0..12 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait_commits = 1 + (seed % 12) as usize;
        let extra_ms = (seed >> 8) % 4;
        let mut child = Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "crash_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let mut seen = 0;
        while seen < wait_commits {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if let Some(n) = line.trim().strip_prefix("committed ") {
                all_printed.push(n.parse::<i64>().unwrap());
                seen += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(extra_ms));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Lines printed before the kill are still in the pipe.
        let mut rest = String::new();
        while reader.read_line(&mut rest).unwrap() > 0 {}
        for l in rest.lines() {
            if let Some(n) = l.trim().strip_prefix("committed ") {
                all_printed.push(n.parse().unwrap());
            }
        }
        assert!(seen > 0, "round {round}: the child committed nothing");
        let max_tx = check(&path, &all_printed);
        assert!(max_tx >= *all_printed.iter().max().unwrap());
    }
    assert!(all_printed.len() >= 8);
}
