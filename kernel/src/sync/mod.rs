//! Locks. `IrqLock` (here) is a spin lock that also masks interrupts
//! while held, for data that interrupt handlers touch; `blocking` has the
//! mutex and semaphore that put a waiting thread to sleep.
//!
//! A spin lock that also masks interrupts while held.
//!
//! The kernel is single-core, so the only contention is an interrupt handler
//! wanting a lock its own interrupted code holds. Masking interrupts for the
//! lifetime of the guard rules that deadlock out; the spin loop is there so a
//! bug (taking the same lock twice) shows up as a hang we can see rather
//! than silent aliasing of `&mut`.

pub mod blocking;

pub use blocking::{Mutex, Semaphore};

use core::cell::UnsafeCell;
use core::marker::PhantomData;
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
            _not_send: PhantomData,
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
                _not_send: PhantomData,
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

/// Proof of holding an [`IrqLock`]; interrupts stay masked while it lives.
///
/// Like `std::sync::MutexGuard` it is `Sync` only when `T: Sync`: sharing a
/// `&IrqGuard` hands out `&T` to whoever holds the reference, so a guard over
/// a `Cell` shared between threads would let safe code race on the `Cell`.
/// It is also not `Send`: the guard restores the interrupt flag of the thread
/// that locked, so dropping it on another thread would restore the wrong
/// thread's state. Nested guards must be dropped in the reverse order of
/// locking (each one restores the flag it saw).
pub struct IrqGuard<'a, T> {
    lock: &'a IrqLock<T>,
    were_enabled: bool,
    /// A raw pointer is neither `Send` nor `Sync`, which switches off both
    /// auto traits; `Sync` comes back below under the right bound.
    _not_send: PhantomData<*mut ()>,
}

// SAFETY: a shared `&IrqGuard<T>` only gives out `&T` (Deref), so sharing
// the guard is exactly as safe as sharing `&T`, which is what `T: Sync` says.
unsafe impl<T: Sync> Sync for IrqGuard<'_, T> {}

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

/// Interrupts off for as long as this value lives; the previous state comes
/// back on drop. The scheduler holds one across a thread switch: the
/// switched-to thread then restores *its own* saved state when its `IrqOff`
/// drops, which is why this is `!Send` (it belongs to one thread).
pub struct IrqOff {
    were_enabled: bool,
    _not_send: PhantomData<*mut ()>,
}

impl IrqOff {
    #[allow(clippy::new_without_default)]
    pub fn new() -> IrqOff {
        let were_enabled = cpu::interrupts_enabled();
        cpu::disable_interrupts();
        IrqOff {
            were_enabled,
            _not_send: PhantomData,
        }
    }
}

impl Drop for IrqOff {
    fn drop(&mut self) {
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

/// Compile-time checks of the guard's auto traits (the regression test for
/// the review's soundness point: the guard used to be `Sync` for any `T`).
/// `assert_not_sync` only compiles when the type is *not* `Sync`: if it were,
/// both impls of `AmbiguousIfSync` would apply and the call would be
/// ambiguous. The same trick proves the guard is not `Send`.
#[allow(dead_code)]
mod guard_traits {
    use super::IrqGuard;
    use core::cell::Cell;

    trait AmbiguousIfSync<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfSync<()> for T {}
    impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}

    trait AmbiguousIfSend<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfSend<()> for T {}
    impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

    fn is_sync<T: Sync>() {}

    const _: fn() = || {
        // A guard over a Send-but-not-Sync value must not be Sync...
        <IrqGuard<'static, Cell<u64>> as AmbiguousIfSync<_>>::check();
        // ...a guard over a Sync value is.
        is_sync::<IrqGuard<'static, u64>>();
        // No guard is Send.
        <IrqGuard<'static, u64> as AmbiguousIfSend<_>>::check();
    };
}
