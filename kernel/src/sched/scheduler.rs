//! The scheduler: the thread table, the switch decision, and the calls
//! threads make (spawn, yield, sleep, exit, join, block, wake).
//!
//! One `IrqLock` guards all of it. Every path that may switch threads runs
//! with interrupts off from the decision to the switch (an [`IrqOff`] on the
//! caller's side), so on our single CPU nothing can slip in between "this
//! thread now waits" and "another thread runs": a wake-up can never be lost.
//!
//! Flow of a switch ([`switch_away`]): charge the running thread for its
//! time, give it back to the policy if it is still runnable, ask the policy
//! for the next thread (or take the idle thread), and `switch_context` to
//! it. The thread that resumes runs [`finish_switch`] first, which frees the
//! stack of a thread that has just exited (it could not free its own stack
//! while standing on it).
//!
//! The timer interrupt calls [`on_tick`]: it wakes sleepers and preempts the
//! running thread when its time slice is used up and another thread is
//! ready. Context switches are therefore both voluntary (yield, sleep,
//! block, exit) and forced (preempt).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::memory::stacks::{self, Stack, StackError};
use crate::process::AddressSpace;
use crate::sched::policy::{NICE_MAX, NICE_MIN, Policy, Tid};
use crate::sched::switch::{initial_stack, switch_context};
use crate::sched::thread::{Kind, State, Thread, ThreadInfo};
use crate::sync::{IrqLock, IrqOff};
use crate::{cpu, gdt};
use crate::{time, timer};

/// Kernel thread stacks: 32 KiB above a guard page.
pub const THREAD_STACK_PAGES: u64 = 8;

/// Why the running thread gave up the CPU (shown in the trace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Preempt,
    Yield,
    Sleep,
    Block,
    Exit,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Preempt => "preempt",
            Reason::Yield => "yield",
            Reason::Sleep => "sleep",
            Reason::Block => "block",
            Reason::Exit => "exit",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpawnError {
    NotStarted,
    Stack(StackError),
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            SpawnError::NotStarted => write!(f, "the scheduler is not running yet"),
            SpawnError::Stack(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadError {
    NoSuchThread(Tid),
    /// A thread cannot join or kill itself.
    Itself(Tid),
    AlreadyJoined(Tid),
    /// Kernel threads may hold locks; only user processes can be killed.
    NotKillable(Tid),
    NiceOutOfRange(i64),
}

impl fmt::Display for ThreadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ThreadError::NoSuchThread(t) => write!(f, "no thread with pid {t}"),
            ThreadError::Itself(t) => write!(f, "pid {t} is the calling thread"),
            ThreadError::AlreadyJoined(t) => write!(f, "pid {t} already has a joiner"),
            ThreadError::NotKillable(t) => write!(
                f,
                "pid {t} is a kernel thread; only user processes can be killed"
            ),
            ThreadError::NiceOutOfRange(n) => {
                write!(f, "nice {n} is outside {NICE_MIN}..={NICE_MAX}")
            }
        }
    }
}

struct Scheduler {
    /// Boxed so a thread's `rsp` field keeps its address while the vector
    /// grows (`switch_context` writes through a pointer to it).
    #[allow(clippy::vec_box)]
    threads: Vec<Box<Thread>>,
    current: Tid,
    idle: Tid,
    policy: Box<dyn Policy>,
    next_tid: Tid,
    switches: u64,
    preemptions: u64,
    /// Stacks and address spaces of exited threads, freed by the next
    /// thread to run.
    reap: Vec<(Option<Stack>, Option<AddressSpace>)>,
}

impl Scheduler {
    fn index(&self, tid: Tid) -> Option<usize> {
        self.threads.iter().position(|t| t.tid == tid)
    }

    fn get(&mut self, tid: Tid) -> Option<&mut Thread> {
        self.threads
            .iter_mut()
            .find(|t| t.tid == tid)
            .map(|b| &mut **b)
    }

