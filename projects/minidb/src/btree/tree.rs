//! B+tree operations. The root page never moves (the catalog points at it):
//! when the root splits, its content moves to a new page and the root becomes
//! an interior node above the two halves; when an interior root is left with
//! a single child, that child's content is pulled up into the root.
//!
//! Changes decode a node, change it, and encode it again; searches read the
//! page in place. After a delete, a node that is under a quarter full is
//! merged with a sibling when the two fit in one page, and otherwise evens
//! out with that sibling (the entries of both are split again down the middle).

use std::ops::Bound;
use std::sync::Arc;

use super::node::{self, CAPACITY, LeafValue, MAX_INLINE, MAX_KEY, Node, View};
use super::overflow;
use crate::error::{Error, Result};
use crate::storage::{Page, PageId, Pager};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BTree {
    pub root: PageId,
}

/// The smallest key greater than every key that starts with `prefix`.
pub fn prefix_end(prefix: &[u8]) -> Bound<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Bound::Excluded(end);
        }
    }
    Bound::Unbounded
}

fn resolve(pager: &Pager, value: LeafValue) -> Result<Vec<u8>> {
    match value {
        LeafValue::Inline(v) => Ok(v),
        LeafValue::Overflow { len, first } => overflow::read(pager, first, len),
    }
}

fn release(pager: &Pager, value: &LeafValue) -> Result<()> {
    match value {
        LeafValue::Inline(_) => Ok(()),
        LeafValue::Overflow { len, first } => overflow::free(pager, *first, *len),
    }
}

/// Index at which to split `sizes` so the larger half is as small as possible.
fn balanced_split(sizes: &[usize], keep_middle: bool) -> usize {
    let total: usize = sizes.iter().sum();
    let mut best = (usize::MAX, 1);
    let mut left = 0;
    let range = if keep_middle {
        1..sizes.len().saturating_sub(1)
    } else {
        1..sizes.len()
    };
    for (i, s) in sizes.iter().enumerate() {
        if range.contains(&i) {
            let right = total - left - if keep_middle { *s } else { 0 };
            let worst = left.max(right);
            if worst < best.0 {
                best = (worst, i);
            }
        }
        left += s;
    }
    best.1
}

enum Split {
    None,
    At(Vec<u8>, PageId),
}

impl BTree {
    pub fn create(pager: &Pager) -> Result<BTree> {
        let root = pager.allocate()?;
        pager.write(
            root,
            Node::Leaf {
                entries: Vec::new(),
                next: 0,
            }
            .encode(),
        )?;
        Ok(BTree { root })
    }

    fn node(pager: &Pager, id: PageId) -> Result<Node> {
        Node::decode(&*pager.read(id)?, id)
    }

    /// The leaf page that holds (or would hold) `key`.
    fn find_leaf(&self, pager: &Pager, key: Option<&[u8]>) -> Result<(PageId, Arc<Page>)> {
        let mut id = self.root;
        for _ in 0..64 {
            let page = pager.read(id)?;
            let view = View::new(&page, id)?;
            if view.is_leaf() {
                return Ok((id, page));
            }
            id = match key {
                Some(k) => view.child_for(k)?,
                None => view.child(0)?,
            };
        }
        Err(Error::Corrupt(format!(
            "B+tree rooted at page {} is deeper than 64 levels (a cycle?)",
            self.root
        )))
    }

    pub fn get(&self, pager: &Pager, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let (id, page) = self.find_leaf(pager, Some(key))?;
        let view = View::new(&page, id)?;
        let i = view.lower_bound(key, false)?;
        if i < view.count() && view.key(i)? == key {
            let value = view.leaf_value(i)?;
            return resolve(pager, value).map(Some);
        }
        Ok(None)
    }

