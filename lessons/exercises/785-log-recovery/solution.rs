use std::collections::BTreeMap;

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub const PUT: u8 = 1;
pub const DELETE: u8 = 2;
const HEADER: usize = 4 + 1 + 2 + 4;

/// Appends a record and returns its offset. `None` as value writes a delete.
pub fn append(log: &mut Vec<u8>, key: &[u8], value: Option<&[u8]>) -> u64 {
    let offset = log.len();
    let (kind, val) = match value {
        Some(v) => (PUT, v),
        None => (DELETE, &[][..]),
    };
    log.extend_from_slice(&[0; 4]);
    log.push(kind);
    log.extend_from_slice(&(key.len() as u16).to_le_bytes());
    log.extend_from_slice(&(val.len() as u32).to_le_bytes());
    log.extend_from_slice(key);
    log.extend_from_slice(val);
    let crc = crc32(&log[offset + 4..]);
    log[offset..offset + 4].copy_from_slice(&crc.to_le_bytes());
    offset as u64
}

#[derive(Debug, PartialEq)]
pub struct Record<'a> {
    pub kind: u8,
    pub key: &'a [u8],
    pub value: &'a [u8],
    /// Total size of the record in bytes.
    pub size: usize,
}

#[derive(Debug, PartialEq)]
pub struct Recovery {
    pub index: BTreeMap<Vec<u8>, u64>,
    pub valid_len: u64,
    pub torn: bool,
}

pub fn decode_at(log: &[u8], offset: u64) -> Option<Record<'_>> {
    let start = usize::try_from(offset).ok()?;
    let rec = log.get(start..)?;
    let header = rec.get(..HEADER)?;
    let stored = u32::from_le_bytes(header[0..4].try_into().ok()?);
    let kind = header[4];
    let key_len = u16::from_le_bytes(header[5..7].try_into().ok()?) as usize;
    let val_len = u32::from_le_bytes(header[7..11].try_into().ok()?) as usize;
    let size = HEADER.checked_add(key_len)?.checked_add(val_len)?;
    let body = rec.get(..size)?;
    if crc32(&body[4..]) != stored || !(kind == PUT || kind == DELETE) {
        return None;
    }
    Some(Record {
        kind,
        key: &body[HEADER..HEADER + key_len],
        value: &body[HEADER + key_len..],
        size,
    })
}

pub fn recover(log: &[u8]) -> Recovery {
    let mut index = BTreeMap::new();
    let mut offset = 0u64;
    while let Some(rec) = decode_at(log, offset) {
        if rec.kind == PUT {
            index.insert(rec.key.to_vec(), offset);
        } else {
            index.remove(rec.key);
        }
        offset += rec.size as u64;
    }
    Recovery {
        index,
        valid_len: offset,
        torn: offset < log.len() as u64,
    }
}

pub fn get(log: &[u8], index: &BTreeMap<Vec<u8>, u64>, key: &[u8]) -> Option<Vec<u8>> {
    let offset = *index.get(key)?;
    let rec = decode_at(log, offset)?;
    (rec.kind == PUT && rec.key == key).then(|| rec.value.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut log = Vec::new();
        append(&mut log, b"a", Some(b"1"));
        append(&mut log, b"b", Some(b"2"));
        append(&mut log, b"a", Some(b"3"));
        append(&mut log, b"b", None);
        append(&mut log, b"c", Some(b""));
        log
    }

    #[test]
    fn decodes_records() {
        let log = sample();
        let r = decode_at(&log, 0).unwrap();
        assert_eq!((r.kind, r.key, r.value, r.size), (PUT, &b"a"[..], &b"1"[..], 13));
        let del = decode_at(&log, 39).unwrap();
        assert_eq!((del.kind, del.key, del.value), (DELETE, &b"b"[..], &b""[..]));
        assert!(decode_at(&log, 1).is_none(), "not a record boundary");
        assert!(decode_at(&log, log.len() as u64).is_none());
        assert!(decode_at(&log, u64::MAX).is_none());
    }

    #[test]
    fn later_records_win_and_deletes_remove() {
        let log = sample();
        let r = recover(&log);
        assert_eq!(r.valid_len, log.len() as u64);
        assert!(!r.torn);
        assert_eq!(r.index.keys().cloned().collect::<Vec<_>>(), vec![b"a".to_vec(), b"c".to_vec()]);
        assert_eq!(get(&log, &r.index, b"a"), Some(b"3".to_vec()));
        assert_eq!(get(&log, &r.index, b"b"), None);
        assert_eq!(get(&log, &r.index, b"c"), Some(vec![]));
    }

    #[test]
    fn torn_tail_is_cut_off() {
        let mut log = sample();
        let good = log.len();
        append(&mut log, b"d", Some(b"lost in the crash"));
        for cut in good + 1..log.len() {
            let r = recover(&log[..cut]);
            assert_eq!(r.valid_len, good as u64, "cut at {cut}");
            assert!(r.torn);
            assert!(!r.index.contains_key(&b"d"[..]));
        }
    }

    #[test]
    fn corruption_stops_replay_at_the_bad_record() {
        let mut log = sample();
        log[13 + 11] ^= 0x40; // the key byte of the second record
        let r = recover(&log);
        assert_eq!(r.valid_len, 13);
        assert!(r.torn);
        assert_eq!(get(&log, &r.index, b"a"), Some(b"1".to_vec()), "only the first record survived");
        assert_eq!(recover(&[]), Recovery { index: BTreeMap::new(), valid_len: 0, torn: false });
    }
}
