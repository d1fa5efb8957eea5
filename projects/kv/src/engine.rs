//! The storage seam: one [`Engine`] trait that every backend implements.
//!
//! Callers (the console, the CLI, the benchmarks, the TUI pane, the Phase 3
//! server) talk to `&dyn Engine` and never to a concrete store, so our
//! log-structured engine, sled and the in-memory model can be swapped and
//! compared under exactly the same workload. Methods take `&self`: every
//! engine is internally synchronised and its handle is `Clone + Send + Sync`,
//! so one handle can be shared by many threads.

use std::ops::Bound;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::error::KvError;

/// A key and its value, as returned by scans.
pub type Pair = (Vec<u8>, Vec<u8>);

/// The operations a key-value store offers.
pub trait Engine: Send + Sync {
    /// A short name for tables and status lines (`"log"`, `"sled"`, `"mem"`).
    fn name(&self) -> &'static str;

    /// The value stored under `key`, or `None` if it is absent or expired.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError>;

    /// Store `value` under `key`, expiring after `ttl` if one is given.
    fn set_with_ttl(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError>;

    /// Store `value` under `key` with no expiry.
    fn set(&self, key: &[u8], value: &[u8]) -> Result<(), KvError> {
        self.set_with_ttl(key, value, None)
    }

    /// Remove `key`. Returns whether a live value was removed.
    fn delete(&self, key: &[u8]) -> Result<bool, KvError>;

    /// Live pairs whose keys fall in `range`, in key order, at most `limit`.
    fn scan(&self, range: &KeyRange, limit: usize) -> Result<Vec<Pair>, KvError>;

    /// Apply every operation or none of them, even across a crash. Later
    /// operations on the same key win. Readers see a batch whole: once a
    /// read sees one of its changes, later reads see all of them, and a
    /// scan sees all or none. An empty batch does nothing.
    fn apply_batch(&self, batch: &[BatchOp]) -> Result<(), KvError>;

    /// Set (`Some`) or clear (`None`) the expiry of an existing key.
    /// Returns `false` if the key does not exist.
    fn expire(&self, key: &[u8], ttl: Option<Duration>) -> Result<bool, KvError>;

    /// How long `key` has left to live.
    fn ttl(&self, key: &[u8]) -> Result<KeyTtl, KvError>;

    /// Make every acknowledged write durable (fsync), whatever the
    /// durability setting.
    fn flush(&self) -> Result<(), KvError>;

    /// Reclaim space held by overwritten, deleted and expired records.
    fn compact(&self) -> Result<CompactionReport, KvError>;

    /// Counters and sizes; cheap enough to call on every UI tick.
    fn stats(&self) -> Stats;
}

/// When writes reach stable storage. Shared by every engine so comparisons
/// are made at equal durability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Durability {
    /// Every write is on disk (fsync) before it is acknowledged. Concurrent
    /// writers waiting at the same moment share one fsync (group commit).
    /// This is the default: an acknowledged write survives a crash or power
    /// loss.
    #[default]
    Always,
    /// Writes are acknowledged at once and a background thread writes and
    /// fsyncs them every interval: a crash loses at most that interval.
    Every(Duration),
    /// No fsync at all; writes reach the OS when the write buffer fills, on
    /// [`Engine::flush`] and on close (and about every 100 ms in the
    /// background). Fastest, and a crash may lose the latest writes.
    Never,
}

impl std::fmt::Display for Durability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Durability::Always => write!(f, "fsync every write"),
            Durability::Every(d) => write!(f, "fsync every {} ms", d.as_millis()),
            Durability::Never => write!(f, "no fsync"),
        }
    }
}

impl std::str::FromStr for Durability {
    type Err = String;

    /// `always`, `never`, or `every:N` / `Nms` for an interval in milliseconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        match s {
            "always" => return Ok(Durability::Always),
            "never" => return Ok(Durability::Never),
            _ => {}
        }
        let ms = s
            .strip_prefix("every:")
            .or_else(|| s.strip_suffix("ms"))
            .ok_or_else(|| format!("durability {s:?} is not one of always, never, every:MS"))?;
        let ms: u64 = ms
            .parse()
            .map_err(|_| format!("durability interval {ms:?} is not a number of milliseconds"))?;
        if ms == 0 {
            return Err("durability interval must be at least 1 ms".into());
        }
        Ok(Durability::Every(Duration::from_millis(ms)))
    }
}

/// A range of keys to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRange {
    pub start: Bound<Vec<u8>>,
    pub end: Bound<Vec<u8>>,
}

impl KeyRange {
    /// Every key.
    pub fn all() -> Self {
        KeyRange {
            start: Bound::Unbounded,
            end: Bound::Unbounded,
        }
    }

    /// Keys from `start` (inclusive) to `end` (exclusive).
    pub fn between(start: &[u8], end: &[u8]) -> Self {
        KeyRange {
            start: Bound::Included(start.to_vec()),
            end: Bound::Excluded(end.to_vec()),
        }
    }

    /// Every key that starts with `prefix`.
    pub fn prefix(prefix: &[u8]) -> Self {
        KeyRange {
            start: Bound::Included(prefix.to_vec()),
            end: match prefix_successor(prefix) {
                Some(end) => Bound::Excluded(end),
                None => Bound::Unbounded,
            },
        }
    }

    /// Whether `key` falls inside the range.
    pub fn contains(&self, key: &[u8]) -> bool {
        let after_start = match &self.start {
            Bound::Included(s) => key >= s.as_slice(),
            Bound::Excluded(s) => key > s.as_slice(),
            Bound::Unbounded => true,
        };
        let before_end = match &self.end {
            Bound::Included(e) => key <= e.as_slice(),
            Bound::Excluded(e) => key < e.as_slice(),
            Bound::Unbounded => true,
        };
        after_start && before_end
    }

