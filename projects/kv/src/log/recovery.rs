//! Reading a store back at open: directory inventory, the manifest, segment
//! checks and repair of crash leftovers, hint files, and full scans.
//!
//! [`recover`] is the whole of it, in this order:
//!
//! 1. finish a compaction's deletion that a crash interrupted (the old
//!    `PENDING-DELETE` file, and the manifest's list of retired segments);
//! 2. read the manifest, which lists every *sealed* segment with its exact
//!    length. A sealed segment is never written again, so a listed segment
//!    that is missing, shorter, zero-filled or damaged is **damage**, and the
//!    open is refused with every problem named, changing nothing. Bytes past
//!    a sealed segment's recorded end cannot be data; they are moved to
//!    `lost+found/` and reported;
//! 3. open every segment. The only segments a crash can leave empty or
//!    all zeros are ones that were never sealed (no hint, not listed); such
//!    a file is moved to `lost+found/`, never silently deleted;
//! 4. read each segment from its hint file when the hint covers exactly the
//!    bytes of the segment (a hint that covers less is stale and is ignored),
//!    and record by record otherwise. A scan stops at the first record that
//!    fails its checks. Only a segment that was never sealed may end in a
//!    **torn tail**, and only if the damage looks like a write that never
//!    finished (the record runs past the end of the file, or part of it is
//!    zeros where a page never reached the disk) and no valid record
//!    follows. The tail is copied to `lost+found/`, then cut, and reported.
//!    Anything else is corruption, and the open fails naming file and offset.
//!
//! Everything done is collected in a [`RecoveryReport`], which the CLI prints
//! on stderr and the TUI shows.

use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::OpenError;

use super::format::{
    FILE_HEADER_LEN, FLAG_BATCH, FLAG_BATCH_END, FLAG_TOMBSTONE, FORMAT_VERSION, HintEntry,
    Manifest, RECORD_HEADER_LEN, SealedSegment, SegmentKind, decode_hint_file, decode_manifest,
    decode_record, decode_record_header, encode_manifest, hint_covered_len,
};
use super::index::{Loc, SHARDS, shard_of};
use super::segment::{HeaderProblem, Segment, hint_path, segment_path, sync_dir};

/// File that lists segments a finished compaction still has to delete
/// (written by stores before the manifest existed; still honoured).
pub(super) const PENDING_DELETE: &str = "PENDING-DELETE";
/// The manifest: sealed segments and their lengths.
pub(super) const MANIFEST: &str = "MANIFEST";
/// Folder inside the store where cut or set-aside bytes are kept.
pub const LOST_FOUND: &str = "lost+found";

/// What opening the store found and did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecoveryReport {
    /// Segments found.
    pub segments: usize,
    /// Segments whose index came from their hint file.
    pub hints_used: usize,
    /// Segments that were read record by record.
    pub segments_scanned: usize,
    /// Hint files that were present but unusable (and why).
    pub hints_rejected: Vec<String>,
    /// Torn tails that were cut off (and empty segments a crash left).
    pub truncated: Vec<TornTail>,
    /// Leftover files removed (unfinished compaction output, merged
    /// segments whose deletion was interrupted).
    pub removed: Vec<String>,
    /// Problems that did not stop the open, and what was done about them.
    pub warnings: Vec<String>,
    /// Files written to `lost+found/` by this open.
    pub saved: Vec<String>,
    /// Whether the store had a manifest (false for a new store, and for
    /// one written before manifests existed: it gets one now).
    pub had_manifest: bool,
    /// Live keys after recovery.
    pub keys: usize,
    /// Wall time of the open.
    pub millis: u64,
}

impl RecoveryReport {
    /// Nothing was cut, set aside, rejected or removed: the store was
    /// exactly as the last run left it.
    pub fn is_clean(&self) -> bool {
        self.hints_rejected.is_empty()
            && self.truncated.is_empty()
            && self.removed.is_empty()
            && self.warnings.is_empty()
            && self.saved.is_empty()
    }

    /// One line per thing recovery did or found, most serious first.
    pub fn events(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        for t in &self.truncated {
            let saved = t
                .saved_to
                .as_deref()
                .map(|p| format!("; the bytes were saved to {p}"))
                .unwrap_or_default();
            out.push(format!(
                "cut {} bytes at byte {} of {} ({}){saved}",
                t.bytes_dropped, t.offset, t.path, t.reason
            ));
        }
        out.extend(
            self.hints_rejected
                .iter()
                .map(|h| format!("hint not used, segment read in full: {h}")),
        );
        out.extend(self.removed.iter().map(|r| format!("removed leftover {r}")));
        out
    }
}

