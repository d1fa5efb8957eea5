fn record(log: &mut Vec<String>, level: &str, msg: &str) {
    log.push(format!("[{level}] {msg}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_accumulate() {
        let mut log = Vec::new();
        record(&mut log, "INFO", "started");
        record(&mut log, "WARN", "disk 91% full");
        assert_eq!(log, ["[INFO] started", "[WARN] disk 91% full"]);
    }
}
