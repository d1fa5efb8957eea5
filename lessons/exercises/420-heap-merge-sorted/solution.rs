use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Merge ascending runs into one ascending vector.
pub fn merge_sorted(runs: &[Vec<u32>]) -> Vec<u32> {
    let mut heap: BinaryHeap<Reverse<(u32, usize, usize)>> = BinaryHeap::new();
    for (r, run) in runs.iter().enumerate() {
        if let Some(&first) = run.first() {
            heap.push(Reverse((first, r, 0)));
        }
    }
    let mut out = Vec::with_capacity(runs.iter().map(Vec::len).sum());
    while let Some(Reverse((value, r, i))) = heap.pop() {
        out.push(value);
        if let Some(&next) = runs[r].get(i + 1) {
            heap.push(Reverse((next, r, i + 1)));
        }
    }
    out
}

/// The k smallest values, ascending.
pub fn k_smallest(values: &[u32], k: usize) -> Vec<u32> {
    let mut heap = BinaryHeap::with_capacity(k + 1);
    for &v in values {
        heap.push(v);
        if heap.len() > k {
            heap.pop();
        }
    }
    heap.into_sorted_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_runs() {
        let runs = vec![vec![1, 4, 9], vec![2, 3, 10, 11], vec![], vec![4, 5]];
        assert_eq!(merge_sorted(&runs), vec![1, 2, 3, 4, 4, 5, 9, 10, 11]);
    }

    #[test]
    fn merge_edge_cases() {
        assert_eq!(merge_sorted(&[]), Vec::<u32>::new());
        assert_eq!(merge_sorted(&[vec![], vec![]]), Vec::<u32>::new());
        assert_eq!(merge_sorted(&[vec![7, 7]]), vec![7, 7]);
    }

    #[test]
    fn merge_matches_sort() {
        let runs: Vec<Vec<u32>> = (0..5)
            .map(|r| (0..50).map(|i| (i * 7 + r * 13) % 101).collect::<Vec<_>>())
            .map(|mut v| {
                v.sort();
                v
            })
            .collect();
        let mut all: Vec<u32> = runs.concat();
        all.sort();
        assert_eq!(merge_sorted(&runs), all);
    }

    #[test]
    fn k_smallest_values() {
        assert_eq!(k_smallest(&[9, 1, 8, 2, 7, 3], 3), vec![1, 2, 3]);
        assert_eq!(k_smallest(&[5, 5, 1], 2), vec![1, 5]);
        assert_eq!(k_smallest(&[4, 2], 10), vec![2, 4]);
        assert_eq!(k_smallest(&[4, 2], 0), Vec::<u32>::new());
    }
}
