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
        todo!()
    }

    fn to_vec(&self) -> Vec<T> {
        todo!()
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