    /// Makes a waiting thread ready; false if it was not waiting.
    fn wake(&mut self, tid: Tid) -> bool {
        let Some(t) = self.get(tid) else {
            return false;
        };
        if !matches!(t.state, State::Blocked | State::Sleeping { .. }) {
            return false;
        }
        t.state = State::Ready;
        let nice = t.nice;
        self.policy.enqueue(tid, nice);
        true
    }
}

static SCHED: IrqLock<Option<Scheduler>> = IrqLock::new(None);
static TRACE: AtomicBool = AtomicBool::new(false);
/// Mirrors `Scheduler::current` for lock-free reads (`current()`).
static CURRENT: AtomicU64 = AtomicU64::new(0);

/// Turns the running boot code into thread "main", creates the idle
/// thread, and starts scheduling with `policy`. Called once, before
/// interrupts are enabled.
pub fn init(policy: Box<dyn Policy>) -> Result<(), SpawnError> {
    let idle_stack = stacks::allocate("idle", 4).map_err(SpawnError::Stack)?;
    // SAFETY: a fresh, mapped, unused stack; `idle_loop` has the
    // `fn(usize) -> i64` type that `thread_start` calls entries with.
    let entry: fn(usize) -> i64 = idle_loop;
    let idle_rsp = unsafe { initial_stack(idle_stack.top, entry as *const () as u64, 0) };
    let now = cpu::rdtsc();
    let main = Thread {
        tid: 1,
        name: String::from("main"),
        kind: Kind::Kernel,
        state: State::Running,
        nice: 0,
        rsp: 0,
        stack: None,
        runtime: 0,
        switches: 1,
        preemptions: 0,
        since: now,
        slice_left: policy.slice_ticks(0),
        joiner: None,
        detached: true,
        killed: false,
        space: None,
    };
    let idle = Thread {
        tid: 0,
        name: String::from("idle"),
        kind: Kind::Idle,
        state: State::Ready,
        nice: NICE_MAX,
        rsp: idle_rsp,
        stack: Some(idle_stack),
        runtime: 0,
        switches: 0,
        preemptions: 0,
        since: now,
        slice_left: 1,
        joiner: None,
        detached: true,
        killed: false,
        space: None,
    };
    let mut threads = Vec::with_capacity(16);
    threads.push(Box::new(idle));
    threads.push(Box::new(main));
    *SCHED.lock() = Some(Scheduler {
        threads,
        current: 1,
        idle: 0,
        policy,
        next_tid: 2,
        switches: 0,
        preemptions: 0,
        reap: Vec::new(),
    });
    CURRENT.store(1, Ordering::SeqCst);
    Ok(())
}

/// The idle thread: halts until an interrupt, and gives the CPU away as
/// soon as anything is ready. Never returns.
fn idle_loop(_: usize) -> i64 {
    loop {
        cpu::disable_interrupts();
        let ready = SCHED.lock().as_ref().is_some_and(|s| s.policy.has_ready());
        if ready {
            switch_away(Reason::Yield, |_| {});
        } else {
            // Atomically enable and halt: a wake-up that arrives right now
            // still ends the halt.
            cpu::enable_interrupts_and_halt();
        }
    }
}

/// The thread running now (1 = main, 0 = idle).
pub fn current() -> Tid {
    CURRENT.load(Ordering::SeqCst) as Tid
}

pub fn is_running() -> bool {
    SCHED.lock().is_some()
}

/// Options for [`spawn`].
#[derive(Clone, Copy, Debug)]
pub struct Spawn {
    pub nice: i8,
    /// Drop the thread's record as soon as it exits (nobody will join).
    pub detached: bool,
    pub kind: Kind,
}

impl Default for Spawn {
    fn default() -> Self {
        Spawn {
            nice: 0,
            detached: false,
            kind: Kind::Kernel,
        }
    }
}

