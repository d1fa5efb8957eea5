//! Merging sealed segments, and writing hint files.
//!
//! Compaction seals the active segment, then copies every record that the
//! index still points at out of the sealed ("victim") segments into new
//! segments, written under a `.compacting` name and renamed only once they
//! are complete and fsynced. Readers and writers carry on meanwhile: the
//! copy reads immutable files and touches no lock. The new locations are
//! then installed in small chunks under the writer lock, each only if the
//! key still points where it did when copied (a key rewritten meanwhile
//! keeps its newer record). Finally the victims' ids go into
//! `PENDING-DELETE`, they leave the segment table, and their files are
//! removed; a crash in between finishes the deletion at the next open.
//!
//! Tombstones and expired records are dropped, which is safe because every
//! segment that could hold an older version of a key is a victim: the only
//! segment left out is the fresh active one, whose records are all newer.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::engine::{CompactionReport, now_ms};
use crate::error::{KvError, show_key};

use super::format::{
    FILE_HEADER_LEN, HintEntry, SegmentKind, encode_hint_file, encode_record, record_len,
};
use super::index::Loc;
use super::recovery::{save_bytes, scan_segment};
use super::segment::{Segment, hint_path, segment_path, sync_dir};
use super::store::{Core, lock};

/// Index updates installed per writer-lock hold, to keep each pause short.
const INSTALL_CHUNK: usize = 256;
/// Bytes buffered before an output segment is written to.
const OUT_BUFFER: usize = 1024 * 1024;

/// A compaction output segment being written.
struct Output {
    seg: Segment,
    buf: Vec<u8>,
    end: u64,
}

impl Output {
    fn write_out(&mut self) -> Result<(), KvError> {
        let at = self.end - self.buf.len() as u64;
        self.seg
            .append_at(&self.buf, at)
            .map_err(|source| KvError::Io {
                op: "write",
                path: self.seg.path.clone(),
                error: source,
            })?;
        // Trickle the output to disk as it is written, so the final fsync
        // (and the journal commit it forces, which writers queue behind)
        // is short.
        self.seg.start_writeback(at, self.buf.len() as u64);
        self.buf.clear();
        Ok(())
    }
}

fn io_err(op: &'static str, path: &std::path::Path) -> impl FnOnce(std::io::Error) -> KvError {
    let path = path.to_path_buf();
    move |source| KvError::Io {
        op,
        path,
        error: source,
    }
}

impl Core {
    /// Merge all sealed segments. Runs at most once at a time. A failure
    /// is noted so background compaction backs off instead of retrying
    /// (and rotating) every tick.
    pub(super) fn compact(&self) -> Result<CompactionReport, KvError> {
        let _one_at_a_time = lock(&self.compaction);
        let result = self.compact_locked();
        self.compaction_finished(&result);
        result
    }

