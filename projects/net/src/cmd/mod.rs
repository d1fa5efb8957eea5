//! Commands: one table of every command the server knows, and [`execute`],
//! which checks a request against it and runs the command.
//!
//! Each command is a function of the same shape, `fn(&mut Ctx, &[&[u8]])`,
//! grouped one file per family (strings, keys, expiry, pub/sub, connection,
//! server). It parses its arguments first and changes nothing when they are
//! wrong, then applies itself and writes its reply into `ctx.out`. The
//! table rather than one big `match` is deliberate: the same rows answer
//! COMMAND (name, arity, flags, key positions), drive the generic checks
//! Redis does before any command runs (unknown name, arity, AUTH, subscribed
//! mode, UDP), and give `net client` its completion list.

mod connection;
mod expiry;
mod keys;
mod pubsub;
mod server;
mod strings;

use std::collections::BTreeSet;
use std::sync::Arc;

use tokio::time::Instant;

use crate::keyspace::{IncrError, StorageError};
use crate::pubsub::{Inbox, Mailbox};
use crate::reply;
use crate::server::Shared;
use crate::stats::ClientEntry;

/// How a request arrived; some commands only make sense on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Tcp,
    Udp,
}

/// What a connection remembers between commands.
pub(crate) struct Session {
    pub id: u64,
    pub transport: Transport,
    pub authed: bool,
    /// Set by QUIT: reply, flush, close.
    pub quit: bool,
    pub entry: Option<Arc<ClientEntry>>,
    pub channels: BTreeSet<Vec<u8>>,
    pub patterns: BTreeSet<Vec<u8>>,
    /// Created on the first SUBSCRIBE: the queue PUBLISH fills.
    pub push_tx: Option<Mailbox>,
    pub push_rx: Option<Inbox>,
}

impl Session {
    pub fn new(
        id: u64,
        transport: Transport,
        authed: bool,
        entry: Option<Arc<ClientEntry>>,
    ) -> Self {
        Session {
            id,
            transport,
            authed,
            quit: false,
            entry,
            channels: BTreeSet::new(),
            patterns: BTreeSet::new(),
            push_tx: None,
            push_rx: None,
        }
    }

    /// In RESP2 a client with any subscription may only (un)subscribe,
    /// PING and QUIT.
    pub fn subscribed(&self) -> bool {
        !self.channels.is_empty() || !self.patterns.is_empty()
    }

    /// Leave every channel and pattern (the connection is closing).
    pub fn leave_all(&mut self, shared: &Shared) {
        for c in std::mem::take(&mut self.channels) {
            shared.pubsub.unsubscribe(self.id, &c, false);
        }
        for p in std::mem::take(&mut self.patterns) {
            shared.pubsub.unsubscribe(self.id, &p, true);
        }
    }
}

/// Everything a command may touch.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub session: &'a mut Session,
    pub out: &'a mut Vec<u8>,
    /// One clock reading per batch, so expiry is decided consistently and
    /// tests can control it with `tokio::time::pause`.
    pub now: Instant,
}

/// A command refused; the reply is the error line, and nothing changed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CmdError {
    #[error("ERR syntax error")]
    Syntax,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("{0}")]
    Msg(String),
    #[error("ERR {0}")]
    Storage(#[from] StorageError),
}

impl From<IncrError> for CmdError {
    fn from(e: IncrError) -> Self {
        match e {
            IncrError::NotInteger => CmdError::NotInteger,
            IncrError::Overflow => {
                CmdError::Msg("ERR increment or decrement would overflow".into())
            }
            IncrError::Storage(e) => CmdError::Storage(e),
        }
    }
}

pub(crate) type Run = fn(&mut Ctx, &[&[u8]]) -> Result<(), CmdError>;

/// One row of the command table.
pub(crate) struct Spec {
    /// Lower case, as COMMAND reports it.
    pub name: &'static str,
    /// Argument count including the name; negative means "at least".
    pub arity: i32,
    pub flags: &'static [&'static str],
    /// First key, last key (-1: the last argument), step: for COMMAND.
    pub keys: (i32, i32, i32),
    pub run: Run,
    /// Allowed without AUTH.
    pub no_auth: bool,
    /// Allowed while subscribed.
    pub in_subscribe: bool,
    /// Allowed over UDP (one datagram in, one out, no session).
    pub udp: bool,
}

const fn spec(
    name: &'static str,
    arity: i32,
    flags: &'static [&'static str],
    keys: (i32, i32, i32),
    run: Run,
) -> Spec {
    Spec {
        name,
        arity,
        flags,
        keys,
        run,
        no_auth: false,
        in_subscribe: false,
        udp: true,
    }
}

const W: &[&str] = &["write", "denyoom"];
const R: &[&str] = &["readonly", "fast"];
const WF: &[&str] = &["write", "denyoom", "fast"];
const F: &[&str] = &["fast"];
const NONE: (i32, i32, i32) = (0, 0, 0);
const KEY: (i32, i32, i32) = (1, 1, 1);
const ALL: (i32, i32, i32) = (1, -1, 1);

