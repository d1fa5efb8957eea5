//! The public face: [`Database`] opens a file, runs SQL and reports figures.
//!
//! Every statement runs in a transaction. Outside `BEGIN ... COMMIT` each
//! writing statement is its own transaction (autocommit); inside one, each
//! statement gets a savepoint, so a statement that fails (a UNIQUE violation
//! on the third row of an INSERT, say) leaves no trace while the
//! transaction's earlier statements stay. Nothing here prints: results come
//! back as values for a console, a test or a TUI pane to show.

use std::fs::OpenOptions as FsOpenOptions;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::btree::BTree;
use crate::catalog::{Catalog, Index, table_from_def};
use crate::error::{Error, OpenError, Result};
use crate::sql::ast::{CreateIndex, Expr, Statement};
use crate::sql::executor::{
    self, build_index, check_unique, conform, delete_row, insert_row, next_rowid,
};
use crate::sql::parser::{Parsed, parse};
use crate::sql::plan::PlanTree;
use crate::sql::planner::{bind_constant, bind_for_table, plan_select, plan_write_target};
use crate::storage::io::{FileStorage, MemStorage, Storage};
use crate::storage::page::SCHEMA_ROOT;
use crate::storage::pager::{CHECKPOINT_FRAMES, DEFAULT_POOL_PAGES, PagerOpenError};
use crate::storage::{PAGE_SIZE, Pager, PagerStats};
use crate::value::Value;

/// What a statement produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryResult {
    /// Column names (empty for statements that return no rows).
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// The plan, for EXPLAIN.
    pub explain: Option<PlanTree>,
    /// What kind of statement ran: "SELECT", "INSERT", "BEGIN", ...
    pub tag: &'static str,
    /// True when [`Database::execute_with_limit`] stopped before the end.
    pub truncated: bool,
}

/// Live figures for a console or a pane.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    pub page_size: usize,
    /// Pages in the database (file size once checkpointed).
    pub pages: u32,
    pub free_pages: u32,
    pub pool_capacity: usize,
    pub pool_used: usize,
    pub pool_hits: u64,
    pub pool_misses: u64,
    pub pool_evictions: u64,
    pub wal_frames: u64,
    pub wal_bytes: u64,
    /// Pages changed by the open transaction, held in memory until commit.
    pub dirty_pages: usize,
    pub commits: u64,
    pub tables: usize,
    pub indexes: usize,
    pub in_transaction: bool,
}

impl Stats {
    /// Buffer pool hits as a fraction of lookups (0 when there were none).
    pub fn hit_rate(&self) -> f64 {
        let total = self.pool_hits + self.pool_misses;
        if total == 0 {
            0.0
        } else {
            self.pool_hits as f64 / total as f64
        }
    }
}

/// Tuning knobs for [`Database::open_with`].
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Buffer pool size in 4 KiB pages.
    pub pool_pages: usize,
    /// Copy the WAL into the file once it holds this many page frames.
    pub checkpoint_frames: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pool_pages: DEFAULT_POOL_PAGES,
            checkpoint_frames: CHECKPOINT_FRAMES,
        }
    }
}

/// A parsed statement with `?` placeholders; see [`Database::prepare`].
#[derive(Clone, Debug)]
pub struct Prepared {
    parsed: Parsed,
}

impl Prepared {
    /// How many values [`Database::execute_prepared`] needs.
    pub fn parameter_count(&self) -> usize {
        self.parsed.params
    }
}

pub struct Database {
    pager: Pager,
    catalog: Catalog,
    path: Option<PathBuf>,
    /// Set for the duration of `execute_with_limit`.
    row_limit: Option<usize>,
}

fn wal_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

fn ok(tag: &'static str) -> QueryResult {
    QueryResult {
        tag,
        ..QueryResult::default()
    }
}

impl Database {
    /// Opens a database file, creating it if it does not exist, and
    /// recovers committed transactions from its WAL (`FILE-wal`).
    pub fn open(path: impl AsRef<Path>) -> Result<Database, OpenError> {
        Self::open_with(path, Options::default())
    }

