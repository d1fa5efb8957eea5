//! The write-ahead log: the file beside the database with `-wal` appended.
//!
//! A commit appends one frame per changed page (a 24-byte frame header and
//! the full 4 KiB page image); the last frame of the transaction carries the
//! database size in pages, which marks the commit. Then the log is synced:
//! from that moment the transaction is durable, even though the database file
//! has not been touched. Readers find the newest committed copy of a page via
//! an in-memory index (page id → frame offset).
//!
//! A checkpoint copies the newest committed frames into the database file,
//! syncs it, and only then empties the log and starts a new "salt". Recovery
//! on open scans the log from the start, checking each frame's salt and
//! checksum, and accepts frames only up to the last commit mark: the frames
//! of a transaction that was cut short by a crash are never applied.

use std::collections::HashMap;
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use super::io::Storage;
use super::page::{PAGE_SIZE, Page, PageId};

pub const WAL_MAGIC: &[u8; 8] = b"minidbwl";
pub const WAL_VERSION: u32 = 1;
pub const WAL_HEADER: u64 = 32;
pub const FRAME_HEADER: u64 = 24;
pub const FRAME_SIZE: u64 = FRAME_HEADER + PAGE_SIZE as u64;

/// The log's header was not written by minidb, or is damaged.
#[derive(Debug)]
pub enum WalOpenError {
    Io(io::Error),
    Damaged(String),
}

impl From<io::Error> for WalOpenError {
    fn from(e: io::Error) -> Self {
        WalOpenError::Io(e)
    }
}

pub struct Wal {
    storage: Box<dyn Storage>,
    salt: u64,
    /// Bytes of valid log (header plus committed frames).
    end: u64,
    /// Newest committed frame of each page.
    index: HashMap<PageId, u64>,
    /// Database size in pages at the last commit in the log.
    committed_pages: u32,
    /// Checksum of the last committed frame (the chain's seed for the next).
    last_sum: u32,
}

fn fresh_salt(previous: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // Mix with the previous salt so two resets in the same nanosecond differ.
    (nanos ^ previous.rotate_left(17) ^ u64::from(std::process::id()))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        | 1
}

/// Each frame's checksum covers the previous frame's checksum too, so a
/// valid-looking frame left behind a shorter, newer transaction cannot be
/// chained onto it.
fn frame_checksum(previous: u32, header: &[u8], page: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&previous.to_le_bytes());
    h.update(&header[..16]);
    h.update(page);
    h.finalize()
}

impl Wal {
    /// Opens the log and recovers the committed frames in it.
    pub fn open(mut storage: Box<dyn Storage>) -> Result<Wal, WalOpenError> {
        let len = storage.len()?;
        if len < WAL_HEADER {
            // Absent, empty, or cut short while being created: nothing in it
            // was ever committed, so it is safe to start it afresh.
            let mut wal = Wal {
                storage,
                salt: 0,
                end: WAL_HEADER,
                index: HashMap::new(),
                committed_pages: 0,
                last_sum: 0,
            };
            wal.reset()?;
            return Ok(wal);
        }
        let mut header = [0u8; WAL_HEADER as usize];
        storage.read_at(0, &mut header)?;
        if &header[0..8] != WAL_MAGIC {
            return Err(WalOpenError::Damaged(
                "not a minidb log (bad magic bytes)".into(),
            ));
        }
        let version = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
        let page_size = u32::from_le_bytes([header[12], header[13], header[14], header[15]]);
        let sum = u32::from_le_bytes([header[24], header[25], header[26], header[27]]);
        if sum != crc32fast::hash(&header[..24]) {
            return Err(WalOpenError::Damaged("log header checksum mismatch".into()));
        }
        if version != WAL_VERSION || page_size as usize != PAGE_SIZE {
            return Err(WalOpenError::Damaged(format!(
                "log version {version}, page size {page_size}: not supported"
            )));
        }
        let mut salt_bytes = [0u8; 8];
        salt_bytes.copy_from_slice(&header[16..24]);
        let salt = u64::from_le_bytes(salt_bytes);
        let mut wal = Wal {
            storage,
            salt,
            end: WAL_HEADER,
            index: HashMap::new(),
            committed_pages: 0,
            last_sum: salt as u32,
        };
        wal.recover(len)?;
        Ok(wal)
    }

