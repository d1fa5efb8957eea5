//! In-kernel tests of threads and scheduling. They measure CPU shares with
//! the scheduler's own accounting (TSC cycles per thread) and time with the
//! timer tick, never with the host's clock.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::{TestResult, ensure};
use crate::memory::stacks;
use crate::sched::thread::State;
use crate::sched::{self, Spawn, ThreadError};
use crate::sync::Mutex;
use crate::{demo, timer};

fn square_plus(arg: usize) -> i64 {
    let mut x = arg as i64 * arg as i64;
    for _ in 0..3 {
        sched::yield_now();
        x += 1;
    }
    x
}

/// Threads start with their argument, yield, return a value that join
/// hands back, and leave no stack behind.
pub fn threads_run_and_join() -> TestResult {
    let stacks_before = stacks::count();
    let mut tids = Vec::new();
    for arg in [3usize, 5, 7] {
        match sched::spawn("square", square_plus, arg, Spawn::default()) {
            Ok(t) => tids.push((t, arg)),
            Err(e) => ensure!(false, "spawn: {e}"),
        }
    }
    ensure!(
        stacks::count() == stacks_before + 3,
        "{} stacks, expected {}",
        stacks::count(),
        stacks_before + 3
    );
    for (tid, arg) in tids.iter().copied() {
        let code = sched::join(tid);
        ensure!(
            code == Ok((arg * arg) as i64 + 3),
            "thread {tid} returned {code:?}"
        );
        ensure!(
            sched::thread(tid).is_none(),
            "record of {tid} kept after join"
        );
    }
    ensure!(
        sched::join(tids[0].0) == Err(ThreadError::NoSuchThread(tids[0].0)),
        "joining a joined thread accepted"
    );
    ensure!(
        sched::join(sched::current()) == Err(ThreadError::Itself(sched::current())),
        "joining oneself accepted"
    );
    // The last exited thread's stack is freed by whoever ran after it.
    sched::yield_now();
    ensure!(
        stacks::count() == stacks_before,
        "stacks leaked: {} now, {} before",
        stacks::count(),
        stacks_before
    );
    Ok(())
}

/// `sleep(ms)` returns after the requested number of ticks and at most two
/// ticks later.
pub fn sleep_wakes_on_time() -> TestResult {
    let hz = timer::rate_hz() as u64;
    for ms in [10u64, 30, 50] {
        let want = (ms * hz).div_ceil(1000);
        let start = timer::ticks();
        sched::sleep_ms(ms);
        let slept = timer::ticks() - start;
        ensure!(
            slept >= want && slept <= want + 2,
            "sleep({ms}) took {slept} ticks, want {want}..={}",
            want + 2
        );
    }
    Ok(())
}

static HOG_COUNT: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];
static HOG_STOP: AtomicBool = AtomicBool::new(false);

/// A CPU-bound thread: counts until told to stop, never yields.
fn hog(i: usize) -> i64 {
    while !HOG_STOP.load(Ordering::Relaxed) {
        HOG_COUNT[i].fetch_add(1, Ordering::Relaxed);
        core::hint::spin_loop();
    }
    0
}

/// Runs two hogs with the given nice values while main sleeps `ms`; returns
/// their (runtime cycles, counts).
fn run_hogs(nice: [i8; 2], ms: u64) -> Result<[(u64, u64); 2], ()> {
    HOG_STOP.store(false, Ordering::SeqCst);
    for c in &HOG_COUNT {
        c.store(0, Ordering::SeqCst);
    }
    let mut tids = [0; 2];
    for i in 0..2 {
        let opts = Spawn {
            nice: nice[i],
            ..Spawn::default()
        };
        match sched::spawn("hog", hog, i, opts) {
            Ok(t) => tids[i] = t,
            Err(e) => {
                error!(Test, "spawn: {e}");
                return Err(());
            }
        }
    }
    sched::sleep_ms(ms);
    let infos = [sched::thread(tids[0]), sched::thread(tids[1])];
    HOG_STOP.store(true, Ordering::SeqCst);
    for t in tids {
        let _ = sched::join(t);
    }
    let mut out = [(0, 0); 2];
    for i in 0..2 {
        let Some(info) = &infos[i] else {
            error!(Test, "hog {} vanished", tids[i]);
            return Err(());
        };
        out[i] = (info.runtime, HOG_COUNT[i].load(Ordering::SeqCst));
    }
    Ok(out)
}

