//! Scheduling policies: which ready thread runs next, and for how long.
//!
//! The scheduler (`sched/mod.rs`) owns the threads and does the switching;
//! a [`Policy`] only orders the ready ones. It hears when a thread becomes
//! ready ([`Policy::enqueue`]), is asked for the next one
//! ([`Policy::pick_next`]), and is told how long a thread ran when it stops
//! ([`Policy::charge`]). Two policies ship, chosen with `sched=` on the
//! kernel command line:
//!
//! - [`RoundRobin`] (`sched=rr`, the default): one FIFO queue; a thread runs
//!   for a time slice that grows with its priority (lower nice = longer
//!   slice), then goes to the back. A thread's share of the CPU is its
//!   slice over the sum of the slices.
//! - [`Stride`] (`sched=stride`): every thread has a weight from its nice
//!   value and a "pass" that advances by the time it ran divided by its
//!   weight; the lowest pass runs next, for one tick at a time. Shares
//!   follow the weights, whatever the slice lengths.
//!
//! This file uses only `core` and `alloc`, so the host runs the same code in
//! `kernel/runner/tests/policy.rs`.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

pub type Tid = u32;

/// Nice values: -5 (most CPU) ..= 5 (least). 0 is the default.
pub const NICE_MIN: i8 = -5;
pub const NICE_MAX: i8 = 5;

/// Relative CPU weight per nice value (each step is about 1.25x, the same
/// ratio Linux's CFS uses); index 0 is nice -5.
const WEIGHTS: [u64; 11] = [3121, 2501, 1991, 1586, 1277, 1024, 820, 655, 526, 423, 335];

pub fn weight(nice: i8) -> u64 {
    WEIGHTS[(nice.clamp(NICE_MIN, NICE_MAX) - NICE_MIN) as usize]
}

pub trait Policy: Send {
    /// The name used on the command line and shown by `sched`.
    fn name(&self) -> &'static str;
    /// `tid` became ready: new, woken up, or preempted.
    fn enqueue(&mut self, tid: Tid, nice: i8);
    /// Takes `tid` out of the ready set (it was killed while waiting).
    fn remove(&mut self, tid: Tid);
    /// Chooses and removes the next thread to run; `None` when none is ready.
    fn pick_next(&mut self) -> Option<Tid>;
    /// Whether any thread is ready.
    fn has_ready(&self) -> bool;
    /// How many timer ticks a thread with this nice value may run before it
    /// is preempted (if another thread is ready).
    fn slice_ticks(&self, nice: i8) -> u32;
    /// `tid` stopped running after `cycles` TSC cycles on the CPU.
    fn charge(&mut self, tid: Tid, nice: i8, cycles: u64);
    /// `tid` is gone for good; drop anything kept about it.
    fn forget(&mut self, tid: Tid);
}

/// Round robin with a time slice per priority.
#[derive(Default)]
pub struct RoundRobin {
    queue: VecDeque<Tid>,
}

impl RoundRobin {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Slice in ticks per nice value (index 0 is nice -5): 4 ticks at nice 0.
const RR_SLICES: [u32; 11] = [12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 1];

impl Policy for RoundRobin {
    fn name(&self) -> &'static str {
        "rr"
    }

    fn enqueue(&mut self, tid: Tid, _nice: i8) {
        if !self.queue.contains(&tid) {
            self.queue.push_back(tid);
        }
    }

    fn remove(&mut self, tid: Tid) {
        self.queue.retain(|&t| t != tid);
    }

    fn pick_next(&mut self) -> Option<Tid> {
        self.queue.pop_front()
    }

    fn has_ready(&self) -> bool {
        !self.queue.is_empty()
    }

    fn slice_ticks(&self, nice: i8) -> u32 {
        RR_SLICES[(nice.clamp(NICE_MIN, NICE_MAX) - NICE_MIN) as usize]
    }

    fn charge(&mut self, _tid: Tid, _nice: i8, _cycles: u64) {}

    fn forget(&mut self, tid: Tid) {
        self.remove(tid);
    }
}

/// Stride scheduling (a deterministic cousin of lottery scheduling): the
/// ready thread with the smallest pass runs; running advances the pass by
/// `cycles * 1024 / weight`, so heavier threads advance more slowly and run
/// more often.
#[derive(Default)]
pub struct Stride {
    /// (tid, pass) of every thread the policy has seen and not forgotten.
    passes: Vec<(Tid, u64)>,
    ready: Vec<Tid>,
    /// The thread last handed out by `pick_next` (it is on the CPU, or has
    /// just come back from it).
    running: Option<Tid>,
}

impl Stride {
    pub fn new() -> Self {
        Self::default()
    }

    fn pass(&self, tid: Tid) -> Option<u64> {
        self.passes.iter().find(|p| p.0 == tid).map(|p| p.1)
    }

    /// The smallest pass among the ready and the running thread: a thread
    /// that slept does not get to catch up on all the time it was away (it
    /// starts from here).
    fn floor(&self) -> u64 {
        self.ready
            .iter()
            .chain(self.running.iter())
            .filter_map(|&t| self.pass(t))
            .min()
            .unwrap_or(0)
    }
}

impl Policy for Stride {
    fn name(&self) -> &'static str {
        "stride"
    }

    fn enqueue(&mut self, tid: Tid, _nice: i8) {
        if self.ready.contains(&tid) {
            return;
        }
        if self.running == Some(tid) {
            // Preempted or yielding: it keeps its pass.
            self.running = None;
        } else {
            // New or woken up: start from the current floor.
            let floor = self.floor();
            match self.passes.iter_mut().find(|p| p.0 == tid) {
                Some(p) => p.1 = p.1.max(floor),
                None => self.passes.push((tid, floor)),
            }
        }
        self.ready.push(tid);
    }

    fn remove(&mut self, tid: Tid) {
        self.ready.retain(|&t| t != tid);
    }

    fn pick_next(&mut self) -> Option<Tid> {
        // Lowest pass first; ties go to the thread queued earliest.
        let (i, _) = self
            .ready
            .iter()
            .enumerate()
            .min_by_key(|&(i, &t)| (self.pass(t).unwrap_or(0), i))?;
        let tid = self.ready.remove(i);
        self.running = Some(tid);
        Some(tid)
    }

    fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    fn slice_ticks(&self, _nice: i8) -> u32 {
        1
    }

    fn charge(&mut self, tid: Tid, nice: i8, cycles: u64) {
        let step = cycles.saturating_mul(1024) / weight(nice);
        if let Some(p) = self.passes.iter_mut().find(|p| p.0 == tid) {
            p.1 = p.1.saturating_add(step.max(1));
        }
    }

    fn forget(&mut self, tid: Tid) {
        self.remove(tid);
        self.passes.retain(|p| p.0 != tid);
        if self.running == Some(tid) {
            self.running = None;
        }
    }
}

/// The policy named on the command line, or `None` for an unknown name.
pub fn by_name(name: &str) -> Option<alloc::boxed::Box<dyn Policy>> {
    match name {
        "rr" => Some(alloc::boxed::Box::new(RoundRobin::new())),
        "stride" => Some(alloc::boxed::Box::new(Stride::new())),
        _ => None,
    }
}
