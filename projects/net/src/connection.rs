//! One task per TCP connection: read bytes, run every whole command in the
//! buffer, write all their replies in one go, repeat.
//!
//! Pipelining falls out of that loop: a client that sends 16 commands
//! before reading gets 16 replies, in order, usually in one `write` (with
//! TCP_NODELAY, so a lone reply is not held back by Nagle's algorithm).
//! Memory per connection stays bounded: the read buffer holds at most one
//! command past the parser's limits, and the reply buffer is written out
//! whenever it passes [`FLUSH_AT`] bytes, so a client pipelining GETs of
//! a large value without reading stalls itself instead of growing us.
//!
//! The task ends when the client closes, sends QUIT, sends a malformed
//! frame (it gets `-ERR Protocol error: ...` first), stays silent past the
//! idle timeout, or the server shuts down; in the last case the commands
//! already read still run and their replies are sent.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::Instant;
use tracing::debug;

use crate::cmd::{self, Ctx, Session, Transport};
use crate::pubsub::{Inbox, Push};
use crate::reply;
use crate::request::{Parsed, RequestParser};
use crate::server::Shared;
use crate::stats::{self, lock};

/// Write replies out once this many bytes are waiting.
pub(crate) const FLUSH_AT: usize = 64 * 1024;
/// Read in pieces of at least this size.
const READ_CHUNK: usize = 4 * 1024;
/// Buffers that grew past this for one large value are freed afterwards.
const KEEP_CAPACITY: usize = 64 * 1024;
/// Longest command text kept in the log.
const LOG_TEXT: usize = 120;
/// Commands of one pipelined batch written to the log verbatim; the rest
/// are summed up in one entry, so a benchmark does not pay for formatting
/// log lines nobody can read at that rate.
const LOG_PER_BATCH: usize = 4;

/// Tell a client over the connection limit why it is being closed.
pub(crate) async fn refuse(mut socket: TcpStream) {
    let _ = socket
        .write_all(b"-ERR max number of clients reached\r\n")
        .await;
    let _ = socket.shutdown().await;
}

pub(crate) async fn serve(
    socket: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let id = shared.metrics.next_id();
    let entry = shared.metrics.register(id, peer);
    let authed = shared.config.requirepass.is_none();
    let mut session = Session::new(id, Transport::Tcp, authed, Some(entry));
    let mut conn = Connection {
        socket,
        buf: BytesMut::new(),
        out: Vec::new(),
        parser: RequestParser::new(shared.config.limits),
        peer,
    };
    if let Err(e) = conn.socket.set_nodelay(true) {
        debug!(%peer, "TCP_NODELAY: {e}");
    }
    match conn.run(&shared, &mut session, stop).await {
        Ok(()) => debug!(%peer, "connection closed"),
        Err(e) => debug!(%peer, "connection ended: {e}"),
    }
    session.leave_all(&shared);
    shared.metrics.unregister(id);
}

struct Connection {
    socket: TcpStream,
    buf: BytesMut,
    out: Vec<u8>,
    parser: RequestParser,
    peer: SocketAddr,
}

/// What ended the wait for input.
enum Wake {
    Read(usize),
    Push(Push),
    Idle,
    Stop,
}

impl Connection {
    async fn run(
        &mut self,
        shared: &Shared,
        session: &mut Session,
        mut stop: watch::Receiver<bool>,
    ) -> std::io::Result<()> {
        let idle_timeout = shared.config.idle_timeout;
        let mut stopping = *stop.borrow();
        let mut last_read = Instant::now();
        // Far in the future when there is no timeout; the branch is off then.
        let first = last_read + idle_timeout.unwrap_or(Duration::from_secs(86_400));
        let mut idle = std::pin::pin!(tokio::time::sleep_until(first));
        loop {
            let open = self.run_commands(shared, session).await?;
            self.flush().await?;
            if !open {
                self.linger().await;
                return Ok(());
            }
            if session.quit || stopping {
                let _ = self.socket.shutdown().await;
                return Ok(());
            }
            self.shrink();
            if self.buf.capacity() - self.buf.len() < READ_CHUNK / 2 {
                self.buf.reserve(READ_CHUNK.max(self.parser.progress()));
            }
            let wake = tokio::select! {
                read = self.socket.read_buf(&mut self.buf) => Wake::Read(read?),
                Some(push) = next_push(&mut session.push_rx) => Wake::Push(push),
                _ = &mut idle, if idle_timeout.is_some() && !session.subscribed() => Wake::Idle,
                _ = stop.wait_for(|&s| s), if !stopping => Wake::Stop,
            };
            match wake {
                Wake::Read(0) => {
                    if !self.buf.is_empty() {
                        debug!(peer = %self.peer, "closed in the middle of a command");
                    }
                    return Ok(());
                }
                Wake::Read(_) => last_read = Instant::now(),
                Wake::Push(push) => {
                    encode_push(&mut self.out, push);
                    // Take whatever else is queued, for one write.
                    while self.out.len() < FLUSH_AT {
                        match session.push_rx.as_mut().and_then(Inbox::try_recv) {
                            Some(push) => encode_push(&mut self.out, push),
                            None => break,
                        }
                    }
                }
                Wake::Idle => {
                    // The timer is armed once per timeout period, not per
                    // request: when it fires, see whether a read came since.
                    let due = last_read + idle_timeout.unwrap_or_default();
                    if due > Instant::now() {
                        idle.as_mut().reset(due);
                        continue;
                    }
                    debug!(peer = %self.peer, "idle timeout");
                    return Ok(());
                }
                // Finish what was read, reply, then close (next round).
                Wake::Stop => stopping = true,
            }
        }
    }

