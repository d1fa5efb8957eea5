use std::collections::HashMap;

pub const PRESENT: u64 = 1 << 0;
pub const WRITABLE: u64 = 1 << 1;
pub const HUGE: u64 = 1 << 7;
pub const ADDR_MASK: u64 = 0x000F_FFFF_FFFF_F000;

/// Simulated physical memory: page tables keyed by their physical address.
#[derive(Default)]
pub struct Memory {
    pub tables: HashMap<u64, [u64; 512]>,
    next_free: u64,
}

impl Memory {
    /// Allocates a zeroed table and returns its physical address.
    pub fn new_table(&mut self) -> u64 {
        self.next_free += 0x1000;
        let addr = 0x10_0000 + self.next_free;
        self.tables.insert(addr, [0; 512]);
        addr
    }

    /// Maps the 4 KiB page containing `va` to the frame at `pa`, creating tables as needed.
    pub fn map_4k(&mut self, cr3: u64, va: u64, pa: u64, flags: u64) {
        let idx = indices(va);
        let mut table = cr3;
        for &i in &idx[..3] {
            let entry = self.tables[&table][i];
            table = if entry & PRESENT != 0 {
                entry & ADDR_MASK
            } else {
                let t = self.new_table();
                self.tables.get_mut(&table).unwrap()[i] = t | PRESENT | WRITABLE;
                t
            };
        }
        self.tables.get_mut(&table).unwrap()[idx[3]] = (pa & ADDR_MASK) | flags | PRESENT;
    }
}

#[derive(Debug, PartialEq)]
pub enum Fault {
    NonCanonical,
    NotPresent(u8),
    WriteProtected,
}

pub fn indices(va: u64) -> [usize; 4] {
    std::array::from_fn(|i| ((va >> (12 + 9 * (3 - i))) & 0x1FF) as usize)
}

pub fn offset(va: u64) -> u64 {
    va & 0xFFF
}

pub fn is_canonical(va: u64) -> bool {
    ((va as i64) << 16) >> 16 == va as i64
}

pub fn translate(mem: &Memory, cr3: u64, va: u64, write: bool) -> Result<u64, Fault> {
    if !is_canonical(va) {
        return Err(Fault::NonCanonical);
    }
    let idx = indices(va);
    let mut table = cr3 & ADDR_MASK;
    for (depth, &i) in idx.iter().enumerate() {
        let level = 4 - depth as u8;
        let entry = mem.tables.get(&table).map_or(0, |t| t[i]);
        if entry & PRESENT == 0 {
            return Err(Fault::NotPresent(level));
        }
        if write && entry & WRITABLE == 0 {
            return Err(Fault::WriteProtected);
        }
        if level == 2 && entry & HUGE != 0 {
            return Ok((entry & ADDR_MASK & !0x1F_FFFF) + (va & 0x1F_FFFF));
        }
        if level == 1 {
            return Ok((entry & ADDR_MASK) + offset(va));
        }
        table = entry & ADDR_MASK;
    }
    unreachable!("the loop returns at level 1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_addresses() {
        let va = 0x0000_7F12_3456_789A;
        assert_eq!(indices(va), [0xFE, 0x48, 0x1A2, 0x167]);
        assert_eq!(offset(va), 0x89A);
        assert_eq!(indices(0), [0, 0, 0, 0]);
        assert_eq!(indices(0xFFFF_FFFF_FFFF_FFFF), [511; 4]);
        assert_eq!(indices(1 << 39), [1, 0, 0, 0]);
    }

    #[test]
    fn canonical_addresses() {
        assert!(is_canonical(0));
        assert!(is_canonical(0x0000_7FFF_FFFF_FFFF));
        assert!(is_canonical(0xFFFF_8000_0000_0000));
        assert!(is_canonical(u64::MAX));
        assert!(!is_canonical(0x0000_8000_0000_0000));
        assert!(!is_canonical(0xFFFF_7FFF_FFFF_FFFF));
        assert!(!is_canonical(0x0001_0000_0000_0000));
    }

    #[test]
    fn translates_4k_pages() {
        let mut mem = Memory::default();
        let cr3 = mem.new_table();
        mem.map_4k(cr3, 0x40_0000, 0xABC_D000, WRITABLE);
        mem.map_4k(cr3, 0xFFFF_8000_0000_1000, 0x2000, 0);
        assert_eq!(translate(&mem, cr3, 0x40_0123, false), Ok(0xABC_D123));
        assert_eq!(translate(&mem, cr3, 0x40_0FFF, true), Ok(0xABC_DFFF));
        assert_eq!(translate(&mem, cr3, 0xFFFF_8000_0000_1008, false), Ok(0x2008));
        assert_eq!(translate(&mem, cr3, 0xFFFF_8000_0000_1008, true), Err(Fault::WriteProtected));
    }

    #[test]
    fn faults_name_the_level() {
        let mut mem = Memory::default();
        let cr3 = mem.new_table();
        mem.map_4k(cr3, 0x40_0000, 0x5000, WRITABLE);
        assert_eq!(translate(&mem, cr3, 0x40_1000, false), Err(Fault::NotPresent(1)));
        assert_eq!(translate(&mem, cr3, 0x60_0000, false), Err(Fault::NotPresent(2)));
        assert_eq!(translate(&mem, cr3, 0x4000_0000, false), Err(Fault::NotPresent(3)));
        assert_eq!(translate(&mem, cr3, 1 << 39, false), Err(Fault::NotPresent(4)));
        assert_eq!(translate(&mem, cr3, 0x0000_8000_0000_0000, false), Err(Fault::NonCanonical));
    }

    #[test]
    fn huge_2mib_pages_and_read_only_parents() {
        let mut mem = Memory::default();
        let cr3 = mem.new_table();
        mem.map_4k(cr3, 0x40_0000, 0x5000, WRITABLE);
        // Turn the PD entry for 0x60_0000 into a 2 MiB page at 0x4000_0000.
        let pdpt = mem.tables[&cr3][0] & ADDR_MASK;
        let pd = mem.tables[&pdpt][0] & ADDR_MASK;
        mem.tables.get_mut(&pd).unwrap()[3] = 0x4000_0000 | PRESENT | WRITABLE | HUGE;
        assert_eq!(translate(&mem, cr3, 0x60_0000, true), Ok(0x4000_0000));
        assert_eq!(translate(&mem, cr3, 0x7F_FFFF, false), Ok(0x401F_FFFF));
        // Clearing WRITABLE in the PML4 entry protects everything below it.
        mem.tables.get_mut(&cr3).unwrap()[0] &= !WRITABLE;
        assert_eq!(translate(&mem, cr3, 0x40_0010, true), Err(Fault::WriteProtected));
        assert_eq!(translate(&mem, cr3, 0x40_0010, false), Ok(0x5010));
    }
}
