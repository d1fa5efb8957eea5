fn sign(n: i64) -> &'static str {
    if n < 0 {
        return "negative";
    } else if n == 0 {
        return "zero";
    } else {
        return "positive";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs() {
        assert_eq!(sign(-3), "negative");
        assert_eq!(sign(0), "zero");
        assert_eq!(sign(12), "positive");
    }
}
