use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

#[derive(Debug, PartialEq)]
pub struct StoreClosed;

enum Command {
    Set { key: String, value: String, reply: oneshot::Sender<Option<String>> },
    Get { key: String, reply: oneshot::Sender<Option<String>> },
    Len { reply: oneshot::Sender<usize> },
}

#[derive(Clone)]
pub struct KvHandle {
    tx: mpsc::Sender<Command>,
}

async fn actor(mut rx: mpsc::Receiver<Command>) -> usize {
    let mut map: HashMap<String, String> = HashMap::new();
    while let Some(cmd) = rx.recv().await {
        // A caller that gave up (dropped its oneshot receiver) is not an error here.
        match cmd {
            Command::Set { key, value, reply } => {
                let _ = reply.send(map.insert(key, value));
            }
            Command::Get { key, reply } => {
                let _ = reply.send(map.get(&key).cloned());
            }
            Command::Len { reply } => {
                let _ = reply.send(map.len());
            }
        }
    }
    map.len()
}

pub fn spawn_store() -> (KvHandle, JoinHandle<usize>) {
    let (tx, rx) = mpsc::channel(32);
    (KvHandle { tx }, tokio::spawn(actor(rx)))
}

impl KvHandle {
    async fn request<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, StoreClosed> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(make(reply)).await.map_err(|_| StoreClosed)?;
        answer.await.map_err(|_| StoreClosed)
    }

    pub async fn set(&self, key: &str, value: &str) -> Result<Option<String>, StoreClosed> {
        self.request(|reply| Command::Set { key: key.into(), value: value.into(), reply })
            .await
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, StoreClosed> {
        self.request(|reply| Command::Get { key: key.into(), reply }).await
    }

    pub async fn count(&self) -> Result<usize, StoreClosed> {
        self.request(|reply| Command::Len { reply }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn set_get_len() {
        let (kv, actor) = spawn_store();
        assert_eq!(kv.set("a", "1").await, Ok(None));
        assert_eq!(kv.set("a", "2").await, Ok(Some("1".to_string())));
        assert_eq!(kv.set("b", "3").await, Ok(None));
        assert_eq!(kv.get("a").await, Ok(Some("2".to_string())));
        assert_eq!(kv.get("zzz").await, Ok(None));
        assert_eq!(kv.count().await, Ok(2));
        drop(kv);
        assert_eq!(actor.await.unwrap(), 2, "the actor stops when the last handle is dropped");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_tasks_share_clones_of_the_handle() {
        let (kv, actor) = spawn_store();
        let mut tasks = Vec::new();
        for t in 0..8 {
            let kv = kv.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..50 {
                    kv.set(&format!("{t}-{i}"), "x").await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(kv.count().await, Ok(400));
        drop(kv);
        assert_eq!(actor.await.unwrap(), 400);
    }

    #[tokio::test]
    async fn closed_store_is_an_error() {
        let (kv, actor) = spawn_store();
        actor.abort();
        let _ = actor.await;
        assert_eq!(kv.get("a").await, Err(StoreClosed));
        assert_eq!(kv.count().await, Err(StoreClosed));
    }
}
