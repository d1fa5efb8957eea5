//! Byte layout of segment files, records and hint files (see `FORMAT.md`).
//!
//! Everything that turns bytes into structures, or back, lives here and
//! nowhere else: the store hands this module a record to encode into its
//! write buffer, and the recovery code hands it raw bytes to decode. All
//! integers are little-endian. Decoding never trusts a length before checking
//! it against the limits and the bytes actually available, so a damaged
//! length field is reported as corruption instead of a huge allocation.

/// Version written in every segment and hint header.
pub const FORMAT_VERSION: u16 = 1;
/// Segment file magic.
pub const SEGMENT_MAGIC: [u8; 4] = *b"MKVS";
/// Hint file magic.
pub const HINT_MAGIC: [u8; 4] = *b"MKVH";
/// Manifest file magic.
pub const MANIFEST_MAGIC: [u8; 4] = *b"MKVM";
/// Size of a segment or hint file header.
pub const FILE_HEADER_LEN: usize = 16;
/// Size of a record header (crc, seq, expiry, flags, key and value lengths).
pub const RECORD_HEADER_LEN: usize = 29;
/// Size of one hint entry without its key.
pub const HINT_ENTRY_LEN: usize = 33;
/// Size of the hint file trailer (entry count and checksum).
pub const HINT_TRAILER_LEN: usize = 12;

/// Largest key we accept.
pub const MAX_KEY_LEN: usize = 64 * 1024;
/// Largest value we accept.
pub const MAX_VALUE_LEN: usize = 32 * 1024 * 1024;

/// The record deletes its key.
pub const FLAG_TOMBSTONE: u8 = 1;
/// The record belongs to an atomic batch.
pub const FLAG_BATCH: u8 = 2;
/// The record is the last one of its batch: the batch commits with it.
pub const FLAG_BATCH_END: u8 = 4;
const KNOWN_FLAGS: u8 = FLAG_TOMBSTONE | FLAG_BATCH | FLAG_BATCH_END;

/// What a segment holds: appended log, or the output of a compaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Log = 0,
    Compacted = 1,
}

/// A decoded segment or hint file header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileHeader {
    pub magic: [u8; 4],
    pub version: u16,
    pub kind: u8,
    pub id: u32,
}

/// Encode a 16-byte file header: magic, version, kind, reserved byte,
/// segment id, and a CRC32 of the first 12 bytes.
pub fn encode_file_header(magic: [u8; 4], kind: u8, id: u32) -> [u8; FILE_HEADER_LEN] {
    let mut h = [0u8; FILE_HEADER_LEN];
    h[0..4].copy_from_slice(&magic);
    h[4..6].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h[6] = kind;
    h[7] = 0;
    h[8..12].copy_from_slice(&id.to_le_bytes());
    let crc = crc32fast::hash(&h[0..12]);
    h[12..16].copy_from_slice(&crc.to_le_bytes());
    h
}

/// Decode a file header, checking its checksum. The caller checks the magic
/// and version, since what to say about them depends on the file.
pub fn decode_file_header(bytes: &[u8]) -> Result<FileHeader, String> {
    if bytes.len() < FILE_HEADER_LEN {
        return Err(format!(
            "file is {} bytes, shorter than the {FILE_HEADER_LEN}-byte header",
            bytes.len()
        ));
    }
    let stored = u32_at(bytes, 12);
    if crc32fast::hash(&bytes[0..12]) != stored {
        return Err("header checksum mismatch".into());
    }
    Ok(FileHeader {
        magic: [bytes[0], bytes[1], bytes[2], bytes[3]],
        version: u16::from_le_bytes([bytes[4], bytes[5]]),
        kind: bytes[6],
        id: u32_at(bytes, 8),
    })
}

/// The fixed fields of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    pub crc: u32,
    pub seq: u64,
    pub expires: u64,
    pub flags: u8,
    pub key_len: u32,
    pub val_len: u32,
}

impl RecordHeader {
    /// Total bytes of the record on disk.
    pub fn record_len(&self) -> u64 {
        RECORD_HEADER_LEN as u64 + self.key_len as u64 + self.val_len as u64
    }

    pub fn is_tombstone(&self) -> bool {
        self.flags & FLAG_TOMBSTONE != 0
    }
}

/// Bytes a record with these key and value lengths takes.
pub fn record_len(key_len: usize, val_len: usize) -> u64 {
    (RECORD_HEADER_LEN + key_len + val_len) as u64
}

