//! What the server exposes to watch it: counters, connected clients and a
//! bounded log of recent commands. The TUI pane and INFO read these.
//!
//! Counters are atomics bumped once per batch of pipelined commands, not
//! once per command; the client list and the log sit behind short std
//! mutexes, never held across an `.await`.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::broadcast;

/// What happened, for a pane that wants to wake when something does
/// rather than poll: subscribe with [`crate::ServerHandle::events`].
/// Commands are not events (at a million a second they would be noise):
/// sample [`ServerStats::commands_processed`] and read the log instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerEvent {
    Connected {
        id: u64,
        addr: SocketAddr,
    },
    Closed {
        id: u64,
    },
    /// A client over `max_clients` was turned away.
    Rejected {
        addr: SocketAddr,
    },
    /// `Server::run` has finished: every connection is closed.
    Stopped,
}

/// One connected client, as the pane lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    pub id: u64,
    pub addr: SocketAddr,
    /// Set with CLIENT SETNAME.
    pub name: Option<String>,
    /// Time since the connection was accepted.
    pub age: Duration,
    /// Time since the last command (or since connecting).
    pub idle: Duration,
    /// The last command's name, lower case (`get`).
    pub last_command: Option<String>,
    pub commands: u64,
}

/// One command, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCommand {
    /// Increases by one per logged command: ask for those after the last
    /// one you saw with [`crate::ServerHandle::recent_commands`].
    pub seq: u64,
    pub at: SystemTime,
    pub client: u64,
    pub addr: SocketAddr,
    /// The command and its arguments, quoted like redis-cli and shortened.
    pub text: String,
}

/// A snapshot of the whole server, cheap enough for every UI tick.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerStats {
    pub addr: SocketAddr,
    pub uptime: Duration,
    pub clients: Vec<ClientInfo>,
    /// Commands run since start, over TCP and UDP. Sample it twice and
    /// divide by the time between for commands per second.
    pub commands_processed: u64,
    pub connections_received: u64,
    /// Connections refused because `max_clients` were connected.
    pub connections_rejected: u64,
    pub udp_requests: u64,
    pub keys: usize,
    pub expired_keys: u64,
    /// Bytes of keys and values held.
    pub data_bytes: usize,
    /// Resident memory of the whole process, where the OS tells it.
    pub rss_bytes: Option<u64>,
    pub pubsub_channels: usize,
    pub pubsub_patterns: usize,
    /// `"log"` when persisting through the kv engine, `"memory"` otherwise.
    pub storage: String,
}

pub(crate) struct ClientEntry {
    pub id: u64,
    pub addr: SocketAddr,
    pub connected: Instant,
    pub state: Mutex<ClientState>,
}

#[derive(Default)]
pub(crate) struct ClientState {
    pub name: Option<String>,
    pub last_command: Option<&'static str>,
    pub last_at: Option<Instant>,
    pub commands: u64,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is a few field updates that leave the
    // data valid at each step, so a poisoned lock is still consistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Counters and registries shared by the whole server.
pub(crate) struct Metrics {
    pub started: Instant,
    pub commands: AtomicU64,
    pub connections: AtomicU64,
    pub rejected: AtomicU64,
    pub udp_requests: AtomicU64,
    next_id: AtomicU64,
    clients: Mutex<BTreeMap<u64, Arc<ClientEntry>>>,
    log: Mutex<VecDeque<LoggedCommand>>,
    log_capacity: usize,
    log_seq: AtomicU64,
    pub events: broadcast::Sender<ServerEvent>,
}

impl Metrics {
    pub fn new(log_capacity: usize) -> Self {
        Metrics {
            started: Instant::now(),
            commands: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            udp_requests: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            clients: Mutex::new(BTreeMap::new()),
            log: Mutex::new(VecDeque::with_capacity(log_capacity)),
            log_capacity,
            log_seq: AtomicU64::new(0),
            // A receiver that falls 256 events behind skips ahead (Lagged).
            events: broadcast::channel(256).0,
        }
    }

    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn register(&self, id: u64, addr: SocketAddr) -> Arc<ClientEntry> {
        let entry = Arc::new(ClientEntry {
            id,
            addr,
            connected: Instant::now(),
            state: Mutex::new(ClientState::default()),
        });
        lock(&self.clients).insert(id, entry.clone());
        // No receiver is fine: nobody is watching.
        let _ = self.events.send(ServerEvent::Connected { id, addr });
        entry
    }

    pub fn unregister(&self, id: u64) {
        lock(&self.clients).remove(&id);
        let _ = self.events.send(ServerEvent::Closed { id });
    }

    pub fn clients(&self) -> Vec<ClientInfo> {
        let now = Instant::now();
        let entries: Vec<Arc<ClientEntry>> = lock(&self.clients).values().cloned().collect();
        entries
            .iter()
            .map(|e| {
                let s = lock(&e.state);
                ClientInfo {
                    id: e.id,
                    addr: e.addr,
                    name: s.name.clone(),
                    age: now.duration_since(e.connected),
                    idle: now.duration_since(s.last_at.unwrap_or(e.connected)),
                    last_command: s.last_command.map(str::to_string),
                    commands: s.commands,
                }
            })
            .collect()
    }

    pub fn log_enabled(&self) -> bool {
        self.log_capacity > 0
    }

    /// Append a batch of commands (client id, address, text) to the log.
    pub fn log_commands(
        &self,
        client: u64,
        addr: SocketAddr,
        texts: impl ExactSizeIterator<Item = String>,
    ) {
        if self.log_capacity == 0 {
            return;
        }
        let at = SystemTime::now();
        let mut log = lock(&self.log);
        for text in texts {
            if log.len() == self.log_capacity {
                log.pop_front();
            }
            let seq = self.log_seq.fetch_add(1, Ordering::Relaxed) + 1;
            log.push_back(LoggedCommand {
                seq,
                at,
                client,
                addr,
                text,
            });
        }
    }

    pub fn recent(&self, after: u64) -> Vec<LoggedCommand> {
        lock(&self.log)
            .iter()
            .filter(|c| c.seq > after)
            .cloned()
            .collect()
    }
}

/// Resident set size of this process, from `/proc/self/statm` on Linux.
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Render a command like redis-cli's MONITOR: words quoted, bytes outside
/// printable ASCII escaped, at most `max` characters.
pub fn command_text<'a>(args: impl Iterator<Item = &'a [u8]>, max: usize) -> String {
    let mut text = String::new();
    for (i, arg) in args.enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push('"');
        for b in arg.iter().flat_map(|b| std::ascii::escape_default(*b)) {
            if text.len() >= max {
                text.push_str("...");
                return text;
            }
            text.push(char::from(b));
        }
        text.push('"');
        if text.len() >= max {
            break;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_only_the_latest() {
        let m = Metrics::new(3);
        let addr: SocketAddr = ([127, 0, 0, 1], 1).into();
        m.log_commands(1, addr, (0..5).map(|i| i.to_string()));
        let recent = m.recent(0);
        assert_eq!(
            recent.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            ["2", "3", "4"]
        );
        assert_eq!(m.recent(4).len(), 1);
    }

    #[test]
    fn command_text_escapes_and_shortens() {
        let args: [&[u8]; 2] = [b"SET", b"a\nb"];
        assert_eq!(command_text(args.into_iter(), 100), r#""SET" "a\nb""#);
        let long = [0u8; 100];
        let t = command_text(std::iter::once(&long[..]), 20);
        assert!(t.len() <= 24 && t.ends_with("..."), "{t}");
    }
}
