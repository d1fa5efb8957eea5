//! "Floor" kernels: the least a boot can do, to measure QEMU's own cost.
//!
//! The boot benchmark times our kernel from QEMU's start to `[ready]`. How
//! much of that is ours? These two tiny images leave QEMU through
//! isa-debug-exit with the success code as their very first instructions,
//! so the time QEMU takes to start and end them is the floor any kernel on
//! that path pays: machine creation, firmware, loading, teardown.
//!
//! - [`pvh_elf`]: an ELF64 with one loadable segment at 1 MiB and a PVH
//!   note (`XEN_ELFNOTE_PHYS32_ENTRY`, like our kernel's) pointing at
//!   32-bit code: `mov dx, 0xf4; mov eax, 0x10; out dx, eax; hlt`.
//! - [`bios_image`]: a disk whose MBR does the same in real mode.

use std::path::{Path, PathBuf};

const LOAD: u64 = 0x10_0000;
const EHDR: usize = 64;
const PHDR: usize = 56;

/// `mov dx, 0xf4; mov eax, 0x10; out dx, eax; hlt; jmp .-1` in 32-bit mode.
const EXIT32: [u8; 13] = [
    0x66, 0xBA, 0xF4, 0x00, // mov dx, 0xf4
    0xB8, 0x10, 0x00, 0x00, 0x00, // mov eax, 0x10
    0xEF, // out dx, eax
    0xF4, // hlt
    0xEB, 0xFD, // jmp back to hlt
];

/// The same in 16-bit real mode (operand-size prefixes swap).
const EXIT16: [u8; 12] = [
    0xBA, 0xF4, 0x00, // mov dx, 0xf4
    0x66, 0xB8, 0x10, 0x00, 0x00, 0x00, // mov eax, 0x10
    0x66, 0xEF, // out dx, eax
    0xF4, // hlt
];

fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    buf[at..at + bytes.len()].copy_from_slice(bytes);
}

/// A PVH-bootable ELF64 that exits QEMU with success at once.
pub fn pvh_elf() -> Vec<u8> {
    let note_off = EHDR + 2 * PHDR;
    // Note: namesz, descsz, type, "Xen\0", then the 8-byte entry address.
    let note_len = 12 + 4 + 8;
    let code_off = note_off + note_len;
    let total = code_off + EXIT32.len();
    let entry = LOAD + code_off as u64;
    let mut e = vec![0u8; total];
    put(&mut e, 0, b"\x7fELF");
    e[4] = 2; // 64-bit
    e[5] = 1; // little-endian
    e[6] = 1; // version
    put(&mut e, 16, &2u16.to_le_bytes()); // ET_EXEC
    put(&mut e, 18, &0x3Eu16.to_le_bytes()); // x86-64
    put(&mut e, 20, &1u32.to_le_bytes());
    put(&mut e, 24, &entry.to_le_bytes());
    put(&mut e, 32, &(EHDR as u64).to_le_bytes()); // e_phoff
    put(&mut e, 52, &(EHDR as u16).to_le_bytes());
    put(&mut e, 54, &(PHDR as u16).to_le_bytes());
    put(&mut e, 56, &2u16.to_le_bytes()); // e_phnum
    // PT_LOAD: the whole file at 1 MiB, read + execute.
    let ph = EHDR;
    put(&mut e, ph, &1u32.to_le_bytes());
    put(&mut e, ph + 4, &5u32.to_le_bytes());
    put(&mut e, ph + 16, &LOAD.to_le_bytes());
    put(&mut e, ph + 24, &LOAD.to_le_bytes());
    put(&mut e, ph + 32, &(total as u64).to_le_bytes());
    put(&mut e, ph + 40, &(total as u64).to_le_bytes());
    put(&mut e, ph + 48, &0x1000u64.to_le_bytes());
    // PT_NOTE over the note.
    let ph = EHDR + PHDR;
    put(&mut e, ph, &4u32.to_le_bytes());
    put(&mut e, ph + 4, &4u32.to_le_bytes());
    put(&mut e, ph + 8, &(note_off as u64).to_le_bytes());
    put(&mut e, ph + 16, &(LOAD + note_off as u64).to_le_bytes());
    put(&mut e, ph + 24, &(LOAD + note_off as u64).to_le_bytes());
    put(&mut e, ph + 32, &(note_len as u64).to_le_bytes());
    put(&mut e, ph + 40, &(note_len as u64).to_le_bytes());
    put(&mut e, ph + 48, &4u64.to_le_bytes());
    put(&mut e, note_off, &4u32.to_le_bytes());
    put(&mut e, note_off + 4, &8u32.to_le_bytes());
    put(&mut e, note_off + 8, &18u32.to_le_bytes());
    put(&mut e, note_off + 12, b"Xen\0");
    put(&mut e, note_off + 16, &entry.to_le_bytes());
    put(&mut e, code_off, &EXIT32);
    e
}

/// A 64 KiB raw disk whose MBR exits QEMU with success at once.
pub fn bios_image() -> Vec<u8> {
    let mut d = vec![0u8; 64 * 1024];
    put(&mut d, 0, &EXIT16);
    d[510] = 0x55;
    d[511] = 0xAA;
    d
}

/// Where [`write`] put the two floor images.
#[derive(Clone, Debug)]
pub struct FloorImages {
    pub pvh_elf: PathBuf,
    pub bios_image: PathBuf,
}

/// Writes both images under `dir` (created if needed).
pub fn write(dir: &Path) -> std::io::Result<FloorImages> {
    std::fs::create_dir_all(dir)?;
    let f = FloorImages {
        pvh_elf: dir.join("floor-pvh.elf"),
        bios_image: dir.join("floor-bios.img"),
    };
    std::fs::write(&f.pvh_elf, pvh_elf())?;
    std::fs::write(&f.bios_image, bios_image())?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([b[at], b[at + 1]])
    }
    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }
    fn u64_at(b: &[u8], at: usize) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(a)
    }

    #[test]
    fn pvh_floor_note_points_at_the_exit_code() {
        let e = pvh_elf();
        assert_eq!(&e[..4], b"\x7fELF");
        assert_eq!(u16_at(&e, 56), 2, "two program headers");
        let note = EHDR + PHDR;
        assert_eq!(u32_at(&e, note), 4, "PT_NOTE");
        let off = u64_at(&e, note + 8) as usize;
        assert_eq!(u32_at(&e, off + 8), 18, "XEN_ELFNOTE_PHYS32_ENTRY");
        assert_eq!(&e[off + 12..off + 16], b"Xen\0");
        let entry = u64_at(&e, off + 16);
        // The entry is inside the PT_LOAD segment, at the exit sequence.
        let load = u64_at(&e, EHDR + 24);
        let file_off = (entry - load) as usize;
        assert_eq!(&e[file_off..file_off + EXIT32.len()], &EXIT32);
        assert_eq!(u64_at(&e, EHDR + 32) as usize, e.len());
    }

    #[test]
    fn bios_floor_is_a_bootable_mbr() {
        let d = bios_image();
        assert_eq!(&d[510..512], &[0x55, 0xAA]);
        assert_eq!(&d[..EXIT16.len()], &EXIT16);
    }
}
