pub struct Ring<T> {
    buf: Vec<T>,
    head: usize, // index of the oldest item once the ring is full
    cap: usize,
}

impl<T> Ring<T> {
    pub const DEFAULT_CAP: usize = 4;

    pub fn new(cap: usize) -> Self {
        Ring { buf: Vec::with_capacity(cap.max(1)), head: 0, cap: cap.max(1) }
    }

    pub fn push(&mut self, item: T) {
        if self.buf.len() < self.cap {
            self.buf.push(item);
        } else {
            self.buf[self.head] = item;
            self.head = (self.head + 1) % self.cap;
        }
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        // Wrong order once the ring has wrapped.
        self.buf.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_of(cap: usize, items: std::ops::Range<u32>) -> Ring<u32> {
        let mut r = Ring::new(cap);
        for i in items {
            r.push(i);
        }
        r
    }

    #[test]
    fn iter_is_oldest_first_after_wrapping() {
        let r = ring_of(3, 0..5);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(ring_of(3, 0..2).iter().copied().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(ring_of(3, 0..0).iter().count(), 0);
    }

    #[test]
    fn for_loops_by_reference_and_by_value() {
        let r = ring_of(4, 0..10);
        let mut seen = Vec::new();
        for x in &r {
            seen.push(*x);
        }
        assert_eq!(seen, vec![6, 7, 8, 9]);
        assert_eq!(r.len(), 4, "still usable after a borrowed loop");
        let owned: Vec<u32> = r.into_iter().collect();
        assert_eq!(owned, vec![6, 7, 8, 9]);
    }

    #[test]
    fn owned_items_move_out() {
        let mut r = Ring::new(2);
        for s in ["a", "b", "c"] {
            r.push(s.to_string());
        }
        let v: Vec<String> = r.into_iter().map(|s| s + "!").collect();
        assert_eq!(v, vec!["b!", "c!"]);
    }

    #[test]
    fn collect_into_a_ring() {
        let r: Ring<char> = "abcdefg".chars().collect();
        assert_eq!(r.iter().collect::<String>(), "defg");
        let small: Ring<i32> = vec![1, 2].into_iter().collect();
        assert_eq!(small.iter().sum::<i32>(), 3);
    }
}
