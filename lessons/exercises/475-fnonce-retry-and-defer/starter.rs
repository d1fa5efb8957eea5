pub struct Defer<F: FnOnce()> {
    f: Option<F>,
}

impl<F: FnOnce()> Defer<F> {
    pub fn new(f: F) -> Self {
        Defer { f: Some(f) }
    }

    pub fn cancel(mut self) {
        todo!("disarm: {}", self.f.is_some())
    }
}

impl<F: FnOnce()> Drop for Defer<F> {
    fn drop(&mut self) {
        // TODO: run the closure if it is still armed
    }
}

pub fn retry<T, E, F>(max_attempts: u32, op: F) -> Result<T, Option<E>>
where
    F: FnMut(u32) -> Result<T, E>,
{
    let _ = op;
    todo!("retry up to {max_attempts} times")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn defer_runs_at_scope_end() {
        let log = RefCell::new(Vec::new());
        {
            let _g = Defer::new(|| log.borrow_mut().push("cleanup"));
            log.borrow_mut().push("work");
        }
        assert_eq!(*log.borrow(), vec!["work", "cleanup"]);
    }

    #[test]
    fn defer_runs_on_early_return() {
        let log = RefCell::new(Vec::new());
        let f = |fail: bool| -> Result<(), ()> {
            let _g = Defer::new(|| log.borrow_mut().push("closed"));
            if fail {
                return Err(());
            }
            log.borrow_mut().push("ok");
            Ok(())
        };
        assert!(f(true).is_err());
        assert!(f(false).is_ok());
        assert_eq!(*log.borrow(), vec!["closed", "ok", "closed"]);
    }

    #[test]
    fn cancelled_defer_does_nothing_and_fnonce_can_move() {
        let log = RefCell::new(Vec::<String>::new());
        let owned = String::from("moved in");
        let g = Defer::new(|| log.borrow_mut().push(owned));
        g.cancel();
        assert!(log.borrow().is_empty());
    }

    #[test]
    fn retry_succeeds_on_a_later_attempt() {
        let mut seen = Vec::new();
        let r: Result<&str, Option<String>> = retry(5, |n| {
            seen.push(n);
            if n < 3 { Err(format!("fail {n}")) } else { Ok("up") }
        });
        assert_eq!(r, Ok("up"));
        assert_eq!(seen, vec![1, 2, 3]);
    }

    #[test]
    fn retry_gives_up_with_the_last_error() {
        let r: Result<(), Option<u32>> = retry(4, Err);
        assert_eq!(r, Err(Some(4)));
        let mut calls = 0;
        let r: Result<(), Option<u32>> = retry(0, |n| {
            calls += 1;
            Err(n)
        });
        assert_eq!(r, Err(None));
        assert_eq!(calls, 0);
    }
}
