//! One segment file: an append-only run of records behind a 16-byte header.
//!
//! A `Segment` owns the open file and knows how many of its bytes have been
//! handed to the OS (`readable`). Readers use positional reads
//! (`FileExt::read_at`, i.e. `pread`) on the shared file, which need no seek
//! position and therefore no lock: any number of threads can read one
//! segment at once. Only the store's single writer appends, with positional
//! writes at the end it tracks itself.
//!
//! Reads never go through a memory map. An earlier version mapped every
//! segment and copied records out of the mapping, which is fast, but a file
//! that shrinks underneath the store (another program truncating it, a
//! media error on a mapped page) then kills the process with SIGBUS instead
//! of returning an error. `pread` reports the same situations as an error
//! that names the file, which is what a learner's store needs.

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
    /// The file's length, which is more than `readable` while the active
    /// segment has zero-filled space ahead of its data (see
    /// [`Segment::ensure_allocated`]).
    allocated: AtomicU64,
}

/// Zero-filled space is added to the active segment this much at a time.
pub const PREALLOCATE_CHUNK: u64 = 1 << 20;

impl Segment {
    /// Create a new, empty segment at `path` and write its header.
    pub fn create(path: PathBuf, id: u32, kind: SegmentKind) -> io::Result<Segment> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.write_all_at(&encode_file_header(SEGMENT_MAGIC, kind as u8, id), 0)?;
        Ok(Segment {
            id,
            kind,
            path,
            file,
            readable: AtomicU64::new(FILE_HEADER_LEN as u64),
            allocated: AtomicU64::new(FILE_HEADER_LEN as u64),
        })
    }

    /// Open an existing segment and check its header. Returns the segment
    /// and the file's length.
    pub fn open(path: PathBuf, id: u32) -> Result<(Segment, u64), HeaderProblem> {
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
        Ok((
            Segment {
                id,
                kind,
                path,
                file,
                readable: AtomicU64::new(len),
                allocated: AtomicU64::new(len),
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

    /// Read exactly `buf.len()` bytes at `offset`. A file that became
    /// shorter than the store knows it to be (truncated by someone else, or
    /// damaged) is an error naming the file, never a crash.
    pub fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> Result<(), KvError> {
        self.file.read_exact_at(buf, offset).map_err(|source| {
            if source.kind() == io::ErrorKind::UnexpectedEof {
                let actual = self.file.metadata().map_or(0, |m| m.len());
                KvError::Corrupt {
                    path: self.path.clone(),
                    offset,
                    reason: format!(
                        "the file ends at byte {actual}, before this record's end at byte {} (was it truncated while the store was open?)",
                        offset + buf.len() as u64
                    ),
                }
            } else {
                KvError::Io {
                    op: "read",
                    path: self.path.clone(),
                    error: source,
                }
            }
        })
    }

    /// The file's length on disk right now.
    pub fn file_len(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
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
        self.allocated.store(len, Ordering::Release);
        Ok(())
    }

    /// Where the data ends when the file is longer (zero-filled space
    /// after the last record of the active segment, found at open).
    pub fn set_data_end(&self, end: u64) {
        self.readable.store(end, Ordering::Release);
    }

    /// Make sure the file is at least `end` bytes long, adding zero-filled
    /// space a chunk at a time. Appends then overwrite blocks that exist
    /// and hold data, so an fdatasync after them has no file size or block
    /// allocation to commit: only the data (one journal commit saved per
    /// durable write). Recovery reads zeros after the last record as the
    /// end of the log. Only the writer calls this.
    pub fn ensure_allocated(&self, end: u64) -> io::Result<()> {
        let have = self.allocated.load(Ordering::Acquire);
        if end <= have {
            return Ok(());
        }
        let want = end.next_multiple_of(PREALLOCATE_CHUNK);
        static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
        let mut at = have;
        while at < want {
            let n = (want - at).min(ZEROS.len() as u64) as usize;
            self.file.write_all_at(&ZEROS[..n], at)?;
            at += n as u64;
        }
        self.allocated.store(want, Ordering::Release);
        Ok(())
    }

    /// Cut zero-filled space off the end, so a sealed segment is exactly
    /// as long as its data. Not fsynced here.
    pub fn trim(&self) -> io::Result<()> {
        let end = self.readable();
        if self.allocated.load(Ordering::Acquire) > end {
            self.file.set_len(end)?;
            self.allocated.store(end, Ordering::Release);
        }
        Ok(())
    }

    /// fsync data and metadata: for a sealed segment whose length was just
    /// cut by [`Segment::trim`].
    pub fn sync_all(&self) -> io::Result<()> {
        self.file.sync_all()
    }

    /// fsync the data (and the length, which `sync_data` includes when it
    /// changed).
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Start writing `len` bytes at `offset` back to the disk without
    /// waiting for it (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`).
    /// Compaction calls this after each chunk it writes, so its final
    /// fsync has little left to do and does not hold up the journal (and
    /// with it the writers) for long. Elsewhere it does nothing.
    pub fn start_writeback(&self, offset: u64, len: u64) {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let (Ok(off), Ok(n)) = (i64::try_from(offset), i64::try_from(len)) else {
                return;
            };
            // SAFETY: a plain system call on a descriptor we own; it reads
            // no memory of ours. Its result is only a hint, so an error is
            // ignored (the fsync that follows is what counts).
            unsafe {
                libc::sync_file_range(self.file.as_raw_fd(), off, n, libc::SYNC_FILE_RANGE_WRITE);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (offset, len);
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
