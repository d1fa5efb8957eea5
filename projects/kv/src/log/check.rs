//! `verify` and `repair`: checking a closed store without changing it, and
//! salvaging every readable record of a damaged one into a new store.
//!
//! Both read the files directly (never through recovery, which would cut
//! torn tails) while holding the store's lock, so nothing writes meanwhile.
//! A salvage scan walks each segment record by record like recovery does,
//! but at a damaged record it notes the damage and resumes at the next
//! valid record instead of stopping, so everything readable is found.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::engine::{Durability, Engine, now_ms};
use crate::error::OpenError;

use super::format::{
    FILE_HEADER_LEN, FLAG_BATCH, FLAG_BATCH_END, FLAG_TOMBSTONE, HintEntry, RECORD_HEADER_LEN,
    SEGMENT_MAGIC, decode_file_header, decode_hint_file, decode_manifest, decode_record,
};
use super::recovery::{MANIFEST, next_valid_record};
use super::segment::{hint_path, segment_path};
use super::store::{LogEngine, Options};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    /// Left by a crash; the next open handles it (a torn tail).
    Notice,
    /// Acknowledged data is damaged or missing.
    Damage,
}

/// One thing `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub path: String,
    pub what: String,
}

/// What `verify` checked and found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub segments: usize,
    pub records: u64,
    pub hints: usize,
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// Whether anything is damaged (notices do not count).
    pub fn damaged(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Damage)
    }
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let damage = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Damage)
            .count();
        write!(
            f,
            "checked {} segments, {} records, {} hints: {}",
            self.segments,
            self.records,
            self.hints,
            if damage == 0 {
                "no damage".to_string()
            } else {
                format!("{damage} damaged")
            }
        )?;
        for x in &self.findings {
            let tag = match x.severity {
                Severity::Notice => "notice",
                Severity::Damage => "DAMAGE",
            };
            write!(f, "\n  {tag}: {}: {}", x.path, x.what)?;
        }
        Ok(())
    }
}

/// A record found by a salvage scan.
struct Found {
    entry: HintEntry,
    tombstone: bool,
}

/// A damaged stretch of a segment that a salvage scan skipped.
struct Skipped {
    offset: u64,
    len: u64,
    reason: String,
}

/// Walk every record of `data`, resuming after damage at the next valid
/// record. Batches count only when closed, as at open.
fn salvage_scan(data: &[u8]) -> (Vec<Found>, Vec<Skipped>) {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    let mut pending: Vec<Found> = Vec::new();
    let mut pos = FILE_HEADER_LEN.min(data.len());
    while pos < data.len() {
        match decode_record(&data[pos..]) {
            Ok(h) => {
                let ks = pos + RECORD_HEADER_LEN;
                let f = Found {
                    entry: HintEntry {
                        key: data[ks..ks + h.key_len as usize].into(),
                        seq: h.seq,
                        expires: h.expires,
                        flags: h.flags & FLAG_TOMBSTONE,
                        val_len: h.val_len,
                        offset: pos as u64,
                    },
                    tombstone: h.is_tombstone(),
                };
                if h.flags & FLAG_BATCH != 0 {
                    pending.push(f);
                    if h.flags & FLAG_BATCH_END != 0 {
                        found.append(&mut pending);
                    }
                } else {
                    pending.clear();
                    found.push(f);
                }
                pos += h.record_len() as usize;
            }
            // Zero-filled space after the last record is not damage.
            Err(_) if data[pos..].iter().all(|&b| b == 0) => break,
            Err(reason) => {
                pending.clear();
                let next = next_valid_record(data, pos + 1).unwrap_or(data.len());
                skipped.push(Skipped {
                    offset: pos as u64,
                    len: (next - pos) as u64,
                    reason,
                });
                pos = next;
            }
        }
    }
    (found, skipped)
}

