#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The parser (and the whole engine behind it) never panics on random
//! input: arbitrary text, and "token soup" that looks almost like SQL and so
//! reaches deep into the grammar, the planner and the executor.

use minidb::Database;
use minidb::sql::parser::parse;
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "HAVING",
    "ORDER",
    "LIMIT",
    "OFFSET",
    "DISTINCT",
    "AND",
    "OR",
    "NOT",
    "IS",
    "NULL",
    "IN",
    "BETWEEN",
    "LIKE",
    "JOIN",
    "LEFT",
    "ON",
    "AS",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "CREATE",
    "TABLE",
    "INDEX",
    "UNIQUE",
    "PRIMARY",
    "KEY",
    "DROP",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "EXPLAIN",
    "INTEGER",
    "TEXT",
    "REAL",
    "BOOLEAN",
    "DEFAULT",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "abs",
    "t",
    "u",
    "a",
    "b",
    "id",
    "*",
    "(",
    ")",
    ",",
    ";",
    ".",
    "=",
    "<",
    ">",
    "<=",
    ">=",
    "!=",
    "+",
    "-",
    "/",
    "%",
    "||",
    "?",
    "1",
    "0",
    "-1",
    "2.5",
    "'x'",
    "'%'",
    "9223372036854775807",
    "TRUE",
    "FALSE",
    "\"q\"",
    "--",
    "/*",
    "*/",
];

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..40).prop_map(|t| t.join(" "))
}

fn db() -> Database {
    let mut db = Database::open_in_memory().unwrap();
    db.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT); CREATE INDEX ta ON t (a)",
    )
    .unwrap();
    db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, a INTEGER)")
        .unwrap();
    db.execute("INSERT INTO t (a, b) VALUES (1, 'x'), (NULL, 'y'), (3, NULL); INSERT INTO u (a) VALUES (1), (3)").unwrap();
    db
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,120}") {
        let _ = parse(&s);
    }

    #[test]
    fn token_soup_never_panics_anywhere(s in soup()) {
        let _ = parse(&s);
        let mut db = db();
        let _ = db.execute(&s);
        // Whatever happened, the database still answers.
        prop_assert!(db.execute("SELECT count(*) FROM u").is_ok());
    }

    #[test]
    fn near_sql_never_panics(
        prefix in proptest::sample::select(&["SELECT", "SELECT a FROM t WHERE", "SELECT * FROM t JOIN u ON", "UPDATE t SET a =", "INSERT INTO t VALUES ("][..]),
        rest in soup(),
    ) {
        let mut db = db();
        let _ = db.execute(&format!("{prefix} {rest}"));
        prop_assert!(db.execute("SELECT count(*) FROM t").is_ok());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for s in [
        format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000)),
        format!("SELECT {}1", "NOT ".repeat(5000)),
        format!("SELECT {}1", "- ".repeat(5000)),
    ] {
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("expected"), "{e}");
    }
    // A long flat chain is fine up to a limit, then an error.
    let flat = format!("SELECT {}", vec!["1"; 400].join(" + "));
    assert!(parse(&flat).is_ok());
    let mut db = Database::open_in_memory().unwrap();
    assert_eq!(
        db.execute(&flat).unwrap().rows[0][0],
        minidb::Value::Integer(400)
    );
    let long = format!("SELECT {}", vec!["1"; 3000].join(" + "));
    assert!(
        parse(&long)
            .unwrap_err()
            .message
            .contains("at most 500 operators")
    );
    // Long IN lists are wide, not deep.
    let wide = format!(
        "SELECT 5 IN ({})",
        (0..5000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_eq!(
        db.execute(&wide).unwrap().rows[0][0],
        minidb::Value::Integer(1)
    );
}
