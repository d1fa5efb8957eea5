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
        todo!("define {name} with {columns:?} among {}", self.schemas.len())
    }

    pub fn create_table(&self, table: &str, schema_name: &str) -> Option<Table> {
        todo!("table {table} of {schema_name}")
    }

    pub fn users(&self, name: &str) -> usize {
        todo!("users of {name}")
    }
}

impl Table {
    pub fn columns(&self) -> Vec<&str> {
        todo!("columns of {}", self.name)
    }

    pub fn add_column(&mut self, col: &str) {
        todo!("add {col} to {:?}", self.schema)
    }

    pub fn shares_schema_with(&self, other: &Table) -> bool {
        todo!("{} vs {}", self.name, other.name)
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
