#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The public API end to end: results, errors, EXPLAIN, stats, reopening.

use minidb::{Database, OpenError, Value};

fn texts(db: &mut Database, sql: &str) -> Vec<String> {
    let r = db.execute(sql).unwrap();
    r.rows
        .iter()
        .map(|row| row.iter().map(Value::render).collect::<Vec<_>>().join("|"))
        .collect()
}

#[test]
fn create_insert_select_with_an_index_shown_in_explain() {
    let mut db = Database::open_in_memory().unwrap();
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER)")
        .unwrap();
    db.execute("CREATE INDEX users_age ON users (age)").unwrap();
    let r = db
        .execute("INSERT INTO users (name, age) VALUES ('ada', 36), ('grace', 45), ('alan', 41), ('kid', NULL)")
        .unwrap();
    assert_eq!(r.rows_affected, 4);
    assert_eq!(
        texts(
            &mut db,
            "SELECT name FROM users WHERE age > 40 ORDER BY age DESC"
        ),
        ["grace", "alan"]
    );
    let plan = db.explain("SELECT name FROM users WHERE age > 40").unwrap();
    assert!(
        plan.labels()
            .iter()
            .any(|l| l.contains("USING INDEX users_age")),
        "{plan}"
    );
    let plan = db.explain("SELECT name FROM users WHERE id = 2").unwrap();
    assert!(
        plan.labels().iter().any(|l| l.contains("USING ROWID")),
        "{plan}"
    );
    let plan = db
        .explain("SELECT name FROM users WHERE name = 'x'")
        .unwrap();
    assert!(
        plan.labels().iter().any(|l| l.starts_with("SCAN users")),
        "{plan}"
    );
    assert_eq!(
        texts(
            &mut db,
            "SELECT count(*), count(age), sum(age), min(name) FROM users"
        ),
        ["4|3|122|ada"]
    );
}

#[test]
fn errors_are_one_line_and_change_nothing() {
    let mut db = Database::open_in_memory().unwrap();
    db.execute("CREATE TABLE t (a INTEGER UNIQUE, b TEXT NOT NULL)")
        .unwrap();
    db.execute("INSERT INTO t VALUES (1, 'x')").unwrap();
    let e = db
        .execute("INSERT INTO t VALUES (2, 'y'), (1, 'z')")
        .unwrap_err()
        .to_string();
    assert!(e.contains("UNIQUE t.a"), "{e}");
    assert_eq!(
        texts(&mut db, "SELECT count(*) FROM t"),
        ["1"],
        "a failed INSERT must insert nothing"
    );
    let e = db.execute("SELECT a FROM t WHERE").unwrap_err().to_string();
    assert_eq!(
        e,
        "syntax error at line 1, column 22: expected an expression, found the end of the input"
    );
    let e = db.execute("SELECT nope FROM t").unwrap_err().to_string();
    assert_eq!(e, "no such column: nope");
    let e = db
        .execute("INSERT INTO t VALUES ('abc', 'x')")
        .unwrap_err()
        .to_string();
    assert!(e.contains("column t.a is INTEGER"), "{e}");
    let e = db
        .execute("INSERT INTO t (a) VALUES (5)")
        .unwrap_err()
        .to_string();
    assert!(e.contains("NOT NULL t.b"), "{e}");
}

#[test]
fn statement_failure_inside_a_transaction_keeps_earlier_statements() {
    let mut db = Database::open_in_memory().unwrap();
    db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")
        .unwrap();
    db.execute("BEGIN").unwrap();
    db.execute("INSERT INTO t VALUES (1)").unwrap();
    assert!(db.execute("INSERT INTO t VALUES (2), (1)").is_err());
    db.execute("INSERT INTO t VALUES (3)").unwrap();
    db.execute("COMMIT").unwrap();
    assert_eq!(texts(&mut db, "SELECT a FROM t"), ["1", "3"]);
    db.execute("BEGIN; DELETE FROM t; CREATE TABLE u (x INTEGER)")
        .unwrap();
    db.execute("ROLLBACK").unwrap();
    assert_eq!(texts(&mut db, "SELECT a FROM t"), ["1", "3"]);
    assert!(
        db.execute("SELECT * FROM u").is_err(),
        "a rolled back CREATE TABLE is gone"
    );
}

#[test]
fn data_survives_reopen_and_stats_move() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    {
        let mut db = Database::open(&path).unwrap();
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
            .unwrap();
        db.execute("BEGIN").unwrap();
        for i in 0..500 {
            db.execute(&format!(
                "INSERT INTO t (body) VALUES ('{}')",
                "x".repeat(i % 50 + 1)
            ))
            .unwrap();
        }
        db.execute(
            "INSERT INTO t (body) VALUES ('big:' || '{}')"
                .replace("{}", &"y".repeat(10_000))
                .as_str(),
        )
        .unwrap();
        db.execute("COMMIT").unwrap();
        let s = db.stats();
        assert!(s.pages > 5 && s.wal_frames > 0 && s.commits >= 2, "{s:?}");
    }
    let mut db = Database::open(&path).unwrap();
    assert_eq!(
        texts(&mut db, "SELECT count(*), max(length(body)) FROM t"),
        ["501|10004"]
    );
    assert_eq!(db.stats().wal_frames, 0, "opening checkpoints the log");
    assert!(db.stats().pool_misses > 0);
}

