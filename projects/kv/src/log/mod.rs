//! Our log-structured engine: a Bitcask-style log with an ordered index.
//!
//! `format` is the byte layout, `segment` one file, `recovery` reading
//! files back at open (and saving evidence to `lost+found/`), `check` the
//! `verify` and `repair` tools, `store` the engine itself (index, write path, group
//! commit, background thread) and `compaction` the merge of old segments.

mod cache;
mod check;
mod compaction;
pub mod format;
mod index;
mod recovery;
mod segment;
mod store;

pub use check::{Finding, RepairReport, Severity, VerifyReport, repair, repair_target, verify};
pub use recovery::{LOST_FOUND, RecoveryReport, TornTail};
pub use store::{LogEngine, Options};
