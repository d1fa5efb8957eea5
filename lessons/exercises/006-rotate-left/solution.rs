fn rotate(values: [i32; 5], k: usize) -> [i32; 5] {
    let mut out = values;
    out.rotate_left(k % values.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_two() {
        assert_eq!(rotate([1, 2, 3, 4, 5], 2), [3, 4, 5, 1, 2]);
    }

    #[test]
    fn full_turns_change_nothing() {
        assert_eq!(rotate([1, 2, 3, 4, 5], 0), [1, 2, 3, 4, 5]);
        assert_eq!(rotate([1, 2, 3, 4, 5], 5), [1, 2, 3, 4, 5]);
        assert_eq!(rotate([1, 2, 3, 4, 5], 7), [3, 4, 5, 1, 2]);
    }
}
