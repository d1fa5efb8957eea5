use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::thread;

pub fn count_hits(batches: Vec<Vec<String>>) -> HashMap<String, u64> {
    let counts = Rc::new(RefCell::new(HashMap::new()));
    let mut handles = Vec::new();
    for batch in batches {
        let counts = Rc::clone(&counts);
        handles.push(thread::spawn(move || {
            for page in batch {
                *counts.borrow_mut().entry(page).or_insert(0) += 1;
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    let result = counts.borrow().clone();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(pages: &[&str]) -> Vec<String> {
        pages.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn counts_from_all_threads() {
        let batches = vec![
            batch(&["/", "/about", "/"]),
            batch(&["/", "/blog"]),
            batch(&[]),
            batch(&["/blog", "/blog", "/"]),
        ];
        let c = count_hits(batches);
        assert_eq!(c["/"], 4);
        assert_eq!(c["/blog"], 3);
        assert_eq!(c["/about"], 1);
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn many_threads_lose_no_updates() {
        let batches: Vec<Vec<String>> = (0..8).map(|_| vec!["/x".to_string(); 1000]).collect();
        assert_eq!(count_hits(batches)["/x"], 8000);
        assert!(count_hits(vec![]).is_empty());
    }
}
