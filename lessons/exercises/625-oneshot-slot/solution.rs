use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU8, Ordering};

const EMPTY: u8 = 0;
const WRITING: u8 = 1;
const READY: u8 = 2;
const TAKEN: u8 = 3;

/// Invariant: `value` is initialized exactly when `state` is READY.
pub struct Slot<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    state: AtomicU8,
}

// SAFETY: the state machine gives the value to one writer and then one
// reader, possibly on different threads: that is moving a T between
// threads, so T: Send is required and sufficient (no &T is ever shared).
unsafe impl<T: Send> Sync for Slot<T> {}

impl<T> Slot<T> {
    pub const fn new() -> Self {
        Slot { value: UnsafeCell::new(MaybeUninit::uninit()), state: AtomicU8::new(EMPTY) }
    }

    pub fn send(&self, v: T) -> Result<(), T> {
        if self
            .state
            .compare_exchange(EMPTY, WRITING, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return Err(v);
        }
        // SAFETY: we won EMPTY -> WRITING, so no other thread reads or writes
        // the value until we publish READY below.
        unsafe { (*self.value.get()).write(v) };
        // Release: the write above happens-before an Acquire that sees READY.
        self.state.store(READY, Ordering::Release);
        Ok(())
    }

    pub fn try_take(&self) -> Option<T> {
        self.state
            .compare_exchange(READY, TAKEN, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        // SAFETY: READY means the value was fully written (Acquire pairs with
        // the sender's Release), and winning READY -> TAKEN makes us the only
        // reader; the state never returns to READY, so it is read once.
        Some(unsafe { (*self.value.get()).assume_init_read() })
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        if *self.state.get_mut() == READY {
            // SAFETY: READY means initialized and not taken; &mut self means
            // no other thread can access the slot any more.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn once_in_once_out() {
        let s = Slot::new();
        assert_eq!(s.try_take(), None);
        assert_eq!(s.send(String::from("hello")), Ok(()));
        assert_eq!(s.send(String::from("again")), Err(String::from("again")));
        assert_eq!(s.try_take().as_deref(), Some("hello"));
        assert_eq!(s.try_take(), None);
        assert_eq!(s.send(String::from("late")), Err(String::from("late")));
    }

    #[test]
    fn unreceived_values_are_dropped_once() {
        let token = Rc::new(());
        {
            let s = Slot::default();
            s.send(Rc::clone(&token)).unwrap();
            assert_eq!(Rc::strong_count(&token), 2);
        }
        assert_eq!(Rc::strong_count(&token), 1, "dropped with the slot");
        {
            let s = Slot::new();
            s.send(Rc::clone(&token)).unwrap();
            let got = s.try_take().unwrap();
            drop(s);
            assert_eq!(Rc::strong_count(&token), 2, "a taken value is not dropped by the slot");
            drop(got);
        }
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn hand_off_between_threads() {
        for _ in 0..200 {
            let s = Arc::new(Slot::new());
            let reader = {
                let s = Arc::clone(&s);
                thread::spawn(move || loop {
                    if let Some(v) = s.try_take() {
                        return v;
                    }
                    std::hint::spin_loop();
                })
            };
            s.send(vec![1u64, 2, 3]).unwrap();
            assert_eq!(reader.join().unwrap(), vec![1, 2, 3]);
        }
    }

    #[test]
    fn racing_senders_only_one_wins() {
        let s = Slot::new();
        let wins: usize = thread::scope(|sc| {
            let hs: Vec<_> = (0..4).map(|i| sc.spawn({ let s = &s; move || s.send(i).is_ok() as usize })).collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(wins, 1);
        assert!(s.try_take().is_some());
    }
}
