//! B+trees on pages: the index structure for tables (keyed by rowid) and for
//! secondary indexes (keyed by the indexed values followed by the rowid).
//!
//! - [`node`]: the byte layout of interior and leaf pages, read in place for
//!   searches and decoded into a [`node::Node`] for changes.
//! - [`overflow`]: values too large to sit in a leaf go to a chain of
//!   overflow pages; the leaf keeps the length and the first page.
//! - [`tree`]: search, insert with splits, delete with merges, and a cursor
//!   that walks the leaf chain for range scans.
//!
//! Keys are byte strings compared with `memcmp`; the `codec` module makes
//! values into keys that sort the way SQL sorts them.

pub mod node;
pub mod overflow;
pub mod tree;

pub use tree::{BTree, Cursor};
