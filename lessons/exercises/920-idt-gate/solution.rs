#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GateKind {
    Interrupt,
    Trap,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    pub handler: u64,
    pub selector: u16,
    pub ist: u8,
    pub kind: GateKind,
    pub dpl: u8,
    pub present: bool,
}

#[derive(Debug, PartialEq)]
pub enum GateError {
    BadIst,
    BadDpl,
    BadType,
    ReservedBits,
}

impl Gate {
    pub fn encode(&self) -> Result<[u8; 16], GateError> {
        if self.ist > 7 {
            return Err(GateError::BadIst);
        }
        if self.dpl > 3 {
            return Err(GateError::BadDpl);
        }
        let kind = match self.kind {
            GateKind::Interrupt => 0xE,
            GateKind::Trap => 0xF,
        };
        let h = self.handler;
        let mut b = [0u8; 16];
        b[0..2].copy_from_slice(&(h as u16).to_le_bytes());
        b[2..4].copy_from_slice(&self.selector.to_le_bytes());
        b[4] = self.ist;
        b[5] = (self.present as u8) << 7 | self.dpl << 5 | kind;
        b[6..8].copy_from_slice(&((h >> 16) as u16).to_le_bytes());
        b[8..12].copy_from_slice(&((h >> 32) as u32).to_le_bytes());
        Ok(b)
    }

    pub fn decode(b: &[u8; 16]) -> Result<Gate, GateError> {
        if b[12..16] != [0; 4] || b[5] & 0x10 != 0 {
            return Err(GateError::ReservedBits);
        }
        if b[4] > 7 {
            return Err(GateError::BadIst);
        }
        let kind = match b[5] & 0x0F {
            0xE => GateKind::Interrupt,
            0xF => GateKind::Trap,
            _ => return Err(GateError::BadType),
        };
        let low = u16::from_le_bytes([b[0], b[1]]) as u64;
        let mid = u16::from_le_bytes([b[6], b[7]]) as u64;
        let high = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as u64;
        Ok(Gate {
            handler: low | mid << 16 | high << 32,
            selector: u16::from_le_bytes([b[2], b[3]]),
            ist: b[4],
            kind,
            dpl: (b[5] >> 5) & 0b11,
            present: b[5] & 0x80 != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_fault_gate() -> Gate {
        Gate {
            handler: 0xFFFF_8000_1234_5678,
            selector: 0x08,
            ist: 1,
            kind: GateKind::Interrupt,
            dpl: 0,
            present: true,
        }
    }

    #[test]
    fn known_encoding() {
        assert_eq!(
            page_fault_gate().encode(),
            Ok([0x78, 0x56, 0x08, 0x00, 0x01, 0x8E, 0x34, 0x12, 0x00, 0x80, 0xFF, 0xFF, 0, 0, 0, 0])
        );
        let syscall = Gate { handler: 0x1000, selector: 0x10, ist: 0, kind: GateKind::Trap, dpl: 3, present: true };
        assert_eq!(syscall.encode().unwrap()[..6], [0x00, 0x10, 0x10, 0x00, 0x00, 0xEF]);
        let absent = Gate { present: false, ..syscall };
        assert_eq!(absent.encode().unwrap()[5], 0x6F);
    }

    #[test]
    fn round_trips() {
        for handler in [0, 1, 0xFFFF, 0x1_0000, 0xDEAD_BEEF_CAFE_F00D, u64::MAX] {
            for (kind, dpl, ist) in [(GateKind::Interrupt, 0, 0), (GateKind::Trap, 3, 7), (GateKind::Interrupt, 2, 4)] {
                let g = Gate { handler, selector: 0x28, ist, kind, dpl, present: handler != 0 };
                assert_eq!(Gate::decode(&g.encode().unwrap()), Ok(g), "{g:?}");
            }
        }
    }

    #[test]
    fn rejects_out_of_range_fields() {
        let g = page_fault_gate();
        assert_eq!(Gate { ist: 8, ..g }.encode(), Err(GateError::BadIst));
        assert_eq!(Gate { dpl: 4, ..g }.encode(), Err(GateError::BadDpl));
    }

    #[test]
    fn rejects_malformed_descriptors() {
        let good = page_fault_gate().encode().unwrap();
        let with = |i: usize, v: u8| {
            let mut b = good;
            b[i] = v;
            b
        };
        assert_eq!(Gate::decode(&with(5, 0x8C)), Err(GateError::BadType), "0xC is a call gate");
        assert_eq!(Gate::decode(&with(5, 0x9E)), Err(GateError::ReservedBits));
        assert_eq!(Gate::decode(&with(13, 1)), Err(GateError::ReservedBits));
        assert_eq!(Gate::decode(&with(4, 0x09)), Err(GateError::BadIst));
        assert_eq!(Gate::decode(&[0; 16]), Err(GateError::BadType));
    }
}