/// Two CPU-bound threads that never yield both make progress: only the
/// timer's preemption can give the second one the CPU.
pub fn two_hogs_both_progress() -> TestResult {
    let preempt_before = sched::stats().map(|s| s.preemptions).unwrap_or(0);
    let [(r0, c0), (r1, c1)] = run_hogs([0, 0], 300)?;
    info!(
        Test,
        "equal hogs: runtime {r0} / {r1} cycles, counts {c0} / {c1}"
    );
    ensure!(c0 > 0 && c1 > 0, "a hog never ran: counts {c0} / {c1}");
    let total = r0 + r1;
    ensure!(
        r0 * 4 > total && r1 * 4 > total,
        "unfair split of equal hogs: {r0} / {r1} cycles"
    );
    let preempted = sched::stats().map(|s| s.preemptions).unwrap_or(0) - preempt_before;
    ensure!(preempted >= 4, "only {preempted} preemptions");
    Ok(())
}

/// A higher priority (lower nice) gets a larger share, in both policies.
pub fn nice_shifts_shares() -> TestResult {
    let [(hi, _), (lo, _)] = run_hogs([-3, 3], 600)?;
    info!(
        Test,
        "nice -3 vs nice 3: runtime {hi} / {lo} cycles ({}%)",
        hi * 100 / (hi + lo).max(1)
    );
    ensure!(
        hi * 2 > lo * 3,
        "nice -3 got {hi} cycles, nice 3 got {lo}: expected at least 1.5x"
    );
    Ok(())
}

/// With every other thread asleep, the idle thread runs (and halts).
pub fn idle_runs_when_all_sleep() -> TestResult {
    let idle_before = sched::thread(0).map(|t| (t.switches, t.runtime));
    sched::sleep_ms(50);
    let idle_after = sched::thread(0).map(|t| (t.switches, t.runtime));
    let (Some((s0, r0)), Some((s1, r1))) = (idle_before, idle_after) else {
        ensure!(false, "no idle thread");
        unreachable!()
    };
    ensure!(s1 > s0, "idle was not switched to while main slept");
    ensure!(r1 > r0, "idle got no CPU time");
    ensure!(
        sched::thread(0).is_some_and(|t| matches!(t.state, State::Ready)),
        "idle is not ready while main runs"
    );
    Ok(())
}

static DEMO_MUTEX: Mutex<u64> = Mutex::new(0);
static WAITER_GOT: AtomicU64 = AtomicU64::new(0);

fn mutex_waiter(_: usize) -> i64 {
    let mut g = DEMO_MUTEX.lock();
    *g += 1;
    WAITER_GOT.store(timer::ticks(), Ordering::SeqCst);
    0
}

