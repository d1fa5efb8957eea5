#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `pm scan` against `grep -rn TODO` on the same generated tree of 10,000
//! files, as a ratio. Run with `cargo bench -p pm --bench scan`.
//!
//! The tree has no `.gitignore` and no binary files, so both tools read
//! exactly the same 10,000 files (grep does not read `.gitignore` at all).
//! Every run goes to /dev/null and the page cache is warm (one untimed run
//! of each first), so this compares the CPU work of walking and searching,
//! not the disk. Each is run several times; the medians of wall time and
//! of CPU time (user + system, all threads) are reported. On a busy shared
//! machine the wall time is mostly waiting for a core; the CPU time is the
//! steadier number, and on an idle machine the wall time is what you feel.
//!
//! - `pm scan --dry-run` is the walk and the search, as grep does.
//! - `pm scan` (a re-scan) adds loading, merging and saving the board with
//!   its ~1,600 tasks: the full cost a learner pays.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 10_000;
const RUNS: usize = 7;

fn generate(root: &Path) {
    for n in 0..FILES {
        let folder = root.join(format!("src/m{:03}", n / 100));
        std::fs::create_dir_all(&folder).unwrap();
        let mut text = String::new();
        for line in 0..30 {
            text.push_str(&format!(
                "    let value_{line} = compute({n}, {line}); // some ordinary code\n"
            ));
        }
        if n % 7 == 0 {
            text.push_str(&format!("    // TODO: item {n}\n"));
        }
        if n % 50 == 0 {
            text.push_str(&format!("    /* FIXME: fix {n} */\n"));
        }
        std::fs::write(folder.join(format!("f{}.rs", n % 100)), text).unwrap();
    }
}

/// Wall and CPU time of one run.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
}

/// The CPU time (user + system) used so far by all waited-for children.
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable `rusage`, and RUSAGE_CHILDREN is
    // a valid `who`; getrusage writes the struct and touches nothing else.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(rc, 0, "getrusage failed");
    // SAFETY: getrusage succeeded, so it filled in the struct (and zeroed
    // memory is a valid `rusage` anyway).
    let usage = unsafe { usage.assume_init() };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// The medians of `RUNS` runs (after one untimed warm-up run).
fn time(mut make: impl FnMut() -> Command) -> Sample {
    let run = |cmd: &mut Command| {
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        // grep exits 1 when nothing matched; here something always does.
        assert!(status.success(), "{cmd:?} failed: {status}");
    };
    run(&mut make());
    let mut samples: Vec<Sample> = (0..RUNS)
        .map(|_| {
            let mut cmd = make();
            let (start, cpu) = (Instant::now(), children_cpu());
            run(&mut cmd);
            Sample {
                wall: start.elapsed(),
                cpu: children_cpu() - cpu,
            }
        })
        .collect();
    samples.sort_by_key(|s| s.wall);
    let wall = samples[RUNS / 2].wall;
    samples.sort_by_key(|s| s.cpu);
    Sample {
        wall,
        cpu: samples[RUNS / 2].cpu,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // useful either. Running the full comparison under `cargo test` would
    // only slow the test suite down, so it runs only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("scan bench: run with `cargo bench -p pm --bench scan`");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    generate(&tree);
    let pm = env!("CARGO_BIN_EXE_pm");
    let init = Command::new(pm)
        .arg("init")
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(init.success());

    let grep = time(|| {
        let mut c = Command::new("grep");
        c.args(["-rn", "TODO"]).arg(&tree);
        c
    });
    let dry = time(|| {
        let mut c = Command::new(pm);
        c.current_dir(dir.path())
            .args(["scan", "--dry-run", "tree"]);
        c
    });
    let full = time(|| {
        let mut c = Command::new(pm);
        c.current_dir(dir.path()).args(["scan", "tree"]);
        c
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("{FILES} files, {cores} core(s), medians of {RUNS} runs, warm cache");
    println!("                        wall ms  (x grep)    CPU ms  (x grep)");
    for (name, t) in [
        ("grep -rn TODO", grep),
        ("pm scan --dry-run", dry),
        ("pm scan (re-scan)", full),
    ] {
        println!(
            "  {name:<20} {:>8.1}  ({:>5.2}x)  {:>8.1}  ({:>5.2}x)",
            ms(t.wall),
            ms(t.wall) / ms(grep.wall),
            ms(t.cpu),
            ms(t.cpu) / ms(grep.cpu)
        );
    }
}
