//! The command-line face: `minidb [FILE] [-e SQL]... [--json]`, and the REPL.
//!
//! [`Args`] is a clap-derive struct so another program (megarepo's `db`
//! subcommand) can embed it whole and call [`run`]. With `-e`, the given SQL
//! runs and the process exits (non-zero if a statement failed). Without it,
//! statements are read from standard input: with line editing and history
//! on a terminal, plainly from a pipe. A statement may span lines and ends
//! at `;`. Dot commands: `.tables`, `.schema`, `.explain on|off`,
//! `.timer on|off`, `.stats`, `.checkpoint`, `.help`, `.quit`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use serde_json::{Value as Json, json};

use crate::sql::lexer::{Tok, tokenize};
use crate::sql::plan::PlanTree;
use crate::{Database, QueryResult, Value};

/// Query a minidb database.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "minidb",
    about = "A small disk-based SQL database: query a file, or start a console"
)]
pub struct Args {
    /// Database file (created if missing); in memory when left out.
    pub file: Option<PathBuf>,
    /// Run this SQL and exit (may be given several times).
    #[arg(short = 'e', long = "execute", value_name = "SQL")]
    pub execute: Vec<String>,
    /// Print results as JSON, one object per statement and line.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command line: `-e` statements, or the console.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = match &args.file {
        Some(path) => Database::open(path)?,
        None => Database::open_in_memory().context("opening an in-memory database")?,
    };
    let stdout = std::io::stdout();
    let mut console = Console::new(db, args.json, stdout.lock());
    if !args.execute.is_empty() {
        let mut ok = true;
        for sql in &args.execute {
            ok &= console.run_sql(sql)?;
        }
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() && !args.json {
        console.interactive()?;
        Ok(ExitCode::SUCCESS)
    } else {
        let ok = console.script(stdin.lock())?;
        Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }
}

/// True when `buf` holds complete statements: it ends with `;` outside any
/// string or comment.
pub fn is_complete(buf: &str) -> bool {
    match tokenize(buf) {
        Ok(tokens) => {
            let real: Vec<&Tok> = tokens
                .iter()
                .map(|t| &t.tok)
                .filter(|t| **t != Tok::Eof)
                .collect();
            matches!(real.last(), Some(Tok::Sym(";")))
        }
        // An unterminated string or comment may go on on the next line;
        // any other lexing error is for the statement to report.
        Err(e) => !e.message.starts_with("unterminated"),
    }
}

/// A console over any output: holds the database and the display settings.
pub struct Console<W: Write> {
    db: Database,
    out: W,
    json: bool,
    explain: bool,
    timer: bool,
}

const HELP: &str = "\
.tables              list tables
.schema [TABLE]      show CREATE statements
.explain on|off      show the plan before each query
.timer on|off        show how long each statement took
.stats               pages, buffer pool and WAL figures
.checkpoint          copy the WAL into the database file
.help                this list
.quit                leave (also Ctrl-D)
Statements end with ';' and may span lines.";

impl<W: Write> Console<W> {
    pub fn new(db: Database, json: bool, out: W) -> Self {
        Console {
            db,
            out,
            json,
            explain: false,
            timer: false,
        }
    }

    pub fn database(&mut self) -> &mut Database {
        &mut self.db
    }

    /// Runs SQL (one or more statements), printing results or errors.
    /// Returns false if a statement failed.
    pub fn run_sql(&mut self, sql: &str) -> anyhow::Result<bool> {
        let statements = match crate::sql::parser::parse(sql) {
            Ok(s) => s,
            Err(e) => {
                self.error(&e.to_string())?;
                return Ok(false);
            }
        };
        for p in statements {
            if self.explain
                && matches!(
                    p.statement,
                    crate::sql::ast::Statement::Select(_)
                        | crate::sql::ast::Statement::Update(_)
                        | crate::sql::ast::Statement::Delete(_)
                )
                && let Ok(tree) = self.db.explain(&p.text)
            {
                self.print_plan(&tree)?;
            }
            let started = Instant::now();
            let result = self.db.execute(&p.text);
            let elapsed = started.elapsed();
            match result {
                Ok(r) => self.print_result(&r)?,
                Err(e) => {
                    self.error(&e.to_string())?;
                    return Ok(false);
                }
            }
            if self.timer && !self.json {
                writeln!(self.out, "Time: {:.3} ms", elapsed.as_secs_f64() * 1000.0)?;
            }
        }
        Ok(true)
    }

