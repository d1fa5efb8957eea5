//! Size-class allocator: small requests come from per-size free lists.
//!
//! Requests up to 2 KiB are rounded up to a power-of-two class. A freed
//! block goes onto its class's list and is handed out again in O(1); a class
//! with an empty list carves a new block from a backing linked-list heap.
//! Bigger requests go straight to that backing heap. Blocks are aligned to
//! their class size, so any alignment up to the class size is honoured.
//!
//! The trade-off against the plain list: constant-time reuse, paid for with
//! rounding waste and memory that stays in a class once it has been used.

use core::alloc::Layout;
use core::ptr;

use super::linked_list::LinkedListHeap;

const CLASSES: [usize; 8] = [16, 32, 64, 128, 256, 512, 1024, 2048];

struct Node {
    next: *mut Node,
}

pub struct FixedBlockHeap {
    lists: [*mut Node; CLASSES.len()],
    backing: LinkedListHeap,
    /// Bytes sitting in class lists, free but reserved for their class.
    cached: usize,
}

// SAFETY: the heap owns the memory its pointers reach; callers wrap it in a lock.
unsafe impl Send for FixedBlockHeap {}

fn class_of(layout: Layout) -> Option<usize> {
    let need = layout.size().max(layout.align());
    CLASSES.iter().position(|&c| c >= need)
}

impl FixedBlockHeap {
    pub const fn empty() -> Self {
        FixedBlockHeap {
            lists: [ptr::null_mut(); CLASSES.len()],
            backing: LinkedListHeap::empty(),
            cached: 0,
        }
    }

    /// # Safety
    /// As for [`LinkedListHeap::init`].
    pub unsafe fn init(&mut self, start: usize, size: usize) {
        // SAFETY: forwarded contract.
        unsafe { self.backing.init(start, size) }
    }

    pub fn alloc(&mut self, layout: Layout) -> *mut u8 {
        match class_of(layout) {
            Some(c) => {
                let head = self.lists[c];
                if head.is_null() {
                    // A class-sized, class-aligned block from the backing heap.
                    match Layout::from_size_align(CLASSES[c], CLASSES[c]) {
                        Ok(l) => self.backing.alloc(l),
                        Err(_) => ptr::null_mut(),
                    }
                } else {
                    // SAFETY: list nodes are free blocks of this class that we own.
                    self.lists[c] = unsafe { (*head).next };
                    self.cached -= CLASSES[c];
                    head as *mut u8
                }
            }
            None => self.backing.alloc(layout),
        }
    }

    /// # Safety
    /// `ptr` must come from `alloc` on this heap with the same `layout`.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        match class_of(layout) {
            Some(c) => {
                let node = ptr as *mut Node;
                // SAFETY: the block is at least 16 bytes and aligned to its class,
                // so it can hold a list node; it is ours again.
                unsafe {
                    node.write(Node {
                        next: self.lists[c],
                    })
                };
                self.lists[c] = node;
                self.cached += CLASSES[c];
            }
            // SAFETY: forwarded contract.
            None => unsafe { self.backing.dealloc(ptr, layout) },
        }
    }

    pub fn size(&self) -> usize {
        self.backing.size()
    }

    /// Free bytes, counting blocks cached in class lists.
    pub fn free_bytes(&self) -> usize {
        self.backing.free_bytes() + self.cached
    }

    pub fn cached_bytes(&self) -> usize {
        self.cached
    }

    pub fn contains(&self, ptr: *const u8) -> bool {
        self.backing.contains(ptr)
    }
}