impl std::fmt::Display for RecoveryReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "opened {} segments ({} from hints, {} read in full), {} keys, in {} ms",
            self.segments, self.hints_used, self.segments_scanned, self.keys, self.millis
        )?;
        for e in self.events() {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// The result of scanning one segment.
#[derive(Debug)]
pub struct ScanOutcome {
    /// Committed records in file order.
    pub entries: Vec<HintEntry>,
    /// Length of the valid prefix of the file.
    pub valid_len: u64,
    /// Set when a torn tail was found (and must be cut).
    pub torn: Option<TornTail>,
    /// The file ends in zero bytes after the last record: space the writer
    /// preallocated, or a crash's unwritten pages. Holds no data.
    pub zero_tail: bool,
    /// Where the zero-filled end starts (the file length if there is none).
    pub data_end: u64,
}

/// An incomplete end of a segment that was being written when the process
/// or machine stopped (or an empty segment file a crash left behind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TornTail {
    pub path: String,
    /// Where the valid data ends (the file is cut to this length).
    pub offset: u64,
    /// How many bytes were cut.
    pub bytes_dropped: u64,
    pub reason: String,
    /// Where the cut bytes were saved, in the store's `lost+found/`.
    pub saved_to: Option<String>,
}

/// One loaded record location, before the index is built.
pub(super) struct Loaded {
    pub key: Box<[u8]>,
    pub loc: Loc,
    pub tombstone: bool,
}

/// Scan the segment at `path` whose bytes are `data`. `allow_torn_tail` is
/// true for log segments that were never sealed: only those can have been
/// cut short by a crash.
pub fn scan_segment(
    path: &Path,
    data: &[u8],
    allow_torn_tail: bool,
) -> Result<ScanOutcome, OpenError> {
    let len = data.len();
    let mut entries = Vec::new();
    let mut pending: Vec<HintEntry> = Vec::new();
    let mut batch_start: Option<usize> = None;
    let mut pos = FILE_HEADER_LEN;
    let mut failure: Option<(usize, String)> = None;
    while pos < len {
        let header = match decode_record(&data[pos..]) {
            Ok(h) => h,
            Err(reason) => {
                failure = Some((pos, reason));
                break;
            }
        };
        let key_start = pos + RECORD_HEADER_LEN;
        let entry = HintEntry {
            key: data[key_start..key_start + header.key_len as usize].into(),
            seq: header.seq,
            expires: header.expires,
            flags: header.flags & !(FLAG_BATCH | FLAG_BATCH_END),
            val_len: header.val_len,
            offset: pos as u64,
        };
        if header.flags & FLAG_BATCH != 0 {
            batch_start.get_or_insert(pos);
            pending.push(entry);
            if header.flags & FLAG_BATCH_END != 0 {
                entries.append(&mut pending);
                batch_start = None;
            }
        } else {
            if let Some(start) = batch_start {
                // The writer appends a batch in one piece, so a plain record
                // can never follow an unfinished batch.
                return Err(OpenError::Corrupt {
                    path: path.to_path_buf(),
                    offset: start as u64,
                    reason: "batch has no closing record but the log continues after it".into(),
                });
            }
            entries.push(entry);
        }
        pos += header.record_len() as usize;
    }

    let cut = match (failure, batch_start) {
        (None, None) => None,
        // Every record read fine; the batch was cut off after them. The
        // checks below are about a failed record, so point past the end.
        (None, Some(start)) => Some((
            start,
            len,
            "batch cut off before its closing record".to_string(),
        )),
        (Some((at, reason)), start) => Some((start.unwrap_or(at), at, reason)),
    };
    let Some((cut_at, failed_at, reason)) = cut else {
        return Ok(ScanOutcome {
            entries,
            valid_len: len as u64,
            torn: None,
            zero_tail: false,
            data_end: len as u64,
        });
    };
    // Nothing but zeros from the failure on: the end of the log in a
    // segment with preallocated space (or pages a crash never wrote).
    // Only a batch left open before it is cut.
    if allow_torn_tail && failed_at < len && data[failed_at..].iter().all(|&b| b == 0) {
        let torn = (cut_at < failed_at).then(|| TornTail {
            path: path.display().to_string(),
            offset: cut_at as u64,
            bytes_dropped: (failed_at - cut_at) as u64,
            reason: "batch cut off before its closing record".into(),
            saved_to: None,
        });
        return Ok(ScanOutcome {
            entries,
            valid_len: cut_at as u64,
            torn,
            zero_tail: true,
            data_end: failed_at as u64,
        });
    }
    let corrupt = |reason: String| OpenError::Corrupt {
        path: path.to_path_buf(),
        offset: if failed_at < len { failed_at } else { cut_at } as u64,
        reason,
    };
    if !allow_torn_tail {
        return Err(corrupt(format!(
            "{reason} (in a sealed segment, which is complete by construction)"
        )));
    }
    if failed_at < len {
        if let Some(next) = valid_record_after(data, failed_at + 1) {
            return Err(corrupt(format!(
                "{reason}; a valid record follows at byte {next}, so this is not a torn tail"
            )));
        }
        if !looks_torn(data, failed_at) {
            return Err(corrupt(format!(
                "{reason}; the record is all there but damaged, which an interrupted write does not produce"
            )));
        }
    }
    Ok(ScanOutcome {
        entries,
        valid_len: cut_at as u64,
        torn: Some(TornTail {
            path: path.display().to_string(),
            offset: cut_at as u64,
            bytes_dropped: (len - cut_at) as u64,
            reason,
            saved_to: None,
        }),
        zero_tail: false,
        data_end: len as u64,
    })
}

