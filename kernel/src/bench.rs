//! Context-switch cost, measured in the kernel with the TSC (`bench` in
//! the shell).
//!
//! Two threads (or, once user mode is there, two processes) take turns:
//! each yields N times, and with nobody else ready every yield is one
//! switch to the other. Cycles from the first yield to the last, divided by
//! the number of switches the scheduler counted in between, is the cost of
//! one switch including the yield path (the scheduler lock, the policy's
//! queue, the switch itself). Under QEMU's software emulation (TCG) these
//! are emulated cycles of the host's TSC, many times what the same code
//! costs on hardware; compare them with each other, not with a real CPU.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::cpu;
use crate::sched::{self, Spawn};

pub const ROUNDS: usize = 2000;

static FIRST: AtomicU64 = AtomicU64::new(0);
static LAST: AtomicU64 = AtomicU64::new(0);

fn pinger(rounds: usize) -> i64 {
    let _ = FIRST.compare_exchange(0, cpu::rdtsc(), Ordering::SeqCst, Ordering::SeqCst);
    for _ in 0..rounds {
        sched::yield_now();
    }
    LAST.fetch_max(cpu::rdtsc(), Ordering::SeqCst);
    0
}

#[derive(Clone, Copy, Debug)]
pub struct SwitchCost {
    pub switches: u64,
    pub cycles: u64,
}

impl SwitchCost {
    pub fn per_switch(&self) -> u64 {
        self.cycles / self.switches.max(1)
    }
}

/// Thread to thread: two kernel threads yielding to each other.
pub fn thread_switch(rounds: usize) -> Result<SwitchCost, sched::SpawnError> {
    FIRST.store(0, Ordering::SeqCst);
    LAST.store(0, Ordering::SeqCst);
    let trace = sched::trace_enabled();
    sched::set_trace(false);
    let before = sched::stats().map(|s| s.switches).unwrap_or(0);
    let a = sched::spawn("ping", pinger, rounds, Spawn::default());
    let b = sched::spawn("pong", pinger, rounds, Spawn::default());
    for t in [&a, &b].into_iter().flatten() {
        let _ = sched::join(*t);
    }
    let after = sched::stats().map(|s| s.switches).unwrap_or(0);
    sched::set_trace(trace);
    a?;
    b?;
    Ok(SwitchCost {
        // The switches into the two threads and back to us are not part of
        // the ping-pong.
        switches: (after - before).saturating_sub(4),
        cycles: LAST.load(Ordering::SeqCst) - FIRST.load(Ordering::SeqCst),
    })
}
