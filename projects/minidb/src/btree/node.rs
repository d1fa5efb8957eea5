//! Node pages. Both kinds share a 9-byte header and a slotted layout: an
//! array of 2-byte cell offsets grows up from the header while the cells grow
//! down from the checksum at the end of the page.
//!
//! ```text
//! 0      kind (1 interior, 2 leaf)
//! 1..3   cell count
//! 3..5   offset of the lowest cell
//! 5..9   interior: rightmost child; leaf: next leaf to the right (0 = none)
//! 9..    cell offsets, 2 bytes each, in key order
//! leaf cell:     key len u16, key, tag u8 (0 inline: len u16, bytes;
//!                                          1 overflow: total len u32, first page u32)
//! interior cell: child u32, key len u16, key  (the child holds keys < key)
//! ```

use std::cmp::Ordering;

use crate::error::{Error, Result};
use crate::storage::page::{USABLE, kind};
use crate::storage::{Page, PageId};

pub const HEADER: usize = 9;
/// Largest key accepted; larger index keys are refused with an error.
pub const MAX_KEY: usize = 256;
/// Values longer than this go to overflow pages.
pub const MAX_INLINE: usize = 900;
/// Room for cells and their offsets.
pub const CAPACITY: usize = USABLE - HEADER;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeafValue {
    Inline(Vec<u8>),
    Overflow { len: u32, first: PageId },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Leaf {
        entries: Vec<(Vec<u8>, LeafValue)>,
        next: PageId,
    },
    /// `children.len() == keys.len() + 1`; child i holds keys < keys[i],
    /// the last child keys >= the last key.
    Interior {
        keys: Vec<Vec<u8>>,
        children: Vec<PageId>,
    },
}

pub fn leaf_cell_size(key: &[u8], value: &LeafValue) -> usize {
    2 + key.len()
        + 1
        + match value {
            LeafValue::Inline(v) => 2 + v.len(),
            LeafValue::Overflow { .. } => 8,
        }
}

pub fn interior_cell_size(key: &[u8]) -> usize {
    4 + 2 + key.len()
}

fn write_leaf_cell(page: &mut Page, mut at: usize, k: &[u8], v: &LeafValue) {
    page.put_u16(at, k.len() as u16);
    at += 2;
    page.0[at..at + k.len()].copy_from_slice(k);
    at += k.len();
    match v {
        LeafValue::Inline(bytes) => {
            page.0[at] = 0;
            page.put_u16(at + 1, bytes.len() as u16);
            page.0[at + 3..at + 3 + bytes.len()].copy_from_slice(bytes);
        }
        LeafValue::Overflow { len, first } => {
            page.0[at] = 1;
            page.put_u32(at + 1, *len);
            page.put_u32(at + 5, *first);
        }
    }
}

/// Inserts a cell at position `idx` of a leaf without rebuilding it. The
/// caller has checked `View::free_contiguous` (cell size + 2 bytes).
pub fn leaf_insert_in_place(page: &mut Page, idx: usize, key: &[u8], value: &LeafValue) {
    let count = page.u16_at(1) as usize;
    let low = page.u16_at(3) as usize;
    let at = low - leaf_cell_size(key, value);
    write_leaf_cell(page, at, key, value);
    page.0
        .copy_within(HEADER + 2 * idx..HEADER + 2 * count, HEADER + 2 * idx + 2);
    page.put_u16(HEADER + 2 * idx, at as u16);
    page.put_u16(1, (count + 1) as u16);
    page.put_u16(3, at as u16);
}

/// Removes cell `idx` from a leaf by dropping its offset; the cell's bytes
/// stay as a hole until the page is next rebuilt.
pub fn leaf_remove_in_place(page: &mut Page, idx: usize) {
    let count = page.u16_at(1) as usize;
    page.0
        .copy_within(HEADER + 2 * idx + 2..HEADER + 2 * count, HEADER + 2 * idx);
    page.put_u16(1, (count - 1) as u16);
}

impl Node {
    /// Bytes the node needs on a page (cells plus their offsets).
    pub fn size(&self) -> usize {
        match self {
            Node::Leaf { entries, .. } => {
                entries.iter().map(|(k, v)| 2 + leaf_cell_size(k, v)).sum()
            }
            Node::Interior { keys, .. } => keys.iter().map(|k| 2 + interior_cell_size(k)).sum(),
        }
    }

    pub fn fits(&self) -> bool {
        self.size() <= CAPACITY
    }