/// Whether the failed record at `at` looks like a write that never
/// finished. A crash leaves a record cut short by the end of the file, or
/// (when the file's length reached the disk but some of its pages did not)
/// with runs of zeros. A record that is all there, with non-zero bytes,
/// and still fails its checksum was damaged after it was written.
fn looks_torn(data: &[u8], at: usize) -> bool {
    /// Zero runs shorter than this are normal inside values.
    const MIN_ZERO_RUN: usize = 32;
    let rest = &data[at..];
    if rest.len() < RECORD_HEADER_LEN {
        return true;
    }
    let end = match decode_record_header(rest) {
        Ok(h) => {
            let end = at as u64 + h.record_len();
            if end > data.len() as u64 {
                return true;
            }
            end as usize
        }
        Err(_) => data.len(),
    };
    let region = &data[at..end];
    if region.iter().all(|&b| b == 0) {
        return true;
    }
    // Followed only by zero-filled space, the record was the last write:
    // any zeroed sector in it, however short, is an unwritten page.
    let min_run = if data[end..].iter().all(|&b| b == 0) {
        1
    } else {
        MIN_ZERO_RUN
    };
    // A page that never reached the disk reads back as zeros from a
    // sector boundary on.
    let mut block = at.next_multiple_of(512);
    while block < end {
        let block_end = (block + 512).min(end);
        if block_end - block >= min_run && data[block..block_end].iter().all(|&b| b == 0) {
            return true;
        }
        block += 512;
    }
    false
}

/// The offset of the first complete, checksummed record that starts at or
/// after `from`, if any.
///
/// Trying every offset and checksumming the record it claims would cost
/// the claimed length each time: quadratic in the size of a torn value (a
/// value full of record-like bytes made an 8 MB tail take 12 s). Instead,
/// one pass computes running checksums of the data at every offset a
/// candidate needs, and each candidate's checksum is derived from two of
/// them: CRC-32 is linear, so crc(a..b) = crc(..b) xor shift(crc(..a), b-a),
/// where `shift` appends b-a zero bytes (a few multiplications). The
/// search is linear in the bytes after `from`.
fn valid_record_after(data: &[u8], from: usize) -> Option<usize> {
    let last = data.len().checked_sub(RECORD_HEADER_LEN)?;
    // (start, end, stored crc) of every offset whose header passes the
    // cheap checks and whose record fits in the file.
    let mut candidates: Vec<(usize, usize, u32)> = Vec::new();
    for p in from..=last {
        // Sequence numbers start at 1, so a zero one is never a record
        // (this keeps zero-filled space from being a candidate everywhere).
        if let Ok(h) = decode_record_header(&data[p..])
            && h.seq != 0
        {
            let end = p as u64 + h.record_len();
            if end <= data.len() as u64 {
                candidates.push((p, end as usize, h.crc));
            }
        }
    }
    if candidates.is_empty() {
        return None;
    }
    let mut points: Vec<usize> = candidates.iter().flat_map(|c| [c.0 + 4, c.1]).collect();
    points.sort_unstable();
    points.dedup();
    // prefix[i] = crc(data[from..points[i]])
    let mut prefix = Vec::with_capacity(points.len());
    let mut hasher = crc32fast::Hasher::new();
    let mut at = from;
    for &p in &points {
        hasher.update(&data[at..p]);
        at = p;
        prefix.push(hasher.clone().finalize());
    }
    let crc_upto = |p: usize| -> u32 {
        // Every point was pushed above, so the search always succeeds.
        points
            .binary_search(&p)
            .map(|i| prefix[i])
            .unwrap_or_default()
    };
    candidates.into_iter().find_map(|(start, end, stored)| {
        let body = start + 4;
        let crc = crc_upto(end) ^ crc_shift(crc_upto(body), (end - body) as u64);
        (crc == stored).then_some(start)
    })
}

/// The offset of the next complete, checksummed record at or after
/// `from` (linear time; used by `verify` and `repair` to resume after
/// damage).
pub(super) fn next_valid_record(data: &[u8], from: usize) -> Option<usize> {
    valid_record_after(data, from)
}

/// The CRC state `crc` after appending `n` zero bytes' worth of shift:
/// combining with an empty-valued checksum of length `n`.
fn crc_shift(crc: u32, n: u64) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(crc);
    h.combine(&crc32fast::Hasher::new_with_initial_len(0, n));
    h.finalize()
}

