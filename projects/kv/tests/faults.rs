//! Fault injection: damage the files of a closed store and check that
//! opening it either recovers and says what it did (torn tail, bad or
//! missing hint) or refuses with the file and offset (corruption in the
//! middle), never silently losing acknowledged data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use kv::{Durability, Engine, KeyRange, KvError, LogEngine, OpenError, Options};

fn opts() -> Options {
    Options {
        segment_size: 4096,
        durability: Durability::Never,
        auto_compact: false,
        ..Options::default()
    }
}

fn key(i: usize) -> Vec<u8> {
    format!("key{i:04}").into_bytes()
}

fn value(i: usize) -> Vec<u8> {
    format!("value number {i} {}", "x".repeat(i % 50)).into_bytes()
}

/// Write `n` keys and close the store.
fn fill(dir: &Path, n: usize) {
    let e = LogEngine::open(dir, opts()).expect("open");
    for i in 0..n {
        e.set(&key(i), &value(i)).expect("set");
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn flip(path: &Path, offset: u64) {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open file");
    let mut b = [0u8; 1];
    f.read_exact_at(&mut b, offset).expect("read byte");
    b[0] ^= 0x5A;
    f.write_all_at(&b, offset).expect("write byte");
}

#[test]
fn truncated_tail_is_cut_reported_and_earlier_keys_survive() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        // One big segment so the tail is in the active segment.
        let e = LogEngine::open(
            dir.path(),
            Options {
                segment_size: 1 << 20,
                ..opts()
            },
        )
        .expect("open");
        for i in 0..50 {
            e.set(&key(i), &value(i)).expect("set");
        }
    }
    let seg = files(dir.path(), "seg").pop().expect("a segment");
    let len = fs::metadata(&seg).expect("meta").len();
    // Cut the last record in half, as a crash mid-append would.
    OpenOptions::new()
        .write(true)
        .open(&seg)
        .expect("open")
        .set_len(len - 10)
        .expect("truncate");
    let e = LogEngine::open(dir.path(), opts()).expect("a torn tail is recoverable");
    let report = e.recovery_report();
    assert_eq!(report.truncated.len(), 1, "{report:?}");
    assert!(report.truncated[0].bytes_dropped > 0);
    for i in 0..49 {
        assert_eq!(e.get(&key(i)).expect("get"), Some(value(i)), "key {i}");
    }
    assert_eq!(e.get(&key(49)).expect("get"), None);
    // The store keeps working after the cut.
    e.set(b"after", b"crash").expect("set");
    drop(e);
    let e = LogEngine::open(dir.path(), opts()).expect("reopen");
    assert!(e.recovery_report().truncated.is_empty());
    assert_eq!(e.get(b"after").expect("get"), Some(b"crash".to_vec()));
}

#[test]
fn flipped_byte_in_the_last_record_is_refused_not_rolled_back() {
    // D2: a complete last record that fails its checksum was cut as a
    // "torn tail", and the key silently went back to its older value.
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let e = LogEngine::open(
            dir.path(),
            Options {
                segment_size: 1 << 20,
                ..opts()
            },
        )
        .expect("open");
        for i in 0..20 {
            e.set(&key(i), &value(i)).expect("set");
        }
        e.set(&key(5), b"newest value of key 5").expect("overwrite");
    }
    let seg = files(dir.path(), "seg").pop().expect("segment");
    let before = fs::read(&seg).expect("read");
    let len = before.len() as u64;
    flip(&seg, len - 3);
    match LogEngine::open(dir.path(), opts()) {
        Err(OpenError::Corrupt { path, .. }) => assert_eq!(path, seg),
        Err(e) => panic!("expected corruption, got {e}"),
        Ok(e) => panic!(
            "opened a damaged store; key 5 reads {:?}",
            e.get(&key(5)).map(|v| v.map(String::from_utf8))
        ),
    }
    assert_eq!(
        fs::metadata(&seg).expect("meta").len(),
        len,
        "nothing is cut"
    );
}

