//! Publish/subscribe commands: PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
//! PUNSUBSCRIBE. Messages then arrive through the connection's queue (see
//! [`crate::pubsub`]); these commands only change the registrations and
//! confirm each one with a `[kind, name, count]` array.

use super::{CmdError, Ctx};
use crate::pubsub::mailbox;
use crate::reply;

pub(super) fn publish(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    let n = ctx.shared.pubsub.publish(args[1], args[2]);
    reply::int(ctx.out, n as i64);
    Ok(())
}

fn confirm(ctx: &mut Ctx, kind: &str, name: Option<&[u8]>) {
    let count = ctx.session.channels.len() + ctx.session.patterns.len();
    reply::array(ctx.out, 3);
    reply::bulk(ctx.out, kind.as_bytes());
    match name {
        Some(n) => reply::bulk(ctx.out, n),
        None => reply::null(ctx.out),
    }
    reply::int(ctx.out, count as i64);
}

fn join(ctx: &mut Ctx, names: &[&[u8]], pattern: bool) {
    let tx = ctx
        .session
        .push_tx
        .get_or_insert_with(|| {
            let (tx, rx) = mailbox();
            ctx.session.push_rx = Some(rx);
            tx
        })
        .clone();
    for name in names {
        let set = if pattern {
            &mut ctx.session.patterns
        } else {
            &mut ctx.session.channels
        };
        if set.insert(name.to_vec()) {
            ctx.shared
                .pubsub
                .subscribe(ctx.session.id, name, pattern, &tx);
        }
        confirm(
            ctx,
            if pattern { "psubscribe" } else { "subscribe" },
            Some(name),
        );
    }
}

fn leave(ctx: &mut Ctx, names: &[&[u8]], pattern: bool) {
    let kind = if pattern {
        "punsubscribe"
    } else {
        "unsubscribe"
    };
    let names: Vec<Vec<u8>> = if names.is_empty() {
        let set = if pattern {
            &ctx.session.patterns
        } else {
            &ctx.session.channels
        };
        set.iter().cloned().collect()
    } else {
        names.iter().map(|n| n.to_vec()).collect()
    };
    if names.is_empty() {
        confirm(ctx, kind, None);
        return;
    }
    for name in names {
        let set = if pattern {
            &mut ctx.session.patterns
        } else {
            &mut ctx.session.channels
        };
        if set.remove(&name) {
            ctx.shared
                .pubsub
                .unsubscribe(ctx.session.id, &name, pattern);
        }
        confirm(ctx, kind, Some(&name));
    }
}

pub(super) fn subscribe(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    join(ctx, &args[1..], false);
    Ok(())
}

pub(super) fn psubscribe(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    join(ctx, &args[1..], true);
    Ok(())
}

pub(super) fn unsubscribe(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    leave(ctx, &args[1..], false);
    Ok(())
}

pub(super) fn punsubscribe(ctx: &mut Ctx, args: &[&[u8]]) -> Result<(), CmdError> {
    leave(ctx, &args[1..], true);
    Ok(())
}