/// Read and decode the hint file at `path` for segment `id`, whose file is
/// `seg_len` bytes long. A hint whose records do not end exactly where the
/// segment ends describes some other state of it (a stale hint after
/// records were appended, or a segment cut short) and is not used.
pub fn load_hint(path: &Path, id: u32, seg_len: u64) -> Result<Vec<HintEntry>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let entries = decode_hint_file(id, &bytes)?;
    let covered = hint_covered_len(&entries);
    if covered != seg_len {
        return Err(format!(
            "it covers {covered} bytes but the segment is {seg_len} bytes long"
        ));
    }
    if let Some(e) = entries.iter().find(|e| e.offset < FILE_HEADER_LEN as u64) {
        return Err(format!(
            "entry at offset {} lies inside the file header",
            e.offset
        ));
    }
    Ok(entries)
}

/// Milliseconds since the epoch, to name evidence files uniquely.
fn stamp() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

fn io_err(op: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> OpenError {
    let path = path.to_path_buf();
    move |error| OpenError::Io { op, path, error }
}

/// The store's `lost+found/`, created (and made durable) on first use.
fn lost_found(store: &Path) -> Result<PathBuf, OpenError> {
    let dir = store.join(LOST_FOUND);
    if !dir.exists() {
        std::fs::create_dir(&dir).map_err(io_err("create", &dir))?;
        sync_dir(store).map_err(io_err("fsync", store))?;
    }
    Ok(dir)
}

/// Append one line to `lost+found/REPORT.txt`.
fn note(lf: &Path, line: &str) -> Result<(), OpenError> {
    let path = lf.join("REPORT.txt");
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io_err("open", &path))?;
    writeln!(f, "{} {line}", stamp()).map_err(io_err("write", &path))?;
    f.sync_all().map_err(io_err("fsync", &path))
}

/// Save `bytes` (cut from `from` at `offset`) as evidence before the
/// original is cut. The copy is durable before this returns.
pub(super) fn save_bytes(
    store: &Path,
    from: &Path,
    offset: u64,
    bytes: &[u8],
    reason: &str,
) -> Result<PathBuf, OpenError> {
    let lf = lost_found(store)?;
    let name = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = lf.join(format!("{}-{name}.from-{offset}", stamp()));
    let mut f = OpenOptions::new()
        .create_new(true)
        .write(true)
        .open(&path)
        .map_err(io_err("create", &path))?;
    f.write_all(bytes).map_err(io_err("write", &path))?;
    f.sync_all().map_err(io_err("fsync", &path))?;
    sync_dir(&lf).map_err(io_err("fsync", &lf))?;
    note(
        &lf,
        &format!(
            "{}: {} bytes from byte {offset} saved as {}: {reason}",
            from.display(),
            bytes.len(),
            path.display()
        ),
    )?;
    Ok(path)
}

/// Move a whole file into `lost+found/` instead of deleting it.
pub(super) fn move_aside(store: &Path, file: &Path, reason: &str) -> Result<PathBuf, OpenError> {
    let lf = lost_found(store)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let to = lf.join(format!("{}-{name}", stamp()));
    std::fs::rename(file, &to).map_err(io_err("move to lost+found", file))?;
    sync_dir(&lf).map_err(io_err("fsync", &lf))?;
    sync_dir(store).map_err(io_err("fsync", store))?;
    note(
        &lf,
        &format!("{} moved to {}: {reason}", file.display(), to.display()),
    )?;
    Ok(to)
}

/// Read the manifest. `None` when there is none (a new store, or one
/// written before manifests existed). A damaged manifest is moved to
/// `lost+found/` and reported, and recovery goes on from the files alone.
pub(super) fn read_manifest(
    dir: &Path,
    report: &mut RecoveryReport,
) -> Result<Option<Manifest>, OpenError> {
    let path = dir.join(MANIFEST);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("read", &path)(e)),
    };
    match decode_manifest(&bytes) {
        Ok(m) => Ok(Some(m)),
        Err(reason) => {
            let saved = move_aside(dir, &path, &format!("damaged manifest: {reason}"))?;
            report.warnings.push(format!(
                "{} is damaged ({reason}); it was moved to {} and the store was recovered from its segment files",
                path.display(),
                saved.display()
            ));
            report.saved.push(saved.display().to_string());
            Ok(None)
        }
    }
}

/// Write the manifest durably: a temporary file, fsync, rename, fsync of
/// the directory.
pub(super) fn write_manifest(dir: &Path, m: &Manifest) -> std::io::Result<()> {
    let path = dir.join(MANIFEST);
    let tmp = dir.join("MANIFEST.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&encode_manifest(m))?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    sync_dir(dir)
}

fn remove_file(path: &Path) -> Result<(), OpenError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("remove", path)(e)),
    }
}

