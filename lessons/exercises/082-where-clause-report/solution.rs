fn report<K, V>(entries: Vec<(K, V)>) -> String
where
    K: std::fmt::Display + Ord,
    V: std::fmt::Debug,
{
    let mut entries = entries;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
        .iter()
        .map(|(k, v)| format!("{k} = {v:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_lines() {
        let r = report(vec![("port", Some(8080)), ("host", None)]);
        assert_eq!(r, "host = None\nport = Some(8080)");
        assert_eq!(report(vec![(2, "b"), (1, "a")]), "1 = \"a\"\n2 = \"b\"");
    }
}
