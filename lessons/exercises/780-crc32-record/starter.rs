pub const MAX_PAYLOAD: usize = 1 << 20;

#[derive(Debug, PartialEq)]
pub enum RecordError {
    Incomplete,
    TooLarge,
    Corrupt,
}

pub fn crc32(bytes: &[u8]) -> u32 {
    todo!("CRC-32 of {} bytes", bytes.len())
}

pub fn encode(payload: &[u8], out: &mut Vec<u8>) {
    todo!("append a record of {} bytes to {} bytes", payload.len(), out.len())
}

pub fn decode(buf: &[u8]) -> Result<(&[u8], usize), RecordError> {
    todo!("decode {} bytes", buf.len())
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
