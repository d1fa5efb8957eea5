//! The executor: a [`Plan`] becomes a tree of iterators ("volcano" style).
//! Each operator's `next` pulls rows from its input one at a time, so a scan
//! with a LIMIT stops reading pages as soon as it has enough; only Sort,
//! Aggregate and the inner side of a plain nested loop hold rows in memory.
//!
//! Writes (INSERT, UPDATE, DELETE) are here too: they keep the table and
//! every index of it in step, and check NOT NULL and UNIQUE first.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Bound;
use std::sync::Arc;

use super::expr::{AggState, BExpr};
use super::plan::{Access, Lookup, Plan};
use crate::btree::Cursor;
use crate::btree::tree::prefix_end;
use crate::catalog::{Index, Table};
use crate::codec::{decode_row, decode_rowid, encode_key, encode_row, rowid_key};
use crate::error::{Error, Result};
use crate::storage::Pager;
use crate::value::Value;

pub type Row = Vec<Value>;

pub trait Operator {
    fn next(&mut self) -> Result<Option<Row>>;
}

/// Builds the operator tree for a plan.
pub fn open<'p>(plan: &'p Plan, pager: &'p Pager) -> Result<Box<dyn Operator + 'p>> {
    Ok(match plan {
        Plan::Empty => Box::new(Rows(vec![Vec::new()].into())),
        Plan::Scan { table, access, .. } => scan(table, access, pager)?,
        Plan::Filter { input, pred, .. } => Box::new(Filter {
            input: open(input, pager)?,
            pred,
        }),
        Plan::NestedLoop {
            left,
            right,
            on,
            outer,
            right_width,
            ..
        } => Box::new(NestedLoop {
            left: open(left, pager)?,
            right_plan: right,
            pager,
            right_rows: None,
            on: on.as_ref(),
            outer: *outer,
            right_width: *right_width,
            current: None,
            pos: 0,
            matched: false,
        }),
        Plan::IndexJoin {
            left,
            table,
            lookup,
            key,
            on,
            outer,
            ..
        } => Box::new(IndexJoin {
            left: open(left, pager)?,
            table,
            lookup,
            key,
            on: on.as_ref(),
            outer: *outer,
            pager,
            pending: VecDeque::new(),
        }),
        Plan::Aggregate {
            input,
            groups,
            aggs,
            ..
        } => Box::new(Aggregate {
            input: Some(open(input, pager)?),
            groups,
            aggs,
            output: VecDeque::new(),
        }),
        Plan::Project { input, exprs, .. } => Box::new(Project {
            input: open(input, pager)?,
            exprs,
        }),
        Plan::Distinct { input, width } => Box::new(Distinct {
            input: open(input, pager)?,
            width: *width,
            seen: BTreeSet::new(),
        }),
        Plan::Sort { input, keys, .. } => Box::new(Sort {
            input: Some(open(input, pager)?),
            keys,
            rows: VecDeque::new(),
        }),
        Plan::Limit {
            input,
            limit,
            offset,
        } => Box::new(Limit {
            input: open(input, pager)?,
            skip: *offset,
            left: *limit,
        }),
        Plan::Trim { input, width } => Box::new(Trim {
            input: open(input, pager)?,
            width: *width,
        }),
    })
}

/// Runs a plan to the end.
pub fn collect(plan: &Plan, pager: &Pager) -> Result<Vec<Row>> {
    let mut op = open(plan, pager)?;
    let mut out = Vec::new();
    while let Some(r) = op.next()? {
        out.push(r);
    }
    Ok(out)
}

/// Runs a plan until it has `limit` rows; true if more were left.
pub fn collect_at_most(plan: &Plan, pager: &Pager, limit: usize) -> Result<(Vec<Row>, bool)> {
    let mut op = open(plan, pager)?;
    let mut out = Vec::new();
    while let Some(r) = op.next()? {
        if out.len() == limit {
            return Ok((out, true));
        }
        out.push(r);
    }
    Ok((out, false))
}

struct Rows(VecDeque<Row>);

impl Operator for Rows {
    fn next(&mut self) -> Result<Option<Row>> {
        Ok(self.0.pop_front())
    }
}

fn table_row(table: &Table, rowid: i64, bytes: &[u8]) -> Result<Row> {
    let mut row = decode_row(bytes)?;
    if row.len() != table.columns.len() {
        return Err(Error::Corrupt(format!(
            "a row of {} has {} values for {} columns",
            table.name,
            row.len(),
            table.columns.len()
        )));
    }
    row.push(Value::Integer(rowid));
    Ok(row)
}