    /// The bounds as borrowed slices, the shape ordered maps take.
    pub fn as_slices(&self) -> (Bound<&[u8]>, Bound<&[u8]>) {
        (as_slice(&self.start), as_slice(&self.end))
    }

    /// Whether no key can fall in the range (start after end); ordered maps
    /// panic on such ranges, so engines check first.
    pub fn is_empty(&self) -> bool {
        match (&self.start, &self.end) {
            (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
            (Bound::Included(s), Bound::Included(e)) => s > e,
            (Bound::Included(s), Bound::Excluded(e))
            | (Bound::Excluded(s), Bound::Included(e))
            | (Bound::Excluded(s), Bound::Excluded(e)) => s >= e,
        }
    }
}

fn as_slice(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(v) => Bound::Included(v.as_slice()),
        Bound::Excluded(v) => Bound::Excluded(v.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// The smallest key greater than every key starting with `prefix`, or
/// `None` when there is none (the prefix is empty or all 0xFF bytes).
fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// One operation inside an atomic batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOp {
    Set {
        key: Vec<u8>,
        value: Vec<u8>,
        ttl: Option<Duration>,
    },
    Delete {
        key: Vec<u8>,
    },
}

/// The remaining life of a key (Redis' `TTL` answers -2, -1 or seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTtl {
    Missing,
    NoExpiry,
    ExpiresIn(Duration),
}

/// What a compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CompactionReport {
    /// Segments merged away.
    pub segments_in: usize,
    /// Segments written.
    pub segments_out: usize,
    /// Bytes on disk before and after (segment data, not counting hints).
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Live records copied into the new segments.
    pub records_kept: u64,
    /// Records that could not be read (damaged on disk): each was saved to
    /// the store's `lost+found/` and its key dropped, instead of failing
    /// the compaction forever. One line per record.
    pub quarantined: Vec<String>,
}

/// Counters and sizes of an engine. Counters only grow, so a pane can
/// sample twice and divide by the elapsed time to show rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub engine: &'static str,
    /// Live keys (for the log engine this includes expired keys that no
    /// read or compaction has collected yet).
    pub keys: u64,
    /// Bytes of records that are still current. `None` where the engine
    /// does not track it (sled).
    pub live_bytes: Option<u64>,
    /// Bytes of overwritten, deleted or expired records awaiting compaction.
    pub dead_bytes: Option<u64>,
    /// Bytes of data files on disk.
    pub disk_bytes: u64,
    pub segments: u64,
    pub compactions: u64,
    pub reads: u64,
    pub writes: u64,
    pub deletes: u64,
    pub scans: u64,
    pub fsyncs: u64,
    pub durability: String,
    /// The last error hit by background work (flushing, compaction).
    pub background_error: Option<String>,
}

/// Milliseconds since the Unix epoch, the clock TTLs are stored in so they
/// survive a restart.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Absolute expiry time for a TTL; 0 means "never" on disk.
pub(crate) fn expiry_from_ttl(ttl: Option<Duration>) -> u64 {
    match ttl {
        // A zero TTL must still expire, so it maps to "already past" (1),
        // not to the "never" marker (0).
        // `as_millis` is a u128: clamp it instead of truncating, or a TTL
        // of a few hundred million years would wrap to a fraction of a
        // second.
        Some(ttl) => now_ms()
            .saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
            .max(1),
        None => 0,
    }
}

/// Remaining life for a stored expiry.
pub(crate) fn ttl_from_expiry(expires: u64, now: u64) -> KeyTtl {
    if expires == 0 {
        KeyTtl::NoExpiry
    } else if expires <= now {
        KeyTtl::Missing
    } else {
        KeyTtl::ExpiresIn(Duration::from_millis(expires - now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_range_covers_exactly_the_prefix() {
        let r = KeyRange::prefix(b"ab");
        assert!(r.contains(b"ab"));
        assert!(r.contains(b"ab\xff\xff"));
        assert!(!r.contains(b"ac"));
        assert!(!r.contains(b"aa\xff"));
        let r = KeyRange::prefix(b"a\xff");
        assert!(r.contains(b"a\xff\x01"));
        assert!(!r.contains(b"b"));
        assert_eq!(KeyRange::prefix(b"\xff").end, Bound::Unbounded);
    }

    #[test]
    fn a_huge_ttl_saturates_instead_of_wrapping() {
        // D5: 18446744073709552 s is about 585 million years; the old cast
        // truncated its milliseconds to 384.
        let e = expiry_from_ttl(Some(Duration::from_secs(18_446_744_073_709_552)));
        assert_eq!(e, u64::MAX);
        match ttl_from_expiry(e, now_ms()) {
            KeyTtl::ExpiresIn(d) => assert!(d > Duration::from_secs(100 * 365 * 24 * 3600)),
            other => panic!("expected a long TTL, got {other:?}"),
        }
        // A zero TTL still means "already expired", not "never".
        let zero = expiry_from_ttl(Some(Duration::ZERO));
        assert!(zero != 0 && zero <= now_ms());
    }

    #[test]
    fn durability_parses() {
        assert_eq!("always".parse(), Ok(Durability::Always));
        assert_eq!("never".parse(), Ok(Durability::Never));
        assert_eq!(
            "every:5".parse(),
            Ok(Durability::Every(Duration::from_millis(5)))
        );
        assert_eq!(
            "20ms".parse(),
            Ok(Durability::Every(Duration::from_millis(20)))
        );
        assert!("sometimes".parse::<Durability>().is_err());
        assert!("every:0".parse::<Durability>().is_err());
    }
}