#[test]
fn flipped_byte_mid_segment_is_an_error_naming_file_and_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let e = LogEngine::open(
            dir.path(),
            Options {
                segment_size: 1 << 20,
                ..opts()
            },
        )
        .expect("open");
        for i in 0..20 {
            e.set(&key(i), &value(i)).expect("set");
        }
    }
    let seg = files(dir.path(), "seg").pop().expect("segment");
    let before = fs::read(&seg).expect("read");
    // Byte 16 + 29 + 2 is inside the first record's key.
    flip(&seg, 16 + 29 + 2);
    match LogEngine::open(dir.path(), opts()) {
        Err(OpenError::Corrupt { path, offset, .. }) => {
            assert_eq!(path, seg);
            assert_eq!(offset, 16);
        }
        other => panic!("expected corruption error, got {other:?}"),
    }
    // Nothing was truncated or rewritten.
    let after = fs::read(&seg).expect("read");
    assert_eq!(after.len(), before.len());
    // Also a damaged length field, which must not pass for a torn tail.
    flip(&seg, 16 + 29 + 2); // undo
    flip(&seg, 16 + 25);
    assert!(matches!(
        LogEngine::open(dir.path(), opts()),
        Err(OpenError::Corrupt { offset: 16, .. })
    ));
}

#[test]
fn corruption_in_a_sealed_segment_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 200);
    let segs = files(dir.path(), "seg");
    assert!(segs.len() > 2, "small segments should have rotated");
    // Remove hints so the sealed segment is scanned, then damage its first
    // record: valid records follow, so this is corruption, not a torn tail.
    for h in files(dir.path(), "hint") {
        fs::remove_file(h).expect("remove hint");
    }
    let sealed = &segs[0];
    flip(sealed, 16 + 29 + 1);
    match LogEngine::open(dir.path(), opts()) {
        Err(OpenError::Corrupt { path, offset, .. }) => {
            assert_eq!(&path, sealed);
            assert_eq!(offset, 16);
        }
        other => panic!("expected corruption error, got {other:?}"),
    }
}

#[test]
fn a_sealed_segment_cut_short_is_damage_but_an_unsealed_one_may_be_torn() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 200);
    for h in files(dir.path(), "hint") {
        fs::remove_file(h).expect("remove hint");
    }
    let segs = files(dir.path(), "seg");
    let sealed = &segs[0];
    let len = fs::metadata(sealed).expect("meta").len();
    OpenOptions::new()
        .write(true)
        .open(sealed)
        .expect("open")
        .set_len(len - 7)
        .expect("truncate");
    // The manifest says how long the sealed segment was: refused, unchanged.
    match LogEngine::open(dir.path(), opts()) {
        Err(OpenError::Damaged { problems, .. }) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].contains("shorter than"), "{problems:?}");
        }
        other => panic!("expected damage, got {other:?}"),
    }
    assert_eq!(fs::metadata(sealed).expect("meta").len(), len - 7);

    // Without a manifest (a store from before manifests) the same cut is
    // taken for a rotation that never reached the disk: cut, saved to
    // lost+found and reported.
    fs::remove_file(dir.path().join("MANIFEST")).expect("remove manifest");
    {
        let e = LogEngine::open(dir.path(), opts()).expect("torn unsealed tail is recoverable");
        let r = e.recovery_report();
        assert_eq!(r.truncated.len(), 1, "{r:?}");
        assert_eq!(PathBuf::from(&r.truncated[0].path), *sealed);
        let saved = r.truncated[0].saved_to.clone().expect("evidence saved");
        assert!(saved.contains("lost+found"), "{saved}");
        assert!(Path::new(&saved).exists());
        assert!(!r.had_manifest);
        let present = (0..200)
            .filter(|&i| e.get(&key(i)).expect("get").is_some())
            .count();
        assert_eq!(present, 199);
        e.compact().expect("compact");
    }
    // Compaction output is complete by construction; a damaged end is
    // corruption.
    let out = files(dir.path(), "seg").pop().expect("compaction output");
    for h in files(dir.path(), "hint") {
        fs::remove_file(h).expect("remove hint");
    }
    fs::remove_file(dir.path().join("MANIFEST")).expect("remove manifest");
    let len = fs::metadata(&out).expect("meta").len();
    OpenOptions::new()
        .write(true)
        .open(&out)
        .expect("open")
        .set_len(len - 7)
        .expect("truncate");
    match LogEngine::open(dir.path(), opts()) {
        Err(OpenError::Corrupt { path, .. }) => assert_eq!(path, out),
        other => panic!("expected corruption in compaction output, got {other:?}"),
    }
}

