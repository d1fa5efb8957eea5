use std::mem::{offset_of, size_of};

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RecordHeader {
    pub seq: u64,
    pub crc: u32,
    pub len: u16,
    pub flags: u8,
    pub kind: u8,
}

// No padding: the size is exactly the sum of the field sizes.
const _: () = assert!(size_of::<RecordHeader>() == 8 + 4 + 2 + 1 + 1);

impl RecordHeader {
    pub fn encode(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        let mut put = |at: usize, bytes: &[u8]| out[at..at + bytes.len()].copy_from_slice(bytes);
        put(offset_of!(RecordHeader, seq), &self.seq.to_le_bytes());
        put(offset_of!(RecordHeader, crc), &self.crc.to_le_bytes());
        put(offset_of!(RecordHeader, len), &self.len.to_le_bytes());
        put(offset_of!(RecordHeader, flags), &[self.flags]);
        put(offset_of!(RecordHeader, kind), &[self.kind]);
        out
    }

    pub fn decode(b: &[u8; 16]) -> RecordHeader {
        RecordHeader {
            seq: u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
            crc: u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
            len: u16::from_le_bytes([b[12], b[13]]),
            flags: b[14],
            kind: b[15],
        }
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        // SAFETY: RecordHeader is repr(C), 16 bytes, and has no padding (the
        // const assert above), so all 16 bytes are initialized integer bytes;
        // [u8; 16] has alignment 1, so the cast pointer is aligned; the
        // returned reference borrows self and is read-only.
        unsafe { &*(self as *const Self).cast::<[u8; 16]>() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::align_of;

    fn sample() -> RecordHeader {
        RecordHeader { seq: 0x0102_0304_0506_0708, crc: 0xAABB_CCDD, len: 0x1234, flags: 0x80, kind: 2 }
    }

    #[test]
    fn layout_matches_the_disk_format() {
        assert_eq!(size_of::<RecordHeader>(), 16);
        assert_eq!(align_of::<RecordHeader>(), 8);
        assert_eq!(offset_of!(RecordHeader, seq), 0);
        assert_eq!(offset_of!(RecordHeader, crc), 8);
        assert_eq!(offset_of!(RecordHeader, len), 12);
        assert_eq!(offset_of!(RecordHeader, flags), 14);
        assert_eq!(offset_of!(RecordHeader, kind), 15);
    }

    #[test]
    fn encode_is_little_endian_and_round_trips() {
        let h = sample();
        let b = h.encode();
        assert_eq!(b, [8, 7, 6, 5, 4, 3, 2, 1, 0xDD, 0xCC, 0xBB, 0xAA, 0x34, 0x12, 0x80, 2]);
        assert_eq!(RecordHeader::decode(&b), h);
        assert_eq!(RecordHeader::decode(&[0; 16]), RecordHeader::default());
    }

    #[test]
    fn zero_copy_view() {
        let h = sample();
        let v = h.as_bytes();
        assert_eq!(v.as_ptr() as usize, &h as *const RecordHeader as usize, "no copy");
        assert_eq!(v[0..8], h.seq.to_ne_bytes());
        assert_eq!(v[8..12], h.crc.to_ne_bytes());
        assert_eq!(v[12..14], h.len.to_ne_bytes());
        assert_eq!((v[14], v[15]), (0x80, 2));
        if cfg!(target_endian = "little") {
            assert_eq!(*v, h.encode());
        }
    }
}
