#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
//! Helpers shared by the integration tests: start a server on port 0, talk
//! raw bytes to it.

use std::net::SocketAddr;
use std::time::Duration;

use net::{Config, Server, ServerHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

pub struct Running {
    pub handle: ServerHandle,
    pub task: JoinHandle<()>,
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    pub async fn stop(self) {
        self.handle.shutdown();
        self.task.await.unwrap();
    }
}

/// A test configuration: a free port, in memory.
pub fn config() -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    }
}

pub async fn start(config: Config) -> Running {
    let server = Server::bind(config).await.unwrap();
    let handle = server.handle();
    let task = tokio::spawn(server.run());
    Running { handle, task }
}

/// Send `request`, then read until exactly `want.len()` bytes came back
/// and compare.
pub async fn exchange(socket: &mut TcpStream, request: &[u8], want: &[u8]) {
    socket.write_all(request).await.unwrap();
    let got = read_n(socket, want.len()).await;
    assert_eq!(
        got.escape_ascii().to_string(),
        want.escape_ascii().to_string()
    );
}

pub async fn read_n(socket: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut got = vec![0; n];
    tokio::time::timeout(Duration::from_secs(30), socket.read_exact(&mut got))
        .await
        .expect("no reply within 30 s")
        .unwrap();
    got
}

/// Everything the server sends until it closes the connection.
pub async fn read_to_close(socket: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(120), socket.read_to_end(&mut got))
        .await
        .expect("connection not closed within 120 s")
        .unwrap();
    got
}
