trait Named {
    fn name(&self) -> String;
}

trait Greeter {
    fn greet(&self) -> String {
        format!("Hello, I am {}", self.name())
    }
}

struct Bot;

impl Named for Bot {
    fn name(&self) -> String {
        "bot-7".to_string()
    }
}

impl Greeter for Bot {}

#[cfg(test)]
mod tests {
    use super::*;

    fn introduce(g: &dyn Greeter) -> String {
        g.greet()
    }

    #[test]
    fn greets_by_name() {
        assert_eq!(introduce(&Bot), "Hello, I am bot-7");
    }
}
