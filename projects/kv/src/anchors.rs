//! redb and fjall behind our [`Engine`] trait: anchors for the benchmark.
//!
//! sled 0.34 is a low bar (a 2021 beta), so the race also runs against
//! redb (a copy-on-write B-tree with ACID transactions) and fjall (an LSM
//! tree like RocksDB). Each value carries the same small TTL envelope as
//! the sled adapter (see `sled_engine`). Durability maps onto each
//! engine's own knobs, at least as strong as ours where they allow it:
//!
//! * redb: one write transaction per operation. `Always` commits with
//!   `Durability::Immediate` (redb fsyncs its file); `Never` commits with
//!   `Durability::None` and `flush` makes an immediate commit; `Every(d)`
//!   makes every commit immediate once `d` has passed since the last one.
//! * fjall: writes go to its journal in the OS page cache; `Always` calls
//!   `persist(SyncData)` (fdatasync, as we do) after each one; `Every(d)`
//!   does so once `d` has passed; `flush` always does.
//!
//! These adapters exist for comparison; they are not meant as a way to
//! use those engines in anger.

use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redb::ReadableDatabase;

use crate::engine::{
    BatchOp, CompactionReport, Durability, Engine, KeyRange, KeyTtl, Pair, Stats, expiry_from_ttl,
    now_ms, ttl_from_expiry,
};
use crate::error::{KvError, OpenError};
use crate::sled_engine::{envelope, live, open_envelope};

const TABLE: redb::TableDefinition<&[u8], &[u8]> = redb::TableDefinition::new("kv");

fn redb_err(e: impl std::fmt::Display) -> KvError {
    KvError::Other {
        engine: "redb",
        reason: e.to_string(),
    }
}

fn fjall_err(e: impl std::fmt::Display) -> KvError {
    KvError::Other {
        engine: "fjall",
        reason: e.to_string(),
    }
}

/// Counters shared by the clones of an adapter.
#[derive(Default)]
struct Counts {
    reads: AtomicU64,
    writes: AtomicU64,
    deletes: AtomicU64,
    scans: AtomicU64,
    fsyncs: AtomicU64,
}

impl Counts {
    fn stats(&self, engine: &'static str, durability: Durability, keys: u64) -> Stats {
        Stats {
            engine,
            keys,
            reads: self.reads.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            deletes: self.deletes.load(Ordering::Relaxed),
            scans: self.scans.load(Ordering::Relaxed),
            fsyncs: self.fsyncs.load(Ordering::Relaxed),
            durability: durability.to_string(),
            ..Stats::default()
        }
    }
}

/// Decides, for `Every(d)`, whether this write is the one that syncs.
struct Ticker {
    every: Option<Duration>,
    last: Mutex<Instant>,
}

impl Ticker {
    fn new(d: Durability) -> Self {
        Ticker {
            every: match d {
                Durability::Every(d) => Some(d),
                _ => None,
            },
            last: Mutex::new(Instant::now()),
        }
    }

    fn due(&self) -> bool {
        let Some(every) = self.every else {
            return false;
        };
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= every {
            *last = Instant::now();
            true
        } else {
            false
        }
    }
}

/// A redb database with one table. Clones share it.
#[derive(Clone)]
pub struct RedbEngine {
    db: Arc<redb::Database>,
    durability: Durability,
    ticker: Arc<Ticker>,
    counts: Arc<Counts>,
}

