//! The log engine: index, write path, group commit and background work.
//!
//! Data flow of a write: the caller's operations are checked, then, under
//! the single writer mutex, encoded as records into the writer's in-memory
//! buffer (which is appended to the active segment when it fills), and the
//! ordered index is pointed at them. With `Durability::Always` the caller
//! then waits in [`Core::sync_to`] until an fsync covers its record; the
//! first waiter becomes the leader and does one fsync for everybody that
//! queued behind it (group commit). Under `Always` the index changes are
//! held back until that fsync has finished, so no reader ever sees a value
//! that a crash could take back.
//!
//! Data flow of a read: look the key up in its shard of the index (one of
//! sixteen read-write locks, never a global one), find its segment in the
//! lock-free segment table (`ArcSwap`), and copy the record out of the
//! segment's memory map (or `pread` it), checking its CRC. The writer's
//! mutex is only taken in the rare case that the record is so fresh that it
//! is still in the write buffer. If the segment has just been merged away by
//! compaction, the index already points elsewhere and the reader looks
//! again.
//!
//! A background thread does the timed work: fsync for `Durability::Every`,
//! pushing the buffer to the OS for `Durability::Never`, and starting a
//! maintenance job that writes hint files and compacts when dead bytes pass
//! the threshold.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::engine::{
    BatchOp, CompactionReport, Durability, Engine, KeyRange, KeyTtl, Pair, Stats, expiry_from_ttl,
    now_ms, ttl_from_expiry,
};
use crate::error::{KvError, OpenError, show_key};

use super::cache::BlockCache;
use super::format::{
    FILE_HEADER_LEN, FLAG_BATCH, FLAG_BATCH_END, FLAG_TOMBSTONE, MAX_KEY_LEN, MAX_VALUE_LEN,
    Manifest, RECORD_HEADER_LEN, SealedSegment, SegmentKind, decode_record, encode_record,
    record_len,
};
use super::index::{Index, Loc};
use super::recovery::{Loaded, Recovered, RecoveryReport, recover, write_manifest};
use super::segment::{Segment, segment_path, sync_dir};

const LOCK_FILE: &str = "LOCK";
/// Attempts (20 ms apart) to take the store lock before giving up.
const LOCK_TRIES: u32 = 50;

/// Settings for [`LogEngine::open`].
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// When writes are fsynced. Default: [`Durability::Always`].
    pub durability: Durability,
    /// A segment is sealed and a new one started past this size.
    pub segment_size: u64,
    /// Bytes buffered in memory before they are written to the file.
    pub write_buffer: usize,
    /// Bytes of segment blocks kept in memory for reads (0: none).
    pub read_cache: usize,
    /// Compact in the background when the thresholds below are passed.
    pub auto_compact: bool,
    /// Fraction of dead bytes (of all data bytes) that triggers compaction.
    pub compact_dead_ratio: f64,
    /// ...and the least number of dead bytes, so tiny stores are left alone.
    pub compact_min_dead_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            durability: Durability::Always,
            segment_size: 64 * 1024 * 1024,
            write_buffer: 64 * 1024,
            read_cache: 32 * 1024 * 1024,
            auto_compact: true,
            compact_dead_ratio: 0.5,
            compact_min_dead_bytes: 8 * 1024 * 1024,
        }
    }
}

impl Options {
    /// Default options with another durability.
    pub fn with_durability(durability: Durability) -> Self {
        Options {
            durability,
            ..Options::default()
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.segment_size < 4096 {
            return Err(format!(
                "segment_size {} is below 4096 bytes",
                self.segment_size
            ));
        }
        if self.write_buffer == 0 {
            return Err("write_buffer must be at least 1 byte".into());
        }
        if !(self.compact_dead_ratio > 0.0 && self.compact_dead_ratio <= 1.0) {
            return Err(format!(
                "compact_dead_ratio {} is not in (0, 1]",
                self.compact_dead_ratio
            ));
        }
        Ok(())
    }
}

/// The open segments by id: a small sorted list, searched on every read
/// (cheaper than hashing for the handful of segments a store has). It is
/// replaced as a whole (copy, change, swap) when segments come or go.
#[derive(Clone, Default)]
pub(super) struct SegmentTable {
    by_id: Vec<Arc<Segment>>,
}

impl SegmentTable {
    pub fn get(&self, id: &u32) -> Option<&Arc<Segment>> {
        self.by_id
            .binary_search_by_key(id, |s| s.id)
            .ok()
            .map(|i| &self.by_id[i])
    }

    pub fn insert(&mut self, id: u32, seg: Arc<Segment>) {
        match self.by_id.binary_search_by_key(&id, |s| s.id) {
            Ok(i) => self.by_id[i] = seg,
            Err(i) => self.by_id.insert(i, seg),
        }
    }

    pub fn remove(&mut self, id: &u32) {
        if let Ok(i) = self.by_id.binary_search_by_key(id, |s| s.id) {
            self.by_id.remove(i);
        }
    }

    pub fn values(&self) -> impl Iterator<Item = &Arc<Segment>> {
        self.by_id.iter()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }
}

/// The writer's state, guarded by one mutex: the single writer path.
pub(super) struct Writer {
    pub active: Arc<Segment>,
    /// Records not yet written to `active`; they start at file offset
    /// `buf_start`.
    pub buf: Vec<u8>,
    pub buf_start: u64,
    pub next_seq: u64,
    /// The next unused segment id; a u64 so that running out of u32 ids is
    /// an error instead of a wrap-around to an id in use.
    pub next_segment_id: u64,
    /// Set after a failed write or fsync: what is on disk is then unknown,
    /// so we refuse further writes rather than guess.
    pub failed: Option<String>,
    /// Sealed segments not yet fsynced (rotation leaves that to the next
    /// sync so it does not hold up writers).
    pub unsynced: Vec<Arc<Segment>>,
    /// A segment was created since the directory was last fsynced.
    pub dir_unsynced: bool,
    /// Under `Durability::Always`: writes appended but not yet covered by
    /// an fsync, oldest first. Readers do not see them until the group
    /// fsync that covers them has finished, so a crash can never take back
    /// a value somebody has read.
    pub unpublished: std::collections::VecDeque<Unpublished>,
}

/// The index changes of one write (or batch), held back until its fsync.
pub(super) struct Unpublished {
    /// Log position just after the write's last record.
    pub pos: (u32, u64),
    pub updates: Vec<(Box<[u8]>, Option<Loc>)>,
}

impl Writer {
    pub(super) fn end(&self) -> u64 {
        self.buf_start + self.buf.len() as u64
    }

