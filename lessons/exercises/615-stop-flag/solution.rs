use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};

pub struct Worker {
    stop: Arc<AtomicBool>,
    progress: Arc<AtomicU64>,
    handle: JoinHandle<u64>,
}

impl Worker {
    pub fn spawn<F: FnMut() + Send + 'static>(mut step: F) -> Worker {
        let stop = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(AtomicU64::new(0));
        let handle = {
            let stop = Arc::clone(&stop);
            let progress = Arc::clone(&progress);
            thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Acquire) {
                    step();
                    n += 1;
                    progress.store(n, Ordering::Relaxed);
                }
                n
            })
        };
        Worker { stop, progress, handle }
    }

    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }

    pub fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Release);
        self.handle.join().expect("worker panicked")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait_for(cond: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !cond() {
            assert!(Instant::now() < deadline, "timed out");
            thread::yield_now();
        }
    }

    #[test]
    fn runs_until_stopped() {
        let calls = Arc::new(AtomicU64::new(0));
        let w = {
            let calls = Arc::clone(&calls);
            Worker::spawn(move || {
                calls.fetch_add(1, Ordering::Relaxed);
            })
        };
        wait_for(|| w.progress() >= 100);
        let n = w.stop();
        assert!(n >= 100);
        let after_stop = calls.load(Ordering::Relaxed);
        assert_eq!(after_stop, n, "the count matches the calls");
        thread::sleep(Duration::from_millis(10));
        assert_eq!(calls.load(Ordering::Relaxed), after_stop, "no calls after stop");
    }

    #[test]
    fn progress_is_visible_while_running() {
        let w = Worker::spawn(|| thread::sleep(Duration::from_micros(50)));
        wait_for(|| w.progress() >= 3);
        let seen = w.progress();
        let total = w.stop();
        assert!(total >= seen);
    }

    #[test]
    fn stop_right_away() {
        let w = Worker::spawn(|| {});
        let n = w.stop();
        assert!(n < u64::MAX);
    }
}
