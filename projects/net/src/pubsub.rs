//! Publish/subscribe: which connection listens to which channel or pattern.
//!
//! Each subscribed connection owns a bounded queue (at most [`PUSH_QUEUE`]
//! messages and [`PUSH_BYTES`] bytes waiting) and registers its sending end,
//! a [`Mailbox`], here under its client id. PUBLISH looks the channel up and
//! offers the message to every mailbox: it never waits for a slow
//! subscriber. When a subscriber's queue is full the message is dropped for
//! that subscriber alone and counted (INFO `pubsub_dropped_messages`),
//! which keeps memory bounded however slowly a subscriber reads and however
//! large the messages are; Redis instead disconnects such a client past its
//! output-buffer limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::glob;

/// Messages a subscriber may have waiting before new ones are dropped.
pub const PUSH_QUEUE: usize = 1024;
/// Bytes of messages a subscriber may have waiting (Redis's default hard
/// limit for pub/sub clients is 32 MB too).
pub const PUSH_BYTES: usize = 32 * 1024 * 1024;

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

impl Push {
    fn size(&self) -> usize {
        match self {
            Push::Message { channel, payload } => channel.len() + payload.len(),
            Push::PMessage {
                pattern,
                channel,
                payload,
            } => pattern.len() + channel.len() + payload.len(),
        }
    }
}

/// The sending end of a subscriber's queue, kept in the registry.
#[derive(Clone)]
pub struct Mailbox {
    tx: mpsc::Sender<Push>,
    queued: Arc<AtomicUsize>,
}

/// The receiving end, kept by the subscriber's connection.
pub struct Inbox {
    rx: mpsc::Receiver<Push>,
    queued: Arc<AtomicUsize>,
}

/// A new queue for one subscriber.
pub fn mailbox() -> (Mailbox, Inbox) {
    let (tx, rx) = mpsc::channel(PUSH_QUEUE);
    let queued = Arc::new(AtomicUsize::new(0));
    (
        Mailbox {
            tx,
            queued: queued.clone(),
        },
        Inbox { rx, queued },
    )
}

impl Mailbox {
    /// Queue a message unless the queue is full by count or by bytes.
    fn offer(&self, push: Push) -> Result<(), bool> {
        let size = push.size();
        if self.queued.load(Ordering::Relaxed) + size > PUSH_BYTES {
            return Err(true);
        }
        self.queued.fetch_add(size, Ordering::Relaxed);
        match self.tx.try_send(push) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.queued.fetch_sub(size, Ordering::Relaxed);
                Err(matches!(e, mpsc::error::TrySendError::Full(_)))
            }
        }
    }
}

impl Inbox {
    pub async fn recv(&mut self) -> Option<Push> {
        let push = self.rx.recv().await?;
        self.queued.fetch_sub(push.size(), Ordering::Relaxed);
        Some(push)
    }

    pub fn try_recv(&mut self) -> Option<Push> {
        let push = self.rx.try_recv().ok()?;
        self.queued.fetch_sub(push.size(), Ordering::Relaxed);
        Some(push)
    }
}

type Subscribers = HashMap<Vec<u8>, HashMap<u64, Mailbox>>;

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
    pub fn subscribe(&self, id: u64, name: &[u8], pattern: bool, tx: &Mailbox) {
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
        let mut deliver = |tx: &Mailbox, push: Push| match tx.offer(push) {
            Ok(()) => delivered += 1,
            Err(true) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            // The connection is closing and will unsubscribe itself.
            Err(false) => {}
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
        let (slow, _slow_inbox) = mailbox();
        let (fast, mut fast_inbox) = mailbox();
        ps.subscribe(1, b"news", false, &slow);
        ps.subscribe(2, b"n*", true, &fast);
        for _ in 0..PUSH_QUEUE {
            assert_eq!(ps.publish(b"news", b"a"), 2);
            assert!(fast_inbox.try_recv().is_some());
        }
        // The slow subscriber's queue is full by count now.
        assert_eq!(ps.publish(b"news", b"b"), 1);
        assert_eq!(ps.dropped(), 1);
        assert!(matches!(fast_inbox.try_recv(), Some(Push::PMessage { .. })));
        ps.unsubscribe(1, b"news", false);
        assert_eq!(ps.counts(), (0, 1));
        assert_eq!(ps.publish(b"other", b"c"), 0);
    }

    #[test]
    fn queued_bytes_are_bounded_too() {
        let ps = PubSub::default();
        let (tx, mut inbox) = mailbox();
        ps.subscribe(1, b"big", false, &tx);
        let payload = vec![0u8; 4 * 1024 * 1024];
        let delivered: usize = (0..10).map(|_| ps.publish(b"big", &payload)).sum();
        assert_eq!(delivered, 7); // 7 x (4 MiB + 3) fit in 32 MiB, the 8th does not
        assert_eq!(ps.dropped(), 3);
        assert!(inbox.try_recv().is_some()); // reading makes room again
        assert_eq!(ps.publish(b"big", &payload), 1);
    }
}
