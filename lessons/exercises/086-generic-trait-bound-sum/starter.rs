use std::ops::Add;

fn total<T>(items: &[T]) -> T {
    todo!("{}", items.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_and_floats() {
        assert_eq!(total(&[1, 2, 3]), 6);
        assert_eq!(total(&[0.5, 0.25]), 0.75);
        assert_eq!(total::<u8>(&[]), 0);
        assert_eq!(total(&[-4i64, 4]), 0);
    }
}
