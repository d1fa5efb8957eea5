//! `MemEngine`: the whole store in one `BTreeMap` behind a lock.
//!
//! It is the reference model: simple enough to be obviously right, so tests
//! can compare the real engines against it, and handy for trying the
//! console without touching disk. Nothing is persisted.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::engine::{
    BatchOp, CompactionReport, Engine, KeyRange, KeyTtl, Pair, Stats, expiry_from_ttl, now_ms,
    ttl_from_expiry,
};
use crate::error::KvError;

/// (value, expiry in unix ms, 0 = never)
type Map = BTreeMap<Vec<u8>, (Vec<u8>, u64)>;

/// An in-memory engine. Clones share the same map.
#[derive(Clone, Default)]
pub struct MemEngine {
    map: Arc<RwLock<Map>>,
    reads: Arc<AtomicU64>,
    writes: Arc<AtomicU64>,
    deletes: Arc<AtomicU64>,
    scans: Arc<AtomicU64>,
}

impl MemEngine {
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Map> {
        self.map.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Map> {
        self.map.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn live(entry: &(Vec<u8>, u64), now: u64) -> bool {
    entry.1 == 0 || entry.1 > now
}

impl Engine for MemEngine {
    fn name(&self) -> &'static str {
        "mem"
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let now = now_ms();
        Ok(self
            .read()
            .get(key)
            .filter(|e| live(e, now))
            .map(|e| e.0.clone()))
    }

    fn set_with_ttl(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.write()
            .insert(key.to_vec(), (value.to_vec(), expiry_from_ttl(ttl)));
        Ok(())
    }

    fn delete(&self, key: &[u8]) -> Result<bool, KvError> {
        let now = now_ms();
        let removed = self.write().remove(key);
        if removed.is_some() {
            self.deletes.fetch_add(1, Ordering::Relaxed);
        }
        Ok(removed.is_some_and(|e| live(&e, now)))
    }

    fn scan(&self, range: &KeyRange, limit: usize) -> Result<Vec<Pair>, KvError> {
        self.scans.fetch_add(1, Ordering::Relaxed);
        if range.is_empty() {
            return Ok(Vec::new());
        }
        let now = now_ms();
        Ok(self
            .read()
            .range::<[u8], _>(range.as_slices())
            .filter(|(_, e)| live(e, now))
            .take(limit)
            .map(|(k, e)| (k.clone(), e.0.clone()))
            .collect())
    }

    fn apply_batch(&self, batch: &[BatchOp]) -> Result<(), KvError> {
        let mut map = self.write();
        for op in batch {
            match op {
                BatchOp::Set { key, value, ttl } => {
                    self.writes.fetch_add(1, Ordering::Relaxed);
                    map.insert(key.clone(), (value.clone(), expiry_from_ttl(*ttl)));
                }
                BatchOp::Delete { key } => {
                    self.deletes.fetch_add(1, Ordering::Relaxed);
                    map.remove(key);
                }
            }
        }
        Ok(())
    }

    fn expire(&self, key: &[u8], ttl: Option<Duration>) -> Result<bool, KvError> {
        let now = now_ms();
        let mut map = self.write();
        match map.get_mut(key) {
            Some(e) if live(e, now) => {
                e.1 = expiry_from_ttl(ttl);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn ttl(&self, key: &[u8]) -> Result<KeyTtl, KvError> {
        Ok(match self.read().get(key) {
            Some(e) => ttl_from_expiry(e.1, now_ms()),
            None => KeyTtl::Missing,
        })
    }

    fn flush(&self) -> Result<(), KvError> {
        Ok(())
    }

    fn compact(&self) -> Result<CompactionReport, KvError> {
        let now = now_ms();
        let mut map = self.write();
        let before = map.len();
        map.retain(|_, e| live(e, now));
        Ok(CompactionReport {
            records_kept: map.len() as u64,
            segments_in: usize::from(before != map.len()),
            ..CompactionReport::default()
        })
    }

    fn stats(&self) -> Stats {
        let map = self.read();
        let bytes: u64 = map.iter().map(|(k, e)| (k.len() + e.0.len()) as u64).sum();
        Stats {
            engine: "mem",
            keys: map.len() as u64,
            live_bytes: Some(bytes),
            dead_bytes: Some(0),
            disk_bytes: 0,
            reads: self.reads.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            deletes: self.deletes.load(Ordering::Relaxed),
            scans: self.scans.load(Ordering::Relaxed),
            durability: "in memory".into(),
            ..Stats::default()
        }
    }
}
