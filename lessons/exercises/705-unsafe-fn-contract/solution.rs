/// Sums `values[i]` for every `i` in `indices`, wrapping on overflow,
/// without bounds checks.
///
/// # Safety
///
/// Every index in `indices` must be less than `values.len()`. An
/// out-of-bounds index is undefined behaviour (an out-of-bounds read).
pub unsafe fn gather_sum_unchecked(values: &[u64], indices: &[usize]) -> u64 {
    indices.iter().fold(0u64, |acc, &i| {
        // SAFETY: the caller guarantees i < values.len().
        let v = unsafe { *values.get_unchecked(i) };
        acc.wrapping_add(v)
    })
}

/// Sums `values[i]` for every `i` in `indices`, or `None` if an index is
/// out of bounds.
pub fn gather_sum(values: &[u64], indices: &[usize]) -> Option<u64> {
    if !indices.iter().all(|&i| i < values.len()) {
        return None;
    }
    // SAFETY: we just checked that every index is < values.len().
    Some(unsafe { gather_sum_unchecked(values, indices) })
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
