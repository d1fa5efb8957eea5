//! Server commands: INFO, CONFIG GET, COMMAND. Every figure is read from
//! the running server, never a constant pretending to be one.

use std::fmt::Write as _;

use super::{COMMANDS, CmdError, Ctx, Spec, lookup};
use crate::glob;
use crate::reply;

/// The sections INFO prints, in order.
const SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "keyspace",
];

pub(super) fn info(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let wanted: Vec<String> = args[1..]
        .iter()
        .map(|a| String::from_utf8_lossy(a).to_lowercase())
        .collect();
    let everything = wanted.is_empty()
        || wanted
            .iter()
            .any(|w| w == "all" || w == "everything" || w == "default");
    let text = info_text(ctx, |s| everything || wanted.iter().any(|w| w == s));
    reply::bulk(ctx.out, text.as_bytes());
    Ok(())
}

/// The INFO text for the sections `include` accepts.
pub(crate) fn info_text(ctx: &Ctx, include: impl Fn(&str) -> bool) -> String {
    let shared = ctx.shared;
    let stats = shared.stats();
    let mut t = String::new();
    for &section in SECTIONS.iter().filter(|s| include(s)) {
        if !t.is_empty() {
            t.push_str("\r\n");
        }
        let _ = writeln!(t, "# {}{}\r", section[..1].to_uppercase(), &section[1..]);
        let lines: Vec<(&str, String)> = match section {
            "server" => vec![
                // Clients read the version to choose features; we speak the
                // RESP2 command set of Redis 7.0.
                ("redis_version", "7.0.0".into()),
                ("server_name", "megarepo-net".into()),
                ("server_version", env!("CARGO_PKG_VERSION").into()),
                ("redis_mode", "standalone".into()),
                ("process_id", std::process::id().to_string()),
                ("tcp_port", stats.addr.port().to_string()),
                ("uptime_in_seconds", stats.uptime.as_secs().to_string()),
                (
                    "uptime_in_days",
                    (stats.uptime.as_secs() / 86_400).to_string(),
                ),
            ],
            "clients" => vec![
                ("connected_clients", stats.clients.len().to_string()),
                ("maxclients", shared.config.max_clients.to_string()),
                ("blocked_clients", "0".into()),
            ],
            "memory" => vec![
                ("used_memory_dataset", stats.data_bytes.to_string()),
                ("used_memory_dataset_human", human(stats.data_bytes as u64)),
                ("used_memory_rss", stats.rss_bytes.unwrap_or(0).to_string()),
                ("used_memory_rss_human", human(stats.rss_bytes.unwrap_or(0))),
            ],
            "persistence" => vec![
                ("loading", "0".into()),
                ("storage_engine", stats.storage.clone()),
                (
                    "aof_enabled",
                    u8::from(stats.storage != "memory").to_string(),
                ),
            ],
            "stats" => vec![
                (
                    "total_connections_received",
                    stats.connections_received.to_string(),
                ),
                (
                    "total_commands_processed",
                    stats.commands_processed.to_string(),
                ),
                (
                    "rejected_connections",
                    stats.connections_rejected.to_string(),
                ),
                ("expired_keys", stats.expired_keys.to_string()),
                ("udp_requests", stats.udp_requests.to_string()),
                ("pubsub_channels", stats.pubsub_channels.to_string()),
                ("pubsub_patterns", stats.pubsub_patterns.to_string()),
                (
                    "pubsub_dropped_messages",
                    shared.pubsub.dropped().to_string(),
                ),
            ],
            _ => {
                let volatile = shared.keyspace().volatile();
                if stats.keys == 0 {
                    vec![]
                } else {
                    vec![(
                        "db0",
                        format!("keys={},expires={volatile},avg_ttl=0", stats.keys),
                    )]
                }
            }
        };
        for (k, v) in lines {
            let _ = writeln!(t, "{k}:{v}\r");
        }
    }
    t
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.2}G", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.2}M", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.2}K", b as f64 / 1024.0),
        b => format!("{b}B"),
    }
}

/// `CONFIG GET pattern [pattern ...]`: the real settings, as name/value
/// pairs. CONFIG SET is refused: settings are fixed when the server starts.
pub(super) fn config(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let sub = args[1].to_ascii_uppercase();
    if sub != b"GET" {
        return Err(CmdError::Msg(format!(
            "ERR CONFIG {} is not supported: settings are fixed at start (see `net serve --help`)",
            String::from_utf8_lossy(args[1])
        )));
    }
    if args.len() < 3 {
        return Err(CmdError::Msg(
            "ERR wrong number of arguments for 'config|get' command".into(),
        ));
    }
    let settings = ctx.shared.settings();
    let found: Vec<&(String, String)> = settings
        .iter()
        .filter(|(name, _)| {
            args[2..]
                .iter()
                .any(|p| glob::matches(&p.to_ascii_lowercase(), name.as_bytes()))
        })
        .collect();
    reply::array(ctx.out, found.len() * 2);
    for (name, value) in found {
        reply::bulk(ctx.out, name.as_bytes());
        reply::bulk(ctx.out, value.as_bytes());
    }
    Ok(())
}

fn command_info(out: &mut Vec<u8>, s: &Spec) {
    reply::array(out, 7);
    reply::bulk(out, s.name.as_bytes());
    reply::int(out, i64::from(s.arity));
    reply::array(out, s.flags.len());
    for f in s.flags {
        reply::simple(out, f);
    }
    reply::int(out, i64::from(s.keys.0));
    reply::int(out, i64::from(s.keys.1));
    reply::int(out, i64::from(s.keys.2));
    reply::array(out, 0); // ACL categories: there are no ACLs
}

/// `COMMAND`, `COMMAND COUNT`, `COMMAND INFO name...`, `COMMAND DOCS`
/// (empty: redis-cli then uses its built-in help).
pub(super) fn command(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let sub = args.get(1).map(|a| a.to_ascii_uppercase());
    match sub.as_deref() {
        None => {
            reply::array(ctx.out, COMMANDS.len());
            for s in COMMANDS {
                command_info(ctx.out, s);
            }
        }
        Some(b"COUNT") => reply::int(ctx.out, COMMANDS.len() as i64),
        Some(b"INFO") => {
            reply::array(ctx.out, args.len() - 2);
            for name in &args[2..] {
                match lookup(name) {
                    Some(s) => command_info(ctx.out, s),
                    None => reply::null(ctx.out),
                }
            }
        }
        Some(b"DOCS") => reply::array(ctx.out, 0),
        Some(_) => {
            return Err(CmdError::Msg(format!(
                "ERR unknown subcommand '{}'. Try COMMAND HELP.",
                String::from_utf8_lossy(args[1])
            )));
        }
    }
    Ok(())
}
