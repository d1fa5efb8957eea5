use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

pub struct Bloom {
    words: Vec<u64>,
    m: u64,
    k: u32,
}

fn hash_with(seed: u64, key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (seed, key).hash(&mut h);
    h.finish()
}

impl Bloom {
    pub fn new(expected_items: usize, false_positive_rate: f64) -> Self {
        let n = expected_items.max(1) as f64;
        let p = false_positive_rate.clamp(1e-9, 0.5);
        let ln2 = std::f64::consts::LN_2;
        let m = (-n * p.ln() / (ln2 * ln2)).ceil().max(1.0) as u64;
        let k = ((m as f64 / n) * ln2).round().max(1.0) as u32;
        Bloom { words: vec![0; m.div_ceil(64) as usize], m, k }
    }

    pub fn bits(&self) -> u64 {
        self.m
    }

    pub fn hashes(&self) -> u32 {
        self.k
    }

    fn positions(&self, key: &str) -> impl Iterator<Item = u64> + '_ {
        let h1 = hash_with(0x9E37_79B9, key);
        let h2 = hash_with(0x85EB_CA6B, key) | 1; // odd, so the steps do not collapse
        (0..self.k as u64).map(move |i| h1.wrapping_add(i.wrapping_mul(h2)) % self.m)
    }

    pub fn insert(&mut self, key: &str) {
        let bits: Vec<u64> = self.positions(key).collect();
        for bit in bits {
            self.words[(bit / 64) as usize] |= 1 << (bit % 64);
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.positions(key)
            .all(|bit| self.words[(bit / 64) as usize] & (1 << (bit % 64)) != 0)
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
