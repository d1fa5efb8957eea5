fn digit_sum(mut n: u64) -> u64 {
    let mut sum = 0;
    while n > 0 {
        sum += n % 10;
        n /= 10;
    }
    sum
}

fn digital_root(mut n: u64) -> u64 {
    while n >= 10 {
        n = digit_sum(n);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums() {
        assert_eq!(digit_sum(0), 0);
        assert_eq!(digit_sum(1234), 10);
        assert_eq!(digit_sum(u64::MAX), 87);
    }

    #[test]
    fn roots() {
        assert_eq!(digital_root(1234), 1);
        assert_eq!(digital_root(9), 9);
        assert_eq!(digital_root(999_999_999_999), 9);
    }
}
