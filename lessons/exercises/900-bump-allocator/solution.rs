pub struct Bump<'a> {
    rest: &'a mut [u8],
    used: usize,
}

impl<'a> Bump<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        Bump { rest: buf, used: 0 }
    }

    pub fn alloc(&mut self, size: usize, align: usize) -> Option<&'a mut [u8]> {
        if !align.is_power_of_two() {
            return None;
        }
        let addr = self.rest.as_ptr() as usize;
        let pad = addr.checked_next_multiple_of(align)? - addr;
        if pad.checked_add(size)? > self.rest.len() {
            return None;
        }
        let rest = std::mem::take(&mut self.rest);
        let (_, rest) = rest.split_at_mut(pad);
        let (block, rest) = rest.split_at_mut(size);
        self.rest = rest;
        self.used += pad + size;
        Some(block)
    }

    pub fn alloc_copy(&mut self, bytes: &[u8]) -> Option<&'a mut [u8]> {
        let block = self.alloc(bytes.len(), 1)?;
        block.copy_from_slice(bytes);
        Some(block)
    }

    pub fn used(&self) -> usize {
        self.used
    }

    pub fn remaining(&self) -> usize {
        self.rest.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(align(64))]
    struct Arena([u8; 256]);

    #[test]
    fn blocks_are_aligned_and_padding_is_counted() {
        let mut arena = Arena([0; 256]);
        let mut b = Bump::new(&mut arena.0);
        let one = b.alloc(1, 1).unwrap();
        assert_eq!(one.len(), 1);
        let eight = b.alloc(8, 8).unwrap();
        assert_eq!(eight.as_ptr() as usize % 8, 0);
        assert_eq!(b.used(), 16, "1 byte, 7 bytes of padding, 8 bytes");
        let big = b.alloc(10, 32).unwrap();
        assert_eq!(big.as_ptr() as usize % 32, 0);
        assert_eq!(b.used(), 42);
        assert_eq!(b.remaining(), 256 - 42);
    }

    #[test]
    fn blocks_do_not_overlap_and_outlive_the_borrow() {
        let mut arena = Arena([0; 256]);
        let mut b = Bump::new(&mut arena.0);
        let x = b.alloc_copy(b"hello").unwrap();
        let y = b.alloc_copy(b"world").unwrap();
        let z = b.alloc(4, 4).unwrap();
        z.fill(0xEE);
        x[0] = b'J';
        assert_eq!(&x[..], b"Jello");
        assert_eq!(&y[..], b"world");
        assert_eq!(z, &[0xEE; 4]);
    }

    #[test]
    fn exhaustion_and_bad_alignment() {
        let mut arena = Arena([0; 256]);
        let mut b = Bump::new(&mut arena.0[..32]);
        assert!(b.alloc(8, 3).is_none(), "3 is not a power of two");
        assert!(b.alloc(8, 0).is_none());
        assert!(b.alloc(33, 1).is_none());
        assert!(b.alloc(usize::MAX, 1).is_none());
        assert_eq!(b.alloc(0, 1).map(|s| s.len()), Some(0));
        assert!(b.alloc(30, 1).is_some());
        assert!(b.alloc(4, 4).is_none(), "2 bytes left, 2 of them padding would be needed");
        assert!(b.alloc(2, 1).is_some());
        assert_eq!(b.remaining(), 0);
        assert!(b.alloc(1, 1).is_none());
        assert_eq!(b.alloc(0, 1).map(|s| s.len()), Some(0), "empty blocks always fit");
    }
}
