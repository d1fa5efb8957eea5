use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU8, Ordering};

const EMPTY: u8 = 0;
const WRITING: u8 = 1;
const READY: u8 = 2;
const TAKEN: u8 = 3;

pub struct Slot<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    state: AtomicU8,
}

impl<T> Slot<T> {
    pub const fn new() -> Self {
        Slot { value: UnsafeCell::new(MaybeUninit::uninit()), state: AtomicU8::new(EMPTY) }
    }

    pub fn send(&self, v: T) -> Result<(), T> {
        let _ = (WRITING, READY, TAKEN, Ordering::Release, &self.value, &self.state);
        Err(v)
    }

    pub fn try_take(&self) -> Option<T> {
        todo!()
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self::new()
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
