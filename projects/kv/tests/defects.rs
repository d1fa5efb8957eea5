//! One regression test per defect of the 2026-12-01 review (D1-D9), each
//! reproducing the review's case and asserting what must hold instead.
//! D1 needs to hold the engine's compaction lock and lives beside the
//! store (`log::store` tests); D6's linear search is tested beside it in
//! `log::recovery`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use kv::log::format::{SEGMENT_MAGIC, encode_file_header, encode_hint_file};
use kv::{Durability, Engine, KeyTtl, KvError, LogEngine, OpenError, Options};

fn opts() -> Options {
    Options {
        segment_size: 4096,
        durability: Durability::Never,
        auto_compact: false,
        ..Options::default()
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn kv(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kv"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run kv")
}

fn lost_found_files(dir: &Path) -> Vec<PathBuf> {
    match fs::read_dir(dir.join("lost+found")) {
        Ok(rd) => rd
            .map(|e| e.unwrap().path())
            .filter(|p| !p.ends_with("REPORT.txt"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn d2_a_cut_tail_is_reported_on_stderr_and_kept_in_lost_found() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(kv(d, &["set", "k", "v1"]).status.success());
    assert!(kv(d, &["set", "k", "v2-acknowledged"]).status.success());
    let seg = files(d, "seg").pop().unwrap();
    // The segment being written has zero-filled space after its records;
    // cut the last record itself.
    let bytes = fs::read(&seg).unwrap();
    let data_end = bytes.iter().rposition(|&b| b != 0).unwrap() as u64 + 1;
    OpenOptions::new()
        .write(true)
        .open(&seg)
        .unwrap()
        .set_len(data_end - 3)
        .unwrap();
    let out = kv(d, &["get", "k"]);
    // A record cut short is what a crash mid-write leaves, so the older
    // value is the right answer: but it is said, and the bytes are kept.
    assert_eq!(out.stdout, b"v1\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("recovery") && err.contains("lost+found"),
        "stderr: {err}"
    );
    let saved = lost_found_files(d);
    assert_eq!(saved.len(), 1, "{saved:?}");
    let record_len = 29 + 1 + "v2-acknowledged".len() as u64;
    assert_eq!(fs::metadata(&saved[0]).unwrap().len(), record_len - 3);
    assert!(
        fs::read_to_string(d.join("lost+found/REPORT.txt"))
            .unwrap()
            .contains("torn tail")
    );
    // The second open has nothing to say.
    let out = kv(d, &["get", "k"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn d3_a_zeroed_sealed_segment_is_refused_and_left_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = vec![b'v'; 1500];
    {
        let e = LogEngine::open(d, opts()).unwrap();
        e.set(b"Y", b"i-was-deleted").unwrap();
        for i in 0..6 {
            e.set(format!("a{i}").as_bytes(), &big).unwrap();
        }
        e.delete(b"Y").unwrap();
        for i in 0..6 {
            e.set(format!("b{i}").as_bytes(), &big).unwrap();
        }
    }
    // Zero the segment that holds the tombstone (it has a hint and is in
    // the manifest), as a disk or file system failure might.
    let segs = files(d, "seg");
    // flags = tombstone, key_len = 1, val_len = 0, key = "Y"
    let tombstone = [1u8, 1, 0, 0, 0, 0, 0, 0, 0, b'Y'];
    let holder = segs
        .iter()
        .find(|p| fs::read(p).unwrap().windows(10).any(|w| w == tombstone))
        .cloned()
        .expect("a segment holds Y's tombstone");
    assert_ne!(
        Some(&holder),
        segs.last(),
        "the tombstone is in a sealed segment"
    );
    let len = fs::metadata(&holder).unwrap().len();
    fs::write(&holder, vec![0u8; len as usize]).unwrap();
    match LogEngine::open(d, opts()) {
        Err(OpenError::Damaged { problems, .. }) => {
            assert!(problems[0].contains("all zeros"), "{problems:?}")
        }
        Err(e) => panic!("expected damage, got {e}"),
        Ok(e) => panic!(
            "opened a store missing a sealed segment; Y reads {:?}",
            e.get(b"Y").unwrap()
        ),
    }
    assert_eq!(fs::metadata(&holder).unwrap().len(), len, "evidence kept");
    // Cut below a header: also refused, also kept.
    fs::write(&holder, [0u8; 10]).unwrap();
    assert!(matches!(
        LogEngine::open(d, opts()),
        Err(OpenError::Damaged { .. })
    ));
    assert!(holder.exists());
    // verify says so and fails; repair salvages into a new folder and
    // leaves the old one alone.
    let out = kv(d, &["verify"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("DAMAGE"));
    let to = dir.path().with_extension("fixed");
    let out = kv(d, &["repair", "--to", to.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = LogEngine::open(&to, opts()).unwrap();
    assert_eq!(r.get(b"b5").unwrap(), Some(big.clone()));
    assert!(holder.exists());
    drop(r);
    fs::remove_dir_all(&to).unwrap();
}

#[test]
fn d4_an_unreadable_record_is_quarantined_and_compaction_does_not_loop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = Options {
        auto_compact: true,
        compact_min_dead_bytes: 1,
        compact_dead_ratio: 0.1,
        ..opts()
    };
    let value = |i: usize| format!("value {i} {}", "z".repeat(200)).into_bytes();
    {
        let e = LogEngine::open(
            d,
            Options {
                auto_compact: false,
                ..o.clone()
            },
        )
        .unwrap();
        for i in 0..60 {
            e.set(format!("k{i:03}").as_bytes(), &value(i)).unwrap();
        }
    }
    // Damage the value of the first key in the first (sealed, hinted)
    // segment: open trusts the hint, reads and compaction notice.
    let first = files(d, "seg")[0].clone();
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&first)
        .unwrap();
    f.write_all_at(b"#", 16 + 29 + 4 + 20).unwrap();
    drop(f);
    let e = LogEngine::open(d, o).unwrap();
    assert!(matches!(e.get(b"k000"), Err(KvError::Corrupt { .. })));
    // Overwrite the rest so dead bytes pass the threshold, and keep
    // writing while background compaction runs.
    for round in 0..15 {
        for i in 1..60 {
            e.set(format!("k{i:03}").as_bytes(), &value(i + round))
                .unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Background compaction succeeded (the old code failed on k000 every
    // 100 ms, adding a segment each time, and never compacted).
    let s = e.stats();
    assert!(s.compactions >= 1, "{s:?}");
    assert_eq!(s.background_error, None);
    let r = e.compact().expect("a manual compaction succeeds too");
    assert!(r.quarantined.is_empty(), "k000 was quarantined once: {r:?}");
    // 14 KB of live data in 4 KiB segments, plus the active one.
    assert!(e.stats().segments <= 6, "{:?}", e.stats());
    assert_eq!(e.get(b"k000").unwrap(), None);
    let saved = lost_found_files(d);
    assert!(!saved.is_empty(), "the damaged record is kept as evidence");
    assert!(
        fs::read_to_string(d.join("lost+found/REPORT.txt"))
            .unwrap()
            .contains("k000")
    );
    for i in 1..60 {
        assert_eq!(
            e.get(format!("k{i:03}").as_bytes()).unwrap(),
            Some(value(i + 14))
        );
    }
}

#[test]
fn d5_a_huge_ttl_does_not_wrap_to_a_moment() {
    let dir = tempfile::tempdir().unwrap();
    let out = kv(dir.path(), &["set", "k", "v", "--ttl", "18446744073709552"]);
    assert!(out.status.success());
    let e = LogEngine::open(dir.path(), opts()).unwrap();
    match e.ttl(b"k").unwrap() {
        KeyTtl::ExpiresIn(d) => assert!(d > Duration::from_secs(100 * 365 * 86_400), "{d:?}"),
        other => panic!("expected a long ttl, got {other:?}"),
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(e.get(b"k").unwrap(), Some(b"v".to_vec()));
}

#[test]
fn d7_get_and_json_are_binary_safe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = kv(d, &["console", r#"set bin "\xff\x00\xfe\x80""#]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kv(d, &["get", "bin"]);
    assert_eq!(out.stdout, [0xff, 0x00, 0xfe, 0x80, b'\n']);
    let out = kv(d, &["--json", "get", "bin"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["encoding"], "base64");
    assert_eq!(v["value"], "/wD+gA==");
    let out = kv(d, &["--json", "scan"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["value_encoding"], "base64");
    assert_eq!(v[0]["key"], "bin");
    assert_eq!(v[0]["key_encoding"], "utf8");
    // Text stays text.
    assert!(kv(d, &["set", "t", "héllo"]).status.success());
    let out = kv(d, &["--json", "get", "t"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["value"].as_str(), v["encoding"].as_str()),
        (Some("héllo"), Some("utf8"))
    );
}

#[test]
fn d8_a_segment_shrunk_underneath_is_an_error_not_sigbus() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let e = LogEngine::open(d, opts()).unwrap();
    for i in 0..200 {
        e.set(format!("key{i:04}").as_bytes(), &[b'q'; 60]).unwrap();
    }
    e.flush().unwrap();
    let sealed = files(d, "seg")[0].clone();
    OpenOptions::new()
        .write(true)
        .open(&sealed)
        .unwrap()
        .set_len(16)
        .unwrap();
    // With a memory map, reading past the new end killed the process.
    let mut errors = 0;
    for i in 0..200 {
        match e.get(format!("key{i:04}").as_bytes()) {
            Ok(Some(v)) => assert_eq!(v, [b'q'; 60]),
            Ok(None) => panic!("key{i:04} vanished without an error"),
            Err(err) => {
                errors += 1;
                assert!(err.to_string().contains("truncated"), "{err}");
            }
        }
    }
    assert!(errors > 0, "the cut segment held some keys");
}

#[test]
fn d9_segment_ids_do_not_wrap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A valid, sealed segment with the last possible id.
    fs::write(
        d.join("4294967295.seg"),
        encode_file_header(SEGMENT_MAGIC, 0, u32::MAX),
    )
    .unwrap();
    fs::write(d.join("4294967295.hint"), encode_hint_file(u32::MAX, &[])).unwrap();
    match LogEngine::open(d, opts()) {
        Err(e @ OpenError::IdsExhausted { .. }) => {
            assert!(e.to_string().contains("segment id"), "{e}")
        }
        other => panic!("expected ids exhausted, got {other:?}"),
    }
    assert!(!d.join("0000000000.seg").exists());
}
