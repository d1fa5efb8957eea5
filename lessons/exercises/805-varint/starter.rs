#[derive(Debug, PartialEq)]
pub enum VarintError {
    Incomplete,
    Overflow,
}

pub fn encode_u64(v: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(&v.to_le_bytes()); // fixed width: not a varint
}

pub fn decode_u64(buf: &[u8]) -> Result<(u64, usize), VarintError> {
    todo!("decode {buf:?}")
}

pub fn zigzag(n: i64) -> u64 {
    n as u64
}

pub fn unzigzag(u: u64) -> i64 {
    u as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        encode_u64(v, &mut out);
        out
    }

    #[test]
    fn known_encodings() {
        assert_eq!(enc(0), vec![0]);
        assert_eq!(enc(1), vec![1]);
        assert_eq!(enc(127), vec![0x7F]);
        assert_eq!(enc(128), vec![0x80, 0x01]);
        assert_eq!(enc(300), vec![0xAC, 0x02]);
        assert_eq!(enc(u64::MAX).len(), 10);
        assert_eq!(*enc(u64::MAX).last().unwrap(), 1);
    }

    #[test]
    fn round_trips_and_reports_length() {
        for v in [0, 1, 127, 128, 16_383, 16_384, 1 << 35, u64::MAX - 1, u64::MAX] {
            let mut bytes = enc(v);
            let n = bytes.len();
            bytes.extend_from_slice(&[0xAA, 0xBB]); // trailing data is not consumed
            assert_eq!(decode_u64(&bytes), Ok((v, n)), "value {v}");
        }
    }

    #[test]
    fn bad_input() {
        assert_eq!(decode_u64(&[]), Err(VarintError::Incomplete));
        assert_eq!(decode_u64(&[0x80, 0x80]), Err(VarintError::Incomplete));
        assert_eq!(decode_u64(&[0xFF; 10]), Err(VarintError::Overflow));
        assert_eq!(decode_u64(&[0xFF; 64]), Err(VarintError::Overflow));
        let mut eleven = vec![0x80; 10];
        eleven.push(0x01);
        assert_eq!(decode_u64(&eleven), Err(VarintError::Overflow));
    }

    #[test]
    fn zigzag_keeps_small_negatives_small() {
        let pairs = [(0i64, 0u64), (-1, 1), (1, 2), (-2, 3), (2, 4), (i64::MAX, u64::MAX - 1), (i64::MIN, u64::MAX)];
        for (n, u) in pairs {
            assert_eq!(zigzag(n), u, "zigzag({n})");
            assert_eq!(unzigzag(u), n, "unzigzag({u})");
        }
        assert_eq!(enc(zigzag(-3)).len(), 1);
    }
}
