use std::thread;

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    let _ = thread::available_parallelism();
    todo!("sum {} items on {threads} threads", data.len())
}

pub fn parallel_map<T, U, F>(data: &[T], threads: usize, f: F) -> Vec<U>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    let _ = f;
    todo!("map {} items on {threads} threads", data.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Mutex;

    #[test]
    fn sums_match_sequential() {
        let data: Vec<u32> = (1..=10_000).collect();
        for t in [0, 1, 2, 3, 7, 64, 20_000] {
            assert_eq!(parallel_sum(&data, t), 50_005_000, "threads = {t}");
        }
        assert_eq!(parallel_sum(&[], 4), 0);
        assert_eq!(parallel_sum(&[u32::MAX, u32::MAX], 2), 2 * u32::MAX as u64);
    }

    #[test]
    fn map_keeps_order() {
        let words = ["a", "bb", "ccc", "dddd", "eeeee"];
        assert_eq!(parallel_map(&words, 2, |w| w.len()), vec![1, 2, 3, 4, 5]);
        assert_eq!(parallel_map(&words, 10, |w| w.to_uppercase())[4], "EEEEE");
        assert!(parallel_map(&Vec::<u8>::new(), 3, |x| *x).is_empty());
    }

    #[test]
    fn really_uses_several_threads() {
        let seen = Mutex::new(HashSet::new());
        let data: Vec<u32> = (0..100).collect();
        let out = parallel_map(&data, 4, |x| {
            seen.lock().unwrap().insert(std::thread::current().id());
            x * 2
        });
        assert_eq!(out[99], 198);
        assert_eq!(seen.lock().unwrap().len(), 4);
    }
}