/// Append one record to `buf`. Layout: crc32 (of everything after it), seq,
/// expiry (unix ms, 0 = none), flags, key length, value length, key, value.
pub fn encode_record(
    buf: &mut Vec<u8>,
    seq: u64,
    expires: u64,
    flags: u8,
    key: &[u8],
    value: &[u8],
) {
    let start = buf.len();
    buf.reserve(RECORD_HEADER_LEN + key.len() + value.len());
    buf.extend_from_slice(&[0u8; 4]);
    buf.extend_from_slice(&seq.to_le_bytes());
    buf.extend_from_slice(&expires.to_le_bytes());
    buf.push(flags);
    buf.extend_from_slice(&(key.len() as u32).to_le_bytes());
    buf.extend_from_slice(&(value.len() as u32).to_le_bytes());
    buf.extend_from_slice(key);
    buf.extend_from_slice(value);
    let crc = crc32fast::hash(&buf[start + 4..]);
    buf[start..start + 4].copy_from_slice(&crc.to_le_bytes());
}

/// Decode the fixed part of a record and check that its lengths are within
/// limits. Does not check the CRC (the body may not be read yet).
pub fn decode_record_header(bytes: &[u8]) -> Result<RecordHeader, String> {
    if bytes.len() < RECORD_HEADER_LEN {
        return Err(format!(
            "{} bytes left, shorter than a {RECORD_HEADER_LEN}-byte record header",
            bytes.len()
        ));
    }
    let h = RecordHeader {
        crc: u32_at(bytes, 0),
        seq: u64_at(bytes, 4),
        expires: u64_at(bytes, 12),
        flags: bytes[20],
        key_len: u32_at(bytes, 21),
        val_len: u32_at(bytes, 25),
    };
    if h.flags & !KNOWN_FLAGS != 0 {
        return Err(format!("unknown flag bits {:#04x}", h.flags));
    }
    if h.key_len as usize > MAX_KEY_LEN {
        return Err(format!(
            "key length {} exceeds the limit {MAX_KEY_LEN}",
            h.key_len
        ));
    }
    if h.val_len as usize > MAX_VALUE_LEN {
        return Err(format!(
            "value length {} exceeds the limit {MAX_VALUE_LEN}",
            h.val_len
        ));
    }
    Ok(h)
}

/// Check a whole record (header already decoded from `bytes[..29]`).
pub fn check_record_crc(header: &RecordHeader, bytes: &[u8]) -> Result<(), String> {
    let len = header.record_len() as usize;
    if bytes.len() < len {
        return Err(format!(
            "record needs {len} bytes but only {} remain",
            bytes.len()
        ));
    }
    let actual = crc32fast::hash(&bytes[4..len]);
    if actual != header.crc {
        return Err(format!(
            "checksum mismatch (stored {:#010x}, computed {actual:#010x})",
            header.crc
        ));
    }
    Ok(())
}

/// Decode and fully verify the record at the start of `bytes`.
pub fn decode_record(bytes: &[u8]) -> Result<RecordHeader, String> {
    let h = decode_record_header(bytes)?;
    check_record_crc(&h, bytes)?;
    Ok(h)
}

/// One entry of a hint file: where a record sits and what it says, without
/// its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintEntry {
    pub key: Box<[u8]>,
    pub seq: u64,
    pub expires: u64,
    pub flags: u8,
    pub val_len: u32,
    pub offset: u64,
}

/// Encode a complete hint file: header, entries, then the entry count and a
/// CRC32 of every byte before the checksum.
pub fn encode_hint_file(segment_id: u32, entries: &[HintEntry]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(
        FILE_HEADER_LEN
            + HINT_TRAILER_LEN
            + entries
                .iter()
                .map(|e| HINT_ENTRY_LEN + e.key.len())
                .sum::<usize>(),
    );
    buf.extend_from_slice(&encode_file_header(HINT_MAGIC, 0, segment_id));
    for e in entries {
        buf.extend_from_slice(&e.seq.to_le_bytes());
        buf.extend_from_slice(&e.expires.to_le_bytes());
        buf.push(e.flags);
        buf.extend_from_slice(&(e.key.len() as u32).to_le_bytes());
        buf.extend_from_slice(&e.val_len.to_le_bytes());
        buf.extend_from_slice(&e.offset.to_le_bytes());
        buf.extend_from_slice(&e.key);
    }
    buf.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    let crc = crc32fast::hash(&buf);
    buf.extend_from_slice(&crc.to_le_bytes());
    buf
}