fn rowid_bound(b: Bound<i64>) -> Bound<Vec<u8>> {
    match b {
        Bound::Included(v) => Bound::Included(rowid_key(v).to_vec()),
        Bound::Excluded(v) => Bound::Excluded(rowid_key(v).to_vec()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn scan<'p>(
    table: &'p Table,
    access: &'p Access,
    pager: &'p Pager,
) -> Result<Box<dyn Operator + 'p>> {
    Ok(match access {
        Access::Full => Box::new(TableScan {
            table,
            cursor: table.tree().scan(pager)?,
        }),
        Access::Rowid { lo, hi } => {
            let lo = rowid_bound(*lo);
            let lo_ref = match &lo {
                Bound::Included(k) => Bound::Included(k.as_slice()),
                Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
                Bound::Unbounded => Bound::Unbounded,
            };
            Box::new(TableScan {
                table,
                cursor: table.tree().range(pager, lo_ref, rowid_bound(*hi))?,
            })
        }
        Access::Index { index, lo, hi } => {
            let lo_ref = match lo {
                Bound::Included(k) => Bound::Included(k.as_slice()),
                Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
                Bound::Unbounded => Bound::Unbounded,
            };
            Box::new(IndexScan {
                table,
                pager,
                cursor: index.tree().range(pager, lo_ref, hi.clone())?,
            })
        }
    })
}

struct TableScan<'p> {
    table: &'p Table,
    cursor: Cursor<'p>,
}

impl Operator for TableScan<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        let table = self.table;
        self.cursor
            .next_with(|k, v| table_row(table, decode_rowid(k)?, v))
    }
}

struct IndexScan<'p> {
    table: &'p Table,
    pager: &'p Pager,
    cursor: Cursor<'p>,
}

fn fetch(table: &Table, pager: &Pager, rowid: i64) -> Result<Option<Row>> {
    table.tree().get_with(pager, &rowid_key(rowid), |bytes| {
        table_row(table, rowid, bytes)
    })
}

impl Operator for IndexScan<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        match self.cursor.next_with(|k, _| decode_rowid(k))? {
            Some(rowid) => fetch(self.table, self.pager, rowid)?
                .map(Some)
                .ok_or_else(|| {
                    Error::Corrupt(format!(
                        "index entry for missing row {rowid} of {}",
                        self.table.name
                    ))
                }),
            None => Ok(None),
        }
    }
}

struct Filter<'p> {
    input: Box<dyn Operator + 'p>,
    pred: &'p BExpr,
}

impl Operator for Filter<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        while let Some(row) = self.input.next()? {
            if self.pred.is_true(&row)? {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

struct NestedLoop<'p> {
    left: Box<dyn Operator + 'p>,
    right_plan: &'p Plan,
    pager: &'p Pager,
    right_rows: Option<Vec<Row>>,
    on: Option<&'p BExpr>,
    outer: bool,
    right_width: usize,
    current: Option<Row>,
    pos: usize,
    matched: bool,
}

impl Operator for NestedLoop<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        if self.right_rows.is_none() {
            self.right_rows = Some(collect(self.right_plan, self.pager)?);
        }
        let right = self.right_rows.as_deref().unwrap_or_default();
        loop {
            let Some(left) = &self.current else {
                match self.left.next()? {
                    Some(l) => {
                        self.current = Some(l);
                        self.pos = 0;
                        self.matched = false;
                        continue;
                    }
                    None => return Ok(None),
                }
            };
            while self.pos < right.len() {
                let mut row = left.clone();
                row.extend_from_slice(&right[self.pos]);
                self.pos += 1;
                if self.on.map_or(Ok(true), |p| p.is_true(&row))? {
                    self.matched = true;
                    return Ok(Some(row));
                }
            }
            let left = self.current.take().unwrap_or_default();
            if self.outer && !self.matched {
                let mut row = left;
                row.extend(std::iter::repeat_n(Value::Null, self.right_width));
                return Ok(Some(row));
            }
        }
    }
}

struct IndexJoin<'p> {
    left: Box<dyn Operator + 'p>,
    table: &'p Table,
    lookup: &'p Lookup,
    key: &'p BExpr,
    on: Option<&'p BExpr>,
    outer: bool,
    pager: &'p Pager,
    pending: VecDeque<Row>,
}