/// Every command, most frequent first (the lookup is a linear scan).
pub(crate) static COMMANDS: &[Spec] = &[
    spec("get", 2, R, KEY, strings::get),
    spec("set", -3, W, KEY, strings::set),
    spec("incr", 2, WF, KEY, strings::incr),
    spec("decr", 2, WF, KEY, strings::decr),
    spec("incrby", 3, WF, KEY, strings::incrby),
    spec("decrby", 3, WF, KEY, strings::decrby),
    spec("mget", -2, R, ALL, strings::mget),
    spec("mset", -3, W, (1, -1, 2), strings::mset),
    spec("append", 3, W, KEY, strings::append),
    spec("strlen", 2, R, KEY, strings::strlen),
    spec("del", -2, &["write"], ALL, keys::del),
    spec("exists", -2, R, ALL, keys::exists),
    spec("type", 2, R, KEY, keys::type_),
    spec("keys", 2, &["readonly"], NONE, keys::keys),
    spec("scan", -2, &["readonly"], NONE, keys::scan),
    spec("dbsize", 1, R, NONE, keys::dbsize),
    spec("flushdb", -1, &["write"], NONE, keys::flushdb),
    spec("expire", 3, WF, KEY, expiry::expire),
    spec("pexpire", 3, WF, KEY, expiry::pexpire),
    spec("ttl", 2, R, KEY, expiry::ttl),
    spec("pttl", 2, R, KEY, expiry::pttl),
    spec("persist", 2, WF, KEY, expiry::persist),
    spec("publish", 3, &["pubsub", "fast"], NONE, pubsub::publish),
    Spec {
        in_subscribe: true,
        udp: false,
        ..spec(
            "subscribe",
            -2,
            &["pubsub", "noscript"],
            NONE,
            pubsub::subscribe,
        )
    },
    Spec {
        in_subscribe: true,
        udp: false,
        ..spec(
            "unsubscribe",
            -1,
            &["pubsub", "noscript"],
            NONE,
            pubsub::unsubscribe,
        )
    },
    Spec {
        in_subscribe: true,
        udp: false,
        ..spec(
            "psubscribe",
            -2,
            &["pubsub", "noscript"],
            NONE,
            pubsub::psubscribe,
        )
    },
    Spec {
        in_subscribe: true,
        udp: false,
        ..spec(
            "punsubscribe",
            -1,
            &["pubsub", "noscript"],
            NONE,
            pubsub::punsubscribe,
        )
    },
    Spec {
        in_subscribe: true,
        ..spec("ping", -1, F, NONE, connection::ping)
    },
    spec("echo", 2, F, NONE, connection::echo),
    Spec {
        no_auth: true,
        udp: false,
        ..spec(
            "auth",
            -2,
            &["noscript", "loading", "stale", "fast", "no_auth"],
            NONE,
            connection::auth,
        )
    },
    spec(
        "select",
        2,
        &["loading", "stale", "fast"],
        NONE,
        connection::select,
    ),
    Spec {
        no_auth: true,
        in_subscribe: true,
        udp: false,
        ..spec("quit", -1, &["fast", "no_auth"], NONE, connection::quit)
    },
    Spec {
        udp: false,
        ..spec(
            "client",
            -2,
            &["noscript", "loading", "stale"],
            NONE,
            connection::client,
        )
    },
    spec("info", -1, &["loading", "stale"], NONE, server::info),
    spec(
        "config",
        -2,
        &["admin", "noscript", "loading", "stale"],
        NONE,
        server::config,
    ),
    spec("command", -1, &["loading", "stale"], NONE, server::command),
];

/// The table row for a command name, ignoring case.
pub(crate) fn lookup(name: &[u8]) -> Option<&'static Spec> {
    COMMANDS
        .iter()
        .find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Names of every command, for completion in `net client`.
pub fn names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|s| s.name)
}

/// Run one request (`args[0]` is the command name), writing its reply.
/// Returns the command's name for the client list, if it was known.
pub(crate) fn execute(ctx: &mut Ctx, args: &[&[u8]]) -> Option<&'static str> {
    let &name = args.first()?;
    let Some(spec) = lookup(name) else {
        let mut msg = format!(
            "ERR unknown command '{}', with args beginning with: ",
            shown(name)
        );
        for a in &args[1..] {
            msg.push_str(&format!("'{}' ", shown(a)));
        }
        reply::error(ctx.out, &msg);
        return None;
    };
    if let Some(text) = refusal(ctx, spec, args.len()) {
        reply::error(ctx.out, &text);
        return Some(spec.name);
    }
    if let Err(e) = (spec.run)(ctx, args) {
        reply::error(ctx.out, &e.to_string());
    }
    Some(spec.name)
}

/// The checks Redis makes before running any command, in its order.
fn refusal(ctx: &Ctx, spec: &Spec, argc: usize) -> Option<String> {
    if ctx.session.transport == Transport::Udp && !spec.udp {
        return Some(format!(
            "ERR '{}' is not available over UDP, use TCP",
            spec.name
        ));
    }
    if !ctx.session.authed && !spec.no_auth {
        return Some("NOAUTH Authentication required.".into());
    }
    let arity_ok = if spec.arity >= 0 {
        argc == spec.arity as usize
    } else {
        argc >= spec.arity.unsigned_abs() as usize
    };
    if !arity_ok {
        return Some(format!(
            "ERR wrong number of arguments for '{}' command",
            spec.name
        ));
    }
    if ctx.session.subscribed() && !spec.in_subscribe {
        return Some(format!(
            "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            spec.name
        ));
    }
    None
}

/// At most 128 bytes of an argument, lossily as text, for error messages.
fn shown(arg: &[u8]) -> String {
    String::from_utf8_lossy(&arg[..arg.len().min(128)]).into_owned()
}

/// An integer argument, strictly parsed.
pub(crate) fn int_arg(arg: &[u8]) -> Result<i64, CmdError> {
    crate::frame::parse_int(arg).ok_or(CmdError::NotInteger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for s in COMMANDS {
            assert_eq!(s.name, s.name.to_ascii_lowercase());
            assert!(seen.insert(s.name), "{} twice", s.name);
        }
        assert!(lookup(b"GeT").is_some());
        assert!(lookup(b"nope").is_none());
    }
}
