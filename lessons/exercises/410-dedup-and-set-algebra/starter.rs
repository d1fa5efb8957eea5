use std::collections::{BTreeSet, HashSet};
use std::hash::Hash;

/// Remove duplicates, keeping the first occurrence of each value in place.
pub fn dedup_keep_order<T: Eq + Hash + Clone>(items: &[T]) -> Vec<T> {
    let _seen: HashSet<&T> = HashSet::new();
    todo!("dedup {} items", items.len())
}

#[derive(Debug, PartialEq, Default)]
pub struct DepDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub kept: Vec<String>,
}

/// Compare two dependency lists; each output list is sorted.
pub fn diff_deps(old: &[&str], new: &[&str]) -> DepDiff {
    let _old: BTreeSet<&str> = old.iter().copied().collect();
    todo!("diff against {new:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_first_occurrence() {
        assert_eq!(dedup_keep_order(&[3, 1, 3, 2, 1]), vec![3, 1, 2]);
        assert_eq!(dedup_keep_order::<u8>(&[]), Vec::<u8>::new());
        assert_eq!(dedup_keep_order(&["b", "a", "b", "b"]), vec!["b", "a"]);
        assert_eq!(dedup_keep_order(&[7, 7, 7]), vec![7]);
    }

    #[test]
    fn diff_of_dependency_lists() {
        let d = diff_deps(&["serde", "tokio", "rand", "tokio"], &["tokio", "clap", "anyhow", "serde"]);
        assert_eq!(d.added, vec!["anyhow", "clap"]);
        assert_eq!(d.removed, vec!["rand"]);
        assert_eq!(d.kept, vec!["serde", "tokio"]);
    }

    #[test]
    fn diff_edge_cases() {
        assert_eq!(diff_deps(&[], &[]), DepDiff::default());
        let d = diff_deps(&[], &["x"]);
        assert_eq!(d.added, vec!["x"]);
        assert!(d.removed.is_empty() && d.kept.is_empty());
    }
}