/// Decode a hint file written for `segment_id`. Any damage makes the whole
/// hint unusable (the caller then scans the segment instead).
pub fn decode_hint_file(segment_id: u32, bytes: &[u8]) -> Result<Vec<HintEntry>, String> {
    let header = decode_file_header(bytes)?;
    if header.magic != HINT_MAGIC {
        return Err("not a hint file (bad magic)".into());
    }
    if header.version != FORMAT_VERSION {
        return Err(format!("unsupported hint version {}", header.version));
    }
    if header.id != segment_id {
        return Err(format!(
            "hint belongs to segment {}, not {segment_id}",
            header.id
        ));
    }
    if bytes.len() < FILE_HEADER_LEN + HINT_TRAILER_LEN {
        return Err("hint file is too short for its trailer".into());
    }
    let body_end = bytes.len() - 4;
    let stored_crc = u32_at(bytes, body_end);
    if crc32fast::hash(&bytes[..body_end]) != stored_crc {
        return Err("hint file checksum mismatch".into());
    }
    let count = u64_at(bytes, body_end - 8);
    let entries_end = body_end - 8;
    // Each entry is at least HINT_ENTRY_LEN bytes, which bounds the count
    // before we allocate for it.
    if count > ((entries_end - FILE_HEADER_LEN) / HINT_ENTRY_LEN) as u64 {
        return Err(format!("hint claims {count} entries, more than fit"));
    }
    let mut entries = Vec::with_capacity(count as usize);
    let mut pos = FILE_HEADER_LEN;
    while pos < entries_end {
        if entries_end - pos < HINT_ENTRY_LEN {
            return Err(format!("truncated hint entry at byte {pos}"));
        }
        let b = &bytes[pos..];
        let key_len = u32_at(b, 17) as usize;
        if key_len > MAX_KEY_LEN || entries_end - pos - HINT_ENTRY_LEN < key_len {
            return Err(format!(
                "bad key length {key_len} in hint entry at byte {pos}"
            ));
        }
        entries.push(HintEntry {
            seq: u64_at(b, 0),
            expires: u64_at(b, 8),
            flags: b[16],
            val_len: u32_at(b, 21),
            offset: u64_at(b, 25),
            key: b[HINT_ENTRY_LEN..HINT_ENTRY_LEN + key_len].into(),
        });
        pos += HINT_ENTRY_LEN + key_len;
    }
    if entries.len() as u64 != count {
        return Err(format!(
            "hint holds {} entries but its trailer says {count}",
            entries.len()
        ));
    }
    Ok(entries)
}

/// The end (file offset just past the last record) that a hint's entries
/// describe: the segment must be exactly this long for the hint to cover
/// all of it. A hint with no entries covers an empty segment.
pub fn hint_covered_len(entries: &[HintEntry]) -> u64 {
    entries
        .iter()
        .map(|e| e.offset + record_len(e.key.len(), e.val_len as usize))
        .max()
        .unwrap_or(FILE_HEADER_LEN as u64)
}

/// A sealed segment as the manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedSegment {
    pub id: u32,
    /// `SegmentKind` as a byte.
    pub kind: u8,
    /// File length, header included. A sealed segment never changes, so
    /// any other length at open is damage (or garbage appended after it).
    pub len: u64,
}

/// The manifest: which sealed segments the store consists of, how long
/// each is, which segments a committed compaction merged away, and the next
/// segment id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub sealed: Vec<SealedSegment>,
    pub retired: Vec<u32>,
    /// Ids are never reused; a u64 so that "every u32 id is used up" can
    /// be represented and refused.
    pub next_id: u64,
    /// The segment being appended to when the manifest was written (0 for
    /// none). It is never sealed, but it must exist.
    pub active: u32,
}

/// Encode a manifest: header, next id, sealed entries, retired ids, CRC.
pub fn encode_manifest(m: &Manifest) -> Vec<u8> {
    let mut buf =
        Vec::with_capacity(FILE_HEADER_LEN + 24 + m.sealed.len() * 13 + m.retired.len() * 4);
    buf.extend_from_slice(&encode_file_header(MANIFEST_MAGIC, 0, 0));
    buf.extend_from_slice(&m.next_id.to_le_bytes());
    buf.extend_from_slice(&m.active.to_le_bytes());
    buf.extend_from_slice(&(m.sealed.len() as u32).to_le_bytes());
    for s in &m.sealed {
        buf.extend_from_slice(&s.id.to_le_bytes());
        buf.push(s.kind);
        buf.extend_from_slice(&s.len.to_le_bytes());
    }
    buf.extend_from_slice(&(m.retired.len() as u32).to_le_bytes());
    for id in &m.retired {
        buf.extend_from_slice(&id.to_le_bytes());
    }
    let crc = crc32fast::hash(&buf);
    buf.extend_from_slice(&crc.to_le_bytes());
    buf
}

