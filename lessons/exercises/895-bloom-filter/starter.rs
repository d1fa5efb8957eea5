use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

pub struct Bloom {
    words: Vec<u64>,
    m: u64,
    k: u32,
}

impl Bloom {
    pub fn new(expected_items: usize, false_positive_rate: f64) -> Self {
        let _ = (expected_items, false_positive_rate);
        // Far too small: everything will look present.
        Bloom { words: vec![0; 1], m: 64, k: 1 }
    }

    pub fn bits(&self) -> u64 {
        self.m
    }

    pub fn hashes(&self) -> u32 {
        self.k
    }

    pub fn insert(&mut self, key: &str) {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        let bit = h.finish() % self.m;
        self.words[(bit / 64) as usize] |= 1 << (bit % 64);
    }

    pub fn contains(&self, key: &str) -> bool {
        let _ = (key, &self.words, self.k);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_follows_the_formulas() {
        let b = Bloom::new(1000, 0.01);
        assert!((9_500..=9_700).contains(&b.bits()), "about 9.6 bits per key, got {}", b.bits());
        assert_eq!(b.hashes(), 7);
        let tiny = Bloom::new(0, 0.5);
        assert!(tiny.bits() >= 1 && tiny.hashes() >= 1);
    }

    #[test]
    fn no_false_negatives() {
        let mut b = Bloom::new(5_000, 0.01);
        for i in 0..5_000 {
            b.insert(&format!("user:{i}"));
        }
        assert!((0..5_000).all(|i| b.contains(&format!("user:{i}"))));
    }

    #[test]
    fn false_positive_rate_is_close_to_the_target() {
        for p in [0.05, 0.01] {
            let mut b = Bloom::new(5_000, p);
            for i in 0..5_000 {
                b.insert(&format!("key-{i}"));
            }
            let trials = 20_000;
            let fp = (0..trials).filter(|i| b.contains(&format!("absent-{i}"))).count();
            let rate = fp as f64 / trials as f64;
            assert!(rate < 2.0 * p, "false positive rate {rate} for target {p}");
        }
    }

    #[test]
    fn empty_filter_contains_nothing() {
        let b = Bloom::new(100, 0.01);
        assert!(!(0..1000).any(|i| b.contains(&i.to_string())));
    }
}
