//! `SledEngine`: sled 0.34 behind our [`Engine`] trait, for comparison.
//!
//! sled has no TTLs, so every value is stored in a small envelope: one tag
//! byte (0 = no expiry, 1 = an 8-byte little-endian expiry in unix ms
//! follows) and then the value. Durability maps onto sled's own knobs:
//! `Always` flushes after every write, `Every(d)` is sled's
//! `flush_every_ms`, `Never` turns its periodic flush off.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::engine::{
    BatchOp, CompactionReport, Durability, Engine, KeyRange, KeyTtl, Pair, Stats, expiry_from_ttl,
    now_ms, ttl_from_expiry,
};
use crate::error::{KvError, OpenError, show_key};

/// A sled database. Clones share it.
#[derive(Clone)]
pub struct SledEngine {
    db: sled::Db,
    durability: Durability,
    counters: Arc<[AtomicU64; 5]>,
}

const READS: usize = 0;
const WRITES: usize = 1;
const DELETES: usize = 2;
const SCANS: usize = 3;
const FSYNCS: usize = 4;

pub(crate) fn envelope(value: &[u8], expires: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(value.len() + 9);
    if expires == 0 {
        v.push(0);
    } else {
        v.push(1);
        v.extend_from_slice(&expires.to_le_bytes());
    }
    v.extend_from_slice(value);
    v
}

/// Split an envelope into (expiry, value).
pub(crate) fn open_envelope<'a>(key: &[u8], raw: &'a [u8]) -> Result<(u64, &'a [u8]), KvError> {
    match raw.split_first() {
        Some((0, rest)) => Ok((0, rest)),
        Some((1, rest)) if rest.len() >= 8 => {
            let mut e = [0u8; 8];
            e.copy_from_slice(&rest[..8]);
            Ok((u64::from_le_bytes(e), &rest[8..]))
        }
        Some((tag, _)) => Err(KvError::BadEnvelope {
            key: show_key(key),
            tag: *tag,
        }),
        None => Err(KvError::BadEnvelope {
            key: show_key(key),
            tag: 0,
        }),
    }
}

pub(crate) fn live(expires: u64, now: u64) -> bool {
    expires == 0 || expires > now
}

impl SledEngine {
    /// Open (or create) a sled database in `dir`.
    pub fn open(dir: impl AsRef<Path>, durability: Durability) -> Result<SledEngine, OpenError> {
        let dir = dir.as_ref();
        let flush_every = match durability {
            Durability::Every(d) => Some(d.as_millis().max(1) as u64),
            Durability::Always | Durability::Never => None,
        };
        let config = sled::Config::new().path(dir).flush_every_ms(flush_every);
        // sled's flusher thread keeps the previous handle's file lock for a
        // moment after the handle is dropped, so a quick reopen (tests,
        // benchmarks) can find the lock still held: wait briefly for it.
        let mut tries = 0;
        let db = loop {
            match config.open() {
                Ok(db) => break db,
                Err(sled::Error::Io(e))
                    if tries < 200 && e.to_string().contains("could not acquire lock") =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(source) => {
                    return Err(OpenError::Sled {
                        path: dir.to_path_buf(),
                        error: source,
                    });
                }
            }
        };
        Ok(SledEngine {
            db,
            durability,
            counters: Arc::new(Default::default()),
        })
    }

    fn count(&self, which: usize) {
        self.counters[which].fetch_add(1, Ordering::Relaxed);
    }

    fn after_write(&self) -> Result<(), KvError> {
        if self.durability == Durability::Always {
            self.db.flush()?;
            self.count(FSYNCS);
        }
        Ok(())
    }
}

