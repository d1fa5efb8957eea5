use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;

pub async fn fetch_all<F, Fut>(urls: Vec<String>, limit: usize, fetch: F) -> Vec<usize>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = usize> + Send + 'static,
{
    let _sem = Arc::new(Semaphore::new(limit.max(1)));
    // Unlimited: every fetch starts at once.
    let fetch = Arc::new(fetch);
    let handles: Vec<_> = urls
        .into_iter()
        .map(|u| {
            let fetch = Arc::clone(&fetch);
            tokio::spawn(async move { fetch(u).await })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Runs n fetches. Each fetch waits at a barrier until `group` fetches
    /// are in flight together, so a correct limit is reached exactly, and
    /// exceeding it is seen, however loaded the machine is.
    async fn run(n: usize, limit: usize) -> (Vec<usize>, usize) {
        let group = limit.clamp(1, n.max(1));
        let gate = Arc::new(tokio::sync::Barrier::new(group));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_seen = Arc::new(AtomicUsize::new(0));
        let (f, m) = (Arc::clone(&in_flight), Arc::clone(&max_seen));
        let fetch = move |url: String| {
            let (f, m, gate) = (Arc::clone(&f), Arc::clone(&m), Arc::clone(&gate));
            async move {
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                gate.wait().await;
                tokio::task::yield_now().await;
                f.fetch_sub(1, Ordering::SeqCst);
                url.len()
            }
        };
        let urls: Vec<String> = (0..n).map(|i| "x".repeat(i + 1)).collect();
        let out = tokio::time::timeout(Duration::from_secs(10), fetch_all(urls, limit, fetch))
            .await
            .expect("fetches must run concurrently, up to the limit");
        (out, max_seen.load(Ordering::SeqCst))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_than_limit() {
        let (out, max) = run(12, 3).await;
        assert_eq!(out, (1..=12).collect::<Vec<_>>());
        assert_eq!(max, 3);
    }

    #[tokio::test]
    async fn limit_one_is_sequential_and_zero_means_one() {
        assert_eq!(run(4, 1).await.1, 1);
        assert_eq!(run(4, 0).await, (vec![1, 2, 3, 4], 1));
    }

    #[tokio::test]
    async fn fewer_jobs_than_permits() {
        let (out, max) = run(2, 10).await;
        assert_eq!(out, vec![1, 2]);
        assert_eq!(max, 2);
        assert!(run(0, 3).await.0.is_empty());
    }
}