    fn error(&mut self, msg: &str) -> anyhow::Result<()> {
        if self.json {
            writeln!(self.out, "{}", json!({ "error": msg }))?;
        } else {
            self.out.flush()?;
            eprintln!("error: {msg}");
        }
        Ok(())
    }

    fn print_plan(&mut self, tree: &PlanTree) -> anyhow::Result<()> {
        if self.json {
            return Ok(());
        }
        for line in tree.lines() {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }

    fn print_result(&mut self, r: &QueryResult) -> anyhow::Result<()> {
        if self.json {
            writeln!(self.out, "{}", result_json(r))?;
            return Ok(());
        }
        match r.tag {
            "SELECT" => {
                let table = render_table(&r.columns, &r.rows);
                self.out.write_all(table.as_bytes())?;
                let n = r.rows.len();
                writeln!(self.out, "({n} row{})", if n == 1 { "" } else { "s" })?;
            }
            "EXPLAIN" => {
                if let Some(tree) = &r.explain {
                    self.print_plan(tree)?;
                }
            }
            "INSERT" | "UPDATE" | "DELETE" => {
                let n = r.rows_affected;
                writeln!(
                    self.out,
                    "{} {n} row{}",
                    r.tag,
                    if n == 1 { "" } else { "s" }
                )?;
            }
            "" => {}
            tag => writeln!(self.out, "{tag}")?,
        }
        Ok(())
    }

    /// Handles a dot command; returns false for `.quit`.
    pub fn dot(&mut self, line: &str) -> anyhow::Result<bool> {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or_default();
        let arg = words.next();
        let switch = |arg: Option<&str>| match arg {
            Some("on") => Some(true),
            Some("off") => Some(false),
            _ => None,
        };
        match cmd {
            ".quit" | ".exit" => return Ok(false),
            ".help" => writeln!(self.out, "{HELP}")?,
            ".tables" => {
                for t in self.db.tables() {
                    writeln!(self.out, "{t}")?;
                }
            }
            ".schema" => {
                for s in self.db.schema() {
                    let wanted = arg.is_none_or(|t| {
                        crate::sql::parser::parse(&s)
                            .ok()
                            .and_then(|p| p.into_iter().next())
                            .is_some_and(|p| match p.statement {
                                crate::sql::ast::Statement::CreateTable(c) => {
                                    c.name.eq_ignore_ascii_case(t)
                                }
                                crate::sql::ast::Statement::CreateIndex(c) => {
                                    c.table.eq_ignore_ascii_case(t)
                                }
                                _ => false,
                            })
                    });
                    if wanted {
                        writeln!(self.out, "{s}")?;
                    }
                }
            }
            ".explain" => match switch(arg) {
                Some(on) => self.explain = on,
                None => self.error(".explain takes on or off")?,
            },
            ".timer" => match switch(arg) {
                Some(on) => self.timer = on,
                None => self.error(".timer takes on or off")?,
            },
            ".stats" => {
                let s = self.db.stats();
                writeln!(
                    self.out,
                    "pages {} ({} free), page size {} B\nbuffer pool {}/{} pages, {} hits, {} misses, hit rate {:.1}%, {} evictions\nWAL {} frames, {} bytes; {} commits; {} tables, {} indexes{}",
                    s.pages,
                    s.free_pages,
                    s.page_size,
                    s.pool_used,
                    s.pool_capacity,
                    s.pool_hits,
                    s.pool_misses,
                    s.hit_rate() * 100.0,
                    s.pool_evictions,
                    s.wal_frames,
                    s.wal_bytes,
                    s.commits,
                    s.tables,
                    s.indexes,
                    if s.in_transaction {
                        "; in a transaction"
                    } else {
                        ""
                    }
                )?;
            }
            ".checkpoint" => {
                if let Err(e) = self.db.checkpoint() {
                    self.error(&e.to_string())?;
                }
            }
            other => self.error(&format!("unknown command {other} (try .help)"))?,
        }
        Ok(true)
    }

    /// Reads statements from a pipe or file; returns false if any failed.
    pub fn script(&mut self, input: impl BufRead) -> anyhow::Result<bool> {
        let mut ok = true;
        let mut buf = String::new();
        for line in input.lines() {
            let line = line?;
            if buf.trim().is_empty() && line.trim_start().starts_with('.') {
                if !self.dot(line.trim())? {
                    return Ok(ok);
                }
                continue;
            }
            buf.push_str(&line);
            buf.push('\n');
            if is_complete(&buf) {
                ok &= self.run_sql(&buf)?;
                buf.clear();
            }
        }
        if !buf.trim().is_empty() {
            ok &= self.run_sql(&buf)?;
        }
        Ok(ok)
    }

    /// The interactive console, with line editing and history.
    pub fn interactive(&mut self) -> anyhow::Result<()> {
        use rustyline::error::ReadlineError;
        let mut editor = rustyline::DefaultEditor::new()?;
        let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".minidb_history"));
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        let name = self
            .db
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ":memory:".into());
        writeln!(
            self.out,
            "minidb console on {name}. Statements end with ';'. Type .help for commands."
        )?;
        let mut buf = String::new();
        loop {
            let prompt = if buf.is_empty() {
                "minidb> "
            } else {
                "   ...> "
            };
            self.out.flush()?;
            match editor.readline(prompt) {
                Ok(line) => {
                    if buf.is_empty() && line.trim_start().starts_with('.') {
                        let _ = editor.add_history_entry(line.as_str());
                        if !self.dot(line.trim())? {
                            break;
                        }
                        continue;
                    }
                    buf.push_str(&line);
                    buf.push('\n');
                    if is_complete(&buf) {
                        let _ = editor.add_history_entry(buf.trim_end());
                        self.run_sql(&buf)?;
                        buf.clear();
                    }
                }
                Err(ReadlineError::Interrupted) => buf.clear(),
                Err(ReadlineError::Eof) => break,
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(h) = &history {
            let _ = editor.save_history(h);
        }
        Ok(())
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => json!(i),
        Value::Real(r) => json!(r),
        Value::Text(s) => json!(s),
    }
}

