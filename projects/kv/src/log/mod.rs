//! Our log-structured engine: a Bitcask-style log with an ordered index.
//!
//! `format` is the byte layout, `segment` one file, `recovery` reading
//! files back at open, `store` the engine itself (index, write path, group
//! commit, background thread) and `compaction` the merge of old segments.

mod compaction;
pub mod format;
mod index;
mod recovery;
mod segment;
mod store;

pub use recovery::TornTail;
pub use store::{LogEngine, Options, RecoveryReport};
