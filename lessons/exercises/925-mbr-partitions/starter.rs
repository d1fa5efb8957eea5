#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Partition {
    pub bootable: bool,
    pub kind: u8,
    pub first_lba: u32,
    pub sectors: u32,
}

impl Partition {
    pub fn end_lba(&self) -> u64 {
        todo!()
    }
}

#[derive(Debug, PartialEq)]
pub enum MbrError {
    NoSignature,
    BadStatus(usize),
    Empty(usize),
    TwoBootable,
    Overlap,
}

pub fn parse_mbr(sector: &[u8; 512]) -> Result<Vec<Partition>, MbrError> {
    todo!("{} bytes", sector.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: u8, kind: u8, first: u32, sectors: u32) -> [u8; 16] {
        let mut e = [0u8; 16];
        e[0] = status;
        e[4] = kind;
        e[8..12].copy_from_slice(&first.to_le_bytes());
        e[12..16].copy_from_slice(&sectors.to_le_bytes());
        e
    }

    fn disk(entries: &[[u8; 16]]) -> [u8; 512] {
        let mut s = [0u8; 512];
        s[0] = 0xEB; // some boot code
        for (i, e) in entries.iter().enumerate() {
            s[446 + 16 * i..446 + 16 * (i + 1)].copy_from_slice(e);
        }
        s[510] = 0x55;
        s[511] = 0xAA;
        s
    }

    #[test]
    fn reads_used_entries_in_order() {
        let d = disk(&[entry(0x80, 0x83, 2048, 204_800), [0; 16], entry(0, 0x82, 206_848, 4096)]);
        let parts = parse_mbr(&d).unwrap();
        assert_eq!(
            parts,
            vec![
                Partition { bootable: true, kind: 0x83, first_lba: 2048, sectors: 204_800 },
                Partition { bootable: false, kind: 0x82, first_lba: 206_848, sectors: 4096 },
            ]
        );
        assert_eq!(parts[0].end_lba(), 206_848);
        assert_eq!(parse_mbr(&disk(&[])).unwrap(), vec![]);
    }

    #[test]
    fn end_lba_does_not_overflow() {
        let p = Partition { bootable: false, kind: 0x83, first_lba: u32::MAX, sectors: u32::MAX };
        assert_eq!(p.end_lba(), 2 * u32::MAX as u64);
        let d = disk(&[entry(0, 0x83, u32::MAX - 1, u32::MAX)]);
        assert_eq!(parse_mbr(&d).unwrap().len(), 1);
    }

    #[test]
    fn rejects_broken_tables() {
        let mut no_sig = disk(&[]);
        no_sig[511] = 0;
        assert_eq!(parse_mbr(&no_sig), Err(MbrError::NoSignature));
        assert_eq!(parse_mbr(&disk(&[[0; 16], entry(0x81, 0x83, 1, 1)])), Err(MbrError::BadStatus(1)));
        assert_eq!(parse_mbr(&disk(&[entry(0, 0x83, 10, 0)])), Err(MbrError::Empty(0)));
        assert_eq!(
            parse_mbr(&disk(&[entry(0x80, 0x83, 10, 5), entry(0x80, 0x83, 20, 5)])),
            Err(MbrError::TwoBootable)
        );
        assert_eq!(
            parse_mbr(&disk(&[entry(0, 0x83, 100, 50), entry(0, 0x07, 10, 91)])),
            Err(MbrError::Overlap),
            "10..101 overlaps 100..150"
        );
        assert!(parse_mbr(&disk(&[entry(0, 0x83, 100, 50), entry(0, 0x07, 10, 90)])).is_ok(), "10..100 touches, does not overlap");
    }
}
