//! 4-level x86_64 paging: a `Mapper` over one PML4 that can map, unmap,
//! translate and change flags.
//!
//! A virtual address splits into four 9-bit table indices (PML4, PDPT, PD,
//! PT) and a 12-bit offset. `map` walks down from the PML4, creating missing
//! tables from a `FrameSource`, and fills the last entry; `translate` walks
//! without creating and understands 2 MiB pages. Tables are reached through
//! the identity map of physical memory (`layout::phys_to_virt`).

use core::fmt;
use core::ops::BitOr;

use crate::cpu;
use crate::memory::frames::FrameAllocator;
use crate::memory::layout::{HUGE_PAGE_SIZE, PAGE_SIZE, phys_to_virt};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags(pub u64);

// The full set of entry bits is listed even where the kernel does not use
// one yet: this is the reference the learner reads.
#[allow(dead_code)]
impl Flags {
    pub const PRESENT: Flags = Flags(1 << 0);
    pub const WRITABLE: Flags = Flags(1 << 1);
    pub const USER: Flags = Flags(1 << 2);
    pub const WRITE_THROUGH: Flags = Flags(1 << 3);
    pub const NO_CACHE: Flags = Flags(1 << 4);
    pub const ACCESSED: Flags = Flags(1 << 5);
    pub const DIRTY: Flags = Flags(1 << 6);
    pub const HUGE: Flags = Flags(1 << 7);
    pub const GLOBAL: Flags = Flags(1 << 8);
    pub const NO_EXECUTE: Flags = Flags(1 << 63);
    const ALL: u64 = 0x1FF | (1 << 63);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

const ADDR_MASK: u64 = 0x000F_FFFF_FFFF_F000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    Unaligned {
        addr: u64,
    },
    NonCanonical {
        virt: u64,
    },
    AlreadyMapped {
        virt: u64,
        phys: u64,
    },
    NotMapped {
        virt: u64,
    },
    /// A 2 MiB page covers the address, so a 4 KiB entry cannot be used.
    HugePage {
        virt: u64,
    },
    /// No frame left for a page table on the way to `virt`.
    OutOfFrames {
        virt: u64,
    },
    /// No frame left for the page itself (the memory that `virt` maps).
    OutOfMemory {
        virt: u64,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            MapError::Unaligned { addr } => write!(f, "address {addr:#x} is not page aligned"),
            MapError::NonCanonical { virt } => {
                write!(f, "virtual address {virt:#x} is not canonical")
            }
            MapError::AlreadyMapped { virt, phys } => {
                write!(f, "{virt:#x} is already mapped to {phys:#x}")
            }
            MapError::NotMapped { virt } => write!(f, "{virt:#x} is not mapped"),
            MapError::HugePage { virt } => write!(f, "{virt:#x} lies inside a 2 MiB page"),
            MapError::OutOfFrames { virt } => {
                write!(f, "no free frame for a page table while mapping {virt:#x}")
            }
            MapError::OutOfMemory { virt } => {
                write!(
                    f,
                    "out of physical memory: no free frame for the page at {virt:#x}"
                )
            }
        }
    }
}

/// Where new page-table frames come from.
pub trait FrameSource {
    fn alloc_frame(&mut self) -> Option<u64>;
}

impl FrameSource for FrameAllocator {
    fn alloc_frame(&mut self) -> Option<u64> {
        self.alloc()
    }
}

#[repr(C, align(4096))]
pub struct PageTable {
    pub entries: [u64; 512],
}

fn is_canonical(virt: u64) -> bool {
    let top = virt >> 47;
    top == 0 || top == 0x1FFFF
}

fn indices(virt: u64) -> [usize; 4] {
    [
        ((virt >> 39) & 0x1FF) as usize,
        ((virt >> 30) & 0x1FF) as usize,
        ((virt >> 21) & 0x1FF) as usize,
        ((virt >> 12) & 0x1FF) as usize,
    ]
}