/// Decode a manifest, checking its checksum and every count against the
/// bytes present.
pub fn decode_manifest(bytes: &[u8]) -> Result<Manifest, String> {
    let header = decode_file_header(bytes)?;
    if header.magic != MANIFEST_MAGIC {
        return Err("not a manifest (bad magic)".into());
    }
    if header.version != FORMAT_VERSION {
        return Err(format!("unsupported manifest version {}", header.version));
    }
    if bytes.len() < FILE_HEADER_LEN + 8 + 4 + 4 + 4 + 4 {
        return Err(format!("manifest is {} bytes, too short", bytes.len()));
    }
    let body_end = bytes.len() - 4;
    if crc32fast::hash(&bytes[..body_end]) != u32_at(bytes, body_end) {
        return Err("manifest checksum mismatch".into());
    }
    let mut pos = FILE_HEADER_LEN;
    let next_id = u64_at(bytes, pos);
    pos += 8;
    let active = u32_at(bytes, pos);
    pos += 4;
    let n = u32_at(bytes, pos) as usize;
    pos += 4;
    if n > (body_end - pos) / 13 {
        return Err(format!("manifest claims {n} segments, more than fit"));
    }
    let mut sealed = Vec::with_capacity(n);
    for _ in 0..n {
        sealed.push(SealedSegment {
            id: u32_at(bytes, pos),
            kind: bytes[pos + 4],
            len: u64_at(bytes, pos + 5),
        });
        pos += 13;
    }
    if body_end - pos < 4 {
        return Err("manifest ends before its retired list".into());
    }
    let r = u32_at(bytes, pos) as usize;
    pos += 4;
    if body_end - pos != r * 4 {
        return Err(format!(
            "manifest retired list of {r} ids does not fit its length"
        ));
    }
    let retired = (0..r).map(|i| u32_at(bytes, pos + 4 * i)).collect();
    Ok(Manifest {
        sealed,
        retired,
        next_id,
        active,
    })
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_and_detects_every_flipped_byte() {
        let mut buf = Vec::new();
        encode_record(&mut buf, 42, 7, FLAG_BATCH, b"key", b"value");
        assert_eq!(buf.len() as u64, record_len(3, 5));
        let h = decode_record(&buf).expect("valid record");
        assert_eq!(
            (h.seq, h.expires, h.flags, h.key_len, h.val_len),
            (42, 7, FLAG_BATCH, 3, 5)
        );
        for i in 0..buf.len() {
            let mut bad = buf.clone();
            bad[i] ^= 0x40;
            assert!(
                decode_record(&bad).is_err(),
                "flip at byte {i} went unnoticed"
            );
        }
    }

    #[test]
    fn oversized_lengths_are_rejected_before_reading() {
        let mut buf = Vec::new();
        encode_record(&mut buf, 1, 0, 0, b"k", b"v");
        buf[21..25].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(
            decode_record_header(&buf)
                .unwrap_err()
                .contains("key length")
        );
    }

    #[test]
    fn hint_round_trips_and_rejects_damage() {
        let entries = vec![
            HintEntry {
                key: b"a".as_slice().into(),
                seq: 1,
                expires: 0,
                flags: 0,
                val_len: 3,
                offset: 16,
            },
            HintEntry {
                key: b"bb".as_slice().into(),
                seq: 2,
                expires: 9,
                flags: FLAG_TOMBSTONE,
                val_len: 0,
                offset: 48,
            },
        ];
        let bytes = encode_hint_file(5, &entries);
        assert_eq!(decode_hint_file(5, &bytes).expect("valid hint"), entries);
        assert!(decode_hint_file(6, &bytes).is_err());
        let mut bad = bytes.clone();
        bad[20] ^= 1;
        assert!(decode_hint_file(5, &bad).is_err());
        assert!(decode_hint_file(5, &bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn manifest_round_trips_and_rejects_any_damage() {
        let m = Manifest {
            sealed: vec![
                SealedSegment {
                    id: 1,
                    kind: 0,
                    len: 4096,
                },
                SealedSegment {
                    id: 7,
                    kind: 1,
                    len: 99,
                },
            ],
            retired: vec![3, 4],
            next_id: 9,
            active: 8,
        };
        let bytes = encode_manifest(&m);
        assert_eq!(decode_manifest(&bytes).expect("valid"), m);
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            assert!(decode_manifest(&bad).is_err(), "flip at {i} went unnoticed");
        }
        for cut in 0..bytes.len() {
            assert!(decode_manifest(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn file_header_round_trips() {
        let h = encode_file_header(SEGMENT_MAGIC, SegmentKind::Compacted as u8, 77);
        let d = decode_file_header(&h).expect("valid header");
        assert_eq!(
            (d.magic, d.version, d.kind, d.id),
            (SEGMENT_MAGIC, FORMAT_VERSION, 1, 77)
        );
        let mut bad = h;
        bad[9] ^= 1;
        assert!(decode_file_header(&bad).is_err());
    }
}
