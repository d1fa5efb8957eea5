use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// Pretend this asks a clock service for a timestamp.
async fn stamp(line: &str) -> String {
    tokio::task::yield_now().await;
    format!("[t] {line}")
}

pub async fn record(log: Arc<Mutex<Vec<String>>>, line: String) {
    let mut entries = log.lock().unwrap();
    let stamped = stamp(&line).await;
    entries.push(stamped);
}

pub fn spawn_record(log: Arc<Mutex<Vec<String>>>, line: String) -> JoinHandle<()> {
    tokio::spawn(record(log, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_from_many_tasks() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let handles: Vec<_> = (0..50)
            .map(|i| spawn_record(Arc::clone(&log), format!("line {i}")))
            .collect();
        for h in handles {
            h.await.unwrap();
        }
        let mut entries = log.lock().unwrap().clone();
        entries.sort();
        assert_eq!(entries.len(), 50);
        assert!(entries.iter().all(|e| e.starts_with("[t] line ")));
        assert!(entries.contains(&"[t] line 49".to_string()));
    }

    #[tokio::test]
    async fn record_directly() {
        let log = Arc::new(Mutex::new(Vec::new()));
        record(Arc::clone(&log), "hello".into()).await;
        assert_eq!(*log.lock().unwrap(), vec!["[t] hello"]);
    }
}
