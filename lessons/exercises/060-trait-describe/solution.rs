struct Dog {
    name: String,
}

struct Robot {
    model: &'static str,
    serial: u32,
}

trait Describe {
    fn describe(&self) -> String;
}

impl Describe for Dog {
    fn describe(&self) -> String {
        format!("{} the dog", self.name)
    }
}

impl Describe for Robot {
    fn describe(&self) -> String {
        format!("{} #{}", self.model, self.serial)
    }
}

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