    /// Take the next segment id, or fail if all are used.
    pub(super) fn take_segment_id(&mut self, dir: &Path) -> Result<u32, KvError> {
        let id = u32::try_from(self.next_segment_id).map_err(|_| KvError::IdsExhausted {
            path: dir.to_path_buf(),
        })?;
        self.next_segment_id += 1;
        Ok(id)
    }
}

/// How background compaction has been going: after a failure it waits,
/// longer after each one in a row, instead of retrying every tick.
#[derive(Debug, Default)]
pub(super) struct CompactionHealth {
    /// Failures in a row since the last success.
    pub failures: u32,
    /// No automatic attempt before this moment.
    pub retry_at: Option<Instant>,
    /// The last failure, for `stats`.
    pub last_error: Option<String>,
}

impl CompactionHealth {
    /// Backoff after `failures` failures in a row: 1 s, doubling, at most
    /// 10 minutes.
    pub(super) fn backoff(failures: u32) -> Duration {
        Duration::from_secs(1u64 << failures.saturating_sub(1).min(10))
            .min(Duration::from_secs(600))
    }
}

struct SyncState {
    /// Everything up to this (segment id, offset) is on disk.
    synced: (u32, u64),
    /// A leader is fsyncing right now.
    leader: bool,
}

/// A write before encoding.
struct Op<'a> {
    key: &'a [u8],
    value: &'a [u8],
    expires: u64,
    tombstone: bool,
}

#[derive(Default)]
pub(super) struct Counters {
    /// Reads are counted on several cache lines, one per thread slot, so
    /// parallel readers do not all fight over one counter.
    pub reads: StripedCounter,
    pub writes: AtomicU64,
    pub deletes: AtomicU64,
    pub scans: AtomicU64,
    pub fsyncs: AtomicU64,
    pub compactions: AtomicU64,
    /// Bytes of record data in all segments.
    pub total_bytes: AtomicU64,
    /// Bytes of the records the index points at.
    pub live_bytes: AtomicU64,
}

/// A counter spread over cache-line-sized slots; each thread adds to its
/// own slot and readers of the total sum them all.
pub(super) struct StripedCounter {
    slots: [PaddedCounter; STRIPES],
}

const STRIPES: usize = 16;

#[repr(align(128))]
#[derive(Default)]
struct PaddedCounter(AtomicU64);

impl Default for StripedCounter {
    fn default() -> Self {
        StripedCounter {
            slots: std::array::from_fn(|_| PaddedCounter::default()),
        }
    }
}

impl StripedCounter {
    fn add(&self, n: u64) {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        thread_local! {
            static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed) as usize % STRIPES;
        }
        let slot = SLOT.with(|s| *s);
        self.slots[slot].0.fetch_add(n, Ordering::Relaxed);
    }

    fn sum(&self) -> u64 {
        self.slots.iter().map(|s| s.0.load(Ordering::Relaxed)).sum()
    }
}

/// State shared by every handle and the background threads.
pub(super) struct Core {
    pub dir: PathBuf,
    pub opts: Options,
    pub index: Index,
    pub segments: ArcSwap<SegmentTable>,
    /// Recently read segment blocks.
    pub cache: BlockCache,
    pub writer: Mutex<Writer>,
    sync: Mutex<SyncState>,
    synced_cv: Condvar,
    /// Only one compaction runs at a time.
    pub compaction: Mutex<()>,
    /// Failures of background compaction, for backoff.
    pub compaction_health: Mutex<CompactionHealth>,
    /// Sealed segments that still need a hint file.
    pub pending_hints: Mutex<Vec<u32>>,
    /// The manifest as last written (also serialises manifest writes).
    pub manifest: Mutex<Manifest>,
    pub counters: Counters,
    pub background_error: Mutex<Option<String>>,
    /// Set when the last handle is dropped, so long jobs stop early.
    pub closing: AtomicBool,
    pub recovery: RecoveryReport,
    /// Held for the life of the store; the OS lock on it keeps a second
    /// process out.
    _lock: File,
}

/// Lock a mutex, ignoring poisoning: our critical sections leave the data
/// consistent at every await-free step, and a panic elsewhere must not turn
/// every later call into a panic too.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Handle to an open log store. Cheap to clone; all clones share one store,
/// and the store closes (flushing its buffer) when the last one is dropped.
#[derive(Clone)]
pub struct LogEngine {
    shared: Arc<Shared>,
}

struct Shared {
    core: Arc<Core>,
    stop: Mutex<Option<mpsc::Sender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.core.closing.store(true, Ordering::Release);
        // Dropping the sender wakes the background thread, which then
        // waits for any maintenance job and exits.
        drop(lock(&self.stop).take());
        if let Some(t) = lock(&self.thread).take() {
            let _ = t.join();
        }
        // Errors cannot be returned from drop; everything acknowledged under
        // `Always` is already on disk, and the next open recovers the rest.
        let _ = self.core.close();
    }
}

impl std::fmt::Debug for LogEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogEngine")
            .field("dir", &self.shared.core.dir)
            .field("keys", &self.shared.core.index.len())
            .finish()
    }
}

impl LogEngine {
    /// Open (or create) the store in `dir`, recovering from whatever state
    /// a crash left it in.
    pub fn open(dir: impl AsRef<Path>, opts: Options) -> Result<LogEngine, OpenError> {
        let core = Arc::new(Core::open(dir.as_ref(), opts)?);
        let (tx, rx) = mpsc::channel();
        let bg = Arc::clone(&core);
        let thread = std::thread::Builder::new()
            .name("kv-log-background".into())
            .spawn(move || background(bg, rx))
            .map_err(|source| OpenError::Io {
                op: "start background thread for",
                path: core.dir.clone(),
                error: source,
            })?;
        Ok(LogEngine {
            shared: Arc::new(Shared {
                core,
                stop: Mutex::new(Some(tx)),
                thread: Mutex::new(Some(thread)),
            }),
        })
    }

    /// What the open found: hint files used, tails truncated, and so on.
    pub fn recovery_report(&self) -> &RecoveryReport {
        &self.shared.core.recovery
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.shared.core.dir
    }

    fn core(&self) -> &Core {
        &self.shared.core
    }
}

