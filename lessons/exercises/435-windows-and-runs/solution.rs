use std::ops::Range;

pub fn deltas(xs: &[u32]) -> Vec<i64> {
    xs.windows(2).map(|w| w[1] as i64 - w[0] as i64).collect()
}

pub fn longest_rise(xs: &[u32]) -> Range<usize> {
    if xs.is_empty() {
        return 0..0;
    }
    let (mut best_start, mut best_len) = (0, 1);
    let mut start = 0;
    for (i, w) in xs.windows(2).enumerate() {
        if w[1] <= w[0] {
            start = i + 1;
        }
        let len = i + 2 - start;
        if len > best_len {
            best_start = start;
            best_len = len;
        }
    }
    best_start..best_start + best_len
}

pub fn pairwise_max(a: &[u32], b: &[u32]) -> Vec<u32> {
    a.iter().zip(b).map(|(x, y)| *x.max(y)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_between_readings() {
        assert_eq!(deltas(&[5, 7, 4]), vec![2, -3]);
        assert_eq!(deltas(&[0, u32::MAX]), vec![u32::MAX as i64]);
        assert!(deltas(&[1]).is_empty());
        assert!(deltas(&[]).is_empty());
    }

    #[test]
    fn longest_strictly_increasing_run() {
        assert_eq!(longest_rise(&[3, 1, 2, 3, 3, 4]), 1..4);
        assert_eq!(longest_rise(&[1, 2, 3, 4]), 0..4);
        assert_eq!(longest_rise(&[4, 3, 2]), 0..1);
        assert_eq!(longest_rise(&[]), 0..0);
        assert_eq!(longest_rise(&[9]), 0..1);
    }

    #[test]
    fn ties_keep_the_earliest_run() {
        assert_eq!(longest_rise(&[1, 2, 0, 5, 0]), 0..2);
        assert_eq!(longest_rise(&[5, 5, 1, 2, 3]), 2..5);
    }

    #[test]
    fn pairwise_max_stops_at_the_shorter() {
        assert_eq!(pairwise_max(&[1, 9, 3], &[4, 2, 8, 100]), vec![4, 9, 8]);
        assert!(pairwise_max(&[], &[1]).is_empty());
    }
}
