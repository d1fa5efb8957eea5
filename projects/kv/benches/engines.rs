//! Micro-benchmarks (divan) of single operations on both engines at equal
//! durability (no fsync per write). The full comparison, with the 95/5
//! multi-threaded mix, the fsync modes and the million-key open, is
//! `kv --dir DIR bench --size large` (see `kv::bench`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;

use divan::Bencher;
use kv::bench::{Rng, key};
use kv::{Durability, Engine, KeyRange, LogEngine, Options, SledEngine};

fn main() {
    divan::main();
}

const PRELOAD: usize = 20_000;

fn open(name: &str, dir: &std::path::Path) -> Box<dyn Engine> {
    match name {
        "log" => Box::new(
            LogEngine::open(
                dir,
                Options {
                    durability: Durability::Never,
                    auto_compact: false,
                    ..Options::default()
                },
            )
            .expect("open log"),
        ),
        _ => Box::new(SledEngine::open(dir, Durability::Never).expect("open sled")),
    }
}

fn preloaded(name: &str, dir: &std::path::Path) -> Box<dyn Engine> {
    let e = open(name, dir);
    for i in 0..PRELOAD {
        e.set(&key(i), &[7u8; 100]).expect("preload");
    }
    e
}

#[divan::bench(args = ["log", "sled"], consts = [100, 4096])]
fn random_write<const SIZE: usize>(bencher: Bencher, engine: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = open(engine, dir.path());
    let value = vec![1u8; SIZE];
    let rng = Cell::new(Rng::new(1));
    bencher.bench_local(|| {
        let mut r = rng.take();
        let k = key(r.below(1_000_000));
        rng.set(r);
        e.set(&k, &value).expect("set");
    });
}

#[divan::bench(args = ["log", "sled"])]
fn random_read(bencher: Bencher, engine: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = preloaded(engine, dir.path());
    let rng = Cell::new(Rng::new(2));
    bencher.bench_local(|| {
        let mut r = rng.take();
        let k = key(r.below(PRELOAD));
        rng.set(r);
        e.get(&k).expect("get").expect("present")
    });
}

#[divan::bench(args = ["log", "sled"])]
fn prefix_scan_100(bencher: Bencher, engine: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = preloaded(engine, dir.path());
    let rng = Cell::new(Rng::new(3));
    bencher.bench_local(|| {
        let mut r = rng.take();
        let prefix = format!("g{:06}/", r.below(PRELOAD / 100));
        rng.set(r);
        e.scan(&KeyRange::prefix(prefix.as_bytes()), 100)
            .expect("scan")
    });
}