#[test]
fn a_second_opener_and_a_foreign_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let _db = Database::open(&path).unwrap();
    assert!(matches!(
        Database::open(&path),
        Err(OpenError::Locked { .. })
    ));
    let other = dir.path().join("notes.txt");
    std::fs::write(&other, "hello, this is not a database").unwrap();
    let e = Database::open(&other).err().unwrap();
    assert!(matches!(e, OpenError::NotADatabase { .. }), "{e}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "hello, this is not a database"
    );
    assert!(!dir.path().join("notes.txt-wal").exists());
}

#[test]
fn damaged_or_truncated_files_are_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    {
        let mut db = Database::open(&path).unwrap();
        db.execute("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)")
            .unwrap();
    }
    let wal = dir.path().join("x.db-wal");
    let good = std::fs::read(&path).unwrap();

    // A log that is not minidb's.
    std::fs::write(&wal, vec![0xAB; 5000]).unwrap();
    let e = Database::open(&path).err().unwrap().to_string();
    assert!(
        e.contains("damaged") && e.contains("write-ahead log"),
        "{e}"
    );
    assert_eq!(std::fs::read(&wal).unwrap(), vec![0xAB; 5000]);
    assert_eq!(std::fs::read(&path).unwrap(), good);
    std::fs::remove_file(&wal).unwrap();

    // A database file cut in the middle of a page.
    std::fs::write(&path, &good[..4096 + 1000]).unwrap();
    let e = Database::open(&path).err().unwrap().to_string();
    assert!(e.contains("damaged") && e.contains("page 1"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap().len(), 4096 + 1000);

    // A header with a flipped bit.
    let mut bad = good.clone();
    bad[20] ^= 1;
    std::fs::write(&path, &bad).unwrap();
    let e = Database::open(&path).err().unwrap().to_string();
    assert!(e.contains("header checksum"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), bad);

    // The good bytes still open.
    std::fs::write(&path, &good).unwrap();
    let mut db = Database::open(&path).unwrap();
    assert_eq!(texts(&mut db, "SELECT sum(a) FROM t"), ["3"]);
}

#[test]
fn prepared_statements_bind_values_by_position() {
    let mut db = Database::open_in_memory().unwrap();
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL); CREATE INDEX t_name ON t (name)").unwrap();
    let insert = db
        .prepare("INSERT INTO t (name, score) VALUES (?, ? * 2)")
        .unwrap();
    assert_eq!(insert.parameter_count(), 2);
    for (name, score) in [("it's", 1.5), ("bob", 2.0), ("eve", -1.0)] {
        db.execute_prepared(&insert, &[Value::Text(name.into()), Value::Real(score)])
            .unwrap();
    }
    let e = db
        .execute_prepared(&insert, &[Value::Integer(1)])
        .unwrap_err()
        .to_string();
    assert_eq!(e, "the statement has 2 parameters, 1 value was given");
    let find = db
        .prepare("SELECT id, score FROM t WHERE name = ? OR score < ? ORDER BY id LIMIT ?")
        .unwrap();
    let r = db
        .execute_prepared(
            &find,
            &[
                Value::Text("it's".into()),
                Value::Integer(0),
                Value::Integer(5),
            ],
        )
        .unwrap();
    assert_eq!(
        r.rows,
        [
            [Value::Integer(1), Value::Real(3.0)],
            [Value::Integer(3), Value::Real(-2.0)]
        ]
    );
    // A NULL parameter compares as NULL: no rows.
    let by_name = db.prepare("SELECT id FROM t WHERE name = ?").unwrap();
    assert!(
        db.execute_prepared(&by_name, &[Value::Null])
            .unwrap()
            .rows
            .is_empty()
    );
    // Plain execute refuses placeholders with a hint.
    let e = db.execute("SELECT ?").unwrap_err().to_string();
    assert!(e.contains("has no value"), "{e}");
    assert!(db.prepare("SELECT 1; SELECT 2").is_err());
    assert!(db.prepare("CREATE TABLE u (a INTEGER DEFAULT ?)").is_err());
}

#[test]
fn a_row_limit_stops_the_scan_early() {
    let mut db = Database::open_in_memory().unwrap();
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        .unwrap();
    let ins = db.prepare("INSERT INTO t (body) VALUES (?)").unwrap();
    db.execute("BEGIN").unwrap();
    for i in 0..5000 {
        db.execute_prepared(&ins, &[Value::Text(format!("row {i} {}", "x".repeat(100)))])
            .unwrap();
    }
    db.execute("COMMIT").unwrap();
    db.clear_cache();
    let before = db.stats();
    let r = db.execute_with_limit("SELECT id, body FROM t", 10).unwrap();
    assert_eq!(r.rows.len(), 10);
    assert!(r.truncated);
    let read = db.stats().pool_misses - before.pool_misses;
    assert!(
        read < 10,
        "a 10-row answer read {read} pages of a {}-page table",
        db.stats().pages
    );
    let all = db.execute_with_limit("SELECT count(*) FROM t", 10).unwrap();
    assert!(!all.truncated);
    assert_eq!(all.rows, [[Value::Integer(5000)]]);
    assert!(!db.execute("SELECT id FROM t").unwrap().truncated);
}
