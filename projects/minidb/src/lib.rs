//! minidb: a disk-based database with B+tree indexes and a SQL subset.
pub mod btree;
pub mod error;
pub mod sql {
    pub mod lexer;
}
pub mod storage;
pub use error::{Error, OpenError};