/// A compaction that crashed after committing its output but before
/// deleting the merged segments left their ids in `PENDING-DELETE` (stores
/// written before the manifest); delete them now, before anything reads
/// them.
fn finish_pending_delete(dir: &Path, report: &mut RecoveryReport) -> Result<(), OpenError> {
    let path = dir.join(PENDING_DELETE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("read", &path)(e)),
    };
    let mut ids = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let id: u32 = line.trim().parse().map_err(|_| OpenError::BadHeader {
            path: path.clone(),
            reason: format!("line {line:?} is not a segment id"),
        })?;
        ids.push(id);
    }
    for id in ids {
        for p in [segment_path(dir, id), hint_path(dir, id)] {
            if p.exists() {
                remove_file(&p)?;
                report.removed.push(p.display().to_string());
            }
        }
    }
    remove_file(&path)?;
    sync_dir(dir).map_err(io_err("fsync", dir))
}

/// The files of a store directory.
struct Inventory {
    /// Segment ids, ascending.
    ids: Vec<u32>,
    hints: HashSet<u32>,
}

/// List the directory, removing unfinished temporary files (their data
/// is still in the files they were made from).
fn inventory(dir: &Path, report: &mut RecoveryReport) -> Result<Inventory, OpenError> {
    let dir_err = |error| OpenError::Dir {
        path: dir.to_path_buf(),
        error,
    };
    let mut ids = Vec::new();
    let mut hints = HashSet::new();
    for entry in std::fs::read_dir(dir).map_err(dir_err)? {
        let entry = entry.map_err(dir_err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".compacting") || name.ends_with(".tmp") {
            remove_file(&entry.path())?;
            report.removed.push(name);
        } else if let Some(id) = name
            .strip_suffix(".seg")
            .and_then(|s| s.parse::<u32>().ok())
        {
            ids.push(id);
        } else if let Some(id) = name
            .strip_suffix(".hint")
            .and_then(|s| s.parse::<u32>().ok())
        {
            hints.insert(id);
        }
    }
    ids.sort_unstable();
    Ok(Inventory { ids, hints })
}

/// Whether the file at `path` holds only zero bytes.
fn all_zeros(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.iter().all(|&x| x == 0))
}

/// Everything recovery hands to the store.
pub(super) struct Recovered {
    /// Open segments, by ascending id.
    pub segments: Vec<Segment>,
    /// Record locations, split by index shard.
    pub loaded: Vec<Vec<Loaded>>,
    /// Bytes of record data in all segments.
    pub total_bytes: u64,
    pub max_seq: u64,
    /// The segment to go on appending to: the newest log segment, if it
    /// was never sealed. `None` means a new one must be created.
    pub append_to: Option<u32>,
    /// The next unused segment id (may be past `u32::MAX`: then no new
    /// segment can be made).
    pub next_segment_id: u64,
    /// Sealed segments that need a hint file.
    pub pending_hints: Vec<u32>,
    /// The manifest as found on disk.
    pub manifest: Option<Manifest>,
    pub report: RecoveryReport,
}

