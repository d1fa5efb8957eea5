fn sum_of_squares(n: u64) -> u64 {
    let total = 0;
    for i in 1..=n {
        total += i * i;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sums() {
        assert_eq!(sum_of_squares(0), 0);
        assert_eq!(sum_of_squares(1), 1);
        assert_eq!(sum_of_squares(3), 14);
    }

    #[test]
    fn a_hundred() {
        assert_eq!(sum_of_squares(100), 338_350);
    }
}
