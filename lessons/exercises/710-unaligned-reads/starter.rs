use std::ptr;

pub fn read_u32_le(buf: &[u8], off: usize) -> Option<u32> {
    let _ = ptr::null::<u32>();
    todo!("read at {off} of {}", buf.len())
}

pub fn write_u32_le(buf: &mut [u8], off: usize, v: u32) -> bool {
    todo!("write {v} at {off} of {}", buf.len())
}

pub fn as_u32_words(bytes: &[u8]) -> Option<&[u32]> {
    todo!("view {} bytes as words", bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(align(4))]
    struct Aligned([u8; 12]);

    #[test]
    fn reads_at_any_offset() {
        let buf = [0xAA, 0x78, 0x56, 0x34, 0x12, 0xBB];
        assert_eq!(read_u32_le(&buf, 1), Some(0x1234_5678));
        assert_eq!(read_u32_le(&buf, 0), Some(0x3456_78AA));
        assert_eq!(read_u32_le(&buf, 2), Some(0xBB12_3456));
        assert_eq!(read_u32_le(&buf, 3), None);
        assert_eq!(read_u32_le(&buf, usize::MAX - 1), None);
        assert_eq!(read_u32_le(&[], 0), None);
    }

    #[test]
    fn writes_round_trip() {
        let mut buf = [0u8; 7];
        assert!(write_u32_le(&mut buf, 3, 0xDEAD_BEEF));
        assert_eq!(buf, [0, 0, 0, 0xEF, 0xBE, 0xAD, 0xDE]);
        assert_eq!(read_u32_le(&buf, 3), Some(0xDEAD_BEEF));
        assert!(!write_u32_le(&mut buf, 4, 1));
        assert!(!write_u32_le(&mut buf, usize::MAX, 1));
        assert_eq!(buf[4..], [0xBE, 0xAD, 0xDE]);
    }

    #[test]
    fn word_view_needs_alignment_and_whole_words() {
        let mut a = Aligned([0; 12]);
        a.0[..4].copy_from_slice(&7u32.to_ne_bytes());
        a.0[8..].copy_from_slice(&9u32.to_ne_bytes());
        let words = as_u32_words(&a.0).expect("aligned, 3 whole words");
        assert_eq!(words, &[7, 0, 9]);
        assert_eq!(words.as_ptr() as usize, a.0.as_ptr() as usize, "no copy");
        assert!(as_u32_words(&a.0[1..5]).is_none(), "misaligned start");
        assert!(as_u32_words(&a.0[..6]).is_none(), "not a whole number of words");
        assert_eq!(as_u32_words(&a.0[..0]), Some(&[][..]));
    }
}
