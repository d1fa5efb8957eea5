pub unsafe fn gather_sum_unchecked(values: &[u64], indices: &[usize]) -> u64 {
    todo!("sum {} values without checks ({})", indices.len(), values.len())
}

pub fn gather_sum(values: &[u64], indices: &[usize]) -> Option<u64> {
    todo!("check {} indices into {}, then sum", indices.len(), values.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_selected_values() {
        let v = [10, 20, 30, 40];
        assert_eq!(gather_sum(&v, &[0, 2, 2, 3]), Some(110));
        assert_eq!(gather_sum(&v, &[]), Some(0));
        assert_eq!(gather_sum(&[], &[]), Some(0));
    }

    #[test]
    fn rejects_any_bad_index() {
        let v = [1, 2, 3];
        assert_eq!(gather_sum(&v, &[0, 3]), None);
        assert_eq!(gather_sum(&v, &[usize::MAX]), None);
        assert_eq!(gather_sum(&[], &[0]), None);
    }

    #[test]
    fn wraps_instead_of_panicking() {
        assert_eq!(gather_sum(&[u64::MAX, 2], &[0, 1]), Some(1));
    }

    #[test]
    fn unchecked_with_valid_indices() {
        let v: Vec<u64> = (0..100).collect();
        let idx: Vec<usize> = (0..100).rev().collect();
        // SAFETY: every index is < 100 == v.len().
        assert_eq!(unsafe { gather_sum_unchecked(&v, &idx) }, 4950);
    }
}
