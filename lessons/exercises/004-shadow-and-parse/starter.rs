fn doubled(input: &str) -> u32 {
    todo!("read a number from {input:?} and double it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_whitespace() {
        assert_eq!(doubled("21\n"), 42);
        assert_eq!(doubled("  7 "), 14);
    }

    #[test]
    fn not_a_number_is_zero() {
        assert_eq!(doubled("seven"), 0);
        assert_eq!(doubled(""), 0);
    }
}
