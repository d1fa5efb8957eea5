#[derive(Debug, PartialEq)]
struct Config {
    name: String,
    workers: u32,
    timeout_secs: u64,
    verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        todo!()
    }
}

fn verbose_config() -> Config {
    todo!()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::default();
        assert_eq!((c.name.as_str(), c.workers, c.timeout_secs, c.verbose), ("app", 4, 30, false));
    }

    #[test]
    fn update_syntax() {
        let v = verbose_config();
        assert!(v.verbose);
        assert_eq!(v, Config { verbose: true, ..Default::default() });
    }
}