/// The page table at physical address `phys`, as a raw pointer.
///
/// A raw pointer, not a reference: the same table is reachable from many
/// places (the identity map, other mappers sharing the kernel half), so a
/// `&'static mut` here would promise an exclusivity nobody checks. Callers
/// turn it into a reference only for as long as they hold the `Mapper`
/// mutably (see `walk`).
fn table_at(phys: u64) -> *mut PageTable {
    phys_to_virt(phys) as *mut PageTable
}

pub struct Mapper {
    pml4: u64,
}

impl Mapper {
    /// A mapper over a fresh, empty PML4.
    pub fn new_empty(frames: &mut impl FrameSource) -> Option<Mapper> {
        let pml4 = frames.alloc_frame()?;
        // SAFETY: the frame is freshly allocated, identity-mapped and ours alone.
        unsafe { (*table_at(pml4)).entries = [0; 512] };
        Some(Mapper { pml4 })
    }

    /// A mapper over an existing PML4.
    ///
    /// # Safety
    /// `pml4` must be the physical address of a valid, identity-mapped PML4
    /// that no other `Mapper` is editing at the same time.
    pub unsafe fn from_pml4(pml4: u64) -> Mapper {
        Mapper { pml4 }
    }

    pub fn pml4(&self) -> u64 {
        self.pml4
    }

    /// Walks to the entry at `depth` (0 = PML4 entry, 3 = PT entry) for
    /// `virt`, creating tables if `frames` is given. Tables created for a
    /// user address get the USER bit on their parent entry (the CPU checks
    /// it at every level), kernel ones do not. The entry is borrowed from
    /// `self`, so no two entries of one mapper are ever lent out at once.
    fn walk(
        &mut self,
        virt: u64,
        depth: usize,
        user: bool,
        mut frames: Option<&mut dyn FrameSourceDyn>,
    ) -> Result<&mut u64, MapError> {
        if !is_canonical(virt) {
            return Err(MapError::NonCanonical { virt });
        }
        let idx = indices(virt);
        let mut table_phys = self.pml4;
        for (level, &i) in idx.iter().enumerate().take(depth) {
            // SAFETY: table_phys is this mapper's PML4 or a table it points
            // to; `&mut self` means no other reference into them is live.
            let entry = unsafe { &mut (*table_at(table_phys)).entries[i] };
            if *entry & Flags::PRESENT.0 == 0 {
                let Some(src) = frames.as_deref_mut() else {
                    return Err(MapError::NotMapped { virt });
                };
                let frame = src
                    .alloc_frame_dyn()
                    .ok_or(MapError::OutOfFrames { virt })?;
                // SAFETY: a fresh frame that nothing else references yet.
                unsafe { (*table_at(frame)).entries = [0; 512] };
                *entry = frame | Flags::PRESENT.0 | Flags::WRITABLE.0;
                if user {
                    *entry |= Flags::USER.0;
                }
            } else if *entry & Flags::HUGE.0 != 0 && level > 0 {
                return Err(MapError::HugePage { virt });
            } else if user {
                // User addresses never share tables with kernel mappings
                // (the process layout keeps them in their own PML4 slots).
                *entry |= Flags::USER.0;
            }
            table_phys = *entry & ADDR_MASK;
        }
        // SAFETY: as above; the last table on the path, borrowed for as
        // long as `self` is.
        Ok(unsafe { &mut (*table_at(table_phys)).entries[idx[depth]] })
    }

    /// Maps the 4 KiB page at `virt` to the frame at `phys`.
    pub fn map(
        &mut self,
        virt: u64,
        phys: u64,
        flags: Flags,
        frames: &mut impl FrameSource,
    ) -> Result<(), MapError> {
        self.map_sized(virt, phys, flags, 3, PAGE_SIZE, frames)
    }

    /// Maps a 2 MiB page.
    pub fn map_huge(
        &mut self,
        virt: u64,
        phys: u64,
        flags: Flags,
        frames: &mut impl FrameSource,
    ) -> Result<(), MapError> {
        self.map_sized(virt, phys, flags | Flags::HUGE, 2, HUGE_PAGE_SIZE, frames)
    }

