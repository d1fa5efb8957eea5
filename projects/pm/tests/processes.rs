#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Several real `pm` processes against one board: writers at the same time
//! lose nothing, and a writer killed at a random moment leaves the old
//! board or the new one, never a torn file.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use common::{ok, pm_command, workspace};
use pm::{NewTask, Workspace};

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let ws = workspace();
    let d = ws.path();
    // Two writers, 60 changes each, started together. Each change re-reads
    // the board under the lock, so neither can overwrite the other's task.
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|prefix| {
            pm_command(d)
                .args(["stress-writer", "--count", "60", "--prefix", prefix])
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn a writer")
        })
        .collect();
    for mut w in writers {
        assert!(w.wait().unwrap().success());
    }
    let board = Workspace::open(d).unwrap().load().unwrap();
    let titles: BTreeSet<&str> = board.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles.len(), 120, "a task was lost or duplicated");
    for i in 0..60 {
        assert!(
            titles.contains(format!("a {i}").as_str())
                && titles.contains(format!("b {i}").as_str())
        );
    }
    let ids: BTreeSet<u64> = board.tasks.iter().map(|t| t.id).collect();
    assert_eq!(ids, (1..=120).collect(), "ids are unique and dense");
}

#[test]
fn plain_pm_add_from_two_threads_loses_nothing() {
    let ws = workspace();
    let d = ws.path();
    std::thread::scope(|s| {
        for prefix in ["x", "y"] {
            s.spawn(move || {
                for i in 0..15 {
                    ok(d, &["add", &format!("{prefix}{i}")]);
                }
            });
        }
    });
    let list = common::json(d, &["list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 30);
}

/// A tiny deterministic random number generator (xorshift), so a failing
/// run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A running writer that adds tasks until killed. `acks` receives each
/// task id as soon as the writer reports its save done.
struct Writer {
    child: Child,
    acks: mpsc::Receiver<u64>,
    reader: JoinHandle<Vec<u64>>,
}

fn start_writer(d: &Path, prefix: &str, pause_mid_write_ms: u64) -> Writer {
    let mut child = pm_command(d)
        .args(["stress-writer", "--count", "1000000", "--prefix", prefix])
        .args(["--pause-mid-write-ms", &pause_mid_write_ms.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, acks) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let id = line.parse::<u64>().expect("an id per line");
            all.push(id);
            let _ = tx.send(id);
        }
        all
    });
    Writer {
        child,
        acks,
        reader,
    }
}

/// Kills with SIGKILL: no destructor and no cleanup code runs.
/// Returns every id the writer acknowledged.
fn kill(mut w: Writer) -> Vec<u64> {
    w.child.kill().unwrap();
    w.child.wait().unwrap();
    w.reader.join().unwrap()
}

fn padded_workspace() -> (tempfile::TempDir, Workspace) {
    let dir = workspace();
    let ws = Workspace::open(dir.path()).unwrap();
    // A board of some size, so a save is more than one tiny write.
    ws.update(|b| {
        for i in 0..500 {
            b.add_task(NewTask {
                title: format!("padding task number {i} with a longer title"),
                notes: Some("some notes to make the file bigger".into()),
                ..NewTask::default()
            })?;
        }
        Ok(())
    })
    .unwrap();
    (dir, ws)
}

#[test]
fn a_writer_killed_in_the_middle_of_a_write_leaves_the_old_board() {
    let (dir, ws) = padded_workspace();
    let tmp = dir.path().join(".pm/.board.yaml.tmp");
    for round in 0..3 {
        let before = std::fs::read(ws.board_path()).unwrap();
        // The last round's kill left a half-written temporary file; remove
        // it, so the wait below sees this round's writer and not that one.
        let _ = std::fs::remove_file(&tmp);
        // Each save stops for a long time with half of the temporary file
        // written; we kill the writer as soon as we see that half.
        let writer = start_writer(dir.path(), &format!("m{round}"), 5_000);
        let mut waited = 0;
        while !tmp.metadata().is_ok_and(|m| m.len() > 0) {
            std::thread::sleep(Duration::from_millis(5));
            waited += 1;
            assert!(waited < 6_000, "the writer never started a save");
        }
        let acked = kill(writer);
        assert!(acked.is_empty(), "the first save cannot have finished");
        let half = std::fs::read(&tmp).unwrap();
        // The new board is the old one plus a task (well under 200 bytes
        // more), and the writer stopped after the first half of it.
        assert!(
            !half.is_empty() && half.len() <= (before.len() + 200) / 2,
            "expected half a board in the temporary file, found {} of {} bytes",
            half.len(),
            before.len()
        );
        assert_eq!(
            std::fs::read(ws.board_path()).unwrap(),
            before,
            "the board is untouched"
        );
        assert!(ws.load().is_ok());
    }
    // The next save replaces the stale temporary file and works.
    ok(dir.path(), &["add", "after the crashes"]);
    assert!(!tmp.exists());
}

#[test]
fn a_writer_killed_at_random_moments_loses_no_acknowledged_task() {
    let (dir, ws) = padded_workspace();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut acknowledged = BTreeSet::new();
    for round in 0..10 {
        let before = ws.load().unwrap().tasks.len();
        let writer = start_writer(dir.path(), &format!("r{round}"), 0);
        // Wait for the first save (however slow the machine is), then kill
        // at a random moment among the saves that follow.
        writer
            .acks
            .recv_timeout(Duration::from_secs(120))
            .expect("the writer saved nothing");
        std::thread::sleep(Duration::from_millis(rng.below(100)));
        let acked = kill(writer);

        // The board must parse (a whole file, old or new) ...
        let board = ws
            .load()
            .unwrap_or_else(|e| panic!("round {round}: the board is torn: {e}"));
        // ... hold every task whose save was acknowledged ...
        acknowledged.extend(acked.iter().copied());
        let ids: BTreeSet<u64> = board.tasks.iter().map(|t| t.id).collect();
        let missing: Vec<_> = acknowledged.difference(&ids).collect();
        assert!(
            missing.is_empty(),
            "round {round}: acknowledged tasks lost: {missing:?}"
        );
        // ... and at most one more: the save that was cut short may or may
        // not have reached its rename.
        let added = board.tasks.len() - before;
        assert!(
            added == acked.len() || added == acked.len() + 1,
            "round {round}: {added} added, {} acknowledged",
            acked.len()
        );
    }
}
