use std::collections::HashMap;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub columns: Vec<String>,
}

#[derive(Default)]
pub struct Catalog {
    schemas: HashMap<String, Rc<Schema>>,
}

pub struct Table {
    pub name: String,
    schema: Rc<Schema>,
}

impl Catalog {
    pub fn define(&mut self, name: &str, columns: &[&str]) {
        let schema = Schema {
            columns: columns.iter().map(|c| c.to_string()).collect(),
        };
        self.schemas.insert(name.to_string(), Rc::new(schema));
    }

    pub fn create_table(&self, table: &str, schema_name: &str) -> Option<Table> {
        let schema = self.schemas.get(schema_name)?;
        Some(Table {
            name: table.to_string(),
            schema: Rc::clone(schema),
        })
    }

    pub fn users(&self, name: &str) -> usize {
        self.schemas
            .get(name)
            .map_or(0, |s| Rc::strong_count(s) - 1)
    }
}

impl Table {
    pub fn columns(&self) -> Vec<&str> {
        self.schema.columns.iter().map(String::as_str).collect()
    }

    pub fn add_column(&mut self, col: &str) {
        Rc::make_mut(&mut self.schema).columns.push(col.to_string());
    }

    pub fn shares_schema_with(&self, other: &Table) -> bool {
        Rc::ptr_eq(&self.schema, &other.schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.define("event", &["id", "at", "kind"]);
        c
    }

    #[test]
    fn tables_share_without_copying() {
        let c = catalog();
        let a = c.create_table("events_2025", "event").unwrap();
        let b = c.create_table("events_2026", "event").unwrap();
        assert!(a.shares_schema_with(&b));
        assert_eq!(a.columns(), vec!["id", "at", "kind"]);
        assert_eq!(c.users("event"), 2);
        drop(a);
        assert_eq!(c.users("event"), 1);
        assert!(c.create_table("x", "nope").is_none());
        assert_eq!(c.users("nope"), 0);
    }

    #[test]
    fn add_column_copies_on_write() {
        let c = catalog();
        let mut a = c.create_table("a", "event").unwrap();
        let b = c.create_table("b", "event").unwrap();
        a.add_column("source");
        assert_eq!(a.columns(), vec!["id", "at", "kind", "source"]);
        assert_eq!(b.columns(), vec!["id", "at", "kind"], "other tables keep the old schema");
        assert!(!a.shares_schema_with(&b));
        assert_eq!(c.users("event"), 1);
        // a now owns its copy alone: a second change happens in place
        let before = a.schema.as_ref() as *const Schema;
        a.add_column("extra");
        assert_eq!(before, a.schema.as_ref() as *const Schema);
        assert_eq!(a.columns().len(), 5);
    }
}