    pub fn open_with(path: impl AsRef<Path>, options: Options) -> Result<Database, OpenError> {
        let path = path.as_ref().to_path_buf();
        let io = |source| OpenError::Io {
            path: path.clone(),
            source,
        };
        let mut file = FsOpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        if let Err(e) = file.try_lock() {
            return Err(match e {
                std::fs::TryLockError::WouldBlock => OpenError::Locked { path },
                std::fs::TryLockError::Error(e) => io(e),
            });
        }
        // Refuse a foreign file before creating anything beside it.
        let len = file.metadata().map_err(io)?.len();
        if len > 0 {
            let mut magic = [0u8; 8];
            let n = file.read(&mut magic).map_err(io)?;
            if n < 8 || &magic != crate::storage::page::MAGIC {
                return Err(OpenError::NotADatabase { path });
            }
        }
        let wal = FsOpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(wal_path(&path))
            .map_err(io)?;
        let pager = Pager::open(
            Box::new(FileStorage::new(file)),
            Box::new(FileStorage::new(wal)),
            options.pool_pages,
        )
        .map_err(|e| map_open_error(e, &path))?;
        Self::start(pager, Some(path))
    }

    /// A database that lives in memory and is gone when dropped.
    pub fn open_in_memory() -> Result<Database, OpenError> {
        Self::open_storage(MemStorage::new(), MemStorage::new(), Options::default())
    }

    /// Opens a database over any [`Storage`], such as [`MemStorage`] (tests
    /// use it to simulate a crash: forget the database without closing it
    /// and reopen the same bytes) or a wrapper that injects I/O errors.
    pub fn open_storage(
        file: impl Storage + 'static,
        wal: impl Storage + 'static,
        options: Options,
    ) -> Result<Database, OpenError> {
        let pager = Pager::open(Box::new(file), Box::new(wal), options.pool_pages)
            .map_err(|e| map_open_error(e, Path::new(":memory:")))?;
        pager.set_checkpoint_frames(options.checkpoint_frames);
        Self::start(pager, None)
    }

