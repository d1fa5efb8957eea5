use std::collections::HashMap;
use std::hash::Hash;

struct Memo<K, V> {
    map: HashMap<K, V>,
    misses: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    fn new() -> Self {
        Memo { map: HashMap::new(), misses: 0 }
    }

    fn get_or_compute(&mut self, key: K, f: impl FnOnce() -> V) -> V {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_per_key() {
        let mut m = Memo::new();
        assert_eq!(m.get_or_compute("a", || 1), 1);
        assert_eq!(m.get_or_compute("a", || 99), 1);
        assert_eq!(m.get_or_compute("b", || 2), 2);
        assert_eq!(m.misses, 2);
    }
}
