//! The page format shared by every page in the file. A page is 4096 bytes;
//! its last 4 bytes hold a CRC32 of the first 4092, written when the page
//! goes to the WAL or the file and checked when it is read back. Page 0 is
//! the file header ([`Header`]); page 1 is the root of the schema B+tree.
//! See FORMAT.md for every byte.

use std::sync::Arc;

pub const PAGE_SIZE: usize = 4096;
/// Bytes a page's owner may use: everything but the trailing checksum.
pub const USABLE: usize = PAGE_SIZE - 4;
pub const MAGIC: &[u8; 8] = b"minidb\0\x01";
pub const FORMAT_VERSION: u32 = 1;
pub const SCHEMA_ROOT: PageId = 1;

pub type PageId = u32;

/// Page kinds, stored in byte 0 of every page but the header.
pub mod kind {
    pub const INTERIOR: u8 = 1;
    pub const LEAF: u8 = 2;
    pub const OVERFLOW: u8 = 3;
    pub const FREE: u8 = 4;
}

/// One page of bytes. Shared read-only as `Arc<Page>`; a writer copies it.
#[derive(Clone)]
pub struct Page(pub Box<[u8; PAGE_SIZE]>);

impl Page {
    pub fn zeroed() -> Self {
        Page(Box::new([0u8; PAGE_SIZE]))
    }
    pub fn bytes(&self) -> &[u8; PAGE_SIZE] {
        &self.0
    }
    pub fn bytes_mut(&mut self) -> &mut [u8; PAGE_SIZE] {
        &mut self.0
    }
    pub fn from_slice(bytes: &[u8]) -> Self {
        let mut p = Page::zeroed();
        p.0.copy_from_slice(bytes);
        p
    }
    pub fn into_shared(self) -> Arc<Page> {
        Arc::new(self)
    }
    pub fn checksum(&self) -> u32 {
        crc32fast::hash(&self.0[..USABLE])
    }
    pub fn seal(&mut self) {
        let sum = self.checksum();
        self.0[USABLE..].copy_from_slice(&sum.to_le_bytes());
    }
    pub fn verify(&self) -> bool {
        let stored = u32::from_le_bytes([
            self.0[USABLE],
            self.0[USABLE + 1],
            self.0[USABLE + 2],
            self.0[USABLE + 3],
        ]);
        stored == self.checksum()
    }
    pub fn u16_at(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.0[at], self.0[at + 1]])
    }
    pub fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes([self.0[at], self.0[at + 1], self.0[at + 2], self.0[at + 3]])
    }
    pub fn u64_at(&self, at: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[at..at + 8]);
        u64::from_le_bytes(b)
    }
    pub fn put_u16(&mut self, at: usize, v: u16) {
        self.0[at..at + 2].copy_from_slice(&v.to_le_bytes());
    }
    pub fn put_u32(&mut self, at: usize, v: u32) {
        self.0[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    pub fn put_u64(&mut self, at: usize, v: u64) {
        self.0[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
}

/// The decoded file header (page 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub page_count: u32,
    pub free_head: PageId,
    pub free_count: u32,
    pub schema_root: PageId,
    pub commit_counter: u64,
}

/// What is wrong with a header page.
#[derive(Debug, PartialEq, Eq)]
pub enum HeaderError {
    Magic,
    Version(u32),
    Damaged(String),
}

impl Header {
    pub fn new() -> Self {
        Header {
            page_count: 2,
            free_head: 0,
            free_count: 0,
            schema_root: SCHEMA_ROOT,
            commit_counter: 0,
        }
    }

    pub fn decode(page: &Page) -> Result<Header, HeaderError> {
        if &page.0[0..8] != MAGIC {
            return Err(HeaderError::Magic);
        }
        let version = page.u32_at(8);
        if version != FORMAT_VERSION {
            return Err(HeaderError::Version(version));
        }
        if !page.verify() {
            return Err(HeaderError::Damaged("header checksum mismatch".into()));
        }
        let page_size = page.u32_at(12);
        if page_size as usize != PAGE_SIZE {
            return Err(HeaderError::Damaged(format!(
                "page size {page_size} (expected {PAGE_SIZE})"
            )));
        }
        let h = Header {
            page_count: page.u32_at(16),
            free_head: page.u32_at(20),
            free_count: page.u32_at(24),
            schema_root: page.u32_at(28),
            commit_counter: page.u64_at(32),
        };
        if h.page_count < 2 || h.free_head >= h.page_count || h.free_count >= h.page_count {
            return Err(HeaderError::Damaged(format!(
                "inconsistent counts: {} pages, free list head {}, {} free",
                h.page_count, h.free_head, h.free_count
            )));
        }
        Ok(h)
    }

    pub fn encode(&self, page: &mut Page) {
        page.0[0..8].copy_from_slice(MAGIC);
        page.put_u32(8, FORMAT_VERSION);
        page.put_u32(12, PAGE_SIZE as u32);
        page.put_u32(16, self.page_count);
        page.put_u32(20, self.free_head);
        page.put_u32(24, self.free_count);
        page.put_u32(28, self.schema_root);
        page.put_u64(32, self.commit_counter);
    }
}

impl Default for Header {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_and_detects_damage() {
        let mut p = Page::zeroed();
        let h = Header {
            page_count: 9,
            free_head: 4,
            free_count: 2,
            schema_root: 1,
            commit_counter: 77,
        };
        h.encode(&mut p);
        p.seal();
        assert_eq!(Header::decode(&p), Ok(h));
        p.0[100] ^= 1;
        assert!(matches!(Header::decode(&p), Err(HeaderError::Damaged(_))));
        p.0[0] = b'X';
        assert_eq!(Header::decode(&p), Err(HeaderError::Magic));
    }

    #[test]
    fn checksum_covers_all_but_the_last_four_bytes() {
        let mut p = Page::zeroed();
        p.0[5] = 9;
        p.seal();
        assert!(p.verify());
        p.0[USABLE - 1] = 1;
        assert!(!p.verify());
    }
}
