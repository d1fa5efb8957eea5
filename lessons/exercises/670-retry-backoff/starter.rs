use std::future::Future;
use std::time::Duration;

#[derive(Debug, PartialEq)]
pub enum RetryError<E> {
    NoAttempts,
    Failed(E),
}

pub fn backoff_delays(base: Duration, cap: Duration, retries: u32) -> Vec<Duration> {
    todo!("{retries} delays from {base:?} up to {cap:?}")
}

pub async fn retry<T, E, F, Fut>(max_attempts: u32, base: Duration, cap: Duration, op: F) -> Result<T, RetryError<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let _ = (op, base, cap);
    todo!("up to {max_attempts} attempts")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn delays_double_and_cap() {
        assert_eq!(backoff_delays(MS, 5 * MS, 5), vec![MS, 2 * MS, 4 * MS, 5 * MS, 5 * MS]);
        assert!(backoff_delays(MS, MS, 0).is_empty());
        let long = backoff_delays(Duration::from_secs(1), Duration::from_secs(60), 200);
        assert_eq!(long.len(), 200);
        assert_eq!(long[199], Duration::from_secs(60), "no overflow for large retry counts");
    }

    #[tokio::test]
    async fn succeeds_after_failures_and_backs_off() {
        let mut seen = Vec::new();
        let start = Instant::now();
        let r = retry(5, 2 * MS, 50 * MS, |n| {
            seen.push(n);
            async move { if n < 4 { Err(format!("down {n}")) } else { Ok(n * 10) } }
        })
        .await;
        assert_eq!(r, Ok(40));
        assert_eq!(seen, vec![1, 2, 3, 4]);
        assert!(start.elapsed() >= 14 * MS, "slept 2 + 4 + 8 ms between attempts");
    }

    #[tokio::test]
    async fn gives_up_with_the_last_error_and_no_final_sleep() {
        let start = Instant::now();
        let mut last_call = start;
        let r: Result<(), _> = retry(3, 10 * MS, 10 * MS, |n| {
            last_call = Instant::now();
            async move { Err(n) }
        })
        .await;
        assert_eq!(r, Err(RetryError::Failed(3)));
        assert!(start.elapsed() >= 20 * MS, "two sleeps of 10 ms");

        // A 45 ms delay: a sleep after the last attempt would show as a 45 ms gap.
        let r: Result<(), _> = retry(2, 45 * MS, 45 * MS, |n| {
            last_call = Instant::now();
            async move { Err(n) }
        })
        .await;
        assert_eq!(r, Err(RetryError::Failed(2)));
        assert!(last_call.elapsed() < 40 * MS, "no sleep after the last attempt");
    }

    #[tokio::test]
    async fn zero_attempts_never_calls() {
        let mut calls = 0;
        let r: Result<u8, RetryError<u8>> = retry(0, MS, MS, |_| {
            calls += 1;
            async { Ok(1) }
        })
        .await;
        assert_eq!(r, Err(RetryError::NoAttempts));
        assert_eq!(calls, 0);
    }
}
