//! The server: settings, start-up, the accept loop and shutdown.
//!
//! [`Server::bind`] opens the storage and binds TCP and UDP on the same
//! port (port 0 picks a free one; [`Server::local_addr`] says which).
//! [`Server::run`] then accepts connections until [`ServerHandle::shutdown`]
//! is called, spawning one task per connection ([`crate::connection`]),
//! plus one task for UDP and one for active expiry. A semaphore caps the
//! connections; a refused client gets an error line, not a hung socket.
//!
//! Shutdown: the accept loop stops, every connection finishes the commands
//! it has already read, sends their replies and closes, and `run` waits
//! for them (up to `shutdown_grace`) before flushing the storage engine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::{info, warn};

use crate::frame::Limits;
use crate::keyspace::Keyspace;
use crate::pubsub::PubSub;
use crate::stats::{self, LoggedCommand, Metrics, ServerEvent, ServerStats};
use crate::{connection, udp};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// Only in memory: gone when the server stops.
    Memory,
    /// Written through to a `kv::LogEngine` in this folder and loaded back
    /// at start. `Durability::Always` would fsync inside a runtime thread
    /// on every write, so only `Every` and `Never` are accepted.
    Dir {
        path: PathBuf,
        durability: kv::Durability,
    },
}

/// Server settings. `Config::default()` listens on 127.0.0.1:6379, in
/// memory, without a password.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub addr: SocketAddr,
    pub storage: Storage,
    /// Clients must AUTH with this before any other command.
    pub requirepass: Option<String>,
    /// Connections beyond this are told so and closed.
    pub max_clients: usize,
    /// Close a connection silent for this long (subscribers excepted).
    pub idle_timeout: Option<Duration>,
    pub limits: Limits,
    /// Largest single command, all arguments together (Redis's
    /// `client-query-buffer-limit`); a longer one is a protocol error.
    pub max_request_bytes: usize,
    /// Answer single-datagram requests on the same port.
    pub udp: bool,
    /// Largest UDP reply; a longer one is replaced by an error (see
    /// [`crate::udp`]).
    pub udp_max_reply: usize,
    /// How many recent commands to keep for the log (0: none).
    pub command_log: usize,
    /// How long shutdown waits for connections to finish.
    pub shutdown_grace: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 6379)),
            storage: Storage::Memory,
            requirepass: None,
            max_clients: 10_000,
            idle_timeout: Some(Duration::from_secs(300)),
            limits: Limits::default(),
            max_request_bytes: 64 * 1024 * 1024,
            udp: true,
            udp_max_reply: udp::DEFAULT_MAX_REPLY,
            command_log: 256,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open the store in {path}: {source}")]
    Open {
        path: PathBuf,
        source: kv::OpenError,
    },
    #[error("cannot load the store in {path}: {source}")]
    Load {
        path: PathBuf,
        source: crate::keyspace::StorageError,
    },
    #[error(
        "durability `always` would fsync on the async runtime for every write; use every:MS or never"
    )]
    Durability,
    #[error("the store-opening task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// State every connection shares.
pub(crate) struct Shared {
    pub config: Config,
    pub addr: SocketAddr,
    keyspace: Mutex<Keyspace>,
    pub pubsub: PubSub,
    pub metrics: Metrics,
}

impl Shared {
    /// The keyspace, locked. Held for one command's work and never across
    /// an `.await`: a std mutex is cheaper than tokio's here (the tokio
    /// tutorial makes the same choice for its shared database).
    pub fn keyspace(&self) -> MutexGuard<'_, Keyspace> {
        // Keyspace methods finish their updates before anything can panic
        // (they only index slots they just found), so poison is ignored.
        self.keyspace.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn stats(&self) -> ServerStats {
        let (keys, expired, data_bytes, storage) = {
            let ks = self.keyspace();
            let storage = ks.engine().map_or("memory", |e| e.name()).to_string();
            (ks.len(), ks.expired_total(), ks.data_bytes(), storage)
        };
        let (channels, patterns) = self.pubsub.counts();
        let m = &self.metrics;
        use std::sync::atomic::Ordering::Relaxed;
        ServerStats {
            addr: self.addr,
            uptime: m.started.elapsed(),
            clients: m.clients(),
            commands_processed: m.commands.load(Relaxed),
            connections_received: m.connections.load(Relaxed),
            connections_rejected: m.rejected.load(Relaxed),
            udp_requests: m.udp_requests.load(Relaxed),
            keys,
            expired_keys: expired,
            data_bytes,
            rss_bytes: stats::rss_bytes(),
            pubsub_channels: channels,
            pubsub_patterns: patterns,
            storage,
        }
    }

