//! The kernel's scheduling policies, run on the host: the same source file
//! the kernel compiles (`kernel/src/sched/policy.rs` uses only `core` and
//! `alloc`), driven by a small simulated CPU that charges each pick one
//! timer tick's worth of cycles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

extern crate alloc;

#[path = "../../src/sched/policy.rs"]
#[allow(dead_code)]
mod policy;

use policy::{Policy, RoundRobin, Stride, Tid};

const TICK: u64 = 1_000_000;

/// Runs always-ready threads `(tid, nice)` for `ticks` timer ticks the way
/// the kernel does (a slice of `slice_ticks`, then back into the queue) and
/// returns the ticks each one got.
fn simulate(p: &mut dyn Policy, threads: &[(Tid, i8)], ticks: u64) -> Vec<u64> {
    let mut got = vec![0u64; threads.len()];
    for &(tid, nice) in threads {
        p.enqueue(tid, nice);
    }
    let mut t = 0;
    while t < ticks {
        let tid = p.pick_next().expect("someone is ready");
        let i = threads.iter().position(|x| x.0 == tid).expect("known tid");
        let nice = threads[i].1;
        let slice = p.slice_ticks(nice) as u64;
        got[i] += slice;
        t += slice;
        p.charge(tid, nice, slice * TICK);
        p.enqueue(tid, nice);
    }
    got
}

#[test]
fn round_robin_takes_turns_in_order() {
    let mut rr = RoundRobin::new();
    for t in [5, 6, 7] {
        rr.enqueue(t, 0);
    }
    rr.enqueue(6, 0); // already queued: not twice
    assert_eq!(rr.pick_next(), Some(5));
    rr.enqueue(5, 0);
    assert_eq!(rr.pick_next(), Some(6));
    assert_eq!(rr.pick_next(), Some(7));
    assert_eq!(rr.pick_next(), Some(5));
    assert_eq!(rr.pick_next(), None);
    assert!(!rr.has_ready());
}

#[test]
fn round_robin_slices_grow_with_priority() {
    let rr = RoundRobin::new();
    assert!(rr.slice_ticks(-5) > rr.slice_ticks(0));
    assert!(rr.slice_ticks(0) > rr.slice_ticks(5));
    assert_eq!(rr.slice_ticks(100), rr.slice_ticks(5), "clamped");
    assert!(rr.slice_ticks(5) >= 1);
}

#[test]
fn both_policies_share_equally_at_equal_nice() {
    for p in [
        &mut RoundRobin::new() as &mut dyn Policy,
        &mut Stride::new() as &mut dyn Policy,
    ] {
        let got = simulate(p, &[(1, 0), (2, 0)], 1000);
        let diff = got[0].abs_diff(got[1]);
        assert!(diff <= 8, "{}: {got:?}", p.name());
    }
}

#[test]
fn lower_nice_gets_more_cpu_in_both_policies() {
    for p in [
        &mut RoundRobin::new() as &mut dyn Policy,
        &mut Stride::new() as &mut dyn Policy,
    ] {
        let got = simulate(p, &[(1, -3), (2, 3)], 2000);
        assert!(got[0] > got[1] * 3, "{}: {got:?}", p.name());
    }
}

#[test]
fn stride_follows_the_weights() {
    let mut s = Stride::new();
    let got = simulate(&mut s, &[(1, 0), (2, 5)], 10_000);
    let expect = policy::weight(0) as f64 / policy::weight(5) as f64;
    let ratio = got[0] as f64 / got[1] as f64;
    assert!(
        (ratio - expect).abs() < 0.1,
        "ratio {ratio}, weights say {expect}"
    );
}

#[test]
fn a_woken_stride_thread_does_not_catch_up_on_its_sleep() {
    let mut s = Stride::new();
    // Thread 1 runs alone for a long time.
    simulate(&mut s, &[(1, 0)], 500);
    // Thread 2 arrives (or wakes up): it starts at thread 1's pass, so the
    // two then alternate instead of 2 running alone for 500 ticks.
    s.remove(1);
    let got = simulate(&mut s, &[(1, 0), (2, 0)], 100);
    assert!(got[0] >= 40 && got[1] >= 40, "{got:?}");
}

#[test]
fn forgotten_threads_are_never_picked() {
    for p in [
        &mut RoundRobin::new() as &mut dyn Policy,
        &mut Stride::new() as &mut dyn Policy,
    ] {
        p.enqueue(1, 0);
        p.enqueue(2, 0);
        p.forget(1);
        assert_eq!(p.pick_next(), Some(2), "{}", p.name());
        assert_eq!(p.pick_next(), None, "{}", p.name());
    }
}

#[test]
fn policies_are_found_by_name() {
    assert_eq!(policy::by_name("rr").map(|p| p.name()), Some("rr"));
    assert_eq!(policy::by_name("stride").map(|p| p.name()), Some("stride"));
    assert!(policy::by_name("fifo").is_none());
}
