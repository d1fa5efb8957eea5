//! Locks that block: a waiting thread leaves the CPU instead of spinning.
//!
//! [`Mutex`] keeps its owner and a FIFO of waiters under a short `IrqLock`.
//! `lock` either takes a free mutex or queues the caller and blocks it
//! (state `blocked`: the scheduler never picks it, so it uses no CPU);
//! `unlock` hands the mutex straight to the first waiter and wakes it, so a
//! thread that arrives later cannot overtake the queue. [`Semaphore`] is a
//! counter with the same kind of queue. Both are for threads only: an
//! interrupt handler must never block, so it uses `IrqLock` instead.

use alloc::collections::VecDeque;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use crate::sched::{self, policy::Tid};
use crate::sync::{IrqLock, IrqOff};

struct MutexState {
    owner: Option<Tid>,
    waiters: VecDeque<Tid>,
    /// How many times a `lock` call had to block.
    contended: u64,
}

pub struct Mutex<T> {
    state: IrqLock<MutexState>,
    value: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a guard, and the owner field
// admits one guard at a time; T moves between threads with the guard.
unsafe impl<T: Send> Sync for Mutex<T> {}
// SAFETY: owning the mutex is owning T.
unsafe impl<T: Send> Send for Mutex<T> {}

impl<T> Mutex<T> {
    pub const fn new(value: T) -> Self {
        Mutex {
            state: IrqLock::new(MutexState {
                owner: None,
                waiters: VecDeque::new(),
                contended: 0,
            }),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the mutex, blocking while another thread holds it.
    ///
    /// Panics if the calling thread already holds it: that is a deadlock,
    /// and a loud stop beats a silent hang.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        let me = sched::current();
        let mut first = true;
        loop {
            let _irq = IrqOff::new();
            {
                let mut st = self.state.lock();
                match st.owner {
                    None => {
                        st.owner = Some(me);
                        break;
                    }
                    // Handed over by `unlock` while we were blocked.
                    Some(o) if o == me && !first => break,
                    Some(o) if o == me => panic!("thread {me} locked a mutex it already holds"),
                    Some(_) => {
                        if !st.waiters.contains(&me) {
                            st.waiters.push_back(me);
                        }
                        if first {
                            st.contended += 1;
                        }
                    }
                }
            }
            first = false;
            // Interrupts are still off: the unlock that wakes us cannot
            // happen before we are blocked.
            sched::block_current();
        }
        MutexGuard {
            mutex: self,
            _not_send: PhantomData,
        }
    }

    /// Takes the mutex only if it is free.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        let mut st = self.state.lock();
        if st.owner.is_some() {
            return None;
        }
        st.owner = Some(sched::current());
        Some(MutexGuard {
            mutex: self,
            _not_send: PhantomData,
        })
    }

    fn unlock(&self) {
        let mut st = self.state.lock();
        // Hand over to the first waiter that is really still waiting.
        while let Some(t) = st.waiters.pop_front() {
            if sched::wake(t) {
                st.owner = Some(t);
                return;
            }
        }
        st.owner = None;
    }

    /// Threads blocked on the mutex now, and how often `lock` blocked.
    pub fn waiters(&self) -> (usize, u64) {
        let st = self.state.lock();
        (st.waiters.len(), st.contended)
    }
}

/// Holding this means holding the mutex. `Sync` only when `T: Sync`, never
/// `Send` (the owner is a thread), like `std::sync::MutexGuard`.
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    _not_send: PhantomData<*mut ()>,
}

// SAFETY: a shared guard only gives out `&T`.
unsafe impl<T: Sync> Sync for MutexGuard<'_, T> {}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves this thread owns the mutex.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and the guard is unique.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.mutex.unlock();
    }
}

/// A counting semaphore: `down` waits for a unit, `up` adds one.
pub struct Semaphore {
    state: IrqLock<(i64, VecDeque<Tid>)>,
}

impl Semaphore {
    pub const fn new(count: i64) -> Self {
        Semaphore {
            state: IrqLock::new((count, VecDeque::new())),
        }
    }

    /// Takes one unit, blocking while there is none.
    pub fn down(&self) {
        let me = sched::current();
        loop {
            let _irq = IrqOff::new();
            {
                let mut st = self.state.lock();
                if st.0 > 0 {
                    st.0 -= 1;
                    return;
                }
                if !st.1.contains(&me) {
                    st.1.push_back(me);
                }
            }
            sched::block_current();
        }
    }

    /// Adds one unit and wakes the first waiter (which then competes for it).
    pub fn up(&self) {
        let mut st = self.state.lock();
        st.0 += 1;
        while let Some(t) = st.1.pop_front() {
            if sched::wake(t) {
                break;
            }
        }
    }

    pub fn count(&self) -> i64 {
        self.state.lock().0
    }
}