/// Segment ids in `dir`, ascending.
fn segment_ids(dir: &Path) -> Result<Vec<u32>, OpenError> {
    let mut ids = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|error| OpenError::Dir {
        path: dir.to_path_buf(),
        error,
    })?;
    for e in entries.flatten() {
        if let Some(id) = e
            .file_name()
            .to_str()
            .and_then(|n| n.strip_suffix(".seg"))
            .and_then(|n| n.parse::<u32>().ok())
        {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Hold the store's lock for the duration of a check.
fn lock_store(dir: &Path) -> Result<std::fs::File, OpenError> {
    if !dir.is_dir() {
        return Err(OpenError::Dir {
            path: dir.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such store directory"),
        });
    }
    let path = dir.join("LOCK");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|error| OpenError::Io {
            op: "open",
            path: path.clone(),
            error,
        })?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(OpenError::Locked {
            path: dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(error)) => Err(OpenError::Io {
            op: "lock",
            path,
            error,
        }),
    }
}

/// Check every record of every segment, every hint file and the manifest
/// of the store in `dir`, changing nothing.
pub fn verify(dir: &Path) -> Result<VerifyReport, OpenError> {
    let _lock = lock_store(dir)?;
    let mut r = VerifyReport::default();
    let damage = |r: &mut VerifyReport, path: &Path, what: String| {
        r.findings.push(Finding {
            severity: Severity::Damage,
            path: path.display().to_string(),
            what,
        });
    };
    let mpath = dir.join(MANIFEST);
    let manifest = match std::fs::read(&mpath) {
        Ok(b) => match decode_manifest(&b) {
            Ok(m) => Some(m),
            Err(e) => {
                damage(&mut r, &mpath, format!("manifest unreadable: {e}"));
                None
            }
        },
        Err(_) => None,
    };
    let ids = segment_ids(dir)?;
    let listed: HashMap<u32, u64> = manifest
        .iter()
        .flat_map(|m| m.sealed.iter().map(|s| (s.id, s.len)))
        .collect();
    for (&id, &len) in &listed {
        if ids.binary_search(&id).is_err() {
            damage(
                &mut r,
                &segment_path(dir, id),
                format!("sealed segment of {len} bytes is missing"),
            );
        }
    }
    // The segment being written: the newest log segment (compaction output,
    // kind 1, may have higher ids). Only it may end in a torn tail.
    let newest = ids
        .iter()
        .copied()
        .filter(|&id| {
            let mut h = [0u8; FILE_HEADER_LEN];
            std::fs::File::open(segment_path(dir, id))
                .and_then(|f| std::os::unix::fs::FileExt::read_exact_at(&f, &mut h, 0))
                .is_ok_and(|()| decode_file_header(&h).is_ok_and(|h| h.kind == 0))
        })
        .max();
    for &id in &ids {
        let path = segment_path(dir, id);
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                damage(&mut r, &path, format!("cannot read: {e}"));
                continue;
            }
        };
        r.segments += 1;
        let sealed_len = listed.get(&id).copied();
        // A crash while a new segment was being created (rotation) can
        // leave the newest file shorter than its header: never sealed,
        // holding no record, it is a crash's leftover, not damage.
        if data.len() < FILE_HEADER_LEN && sealed_len.is_none() && ids.last() == Some(&id) {
            r.findings.push(Finding {
                severity: Severity::Notice,
                path: path.display().to_string(),
                what: format!(
                    "{} bytes: a segment whose creation a crash interrupted (holds no record)",
                    data.len()
                ),
            });
            continue;
        }
        match decode_file_header(&data) {
            Ok(h) if h.magic == SEGMENT_MAGIC && h.id == id => {}
            Ok(_) => damage(&mut r, &path, "header names another file".into()),
            Err(e) => damage(&mut r, &path, format!("header: {e}")),
        }
        if let Some(len) = sealed_len {
            if (data.len() as u64) < len {
                damage(
                    &mut r,
                    &path,
                    format!("{} bytes, shorter than its sealed {len}", data.len()),
                );
            } else if (data.len() as u64) > len {
                damage(
                    &mut r,
                    &path,
                    format!(
                        "{} bytes past its sealed end at {len}",
                        data.len() as u64 - len
                    ),
                );
            }
        }
        let (found, skipped) = salvage_scan(&data);
        r.records += found.len() as u64;
        let hp = hint_path(dir, id);
        let has_hint = hp.exists();
        for s in &skipped {
            // Only the newest, never-sealed segment may end in a torn tail.
            let at_end = s.offset + s.len == data.len() as u64;
            let torn = at_end && Some(id) == newest && sealed_len.is_none() && !has_hint;
            r.findings.push(Finding {
                severity: if torn {
                    Severity::Notice
                } else {
                    Severity::Damage
                },
                path: path.display().to_string(),
                what: format!(
                    "{} bytes at byte {} unreadable ({}){}",
                    s.len,
                    s.offset,
                    s.reason,
                    if torn {
                        "; a torn tail the next open cuts and saves"
                    } else {
                        ""
                    }
                ),
            });
        }
        if has_hint {
            r.hints += 1;
            let problem = match std::fs::read(&hp) {
                Err(e) => Some(format!("cannot read: {e}")),
                Ok(b) => match decode_hint_file(id, &b) {
                    Err(e) => Some(e),
                    Ok(mut entries) => {
                        // Hints list entries by key (older ones in file
                        // order): compare as sets.
                        let order = |a: &HintEntry, b: &HintEntry| {
                            (&a.key, a.seq, a.offset).cmp(&(&b.key, b.seq, b.offset))
                        };
                        entries.sort_by(order);
                        let mut scanned: Vec<&HintEntry> = found.iter().map(|f| &f.entry).collect();
                        scanned.sort_by(|a, b| order(a, b));
                        let same = entries.len() == scanned.len()
                            && entries.iter().zip(&scanned).all(|(a, b)| a == *b);
                        (!same).then(|| {
                            format!(
                                "hint lists {} records, the segment holds {} readable ones that differ",
                                entries.len(),
                                scanned.len()
                            )
                        })
                    }
                },
            };
            if let Some(p) = problem {
                // A bad hint loses nothing (open reads the segment instead),
                // but it is damage all the same.
                damage(&mut r, &hp, p);
            }
        }
    }
    Ok(r)
}

