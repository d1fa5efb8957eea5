#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Task {
    priority: u8,
    name: String,
}

fn ordered(mut tasks: Vec<Task>) -> Vec<Task> {
    tasks.sort();
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_priority_then_name() {
        let t = |name: &str, priority| Task { name: name.to_string(), priority };
        let got = ordered(vec![t("write", 2), t("deploy", 1), t("backup", 2), t("alert", 3)]);
        let names: Vec<&str> = got.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["deploy", "backup", "write", "alert"]);
    }
}