    fn compact_locked(&self) -> Result<CompactionReport, KvError> {
        let (victims, end): (Vec<Arc<Segment>>, (u32, u64)) = {
            let mut w = self.lock_writer()?;
            // Seal the active segment so its records are merged too, but
            // not when retrying after a failure: each retry would add a
            // segment (and a file descriptor) for nothing.
            if w.end() > FILE_HEADER_LEN as u64 && !self.compaction_failing() {
                self.rotate(&mut w)?;
            }
            let active = w.active.id;
            let victims = self
                .segments
                .load()
                .values()
                .filter(|s| s.id != active)
                .cloned()
                .collect();
            (victims, (active, w.end()))
        };
        // Under `Durability::Always`, writes in the victims may still wait
        // for their fsync, outside the index: publish them first, so the
        // copy below sees them.
        if self.opts.durability == crate::engine::Durability::Always {
            self.sync_to(end)?;
        }
        if victims.is_empty() {
            return Ok(CompactionReport::default());
        }
        let victim_ids: HashSet<u32> = victims.iter().map(|s| s.id).collect();
        let by_id: HashMap<u32, &Arc<Segment>> = victims.iter().map(|s| (s.id, s)).collect();
        let bytes_before: u64 = victims.iter().map(|s| s.data_len()).sum();

        let mut outputs: Vec<Segment> = Vec::new();
        let mut current: Option<Output> = None;
        let mut moves: Vec<(Box<[u8]>, Loc, Option<Loc>)> = Vec::new();
        let mut quarantined: Vec<String> = Vec::new();
        let now = now_ms();
        let result = (|| -> Result<(), KvError> {
            for (key, loc) in self.index.collect(|l| victim_ids.contains(&l.seg)) {
                if self.closing.load(Ordering::Relaxed) {
                    return Err(KvError::Failed {
                        reason: "store closed during compaction".into(),
                    });
                }
                if loc.expired(now) {
                    moves.push((key.clone(), loc, None));
                    continue;
                }
                let Some(seg) = by_id.get(&loc.seg) else {
                    continue;
                };
                let value = match self.read_record(seg, &key, loc, None, false) {
                    Ok(v) => v,
                    Err(KvError::Corrupt {
                        path,
                        offset,
                        reason,
                    }) => {
                        // Quarantine: keep the damaged bytes as evidence,
                        // drop the key, and go on, rather than failing
                        // (and retrying) forever on the same record.
                        quarantined.push(self.quarantine(seg, &key, loc, &path, offset, &reason)?);
                        moves.push((key, loc, None));
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let len = record_len(key.len(), value.len());
                let full = current.as_ref().is_some_and(|o| {
                    o.end > FILE_HEADER_LEN as u64 && o.end + len > self.opts.segment_size
                });
                if full && let Some(done) = current.take() {
                    outputs.push(self.finish_output(done)?);
                }
                if current.is_none() {
                    let id = lock(&self.writer).take_segment_id(&self.dir)?;
                    let path = segment_path(&self.dir, id).with_extension("seg.compacting");
                    let seg = Segment::create(path.clone(), id, SegmentKind::Compacted)
                        .map_err(io_err("create", &path))?;
                    current = Some(Output {
                        seg,
                        buf: Vec::with_capacity(OUT_BUFFER),
                        end: FILE_HEADER_LEN as u64,
                    });
                }
                let Some(out) = current.as_mut() else {
                    continue;
                };
                let new = Loc {
                    seg: out.seg.id,
                    offset: out.end,
                    ..loc
                };
                // Batch flags are dropped: the batch committed long ago.
                encode_record(&mut out.buf, loc.seq, loc.expires, 0, &key, &value);
                out.end += len;
                if out.buf.len() >= OUT_BUFFER {
                    out.write_out()?;
                }
                moves.push((key, loc, Some(new)));
            }
            if let Some(done) = current.take() {
                outputs.push(self.finish_output(done)?);
            }
            Ok(())
        })();
        if let Err(e) = result {
            // Leave the store as it was: drop partial output files.
            if let Some(out) = current.take() {
                let _ = std::fs::remove_file(&out.seg.path);
            }
            for seg in &outputs {
                let _ = std::fs::remove_file(&seg.path);
            }
            return Err(e);
        }
        sync_dir(&self.dir).map_err(io_err("fsync", &self.dir))?;

        // Publish the new segments, then repoint the index at them.
        let outputs: Vec<Arc<Segment>> = outputs.into_iter().map(Arc::new).collect();
        let bytes_after: u64 = outputs.iter().map(|s| s.data_len()).sum();
        self.segments.rcu(|t| {
            let mut t = t.as_ref().clone();
            for seg in &outputs {
                t.insert(seg.id, Arc::clone(seg));
            }
            t
        });
        let mut kept = 0u64;
        for chunk in moves.chunks(INSTALL_CHUNK) {
            // The writer lock makes the check-and-replace atomic with
            // respect to the write path, the only other index mutator.
            let _w = lock(&self.writer);
            for (key, old, new) in chunk {
                if !self.index.replace_if(key, old, *new) {
                    continue;
                }
                match new {
                    Some(_) => kept += 1,
                    None => {
                        self.counters.live_bytes.fetch_sub(
                            record_len(key.len(), old.val_len as usize),
                            Ordering::Relaxed,
                        );
                    }
                }
            }
        }

        // Commit: the manifest lists the outputs and names the victims as
        // retired (a crash from here on finishes the deletion at open).
        // Then carry the deletion out, and record the final state.
        let retired: Vec<u32> = victims.iter().map(|s| s.id).collect();
        self.record_manifest(&retired)?;
        self.segments.rcu(|t| {
            let mut t = t.as_ref().clone();
            for id in &victim_ids {
                t.remove(id);
            }
            t
        });
        for seg in &victims {
            for p in [seg.path.clone(), hint_path(&self.dir, seg.id)] {
                match std::fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err("remove", &p)(e)),
                }
            }
        }
        sync_dir(&self.dir).map_err(io_err("fsync", &self.dir))?;
        for id in &victim_ids {
            self.cache.forget(*id);
        }
        self.record_manifest(&[])?;
        lock(&self.pending_hints).retain(|id| !victim_ids.contains(id));

        self.counters
            .total_bytes
            .fetch_sub(bytes_before, Ordering::Relaxed);
        self.counters
            .total_bytes
            .fetch_add(bytes_after, Ordering::Relaxed);
        self.counters.compactions.fetch_add(1, Ordering::Relaxed);
        for seg in &outputs {
            self.write_hint(seg)?;
        }
        Ok(CompactionReport {
            segments_in: victims.len(),
            segments_out: outputs.len(),
            bytes_before,
            bytes_after,
            records_kept: kept,
            quarantined,
        })
    }

