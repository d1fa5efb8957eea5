//! The catalog: tables and indexes, kept in the schema B+tree (rooted at
//! page 1) and loaded into memory on open and after a rollback.
//!
//! Each schema entry is keyed by (kind, lower-case name) and holds a row:
//! kind, name, table, root page, the CREATE statement's text (NULL for the
//! indexes that PRIMARY KEY and UNIQUE create), unique flag, and the indexed
//! column numbers. Tables are rebuilt by parsing their CREATE TABLE text, so
//! `.schema` shows exactly what was typed.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::btree::BTree;
use crate::codec::{decode_row, encode_row, key_of};
use crate::error::{Error, Result};
use crate::sql::ast::{CreateTable, Expr, Statement};
use crate::sql::parser::parse_one;
use crate::storage::page::SCHEMA_ROOT;
use crate::storage::{PageId, Pager};
use crate::value::{Type, Value};

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub ty: Type,
    pub not_null: bool,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub root: PageId,
    /// The `INTEGER PRIMARY KEY` column, which is the rowid itself.
    pub rowid_column: Option<usize>,
    pub sql: String,
}

impl Table {
    pub fn tree(&self) -> BTree {
        BTree { root: self.root }
    }
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Clone, Debug)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub columns: Vec<usize>,
    pub unique: bool,
    pub root: PageId,
    /// None for the indexes created by PRIMARY KEY and UNIQUE.
    pub sql: Option<String>,
}

impl Index {
    pub fn tree(&self) -> BTree {
        BTree { root: self.root }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Catalog {
    tables: BTreeMap<String, Arc<Table>>,
    indexes: BTreeMap<String, Arc<Index>>,
}

fn schema() -> BTree {
    BTree { root: SCHEMA_ROOT }
}

fn entry_key(kind: &str, name: &str) -> Vec<u8> {
    key_of(&[
        Value::Text(kind.into()),
        Value::Text(name.to_ascii_lowercase()),
    ])
}

/// Builds a table's columns and constraints from its definition; returns
/// the table and the (columns, unique) sets that need an automatic index.
pub fn table_from_def(
    def: &CreateTable,
    root: PageId,
    sql: &str,
) -> Result<(Table, Vec<Vec<usize>>)> {
    let mut columns: Vec<Column> = Vec::new();
    for c in &def.columns {
        if columns.iter().any(|x| x.name.eq_ignore_ascii_case(&c.name)) {
            return Err(Error::Plan(format!("duplicate column name: {}", c.name)));
        }
        columns.push(Column {
            name: c.name.clone(),
            ty: c.ty,
            not_null: c.not_null,
            default: c.default.clone(),
        });
    }
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let find = |n: &str| {
        names
            .iter()
            .position(|c| c.eq_ignore_ascii_case(n))
            .ok_or_else(|| Error::Plan(format!("no column named {n} in table {}", def.name)))
    };
    let mut pk: Vec<usize> = def
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.primary_key)
        .map(|(i, _)| i)
        .collect();
    if !def.primary_key.is_empty() {
        if !pk.is_empty() {
            return Err(Error::Plan(format!(
                "table {} has more than one primary key",
                def.name
            )));
        }
        pk = def
            .primary_key
            .iter()
            .map(|n| find(n))
            .collect::<Result<_>>()?;
    }
    if pk.len() > 1 && def.columns.iter().filter(|c| c.primary_key).count() > 1 {
        return Err(Error::Plan(format!(
            "table {} has more than one primary key",
            def.name
        )));
    }
    let mut unique_sets = Vec::new();
    let mut rowid_column = None;
    if pk.len() == 1 && columns[pk[0]].ty == Type::Integer {
        rowid_column = Some(pk[0]);
    } else if !pk.is_empty() {
        for &i in &pk {
            columns[i].not_null = true;
        }
        unique_sets.push(pk);
    }
    for (i, c) in def.columns.iter().enumerate() {
        if c.unique && rowid_column != Some(i) {
            unique_sets.push(vec![i]);
        }
    }
    for u in &def.uniques {
        unique_sets.push(u.iter().map(|n| find(n)).collect::<Result<_>>()?);
    }
    Ok((
        Table {
            name: def.name.clone(),
            columns,
            root,
            rowid_column,
            sql: sql.to_string(),
        },
        unique_sets,
    ))
}

impl Catalog {
    pub fn load(pager: &Pager) -> Result<Catalog> {
        let mut cat = Catalog::default();
        let mut cursor = schema().scan(pager)?;
        while let Some((_, value)) = cursor.next_entry()? {
            let row = decode_row(&value)?;
            let text = |i: usize| match row.get(i) {
                Some(Value::Text(s)) => Ok(s.clone()),
                _ => Err(Error::Corrupt(format!(
                    "schema entry field {i} is not text"
                ))),
            };
            let int = |i: usize| match row.get(i) {
                Some(Value::Integer(n)) => Ok(*n),
                _ => Err(Error::Corrupt(format!(
                    "schema entry field {i} is not an integer"
                ))),
            };
            let kind = text(0)?;
            let name = text(1)?;
            let root =
                PageId::try_from(int(3)?).map_err(|_| Error::Corrupt("bad root page".into()))?;
            match kind.as_str() {
                "table" => {
                    let sql = text(4)?;
                    let Statement::CreateTable(def) = parse_one(&sql)
                        .map_err(|e| Error::Corrupt(format!("schema of {name}: {e}")))?
                    else {
                        return Err(Error::Corrupt(format!(
                            "schema of {name} is not CREATE TABLE"
                        )));
                    };
                    let (table, _) = table_from_def(&def, root, &sql)?;
                    cat.tables
                        .insert(name.to_ascii_lowercase(), Arc::new(table));
                }
                "index" => {
                    let columns = text(6)?
                        .split(',')
                        .map(|c| c.parse::<usize>())
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(|_| Error::Corrupt(format!("index {name}: bad column list")))?;
                    let sql = match row.get(4) {
                        Some(Value::Text(s)) => Some(s.clone()),
                        _ => None,
                    };
                    cat.indexes.insert(
                        name.to_ascii_lowercase(),
                        Arc::new(Index {
                            name,
                            table: text(2)?,
                            columns,
                            unique: int(5)? != 0,
                            root,
                            sql,
                        }),
                    );
                }
                other => return Err(Error::Corrupt(format!("unknown schema entry kind {other}"))),
            }
        }
        // An index must point at an existing table and at columns it has; a
        // damaged schema could say otherwise, and rows are indexed by these.
        for ix in cat.indexes.values() {
            let table = cat
                .tables
                .get(&ix.table.to_ascii_lowercase())
                .ok_or_else(|| {
                    Error::Corrupt(format!(
                        "index {} belongs to a missing table {}",
                        ix.name, ix.table
                    ))
                })?;
            if ix.columns.is_empty() || ix.columns.iter().any(|&c| c >= table.columns.len()) {
                return Err(Error::Corrupt(format!(
                    "index {} names columns {} does not have",
                    ix.name, ix.table
                )));
            }
        }
        Ok(cat)
    }