impl Engine for LogEngine {
    fn name(&self) -> &'static str {
        "log"
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        let core = self.core();
        core.counters.reads.add(1);
        core.lookup(key, now_ms())
    }

    fn set_with_ttl(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError> {
        let op = Op {
            key,
            value,
            expires: expiry_from_ttl(ttl),
            tombstone: false,
        };
        self.core().write(&[op])
    }

    fn delete(&self, key: &[u8]) -> Result<bool, KvError> {
        let core = self.core();
        check_sizes(key, b"")?;
        let mut w = core.lock_writer()?;
        let now = now_ms();
        let live = core.current(&w, key).is_some_and(|l| !l.expired(now));
        if !live {
            return Ok(false);
        }
        let op = Op {
            key,
            value: b"",
            expires: 0,
            tombstone: true,
        };
        let pos = core.append_locked(&mut w, &[op])?;
        drop(w);
        core.after_write(pos)?;
        Ok(true)
    }

    fn scan(&self, range: &KeyRange, limit: usize) -> Result<Vec<Pair>, KvError> {
        let core = self.core();
        core.counters.scans.fetch_add(1, Ordering::Relaxed);
        let mut out = Vec::new();
        if range.is_empty() || limit == 0 {
            return Ok(out);
        }
        let now = now_ms();
        let table = core.segments.load();
        for (key, loc) in core.index.range(range, limit, |l| !l.expired(now)) {
            let value = match table.get(&loc.seg) {
                Some(seg) => Some(core.read_record(seg, &key, loc, None, true)?),
                // Merged away since the index was read: look again.
                None => core.lookup(&key, now)?,
            };
            if let Some(value) = value {
                out.push((key.into_vec(), value));
            }
        }
        Ok(out)
    }

    fn apply_batch(&self, batch: &[BatchOp]) -> Result<(), KvError> {
        let ops: Vec<Op<'_>> = batch
            .iter()
            .map(|op| match op {
                BatchOp::Set { key, value, ttl } => Op {
                    key,
                    value,
                    expires: expiry_from_ttl(*ttl),
                    tombstone: false,
                },
                BatchOp::Delete { key } => Op {
                    key,
                    value: b"",
                    expires: 0,
                    tombstone: true,
                },
            })
            .collect();
        self.core().write(&ops)
    }

    fn expire(&self, key: &[u8], ttl: Option<Duration>) -> Result<bool, KvError> {
        let core = self.core();
        let mut w = core.lock_writer()?;
        let now = now_ms();
        let Some(loc) = core.current(&w, key) else {
            return Ok(false);
        };
        if loc.expired(now) {
            return Ok(false);
        }
        // Rewriting the record with its new expiry keeps one record per
        // key version, so recovery and compaction need no special case.
        let table = core.segments.load();
        let Some(seg) = table.get(&loc.seg) else {
            return Err(KvError::Failed {
                reason: format!("index points at missing segment {}", loc.seg),
            });
        };
        let value = core.read_record(seg, key, loc, Some(&w), false)?;
        let op = Op {
            key,
            value: &value,
            expires: expiry_from_ttl(ttl),
            tombstone: false,
        };
        let pos = core.append_locked(&mut w, &[op])?;
        drop(w);
        core.after_write(pos)?;
        Ok(true)
    }

    fn ttl(&self, key: &[u8]) -> Result<KeyTtl, KvError> {
        Ok(match self.core().index.get(key) {
            Some(l) => ttl_from_expiry(l.expires, now_ms()),
            None => KeyTtl::Missing,
        })
    }

    fn flush(&self) -> Result<(), KvError> {
        let core = self.core();
        let pos = {
            let w = core.lock_writer()?;
            (w.active.id, w.end())
        };
        core.sync_to(pos)
    }

    fn compact(&self) -> Result<CompactionReport, KvError> {
        self.core().compact()
    }

    fn stats(&self) -> Stats {
        let core = self.core();
        let c = &core.counters;
        let total = c.total_bytes.load(Ordering::Relaxed);
        let live = c.live_bytes.load(Ordering::Relaxed).min(total);
        let table = core.segments.load();
        Stats {
            engine: "log",
            keys: core.index.len() as u64,
            live_bytes: Some(live),
            dead_bytes: Some(total - live),
            disk_bytes: table.values().map(|s| s.readable()).sum(),
            segments: table.len() as u64,
            compactions: c.compactions.load(Ordering::Relaxed),
            reads: c.reads.sum(),
            writes: c.writes.load(Ordering::Relaxed),
            deletes: c.deletes.load(Ordering::Relaxed),
            scans: c.scans.load(Ordering::Relaxed),
            fsyncs: c.fsyncs.load(Ordering::Relaxed),
            durability: core.opts.durability.to_string(),
            background_error: core.background_problem(),
        }
    }
}

fn check_sizes(key: &[u8], value: &[u8]) -> Result<(), KvError> {
    if key.len() > MAX_KEY_LEN {
        return Err(KvError::KeyTooLarge {
            len: key.len(),
            max: MAX_KEY_LEN,
        });
    }
    if value.len() > MAX_VALUE_LEN {
        return Err(KvError::ValueTooLarge {
            key: show_key(key),
            len: value.len(),
            max: MAX_VALUE_LEN,
        });
    }
    Ok(())
}