/// A thread waiting for a mutex is blocked, not spinning: while main holds
/// the mutex and keeps the CPU busy for 20 ticks, the waiter gets (almost)
/// no CPU time and is not switched to at all.
pub fn mutex_waiter_blocks_without_cpu() -> TestResult {
    WAITER_GOT.store(0, Ordering::SeqCst);
    let guard = DEMO_MUTEX.lock();
    let tid = match sched::spawn("waiter", mutex_waiter, 0, Spawn::default()) {
        Ok(t) => t,
        Err(e) => {
            ensure!(false, "spawn: {e}");
            unreachable!()
        }
    };
    // Let the waiter run into the locked mutex.
    sched::yield_now();
    let before = sched::thread(tid);
    let main_before = sched::thread(sched::current())
        .map(|t| t.runtime)
        .unwrap_or(0);
    let start = timer::ticks();
    while timer::ticks() < start + 20 {
        core::hint::spin_loop();
    }
    let after = sched::thread(tid);
    let main_ran = sched::thread(sched::current())
        .map(|t| t.runtime)
        .unwrap_or(0)
        - main_before;
    let (waiting, contended) = DEMO_MUTEX.waiters();
    let second = DEMO_MUTEX.try_lock().is_some();
    drop(guard);
    ensure!(!second, "try_lock succeeded on a held mutex");
    let joined = sched::join(tid);
    let (Some(b), Some(a)) = (before, after) else {
        ensure!(false, "waiter vanished");
        unreachable!()
    };
    info!(
        Test,
        "waiter while blocked: {} cycles, {} switches; main: {} cycles",
        a.runtime - b.runtime,
        a.switches - b.switches,
        main_ran
    );
    ensure!(b.state == State::Blocked, "waiter state {:?}", b.state);
    ensure!(
        a.state == State::Blocked,
        "waiter state {:?} later",
        a.state
    );
    ensure!(
        waiting == 1 && contended >= 1,
        "queue {waiting}, contended {contended}"
    );
    ensure!(
        a.switches == b.switches,
        "the blocked waiter was switched to {} times",
        a.switches - b.switches
    );
    ensure!(
        (a.runtime - b.runtime) * 100 < main_ran,
        "the waiter burned {} cycles while main ran {main_ran}",
        a.runtime - b.runtime
    );
    ensure!(joined == Ok(0), "waiter ended {joined:?}");
    ensure!(
        WAITER_GOT.load(Ordering::SeqCst) >= start + 20,
        "the waiter got the mutex while main held it"
    );
    Ok(())
}

static COUNTER: Mutex<u64> = Mutex::new(0);

fn incrementer(n: usize) -> i64 {
    for _ in 0..n {
        let mut g = COUNTER.lock();
        let v = *g;
        // Give the CPU away inside the critical section: without the mutex
        // the other threads would read the same `v` and lose increments.
        sched::yield_now();
        *g = v + 1;
    }
    0
}

/// Four threads increment one counter under the mutex, yielding in the
/// middle of each increment; no increment is lost.
pub fn mutex_serialises_increments() -> TestResult {
    *COUNTER.lock() = 0;
    let mut tids = Vec::new();
    for _ in 0..4 {
        match sched::spawn("incr", incrementer, 200, Spawn::default()) {
            Ok(t) => tids.push(t),
            Err(e) => ensure!(false, "spawn: {e}"),
        }
    }
    for t in tids {
        ensure!(sched::join(t) == Ok(0), "incrementer {t} failed");
    }
    let total = *COUNTER.lock();
    ensure!(total == 800, "counter {total}, expected 800");
    let (_, contended) = COUNTER.waiters();
    ensure!(contended > 0, "the mutex was never contended");
    Ok(())
}

/// The producer/consumer demo moves 40 items through a 4-slot buffer in
/// order; both sides block on the semaphores along the way.
pub fn producer_consumer() -> TestResult {
    let shared = demo::Shared::new(40, false, 0, 0);
    let (p, c) = match demo::start(&shared, false) {
        Ok(pair) => pair,
        Err(e) => {
            ensure!(false, "start: {e}");
            unreachable!()
        }
    };
    let produced = sched::join(p);
    let consumed = sched::join(c);
    ensure!(produced == Ok(0), "producer ended {produced:?}");
    ensure!(
        consumed == Ok(40 * 41 / 2),
        "consumer returned {consumed:?}"
    );
    ensure!(
        shared.free.count() == demo::BUFFER_SLOTS && shared.filled.count() == 0,
        "semaphores end at free {} filled {}",
        shared.free.count(),
        shared.filled.count()
    );
    Ok(())
}
