use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

pub fn parse_5xx_millis(line: &str) -> Option<u64> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    if parts.len() != 4 {
        return None;
    }
    let status: u16 = parts[2].parse().ok()?;
    let millis: u64 = parts[3].parse().ok()?;
    (status >= 500).then_some(millis)
}

pub fn slow_errors(lines: Vec<String>, workers: usize) -> Vec<u64> {
    let (_line_tx, line_rx) = mpsc::channel::<(usize, String)>();
    let _line_rx = Arc::new(Mutex::new(line_rx));
    let _ = thread::current();
    todo!("run {} lines through {workers} workers", lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parse_lines() {
        assert_eq!(parse_5xx_millis("GET /api 503 120"), Some(120));
        assert_eq!(parse_5xx_millis("GET /api 200 35"), None);
        assert_eq!(parse_5xx_millis("garbage"), None);
    }

    #[test]
    fn collects_5xx_in_input_order() {
        let input = lines(&[
            "GET / 200 5",
            "POST /pay 502 900",
            "bad line",
            "GET /x 500 30",
            "GET /y 404 1",
            "PUT /z 599 7",
        ]);
        for workers in [0, 1, 3, 8] {
            assert_eq!(slow_errors(input.clone(), workers), vec![900, 30, 7], "workers = {workers}");
        }
    }

    #[test]
    fn terminates_on_empty_and_large_input() {
        assert!(slow_errors(vec![], 4).is_empty());
        let big: Vec<String> = (0..5000).map(|i| format!("GET /p {} {}", if i % 2 == 0 { 500 } else { 200 }, i)).collect();
        let out = slow_errors(big, 4);
        assert_eq!(out.len(), 2500);
        assert!(out.windows(2).all(|w| w[0] < w[1]), "order is restored");
    }
}
