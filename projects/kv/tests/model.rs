//! Model test: random operations on each engine and on a `BTreeMap`, with
//! reopens (and, for our engine, compactions) in between; after every step
//! the engine must agree with the model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use kv::{BatchOp, Durability, Engine, KeyRange, LogEngine, MemEngine, Options, SledEngine};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Set(u8, Vec<u8>),
    Delete(u8),
    Batch(Vec<(u8, Option<Vec<u8>>)>),
    Get(u8),
    Scan(u8),
    Reopen,
    Compact,
}

fn key(k: u8) -> Vec<u8> {
    // Few distinct keys so overwrites and deletes hit existing ones; two
    // prefixes so scans have something to select.
    format!(
        "{}{:02}",
        if k.is_multiple_of(2) { "even/" } else { "odd/" },
        k % 24
    )
    .into_bytes()
}

fn op() -> impl Strategy<Value = Op> {
    let value = prop::collection::vec(any::<u8>(), 0..300);
    prop_oneof![
        6 => (any::<u8>(), value.clone()).prop_map(|(k, v)| Op::Set(k, v)),
        2 => any::<u8>().prop_map(Op::Delete),
        2 => prop::collection::vec((any::<u8>(), prop::option::of(value)), 1..5).prop_map(Op::Batch),
        3 => any::<u8>().prop_map(Op::Get),
        1 => any::<u8>().prop_map(Op::Scan),
        1 => Just(Op::Reopen),
        1 => Just(Op::Compact),
    ]
}

fn check_all(engine: &dyn Engine, model: &BTreeMap<Vec<u8>, Vec<u8>>) {
    let all = engine.scan(&KeyRange::all(), usize::MAX).expect("scan");
    let expected: Vec<(Vec<u8>, Vec<u8>)> =
        model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(all, expected);
}

fn run(ops: &[Op], dir: &Path, open: &dyn Fn(&Path) -> Box<dyn Engine>) {
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut engine = open(dir);
    for op in ops {
        match op {
            Op::Set(k, v) => {
                engine.set(&key(*k), v).expect("set");
                model.insert(key(*k), v.clone());
            }
            Op::Delete(k) => {
                let existed = engine.delete(&key(*k)).expect("delete");
                assert_eq!(existed, model.remove(&key(*k)).is_some());
            }
            Op::Batch(items) => {
                let batch: Vec<BatchOp> = items
                    .iter()
                    .map(|(k, v)| match v {
                        Some(v) => BatchOp::Set {
                            key: key(*k),
                            value: v.clone(),
                            ttl: None,
                        },
                        None => BatchOp::Delete { key: key(*k) },
                    })
                    .collect();
                engine.apply_batch(&batch).expect("batch");
                for (k, v) in items {
                    match v {
                        Some(v) => model.insert(key(*k), v.clone()),
                        None => model.remove(&key(*k)),
                    };
                }
            }
            Op::Get(k) => assert_eq!(
                engine.get(&key(*k)).expect("get"),
                model.get(&key(*k)).cloned()
            ),
            Op::Scan(k) => {
                let prefix: &[u8] = if k.is_multiple_of(2) {
                    b"even/"
                } else {
                    b"odd/"
                };
                let limit = (*k as usize % 7) + 1;
                let got = engine.scan(&KeyRange::prefix(prefix), limit).expect("scan");
                let want: Vec<(Vec<u8>, Vec<u8>)> = model
                    .range(prefix.to_vec()..)
                    .take_while(|(key, _)| key.starts_with(prefix))
                    .take(limit)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                assert_eq!(got, want);
            }
            Op::Reopen => {
                drop(engine);
                engine = open(dir);
                check_all(engine.as_ref(), &model);
            }
            Op::Compact => {
                engine.compact().expect("compact");
                check_all(engine.as_ref(), &model);
            }
        }
    }
    check_all(engine.as_ref(), &model);
    assert_eq!(engine.stats().keys, model.len() as u64);
    drop(engine);
    let engine = open(dir);
    check_all(engine.as_ref(), &model);
}

fn open_log(dir: &Path) -> Box<dyn Engine> {
    Box::new(
        LogEngine::open(
            dir,
            Options {
                // Tiny segments so rotation, hints and multi-segment
                // compaction all happen within a short test.
                segment_size: 4096,
                durability: Durability::Never,
                compact_min_dead_bytes: 2048,
                ..Options::default()
            },
        )
        .expect("open log engine"),
    )
}

fn open_sled(dir: &Path) -> Box<dyn Engine> {
    Box::new(SledEngine::open(dir, Durability::Never).expect("open sled"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn log_engine_matches_model(ops in prop::collection::vec(op(), 1..120)) {
        let dir = tempfile::tempdir().expect("tempdir");
        run(&ops, dir.path(), &open_log);
    }
}

proptest! {
    // sled opens are slower, so fewer cases.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn sled_engine_matches_model(ops in prop::collection::vec(op(), 1..60)) {
        let dir = tempfile::tempdir().expect("tempdir");
        run(&ops, dir.path(), &open_sled);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The in-memory engine (the console's and the net server's tests run
    /// on it). It has no files, so a "reopen" hands back a clone sharing
    /// the same map; compaction must not change what is stored.
    #[test]
    fn mem_engine_matches_model(ops in prop::collection::vec(op(), 1..120)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mem = MemEngine::new();
        run(&ops, dir.path(), &move |_: &Path| -> Box<dyn Engine> { Box::new(mem.clone()) });
    }
}