impl Core {
    /// Lock the directory, recover it (see `recovery`), build the index and
    /// pick or create the segment to append to.
    fn open(dir: &Path, opts: Options) -> Result<Core, OpenError> {
        let started = Instant::now();
        if let Err(reason) = opts.check() {
            return Err(OpenError::Options {
                path: dir.to_path_buf(),
                reason,
            });
        }
        create_store_dir(dir)?;
        let lock_file = take_lock(dir)?;

        let Recovered {
            segments,
            loaded,
            total_bytes,
            max_seq,
            append_to,
            next_segment_id,
            pending_hints,
            manifest,
            mut report,
        } = recover(dir)?;
        let (index, live_bytes) = build_index(loaded);

        let mut table = SegmentTable::default();
        let mut next_segment_id = next_segment_id;
        let mut active = None;
        let mut pending_hints = pending_hints;
        for seg in segments {
            let seg = Arc::new(seg);
            if Some(seg.id) == append_to && seg.readable() < opts.segment_size {
                active = Some(Arc::clone(&seg));
            } else if Some(seg.id) == append_to {
                // Full: seal it (cut any preallocated space) and give it a
                // hint file in the background.
                seg.trim().map_err(|source| OpenError::Io {
                    op: "trim",
                    path: seg.path.clone(),
                    error: source,
                })?;
                pending_hints.push(seg.id);
            }
            table.insert(seg.id, seg);
        }
        let active = match active {
            Some(a) => a,
            None => {
                let id = u32::try_from(next_segment_id).map_err(|_| OpenError::IdsExhausted {
                    path: dir.to_path_buf(),
                })?;
                next_segment_id += 1;
                let seg =
                    create_segment(dir, id, SegmentKind::Log).map_err(|source| OpenError::Io {
                        op: "create",
                        path: segment_path(dir, id),
                        error: source,
                    })?;
                let seg = Arc::new(seg);
                table.insert(id, Arc::clone(&seg));
                seg
            }
        };
        report.keys = index.len();

        let counters = Counters::default();
        counters.total_bytes.store(total_bytes, Ordering::Relaxed);
        counters.live_bytes.store(live_bytes, Ordering::Relaxed);
        let buf_start = active.readable();
        let core = Core {
            dir: dir.to_path_buf(),
            index,
            segments: ArcSwap::from_pointee(table),
            cache: BlockCache::new(opts.read_cache),
            writer: Mutex::new(Writer {
                active: Arc::clone(&active),
                buf: Vec::with_capacity(opts.write_buffer),
                buf_start,
                next_seq: max_seq + 1,
                next_segment_id,
                failed: None,
                unsynced: Vec::new(),
                dir_unsynced: false,
                unpublished: Default::default(),
            }),
            sync: Mutex::new(SyncState {
                synced: (active.id, buf_start),
                leader: false,
            }),
            synced_cv: Condvar::new(),
            compaction: Mutex::new(()),
            compaction_health: Mutex::new(CompactionHealth::default()),
            pending_hints: Mutex::new(pending_hints),
            manifest: Mutex::new(manifest.clone().unwrap_or_default()),
            counters,
            background_error: Mutex::new(None),
            closing: AtomicBool::new(false),
            recovery: report,
            opts,
            _lock: lock_file,
        };
        // Record what recovery found as the store's sealed state, unless
        // the manifest on disk says exactly that already.
        if manifest.is_none() || core.manifest_outdated() {
            core.record_manifest(&[]).map_err(|e| OpenError::Io {
                op: "write manifest in",
                path: dir.to_path_buf(),
                error: std::io::Error::other(e.to_string()),
            })?;
        }
        let mut core = core;
        core.recovery.millis = started.elapsed().as_millis() as u64;
        Ok(core)
    }

