//! A small line shell on the serial port, served after `[ready]`.
//!
//! Bytes arrive through the COM1 interrupt (see `serial`); the shell thread
//! sleeps on the receive wait queue between keys, echoes them, collects a
//! line, and runs one command. It is the kernel pane's interactive end.
//! Every command validates its arguments and answers bad input with a
//! one-line message; nothing typed here can panic the kernel except
//! `panic` itself.

use alloc::vec::Vec;

use crate::heap::global as heap;
use crate::memory::frames::FRAMES;
use crate::memory::stacks;
use crate::sched;
use crate::sched::thread::{Kind, State};
use crate::{BOOT_INFO, interrupts, qemu, serial, time, timer};

const LINE_MAX: usize = 80;

const HELP: &str = "commands:
  help              this list
  ps                threads and processes: pid, state, nice, runtime
  mem               physical frames, heap, stacks
  uptime | ticks    time since boot, timer ticks
  run NAME          start a built-in user program (run alone lists them)
  sleep MS          let the shell wait (for scripts)
  kill PID          stop a user process
  nice PID N        set a thread's nice value, -5 (most CPU) .. 5
  sched             policy, switch and preemption counts
  trace on|off      the scheduling trace on serial (lines starting %sched)
  bench             context-switch cost in TSC cycles
  boot | int3 | fault | panic | exit";

pub fn run() -> ! {
    info!(Shell, "type `help` for commands");
    let mut line = [0u8; LINE_MAX];
    let mut len = 0;
    loop {
        let b = serial::read_byte_blocking();
        match b {
            b'\r' | b'\n' => {
                kprintln!();
                if len > 0 {
                    execute(core::str::from_utf8(&line[..len]).unwrap_or(""));
                    len = 0;
                }
            }
            0x08 | 0x7f if len > 0 => {
                len -= 1;
                kprint!("\x08 \x08");
            }
            0x20..=0x7e if len < LINE_MAX => {
                line[len] = b;
                len += 1;
                kprint!("{}", b as char);
            }
            _ => {}
        }
    }
}

/// Parses a number argument, or says what was wrong with it.
fn number(arg: Option<&str>, what: &str) -> Option<i64> {
    match arg.map(str::parse::<i64>) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            kprintln!("{what} must be a whole number");
            None
        }
        None => {
            kprintln!("missing {what}");
            None
        }
    }
}

fn pid(arg: Option<&str>) -> Option<u32> {
    let n = number(arg, "PID")?;
    match u32::try_from(n) {
        Ok(p) => Some(p),
        Err(_) => {
            kprintln!("no thread with pid {n}");
            None
        }
    }
}

pub fn execute(line: &str) {
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    let Some((&cmd, args)) = words.split_first() else {
        return;
    };
    let arg = |i: usize| args.get(i).copied();
    match cmd {
        "help" => kprintln!("{HELP}"),
        "mem" => mem(),
        "ps" => ps(),
        "ticks" => kprintln!("ticks: {} at {} Hz", timer::ticks(), timer::rate_hz()),
        "uptime" => {
            let us = time::uptime_us();
            kprintln!("uptime: {}.{:06} s", us / 1_000_000, us % 1_000_000);
        }
        "sched" => match sched::stats() {
            Some(s) => kprintln!(
                "policy {}, {} context switches, {} preemptions, {} threads, trace {}",
                s.policy,
                s.switches,
                s.preemptions,
                s.threads,
                if sched::trace_enabled() { "on" } else { "off" }
            ),
            None => kprintln!("the scheduler is not running"),
        },
        "trace" => match arg(0) {
            Some("on") => sched::set_trace(true),
            Some("off") => {
                sched::set_trace(false);
                kprintln!("trace off");
            }
            _ => kprintln!("usage: trace on|off"),
        },
        "nice" => {
            let Some(p) = pid(arg(0)) else {
                kprintln!("usage: nice PID N   (N from -5 to 5)");
                return;
            };
            let Some(n) = number(arg(1), "N") else {
                kprintln!("usage: nice PID N   (N from -5 to 5)");
                return;
            };
            match sched::set_nice(p, n) {
                Ok(()) => kprintln!("pid {p}: nice {n}"),
                Err(e) => kprintln!("nice: {e}"),
            }
        }
        "run" => run_program(arg(0)),
        "bench" => bench(),
        "sleep" => {
            // For scripts (the tests): let other threads run for a while.
            if let Some(ms) = number(arg(0), "MS") {
                sched::sleep_ms(ms.clamp(0, 60_000) as u64);
            }
        }
        "kill" => {
            let Some(p) = pid(arg(0)) else {
                kprintln!("usage: kill PID");
                return;
            };
            match sched::kill(p) {
                Ok(()) => kprintln!("pid {p}: killed"),
                Err(e) => kprintln!("kill: {e}"),
            }
        }
        "boot" => {
            if let Some(info) = BOOT_INFO.get() {
                kprintln!(
                    "booted via {}, cmdline {:?}, {} regions",
                    info.method_name(),
                    info.cmdline(),
                    info.region_count
                );
            }
        }
        "int3" => {
            // SAFETY: int3 enters our breakpoint handler, which returns.
            unsafe { core::arch::asm!("int3") };
            kprintln!("breakpoints so far: {}", interrupts::breakpoint_count());
        }
        "exit" => {
            info!(Shell, "exit requested");
            qemu::exit(qemu::ExitCode::Success)
        }
        "panic" => panic!("panic requested from the shell"),
        "fault" => {
            // Page 0 is never mapped, so this read ends in the page-fault
            // handler's register dump and a failure exit.
            // SAFETY: the read faults before it could observe anything; the
            // handler never returns here.
            let v =
                unsafe { core::ptr::read_volatile(core::hint::black_box(8usize) as *const u64) };
            kprintln!("read {v:#x} from page 0?!");
        }
        other => kprintln!("unknown command {other:?}; try help"),
    }
}

