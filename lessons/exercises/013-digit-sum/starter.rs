fn digit_sum(n: u64) -> u64 {
    todo!("{n}")
}

fn digital_root(n: u64) -> u64 {
    todo!("{n}")
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
