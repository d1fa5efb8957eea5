use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// TODO: threads may share a SpinLock<T> when T can be sent between them.

pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
    _not_sync_unless_t_is: PhantomData<&'a mut T>,
}

impl<T> SpinLock<T> {
    pub const fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        let _ = Ordering::Acquire;
        todo!("spin until {:?} is ours", self.locked)
    }

    pub fn try_lock(&self) -> Option<SpinGuard<'_, T>> {
        todo!()
    }

    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        todo!("{:p}", self.lock)
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn lock_and_unlock() {
        let l = SpinLock::new(vec![1]);
        {
            let mut g = l.lock();
            g.push(2);
            assert!(l.try_lock().is_none(), "held while the guard lives");
        }
        let g = l.try_lock().expect("free after the guard is dropped");
        assert_eq!(*g, vec![1, 2]);
        drop(g);
        assert_eq!(l.into_inner(), vec![1, 2]);
    }

    #[test]
    fn no_lost_updates_between_threads() {
        let l = SpinLock::new(0u64);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..20_000 {
                        *l.lock() += 1;
                    }
                });
            }
        });
        assert_eq!(l.into_inner(), 80_000);
    }

    #[test]
    fn protects_non_atomic_data() {
        static LOG: SpinLock<Vec<u32>> = SpinLock::new(Vec::new());
        thread::scope(|s| {
            for t in 0..3 {
                s.spawn(move || {
                    for i in 0..1000 {
                        LOG.lock().push(t * 1000 + i);
                    }
                });
            }
        });
        let mut v = LOG.lock().clone();
        v.sort();
        assert_eq!(v, (0..3000).collect::<Vec<_>>());
    }
}