    pub fn table(&self, name: &str) -> Result<&Arc<Table>> {
        self.tables
            .get(&name.to_ascii_lowercase())
            .ok_or_else(|| Error::Plan(format!("no such table: {name}")))
    }

    pub fn has_table(&self, name: &str) -> bool {
        self.tables.contains_key(&name.to_ascii_lowercase())
    }

    pub fn index(&self, name: &str) -> Option<&Arc<Index>> {
        self.indexes.get(&name.to_ascii_lowercase())
    }

    pub fn tables(&self) -> impl Iterator<Item = &Arc<Table>> {
        self.tables.values()
    }

    pub fn indexes_of(&self, table: &str) -> Vec<Arc<Index>> {
        self.indexes
            .values()
            .filter(|i| i.table.eq_ignore_ascii_case(table))
            .cloned()
            .collect()
    }

    pub fn all_indexes(&self) -> impl Iterator<Item = &Arc<Index>> {
        self.indexes.values()
    }

    pub fn add_table(&mut self, pager: &Pager, table: Table) -> Result<()> {
        let row = encode_row(&[
            Value::Text("table".into()),
            Value::Text(table.name.clone()),
            Value::Text(table.name.clone()),
            Value::Integer(i64::from(table.root)),
            Value::Text(table.sql.clone()),
            Value::Integer(0),
            Value::Text(String::new()),
        ]);
        schema().insert(pager, &entry_key("table", &table.name), &row)?;
        self.tables
            .insert(table.name.to_ascii_lowercase(), Arc::new(table));
        Ok(())
    }

    pub fn add_index(&mut self, pager: &Pager, index: Index) -> Result<()> {
        let cols: Vec<String> = index.columns.iter().map(|c| c.to_string()).collect();
        let row = encode_row(&[
            Value::Text("index".into()),
            Value::Text(index.name.clone()),
            Value::Text(index.table.clone()),
            Value::Integer(i64::from(index.root)),
            index.sql.clone().map(Value::Text).unwrap_or(Value::Null),
            Value::Integer(i64::from(index.unique)),
            Value::Text(cols.join(",")),
        ]);
        schema().insert(pager, &entry_key("index", &index.name), &row)?;
        self.indexes
            .insert(index.name.to_ascii_lowercase(), Arc::new(index));
        Ok(())
    }

    pub fn remove_index(&mut self, pager: &Pager, name: &str) -> Result<()> {
        if let Some(index) = self.indexes.remove(&name.to_ascii_lowercase()) {
            schema().delete(pager, &entry_key("index", &index.name))?;
            index.tree().destroy(pager)?;
        }
        Ok(())
    }

    pub fn remove_table(&mut self, pager: &Pager, name: &str) -> Result<()> {
        let names: Vec<String> = self
            .indexes_of(name)
            .iter()
            .map(|i| i.name.clone())
            .collect();
        for n in names {
            self.remove_index(pager, &n)?;
        }
        if let Some(table) = self.tables.remove(&name.to_ascii_lowercase()) {
            schema().delete(pager, &entry_key("table", &table.name))?;
            table.tree().destroy(pager)?;
        }
        Ok(())
    }
}
