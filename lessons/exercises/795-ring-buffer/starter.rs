pub struct ByteRing {
    buf: Box<[u8]>,
    head: usize,
    len: usize,
}

impl ByteRing {
    pub fn new(capacity: usize) -> Self {
        ByteRing { buf: vec![0; capacity].into_boxed_slice(), head: 0, len: 0 }
    }

    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn free(&self) -> usize {
        self.capacity() - self.len
    }

    pub fn write(&mut self, data: &[u8]) -> usize {
        todo!("write {} bytes at head {}", data.len(), self.head)
    }

    pub fn read(&mut self, out: &mut [u8]) -> usize {
        todo!("read up to {} bytes", out.len())
    }

    pub fn peek_contiguous(&self) -> &[u8] {
        todo!()
    }

    pub fn consume(&mut self, n: usize) {
        todo!("drop {n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn short_writes_and_reads() {
        let mut r = ByteRing::new(5);
        assert_eq!(r.write(b"abc"), 3);
        assert_eq!(r.write(b"defg"), 2, "only 2 bytes free");
        assert_eq!(r.free(), 0);
        let mut out = [0u8; 4];
        assert_eq!(r.read(&mut out), 4);
        assert_eq!(&out, b"abcd");
        assert_eq!(r.len(), 1);
        assert_eq!(r.write(b"xyz!"), 4);
        let mut all = [0u8; 10];
        assert_eq!(r.read(&mut all), 5);
        assert_eq!(&all[..5], b"exyz!");
        assert!(r.is_empty());
        assert_eq!(r.read(&mut all), 0);
    }

    #[test]
    fn peek_and_consume_across_the_wrap() {
        let mut r = ByteRing::new(4);
        r.write(b"abc");
        r.consume(2);
        r.write(b"def"); // storage: e f c d, head at 2
        assert_eq!(r.peek_contiguous(), b"cd");
        r.consume(2);
        assert_eq!(r.peek_contiguous(), b"ef");
        r.consume(10);
        assert!(r.is_empty());
        assert_eq!(r.peek_contiguous(), b"");
    }

    #[test]
    fn zero_capacity() {
        let mut r = ByteRing::new(0);
        assert_eq!(r.write(b"x"), 0);
        assert_eq!(r.read(&mut [0; 3]), 0);
        assert_eq!(r.peek_contiguous(), b"");
        r.consume(1);
    }

    #[test]
    fn matches_a_vecdeque_model() {
        let mut r = ByteRing::new(7);
        let mut model: VecDeque<u8> = VecDeque::new();
        let mut next = 0u8;
        for step in 0..2_000usize {
            let n = (step * 31) % 6;
            if step % 2 == 0 {
                let data: Vec<u8> = (0..n).map(|_| { next = next.wrapping_add(1); next }).collect();
                let taken = r.write(&data);
                assert_eq!(taken, n.min(7 - model.len()));
                model.extend(&data[..taken]);
            } else {
                let mut out = vec![0u8; n];
                let got = r.read(&mut out);
                let expected: Vec<u8> = model.drain(..got.min(model.len())).collect();
                assert_eq!(got, expected.len());
                assert_eq!(&out[..got], &expected[..]);
            }
            assert_eq!(r.len(), model.len());
        }
    }
}