    /// Save an unreadable record's bytes to `lost+found/` and describe it.
    fn quarantine(
        &self,
        seg: &Segment,
        key: &[u8],
        loc: Loc,
        path: &std::path::Path,
        offset: u64,
        reason: &str,
    ) -> Result<String, KvError> {
        let len = record_len(key.len(), loc.val_len as usize) as usize;
        let mut raw = vec![0u8; len];
        // What is left of it; a file cut short leaves less.
        let avail = seg.file_len().unwrap_or(0).saturating_sub(loc.offset) as usize;
        raw.truncate(avail.min(len));
        let _ = seg.read_exact_at(&mut raw, loc.offset);
        let why = format!(
            "compaction could not read the record of key {:?} ({reason}); the key was dropped",
            show_key(key)
        );
        let saved =
            save_bytes(&self.dir, path, offset, &raw, &why).map_err(|e| KvError::Failed {
                reason: e.to_string(),
            })?;
        Ok(format!(
            "{}: record of key {:?} at byte {offset} is damaged ({reason}); saved to {} and the key dropped",
            path.display(),
            show_key(key),
            saved.display()
        ))
    }

    /// Write out, fsync and rename a finished output segment.
    fn finish_output(&self, mut out: Output) -> Result<Segment, KvError> {
        out.write_out()?;
        out.seg.sync().map_err(io_err("fsync", &out.seg.path))?;
        let final_path = segment_path(&self.dir, out.seg.id);
        std::fs::rename(&out.seg.path, &final_path).map_err(io_err("rename", &out.seg.path))?;
        Ok(out.seg.renamed(final_path))
    }

    /// Write hint files for sealed segments that lack one.
    pub(super) fn write_pending_hints(&self) -> Result<(), KvError> {
        // Holding the compaction lock means no segment is merged away (and
        // its hint deleted) while we write a hint for it, which would leave
        // an orphan hint behind.
        let _no_compaction = lock(&self.compaction);
        loop {
            let Some(id) = lock(&self.pending_hints).pop() else {
                // Sealed segments with their hints: record them as sealed.
                return if self.manifest_outdated() {
                    self.record_manifest(&[])
                } else {
                    Ok(())
                };
            };
            let seg = self.segments.load().get(&id).cloned();
            if let Some(seg) = seg {
                self.write_hint(&seg)?;
            }
        }
    }

    /// Build the hint for one sealed segment by scanning it. The segment is
    /// fsynced first: a durable hint must never describe records that are
    /// not durable themselves.
    fn write_hint(&self, seg: &Segment) -> Result<(), KvError> {
        seg.sync_all().map_err(io_err("fsync", &seg.path))?;
        let mut data = vec![0u8; seg.readable() as usize];
        seg.read_exact_at(&mut data, 0)?;
        let outcome = scan_segment(&seg.path, &data, false).map_err(|e| KvError::Corrupt {
            path: seg.path.clone(),
            offset: 0,
            reason: e.to_string(),
        })?;
        // Sorted by key: opening a big store then merges a few sorted runs
        // per index shard, reading keys in the order they lie in memory,
        // instead of sorting keys scattered all over the heap.
        let mut entries: Vec<HintEntry> = outcome.entries;
        entries.sort_by(|a, b| a.key.cmp(&b.key).then(a.seq.cmp(&b.seq)));
        let bytes = encode_hint_file(seg.id, &entries);
        let path = hint_path(&self.dir, seg.id);
        let tmp = path.with_extension("hint.tmp");
        (|| -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            sync_dir(&self.dir)
        })()
        .map_err(io_err("write", &path))
    }
}
