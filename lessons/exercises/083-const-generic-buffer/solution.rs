struct Ring<T, const N: usize> {
    slots: [Option<T>; N],
    start: usize,
    len: usize,
}

impl<T: Clone, const N: usize> Ring<T, N> {
    fn new() -> Self {
        Ring { slots: std::array::from_fn(|_| None), start: 0, len: 0 }
    }

    fn push(&mut self, value: T) {
        if N == 0 {
            return;
        }
        let slot = (self.start + self.len) % N;
        self.slots[slot] = Some(value);
        if self.len == N {
            self.start = (self.start + 1) % N;
        } else {
            self.len += 1;
        }
    }

    fn to_vec(&self) -> Vec<T> {
        (0..self.len)
            .filter_map(|i| self.slots[(self.start + i) % N].clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_three() {
        let mut r: Ring<u32, 3> = Ring::new();
        assert!(r.to_vec().is_empty());
        r.push(1);
        r.push(2);
        assert_eq!(r.to_vec(), [1, 2]);
        r.push(3);
        r.push(4);
        r.push(5);
        assert_eq!(r.to_vec(), [3, 4, 5]);
    }

    #[test]
    fn zero_capacity_keeps_nothing() {
        let mut r: Ring<&str, 0> = Ring::new();
        r.push("x");
        assert!(r.to_vec().is_empty());
    }
}
