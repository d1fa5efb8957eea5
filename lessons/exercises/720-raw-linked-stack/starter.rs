use std::ptr::NonNull;

struct Node<T> {
    value: T,
    next: Option<NonNull<Node<T>>>,
}

pub struct Stack<T> {
    head: Option<NonNull<Node<T>>>,
    len: usize,
}

impl<T> Stack<T> {
    pub fn new() -> Self {
        Stack { head: None, len: 0 }
    }

    pub fn push(&mut self, value: T) {
        let _ = Node { value, next: self.head };
        todo!()
    }

    pub fn pop(&mut self) -> Option<T> {
        todo!()
    }

    pub fn peek(&self) -> Option<&T> {
        todo!()
    }

    pub fn peek_mut(&mut self) -> Option<&mut T> {
        todo!()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        todo!()
    }
}

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn lifo_order() {
        let mut s = Stack::new();
        assert!(s.is_empty());
        assert_eq!(s.pop(), None);
        assert_eq!(s.peek(), None);
        s.push(1);
        s.push(2);
        s.push(3);
        assert_eq!(s.len(), 3);
        assert_eq!(s.peek(), Some(&3));
        assert_eq!(s.to_vec(), vec![3, 2, 1]);
        *s.peek_mut().unwrap() *= 10;
        assert_eq!(s.pop(), Some(30));
        assert_eq!(s.pop(), Some(2));
        s.push(9);
        assert_eq!(s.to_vec(), vec![9, 1]);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn drop_frees_every_value_once() {
        let token = Rc::new(());
        {
            let mut s = Stack::default();
            for _ in 0..10 {
                s.push(Rc::clone(&token));
            }
            drop(s.pop());
            assert_eq!(Rc::strong_count(&token), 10);
        }
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn dropping_a_long_stack_does_not_overflow() {
        let mut s = Stack::new();
        for i in 0..1_000_000u32 {
            s.push(i);
        }
        assert_eq!(s.peek(), Some(&999_999));
        drop(s);
    }
}
