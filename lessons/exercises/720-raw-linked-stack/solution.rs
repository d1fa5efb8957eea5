use std::ptr::NonNull;

struct Node<T> {
    value: T,
    next: Option<NonNull<Node<T>>>,
}

/// Invariant: every pointer reachable from `head` came from `Box::into_raw`,
/// is owned by this stack alone, and `len` counts them.
pub struct Stack<T> {
    head: Option<NonNull<Node<T>>>,
    len: usize,
}

impl<T> Stack<T> {
    pub fn new() -> Self {
        Stack { head: None, len: 0 }
    }

    pub fn push(&mut self, value: T) {
        let node = Box::new(Node { value, next: self.head });
        self.head = Some(NonNull::from(Box::leak(node)));
        self.len += 1;
    }

    pub fn pop(&mut self) -> Option<T> {
        let ptr = self.head?;
        // SAFETY: ptr came from Box::leak in push and is owned by the stack;
        // we unlink it right away, so it is turned back into a Box once.
        let node = unsafe { Box::from_raw(ptr.as_ptr()) };
        self.head = node.next;
        self.len -= 1;
        Some(node.value)
    }

    pub fn peek(&self) -> Option<&T> {
        // SAFETY: head points to a live node owned by the stack; the & borrows
        // self, so the node cannot be popped (freed) while the reference lives.
        self.head.map(|p| unsafe { &(*p.as_ptr()).value })
    }

    pub fn peek_mut(&mut self) -> Option<&mut T> {
        // SAFETY: as in peek; &mut self guarantees no other reference exists.
        self.head.map(|p| unsafe { &mut (*p.as_ptr()).value })
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
        let mut out = Vec::with_capacity(self.len);
        let mut cur = self.head;
        while let Some(p) = cur {
            // SAFETY: every linked node is live while &self is held.
            let node = unsafe { p.as_ref() };
            out.push(node.value.clone());
            cur = node.next;
        }
        out
    }
}

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Drop for Stack<T> {
    fn drop(&mut self) {
        while self.pop().is_some() {}
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