    pub fn encode(&self) -> Page {
        let mut page = Page::zeroed();
        let mut top = USABLE;
        let (count, right) = match self {
            Node::Leaf { entries, next } => {
                page.0[0] = kind::LEAF;
                for (i, (k, v)) in entries.iter().enumerate() {
                    top -= leaf_cell_size(k, v);
                    write_leaf_cell(&mut page, top, k, v);
                    page.put_u16(HEADER + 2 * i, top as u16);
                }
                (entries.len(), *next)
            }
            Node::Interior { keys, children } => {
                page.0[0] = kind::INTERIOR;
                for (i, k) in keys.iter().enumerate() {
                    top -= interior_cell_size(k);
                    page.put_u32(top, children[i]);
                    page.put_u16(top + 4, k.len() as u16);
                    page.0[top + 6..top + 6 + k.len()].copy_from_slice(k);
                    page.put_u16(HEADER + 2 * i, top as u16);
                }
                (keys.len(), children.last().copied().unwrap_or(0))
            }
        };
        page.put_u16(1, count as u16);
        page.put_u16(3, top as u16);
        page.put_u32(5, right);
        page
    }

    pub fn decode(page: &Page, id: PageId) -> Result<Node> {
        let view = View::new(page, id)?;
        if view.is_leaf() {
            let mut entries = Vec::with_capacity(view.count());
            for i in 0..view.count() {
                entries.push((view.key(i)?.to_vec(), view.leaf_value(i)?));
            }
            Ok(Node::Leaf {
                entries,
                next: view.right(),
            })
        } else {
            let mut keys = Vec::with_capacity(view.count());
            let mut children = Vec::with_capacity(view.count() + 1);
            for i in 0..view.count() {
                keys.push(view.key(i)?.to_vec());
                children.push(view.child(i)?);
            }
            children.push(view.right());
            Ok(Node::Interior { keys, children })
        }
    }
}

/// Reads a node page in place, checking every offset against the page.
pub struct View<'a> {
    page: &'a Page,
    id: PageId,
    count: usize,
}

fn damaged(id: PageId, what: &str) -> Error {
    Error::Corrupt(format!("B+tree page {id}: {what}"))
}

