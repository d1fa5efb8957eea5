//! A bounded cache of segment blocks, so a read is a memory copy instead
//! of a system call.
//!
//! Reads used to copy records out of a memory map of each segment, which
//! is fast but turns a file cut short underneath the store into SIGBUS.
//! Now they `pread`, and this cache keeps recently read 4 KiB blocks in
//! memory (the way redb keeps its own page cache). Only whole blocks below
//! a segment's readable end are cached: those bytes never change again
//! (the log is append-only, and recovery cuts a torn tail before any reader
//! exists), so a cached block can never be stale. Segment ids are never
//! reused, so a merged segment's blocks are simply dropped with
//! [`BlockCache::forget`].
//!
//! The cache is split into shards by block, each a hash map with CLOCK
//! eviction (a block read since the hand last passed gets a second chance).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::error::KvError;

use super::segment::Segment;

/// Bytes per cached block.
pub const BLOCK: u64 = 4096;
/// Records spanning more blocks than this are read directly.
const MAX_BLOCKS_PER_READ: u64 = 4;
const SHARDS: usize = 16;

type Key = (u32, u64);

#[derive(Default)]
struct Shard {
    map: HashMap<Key, (Arc<[u8]>, bool)>,
    clock: VecDeque<Key>,
}

pub(super) struct BlockCache {
    shards: Vec<Mutex<Shard>>,
    /// Blocks each shard may hold.
    per_shard: usize,
}

fn lock(m: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl BlockCache {
    /// A cache of about `bytes` bytes (0 turns it off).
    pub fn new(bytes: usize) -> BlockCache {
        BlockCache {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            per_shard: bytes / BLOCK as usize / SHARDS,
        }
    }

    fn shard(&self, key: Key) -> &Mutex<Shard> {
        let h = (key.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key.1;
        &self.shards[(h.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 60) as usize % SHARDS]
    }

    /// Read `buf.len()` bytes at `offset` of `seg`, through the cache where
    /// the blocks are complete.
    pub fn read(&self, seg: &Segment, buf: &mut [u8], offset: u64) -> Result<(), KvError> {
        let len = buf.len() as u64;
        if self.per_shard == 0 || len == 0 {
            return seg.read_exact_at(buf, offset);
        }
        let first = offset / BLOCK;
        let last = (offset + len - 1) / BLOCK;
        if last - first >= MAX_BLOCKS_PER_READ || (last + 1) * BLOCK > seg.readable() {
            return seg.read_exact_at(buf, offset);
        }
        for b in first..=last {
            let block = self.block(seg, b)?;
            let start = offset.max(b * BLOCK);
            let end = (offset + len).min((b + 1) * BLOCK);
            buf[(start - offset) as usize..(end - offset) as usize]
                .copy_from_slice(&block[(start - b * BLOCK) as usize..(end - b * BLOCK) as usize]);
        }
        Ok(())
    }

    fn block(&self, seg: &Segment, b: u64) -> Result<Arc<[u8]>, KvError> {
        let key = (seg.id, b);
        if let Some((data, used)) = lock(self.shard(key)).map.get_mut(&key) {
            *used = true;
            return Ok(Arc::clone(data));
        }
        let mut data = vec![0u8; BLOCK as usize];
        seg.read_exact_at(&mut data, b * BLOCK)?;
        let data: Arc<[u8]> = data.into();
        let mut shard = lock(self.shard(key));
        if shard.map.contains_key(&key) {
            return Ok(data);
        }
        while shard.map.len() >= self.per_shard {
            let Some(victim) = shard.clock.pop_front() else {
                break;
            };
            match shard.map.get_mut(&victim) {
                Some((_, used)) if *used => {
                    *used = false;
                    shard.clock.push_back(victim);
                }
                Some(_) => {
                    shard.map.remove(&victim);
                }
                None => {}
            }
        }
        shard.map.insert(key, (Arc::clone(&data), false));
        shard.clock.push_back(key);
        Ok(data)
    }

    /// Drop every block of segment `id` (merged away by compaction).
    pub fn forget(&self, id: u32) {
        for s in &self.shards {
            let mut s = lock(s);
            s.map.retain(|k, _| k.0 != id);
            s.clock.retain(|k| k.0 != id);
        }
    }

    /// Blocks held now.
    #[cfg(test)]
    pub fn blocks(&self) -> usize {
        self.shards.iter().map(|s| lock(s).map.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::format::SegmentKind;

    #[test]
    fn cached_reads_match_the_file_and_stay_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let seg = Segment::create(dir.path().join("1.seg"), 1, SegmentKind::Log).expect("create");
        let data: Vec<u8> = (0..10 * BLOCK as usize + 100)
            .map(|i| (i % 251) as u8)
            .collect();
        seg.append_at(&data, 16).expect("append");
        let file = std::fs::read(dir.path().join("1.seg")).expect("read file");
        assert_eq!(&file[16..], &data[..]);
        // Room for one block per shard.
        let cache = BlockCache::new(SHARDS * BLOCK as usize);
        for (off, len) in [
            (16u64, 100usize),
            (4090, 20),
            (8000, 5000),
            (40_000, 900),
            (10, 6),
        ] {
            let mut buf = vec![0u8; len];
            cache.read(&seg, &mut buf, off).expect("read");
            assert_eq!(buf, file[off as usize..off as usize + len], "{off}+{len}");
        }
        assert!(cache.blocks() <= SHARDS, "{}", cache.blocks());
        // The last, incomplete block is never cached: bytes appended to it
        // later are seen.
        let end = seg.readable();
        seg.append_at(b"more", end).expect("append");
        let mut buf = [0u8; 4];
        cache.read(&seg, &mut buf, end).expect("read");
        assert_eq!(&buf, b"more");
        cache.forget(1);
        assert_eq!(cache.blocks(), 0);
    }
}