    fn start(pager: Pager, path: Option<PathBuf>) -> Result<Database, OpenError> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        let corrupt = |e: Error| match e {
            Error::Io(source) => OpenError::Io {
                path: shown.clone(),
                source,
            },
            other => OpenError::Corrupt {
                path: shown.clone(),
                detail: other.to_string(),
            },
        };
        if pager.is_new() {
            pager.begin().map_err(corrupt)?;
            let root = BTree::create(&pager).map_err(corrupt)?;
            if root.root != SCHEMA_ROOT {
                return Err(corrupt(Error::Corrupt("schema root is not page 1".into())));
            }
            pager.commit().map_err(corrupt)?;
        }
        let catalog = Catalog::load(&pager).map_err(corrupt)?;
        Ok(Database {
            pager,
            catalog,
            path,
            row_limit: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn in_transaction(&self) -> bool {
        self.pager.in_transaction()
    }

    /// Runs every statement in `sql` and returns the last one's result. It
    /// stops at the first error; statements before it have taken effect.
    pub fn execute(&mut self, sql: &str) -> Result<QueryResult> {
        let mut last = ok("");
        for p in parse(sql)? {
            last = self.run(&p)?;
        }
        Ok(last)
    }

    /// Like [`Database::execute`], but a SELECT stops pulling rows after
    /// `max_rows` and sets [`QueryResult::truncated`]: a console or a pane
    /// can show the first screenful of a huge table without reading it all
    /// (the executor streams, so the rest is never read).
    pub fn execute_with_limit(&mut self, sql: &str, max_rows: usize) -> Result<QueryResult> {
        self.row_limit = Some(max_rows);
        let result = self.execute(sql);
        self.row_limit = None;
        result
    }

    /// Runs every statement and returns each one's result.
    pub fn execute_batch(&mut self, sql: &str) -> Result<Vec<QueryResult>> {
        parse(sql)?.iter().map(|p| self.run(p)).collect()
    }

    /// Parses one statement once, to run many times with different values
    /// for its `?` placeholders (numbered in the order written).
    ///
    /// ```
    /// # let mut db = minidb::Database::open_in_memory()?;
    /// db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")?;
    /// let insert = db.prepare("INSERT INTO t (name) VALUES (?)")?;
    /// for name in ["ada", "grace"] {
    ///     db.execute_prepared(&insert, &[minidb::Value::Text(name.into())])?;
    /// }
    /// let find = db.prepare("SELECT id FROM t WHERE name = ?")?;
    /// let r = db.execute_prepared(&find, &[minidb::Value::Text("grace".into())])?;
    /// assert_eq!(r.rows, [[minidb::Value::Integer(2)]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare(&self, sql: &str) -> Result<Prepared> {
        let mut all = parse(sql)?;
        if all.len() != 1 {
            return Err(Error::Plan(format!(
                "prepare takes exactly one statement, not {}",
                all.len()
            )));
        }
        let parsed = all.remove(0);
        if parsed.params > 0 && matches!(parsed.statement, Statement::CreateTable(_)) {
            return Err(Error::Plan(
                "? parameters are not allowed in CREATE TABLE".into(),
            ));
        }
        Ok(Prepared { parsed })
    }

    /// Runs a prepared statement with one value per `?`.
    pub fn execute_prepared(
        &mut self,
        prepared: &Prepared,
        params: &[Value],
    ) -> Result<QueryResult> {
        let want = prepared.parsed.params;
        if params.len() != want {
            return Err(Error::Plan(format!(
                "the statement has {want} parameter{}, {} value{} given",
                if want == 1 { "" } else { "s" },
                params.len(),
                if params.len() == 1 { " was" } else { "s were" }
            )));
        }
        let mut parsed = prepared.parsed.clone();
        parsed.statement.walk_exprs_mut(&mut |e| {
            if let Expr::Param(i) = e {
                *e = Expr::Literal(params[*i].clone());
            }
        });
        self.run(&parsed)
    }

    /// The plan a statement would run with, without running it.
    pub fn explain(&self, sql: &str) -> Result<PlanTree> {
        let mut all = parse(sql)?;
        if all.len() != 1 {
            return Err(Error::Plan("EXPLAIN takes exactly one statement".into()));
        }
        self.plan_tree(&all.remove(0).statement)
    }

    pub fn stats(&self) -> Stats {
        let s: PagerStats = self.pager.stats();
        Stats {
            page_size: PAGE_SIZE,
            pages: s.pages,
            free_pages: s.free_pages,
            pool_capacity: s.pool_capacity,
            pool_used: s.pool_used,
            pool_hits: s.pool_hits,
            pool_misses: s.pool_misses,
            pool_evictions: s.pool_evictions,
            wal_frames: s.wal_frames,
            wal_bytes: s.wal_bytes,
            dirty_pages: s.dirty_pages,
            commits: s.commits,
            tables: self.catalog.tables().count(),
            indexes: self.catalog.all_indexes().count(),
            in_transaction: self.pager.in_transaction(),
        }
    }

    /// Table names, sorted.
    pub fn tables(&self) -> Vec<String> {
        self.catalog.tables().map(|t| t.name.clone()).collect()
    }

    /// The CREATE statements of every table and index, as typed.
    pub fn schema(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in self.catalog.tables() {
            out.push(format!("{};", t.sql));
            for ix in self.catalog.indexes_of(&t.name) {
                if let Some(sql) = &ix.sql {
                    out.push(format!("{sql};"));
                }
            }
        }
        out
    }

    /// Copies the WAL into the database file now.
    pub fn checkpoint(&mut self) -> Result<()> {
        if self.pager.in_transaction() {
            return Err(Error::Transaction(
                "cannot checkpoint inside a transaction".into(),
            ));
        }
        self.pager.checkpoint()
    }

    /// Drops cached pages (to measure cold reads).
    pub fn clear_cache(&mut self) {
        self.pager.clear_pool();
    }

    fn reload_catalog(&mut self) -> Result<()> {
        self.catalog = Catalog::load(&self.pager)?;
        Ok(())
    }

    fn run(&mut self, p: &Parsed) -> Result<QueryResult> {
        match &p.statement {
            Statement::Begin => {
                if self.pager.in_transaction() {
                    return Err(Error::Transaction(
                        "cannot BEGIN: a transaction is already open".into(),
                    ));
                }
                self.pager.begin()?;
                Ok(ok("BEGIN"))
            }
            Statement::Commit => {
                if !self.pager.in_transaction() {
                    return Err(Error::Transaction(
                        "cannot COMMIT: no transaction is open".into(),
                    ));
                }
                if let Err(e) = self.pager.commit() {
                    self.pager.rollback();
                    self.reload_catalog()?;
                    return Err(e);
                }
                Ok(ok("COMMIT"))
            }
            Statement::Rollback => {
                if !self.pager.in_transaction() {
                    return Err(Error::Transaction(
                        "cannot ROLLBACK: no transaction is open".into(),
                    ));
                }
                self.pager.rollback();
                self.reload_catalog()?;
                Ok(ok("ROLLBACK"))
            }
            Statement::Explain(inner) => {
                let tree = self.plan_tree(inner)?;
                Ok(QueryResult {
                    columns: vec!["plan".into()],
                    rows: tree
                        .lines()
                        .into_iter()
                        .map(|l| vec![Value::Text(l)])
                        .collect(),
                    explain: Some(tree),
                    tag: "EXPLAIN",
                    ..QueryResult::default()
                })
            }
            Statement::Select(s) => {
                let planned = plan_select(&self.catalog, s)?;
                let (rows, truncated) = match self.row_limit {
                    None => (executor::collect(&planned.plan, &self.pager)?, false),
                    Some(limit) => executor::collect_at_most(&planned.plan, &self.pager, limit)?,
                };
                Ok(QueryResult {
                    columns: planned.columns,
                    rows,
                    tag: "SELECT",
                    truncated,
                    ..QueryResult::default()
                })
            }
            stmt => {
                let ddl = matches!(
                    stmt,
                    Statement::CreateTable(_)
                        | Statement::DropTable { .. }
                        | Statement::CreateIndex(_)
                        | Statement::DropIndex { .. }
                );
                let explicit = self.pager.in_transaction();
                if explicit {
                    self.pager.begin_statement();
                } else {
                    self.pager.begin()?;
                }
                match self.write(stmt, &p.text) {
                    Ok(r) => {
                        if explicit {
                            self.pager.release_statement();
                        } else if let Err(e) = self.pager.commit() {
                            self.pager.rollback();
                            self.reload_catalog()?;
                            return Err(e);
                        }
                        Ok(r)
                    }
                    Err(e) => {
                        if explicit {
                            self.pager.rollback_statement();
                        } else {
                            self.pager.rollback();
                        }
                        if ddl {
                            self.reload_catalog()?;
                        }
                        Err(e)
                    }
                }
            }
        }
    }

    fn plan_tree(&self, stmt: &Statement) -> Result<PlanTree> {
        Ok(match stmt {
            Statement::Select(s) => plan_select(&self.catalog, s)?.plan.tree(),
            Statement::Update(u) => {
                let table = self.catalog.table(&u.table)?;
                let sets: Vec<String> = u.sets.iter().map(|(c, e)| format!("{c} = {e}")).collect();
                PlanTree {
                    label: format!("UPDATE {} SET {}", table.name, sets.join(", ")),
                    children: vec![
                        plan_write_target(&self.catalog, table, u.filter.as_ref())?.tree(),
                    ],
                }
            }
            Statement::Delete(d) => {
                let table = self.catalog.table(&d.table)?;
                PlanTree {
                    label: format!("DELETE FROM {}", table.name),
                    children: vec![
                        plan_write_target(&self.catalog, table, d.filter.as_ref())?.tree(),
                    ],
                }
            }
            Statement::Insert(i) => {
                let table = self.catalog.table(&i.table)?;
                let n = self.catalog.indexes_of(&table.name).len();
                PlanTree::leaf(format!(
                    "INSERT INTO {} ({} rows; table B+tree and {n} index(es))",
                    table.name,
                    i.rows.len()
                ))
            }
            Statement::Explain(_) => return Err(Error::Plan("cannot EXPLAIN an EXPLAIN".into())),
            Statement::CreateTable(t) => PlanTree::leaf(format!("CREATE TABLE {}", t.name)),
            Statement::DropTable { name, .. } => PlanTree::leaf(format!("DROP TABLE {name}")),
            Statement::CreateIndex(c) => PlanTree::leaf(format!(
                "CREATE INDEX {} (scan {} and fill a new B+tree)",
                c.name, c.table
            )),
            Statement::DropIndex { name, .. } => PlanTree::leaf(format!("DROP INDEX {name}")),
            Statement::Begin | Statement::Commit | Statement::Rollback => {
                PlanTree::leaf("TRANSACTION CONTROL")
            }
        })
    }

    fn write(&mut self, stmt: &Statement, text: &str) -> Result<QueryResult> {
        let pager = &self.pager;
        match stmt {
            Statement::CreateTable(def) => {
                if self.catalog.has_table(&def.name) {
                    if def.if_not_exists {
                        return Ok(ok("CREATE TABLE"));
                    }
                    return Err(Error::Plan(format!("table {} already exists", def.name)));
                }
                if self.catalog.index(&def.name).is_some() {
                    return Err(Error::Plan(format!(
                        "there is already an index named {}",
                        def.name
                    )));
                }
                let tree = BTree::create(pager)?;
                let (table, uniques) = table_from_def(def, tree.root, text)?;
                for c in &def.columns {
                    if let Some(d) = &c.default {
                        bind_constant(d)?;
                    }
                }
                let name = table.name.clone();
                self.catalog.add_table(pager, table)?;
                for (n, columns) in uniques.into_iter().enumerate() {
                    let root = BTree::create(pager)?.root;
                    self.catalog.add_index(
                        pager,
                        Index {
                            name: format!("autoindex_{name}_{}", n + 1),
                            table: name.clone(),
                            columns,
                            unique: true,
                            root,
                            sql: None,
                        },
                    )?;
                }
                Ok(ok("CREATE TABLE"))
            }
            Statement::DropTable { name, if_exists } => {
                if !self.catalog.has_table(name) {
                    if *if_exists {
                        return Ok(ok("DROP TABLE"));
                    }
                    return Err(Error::Plan(format!("no such table: {name}")));
                }
                self.catalog.remove_table(pager, name)?;
                Ok(ok("DROP TABLE"))
            }
            Statement::CreateIndex(CreateIndex {
                name,
                table,
                columns,
                unique,
                if_not_exists,
            }) => {
                if self.catalog.index(name).is_some() || self.catalog.has_table(name) {
                    if *if_not_exists && self.catalog.index(name).is_some() {
                        return Ok(ok("CREATE INDEX"));
                    }
                    return Err(Error::Plan(format!("index {name} already exists")));
                }
                let t = self.catalog.table(table)?.clone();
                let cols = columns
                    .iter()
                    .map(|c| {
                        t.column(c).ok_or_else(|| {
                            Error::Plan(format!("no such column: {c} in table {}", t.name))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let index = Index {
                    name: name.clone(),
                    table: t.name.clone(),
                    columns: cols,
                    unique: *unique,
                    root: BTree::create(pager)?.root,
                    sql: Some(text.to_string()),
                };
                build_index(pager, &t, &index)?;
                self.catalog.add_index(pager, index)?;
                Ok(ok("CREATE INDEX"))
            }
            Statement::DropIndex { name, if_exists } => {
                match self.catalog.index(name) {
                    None if *if_exists => return Ok(ok("DROP INDEX")),
                    None => return Err(Error::Plan(format!("no such index: {name}"))),
                    Some(ix) if ix.sql.is_none() => {
                        return Err(Error::Plan(format!(
                            "index {name} belongs to a PRIMARY KEY or UNIQUE constraint and cannot be dropped"
                        )));
                    }
                    Some(_) => {}
                }
                self.catalog.remove_index(pager, name)?;
                Ok(ok("DROP INDEX"))
            }
            Statement::Insert(ins) => {
                let table = self.catalog.table(&ins.table)?;
                let indexes = self.catalog.indexes_of(&table.name);
                let ncols = table.columns.len();
                let targets: Vec<usize> = match &ins.columns {
                    Some(cols) => {
                        let mut out = Vec::new();
                        for c in cols {
                            let i = table.column(c).ok_or_else(|| {
                                Error::Plan(format!("table {} has no column named {c}", table.name))
                            })?;
                            if out.contains(&i) {
                                return Err(Error::Plan(format!("column {c} is listed twice")));
                            }
                            out.push(i);
                        }
                        out
                    }
                    None => (0..ncols).collect(),
                };
                let defaults: Vec<Value> = table
                    .columns
                    .iter()
                    .map(|c| match &c.default {
                        Some(d) => bind_constant(d)?.eval(&[]),
                        None => Ok(Value::Null),
                    })
                    .collect::<Result<_>>()?;
                let mut n = 0u64;
                for row in &ins.rows {
                    if row.len() != targets.len() {
                        return Err(Error::Plan(format!(
                            "table {} has {} columns to fill but {} values were supplied",
                            table.name,
                            targets.len(),
                            row.len()
                        )));
                    }
                    let mut values = defaults.clone();
                    for (e, &i) in row.iter().zip(&targets) {
                        values[i] = bind_constant(e)?.eval(&[])?;
                    }
                    let mut values = conform(table, values)?;
                    let (rowid, fresh) = match table.rowid_column {
                        Some(c) => match &values[c] {
                            Value::Integer(i) => (*i, false),
                            _ => {
                                let id = next_rowid(pager, table)?;
                                values[c] = Value::Integer(id);
                                (id, true)
                            }
                        },
                        None => (next_rowid(pager, table)?, true),
                    };
                    insert_row(pager, table, &indexes, &values, rowid, fresh)?;
                    n += 1;
                }
                Ok(QueryResult {
                    rows_affected: n,
                    tag: "INSERT",
                    ..QueryResult::default()
                })
            }
            Statement::Update(u) => {
                let table = self.catalog.table(&u.table)?;
                let indexes = self.catalog.indexes_of(&table.name);
                let ncols = table.columns.len();
                let sets = u
                    .sets
                    .iter()
                    .map(|(c, e)| {
                        let i = table
                            .column(c)
                            .ok_or_else(|| Error::Plan(format!("no such column: {c}")))?;
                        Ok((i, bind_for_table(table, e)?))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let plan = plan_write_target(&self.catalog, table, u.filter.as_ref())?;
                let rows = executor::collect(&plan, pager)?;
                let mut n = 0u64;
                for row in &rows {
                    let rowid = match row[ncols] {
                        Value::Integer(i) => i,
                        _ => return Err(Error::Corrupt("row without a rowid".into())),
                    };
                    let mut new = row[..ncols].to_vec();
                    for (i, e) in &sets {
                        new[*i] = e.eval(row)?;
                    }
                    let new = conform(table, new)?;
                    let new_rowid = match table.rowid_column {
                        Some(c) => match &new[c] {
                            Value::Integer(i) => *i,
                            _ => {
                                return Err(Error::Constraint(format!(
                                    "NOT NULL {}.{}",
                                    table.name, table.columns[c].name
                                )));
                            }
                        },
                        None => rowid,
                    };
                    if new_rowid == rowid {
                        for ix in &indexes {
                            check_unique(pager, table, ix, &new, rowid)?;
                        }
                    }
                    delete_row(pager, table, &indexes, &row[..ncols], rowid)?;
                    insert_row(pager, table, &indexes, &new, new_rowid, false)?;
                    n += 1;
                }
                Ok(QueryResult {
                    rows_affected: n,
                    tag: "UPDATE",
                    ..QueryResult::default()
                })
            }
            Statement::Delete(d) => {
                let table = self.catalog.table(&d.table)?;
                let indexes = self.catalog.indexes_of(&table.name);
                let ncols = table.columns.len();
                let plan = plan_write_target(&self.catalog, table, d.filter.as_ref())?;
                let rows = executor::collect(&plan, pager)?;
                for row in &rows {
                    let Value::Integer(rowid) = row[ncols] else {
                        return Err(Error::Corrupt("row without a rowid".into()));
                    };
                    delete_row(pager, table, &indexes, &row[..ncols], rowid)?;
                }
                Ok(QueryResult {
                    rows_affected: rows.len() as u64,
                    tag: "DELETE",
                    ..QueryResult::default()
                })
            }
            other => Err(Error::Plan(format!("internal: {other:?} is not a write"))),
        }
    }
}

fn map_open_error(e: PagerOpenError, path: &Path) -> OpenError {
    let path = path.to_path_buf();
    match e {
        PagerOpenError::Io(source) => OpenError::Io { path, source },
        PagerOpenError::NotADatabase => OpenError::NotADatabase { path },
        PagerOpenError::Version(found) => OpenError::UnsupportedVersion {
            path,
            found,
            supported: crate::storage::page::FORMAT_VERSION,
        },
        PagerOpenError::Corrupt(detail) => OpenError::Corrupt { path, detail },
        PagerOpenError::Wal(detail) => OpenError::Corrupt {
            path,
            detail: format!("write-ahead log: {detail}"),
        },
    }
}
