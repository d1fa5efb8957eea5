pub const MAX_PAYLOAD: usize = 1 << 20;

#[derive(Debug, PartialEq)]
pub enum RecordError {
    Incomplete,
    TooLarge,
    Corrupt,
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub fn encode(payload: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    let crc = crc32(&out[start + 4..]);
    out[start..start + 4].copy_from_slice(&crc.to_le_bytes());
}

pub fn decode(buf: &[u8]) -> Result<(&[u8], usize), RecordError> {
    if buf.len() < 8 {
        return Err(RecordError::Incomplete);
    }
    let stored = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
    let len = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
    if len > MAX_PAYLOAD {
        return Err(RecordError::TooLarge);
    }
    let end = 8 + len;
    if buf.len() < end {
        return Err(RecordError::Incomplete);
    }
    if crc32(&buf[4..end]) != stored {
        return Err(RecordError::Corrupt);
    }
    Ok((&buf[8..end], end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_test_vectors() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    #[test]
    fn round_trip_several_records() {
        let mut log = Vec::new();
        encode(b"set a 1", &mut log);
        encode(b"", &mut log);
        encode(&[0xFF; 300], &mut log);
        let (p, n) = decode(&log).unwrap();
        assert_eq!((p, n), (&b"set a 1"[..], 15));
        let (p, n2) = decode(&log[n..]).unwrap();
        assert_eq!((p.len(), n2), (0, 8));
        let (p, n3) = decode(&log[n + n2..]).unwrap();
        assert_eq!(p, &[0xFF; 300][..]);
        assert_eq!(n + n2 + n3, log.len());
    }

    #[test]
    fn torn_records_are_incomplete() {
        let mut log = Vec::new();
        encode(b"hello world", &mut log);
        for cut in 0..log.len() {
            assert_eq!(decode(&log[..cut]), Err(RecordError::Incomplete), "cut at {cut}");
        }
    }

    #[test]
    fn every_flipped_bit_is_caught() {
        let mut log = Vec::new();
        encode(b"important", &mut log);
        for byte in 0..log.len() {
            for bit in 0..8 {
                let mut bad = log.clone();
                bad[byte] ^= 1 << bit;
                assert!(decode(&bad).is_err(), "flip byte {byte} bit {bit}");
            }
        }
    }

    #[test]
    fn absurd_length_is_rejected_early() {
        let mut buf = vec![0, 0, 0, 0];
        buf.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&buf), Err(RecordError::TooLarge));
    }
}
