#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Differential tests: random tables, random indexes, random queries and
//! random writes run on minidb and on SQLite (rusqlite's bundled build); the
//! rows must agree. Where SQL leaves the order open (no ORDER BY over every
//! output column) rows are compared as multisets. Reals are compared with a
//! relative tolerance, since summation order may differ in the last bits.

use minidb::{Database, Value};
use rusqlite::types::ValueRef;

/// xorshift64*: small, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const TEXTS: &[&str] = &["'a'", "'b'", "'ab'", "'ba'", "'abc'", "'B'", "'zz'", "''"];
const PATTERNS: &[&str] = &["'a%'", "'%b'", "'_b'", "'A%'", "'%'", "'b_'", "'%a%'"];

fn int_lit(r: &mut Rng) -> String {
    r.int(-3, 12).to_string()
}

fn int_expr(r: &mut Rng, cols: &[&str], depth: u32) -> String {
    match if depth == 0 { r.below(2) } else { r.below(5) } {
        0 => r.pick(cols).to_string(),
        1 => int_lit(r),
        2 => format!(
            "({} {} {})",
            int_expr(r, cols, depth - 1),
            r.pick(&["+", "-", "*"]),
            int_expr(r, cols, depth - 1)
        ),
        3 => format!("abs({})", int_expr(r, cols, depth - 1)),
        _ => format!(
            "({} {} {})",
            int_expr(r, cols, depth - 1),
            r.pick(&["/", "%"]),
            int_expr(r, cols, depth - 1)
        ),
    }
}

struct Cols<'a> {
    ints: &'a [&'a str],
    texts: &'a [&'a str],
    reals: &'a [&'a str],
    all: &'a [&'a str],
}

fn predicate(r: &mut Rng, c: &Cols, depth: u32) -> String {
    let leaf = depth == 0 || r.chance(40);
    if !leaf {
        return match r.below(3) {
            0 => format!(
                "({} AND {})",
                predicate(r, c, depth - 1),
                predicate(r, c, depth - 1)
            ),
            1 => format!(
                "({} OR {})",
                predicate(r, c, depth - 1),
                predicate(r, c, depth - 1)
            ),
            _ => format!("NOT ({})", predicate(r, c, depth - 1)),
        };
    }
    let cmp = *r.pick(&["=", "!=", "<", "<=", ">", ">=", "<>"]);
    match r.below(9) {
        0 | 1 => format!(
            "{} {cmp} {}",
            int_expr(r, c.ints, 1),
            int_expr(r, c.ints, 1)
        ),
        2 => format!("{} {cmp} {}", r.pick(c.texts), r.pick(TEXTS)),
        3 => format!("{} {cmp} {}.5", r.pick(c.reals), r.int(-2, 6)),
        4 => format!(
            "{} IS {}NULL",
            r.pick(c.all),
            if r.chance(50) { "NOT " } else { "" }
        ),
        5 => {
            let n = r.int(0, 3);
            let mut items: Vec<String> = (0..n).map(|_| int_lit(r)).collect();
            if r.chance(30) {
                items.push("NULL".into());
            }
            if items.is_empty() {
                items.push(int_lit(r));
            }
            format!(
                "{} {}IN ({})",
                r.pick(c.ints),
                if r.chance(30) { "NOT " } else { "" },
                items.join(", ")
            )
        }
        6 => {
            let lo = r.int(-2, 8);
            format!(
                "{} {}BETWEEN {lo} AND {}",
                r.pick(c.ints),
                if r.chance(30) { "NOT " } else { "" },
                lo + r.int(-1, 6)
            )
        }
        7 => format!(
            "{} {}LIKE {}",
            r.pick(c.texts),
            if r.chance(30) { "NOT " } else { "" },
            r.pick(PATTERNS)
        ),
        _ => format!("{} {cmp} {}", r.pick(c.ints), int_lit(r)),
    }
}