    /// The settings CONFIG GET reports, by their Redis names.
    pub fn settings(&self) -> Vec<(String, String)> {
        let c = &self.config;
        let (dir, appendonly, fsync) = match &c.storage {
            Storage::Memory => (String::new(), "no", String::from("no")),
            Storage::Dir { path, durability } => {
                (path.display().to_string(), "yes", durability.to_string())
            }
        };
        let pairs: [(&str, String); 14] = [
            ("bind", self.addr.ip().to_string()),
            ("port", self.addr.port().to_string()),
            ("maxclients", c.max_clients.to_string()),
            (
                "timeout",
                c.idle_timeout.map_or(0, |d| d.as_secs()).to_string(),
            ),
            ("requirepass", c.requirepass.clone().unwrap_or_default()),
            ("dir", dir),
            ("appendonly", appendonly.into()),
            ("appendfsync", fsync),
            // No snapshots: persistence is the write-through log.
            ("save", String::new()),
            ("databases", "1".into()),
            ("proto-max-bulk-len", c.limits.max_bulk_len.to_string()),
            (
                "proto-max-multibulk-len",
                c.limits.max_array_len.to_string(),
            ),
            ("client-query-buffer-limit", c.max_request_bytes.to_string()),
            ("hz", "10".into()),
        ];
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

/// A bound server, not yet running.
pub struct Server {
    shared: Arc<Shared>,
    listener: TcpListener,
    udp: Option<UdpSocket>,
    stop_tx: watch::Sender<bool>,
    done_tx: watch::Sender<bool>,
}

/// A cheap, cloneable handle to watch and stop a running server.
#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
    stop_tx: watch::Sender<bool>,
    done_rx: watch::Receiver<bool>,
}

impl Server {
    /// Open the storage and bind TCP (and UDP) on `config.addr`.
    pub async fn bind(config: Config) -> Result<Server, ServerError> {
        let keyspace = match &config.storage {
            Storage::Memory => Keyspace::new(None),
            Storage::Dir { path, durability } => {
                if *durability == kv::Durability::Always {
                    return Err(ServerError::Durability);
                }
                let (path, durability) = (path.clone(), *durability);
                let now = tokio::time::Instant::now();
                // Opening replays the log from disk: blocking work.
                tokio::task::spawn_blocking(move || {
                    let engine =
                        kv::LogEngine::open(&path, kv::Options::with_durability(durability))
                            .map_err(|source| ServerError::Open {
                                path: path.clone(),
                                source,
                            })?;
                    Keyspace::load(Arc::new(engine), now)
                        .map_err(|source| ServerError::Load { path, source })
                })
                .await??
            }
        };
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: config.addr,
            source,
        })?;
        let udp = if config.udp {
            Some(
                UdpSocket::bind(addr)
                    .await
                    .map_err(|source| ServerError::Bind { addr, source })?,
            )
        } else {
            None
        };
        let shared = Arc::new(Shared {
            metrics: Metrics::new(config.command_log),
            config,
            addr,
            keyspace: Mutex::new(keyspace),
            pubsub: PubSub::default(),
        });
        let (stop_tx, _) = watch::channel(false);
        let (done_tx, _) = watch::channel(false);
        Ok(Server {
            shared,
            listener,
            udp,
            stop_tx,
            done_tx,
        })
    }

    /// The address bound, with the real port when 0 was asked for.
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.addr
    }

    pub fn handle(&self) -> ServerHandle {
        ServerHandle {
            shared: self.shared.clone(),
            stop_tx: self.stop_tx.clone(),
            done_rx: self.done_tx.subscribe(),
        }
    }

    /// Serve until [`ServerHandle::shutdown`]; returns once every
    /// connection has finished (or the grace period ran out) and the
    /// storage is flushed.
    pub async fn run(self) {
        let Server {
            shared,
            listener,
            udp,
            stop_tx,
            done_tx,
        } = self;
        let stop = stop_tx.subscribe();
        let mut tasks = JoinSet::new();
        tasks.spawn(active_expiry(shared.clone(), stop.clone()));
        if let Some(socket) = udp {
            tasks.spawn(udp::serve(socket, shared.clone(), stop.clone()));
        }
        let mut connections = JoinSet::new();
        accept_loop(&listener, &shared, stop, &mut connections).await;
        drop(listener); // refuse new clients from here on
        let drained = tokio::time::timeout(shared.config.shutdown_grace, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            warn!(
                left = connections.len(),
                "shutdown grace period over; closing the remaining connections"
            );
            connections.shutdown().await;
        }
        tasks.shutdown().await;
        let engine = shared.keyspace().engine().cloned();
        if let Some(engine) = engine {
            match tokio::task::spawn_blocking(move || engine.flush()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => warn!("flushing the store at shutdown failed: {e}"),
                Err(e) => warn!("the flushing task failed: {e}"),
            }
        }
        info!(addr = %shared.addr, "server stopped");
        let _ = shared.metrics.events.send(ServerEvent::Stopped);
        let _ = done_tx.send(true);
    }
}

async fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    connections: &mut JoinSet<()>,
) {
    let permits = Arc::new(Semaphore::new(shared.config.max_clients));
    let mut backoff = Duration::from_millis(100);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|&s| s) => return,
            // Reap finished connection tasks so the set stays small.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let (socket, peer) = match accepted {
            Ok(pair) => {
                backoff = Duration::from_millis(100);
                pair
            }
            Err(e) => {
                // Out of file descriptors (EMFILE) or memory: retrying at
                // once would spin at 100% CPU, giving up would stop the
                // server over a passing condition. Wait, longer each time.
                warn!("accept failed: {e}; retrying in {} ms", backoff.as_millis());
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.wait_for(|&s| s) => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        shared
            .metrics
            .connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                connections.spawn(connection::serve(
                    socket,
                    peer,
                    shared.clone(),
                    stop.clone(),
                    permit,
                ));
            }
            Err(_) => {
                shared
                    .metrics
                    .rejected
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let _ = shared
                    .metrics
                    .events
                    .send(ServerEvent::Rejected { addr: peer });
                connections.spawn(connection::refuse(socket));
            }
        }
    }
}

/// Ten times a second, remove keys whose deadline has passed, at most
/// 10,000 per round so the keyspace lock is never held for long; a round
/// that hit the cap runs again at once (after yielding).
async fn active_expiry(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|&s| s) => return,
        }
        loop {
            let removed = shared
                .keyspace()
                .expire_due(tokio::time::Instant::now(), 10_000);
            if removed < 10_000 {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// Ask the server to stop; [`Server::run`] returns when it has.
    pub fn shutdown(&self) {
        let _ = self.stop_tx.send(true);
    }

    /// Wait until the server has stopped.
    pub async fn stopped(&self) {
        let mut done = self.done_rx.clone();
        let _ = done.wait_for(|&d| d).await;
    }

    /// A snapshot of counters, clients and sizes.
    pub fn stats(&self) -> ServerStats {
        self.shared.stats()
    }

    /// Connections opening and closing, rejections, and the stop, as they
    /// happen. Subscribe before acting if no event may be missed.
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<ServerEvent> {
        self.shared.metrics.events.subscribe()
    }

    /// Logged commands with `seq` above `after` (0 for all kept), oldest
    /// first.
    pub fn recent_commands(&self, after: u64) -> Vec<LoggedCommand> {
        self.shared.metrics.recent(after)
    }
}