/// Starts a kernel thread that runs `entry(arg)` and exits with its result.
pub fn spawn(
    name: &str,
    entry: fn(usize) -> i64,
    arg: usize,
    opts: Spawn,
) -> Result<Tid, SpawnError> {
    spawn_with_space(name, entry, arg, opts, None)
}

/// Like [`spawn`], with an address space that the scheduler loads whenever
/// the thread runs (a user process; see `process`).
pub fn spawn_with_space(
    name: &str,
    entry: fn(usize) -> i64,
    arg: usize,
    opts: Spawn,
    space: Option<AddressSpace>,
) -> Result<Tid, SpawnError> {
    if !is_running() {
        return Err(SpawnError::NotStarted);
    }
    let stack = stacks::allocate("thread", THREAD_STACK_PAGES).map_err(SpawnError::Stack)?;
    // SAFETY: a fresh, mapped, unused stack; the trampoline hands `entry`
    // and `arg` to `thread_start`.
    let rsp = unsafe { initial_stack(stack.top, entry as *const () as u64, arg as u64) };
    let nice = opts.nice.clamp(NICE_MIN, NICE_MAX);
    let _irq = IrqOff::new();
    let mut guard = SCHED.lock();
    let Some(s) = guard.as_mut() else {
        drop(guard);
        // SAFETY: the stack was never used.
        unsafe { stacks::free(&stack) };
        return Err(SpawnError::NotStarted);
    };
    let tid = s.next_tid;
    s.next_tid += 1;
    s.threads.push(Box::new(Thread {
        tid,
        name: String::from(name),
        kind: opts.kind,
        state: State::Ready,
        nice,
        rsp,
        stack: Some(stack),
        runtime: 0,
        switches: 0,
        preemptions: 0,
        since: 0,
        slice_left: 0,
        joiner: None,
        detached: opts.detached,
        killed: false,
        space,
    }));
    s.policy.enqueue(tid, nice);
    if TRACE.load(Ordering::Relaxed) {
        trace_thread(tid, opts.kind, nice, name);
    }
    Ok(tid)
}

/// Where every new thread starts (called by `thread_trampoline`).
#[unsafe(no_mangle)]
extern "C" fn thread_start(entry: usize, arg: usize) -> ! {
    finish_switch();
    cpu::enable_interrupts();
    // SAFETY: `entry` was made from a `fn(usize) -> i64` in `spawn`.
    let f: fn(usize) -> i64 = unsafe { core::mem::transmute(entry) };
    let code = f(arg);
    exit(code)
}

/// Gives the CPU to another ready thread, if there is one.
pub fn yield_now() {
    switch_away(Reason::Yield, |_| {});
}

/// Sleeps for at least `ms` milliseconds (rounded up to whole timer ticks).
pub fn sleep_ms(ms: u64) {
    let hz = timer::rate_hz().max(1) as u64;
    let ticks = (ms * hz).div_ceil(1000).max(1);
    let until = timer::ticks() + ticks;
    switch_away(Reason::Sleep, |t| t.state = State::Sleeping { until });
}

/// Blocks the calling thread until someone calls [`wake`] on it. The caller
/// must have interrupts off from the moment it registered itself somewhere
/// a waker will find it (a wait queue), so the wake cannot come too early.
pub fn block_current() {
    switch_away(Reason::Block, |t| t.state = State::Blocked);
}

/// Makes a blocked or sleeping thread ready. Returns false if `tid` was not
/// waiting (already running, exited, or unknown). Safe in interrupt handlers.
pub fn wake(tid: Tid) -> bool {
    SCHED.lock().as_mut().is_some_and(|s| s.wake(tid))
}

/// Ends the calling thread with `code`.
pub fn exit(code: i64) -> ! {
    let _irq = IrqOff::new();
    {
        let mut guard = SCHED.lock();
        if let Some(s) = guard.as_mut() {
            let cur = s.current;
            let joiner = s.get(cur).and_then(|t| t.joiner);
            if let Some(j) = joiner {
                s.wake(j);
            }
            if TRACE.load(Ordering::Relaxed) {
                kprintln!("%sched {} exit {} {}", time::uptime_us(), cur, code);
            }
        }
    }
    switch_away(Reason::Exit, |t| t.state = State::Exited { code });
    // Nothing switches back to an exited thread.
    cpu::halt_forever()
}