fn ps() {
    let khz = time::tsc_khz().max(1);
    kprintln!(
        "{:>5} {:<9} {:>4} {:>13} {:>8} {:>8} {:<6} NAME",
        "PID",
        "STATE",
        "NICE",
        "RUNTIME",
        "SWITCHES",
        "PREEMPT",
        "KIND"
    );
    for t in sched::threads() {
        let us = t.runtime.saturating_mul(1000) / khz;
        kprintln!(
            "{:>5} {:<9} {:>4} {:>6}.{:03} ms {:>8} {:>8} {:<6} {}",
            t.tid,
            t.state.name(),
            t.nice,
            us / 1000,
            us % 1000,
            t.switches,
            t.preemptions,
            t.kind.name(),
            t.name
        );
    }
}

fn mem() {
    let f = FRAMES.lock().stats();
    kprintln!(
        "frames: {} managed ({} KiB), {} free ({} KiB), {} used",
        f.managed,
        f.managed * 4,
        f.free,
        f.free * 4,
        f.managed - f.free
    );
    let h = heap::stats();
    kprintln!(
        "heap: {} strategy, {} KiB, {} bytes free, {} live bytes, {} allocs, {} frees, {} failed",
        h.strategy.map(|s| s.name()).unwrap_or("none"),
        h.size / 1024,
        h.free,
        h.live_bytes,
        h.allocations,
        h.frees,
        h.failures
    );
    let threads = sched::threads();
    let live = threads
        .iter()
        .filter(|t| !matches!(t.state, State::Exited { .. }))
        .count();
    let users = threads.iter().filter(|t| t.kind == Kind::User).count();
    kprintln!(
        "stacks: {} mapped; threads: {} live ({} user processes)",
        stacks::count(),
        live,
        users
    );
}

/// `run NAME`: a built-in user program as a new process, or the
/// producer/consumer kernel-thread demo.
fn run_program(name: Option<&str>) {
    match name {
        Some("prodcons") => {
            let shared = crate::demo::Shared::new(10, true, 0, 300);
            match crate::demo::start(&shared, true) {
                Ok((p, c)) => kprintln!("prodcons: producer pid {p}, consumer pid {c}"),
                Err(e) => kprintln!("run: {e}"),
            }
        }
        Some(name) => {
            let opts = crate::sched::Spawn {
                detached: true,
                ..crate::sched::Spawn::default()
            };
            match crate::process::spawn(name, 0, opts) {
                Ok(pid) => kprintln!("started {name} as pid {pid}"),
                Err(e) => kprintln!("run {name}: {e}"),
            }
        }
        None => kprintln!(
            "user programs: {}\nkernel demo: prodcons (producer/consumer threads)",
            crate::programs::NAMES
        ),
    }
}

fn bench() {
    let me = sched::current();
    let busy = sched::threads()
        .iter()
        .filter(|t| t.tid != me && t.kind != Kind::Idle && t.state == State::Ready)
        .count();
    if busy > 0 {
        kprintln!(
            "bench: {busy} other thread(s) want the CPU; kill them first (ps, kill PID) for a clean measurement"
        );
        return;
    }
    let khz = time::tsc_khz().max(1);
    kprintln!(
        "context switch cost, {} yields per side, best and median of 3 runs after a warm-up",
        crate::bench::ROUNDS
    );
    kprintln!(
        "(QEMU software emulation: the TSC is the host's, the CPU is emulated; far above hardware)"
    );
    report("thread to thread", crate::bench::thread_switch, khz);
    report("process to process", crate::bench::process_switch, khz);
}

fn report(
    what: &str,
    measure: fn(usize) -> Result<crate::bench::SwitchCost, crate::bench::BenchError>,
    khz: u64,
) {
    // The warm-up lets QEMU translate the code paths once.
    if let Err(e) = measure(crate::bench::ROUNDS / 10) {
        kprintln!("  {what}: {e}");
        return;
    }
    let mut runs = [0u64; 3];
    for r in runs.iter_mut() {
        match measure(crate::bench::ROUNDS) {
            Ok(c) => *r = c.per_switch(),
            Err(e) => {
                kprintln!("  {what}: {e}");
                return;
            }
        }
    }
    runs.sort_unstable();
    kprintln!(
        "  {what}: best {} cycles ({} ns), median {} cycles per switch",
        runs[0],
        runs[0] * 1_000_000 / khz,
        runs[1]
    );
}
