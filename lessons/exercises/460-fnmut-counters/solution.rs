use std::collections::HashSet;

pub fn make_id_gen(start: u64, step: u64) -> impl FnMut() -> u64 {
    let mut next = start;
    move || {
        let id = next;
        next += step;
        id
    }
}

pub fn call_n<T, F: FnMut() -> T>(mut f: F, n: usize) -> Vec<T> {
    (0..n).map(|_| f()).collect()
}

pub fn make_dedup_filter() -> impl FnMut(&str) -> bool {
    let mut seen: HashSet<String> = HashSet::new();
    move |s: &str| seen.insert(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_generator_counts_by_step() {
        let mut ids = make_id_gen(100, 5);
        assert_eq!(ids(), 100);
        assert_eq!(ids(), 105);
        assert_eq!(ids(), 110);
        let mut other = make_id_gen(0, 1);
        assert_eq!(other(), 0);
        assert_eq!(ids(), 115, "each generator has its own state");
    }

    #[test]
    fn call_n_collects() {
        assert_eq!(call_n(make_id_gen(1, 1), 4), vec![1, 2, 3, 4]);
        let mut calls = 0;
        let v = call_n(
            || {
                calls += 1;
                calls * 10
            },
            3,
        );
        assert_eq!(v, vec![10, 20, 30]);
        assert_eq!(calls, 3);
        assert!(call_n(|| 1, 0).is_empty());
    }

    #[test]
    fn dedup_filter_remembers() {
        let mut first = make_dedup_filter();
        let words = ["a", "b", "a", "c", "b", "a"];
        let kept: Vec<&str> = words.iter().copied().filter(|w| first(w)).collect();
        assert_eq!(kept, vec!["a", "b", "c"]);
        assert!(!first("c"));
        assert!(first("d"));
    }
}
