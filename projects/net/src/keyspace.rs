//! The keyspace: every key, its string value and its expiry, in memory, with
//! each change written through to a [`kv::Engine`] when the server persists.
//!
//! This is Redis's own design: the dataset lives in memory and is served
//! from there; the disk holds a log to rebuild it from (Redis's append-only
//! file, here the Phase 2 log-structured store). Writes go to the engine
//! *first*, under the keyspace lock, so a failed write changes nothing and
//! the engine sees writes in the same order as memory. At start-up,
//! [`Keyspace::load`] rebuilds memory from the engine.
//!
//! Layout. Entries live in a slot vector; a `hashbrown::HashTable` maps a
//! key's hash to its slot number. A slot keeps its number for as long as
//! its key exists, which is what SCAN needs: the cursor is a slot number,
//! so a key present for a whole scan is returned exactly once, however many
//! keys come and go meanwhile (Redis promises "at least once").
//!
//! Expiry. Deadlines are [`tokio::time::Instant`]s, so tests can pause and
//! advance the clock. A key past its deadline is removed when touched (lazy
//! expiry) and by [`Keyspace::expire_due`], which the server calls ten
//! times a second (active expiry), reading deadlines in order from a
//! `BTreeSet`. The engine keeps its own wall-clock expiry for the same
//! keys, so an expired key is not deleted from it separately.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::Duration;

use hashbrown::HashTable;
use kv::{BatchOp, Engine, KeyRange, KeyTtl, KvError};
use tokio::time::Instant;

use crate::glob;

/// A write the storage engine refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(#[from] pub KvError);

/// Why INCR and friends refused.
#[derive(Debug, thiserror::Error)]
pub enum IncrError {
    #[error("value is not an integer or out of range")]
    NotInteger,
    #[error("increment or decrement would overflow")]
    Overflow,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a SET does to an existing expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No expiry (a plain SET clears any old one).
    Never,
    /// Expire at this instant.
    At(Instant),
    /// Keep whatever the key had (SET ... KEEPTTL).
    Keep,
}

struct Slot {
    key: Box<[u8]>,
    value: Vec<u8>,
    expires: Option<Instant>,
}

/// See the module documentation.
pub struct Keyspace {
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: RandomState,
    deadlines: BTreeSet<(Instant, u32)>,
    /// Bytes of keys and values, the dataset size INFO reports.
    bytes: usize,
    expired: u64,
    engine: Option<Arc<dyn Engine>>,
}

impl Keyspace {
    /// An empty keyspace, persisting to `engine` if one is given.
    pub fn new(engine: Option<Arc<dyn Engine>>) -> Self {
        Keyspace {
            slots: Vec::new(),
            free: Vec::new(),
            index: HashTable::new(),
            hasher: RandomState::new(),
            deadlines: BTreeSet::new(),
            bytes: 0,
            expired: 0,
            engine,
        }
    }

    /// Rebuild the keyspace from what the engine holds.
    pub fn load(engine: Arc<dyn Engine>, now: Instant) -> Result<Self, StorageError> {
        let pairs = engine.scan(&KeyRange::all(), usize::MAX)?;
        let mut ks = Keyspace::new(None);
        for (key, value) in pairs {
            let expires = match engine.ttl(&key)? {
                KeyTtl::Missing => continue, // expired between the scan and now
                KeyTtl::NoExpiry => None,
                KeyTtl::ExpiresIn(d) => Some(now + d),
            };
            ks.insert_slot(key.into_boxed_slice(), value, expires);
        }
        ks.engine = Some(engine);
        Ok(ks)
    }

    /// The engine's name (`log`), or `None` when in memory only.
    pub fn engine(&self) -> Option<&Arc<dyn Engine>> {
        self.engine.as_ref()
    }

    /// Keys stored, counting expired keys not yet collected (as Redis's
    /// DBSIZE does).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Keys that have a deadline.
    pub fn volatile(&self) -> usize {
        self.deadlines.len()
    }

    /// Bytes of keys and values.
    pub fn data_bytes(&self) -> usize {
        self.bytes
    }