    fn map_sized(
        &mut self,
        virt: u64,
        phys: u64,
        flags: Flags,
        depth: usize,
        size: u64,
        frames: &mut impl FrameSource,
    ) -> Result<(), MapError> {
        if !virt.is_multiple_of(size) {
            return Err(MapError::Unaligned { addr: virt });
        }
        if !phys.is_multiple_of(size) || phys & !ADDR_MASK != 0 {
            return Err(MapError::Unaligned { addr: phys });
        }
        let mut adapter = Adapter(frames);
        let user = flags.contains(Flags::USER);
        let entry = self.walk(virt, depth, user, Some(&mut adapter))?;
        if *entry & Flags::PRESENT.0 != 0 {
            return Err(MapError::AlreadyMapped {
                virt,
                phys: *entry & ADDR_MASK,
            });
        }
        *entry = phys | ((flags | Flags::PRESENT).0 & Flags::ALL);
        cpu::invlpg(virt);
        Ok(())
    }

    /// Removes the 4 KiB mapping at `virt` and returns the frame it used.
    /// Emptied intermediate tables are kept (they are cheap and often reused).
    pub fn unmap(&mut self, virt: u64) -> Result<u64, MapError> {
        if !virt.is_multiple_of(PAGE_SIZE) {
            return Err(MapError::Unaligned { addr: virt });
        }
        let entry = self.walk(virt, 3, false, None)?;
        if *entry & Flags::PRESENT.0 == 0 {
            return Err(MapError::NotMapped { virt });
        }
        let phys = *entry & ADDR_MASK;
        *entry = 0;
        cpu::invlpg(virt);
        Ok(phys)
    }

    /// The physical address `virt` maps to, following 2 MiB pages too.
    pub fn translate(&self, virt: u64) -> Option<u64> {
        self.leaf(virt)
            .map(|(entry, size)| (entry & ADDR_MASK & !(size - 1)) + (virt & (size - 1)))
    }

    /// The flags of the leaf entry mapping `virt`.
    pub fn flags(&self, virt: u64) -> Option<Flags> {
        self.leaf(virt).map(|(entry, _)| Flags(entry & Flags::ALL))
    }

    /// Replaces the flags of the 4 KiB page at `virt` (PRESENT is kept).
    pub fn set_flags(&mut self, virt: u64, flags: Flags) -> Result<(), MapError> {
        let entry = self.walk(virt & !(PAGE_SIZE - 1), 3, false, None)?;
        if *entry & Flags::PRESENT.0 == 0 {
            return Err(MapError::NotMapped { virt });
        }
        *entry = (*entry & ADDR_MASK) | ((flags | Flags::PRESENT).0 & Flags::ALL);
        cpu::invlpg(virt);
        Ok(())
    }

    fn leaf(&self, virt: u64) -> Option<(u64, u64)> {
        if !is_canonical(virt) {
            return None;
        }
        let idx = indices(virt);
        let mut table_phys = self.pml4;
        for (level, &i) in idx.iter().enumerate() {
            // SAFETY: a plain read of one entry of this mapper's own tables
            // through the raw pointer; no reference is created.
            let entry = unsafe { (*table_at(table_phys)).entries[i] };
            if entry & Flags::PRESENT.0 == 0 {
                return None;
            }
            match level {
                1 if entry & Flags::HUGE.0 != 0 => return Some((entry, 1 << 30)),
                2 if entry & Flags::HUGE.0 != 0 => return Some((entry, HUGE_PAGE_SIZE)),
                3 => return Some((entry, PAGE_SIZE)),
                _ => table_phys = entry & ADDR_MASK,
            }
        }
        None
    }
}

/// Object-safe view of a `FrameSource`, so `walk` is not generic.
trait FrameSourceDyn {
    fn alloc_frame_dyn(&mut self) -> Option<u64>;
}

struct Adapter<'a, F: FrameSource>(&'a mut F);

impl<F: FrameSource> FrameSourceDyn for Adapter<'_, F> {
    fn alloc_frame_dyn(&mut self) -> Option<u64> {
        self.0.alloc_frame()
    }
}
