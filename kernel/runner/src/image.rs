//! Writes the raw BIOS disk image: our loader, a command line, the kernel.
//!
//! Layout (512-byte sectors, see kernel/README.md):
//!
//! ```text
//! LBA 0              MBR: boot code, the loader header at 0x1A0, 0x55AA at 0x1FE
//! LBA 1 .. 1+S       second stage (S sectors), loaded at 0x7E00 by the MBR
//! LBA 1+S            kernel command line, NUL-padded
//! LBA 2+S ..         the kernel ELF file, as built, padded to a sector
//! ```
//!
//! The loader header (little-endian) tells the loader where things are:
//!
//! ```text
//! 0x1A0  u32  magic "MGLD"
//! 0x1A4  u16  S, second-stage sectors
//! 0x1A6  u16  reserved (0)
//! 0x1A8  u32  LBA of the command-line sector
//! 0x1AC  u32  LBA of the kernel ELF
//! 0x1B0  u32  kernel ELF size in bytes
//! 0x1B4  u32  reserved (0)
//! ```
//!
//! The loader ELF (kernel/bios) is linked at 0x7C00; we flatten its loadable
//! segments into one byte run from 0x7C00, so its first 512 bytes are the
//! MBR and the rest is the second stage.

use std::path::{Path, PathBuf};

pub const SECTOR: usize = 512;
pub const LOAD_BASE: u64 = 0x7C00;
pub const HEADER_OFFSET: usize = 0x1A0;
pub const HEADER_MAGIC: &[u8; 4] = b"MGLD";
/// The loader reads the kernel through a buffer at 0x10000..0x80000.
pub const MAX_KERNEL_BYTES: usize = 0x70000;
/// The MBR reads the second stage in one BIOS call of at most 127 sectors,
/// into 0x7E00..0x10000 (below the kernel buffer).
pub const MAX_STAGE2_SECTORS: usize = (0x10000 - 0x7E00) / SECTOR;
const CMDLINE_MAX: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("reading {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing {path}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a 64-bit little-endian ELF file ({why})")]
    NotElf { path: PathBuf, why: &'static str },
    #[error(
        "{path}: the loader must start at {LOAD_BASE:#x}, but its lowest segment is at {found:#x}"
    )]
    WrongBase { path: PathBuf, found: u64 },
    #[error("{path}: the loader has no 0x55AA boot signature at byte 510")]
    NoBootSignature { path: PathBuf },
    #[error(
        "the second stage needs {sectors} sectors; the MBR can load at most {MAX_STAGE2_SECTORS}"
    )]
    Stage2TooLarge { sectors: usize },
    #[error("the kernel is {bytes} bytes; the BIOS loader's buffer holds {MAX_KERNEL_BYTES}")]
    KernelTooLarge { bytes: usize },
    #[error("the command line is {len} bytes; at most {CMDLINE_MAX} fit")]
    CmdlineTooLong { len: usize },
}

/// Where things ended up in a written image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageLayout {
    pub stage2_sectors: usize,
    pub cmdline_lba: usize,
    pub kernel_lba: usize,
    pub kernel_bytes: usize,
    pub total_bytes: usize,
}

fn read(path: &Path) -> Result<Vec<u8>, ImageError> {
    std::fs::read(path).map_err(|source| ImageError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?))
}

/// One PT_LOAD segment: where it goes and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub paddr: u64,
    pub file_offset: u64,
    pub file_size: u64,
    pub mem_size: u64,
}

/// The PT_LOAD segments of an ELF64 file, checked against the file size.
pub fn load_segments(elf: &[u8], path: &Path) -> Result<Vec<Segment>, ImageError> {
    let bad = |why| ImageError::NotElf {
        path: path.to_path_buf(),
        why,
    };
    if elf.get(0..4) != Some(b"\x7fELF") {
        return Err(bad("no ELF magic"));
    }
    if elf.get(4) != Some(&2) || elf.get(5) != Some(&1) {
        return Err(bad("not ELFCLASS64/little-endian"));
    }
    let phoff = u64_at(elf, 0x20).ok_or(bad("truncated header"))? as usize;
    let phentsize = u16_at(elf, 0x36).ok_or(bad("truncated header"))? as usize;
    let phnum = u16_at(elf, 0x38).ok_or(bad("truncated header"))? as usize;
    if phentsize < 56 {
        return Err(bad("program header entries too small"));
    }
    let mut segs = Vec::new();
    for i in 0..phnum {
        let o = phoff + i * phentsize;
        let ptype = u32_at(elf, o).ok_or(bad("truncated program header"))?;
        if ptype != 1 {
            continue;
        }
        let s = Segment {
            file_offset: u64_at(elf, o + 8).ok_or(bad("truncated program header"))?,
            paddr: u64_at(elf, o + 24).ok_or(bad("truncated program header"))?,
            file_size: u64_at(elf, o + 32).ok_or(bad("truncated program header"))?,
            mem_size: u64_at(elf, o + 40).ok_or(bad("truncated program header"))?,
        };
        if s.file_offset
            .checked_add(s.file_size)
            .is_none_or(|end| end > elf.len() as u64)
        {
            return Err(bad("segment extends past the end of the file"));
        }
        if s.mem_size < s.file_size {
            return Err(bad("segment memory size below file size"));
        }
        segs.push(s);
    }
    if segs.is_empty() {
        return Err(bad("no loadable segments"));
    }
    Ok(segs)
}

