fn drop_private(names: &mut Vec<String>) -> usize {
    let before = names.len();
    names.retain(|n| !n.starts_with('_'));
    before - names.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place() {
        let mut names: Vec<String> = ["_tmp", "main", "_cache", "lib"].map(String::from).to_vec();
        let capacity = names.capacity();
        assert_eq!(drop_private(&mut names), 2);
        assert_eq!(names, ["main", "lib"]);
        assert_eq!(names.capacity(), capacity);
        assert_eq!(drop_private(&mut names), 0);
    }
}
