use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

pub struct LruCache<K, V> {
    cap: usize,
    tick: u64,
    entries: HashMap<K, (V, u64)>,
    order: BTreeMap<u64, K>,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    pub fn new(cap: usize) -> Self {
        LruCache { cap, tick: 0, entries: HashMap::new(), order: BTreeMap::new() }
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    pub fn get(&mut self, key: &K) -> Option<&V> {
        let tick = self.next_tick();
        let (_, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = tick;
        self.order.insert(tick, key.clone());
        self.entries.get(key).map(|(v, _)| v)
    }

    pub fn peek(&self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|(v, _)| v)
    }

    pub fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if self.cap == 0 {
            return Some((key, value));
        }
        let tick = self.next_tick();
        if let Some((old_value, used)) = self.entries.get_mut(&key) {
            self.order.remove(used);
            *old_value = value;
            *used = tick;
            self.order.insert(tick, key);
            return None;
        }
        let mut evicted = None;
        if self.entries.len() == self.cap
            && let Some((_, old_key)) = self.order.pop_first()
            && let Some((old_value, _)) = self.entries.remove(&old_key)
        {
            evicted = Some((old_key, old_value));
        }
        self.order.insert(tick, key.clone());
        self.entries.insert(key, (value, tick));
        evicted
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut c = LruCache::new(2);
        assert_eq!(c.put("a", 1), None);
        assert_eq!(c.put("b", 2), None);
        assert_eq!(c.get(&"a"), Some(&1)); // b is now the oldest
        assert_eq!(c.put("c", 3), Some(("b", 2)));
        assert_eq!(c.peek(&"b"), None);
        assert_eq!(c.len(), 2);
        assert_eq!(c.put("d", 4), Some(("a", 1)));
        assert_eq!(c.peek(&"c"), Some(&3));
        assert_eq!(c.peek(&"d"), Some(&4));
    }

    #[test]
    fn peek_does_not_refresh_but_put_does() {
        let mut c = LruCache::new(2);
        c.put(1, "one");
        c.put(2, "two");
        assert_eq!(c.peek(&1), Some(&"one"));
        assert_eq!(c.put(3, "three"), Some((1, "one")), "peek did not save key 1");
        assert_eq!(c.put(2, "TWO"), None, "replacing is not evicting");
        assert_eq!(c.put(4, "four"), Some((3, "three")), "the replace refreshed key 2");
        assert_eq!(c.peek(&2), Some(&"TWO"));
    }

    #[test]
    fn capacity_edge_cases() {
        let mut z = LruCache::new(0);
        assert_eq!(z.put("x", 1), Some(("x", 1)));
        assert!(z.is_empty());
        let mut one = LruCache::new(1);
        one.put("x", 1);
        assert_eq!(one.get(&"missing"), None);
        assert_eq!(one.put("y", 2), Some(("x", 1)));
        assert_eq!(one.get(&"y"), Some(&2));
    }

    #[test]
    fn many_operations_stay_consistent() {
        let mut c = LruCache::new(100);
        for i in 0..10_000u32 {
            c.put(i % 250, i);
            if i % 3 == 0 {
                c.get(&(i % 7));
            }
        }
        assert_eq!(c.len(), 100);
        assert_eq!(c.entries.len(), c.order.len(), "both indexes agree");
        assert_eq!(c.peek(&(9_999 % 250)), Some(&9_999));
    }
}