    pub(super) fn lock_writer(&self) -> Result<MutexGuard<'_, Writer>, KvError> {
        let w = lock(&self.writer);
        if let Some(reason) = &w.failed {
            return Err(KvError::Failed {
                reason: reason.clone(),
            });
        }
        Ok(w)
    }

    /// Check, append and (depending on durability) wait for the fsync.
    fn write(&self, ops: &[Op<'_>]) -> Result<(), KvError> {
        for op in ops {
            check_sizes(op.key, op.value)?;
        }
        if ops.is_empty() {
            return Ok(());
        }
        let mut w = self.lock_writer()?;
        let pos = self.append_locked(&mut w, ops)?;
        drop(w);
        self.after_write(pos)
    }

    /// Encode `ops` into the write buffer and update the index. Several ops
    /// form an atomic batch: recovery keeps all of them or none. Returns the
    /// log position after the last record.
    fn append_locked(&self, w: &mut Writer, ops: &[Op<'_>]) -> Result<(u32, u64), KvError> {
        let needed: u64 = ops
            .iter()
            .map(|op| record_len(op.key.len(), op.value.len()))
            .sum();
        if w.end() > FILE_HEADER_LEN as u64 && w.end() + needed > self.opts.segment_size {
            self.rotate(w)?;
        }
        let batch = ops.len() > 1;
        let mut updates: Vec<(&[u8], Option<Loc>)> = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let mut flags = if op.tombstone { FLAG_TOMBSTONE } else { 0 };
            if batch {
                flags |= FLAG_BATCH;
                if i + 1 == ops.len() {
                    flags |= FLAG_BATCH_END;
                }
            }
            let seq = w.next_seq;
            w.next_seq += 1;
            let offset = w.end();
            encode_record(&mut w.buf, seq, op.expires, flags, op.key, op.value);
            let len = record_len(op.key.len(), op.value.len());
            self.counters.total_bytes.fetch_add(len, Ordering::Relaxed);
            if op.tombstone {
                self.counters.deletes.fetch_add(1, Ordering::Relaxed);
                updates.push((op.key, None));
            } else {
                self.counters.live_bytes.fetch_add(len, Ordering::Relaxed);
                self.counters.writes.fetch_add(1, Ordering::Relaxed);
                updates.push((
                    op.key,
                    Some(Loc {
                        seg: w.active.id,
                        val_len: op.value.len() as u32,
                        offset,
                        seq,
                        expires: op.expires,
                    }),
                ));
            }
        }
        let pos = (w.active.id, w.end());
        if self.opts.durability == Durability::Always {
            w.unpublished.push_back(Unpublished {
                pos,
                updates: updates
                    .into_iter()
                    .map(|(k, l)| (Box::from(k), l))
                    .collect(),
            });
        } else {
            self.publish(&updates);
        }
        if w.buf.len() >= self.opts.write_buffer {
            self.flush_buffer(w)?;
        }
        Ok(pos)
    }

    /// Make one write's index changes visible. A batch becomes visible to
    /// readers all at once: the index takes every shard it touches before
    /// changing any of them. Called with the writer lock held.
    fn publish(&self, updates: &[(&[u8], Option<Loc>)]) {
        let olds = match updates {
            [(key, Some(loc))] => vec![self.index.insert(key, *loc)],
            [(key, None)] => vec![self.index.remove(key)],
            _ => self.index.apply(updates),
        };
        for ((key, _), old) in updates.iter().zip(olds) {
            if let Some(old) = old {
                self.counters.live_bytes.fetch_sub(
                    record_len(key.len(), old.val_len as usize),
                    Ordering::Relaxed,
                );
            }
        }
    }

    /// Publish every held-back write up to `upto`, now durable.
    fn publish_upto(&self, w: &mut Writer, upto: (u32, u64)) {
        while w.unpublished.front().is_some_and(|u| u.pos <= upto) {
            if let Some(u) = w.unpublished.pop_front() {
                let updates: Vec<(&[u8], Option<Loc>)> =
                    u.updates.iter().map(|(k, l)| (&k[..], *l)).collect();
                self.publish(&updates);
            }
        }
    }

    /// Where `key`'s newest record is, counting writes not yet published
    /// (the writer's own view; readers use the index).
    pub(super) fn current(&self, w: &Writer, key: &[u8]) -> Option<Loc> {
        for u in w.unpublished.iter().rev() {
            if let Some((_, loc)) = u.updates.iter().rev().find(|(k, _)| &k[..] == key) {
                return *loc;
            }
        }
        self.index.get(key)
    }

    /// Durability work after a write has been appended.
    fn after_write(&self, pos: (u32, u64)) -> Result<(), KvError> {
        match self.opts.durability {
            Durability::Always => self.sync_to(pos),
            Durability::Every(_) | Durability::Never => Ok(()),
        }
    }

    /// Hand the write buffer to the OS.
    pub(super) fn flush_buffer(&self, w: &mut Writer) -> Result<(), KvError> {
        if w.buf.is_empty() {
            return Ok(());
        }
        if self.opts.durability != Durability::Never
            && let Err(source) = w.active.ensure_allocated(w.buf_start + w.buf.len() as u64)
        {
            let err = KvError::Io {
                op: "preallocate",
                path: w.active.path.clone(),
                error: source,
            };
            w.failed = Some(err.to_string());
            return Err(err);
        }
        if let Err(source) = w.active.append_at(&w.buf, w.buf_start) {
            let err = KvError::Io {
                op: "append to",
                path: w.active.path.clone(),
                error: source,
            };
            w.failed = Some(err.to_string());
            return Err(err);
        }
        w.buf_start += w.buf.len() as u64;
        w.buf.clear();
        Ok(())
    }

    /// Seal the active segment and start a new one. Nothing is fsynced
    /// here, so writers wait only for a file creation: the sealed segment,
    /// the new one and the directory entry are fsynced by the next
    /// [`Core::sync_now`] (before any write in the new segment is
    /// acknowledged as durable) or by the hint writer.
    pub(super) fn rotate(&self, w: &mut Writer) -> Result<(), KvError> {
        self.flush_buffer(w)?;
        // A sealed segment is exactly as long as its data.
        if let Err(source) = w.active.trim() {
            let err = KvError::Io {
                op: "trim",
                path: w.active.path.clone(),
                error: source,
            };
            w.failed = Some(err.to_string());
            return Err(err);
        }
        let id = w.take_segment_id(&self.dir)?;
        let path = segment_path(&self.dir, id);
        let seg =
            Segment::create(path.clone(), id, SegmentKind::Log).map_err(|source| KvError::Io {
                op: "create",
                path,
                error: source,
            })?;
        let seg = Arc::new(seg);
        self.segments.rcu(|t| {
            let mut t = SegmentTable::clone(t);
            t.insert(id, Arc::clone(&seg));
            t
        });
        w.buf_start = seg.readable();
        let sealed = std::mem::replace(&mut w.active, seg);
        lock(&self.pending_hints).push(sealed.id);
        w.unsynced.push(sealed);
        w.dir_unsynced = true;
        Ok(())
    }

    /// Return once everything up to `pos` is on disk. Group commit: the
    /// first caller to find no fsync in progress leads and fsyncs all that
    /// was appended so far; callers arriving meanwhile wait and are usually
    /// covered by that same fsync.
    pub(super) fn sync_to(&self, pos: (u32, u64)) -> Result<(), KvError> {
        let mut s = lock(&self.sync);
        loop {
            if s.synced >= pos {
                return Ok(());
            }
            if !s.leader {
                s.leader = true;
                break;
            }
            s = self.synced_cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        drop(s);
        let result = self.sync_now();
        let mut s = lock(&self.sync);
        s.leader = false;
        if let Ok(upto) = result {
            s.synced = s.synced.max(upto);
        }
        self.synced_cv.notify_all();
        drop(s);
        result.map(|_| ())
    }

    /// Flush the buffer and fsync the active segment. Returns the position
    /// that is now durable.
    fn sync_now(&self) -> Result<(u32, u64), KvError> {
        let (sealed, seg, upto, dir) = {
            let mut w = self.lock_writer()?;
            self.flush_buffer(&mut w)?;
            let sealed = std::mem::take(&mut w.unsynced);
            let dir = std::mem::take(&mut w.dir_unsynced);
            (sealed, Arc::clone(&w.active), w.end(), dir)
        };
        // The fsyncs run without the writer lock so writers keep appending
        // (and queue up for the next group) meanwhile. Sealed segments go
        // first: recovery relies on older segments being complete.
        let fail = |path: &Path, source: std::io::Error| {
            let err = KvError::Io {
                op: "fsync",
                path: path.to_path_buf(),
                error: source,
            };
            lock(&self.writer).failed = Some(err.to_string());
            err
        };
        // Sealed segments were trimmed to their data: fsync their length too.
        for s in &sealed {
            s.sync_all().map_err(|e| fail(&s.path, e))?;
            self.counters.fsyncs.fetch_add(1, Ordering::Relaxed);
        }
        seg.sync().map_err(|e| fail(&seg.path, e))?;
        self.counters.fsyncs.fetch_add(1, Ordering::Relaxed);
        if dir {
            sync_dir(&self.dir).map_err(|e| fail(&self.dir, e))?;
        }
        // Durable now: let readers see it (before any waiter returns).
        self.publish_upto(&mut lock(&self.writer), (seg.id, upto));
        Ok((seg.id, upto))
    }

    /// The live value of `key`, looking again if compaction moved it.
    fn lookup(&self, key: &[u8], now: u64) -> Result<Option<Vec<u8>>, KvError> {
        loop {
            let Some(loc) = self.index.get(key) else {
                return Ok(None);
            };
            if loc.expired(now) {
                return Ok(None);
            }
            let table = self.segments.load();
            if let Some(seg) = table.get(&loc.seg) {
                return self.read_record(seg, key, loc, None, true).map(Some);
            }
            // The segment was merged away between the two loads: the index
            // already holds the new location.
        }
    }

    /// Read and verify the record at `loc` and return its value. `held` is
    /// the writer guard when the caller already holds it; `cached` reads
    /// through the block cache (reads and scans do; compaction, which reads
    /// everything once, does not, so it does not push hot blocks out).
    pub(super) fn read_record(
        &self,
        seg: &Segment,
        key: &[u8],
        loc: Loc,
        held: Option<&Writer>,
        cached: bool,
    ) -> Result<Vec<u8>, KvError> {
        let len = record_len(key.len(), loc.val_len as usize) as usize;
        let mut buf = vec![0u8; len];
        if loc.offset + len as u64 <= seg.readable() {
            if cached {
                self.cache.read(seg, &mut buf, loc.offset)?;
            } else {
                seg.read_exact_at(&mut buf, loc.offset)?;
            }
        } else {
            // Still in the writer's buffer (or just flushed out of it).
            let guard;
            let w = match held {
                Some(w) => w,
                None => {
                    guard = lock(&self.writer);
                    &guard
                }
            };
            if w.active.id == seg.id && loc.offset >= w.buf_start {
                let at = (loc.offset - w.buf_start) as usize;
                match w.buf.get(at..at + len) {
                    Some(bytes) => buf.copy_from_slice(bytes),
                    None => {
                        return Err(KvError::Corrupt {
                            path: seg.path.clone(),
                            offset: loc.offset,
                            reason: "index points past the end of the log".into(),
                        });
                    }
                }
            } else {
                seg.read_exact_at(&mut buf, loc.offset)?;
            }
        }
        let corrupt = |reason: String| KvError::Corrupt {
            path: seg.path.clone(),
            offset: loc.offset,
            reason,
        };
        let header = decode_record(&buf).map_err(corrupt)?;
        if header.seq != loc.seq || &buf[RECORD_HEADER_LEN..RECORD_HEADER_LEN + key.len()] != key {
            return Err(corrupt(format!(
                "record does not belong to key {:?} (seq {} expected {})",
                show_key(key),
                header.seq,
                loc.seq
            )));
        }
        buf.drain(..RECORD_HEADER_LEN + key.len());
        Ok(buf)
    }

    /// Whether dead bytes have passed the compaction thresholds, and an
    /// earlier failure is not still being backed off from.
    fn compaction_due(&self) -> bool {
        let total = self.counters.total_bytes.load(Ordering::Relaxed);
        let live = self.counters.live_bytes.load(Ordering::Relaxed).min(total);
        let dead = total - live;
        let health = lock(&self.compaction_health);
        let waiting = health.retry_at.is_some_and(|t| Instant::now() < t);
        self.opts.auto_compact
            && !waiting
            && health.failures < MAX_AUTO_COMPACTION_FAILURES
            && dead >= self.opts.compact_min_dead_bytes
            && dead as f64 >= self.opts.compact_dead_ratio * total as f64
    }

    /// Note how a compaction went, for the backoff and for `stats`.
    pub(super) fn compaction_finished(&self, result: &Result<CompactionReport, KvError>) {
        let mut h = lock(&self.compaction_health);
        match result {
            Ok(_) => *h = CompactionHealth::default(),
            Err(e) => {
                h.failures += 1;
                let wait = CompactionHealth::backoff(h.failures);
                h.retry_at = Some(Instant::now() + wait);
                let next = if h.failures >= MAX_AUTO_COMPACTION_FAILURES {
                    "automatic compaction is off until the store is reopened or `compact` succeeds"
                        .to_string()
                } else {
                    format!("next automatic try in {} s", wait.as_secs())
                };
                h.last_error = Some(format!(
                    "compaction failed ({} in a row; {next}): {e}",
                    h.failures
                ));
            }
        }
    }

    /// Whether the last compaction failed (a retry must not rotate again).
    pub(super) fn compaction_failing(&self) -> bool {
        lock(&self.compaction_health).failures > 0
    }

    /// Whether the manifest on disk lists other sealed segments than the
    /// segment table holds.
    pub(super) fn manifest_outdated(&self) -> bool {
        let (table, active) = {
            let w = lock(&self.writer);
            (self.segments.load_full(), w.active.id)
        };
        let m = lock(&self.manifest);
        let now: Vec<(u32, u64)> = table
            .values()
            .filter(|s| s.id != active)
            .map(|s| (s.id, s.readable()))
            .collect();
        let listed: Vec<(u32, u64)> = m.sealed.iter().map(|s| (s.id, s.len)).collect();
        now != listed || !m.retired.is_empty() || m.active != active
    }

    /// Write the manifest: every segment but the active one is sealed, at
    /// its current length (rotation writes a segment's last bytes before
    /// it is replaced, so that length is final). A segment is fsynced
    /// before it is first listed, so the manifest never claims bytes that
    /// are not durable. `retired` are segments a compaction has just merged
    /// away; listing them commits the compaction. Callers hold the
    /// compaction lock (or are opening the store), so a compaction's
    /// commit and cleanup are never interleaved with another write.
    pub(super) fn record_manifest(&self, retired: &[u32]) -> Result<(), KvError> {
        let mut m = lock(&self.manifest);
        let (table, active, next_id) = {
            let w = lock(&self.writer);
            (self.segments.load_full(), w.active.id, w.next_segment_id)
        };
        let mut sealed = Vec::new();
        for seg in table
            .values()
            .filter(|s| s.id != active && !retired.contains(&s.id))
        {
            let len = seg.readable();
            if !m.sealed.iter().any(|s| s.id == seg.id && s.len == len) {
                seg.sync_all().map_err(|source| KvError::Io {
                    op: "fsync",
                    path: seg.path.clone(),
                    error: source,
                })?;
            }
            sealed.push(SealedSegment {
                id: seg.id,
                kind: seg.kind as u8,
                len,
            });
        }
        // Segments retired earlier stay named until their files are gone,
        // so an interrupted deletion is finished at the next open instead
        // of the merged segments coming back as unlisted ones.
        let mut retired = retired.to_vec();
        for id in &m.retired {
            if !retired.contains(id) && super::segment::segment_path(&self.dir, *id).exists() {
                retired.push(*id);
            }
        }
        let new = Manifest {
            sealed,
            retired,
            next_id,
            active,
        };
        if *m == new {
            return Ok(());
        }
        write_manifest(&self.dir, &new).map_err(|source| KvError::Io {
            op: "write",
            path: self.dir.join(super::recovery::MANIFEST),
            error: source,
        })?;
        *m = new;
        Ok(())
    }

    /// Timed work done on every tick of the background thread.
    fn background_tick(&self) -> Result<(), KvError> {
        match self.opts.durability {
            Durability::Every(_) => {
                let pos = {
                    let w = self.lock_writer()?;
                    (w.active.id, w.end())
                };
                self.sync_to(pos)
            }
            Durability::Never => {
                let mut w = self.lock_writer()?;
                self.flush_buffer(&mut w)
            }
            Durability::Always => Ok(()),
        }
    }

    /// Hint files and compaction; run on a maintenance thread.
    fn maintenance(&self) -> Result<(), KvError> {
        self.write_pending_hints()?;
        if self.compaction_due() {
            self.compact()?;
        }
        Ok(())
    }

    /// The background error to show: a failing compaction, else the last
    /// error of other background work.
    fn background_problem(&self) -> Option<String> {
        lock(&self.compaction_health)
            .last_error
            .clone()
            .or_else(|| lock(&self.background_error).clone())
    }

    fn needs_maintenance(&self) -> bool {
        !lock(&self.pending_hints).is_empty() || self.compaction_due()
    }

    fn record_background_error(&self, e: &KvError) {
        *lock(&self.background_error) = Some(e.to_string());
    }

    /// Flush, fsync and write the hint files still owed. Called when the
    /// last handle goes away.
    fn close(&self) -> Result<(), KvError> {
        let pos = {
            let w = self.lock_writer()?;
            (w.active.id, w.end())
        };
        self.sync_to(pos)?;
        self.write_pending_hints()
    }
}

/// Automatic compaction stops after this many failures in a row.
const MAX_AUTO_COMPACTION_FAILURES: u32 = 8;

/// Build the index from the loaded locations of each shard. The newest
/// version of each key wins, by sequence number (file order cannot decide,
/// because compaction output holds old records in new files), and keys whose
/// newest version is a tombstone are left out. Shards are sorted on a few
/// threads at once, which is most of the time a big open takes. Returns the
/// index and the bytes of the records it points at.
fn build_index(parts: Vec<Vec<Loaded>>) -> (Index, u64) {
    let total: usize = parts.iter().map(Vec::len).sum();
    // Threads only pay off for big stores.
    let threads = if total < 50_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    build_index_with(parts, threads)
}

fn build_index_with(parts: Vec<Vec<Loaded>>, threads: usize) -> (Index, u64) {
    /// One shard's sorted entries and their live bytes.
    type BuiltShard = (Vec<(Box<[u8]>, Loc)>, u64);
    fn build_shard(mut part: Vec<Loaded>) -> BuiltShard {
        // A stable sort, because it finds and merges runs that are already
        // sorted: each hint file's entries are (see `write_hint`).
        part.sort_by(|a, b| a.key.cmp(&b.key).then(a.loc.seq.cmp(&b.loc.seq)));
        let mut live = 0u64;
        let mut current = Vec::with_capacity(part.len());
        let mut iter = part.into_iter().peekable();
        while let Some(item) = iter.next() {
            if iter.peek().is_some_and(|next| next.key == item.key) {
                continue;
            }
            if !item.tombstone {
                live += record_len(item.key.len(), item.loc.val_len as usize);
                current.push((item.key, item.loc));
            }
        }
        (current, live)
    }
    let mut built: Vec<Option<BuiltShard>> = (0..parts.len()).map(|_| None).collect();
    if threads <= 1 {
        for (slot, part) in built.iter_mut().zip(parts) {
            *slot = Some(build_shard(part));
        }
    } else {
        // Deal the shards out round-robin; each thread returns its results
        // with their shard numbers.
        let mut work: Vec<Vec<(usize, Vec<Loaded>)>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, part) in parts.into_iter().enumerate() {
            work[i % threads].push((i, part));
        }
        std::thread::scope(|s| {
            let handles: Vec<_> = work
                .into_iter()
                .map(|w| {
                    s.spawn(move || {
                        w.into_iter()
                            .map(|(i, part)| (i, build_shard(part)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                // A panic in a sorting thread is a bug, not bad input; let
                // it surface as one.
                let done = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                for (i, shard) in done {
                    built[i] = Some(shard);
                }
            }
        });
    }
    let mut live = 0u64;
    let shards = built
        .into_iter()
        .map(|b| {
            let (entries, bytes) = b.unwrap_or_default();
            live += bytes;
            entries
        })
        .collect();
    (Index::from_shards(shards), live)
}

/// Create a segment and make its directory entry durable.
pub(super) fn create_segment(dir: &Path, id: u32, kind: SegmentKind) -> std::io::Result<Segment> {
    let seg = Segment::create(segment_path(dir, id), id, kind)?;
    seg.sync()?;
    sync_dir(dir)?;
    Ok(seg)
}

/// Create the store directory if needed. A new directory's entry lives in
/// its parent, which is fsynced so the store (and the first writes in it)
/// cannot vanish with it after a power loss.
fn create_store_dir(dir: &Path) -> Result<(), OpenError> {
    let dir_err = |source| OpenError::Dir {
        path: dir.to_path_buf(),
        error: source,
    };
    if dir.is_dir() {
        return Ok(());
    }
    // Create each missing ancestor and fsync the folder that holds it.
    let mut missing = Vec::new();
    let mut p = dir;
    while !p.exists() {
        missing.push(p);
        match p.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => p = parent,
            _ => break,
        }
    }
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(dir_err(e)),
        }
        let parent = match d.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        sync_dir(parent).map_err(dir_err)?;
    }
    Ok(())
}

/// Take the store's LOCK file, waiting briefly for a handle that is just
/// closing.
fn take_lock(dir: &Path) -> Result<File, OpenError> {
    let lock_path = dir.join(LOCK_FILE);
    let lock_file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| OpenError::Io {
            op: "open",
            path: lock_path.clone(),
            error: source,
        })?;
    // A handle that is just closing (a worker thread dropping its clone, a
    // process exiting) releases the lock a moment later, so wait up to
    // about a second before reporting the store as busy.
    let mut tries = 0;
    loop {
        match lock_file.try_lock() {
            Ok(()) => return Ok(lock_file),
            Err(std::fs::TryLockError::WouldBlock) if tries < LOCK_TRIES => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(OpenError::Locked {
                    path: dir.to_path_buf(),
                });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(OpenError::Io {
                    op: "lock",
                    path: lock_path,
                    error: source,
                });
            }
        }
    }
}