#[test]
fn an_empty_segment_left_by_a_crash_is_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 50);
    // A segment whose creation reached the directory but not its header,
    // and one whose length did but not its bytes.
    fs::write(dir.path().join("0000000900.seg"), b"").expect("write");
    fs::write(dir.path().join("0000000901.seg"), [0u8; 64]).expect("write");
    let e = LogEngine::open(dir.path(), opts()).expect("open");
    assert_eq!(e.recovery_report().truncated.len(), 2);
    assert!(!dir.path().join("0000000900.seg").exists());
    assert_eq!(e.get(&key(7)).expect("get"), Some(value(7)));
}

#[test]
fn hint_files_are_used_and_a_missing_one_is_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 300);
    let segs = files(dir.path(), "seg");
    let hints = files(dir.path(), "hint");
    assert_eq!(
        hints.len(),
        segs.len() - 1,
        "every sealed segment gets a hint on close"
    );
    {
        let e = LogEngine::open(dir.path(), opts()).expect("open");
        let r = e.recovery_report();
        assert_eq!(r.hints_used, segs.len() - 1);
        assert_eq!(
            r.segments_scanned, 1,
            "only the active segment is read in full"
        );
        assert_eq!(r.keys, 300);
    }
    fs::remove_file(&hints[1]).expect("remove a hint");
    {
        let e = LogEngine::open(dir.path(), opts()).expect("open without one hint");
        let r = e.recovery_report();
        assert_eq!(r.segments_scanned, 2);
        for i in 0..300 {
            assert_eq!(e.get(&key(i)).expect("get"), Some(value(i)));
        }
    }
    assert!(hints[1].exists(), "the missing hint is written again");
    // A damaged hint is rejected (and said so), not trusted.
    flip(&hints[0], 40);
    let e = LogEngine::open(dir.path(), opts()).expect("open with a bad hint");
    assert_eq!(e.recovery_report().hints_rejected.len(), 1);
    assert_eq!(
        e.scan(&KeyRange::all(), usize::MAX).expect("scan").len(),
        300
    );
}

#[test]
fn with_a_hint_open_does_not_read_values_but_reads_still_check_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 300);
    let segs = files(dir.path(), "seg");
    // Damage the last byte of the first record's value in a hinted segment:
    // the hint lets open skip it, and the read then notices.
    let first_value_end = 16 + 29 + key(0).len() + value(0).len() - 1;
    flip(&segs[0], first_value_end as u64);
    let e = LogEngine::open(dir.path(), opts()).expect("open trusts the hint");
    assert_eq!(e.recovery_report().segments_scanned, 1);
    match e.get(&key(0)) {
        Err(KvError::Corrupt { path, offset, .. }) => {
            assert_eq!(path, segs[0]);
            assert_eq!(offset, 16);
        }
        other => panic!("expected a corrupt read, got {other:?}"),
    }
}

