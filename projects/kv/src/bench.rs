//! The benchmark suite: our engine against sled, redb and fjall, same run,
//! same data.
//!
//! [`run`] builds fresh stores under a scratch directory and times each
//! workload on every engine in turn, reporting progress through a callback
//! (the TUI pane forwards it to its channel). The result is a
//! [`BenchReport`] with one row per workload: the durability both engines
//! ran at, throughput (or time, for opening) for each, and the ratio, where
//! above 1 always means "ours is faster". [`BenchReport::table`] prints it.
//!
//! Sizes come from a [`BenchConfig`]: `small()` runs in a few seconds (tests
//! and the pane), `large()` is the real measurement (a million-key open).
//! Workloads that do not change the store (reads, scans, the mix) run three
//! times and report the best run; writes run once on a fresh store.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::anchors::{FjallEngine, RedbEngine};
use crate::engine::{Durability, Engine, KeyRange};
use crate::error::{KvError, OpenError};
use crate::log::{LogEngine, Options};
use crate::sled_engine::SledEngine;

/// Workload sizes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchConfig {
    /// Keys written (100-byte values) and then read, scanned and mixed.
    pub keys: usize,
    /// Random reads.
    pub reads: usize,
    /// Writes with 4 KiB values.
    pub big_writes: usize,
    /// Operations in the 95/5 mix, over all threads.
    pub mix_ops: usize,
    /// Threads in the mix and the group-commit workload.
    pub threads: usize,
    /// Prefix scans (each returns up to 100 keys).
    pub scans: usize,
    /// Writes in each fsync workload.
    pub fsync_writes: usize,
    /// Keys in the store whose open is timed.
    pub open_keys: usize,
}

impl BenchConfig {
    /// A few seconds: for tests and the TUI pane.
    pub fn small() -> Self {
        BenchConfig {
            keys: 20_000,
            reads: 20_000,
            big_writes: 2_000,
            mix_ops: 40_000,
            threads: 4,
            scans: 200,
            fsync_writes: 100,
            open_keys: 20_000,
        }
    }

    /// The real run (a minute or so; builds a million-key store).
    pub fn large() -> Self {
        BenchConfig {
            keys: 200_000,
            reads: 200_000,
            big_writes: 20_000,
            mix_ops: 400_000,
            threads: 4,
            scans: 2_000,
            fsync_writes: 400,
            open_keys: 1_000_000,
        }
    }

    /// Tiny sizes so the suite itself can be tested quickly.
    pub fn tiny() -> Self {
        BenchConfig {
            keys: 500,
            reads: 500,
            big_writes: 50,
            mix_ops: 800,
            threads: 4,
            scans: 10,
            fsync_writes: 8,
            open_keys: 500,
        }
    }
}

/// How a row is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    OpsPerSec,
    Millis,
}

/// One workload's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchRow {
    pub workload: String,
    /// The durability every engine ran at.
    pub durability: String,
    pub unit: Unit,
    pub ours: f64,
    pub sled: f64,
    pub redb: f64,
    pub fjall: f64,
    /// How many times faster ours is than sled (above 1 = ours wins).
    pub ratio: f64,
    /// The same against redb and fjall.
    pub ratio_redb: f64,
    pub ratio_fjall: f64,
}

/// The whole suite's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    pub config: BenchConfig,
    pub rows: Vec<BenchRow>,
    /// How our engine behaved while compacting (sled has no equivalent).
    pub compaction: Option<CompactionPauses>,
}

/// Reads and writes timed one by one while a compaction runs on another
/// thread: the longest waits show whether compaction blocks anybody for
/// more than a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompactionPauses {
    /// Wall time of the compaction.
    pub compaction_ms: f64,
    /// Data bytes before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Operations completed while it ran.
    pub reads: u64,
    pub writes: u64,
    /// The slowest single operation of each kind, in microseconds.
    pub max_read_us: f64,
    pub max_write_us: f64,
    /// The 99th percentile of write latency, in microseconds.
    pub p99_write_us: f64,
    /// The same, for as many operations run just after, with no
    /// compaction: on a shared machine the scheduler alone causes pauses of
    /// a few milliseconds, and this shows how large they are.
    pub idle_max_read_us: f64,
    pub idle_max_write_us: f64,
    pub idle_p99_write_us: f64,
}

