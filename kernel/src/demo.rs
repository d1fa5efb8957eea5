//! Kernel-thread demos the shell can start with `run NAME`.
//!
//! `prodcons`: a producer and a consumer thread share a bounded buffer of
//! four slots. The buffer itself is guarded by a blocking [`Mutex`]; two
//! [`Semaphore`]s count the free and the filled slots, so the producer
//! sleeps when the buffer is full and the consumer when it is empty, and
//! neither ever spins.

use alloc::collections::VecDeque;
use alloc::sync::Arc;

use crate::sched::{self, Spawn};
use crate::sync::{Mutex, Semaphore};

pub const BUFFER_SLOTS: i64 = 4;

pub struct Shared {
    pub buffer: Mutex<VecDeque<u64>>,
    pub free: Semaphore,
    pub filled: Semaphore,
    pub items: u64,
    /// Print each step (the shell demo) or stay quiet (the test).
    pub verbose: bool,
    /// Sleep this long between items in the producer (0 = never).
    pub produce_ms: u64,
    /// Sleep this long after each item in the consumer (0 = never); a slow
    /// consumer makes the producer fill the buffer and block.
    pub consume_ms: u64,
}

impl Shared {
    pub fn new(items: u64, verbose: bool, produce_ms: u64, consume_ms: u64) -> Arc<Shared> {
        Arc::new(Shared {
            buffer: Mutex::new(VecDeque::new()),
            free: Semaphore::new(BUFFER_SLOTS),
            filled: Semaphore::new(0),
            items,
            verbose,
            produce_ms,
            consume_ms,
        })
    }
}

fn shared_from(arg: usize) -> Arc<Shared> {
    // SAFETY: `start` passes a pointer made by Arc::into_raw, one per thread.
    unsafe { Arc::from_raw(arg as *const Shared) }
}

fn producer(arg: usize) -> i64 {
    let s = shared_from(arg);
    for i in 1..=s.items {
        s.free.down();
        let len = {
            let mut b = s.buffer.lock();
            b.push_back(i);
            b.len()
        };
        s.filled.up();
        if s.verbose {
            kprintln!("producer: put {i} ({len}/{BUFFER_SLOTS} slots full)");
        }
        if s.produce_ms > 0 {
            sched::sleep_ms(s.produce_ms);
        }
    }
    0
}

/// Returns the sum of what it took, or -1 if items came out of order.
fn consumer(arg: usize) -> i64 {
    let s = shared_from(arg);
    let mut sum = 0;
    let mut last = 0;
    for _ in 0..s.items {
        s.filled.down();
        let item = s.buffer.lock().pop_front();
        s.free.up();
        let Some(item) = item else {
            return -1;
        };
        if item != last + 1 {
            return -1;
        }
        last = item;
        sum += item as i64;
        if s.verbose {
            kprintln!("consumer: took {item}");
        }
        if s.consume_ms > 0 {
            sched::sleep_ms(s.consume_ms);
        }
    }
    if s.verbose {
        kprintln!("consumer: done, sum {sum}");
    }
    sum
}

/// Starts the producer and the consumer; returns their thread ids.
pub fn start(shared: &Arc<Shared>, detached: bool) -> Result<(u32, u32), sched::SpawnError> {
    let opts = Spawn {
        detached,
        ..Spawn::default()
    };
    let p = Arc::into_raw(shared.clone()) as usize;
    let producer = sched::spawn("producer", producer, p, opts).inspect_err(|_| {
        // SAFETY: the thread was not created, so this reference is still ours.
        drop(unsafe { Arc::from_raw(p as *const Shared) });
    })?;
    let c = Arc::into_raw(shared.clone()) as usize;
    let consumer = sched::spawn("consumer", consumer, c, opts).inspect_err(|_| {
        // SAFETY: as above.
        drop(unsafe { Arc::from_raw(c as *const Shared) });
    })?;
    Ok((producer, consumer))
}
