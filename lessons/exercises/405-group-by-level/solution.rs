use std::collections::BTreeMap;

/// Messages of each level, in the order they appeared.
pub fn group_by_level(log: &str) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in log.lines() {
        let Some((level, message)) = line.split_once(' ') else {
            continue;
        };
        groups
            .entry(level.to_string())
            .or_default()
            .push(message.to_string());
    }
    groups
}

/// `LEVEL=count` for each level, sorted by level, joined with ", ".
pub fn summary(log: &str) -> String {
    group_by_level(log)
        .iter()
        .map(|(level, messages)| format!("{level}={}", messages.len()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "INFO boot\nWARN disk 91% full\nINFO listening on :8080\n\nERROR oops\nWARN slow query\nINFO done\nnospace\n";

    #[test]
    fn groups_keep_message_order() {
        let g = group_by_level(LOG);
        assert_eq!(g["INFO"], vec!["boot", "listening on :8080", "done"]);
        assert_eq!(g["WARN"], vec!["disk 91% full", "slow query"]);
        assert_eq!(g["ERROR"], vec!["oops"]);
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn keys_come_out_sorted() {
        let keys: Vec<String> = group_by_level(LOG).into_keys().collect();
        assert_eq!(keys, vec!["ERROR", "INFO", "WARN"]);
    }

    #[test]
    fn summary_line() {
        assert_eq!(summary(LOG), "ERROR=1, INFO=3, WARN=2");
        assert_eq!(summary(""), "");
        assert_eq!(summary("DEBUG x"), "DEBUG=1");
    }
}