    fn recover(&mut self, len: u64) -> io::Result<()> {
        let mut pending: Vec<(PageId, u64)> = Vec::new();
        let mut at = WAL_HEADER;
        let mut frame = vec![0u8; FRAME_SIZE as usize];
        let mut chain = self.last_sum;
        while at + FRAME_SIZE <= len {
            self.storage.read_at(at, &mut frame)?;
            let (head, page) = frame.split_at(FRAME_HEADER as usize);
            let id = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
            let commit = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            let mut salt = [0u8; 8];
            salt.copy_from_slice(&head[8..16]);
            let sum = u32::from_le_bytes([head[16], head[17], head[18], head[19]]);
            if u64::from_le_bytes(salt) != self.salt || sum != frame_checksum(chain, head, page) {
                break; // a torn or stale frame: the log ends here
            }
            chain = sum;
            pending.push((id, at));
            at += FRAME_SIZE;
            if commit != 0 {
                for (id, off) in pending.drain(..) {
                    self.index.insert(id, off);
                }
                self.committed_pages = commit;
                self.end = at;
                self.last_sum = chain;
            }
        }
        Ok(())
    }

    /// Empties the log and picks a new salt, so frames left over from before
    /// can never be mistaken for new ones.
    pub fn reset(&mut self) -> io::Result<()> {
        self.salt = fresh_salt(self.salt);
        let mut header = [0u8; WAL_HEADER as usize];
        header[0..8].copy_from_slice(WAL_MAGIC);
        header[8..12].copy_from_slice(&WAL_VERSION.to_le_bytes());
        header[12..16].copy_from_slice(&(PAGE_SIZE as u32).to_le_bytes());
        header[16..24].copy_from_slice(&self.salt.to_le_bytes());
        let sum = crc32fast::hash(&header[..24]);
        header[24..28].copy_from_slice(&sum.to_le_bytes());
        self.storage.set_len(0)?;
        self.storage.write_at(0, &header)?;
        self.storage.sync()?;
        self.end = WAL_HEADER;
        self.index.clear();
        self.committed_pages = 0;
        self.last_sum = self.salt as u32;
        Ok(())
    }

    /// Appends one transaction's pages and syncs. `db_pages` is the database
    /// size after the commit; it marks the last frame.
    pub fn append_commit(&mut self, pages: &[(PageId, &Page)], db_pages: u32) -> io::Result<()> {
        if pages.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(pages.len() * FRAME_SIZE as usize);
        let mut chain = self.last_sum;
        for (i, (id, page)) in pages.iter().enumerate() {
            let mut head = [0u8; FRAME_HEADER as usize];
            head[0..4].copy_from_slice(&id.to_le_bytes());
            let commit = if i + 1 == pages.len() { db_pages } else { 0 };
            head[4..8].copy_from_slice(&commit.to_le_bytes());
            head[8..16].copy_from_slice(&self.salt.to_le_bytes());
            let sum = frame_checksum(chain, &head, &page.0[..]);
            chain = sum;
            head[16..20].copy_from_slice(&sum.to_le_bytes());
            buf.extend_from_slice(&head);
            buf.extend_from_slice(&page.0[..]);
        }
        let start = self.end;
        if let Err(e) = self
            .storage
            .write_at(start, &buf)
            .and_then(|()| self.storage.sync())
        {
            // Best effort: cut off what was written; recovery would ignore it
            // anyway because it carries no valid commit mark.
            let _ = self.storage.set_len(start);
            return Err(e);
        }
        for (i, (id, _)) in pages.iter().enumerate() {
            self.index.insert(*id, start + i as u64 * FRAME_SIZE);
        }
        self.end = start + buf.len() as u64;
        self.committed_pages = db_pages;
        self.last_sum = chain;
        Ok(())
    }

    /// The newest committed copy of a page, if the log has one.
    pub fn read(&mut self, id: PageId) -> io::Result<Option<Page>> {
        let Some(&off) = self.index.get(&id) else {
            return Ok(None);
        };
        let mut page = Page::zeroed();
        self.storage.read_at(off + FRAME_HEADER, &mut page.0[..])?;
        Ok(Some(page))
    }

    pub fn contains(&self, id: PageId) -> bool {
        self.index.contains_key(&id)
    }

    pub fn pages(&self) -> Vec<PageId> {
        let mut ids: Vec<PageId> = self.index.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    pub fn frame_count(&self) -> u64 {
        (self.end - WAL_HEADER) / FRAME_SIZE
    }

    pub fn byte_len(&self) -> u64 {
        self.end
    }

    pub fn committed_pages(&self) -> u32 {
        self.committed_pages
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}
