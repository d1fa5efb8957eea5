use std::cell::UnsafeCell;
use std::hint::spin_loop;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands out access to the T to one thread at a time (the
// guard exists only while `locked` is held), so sharing the lock between
// threads is like moving the T between them: it requires T: Send, not Sync.
unsafe impl<T: Send> Sync for SpinLock<T> {}

pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
    // Makes the guard Sync only if T is Sync (a &SpinGuard gives out &T),
    // and Send only if T is Send (a guard gives out &mut T).
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
        loop {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            // Wait with plain loads until the lock looks free, then retry the CAS.
            while self.locked.load(Ordering::Relaxed) {
                spin_loop();
            }
        }
    }

    pub fn try_lock(&self) -> Option<SpinGuard<'_, T>> {
        // Acquire: what the previous owner wrote before its Release store is visible to us.
        self.locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| SpinGuard {
                lock: self,
                _not_sync_unless_t_is: PhantomData,
            })
    }

    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard exists only while `locked` is true and we set it,
        // so no other guard (and no other reference to the value) exists. The
        // returned & borrows the guard, so it cannot outlive the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; additionally &mut self guarantees this is the
        // only reference derived from this guard.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // Release: our writes to the value happen-before the next Acquire lock.
        self.lock.locked.store(false, Ordering::Release);
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
