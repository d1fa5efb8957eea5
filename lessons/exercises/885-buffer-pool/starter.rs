use std::collections::HashMap;

pub const PAGE: usize = 64;

pub trait Disk {
    fn read(&mut self, page: u64) -> Vec<u8>;
    fn write(&mut self, page: u64, data: &[u8]);
}

#[derive(Default)]
pub struct MemDisk {
    pub pages: HashMap<u64, Vec<u8>>,
    pub reads: usize,
    pub writes: usize,
}

impl Disk for MemDisk {
    fn read(&mut self, page: u64) -> Vec<u8> {
        self.reads += 1;
        self.pages.get(&page).cloned().unwrap_or_else(|| vec![0; PAGE])
    }
    fn write(&mut self, page: u64, data: &[u8]) {
        self.writes += 1;
        self.pages.insert(page, data.to_vec());
    }
}

#[derive(Debug, PartialEq)]
pub enum PoolError {
    AllPinned,
    NotPinned,
}

struct Frame {
    page: u64,
    data: Vec<u8>,
    pins: u32,
    dirty: bool,
    last_used: u64,
}

pub struct BufferPool<D: Disk> {
    pub disk: D,
    frames: Vec<Frame>,
    cap: usize,
    tick: u64,
}

impl<D: Disk> BufferPool<D> {
    pub fn new(disk: D, cap: usize) -> Self {
        BufferPool { disk, frames: Vec::new(), cap: cap.max(1), tick: 0 }
    }

    pub fn pin(&mut self, page: u64) -> Result<(), PoolError> {
        let _ = (self.cap, self.tick, self.frames.len());
        todo!("pin {page}")
    }

    pub fn unpin(&mut self, page: u64) -> Result<(), PoolError> {
        todo!("unpin {page}")
    }

    pub fn read(&self, page: u64) -> Option<&[u8]> {
        let _ = self.frames.iter().map(|f| (f.page, f.data.len(), f.pins, f.dirty, f.last_used));
        todo!("read {page}")
    }

    pub fn write(&mut self, page: u64, offset: usize, bytes: &[u8]) -> Result<(), PoolError> {
        todo!("write {} bytes at {offset} of {page}", bytes.len())
    }

    pub fn flush_all(&mut self) {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(cap: usize) -> BufferPool<MemDisk> {
        BufferPool::new(MemDisk::default(), cap)
    }

    #[test]
    fn resident_pages_cost_no_reads() {
        let mut p = pool(2);
        p.pin(1).unwrap();
        p.pin(1).unwrap();
        assert_eq!(p.disk.reads, 1);
        assert_eq!(p.read(1), Some(&[0u8; PAGE][..]));
        assert_eq!(p.read(2), None);
        assert_eq!(p.unpin(1), Ok(()));
        assert_eq!(p.unpin(1), Ok(()));
        assert_eq!(p.unpin(1), Err(PoolError::NotPinned), "pins nest, and no further");
        assert_eq!(p.unpin(7), Err(PoolError::NotPinned));
    }

    #[test]
    fn evicts_the_least_recently_used_unpinned_page() {
        let mut p = pool(2);
        for page in [1, 2] {
            p.pin(page).unwrap();
            p.unpin(page).unwrap();
        }
        p.pin(1).unwrap(); // 1 is now more recent than 2
        p.unpin(1).unwrap();
        p.pin(3).unwrap();
        assert!(p.read(2).is_none(), "2 was evicted");
        assert!(p.read(1).is_some());
        assert_eq!(p.disk.reads, 3);
        assert_eq!(p.disk.writes, 0, "clean pages are not written back");
    }

    #[test]
    fn dirty_pages_are_written_back_before_reuse() {
        let mut p = pool(1);
        p.pin(10).unwrap();
        p.write(10, 4, b"data").unwrap();
        p.unpin(10).unwrap();
        assert_eq!(p.write(10, 0, b"x"), Err(PoolError::NotPinned));
        p.pin(11).unwrap();
        assert_eq!(p.disk.writes, 1);
        assert_eq!(&p.disk.pages[&10][4..8], b"data");
        p.unpin(11).unwrap();
        p.pin(10).unwrap();
        assert_eq!(&p.read(10).unwrap()[4..8], b"data", "read back from disk");
        assert_eq!(p.disk.writes, 1, "page 11 was clean");
    }

    #[test]
    fn pinned_pages_are_never_evicted() {
        let mut p = pool(2);
        p.pin(1).unwrap();
        p.pin(2).unwrap();
        assert_eq!(p.pin(3), Err(PoolError::AllPinned));
        assert!(p.read(1).is_some() && p.read(2).is_some());
        p.unpin(2).unwrap();
        assert_eq!(p.pin(3), Ok(()));
        assert!(p.read(2).is_none());
    }

    #[test]
    fn flush_all_writes_each_dirty_page_once() {
        let mut p = pool(3);
        for page in 0..3 {
            p.pin(page).unwrap();
        }
        p.write(0, 0, b"a").unwrap();
        p.write(2, 0, b"c").unwrap();
        p.flush_all();
        p.flush_all();
        assert_eq!(p.disk.writes, 2);
        assert_eq!(p.disk.pages[&2][0], b'c');
    }
}
