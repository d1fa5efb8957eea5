fn collatz_steps(n: u64) -> Option<u32> {
    todo!("{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_counts() {
        assert_eq!(collatz_steps(1), Some(0));
        assert_eq!(collatz_steps(6), Some(8));
        assert_eq!(collatz_steps(27), Some(111));
    }

    #[test]
    fn zero_has_no_answer() {
        assert_eq!(collatz_steps(0), None);
    }
}
