//! Behaviour every engine shares: TTLs, batches, scans, stats counters,
//! and the CLI driven through the real `kv` binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

use kv::{
    BatchOp, Durability, Engine, KeyRange, KeyTtl, LogEngine, MemEngine, Options, SledEngine,
};

fn engines(dir: &std::path::Path) -> Vec<Box<dyn Engine>> {
    vec![
        Box::new(MemEngine::new()),
        Box::new(
            LogEngine::open(dir.join("log"), Options::with_durability(Durability::Never))
                .expect("open log"),
        ),
        Box::new(SledEngine::open(dir.join("sled"), Durability::Never).expect("open sled")),
    ]
}

#[test]
fn handles_can_be_shared_between_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<LogEngine>();
    shareable::<SledEngine>();
    shareable::<MemEngine>();
    // And a trait object the TUI pane can keep behind an Arc.
    fn object<T: Send + Sync + ?Sized>() {}
    object::<dyn Engine>();
}

#[test]
fn ttls_expire_and_can_be_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    for e in engines(dir.path()) {
        let name = e.name();
        e.set_with_ttl(b"short", b"1", Some(Duration::from_millis(30)))
            .expect("set");
        e.set_with_ttl(b"long", b"2", Some(Duration::from_secs(100)))
            .expect("set");
        e.set(b"forever", b"3").expect("set");
        assert!(
            matches!(e.ttl(b"long").expect("ttl"), KeyTtl::ExpiresIn(d) if d > Duration::from_secs(90)),
            "{name}"
        );
        assert_eq!(e.ttl(b"forever").expect("ttl"), KeyTtl::NoExpiry, "{name}");
        assert_eq!(e.ttl(b"nope").expect("ttl"), KeyTtl::Missing, "{name}");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(
            e.get(b"short").expect("get"),
            None,
            "{name}: expired key still visible"
        );
        assert_eq!(e.ttl(b"short").expect("ttl"), KeyTtl::Missing, "{name}");
        assert!(
            !e.delete(b"short").expect("delete"),
            "{name}: deleting an expired key"
        );
        let keys: Vec<Vec<u8>> = e
            .scan(&KeyRange::all(), 10)
            .expect("scan")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, vec![b"forever".to_vec(), b"long".to_vec()], "{name}");
        assert!(
            e.expire(b"forever", Some(Duration::from_secs(50)))
                .expect("expire"),
            "{name}"
        );
        assert!(
            matches!(e.ttl(b"forever").expect("ttl"), KeyTtl::ExpiresIn(_)),
            "{name}"
        );
        assert!(e.expire(b"long", None).expect("persist"), "{name}");
        assert_eq!(e.ttl(b"long").expect("ttl"), KeyTtl::NoExpiry, "{name}");
        assert_eq!(e.get(b"long").expect("get"), Some(b"2".to_vec()), "{name}");
        assert!(!e.expire(b"nope", None).expect("expire"), "{name}");
    }
}

#[test]
fn ttls_survive_reopen_and_expired_keys_are_compacted_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options {
        durability: Durability::Never,
        ..Options::default()
    };
    {
        let e = LogEngine::open(dir.path(), opts.clone()).expect("open");
        e.set_with_ttl(b"soon", b"x", Some(Duration::from_millis(20)))
            .expect("set");
        e.set_with_ttl(b"later", b"y", Some(Duration::from_secs(300)))
            .expect("set");
    }
    std::thread::sleep(Duration::from_millis(40));
    let e = LogEngine::open(dir.path(), opts).expect("reopen");
    assert_eq!(e.get(b"soon").expect("get"), None);
    assert!(
        matches!(e.ttl(b"later").expect("ttl"), KeyTtl::ExpiresIn(d) if d > Duration::from_secs(250))
    );
    assert_eq!(e.stats().keys, 2, "expired keys linger until compaction");
    e.compact().expect("compact");
    assert_eq!(e.stats().keys, 1);
    assert_eq!(e.stats().dead_bytes, Some(0));
}

