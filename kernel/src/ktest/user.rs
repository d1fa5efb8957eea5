//! In-kernel tests of user processes: ring 3, system calls, isolation.

use super::{TestResult, ensure};
use crate::interrupts::probe_read;
use crate::memory::frames::FRAMES;
use crate::memory::stacks;
use crate::process;
use crate::sched::{self, Spawn};
use crate::syscall::EFAULT;

fn start(name: &str) -> Result<u32, ()> {
    process::spawn(name, 0, Spawn::default()).map_err(|e| {
        error!(Test, "spawn {name}: {e}");
    })
}

/// `hello` writes from ring 3 and exits with getpid(); afterwards every
/// frame and stack it used is back.
pub fn hello_runs_and_cleans_up() -> TestResult {
    // One process first, so the heap and page tables reach a steady state.
    let warm = start("hello")?;
    let _ = sched::join(warm);
    sched::yield_now();
    let frames = FRAMES.lock().stats().free;
    let stacks_before = stacks::count();
    let pid = start("hello")?;
    let code = sched::join(pid);
    ensure!(
        code == Ok(pid as i64),
        "hello exited with {code:?}, pid {pid}"
    );
    sched::yield_now();
    ensure!(
        FRAMES.lock().stats().free == frames,
        "frames leaked: {} free, was {frames}",
        FRAMES.lock().stats().free
    );
    ensure!(stacks::count() == stacks_before, "kernel stack leaked");
    Ok(())
}

/// A process writing to kernel memory is killed by the page fault, the
/// memory is unchanged, and the kernel goes on.
pub fn poke_is_killed_and_kernel_survives() -> TestResult {
    let before = probe_read(0x100000);
    let pid = start("poke")?;
    let code = sched::join(pid);
    ensure!(
        code == Ok(process::fault_code(14)),
        "poke ended with {code:?}, expected the page-fault code {}",
        process::fault_code(14)
    );
    ensure!(
        probe_read(0x100000) == before,
        "kernel memory changed under a user write"
    );
    // Still scheduling: another process runs fine afterwards.
    let pid = start("hello")?;
    ensure!(
        sched::join(pid) == Ok(pid as i64),
        "hello after poke failed"
    );
    Ok(())
}

/// A kernel pointer handed to `write` is refused with -EFAULT.
pub fn bad_pointer_is_refused() -> TestResult {
    let pid = start("badptr")?;
    let code = sched::join(pid);
    ensure!(code == Ok(-EFAULT), "badptr ended with {code:?}");
    Ok(())
}

/// Two CPU-bound processes share the CPU under preemption; `kill` stops
/// them on their way back to ring 3.
pub fn hogs_share_and_can_be_killed() -> TestResult {
    let a = start("hog")?;
    let b = start("hog")?;
    sched::sleep_ms(300);
    let ra = sched::thread(a).map(|t| t.runtime).unwrap_or(0);
    let rb = sched::thread(b).map(|t| t.runtime).unwrap_or(0);
    let kill_a = sched::kill(a);
    let kill_b = sched::kill(b);
    let ca = sched::join(a);
    let cb = sched::join(b);
    info!(Test, "two hog processes: runtime {ra} / {rb} cycles");
    ensure!(
        kill_a.is_ok() && kill_b.is_ok(),
        "kill: {kill_a:?} {kill_b:?}"
    );
    ensure!(
        ca == Ok(process::KILLED) && cb == Ok(process::KILLED),
        "killed hogs ended with {ca:?} / {cb:?}"
    );
    let total = ra + rb;
    ensure!(
        ra * 4 > total && rb * 4 > total,
        "unfair split: {ra} / {rb} cycles"
    );
    Ok(())
}

/// The spawn system call starts named programs from ring 3.
pub fn spawn_from_user_mode() -> TestResult {
    let pid = start("spawner")?;
    ensure!(sched::join(pid) == Ok(0), "spawner failed");
    let children: alloc::vec::Vec<_> = sched::threads()
        .into_iter()
        .filter(|t| t.tid > pid && (t.name == "counter" || t.name == "sleeper"))
        .collect();
    ensure!(children.len() == 2, "children: {:?}", children);
    for c in &children {
        ensure!(sched::kill(c.tid).is_ok(), "kill {}", c.tid);
    }
    // Let them reach their exit (each has to be scheduled once more).
    for _ in 0..200 {
        if children.iter().all(|c| sched::thread(c.tid).is_none()) {
            break;
        }
        sched::sleep_ms(10);
    }
    ensure!(
        children.iter().all(|c| sched::thread(c.tid).is_none()),
        "killed children still listed"
    );
    Ok(())
}
