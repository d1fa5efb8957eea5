//! The buffer pool: a fixed number of frames holding clean (committed) pages,
//! evicted with the clock algorithm. Each frame has a "referenced" bit that a
//! hit sets; the clock hand sweeps the frames, clearing bits, and evicts the
//! first frame whose bit is already clear. That approximates LRU with one bit
//! per page and no list to reorder on every hit.
//!
//! Only clean pages live here, so eviction never writes: pages changed by the
//! open transaction are held by the pager until commit (see `pager`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::page::{Page, PageId};

/// Page ids are small dense integers, so a multiplicative hash spreads them
/// well and costs far less than the default SipHash on this hot path.
#[derive(Default, Clone, Copy)]
pub struct PageIdHasher(u64);

impl Hasher for PageIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by page id.
pub type PageMap<V> = HashMap<PageId, V, BuildHasherDefault<PageIdHasher>>;

struct Frame {
    id: PageId,
    page: Arc<Page>,
    referenced: bool,
}

pub struct BufferPool {
    frames: Vec<Frame>,
    map: PageMap<usize>,
    hand: usize,
    capacity: usize,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

impl BufferPool {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(8);
        BufferPool {
            frames: Vec::with_capacity(capacity),
            map: PageMap::with_capacity_and_hasher(capacity, Default::default()),
            hand: 0,
            capacity,
            hits: 0,
            misses: 0,
            evictions: 0,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Looks a page up, counting a hit or a miss.
    pub fn get(&mut self, id: PageId) -> Option<Arc<Page>> {
        match self.map.get(&id) {
            Some(&slot) => {
                self.hits += 1;
                let frame = &mut self.frames[slot];
                frame.referenced = true;
                Some(frame.page.clone())
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }

    pub fn contains(&self, id: PageId) -> bool {
        self.map.contains_key(&id)
    }

    /// Adds or replaces a page, evicting another if the pool is full.
    pub fn insert(&mut self, id: PageId, page: Arc<Page>) {
        if let Some(&slot) = self.map.get(&id) {
            let frame = &mut self.frames[slot];
            frame.page = page;
            frame.referenced = true;
            return;
        }
        if self.frames.len() < self.capacity {
            self.map.insert(id, self.frames.len());
            self.frames.push(Frame {
                id,
                page,
                referenced: false,
            });
            return;
        }
        let slot = self.victim();
        self.evictions += 1;
        let old = self.frames[slot].id;
        self.map.remove(&old);
        self.map.insert(id, slot);
        // A new page starts cold: only a second use earns it a reference
        // bit, so a scan that reads many pages once cannot flush hot ones.
        self.frames[slot] = Frame {
            id,
            page,
            referenced: false,
        };
    }

    fn victim(&mut self) -> usize {
        // At most two sweeps: the first clears every bit if all were set.
        loop {
            let slot = self.hand;
            self.hand = (self.hand + 1) % self.frames.len();
            let frame = &mut self.frames[slot];
            if frame.referenced {
                frame.referenced = false;
            } else {
                return slot;
            }
        }
    }

    pub fn remove(&mut self, id: PageId) {
        // Leaves the frame in place with its page dropped from the map; the
        // slot is reused by the next eviction that lands on it. To keep the
        // structure simple we swap-remove and fix the moved frame's index.
        if let Some(slot) = self.map.remove(&id) {
            self.frames.swap_remove(slot);
            if slot < self.frames.len() {
                let moved = self.frames[slot].id;
                self.map.insert(moved, slot);
            }
            if self.hand >= self.frames.len() {
                self.hand = 0;
            }
        }
    }

    pub fn clear(&mut self) {
        self.frames.clear();
        self.map.clear();
        self.hand = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(b: u8) -> Arc<Page> {
        let mut p = Page::zeroed();
        p.0[0] = b;
        Arc::new(p)
    }

    #[test]
    fn never_holds_more_than_capacity_and_counts_hits() {
        let mut pool = BufferPool::new(8);
        for i in 0..100u32 {
            pool.insert(i, page(i as u8));
            assert!(pool.len() <= 8);
        }
        assert_eq!(pool.evictions, 92);
        assert!(pool.get(99).is_some());
        assert!(pool.get(0).is_none());
        assert_eq!((pool.hits, pool.misses), (1, 1));
    }

    #[test]
    fn clock_keeps_a_page_that_is_used_between_evictions() {
        let mut pool = BufferPool::new(8);
        for i in 0..8u32 {
            pool.insert(i, page(0));
        }
        // Keep touching page 0 while new pages stream through.
        for i in 8..40u32 {
            assert!(pool.get(0).is_some(), "page 0 evicted at {i}");
            pool.insert(i, page(0));
        }
    }

    #[test]
    fn untouched_pages_go_first() {
        let mut pool = BufferPool::new(8);
        for i in 0..8u32 {
            pool.insert(i, page(0));
        }
        for i in 0..4u32 {
            assert!(pool.get(i).is_some());
        }
        for i in 8..12u32 {
            pool.insert(i, page(0));
        }
        for i in 0..4u32 {
            assert!(pool.contains(i), "hot page {i} was evicted");
        }
        for i in 4..8u32 {
            assert!(!pool.contains(i), "cold page {i} was kept");
        }
    }

    #[test]
    fn remove_keeps_the_map_consistent() {
        let mut pool = BufferPool::new(8);
        for i in 0..8u32 {
            pool.insert(i, page(i as u8));
        }
        pool.remove(3);
        pool.remove(7);
        for i in [0u32, 1, 2, 4, 5, 6] {
            assert_eq!(pool.get(i).map(|p| p.0[0]), Some(i as u8));
        }
        assert!(pool.get(3).is_none());
    }
}
