use std::mem::MaybeUninit;

pub struct ArrayVec<T, const N: usize> {
    buf: [MaybeUninit<T>; N],
    len: usize,
}

impl<T, const N: usize> ArrayVec<T, N> {
    pub const fn new() -> Self {
        ArrayVec { buf: [const { MaybeUninit::uninit() }; N], len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn capacity(&self) -> usize {
        N
    }

    pub fn push(&mut self, v: T) -> Result<(), T> {
        Err(v)
    }

    pub fn pop(&mut self) -> Option<T> {
        todo!("{} in {}", self.len, self.buf.len())
    }

    pub fn as_slice(&self) -> &[T] {
        todo!()
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        todo!()
    }
}

impl<T, const N: usize> Default for ArrayVec<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn push_pop_and_capacity() {
        let mut v: ArrayVec<String, 3> = ArrayVec::new();
        assert!(v.is_empty());
        assert_eq!(v.capacity(), 3);
        for s in ["a", "b", "c"] {
            v.push(s.to_string()).unwrap();
        }
        assert_eq!(v.push("d".to_string()), Err("d".to_string()));
        assert_eq!(v.as_slice(), ["a", "b", "c"]);
        v.as_mut_slice()[1].push('!');
        assert_eq!(v.pop().as_deref(), Some("c"));
        assert_eq!(v.as_slice(), ["a", "b!"]);
        assert_eq!(v.len(), 2);
        assert_eq!(v.pop().as_deref(), Some("b!"));
        assert_eq!(v.pop().as_deref(), Some("a"));
        assert_eq!(v.pop(), None);
        assert!(v.as_slice().is_empty());
    }

    #[test]
    fn drops_exactly_the_live_elements() {
        let token = Rc::new(());
        {
            let mut v: ArrayVec<Rc<()>, 4> = ArrayVec::default();
            for _ in 0..3 {
                v.push(Rc::clone(&token)).unwrap();
            }
            assert_eq!(Rc::strong_count(&token), 4);
            drop(v.pop());
            assert_eq!(Rc::strong_count(&token), 3);
        }
        assert_eq!(Rc::strong_count(&token), 1, "the two left were dropped, nothing twice");
    }

    #[test]
    fn rejected_push_does_not_leak() {
        let token = Rc::new(());
        let mut v: ArrayVec<Rc<()>, 1> = ArrayVec::new();
        v.push(Rc::clone(&token)).unwrap();
        let back = v.push(Rc::clone(&token)).unwrap_err();
        drop(back);
        drop(v);
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn zero_capacity() {
        let mut v: ArrayVec<u8, 0> = ArrayVec::new();
        assert_eq!(v.push(1), Err(1));
        assert_eq!(v.pop(), None);
    }
}
