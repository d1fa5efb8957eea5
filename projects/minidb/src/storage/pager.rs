//! The pager: the one door to pages for everything above it.
//!
//! Reads look in four places, newest first: the pages the open transaction
//! changed, the buffer pool, the WAL, and the database file; a page that comes
//! from the WAL or the file has its checksum verified before anyone sees it.
//!
//! Writes never touch disk until commit. The open transaction's pages stay in
//! memory ("no steal"), which makes rollback a matter of forgetting them. A
//! statement inside a transaction gets a savepoint: the first time it changes
//! a page, the page's previous in-transaction version is remembered, so a
//! failed statement can be undone without undoing the whole transaction.
//!
//! Commit appends the changed pages and the header to the WAL and syncs it.
//! When the WAL grows past a threshold (and when the database is closed) a
//! checkpoint copies it into the file. The header (page 0) is kept decoded in
//! memory and written as a page at each commit; it carries the page count and
//! the head of the free list, a linked list threaded through free pages.

use std::cell::RefCell;
use std::sync::Arc;

use super::io::Storage;
use super::page::{Header, HeaderError, PAGE_SIZE, Page, PageId, kind};
use super::pool::{BufferPool, PageMap};
use super::wal::{Wal, WalOpenError};
use crate::error::{Error, Result};

/// Checkpoint once the log holds this many frames (16 MiB).
pub const CHECKPOINT_FRAMES: u64 = 4096;
pub const DEFAULT_POOL_PAGES: usize = 4096;

/// Why the pager could not open the files (mapped to `OpenError` with a path).
#[derive(Debug)]
pub enum PagerOpenError {
    Io(std::io::Error),
    NotADatabase,
    Version(u32),
    Corrupt(String),
    Wal(String),
}

impl From<std::io::Error> for PagerOpenError {
    fn from(e: std::io::Error) -> Self {
        PagerOpenError::Io(e)
    }
}

/// Live storage figures, for `Database::stats` and the DB pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PagerStats {
    pub page_size: usize,
    pub pages: u32,
    pub free_pages: u32,
    pub pool_capacity: usize,
    pub pool_used: usize,
    pub pool_hits: u64,
    pub pool_misses: u64,
    pub pool_evictions: u64,
    pub wal_frames: u64,
    pub wal_bytes: u64,
    pub dirty_pages: usize,
    pub commits: u64,
}

struct Savepoint {
    header: Header,
    before: PageMap<Option<Arc<Page>>>,
}

struct Inner {
    file: Box<dyn Storage>,
    wal: Wal,
    pool: BufferPool,
    header: Header,
    committed: Header,
    dirty: PageMap<Arc<Page>>,
    savepoint: Option<Savepoint>,
    in_tx: bool,
    is_new: bool,
    checkpoint_frames: u64,
}

pub struct Pager {
    inner: RefCell<Inner>,
}

fn corrupt(msg: String) -> Error {
    Error::Corrupt(msg)
}

