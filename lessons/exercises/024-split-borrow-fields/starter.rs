struct Labeller {
    prefix: String,
    items: Vec<String>,
}

impl Labeller {
    fn prefix(&self) -> &str {
        &self.prefix
    }

    fn label_all(&mut self) {
        for item in self.items.iter_mut() {
            item.insert_str(0, self.prefix());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_gets_the_prefix() {
        let mut l = Labeller {
            prefix: "v1/".to_string(),
            items: vec!["users".to_string(), "orders".to_string()],
        };
        l.label_all();
        assert_eq!(l.items, ["v1/users", "v1/orders"]);
        assert_eq!(l.prefix(), "v1/");
    }
}
