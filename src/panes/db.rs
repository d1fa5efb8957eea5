//! The database pane: a query console over `minidb` running in-process,
//! with the result as a scrollable table, the EXPLAIN tree of the last
//! query, and the storage figures (pages, buffer pool, WAL) after each
//! statement.
//!
//! The pane owns no database logic. A `minidb::Database` is `Send` but not
//! `Sync`, so it lives on one worker thread for as long as the pane holds
//! the file: the thread opens `DATA/db/study.db`, then runs what the
//! console sends it ([`Req`]) one request at a time and answers through the
//! pane's mailbox with the results, the plan and fresh [`Stats`]. Rows come
//! back with `execute_with_limit`, so `SELECT * FROM big` costs a screenful,
//! not the table. Everything shown is prepared when an answer arrives
//! ([`ResultTable`]), so drawing only reads.
//!
//! A minidb file admits one process. Closing (`x`) drops the sender, the
//! worker finishes the statement in hand, skips what is queued, drops the
//! database (an open transaction is rolled back, the WAL checkpointed) and
//! is joined, so `megarepo db FILE` can open the file the moment `x`
//! returns. A file that cannot be opened (locked, damaged, not a database)
//! is reported and left as it is.

use crate::jobs::{JobSender, Mailbox};
use crate::pane::{Ctx, Handled, Pane};
use crate::theme::Theme;
use crate::tui::console::{Console, ConsoleEvent, Tone};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crate::tui::text::human_bytes;
use crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};
use minidb::sql::ast::Statement;
use minidb::{Database, OpenError, PlanTree, QueryResult, Stats, Value};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const ID: &str = "db";
/// Rows fetched per query: a few screens, never a whole big table.
pub const MAX_ROWS: usize = 500;
const LOG_LINES: usize = 2000;
/// Rows of the log under the table (plus the input line).
const LOG_ROWS: u16 = 7;
/// A cell wider than this is cut with `…` (the table scrolls sideways).
const MAX_CELL: usize = 40;
const PROMPT: &str = "sql> ";
const MORE: &str = " ..> ";

/// What the console asks of the worker thread that owns the database.
enum Req {
    Sql(String),
    Tables,
    Schema,
}

enum Msg {
    Opened(Result<Opened, String>),
    Ran(Batch),
    /// Lines answering `.tables` or `.schema`.
    Listed(Vec<String>),
    /// The worker stopped on its own (it panicked): the file is released.
    Stopped(String),
}

struct Opened {
    stats: Stats,
    tables: Vec<String>,
}

/// One statement that ran.
struct Outcome {
    text: String,
    result: QueryResult,
    /// The plan of a SELECT, UPDATE or DELETE (EXPLAIN carries its own).
    plan: Option<PlanTree>,
    elapsed: Duration,
}

/// The answer to one submitted text, which may hold several statements:
/// they run in order and stop at the first error.
struct Batch {
    done: Vec<Outcome>,
    error: Option<String>,
    stats: Stats,
    tables: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Type,
    Explain,
    Close,
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    LogUp,
    LogDown,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('i'), Key::ch(':'), Key::code(KeyCode::Enter)],
        "i / : / enter",
        "type SQL (ends with ;, may span lines; .tables .schema .help)",
        Cmd::Type,
    ),
    bind(
        &[Key::ch('e')],
        "e",
        "show or hide the EXPLAIN tree of the last query",
        Cmd::Explain,
    ),
    bind(
        &[Key::ch('x')],
        "x",
        "close the database (so `megarepo db FILE` can use it)",
        Cmd::Close,
    ),
    bind(&[Key::ch('o')], "o", "open the database again", Cmd::Open),
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "result rows: up",
        Cmd::Up,
    ),
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "result rows: down",
        Cmd::Down,
    ),
    bind(
        &[Key::code(KeyCode::PageUp)],
        "PgUp",
        "result rows: a page up",
        Cmd::PageUp,
    ),
    bind(
        &[Key::code(KeyCode::PageDown)],
        "PgDn",
        "result rows: a page down",
        Cmd::PageDown,
    ),
    bind(
        &[Key::ch('g'), Key::code(KeyCode::Home)],
        "g / Home",
        "first result row",
        Cmd::Top,
    ),
    bind(
        &[Key::ch('G'), Key::code(KeyCode::End)],
        "G / End",
        "last result row",
        Cmd::Bottom,
    ),
    bind(
        &[Key::ch('h'), Key::code(KeyCode::Left)],
        "h / ←",
        "result columns: scroll left",
        Cmd::Left,
    ),
    bind(
        &[Key::ch('l'), Key::code(KeyCode::Right)],
        "l / →",
        "result columns: scroll right",
        Cmd::Right,
    ),
    bind(&[Key::ch('K')], "K", "log: older lines", Cmd::LogUp),
    bind(&[Key::ch('J')], "J", "log: newer lines", Cmd::LogDown),
]);