    /// Calls `f` with the value of `key`, borrowed from the leaf page when
    /// it is inline (no copy on the hot path of an index lookup).
    pub fn get_with<T>(
        &self,
        pager: &Pager,
        key: &[u8],
        f: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>> {
        let (id, page) = self.find_leaf(pager, Some(key))?;
        let view = View::new(&page, id)?;
        let i = view.lower_bound(key, false)?;
        if i >= view.count() || view.key(i)? != key {
            return Ok(None);
        }
        match view.inline_value(i)? {
            Some(v) => f(v).map(Some),
            None => f(&resolve(pager, view.leaf_value(i)?)?).map(Some),
        }
    }

    /// Inserts or replaces.
    pub fn insert(&self, pager: &Pager, key: &[u8], value: &[u8]) -> Result<()> {
        if key.len() > MAX_KEY {
            return Err(Error::TooLarge(format!(
                "key of {} bytes is longer than the {MAX_KEY}-byte limit",
                key.len()
            )));
        }
        let value = if value.len() > MAX_INLINE {
            let len = u32::try_from(value.len())
                .map_err(|_| Error::TooLarge("value larger than 4 GiB".into()))?;
            LeafValue::Overflow {
                len,
                first: overflow::write(pager, value)?,
            }
        } else {
            LeafValue::Inline(value.to_vec())
        };
        if let Split::At(sep, right) = self.insert_rec(pager, self.root, key, value, 0)? {
            let left = pager.allocate()?;
            let old_root = pager.read(self.root)?;
            pager.write(left, Page::from_slice(&old_root.0[..]))?;
            pager.write(
                self.root,
                Node::Interior {
                    keys: vec![sep],
                    children: vec![left, right],
                }
                .encode(),
            )?;
        }
        Ok(())
    }

    fn insert_rec(
        &self,
        pager: &Pager,
        id: PageId,
        key: &[u8],
        value: LeafValue,
        depth: usize,
    ) -> Result<Split> {
        if depth > 64 {
            return Err(Error::Corrupt("B+tree deeper than 64 levels".into()));
        }
        let page = pager.read(id)?;
        let view = View::new(&page, id)?;
        if view.is_leaf() {
            // Fast path: a new key whose cell fits in the free gap goes in
            // place, without decoding and rebuilding the page.
            let idx = view.lower_bound(key, false)?;
            let exists = idx < view.count() && view.key(idx)? == key;
            if !exists && node::leaf_cell_size(key, &value) + 2 <= view.free_contiguous() {
                drop(page); // so the pager can change its copy without cloning
                pager.modify(id, |p| node::leaf_insert_in_place(p, idx, key, &value))?;
                return Ok(Split::None);
            }
            return self.insert_into_leaf(pager, id, Node::decode(&page, id)?, key, value);
        }
        let child = view.child_for(key)?;
        drop(page);
        let Split::At(sep, right) = self.insert_rec(pager, child, key, value, depth + 1)? else {
            return Ok(Split::None);
        };
        let Node::Interior {
            mut keys,
            mut children,
        } = Self::node(pager, id)?
        else {
            return Err(Error::Corrupt(format!(
                "page {id} changed kind during an insert"
            )));
        };
        let i = keys.partition_point(|k| k.as_slice() <= key);
        keys.insert(i, sep);
        children.insert(i + 1, right);
        let node = Node::Interior { keys, children };
        if node.fits() {
            pager.write(id, node.encode())?;
            return Ok(Split::None);
        }
        let Node::Interior {
            mut keys,
            mut children,
        } = node
        else {
            return Err(Error::Corrupt(
                "internal: a node changed kind while being rebuilt".into(),
            ));
        };
        let sizes: Vec<usize> = keys
            .iter()
            .map(|k| node::interior_cell_size(k) + 2)
            .collect();
        let m = balanced_split(&sizes, true);
        let right_keys = keys.split_off(m + 1);
        let sep = keys.pop().unwrap_or_default();
        let right_children = children.split_off(m + 1);
        let right = pager.allocate()?;
        pager.write(
            right,
            Node::Interior {
                keys: right_keys,
                children: right_children,
            }
            .encode(),
        )?;
        pager.write(id, Node::Interior { keys, children }.encode())?;
        Ok(Split::At(sep, right))
    }

    fn insert_into_leaf(
        &self,
        pager: &Pager,
        id: PageId,
        node: Node,
        key: &[u8],
        value: LeafValue,
    ) -> Result<Split> {
        let Node::Leaf { mut entries, next } = node else {
            return Err(Error::Corrupt(format!("page {id} is not a leaf")));
        };
        match entries.binary_search_by(|(k, _)| k.as_slice().cmp(key)) {
            Ok(i) => {
                release(pager, &entries[i].1)?;
                entries[i].1 = value;
            }
            Err(i) => entries.insert(i, (key.to_vec(), value)),
        }
        let node = Node::Leaf { entries, next };
        if node.fits() {
            pager.write(id, node.encode())?;
            return Ok(Split::None);
        }
        let Node::Leaf { mut entries, next } = node else {
            return Err(Error::Corrupt(
                "internal: a node changed kind while being rebuilt".into(),
            ));
        };
        let sizes: Vec<usize> = entries
            .iter()
            .map(|(k, v)| node::leaf_cell_size(k, v) + 2)
            .collect();
        let m = balanced_split(&sizes, false);
        let right_entries = entries.split_off(m);
        let sep = right_entries[0].0.clone();
        let right = pager.allocate()?;
        pager.write(
            right,
            Node::Leaf {
                entries: right_entries,
                next,
            }
            .encode(),
        )?;
        pager.write(
            id,
            Node::Leaf {
                entries,
                next: right,
            }
            .encode(),
        )?;
        Ok(Split::At(sep, right))
    }

    /// Removes a key; true if it was there.
    pub fn delete(&self, pager: &Pager, key: &[u8]) -> Result<bool> {
        let found = self.delete_rec(pager, self.root, key, 0)?;
        // Collapse an interior root with a single child.
        loop {
            let root = pager.read(self.root)?;
            let view = View::new(&root, self.root)?;
            if view.is_leaf() || view.count() > 0 {
                break;
            }
            let only = view.child(0)?;
            drop(root);
            let child = pager.read(only)?;
            pager.write(self.root, Page::from_slice(&child.0[..]))?;
            pager.free(only)?;
        }
        Ok(found)
    }

    fn delete_rec(&self, pager: &Pager, id: PageId, key: &[u8], depth: usize) -> Result<bool> {
        if depth > 64 {
            return Err(Error::Corrupt("B+tree deeper than 64 levels".into()));
        }
        let page = pager.read(id)?;
        let view = View::new(&page, id)?;
        if view.is_leaf() {
            let idx = view.lower_bound(key, false)?;
            if idx >= view.count() || view.key(idx)? != key {
                return Ok(false);
            }
            let value = view.leaf_value(idx)?;
            drop(page);
            release(pager, &value)?;
            pager.modify(id, |p| node::leaf_remove_in_place(p, idx))?;
            return Ok(true);
        }
        let i = view.lower_bound(key, true)?;
        let child = view.child(i)?;
        drop(page);
        if !self.delete_rec(pager, child, key, depth + 1)? {
            return Ok(false);
        }
        let child_page = pager.read(child)?;
        if View::new(&child_page, child)?.used_bytes()? >= CAPACITY / 4 {
            return Ok(true);
        }
        drop(child_page);
        let Node::Interior {
            mut keys,
            mut children,
        } = Self::node(pager, id)?
        else {
            return Err(Error::Corrupt(format!(
                "page {id} changed kind during a delete"
            )));
        };
        if Self::rebalance(pager, &mut keys, &mut children, i)? {
            pager.write(id, Node::Interior { keys, children }.encode())?;
        }
        Ok(true)
    }

    /// Merges or evens out child `i` with a sibling if it is under a quarter
    /// full. Returns whether the parent's keys or children changed.
    fn rebalance(
        pager: &Pager,
        keys: &mut Vec<Vec<u8>>,
        children: &mut Vec<PageId>,
        i: usize,
    ) -> Result<bool> {
        let child = Self::node(pager, children[i])?;
        if child.size() >= CAPACITY / 4 || children.len() < 2 {
            return Ok(false);
        }
        let li = if i + 1 < children.len() { i } else { i - 1 };
        let (lid, rid) = (children[li], children[li + 1]);
        let left = Self::node(pager, lid)?;
        let right = Self::node(pager, rid)?;
        match (left, right) {
            (
                Node::Leaf {
                    entries: mut le, ..
                },
                Node::Leaf { entries: re, next },
            ) => {
                le.extend(re);
                let merged = Node::Leaf { entries: le, next };
                if merged.fits() {
                    pager.write(lid, merged.encode())?;
                    pager.free(rid)?;
                    keys.remove(li);
                    children.remove(li + 1);
                    return Ok(true);
                }
                let Node::Leaf {
                    entries: mut all,
                    next,
                } = merged
                else {
                    return Err(Error::Corrupt(
                        "internal: a node changed kind while being rebuilt".into(),
                    ));
                };
                let sizes: Vec<usize> = all
                    .iter()
                    .map(|(k, v)| node::leaf_cell_size(k, v) + 2)
                    .collect();
                let m = balanced_split(&sizes, false);
                let re = all.split_off(m);
                keys[li] = re[0].0.clone();
                pager.write(rid, Node::Leaf { entries: re, next }.encode())?;
                pager.write(
                    lid,
                    Node::Leaf {
                        entries: all,
                        next: rid,
                    }
                    .encode(),
                )?;
                Ok(true)
            }
            (
                Node::Interior {
                    keys: mut lk,
                    children: mut lc,
                },
                Node::Interior {
                    keys: rk,
                    children: rc,
                },
            ) => {
                lk.push(keys[li].clone());
                lk.extend(rk);
                lc.extend(rc);
                let merged = Node::Interior {
                    keys: lk,
                    children: lc,
                };
                if merged.fits() {
                    pager.write(lid, merged.encode())?;
                    pager.free(rid)?;
                    keys.remove(li);
                    children.remove(li + 1);
                    return Ok(true);
                }
                let Node::Interior {
                    keys: mut all,
                    children: mut kids,
                } = merged
                else {
                    return Err(Error::Corrupt(
                        "internal: a node changed kind while being rebuilt".into(),
                    ));
                };
                let sizes: Vec<usize> = all
                    .iter()
                    .map(|k| node::interior_cell_size(k) + 2)
                    .collect();
                let m = balanced_split(&sizes, true);
                let rk = all.split_off(m + 1);
                let sep = all.pop().unwrap_or_default();
                let rc = kids.split_off(m + 1);
                keys[li] = sep;
                pager.write(
                    rid,
                    Node::Interior {
                        keys: rk,
                        children: rc,
                    }
                    .encode(),
                )?;
                pager.write(
                    lid,
                    Node::Interior {
                        keys: all,
                        children: kids,
                    }
                    .encode(),
                )?;
                Ok(true)
            }
            _ => Err(Error::Corrupt(format!(
                "sibling pages {lid} and {rid} are at different levels"
            ))),
        }
    }

    /// A cursor over keys in `[lo, hi)` (bounds as given).
    pub fn range<'p>(
        &self,
        pager: &'p Pager,
        lo: Bound<&[u8]>,
        hi: Bound<Vec<u8>>,
    ) -> Result<Cursor<'p>> {
        let (id, page, idx) = match lo {
            Bound::Unbounded => {
                let (id, page) = self.find_leaf(pager, None)?;
                (id, page, 0)
            }
            Bound::Included(k) | Bound::Excluded(k) => {
                let (id, page) = self.find_leaf(pager, Some(k))?;
                let idx = View::new(&page, id)?.lower_bound(k, matches!(lo, Bound::Excluded(_)))?;
                (id, page, idx)
            }
        };
        Ok(Cursor {
            pager,
            leaf: Some((id, page)),
            idx,
            hi,
            // More leaf hops than pages in the file means a cycle.
            hops_left: u64::from(pager.header().page_count),
        })
    }

    pub fn scan<'p>(&self, pager: &'p Pager) -> Result<Cursor<'p>> {
        self.range(pager, Bound::Unbounded, Bound::Unbounded)
    }

    /// The largest key, if any.
    pub fn last_key(&self, pager: &Pager) -> Result<Option<Vec<u8>>> {
        let mut id = self.root;
        for _ in 0..64 {
            let page = pager.read(id)?;
            let view = View::new(&page, id)?;
            if view.is_leaf() {
                if view.count() > 0 {
                    return Ok(Some(view.key(view.count() - 1)?.to_vec()));
                }
                // An empty rightmost leaf can only be the root (merges keep
                // other leaves from emptying... unless they could not merge).
                break;
            }
            id = view.child(view.count())?;
        }
        // Fall back to a scan for the rare empty-rightmost-leaf case.
        let mut cursor = self.scan(pager)?;
        let mut last = None;
        while let Some((k, _)) = cursor.next_key()? {
            last = Some(k);
        }
        Ok(last)
    }

    /// Frees every page of the tree, root included.
    pub fn destroy(&self, pager: &Pager) -> Result<()> {
        let mut stack = vec![self.root];
        while let Some(id) = stack.pop() {
            match Self::node(pager, id)? {
                Node::Leaf { entries, .. } => {
                    for (_, v) in &entries {
                        release(pager, v)?;
                    }
                }
                Node::Interior { children, .. } => stack.extend(children),
            }
            pager.free(id)?;
        }
        Ok(())
    }

    /// Pages in the tree by level (for EXPLAIN-style figures and tests).
    pub fn depth(&self, pager: &Pager) -> Result<usize> {
        let mut id = self.root;
        for depth in 1..=64 {
            let page = pager.read(id)?;
            let view = View::new(&page, id)?;
            if view.is_leaf() {
                return Ok(depth);
            }
            id = view.child(0)?;
        }
        Err(Error::Corrupt("B+tree deeper than 64 levels".into()))
    }
}

