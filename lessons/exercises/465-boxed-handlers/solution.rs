use std::collections::HashMap;

type Handler = Box<dyn Fn(&[i64]) -> Result<i64, String>>;

#[derive(Default)]
pub struct Commands {
    handlers: HashMap<String, Handler>,
}

impl Commands {
    pub fn register<F>(&mut self, name: &str, f: F)
    where
        F: Fn(&[i64]) -> Result<i64, String> + 'static,
    {
        self.handlers.insert(name.to_string(), Box::new(f));
    }

    pub fn run(&self, line: &str) -> Result<i64, String> {
        let mut words = line.split_whitespace();
        let name = words.next().ok_or("empty line")?;
        let handler = self
            .handlers
            .get(name)
            .ok_or_else(|| format!("unknown command: {name}"))?;
        let args = words
            .map(|w| w.parse::<i64>().map_err(|_| format!("bad number: {w}")))
            .collect::<Result<Vec<i64>, String>>()?;
        handler(&args)
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.handlers.keys().cloned().collect();
        names.sort();
        names
    }

    pub fn with_builtins(factor: i64) -> Commands {
        let mut c = Commands::default();
        c.register("sum", |args| Ok(args.iter().sum()));
        c.register("max", |args| {
            args.iter().copied().max().ok_or_else(|| "max of nothing".to_string())
        });
        c.register("scale", move |args| Ok(args.iter().sum::<i64>() * factor));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins() {
        let c = Commands::with_builtins(10);
        assert_eq!(c.run("sum 1 2 3"), Ok(6));
        assert_eq!(c.run("sum"), Ok(0));
        assert_eq!(c.run("  max 4 -9 7 "), Ok(7));
        assert_eq!(c.run("max"), Err("max of nothing".to_string()));
        assert_eq!(c.run("scale 1 2"), Ok(30));
        assert_eq!(Commands::with_builtins(-1).run("scale 5"), Ok(-5));
    }

    #[test]
    fn errors() {
        let c = Commands::with_builtins(1);
        assert_eq!(c.run(""), Err("empty line".to_string()));
        assert_eq!(c.run("   "), Err("empty line".to_string()));
        assert_eq!(c.run("mul 2 3"), Err("unknown command: mul".to_string()));
        assert_eq!(c.run("sum 1 two"), Err("bad number: two".to_string()));
    }

    #[test]
    fn custom_handlers_capture_state() {
        let mut c = Commands::default();
        let limit = 100;
        c.register("clamp", move |args| Ok(args.iter().map(|&x| x.min(limit)).sum()));
        c.register("fail", |_| Err("nope".into()));
        assert_eq!(c.run("clamp 50 500"), Ok(150));
        assert_eq!(c.run("fail 1"), Err("nope".to_string()));
        assert_eq!(c.names(), vec!["clamp", "fail"]);
        assert_eq!(Commands::with_builtins(1).names(), vec!["max", "scale", "sum"]);
    }
}