/// Waits for thread `tid` to exit and returns its exit code.
pub fn join(tid: Tid) -> Result<i64, ThreadError> {
    let me = current();
    if tid == me {
        return Err(ThreadError::Itself(tid));
    }
    loop {
        let _irq = IrqOff::new();
        {
            let mut guard = SCHED.lock();
            let Some(s) = guard.as_mut() else {
                return Err(ThreadError::NoSuchThread(tid));
            };
            let Some(i) = s.index(tid) else {
                return Err(ThreadError::NoSuchThread(tid));
            };
            let t = &mut s.threads[i];
            if t.detached {
                return Err(ThreadError::NoSuchThread(tid));
            }
            if let State::Exited { code } = t.state {
                s.threads.remove(i);
                s.policy.forget(tid);
                return Ok(code);
            }
            match t.joiner {
                Some(j) if j != me => return Err(ThreadError::AlreadyJoined(tid)),
                _ => t.joiner = Some(me),
            }
        }
        block_current();
    }
}

/// Marks a user process to be stopped. It exits the next time it would
/// return to user mode (a sleeping one is woken for that).
pub fn kill(tid: Tid) -> Result<(), ThreadError> {
    if tid == current() {
        return Err(ThreadError::Itself(tid));
    }
    let mut guard = SCHED.lock();
    let s = guard.as_mut().ok_or(ThreadError::NoSuchThread(tid))?;
    let t = s.get(tid).ok_or(ThreadError::NoSuchThread(tid))?;
    if matches!(t.state, State::Exited { .. }) {
        return Err(ThreadError::NoSuchThread(tid));
    }
    if t.kind != Kind::User {
        return Err(ThreadError::NotKillable(tid));
    }
    t.killed = true;
    s.wake(tid);
    Ok(())
}

/// Whether the calling thread has been asked to stop.
pub fn current_killed() -> bool {
    let cur = current();
    SCHED
        .lock()
        .as_mut()
        .and_then(|s| s.get(cur).map(|t| t.killed))
        .unwrap_or(false)
}

/// The calling process's user entry point and argument.
pub fn current_user_entry() -> Option<(u64, u64)> {
    let cur = current();
    let mut guard = SCHED.lock();
    let t = guard.as_mut()?.get(cur)?;
    t.space.as_ref().map(|s| (s.entry, s.arg))
}

/// Changes a thread's nice value (-5 = most CPU .. 5 = least).
pub fn set_nice(tid: Tid, nice: i64) -> Result<(), ThreadError> {
    if !(NICE_MIN as i64..=NICE_MAX as i64).contains(&nice) {
        return Err(ThreadError::NiceOutOfRange(nice));
    }
    let mut guard = SCHED.lock();
    let s = guard.as_mut().ok_or(ThreadError::NoSuchThread(tid))?;
    let t = s.get(tid).ok_or(ThreadError::NoSuchThread(tid))?;
    if t.kind == Kind::Idle || matches!(t.state, State::Exited { .. }) {
        return Err(ThreadError::NoSuchThread(tid));
    }
    t.nice = nice as i8;
    if TRACE.load(Ordering::Relaxed) {
        kprintln!("%sched {} nice {} {}", time::uptime_us(), tid, nice);
    }
    Ok(())
}

/// All threads, for `ps` and the tests (runtime of the running thread is
/// brought up to date first).
pub fn threads() -> Vec<ThreadInfo> {
    let now = cpu::rdtsc();
    let mut guard = SCHED.lock();
    let Some(s) = guard.as_mut() else {
        return Vec::new();
    };
    let cur = s.current;
    s.threads
        .iter()
        .map(|t| {
            let mut i = t.info();
            if t.tid == cur {
                i.runtime += now.saturating_sub(t.since);
            }
            i
        })
        .collect()
}

