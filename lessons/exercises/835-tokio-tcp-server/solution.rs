use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

type Counters = Arc<Mutex<HashMap<String, i64>>>;

pub fn reply(counters: &Counters, line: &str) -> String {
    let mut words = line.split_whitespace();
    let mut map = counters.lock().unwrap();
    match (words.next(), words.next(), words.next()) {
        (Some("INCR"), Some(key), None) => {
            let v = map.entry(key.to_string()).or_insert(0);
            *v += 1;
            v.to_string()
        }
        (Some("GET"), Some(key), None) => map.get(key).copied().unwrap_or(0).to_string(),
        _ => "ERR".to_string(),
    }
}

async fn handle(stream: TcpStream, counters: Counters) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Some(line) = lines.next_line().await? {
        let mut out = reply(&counters, &line); // the lock is released here
        out.push('\n');
        write.write_all(out.as_bytes()).await?;
    }
    Ok(())
}

pub async fn serve(listener: TcpListener, mut shutdown: oneshot::Receiver<()>) -> io::Result<usize> {
    let counters: Counters = Arc::default();
    let mut accepted = 0;
    loop {
        tokio::select! {
            _ = &mut shutdown => return Ok(accepted),
            conn = listener.accept() => {
                let (stream, _peer) = conn?;
                accepted += 1;
                let counters = Arc::clone(&counters);
                tokio::spawn(async move {
                    // A client that disconnects abruptly is not the server's error.
                    let _ = handle(stream, counters).await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    async fn start() -> (std::net::SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<io::Result<usize>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel();
        (addr, tx, tokio::spawn(serve(listener, rx)))
    }

    async fn session(addr: std::net::SocketAddr, script: impl Into<String>) -> String {
        let script: String = script.into();
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(script.as_bytes()).await.unwrap();
        s.shutdown().await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[test]
    fn replies() {
        let c: Counters = Arc::default();
        assert_eq!(reply(&c, "GET a"), "0");
        assert_eq!(reply(&c, "INCR a"), "1");
        assert_eq!(reply(&c, "INCR a"), "2");
        assert_eq!(reply(&c, "GET a"), "2");
        assert_eq!(reply(&c, "INCR"), "ERR");
        assert_eq!(reply(&c, "GET a b"), "ERR");
        assert_eq!(reply(&c, "DEL a"), "ERR");
        assert_eq!(reply(&c, ""), "ERR");
    }

    #[tokio::test]
    async fn one_client() {
        let (addr, stop, server) = start().await;
        let out = session(addr, "INCR x\nINCR x\nGET x\nGET y\nNOPE\n").await;
        assert_eq!(out, "1\n2\n2\n0\nERR\n");
        stop.send(()).unwrap();
        assert_eq!(server.await.unwrap().unwrap(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_clients_share_state() {
        let (addr, stop, server) = start().await;
        let script = "INCR hits\n".repeat(50);
        let clients: Vec<_> = (0..8).map(|_| tokio::spawn(session(addr, script.clone()))).collect();
        for c in clients {
            let out = c.await.unwrap();
            assert_eq!(out.lines().count(), 50);
        }
        assert_eq!(session(addr, "GET hits\n").await, "400\n");
        stop.send(()).unwrap();
        assert_eq!(server.await.unwrap().unwrap(), 9);
    }
}