impl RedbEngine {
    /// Open (or create) the database file `dir/redb`.
    pub fn open(dir: impl AsRef<Path>, durability: Durability) -> Result<RedbEngine, OpenError> {
        let dir = dir.as_ref();
        let fail = |reason: String| OpenError::Other {
            engine: "redb",
            path: dir.to_path_buf(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        let db = redb::Database::create(dir.join("redb")).map_err(|e| fail(e.to_string()))?;
        let e = RedbEngine {
            db: Arc::new(db),
            durability,
            ticker: Arc::new(Ticker::new(durability)),
            counts: Arc::default(),
        };
        // Create the table so reads of an empty store work.
        e.write(true, |_| Ok(())).map_err(|e| fail(e.to_string()))?;
        Ok(e)
    }

    /// Run `f` in one write transaction and commit it, durably if `sync`.
    fn write<T>(
        &self,
        sync: bool,
        f: impl FnOnce(&mut redb::Table<&[u8], &[u8]>) -> Result<T, KvError>,
    ) -> Result<T, KvError> {
        let mut txn = self.db.begin_write().map_err(redb_err)?;
        let sync = sync || self.durability == Durability::Always || self.ticker.due();
        txn.set_durability(if sync {
            redb::Durability::Immediate
        } else {
            redb::Durability::None
        })
        .map_err(redb_err)?;
        let out = {
            let mut table = txn.open_table(TABLE).map_err(redb_err)?;
            f(&mut table)?
        };
        txn.commit().map_err(redb_err)?;
        if sync {
            self.counts.fsyncs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(out)
    }

    fn raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        let txn = self.db.begin_read().map_err(redb_err)?;
        let table = txn.open_table(TABLE).map_err(redb_err)?;
        Ok(table
            .get(key)
            .map_err(redb_err)?
            .map(|v| v.value().to_vec()))
    }
}

impl Engine for RedbEngine {
    fn name(&self) -> &'static str {
        "redb"
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.counts.reads.fetch_add(1, Ordering::Relaxed);
        let Some(raw) = self.raw(key)? else {
            return Ok(None);
        };
        let (expires, value) = open_envelope(key, &raw)?;
        Ok(live(expires, now_ms()).then(|| value.to_vec()))
    }

    fn set_with_ttl(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError> {
        self.counts.writes.fetch_add(1, Ordering::Relaxed);
        let v = envelope(value, expiry_from_ttl(ttl));
        self.write(false, |t| {
            t.insert(key, v.as_slice()).map_err(redb_err)?;
            Ok(())
        })
    }

    fn delete(&self, key: &[u8]) -> Result<bool, KvError> {
        self.counts.deletes.fetch_add(1, Ordering::Relaxed);
        let now = now_ms();
        self.write(false, |t| {
            let old = t.remove(key).map_err(redb_err)?;
            match old {
                Some(raw) => Ok(open_envelope(key, raw.value()).is_ok_and(|(e, _)| live(e, now))),
                None => Ok(false),
            }
        })
    }

    fn scan(&self, range: &KeyRange, limit: usize) -> Result<Vec<Pair>, KvError> {
        self.counts.scans.fetch_add(1, Ordering::Relaxed);
        if range.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let txn = self.db.begin_read().map_err(redb_err)?;
        let table = txn.open_table(TABLE).map_err(redb_err)?;
        let now = now_ms();
        let mut out = Vec::new();
        for item in table.range::<&[u8]>(range.as_slices()).map_err(redb_err)? {
            let (k, v) = item.map_err(redb_err)?;
            let (expires, value) = open_envelope(k.value(), v.value())?;
            if live(expires, now) {
                out.push((k.value().to_vec(), value.to_vec()));
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn apply_batch(&self, batch: &[BatchOp]) -> Result<(), KvError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.write(false, |t| {
            for op in batch {
                match op {
                    BatchOp::Set { key, value, ttl } => {
                        let v = envelope(value, expiry_from_ttl(*ttl));
                        t.insert(key.as_slice(), v.as_slice()).map_err(redb_err)?;
                    }
                    BatchOp::Delete { key } => {
                        t.remove(key.as_slice()).map_err(redb_err)?;
                    }
                }
            }
            Ok(())
        })
    }

    fn expire(&self, key: &[u8], ttl: Option<Duration>) -> Result<bool, KvError> {
        let Some(value) = self.get(key)? else {
            return Ok(false);
        };
        self.set_with_ttl(key, &value, ttl)?;
        Ok(true)
    }

    fn ttl(&self, key: &[u8]) -> Result<KeyTtl, KvError> {
        match self.raw(key)? {
            None => Ok(KeyTtl::Missing),
            Some(raw) => Ok(ttl_from_expiry(open_envelope(key, &raw)?.0, now_ms())),
        }
    }

    fn flush(&self) -> Result<(), KvError> {
        self.write(true, |_| Ok(()))
    }

    fn compact(&self) -> Result<CompactionReport, KvError> {
        Ok(CompactionReport::default())
    }

    fn stats(&self) -> Stats {
        let keys = self
            .db
            .begin_read()
            .ok()
            .and_then(|t| {
                use redb::ReadableTableMetadata;
                t.open_table(TABLE).ok()?.len().ok()
            })
            .unwrap_or(0);
        self.counts.stats("redb", self.durability, keys)
    }
}

/// A fjall database with one keyspace. Clones share it.
#[derive(Clone)]
pub struct FjallEngine {
    db: fjall::Database,
    items: fjall::Keyspace,
    durability: Durability,
    ticker: Arc<Ticker>,
    counts: Arc<Counts>,
}

impl FjallEngine {
    /// Open (or create) a fjall database in `dir`.
    pub fn open(dir: impl AsRef<Path>, durability: Durability) -> Result<FjallEngine, OpenError> {
        let dir = dir.as_ref();
        let fail = |reason: String| OpenError::Other {
            engine: "fjall",
            path: dir.to_path_buf(),
            reason,
        };
        let db = fjall::Database::builder(dir)
            .open()
            .map_err(|e| fail(e.to_string()))?;
        let items = db
            .keyspace("kv", fjall::KeyspaceCreateOptions::default)
            .map_err(|e| fail(e.to_string()))?;
        Ok(FjallEngine {
            db,
            items,
            durability,
            ticker: Arc::new(Ticker::new(durability)),
            counts: Arc::default(),
        })
    }

    fn after_write(&self) -> Result<(), KvError> {
        if self.durability == Durability::Always || self.ticker.due() {
            self.sync()?;
        }
        Ok(())
    }

    fn sync(&self) -> Result<(), KvError> {
        self.db
            .persist(fjall::PersistMode::SyncData)
            .map_err(fjall_err)?;
        self.counts.fsyncs.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Engine for FjallEngine {
    fn name(&self) -> &'static str {
        "fjall"
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.counts.reads.fetch_add(1, Ordering::Relaxed);
        let Some(raw) = self.items.get(key).map_err(fjall_err)? else {
            return Ok(None);
        };
        let (expires, value) = open_envelope(key, &raw)?;
        Ok(live(expires, now_ms()).then(|| value.to_vec()))
    }

    fn set_with_ttl(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError> {
        self.counts.writes.fetch_add(1, Ordering::Relaxed);
        self.items
            .insert(key, envelope(value, expiry_from_ttl(ttl)))
            .map_err(fjall_err)?;
        self.after_write()
    }

    fn delete(&self, key: &[u8]) -> Result<bool, KvError> {
        self.counts.deletes.fetch_add(1, Ordering::Relaxed);
        let existed = self.get(key)?.is_some();
        if existed {
            self.items.remove(key).map_err(fjall_err)?;
            self.after_write()?;
        }
        Ok(existed)
    }

    fn scan(&self, range: &KeyRange, limit: usize) -> Result<Vec<Pair>, KvError> {
        self.counts.scans.fetch_add(1, Ordering::Relaxed);
        if range.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let bounds: (Bound<Vec<u8>>, Bound<Vec<u8>>) = (range.start.clone(), range.end.clone());
        let now = now_ms();
        let mut out = Vec::new();
        for guard in self.items.range(bounds) {
            let (k, v) = guard.into_inner().map_err(fjall_err)?;
            let (expires, value) = open_envelope(&k, &v)?;
            if live(expires, now) {
                out.push((k.to_vec(), value.to_vec()));
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn apply_batch(&self, batch: &[BatchOp]) -> Result<(), KvError> {
        let mut b = self.db.batch();
        for op in batch {
            match op {
                BatchOp::Set { key, value, ttl } => b.insert(
                    &self.items,
                    key.as_slice(),
                    envelope(value, expiry_from_ttl(*ttl)),
                ),
                BatchOp::Delete { key } => b.remove(&self.items, key.as_slice()),
            }
        }
        b.commit().map_err(fjall_err)?;
        self.after_write()
    }

    fn expire(&self, key: &[u8], ttl: Option<Duration>) -> Result<bool, KvError> {
        let Some(value) = self.get(key)? else {
            return Ok(false);
        };
        self.set_with_ttl(key, &value, ttl)?;
        Ok(true)
    }

    fn ttl(&self, key: &[u8]) -> Result<KeyTtl, KvError> {
        match self.items.get(key).map_err(fjall_err)? {
            None => Ok(KeyTtl::Missing),
            Some(raw) => Ok(ttl_from_expiry(open_envelope(key, &raw)?.0, now_ms())),
        }
    }

    fn flush(&self) -> Result<(), KvError> {
        self.sync()
    }

    fn compact(&self) -> Result<CompactionReport, KvError> {
        Ok(CompactionReport::default())
    }

    fn stats(&self) -> Stats {
        let keys = self.items.len().unwrap_or(0) as u64;
        self.counts.stats("fjall", self.durability, keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The adapters keep the trait's promises the benchmark relies on.
    #[test]
    fn anchors_store_scan_delete_and_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        for which in ["redb", "fjall"] {
            let path = dir.path().join(which);
            {
                let e: Box<dyn Engine> = match which {
                    "redb" => Box::new(RedbEngine::open(&path, Durability::Always).expect("open")),
                    _ => Box::new(FjallEngine::open(&path, Durability::Always).expect("open")),
                };
                e.set(b"a1", b"x").expect("set");
                e.set(b"a2", b"y").expect("set");
                e.set(b"b1", b"z").expect("set");
                assert!(e.delete(b"a2").expect("delete"));
                assert!(!e.delete(b"a2").expect("delete again"));
                let got = e.scan(&KeyRange::prefix(b"a"), 10).expect("scan");
                assert_eq!(got, vec![(b"a1".to_vec(), b"x".to_vec())], "{which}");
                e.flush().expect("flush");
            }
            let e: Box<dyn Engine> = match which {
                "redb" => Box::new(RedbEngine::open(&path, Durability::Never).expect("reopen")),
                _ => Box::new(FjallEngine::open(&path, Durability::Never).expect("reopen")),
            };
            assert_eq!(e.get(b"b1").expect("get"), Some(b"z".to_vec()), "{which}");
            assert_eq!(e.get(b"a2").expect("get"), None, "{which}");
        }
    }
}