/// Flattens the loader ELF into the bytes that go to LBA 0 onwards.
pub fn flatten_loader(elf: &[u8], path: &Path) -> Result<Vec<u8>, ImageError> {
    let segs = load_segments(elf, path)?;
    let base = segs.iter().map(|s| s.paddr).min().unwrap_or(0);
    if base != LOAD_BASE {
        return Err(ImageError::WrongBase {
            path: path.to_path_buf(),
            found: base,
        });
    }
    let end = segs
        .iter()
        .map(|s| s.paddr + s.mem_size)
        .max()
        .unwrap_or(base);
    let mut flat = vec![0u8; (end - base) as usize];
    for s in &segs {
        let at = (s.paddr - base) as usize;
        let from = s.file_offset as usize;
        flat[at..at + s.file_size as usize]
            .copy_from_slice(&elf[from..from + s.file_size as usize]);
    }
    if flat.len() < SECTOR || flat[510] != 0x55 || flat[511] != 0xAA {
        return Err(ImageError::NoBootSignature {
            path: path.to_path_buf(),
        });
    }
    Ok(flat)
}

/// Builds the image bytes from the loader ELF, the kernel ELF and a command line.
pub fn build_image(
    loader_elf: &[u8],
    loader_path: &Path,
    kernel_elf: &[u8],
    cmdline: &str,
) -> Result<(Vec<u8>, ImageLayout), ImageError> {
    let mut flat = flatten_loader(loader_elf, loader_path)?;
    if cmdline.len() > CMDLINE_MAX {
        return Err(ImageError::CmdlineTooLong { len: cmdline.len() });
    }
    if kernel_elf.len() > MAX_KERNEL_BYTES {
        return Err(ImageError::KernelTooLarge {
            bytes: kernel_elf.len(),
        });
    }
    let stage2_sectors = (flat.len() - SECTOR).div_ceil(SECTOR);
    if stage2_sectors > MAX_STAGE2_SECTORS {
        return Err(ImageError::Stage2TooLarge {
            sectors: stage2_sectors,
        });
    }
    let cmdline_lba = 1 + stage2_sectors;
    let kernel_lba = cmdline_lba + 1;
    let layout = ImageLayout {
        stage2_sectors,
        cmdline_lba,
        kernel_lba,
        kernel_bytes: kernel_elf.len(),
        total_bytes: 0,
    };
    let h = HEADER_OFFSET;
    flat[h..h + 4].copy_from_slice(HEADER_MAGIC);
    flat[h + 4..h + 6].copy_from_slice(&(stage2_sectors as u16).to_le_bytes());
    flat[h + 6..h + 8].copy_from_slice(&0u16.to_le_bytes());
    flat[h + 8..h + 12].copy_from_slice(&(cmdline_lba as u32).to_le_bytes());
    flat[h + 12..h + 16].copy_from_slice(&(kernel_lba as u32).to_le_bytes());
    flat[h + 16..h + 20].copy_from_slice(&(kernel_elf.len() as u32).to_le_bytes());
    flat[h + 20..h + 24].copy_from_slice(&0u32.to_le_bytes());

    let mut image = flat;
    image.resize(cmdline_lba * SECTOR, 0);
    let mut cmd_sector = [0u8; SECTOR];
    cmd_sector[..cmdline.len()].copy_from_slice(cmdline.as_bytes());
    image.extend_from_slice(&cmd_sector);
    image.extend_from_slice(kernel_elf);
    // Round up to whole MiB: some BIOSes dislike disks that end mid-track.
    let total = image.len().div_ceil(1 << 20) * (1 << 20);
    image.resize(total, 0);
    Ok((
        image,
        ImageLayout {
            total_bytes: total,
            ..layout
        },
    ))
}

