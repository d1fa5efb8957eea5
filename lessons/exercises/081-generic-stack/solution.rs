struct Stack<T> {
    items: Vec<T>,
}

impl<T> Stack<T> {
    fn new() -> Self {
        Stack { items: Vec::new() }
    }
    fn push(&mut self, item: T) {
        self.items.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }
    fn peek(&self) -> Option<&T> {
        self.items.last()
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_in_first_out() {
        let mut s = Stack::new();
        assert!(s.is_empty());
        s.push("a".to_string());
        s.push("b".to_string());
        assert_eq!(s.peek().map(String::as_str), Some("b"));
        assert_eq!(s.len(), 2);
        assert_eq!(s.pop().as_deref(), Some("b"));
        assert_eq!(s.pop().as_deref(), Some("a"));
        assert_eq!(s.pop(), None);
    }
}
