fn total_cents(prices: &[u32]) -> u32 {
    let mut total = 0;
    for i in 0..prices.len() {
        total += prices[i];
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_up() {
        assert_eq!(total_cents(&[199, 250, 1]), 450);
        assert_eq!(total_cents(&[]), 0);
    }
}
