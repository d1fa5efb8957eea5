//! Kernel stacks with guard pages.
//!
//! Stacks live in their own virtual region, cut into fixed slots of
//! `SLOT_SIZE` bytes. A stack occupies the top of its slot; the page just
//! below it is never mapped, so a stack that overflows runs into that hole
//! and faults instead of silently overwriting whatever lies below. Slots are
//! reused once a stack is freed (threads come and go). The table of stacks
//! lets the fault handlers say which stack overflowed.

use core::fmt;

use crate::memory::frames::FRAMES;
use crate::memory::kernel_space::{KERNEL_MAPPER, data_flags};
use crate::memory::layout::{PAGE_SIZE, STACKS_BASE, STACKS_END};
use crate::memory::paging::MapError;
use crate::sync::IrqLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stack {
    pub name: &'static str,
    /// The unmapped page just below `bottom`.
    pub guard: u64,
    pub bottom: u64,
    /// Initial stack pointer (stacks grow down).
    pub top: u64,
}

impl Stack {
    pub fn pages(&self) -> u64 {
        (self.top - self.bottom) / PAGE_SIZE
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackError {
    NoPagingYet,
    TooLarge { name: &'static str, pages: u64 },
    RegionFull { name: &'static str },
    Map { name: &'static str, error: MapError },
}

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            StackError::NoPagingYet => write!(
                f,
                "stacks need the kernel page tables, which are not set up yet"
            ),
            StackError::TooLarge { name, pages } => write!(
                f,
                "stack {name}: {pages} pages do not fit a {} KiB slot",
                SLOT_SIZE / 1024
            ),
            StackError::RegionFull { name } => {
                write!(f, "no free stack slot for stack {name}")
            }
            StackError::Map { name, error } => write!(f, "mapping stack {name}: {error}"),
        }
    }
}

/// Each slot: one guard page, then up to `SLOT_SIZE / PAGE_SIZE - 1` pages
/// of stack, ending at the top of the slot.
pub const SLOT_SIZE: u64 = 128 * 1024;
const MAX_STACKS: usize = 128;
const _: () = assert!(STACKS_BASE + MAX_STACKS as u64 * SLOT_SIZE <= STACKS_END);

static STACKS: IrqLock<[Option<Stack>; MAX_STACKS]> = IrqLock::new([None; MAX_STACKS]);

/// Maps a new stack of `pages` pages above an unmapped guard page.
pub fn allocate(name: &'static str, pages: u64) -> Result<Stack, StackError> {
    if pages == 0 || pages > SLOT_SIZE / PAGE_SIZE - 1 {
        return Err(StackError::TooLarge { name, pages });
    }
    let mut table = STACKS.lock();
    let slot = table
        .iter()
        .position(|s| s.is_none())
        .ok_or(StackError::RegionFull { name })?;
    let top = STACKS_BASE + (slot as u64 + 1) * SLOT_SIZE;
    let bottom = top - pages * PAGE_SIZE;
    let stack = Stack {
        name,
        guard: bottom - PAGE_SIZE,
        bottom,
        top,
    };
    let mut mapper = KERNEL_MAPPER.lock();
    let mapper = mapper.as_mut().ok_or(StackError::NoPagingYet)?;
    let mut frames = FRAMES.lock();
    for i in 0..pages {
        let virt = bottom + i * PAGE_SIZE;
        let mapped = match frames.alloc() {
            // The page's own frame: out of memory, not out of page tables.
            None => Err(MapError::OutOfMemory { virt }),
            Some(frame) => mapper
                .map(virt, frame, data_flags(), &mut *frames)
                .inspect_err(|_| {
                    let _ = frames.free(frame);
                }),
        };
        if let Err(error) = mapped {
            // Give back what this call mapped so far.
            for j in 0..i {
                if let Ok(frame) = mapper.unmap(bottom + j * PAGE_SIZE) {
                    let _ = frames.free(frame);
                }
            }
            return Err(StackError::Map { name, error });
        }
    }
    table[slot] = Some(stack);
    Ok(stack)
}

/// Unmaps a stack, returns its frames and frees its slot.
///
/// # Safety
/// Nothing may run on `stack` or hold pointers into it any more: the caller
/// is not on it and its owner (a thread) has finished for good.
pub unsafe fn free(stack: &Stack) {
    let mut table = STACKS.lock();
    let Some(slot) = table.iter().position(|s| s.as_ref() == Some(stack)) else {
        return;
    };
    table[slot] = None;
    let mut mapper = KERNEL_MAPPER.lock();
    let Some(mapper) = mapper.as_mut() else {
        return;
    };
    let mut frames = FRAMES.lock();
    for i in 0..stack.pages() {
        if let Ok(frame) = mapper.unmap(stack.bottom + i * PAGE_SIZE) {
            let _ = frames.free(frame);
        }
    }
}

/// How many stacks are mapped (for `mem` and the leak checks in tests).
pub fn count() -> usize {
    STACKS.lock().iter().flatten().count()
}

/// If `addr` falls in a stack's guard page, the stack's name. Called from
/// the fault handlers, so it never waits for the lock.
pub fn guard_hit(addr: u64) -> Option<&'static str> {
    let table = STACKS.try_lock()?;
    table
        .iter()
        .flatten()
        .find(|s| addr >= s.guard && addr < s.bottom)
        .map(|s| s.name)
}

/// Switches to `stack` and calls `f` there; the old stack is abandoned.
pub fn switch_to(stack: &Stack, f: extern "C" fn() -> !) -> ! {
    // SAFETY: the new stack is mapped and unused; `f` never returns, so
    // nothing will pop the old frames that we leave behind.
    unsafe {
        core::arch::asm!(
            "mov rsp, {top}",
            "xor rbp, rbp",
            "call {f}",
            "ud2",
            top = in(reg) stack.top,
            f = in(reg) f,
            options(noreturn)
        )
    }
}