impl<'a> View<'a> {
    pub fn new(page: &'a Page, id: PageId) -> Result<View<'a>> {
        let k = page.0[0];
        if k != kind::LEAF && k != kind::INTERIOR {
            return Err(damaged(id, &format!("kind byte {k} is not a tree node")));
        }
        let count = page.u16_at(1) as usize;
        let low = page.u16_at(3) as usize;
        if HEADER + 2 * count > USABLE || low < HEADER + 2 * count || low > USABLE {
            return Err(damaged(id, "cell count or cell area out of range"));
        }
        Ok(View { page, id, count })
    }
    /// Free bytes between the offset array and the lowest cell.
    pub fn free_contiguous(&self) -> usize {
        self.page.u16_at(3) as usize - (HEADER + 2 * self.count)
    }
    /// Bytes the live cells and their offsets use (what `Node::size` says
    /// after a decode), without decoding.
    pub fn used_bytes(&self) -> Result<usize> {
        let mut used = 0;
        for i in 0..self.count {
            let at = self.cell(i)?;
            used += 2 + if self.is_leaf() {
                let klen = self.u16(at)?;
                let tag_at = at + 2 + klen;
                2 + klen
                    + 1
                    + match self.slice(tag_at, 1)?[0] {
                        0 => 2 + self.u16(tag_at + 1)?,
                        _ => 8,
                    }
            } else {
                6 + self.u16(at + 4)?
            };
        }
        Ok(used)
    }
    pub fn is_leaf(&self) -> bool {
        self.page.0[0] == kind::LEAF
    }
    pub fn count(&self) -> usize {
        self.count
    }
    pub fn right(&self) -> PageId {
        self.page.u32_at(5)
    }
    fn cell(&self, i: usize) -> Result<usize> {
        let off = self.page.u16_at(HEADER + 2 * i) as usize;
        if off < HEADER + 2 * self.count || off >= USABLE {
            return Err(damaged(self.id, "cell offset out of range"));
        }
        Ok(off)
    }
    fn slice(&self, at: usize, len: usize) -> Result<&'a [u8]> {
        self.page
            .0
            .get(at..at + len)
            .filter(|_| at + len <= USABLE)
            .ok_or_else(|| damaged(self.id, "cell runs past the page"))
    }
    fn u16(&self, at: usize) -> Result<usize> {
        let b = self.slice(at, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]) as usize)
    }
    fn u32(&self, at: usize) -> Result<u32> {
        let b = self.slice(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn key(&self, i: usize) -> Result<&'a [u8]> {
        let at = self.cell(i)?;
        if self.is_leaf() {
            let len = self.u16(at)?;
            self.slice(at + 2, len)
        } else {
            let len = self.u16(at + 4)?;
            self.slice(at + 6, len)
        }
    }
    pub fn child(&self, i: usize) -> Result<PageId> {
        if i == self.count {
            return Ok(self.right());
        }
        let at = self.cell(i)?;
        self.u32(at)
    }
    /// The value of leaf cell `i` if it is stored inline.
    pub fn inline_value(&self, i: usize) -> Result<Option<&'a [u8]>> {
        let at = self.cell(i)?;
        let klen = self.u16(at)?;
        let at = at + 2 + klen;
        if self.slice(at, 1)?[0] != 0 {
            return Ok(None);
        }
        let len = self.u16(at + 1)?;
        self.slice(at + 3, len).map(Some)
    }
    pub fn leaf_value(&self, i: usize) -> Result<LeafValue> {
        let at = self.cell(i)?;
        let klen = self.u16(at)?;
        let at = at + 2 + klen;
        match self.slice(at, 1)?[0] {
            0 => {
                let len = self.u16(at + 1)?;
                Ok(LeafValue::Inline(self.slice(at + 3, len)?.to_vec()))
            }
            1 => Ok(LeafValue::Overflow {
                len: self.u32(at + 1)?,
                first: self.u32(at + 5)?,
            }),
            t => Err(damaged(self.id, &format!("unknown value tag {t}"))),
        }
    }
    /// First index whose key is >= `key` (or > `key` when `after`).
    pub fn lower_bound(&self, key: &[u8], after: bool) -> Result<usize> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let ord = self.key(mid)?.cmp(key);
            let go_right = ord == Ordering::Less || (after && ord == Ordering::Equal);
            if go_right {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }
    /// The child to descend into for `key`: the first whose separator is > key.
    pub fn child_for(&self, key: &[u8]) -> Result<PageId> {
        let i = self.lower_bound(key, true)?;
        self.child(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_and_interior_round_trip() {
        let leaf = Node::Leaf {
            entries: vec![
                (b"a".to_vec(), LeafValue::Inline(b"one".to_vec())),
                (
                    b"b".to_vec(),
                    LeafValue::Overflow {
                        len: 5000,
                        first: 7,
                    },
                ),
            ],
            next: 12,
        };
        assert_eq!(Node::decode(&leaf.encode(), 3).unwrap(), leaf);
        let interior = Node::Interior {
            keys: vec![b"k".to_vec(), b"m".to_vec()],
            children: vec![4, 5, 6],
        };
        let page = interior.encode();
        assert_eq!(Node::decode(&page, 3).unwrap(), interior);
        let v = View::new(&page, 3).unwrap();
        assert_eq!(v.child_for(b"a").unwrap(), 4);
        assert_eq!(v.child_for(b"k").unwrap(), 5);
        assert_eq!(v.child_for(b"z").unwrap(), 6);
    }

    #[test]
    fn in_place_changes_match_a_rebuild() {
        let mut entries: Vec<(Vec<u8>, LeafValue)> = (0..10u8)
            .map(|i| (vec![i * 2], LeafValue::Inline(vec![i; i as usize])))
            .collect();
        let mut page = Node::Leaf {
            entries: entries.clone(),
            next: 0,
        }
        .encode();
        leaf_insert_in_place(&mut page, 3, &[5], &LeafValue::Inline(b"five".to_vec()));
        entries.insert(3, (vec![5], LeafValue::Inline(b"five".to_vec())));
        leaf_remove_in_place(&mut page, 0);
        entries.remove(0);
        let want = Node::Leaf { entries, next: 0 };
        assert_eq!(Node::decode(&page, 1).unwrap(), want);
        assert_eq!(
            View::new(&page, 1).unwrap().used_bytes().unwrap(),
            want.size()
        );
    }

    proptest::proptest! {
        #[test]
        fn random_pages_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), USABLE), leaf in proptest::prelude::any::<bool>(), count in 0u16..300) {
            let mut page = Page::zeroed();
            page.0[..USABLE].copy_from_slice(&bytes);
            page.0[0] = if leaf { kind::LEAF } else { kind::INTERIOR };
            page.put_u16(1, count);
            let _ = Node::decode(&page, 5);
            if let Ok(v) = View::new(&page, 5) {
                let _ = v.used_bytes();
                let _ = v.lower_bound(b"key", false);
                let _ = v.child_for(b"key");
                for i in 0..v.count() {
                    let _ = v.key(i);
                    let _ = v.inline_value(i);
                }
            }
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut page = Page::zeroed();
        page.0[0] = kind::LEAF;
        page.put_u16(1, 3);
        page.put_u16(HEADER, 4000);
        page.put_u16(4000, 500);
        assert!(Node::decode(&page, 9).is_err());
        page.0[0] = 77;
        assert!(View::new(&page, 9).is_err());
    }
}