/// Progress of a run, for a status line or progress bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub step: usize,
    pub total: usize,
    pub label: String,
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error("preparing scratch directory {path}: {error}")]
    Scratch {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("a benchmark thread panicked")]
    Thread,
    #[error("read back a wrong value for key {0}")]
    WrongValue(String),
}

#[derive(Clone, Copy)]
enum Which {
    Ours,
    Sled,
    Redb,
    Fjall,
}

/// Every engine in the race, in table order, with its folder name.
const ENGINES: [(Which, &str); 4] = [
    (Which::Ours, "log"),
    (Which::Sled, "sled"),
    (Which::Redb, "redb"),
    (Which::Fjall, "fjall"),
];

fn open(which: Which, dir: &Path, d: Durability) -> Result<Arc<dyn Engine>, BenchError> {
    Ok(match which {
        Which::Ours => Arc::new(LogEngine::open(
            dir,
            Options {
                durability: d,
                // Compaction is measured on its own terms, not inside
                // the write benchmark.
                auto_compact: false,
                ..Options::default()
            },
        )?),
        Which::Sled => Arc::new(SledEngine::open(dir, d)?),
        Which::Redb => Arc::new(RedbEngine::open(dir, d)?),
        Which::Fjall => Arc::new(FjallEngine::open(dir, d)?),
    })
}

/// A small, fast, deterministic generator (xorshift64*), so both engines
/// see exactly the same keys in the same order.
#[derive(Clone, Default)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        // A zero state (from `Default`) would stay zero forever.
        let mut x = self.0.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Key number `i`: grouped by 100 so a prefix names a group.
pub fn key(i: usize) -> Vec<u8> {
    format!("g{:06}/{:010}", i / 100, i).into_bytes()
}

fn value(i: usize, len: usize) -> Vec<u8> {
    let mut v = vec![b'a' + (i % 26) as u8; len];
    let tag = (i as u64).to_le_bytes();
    let n = tag.len().min(len);
    v[..n].copy_from_slice(&tag[..n]);
    v
}

/// A random permutation of 0..n.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut rng = Rng::new(seed);
    for i in (1..n).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
    v
}

fn ops_per_sec(ops: usize, elapsed: Duration) -> f64 {
    ops as f64 / elapsed.as_secs_f64().max(1e-9)
}

struct Runner<'a> {
    root: PathBuf,
    step: usize,
    total: usize,
    progress: &'a mut dyn FnMut(&Progress),
}

impl Runner<'_> {
    fn tick(&mut self, label: String) {
        self.step += 1;
        (self.progress)(&Progress {
            step: self.step,
            total: self.total,
            label,
        });
    }

    fn fresh_dir(&self, name: &str) -> Result<PathBuf, BenchError> {
        let dir = self.root.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|source| BenchError::Scratch {
                path: dir.clone(),
                error: source,
            })?;
        }
        Ok(dir)
    }
}

