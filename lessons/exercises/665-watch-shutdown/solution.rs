use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, watch};
use tokio::task::JoinSet;

#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Stop {
    Shutdown,
    Drained,
}

#[derive(Debug, PartialEq)]
pub struct Report {
    pub id: usize,
    pub jobs: u64,
    pub sum: u64,
    pub stop: Stop,
}

pub type Queue = Arc<Mutex<mpsc::Receiver<u64>>>;

pub async fn worker(id: usize, jobs: Queue, mut shutdown: watch::Receiver<bool>) -> Report {
    let mut report = Report { id, jobs: 0, sum: 0, stop: Stop::Drained };
    loop {
        if *shutdown.borrow_and_update() {
            report.stop = Stop::Shutdown;
            return report;
        }
        let job = tokio::select! {
            biased;
            changed = shutdown.changed() => {
                if changed.is_err() {
                    // The sender is gone: nobody can ask us to stop any more; keep draining.
                    jobs.lock().await.recv().await
                } else {
                    continue; // re-check the value at the top of the loop
                }
            }
            job = async { jobs.lock().await.recv().await } => job,
        };
        match job {
            Some(j) => {
                report.jobs += 1;
                report.sum += j;
            }
            None => return report,
        }
    }
}

pub async fn run_pool(n: usize, jobs: mpsc::Receiver<u64>, shutdown: watch::Receiver<bool>) -> Vec<Report> {
    let queue: Queue = Arc::new(Mutex::new(jobs));
    let mut set = JoinSet::new();
    for id in 0..n {
        set.spawn(worker(id, Arc::clone(&queue), shutdown.clone()));
    }
    let mut reports = Vec::with_capacity(n);
    while let Some(r) = set.join_next().await {
        reports.push(r.expect("worker panicked"));
    }
    reports.sort_by_key(|r| r.id);
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drains_the_queue_when_senders_are_gone() {
        let (tx, rx) = mpsc::channel(100);
        let (_stop_tx, stop_rx) = watch::channel(false);
        for j in 1..=10 {
            tx.send(j).await.unwrap();
        }
        drop(tx);
        let reports = run_pool(3, rx, stop_rx).await;
        assert_eq!(reports.len(), 3);
        assert_eq!(reports.iter().map(|r| r.id).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(reports.iter().map(|r| r.jobs).sum::<u64>(), 10);
        assert_eq!(reports.iter().map(|r| r.sum).sum::<u64>(), 55);
        assert!(reports.iter().all(|r| r.stop == Stop::Drained));
    }

    #[tokio::test]
    async fn shutdown_before_start_processes_nothing() {
        let (tx, rx) = mpsc::channel(10);
        tx.send(7).await.unwrap();
        let (stop_tx, stop_rx) = watch::channel(false);
        stop_tx.send(true).unwrap();
        let reports = run_pool(2, rx, stop_rx).await;
        assert!(reports.iter().all(|r| r.jobs == 0 && r.stop == Stop::Shutdown));
        drop(tx);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shutdown_stops_idle_workers() {
        let (tx, rx) = mpsc::channel(10);
        let (stop_tx, stop_rx) = watch::channel(false);
        let pool = tokio::spawn(run_pool(4, rx, stop_rx));
        tx.send(3).await.unwrap();
        tx.send(4).await.unwrap();
        while tx.capacity() < 10 {
            tokio::task::yield_now().await;
        }
        stop_tx.send(true).unwrap();
        let reports = tokio::time::timeout(std::time::Duration::from_secs(10), pool)
            .await
            .expect("workers must stop on shutdown while the queue is still open")
            .unwrap();
        assert_eq!(reports.iter().map(|r| r.sum).sum::<u64>(), 7);
        assert!(reports.iter().all(|r| r.stop == Stop::Shutdown));
        drop(tx);
    }
}
