use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

pub struct Registry {
    codes: HashMap<u16, &'static str>,
}

static INIT_CALLS: AtomicUsize = AtomicUsize::new(0);

impl Registry {
    fn load() -> Registry {
        INIT_CALLS.fetch_add(1, Ordering::SeqCst);
        // pretend this is slow, so racing threads really overlap
        std::thread::sleep(std::time::Duration::from_millis(20));
        let codes = [(200, "OK"), (404, "Not Found"), (503, "Service Unavailable")];
        Registry { codes: codes.into_iter().collect() }
    }

    pub fn lookup(&self, code: u16) -> Option<&'static str> {
        self.codes.get(&code).copied()
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static REGISTRY: OnceLock<Registry> = OnceLock::new();

pub fn next_id() -> u64 {
    // Relaxed: uniqueness comes from the atomic read-modify-write itself.
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

pub fn registry() -> &'static Registry {
    REGISTRY.get_or_init(Registry::load)
}

pub fn init_calls() -> usize {
    INIT_CALLS.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::thread;

    #[test]
    fn ids_are_unique_across_threads() {
        let all: Vec<Vec<u64>> = thread::scope(|s| {
            let hs: Vec<_> = (0..4).map(|_| s.spawn(|| (0..2_000).map(|_| next_id()).collect())).collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for ids in &all {
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "increasing within a thread");
        }
        let set: HashSet<u64> = all.iter().flatten().copied().collect();
        assert_eq!(set.len(), 8_000);
        assert!(!set.contains(&0));
    }

    #[test]
    fn registry_is_built_exactly_once() {
        let ptrs: Vec<usize> = thread::scope(|s| {
            let hs: Vec<_> = (0..8).map(|_| s.spawn(|| registry() as *const Registry as usize)).collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ptrs.windows(2).all(|w| w[0] == w[1]), "everyone sees the same table");
        assert_eq!(init_calls(), 1);
        assert_eq!(registry().lookup(404), Some("Not Found"));
        assert_eq!(registry().lookup(418), None);
        assert_eq!(init_calls(), 1);
    }
}