#[test]
fn leftovers_of_an_interrupted_compaction_are_cleaned_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 100);
    let segs = files(dir.path(), "seg");
    // Unfinished output, and a merged segment whose deletion was committed
    // but not carried out (a copy of a real one under a new id).
    fs::write(dir.path().join("0000000099.seg.compacting"), b"partial").expect("write");
    fs::copy(&segs[0], dir.path().join("0000000098.seg")).expect("copy");
    fs::write(dir.path().join("PENDING-DELETE"), "98\n").expect("write");
    let e = LogEngine::open(dir.path(), opts()).expect("open");
    assert_eq!(
        e.recovery_report().removed.len(),
        2,
        "{:?}",
        e.recovery_report()
    );
    assert!(!dir.path().join("0000000098.seg").exists());
    assert!(!dir.path().join("PENDING-DELETE").exists());
    for i in 0..100 {
        assert_eq!(e.get(&key(i)).expect("get"), Some(value(i)));
    }
}

#[test]
fn a_store_is_opened_by_one_handle_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = LogEngine::open(dir.path(), opts()).expect("open");
    assert!(matches!(
        LogEngine::open(dir.path(), opts()),
        Err(OpenError::Locked { .. })
    ));
    // A handle closing on another thread is waited for.
    let closer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        drop(e);
    });
    LogEngine::open(dir.path(), opts()).expect("open once the other handle closed");
    closer.join().expect("closer thread");
}

#[test]
fn not_a_segment_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 10);
    let bogus = dir.path().join("0000000000.seg");
    fs::write(&bogus, b"this is not a kv segment at all").expect("write");
    match LogEngine::open(dir.path(), opts()) {
        Err(OpenError::BadHeader { path, .. }) => assert_eq!(path, bogus),
        other => panic!("expected bad header, got {other:?}"),
    }
}

#[test]
fn oversized_input_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = LogEngine::open(dir.path(), opts()).expect("open");
    let big_key = vec![b'k'; 70 * 1024];
    assert!(matches!(
        e.set(&big_key, b"v"),
        Err(KvError::KeyTooLarge { .. })
    ));
    let batch = vec![
        kv::BatchOp::Set {
            key: b"ok".to_vec(),
            value: b"1".to_vec(),
            ttl: None,
        },
        kv::BatchOp::Set {
            key: big_key,
            value: b"2".to_vec(),
            ttl: None,
        },
    ];
    assert!(e.apply_batch(&batch).is_err());
    assert_eq!(
        e.get(b"ok").expect("get"),
        None,
        "a refused batch applies nothing"
    );
    assert_eq!(e.stats().writes, 0);
}

#[test]
fn torn_tail_of_the_active_segment_is_recovered_after_a_compaction() {
    // Compaction output takes ids above the active segment's, so the
    // segment that was being appended to is not the one with the highest id.
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let e = LogEngine::open(
            dir.path(),
            Options {
                segment_size: 1 << 20,
                ..opts()
            },
        )
        .expect("open");
        for i in 0..30 {
            e.set(&key(i), &value(i)).expect("set");
        }
        e.compact().expect("compact");
        for i in 30..60 {
            e.set(&key(i), &value(i)).expect("set");
        }
    }
    let segs = files(dir.path(), "seg");
    let hints = files(dir.path(), "hint");
    // The active segment is the one without a hint file.
    let active = segs
        .iter()
        .find(|s| !hints.iter().any(|h| h.file_stem() == s.file_stem()))
        .expect("an active segment")
        .clone();
    assert_ne!(
        Some(&active),
        segs.last(),
        "compaction output should have the highest id"
    );
    let len = fs::metadata(&active).expect("meta").len();
    OpenOptions::new()
        .write(true)
        .open(&active)
        .expect("open")
        .set_len(len - 5)
        .expect("truncate");
    let e = LogEngine::open(dir.path(), opts()).expect("torn tail after compaction is recoverable");
    assert_eq!(e.recovery_report().truncated.len(), 1);
    for i in 0..59 {
        assert_eq!(e.get(&key(i)).expect("get"), Some(value(i)), "key {i}");
    }
}

/// What a store holds: the latest value of each key (None once deleted),
/// and every value each key ever had.
struct Model {
    latest: std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    history: std::collections::HashMap<Vec<u8>, Vec<Vec<u8>>>,
}