/// Reads both ELF files and writes the image to `out`.
pub fn write_image(
    loader: &Path,
    kernel: &Path,
    cmdline: &str,
    out: &Path,
) -> Result<ImageLayout, ImageError> {
    let loader_elf = read(loader)?;
    let kernel_elf = read(kernel)?;
    let (bytes, layout) = build_image(&loader_elf, loader, &kernel_elf, cmdline)?;
    // Write a temporary file and rename it over the target: a QEMU that is
    // booting the previous image keeps reading its own (now unlinked) copy
    // instead of seeing the file change under it.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}-{n}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, out));
    if let Err(source) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(ImageError::Write {
            path: out.to_path_buf(),
            source,
        });
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 with one PT_LOAD segment holding `payload` at `paddr`.
    fn elf_with(paddr: u64, payload: &[u8], mem_size: u64) -> Vec<u8> {
        let mut e = vec![0u8; 64 + 56];
        e[0..4].copy_from_slice(b"\x7fELF");
        e[4] = 2;
        e[5] = 1;
        e[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
        e[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        e[0x38..0x3A].copy_from_slice(&1u16.to_le_bytes());
        let ph = 64;
        e[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes());
        e[ph + 8..ph + 16].copy_from_slice(&120u64.to_le_bytes());
        e[ph + 24..ph + 32].copy_from_slice(&paddr.to_le_bytes());
        e[ph + 32..ph + 40].copy_from_slice(&(payload.len() as u64).to_le_bytes());
        e[ph + 40..ph + 48].copy_from_slice(&mem_size.to_le_bytes());
        e.extend_from_slice(payload);
        e
    }

    fn loader_payload(stage2_len: usize) -> Vec<u8> {
        let mut p = vec![0x90u8; SECTOR + stage2_len];
        p[510] = 0x55;
        p[511] = 0xAA;
        p
    }

    #[test]
    fn io_errors_print_their_cause_once_in_an_error_chain() {
        let e = ImageError::Write {
            path: PathBuf::from("/x/disk.img"),
            source: std::io::Error::other("File name too long"),
        };
        let shown = format!("{:#}", anyhow::Error::from(e));
        assert_eq!(shown, "writing /x/disk.img: File name too long");
    }

    #[test]
    fn image_has_header_cmdline_and_kernel_where_the_header_says() {
        let loader = elf_with(LOAD_BASE, &loader_payload(1000), (SECTOR + 1000) as u64);
        let kernel = b"\x7fELF-kernel-bytes".repeat(100);
        let (img, layout) =
            build_image(&loader, Path::new("l"), &kernel, "exit-after-ready").expect("builds");
        assert_eq!(layout.stage2_sectors, 2);
        assert_eq!(&img[HEADER_OFFSET..HEADER_OFFSET + 4], b"MGLD");
        assert_eq!(u16_at(&img, HEADER_OFFSET + 4), Some(2));
        assert_eq!(u32_at(&img, HEADER_OFFSET + 8), Some(3));
        assert_eq!(u32_at(&img, HEADER_OFFSET + 12), Some(4));
        assert_eq!(u32_at(&img, HEADER_OFFSET + 16), Some(kernel.len() as u32));
        assert_eq!(&img[3 * SECTOR..3 * SECTOR + 16], b"exit-after-ready");
        assert_eq!(img[3 * SECTOR + 16], 0);
        assert_eq!(&img[4 * SECTOR..4 * SECTOR + kernel.len()], &kernel[..]);
        assert_eq!(img.len() % (1 << 20), 0);
        assert_eq!((img[510], img[511]), (0x55, 0xAA));
    }

    #[test]
    fn bss_beyond_file_size_becomes_zeros() {
        let loader = elf_with(LOAD_BASE, &loader_payload(0), 2048);
        let flat = flatten_loader(&loader, Path::new("l")).expect("flattens");
        assert_eq!(flat.len(), 2048);
        assert!(flat[SECTOR..].iter().all(|&b| b == 0));
    }

    #[test]
    fn bad_inputs_are_refused_with_reasons() {
        let p = Path::new("x");
        assert!(matches!(
            flatten_loader(b"not an elf", p),
            Err(ImageError::NotElf { .. })
        ));
        let wrong_base = elf_with(0x8000, &loader_payload(0), 512);
        assert!(matches!(
            flatten_loader(&wrong_base, p),
            Err(ImageError::WrongBase { found: 0x8000, .. })
        ));
        let mut unsigned = loader_payload(0);
        unsigned[511] = 0;
        let no_sig = elf_with(LOAD_BASE, &unsigned, 512);
        assert!(matches!(
            flatten_loader(&no_sig, p),
            Err(ImageError::NoBootSignature { .. })
        ));
        let mut truncated = elf_with(LOAD_BASE, &loader_payload(0), 512);
        truncated.truncate(300);
        assert!(matches!(
            flatten_loader(&truncated, p),
            Err(ImageError::NotElf { .. })
        ));
        let ok_loader = elf_with(LOAD_BASE, &loader_payload(0), 512);
        let huge = vec![0u8; MAX_KERNEL_BYTES + 1];
        assert!(matches!(
            build_image(&ok_loader, p, &huge, ""),
            Err(ImageError::KernelTooLarge { .. })
        ));
        let long = "x".repeat(300);
        assert!(matches!(
            build_image(&ok_loader, p, b"k", &long),
            Err(ImageError::CmdlineTooLong { len: 300 })
        ));
    }
}