impl Engine for SledEngine {
    fn name(&self) -> &'static str {
        "sled"
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.count(READS);
        let Some(raw) = self.db.get(key)? else {
            return Ok(None);
        };
        let (expires, value) = open_envelope(key, &raw)?;
        Ok(live(expires, now_ms()).then(|| value.to_vec()))
    }

    fn set_with_ttl(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError> {
        self.count(WRITES);
        self.db.insert(key, envelope(value, expiry_from_ttl(ttl)))?;
        self.after_write()
    }

    fn delete(&self, key: &[u8]) -> Result<bool, KvError> {
        let Some(old) = self.db.remove(key)? else {
            return Ok(false);
        };
        self.count(DELETES);
        self.after_write()?;
        let (expires, _) = open_envelope(key, &old)?;
        Ok(live(expires, now_ms()))
    }

    fn scan(&self, range: &KeyRange, limit: usize) -> Result<Vec<Pair>, KvError> {
        self.count(SCANS);
        let mut out = Vec::new();
        if range.is_empty() || limit == 0 {
            return Ok(out);
        }
        let now = now_ms();
        for item in self.db.range::<&[u8], _>(range.as_slices()) {
            let (k, raw) = item?;
            let (expires, value) = open_envelope(&k, &raw)?;
            if live(expires, now) {
                out.push((k.to_vec(), value.to_vec()));
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn apply_batch(&self, batch: &[BatchOp]) -> Result<(), KvError> {
        let mut b = sled::Batch::default();
        for op in batch {
            match op {
                BatchOp::Set { key, value, ttl } => {
                    self.count(WRITES);
                    b.insert(key.as_slice(), envelope(value, expiry_from_ttl(*ttl)));
                }
                BatchOp::Delete { key } => {
                    self.count(DELETES);
                    b.remove(key.as_slice());
                }
            }
        }
        self.db.apply_batch(b)?;
        self.after_write()
    }

    fn expire(&self, key: &[u8], ttl: Option<Duration>) -> Result<bool, KvError> {
        let now = now_ms();
        let expires = expiry_from_ttl(ttl);
        // Compare-and-swap loop so a concurrent write is never overwritten
        // with a stale value.
        loop {
            let Some(raw) = self.db.get(key)? else {
                return Ok(false);
            };
            let (old_exp, value) = open_envelope(key, &raw)?;
            if !live(old_exp, now) {
                return Ok(false);
            }
            let new = envelope(value, expires);
            if self
                .db
                .compare_and_swap(key, Some(&raw), Some(new))?
                .is_ok()
            {
                self.after_write()?;
                return Ok(true);
            }
        }
    }

    fn ttl(&self, key: &[u8]) -> Result<KeyTtl, KvError> {
        match self.db.get(key)? {
            None => Ok(KeyTtl::Missing),
            Some(raw) => Ok(ttl_from_expiry(open_envelope(key, &raw)?.0, now_ms())),
        }
    }

    fn flush(&self) -> Result<(), KvError> {
        self.db.flush()?;
        self.count(FSYNCS);
        Ok(())
    }

    fn compact(&self) -> Result<CompactionReport, KvError> {
        // sled compacts on its own; what we can do is drop expired keys.
        let now = now_ms();
        let mut removed = 0;
        for item in self.db.iter() {
            let (k, raw) = item?;
            let (expires, _) = open_envelope(&k, &raw)?;
            if !live(expires, now)
                && self
                    .db
                    .compare_and_swap(&k, Some(&raw), None::<&[u8]>)?
                    .is_ok()
            {
                removed += 1;
            }
        }
        Ok(CompactionReport {
            records_kept: self.db.len() as u64,
            segments_in: usize::from(removed > 0),
            ..CompactionReport::default()
        })
    }

    fn stats(&self) -> Stats {
        let c = |i: usize| self.counters[i].load(Ordering::Relaxed);
        Stats {
            engine: "sled",
            // sled counts by iterating; fine for a status line, not a hot path.
            keys: self.db.len() as u64,
            live_bytes: None,
            dead_bytes: None,
            disk_bytes: self.db.size_on_disk().unwrap_or(0),
            segments: 0,
            compactions: 0,
            reads: c(READS),
            writes: c(WRITES),
            deletes: c(DELETES),
            scans: c(SCANS),
            fsyncs: c(FSYNCS),
            durability: self.durability.to_string(),
            background_error: None,
        }
    }
}