/// The background thread: ticks for durability, and starts a maintenance
/// job (hints, compaction) on its own thread so a long compaction never
/// delays an fsync that `Durability::Every` promised.
fn background(core: Arc<Core>, stop: mpsc::Receiver<()>) {
    let tick = match core.opts.durability {
        Durability::Every(d) => d.max(Duration::from_millis(1)),
        Durability::Always | Durability::Never => Duration::from_millis(100),
    };
    let mut job: Option<JoinHandle<()>> = None;
    let mut last_check = Instant::now();
    // Any message, or the sender going away, means stop.
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(tick) {
        if let Err(e) = core.background_tick() {
            core.record_background_error(&e);
        }
        if last_check.elapsed() < Duration::from_millis(100) {
            continue;
        }
        last_check = Instant::now();
        if job.as_ref().is_some_and(|j| !j.is_finished()) {
            continue;
        }
        if let Some(j) = job.take() {
            let _ = j.join();
        }
        if core.needs_maintenance() {
            let c = Arc::clone(&core);
            job = std::thread::Builder::new()
                .name("kv-log-maintenance".into())
                .spawn(move || {
                    if let Err(e) = c.maintenance() {
                        c.record_background_error(&e);
                    }
                })
                .ok();
        }
    }
    if let Some(j) = job.take() {
        let _ = j.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::index::{SHARDS, shard_of};

    fn loaded(n: usize) -> Vec<Vec<Loaded>> {
        let mut parts: Vec<Vec<Loaded>> = (0..SHARDS).map(|_| Vec::new()).collect();
        // Three versions per key, in scrambled order; every fifth key ends
        // in a tombstone.
        for round in [2u64, 0, 1] {
            for k in 0..n {
                let key: Box<[u8]> = format!("k{k:05}").into_bytes().into();
                let seq = round * n as u64 + k as u64 + 1;
                parts[shard_of(&key)].push(Loaded {
                    loc: Loc {
                        seg: round as u32,
                        val_len: round as u32,
                        offset: 16,
                        seq,
                        expires: 0,
                    },
                    tombstone: round == 2 && k % 5 == 0,
                    key,
                });
            }
        }
        parts
    }

    #[test]
    fn index_build_keeps_the_newest_version_alike_on_one_or_many_threads() {
        let (one, live_one) = build_index_with(loaded(2000), 1);
        let (many, live_many) = build_index_with(loaded(2000), 3);
        assert_eq!(live_one, live_many);
        assert_eq!(one.len(), 1600);
        assert_eq!(many.len(), 1600);
        for k in 0..2000 {
            let key = format!("k{k:05}").into_bytes();
            let a = one.get(&key);
            assert_eq!(a, many.get(&key));
            if k % 5 == 0 {
                assert_eq!(a, None, "tombstoned key {k}");
            } else {
                assert_eq!(
                    a.map(|l| l.seg),
                    Some(2),
                    "key {k} should be at its newest version"
                );
            }
        }
        let all = many.range(&KeyRange::all(), usize::MAX, |_| true);
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "scan order");
    }

    /// Copy the files (not folders) of `from` into a new folder: what a
    /// power cut at this moment would leave, as far as fsynced data goes.
    fn snapshot(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("snapshot dir");
        for e in std::fs::read_dir(from).expect("list") {
            let p = e.expect("entry").path();
            if p.is_file() && !p.ends_with(LOCK_FILE) {
                std::fs::copy(&p, to.join(p.file_name().expect("name"))).expect("copy");
            }
        }
    }

    #[test]
    fn d1_a_stale_hint_never_hides_acknowledged_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().join("store");
        let opts = Options {
            segment_size: 4096,
            auto_compact: false,
            ..Options::default()
        };
        let key = |i: usize| format!("c{i:010}").into_bytes();
        {
            let e = LogEngine::open(&d, opts.clone()).expect("open");
            for i in 0..200 {
                e.set(&key(i), format!("value {i}").as_bytes())
                    .expect("set");
            }
        }
        // A power loss left the newest segment empty; the one before it
        // is sealed and has a hint.
        let mut segs: Vec<PathBuf> = std::fs::read_dir(&d)
            .expect("list")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "seg"))
            .collect();
        segs.sort();
        std::fs::write(segs.last().expect("a segment"), b"").expect("empty it");

        // Reopened with bigger segments (as the review's repro did with the
        // default size), the sealed segment has room left: the old code
        // appended to it while its hint stayed on disk.
        let big = Options {
            segment_size: 1 << 20,
            ..opts.clone()
        };
        let e = LogEngine::open(&d, big).expect("reopen");
        // Keep the background hint writer (and manifest updates) out, as a
        // crash before it ran would.
        let hold = lock(&e.core().compaction);
        e.set(b"NEWKEY", b"acknowledged").expect("set");
        e.set(&key(150), b"OVERWRITTEN").expect("set");
        // Enough to rotate, so the segment written to is no longer newest.
        for i in 0..5 {
            e.set(format!("fill{i}").as_bytes(), &vec![b'x'; 256 << 10])
                .expect("fill");
        }
        let crashed = dir.path().join("after-crash");
        snapshot(&d, &crashed);
        drop(hold);
        drop(e);

        let e = LogEngine::open(&crashed, opts).expect("open the crashed copy");
        assert_eq!(
            e.get(b"NEWKEY").expect("get"),
            Some(b"acknowledged".to_vec())
        );
        assert_eq!(
            e.get(&key(150)).expect("get"),
            Some(b"OVERWRITTEN".to_vec())
        );
        for i in 0..5 {
            assert!(e.get(format!("fill{i}").as_bytes()).expect("get").is_some());
        }
    }

    #[test]
    fn d10_under_always_a_write_is_visible_only_once_durable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = LogEngine::open(
            dir.path(),
            Options {
                auto_compact: false,
                ..Options::default()
            },
        )
        .expect("open");
        e.set(b"k", b"old").expect("set");
        // Hold the group-commit state so no fsync can start.
        let hold = lock(&e.core().sync);
        let writer = e.clone();
        let t = std::thread::spawn(move || writer.set(b"k", b"new"));
        while e.stats().writes < 2 {
            std::thread::yield_now();
        }
        // Appended, not yet durable: readers still see the old value, and
        // the writer's own bookkeeping sees the new one.
        assert_eq!(e.get(b"k").expect("get"), Some(b"old".to_vec()));
        {
            let w = lock(&e.core().writer);
            let pending = e.core().current(&w, b"k").expect("pending");
            assert_eq!(pending.val_len, 3);
        }
        drop(hold);
        t.join().expect("thread").expect("set");
        assert_eq!(e.get(b"k").expect("get"), Some(b"new".to_vec()));
    }
}
