use std::any::Any;
use std::thread;

#[derive(Debug, PartialEq)]
pub struct Report {
    pub results: Vec<Option<u64>>,
    pub log: Vec<String>,
}

pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

pub fn supervise<F>(jobs: &[u64], max_restarts: u32, work: F) -> Report
where
    F: Fn(u64, u32) -> u64 + Send + Sync + Clone + 'static,
{
    let mut report = Report { results: Vec::new(), log: Vec::new() };
    for (i, &job) in jobs.iter().enumerate() {
        let mut result = None;
        for attempt in 1..=max_restarts + 1 {
            let work = work.clone();
            let handle = thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn(move || work(job, attempt))
                .expect("spawning a thread");
            match handle.join() {
                Ok(v) => {
                    result = Some(v);
                    break;
                }
                Err(payload) => report
                    .log
                    .push(format!("job {i} attempt {attempt}: {}", panic_message(payload.as_ref()))),
            }
        }
        report.results.push(result);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_from_payloads() {
        let p = thread::spawn(|| panic!("static text")).join().unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "static text");
        let n = 7;
        let p = thread::spawn(move || panic!("formatted {n}")).join().unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "formatted 7");
        let p = thread::spawn(|| std::panic::panic_any(42u8)).join().unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "unknown panic");
    }

    #[test]
    fn restarts_until_success_or_give_up() {
        // Job 5 fails on its first attempt, job 13 always fails.
        let work = |job: u64, attempt: u32| {
            if job == 13 {
                panic!("unlucky");
            }
            if job == 5 && attempt == 1 {
                panic!("flaky start");
            }
            job * 10
        };
        let r = supervise(&[1, 5, 13, 2], 2, work);
        assert_eq!(r.results, vec![Some(10), Some(50), None, Some(20)]);
        assert_eq!(
            r.log,
            vec![
                "job 1 attempt 1: flaky start",
                "job 2 attempt 1: unlucky",
                "job 2 attempt 2: unlucky",
                "job 2 attempt 3: unlucky",
            ]
        );
    }

    #[test]
    fn workers_are_named() {
        let r = supervise(&[0, 0], 0, |_, _| {
            let name = thread::current().name().unwrap_or("").to_string();
            name.trim_start_matches("worker-").parse::<u64>().unwrap() + 100
        });
        assert_eq!(r.results, vec![Some(100), Some(101)]);
        assert!(r.log.is_empty());
        assert_eq!(supervise(&[], 3, |j, _| j), Report { results: vec![], log: vec![] });
    }
}
