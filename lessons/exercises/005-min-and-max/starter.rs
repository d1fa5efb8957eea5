fn min_max(values: &[i32]) -> Option<(i32, i32)> {
    todo!("{values:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        assert_eq!(min_max(&[3, -2, 9, 4]), Some((-2, 9)));
        assert_eq!(min_max(&[5]), Some((5, 5)));
    }

    #[test]
    fn empty() {
        assert_eq!(min_max(&[]), None);
    }
}
