//! A spin lock that also masks interrupts while held.
//!
//! The kernel is single-core, so the only contention is an interrupt handler
//! wanting a lock its own interrupted code holds. Masking interrupts for the
//! lifetime of the guard rules that deadlock out; the spin loop is there so a
//! bug (taking the same lock twice) shows up as a hang we can see rather
//! than silent aliasing of `&mut`.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};

use crate::cpu;

pub struct IrqLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: access to `value` is serialised by `locked`; T moves between
// contexts only through the guard.
unsafe impl<T: Send> Sync for IrqLock<T> {}
// SAFETY: owning the lock is owning T.
unsafe impl<T: Send> Send for IrqLock<T> {}

impl<T> IrqLock<T> {
    pub const fn new(value: T) -> Self {
        IrqLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub fn lock(&self) -> IrqGuard<'_, T> {
        let were_enabled = cpu::interrupts_enabled();
        cpu::disable_interrupts();
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        IrqGuard {
            lock: self,
            were_enabled,
        }
    }

    /// Takes the lock only if it is free: the panic path uses this so that a
    /// panic while printing does not hang forever.
    pub fn try_lock(&self) -> Option<IrqGuard<'_, T>> {
        let were_enabled = cpu::interrupts_enabled();
        cpu::disable_interrupts();
        if self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            Some(IrqGuard {
                lock: self,
                were_enabled,
            })
        } else {
            if were_enabled {
                cpu::enable_interrupts();
            }
            None
        }
    }

    /// Clears the lock without a guard.
    ///
    /// # Safety
    /// Only for the panic and fault paths, where the holder will never run
    /// again; the caller accepts that the holder's update may be half done.
    pub unsafe fn force_unlock(&self) {
        self.locked.store(false, Ordering::Release);
    }
}

pub struct IrqGuard<'a, T> {
    lock: &'a IrqLock<T>,
    were_enabled: bool,
}

impl<T> Deref for IrqGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves we hold the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for IrqGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard proves we hold the lock exclusively.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for IrqGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
        if self.were_enabled {
            cpu::enable_interrupts();
        }
    }
}

/// A value written once during boot and read freely afterwards.
pub struct Once<T> {
    state: AtomicBool,
    value: UnsafeCell<core::mem::MaybeUninit<T>>,
}

// SAFETY: the value is written once before `state` is published with
// Release ordering and only read after an Acquire load sees it.
unsafe impl<T: Send + Sync> Sync for Once<T> {}

impl<T> Once<T> {
    pub const fn new() -> Self {
        Once {
            state: AtomicBool::new(false),
            value: UnsafeCell::new(core::mem::MaybeUninit::uninit()),
        }
    }

    /// Stores the value; a second call is refused and hands the value back.
    pub fn set(&self, value: T) -> Result<&T, T> {
        // Only boot code calls this, before interrupts are on, so the
        // check-then-write below cannot race.
        if self.state.load(Ordering::Acquire) {
            return Err(value);
        }
        // SAFETY: state is false, so no reader exists yet and nobody else writes.
        unsafe { (*self.value.get()).write(value) };
        self.state.store(true, Ordering::Release);
        // SAFETY: written just above.
        Ok(unsafe { (*self.value.get()).assume_init_ref() })
    }

    pub fn get(&self) -> Option<&T> {
        if self.state.load(Ordering::Acquire) {
            // SAFETY: state true means the value was fully written.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }
}
