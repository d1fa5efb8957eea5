//! One segment file: an append-only run of records behind a 16-byte header.
//!
//! A `Segment` owns the open file and knows how many of its bytes have been
//! handed to the OS (`readable`). Readers use positional reads
//! (`FileExt::read_at`, i.e. `pread`) on the shared file, which need no seek
//! position and therefore no lock: any number of threads can read one
//! segment at once. Only the store's single writer appends, with positional
//! writes at the end it tracks itself.
//!
//! For speed, each segment is also mapped read-only into memory (`mmap`,
//! `MAP_SHARED`), sized to the largest the segment may grow to; reads of
//! bytes already written are then a memory copy instead of a system call.
//! A shared mapping sees the page cache, so bytes written with `pwrite` are
//! visible through it as soon as the write returns. Reads beyond the mapping
//! fall back to `pread`.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::KvError;

use super::format::{
    FILE_HEADER_LEN, FORMAT_VERSION, SEGMENT_MAGIC, SegmentKind, decode_file_header,
    encode_file_header,
};

/// Path of segment `id` in `dir`. Ten digits keep a directory listing in
/// segment order.
pub fn segment_path(dir: &Path, id: u32) -> PathBuf {
    dir.join(format!("{id:010}.seg"))
}

/// Path of the hint file that describes segment `id`.
pub fn hint_path(dir: &Path, id: u32) -> PathBuf {
    dir.join(format!("{id:010}.hint"))
}

/// An open segment file.
#[derive(Debug)]
pub struct Segment {
    pub id: u32,
    pub kind: SegmentKind,
    pub path: PathBuf,
    file: File,
    /// Bytes written to the file so far (header included). Reads below this
    /// offset can go straight to the file; newer bytes are still in the
    /// writer's buffer.
    readable: AtomicU64,
    map: Option<Mapping>,
}

/// A read-only shared memory mapping of a segment file.
#[derive(Debug)]
struct Mapping {
    ptr: *const u8,
    len: usize,
}

