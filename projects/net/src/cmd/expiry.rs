//! Expiry commands: EXPIRE, PEXPIRE, TTL, PTTL, PERSIST.

use super::{CmdError, Ctx, int_arg};
use crate::reply;

/// EXPIRE and PEXPIRE: a time not in the future deletes the key at once,
/// as in Redis.
fn expire_common(ctx: &mut Ctx, args: &[&[u8]], unit_ms: u64, cmd: &str) -> Result<(), CmdError> {
    let amount = int_arg(args[2])?;
    let at = if amount <= 0 {
        ctx.now
    } else {
        super::strings::deadline(amount, unit_ms, false, ctx.now, cmd)?
    };
    let done = ctx
        .shared
        .keyspace()
        .set_expiry(args[1], Some(at), ctx.now)?;
    reply::int(ctx.out, i64::from(done));
    Ok(())
}

pub(super) fn expire(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    expire_common(ctx, args, 1000, "expire")
}

pub(super) fn pexpire(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    expire_common(ctx, args, 1, "pexpire")
}

/// -2 for a missing key, -1 for no expiry, else the time left.
fn ttl_common(ctx: &mut Ctx, key: &[u8], in_ms: bool) -> Result<(), CmdError> {
    let n = match ctx.shared.keyspace().ttl(key, ctx.now) {
        None => -2,
        Some(None) => -1,
        Some(Some(left)) if in_ms => left.as_millis() as i64,
        // Rounded to the nearest second, as Redis does.
        Some(Some(left)) => ((left.as_millis() + 500) / 1000) as i64,
    };
    reply::int(ctx.out, n);
    Ok(())
}

pub(super) fn ttl(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    ttl_common(ctx, args[1], false)
}

pub(super) fn pttl(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    ttl_common(ctx, args[1], true)
}

pub(super) fn persist(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let mut ks = ctx.shared.keyspace();
    let had_deadline = matches!(ks.ttl(args[1], ctx.now), Some(Some(_)));
    if had_deadline {
        ks.set_expiry(args[1], None, ctx.now)?;
    }
    reply::int(ctx.out, i64::from(had_deadline));
    Ok(())
}
