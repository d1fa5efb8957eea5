fn collatz_steps(mut n: u64) -> Option<u32> {
    if n == 0 {
        return None;
    }
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    Some(steps)
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
