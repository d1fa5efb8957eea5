//! The physical frame allocator: one bit per 4 KiB frame.
//!
//! Built from the boot memory map: every frame wholly inside a usable region
//! is marked free, then everything that must never be handed out is taken
//! back out (the first MiB with the BIOS data and loader leftovers, and the
//! kernel image, which also holds this bitmap). A second bitmap remembers
//! which frames are managed at all, so freeing a frame twice, or freeing one
//! that was never ours, is reported instead of corrupting the free count.
//!
//! Frames above `MAX_PHYS` are not tracked (the boot log says how many).

use core::fmt;

use crate::memory::layout::{PAGE_SIZE, align_down, align_up};
use crate::sync::IrqLock;

/// Physical memory the allocator can track.
pub const MAX_PHYS: u64 = 1 << 30;
const MAX_FRAMES: usize = (MAX_PHYS / PAGE_SIZE) as usize;
const WORDS: usize = MAX_FRAMES / 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    Unaligned { addr: u64 },
    NotManaged { addr: u64 },
    DoubleFree { addr: u64 },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            FrameError::Unaligned { addr } => {
                write!(f, "frame address {addr:#x} is not 4 KiB aligned")
            }
            FrameError::NotManaged { addr } => {
                write!(f, "frame {addr:#x} is not managed by the allocator")
            }
            FrameError::DoubleFree { addr } => write!(f, "frame {addr:#x} freed twice"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Frames that belong to the allocator (free or handed out).
    pub managed: u64,
    pub free: u64,
    /// Bytes of usable RAM above MAX_PHYS that we ignore.
    pub untracked_bytes: u64,
}

pub struct FrameAllocator {
    free: [u64; WORDS],
    managed: [u64; WORDS],
    stats: FrameStats,
    /// Where the next search starts; frames are handed out lowest first.
    hint: usize,
}

impl FrameAllocator {
    pub const fn new() -> Self {
        FrameAllocator {
            free: [0; WORDS],
            managed: [0; WORDS],
            stats: FrameStats {
                managed: 0,
                free: 0,
                untracked_bytes: 0,
            },
            hint: 0,
        }
    }

    fn set(bits: &mut [u64; WORDS], i: usize, on: bool) -> bool {
        let (w, b) = (i / 64, i % 64);
        let was = bits[w] & (1 << b) != 0;
        if on {
            bits[w] |= 1 << b;
        } else {
            bits[w] &= !(1 << b);
        }
        was
    }

    fn get(bits: &[u64; WORDS], i: usize) -> bool {
        bits[i / 64] & (1 << (i % 64)) != 0
    }

    /// Adds the frames wholly inside `[start, end)` as free.
    pub fn add_usable(&mut self, start: u64, end: u64) {
        if end > MAX_PHYS {
            self.stats.untracked_bytes += end - start.max(MAX_PHYS);
        }
        let first = (align_up(start, PAGE_SIZE) / PAGE_SIZE) as usize;
        let last = (align_down(end.min(MAX_PHYS), PAGE_SIZE) / PAGE_SIZE) as usize;
        // A word (64 frames) at a time: bit by bit, 128 MiB took 4 ms at boot.
        let mut i = first;
        while i < last {
            let (w, b) = (i / 64, i % 64);
            let n = (64 - b).min(last - i);
            let mask = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << b
            };
            self.stats.managed += (mask & !self.managed[w]).count_ones() as u64;
            self.stats.free += (mask & !self.free[w]).count_ones() as u64;
            self.managed[w] |= mask;
            self.free[w] |= mask;
            i += n;
        }
    }

    /// Removes every frame touching `[start, end)` from the allocator.
    pub fn reserve(&mut self, start: u64, end: u64) {
        let first = align_down(start, PAGE_SIZE) / PAGE_SIZE;
        let last = align_up(end.min(MAX_PHYS), PAGE_SIZE) / PAGE_SIZE;
        for i in first..last.max(first) {
            let i = i as usize;
            if Self::set(&mut self.managed, i, false) {
                self.stats.managed -= 1;
            }
            if Self::set(&mut self.free, i, false) {
                self.stats.free -= 1;
            }
        }
    }

    /// Hands out the lowest free frame at or after the search hint.
    pub fn alloc(&mut self) -> Option<u64> {
        for pass in 0..2 {
            let start_word = if pass == 0 { self.hint / 64 } else { 0 };
            for w in start_word..WORDS {
                let bits = self.free[w];
                if bits != 0 {
                    let i = w * 64 + bits.trailing_zeros() as usize;
                    Self::set(&mut self.free, i, false);
                    self.stats.free -= 1;
                    self.hint = i;
                    return Some(i as u64 * PAGE_SIZE);
                }
            }
        }
        None
    }

    pub fn free(&mut self, addr: u64) -> Result<(), FrameError> {
        if !addr.is_multiple_of(PAGE_SIZE) {
            return Err(FrameError::Unaligned { addr });
        }
        let i = (addr / PAGE_SIZE) as usize;
        if addr >= MAX_PHYS || !Self::get(&self.managed, i) {
            return Err(FrameError::NotManaged { addr });
        }
        if Self::set(&mut self.free, i, true) {
            return Err(FrameError::DoubleFree { addr });
        }
        self.stats.free += 1;
        self.hint = self.hint.min(i);
        Ok(())
    }

    pub fn is_free(&self, addr: u64) -> bool {
        addr < MAX_PHYS && Self::get(&self.free, (addr / PAGE_SIZE) as usize)
    }

    pub fn stats(&self) -> FrameStats {
        self.stats
    }
}

pub static FRAMES: IrqLock<FrameAllocator> = IrqLock::new(FrameAllocator::new());
