use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    sender: Option<mpsc::Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    pub fn new(n: usize) -> Self {
        let _ = thread::available_parallelism();
        let (_tx, rx) = mpsc::channel::<Job>();
        let _rx = Arc::new(Mutex::new(rx));
        todo!("start {n} workers")
    }

    pub fn execute<F: FnOnce() + Send + 'static>(&self, f: F) {
        let _ = (f, &self.sender, &self.workers);
        todo!()
    }

    pub fn size(&self) -> usize {
        self.workers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn runs_every_job_before_drop_returns() {
        let done = Arc::new(AtomicUsize::new(0));
        {
            let pool = ThreadPool::new(3);
            assert_eq!(pool.size(), 3);
            for _ in 0..100 {
                let done = Arc::clone(&done);
                pool.execute(move || {
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
        }
        assert_eq!(done.load(Ordering::SeqCst), 100);
    }

    #[test]
    fn jobs_run_on_worker_threads() {
        let ids = Arc::new(Mutex::new(HashSet::new()));
        let (tx, rx) = mpsc::channel();
        let pool = ThreadPool::new(2);
        for i in 0..20 {
            let ids = Arc::clone(&ids);
            let tx = tx.clone();
            pool.execute(move || {
                ids.lock().unwrap().insert(thread::current().id());
                tx.send(i * i).unwrap();
            });
        }
        drop(tx);
        let mut results: Vec<i32> = rx.iter().collect();
        results.sort();
        assert_eq!(results.len(), 20);
        assert_eq!(results[19], 361);
        let ids = ids.lock().unwrap();
        assert!(!ids.contains(&thread::current().id()));
        assert!(ids.len() <= 2);
    }

    #[test]
    fn zero_means_one_worker() {
        let pool = ThreadPool::new(0);
        assert_eq!(pool.size(), 1);
        let (tx, rx) = mpsc::channel();
        pool.execute(move || tx.send("ran").unwrap());
        assert_eq!(rx.recv().unwrap(), "ran");
    }
}
