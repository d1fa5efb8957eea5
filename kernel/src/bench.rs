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

use crate::sched::{self, Spawn};
use crate::{cpu, process};

pub const ROUNDS: usize = 2000;

static FIRST: AtomicU64 = AtomicU64::new(0);
static LAST: AtomicU64 = AtomicU64::new(0);
static FIRST_SWITCHES: AtomicU64 = AtomicU64::new(0);
static LAST_SWITCHES: AtomicU64 = AtomicU64::new(0);

/// Called before every benchmark yield (threads, and the yield system call
/// for processes): remembers the TSC and the switch count at the first and
/// the latest yield, so the measurement covers only the ping-pong.
pub fn note_yield() {
    let now = cpu::rdtsc();
    let switches = sched::stats().map(|s| s.switches).unwrap_or(0);
    if FIRST
        .compare_exchange(0, now, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        FIRST_SWITCHES.store(switches, Ordering::SeqCst);
    }
    LAST.store(now, Ordering::SeqCst);
    LAST_SWITCHES.store(switches, Ordering::SeqCst);
}

fn reset() {
    FIRST.store(0, Ordering::SeqCst);
    LAST.store(0, Ordering::SeqCst);
}

fn result() -> SwitchCost {
    SwitchCost {
        switches: LAST_SWITCHES.load(Ordering::SeqCst) - FIRST_SWITCHES.load(Ordering::SeqCst),
        cycles: LAST.load(Ordering::SeqCst) - FIRST.load(Ordering::SeqCst),
    }
}

fn pinger(rounds: usize) -> i64 {
    for _ in 0..rounds {
        note_yield();
        sched::yield_now();
    }
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
pub fn thread_switch(rounds: usize) -> Result<SwitchCost, BenchError> {
    ping_pong(rounds, |rounds| {
        sched::spawn("ping", pinger, rounds, Spawn::default()).map_err(BenchError::Spawn)
    })
}

/// Process to process: two user processes (`yielder`) calling the yield
/// system call; each switch also changes CR3 and crosses ring 3 and back.
pub fn process_switch(rounds: usize) -> Result<SwitchCost, BenchError> {
    ping_pong(rounds, |rounds| {
        process::spawn("yielder", rounds as u64, Spawn::default()).map_err(BenchError::Process)
    })
}

#[derive(Clone, Copy, Debug)]
pub enum BenchError {
    Spawn(sched::SpawnError),
    Process(process::ProcessError),
}

impl core::fmt::Display for BenchError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            BenchError::Spawn(e) => write!(f, "{e}"),
            BenchError::Process(e) => write!(f, "{e}"),
        }
    }
}

fn ping_pong(
    rounds: usize,
    start: impl Fn(usize) -> Result<u32, BenchError>,
) -> Result<SwitchCost, BenchError> {
    reset();
    let trace = sched::trace_enabled();
    sched::set_trace(false);
    let a = start(rounds);
    let b = start(rounds);
    for t in [&a, &b].into_iter().flatten() {
        let _ = sched::join(*t);
    }
    sched::set_trace(trace);
    a?;
    b?;
    Ok(result())
}
