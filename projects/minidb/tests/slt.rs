#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Runs every `tests/slt/*.slt` script with the `sqllogictest` crate, each
//! against a fresh in-memory database.

use minidb::{Database, Value};
use sqllogictest::{DBOutput, DefaultColumnType, Runner};

struct Slt(Database);

#[derive(Debug)]
struct SltError(String);

impl std::fmt::Display for SltError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SltError {}

impl sqllogictest::DB for Slt {
    type Error = SltError;
    type ColumnType = DefaultColumnType;

    fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, SltError> {
        let r = self.0.execute(sql).map_err(|e| SltError(e.to_string()))?;
        if r.tag != "SELECT" && r.tag != "EXPLAIN" {
            return Ok(DBOutput::StatementComplete(r.rows_affected));
        }
        let types = (0..r.columns.len())
            .map(
                |i| match r.rows.iter().map(|row| &row[i]).find(|v| !v.is_null()) {
                    Some(Value::Integer(_)) => DefaultColumnType::Integer,
                    Some(Value::Real(_)) => DefaultColumnType::FloatingPoint,
                    Some(Value::Text(_)) => DefaultColumnType::Text,
                    _ => DefaultColumnType::Any,
                },
            )
            .collect();
        let rows = r
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| match v {
                        Value::Text(s) if s.is_empty() => "(empty)".to_string(),
                        other => other.render(),
                    })
                    .collect()
            })
            .collect();
        Ok(DBOutput::Rows { types, rows })
    }

    fn engine_name(&self) -> &str {
        "minidb"
    }
}

#[test]
fn slt_scripts_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "slt"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 8,
        "expected the .slt scripts in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for file in &files {
        let mut runner = Runner::new(|| async {
            Database::open_in_memory()
                .map(Slt)
                .map_err(|e| SltError(e.to_string()))
        });
        if let Err(e) = runner.run_file(file) {
            failures.push(format!("{}:\n{e}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