#[test]
fn batches_apply_in_order_and_stats_count_operations() {
    let dir = tempfile::tempdir().expect("tempdir");
    for e in engines(dir.path()) {
        let name = e.name();
        e.set(b"gone", b"0").expect("set");
        let batch = vec![
            BatchOp::Set {
                key: b"a".to_vec(),
                value: b"1".to_vec(),
                ttl: None,
            },
            BatchOp::Set {
                key: b"a".to_vec(),
                value: b"2".to_vec(),
                ttl: None,
            },
            BatchOp::Delete {
                key: b"gone".to_vec(),
            },
            BatchOp::Set {
                key: b"b".to_vec(),
                value: b"3".to_vec(),
                ttl: None,
            },
        ];
        e.apply_batch(&batch).expect("batch");
        assert_eq!(e.get(b"a").expect("get"), Some(b"2".to_vec()), "{name}");
        assert_eq!(e.get(b"gone").expect("get"), None, "{name}");
        let s = e.stats();
        assert_eq!(s.keys, 2, "{name}");
        assert_eq!(s.writes, 4, "{name}");
        assert_eq!(s.reads, 2, "{name}");
        assert_eq!(
            e.scan(&KeyRange::between(b"a", b"b"), 10)
                .expect("scan")
                .len(),
            1,
            "{name}"
        );
        assert!(
            e.scan(&KeyRange::between(b"b", b"a"), 10)
                .expect("inverted range")
                .is_empty(),
            "{name}"
        );
    }
}

#[test]
fn dead_bytes_grow_with_overwrites_and_compaction_reclaims_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = LogEngine::open(
        dir.path(),
        Options {
            durability: Durability::Never,
            auto_compact: false,
            ..Options::default()
        },
    )
    .expect("open");
    for round in 0..10 {
        for k in 0..100 {
            e.set(format!("k{k}").as_bytes(), format!("v{round}").as_bytes())
                .expect("set");
        }
    }
    let before = e.stats();
    let live = before.live_bytes.expect("tracked");
    assert_eq!(before.dead_bytes, Some(live * 9));
    let r = e.compact().expect("compact");
    assert_eq!(r.records_kept, 100);
    assert_eq!(r.bytes_after, live);
    let after = e.stats();
    assert_eq!(after.dead_bytes, Some(0));
    assert_eq!(after.compactions, 1);
    assert_eq!(e.get(b"k42").expect("get"), Some(b"v9".to_vec()));
}

fn kv(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kv"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run kv")
}

#[test]
fn the_binary_sets_gets_scans_and_reports_errors_on_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    assert!(kv(d, &["set", "user:1", "ada"]).status.success());
    assert!(kv(d, &["set", "user:2", "grace hopper"]).status.success());
    let out = kv(d, &["get", "user:2"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "grace hopper\n");
    let out = kv(d, &["--json", "get", "user:1"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["value"], "ada");
    let out = kv(d, &["scan", "user:", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(2));
    let out = kv(d, &["get", "missing"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("missing"));
    assert!(kv(d, &["rm", "user:1"]).status.success());
    let out = kv(d, &["--json", "stats"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["keys"], 1);
    let out = kv(d, &["console", "batch set a 1; set b 2"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK (2 operations)\n");
    let out = kv(d, &["console", "set onlykey"]);
    assert!(!out.status.success());
    let out = kv(d, &["--durability", "sometimes", "get", "a"]);
    assert!(!out.status.success());
    // The store is still intact after the bad commands.
    assert_eq!(String::from_utf8_lossy(&kv(d, &["get", "b"]).stdout), "2\n");
}

#[test]
fn values_larger_than_a_segment_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options {
        durability: Durability::Never,
        segment_size: 4096,
        ..Options::default()
    };
    let big: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    {
        let e = LogEngine::open(dir.path(), opts.clone()).expect("open");
        e.set(b"small", b"1").expect("set");
        e.set(b"big", &big).expect("set big");
        e.set(b"after", b"2").expect("set");
        assert_eq!(e.get(b"big").expect("get"), Some(big.clone()));
        e.compact().expect("compact");
        assert_eq!(
            e.get(b"big").expect("get after compaction"),
            Some(big.clone())
        );
    }
    let e = LogEngine::open(dir.path(), opts).expect("reopen");
    assert_eq!(e.get(b"big").expect("get after reopen"), Some(big));
    assert_eq!(e.get(b"after").expect("get"), Some(b"2".to_vec()));
}