pub fn thread(tid: Tid) -> Option<ThreadInfo> {
    threads().into_iter().find(|t| t.tid == tid)
}

/// Scheduler-wide counters for the `sched` command.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub policy: &'static str,
    pub switches: u64,
    pub preemptions: u64,
    pub threads: usize,
}

pub fn stats() -> Option<Stats> {
    SCHED.lock().as_ref().map(|s| Stats {
        policy: s.policy.name(),
        switches: s.switches,
        preemptions: s.preemptions,
        threads: s.threads.len(),
    })
}

/// Turns the serial scheduling trace on or off. Turning it on first lists
/// every live thread, so a reader knows all the lanes.
pub fn set_trace(on: bool) {
    let was = TRACE.swap(on, Ordering::SeqCst);
    if on && !was {
        for t in threads() {
            if !matches!(t.state, State::Exited { .. }) {
                trace_thread(t.tid, t.kind, t.nice, &t.name);
            }
        }
        kprintln!("%sched {} running {}", time::uptime_us(), current());
    }
}

pub fn trace_enabled() -> bool {
    TRACE.load(Ordering::Relaxed)
}

fn trace_thread(tid: Tid, kind: Kind, nice: i8, name: &str) {
    kprintln!(
        "%sched {} thread {} {} {} {}",
        time::uptime_us(),
        tid,
        kind.name(),
        nice,
        name
    );
}

/// Timer interrupt: wakes sleepers whose time has come and preempts the
/// running thread when its slice is used up and someone else is ready.
/// Called after the EOI, with interrupts off.
pub fn on_tick(tick: u64) {
    let (preempt, idle_running) = {
        let mut guard = SCHED.lock();
        let Some(s) = guard.as_mut() else {
            return;
        };
        // Wake sleepers whose tick has come (no allocation here: this
        // runs in the interrupt handler).
        while let Some(tid) = s
            .threads
            .iter()
            .find(|t| matches!(t.state, State::Sleeping { until } if until <= tick))
            .map(|t| t.tid)
        {
            s.wake(tid);
        }
        let cur = s.current;
        let idle = s.idle;
        let ready = s.policy.has_ready();
        let preempt = match s.get(cur) {
            _ if cur == idle => ready,
            Some(t) => {
                t.slice_left = t.slice_left.saturating_sub(1);
                t.slice_left == 0 && ready
            }
            None => ready,
        };
        (preempt, cur == idle)
    };
    if preempt && idle_running {
        // Idle steps aside for a woken thread: not a preemption.
        switch_away(Reason::Yield, |_| {});
    } else if preempt {
        switch_away(Reason::Preempt, |t| t.preemptions += 1);
    }
}

