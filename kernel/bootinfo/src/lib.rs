//! The boot information handed to the kernel, identical for both boot paths.
//!
//! The PVH path builds it inside the kernel from QEMU's `hvm_start_info`; the
//! BIOS path builds it in our second-stage loader from the E820 map and the
//! command-line sector of the disk image. Either way the kernel's 64-bit
//! entry receives a pointer to one `BootInfo` and copies it before it touches
//! any memory, so the loader's memory can be reused afterwards.
//!
//! The layout is `#[repr(C)]` with fixed-size arrays so that two separately
//! compiled programs (loader and kernel) agree on it without sharing a heap.
#![no_std]

/// Marks a valid `BootInfo` ("MEGABOOT" in little-endian ASCII).
pub const BOOT_INFO_MAGIC: u64 = u64::from_le_bytes(*b"MEGABOOT");
/// Bumped whenever the layout below changes.
pub const BOOT_INFO_VERSION: u32 = 1;
/// Most memory regions the structure can carry; the rest are dropped.
pub const MAX_REGIONS: usize = 64;
/// Longest command line the structure can carry, in bytes.
pub const CMDLINE_MAX: usize = 256;

/// How the kernel was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum BootMethod {
    /// QEMU's `-kernel` direct boot through the PVH entry note.
    Pvh = 1,
    /// Our MBR and second stage, from a raw disk image.
    Bios = 2,
}

/// One entry of the physical memory map, in E820 terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct MemoryRegion {
    pub start: u64,
    pub len: u64,
    /// E820 type: 1 usable, 2 reserved, 3 ACPI reclaimable, 4 ACPI NVS, 5 bad.
    pub kind: u32,
    pub reserved: u32,
}

impl MemoryRegion {
    pub const EMPTY: MemoryRegion = MemoryRegion {
        start: 0,
        len: 0,
        kind: 0,
        reserved: 0,
    };
    pub const USABLE: u32 = 1;

    pub fn end(&self) -> u64 {
        self.start.saturating_add(self.len)
    }

    pub fn is_usable(&self) -> bool {
        self.kind == Self::USABLE
    }

    /// A short name for the E820 type, for the boot log.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            1 => "usable",
            2 => "reserved",
            3 => "acpi-reclaim",
            4 => "acpi-nvs",
            5 => "bad",
            _ => "other",
        }
    }
}

/// Everything a loader tells the kernel.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct BootInfo {
    pub magic: u64,
    pub version: u32,
    /// A `BootMethod` value.
    pub method: u32,
    pub region_count: u32,
    pub cmdline_len: u32,
    /// TSC value when the first boot code ran (0 if unknown); the boot
    /// timeline counts from here.
    pub start_tsc: u64,
    pub regions: [MemoryRegion; MAX_REGIONS],
    pub cmdline: [u8; CMDLINE_MAX],
}

impl BootInfo {
    pub const fn empty(method: BootMethod) -> BootInfo {
        BootInfo {
            magic: BOOT_INFO_MAGIC,
            version: BOOT_INFO_VERSION,
            method: method as u32,
            region_count: 0,
            cmdline_len: 0,
            start_tsc: 0,
            regions: [MemoryRegion::EMPTY; MAX_REGIONS],
            cmdline: [0; CMDLINE_MAX],
        }
    }

    /// Appends a region; returns false (and drops it) when the table is full.
    pub fn push_region(&mut self, region: MemoryRegion) -> bool {
        let i = self.region_count as usize;
        if i >= MAX_REGIONS {
            return false;
        }
        self.regions[i] = region;
        self.region_count += 1;
        true
    }

    /// Stores a command line: everything before the first NUL, cut to at
    /// most `CMDLINE_MAX` bytes. A cut never splits a UTF-8 character (it
    /// backs off to the character's start), so the kept part stays readable.
    /// Returns how many bytes were kept; fewer than the line's length means
    /// it was cut, which the caller should report.
    pub fn set_cmdline(&mut self, bytes: &[u8]) -> usize {
        let full = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let mut len = full.min(CMDLINE_MAX);
        if len < full
            && let Err(e) = core::str::from_utf8(&bytes[..len])
            && e.error_len().is_none()
        {
            // The cut fell inside a multi-byte character.
            len = e.valid_up_to();
        }
        self.cmdline[..len].copy_from_slice(&bytes[..len]);
        self.cmdline_len = len as u32;
        len
    }

    pub fn regions(&self) -> &[MemoryRegion] {
        let n = (self.region_count as usize).min(MAX_REGIONS);
        &self.regions[..n]
    }

    /// The command line; invalid UTF-8 yields an empty string.
    pub fn cmdline(&self) -> &str {
        let n = (self.cmdline_len as usize).min(CMDLINE_MAX);
        core::str::from_utf8(&self.cmdline[..n]).unwrap_or("")
    }

    /// `pvh`, `bios` or `unknown`, for logs and the shell.
    pub fn method_name(&self) -> &'static str {
        match self.method() {
            Some(BootMethod::Pvh) => "pvh",
            Some(BootMethod::Bios) => "bios",
            None => "unknown",
        }
    }

    pub fn method(&self) -> Option<BootMethod> {
        match self.method {
            1 => Some(BootMethod::Pvh),
            2 => Some(BootMethod::Bios),
            _ => None,
        }
    }

    pub fn is_valid(&self) -> bool {
        self.magic == BOOT_INFO_MAGIC && self.version == BOOT_INFO_VERSION
    }
}