/// Walks leaves left to right. Holds a shared copy of the current leaf, so
/// it must not outlive changes to the tree (the executor collects the rows a
/// statement changes before changing them).
pub struct Cursor<'p> {
    pager: &'p Pager,
    leaf: Option<(PageId, Arc<Page>)>,
    idx: usize,
    hi: Bound<Vec<u8>>,
    hops_left: u64,
}

impl<'p> Cursor<'p> {
    fn advance(&mut self) -> Result<Option<(Vec<u8>, LeafValue)>> {
        loop {
            let Some((id, page)) = &self.leaf else {
                return Ok(None);
            };
            let view = View::new(page, *id)?;
            if self.idx < view.count() {
                let key = view.key(self.idx)?;
                let past = match &self.hi {
                    Bound::Unbounded => false,
                    Bound::Included(h) => key > h.as_slice(),
                    Bound::Excluded(h) => key >= h.as_slice(),
                };
                if past {
                    self.leaf = None;
                    return Ok(None);
                }
                let value = view.leaf_value(self.idx)?;
                self.idx += 1;
                return Ok(Some((key.to_vec(), value)));
            }
            let next = view.right();
            self.hops_left = self.hops_left.saturating_sub(1);
            if next == 0 {
                self.leaf = None;
            } else {
                if self.hops_left == 0 {
                    return Err(Error::Corrupt("leaf chain has a cycle".into()));
                }
                let page = self.pager.read(next)?;
                self.leaf = Some((next, page));
                self.idx = 0;
            }
        }
    }

