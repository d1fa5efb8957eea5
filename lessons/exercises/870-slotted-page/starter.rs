pub const PAGE_SIZE: usize = 4096;
pub const MAX_RECORD: usize = 1024;
const HEADER: usize = 4;
const SLOT: usize = 4;

pub struct Page {
    data: Box<[u8; PAGE_SIZE]>,
}

impl Page {
    pub fn new() -> Self {
        todo!("an empty page of {} bytes with a {HEADER}-byte header and {SLOT}-byte slots", PAGE_SIZE)
    }

    pub fn from_bytes(bytes: [u8; PAGE_SIZE]) -> Self {
        Page { data: Box::new(bytes) }
    }

    pub fn as_bytes(&self) -> &[u8; PAGE_SIZE] {
        &self.data
    }

    pub fn free_space(&self) -> usize {
        todo!()
    }

    pub fn insert(&mut self, record: &[u8]) -> Option<u16> {
        todo!("insert {} bytes", record.len())
    }

    pub fn get(&self, slot: u16) -> Option<&[u8]> {
        todo!("slot {slot}")
    }

    pub fn delete(&mut self, slot: u16) -> bool {
        todo!("slot {slot}")
    }

    pub fn compact(&mut self) {
        todo!()
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_delete() {
        let mut p = Page::new();
        assert_eq!(p.free_space(), PAGE_SIZE - 4);
        let a = p.insert(b"alice,30").unwrap();
        let b = p.insert(b"bob,25").unwrap();
        assert_eq!((a, b), (0, 1));
        assert_eq!(p.get(a), Some(&b"alice,30"[..]));
        assert_eq!(p.get(b), Some(&b"bob,25"[..]));
        assert_eq!(p.free_space(), PAGE_SIZE - 4 - 2 * 4 - 8 - 6);
        assert!(p.delete(a));
        assert!(!p.delete(a));
        assert_eq!(p.get(a), None);
        assert_eq!(p.get(9), None);
        assert_eq!(p.insert(b""), None);
        assert_eq!(p.insert(&[1; MAX_RECORD + 1]), None);
    }

    #[test]
    fn deleted_slots_are_reused() {
        let mut p = Page::new();
        for r in [&b"one"[..], b"two", b"three"] {
            p.insert(r).unwrap();
        }
        p.delete(1);
        p.delete(0);
        assert_eq!(p.insert(b"new"), Some(0));
        assert_eq!(p.insert(b"newer"), Some(1));
        assert_eq!(p.insert(b"x"), Some(3));
        assert_eq!(p.get(2), Some(&b"three"[..]));
    }

    #[test]
    fn fills_up_then_compaction_reclaims_space() {
        let mut p = Page::new();
        let rec = [7u8; 100];
        let mut slots = Vec::new();
        while let Some(s) = p.insert(&rec) {
            slots.push(s);
        }
        assert_eq!(slots.len(), (PAGE_SIZE - 4) / 104);
        assert!(p.free_space() < 104);
        for s in slots.iter().step_by(2) {
            p.delete(*s);
        }
        assert_eq!(p.insert(&[1u8; 200]), None, "space is free but fragmented");
        let survivors: Vec<(u16, Vec<u8>)> = slots
            .iter()
            .filter_map(|&s| p.get(s).map(|r| (s, r.to_vec())))
            .collect();
        p.compact();
        for (s, r) in &survivors {
            assert_eq!(p.get(*s), Some(&r[..]), "slot ids survive compaction");
        }
        assert!(p.insert(&[1u8; 200]).is_some());
    }

    #[test]
    fn the_page_is_its_bytes() {
        let mut p = Page::new();
        p.insert(b"persist me").unwrap();
        p.insert(b"and me").unwrap();
        p.delete(0);
        let copy = Page::from_bytes(*p.as_bytes());
        assert_eq!(copy.get(0), None);
        assert_eq!(copy.get(1), Some(&b"and me"[..]));
        assert_eq!(copy.free_space(), p.free_space());
        assert_eq!(&p.as_bytes()[..2], &[2, 0], "count is stored little-endian at offset 0");
        assert_eq!(&Page::new().as_bytes()[..4], &[0, 0, 0x00, 0x10], "free_end = 4096 at offset 2");
    }
}
