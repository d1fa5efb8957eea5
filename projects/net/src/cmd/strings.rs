//! String commands: GET, SET, INCR/DECR/INCRBY/DECRBY, MGET, MSET, APPEND,
//! STRLEN.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::{CmdError, Ctx, int_arg};
use crate::keyspace::Expiry;
use crate::reply;

pub(super) fn get(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let mut ks = ctx.shared.keyspace();
    match ks.get(args[1], ctx.now) {
        Some(v) => reply::bulk(ctx.out, v),
        None => reply::null(ctx.out),
    }
    Ok(())
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]`,
/// parsed whole before anything changes.
#[derive(Debug, Default, PartialEq, Eq)]
struct SetOptions {
    only_if_absent: bool,
    only_if_present: bool,
    get: bool,
    expiry: Option<Expiry>,
}

fn invalid_expire(cmd: &str) -> CmdError {
    CmdError::Msg(format!("ERR invalid expire time in '{cmd}' command"))
}

/// A deadline `amount` units from `now` (or at a Unix time, if `absolute`),
/// refusing zero, negative and unrepresentable times as Redis does.
pub(super) fn deadline(
    amount: i64,
    unit_ms: u64,
    absolute: bool,
    now: Instant,
    cmd: &str,
) -> Result<Instant, CmdError> {
    if amount <= 0 && !absolute {
        return Err(invalid_expire(cmd));
    }
    let ms = u64::try_from(amount)
        .map_err(|_| invalid_expire(cmd))?
        .checked_mul(unit_ms)
        .ok_or_else(|| invalid_expire(cmd))?;
    let unix_now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    // Redis keeps deadlines as Unix milliseconds in an i64: refuse what
    // would not fit there, as it does.
    let unix_deadline = if absolute {
        ms
    } else {
        ms.checked_add(unix_now)
            .ok_or_else(|| invalid_expire(cmd))?
    };
    if unix_deadline > i64::MAX as u64 {
        return Err(invalid_expire(cmd));
    }
    let from_now = Duration::from_millis(unix_deadline.saturating_sub(unix_now));
    now.checked_add(from_now).ok_or_else(|| invalid_expire(cmd))
}

fn parse_set(args: &[&[u8]], now: Instant) -> Result<SetOptions, CmdError> {
    let mut o = SetOptions::default();
    let mut i = 3;
    while i < args.len() {
        let word = args[i].to_ascii_uppercase();
        let mut timed = |unit_ms: u64, absolute: bool| -> Result<(), CmdError> {
            let value = args.get(i + 1).ok_or(CmdError::Syntax)?;
            if o.expiry.is_some() {
                return Err(CmdError::Syntax);
            }
            let n = int_arg(value)?;
            o.expiry = Some(Expiry::At(deadline(n, unit_ms, absolute, now, "set")?));
            i += 1;
            Ok(())
        };
        match word.as_slice() {
            b"NX" if !o.only_if_present => o.only_if_absent = true,
            b"XX" if !o.only_if_absent => o.only_if_present = true,
            b"GET" => o.get = true,
            b"EX" => timed(1000, false)?,
            b"PX" => timed(1, false)?,
            b"EXAT" => timed(1000, true)?,
            b"PXAT" => timed(1, true)?,
            b"KEEPTTL" if o.expiry.is_none() => o.expiry = Some(Expiry::Keep),
            _ => return Err(CmdError::Syntax),
        }
        i += 1;
    }
    Ok(o)
}

pub(super) fn set(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let o = parse_set(args, ctx.now)?;
    let (key, value) = (args[1], args[2]);
    let mut ks = ctx.shared.keyspace();
    let old = if o.get {
        ks.get(key, ctx.now).map(<[u8]>::to_vec)
    } else {
        None
    };
    let exists = if o.get {
        old.is_some()
    } else {
        ks.contains(key, ctx.now)
    };
    let allowed = !(o.only_if_absent && exists || o.only_if_present && !exists);
    if allowed {
        ks.set(
            key,
            value.to_vec(),
            o.expiry.unwrap_or(Expiry::Never),
            ctx.now,
        )?;
    }
    match (o.get, old) {
        (true, Some(old)) => reply::bulk(ctx.out, &old),
        (true, None) => reply::null(ctx.out),
        (false, _) if allowed => reply::ok(ctx.out),
        (false, _) => reply::null(ctx.out),
    }
    Ok(())
}

fn incr_common(ctx: &mut Ctx, key: &[u8], delta: i64) -> Result<(), CmdError> {
    let n = ctx.shared.keyspace().incr_by(key, delta, ctx.now)?;
    reply::int(ctx.out, n);
    Ok(())
}

pub(super) fn incr(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    incr_common(ctx, args[1], 1)
}

pub(super) fn decr(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    incr_common(ctx, args[1], -1)
}

pub(super) fn incrby(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let delta = int_arg(args[2])?;
    incr_common(ctx, args[1], delta)
}

pub(super) fn decrby(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let delta = int_arg(args[2])?;
    let negated = delta
        .checked_neg()
        .ok_or_else(|| CmdError::Msg("ERR decrement would overflow".into()))?;
    incr_common(ctx, args[1], negated)
}

pub(super) fn mget(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let mut ks = ctx.shared.keyspace();
    reply::array(ctx.out, args.len() - 1);
    for key in &args[1..] {
        match ks.get(key, ctx.now) {
            Some(v) => reply::bulk(ctx.out, v),
            None => reply::null(ctx.out),
        }
    }
    Ok(())
}

pub(super) fn mset(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    if args.len().is_multiple_of(2) {
        return Err(CmdError::Msg(
            "ERR wrong number of arguments for 'mset' command".into(),
        ));
    }
    let pairs: Vec<(&[u8], &[u8])> = args[1..].chunks_exact(2).map(|p| (p[0], p[1])).collect();
    ctx.shared.keyspace().set_many(&pairs, ctx.now)?;
    reply::ok(ctx.out);
    Ok(())
}

pub(super) fn append(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let len = ctx.shared.keyspace().append(args[1], args[2], ctx.now)?;
    reply::int(ctx.out, len as i64);
    Ok(())
}

pub(super) fn strlen(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let len = ctx
        .shared
        .keyspace()
        .get(args[1], ctx.now)
        .map_or(0, <[u8]>::len);
    reply::int(ctx.out, len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<SetOptions, CmdError> {
        let mut args: Vec<&[u8]> = vec![b"SET", b"k", b"v"];
        args.extend(words.iter().map(|w| w.as_bytes()));
        parse_set(&args, Instant::now())
    }

    #[test]
    fn set_options() {
        assert!(parse(&["nx", "get"]).is_ok_and(|o| o.only_if_absent && o.get));
        assert!(matches!(parse(&["NX", "XX"]), Err(CmdError::Syntax)));
        assert!(matches!(parse(&["EX"]), Err(CmdError::Syntax)));
        assert!(matches!(
            parse(&["EX", "1", "PX", "5"]),
            Err(CmdError::Syntax)
        ));
        assert!(matches!(parse(&["EX", "x"]), Err(CmdError::NotInteger)));
        assert!(matches!(parse(&["EX", "0"]), Err(CmdError::Msg(_))));
        assert!(matches!(
            parse(&["PX", "9223372036854775807"]),
            Err(CmdError::Msg(_))
        ));
        assert!(matches!(
            parse(&["EX", "9223372036854775807"]),
            Err(CmdError::Msg(_))
        ));
        assert!(matches!(parse(&["bogus"]), Err(CmdError::Syntax)));
        assert!(parse(&["KEEPTTL"]).is_ok_and(|o| o.expiry == Some(Expiry::Keep)));
    }
}
