use tokio::sync::broadcast;

#[derive(Debug, PartialEq)]
pub enum Event {
    Msg(String),
    Missed(u64),
    Closed,
}

pub struct Hub {
    tx: broadcast::Sender<String>,
}

pub struct Subscriber {
    rx: broadcast::Receiver<String>,
}

impl Hub {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Hub { tx }
    }

    pub fn subscribe(&self) -> Subscriber {
        Subscriber { rx: self.tx.subscribe() }
    }

    pub fn publish(&self, msg: &str) -> usize {
        self.tx.send(msg.to_string()).unwrap()
    }
}

impl Subscriber {
    pub async fn next(&mut self) -> Event {
        match self.rx.recv().await {
            Ok(m) => Event::Msg(m),
            Err(_) => Event::Closed,
        }
    }

    pub fn drain(&mut self) -> (Vec<String>, u64) {
        todo!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_subscriber_gets_every_message() {
        let hub = Hub::new(8);
        assert_eq!(hub.publish("nobody listens"), 0);
        let mut a = hub.subscribe();
        let mut b = hub.subscribe();
        assert_eq!(hub.publish("one"), 2);
        assert_eq!(hub.publish("two"), 2);
        assert_eq!(a.next().await, Event::Msg("one".into()));
        assert_eq!(a.next().await, Event::Msg("two".into()));
        assert_eq!(b.drain(), (vec!["one".to_string(), "two".to_string()], 0));
        assert_eq!(b.drain(), (vec![], 0));
    }

    #[tokio::test]
    async fn slow_subscribers_are_told_what_they_missed() {
        let hub = Hub::new(2);
        let mut slow = hub.subscribe();
        for m in ["m1", "m2", "m3", "m4", "m5"] {
            hub.publish(m);
        }
        assert_eq!(slow.next().await, Event::Missed(3));
        assert_eq!(slow.next().await, Event::Msg("m4".into()));
        assert_eq!(slow.next().await, Event::Msg("m5".into()));

        let mut slower = hub.subscribe();
        for i in 0..10 {
            hub.publish(&format!("x{i}"));
        }
        assert_eq!(slower.drain(), (vec!["x8".to_string(), "x9".to_string()], 8));
    }

    #[tokio::test]
    async fn closed_after_the_hub_is_gone() {
        let hub = Hub::new(4);
        let mut s = hub.subscribe();
        hub.publish("last words");
        drop(hub);
        assert_eq!(s.next().await, Event::Msg("last words".into()));
        assert_eq!(s.next().await, Event::Closed);
        assert_eq!(s.drain(), (vec![], 0));
    }
}