/// What `repair` salvaged.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RepairReport {
    pub from: String,
    pub to: String,
    pub segments_read: usize,
    pub records_found: u64,
    pub keys_written: u64,
    /// Damaged stretches that were skipped.
    pub skipped: Vec<String>,
}

impl std::fmt::Display for RepairReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "salvaged {} keys ({} readable records in {} segments) from {} into {}",
            self.keys_written, self.records_found, self.segments_read, self.from, self.to
        )?;
        for s in &self.skipped {
            write!(f, "\n  skipped: {s}")?;
        }
        if !self.skipped.is_empty() {
            write!(
                f,
                "\n  a key whose newest version (or deletion) was in a skipped stretch has an older value, or is back"
            )?;
        }
        write!(
            f,
            "\n  {} is unchanged; to use the repaired store, move it away and put {} in its place",
            self.from, self.to
        )
    }
}

/// The newest record of a key seen so far: (seq, segment, offset,
/// tombstone, expiry).
type Newest = (u64, u32, u64, bool, u64);

/// Copy the newest readable version of every key of the store in `from`
/// into a new store at `to` (which must not exist), leaving `from` as it
/// is. Deleted and expired keys stay deleted, as far as the surviving
/// records tell.
pub fn repair(from: &Path, to: &Path) -> Result<RepairReport, OpenError> {
    let _lock = lock_store(from)?;
    if to.exists() {
        return Err(OpenError::Options {
            path: to.to_path_buf(),
            reason: "the repair target already exists; name a new folder".into(),
        });
    }
    let mut report = RepairReport {
        from: from.display().to_string(),
        to: to.display().to_string(),
        ..RepairReport::default()
    };
    // Pass 1: the newest record of every key, by sequence number.
    let mut newest: HashMap<Box<[u8]>, Newest> = HashMap::new();
    let ids = segment_ids(from)?;
    for &id in &ids {
        let path = segment_path(from, id);
        let Ok(data) = std::fs::read(&path) else {
            report
                .skipped
                .push(format!("{}: unreadable file", path.display()));
            continue;
        };
        report.segments_read += 1;
        let (found, skipped) = salvage_scan(&data);
        for s in skipped {
            report.skipped.push(format!(
                "{}: {} bytes at byte {} ({})",
                path.display(),
                s.len,
                s.offset,
                s.reason
            ));
        }
        report.records_found += found.len() as u64;
        for f in found {
            let e = f.entry;
            let slot = newest
                .entry(e.key)
                .or_insert((0, id, e.offset, f.tombstone, e.expires));
            if e.seq >= slot.0 {
                *slot = (e.seq, id, e.offset, f.tombstone, e.expires);
            }
        }
    }
    // Pass 2: write the winners, one source segment at a time.
    // Per source segment: (key, offset, expiry) of the winners in it.
    type Winners = Vec<(Box<[u8]>, u64, u64)>;
    let mut by_seg: HashMap<u32, Winners> = HashMap::new();
    let now = now_ms();
    for (key, (_, seg, offset, tombstone, expires)) in newest {
        if tombstone || (expires != 0 && expires <= now) {
            continue;
        }
        by_seg.entry(seg).or_default().push((key, offset, expires));
    }
    let out = LogEngine::open(
        to,
        Options {
            durability: Durability::Never,
            auto_compact: false,
            ..Options::default()
        },
    )?;
    let write_err = |e: crate::error::KvError| OpenError::Io {
        op: "write repaired store",
        path: to.to_path_buf(),
        error: std::io::Error::other(e.to_string()),
    };
    let mut segs: Vec<u32> = by_seg.keys().copied().collect();
    segs.sort_unstable();
    for id in segs {
        let path = segment_path(from, id);
        let data = std::fs::read(&path).map_err(|error| OpenError::Io {
            op: "read",
            path: path.clone(),
            error,
        })?;
        for (key, offset, expires) in by_seg.remove(&id).unwrap_or_default() {
            let at = offset as usize;
            let Ok(h) = decode_record(&data[at..]) else {
                continue;
            };
            let vs = at + RECORD_HEADER_LEN + h.key_len as usize;
            let value = &data[vs..vs + h.val_len as usize];
            let ttl = (expires != 0).then(|| Duration::from_millis(expires.saturating_sub(now)));
            out.set_with_ttl(&key, value, ttl).map_err(write_err)?;
            report.keys_written += 1;
        }
    }
    out.flush().map_err(write_err)?;
    Ok(report)
}

/// A folder name for a repaired copy of `dir` that does not exist yet.
pub fn repair_target(dir: &Path) -> PathBuf {
    let base = dir
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches('/')
        .to_string();
    let mut n = 1;
    loop {
        let p = PathBuf::from(if n == 1 {
            format!("{base}.repaired")
        } else {
            format!("{base}.repaired-{n}")
        });
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}
