use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

#[derive(Default)]
struct State {
    free: BTreeSet<usize>,
    log: Vec<String>,
}

pub struct Pool {
    state: Rc<RefCell<State>>,
}

pub struct Lease {
    pub slot: usize,
    state: Rc<RefCell<State>>,
}

impl Pool {
    pub fn new(slots: usize) -> Self {
        let state = State {
            free: (0..slots).collect(),
            log: Vec::new(),
        };
        Pool { state: Rc::new(RefCell::new(state)) }
    }

    pub fn acquire(&self) -> Option<Lease> {
        let mut st = self.state.borrow_mut();
        let slot = st.free.pop_first()?;
        st.log.push(format!("acquire {slot}"));
        Some(Lease {
            slot,
            state: Rc::clone(&self.state),
        })
    }

    pub fn free_count(&self) -> usize {
        self.state.borrow().free.len()
    }

    pub fn log(&self) -> Vec<String> {
        self.state.borrow().log.clone()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut st = self.state.borrow_mut();
        st.free.insert(self.slot);
        st.log.push(format!("release {}", self.slot));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_return_on_drop() {
        let pool = Pool::new(2);
        {
            let a = pool.acquire().unwrap();
            let b = pool.acquire().unwrap();
            assert_eq!((a.slot, b.slot), (0, 1));
            assert!(pool.acquire().is_none());
            assert_eq!(pool.free_count(), 0);
        } // b is dropped first, then a
        assert_eq!(pool.free_count(), 2);
        assert_eq!(pool.log(), vec!["acquire 0", "acquire 1", "release 1", "release 0"]);
    }

    #[test]
    fn explicit_drop_and_lowest_slot_first() {
        let pool = Pool::new(3);
        let a = pool.acquire().unwrap();
        let b = pool.acquire().unwrap();
        let c = pool.acquire().unwrap();
        drop(b);
        let d = pool.acquire().unwrap();
        assert_eq!(d.slot, 1);
        drop(a);
        let e = pool.acquire().unwrap();
        assert_eq!(e.slot, 0);
        assert_eq!(c.slot, 2);
    }

    #[test]
    fn release_on_early_return() {
        let pool = Pool::new(1);
        let work = |fail: bool| -> Result<usize, String> {
            let lease = pool.acquire().ok_or("busy")?;
            if fail {
                return Err("failed".into());
            }
            Ok(lease.slot)
        };
        assert!(work(true).is_err());
        assert_eq!(work(false), Ok(0));
        assert_eq!(pool.free_count(), 1);
        assert_eq!(pool.log().len(), 4);
        assert!(Pool::new(0).acquire().is_none());
    }
}
