//! Builds the kernel's own address space from the boot memory map.
//!
//! Steps: feed the usable regions to the frame allocator and reserve the
//! first MiB and the kernel image; build a new PML4 that identity-maps all
//! RAM (2 MiB pages, not executable) except the 2 MiB chunks holding the
//! kernel, which get 4 KiB pages with per-section rights (text read+execute,
//! rodata read-only, data and bss read+write) and leave page 0 unmapped;
//! then load it into CR3. The loader's page tables are dropped from then on.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bootinfo::BootInfo;

use crate::cpu;
use crate::memory::frames::{FRAMES, FrameStats};
use crate::memory::layout::{HUGE_PAGE_SIZE, PAGE_SIZE, align_up, kernel_image};
use crate::memory::paging::{Flags, MapError, Mapper};
use crate::sync::IrqLock;

pub static KERNEL_MAPPER: IrqLock<Option<Mapper>> = IrqLock::new(None);

static NX_ENABLED: AtomicBool = AtomicBool::new(false);
/// Physical address of the kernel's PML4 (0 before `init`).
static KERNEL_PML4: AtomicU64 = AtomicU64::new(0);

/// The kernel's own PML4: kernel threads run on it, and every process's
/// PML4 copies its shared entries from it.
pub fn kernel_pml4() -> u64 {
    KERNEL_PML4.load(Ordering::Relaxed)
}

/// Flags for kernel data pages: writable, and not executable when the CPU
/// supports NX (setting bit 63 without EFER.NXE would be a reserved-bit fault).
pub fn data_flags() -> Flags {
    if NX_ENABLED.load(Ordering::Relaxed) {
        Flags::WRITABLE | Flags::NO_EXECUTE
    } else {
        Flags::WRITABLE
    }
}

const EFER: u32 = 0xC000_0080;

#[derive(Clone, Copy, Debug)]
pub struct SpaceReport {
    pub frames: FrameStats,
    pub identity_bytes: u64,
    pub nx: bool,
    pub page_table_frames: u64,
}

pub fn init(info: &BootInfo) -> Result<SpaceReport, MapError> {
    let image = kernel_image();
    let mut ram_end = 0;
    {
        let mut frames = FRAMES.lock();
        for r in info.regions().iter().filter(|r| r.is_usable()) {
            frames.add_usable(r.start, r.end());
            ram_end = ram_end.max(r.end());
        }
        // Non-usable regions win where a firmware map overlaps itself.
        for r in info.regions().iter().filter(|r| !r.is_usable()) {
            frames.reserve(r.start, r.end());
        }
        frames.reserve(0, 0x10_0000);
        frames.reserve(image.start, image.end);
    }

    // NX needs EFER.NXE, which only exists if CPUID says so.
    let nx = cpu::cpuid(0x8000_0001).3 & (1 << 20) != 0;
    if nx {
        // SAFETY: setting NXE only makes bit 63 of page entries meaningful;
        // the boot tables never set it.
        unsafe { cpu::wrmsr(EFER, cpu::rdmsr(EFER) | (1 << 11)) };
        NX_ENABLED.store(true, Ordering::Relaxed);
    }
    let nx_flag = if nx { Flags::NO_EXECUTE } else { Flags(0) };

    let mut frames = FRAMES.lock();
    let free_before = frames.stats().free;
    let mut mapper = Mapper::new_empty(&mut *frames).ok_or(MapError::OutOfFrames { virt: 0 })?;

    // 4 KiB pages for the chunks that hold the kernel image.
    let small_end = align_up(image.end, HUGE_PAGE_SIZE);
    let mut page = PAGE_SIZE; // page 0 stays unmapped
    while page < small_end {
        let flags = if page >= image.text.0 && page < image.text.1 {
            Flags(0)
        } else if page >= image.rodata.0 && page < image.rodata.1 {
            nx_flag
        } else {
            Flags::WRITABLE | nx_flag
        };
        mapper.map(page, page, flags, &mut *frames)?;
        page += PAGE_SIZE;
    }
    // 2 MiB pages for the rest of RAM.
    let identity_end = align_up(ram_end, HUGE_PAGE_SIZE);
    let mut chunk = small_end;
    while chunk < identity_end {
        mapper.map_huge(chunk, chunk, Flags::WRITABLE | nx_flag, &mut *frames)?;
        chunk += HUGE_PAGE_SIZE;
    }
    let page_table_frames = free_before - frames.stats().free;
    // SAFETY: the new tables map the kernel image (code, data, the current
    // stack in .bss) and all RAM at the same addresses as the boot tables did.
    unsafe { cpu::write_cr3(mapper.pml4()) };
    KERNEL_PML4.store(mapper.pml4(), Ordering::Relaxed);
    let stats = frames.stats();
    drop(frames);
    *KERNEL_MAPPER.lock() = Some(mapper);
    Ok(SpaceReport {
        frames: stats,
        identity_bytes: identity_end,
        nx,
        page_table_frames,
    })
}