/// Recover the store in `dir` (which the caller has locked).
pub(super) fn recover(dir: &Path) -> Result<Recovered, OpenError> {
    let mut report = RecoveryReport::default();
    finish_pending_delete(dir, &mut report)?;
    let manifest = read_manifest(dir, &mut report)?;
    report.had_manifest = manifest.is_some();
    let mut inv = inventory(dir, &mut report)?;
    let listed: HashMap<u32, SealedSegment> = manifest
        .iter()
        .flat_map(|m| m.sealed.iter().map(|s| (s.id, *s)))
        .collect();
    let mut damage: Vec<String> = Vec::new();
    let mut highest_seen: u64 = inv.ids.last().map_or(0, |&id| id as u64);

    // Segments that a committed compaction merged away.
    if let Some(m) = &manifest {
        for id in &m.retired {
            if listed.contains_key(id) {
                continue;
            }
            for p in [segment_path(dir, *id), hint_path(dir, *id)] {
                if p.exists() {
                    remove_file(&p)?;
                    report.removed.push(p.display().to_string());
                }
            }
            inv.ids.retain(|x| x != id);
            inv.hints.remove(id);
        }
    }
    for s in listed.values() {
        if inv.ids.binary_search(&s.id).is_err() {
            damage.push(format!(
                "{}: sealed segment ({} bytes) is missing",
                segment_path(dir, s.id).display(),
                s.len
            ));
        }
    }
    // The segment that was being written must still be there (it may be
    // empty: that is a crash right after it was made).
    if let Some(m) = &manifest
        && m.active != 0
        && !listed.contains_key(&m.active)
        && inv.ids.binary_search(&m.active).is_err()
    {
        damage.push(format!(
            "{}: the segment being written is missing",
            segment_path(dir, m.active).display()
        ));
    }
    // A hint without its segment is left over from a merge; drop it.
    let orphans: Vec<u32> = inv
        .hints
        .iter()
        .copied()
        .filter(|id| inv.ids.binary_search(id).is_err() && !listed.contains_key(id))
        .collect();
    for id in orphans {
        let path = hint_path(dir, id);
        remove_file(&path)?;
        report.removed.push(path.display().to_string());
        inv.hints.remove(&id);
    }

    // Open every segment and check its header.
    let mut opened: Vec<(Segment, u64)> = Vec::with_capacity(inv.ids.len());
    for &id in &inv.ids {
        let path = segment_path(dir, id);
        let sealed = listed.contains_key(&id) || inv.hints.contains(&id);
        let empty = match Segment::open(path.clone(), id) {
            Ok((seg, len)) => {
                if seg.kind == SegmentKind::Compacted && manifest.is_some() && !sealed {
                    // Output of a compaction that never committed: the
                    // records it copied are still in the merged segments.
                    drop(seg);
                    remove_file(&path)?;
                    report.removed.push(path.display().to_string());
                    continue;
                }
                opened.push((seg, len));
                continue;
            }
            Err(HeaderProblem::Short { len }) => len,
            Err(HeaderProblem::Bad(_)) if all_zeros(&path) => {
                std::fs::metadata(&path).map_or(0, |m| m.len())
            }
            Err(HeaderProblem::Io(e)) => return Err(io_err("open", &path)(e)),
            Err(HeaderProblem::Bad(reason)) => {
                return Err(OpenError::BadHeader { path, reason });
            }
            Err(HeaderProblem::Version(found)) => {
                return Err(OpenError::Version {
                    path,
                    found,
                    supported: FORMAT_VERSION,
                });
            }
        };
        // An empty or all-zero segment. Never sealed: created just before
        // a crash, before any acknowledged write reached it. Sealed: its
        // records are gone, which is damage.
        if sealed {
            damage.push(format!(
                "{}: sealed segment is {} ({empty} bytes); its records are gone",
                path.display(),
                if empty < FILE_HEADER_LEN as u64 {
                    "shorter than its header"
                } else {
                    "all zeros"
                }
            ));
            continue;
        }
        let saved = move_aside(
            dir,
            &path,
            "segment created just before a crash; it holds no records",
        )?;
        report.saved.push(saved.display().to_string());
        report.truncated.push(TornTail {
            path: path.display().to_string(),
            offset: 0,
            bytes_dropped: empty,
            reason: "segment created but its contents never reached the disk".into(),
            saved_to: Some(saved.display().to_string()),
        });
    }

    // Sealed segments must have exactly their recorded length.
    let mut garbage: Vec<(usize, u64)> = Vec::new();
    for (i, (seg, len)) in opened.iter().enumerate() {
        let Some(s) = listed.get(&seg.id) else {
            continue;
        };
        if s.kind != seg.kind as u8 {
            damage.push(format!(
                "{}: segment kind {} does not match the manifest's {}",
                seg.path.display(),
                seg.kind as u8,
                s.kind
            ));
        } else if *len < s.len {
            damage.push(format!(
                "{}: sealed segment is {len} bytes, shorter than the {} bytes it was sealed at",
                seg.path.display(),
                s.len
            ));
        } else if *len > s.len {
            garbage.push((i, s.len));
        }
    }
    if !damage.is_empty() {
        return Err(OpenError::Damaged {
            path: dir.to_path_buf(),
            problems: damage,
        });
    }
    for (i, keep) in garbage {
        let (seg, len) = &mut opened[i];
        let mut extra = vec![0u8; (*len - keep) as usize];
        seg.read_exact_at(&mut extra, keep)
            .map_err(|e| io_err("read", &seg.path)(std::io::Error::other(e.to_string())))?;
        let reason = "bytes after the end of a sealed segment (never written by the store)";
        let saved = save_bytes(dir, &seg.path, keep, &extra, reason)?;
        seg.truncate(keep).map_err(io_err("truncate", &seg.path))?;
        report.warnings.push(format!(
            "{}: {} bytes after its sealed end at byte {keep} were cut and saved to {}",
            seg.path.display(),
            extra.len(),
            saved.display()
        ));
        report.saved.push(saved.display().to_string());
        *len = keep;
    }
    report.segments = opened.len();

    // The newest log segment is the one that was being appended to
    // (compaction output may have higher ids). It is appended to again
    // only if it was never sealed: appending to a sealed segment would
    // leave its hint and manifest entry describing less than the file.
    let append_to = opened
        .iter()
        .filter(|(s, _)| s.kind == SegmentKind::Log)
        .map(|(s, _)| s.id)
        .max()
        .filter(|id| !listed.contains_key(id) && !inv.hints.contains(id));

    let mut loaded: Vec<Vec<Loaded>> = (0..SHARDS).map(|_| Vec::new()).collect();
    let mut pending_hints = Vec::new();
    let mut total_bytes = 0u64;
    let mut max_seq = 0u64;
    for (seg, len) in &opened {
        let is_active = Some(seg.id) == append_to;
        let mut data_len = *len;
        let mut entries = None;
        if !is_active && inv.hints.contains(&seg.id) {
            let hp = hint_path(dir, seg.id);
            match load_hint(&hp, seg.id, *len) {
                Ok(e) => {
                    report.hints_used += 1;
                    entries = Some(e);
                }
                Err(reason) => {
                    let saved = move_aside(dir, &hp, &format!("hint not used: {reason}"))?;
                    report.saved.push(saved.display().to_string());
                    report
                        .hints_rejected
                        .push(format!("{}: {reason}", hp.display()));
                }
            }
        }
        let entries = match entries {
            Some(e) => e,
            None => {
                report.segments_scanned += 1;
                let data = std::fs::read(&seg.path).map_err(io_err("read", &seg.path))?;
                let never_sealed = seg.kind == SegmentKind::Log && !listed.contains_key(&seg.id);
                let outcome = scan_segment(&seg.path, &data, never_sealed)?;
                if outcome.zero_tail && outcome.torn.is_none() {
                    // Preallocated space: the segment being written keeps
                    // it; one sealed by a crash is cut to its data.
                    if is_active {
                        seg.set_data_end(outcome.valid_len);
                    } else {
                        seg.truncate(outcome.valid_len)
                            .map_err(io_err("truncate", &seg.path))?;
                    }
                    data_len = outcome.valid_len;
                }
                if let Some(mut torn) = outcome.torn {
                    let saved = save_bytes(
                        dir,
                        &seg.path,
                        outcome.valid_len,
                        &data[outcome.valid_len as usize..outcome.data_end as usize],
                        &format!("torn tail: {}", torn.reason),
                    )?;
                    seg.truncate(outcome.valid_len)
                        .map_err(io_err("truncate", &seg.path))?;
                    data_len = outcome.valid_len;
                    torn.saved_to = Some(saved.display().to_string());
                    report.saved.push(saved.display().to_string());
                    report.truncated.push(torn);
                }
                if !is_active {
                    pending_hints.push(seg.id);
                }
                outcome.entries
            }
        };
        total_bytes += data_len.saturating_sub(FILE_HEADER_LEN as u64);
        for e in entries {
            max_seq = max_seq.max(e.seq);
            loaded[shard_of(&e.key)].push(Loaded {
                loc: Loc {
                    seg: seg.id,
                    val_len: e.val_len,
                    offset: e.offset,
                    seq: e.seq,
                    expires: e.expires,
                },
                tombstone: e.flags & FLAG_TOMBSTONE != 0,
                key: e.key,
            });
        }
    }
    if let Some(m) = &manifest {
        highest_seen = highest_seen.max(m.next_id.saturating_sub(1));
    }
    Ok(Recovered {
        segments: opened.into_iter().map(|(s, _)| s).collect(),
        loaded,
        total_bytes,
        max_seq,
        append_to,
        next_segment_id: highest_seen + 1,
        pending_hints,
        manifest,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::format::{SEGMENT_MAGIC, encode_file_header, encode_record};

    fn segment(records: &[(&[u8], &[u8], u8)]) -> (Vec<u8>, Vec<usize>) {
        let mut data = encode_file_header(SEGMENT_MAGIC, 0, 1).to_vec();
        let mut offsets = Vec::new();
        for (i, (k, v, flags)) in records.iter().enumerate() {
            offsets.push(data.len());
            encode_record(&mut data, i as u64 + 1, 0, *flags, k, v);
        }
        (data, offsets)
    }

    /// The obvious quadratic search, as the reference.
    fn naive_valid_record_after(data: &[u8], from: usize) -> Option<usize> {
        (from..data.len().saturating_sub(RECORD_HEADER_LEN - 1))
            .find(|&p| decode_record(&data[p..]).is_ok())
    }

    proptest::proptest! {
        // Whatever bytes a damaged disk hands us, decoding reports an error
        // instead of panicking or allocating absurd amounts.
        #[test]
        fn garbage_never_panics(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), active: bool) {
            let mut data = encode_file_header(SEGMENT_MAGIC, 0, 1).to_vec();
            data.extend_from_slice(&tail);
            let _ = scan_segment(Path::new("x.seg"), &data, active);
            let _ = crate::log::format::decode_hint_file(1, &data);
        }

        // The linear search finds exactly what trying every offset finds,
        // including records hidden inside other records' values.
        #[test]
        fn linear_search_agrees_with_the_naive_one(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80),
            inner in proptest::prelude::any::<bool>(),
            cut in 0usize..40,
        ) {
            let mut data = junk.clone();
            let mut rec = Vec::new();
            encode_record(&mut rec, 9, 0, 0, b"key", b"value");
            if inner {
                // A record inside a value, so candidates overlap.
                let mut outer = Vec::new();
                encode_record(&mut outer, 8, 0, 0, b"o", &rec);
                data.extend_from_slice(&outer);
            } else {
                data.extend_from_slice(&rec);
            }
            data.truncate(data.len().saturating_sub(cut));
            for from in [0, 1, junk.len()] {
                proptest::prop_assert_eq!(
                    valid_record_after(&data, from),
                    naive_valid_record_after(&data, from)
                );
            }
        }
    }

    #[test]
    fn crc_of_a_range_comes_from_two_prefix_crcs() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for (a, b) in [(0, 10), (3, 4999), (100, 100), (17, 4000)] {
            let pa = crc32fast::hash(&data[..a]);
            let pb = crc32fast::hash(&data[..b]);
            assert_eq!(
                pb ^ crc_shift(pa, (b - a) as u64),
                crc32fast::hash(&data[a..b]),
                "{a}..{b}"
            );
        }
    }

    #[test]
    fn a_torn_value_full_of_fake_headers_is_searched_in_linear_time() {
        // D6: a value made of record-like headers, each claiming a length
        // that fits the file; cut short as a crash would leave it. The old
        // search checksummed each candidate's whole claimed record (about
        // 30 GB of CRC for this 2 MB value); this one must finish at once
        // and still call it a torn tail.
        let mut fake = Vec::new();
        while fake.len() < 2 << 20 {
            let mut h = vec![0u8; RECORD_HEADER_LEN];
            h[21..25].copy_from_slice(&1u32.to_le_bytes());
            h[25..29].copy_from_slice(&((1u32 << 20) - 40).to_le_bytes());
            fake.extend_from_slice(&h);
        }
        let (mut data, offsets) = segment(&[(b"a", b"1", 0), (b"big", &fake, 0)]);
        data.truncate(data.len() - 500_000);
        let out = scan_segment(Path::new("x.seg"), &data, true).expect("a torn tail");
        assert_eq!(out.valid_len, offsets[1] as u64);
        assert_eq!(out.entries.len(), 1);
    }

    #[test]
    fn clean_segment_scans_fully() {
        let (data, _) = segment(&[(b"a", b"1", 0), (b"b", b"2", 0)]);
        let out = scan_segment(Path::new("x.seg"), &data, false).expect("clean");
        assert_eq!(out.entries.len(), 2);
        assert_eq!(out.valid_len, data.len() as u64);
        assert!(out.torn.is_none());
    }

    #[test]
    fn partial_last_record_is_a_torn_tail() {
        let (data, offsets) = segment(&[(b"a", b"1", 0), (b"b", b"2222", 0)]);
        let cut = &data[..data.len() - 3];
        let out = scan_segment(Path::new("x.seg"), cut, true).expect("torn tail is recoverable");
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.valid_len, offsets[1] as u64);
        assert!(out.torn.is_some());
        assert!(scan_segment(Path::new("x.seg"), cut, false).is_err());
    }

    #[test]
    fn a_complete_but_damaged_last_record_is_corruption_not_a_torn_tail() {
        // D2: a flipped byte in a record that is all there used to be cut
        // as a torn tail, silently rolling the key back.
        let (mut data, offsets) = segment(&[(b"a", b"1", 0), (b"b", b"value-two", 0)]);
        let last = data.len() - 2;
        data[last] ^= 0x01;
        match scan_segment(Path::new("x.seg"), &data, true) {
            Err(OpenError::Corrupt { offset, .. }) => assert_eq!(offset, offsets[1] as u64),
            other => panic!("expected corruption, got {other:?}"),
        }
        // Zeros where a page never reached the disk are a torn write.
        let (mut data, offsets) = segment(&[(b"a", b"1", 0), (b"b", &[7u8; 2000], 0)]);
        let end = data.len();
        data[end - 1200..].fill(0);
        let out = scan_segment(Path::new("x.seg"), &data, true).expect("zeroed page is torn");
        assert_eq!(out.valid_len, offsets[1] as u64);
    }

    #[test]
    fn damage_before_valid_records_is_corruption() {
        let (mut data, offsets) = segment(&[(b"a", b"1", 0), (b"b", b"2", 0), (b"c", b"3", 0)]);
        data[offsets[1] + RECORD_HEADER_LEN] ^= 0xFF;
        match scan_segment(Path::new("x.seg"), &data, true) {
            Err(OpenError::Corrupt { offset, .. }) => assert_eq!(offset, offsets[1] as u64),
            other => panic!("expected corruption, got {other:?}"),
        }
    }

    #[test]
    fn unfinished_batch_is_dropped_whole() {
        let (data, offsets) = segment(&[
            (b"a", b"1", 0),
            (b"b", b"2", FLAG_BATCH),
            (b"c", b"3", FLAG_BATCH),
        ]);
        let out = scan_segment(Path::new("x.seg"), &data, true).expect("recoverable");
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.valid_len, offsets[1] as u64);
        let (data, _) = segment(&[
            (b"b", b"2", FLAG_BATCH),
            (b"c", b"3", FLAG_BATCH | FLAG_BATCH_END),
        ]);
        let out = scan_segment(Path::new("x.seg"), &data, true).expect("complete batch");
        assert_eq!(out.entries.len(), 2);
    }
}
