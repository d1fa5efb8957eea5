//! UDP on the same port as TCP: one command per datagram, one datagram back.
//!
//! The rules, since a datagram is delivered whole or not at all and has no
//! connection to keep state on:
//!
//! - A datagram holds exactly one command, RESP (`*1\r\n$4\r\nPING\r\n`) or
//!   inline (`PING\r\n`, or without the line ending). A partial command or
//!   bytes after the command get an error, never a wait.
//! - Requests are read into a 64 KiB buffer, larger than any UDP payload
//!   (65,507 bytes over IPv4), so a request is never silently cut.
//! - A reply longer than `udp_max_reply` bytes (default
//!   [`DEFAULT_MAX_REPLY`] = 1,400, under a 1,500-byte Ethernet MTU so the
//!   datagram is never fragmented) is not sent; the client gets
//!   `-ERR reply of N bytes is over the UDP limit of M bytes; use TCP`
//!   instead, and nothing is cut.
//! - Commands that need a session (SUBSCRIBE and friends, AUTH, QUIT,
//!   CLIENT) are refused. With `requirepass` set, UDP cannot authenticate,
//!   so every UDP request gets `-NOAUTH`.
//!
//! Everything else (PING, GET, SET, INCR, PUBLISH, INFO...) runs exactly as
//! over TCP, against the same keyspace.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::time::Instant;
use tracing::warn;

use crate::cmd::{self, Ctx, Session, Transport};
use crate::reply;
use crate::request::{Parsed, RequestParser};
use crate::server::Shared;

/// The default largest reply datagram, in bytes.
pub const DEFAULT_MAX_REPLY: usize = 1400;

pub(crate) async fn serve(socket: UdpSocket, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = Vec::new();
    loop {
        let (n, from) = tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok(pair) => pair,
                Err(e) => {
                    // On Linux an ICMP "port unreachable" for an earlier
                    // reply shows up here; it concerns that peer only.
                    warn!("UDP receive: {e}");
                    continue;
                }
            },
            _ = stop.wait_for(|&s| s) => return,
        };
        out.clear();
        answer(&shared, &buf[..n], &mut out);
        if let Err(e) = socket.send_to(&out, from).await {
            warn!(%from, "UDP reply: {e}");
        }
    }
}

/// The reply datagram for one request datagram.
pub(crate) fn answer(shared: &Shared, datagram: &[u8], out: &mut Vec<u8>) {
    shared.metrics.udp_requests.fetch_add(1, Ordering::Relaxed);
    let mut parser = RequestParser::new(shared.config.limits);
    // A bare `PING` with no line ending is a whole request over UDP.
    let with_newline;
    let datagram = if !datagram.starts_with(b"*") && !datagram.ends_with(b"\n") {
        with_newline = [datagram, b"\r\n"].concat();
        &with_newline[..]
    } else {
        datagram
    };
    match parser.next(datagram) {
        Ok(Some(Parsed::Command(used))) if used == datagram.len() => {
            let args: Vec<&[u8]> = parser.args(datagram).collect();
            let mut session =
                Session::new(0, Transport::Udp, shared.config.requirepass.is_none(), None);
            let mut ctx = Ctx {
                shared,
                session: &mut session,
                out,
                now: Instant::now(),
            };
            cmd::execute(&mut ctx, &args);
            shared.metrics.commands.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Some(_)) => reply::error(out, "ERR one command per datagram"),
        Ok(None) => reply::error(out, "ERR Protocol error: incomplete request in datagram"),
        Err(e) => reply::error(out, &format!("ERR Protocol error: {e}")),
    }
    let max = shared.config.udp_max_reply;
    if out.len() > max {
        let len = out.len();
        out.clear();
        reply::error(
            out,
            &format!("ERR reply of {len} bytes is over the UDP limit of {max} bytes; use TCP"),
        );
    }
}