    /// Keys removed because they expired, since start.
    pub fn expired_total(&self) -> u64 {
        self.expired
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    fn find(&self, key: &[u8]) -> Option<u32> {
        let slots = &self.slots;
        self.index
            .find(self.hash(key), |&i| {
                slots[i as usize].as_ref().is_some_and(|s| &*s.key == key)
            })
            .copied()
    }

    /// The slot of a live key, removing it first if it has expired.
    fn live(&mut self, key: &[u8], now: Instant) -> Option<u32> {
        let i = self.find(key)?;
        let expired = self.slot(i).expires.is_some_and(|at| at <= now);
        if expired {
            self.remove_slot(i);
            self.expired += 1;
            return None;
        }
        Some(i)
    }

    fn slot(&self, i: u32) -> &Slot {
        match &self.slots[i as usize] {
            Some(slot) => slot,
            // The index only holds numbers of occupied slots.
            None => unreachable!("index points at an empty slot"),
        }
    }

    fn slot_mut(&mut self, i: u32) -> &mut Slot {
        match &mut self.slots[i as usize] {
            Some(slot) => slot,
            None => unreachable!("index points at an empty slot"),
        }
    }

    fn insert_slot(&mut self, key: Box<[u8]>, value: Vec<u8>, expires: Option<Instant>) -> u32 {
        let hash = self.hash(&key);
        self.bytes += key.len() + value.len();
        let slot = Some(Slot {
            key,
            value,
            expires,
        });
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = slot;
                i
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        if let Some(at) = expires {
            self.deadlines.insert((at, i));
        }
        let (slots, hasher) = (&self.slots, &self.hasher);
        self.index
            .insert_unique(hash, i, |&j| match &slots[j as usize] {
                Some(s) => hasher.hash_one(&*s.key),
                None => 0,
            });
        i
    }

    fn remove_slot(&mut self, i: u32) {
        let Some(slot) = self.slots[i as usize].take() else {
            return;
        };
        let hash = self.hash(&slot.key);
        if let Ok(entry) = self.index.find_entry(hash, |&j| j == i) {
            entry.remove();
        }
        if let Some(at) = slot.expires {
            self.deadlines.remove(&(at, i));
        }
        self.bytes -= slot.key.len() + slot.value.len();
        self.free.push(i);
    }

    fn set_deadline(&mut self, i: u32, expires: Option<Instant>) {
        let old = std::mem::replace(&mut self.slot_mut(i).expires, expires);
        if let Some(at) = old {
            self.deadlines.remove(&(at, i));
        }
        if let Some(at) = expires {
            self.deadlines.insert((at, i));
        }
    }

    /// The value of a live key.
    pub fn get(&mut self, key: &[u8], now: Instant) -> Option<&[u8]> {
        let i = self.live(key, now)?;
        Some(&self.slot(i).value)
    }

    /// Whether a live key exists.
    pub fn contains(&mut self, key: &[u8], now: Instant) -> bool {
        self.live(key, now).is_some()
    }

    /// `None` if the key is missing, else its time left (`None`: no expiry).
    pub fn ttl(&mut self, key: &[u8], now: Instant) -> Option<Option<Duration>> {
        let i = self.live(key, now)?;
        Some(self.slot(i).expires.map(|at| at - now))
    }

    fn engine_ttl(expires: Option<Instant>, now: Instant) -> Option<Duration> {
        // A deadline already reached still maps to a zero TTL, which the
        // engine stores as expired, never as "no expiry".
        expires.map(|at| at.saturating_duration_since(now))
    }

    /// Store `value` under `key`.
    pub fn set(
        &mut self,
        key: &[u8],
        value: Vec<u8>,
        expiry: Expiry,
        now: Instant,
    ) -> Result<(), StorageError> {
        let existing = self.live(key, now);
        let expires = match expiry {
            Expiry::Never => None,
            Expiry::At(at) => Some(at),
            Expiry::Keep => existing.and_then(|i| self.slot(i).expires),
        };
        if let Some(engine) = &self.engine {
            engine.set_with_ttl(key, &value, Self::engine_ttl(expires, now))?;
        }
        match existing {
            Some(i) => {
                let slot = self.slot_mut(i);
                let old = std::mem::replace(&mut slot.value, value);
                let new_len = slot.value.len();
                self.bytes = self.bytes - old.len() + new_len;
                self.set_deadline(i, expires);
            }
            None => {
                self.insert_slot(key.into(), value, expires);
            }
        }
        Ok(())
    }

    /// Store several pairs at once, atomically in the engine.
    pub fn set_many(&mut self, pairs: &[(&[u8], &[u8])], now: Instant) -> Result<(), StorageError> {
        if let Some(engine) = &self.engine {
            let batch: Vec<BatchOp> = pairs
                .iter()
                .map(|(k, v)| BatchOp::Set {
                    key: k.to_vec(),
                    value: v.to_vec(),
                    ttl: None,
                })
                .collect();
            engine.apply_batch(&batch)?;
        }
        let engine = self.engine.take();
        for (k, v) in pairs {
            // Cannot fail: there is no engine to refuse while it is taken.
            let _ = self.set(k, v.to_vec(), Expiry::Never, now);
        }
        self.engine = engine;
        Ok(())
    }

    /// Remove a key; whether a live one was there.
    pub fn remove(&mut self, key: &[u8], now: Instant) -> Result<bool, StorageError> {
        let Some(i) = self.live(key, now) else {
            return Ok(false);
        };
        if let Some(engine) = &self.engine {
            engine.delete(key)?;
        }
        self.remove_slot(i);
        Ok(true)
    }

    /// Set (`Some`) or clear (`None`) a live key's deadline; whether the key
    /// exists. A deadline not after `now` deletes the key at once.
    pub fn set_expiry(
        &mut self,
        key: &[u8],
        expires: Option<Instant>,
        now: Instant,
    ) -> Result<bool, StorageError> {
        let Some(i) = self.live(key, now) else {
            return Ok(false);
        };
        if expires.is_some_and(|at| at <= now) {
            self.remove(key, now)?;
            return Ok(true);
        }
        if let Some(engine) = &self.engine {
            engine.expire(key, Self::engine_ttl(expires, now))?;
        }
        self.set_deadline(i, expires);
        Ok(true)
    }

    /// Append to a string (creating it); the new length.
    pub fn append(&mut self, key: &[u8], data: &[u8], now: Instant) -> Result<usize, StorageError> {
        let Some(i) = self.live(key, now) else {
            self.set(key, data.to_vec(), Expiry::Never, now)?;
            return Ok(data.len());
        };
        let slot = self.slot(i);
        let expires = slot.expires;
        if let Some(engine) = &self.engine {
            let mut joined = Vec::with_capacity(slot.value.len() + data.len());
            joined.extend_from_slice(&slot.value);
            joined.extend_from_slice(data);
            engine.set_with_ttl(key, &joined, Self::engine_ttl(expires, now))?;
        }
        let slot = self.slot_mut(i);
        slot.value.extend_from_slice(data);
        let len = slot.value.len();
        self.bytes += data.len();
        Ok(len)
    }

    /// Add `delta` to the integer stored at `key` (0 if absent).
    pub fn incr_by(&mut self, key: &[u8], delta: i64, now: Instant) -> Result<i64, IncrError> {
        let (current, expiry) = match self.live(key, now) {
            Some(i) => {
                let slot = self.slot(i);
                // Strict, as Redis: no spaces, no leading '+', no overflow.
                let n = crate::frame::parse_int(&slot.value).ok_or(IncrError::NotInteger)?;
                (n, Expiry::Keep)
            }
            None => (0, Expiry::Never),
        };
        let next = current.checked_add(delta).ok_or(IncrError::Overflow)?;
        self.set(key, next.to_string().into_bytes(), expiry, now)?;
        Ok(next)
    }

    /// Remove every key.
    pub fn flush(&mut self) -> Result<(), StorageError> {
        if let Some(engine) = &self.engine {
            let batch: Vec<BatchOp> = self
                .slots
                .iter()
                .flatten()
                .map(|s| BatchOp::Delete {
                    key: s.key.to_vec(),
                })
                .collect();
            engine.apply_batch(&batch)?;
        }
        let engine = self.engine.take();
        let expired = self.expired;
        *self = Keyspace::new(engine);
        self.expired = expired;
        Ok(())
    }

    /// Live keys matching `pattern` (all of them for `*`).
    pub fn keys(&self, pattern: &[u8], now: Instant) -> Vec<Vec<u8>> {
        self.slots
            .iter()
            .flatten()
            .filter(|s| s.expires.is_none_or(|at| at > now) && glob::matches(pattern, &s.key))
            .map(|s| s.key.to_vec())
            .collect()
    }

    /// Visit up to `count` slots from `cursor`: the next cursor (0 when the
    /// scan is complete) and the live keys found that match `pattern`.
    pub fn scan(
        &self,
        cursor: u64,
        count: usize,
        pattern: Option<&[u8]>,
        now: Instant,
    ) -> (u64, Vec<Vec<u8>>) {
        let start = usize::try_from(cursor)
            .unwrap_or(usize::MAX)
            .min(self.slots.len());
        let end = start.saturating_add(count.max(1)).min(self.slots.len());
        let found = self.slots[start..end]
            .iter()
            .flatten()
            .filter(|s| s.expires.is_none_or(|at| at > now))
            .filter(|s| pattern.is_none_or(|p| glob::matches(p, &s.key)))
            .map(|s| s.key.to_vec())
            .collect();
        let next = if end >= self.slots.len() {
            0
        } else {
            end as u64
        };
        (next, found)
    }

    /// Remove up to `max` keys whose deadline has passed; how many.
    pub fn expire_due(&mut self, now: Instant, max: usize) -> usize {
        let mut removed = 0;
        while removed < max {
            let Some(&(at, i)) = self.deadlines.first() else {
                break;
            };
            if at > now {
                break;
            }
            self.remove_slot(i);
            self.expired += 1;
            removed += 1;
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_returns_every_lasting_key_once_despite_churn() {
        let now = Instant::now();
        let mut ks = Keyspace::new(None);
        for i in 0..100 {
            ks.set(format!("keep:{i}").as_bytes(), vec![1], Expiry::Never, now)
                .unwrap();
        }
        let mut seen = Vec::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            let (next, keys) = ks.scan(cursor, 7, Some(b"keep:*"), now);
            seen.extend(keys);
            // Churn between calls: new keys, and deletions that free slots.
            for j in 0..5 {
                ks.set(
                    format!("tmp:{round}:{j}").as_bytes(),
                    vec![2],
                    Expiry::Never,
                    now,
                )
                .unwrap();
            }
            ks.remove(format!("tmp:{round}:0").as_bytes(), now).unwrap();
            round += 1;
            if next == 0 {
                break;
            }
            cursor = next;
        }
        seen.sort();
        let mut want: Vec<Vec<u8>> = (0..100).map(|i| format!("keep:{i}").into_bytes()).collect();
        want.sort();
        assert_eq!(seen, want);
    }

    #[test]
    fn expired_keys_vanish_lazily_and_actively() {
        let now = Instant::now();
        let mut ks = Keyspace::new(None);
        let soon = Expiry::At(now + Duration::from_millis(10));
        ks.set(b"a", b"1".to_vec(), soon, now).unwrap();
        ks.set(b"b", b"2".to_vec(), soon, now).unwrap();
        ks.set(b"c", b"3".to_vec(), Expiry::Never, now).unwrap();
        let later = now + Duration::from_millis(11);
        assert_eq!(ks.get(b"a", later), None); // lazily
        assert_eq!(ks.len(), 2);
        assert_eq!(ks.expire_due(later, 100), 1); // b, actively
        assert_eq!(ks.len(), 1);
        assert_eq!(ks.volatile(), 0);
        assert_eq!(ks.expired_total(), 2);
        assert_eq!(ks.data_bytes(), 2);
    }

    #[test]
    fn writes_go_through_to_the_engine_and_load_back() {
        let engine: Arc<dyn Engine> = Arc::new(kv::MemEngine::new());
        let now = Instant::now();
        let mut ks = Keyspace::new(Some(engine.clone()));
        ks.set(b"a", b"1".to_vec(), Expiry::Never, now).unwrap();
        ks.set(
            b"t",
            b"x".to_vec(),
            Expiry::At(now + Duration::from_secs(100)),
            now,
        )
        .unwrap();
        ks.append(b"a", b"23", now).unwrap();
        ks.incr_by(b"n", 5, now).unwrap();
        ks.set_many(&[(b"m1", b"v1"), (b"m2", b"v2")], now).unwrap();
        ks.remove(b"m2", now).unwrap();
        let mut back = Keyspace::load(engine.clone(), now).unwrap();
        assert_eq!(back.get(b"a", now), Some(&b"123"[..]));
        assert_eq!(back.get(b"n", now), Some(&b"5"[..]));
        assert_eq!(back.get(b"m1", now), Some(&b"v1"[..]));
        assert_eq!(back.get(b"m2", now), None);
        let left = back.ttl(b"t", now).unwrap().unwrap();
        assert!(left > Duration::from_secs(90) && left <= Duration::from_secs(100));
        back.flush().unwrap();
        assert_eq!(Keyspace::load(engine, now).unwrap().len(), 0);
    }

    #[test]
    fn incr_refuses_non_integers_and_overflow() {
        let now = Instant::now();
        let mut ks = Keyspace::new(None);
        ks.set(b"s", b"abc".to_vec(), Expiry::Never, now).unwrap();
        ks.set(b"sp", b" 1".to_vec(), Expiry::Never, now).unwrap();
        ks.set(
            b"max",
            i64::MAX.to_string().into_bytes(),
            Expiry::Never,
            now,
        )
        .unwrap();
        assert!(matches!(
            ks.incr_by(b"s", 1, now),
            Err(IncrError::NotInteger)
        ));
        assert!(matches!(
            ks.incr_by(b"sp", 1, now),
            Err(IncrError::NotInteger)
        ));
        assert!(matches!(
            ks.incr_by(b"max", 1, now),
            Err(IncrError::Overflow)
        ));
        assert_eq!(ks.incr_by(b"new", -3, now).unwrap(), -3);
    }
}
