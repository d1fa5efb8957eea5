//! Kernel stacks with guard pages.
//!
//! Stacks live in their own virtual region. Each one is a run of mapped pages
//! with one page left unmapped below it: a stack that overflows runs into
//! that hole and page-faults instead of silently overwriting whatever lies
//! below. The table of stacks lets the page-fault handler say which stack
//! overflowed.

use core::fmt;

use crate::memory::frames::FRAMES;
use crate::memory::kernel_space::KERNEL_MAPPER;
use crate::memory::layout::{PAGE_SIZE, STACKS_BASE, STACKS_END};
use crate::memory::paging::MapError;
use crate::sync::IrqLock;

#[derive(Clone, Copy, Debug)]
pub struct Stack {
    pub name: &'static str,
    /// The unmapped page just below `bottom`.
    pub guard: u64,
    pub bottom: u64,
    /// Initial stack pointer (stacks grow down).
    pub top: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackError {
    NoPagingYet,
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
            StackError::RegionFull { name } => {
                write!(f, "no room left in the stack region for stack {name}")
            }
            StackError::Map { name, error } => write!(f, "mapping stack {name}: {error}"),
        }
    }
}

const MAX_STACKS: usize = 16;

struct StackTable {
    next: u64,
    stacks: [Option<Stack>; MAX_STACKS],
}

static STACKS: IrqLock<StackTable> = IrqLock::new(StackTable {
    next: STACKS_BASE,
    stacks: [None; MAX_STACKS],
});

/// Maps a new stack of `pages` pages above a fresh guard page.
pub fn allocate(name: &'static str, pages: u64) -> Result<Stack, StackError> {
    let mut table = STACKS.lock();
    let slot = table
        .stacks
        .iter()
        .position(|s| s.is_none())
        .ok_or(StackError::RegionFull { name })?;
    let guard = table.next;
    let bottom = guard + PAGE_SIZE;
    let top = bottom + pages * PAGE_SIZE;
    if top > STACKS_END {
        return Err(StackError::RegionFull { name });
    }
    let mut mapper = KERNEL_MAPPER.lock();
    let mapper = mapper.as_mut().ok_or(StackError::NoPagingYet)?;
    let mut frames = FRAMES.lock();
    for i in 0..pages {
        let virt = bottom + i * PAGE_SIZE;
        let frame = frames.alloc().ok_or(StackError::Map {
            name,
            error: MapError::OutOfFrames { virt },
        })?;
        mapper
            .map(
                virt,
                frame,
                crate::memory::kernel_space::data_flags(),
                &mut *frames,
            )
            .map_err(|error| StackError::Map { name, error })?;
    }
    let stack = Stack {
        name,
        guard,
        bottom,
        top,
    };
    table.stacks[slot] = Some(stack);
    table.next = top;
    Ok(stack)
}

/// If `addr` falls in a stack's guard page, the stack's name. Called from
/// the page-fault handler, so it never waits for the lock.
pub fn guard_hit(addr: u64) -> Option<&'static str> {
    let table = STACKS.try_lock()?;
    table
        .stacks
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
