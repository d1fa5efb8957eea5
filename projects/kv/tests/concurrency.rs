//! Concurrency: eight threads read and write while compaction runs, both in
//! the background (tiny thresholds) and by hand in a loop. Every value names
//! its key and version, so a reader can tell a torn or misplaced read from
//! a merely old one; each writer checks it reads back its own latest value.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use kv::{Durability, Engine, KeyRange, LogEngine, Options};

const THREADS: usize = 8;
const KEYS_PER_THREAD: usize = 50;
const ROUNDS: usize = 400;

fn key(t: usize, k: usize) -> Vec<u8> {
    format!("t{t}/k{k:03}").into_bytes()
}

fn value(t: usize, k: usize, version: usize) -> Vec<u8> {
    // Padding makes dead bytes pile up fast, so compaction has work.
    format!("t{t}/k{k:03}@{version}|{}", "p".repeat(100)).into_bytes()
}

fn parse_version(key: &[u8], value: &[u8]) -> usize {
    let text = std::str::from_utf8(value).expect("utf8 value");
    let (head, _) = text.split_once('|').expect("value has padding marker");
    let (k, version) = head.split_once('@').expect("value names its version");
    assert_eq!(k.as_bytes(), key, "value belongs to another key");
    version.parse().expect("version number")
}

#[test]
fn eight_threads_read_and_write_while_compaction_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options {
        durability: Durability::Never,
        segment_size: 16 * 1024,
        compact_min_dead_bytes: 32 * 1024,
        compact_dead_ratio: 0.3,
        ..Options::default()
    };
    let store = LogEngine::open(dir.path(), opts.clone()).expect("open");
    let done = Arc::new(AtomicBool::new(false));

    let compactor = {
        let store = store.clone();
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut runs = 0;
            while !done.load(Ordering::Relaxed) {
                store.compact().expect("manual compaction");
                runs += 1;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            runs
        })
    };

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut latest = HashMap::new();
                // At least ROUNDS, and on until a compaction has really run
                // alongside: on a loaded machine the compactor thread may
                // not get a turn within the first ROUNDS (bounded, so a
                // compactor that never compacts still fails below).
                let mut round = 0;
                while round < ROUNDS || (store.stats().compactions == 0 && round < 50 * ROUNDS) {
                    let k = (round * 7 + t) % KEYS_PER_THREAD;
                    store.set(&key(t, k), &value(t, k, round)).expect("set");
                    latest.insert(k, round);
                    // Own key: must read back exactly what was written last.
                    let got = store
                        .get(&key(t, k))
                        .expect("get own")
                        .expect("own key present");
                    assert_eq!(parse_version(&key(t, k), &got), round);
                    // Someone else's key: any version, but a well-formed one.
                    let other = (t + 1 + round % (THREADS - 1)) % THREADS;
                    if let Some(v) = store.get(&key(other, k)).expect("get other") {
                        parse_version(&key(other, k), &v);
                    }
                    if round % 50 == 0 {
                        let prefix = format!("t{other}/");
                        for (pk, pv) in store
                            .scan(&KeyRange::prefix(prefix.as_bytes()), 20)
                            .expect("scan")
                        {
                            parse_version(&pk, &pv);
                        }
                    }
                    if round % 97 == 0 {
                        assert!(store.delete(&key(t, k)).expect("delete"));
                        latest.remove(&k);
                    }
                    round += 1;
                }
                latest
            })
        })
        .collect();

    let mut expected = HashMap::new();
    for (t, w) in workers.into_iter().enumerate() {
        for (k, version) in w.join().expect("worker thread") {
            expected.insert(key(t, k), value(t, k, version));
        }
    }
    done.store(true, Ordering::Relaxed);
    let runs = compactor.join().expect("compactor thread");
    assert!(runs > 0);

    let check = |store: &LogEngine| {
        let all = store.scan(&KeyRange::all(), usize::MAX).expect("scan all");
        assert_eq!(all.len(), expected.len());
        for (k, v) in all {
            assert_eq!(
                expected.get(&k),
                Some(&v),
                "key {}",
                String::from_utf8_lossy(&k)
            );
        }
    };
    check(&store);
    let stats = store.stats();
    assert!(stats.compactions > 0, "{stats:?}");
    assert!(stats.background_error.is_none(), "{stats:?}");
    drop(store);
    let store = LogEngine::open(dir.path(), opts).expect("reopen");
    check(&store);
}

#[test]
fn group_commit_shares_fsyncs_between_writers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LogEngine::open(dir.path(), Options::default()).expect("open");
    let writes = 8 * 50;
    std::thread::scope(|s| {
        for t in 0..8 {
            let store = &store;
            s.spawn(move || {
                for i in 0..50 {
                    store
                        .set(format!("w{t}/{i}").as_bytes(), b"durable")
                        .expect("set");
                }
            });
        }
    });
    let stats = store.stats();
    assert_eq!(stats.writes, writes);
    // Every write waited for an fsync, but concurrent ones shared them.
    assert!(stats.fsyncs >= 1 && stats.fsyncs < writes, "{stats:?}");
}

#[test]
fn readers_see_a_batch_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LogEngine::open(
        dir.path(),
        Options {
            durability: Durability::Never,
            ..Options::default()
        },
    )
    .expect("open");
    let keys: Vec<Vec<u8>> = (0..8).map(|i| format!("batch/{i}").into_bytes()).collect();
    let version = |v: &[u8]| -> u64 {
        std::str::from_utf8(v)
            .expect("utf8")
            .parse()
            .expect("number")
    };
    let write_batch = |v: u64| {
        let ops: Vec<kv::BatchOp> = keys
            .iter()
            .map(|k| kv::BatchOp::Set {
                key: k.clone(),
                value: v.to_string().into_bytes(),
                ttl: None,
            })
            .collect();
        store.apply_batch(&ops).expect("batch");
    };
    write_batch(0);
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            for v in 1..2000 {
                write_batch(v);
            }
            done.store(true, Ordering::Relaxed);
        });
        for _ in 0..2 {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    // Once one key shows a version, no key read later may
                    // show an older one.
                    let first = version(&store.get(&keys[0]).expect("get").expect("present"));
                    for k in &keys[1..] {
                        let v = version(&store.get(k).expect("get").expect("present"));
                        assert!(
                            v >= first,
                            "saw version {first} then {v}: a batch was visible in part"
                        );
                    }
                    // A scan sees one version across the whole batch.
                    let all = store.scan(&KeyRange::prefix(b"batch/"), 100).expect("scan");
                    let versions: Vec<u64> = all.iter().map(|(_, v)| version(v)).collect();
                    assert!(
                        versions.windows(2).all(|w| w[0] == w[1]),
                        "scan saw {versions:?}"
                    );
                }
            });
        }
    });
}
