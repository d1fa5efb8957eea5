fn multiples(k: u64, n: usize) -> impl Iterator<Item = u64> {
    (1..).filter(move |x| x % k == 0).take(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_multiples() {
        assert_eq!(multiples(3, 4).collect::<Vec<_>>(), [3, 6, 9, 12]);
        assert_eq!(multiples(7, 0).count(), 0);
        assert_eq!(multiples(1, 100).sum::<u64>(), 5050);
    }
}