/// Run the suite in scratch directories under `root` (removed afterwards).
pub fn run(
    config: &BenchConfig,
    root: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BenchReport, BenchError> {
    std::fs::create_dir_all(root).map_err(|source| BenchError::Scratch {
        path: root.to_path_buf(),
        error: source,
    })?;
    let mut r = Runner {
        root: root.to_path_buf(),
        step: 0,
        total: ENGINES.len() * 6,
        progress,
    };
    let mut rows = Vec::new();
    let mut compaction = None;
    let result = run_all(config, &mut r, &mut rows, &mut compaction);
    for (_, name) in ENGINES {
        let _ = std::fs::remove_dir_all(r.root.join(name));
    }
    result?;
    Ok(BenchReport {
        config: config.clone(),
        rows,
        compaction,
    })
}

/// Results of one workload, in `ENGINES` order.
type Results = [f64; 4];

fn row(workload: &str, d: &str, unit: Unit, v: Results) -> BenchRow {
    let ratio = |other: f64| match unit {
        Unit::OpsPerSec => v[0] / other.max(1e-9),
        Unit::Millis => other / v[0].max(1e-9),
    };
    BenchRow {
        workload: workload.into(),
        durability: d.into(),
        unit,
        ours: v[0],
        sled: v[1],
        redb: v[2],
        fjall: v[3],
        ratio: ratio(v[1]),
        ratio_redb: ratio(v[2]),
        ratio_fjall: ratio(v[3]),
    }
}

fn every_engine<F>(r: &mut Runner<'_>, label: &str, mut f: F) -> Result<Results, BenchError>
where
    F: FnMut(Which, &Path) -> Result<f64, BenchError>,
{
    let mut out = [0.0; 4];
    for (i, (which, name)) in ENGINES.into_iter().enumerate() {
        r.tick(format!("{label} ({name})"));
        let dir = r.fresh_dir(name)?;
        out[i] = f(which, &dir)?;
    }
    Ok(out)
}

fn run_all(
    c: &BenchConfig,
    r: &mut Runner<'_>,
    rows: &mut Vec<BenchRow>,
    compaction: &mut Option<CompactionPauses>,
) -> Result<(), BenchError> {
    let no_fsync = "no fsync per write, flush at end";
    let order = shuffled(c.keys, 1);

    // Random writes (100 B), then reads, scans and the mix on that store.
    let mut reads = [0.0; 4];
    let mut scans = [0.0; 4];
    let mut mix = [0.0; 4];
    let writes = {
        let mut results = [0.0; 4];
        for (i, (which, name)) in ENGINES.into_iter().enumerate() {
            r.tick(format!("random writes, reads, scans, mix ({name})"));
            let dir = r.fresh_dir(name)?;
            let e = open(which, &dir, Durability::Never)?;
            let t = Instant::now();
            for &k in &order {
                e.set(&key(k), &value(k, 100))?;
            }
            e.flush()?;
            results[i] = ops_per_sec(order.len(), t.elapsed());
            // Reads leave the store as it was, so they are repeated and the
            // best run kept: on a shared machine that filters out moments
            // when another process had the CPU.
            reads[i] = best_of(REPEATS, || random_reads(e.as_ref(), c))?;
            scans[i] = best_of(REPEATS, || prefix_scans(e.as_ref(), c))?;
            mix[i] = best_of(REPEATS, || mixed(&e, c))?;
            if let Which::Ours = which {
                drop(e);
                *compaction = Some(compaction_pauses(&dir, c)?);
            }
        }
        results
    };
    rows.push(row(
        "random writes, 100 B values",
        no_fsync,
        Unit::OpsPerSec,
        writes,
    ));
    rows.push(row(
        "random writes, 4 KiB values",
        no_fsync,
        Unit::OpsPerSec,
        [0.0; 4],
    ));
    let big_at = rows.len() - 1;
    rows.push(row(
        "random reads, 100 B values",
        "-",
        Unit::OpsPerSec,
        reads,
    ));
    rows.push(row(
        &format!("95/5 read/write mix, {} threads", c.threads),
        "no fsync per write",
        Unit::OpsPerSec,
        mix,
    ));
    rows.push(row(
        "prefix scans, 100 keys each",
        "-",
        Unit::OpsPerSec,
        scans,
    ));

    let big = every_engine(r, "random writes, 4 KiB values", |which, dir| {
        let e = open(which, dir, Durability::Never)?;
        let order = shuffled(c.big_writes, 2);
        let t = Instant::now();
        for &k in &order {
            e.set(&key(k), &value(k, 4096))?;
        }
        e.flush()?;
        Ok(ops_per_sec(order.len(), t.elapsed()))
    })?;
    rows[big_at] = row(
        "random writes, 4 KiB values",
        no_fsync,
        Unit::OpsPerSec,
        big,
    );

    let one = every_engine(r, "fsync every write, 1 thread", |which, dir| {
        let e = open(which, dir, Durability::Always)?;
        let t = Instant::now();
        for k in 0..c.fsync_writes {
            e.set(&key(k), &value(k, 100))?;
        }
        Ok(ops_per_sec(c.fsync_writes, t.elapsed()))
    })?;
    rows.push(row(
        "writes, 100 B, 1 thread",
        "fsync every write",
        Unit::OpsPerSec,
        one,
    ));

    let group = every_engine(r, "fsync every write, threads", |which, dir| {
        let e = open(which, dir, Durability::Always)?;
        let per = c.fsync_writes.div_ceil(c.threads);
        let elapsed = in_threads(c.threads, |t| {
            for k in 0..per {
                let k = t * per + k;
                e.set(&key(k), &value(k, 100))?;
            }
            Ok(())
        })?;
        Ok(ops_per_sec(per * c.threads, elapsed))
    })?;
    rows.push(row(
        &format!("writes, 100 B, {} threads (group commit)", c.threads),
        "fsync every write",
        Unit::OpsPerSec,
        group,
    ));

    let every = every_engine(r, "fsync every 10 ms", |which, dir| {
        let e = open(which, dir, Durability::Every(Duration::from_millis(10)))?;
        let order = shuffled(c.keys, 3);
        let t = Instant::now();
        for &k in &order {
            e.set(&key(k), &value(k, 100))?;
        }
        e.flush()?;
        Ok(ops_per_sec(order.len(), t.elapsed()))
    })?;
    rows.push(row(
        "random writes, 100 B values",
        "fsync every 10 ms",
        Unit::OpsPerSec,
        every,
    ));

    let opened = every_engine(r, "open a store", |which, dir| {
        {
            let e = open(which, dir, Durability::Never)?;
            let order = shuffled(c.open_keys, 4);
            for chunk in order.chunks(1000) {
                let batch: Vec<_> = chunk
                    .iter()
                    .map(|&k| crate::BatchOp::Set {
                        key: key(k),
                        value: value(k, 100),
                        ttl: None,
                    })
                    .collect();
                e.apply_batch(&batch)?;
            }
            e.flush()?;
        }
        let t = Instant::now();
        let e = open(which, dir, Durability::Never)?;
        // One read proves the store is usable, for engines that open lazily.
        let probe = c.open_keys / 2;
        if e.get(&key(probe))? != Some(value(probe, 100)) {
            return Err(BenchError::WrongValue(
                String::from_utf8_lossy(&key(probe)).into(),
            ));
        }
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    })?;
    rows.push(row(
        &format!("open a store of {} keys", c.open_keys),
        "-",
        Unit::Millis,
        opened,
    ));
    Ok(())
}

/// Runs of each repeatable workload; the best is reported.
const REPEATS: usize = 3;

fn best_of(n: usize, mut f: impl FnMut() -> Result<f64, BenchError>) -> Result<f64, BenchError> {
    let mut best = 0.0f64;
    for _ in 0..n {
        best = best.max(f()?);
    }
    Ok(best)
}

/// Overwrite every key once (so about half the data is dead), then time
/// single reads and writes while a compaction runs.
fn compaction_pauses(dir: &Path, c: &BenchConfig) -> Result<CompactionPauses, BenchError> {
    let e = LogEngine::open(
        dir,
        Options {
            durability: Durability::Never,
            auto_compact: false,
            ..Options::default()
        },
    )?;
    for k in 0..c.keys {
        e.set(&key(k), &value(k + 2, 100))?;
    }
    e.flush()?;
    let compactor = e.clone();
    let (mut reads, mut writes) = (0u64, 0u64);
    let mut during = Latencies::default();
    let mut rng = Rng::new(21);
    // One timed operation: a write one time in ten, else a read.
    let mut step = |lat: &mut Latencies| -> Result<bool, BenchError> {
        let k = rng.below(c.keys);
        let t = Instant::now();
        if rng.below(10) == 0 {
            e.set(&key(k), &value(k + 3, 100))?;
            lat.writes.push(t.elapsed());
            Ok(true)
        } else {
            e.get(&key(k))?;
            lat.max_read = lat.max_read.max(t.elapsed());
            Ok(false)
        }
    };
    let (report, elapsed) = std::thread::scope(|s| {
        let job = s.spawn(move || {
            let t = Instant::now();
            compactor.compact().map(|r| (r, t.elapsed()))
        });
        while !job.is_finished() {
            if step(&mut during)? {
                writes += 1;
            } else {
                reads += 1;
            }
        }
        job.join()
            .map_err(|_| BenchError::Thread)?
            .map_err(BenchError::from)
    })?;
    let mut idle = Latencies::default();
    for _ in 0..reads + writes {
        step(&mut idle)?;
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    Ok(CompactionPauses {
        compaction_ms: elapsed.as_secs_f64() * 1000.0,
        bytes_before: report.bytes_before,
        bytes_after: report.bytes_after,
        reads,
        writes,
        max_read_us: us(during.max_read),
        max_write_us: us(during.max_write()),
        p99_write_us: us(during.p99_write()),
        idle_max_read_us: us(idle.max_read),
        idle_max_write_us: us(idle.max_write()),
        idle_p99_write_us: us(idle.p99_write()),
    })
}

/// Latencies of single operations.
#[derive(Default)]
struct Latencies {
    max_read: Duration,
    writes: Vec<Duration>,
}

impl Latencies {
    fn max_write(&self) -> Duration {
        self.writes.iter().copied().max().unwrap_or_default()
    }

    fn p99_write(&self) -> Duration {
        let mut w = self.writes.clone();
        w.sort_unstable();
        match w.len() {
            0 => Duration::ZERO,
            n => w[((n * 99).div_ceil(100)).saturating_sub(1).min(n - 1)],
        }
    }
}

fn random_reads(e: &dyn Engine, c: &BenchConfig) -> Result<f64, BenchError> {
    let mut rng = Rng::new(7);
    let picks: Vec<usize> = (0..c.reads).map(|_| rng.below(c.keys)).collect();
    let t = Instant::now();
    for &k in &picks {
        let got = e.get(&key(k))?;
        if got.as_deref().map(<[u8]>::len) != Some(100) {
            return Err(BenchError::WrongValue(
                String::from_utf8_lossy(&key(k)).into(),
            ));
        }
    }
    Ok(ops_per_sec(picks.len(), t.elapsed()))
}

fn prefix_scans(e: &dyn Engine, c: &BenchConfig) -> Result<f64, BenchError> {
    let groups = c.keys.div_ceil(100);
    let mut rng = Rng::new(11);
    let t = Instant::now();
    for _ in 0..c.scans {
        let g = rng.below(groups);
        let prefix = format!("g{g:06}/");
        let got = e.scan(&KeyRange::prefix(prefix.as_bytes()), 100)?;
        if got.is_empty() {
            return Err(BenchError::WrongValue(prefix));
        }
    }
    Ok(ops_per_sec(c.scans, t.elapsed()))
}

fn mixed(e: &Arc<dyn Engine>, c: &BenchConfig) -> Result<f64, BenchError> {
    let per = c.mix_ops.div_ceil(c.threads);
    let elapsed = in_threads(c.threads, |t| {
        let mut rng = Rng::new(100 + t as u64);
        for _ in 0..per {
            let k = rng.below(c.keys);
            if rng.below(100) < 5 {
                e.set(&key(k), &value(k + 1, 100))?;
            } else {
                e.get(&key(k))?;
            }
        }
        Ok(())
    })?;
    Ok(ops_per_sec(per * c.threads, elapsed))
}

/// Run `f(thread_index)` on `n` threads at once; return the wall time.
fn in_threads<F>(n: usize, f: F) -> Result<Duration, BenchError>
where
    F: Fn(usize) -> Result<(), BenchError> + Sync,
{
    let start = Instant::now();
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n).map(|t| s.spawn(move || f(t))).collect();
        for h in handles {
            h.join().map_err(|_| BenchError::Thread)??;
        }
        Ok::<(), BenchError>(())
    })?;
    Ok(start.elapsed())
}