impl Pager {
    /// Opens (or, for an empty file, starts) a database, recovering the WAL.
    pub fn open(
        mut file: Box<dyn Storage>,
        wal: Box<dyn Storage>,
        pool_pages: usize,
    ) -> std::result::Result<Pager, PagerOpenError> {
        let len = file.len()?;
        if len > 0 {
            let mut magic = [0u8; 8];
            let n = len.min(8) as usize;
            file.read_at(0, &mut magic[..n])?;
            if &magic != super::page::MAGIC {
                return Err(PagerOpenError::NotADatabase);
            }
        }
        let mut wal = Wal::open(wal).map_err(|e| match e {
            WalOpenError::Io(e) => PagerOpenError::Io(e),
            WalOpenError::Damaged(m) => PagerOpenError::Wal(m),
        })?;
        // The newest committed header is in the WAL if a checkpoint did not
        // finish (the file's copy may even be torn); otherwise in the file.
        let header_page = match wal.read(0)? {
            Some(p) => Some(p),
            None if len >= PAGE_SIZE as u64 => {
                let mut p = Page::zeroed();
                file.read_at(0, &mut p.0[..])?;
                Some(p)
            }
            None if len > 0 => {
                return Err(PagerOpenError::Corrupt(format!(
                    "the file is {len} bytes, shorter than its header page"
                )));
            }
            None => None,
        };
        let (header, is_new) = match header_page {
            Some(p) => match Header::decode(&p) {
                Ok(h) => (h, false),
                Err(HeaderError::Magic) => return Err(PagerOpenError::NotADatabase),
                Err(HeaderError::Version(v)) => return Err(PagerOpenError::Version(v)),
                Err(HeaderError::Damaged(m)) => return Err(PagerOpenError::Corrupt(m)),
            },
            None => {
                let mut h = Header::new();
                h.page_count = 1;
                (h, true)
            }
        };
        let pager = Pager {
            inner: RefCell::new(Inner {
                file,
                wal,
                pool: BufferPool::new(pool_pages),
                header,
                committed: header,
                dirty: PageMap::default(),
                savepoint: None,
                in_tx: false,
                is_new,
                checkpoint_frames: CHECKPOINT_FRAMES,
            }),
        };
        if !pager.inner.borrow().wal.is_empty() {
            pager.checkpoint().map_err(|e| match e {
                Error::Io(e) => PagerOpenError::Io(e),
                other => PagerOpenError::Corrupt(other.to_string()),
            })?;
        }
        Ok(pager)
    }

    /// Checkpoint whenever the log holds at least this many frames.
    pub fn set_checkpoint_frames(&self, frames: u64) {
        self.inner.borrow_mut().checkpoint_frames = frames.max(1);
    }

    /// True when the file was empty: the caller must create the schema root.
    pub fn is_new(&self) -> bool {
        self.inner.borrow().is_new
    }

    pub fn header(&self) -> Header {
        self.inner.borrow().header
    }

    pub fn in_transaction(&self) -> bool {
        self.inner.borrow().in_tx
    }

