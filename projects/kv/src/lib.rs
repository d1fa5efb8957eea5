//! kv: the Phase 2 key-value store.
//!
//! Engines behind one [`Engine`] trait: [`LogEngine`] (our own
//! log-structured store, Bitcask-like with an ordered index, hint files, a
//! manifest, group commit, background compaction, TTLs), [`SledEngine`]
//! (sled 0.34), [`RedbEngine`] and [`FjallEngine`] (redb and fjall, the
//! benchmark's stronger anchors) and [`MemEngine`] (a `BTreeMap`, the
//! reference model).
//! [`console`] parses and runs one command line against any engine, which is
//! what the TUI pane and the `kv` binary share; [`bench`](mod@bench) measures the
//! engines against each other; [`cli`] is the `megarepo kv` / `kv` command.
//!
//! ```no_run
//! use kv::{Engine, LogEngine, Options};
//! let store = LogEngine::open("/tmp/my-store", Options::default())?;
//! store.set(b"user:1", b"ada")?;
//! assert_eq!(store.get(b"user:1")?, Some(b"ada".to_vec()));
//! let users = store.scan(&kv::KeyRange::prefix(b"user:"), 100)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The on-disk format is described byte by byte in `FORMAT.md`.

mod anchors;
pub mod bench;
pub mod cli;
pub mod console;
mod engine;
mod error;
pub mod log;
mod mem;
mod sled_engine;

pub use anchors::{FjallEngine, RedbEngine};
pub use engine::{BatchOp, CompactionReport, Durability, Engine, KeyRange, KeyTtl, Pair, Stats};
pub use error::{KvError, OpenError};
pub use log::{LogEngine, Options, RecoveryReport, TornTail};
pub use mem::MemEngine;
pub use sled_engine::SledEngine;
