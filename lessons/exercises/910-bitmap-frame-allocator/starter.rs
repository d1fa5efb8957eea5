#[derive(Debug, PartialEq)]
pub enum FreeError {
    OutOfRange,
    DoubleFree,
}

pub struct FrameAllocator {
    bits: Vec<u64>,
    frames: usize,
}

impl FrameAllocator {
    pub fn new(frames: usize) -> Self {
        FrameAllocator { bits: vec![0; frames.div_ceil(64)], frames }
    }

    pub fn reserve(&mut self, start: usize, count: usize) {
        todo!("reserve {count} from {start} of {}", self.frames)
    }

    pub fn alloc(&mut self) -> Option<usize> {
        todo!("{} words", self.bits.len())
    }

    pub fn alloc_contiguous(&mut self, n: usize, align: usize) -> Option<usize> {
        todo!("{n} frames aligned to {align}")
    }

    pub fn free(&mut self, frame: usize) -> Result<(), FreeError> {
        todo!("free {frame}")
    }

    pub fn free_count(&self) -> usize {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_free_first_and_reuse_after_free() {
        let mut a = FrameAllocator::new(100);
        assert_eq!(a.free_count(), 100);
        assert_eq!(a.alloc(), Some(0));
        assert_eq!(a.alloc(), Some(1));
        assert_eq!(a.alloc(), Some(2));
        assert_eq!(a.free(1), Ok(()));
        assert_eq!(a.alloc(), Some(1));
        assert_eq!(a.free_count(), 97);
    }

    #[test]
    fn reserved_frames_and_word_boundaries() {
        let mut a = FrameAllocator::new(130);
        a.reserve(0, 64);
        a.reserve(64, 1);
        assert_eq!(a.alloc(), Some(65));
        a.reserve(66, 1000);
        assert_eq!(a.free_count(), 0);
        assert_eq!(a.alloc(), None, "frames 130..192 of the last word do not exist");
        assert_eq!(a.free(129), Ok(()));
        assert_eq!(a.alloc(), Some(129));
    }

    #[test]
    fn errors_instead_of_corruption() {
        let mut a = FrameAllocator::new(10);
        assert_eq!(a.free(3), Err(FreeError::DoubleFree));
        assert_eq!(a.free(10), Err(FreeError::OutOfRange));
        let f = a.alloc().unwrap();
        assert_eq!(a.free(f), Ok(()));
        assert_eq!(a.free(f), Err(FreeError::DoubleFree));
    }

    #[test]
    fn contiguous_and_aligned() {
        let mut a = FrameAllocator::new(64);
        a.reserve(0, 1);
        a.reserve(9, 1);
        assert_eq!(a.alloc_contiguous(4, 4), Some(4));
        assert_eq!(a.alloc_contiguous(4, 4), Some(12), "8..12 holds the reserved frame 9");
        assert_eq!(a.alloc_contiguous(16, 16), Some(16));
        assert_eq!(a.alloc_contiguous(64, 1), None);
        assert_eq!(a.alloc_contiguous(3, 3), None, "align must be a power of two");
        assert_eq!(a.alloc_contiguous(0, 1), None);
        assert_eq!(a.alloc(), Some(1));
        assert_eq!(a.free_count(), 64 - 2 - 4 - 4 - 16 - 1);
    }

    #[test]
    fn every_frame_once() {
        let mut a = FrameAllocator::new(1000);
        let mut got: Vec<usize> = std::iter::from_fn(|| a.alloc()).collect();
        assert_eq!(got.len(), 1000);
        got.dedup();
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
    }
}
