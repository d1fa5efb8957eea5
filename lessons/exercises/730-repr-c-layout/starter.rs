use std::mem::{offset_of, size_of};

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RecordHeader {
    pub flags: u8,
    pub crc: u32,
    pub kind: u8,
    pub seq: u64,
    pub len: u16,
}

impl RecordHeader {
    pub fn encode(&self) -> [u8; 16] {
        let _ = (offset_of!(RecordHeader, seq), size_of::<RecordHeader>());
        todo!()
    }

    pub fn decode(bytes: &[u8; 16]) -> RecordHeader {
        todo!("{bytes:?}")
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        todo!()
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
