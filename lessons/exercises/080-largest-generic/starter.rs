fn largest<T>(items: &[T]) -> Option<&T> {
    todo!("{} items", items.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_types() {
        assert_eq!(largest(&[3, 9, 2]), Some(&9));
        assert_eq!(largest(&['x', 'b']), Some(&'x'));
        assert_eq!(largest(&["pear".to_string(), "apple".to_string()]).map(|s| s.as_str()), Some("pear"));
        assert_eq!(largest(&[1.5, -0.5]), Some(&1.5));
        assert_eq!(largest::<u8>(&[]), None);
    }
}