/// A store with sealed segments (with hints), compaction output, a
/// manifest, deletes and overwrites, closed cleanly: every write in it was
/// acknowledged.
fn reference_store(dir: &Path, durability: Durability) -> Model {
    let mut m = Model {
        latest: Default::default(),
        history: Default::default(),
    };
    let e = LogEngine::open(
        dir,
        Options {
            durability,
            ..opts()
        },
    )
    .expect("open");
    let mut rng = kv::bench::Rng::new(77);
    for step in 0..400 {
        let k = key(rng.below(120));
        if step % 9 == 8 {
            e.delete(&k).expect("delete");
            m.latest.insert(k, None);
        } else {
            let v = format!("{step} {}", "v".repeat(rng.below(60))).into_bytes();
            e.set(&k, &v).expect("set");
            m.history.entry(k.clone()).or_default().push(v.clone());
            m.latest.insert(k, Some(v));
        }
        if step == 200 {
            e.compact().expect("compact");
        }
    }
    m
}

fn copy_store(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("list") {
        let p = e.expect("entry").path();
        if p.is_file() {
            fs::copy(&p, to.join(p.file_name().expect("name"))).expect("copy");
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    FlipByte,
    Truncate,
    ZeroFill,
    ZeroRange,
    Remove,
    AppendGarbage,
}

fn inject(path: &Path, fault: Fault, rng: &mut kv::bench::Rng) {
    let len = fs::metadata(path).expect("meta").len() as usize;
    match fault {
        Fault::FlipByte => flip(path, rng.below(len) as u64),
        Fault::Truncate => OpenOptions::new()
            .write(true)
            .open(path)
            .expect("open")
            .set_len(rng.below(len) as u64)
            .expect("truncate"),
        Fault::ZeroFill => fs::write(path, vec![0u8; len]).expect("zero"),
        Fault::ZeroRange => {
            let at = rng.below(len);
            let n = (1 + rng.below(600)).min(len - at);
            let f = OpenOptions::new().write(true).open(path).expect("open");
            f.write_all_at(&vec![0u8; n], at as u64)
                .expect("zero range");
        }
        Fault::Remove => fs::remove_file(path).expect("remove"),
        Fault::AppendGarbage => {
            let garbage: Vec<u8> = (0..1 + rng.below(300))
                .map(|_| rng.below(256) as u8)
                .collect();
            let mut f = OpenOptions::new().append(true).open(path).expect("open");
            std::io::Write::write_all(&mut f, &garbage).expect("append");
        }
    }
}

/// Whether `got` for `key` is acceptable: exactly the acknowledged state,
/// or (only when recovery reported cutting something) an older
/// acknowledged state.
fn acceptable(m: &Model, key: &[u8], got: &Option<Vec<u8>>, cut_reported: bool) -> bool {
    let latest = m.latest.get(key).cloned().flatten();
    if *got == latest {
        return true;
    }
    cut_reported
        && match got {
            None => true,
            Some(v) => m.history.get(key).is_some_and(|h| h.contains(v)),
        }
}

#[test]
fn random_faults_in_every_file_class_are_served_exactly_or_reported() {
    let trials: usize = std::env::var("KV_FAULT_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(3);
    // Under `Always` the segment being written has zero-filled space
    // after its records; under `Never` it ends at its last record.
    for durability in [Durability::Never, Durability::Always] {
        fault_round(trials, durability);
    }
}

fn fault_round(trials: usize, durability: Durability) {
    let root = tempfile::tempdir().expect("tempdir");
    let pristine = root.path().join("pristine");
    let model = reference_store(&pristine, durability);
    let segs = files(&pristine, "seg");
    let hints = files(&pristine, "hint");
    assert!(segs.len() >= 4 && !hints.is_empty(), "{segs:?}");
    // The active segment is the one without a hint.
    let active = segs
        .iter()
        .find(|s| !hints.iter().any(|h| h.file_stem() == s.file_stem()))
        .expect("active segment")
        .clone();
    let sealed = segs.iter().find(|s| **s != active).expect("sealed").clone();
    let classes = [
        ("sealed segment", sealed),
        ("active segment", active),
        ("hint", hints[0].clone()),
        ("manifest", pristine.join("MANIFEST")),
    ];
    let faults = [
        Fault::FlipByte,
        Fault::Truncate,
        Fault::ZeroFill,
        Fault::ZeroRange,
        Fault::Remove,
        Fault::AppendGarbage,
    ];
    let mut rng = kv::bench::Rng::new(2026);
    let (mut served, mut refused, mut case) = (0, 0, 0);
    for (class, file) in &classes {
        for fault in faults {
            for _ in 0..trials {
                case += 1;
                let dir = root.path().join(format!("case{case}"));
                copy_store(&pristine, &dir);
                let target = dir.join(file.file_name().expect("name"));
                inject(&target, fault, &mut rng);
                let what = format!(
                    "{fault:?} in the {class} {} ({durability:?})",
                    target.display()
                );
                let e = match LogEngine::open(&dir, opts()) {
                    Err(err) => {
                        // Reported: one line naming what is wrong.
                        let msg = err.to_string();
                        assert!(!msg.is_empty() && !msg.contains('\n'), "{what}: {msg}");
                        refused += 1;
                        continue;
                    }
                    Ok(e) => e,
                };
                served += 1;
                let r = e.recovery_report().clone();
                // Only the segment being written can lose a tail to
                // recovery (it looks just like a crash mid-write); damage
                // anywhere else is either refused or costs nothing.
                let cut = *class == "active segment" && !r.truncated.is_empty();
                for k in model.latest.keys() {
                    match e.get(k) {
                        // Damage found on read is reported, never a value.
                        Err(_) => {}
                        Ok(got) => assert!(
                            acceptable(&model, k, &got, cut),
                            "{what}: key {:?} reads {:?}, acknowledged {:?}; report: {r}",
                            String::from_utf8_lossy(k),
                            got.map(|g| String::from_utf8_lossy(&g).into_owned()),
                            model.latest[k]
                                .as_ref()
                                .map(|v| String::from_utf8_lossy(v).into_owned())
                        ),
                    }
                }
                if let Ok(pairs) = e.scan(&KeyRange::all(), usize::MAX) {
                    for (k, v) in pairs {
                        assert!(acceptable(&model, &k, &Some(v), cut), "{what}: scan");
                    }
                }
            }
        }
    }
    assert!(
        served > 0 && refused > 0,
        "served {served}, refused {refused}"
    );
}

#[test]
fn a_stale_hint_is_caught_by_verify_and_not_used_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(dir.path(), 200);
    let hint = files(dir.path(), "hint")[0].clone();
    // A well-formed hint that describes only the first record of its
    // segment: what a hint written before more records were appended
    // looks like.
    let seg = hint.with_extension("seg");
    let data = fs::read(&seg).expect("read segment");
    let id: u32 = seg
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.parse().ok())
        .expect("segment id");
    let first = kv::log::format::decode_record(&data[16..]).expect("first record");
    let stale = vec![kv::log::format::HintEntry {
        key: data[16 + 29..16 + 29 + first.key_len as usize].into(),
        seq: first.seq,
        expires: first.expires,
        flags: 0,
        val_len: first.val_len,
        offset: 16,
    }];
    fs::write(&hint, kv::log::format::encode_hint_file(id, &stale)).expect("write hint");
    let report = kv::log::verify(dir.path()).expect("verify runs");
    assert!(report.damaged(), "{report}");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.path == hint.display().to_string()),
        "{report}"
    );
    let e = LogEngine::open(dir.path(), opts()).expect("open");
    assert_eq!(e.recovery_report().hints_rejected.len(), 1);
    for i in 0..200 {
        assert_eq!(e.get(&key(i)).expect("get"), Some(value(i)), "key {i}");
    }
}
