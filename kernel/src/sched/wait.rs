//! Wait queues: threads sleep here until an event (serial input, a mutex
//! release, a semaphore post) wakes them.

use alloc::collections::VecDeque;

use crate::sched::policy::Tid;
use crate::sched::scheduler::{block_current, current, wake};
use crate::sync::{IrqLock, IrqOff};

pub struct WaitQueue {
    waiters: IrqLock<VecDeque<Tid>>,
}

impl WaitQueue {
    pub const fn new() -> Self {
        WaitQueue {
            waiters: IrqLock::new(VecDeque::new()),
        }
    }

    /// Blocks until `ready()` is true. `ready` is checked with interrupts
    /// off, and the thread queues itself before they come back on, so an
    /// event between the check and the block still wakes it.
    pub fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        loop {
            let _irq = IrqOff::new();
            if ready() {
                return;
            }
            self.enqueue_current();
            block_current();
        }
    }

    /// Puts the calling thread on the queue (once). The caller then blocks
    /// with interrupts still off.
    pub fn enqueue_current(&self) {
        let me = current();
        let mut w = self.waiters.lock();
        if !w.contains(&me) {
            w.push_back(me);
        }
    }

    pub fn wake_all(&self) {
        let mut w = self.waiters.lock();
        while let Some(t) = w.pop_front() {
            wake(t);
        }
    }
}
