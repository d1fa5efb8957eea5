//! Commands on the keyspace as a whole: DEL, EXISTS, TYPE, KEYS, SCAN,
//! DBSIZE, FLUSHDB.

use super::{CmdError, Ctx, int_arg};
use crate::reply;

pub(super) fn del(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let mut ks = ctx.shared.keyspace();
    let mut removed = 0;
    for key in &args[1..] {
        if ks.remove(key, ctx.now)? {
            removed += 1;
        }
    }
    reply::int(ctx.out, removed);
    Ok(())
}

pub(super) fn exists(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let mut ks = ctx.shared.keyspace();
    // A key named twice counts twice, as in Redis.
    let n = args[1..].iter().filter(|k| ks.contains(k, ctx.now)).count();
    reply::int(ctx.out, n as i64);
    Ok(())
}

pub(super) fn type_(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    // Strings are the only type this server stores.
    let found = ctx.shared.keyspace().contains(args[1], ctx.now);
    reply::simple(ctx.out, if found { "string" } else { "none" });
    Ok(())
}

pub(super) fn keys(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let found = ctx.shared.keyspace().keys(args[1], ctx.now);
    reply::array(ctx.out, found.len());
    for k in &found {
        reply::bulk(ctx.out, k);
    }
    Ok(())
}

/// `SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]`.
pub(super) fn scan(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let cursor = std::str::from_utf8(args[1])
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| CmdError::Msg("ERR invalid cursor".into()))?;
    let mut pattern = None;
    let mut count = 10usize;
    let mut only_strings = true;
    let mut i = 2;
    while i < args.len() {
        let value = args.get(i + 1).ok_or(CmdError::Syntax)?;
        match args[i].to_ascii_uppercase().as_slice() {
            b"MATCH" => pattern = Some(*value),
            b"COUNT" => {
                let n = int_arg(value)?;
                if n < 1 {
                    return Err(CmdError::Syntax);
                }
                // COUNT is how much work to do per call; cap it so one call
                // cannot hold the keyspace lock for the whole keyspace.
                count = usize::try_from(n).unwrap_or(usize::MAX).min(100_000);
            }
            b"TYPE" => only_strings = value.eq_ignore_ascii_case(b"string"),
            _ => return Err(CmdError::Syntax),
        }
        i += 2;
    }
    let (next, found) = ctx.shared.keyspace().scan(cursor, count, pattern, ctx.now);
    let found = if only_strings { found } else { Vec::new() };
    reply::array(ctx.out, 2);
    reply::bulk(ctx.out, next.to_string().as_bytes());
    reply::array(ctx.out, found.len());
    for k in &found {
        reply::bulk(ctx.out, k);
    }
    Ok(())
}

pub(super) fn dbsize(ctx: &mut Ctx, _args: &[&[u8]]) -> Result<(), CmdError> {
    let n = ctx.shared.keyspace().len();
    reply::int(ctx.out, n as i64);
    Ok(())
}

/// `FLUSHDB [ASYNC|SYNC]`: both flush at once.
pub(super) fn flushdb(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    match args.get(1).map(|a| a.to_ascii_uppercase()) {
        None => {}
        Some(mode) if mode == b"ASYNC" || mode == b"SYNC" => {}
        Some(_) => return Err(CmdError::Syntax),
    }
    if args.len() > 2 {
        return Err(CmdError::Syntax);
    }
    ctx.shared.keyspace().flush()?;
    reply::ok(ctx.out);
    Ok(())
}