impl IndexJoin<'_> {
    fn matches(&self, key: &Value) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        match self.lookup {
            Lookup::Rowid => {
                let id = match key {
                    Value::Integer(i) => Some(*i),
                    Value::Real(r) if r.fract() == 0.0 => Some(*r as i64),
                    _ => None,
                };
                if let Some(id) = id
                    && let Some(row) = fetch(self.table, self.pager, id)?
                {
                    out.push(row);
                }
            }
            Lookup::Index(index) => {
                let mut prefix = Vec::new();
                encode_key(&mut prefix, key);
                let mut c = index.tree().range(
                    self.pager,
                    Bound::Included(&prefix),
                    prefix_end(&prefix),
                )?;
                while let Some(rowid) = c.next_with(|k, _| decode_rowid(k))? {
                    match fetch(self.table, self.pager, rowid)? {
                        Some(r) => out.push(r),
                        None => {
                            return Err(Error::Corrupt(format!(
                                "index {} points at missing row {rowid}",
                                index.name
                            )));
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Operator for IndexJoin<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(Some(r));
            }
            let Some(left) = self.left.next()? else {
                return Ok(None);
            };
            let key = self.key.eval(&left)?;
            let mut any = false;
            if !key.is_null() {
                for right in self.matches(&key)? {
                    let mut row = left.clone();
                    row.extend(right);
                    if self.on.map_or(Ok(true), |p| p.is_true(&row))? {
                        any = true;
                        self.pending.push_back(row);
                    }
                }
            }
            if self.outer && !any {
                let mut row = left;
                row.extend(std::iter::repeat_n(
                    Value::Null,
                    self.table.columns.len() + 1,
                ));
                self.pending.push_back(row);
            }
        }
    }
}

struct Aggregate<'p> {
    input: Option<Box<dyn Operator + 'p>>,
    groups: &'p [BExpr],
    aggs: &'p [(super::expr::AggFunc, Option<BExpr>, bool)],
    output: VecDeque<Row>,
}

impl Operator for Aggregate<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        if let Some(mut input) = self.input.take() {
            // Groups come out in key order, as SQLite's sorter gives them.
            let mut table: BTreeMap<Vec<Value>, Vec<AggState>> = BTreeMap::new();
            let fresh = || {
                self.aggs
                    .iter()
                    .map(|(f, _, d)| AggState::new(*f, *d))
                    .collect::<Vec<_>>()
            };
            while let Some(row) = input.next()? {
                let key = self
                    .groups
                    .iter()
                    .map(|g| g.eval(&row))
                    .collect::<Result<Vec<_>>>()?;
                let states = table.entry(key).or_insert_with(fresh);
                for ((_, arg, _), st) in self.aggs.iter().zip(states.iter_mut()) {
                    st.add(match arg {
                        Some(a) => a.eval(&row)?,
                        None => Value::Null,
                    });
                }
            }
            if table.is_empty() && self.groups.is_empty() {
                table.insert(Vec::new(), fresh());
            }
            for (mut key, states) in table {
                for s in states {
                    key.push(s.finish()?);
                }
                self.output.push_back(key);
            }
        }
        Ok(self.output.pop_front())
    }
}

struct Project<'p> {
    input: Box<dyn Operator + 'p>,
    exprs: &'p [BExpr],
}

impl Operator for Project<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        match self.input.next()? {
            Some(row) => Ok(Some(
                self.exprs
                    .iter()
                    .map(|e| e.eval(&row))
                    .collect::<Result<_>>()?,
            )),
            None => Ok(None),
        }
    }
}

struct Distinct<'p> {
    input: Box<dyn Operator + 'p>,
    width: usize,
    seen: BTreeSet<Vec<Value>>,
}

impl Operator for Distinct<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        while let Some(row) = self.input.next()? {
            if self.seen.insert(row[..self.width.min(row.len())].to_vec()) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

struct Sort<'p> {
    input: Option<Box<dyn Operator + 'p>>,
    keys: &'p [(usize, bool)],
    rows: VecDeque<Row>,
}

impl Operator for Sort<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        if let Some(mut input) = self.input.take() {
            let mut rows = Vec::new();
            while let Some(r) = input.next()? {
                rows.push(r);
            }
            rows.sort_by(|a, b| {
                for &(i, desc) in self.keys {
                    let o = a[i].cmp(&b[i]);
                    let o = if desc { o.reverse() } else { o };
                    if o.is_ne() {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
            self.rows = rows.into();
        }
        Ok(self.rows.pop_front())
    }
}

struct Limit<'p> {
    input: Box<dyn Operator + 'p>,
    skip: u64,
    left: Option<u64>,
}

impl Operator for Limit<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        if self.left == Some(0) {
            return Ok(None);
        }
        while self.skip > 0 {
            if self.input.next()?.is_none() {
                return Ok(None);
            }
            self.skip -= 1;
        }
        let r = self.input.next()?;
        if r.is_some()
            && let Some(l) = &mut self.left
        {
            *l -= 1;
        }
        Ok(r)
    }
}

struct Trim<'p> {
    input: Box<dyn Operator + 'p>,
    width: usize,
}

impl Operator for Trim<'_> {
    fn next(&mut self) -> Result<Option<Row>> {
        Ok(self.input.next()?.map(|mut r| {
            r.truncate(self.width);
            r
        }))
    }
}