const DOT_HELP: &str = "\
.tables        list tables
.schema        the CREATE statements of tables and indexes
.help          this list
Statements end with ';' and may span lines (esc leaves the input line).";

#[derive(Debug, Clone, PartialEq)]
enum Conn {
    Closed,
    Opening,
    Open,
    Failed(String),
}

/// How a cell is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Null,
    Number,
    Text,
}

/// A result prepared for drawing: cell texts cut to [`MAX_CELL`], column
/// widths, and the line that says what it is.
struct ResultTable {
    /// The statement, on one line.
    query: String,
    summary: String,
    columns: Vec<String>,
    rows: Vec<Vec<(String, CellKind)>>,
    widths: Vec<usize>,
}

impl ResultTable {
    fn new(text: &str, r: &QueryResult, elapsed: Duration) -> ResultTable {
        let rows: Vec<Vec<(String, CellKind)>> = r
            .rows
            .iter()
            .map(|row| row.iter().map(cell).collect())
            .collect();
        let columns: Vec<String> = r.columns.iter().map(|c| cut(c, MAX_CELL)).collect();
        let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
        for row in &rows {
            for (i, (t, _)) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(t));
                }
            }
        }
        let n = rows.len();
        let mut summary = if r.truncated {
            format!("first {n} rows (the rest was not fetched: narrow with WHERE or LIMIT/OFFSET)")
        } else {
            format!("{n} row{}", plural(n as u64))
        };
        summary.push_str(&format!(" · {}", ms(elapsed)));
        ResultTable {
            query: one_line(text),
            summary,
            columns,
            rows,
            widths,
        }
    }
}

fn cell(v: &Value) -> (String, CellKind) {
    match v {
        Value::Null => ("NULL".into(), CellKind::Null),
        Value::Integer(_) | Value::Real(_) => (v.render(), CellKind::Number),
        Value::Text(_) => (cut(&one_line(&v.render()), MAX_CELL), CellKind::Text),
    }
}

fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// At most `max` columns of `s`, ending in `…` when cut.
fn cut(s: &str, max: usize) -> String {
    crate::tui::text::truncate(s, max)
}

/// Newlines and tabs as spaces, runs of spaces as one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The worker: owns the database from open to close.
fn serve(path: PathBuf, rx: mpsc::Receiver<Req>, job: JobSender<Msg>) {
    // If the engine panics, say so instead of leaving a pane that waits.
    struct Guard(JobSender<Msg>);
    impl Drop for Guard {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.send(Msg::Stopped(
                    "the database worker panicked (a bug in minidb); the file is closed, o reopens it"
                        .into(),
                ));
            }
        }
    }
    let _guard = Guard(job.clone());
    let mut db = match open(&path) {
        Ok(db) => db,
        Err(e) => {
            job.send(Msg::Opened(Err(e)));
            return;
        }
    };
    job.send(Msg::Opened(Ok(Opened {
        stats: db.stats(),
        tables: db.tables(),
    })));
    for req in rx {
        // Closing cancels the job: what is still queued is not run.
        if job.is_cancelled() {
            break;
        }
        let msg = match req {
            Req::Sql(sql) => Msg::Ran(run_batch(&mut db, &sql, MAX_ROWS)),
            Req::Tables => Msg::Listed(db.tables()),
            Req::Schema => Msg::Listed(db.schema()),
        };
        if !job.send(msg) {
            break;
        }
    }
    // Dropping the database rolls back an open transaction and checkpoints
    // the WAL; the file lock goes with it.
    drop(db);
}

fn open(path: &Path) -> Result<Database, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Database::open(path).map_err(|e| {
        let hint = match &e {
            OpenError::Locked { .. } => {
                " (another program has it: close it there, then press o here)"
            }
            OpenError::Corrupt { .. }
            | OpenError::NotADatabase { .. }
            | OpenError::UnsupportedVersion { .. } => " (the file was left exactly as it is)",
            OpenError::Io { .. } => "",
        };
        format!("{e}{hint}")
    })
}