fn setup(r: &mut Rng) -> Vec<String> {
    let mut sql = vec![
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)".to_string(),
        "CREATE TABLE t2 (id INTEGER PRIMARY KEY, t1_id INTEGER, d INTEGER, e TEXT)".to_string(),
    ];
    for (name, def) in [
        ("i1", "t1 (a)"),
        ("i2", "t1 (b)"),
        ("i3", "t1 (a, b)"),
        ("i4", "t2 (t1_id)"),
        ("i5", "t2 (d)"),
        ("i6", "t1 (c)"),
    ] {
        if r.chance(50) {
            sql.push(format!("CREATE INDEX {name} ON {def}"));
        }
    }
    let n1 = r.int(0, 60);
    for _ in 0..n1 {
        let a = if r.chance(15) {
            "NULL".to_string()
        } else {
            r.int(-3, 10).to_string()
        };
        let b = if r.chance(15) {
            "NULL".to_string()
        } else {
            r.pick(TEXTS).to_string()
        };
        let c = if r.chance(15) {
            "NULL".to_string()
        } else {
            format!("{}.{}", r.int(-3, 9), r.pick(&["0", "25", "5", "75"]))
        };
        sql.push(format!("INSERT INTO t1 (a, b, c) VALUES ({a}, {b}, {c})"));
    }
    let n2 = r.int(0, 60);
    for _ in 0..n2 {
        let t1 = if r.chance(10) {
            "NULL".to_string()
        } else {
            r.int(1, n1 + 3).to_string()
        };
        let d = if r.chance(15) {
            "NULL".to_string()
        } else {
            r.int(-3, 10).to_string()
        };
        let e = if r.chance(15) {
            "NULL".to_string()
        } else {
            r.pick(TEXTS).to_string()
        };
        sql.push(format!(
            "INSERT INTO t2 (t1_id, d, e) VALUES ({t1}, {d}, {e})"
        ));
    }
    sql
}

/// A query, and whether its row order is fully determined.
fn query(r: &mut Rng) -> (String, bool) {
    let t1 = Cols {
        ints: &["a", "id"],
        texts: &["b"],
        reals: &["c"],
        all: &["a", "b", "c", "id"],
    };
    let joined = Cols {
        ints: &["t1.a", "t1.id", "t2.d", "t2.t1_id", "t2.id"],
        texts: &["t1.b", "t2.e"],
        reals: &["t1.c"],
        all: &["t1.a", "t1.b", "t2.d", "t2.e", "t2.t1_id"],
    };
    let order_all = |r: &mut Rng, n: usize| {
        let terms: Vec<String> = (1..=n)
            .map(|i| format!("{i}{}", if r.chance(40) { " DESC" } else { "" }))
            .collect();
        format!(" ORDER BY {}", terms.join(", "))
    };
    let where_ = |r: &mut Rng, c: &Cols| {
        if r.chance(80) {
            format!(" WHERE {}", predicate(r, c, 3))
        } else {
            String::new()
        }
    };
    match r.below(8) {
        0 | 1 => {
            let w = where_(r, &t1);
            if r.chance(50) {
                let mut q = format!("SELECT id, a, b, c FROM t1{w}{}", order_all(r, 4));
                if r.chance(50) {
                    q.push_str(&format!(" LIMIT {} OFFSET {}", r.int(0, 10), r.int(0, 5)));
                }
                (q, true)
            } else {
                (format!("SELECT id, a, b, c FROM t1{w}"), false)
            }
        }
        2 => (
            format!("SELECT DISTINCT a, b FROM t1{}", where_(r, &t1)),
            false,
        ),
        3 => {
            let having = if r.chance(50) {
                format!(" HAVING count(*) > {}", r.int(0, 3))
            } else {
                String::new()
            };
            (
                format!(
                    "SELECT a, count(*), sum(c), min(b), max(id), avg(a), count(DISTINCT b), total(a) FROM t1{} GROUP BY a{having}",
                    where_(r, &t1)
                ),
                false,
            )
        }
        4 => (
            format!(
                "SELECT count(*), sum(a), min(c), max(b), avg(c), count(c) FROM t1{}",
                where_(r, &t1)
            ),
            true,
        ),
        5 => {
            let kind = if r.chance(50) { "LEFT JOIN" } else { "JOIN" };
            let extra = if r.chance(40) {
                format!(" AND {}", predicate(r, &joined, 1))
            } else {
                String::new()
            };
            (
                format!(
                    "SELECT t1.id, t2.id, t1.a, t2.d, t2.e FROM t1 {kind} t2 ON t2.t1_id = t1.id{extra}{}",
                    where_(r, &joined)
                ),
                false,
            )
        }
        6 => (
            format!(
                "SELECT t1.a, count(t2.id), sum(t2.d) FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id{} GROUP BY t1.a",
                where_(r, &t1_only_joined())
            ),
            false,
        ),
        _ => (
            format!(
                "SELECT {}, {}, b || 'x', a / 3, a % 4, -a, a IS NULL, a > 3 FROM t1{}",
                int_expr(r, &["a", "id"], 2),
                int_expr(r, &["a", "id"], 2),
                where_(r, &t1)
            ),
            false,
        ),
    }
}