    /// Calls `f` with the next key and value, borrowed from the page when
    /// the value is inline (no copies for the common case).
    pub fn next_with<T>(&mut self, f: impl FnOnce(&[u8], &[u8]) -> Result<T>) -> Result<Option<T>> {
        loop {
            let Some((id, page)) = &self.leaf else {
                return Ok(None);
            };
            let view = View::new(page, *id)?;
            if self.idx < view.count() {
                let key = view.key(self.idx)?;
                let past = match &self.hi {
                    Bound::Unbounded => false,
                    Bound::Included(h) => key > h.as_slice(),
                    Bound::Excluded(h) => key >= h.as_slice(),
                };
                if past {
                    self.leaf = None;
                    return Ok(None);
                }
                self.idx += 1;
                return match view.inline_value(self.idx - 1)? {
                    Some(v) => f(key, v).map(Some),
                    None => {
                        let value = resolve(self.pager, view.leaf_value(self.idx - 1)?)?;
                        f(key, &value).map(Some)
                    }
                };
            }
            let next = view.right();
            self.hops_left = self.hops_left.saturating_sub(1);
            if next == 0 {
                self.leaf = None;
            } else {
                if self.hops_left == 0 {
                    return Err(Error::Corrupt("leaf chain has a cycle".into()));
                }
                let page = self.pager.read(next)?;
                self.leaf = Some((next, page));
                self.idx = 0;
            }
        }
    }