/// Runs each statement of `sql` in order, stopping at the first error.
/// A SELECT returns at most `max_rows` rows.
fn run_batch(db: &mut Database, sql: &str, max_rows: usize) -> Batch {
    let mut done = Vec::new();
    let mut error = None;
    match minidb::sql::parser::parse(sql) {
        Err(e) => error = Some(e.to_string()),
        Ok(statements) => {
            for p in statements {
                let plan = match p.statement {
                    Statement::Select(_) | Statement::Update(_) | Statement::Delete(_) => {
                        db.explain(&p.text).ok()
                    }
                    _ => None,
                };
                let started = Instant::now();
                match db.execute_with_limit(&p.text, max_rows) {
                    Ok(result) => done.push(Outcome {
                        text: p.text,
                        result,
                        plan,
                        elapsed: started.elapsed(),
                    }),
                    Err(e) => {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
        }
    }
    Batch {
        done,
        error,
        stats: db.stats(),
        tables: db.tables(),
    }
}

/// A table name `open_at` accepts: an identifier, so it can be put in SQL.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub struct DbPane {
    path: Option<PathBuf>,
    conn: Conn,
    worker: Option<mpsc::Sender<Req>>,
    /// Joined on close, so the file's lock is released before `x` returns.
    worker_thread: Option<std::thread::JoinHandle<()>>,
    mailbox: Mailbox<Msg>,
    console: Console,
    /// Lines of a statement not yet ended with `;`.
    pending: String,
    /// One entry per request sent and not answered yet, in order: the
    /// lines typed while it was the newest one running, echoed after its
    /// answer so the log reads statement, answer, statement, answer.
    queued: VecDeque<Vec<(String, Tone)>>,
    stats: Option<Stats>,
    tables: Vec<String>,
    table: Option<ResultTable>,
    /// The statement and plan of the last query that had one.
    plan: Option<(String, PlanTree)>,
    /// `e`: show the plan of the last query.
    show_plan: bool,
    /// The last statement was an EXPLAIN: its tree is shown whatever `e` says.
    explained: bool,
    /// First row and first column of the table in view.
    row: usize,
    col: usize,
    /// Table rows in view at the last resize (page scrolling).
    page: usize,
    /// `x` was pressed once while a transaction is open.
    close_armed: bool,
}

impl Default for DbPane {
    fn default() -> Self {
        Self::new()
    }
}

impl DbPane {
    pub fn new() -> Self {
        let mut console = Console::new(LOG_LINES).with_input(PROMPT);
        console.set_placeholder("the database opens when this tab is shown");
        DbPane {
            path: None,
            conn: Conn::Closed,
            worker: None,
            worker_thread: None,
            mailbox: Mailbox::new(),
            console,
            pending: String::new(),
            queued: VecDeque::new(),
            stats: None,
            tables: Vec::new(),
            table: None,
            plan: None,
            show_plan: false,
            explained: false,
            row: 0,
            col: 0,
            page: 10,
            close_armed: false,
        }
    }

    /// The database file: `DATA/db/study.db`.
    pub fn file(data_dir: &Path) -> PathBuf {
        data_dir.join("db").join("study.db")
    }

    fn path_shown(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    /// Start the worker, which opens the file and then serves requests;
    /// requests sent meanwhile wait in its channel.
    fn open(&mut self, cx: &mut Ctx) {
        if self.worker.is_some() {
            return;
        }
        let path = Self::file(cx.store.data_dir());
        self.path = Some(path.clone());
        self.conn = Conn::Opening;
        self.console.set_placeholder("opening the database…");
        let (tx, rx) = mpsc::channel::<Req>();
        let job = self.mailbox.start("worker", cx.waker());
        match std::thread::Builder::new()
            .name("db-worker".into())
            .spawn(move || serve(path, rx, job))
        {
            Ok(t) => {
                self.worker = Some(tx);
                self.worker_thread = Some(t);
            }
            Err(e) => {
                self.mailbox.cancel("worker");
                let e = format!("cannot start the database thread: {e}");
                self.console.error(&e);
                self.conn = Conn::Failed(e);
            }
        }
    }

    /// Release the file: stop the worker and wait for it.
    fn close(&mut self) {
        self.mailbox.cancel("worker");
        self.worker = None;
        if let Some(t) = self.worker_thread.take() {
            let _ = t.join();
        }
        let unanswered = self.queued.len();
        self.queued.clear();
        if unanswered > 0 {
            self.console.push(
                format!(
                    "closed with {unanswered} request(s) unanswered: the one running finished on its own, the rest were not run"
                ),
                Tone::Dim,
            );
        }
        self.stats = None;
        self.close_armed = false;
        self.pending.clear();
        self.console.set_prompt(PROMPT);
        if !matches!(self.conn, Conn::Failed(_)) {
            self.conn = Conn::Closed;
        }
        self.console
            .set_placeholder("the database is closed (o opens it)");
    }

    fn send(&mut self, req: Req) -> bool {
        let sent = self.worker.as_ref().map(|w| w.send(req).is_ok());
        match sent {
            Some(true) => {
                self.queued.push_back(Vec::new());
                true
            }
            Some(false) => {
                self.console
                    .error("the database worker stopped; press o to reopen");
                false
            }
            None => {
                self.console.error("the database is closed (o opens it)");
                false
            }
        }
    }

    /// A line from the input: a dot command, or part of a statement run
    /// once the text ends with `;`.
    fn submit(&mut self, line: String) {
        let first = self.pending.is_empty();
        let prompt = if first { PROMPT } else { MORE };
        if first && line.trim().is_empty() {
            return;
        }
        self.echo(format!("{prompt}{line}"));
        if first && line.trim_start().starts_with('.') {
            self.dot(line.trim());
            return;
        }
        if !first {
            self.pending.push('\n');
        }
        self.pending.push_str(&line);
        if minidb::cli::is_complete(&self.pending) {
            let sql = std::mem::take(&mut self.pending);
            self.console.set_prompt(PROMPT);
            self.send(Req::Sql(sql));
        } else {
            self.console.set_prompt(MORE);
        }
    }

    /// Log a line now, or after the answers still to come when it was
    /// typed while the worker was busy.
    fn in_order(&mut self, line: String, tone: Tone) {
        match self.queued.back_mut() {
            Some(later) => later.push((line, tone)),
            None => self.console.push(line, tone),
        }
    }

    fn echo(&mut self, line: String) {
        self.in_order(line, Tone::Echo);
    }

    /// The oldest request was answered: show what was typed meanwhile.
    fn answered(&mut self) {
        for (line, tone) in self.queued.pop_front().unwrap_or_default() {
            self.console.push(line, tone);
        }
    }

    fn dot(&mut self, cmd: &str) {
        match cmd.split_whitespace().next().unwrap_or_default() {
            ".tables" => {
                self.send(Req::Tables);
            }
            ".schema" => {
                self.send(Req::Schema);
            }
            ".help" => {
                for l in DOT_HELP.lines() {
                    self.in_order(l.to_string(), Tone::Dim);
                }
            }
            other => self.in_order(
                format!("unknown command {other} (.help lists them)"),
                Tone::Error,
            ),
        }
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
            Msg::Opened(Ok(o)) => {
                self.conn = Conn::Open;
                let n = o.tables.len();
                self.console.push(
                    format!(
                        "opened {} ({n} table{}; i or enter types SQL, esc leaves it, ? lists keys)",
                        self.path_shown(),
                        plural(n as u64)
                    ),
                    Tone::Dim,
                );
                self.stats = Some(o.stats);
                self.tables = o.tables;
            }
            Msg::Opened(Err(e)) => {
                self.console.error(format!("cannot open the database: {e}"));
                self.conn = Conn::Failed(e);
                // The worker has ended; forget it so o tries again.
                self.worker = None;
                if let Some(t) = self.worker_thread.take() {
                    let _ = t.join();
                }
                self.queued.clear();
            }
            Msg::Ran(batch) => {
                self.on_batch(batch);
                self.answered();
            }
            Msg::Listed(lines) => {
                if lines.is_empty() {
                    self.console.push("(none)", Tone::Dim);
                }
                for l in lines {
                    self.console.say(l);
                }
                self.answered();
            }
            Msg::Stopped(why) => {
                cx.error(why.clone());
                self.console.error(why);
                self.close();
            }
        }
    }

    fn on_batch(&mut self, batch: Batch) {
        for o in batch.done {
            let r = &o.result;
            match r.tag {
                "SELECT" => {
                    let t = ResultTable::new(&o.text, r, o.elapsed);
                    self.console
                        .push(format!("SELECT {} (table above)", t.summary), Tone::Ok);
                    self.table = Some(t);
                    self.row = 0;
                    self.col = 0;
                    self.explained = false;
                    self.plan = o.plan.map(|p| (one_line(&o.text), p));
                }
                "EXPLAIN" => {
                    self.console.push(
                        format!("EXPLAIN (plan shown) · {}", ms(o.elapsed)),
                        Tone::Ok,
                    );
                    if let Some(tree) = r.explain.clone() {
                        self.plan = Some((one_line(&o.text), tree));
                        self.explained = true;
                    }
                }
                "INSERT" | "UPDATE" | "DELETE" => {
                    let n = r.rows_affected;
                    self.console.push(
                        format!("{} {n} row{} · {}", r.tag, plural(n), ms(o.elapsed)),
                        Tone::Ok,
                    );
                    if let Some(p) = o.plan {
                        self.plan = Some((one_line(&o.text), p));
                        self.explained = false;
                    }
                }
                "" => {}
                tag => self
                    .console
                    .push(format!("{tag} · {}", ms(o.elapsed)), Tone::Ok),
            }
        }
        if let Some(e) = batch.error {
            self.console.error(format!("error: {}", one_line(&e)));
        }
        if !batch.stats.in_transaction {
            self.close_armed = false;
        }
        self.stats = Some(batch.stats);
        self.tables = batch.tables;
    }

    fn in_transaction(&self) -> bool {
        self.stats.is_some_and(|s| s.in_transaction)
    }

    fn rows(&self) -> usize {
        self.table.as_ref().map_or(0, |t| t.rows.len())
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        if cmd != Cmd::Close {
            self.close_armed = false;
        }
        let last = self.rows().saturating_sub(1);
        let cols = self.table.as_ref().map_or(0, |t| t.columns.len());
        let page = self.page.max(1);
        match cmd {
            Cmd::Type => self.console.set_typing(true),
            Cmd::Explain => {
                if self.explained {
                    // The tree of an EXPLAIN is shown until the next query;
                    // `e` hides it like any other.
                    self.explained = false;
                    self.show_plan = false;
                } else {
                    self.show_plan = !self.show_plan;
                }
                if self.plan.is_none() {
                    cx.info("no plan yet: run a SELECT, UPDATE or DELETE, or EXPLAIN one");
                }
            }
            Cmd::Close => {
                if self.worker.is_none() {
                    cx.info("the database is not open (o opens it)");
                    return;
                }
                if self.in_transaction() && !self.close_armed {
                    self.close_armed = true;
                    self.console.error(
                        "a transaction is open: closing rolls it back. COMMIT first, or press x again",
                    );
                    return;
                }
                let rolled_back = self.in_transaction();
                self.close();
                self.console.push(
                    format!(
                        "closed{}; the CLI can use it now: megarepo db {} (o reopens)",
                        if rolled_back {
                            " (the open transaction was rolled back)"
                        } else {
                            ""
                        },
                        self.path_shown()
                    ),
                    Tone::Dim,
                );
            }
            Cmd::Open => {
                if self.worker.is_some() {
                    cx.info("the database is already open");
                } else {
                    self.open(cx);
                }
            }
            Cmd::Up => self.row = self.row.saturating_sub(1),
            Cmd::Down => self.row = (self.row + 1).min(last),
            Cmd::PageUp => self.row = self.row.saturating_sub(page),
            Cmd::PageDown => self.row = (self.row + page).min(last),
            Cmd::Top => self.row = 0,
            Cmd::Bottom => self.row = self.rows().saturating_sub(page),
            Cmd::Left => self.col = self.col.saturating_sub(1),
            Cmd::Right => self.col = (self.col + 1).min(cols.saturating_sub(1)),
            Cmd::LogUp => {
                self.console.handle_key(Key::ch('k').event());
            }
            Cmd::LogDown => {
                self.console.handle_key(Key::ch('j').event());
            }
        }
    }

    fn plan_shown(&self) -> Option<&(String, PlanTree)> {
        if self.show_plan || self.explained {
            self.plan.as_ref()
        } else {
            None
        }
    }
}

impl Pane for DbPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "DB".into()
    }

    fn captures_text(&self) -> bool {
        self.console.typing()
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        if self.conn == Conn::Closed && self.worker.is_none() {
            self.open(cx);
        }
    }

    fn open_at(&mut self, target: &str, cx: &mut Ctx) -> Result<(), String> {
        let table = target.trim();
        if !is_identifier(table) {
            return Err(format!("`{target}` is not a table name"));
        }
        if self.conn == Conn::Open && !self.tables.iter().any(|t| t.eq_ignore_ascii_case(table)) {
            return Err(format!("the database has no table `{table}`"));
        }
        self.open(cx);
        self.pending.clear();
        self.console.set_prompt(PROMPT);
        let sql = format!("SELECT * FROM {table} LIMIT 100;");
        self.echo(format!("{PROMPT}{sql}"));
        if self.send(Req::Sql(sql)) {
            Ok(())
        } else {
            Err("the database is not open".into())
        }
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        if !self.console.typing() {
            return Handled::No;
        }
        // Each pasted line is a line typed and entered, so a statement
        // pasted over several lines (comments included) runs as written;
        // the last piece stays in the input line.
        let mut lines = text.split('\n').peekable();
        while let Some(l) = lines.next() {
            let l = l.strip_suffix('\r').unwrap_or(l);
            self.console.paste(l);
            if lines.peek().is_some()
                && let ConsoleEvent::Submit(line) =
                    self.console.handle_key(Key::code(KeyCode::Enter).event())
            {
                self.submit(line);
            }
        }
        Handled::Yes
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if !self.console.typing() {
            return match KEYS.lookup(&key) {
                Some(cmd) => {
                    self.run(cmd, cx);
                    Handled::Yes
                }
                None => Handled::No,
            };
        }
        match self.console.handle_key(key) {
            ConsoleEvent::Submit(line) => {
                self.submit(line);
                Handled::Yes
            }
            ConsoleEvent::Left => {
                // esc also drops a statement left unfinished.
                if !self.pending.is_empty() {
                    self.pending.clear();
                    self.console.set_prompt(PROMPT);
                    self.console
                        .push("(unfinished statement dropped)", Tone::Dim);
                }
                Handled::Yes
            }
            ConsoleEvent::Handled => Handled::Yes,
            ConsoleEvent::Unhandled => Handled::No,
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, area: Rect, _cx: &mut Ctx) -> Handled {
        let a = self.areas(area);
        let inside = |r: Rect| {
            ev.column >= r.x
                && ev.column < r.x + r.width
                && ev.row >= r.y
                && ev.row < r.y + r.height
        };
        if inside(a.log) {
            return Handled::from(self.console.handle_mouse(&ev));
        }
        if inside(a.table) {
            let last = self.rows().saturating_sub(1);
            match ev.kind {
                MouseEventKind::ScrollUp => self.row = self.row.saturating_sub(3),
                MouseEventKind::ScrollDown => self.row = (self.row + 3).min(last),
                _ => return Handled::No,
            }
            return Handled::Yes;
        }
        Handled::No
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.console.typing() {
            self.console.keys()
        } else {
            KEYS.help()
        }
    }

    fn status(&self, theme: &Theme) -> Vec<Span<'static>> {
        if self.in_transaction() {
            vec![Span::styled("db: in transaction ", theme.accent)]
        } else {
            Vec::new()
        }
    }

    fn on_resize(&mut self, area: Rect, _theme: &Theme) {
        let a = self.areas(area);
        self.console.on_resize(a.log);
        // header and rule above the rows, the query line below them
        self.page = (a.table.height as usize).saturating_sub(4).max(1);
    }

    fn shutdown(&mut self) {
        self.mailbox.cancel_all();
        self.close();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let a = self.areas(area);
        self.draw_table(f, a.table, theme);
        if let (Some((sql, tree)), Some(r)) = (self.plan_shown(), a.plan) {
            let block = Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border)
                .title(Span::styled(
                    format!(" plan: {} ", cut(sql, r.width.saturating_sub(10) as usize)),
                    theme.section,
                ));
            let lines: Vec<Line> = tree
                .lines()
                .into_iter()
                .map(|l| Line::styled(l, theme.text))
                .collect();
            f.render_widget(
                Paragraph::new(lines)
                    .block(block)
                    .wrap(ratatui::widgets::Wrap { trim: false }),
                r,
            );
        }
        let log_block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border)
            .title(Span::styled(" log ", theme.dim));
        let inner = log_block.inner(a.console);
        f.render_widget(log_block, a.console);
        let hint = match &self.conn {
            Conn::Open if !self.queued.is_empty() => {
                "running… · i type · e plan · x close · ? keys"
            }
            Conn::Open => "i type SQL · e plan · x close · ? keys",
            _ => "o open · ? keys",
        };
        self.console.draw(f, inner, theme, hint);
        f.render_widget(
            Block::default()
                .borders(Borders::LEFT)
                .border_style(theme.border),
            a.side,
        );
        f.render_widget(
            Paragraph::new(self.figures(theme, usize::from(a.figures.width))),
            a.figures,
        );
    }
}

