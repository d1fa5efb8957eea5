//! Storage: everything below the B+tree. Data flows bottom up:
//!
//! - [`io`]: the byte-level backend (a file, or memory for tests and the
//!   in-memory database), behind the small [`io::Storage`] trait.
//! - [`page`]: the page format: 4 KiB pages with a CRC32 at the end, and the
//!   header in page 0.
//! - [`wal`]: the write-ahead log. A commit appends full page images and a
//!   commit mark, then syncs; recovery on open replays committed frames.
//! - [`pool`]: the buffer pool, a fixed number of clean pages with clock
//!   eviction, counting hits and misses.
//! - [`pager`]: ties them together: reads go dirty pages → pool → WAL → file;
//!   writes stay in memory until commit; the free list lives here.

pub mod io;
pub mod page;
pub mod pager;
pub mod pool;
pub mod wal;

pub use page::{PAGE_SIZE, Page, PageId};
pub use pager::{Pager, PagerStats};