// SAFETY: the mapping is read-only and only ever read through `copy_to`,
// which copies out bytes that are never modified again once written (the
// log is append-only and recovery truncates before any reader exists), so
// sharing the pointer between threads cannot race.
unsafe impl Send for Mapping {}
// SAFETY: as above; `&Mapping` only allows copying immutable bytes.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Map `len` bytes of `file` read-only. `None` if the OS refuses, in
    /// which case reads use `pread`.
    fn new(file: &File, len: u64) -> Option<Mapping> {
        use std::os::fd::AsRawFd;
        let len = usize::try_from(len).ok()?;
        if len == 0 {
            return None;
        }
        // SAFETY: we ask for a fresh read-only shared mapping of a valid,
        // open descriptor; the kernel picks the address. Mapping past the
        // end of the file is allowed; we never touch those pages (reads stay
        // below `readable`, which never exceeds the file length).
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return None;
        }
        Some(Mapping {
            ptr: ptr as *const u8,
            len,
        })
    }

    /// Copy `buf.len()` bytes at `offset`, if they lie inside the mapping.
    fn copy_to(&self, buf: &mut [u8], offset: u64) -> bool {
        let Ok(start) = usize::try_from(offset) else {
            return false;
        };
        match start.checked_add(buf.len()) {
            Some(end) if end <= self.len => {
                // SAFETY: `start..end` lies inside the mapping (checked
                // above), the caller only asks for bytes below `readable`,
                // which exist in the file, and those bytes are never
                // rewritten, so the source is valid and stable for the copy.
                unsafe {
                    std::ptr::copy_nonoverlapping(self.ptr.add(start), buf.as_mut_ptr(), buf.len());
                }
                true
            }
            _ => false,
        }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr` and `len` are exactly what `mmap` returned and
        // accepted, and the mapping is unmapped only here, once.
        unsafe {
            libc::munmap(self.ptr as *mut libc::c_void, self.len);
        }
    }
}

impl Segment {
    /// Create a new, empty segment at `path` and write its header.
    pub fn create(path: PathBuf, id: u32, kind: SegmentKind, map_len: u64) -> io::Result<Segment> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.write_all_at(&encode_file_header(SEGMENT_MAGIC, kind as u8, id), 0)?;
        let map = Mapping::new(&file, map_len);
        Ok(Segment {
            id,
            kind,
            path,
            file,
            readable: AtomicU64::new(FILE_HEADER_LEN as u64),
            map,
        })
    }

    /// Open an existing segment and check its header. Returns the segment
    /// and the file's length.
    pub fn open(path: PathBuf, id: u32, map_len: u64) -> Result<(Segment, u64), HeaderProblem> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(HeaderProblem::Io)?;
        let len = file.metadata().map_err(HeaderProblem::Io)?.len();
        let mut header = [0u8; FILE_HEADER_LEN];
        if len < FILE_HEADER_LEN as u64 {
            return Err(HeaderProblem::Short { len });
        }
        file.read_exact_at(&mut header, 0)
            .map_err(HeaderProblem::Io)?;
        let h = decode_file_header(&header).map_err(HeaderProblem::Bad)?;
        if h.magic != SEGMENT_MAGIC {
            return Err(HeaderProblem::Bad("bad magic (not a segment)".into()));
        }
        if h.version != FORMAT_VERSION {
            return Err(HeaderProblem::Version(h.version));
        }
        if h.id != id {
            return Err(HeaderProblem::Bad(format!(
                "header says segment {} but the file name says {id}",
                h.id
            )));
        }
        let kind = match h.kind {
            0 => SegmentKind::Log,
            1 => SegmentKind::Compacted,
            other => return Err(HeaderProblem::Bad(format!("unknown segment kind {other}"))),
        };
        let map = Mapping::new(&file, map_len.max(len));
        Ok((
            Segment {
                id,
                kind,
                path,
                file,
                readable: AtomicU64::new(len),
                map,
            },
            len,
        ))
    }

    /// Bytes that can be read from the file (header included).
    pub fn readable(&self) -> u64 {
        self.readable.load(Ordering::Acquire)
    }

    /// Bytes of record data (the file length less its header).
    pub fn data_len(&self) -> u64 {
        self.readable().saturating_sub(FILE_HEADER_LEN as u64)
    }

    /// Read exactly `buf.len()` bytes at `offset`.
    pub fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> Result<(), KvError> {
        let in_file = offset
            .checked_add(buf.len() as u64)
            .is_some_and(|end| end <= self.readable());
        if in_file && self.map.as_ref().is_some_and(|m| m.copy_to(buf, offset)) {
            return Ok(());
        }
        self.file
            .read_exact_at(buf, offset)
            .map_err(|source| KvError::Io {
                op: "read",
                path: self.path.clone(),
                error: source,
            })
    }

    /// Append `bytes` at `offset` (the current end) and publish them to
    /// readers. Only the writer calls this.
    pub fn append_at(&self, bytes: &[u8], offset: u64) -> io::Result<()> {
        self.file.write_all_at(bytes, offset)?;
        self.readable
            .store(offset + bytes.len() as u64, Ordering::Release);
        Ok(())
    }

    /// Cut the file back to `len` bytes (recovery drops a torn tail).
    pub fn truncate(&self, len: u64) -> io::Result<()> {
        self.file.set_len(len)?;
        self.file.sync_all()?;
        self.readable.store(len, Ordering::Release);
        Ok(())
    }

    /// fsync the data (and the length, which `sync_data` includes when it
    /// changed).
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Point the segment at its new name after a rename.
    pub fn renamed(mut self, path: PathBuf) -> Segment {
        self.path = path;
        self
    }
}

/// Why a segment header could not be used.
#[derive(Debug)]
pub enum HeaderProblem {
    Io(io::Error),
    Short { len: u64 },
    Bad(String),
    Version(u16),
}

/// fsync a directory so that files created, renamed or removed in it stay
/// so after a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
