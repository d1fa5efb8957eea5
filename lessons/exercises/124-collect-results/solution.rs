fn numbers(text: &str) -> Result<Vec<i64>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| l.trim().parse::<i64>().map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_good() {
        assert_eq!(numbers("1\n-2\n\n 30 \n"), Ok(vec![1, -2, 30]));
        assert_eq!(numbers(""), Ok(vec![]));
    }

    #[test]
    fn first_bad_line() {
        assert_eq!(numbers("1\nx\ny"), Err("line 2: invalid digit found in string".to_string()));
    }
}