fn plan_json(t: &PlanTree) -> Json {
    json!({ "label": t.label, "children": t.children.iter().map(plan_json).collect::<Vec<_>>() })
}

/// A result as one JSON object.
pub fn result_json(r: &QueryResult) -> Json {
    let mut obj = json!({
        "statement": r.tag,
        "columns": r.columns,
        "rows": r.rows.iter().map(|row| row.iter().map(value_json).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "rows_affected": r.rows_affected,
    });
    if let Some(t) = &r.explain {
        obj["plan"] = plan_json(t);
    }
    obj
}

/// Rows as an aligned text table: numbers right-aligned, text left-aligned.
pub fn render_table(columns: &[String], rows: &[Vec<Value>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(Value::render).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let pad = |s: &str, w: usize, right: bool| {
        let fill = " ".repeat(w.saturating_sub(s.chars().count()));
        if right {
            format!("{fill}{s}")
        } else {
            format!("{s}{fill}")
        }
    };
    let mut out = String::new();
    let header: Vec<String> = columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| pad(c, *w, false))
        .collect();
    out.push_str(header.join(" | ").trim_end());
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-"),
    );
    out.push('\n');
    for (row, vals) in cells.iter().zip(rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .zip(vals)
            .map(|((c, w), v)| pad(c, *w, matches!(v, Value::Integer(_) | Value::Real(_))))
            .collect();
        out.push_str(line.join(" | ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_follows_semicolons_outside_strings() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SELECT 1; -- done\n"));
        assert!(!is_complete("SELECT 1"));
        assert!(!is_complete("SELECT ';"));
        assert!(!is_complete("SELECT 1 /* ; "));
        assert!(is_complete("SELECT #;"));
    }

    #[test]
    fn tables_are_aligned() {
        let t = render_table(
            &["id".into(), "name".into()],
            &[
                vec![Value::Integer(7), Value::Text("ada".into())],
                vec![Value::Integer(123), Value::Null],
            ],
        );
        assert_eq!(t, "id  | name\n----+-----\n  7 | ada\n123 | NULL\n");
    }

    #[test]
    fn console_runs_scripts_with_dot_commands() {
        let db = Database::open_in_memory().unwrap();
        let mut out = Vec::new();
        let mut c = Console::new(db, false, &mut out);
        let ok = c
            .script("CREATE TABLE t (a INTEGER);\nINSERT INTO t\n  VALUES (1), (2);\n.tables\n.explain on\nSELECT a FROM t WHERE a > 1;\n".as_bytes())
            .unwrap();
        assert!(ok);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("INSERT 2 rows"), "{text}");
        assert!(text.contains("\nt\n"), "{text}");
        assert!(text.contains("SCAN t"), "{text}");
        assert!(text.contains("a\n-\n2\n(1 row)"), "{text}");
    }
}
