//! Connection commands: PING, ECHO, AUTH, SELECT, QUIT, CLIENT.

use super::{CmdError, Ctx, int_arg};
use crate::reply;
use crate::stats::lock;

pub(super) fn ping(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    if args.len() > 2 {
        return Err(CmdError::Msg(
            "ERR wrong number of arguments for 'ping' command".into(),
        ));
    }
    if ctx.session.subscribed() {
        // A subscribed RESP2 connection only carries arrays.
        reply::array(ctx.out, 2);
        reply::bulk(ctx.out, b"pong");
        reply::bulk(ctx.out, args.get(1).copied().unwrap_or(b""));
    } else {
        match args.get(1) {
            Some(msg) => reply::bulk(ctx.out, msg),
            None => reply::simple(ctx.out, "PONG"),
        }
    }
    Ok(())
}

pub(super) fn echo(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    reply::bulk(ctx.out, args[1]);
    Ok(())
}

/// `AUTH password` or `AUTH default password` (the Redis 6 form with the
/// only user there is). The comparison takes the same time wherever the
/// first difference is, so timing does not reveal the password.
pub(super) fn auth(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let Some(want) = ctx.shared.config.requirepass.as_deref() else {
        return Err(CmdError::Msg(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?".into(),
        ));
    };
    let given = match args {
        [_, password] => *password,
        [_, user, password] if user.eq_ignore_ascii_case(b"default") => *password,
        [_, _, _] => b"\x00not the password" as &[u8],
        _ => return Err(CmdError::Syntax),
    };
    if constant_time_eq(given, want.as_bytes()) {
        ctx.session.authed = true;
        reply::ok(ctx.out);
        Ok(())
    } else {
        Err(CmdError::Msg(
            "WRONGPASS invalid username-password pair or user is disabled.".into(),
        ))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0));
    }
    diff == 0
}

/// One database, number 0, as a Redis cluster node has.
pub(super) fn select(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    match int_arg(args[1])? {
        0 => {
            reply::ok(ctx.out);
            Ok(())
        }
        _ => Err(CmdError::Msg("ERR DB index is out of range".into())),
    }
}

pub(super) fn quit(ctx: &mut Ctx, _args: &[&[u8]]) -> Result<(), CmdError> {
    ctx.session.quit = true;
    reply::ok(ctx.out);
    Ok(())
}

/// `CLIENT SETNAME name | GETNAME | ID | SETINFO attr value | LIST`.
pub(super) fn client(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let sub = args[1].to_ascii_uppercase();
    let wrong = || {
        CmdError::Msg(format!(
            "ERR wrong number of arguments for 'client|{}' command",
            String::from_utf8_lossy(&sub).to_lowercase()
        ))
    };
    match sub.as_slice() {
        b"SETNAME" => {
            let [_, _, name] = args else {
                return Err(wrong());
            };
            if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
                return Err(CmdError::Msg(
                    "ERR Client names cannot contain spaces, newlines or special characters."
                        .into(),
                ));
            }
            if let Some(entry) = &ctx.session.entry {
                let name = String::from_utf8_lossy(name).into_owned();
                lock(&entry.state).name = if name.is_empty() { None } else { Some(name) };
            }
            reply::ok(ctx.out);
        }
        b"GETNAME" => {
            if args.len() != 2 {
                return Err(wrong());
            }
            let name = ctx
                .session
                .entry
                .as_ref()
                .and_then(|e| lock(&e.state).name.clone());
            match name {
                Some(n) => reply::bulk(ctx.out, n.as_bytes()),
                None => reply::null(ctx.out),
            }
        }
        b"ID" => reply::int(ctx.out, ctx.session.id as i64),
        // Client libraries announce themselves; nothing to keep.
        b"SETINFO" => {
            if args.len() != 4 {
                return Err(wrong());
            }
            reply::ok(ctx.out);
        }
        b"LIST" => {
            let mut text = String::new();
            for c in ctx.shared.metrics.clients() {
                text.push_str(&format!(
                    "id={} addr={} name={} age={} idle={} cmd={}\n",
                    c.id,
                    c.addr,
                    c.name.unwrap_or_default(),
                    c.age.as_secs(),
                    c.idle.as_secs(),
                    c.last_command.unwrap_or_else(|| "NULL".into())
                ));
            }
            reply::bulk(ctx.out, text.as_bytes());
        }
        _ => {
            return Err(CmdError::Msg(format!(
                "ERR unknown subcommand '{}'. Try CLIENT HELP.",
                String::from_utf8_lossy(args[1])
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn constant_time_eq_compares_fully() {
        assert!(super::constant_time_eq(b"secret", b"secret"));
        assert!(!super::constant_time_eq(b"secret", b"secreT"));
        assert!(!super::constant_time_eq(b"secret", b"secret2"));
        assert!(!super::constant_time_eq(b"", b"x"));
    }
}
