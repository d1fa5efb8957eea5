//! Publish/subscribe: which connection listens to which channel or pattern.
//!
//! Each subscribed connection owns a bounded queue ([`PUSH_QUEUE`] messages)
//! and registers its sending end here under its client id. PUBLISH looks the
//! channel up and `try_send`s to every queue: it never waits for a slow
//! subscriber. When a subscriber's queue is full the message is dropped for
//! that subscriber alone and counted (INFO `pubsub_dropped_messages`),
//! which keeps memory bounded however slowly a subscriber reads; Redis
//! instead disconnects such a client past its output-buffer limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::glob;

/// Messages a subscriber may have waiting before new ones are dropped.
pub const PUSH_QUEUE: usize = 1024;

/// A message on its way to one subscriber.
#[derive(Debug, Clone)]
pub enum Push {
    /// From a channel subscribed by name.
    Message { channel: Bytes, payload: Bytes },
    /// From a channel matching a subscribed pattern.
    PMessage {
        pattern: Bytes,
        channel: Bytes,
        payload: Bytes,
    },
}

type Subscribers = HashMap<Vec<u8>, HashMap<u64, mpsc::Sender<Push>>>;

#[derive(Default)]
struct Registry {
    channels: Subscribers,
    patterns: Subscribers,
}

/// The registry shared by all connections.
#[derive(Default)]
pub struct PubSub {
    registry: Mutex<Registry>,
    dropped: AtomicU64,
}

fn lock(m: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    // A panic while holding this lock cannot leave the maps inconsistent
    // (each change is one insert or remove), so a poisoned lock is usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PubSub {
    /// Register `tx` (client `id`) on a channel, or on a pattern.
    pub fn subscribe(&self, id: u64, name: &[u8], pattern: bool, tx: &mpsc::Sender<Push>) {
        let mut r = lock(&self.registry);
        let map = if pattern {
            &mut r.patterns
        } else {
            &mut r.channels
        };
        map.entry(name.to_vec()).or_default().insert(id, tx.clone());
    }

    pub fn unsubscribe(&self, id: u64, name: &[u8], pattern: bool) {
        let mut r = lock(&self.registry);
        let map = if pattern {
            &mut r.patterns
        } else {
            &mut r.channels
        };
        if let Some(subs) = map.get_mut(name) {
            subs.remove(&id);
            if subs.is_empty() {
                map.remove(name);
            }
        }
    }

    /// Deliver a message; how many subscribers received it.
    pub fn publish(&self, channel: &[u8], payload: &[u8]) -> usize {
        let r = lock(&self.registry);
        let channel_bytes = Bytes::copy_from_slice(channel);
        let payload = Bytes::copy_from_slice(payload);
        let mut delivered = 0;
        let mut deliver = |tx: &mpsc::Sender<Push>, push: Push| match tx.try_send(push) {
            Ok(()) => delivered += 1,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            // The connection is closing and will unsubscribe itself.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        };
        if let Some(subs) = r.channels.get(channel) {
            for tx in subs.values() {
                let push = Push::Message {
                    channel: channel_bytes.clone(),
                    payload: payload.clone(),
                };
                deliver(tx, push);
            }
        }
        for (pattern, subs) in &r.patterns {
            if glob::matches(pattern, channel) {
                let pattern = Bytes::copy_from_slice(pattern);
                for tx in subs.values() {
                    let push = Push::PMessage {
                        pattern: pattern.clone(),
                        channel: channel_bytes.clone(),
                        payload: payload.clone(),
                    };
                    deliver(tx, push);
                }
            }
        }
        delivered
    }

    /// Channels and patterns with at least one subscriber.
    pub fn counts(&self) -> (usize, usize) {
        let r = lock(&self.registry);
        (r.channels.len(), r.patterns.len())
    }

    /// Messages dropped because a subscriber's queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_for_that_subscriber_only() {
        let ps = PubSub::default();
        let (slow_tx, _slow_rx) = mpsc::channel(1);
        let (fast_tx, mut fast_rx) = mpsc::channel(10);
        ps.subscribe(1, b"news", false, &slow_tx);
        ps.subscribe(2, b"n*", true, &fast_tx);
        assert_eq!(ps.publish(b"news", b"a"), 2);
        assert_eq!(ps.publish(b"news", b"b"), 1);
        assert_eq!(ps.dropped(), 1);
        assert!(matches!(fast_rx.try_recv(), Ok(Push::PMessage { .. })));
        ps.unsubscribe(1, b"news", false);
        assert_eq!(ps.counts(), (0, 1));
        assert_eq!(ps.publish(b"other", b"c"), 0);
    }
}