    /// Run every whole command in the buffer. `Ok(false)`: a protocol
    /// error was answered and the connection must close.
    async fn run_commands(
        &mut self,
        shared: &Shared,
        session: &mut Session,
    ) -> std::io::Result<bool> {
        let mut ran = 0u64;
        let mut last = None;
        let mut log: Vec<String> = Vec::new();
        let logging = shared.metrics.log_enabled();
        let now = Instant::now();
        let mut open = true;
        loop {
            match self.parser.next(&self.buf) {
                Ok(Some(Parsed::Command(used))) => {
                    let args: Vec<&[u8]> = self.parser.args(&self.buf).collect();
                    if logging && log.len() < LOG_PER_BATCH {
                        log.push(stats::command_text(args.iter().copied(), LOG_TEXT));
                    }
                    let mut ctx = Ctx {
                        shared,
                        session: &mut *session,
                        out: &mut self.out,
                        now,
                    };
                    if let Some(name) = cmd::execute(&mut ctx, &args) {
                        last = Some(name);
                    }
                    drop(args);
                    ran += 1;
                    self.buf.advance(used);
                    self.parser.reset();
                    if session.quit {
                        break;
                    }
                    if self.out.len() >= FLUSH_AT {
                        self.flush().await?;
                    }
                }
                Ok(Some(Parsed::Nothing(used))) => {
                    self.buf.advance(used);
                    self.parser.reset();
                }
                Ok(None) => {
                    // Each argument is within the limits, but a command of a
                    // million 16 MiB arguments would still be too much.
                    let max = shared.config.max_request_bytes;
                    if self.buf.len() > max {
                        reply::error(
                            &mut self.out,
                            &format!("ERR Protocol error: request larger than {max} bytes"),
                        );
                        open = false;
                    }
                    break;
                }
                Err(e) => {
                    reply::error(&mut self.out, &format!("ERR Protocol error: {e}"));
                    open = false;
                    break;
                }
            }
        }
        if ran > 0 {
            shared.metrics.commands.fetch_add(ran, Ordering::Relaxed);
            if let Some(entry) = &session.entry {
                let mut s = lock(&entry.state);
                s.commands += ran;
                s.last_at = Some(std::time::Instant::now());
                if last.is_some() {
                    s.last_command = last;
                }
            }
            if logging {
                let more = ran as usize - log.len();
                if more > 0 {
                    log.push(format!("... and {more} more pipelined commands"));
                }
                shared
                    .metrics
                    .log_commands(session.id, self.peer, log.into_iter());
            }
        }
        Ok(open)
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        if !self.out.is_empty() {
            self.socket.write_all(&self.out).await?;
            self.out.clear();
        }
        Ok(())
    }

    /// After a protocol error: send FIN, then read and discard what the
    /// client is still sending, for a bounded time and amount. Closing with
    /// unread bytes would send a reset instead, and the client's kernel may
    /// then drop our error reply before the client reads it.
    async fn linger(&mut self) {
        let _ = self.socket.shutdown().await;
        let drain = async {
            let mut scratch = [0u8; 8192];
            let mut left: usize = 64 * 1024 * 1024;
            while left > 0 {
                match self.socket.read(&mut scratch).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => left = left.saturating_sub(n),
                }
            }
        };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), drain).await;
    }

    /// Give back memory a single large command or reply needed.
    fn shrink(&mut self) {
        if self.out.capacity() > KEEP_CAPACITY {
            self.out = Vec::new();
        }
        if self.buf.is_empty() && self.buf.capacity() > KEEP_CAPACITY {
            self.buf = BytesMut::new();
        }
    }
}

async fn next_push(rx: &mut Option<Inbox>) -> Option<Push> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

fn encode_push(out: &mut Vec<u8>, push: Push) {
    match push {
        Push::Message { channel, payload } => {
            reply::array(out, 3);
            reply::bulk(out, b"message");
            reply::bulk(out, &channel);
            reply::bulk(out, &payload);
        }
        Push::PMessage {
            pattern,
            channel,
            payload,
        } => {
            reply::array(out, 4);
            reply::bulk(out, b"pmessage");
            reply::bulk(out, &pattern);
            reply::bulk(out, &channel);
            reply::bulk(out, &payload);
        }
    }
}
