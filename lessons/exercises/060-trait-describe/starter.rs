struct Dog {
    name: String,
}

struct Robot {
    model: &'static str,
    serial: u32,
}

// TODO: the trait Describe, and its impls for Dog and Robot.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_describe_themselves() {
        let d = Dog { name: "Rex".to_string() };
        let r = Robot { model: "R2", serial: 42 };
        assert_eq!(d.describe(), "Rex the dog");
        assert_eq!(r.describe(), "R2 #42");
    }
}
