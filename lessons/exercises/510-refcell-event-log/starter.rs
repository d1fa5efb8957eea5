use std::cell::RefCell;
use std::rc::Rc;

#[derive(Debug, PartialEq)]
pub struct Busy;

pub struct Bus {
    log: Rc<RefCell<Vec<String>>>,
}

pub struct Subscriber {
    name: String,
    log: Rc<RefCell<Vec<String>>>,
}

impl Bus {
    pub fn new() -> Self {
        Bus { log: Rc::new(RefCell::new(Vec::new())) }
    }

    pub fn subscribe(&self, name: &str) -> Subscriber {
        todo!("subscribe {name}")
    }

    pub fn entries(&self) -> Vec<String> {
        todo!("{:?}", self.log)
    }

    pub fn handles(&self) -> usize {
        todo!()
    }

    /// Lets tests hold a borrow of the log while publishing.
    pub fn log(&self) -> &RefCell<Vec<String>> {
        &self.log
    }
}

impl Default for Bus {
    fn default() -> Self {
        Bus::new()
    }
}

impl Subscriber {
    pub fn publish(&self, msg: &str) {
        todo!("{}: {msg} into {:?}", self.name, self.log)
    }

    pub fn try_publish(&self, msg: &str) -> Result<(), Busy> {
        todo!("{}: {msg}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribers_share_one_log() {
        let bus = Bus::new();
        let editor = bus.subscribe("editor");
        let timer = bus.subscribe("timer");
        editor.publish("saved");
        timer.publish("tick");
        editor.publish("closed");
        assert_eq!(bus.entries(), vec!["editor: saved", "timer: tick", "editor: closed"]);
        assert_eq!(bus.handles(), 3);
        drop(timer);
        assert_eq!(bus.handles(), 2);
    }

    #[test]
    fn try_publish_reports_busy_instead_of_panicking() {
        let bus = Bus::new();
        let s = bus.subscribe("s");
        {
            let reading = bus.log().borrow();
            assert_eq!(s.try_publish("while reading"), Err(Busy));
            assert!(reading.is_empty());
        }
        assert_eq!(s.try_publish("later"), Ok(()));
        assert_eq!(bus.entries(), vec!["s: later"]);
    }

    #[test]
    #[should_panic]
    fn publish_while_borrowed_panics() {
        let bus = Bus::new();
        let s = bus.subscribe("s");
        let _reading = bus.log().borrow();
        s.publish("boom");
    }
}
