//! minidb: a small disk-based relational database, built to be read.
//!
//! A statement travels down the layers and rows travel back up:
//!
//! ```text
//! Database::execute(sql)                       db.rs
//!   sql::lexer → sql::parser → sql::planner → sql::executor
//!   catalog (tables and indexes, kept in the schema B+tree)
//!   btree (B+trees on pages: tables by rowid, indexes by value + rowid)
//!   storage::pager (buffer pool, free list, transactions)
//!   storage::wal (commit = append + sync; recovery on open)
//!   storage::io (a file, or memory)
//! ```
//!
//! FORMAT.md documents the file and the log byte by byte.
//!
//! ```
//! let mut db = minidb::Database::open_in_memory()?;
//! db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")?;
//! db.execute("INSERT INTO t (name) VALUES ('ada'), ('grace')")?;
//! let r = db.execute("SELECT id, name FROM t WHERE id = 2")?;
//! assert_eq!(r.rows[0][1], minidb::Value::Text("grace".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod btree;
pub mod catalog;
pub mod cli;
pub mod codec;
mod db;
pub mod error;
pub mod sql;
pub mod storage;
pub mod value;

pub use db::{Database, Options, Prepared, QueryResult, Stats};
pub use error::{Error, OpenError};
pub use sql::lexer::ParseError;
pub use sql::plan::PlanTree;
pub use value::{Type, Value};
