#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `pm scan` against `grep -rn TODO` on the same generated tree of 10,000
//! files, as a ratio. Run with `cargo bench -p pm --bench scan`.
//!
//! The tree has no `.gitignore` and no binary files, so both tools read
//! exactly the same 10,000 files (grep does not read `.gitignore` at all).
//! Every run goes to /dev/null and the page cache is warm (one untimed run
//! of each first), so this compares the CPU work of walking and searching,
//! not the disk. Each is run several times and the median is reported.
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

/// The median wall time of `RUNS` runs (after one untimed warm-up run).
fn time(mut make: impl FnMut() -> Command) -> Duration {
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
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let mut cmd = make();
            let start = Instant::now();
            run(&mut cmd);
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
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
    println!("{FILES} files, {cores} core(s), median of {RUNS} runs, warm cache");
    println!(
        "  grep -rn TODO         {:>8.1} ms",
        grep.as_secs_f64() * 1e3
    );
    for (name, t) in [("pm scan --dry-run", dry), ("pm scan (re-scan)", full)] {
        println!(
            "  {name:<20}  {:>8.1} ms   {:.2}x grep's time",
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / grep.as_secs_f64()
        );
    }
}
