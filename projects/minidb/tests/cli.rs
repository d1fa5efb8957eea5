#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `minidb` binary, driven as a person or a script would.

use std::io::Write;
use std::process::{Command, Stdio};

fn minidb(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_minidb"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn execute_flags_persist_to_the_file_and_print_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let db = db.to_str().unwrap();
    let (code, _, err) = minidb(
        &[
            db,
            "-e",
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)",
            "-e",
            "INSERT INTO items (name, price) VALUES ('pen', 1.5), ('ink', NULL)",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = minidb(
        &[
            db,
            "--json",
            "-e",
            "SELECT id, name, price FROM items ORDER BY id",
        ],
        "",
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["columns"], serde_json::json!(["id", "name", "price"]));
    assert_eq!(
        v["rows"],
        serde_json::json!([[1, "pen", 1.5], [2, "ink", null]])
    );
    let (code, out, _) = minidb(&[db, "-e", "SELECT name, price FROM items ORDER BY id"], "");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "name | price\n-----+------\npen  |   1.5\nink  | NULL\n(2 rows)\n"
    );
}

#[test]
fn errors_exit_non_zero_with_one_line() {
    let (code, out, err) = minidb(&["-e", "SELECT FROM"], "");
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: syntax error at line 1, column 8: expected an expression, found 'FROM'\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.db");
    std::fs::write(&bogus, "not a database at all").unwrap();
    let (code, _, err) = minidb(&[bogus.to_str().unwrap(), "-e", "SELECT 1"], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("not a minidb database") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn piped_scripts_handle_multi_line_statements_and_dot_commands() {
    let script = "CREATE TABLE t (a INTEGER,\n  b TEXT);\nINSERT INTO t VALUES (1, 'x;y'),\n (2, 'z');\n.tables\n.schema\n.timer on\nSELECT b FROM t\n WHERE a = 1;\nSELECT nope FROM t;\nSELECT count(*) FROM t;\n";
    let (code, out, err) = minidb(&[], script);
    assert_eq!(code, 1, "a failed statement makes the exit code non-zero");
    assert!(out.contains("INSERT 2 rows"), "{out}");
    assert!(out.contains("\nt\n"), "{out}");
    assert!(
        out.contains("CREATE TABLE t (a INTEGER,\n  b TEXT);"),
        "{out}"
    );
    assert!(out.contains("b\n---\nx;y\n(1 row)"), "{out}");
    assert!(out.contains("Time: "), "{out}");
    assert!(out.contains("count(*)\n--------\n       2"), "{out}");
    assert_eq!(err, "error: no such column: nope\n");
}

/// How megarepo embeds the command: `megarepo db ...` is `minidb::cli::Args`
/// as a subcommand's arguments.
#[test]
fn args_embed_as_a_subcommand() {
    use clap::Parser;
    #[derive(clap::Parser)]
    struct App {
        #[command(subcommand)]
        command: Command,
    }
    #[derive(clap::Subcommand)]
    enum Command {
        Db(minidb::cli::Args),
    }
    let app = App::try_parse_from([
        "megarepo", "db", "shop.db", "-e", "SELECT 1", "-e", "SELECT 2", "--json",
    ])
    .unwrap();
    let Command::Db(args) = app.command;
    assert_eq!(args.file.as_deref(), Some(std::path::Path::new("shop.db")));
    assert_eq!(args.execute, ["SELECT 1", "SELECT 2"]);
    assert!(args.json);
    assert!(App::try_parse_from(["megarepo", "db", "--bogus"]).is_err());
}
