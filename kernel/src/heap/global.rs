//! The `#[global_allocator]`: maps the heap region and forwards `alloc`
//! calls to the strategy chosen with `heap=` on the command line, keeping
//! counters for the `mem` command and the boot log.

use core::alloc::{GlobalAlloc, Layout};
use core::fmt;
use core::ptr;

use super::fixed_block::FixedBlockHeap;
use super::linked_list::LinkedListHeap;
use crate::cmdline::HeapStrategy;
use crate::memory::frames::FRAMES;
use crate::memory::kernel_space::KERNEL_MAPPER;
use crate::memory::layout::{HEAP_BASE, HEAP_SIZE, PAGE_SIZE};
use crate::memory::paging::MapError;
use crate::sync::IrqLock;

#[derive(Clone, Copy, Debug, Default)]
pub struct HeapStats {
    pub strategy: Option<HeapStrategy>,
    pub size: usize,
    pub free: usize,
    pub allocations: u64,
    pub frees: u64,
    pub failures: u64,
    /// Bytes requested by live allocations (before rounding).
    pub live_bytes: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapError {
    NoPagingYet,
    AlreadyInitialised,
    Map(MapError),
}

impl fmt::Display for HeapError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            HeapError::NoPagingYet => write!(f, "the heap needs the kernel page tables first"),
            HeapError::AlreadyInitialised => write!(f, "the heap is already initialised"),
            HeapError::Map(e) => write!(f, "mapping the heap: {e}"),
        }
    }
}

struct HeapState {
    strategy: Option<HeapStrategy>,
    list: LinkedListHeap,
    blocks: FixedBlockHeap,
    stats: HeapStats,
}

pub struct KernelHeap {
    state: IrqLock<HeapState>,
}

#[global_allocator]
static HEAP: KernelHeap = KernelHeap {
    state: IrqLock::new(HeapState {
        strategy: None,
        list: LinkedListHeap::empty(),
        blocks: FixedBlockHeap::empty(),
        stats: HeapStats {
            strategy: None,
            size: 0,
            free: 0,
            allocations: 0,
            frees: 0,
            failures: 0,
            live_bytes: 0,
        },
    }),
};

// SAFETY: every call is serialised by the IrqLock, and each strategy returns
// blocks of at least the layout's size and alignment from memory it owns.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut s = self.state.lock();
        let p = match s.strategy {
            Some(HeapStrategy::LinkedList) => s.list.alloc(layout),
            Some(HeapStrategy::FixedBlocks) => s.blocks.alloc(layout),
            None => ptr::null_mut(),
        };
        if p.is_null() {
            s.stats.failures += 1;
        } else {
            s.stats.allocations += 1;
            s.stats.live_bytes += layout.size();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let mut s = self.state.lock();
        match s.strategy {
            // SAFETY: GlobalAlloc's contract: ptr came from our alloc with this layout.
            Some(HeapStrategy::LinkedList) => unsafe { s.list.dealloc(ptr, layout) },
            // SAFETY: as above.
            Some(HeapStrategy::FixedBlocks) => unsafe { s.blocks.dealloc(ptr, layout) },
            None => return,
        }
        s.stats.frees += 1;
        s.stats.live_bytes -= layout.size();
    }
}

/// Maps `HEAP_SIZE` bytes at `HEAP_BASE` and starts the chosen strategy.
pub fn init(strategy: HeapStrategy) -> Result<HeapStats, HeapError> {
    let mut s = HEAP.state.lock();
    if s.strategy.is_some() {
        return Err(HeapError::AlreadyInitialised);
    }
    {
        let mut mapper = KERNEL_MAPPER.lock();
        let mapper = mapper.as_mut().ok_or(HeapError::NoPagingYet)?;
        let mut frames = FRAMES.lock();
        for i in 0..HEAP_SIZE / PAGE_SIZE {
            let virt = HEAP_BASE + i * PAGE_SIZE;
            let frame = frames
                .alloc()
                .ok_or(HeapError::Map(MapError::OutOfMemory { virt }))?;
            mapper
                .map(
                    virt,
                    frame,
                    crate::memory::kernel_space::data_flags(),
                    &mut *frames,
                )
                .map_err(HeapError::Map)?;
        }
    }
    // SAFETY: the region was just mapped for the heap and nothing else uses it.
    unsafe {
        match strategy {
            HeapStrategy::LinkedList => s.list.init(HEAP_BASE as usize, HEAP_SIZE as usize),
            HeapStrategy::FixedBlocks => s.blocks.init(HEAP_BASE as usize, HEAP_SIZE as usize),
        }
    }
    s.strategy = Some(strategy);
    drop(s);
    Ok(stats())
}

pub fn stats() -> HeapStats {
    let s = HEAP.state.lock();
    let mut st = s.stats;
    st.strategy = s.strategy;
    match s.strategy {
        Some(HeapStrategy::LinkedList) => {
            st.size = s.list.size();
            st.free = s.list.free_bytes();
        }
        Some(HeapStrategy::FixedBlocks) => {
            st.size = s.blocks.size();
            st.free = s.blocks.free_bytes();
        }
        None => {}
    }
    st
}
