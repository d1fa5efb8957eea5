use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct HighWater {
    max: AtomicU64,
}

impl HighWater {
    pub fn observe(&self, v: u64) {
        let mut cur = self.max.load(Ordering::Relaxed);
        while v > cur {
            match self
                .max
                .compare_exchange_weak(cur, v, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(seen) => cur = seen,
            }
        }
    }

    pub fn get(&self) -> u64 {
        self.max.load(Ordering::Relaxed)
    }
}

pub struct Permits {
    available: AtomicU64,
}

impl Permits {
    pub fn new(n: u64) -> Self {
        Permits { available: AtomicU64::new(n) }
    }

    pub fn try_acquire(&self, n: u64) -> bool {
        let mut cur = self.available.load(Ordering::Acquire);
        loop {
            if cur < n {
                return false;
            }
            match self.available.compare_exchange_weak(
                cur,
                cur - n,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(seen) => cur = seen,
            }
        }
    }

    pub fn release(&self, n: u64) {
        self.available.fetch_add(n, Ordering::Release);
    }

    pub fn available(&self) -> u64 {
        self.available.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::thread;

    #[test]
    fn high_water_in_one_thread() {
        let h = HighWater::default();
        for v in [3, 9, 2, 9, 4] {
            h.observe(v);
        }
        assert_eq!(h.get(), 9);
    }

    #[test]
    fn high_water_under_contention() {
        for _ in 0..20 {
            let h = HighWater::default();
            thread::scope(|s| {
                for t in 0..4u64 {
                    let h = &h;
                    s.spawn(move || {
                        for i in 0..2_000u64 {
                            h.observe(i * 4 + t);
                        }
                    });
                }
            });
            assert_eq!(h.get(), 1999 * 4 + 3);
        }
    }

    #[test]
    fn permits_basic() {
        let p = Permits::new(5);
        assert!(p.try_acquire(3));
        assert!(!p.try_acquire(3));
        assert_eq!(p.available(), 2, "a failed acquire takes nothing");
        assert!(p.try_acquire(2));
        assert!(!p.try_acquire(1));
        assert!(p.try_acquire(0));
        p.release(4);
        assert_eq!(p.available(), 4);
    }

    #[test]
    fn permits_are_never_oversold() {
        let p = Permits::new(1000);
        let granted = AtomicU64::new(0);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..1000 {
                        if p.try_acquire(3) {
                            granted.fetch_add(3, Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        assert_eq!(granted.load(Ordering::Relaxed), 999);
        assert_eq!(p.available(), 1);
    }
}