// ---- writes ----

fn index_key(index: &Index, row: &[Value], rowid: i64) -> Vec<u8> {
    let mut k = Vec::new();
    for &c in &index.columns {
        encode_key(&mut k, &row[c]);
    }
    k.extend_from_slice(&rowid_key(rowid));
    k
}

/// Refuses a row that would duplicate a UNIQUE index's values (NULLs never
/// collide, as in SQLite).
pub fn check_unique(
    pager: &Pager,
    table: &Table,
    index: &Index,
    row: &[Value],
    rowid: i64,
) -> Result<()> {
    if !index.unique || index.columns.iter().any(|&c| row[c].is_null()) {
        return Ok(());
    }
    let mut prefix = Vec::new();
    for &c in &index.columns {
        encode_key(&mut prefix, &row[c]);
    }
    let mut cur = index
        .tree()
        .range(pager, Bound::Included(&prefix), prefix_end(&prefix))?;
    while let Some((k, ())) = cur.next_key()? {
        if decode_rowid(&k)? != rowid {
            let cols: Vec<String> = index
                .columns
                .iter()
                .map(|&c| format!("{}.{}", table.name, table.columns[c].name))
                .collect();
            return Err(Error::Constraint(format!("UNIQUE {}", cols.join(", "))));
        }
    }
    Ok(())
}

/// Checks a full row (columns only, no rowid) against the table's types and
/// NOT NULL constraints, converting values where that loses nothing.
pub fn conform(table: &Table, row: Vec<Value>) -> Result<Vec<Value>> {
    row.into_iter()
        .zip(&table.columns)
        .enumerate()
        .map(|(i, (v, col))| {
            if v.is_null() && col.not_null && table.rowid_column != Some(i) {
                return Err(Error::Constraint(format!(
                    "NOT NULL {}.{}",
                    table.name, col.name
                )));
            }
            v.coerce(col.ty).map_err(|v| {
                Error::Type(format!(
                    "column {}.{} is {}, cannot store {} {}",
                    table.name,
                    col.name,
                    col.ty,
                    v.type_name(),
                    match &v {
                        Value::Text(s) => format!("'{s}'"),
                        other => other.render(),
                    }
                ))
            })
        })
        .collect()
}

pub fn next_rowid(pager: &Pager, table: &Table) -> Result<i64> {
    match table.tree().last_key(pager)? {
        Some(k) => decode_rowid(&k)?
            .checked_add(1)
            .ok_or_else(|| Error::TooLarge(format!("table {} has used every rowid", table.name))),
        None => Ok(1),
    }
}

/// Inserts a conformed row; `rowid` already decided.
pub fn insert_row(
    pager: &Pager,
    table: &Table,
    indexes: &[Arc<Index>],
    row: &[Value],
    rowid: i64,
    fresh: bool,
) -> Result<()> {
    // `fresh`: the rowid was just allocated past the largest one, so it
    // cannot be taken (this saves a lookup per row on bulk inserts).
    let tree = table.tree();
    let key = rowid_key(rowid);
    if !fresh && tree.get(pager, &key)?.is_some() {
        let what = match table.rowid_column {
            Some(c) => format!("{}.{}", table.name, table.columns[c].name),
            None => format!("{}.rowid", table.name),
        };
        return Err(Error::Constraint(format!("UNIQUE {what}")));
    }
    for ix in indexes {
        check_unique(pager, table, ix, row, rowid)?;
    }
    tree.insert(pager, &key, &encode_row(row))?;
    for ix in indexes {
        ix.tree().insert(pager, &index_key(ix, row, rowid), &[])?;
    }
    Ok(())
}

pub fn delete_row(
    pager: &Pager,
    table: &Table,
    indexes: &[Arc<Index>],
    row: &[Value],
    rowid: i64,
) -> Result<()> {
    for ix in indexes {
        ix.tree().delete(pager, &index_key(ix, row, rowid))?;
    }
    table.tree().delete(pager, &rowid_key(rowid))?;
    Ok(())
}

/// Fills a new index from the table's rows.
pub fn build_index(pager: &Pager, table: &Table, index: &Index) -> Result<()> {
    let mut rows = Vec::new();
    {
        let mut c = table.tree().scan(pager)?;
        while let Some((k, v)) = c.next_entry()? {
            let rowid = decode_rowid(&k)?;
            rows.push((rowid, table_row(table, rowid, &v)?));
        }
    }
    for (rowid, row) in rows {
        check_unique(pager, table, index, &row, rowid)?;
        index
            .tree()
            .insert(pager, &index_key(index, &row, rowid), &[])?;
    }
    Ok(())
}