    pub fn next_entry(&mut self) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        match self.advance()? {
            Some((k, v)) => Ok(Some((k, resolve(self.pager, v)?))),
            None => Ok(None),
        }
    }

    /// The next key without reading its value (index scans only need keys).
    pub fn next_key(&mut self) -> Result<Option<(Vec<u8>, ())>> {
        Ok(self.advance()?.map(|(k, _)| (k, ())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::io::MemStorage;
    use std::collections::BTreeMap;

    fn pager() -> Pager {
        let p = Pager::open(Box::new(MemStorage::new()), Box::new(MemStorage::new()), 64)
            .unwrap_or_else(|_| panic!("open"));
        p.begin().unwrap();
        p
    }

    fn collect(tree: &BTree, pager: &Pager) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut c = tree.scan(pager).unwrap();
        let mut out = Vec::new();
        while let Some(e) = c.next_entry().unwrap() {
            out.push(e);
        }
        out
    }

    #[test]
    fn many_inserts_split_and_scan_in_order() {
        let pager = pager();
        let tree = BTree::create(&pager).unwrap();
        let mut model = BTreeMap::new();
        for i in 0..5000u32 {
            let k = (i.wrapping_mul(2654435761) % 100_000)
                .to_be_bytes()
                .to_vec();
            let v = vec![(i % 251) as u8; (i % 40) as usize];
            tree.insert(&pager, &k, &v).unwrap();
            model.insert(k, v);
        }
        assert!(tree.depth(&pager).unwrap() >= 2);
        let got = collect(&tree, &pager);
        let want: Vec<_> = model.into_iter().collect();
        assert_eq!(got, want);
    }

    #[test]
    fn large_values_use_overflow_pages_and_are_freed() {
        let pager = pager();
        let tree = BTree::create(&pager).unwrap();
        let big: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8).collect();
        tree.insert(&pager, b"big", &big).unwrap();
        assert_eq!(tree.get(&pager, b"big").unwrap(), Some(big.clone()));
        let pages = pager.header().page_count;
        assert!(pages > 5);
        tree.delete(&pager, b"big").unwrap();
        assert!(pager.stats().free_pages >= 5);
        assert_eq!(tree.get(&pager, b"big").unwrap(), None);
    }

    #[test]
    fn deletes_merge_pages_back_and_range_bounds_hold() {
        let pager = pager();
        let tree = BTree::create(&pager).unwrap();
        for i in 0..3000u32 {
            tree.insert(&pager, &i.to_be_bytes(), &[7u8; 50]).unwrap();
        }
        let grown = pager.header().page_count - pager.stats().free_pages;
        for i in 0..2990u32 {
            assert!(tree.delete(&pager, &i.to_be_bytes()).unwrap());
        }
        let shrunk = pager.header().page_count - pager.stats().free_pages;
        assert!(
            shrunk < grown / 10,
            "{shrunk} pages in use after deletes, {grown} before"
        );
        assert!(!tree.delete(&pager, &1u32.to_be_bytes()).unwrap());
        let lo = 2992u32.to_be_bytes();
        let mut c = tree
            .range(
                &pager,
                Bound::Excluded(&lo[..]),
                Bound::Included(2995u32.to_be_bytes().to_vec()),
            )
            .unwrap();
        let mut keys = Vec::new();
        while let Some((k, _)) = c.next_key().unwrap() {
            keys.push(u32::from_be_bytes([k[0], k[1], k[2], k[3]]));
        }
        assert_eq!(keys, vec![2993, 2994, 2995]);
        assert_eq!(
            tree.last_key(&pager).unwrap(),
            Some(2999u32.to_be_bytes().to_vec())
        );
    }

    #[test]
    fn prefix_end_is_the_next_prefix() {
        assert_eq!(prefix_end(&[1, 2]), Bound::Excluded(vec![1, 3]));
        assert_eq!(prefix_end(&[1, 0xFF]), Bound::Excluded(vec![2]));
        assert_eq!(prefix_end(&[0xFF]), Bound::Unbounded);
    }
}