/// The heart of the scheduler: `update` changes the running thread's record
/// (its new state), then the next thread is chosen and switched to. Returns
/// when the calling thread runs again (never, for an exited one).
pub fn switch_away(reason: Reason, update: impl FnOnce(&mut Thread)) {
    let _irq = IrqOff::new();
    let switch = {
        let mut guard = SCHED.lock();
        let Some(s) = guard.as_mut() else {
            return;
        };
        let now = cpu::rdtsc();
        let cur_tid = s.current;
        let idle = s.idle;
        let Some(cur) = s.get(cur_tid) else {
            return;
        };
        update(cur);
        let ran = now.saturating_sub(cur.since);
        cur.runtime += ran;
        let (nice, state) = (cur.nice, cur.state);
        if cur_tid != idle {
            s.policy.charge(cur_tid, nice, ran);
        }
        let mut preempted = false;
        if state == State::Running {
            if let Some(cur) = s.get(cur_tid) {
                cur.state = State::Ready;
            }
            if cur_tid != idle {
                s.policy.enqueue(cur_tid, nice);
            }
            preempted = reason == Reason::Preempt;
        }
        let next_tid = s.policy.pick_next().unwrap_or(idle);
        if preempted && next_tid != cur_tid {
            s.preemptions += 1;
        }
        let slice = |p: &dyn Policy, nice| p.slice_ticks(nice);
        if next_tid == cur_tid {
            let slice = slice(&*s.policy, nice);
            if let Some(cur) = s.get(cur_tid) {
                cur.state = State::Running;
                cur.since = now;
                cur.slice_left = slice;
            }
            None
        } else {
            let next_nice = s.get(next_tid).map(|t| t.nice).unwrap_or(0);
            let next_slice = slice(&*s.policy, next_nice);
            let Some(next) = s.get(next_tid) else {
                return;
            };
            next.state = State::Running;
            next.since = now;
            next.switches += 1;
            next.slice_left = next_slice;
            let new_rsp = next.rsp;
            // The next thread's address space (the kernel's for kernel
            // threads) and, for interrupts from ring 3, its kernel stack.
            let cr3 = next
                .space
                .as_ref()
                .map(|sp| sp.pml4())
                .unwrap_or_else(crate::memory::kernel_space::kernel_pml4);
            if let Some(stack) = &next.stack {
                gdt::set_kernel_stack(stack.top);
            }
            if cr3 != 0 && cpu::read_cr3() & !0xFFF != cr3 {
                // SAFETY: every address space maps the kernel (slot 0 and
                // the upper half are shared), so this code, its stack and
                // the scheduler's data stay mapped across the switch.
                unsafe { cpu::write_cr3(cr3) };
            }
            s.switches += 1;
            s.current = next_tid;
            CURRENT.store(next_tid as u64, Ordering::SeqCst);
            if TRACE.load(Ordering::Relaxed) {
                kprintln!(
                    "%sched {} switch {} {} {}",
                    time::uptime_us(),
                    cur_tid,
                    next_tid,
                    reason.name()
                );
            }
            let dead = match s.get(cur_tid) {
                Some(cur) if matches!(cur.state, State::Exited { .. }) => {
                    Some((cur.stack.take(), cur.space.take()))
                }
                _ => None,
            };
            s.reap.extend(dead);
            let Some(cur) = s.get(cur_tid) else {
                return;
            };
            let old_rsp: *mut u64 = &mut cur.rsp;
            Some((old_rsp, new_rsp))
        }
    };
    if let Some((old_rsp, new_rsp)) = switch {
        // SAFETY: interrupts are off (IrqOff above); `new_rsp` was saved by
        // switch_context or built by initial_stack for a thread that is not
        // running; `old_rsp` points into our boxed record, which stays put
        // until we are reaped, and reaping happens only after this switch.
        unsafe { switch_context(old_rsp, new_rsp) };
        finish_switch();
    }
}

/// First thing a thread does after being switched to: free the stacks of
/// threads that exited (nobody stands on them any more) and drop the
/// records of detached ones.
fn finish_switch() {
    let (stacks_to_free, gone) = {
        let mut guard = SCHED.lock();
        let Some(s) = guard.as_mut() else {
            return;
        };
        let stacks_to_free = core::mem::take(&mut s.reap);
        let gone: Vec<Tid> = s
            .threads
            .iter()
            .filter(|t| t.detached && matches!(t.state, State::Exited { .. }))
            .map(|t| t.tid)
            .collect();
        for &tid in &gone {
            s.policy.forget(tid);
        }
        s.threads
            .retain(|t| !(t.detached && matches!(t.state, State::Exited { .. })));
        (stacks_to_free, gone)
    };
    drop(gone);
    for (stack, space) in stacks_to_free {
        if let Some(stack) = stack {
            // SAFETY: the owner exited and we have switched off its stack.
            unsafe { stacks::free(&stack) };
        }
        // Dropping the space returns its frames; CR3 was switched away
        // from it before we got here.
        drop(space);
    }
}
