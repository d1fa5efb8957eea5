use std::collections::BTreeMap;

#[derive(Default)]
pub struct Series {
    points: BTreeMap<u64, f64>,
}

impl Series {
    pub fn insert(&mut self, t: u64, value: f64) {
        self.points.insert(t, value);
    }

    pub fn between(&self, from: u64, to: u64) -> Vec<(u64, f64)> {
        if from >= to {
            return Vec::new();
        }
        self.points.range(from..to).map(|(t, v)| (*t, *v)).collect()
    }

    pub fn latest_at(&self, t: u64) -> Option<(u64, f64)> {
        self.points.range(..=t).next_back().map(|(t, v)| (*t, *v))
    }

    pub fn evict_before(&mut self, cutoff: u64) -> usize {
        let kept = self.points.split_off(&cutoff);
        let dropped = self.points.len();
        self.points = kept;
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Series {
        let mut s = Series::default();
        for (t, v) in [(10, 1.0), (20, 2.0), (30, 3.0), (40, 4.0)] {
            s.insert(t, v);
        }
        s
    }

    #[test]
    fn range_is_half_open() {
        let s = sample();
        assert_eq!(s.between(20, 40), vec![(20, 2.0), (30, 3.0)]);
        assert_eq!(s.between(0, 100).len(), 4);
        assert!(s.between(21, 29).is_empty());
        assert!(s.between(40, 10).is_empty());
    }

    #[test]
    fn latest_at_looks_backwards() {
        let s = sample();
        assert_eq!(s.latest_at(25), Some((20, 2.0)));
        assert_eq!(s.latest_at(30), Some((30, 3.0)));
        assert_eq!(s.latest_at(1000), Some((40, 4.0)));
        assert_eq!(s.latest_at(9), None);
    }

    #[test]
    fn insert_replaces() {
        let mut s = sample();
        s.insert(20, 9.5);
        assert_eq!(s.between(20, 21), vec![(20, 9.5)]);
    }

    #[test]
    fn retention() {
        let mut s = sample();
        assert_eq!(s.evict_before(25), 2);
        assert_eq!(s.between(0, 100), vec![(30, 3.0), (40, 4.0)]);
        assert_eq!(s.evict_before(0), 0);
        assert_eq!(s.evict_before(u64::MAX), 2);
        assert_eq!(s.latest_at(u64::MAX), None);
    }
}
