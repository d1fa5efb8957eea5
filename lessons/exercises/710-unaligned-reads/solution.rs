use std::ptr;

fn fits(len: usize, off: usize) -> bool {
    off.checked_add(4).is_some_and(|end| end <= len)
}

pub fn read_u32_le(buf: &[u8], off: usize) -> Option<u32> {
    if !fits(buf.len(), off) {
        return None;
    }
    // SAFETY: off + 4 <= buf.len(), so the 4 bytes at off are in bounds and
    // initialized; read_unaligned has no alignment requirement, and any 4
    // bytes are a valid u32.
    let raw = unsafe { ptr::read_unaligned(buf.as_ptr().add(off).cast::<u32>()) };
    Some(u32::from_le(raw))
}

pub fn write_u32_le(buf: &mut [u8], off: usize, v: u32) -> bool {
    if !fits(buf.len(), off) {
        return false;
    }
    // SAFETY: off + 4 <= buf.len() and buf is borrowed mutably, so we may
    // write these 4 bytes; write_unaligned has no alignment requirement.
    unsafe { ptr::write_unaligned(buf.as_mut_ptr().add(off).cast::<u32>(), v.to_le()) };
    true
}

pub fn as_u32_words(bytes: &[u8]) -> Option<&[u32]> {
    let p = bytes.as_ptr().cast::<u32>();
    if !p.is_aligned() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    // SAFETY: p is aligned for u32 and points to bytes.len() initialized
    // bytes, i.e. exactly bytes.len() / 4 u32s; every bit pattern is a valid
    // u32; the returned slice borrows `bytes` (same lifetime, shared only), so
    // the memory stays valid and is not mutated while the view lives.
    Some(unsafe { std::slice::from_raw_parts(p, bytes.len() / 4) })
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
