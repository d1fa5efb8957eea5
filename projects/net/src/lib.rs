//! Phase 3: a tokio server and client speaking RESP2, the Redis protocol.
//!
//! Bytes flow bottom up. [`frame`] parses and encodes RESP values with
//! limits; [`request`] finds commands in a connection's read buffer;
//! `connection` runs them one task per client and writes the replies back
//! in batches; `cmd` holds the command table and one file per command
//! family; `keyspace` is the data, written through to the Phase 2 `kv`
//! engine; `pubsub` routes messages; `udp` answers datagrams on the same
//! port; [`server`] binds, accepts and shuts down. On the other side,
//! [`client`] and [`bench`] speak to any Redis-protocol server, and [`cli`]
//! is `net serve | client | bench` (also `megarepo net ...`).
//!
//! Running a server on an existing runtime and watching it:
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use net::{Client, Config, Server};
//! let server = Server::bind(Config { addr: "127.0.0.1:0".parse()?, ..Config::default() }).await?;
//! let handle = server.handle();
//! let running = tokio::spawn(server.run());
//!
//! let mut client = Client::connect(handle.local_addr()).await?;
//! assert_eq!(client.command(&["INCR", "visits"]).await?.to_string(), "(integer) 1");
//! assert_eq!(handle.stats().clients.len(), 1);
//!
//! handle.shutdown();
//! running.await?;
//! # Ok(()) }
//! ```

pub mod bench;
pub mod cli;
pub mod client;
mod cmd;
mod connection;
pub mod frame;
mod glob;
mod keyspace;
mod pubsub;
mod reply;
pub mod request;
pub mod server;
mod stats;
pub mod udp;

pub use bench::{BenchOptions, BenchProgress, BenchReport, BenchResult, BenchTest};
pub use client::{Client, ClientError, Reply};
pub use frame::{Frame, FrameError, Limits};
pub use glob::matches as glob_matches;
pub use request::{Parsed, RequestError, RequestParser};
pub use server::{Config, Server, ServerError, ServerHandle, Storage};
pub use stats::{ClientInfo, LoggedCommand, ServerEvent, ServerStats};

/// Names of every command the server knows (for completion and help).
pub fn command_names() -> impl Iterator<Item = &'static str> {
    cmd::names()
}

/// The README's examples, compiled by `cargo test --doc` so they cannot
/// drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