fn t1_only_joined() -> Cols<'static> {
    Cols {
        ints: &["t1.a", "t1.id"],
        texts: &["t1.b"],
        reals: &["t1.c"],
        all: &["t1.a", "t1.b", "t1.c"],
    }
}

fn write(r: &mut Rng) -> String {
    let t1 = Cols {
        ints: &["a", "id"],
        texts: &["b"],
        reals: &["c"],
        all: &["a", "b", "c", "id"],
    };
    match r.below(4) {
        0 => format!(
            "UPDATE t1 SET a = {} WHERE {}",
            int_expr(r, &["a", "id"], 1),
            predicate(r, &t1, 2)
        ),
        1 => format!(
            "UPDATE t1 SET b = {}, c = c + 1 WHERE {}",
            r.pick(TEXTS),
            predicate(r, &t1, 2)
        ),
        2 => format!("DELETE FROM t1 WHERE {}", predicate(r, &t1, 2)),
        _ => format!(
            "INSERT INTO t1 (a, b) VALUES ({}, {}), (NULL, {})",
            int_lit(r),
            r.pick(TEXTS),
            r.pick(TEXTS)
        ),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

fn from_minidb(v: &Value) -> Cell {
    match v {
        Value::Null => Cell::Null,
        Value::Integer(i) => Cell::Int(*i),
        Value::Real(r) => Cell::Real(*r),
        Value::Text(s) => Cell::Text(s.clone()),
    }
}

fn from_sqlite(v: ValueRef) -> Cell {
    match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(r) => Cell::Real(r),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(_) => panic!("no blobs here"),
    }
}

fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Real(x), Cell::Real(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

fn sort_key(row: &[Cell]) -> String {
    row.iter()
        .map(|c| match c {
            Cell::Real(r) => format!("R{:.6}", r),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn run_sqlite(conn: &rusqlite::Connection, sql: &str) -> Vec<Vec<Cell>> {
    let mut stmt = conn
        .prepare(sql)
        .unwrap_or_else(|e| panic!("sqlite rejected {sql}: {e}"));
    let n = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        out.push(
            (0..n)
                .map(|i| from_sqlite(row.get_ref(i).unwrap()))
                .collect(),
        );
    }
    out
}

fn compare(
    db: &mut Database,
    conn: &rusqlite::Connection,
    sql: &str,
    ordered: bool,
    context: &str,
) {
    let mine = db
        .execute(sql)
        .unwrap_or_else(|e| panic!("minidb failed on {sql}: {e}\n{context}"));
    let mut ours: Vec<Vec<Cell>> = mine
        .rows
        .iter()
        .map(|r| r.iter().map(from_minidb).collect())
        .collect();
    let mut theirs = run_sqlite(conn, sql);
    if !ordered {
        ours.sort_by_key(|r| sort_key(r));
        theirs.sort_by_key(|r| sort_key(r));
    }
    let agree = ours.len() == theirs.len()
        && ours
            .iter()
            .zip(&theirs)
            .all(|(a, b)| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)));
    assert!(
        agree,
        "results differ for\n  {sql}\nminidb ({} rows): {ours:?}\nsqlite ({} rows): {theirs:?}\nplan:\n{}\n{context}",
        ours.len(),
        theirs.len(),
        db.explain(sql).map(|p| p.to_string()).unwrap_or_default()
    );
}

#[test]
fn random_queries_agree_with_sqlite() {
    let mut queries = 0;
    for seed in 1..=40u64 {
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut db = Database::open_in_memory().unwrap();
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let setup = setup(&mut r);
        for s in &setup {
            db.execute(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            conn.execute(s, []).unwrap();
        }
        let context = format!(
            "seed {seed}; schema: {}",
            setup
                .iter()
                .filter(|s| s.starts_with("CREATE"))
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
        for step in 0..40 {
            if step % 8 == 7 {
                let w = write(&mut r);
                let mine = db
                    .execute(&w)
                    .unwrap_or_else(|e| panic!("minidb failed on {w}: {e}\n{context}"));
                let theirs = conn.execute(&w, []).unwrap();
                assert_eq!(
                    mine.rows_affected, theirs as u64,
                    "rows affected by {w}\n{context}"
                );
                compare(
                    &mut db,
                    &conn,
                    "SELECT id, a, b, c FROM t1",
                    false,
                    &context,
                );
                continue;
            }
            let (q, ordered) = query(&mut r);
            compare(&mut db, &conn, &q, ordered, &context);
            queries += 1;
        }
    }
    assert!(queries > 1000);
}

#[test]
fn fixed_cases_agree_with_sqlite() {
    let mut db = Database::open_in_memory().unwrap();
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    for s in [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)",
        "INSERT INTO t (a, b) VALUES (1, 'x'), (NULL, 'y'), (3, NULL), (3, 'x'), (-2, 'Xy')",
    ] {
        db.execute(s).unwrap();
        conn.execute(s, []).unwrap();
    }
    for (q, ordered) in [
        ("SELECT a, b FROM t ORDER BY a, b", true),
        ("SELECT a, b FROM t ORDER BY a DESC, b DESC", true),
        (
            "SELECT NULL AND 0, NULL AND 1, NULL OR 1, NULL OR 0, NOT NULL, NULL = NULL, NULL IS NULL",
            true,
        ),
        (
            "SELECT 7 / 2, -7 / 2, 7 % -3, 7.0 / 2, 1 / 0, 5 % 0, 2 * 3.5",
            true,
        ),
        (
            "SELECT 'abc' LIKE 'A%', 'abc' LIKE '_b_', 'abc' NOT LIKE '%c', NULL LIKE 'a'",
            true,
        ),
        (
            "SELECT 2 IN (1, 2), 3 IN (1, NULL), 3 NOT IN (1, NULL), NULL IN (1), 3 NOT IN (1, 2)",
            true,
        ),
        (
            "SELECT 2 BETWEEN 1 AND 3, NULL BETWEEN 1 AND 2, 5 NOT BETWEEN 1 AND 3",
            true,
        ),
        (
            "SELECT count(*), count(a), sum(a), avg(a), min(a), max(b) FROM t WHERE a > 100",
            true,
        ),
        ("SELECT a, count(*) FROM t GROUP BY a ORDER BY a", true),
        ("SELECT DISTINCT a FROM t ORDER BY a DESC", true),
        (
            "SELECT b, sum(a) FROM t GROUP BY b HAVING sum(a) > 0 ORDER BY 2",
            true,
        ),
        ("SELECT a FROM t ORDER BY a LIMIT 2 OFFSET 1", true),
        (
            "SELECT coalesce(a, 0), ifnull(b, '?'), nullif(a, 3), upper(b), lower(b), length(b), abs(a) FROM t ORDER BY id",
            true,
        ),
        (
            "SELECT id FROM t WHERE b = 'x' OR a IS NULL ORDER BY id",
            true,
        ),
        (
            "SELECT x.id, y.id FROM t x, t y WHERE x.a = y.a AND x.id < y.id",
            false,
        ),
        (
            "SELECT a + 0.5, a || b, typeof(a), typeof(b), typeof(1.5) FROM t ORDER BY id",
            true,
        ),
        (
            "SELECT 9223372036854775807 + 1, -9223372036854775808, 1e3, 10 / 4.0",
            true,
        ),
    ] {
        compare(&mut db, &conn, q, ordered, "fixed cases");
    }
}