/// Where everything goes; shared by drawing, resizing and the mouse.
struct Areas {
    table: Rect,
    plan: Option<Rect>,
    /// The log and its input line, under a rule.
    console: Rect,
    /// The log's output rows (for the wheel and page size).
    log: Rect,
    side: Rect,
    figures: Rect,
}

impl DbPane {
    fn areas(&self, area: Rect) -> Areas {
        let [main, side] = Layout::horizontal([
            Constraint::Min(30),
            Constraint::Length((area.width / 4).clamp(24, 30)),
        ])
        .areas(area);
        // The tree's lines wrap: count the rows they take at this width.
        let w = usize::from(main.width.max(1));
        let plan_h = self
            .plan_shown()
            .map_or(0, |(_, t)| {
                1 + t
                    .lines()
                    .iter()
                    .map(|l| width(l).div_ceil(w).max(1))
                    .sum::<usize>()
            })
            .min(usize::from(main.height / 3)) as u16;
        let [table, plan, console] = Layout::vertical([
            Constraint::Min(4),
            Constraint::Length(plan_h),
            Constraint::Length(LOG_ROWS + 2),
        ])
        .areas(main);
        let log = Rect {
            y: console.y + 1,
            height: console.height.saturating_sub(2),
            ..console
        };
        let figures = Block::default().borders(Borders::LEFT).inner(side);
        let figures = Rect {
            x: figures.x + 1,
            width: figures.width.saturating_sub(1),
            ..figures
        };
        Areas {
            table,
            plan: (plan_h > 0).then_some(plan),
            console,
            log,
            side,
            figures,
        }
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let Some(t) = &self.table else {
            let text = match &self.conn {
                Conn::Failed(e) => Line::styled(format!("cannot open: {e}"), theme.error),
                Conn::Opening => Line::styled("opening…", theme.dim),
                Conn::Closed => Line::styled("closed (o opens the database)", theme.dim),
                Conn::Open => Line::styled(
                    "no query yet: press i and type SQL ending with ; (e.g. CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);)",
                    theme.dim,
                ),
            };
            f.render_widget(
                Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
                area,
            );
            return;
        };
        let w = area.width as usize;
        let mut lines: Vec<Line> = Vec::new();
        // The columns from `self.col` that fit, the last one cut.
        let first = self.col.min(t.columns.len().saturating_sub(1));
        let sep = " │ ";
        let mut header = Vec::new();
        let mut rule = String::new();
        let mut used = 0;
        let mut shown = Vec::new();
        for i in first..t.columns.len() {
            if used >= w {
                break;
            }
            let cw = t.widths[i];
            shown.push(i);
            if !header.is_empty() {
                header.push(Span::styled(sep, theme.border));
                rule.push_str("─┼─");
            }
            header.push(Span::styled(pad(&t.columns[i], cw, false), theme.section));
            rule.push_str(&"─".repeat(cw));
            used += cw + sep.len();
        }
        let more_left = first > 0;
        let more_right = shown
            .last()
            .is_some_and(|&i| i + 1 < t.columns.len() || used > w);
        lines.push(Line::from(header));
        lines.push(Line::styled(rule, theme.border));
        let body = (area.height as usize).saturating_sub(3);
        let start = self.row.min(t.rows.len().saturating_sub(body.max(1)));
        for row in t.rows.iter().skip(start).take(body) {
            let mut spans = Vec::new();
            for (k, &i) in shown.iter().enumerate() {
                if k > 0 {
                    spans.push(Span::styled(sep, theme.border));
                }
                let (text, kind) = row
                    .get(i)
                    .map(|(s, k)| (s.as_str(), *k))
                    .unwrap_or(("", CellKind::Text));
                let style = match kind {
                    CellKind::Null => theme.dim.add_modifier(Modifier::ITALIC),
                    _ => theme.text,
                };
                spans.push(Span::styled(
                    pad(text, t.widths[i], kind == CellKind::Number),
                    style,
                ));
            }
            lines.push(Line::from(spans));
        }
        while lines.len() < (area.height as usize).saturating_sub(1) {
            lines.push(Line::raw(""));
        }
        let end = (start + body).min(t.rows.len());
        let pos = if t.rows.is_empty() {
            String::new()
        } else {
            format!("rows {}–{end} of ", start + 1)
        };
        let cols = match (more_left, more_right) {
            (false, false) => String::new(),
            (l, r) => format!(
                " · columns {}{}{}",
                if l { "← " } else { "" },
                "h/l",
                if r { " →" } else { "" }
            ),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{pos}{}{cols}", t.summary), theme.dim),
            Span::styled(format!(" · {}", t.query), theme.dim),
        ]));
        f.render_widget(Paragraph::new(lines).style(Style::default()), area);
    }

    /// The storage figures in the side column.
    fn figures(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        let figure = |k: &str, v: String| {
            crate::tui::text::labelled(k, v, 11, width, (theme.dim, theme.text))
        };
        let mut l = vec![Line::styled("storage", theme.section)];
        let Some(s) = &self.stats else {
            let (text, style) = match &self.conn {
                Conn::Failed(_) => ("cannot open (see the log)", theme.error),
                Conn::Opening => ("opening…", theme.dim),
                _ => ("closed", theme.dim),
            };
            l.push(Line::styled(text, style));
            return l;
        };
        let file = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        l.extend(figure("file", file));
        l.extend(figure(
            "pages",
            format!("{} × {}", s.pages, human_bytes(s.page_size as u64)),
        ));
        l.extend(figure("free pages", s.free_pages.to_string()));
        l.extend(figure(
            "size",
            human_bytes(u64::from(s.pages) * s.page_size as u64),
        ));
        l.extend(figure("tables", s.tables.to_string()));
        l.extend(figure("indexes", s.indexes.to_string()));
        l.push(Line::raw(""));
        l.push(Line::styled("buffer pool", theme.section));
        l.extend(figure(
            "pages held",
            format!("{} / {}", s.pool_used, s.pool_capacity),
        ));
        l.extend(figure("hits", s.pool_hits.to_string()));
        l.extend(figure("misses", s.pool_misses.to_string()));
        l.extend(figure("hit rate", format!("{:.1}%", s.hit_rate() * 100.0)));
        l.extend(figure("evictions", s.pool_evictions.to_string()));
        l.push(Line::raw(""));
        l.push(Line::styled("write-ahead log", theme.section));
        l.extend(figure("frames", s.wal_frames.to_string()));
        l.extend(figure("size", human_bytes(s.wal_bytes)));
        l.extend(figure("commits", s.commits.to_string()));
        l.extend(if s.in_transaction {
            crate::tui::text::labelled(
                "in txn",
                format!("yes, {} dirty pg", s.dirty_pages),
                11,
                width,
                (theme.dim, theme.accent),
            )
        } else {
            figure("in txn", "no".into())
        });
        l
    }
}

fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_batch_stops_at_the_first_error_and_keeps_what_ran() {
        let mut db = Database::open_in_memory().unwrap();
        let b = run_batch(
            &mut db,
            "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1); INSERT INTO nope VALUES (2); INSERT INTO t VALUES (3);",
            10,
        );
        assert_eq!(b.done.len(), 2);
        assert!(
            b.error.as_deref().unwrap().contains("nope"),
            "{:?}",
            b.error
        );
        let r = db.execute("SELECT count(*) FROM t").unwrap();
        assert_eq!(
            r.rows,
            [[Value::Integer(1)]],
            "the statement after the error did not run"
        );
        assert_eq!(b.tables, ["t"]);
    }

    #[test]
    fn a_syntax_error_is_one_line_with_line_and_column() {
        let mut db = Database::open_in_memory().unwrap();
        let b = run_batch(&mut db, "SELECT 1;\nSELEC 2;", 10);
        let e = b.error.unwrap();
        assert!(e.contains("line 2, column 1"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        assert!(
            b.done.is_empty(),
            "nothing runs when the text does not parse"
        );
    }

    #[test]
    fn rows_are_limited_and_the_table_says_so() {
        let mut db = Database::open_in_memory().unwrap();
        db.execute("CREATE TABLE t (a INTEGER)").unwrap();
        for i in 0..30 {
            db.execute(&format!("INSERT INTO t VALUES ({i})")).unwrap();
        }
        let b = run_batch(&mut db, "SELECT a, NULL AS n FROM t;", 25);
        let o = &b.done[0];
        assert!(o.result.truncated);
        let t = ResultTable::new(&o.text, &o.result, o.elapsed);
        assert_eq!(t.rows.len(), 25);
        assert!(t.summary.contains("not fetched"), "{}", t.summary);
        assert_eq!(t.rows[0][1], ("NULL".into(), CellKind::Null));
        assert_eq!(t.rows[3][0], ("3".into(), CellKind::Number));
        let plan = o.plan.as_ref().unwrap().lines();
        assert!(plan.iter().any(|l| l.contains("SCAN t")), "{plan:?}");
    }

    #[test]
    fn cells_are_cut_to_a_width() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(width(&cut(&"é".repeat(100), MAX_CELL)), MAX_CELL);
        assert_eq!(one_line("a\n  b\tc"), "a b c");
    }

    #[test]
    fn only_identifiers_are_targets() {
        assert!(is_identifier("users"));
        assert!(is_identifier("_t2"));
        assert!(!is_identifier("t; DROP TABLE t"));
        assert!(!is_identifier("2t"));
        assert!(!is_identifier(""));
    }
}
