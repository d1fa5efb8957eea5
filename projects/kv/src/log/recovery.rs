//! Reading segments back at open time: full scans and hint files.
//!
//! A scan walks a segment record by record, checking each CRC, and yields
//! the same [`HintEntry`] list a hint file would. Batches are only reported
//! once their closing record is seen, so a batch cut short by a crash
//! disappears as a whole. When a record fails its check the scan decides
//! between two cases:
//!
//! * a *torn tail*: only allowed in a log segment (compaction output is
//!   fsynced before it is renamed into place, so it is always complete), and
//!   only when no valid record can be found anywhere after the damage. A
//!   crash mid-append looks exactly like this; so does the end of a sealed
//!   segment whose last writes were never fsynced (acknowledged writes
//!   always were). The caller truncates it and reports it;
//! * *corruption*: anything else. Valid records after the damage mean that
//!   truncating would throw away acknowledged data, so open fails with the
//!   file and the offset instead.

use std::path::Path;

use serde::Serialize;

use crate::error::OpenError;

use super::format::{
    FILE_HEADER_LEN, FLAG_BATCH, FLAG_BATCH_END, HintEntry, RECORD_HEADER_LEN, decode_hint_file,
    decode_record,
};

/// The result of scanning one segment.
#[derive(Debug)]
pub struct ScanOutcome {
    /// Committed records in file order.
    pub entries: Vec<HintEntry>,
    /// Length of the valid prefix of the file.
    pub valid_len: u64,
    /// Set when a torn tail was found (and must be truncated).
    pub torn: Option<TornTail>,
}

/// A damaged or incomplete end of the active segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TornTail {
    pub path: String,
    /// Where the valid data ends (the file is truncated to this length).
    pub offset: u64,
    /// How many bytes were dropped.
    pub bytes_dropped: u64,
    pub reason: String,
}

/// Scan the segment at `path` whose bytes are `data`. `allow_torn_tail` is
/// true for log segments, false for compaction output.
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
        (None, Some(start)) => Some((start, "batch cut off before its closing record".to_string())),
        (Some((at, reason)), start) => {
            if valid_record_after(data, at + 1) {
                return Err(OpenError::Corrupt {
                    path: path.to_path_buf(),
                    offset: at as u64,
                    reason: format!("{reason}; valid records follow, so this is not a torn tail"),
                });
            }
            Some((start.unwrap_or(at), reason))
        }
    };
    let Some((at, reason)) = cut else {
        return Ok(ScanOutcome {
            entries,
            valid_len: len as u64,
            torn: None,
        });
    };
    if !allow_torn_tail {
        return Err(OpenError::Corrupt {
            path: path.to_path_buf(),
            offset: at as u64,
            reason: format!("{reason} (in compaction output, which must be complete)"),
        });
    }
    Ok(ScanOutcome {
        entries,
        valid_len: at as u64,
        torn: Some(TornTail {
            path: path.display().to_string(),
            offset: at as u64,
            bytes_dropped: (len - at) as u64,
            reason,
        }),
    })
}

/// Whether any complete, checksummed record starts at or after `from`.
/// Garbage almost never passes the length limits and then a CRC, so this
/// is cheap on the error path where it is used.
fn valid_record_after(data: &[u8], from: usize) -> bool {
    (from..data.len().saturating_sub(RECORD_HEADER_LEN - 1))
        .any(|p| decode_record(&data[p..]).is_ok())
}

/// Read and decode the hint file at `path` for segment `id`.
pub fn load_hint(path: &Path, id: u32) -> Result<Vec<HintEntry>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    decode_hint_file(id, &bytes)
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