fn human(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Millis => format!("{x:.1} ms"),
        Unit::OpsPerSec if x >= 1e6 => format!("{:.2} M/s", x / 1e6),
        Unit::OpsPerSec if x >= 1e3 => format!("{:.1} k/s", x / 1e3),
        Unit::OpsPerSec => format!("{x:.0} /s"),
    }
}

impl BenchReport {
    /// A plain-text table, one row per workload.
    pub fn table(&self) -> String {
        let mut lines = vec![
            [
                "workload",
                "durability (all engines)",
                "ours (log)",
                "sled",
                "redb",
                "fjall",
                "/sled",
                "/redb",
                "/fjall",
            ]
            .map(String::from),
        ];
        for r in &self.rows {
            lines.push([
                r.workload.clone(),
                r.durability.clone(),
                human(r.ours, r.unit),
                human(r.sled, r.unit),
                human(r.redb, r.unit),
                human(r.fjall, r.unit),
                format!("{:.2}x", r.ratio),
                format!("{:.2}x", r.ratio_redb),
                format!("{:.2}x", r.ratio_fjall),
            ]);
        }
        let mut widths = [0usize; 9];
        for l in &lines {
            for (w, cell) in widths.iter_mut().zip(l) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            let cells: Vec<String> = l
                .iter()
                .zip(widths)
                .enumerate()
                .map(|(c, (cell, w))| {
                    if c >= 2 {
                        format!("{cell:>w$}")
                    } else {
                        format!("{cell:<w$}")
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 16));
                out.push('\n');
            }
        }
        out.push_str(
            "ratios are ours / theirs: above 1 means ours is faster (for open: takes less time)\n",
        );
        if let Some(p) = &self.compaction {
            out.push_str(&format!(
                "compaction (ours) of {} -> {} bytes took {:.1} ms; meanwhile {} reads and {} writes, \
                 slowest read {:.0} us, write p99 {:.0} us, slowest write {:.0} us (as many operations \
                 without compaction: read max {:.0} us, write p99 {:.0} us, max {:.0} us)\n",
                p.bytes_before,
                p.bytes_after,
                p.compaction_ms,
                p.reads,
                p.writes,
                p.max_read_us,
                p.p99_write_us,
                p.max_write_us,
                p.idle_max_read_us,
                p.idle_p99_write_us,
                p.idle_max_write_us
            ));
        }
        out.push_str(
            "fsync rows: ours, redb and fjall call fdatasync; sled's flush \
             calls sync_file_range, which does not flush the drive cache or file metadata (a \
             weaker promise)\n",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_suite_runs_and_reports_every_workload() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut steps = 0;
        let report =
            run(&BenchConfig::tiny(), dir.path(), &mut |_| steps += 1).expect("bench runs");
        assert_eq!(report.rows.len(), 9);
        assert_eq!(steps, 24);
        for r in &report.rows {
            assert!(
                r.ours > 0.0 && r.sled > 0.0 && r.redb > 0.0 && r.fjall > 0.0,
                "{r:?}"
            );
        }
        assert!(!dir.path().join("redb").exists() && !dir.path().join("fjall").exists());
        let table = report.table();
        assert!(table.contains("random reads"));
        assert!(!dir.path().join("log").exists());
        let pauses = report.compaction.expect("compaction measured");
        assert!(pauses.bytes_after < pauses.bytes_before, "{pauses:?}");
        assert!(table.contains("slowest write"));
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut v = shuffled(1000, 9);
        v.sort_unstable();
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
    }
}
