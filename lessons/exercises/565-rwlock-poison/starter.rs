use std::sync::{PoisonError, RwLock};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub port: u16,
    pub max_conns: u32,
    pub version: u64,
}

pub struct SharedConfig {
    inner: RwLock<Config>,
}

impl SharedConfig {
    pub fn new(port: u16, max_conns: u32) -> Self {
        SharedConfig {
            inner: RwLock::new(Config { port, max_conns, version: 1 }),
        }
    }

    pub fn get(&self) -> Config {
        self.inner.read().unwrap().clone()
    }

    pub fn update(&self, f: impl FnOnce(&mut Config)) -> Result<u64, &'static str> {
        let _ = (f, PoisonError::<()>::new(()));
        todo!("apply an update")
    }

    /// Test helper: panic while holding the write lock.
    pub fn poison(&self) {
        let _guard = self.inner.write();
        panic!("admin thread crashed mid-update");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn updates_bump_the_version() {
        let c = SharedConfig::new(8080, 100);
        assert_eq!(c.update(|c| c.max_conns = 200), Ok(2));
        assert_eq!(c.get(), Config { port: 8080, max_conns: 200, version: 2 });
    }

    #[test]
    fn invalid_update_changes_nothing() {
        let c = SharedConfig::new(8080, 100);
        assert_eq!(
            c.update(|c| {
                c.max_conns = 5;
                c.port = 0;
            }),
            Err("invalid port")
        );
        assert_eq!(c.get(), Config { port: 8080, max_conns: 100, version: 1 });
        assert_eq!(c.update(|c| c.version = 99), Ok(2), "the version is not the caller's to set");
    }

    #[test]
    fn readers_and_a_writer_from_threads() {
        let c = Arc::new(SharedConfig::new(1, 1));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let c = Arc::clone(&c);
                thread::spawn(move || {
                    let mut last = 0;
                    for _ in 0..200 {
                        let cfg = c.get();
                        if cfg.version < last || cfg.port as u64 != cfg.version {
                            return false;
                        }
                        last = cfg.version;
                    }
                    true
                })
            })
            .collect();
        for i in 2..=50u16 {
            c.update(|cfg| cfg.port = i).unwrap();
        }
        for r in readers {
            assert!(r.join().unwrap());
        }
        assert_eq!(c.get().version, 50);
    }

    #[test]
    fn survives_a_poisoned_lock() {
        let c = Arc::new(SharedConfig::new(8080, 10));
        let c2 = Arc::clone(&c);
        assert!(thread::spawn(move || c2.poison()).join().is_err());
        assert_eq!(c.get().port, 8080);
        assert_eq!(c.update(|c| c.port = 9090), Ok(2));
        assert_eq!(c.get().port, 9090);
    }
}
