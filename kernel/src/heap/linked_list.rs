//! First-fit allocator over an address-ordered free list.
//!
//! Each free block stores its size and the next free block in its own first
//! 16 bytes. Allocation walks the list for the first block that can hold the
//! request at the requested alignment, and splits off what is left in front
//! and behind. Freeing puts the block back in address order and merges it
//! with touching neighbours, so the heap does not crumble into slivers.
//!
//! Sizes are rounded up to 16 and blocks start 16-aligned, so every leftover
//! piece is either empty or big enough to hold a free-block header; that is
//! why `dealloc` can recompute the exact block size from the layout.

use core::alloc::Layout;
use core::ptr;

const UNIT: usize = 16;

#[repr(C)]
struct FreeBlock {
    size: usize,
    next: *mut FreeBlock,
}

pub struct LinkedListHeap {
    head: *mut FreeBlock,
    start: usize,
    size: usize,
    free: usize,
}

// SAFETY: the heap owns the memory its pointers reach; callers wrap it in a lock.
unsafe impl Send for LinkedListHeap {}

fn align_up(x: usize, align: usize) -> Option<usize> {
    Some(x.checked_add(align - 1)? & !(align - 1))
}

/// The block size and alignment the heap really uses for `layout`.
fn block_of(layout: Layout) -> Option<(usize, usize)> {
    let size = align_up(layout.size().max(UNIT), UNIT)?;
    Some((size, layout.align().max(UNIT)))
}

impl LinkedListHeap {
    pub const fn empty() -> Self {
        LinkedListHeap {
            head: ptr::null_mut(),
            start: 0,
            size: 0,
            free: 0,
        }
    }

    /// Gives the heap the memory `[start, start + size)`.
    ///
    /// # Safety
    /// The range must be mapped, writable, and used by nothing else for as
    /// long as the heap exists; `init` must be called once.
    pub unsafe fn init(&mut self, start: usize, size: usize) {
        let Some(aligned) = align_up(start, UNIT) else {
            return;
        };
        let size = size.saturating_sub(aligned - start) & !(UNIT - 1);
        if size < UNIT {
            return;
        }
        let block = aligned as *mut FreeBlock;
        // SAFETY: the caller gave us this memory; it is 16-aligned and large
        // enough for one header.
        unsafe {
            block.write(FreeBlock {
                size,
                next: ptr::null_mut(),
            })
        };
        self.head = block;
        self.start = aligned;
        self.size = size;
        self.free = size;
    }

    /// Returns a pointer to at least `layout.size()` bytes, or null.
    pub fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some((size, align)) = block_of(layout) else {
            return ptr::null_mut();
        };
        let mut link: *mut *mut FreeBlock = &mut self.head;
        // SAFETY: every pointer on the list was written by init/alloc/dealloc
        // and points to a free block inside our memory; we hold &mut self.
        unsafe {
            while !(*link).is_null() {
                let block = *link;
                let start = block as usize;
                let end = start + (*block).size;
                if let Some(at) = align_up(start, align)
                    && let Some(at_end) = at.checked_add(size)
                    && at_end <= end
                {
                    let mut rest = (*block).next;
                    if end > at_end {
                        let tail = at_end as *mut FreeBlock;
                        tail.write(FreeBlock {
                            size: end - at_end,
                            next: rest,
                        });
                        rest = tail;
                    }
                    if at > start {
                        (*block).size = at - start;
                        (*block).next = rest;
                        rest = block;
                    }
                    *link = rest;
                    self.free -= size;
                    return at as *mut u8;
                }
                link = &mut (*block).next;
            }
        }
        ptr::null_mut()
    }

    /// Returns a block to the heap.
    ///
    /// # Safety
    /// `ptr` must come from `alloc` on this heap with the same `layout`, and
    /// must not be freed twice.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        let Some((size, _)) = block_of(layout) else {
            return;
        };
        let addr = ptr as usize;
        // SAFETY: the caller returns a block we handed out; list pointers are ours.
        unsafe {
            let mut prev: *mut FreeBlock = ptr::null_mut();
            let mut next = self.head;
            while !next.is_null() && (next as usize) < addr {
                prev = next;
                next = (*next).next;
            }
            let block = addr as *mut FreeBlock;
            block.write(FreeBlock { size, next });
            if !next.is_null() && addr + size == next as usize {
                (*block).size += (*next).size;
                (*block).next = (*next).next;
            }
            if prev.is_null() {
                self.head = block;
            } else if prev as usize + (*prev).size == addr {
                (*prev).size += (*block).size;
                (*prev).next = (*block).next;
            } else {
                (*prev).next = block;
            }
        }
        self.free += size;
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn free_bytes(&self) -> usize {
        self.free
    }

    pub fn contains(&self, ptr: *const u8) -> bool {
        let a = ptr as usize;
        a >= self.start && a < self.start + self.size
    }

    /// Number of free blocks and the largest one (a fragmentation measure).
    pub fn free_blocks(&self) -> (usize, usize) {
        let (mut count, mut largest) = (0, 0);
        let mut b = self.head;
        // SAFETY: walking our own list read-only.
        unsafe {
            while !b.is_null() {
                count += 1;
                largest = largest.max((*b).size);
                b = (*b).next;
            }
        }
        (count, largest)
    }
}
