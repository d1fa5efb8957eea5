use std::cell::RefCell;
use std::rc::Rc;

struct Noisy {
    name: &'static str,
    log: Rc<RefCell<Vec<&'static str>>>,
}

// TODO: implement Drop for Noisy, pushing its name onto the log.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_order_and_moves() {
        let log = Rc::new(RefCell::new(Vec::new()));
        {
            let _a = Noisy { name: "a", log: Rc::clone(&log) };
            let b = Noisy { name: "b", log: Rc::clone(&log) };
            let _c = Noisy { name: "c", log: Rc::clone(&log) };
            drop(b);
            assert_eq!(*log.borrow(), ["b"]);
        }
        assert_eq!(*log.borrow(), ["b", "c", "a"]);
    }
}
