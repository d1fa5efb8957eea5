//! The kernel's virtual address map, in one place.
//!
//! ```text
//! 0x0000_0000_0000_0000  page 0: never mapped (catches null pointers)
//! 0x0000_0000_0000_1000  identity map of physical memory (kernel image at 1 MiB,
//!                        4 KiB pages with per-section rights; the rest 2 MiB pages)
//! 0xFFFF_C000_0000_0000  kernel stacks, each above an unmapped guard page
//! 0xFFFF_D000_0000_0000  kernel heap
//! 0xFFFF_E000_0000_0000  scratch area for the paging tests
//! ```
//!
//! A user process's address space shares PML4 slot 0 (the identity map,
//! supervisor-only) and slots 256..512 with the kernel and adds its own code
//! at `USER_CODE` and stack below `USER_STACK_TOP`, both in slot 2.

pub const PAGE_SIZE: u64 = 4096;
pub const HUGE_PAGE_SIZE: u64 = 2 * 1024 * 1024;

pub const STACKS_BASE: u64 = 0xFFFF_C000_0000_0000;
pub const STACKS_END: u64 = 0xFFFF_C000_4000_0000;
pub const HEAP_BASE: u64 = 0xFFFF_D000_0000_0000;
pub const HEAP_SIZE: u64 = 1024 * 1024;
pub const TEST_BASE: u64 = 0xFFFF_E000_0000_0000;

/// User space: each process's own mappings live in PML4 slots 2..256, never
/// in slot 0 (the kernel's supervisor-only identity map, shared by every
/// address space) nor in the upper half (kernel stacks and heap, shared).
pub const USER_BASE: u64 = 0x0000_0100_0000_0000;
pub const USER_END: u64 = 0x0000_8000_0000_0000;
/// Where a process's code is copied, and the top of its stack.
pub const USER_CODE: u64 = USER_BASE + 0x40_0000;
pub const USER_STACK_TOP: u64 = USER_BASE + 0x80_0000;
pub const USER_STACK_PAGES: u64 = 4;

/// Physical memory is identity-mapped, so a physical address is also the
/// virtual address the kernel uses to reach it.
pub fn phys_to_virt(phys: u64) -> u64 {
    phys
}

pub const fn align_up(x: u64, align: u64) -> u64 {
    (x + align - 1) & !(align - 1)
}

pub const fn align_down(x: u64, align: u64) -> u64 {
    x & !(align - 1)
}

unsafe extern "C" {
    static __kernel_start: u8;
    static __kernel_end: u8;
    static __text_start: u8;
    static __text_end: u8;
    static __rodata_start: u8;
    static __rodata_end: u8;
}

/// Section boundaries of the loaded kernel image, from linker.ld.
#[derive(Clone, Copy, Debug)]
pub struct KernelImage {
    pub start: u64,
    pub end: u64,
    pub text: (u64, u64),
    pub rodata: (u64, u64),
}

pub fn kernel_image() -> KernelImage {
    // Only the addresses of these linker symbols are used, never their contents.
    KernelImage {
        start: &raw const __kernel_start as u64,
        end: &raw const __kernel_end as u64,
        text: (&raw const __text_start as u64, &raw const __text_end as u64),
        rodata: (
            &raw const __rodata_start as u64,
            &raw const __rodata_end as u64,
        ),
    }
}