    /// A page, from wherever its newest version is.
    pub fn read(&self, id: PageId) -> Result<Arc<Page>> {
        let mut g = self.inner.borrow_mut();
        if id == 0 || id >= g.header.page_count {
            return Err(corrupt(format!(
                "page {id} is outside the file ({} pages)",
                g.header.page_count
            )));
        }
        if !g.dirty.is_empty()
            && let Some(p) = g.dirty.get(&id)
        {
            let p = p.clone();
            g.pool.hits += 1;
            return Ok(p);
        }
        if let Some(p) = g.pool.get(id) {
            return Ok(p);
        }
        let page = match g.wal.read(id)? {
            Some(p) => p,
            None => {
                let mut p = Page::zeroed();
                g.file
                    .read_at(u64::from(id) * PAGE_SIZE as u64, &mut p.0[..])
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::UnexpectedEof => {
                            corrupt(format!("page {id} is past the end of the file"))
                        }
                        _ => Error::Io(e),
                    })?;
                p
            }
        };
        if !page.verify() {
            return Err(corrupt(format!("page {id} fails its checksum")));
        }
        let page = Arc::new(page);
        g.pool.insert(id, page.clone());
        Ok(page)
    }

    /// Replaces a page within the open transaction.
    pub fn write(&self, id: PageId, page: Page) -> Result<()> {
        let mut g = self.inner.borrow_mut();
        let g = &mut *g;
        if !g.in_tx {
            return Err(Error::Transaction(
                "internal: write outside a transaction".into(),
            ));
        }
        if id == 0 || id >= g.header.page_count {
            return Err(corrupt(format!("write to page {id}, outside the file")));
        }
        if let Some(sp) = g.savepoint.as_mut() {
            sp.before
                .entry(id)
                .or_insert_with(|| g.dirty.get(&id).cloned());
        }
        g.dirty.insert(id, Arc::new(page));
        Ok(())
    }

    /// Changes a page in place within the open transaction. The first change
    /// to a page copies it (the committed copy stays in the pool); later
    /// changes in the same statement write straight into that copy.
    pub fn modify<R>(&self, id: PageId, f: impl FnOnce(&mut Page) -> R) -> Result<R> {
        let dirty = {
            let g = self.inner.borrow();
            if !g.in_tx {
                return Err(Error::Transaction(
                    "internal: write outside a transaction".into(),
                ));
            }
            if id == 0 || id >= g.header.page_count {
                return Err(corrupt(format!("write to page {id}, outside the file")));
            }
            g.dirty.contains_key(&id)
        };
        let current = if dirty { None } else { Some(self.read(id)?) };
        let mut g = self.inner.borrow_mut();
        let g = &mut *g;
        if let Some(sp) = g.savepoint.as_mut() {
            sp.before
                .entry(id)
                .or_insert_with(|| g.dirty.get(&id).cloned());
        }
        if let Some(page) = current {
            // Take the page out of the pool so the transaction's copy is the
            // only one and can be changed without cloning; a rollback reads
            // the committed version back from the log or the file.
            g.pool.remove(id);
            g.dirty.insert(id, page);
        }
        let slot = g
            .dirty
            .get_mut(&id)
            .ok_or_else(|| corrupt(format!("page {id} vanished from the transaction")))?;
        Ok(f(Arc::make_mut(slot)))
    }

    /// A page for new content: the head of the free list, or a new one at the
    /// end of the file. The caller must write it before commit.
    pub fn allocate(&self) -> Result<PageId> {
        let head = self.inner.borrow().header.free_head;
        if head != 0 {
            let page = self.read(head)?;
            if page.0[0] != kind::FREE {
                return Err(corrupt(format!(
                    "page {head} is on the free list but is not a free page"
                )));
            }
            let next = page.u32_at(4);
            let mut g = self.inner.borrow_mut();
            if next >= g.header.page_count {
                return Err(corrupt(format!("free page {head} links to page {next}")));
            }
            g.header.free_head = next;
            g.header.free_count = g.header.free_count.saturating_sub(1);
            return Ok(head);
        }
        let mut g = self.inner.borrow_mut();
        if !g.in_tx {
            return Err(Error::Transaction(
                "internal: allocate outside a transaction".into(),
            ));
        }
        let id = g.header.page_count;
        g.header.page_count = id
            .checked_add(1)
            .ok_or_else(|| Error::TooLarge("the database is full (2^32 pages)".into()))?;
        Ok(id)
    }

    /// Puts a page on the free list.
    pub fn free(&self, id: PageId) -> Result<()> {
        let head = self.inner.borrow().header.free_head;
        let mut page = Page::zeroed();
        page.0[0] = kind::FREE;
        page.put_u32(4, head);
        self.write(id, page)?;
        let mut g = self.inner.borrow_mut();
        g.header.free_head = id;
        g.header.free_count += 1;
        Ok(())
    }

    pub fn begin(&self) -> Result<()> {
        let mut g = self.inner.borrow_mut();
        if g.in_tx {
            return Err(Error::Transaction("a transaction is already open".into()));
        }
        g.in_tx = true;
        Ok(())
    }

    /// Makes the open transaction durable: WAL append + sync.
    pub fn commit(&self) -> Result<()> {
        let needs_checkpoint = {
            let mut g = self.inner.borrow_mut();
            let g = &mut *g;
            if !g.in_tx {
                return Err(Error::Transaction("no transaction is open".into()));
            }
            g.savepoint = None;
            if g.dirty.is_empty() && g.header == g.committed {
                g.in_tx = false;
                return Ok(());
            }
            let mut header = g.header;
            header.commit_counter += 1;
            let mut head_page = Page::zeroed();
            header.encode(&mut head_page);
            let mut pages: Vec<(PageId, Page)> = Vec::with_capacity(g.dirty.len() + 1);
            for (id, p) in g.dirty.drain() {
                pages.push((id, Arc::unwrap_or_clone(p)));
            }
            pages.push((0, head_page));
            pages.sort_unstable_by_key(|(id, _)| *id);
            for (_, p) in pages.iter_mut() {
                p.seal();
            }
            let refs: Vec<(PageId, &Page)> = pages.iter().map(|(id, p)| (*id, p)).collect();
            if let Err(e) = g.wal.append_commit(&refs, header.page_count) {
                g.header = g.committed;
                g.in_tx = false;
                return Err(e.into());
            }
            for (id, p) in pages {
                if id != 0 {
                    g.pool.insert(id, Arc::new(p));
                }
            }
            g.header = header;
            g.committed = header;
            g.in_tx = false;
            g.is_new = false;
            g.wal.frame_count() >= g.checkpoint_frames
        };
        if needs_checkpoint {
            self.checkpoint()?;
        }
        Ok(())
    }

    /// Forgets every change of the open transaction.
    pub fn rollback(&self) {
        let mut g = self.inner.borrow_mut();
        g.dirty.clear();
        g.savepoint = None;
        g.header = g.committed;
        g.in_tx = false;
    }

    /// Starts a statement's savepoint inside the open transaction.
    pub fn begin_statement(&self) {
        let mut g = self.inner.borrow_mut();
        let header = g.header;
        g.savepoint = Some(Savepoint {
            header,
            before: PageMap::default(),
        });
    }

    pub fn release_statement(&self) {
        self.inner.borrow_mut().savepoint = None;
    }

    /// Undoes the pages the current statement changed.
    pub fn rollback_statement(&self) {
        let mut g = self.inner.borrow_mut();
        if let Some(sp) = g.savepoint.take() {
            for (id, before) in sp.before {
                match before {
                    Some(p) => {
                        g.dirty.insert(id, p);
                    }
                    None => {
                        g.dirty.remove(&id);
                    }
                }
            }
            g.header = sp.header;
        }
    }

    /// Copies the WAL's committed pages into the file, syncs, empties the WAL.
    pub fn checkpoint(&self) -> Result<()> {
        let mut g = self.inner.borrow_mut();
        let g = &mut *g;
        if g.wal.is_empty() {
            return Ok(());
        }
        for id in g.wal.pages() {
            let page = match g.wal.read(id)? {
                Some(p) => p,
                None => continue,
            };
            if !page.verify() {
                return Err(corrupt(format!(
                    "the log's copy of page {id} fails its checksum"
                )));
            }
            g.file
                .write_at(u64::from(id) * PAGE_SIZE as u64, &page.0[..])?;
        }
        g.file.sync()?;
        g.wal.reset()?;
        Ok(())
    }

    pub fn stats(&self) -> PagerStats {
        let g = self.inner.borrow();
        PagerStats {
            page_size: PAGE_SIZE,
            pages: g.header.page_count,
            free_pages: g.header.free_count,
            pool_capacity: g.pool.capacity(),
            pool_used: g.pool.len(),
            pool_hits: g.pool.hits,
            pool_misses: g.pool.misses,
            pool_evictions: g.pool.evictions,
            wal_frames: g.wal.frame_count(),
            wal_bytes: g.wal.byte_len(),
            dirty_pages: g.dirty.len(),
            commits: g.committed.commit_counter,
        }
    }

    /// Empties the buffer pool (tests use it to force reads from disk).
    pub fn clear_pool(&self) {
        self.inner.borrow_mut().pool.clear();
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        // An open transaction is abandoned (nothing of it reached disk); the
        // committed log is folded into the file so the next open is quick.
        // Errors are ignored: recovery on the next open redoes the work.
        self.rollback();
        let _ = self.checkpoint();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::io::MemStorage;

    fn open(file: &MemStorage, wal: &MemStorage) -> Pager {
        Pager::open(Box::new(file.clone()), Box::new(wal.clone()), 16)
            .unwrap_or_else(|_| panic!("open failed"))
    }

    fn page_with(b: u8) -> Page {
        let mut p = Page::zeroed();
        p.0[0] = kind::LEAF;
        p.0[100] = b;
        p
    }

    #[test]
    fn committed_pages_survive_reopen_and_rolled_back_ones_do_not() {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        {
            let pager = open(&file, &wal);
            assert!(pager.is_new());
            pager.begin().unwrap();
            let a = pager.allocate().unwrap();
            pager.write(a, page_with(7)).unwrap();
            pager.commit().unwrap();
            pager.begin().unwrap();
            pager.write(a, page_with(8)).unwrap();
            let b = pager.allocate().unwrap();
            pager.write(b, page_with(9)).unwrap();
            pager.rollback();
            assert_eq!(pager.read(a).unwrap().0[100], 7);
            assert_eq!(pager.header().page_count, 2);
        }
        let pager = open(&file, &wal);
        assert!(!pager.is_new());
        pager.clear_pool();
        assert_eq!(pager.read(1).unwrap().0[100], 7);
        assert!(pager.read(2).is_err());
    }

    #[test]
    fn a_crash_before_checkpoint_is_recovered_from_the_wal() {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        let pager = open(&file, &wal);
        pager.begin().unwrap();
        for i in 0..5u8 {
            let id = pager.allocate().unwrap();
            pager.write(id, page_with(i)).unwrap();
        }
        pager.commit().unwrap();
        // A second transaction writes its frames but "crashes" before the
        // commit frame: cut the log in the middle of it.
        let committed_len = wal.snapshot().len();
        pager.begin().unwrap();
        pager.write(1, page_with(99)).unwrap();
        pager.commit().unwrap();
        let mut bytes = wal.snapshot();
        bytes.truncate(committed_len + 100);
        std::mem::forget(pager); // no checkpoint on drop: a crash
        wal.replace(bytes);
        assert!(file.snapshot().is_empty());
        let pager = open(&file, &wal);
        for i in 0..5u8 {
            assert_eq!(pager.read(u32::from(i) + 1).unwrap().0[100], i);
        }
        assert_eq!(wal.snapshot().len() as u64, super::super::wal::WAL_HEADER);
    }

    #[test]
    fn free_pages_are_reused_and_counted() {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        let pager = open(&file, &wal);
        pager.begin().unwrap();
        let ids: Vec<_> = (0..4).map(|_| pager.allocate().unwrap()).collect();
        for &id in &ids {
            pager.write(id, page_with(1)).unwrap();
        }
        pager.free(ids[1]).unwrap();
        pager.free(ids[2]).unwrap();
        pager.commit().unwrap();
        assert_eq!(pager.stats().free_pages, 2);
        pager.begin().unwrap();
        assert_eq!(pager.allocate().unwrap(), ids[2]);
        assert_eq!(pager.allocate().unwrap(), ids[1]);
        assert_eq!(pager.allocate().unwrap(), 5);
        pager.rollback();
        assert_eq!(pager.stats().free_pages, 2);
    }

    #[test]
    fn a_damaged_page_is_reported_not_returned() {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        {
            let pager = open(&file, &wal);
            pager.begin().unwrap();
            let id = pager.allocate().unwrap();
            pager.write(id, page_with(3)).unwrap();
            pager.commit().unwrap();
        }
        let mut bytes = file.snapshot();
        bytes[PAGE_SIZE + 100] ^= 0xFF;
        file.replace(bytes.clone());
        let pager = open(&file, &wal);
        let err = pager
            .read(1)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("page 1 fails its checksum"), "{err}");
        drop(pager);
        assert_eq!(
            file.snapshot(),
            bytes,
            "a damaged file must not be rewritten"
        );
    }

    #[test]
    fn statement_savepoint_undoes_only_the_statement() {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        let pager = open(&file, &wal);
        pager.begin().unwrap();
        let a = pager.allocate().unwrap();
        pager.write(a, page_with(1)).unwrap();
        pager.begin_statement();
        pager.write(a, page_with(2)).unwrap();
        let b = pager.allocate().unwrap();
        pager.write(b, page_with(3)).unwrap();
        pager.rollback_statement();
        assert_eq!(pager.read(a).unwrap().0[100], 1);
        assert_eq!(pager.header().page_count, 2);
        pager.commit().unwrap();
    }

    #[test]
    fn pool_stays_within_its_bound() {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        let pager = open(&file, &wal);
        pager.begin().unwrap();
        for i in 0..100u8 {
            let id = pager.allocate().unwrap();
            pager.write(id, page_with(i)).unwrap();
        }
        pager.commit().unwrap();
        for id in 1..=100u32 {
            assert_eq!(pager.read(id).unwrap().0[100], (id - 1) as u8);
        }
        let s = pager.stats();
        assert!(s.pool_used <= s.pool_capacity);
        assert!(s.pool_misses > 0);
    }
}
