#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The B+tree checked against a `BTreeMap` under random operations, with
//! small and overflowing values, committed and reopened at the end.

use std::collections::BTreeMap;
use std::ops::Bound;

use minidb::btree::BTree;
use minidb::storage::Pager;
use minidb::storage::io::MemStorage;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Insert(u16, usize),
    Delete(u16),
    Range(u16, u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u16>(), prop_oneof![0usize..60, 800usize..3000]).prop_map(|(k, n)| Op::Insert(k % 2000, n)),
        3 => any::<u16>().prop_map(|k| Op::Delete(k % 2000)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::Range(a % 2000, b % 2000)),
    ]
}

fn key(k: u16) -> Vec<u8> {
    // Variable-length keys exercise the slotted layout.
    let mut v = k.to_be_bytes().to_vec();
    v.extend(std::iter::repeat_n(b'k', usize::from(k % 40)));
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn tree_matches_a_btreemap(ops in proptest::collection::vec(op(), 1..1500)) {
        let (file, wal) = (MemStorage::new(), MemStorage::new());
        let pager = Pager::open(Box::new(file.clone()), Box::new(wal.clone()), 32).map_err(|_| "open").unwrap();
        pager.begin().unwrap();
        let tree = BTree::create(&pager).unwrap();
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Insert(k, n) => {
                    let v = vec![(i % 251) as u8; *n];
                    tree.insert(&pager, &key(*k), &v).unwrap();
                    model.insert(key(*k), v);
                }
                Op::Delete(k) => {
                    let had = tree.delete(&pager, &key(*k)).unwrap();
                    prop_assert_eq!(had, model.remove(&key(*k)).is_some());
                }
                Op::Range(a, b) => {
                    let (lo, hi) = (key(*a.min(b)), key(*a.max(b)));
                    let mut c = tree.range(&pager, Bound::Included(&lo[..]), Bound::Excluded(hi.clone())).unwrap();
                    let mut got = Vec::new();
                    while let Some((k, _)) = c.next_key().unwrap() {
                        got.push(k);
                    }
                    let want: Vec<_> = model.range(lo..hi).map(|(k, _)| k.clone()).collect();
                    prop_assert_eq!(got, want);
                }
            }
        }
        pager.commit().unwrap();
        drop(pager);
        let pager = Pager::open(Box::new(file), Box::new(wal), 32).map_err(|_| "reopen").unwrap();
        let mut c = tree.scan(&pager).unwrap();
        let mut got = Vec::new();
        while let Some(e) = c.next_entry().unwrap() {
            got.push(e);
        }
        let want: Vec<_> = model.into_iter().collect();
        prop_assert_eq!(got.len(), want.len());
        prop_assert!(got == want);
        // Every page is either in the tree or on the free list: nothing leaks.
        let s = pager.stats();
        prop_assert!(s.free_pages < s.pages);
    }
}
