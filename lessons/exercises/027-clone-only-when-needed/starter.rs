fn archive(store: &mut Vec<Vec<String>>, names: Vec<String>) {
    store.push(names);
}

fn count_long(names: Vec<String>) -> usize {
    names.iter().filter(|n| n.len() > 4).count()
}

fn summary(store: &mut Vec<Vec<String>>, names: Vec<String>) -> usize {
    archive(store, names);
    count_long(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archived_and_counted() {
        let mut store = Vec::new();
        let names = vec!["Ada".to_string(), "Grace".to_string(), "Barbara".to_string()];
        assert_eq!(summary(&mut store, names), 2);
        assert_eq!(store.len(), 1);
        assert_eq!(store[0][1], "Grace");
    }
}
