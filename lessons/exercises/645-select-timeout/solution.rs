use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

#[derive(Debug, PartialEq)]
pub enum Outcome<T> {
    Reply(T),
    TimedOut,
    Dropped,
}

#[derive(Debug, PartialEq)]
pub enum Stop {
    Shutdown,
    Closed,
}

pub async fn first_reply<T>(rx: oneshot::Receiver<T>, limit: Duration) -> Outcome<T> {
    match timeout(limit, rx).await {
        Ok(Ok(v)) => Outcome::Reply(v),
        Ok(Err(_)) => Outcome::Dropped,
        Err(_) => Outcome::TimedOut,
    }
}

pub async fn drain_until(mut rx: mpsc::Receiver<u64>, mut shutdown: oneshot::Receiver<()>) -> (u64, Stop) {
    let mut sum = 0;
    loop {
        tokio::select! {
            biased;
            _ = &mut shutdown => return (sum, Stop::Shutdown),
            msg = rx.recv() => match msg {
                Some(n) => sum += n,
                None => return (sum, Stop::Closed),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reply_in_time() {
        let (tx, rx) = oneshot::channel();
        tx.send(42).unwrap();
        assert_eq!(first_reply(rx, Duration::from_millis(50)).await, Outcome::Reply(42));
    }

    #[tokio::test]
    async fn reply_too_late_or_never() {
        let (_tx, rx) = oneshot::channel::<u8>();
        let started = tokio::time::Instant::now();
        assert_eq!(first_reply(rx, Duration::from_millis(20)).await, Outcome::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(20));

        let (tx, rx) = oneshot::channel::<u8>();
        drop(tx);
        assert_eq!(first_reply(rx, Duration::from_secs(5)).await, Outcome::Dropped);
    }

    #[tokio::test]
    async fn drains_until_closed() {
        let (tx, rx) = mpsc::channel(8);
        let (_stop_tx, stop_rx) = oneshot::channel();
        for n in [1, 2, 3] {
            tx.send(n).await.unwrap();
        }
        drop(tx);
        assert_eq!(drain_until(rx, stop_rx).await, (6, Stop::Closed));
    }

    #[tokio::test]
    async fn shutdown_wins_when_both_are_ready() {
        let (tx, rx) = mpsc::channel(8);
        let (stop_tx, stop_rx) = oneshot::channel();
        tx.send(10).await.unwrap();
        stop_tx.send(()).unwrap();
        assert_eq!(drain_until(rx, stop_rx).await, (0, Stop::Shutdown));
    }

    #[tokio::test]
    async fn shutdown_while_running() {
        let (tx, rx) = mpsc::channel(8);
        let (stop_tx, stop_rx) = oneshot::channel();
        let task = tokio::spawn(drain_until(rx, stop_rx));
        tx.send(5).await.unwrap();
        tx.send(7).await.unwrap();
        // wait until the messages are consumed (capacity is back to full)
        while tx.capacity() < 8 {
            tokio::task::yield_now().await;
        }
        stop_tx.send(()).unwrap();
        assert_eq!(task.await.unwrap(), (12, Stop::Shutdown));
    }
}
