use std::collections::HashMap;

#[derive(Default)]
pub struct Pipeline {
    stages: Vec<Box<dyn Fn(i64) -> i64>>,
}

impl Pipeline {
    pub fn new() -> Self {
        Pipeline::default()
    }

    pub fn then(mut self, stage: impl Fn(i64) -> i64 + 'static) -> Self {
        self.stages.push(Box::new(stage));
        self
    }

    pub fn apply(&self, x: i64) -> i64 {
        self.stages.iter().fold(x, |acc, stage| stage(acc))
    }
}

pub fn memoize(f: impl Fn(u64) -> u64) -> impl FnMut(u64) -> u64 {
    let mut cache: HashMap<u64, u64> = HashMap::new();
    move |x| *cache.entry(x).or_insert_with(|| f(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn stages_apply_in_order() {
        let p = Pipeline::new().then(|x| x + 1).then(|x| x * 2);
        assert_eq!(p.apply(5), 12);
        assert_eq!(p.apply(-1), 0);
        let q = Pipeline::new().then(|x| x * 2).then(|x| x + 1);
        assert_eq!(q.apply(5), 11);
    }

    #[test]
    fn empty_pipeline_is_identity_and_stages_capture() {
        assert_eq!(Pipeline::new().apply(42), 42);
        let offset = 1000;
        let p = Pipeline::new().then(move |x| x - offset).then(i64::abs);
        assert_eq!(p.apply(10), 990);
    }

    #[test]
    fn memoize_calls_once_per_input() {
        let calls = Cell::new(0);
        let mut slow_square = memoize(|x| {
            calls.set(calls.get() + 1);
            x * x
        });
        assert_eq!(slow_square(4), 16);
        assert_eq!(slow_square(4), 16);
        assert_eq!(slow_square(5), 25);
        assert_eq!(slow_square(4), 16);
        assert_eq!(calls.get(), 2);
    }
}
