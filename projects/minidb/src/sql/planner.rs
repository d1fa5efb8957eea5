//! The planner: a parsed SELECT (or the WHERE of an UPDATE/DELETE) becomes a
//! [`Plan`]. Names are resolved to row positions, the access path for each
//! table is chosen, joins become nested loops (using an index on the inner
//! table when an equality allows it), and aggregation, projection, DISTINCT,
//! ORDER BY and LIMIT are stacked on top.
//!
//! Access paths, best first: a rowid equality, an index whose leading
//! columns are all fixed by equalities (unique indexes first), a rowid range,
//! an index range on the leading column, and a full scan. The WHERE clause is
//! always applied in full above the access path, so an index only narrows
//! the rows read and can never change the answer.

use std::ops::Bound;
use std::sync::Arc;

use super::ast::{self, BinaryOp, Expr, JoinKind, Select, SelectItem};
use super::expr::{AggFunc, BExpr, Scalar};
use super::plan::{Access, Lookup, Plan};
use crate::btree::tree::prefix_end;
use crate::catalog::{Catalog, Table};
use crate::codec::encode_key;
use crate::error::{Error, Result};
use crate::value::Value;

#[derive(Clone, Debug)]
struct ScopeCol {
    table: String,
    name: String,
    hidden: bool,
}

/// The columns a row carries, in order, with the table each came from.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    cols: Vec<ScopeCol>,
}

impl Scope {
    pub fn for_table(table: &Table, alias: Option<&str>) -> Scope {
        let mut s = Scope::default();
        s.push_table(table, alias);
        s
    }

    fn push_table(&mut self, table: &Table, alias: Option<&str>) {
        let t = alias.unwrap_or(&table.name).to_ascii_lowercase();
        for c in &table.columns {
            self.cols.push(ScopeCol {
                table: t.clone(),
                name: c.name.to_ascii_lowercase(),
                hidden: false,
            });
        }
        self.cols.push(ScopeCol {
            table: t,
            name: "rowid".into(),
            hidden: true,
        });
    }

    pub fn width(&self) -> usize {
        self.cols.len()
    }

    fn resolve(&self, table: Option<&str>, name: &str) -> Result<usize> {
        let name_l = name.to_ascii_lowercase();
        let table_l = table.map(|t| t.to_ascii_lowercase());
        let matches = |hidden: bool| -> Vec<usize> {
            self.cols
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.hidden == hidden
                        && c.name == name_l
                        && table_l.as_ref().is_none_or(|t| *t == c.table)
                })
                .map(|(i, _)| i)
                .collect()
        };
        let mut found = matches(false);
        if found.is_empty() {
            found = matches(true);
        }
        let shown = match table {
            Some(t) => format!("{t}.{name}"),
            None => name.to_string(),
        };
        match found.len() {
            1 => Ok(found[0]),
            0 => {
                if let Some(t) = &table_l
                    && !self.cols.iter().any(|c| c.table == *t)
                {
                    return Err(Error::Plan(format!("no such table: {t}")));
                }
                Err(Error::Plan(format!("no such column: {shown}")))
            }
            _ => Err(Error::Plan(format!("ambiguous column name: {shown}"))),
        }
    }
}

/// The mapping from post-aggregation expressions to aggregate output columns.
struct AggContext<'a> {
    groups: &'a [(Expr, BExpr)],
    aggs: &'a [Expr],
}

pub struct Binder<'a> {
    scope: &'a Scope,
    agg: Option<&'a AggContext<'a>>,
}

fn is_aggregate(e: &Expr) -> bool {
    matches!(e, Expr::Function { name, args, star, .. }
        if AggFunc::from_name(name, *star).is_some() && (*star || args.len() == 1))
}

/// Aggregate calls in `e`, outermost first, without duplicates.
fn collect_aggregates(e: &Expr, out: &mut Vec<Expr>) -> Result<()> {
    if is_aggregate(e) {
        if let Expr::Function { args, .. } = e {
            let mut inner = Vec::new();
            for a in args {
                collect_aggregates(a, &mut inner)?;
            }
            if !inner.is_empty() {
                return Err(Error::Plan(format!(
                    "aggregate functions cannot be nested: {e}"
                )));
            }
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
        return Ok(());
    }
    for child in children(e) {
        collect_aggregates(child, out)?;
    }
    Ok(())
}

fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Literal(_) | Expr::Column { .. } | Expr::Param(_) => vec![],
        Expr::Unary(_, x) => vec![x],
        Expr::Binary(_, a, b) => vec![a, b],
        Expr::IsNull { expr, .. } => vec![expr],
        Expr::InList { expr, list, .. } => std::iter::once(&**expr).chain(list.iter()).collect(),
        Expr::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        Expr::Like { expr, pattern, .. } => vec![expr, pattern],
        Expr::Function { args, .. } => args.iter().collect(),
    }
}

impl<'a> Binder<'a> {
    pub fn new(scope: &'a Scope) -> Binder<'a> {
        Binder { scope, agg: None }
    }

    pub fn bind(&self, e: &Expr) -> Result<BExpr> {
        if let Some(agg) = self.agg {
            if let Some(i) = agg.groups.iter().position(|(g, _)| g == e) {
                return Ok(BExpr::Col(i));
            }
            if is_aggregate(e) {
                let j =
                    agg.aggs.iter().position(|a| a == e).ok_or_else(|| {
                        Error::Plan(format!("internal: aggregate {e} not collected"))
                    })?;
                return Ok(BExpr::Col(agg.groups.len() + j));
            }
            if let Expr::Column { table, name } = e {
                let idx = self.scope.resolve(table.as_deref(), name)?;
                return agg
                    .groups
                    .iter()
                    .position(|(_, b)| *b == BExpr::Col(idx))
                    .map(BExpr::Col)
                    .ok_or_else(|| {
                        Error::Plan(format!(
                            "column {e} must appear in GROUP BY or be used in an aggregate function"
                        ))
                    });
            }
        }
        let b = |x: &Expr| self.bind(x).map(Box::new);
        Ok(match e {
            Expr::Literal(v) => BExpr::Lit(v.clone()),
            Expr::Param(_) => {
                return Err(Error::Plan(
                    "a ? parameter has no value (run the statement with Database::prepare and execute_prepared)".into(),
                ));
            }
            Expr::Column { table, name } => BExpr::Col(self.scope.resolve(table.as_deref(), name)?),
            Expr::Unary(op, x) => BExpr::Unary(*op, b(x)?),
            Expr::Binary(op, l, r) => BExpr::Binary(*op, b(l)?, b(r)?),
            Expr::IsNull { expr, negated } => BExpr::IsNull(b(expr)?, *negated),
            Expr::InList {
                expr,
                list,
                negated,
            } => BExpr::InList(
                b(expr)?,
                list.iter().map(|x| self.bind(x)).collect::<Result<_>>()?,
                *negated,
            ),
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => BExpr::Between(b(expr)?, b(low)?, b(high)?, *negated),
            Expr::Like {
                expr,
                pattern,
                negated,
            } => BExpr::Like(b(expr)?, b(pattern)?, *negated),
            Expr::Function {
                name, args, star, ..
            } => {
                if is_aggregate(e) {
                    return Err(Error::Plan(format!(
                        "aggregate function {name}() is not allowed here"
                    )));
                }
                let f = Scalar::from_name(name).ok_or_else(|| {
                    if *star || AggFunc::from_name(name, false).is_some() {
                        Error::Plan(format!("wrong number of arguments to function {name}()"))
                    } else {
                        Error::Plan(format!("no such function: {name}"))
                    }
                })?;
                if *star || !f.arity_ok(args.len()) {
                    return Err(Error::Plan(format!(
                        "wrong number of arguments to function {name}()"
                    )));
                }
                BExpr::Call(f, args.iter().map(|x| self.bind(x)).collect::<Result<_>>()?)
            }
        })
    }
}

/// Splits `a AND b AND c` into its parts.
pub fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Binary(BinaryOp::And, a, b) => {
            let mut v = conjuncts(a);
            v.extend(conjuncts(b));
            v
        }
        other => vec![other],
    }
}

fn and_all(parts: Vec<BExpr>) -> Option<BExpr> {
    parts
        .into_iter()
        .reduce(|a, b| BExpr::Binary(BinaryOp::And, Box::new(a), Box::new(b)))
}

fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::LtEq => BinaryOp::GtEq,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        o => o,
    }
}

/// One `column op constant` fact usable by an access path.
struct Constraint {
    column: usize,
    op: BinaryOp,
    value: Value,
    text: String,
}

fn constraints(
    table_base: usize,
    width: usize,
    conj: &[(BExpr, String)],
) -> Result<Vec<Constraint>> {
    let mut out = Vec::new();
    let local = |e: &BExpr| match e {
        BExpr::Col(i) if *i >= table_base && *i < table_base + width => Some(*i - table_base),
        _ => None,
    };
    for (e, text) in conj {
        match e {
            BExpr::Binary(
                op @ (BinaryOp::Eq | BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq),
                a,
                b,
            ) => {
                if let (Some(c), true) = (local(a), b.is_constant()) {
                    out.push(Constraint {
                        column: c,
                        op: *op,
                        value: b.eval(&[])?,
                        text: text.clone(),
                    });
                } else if let (Some(c), true) = (local(b), a.is_constant()) {
                    out.push(Constraint {
                        column: c,
                        op: flip(*op),
                        value: a.eval(&[])?,
                        text: text.clone(),
                    });
                }
            }
            BExpr::Between(x, lo, hi, false) if lo.is_constant() && hi.is_constant() => {
                if let Some(c) = local(x) {
                    out.push(Constraint {
                        column: c,
                        op: BinaryOp::GtEq,
                        value: lo.eval(&[])?,
                        text: text.clone(),
                    });
                    out.push(Constraint {
                        column: c,
                        op: BinaryOp::LtEq,
                        value: hi.eval(&[])?,
                        text: text.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn unique_texts<'a>(cs: impl Iterator<Item = &'a Constraint>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for c in cs {
        if !seen.contains(&c.text.as_str()) {
            seen.push(&c.text);
        }
    }
    seen.join(" AND ")
}

/// Chooses how to read `table`, given the WHERE parts bound in a scope
/// where the table starts at position `base`.
pub fn choose_access(
    catalog: &Catalog,
    table: &Arc<Table>,
    base: usize,
    conj: &[(BExpr, String)],
) -> Result<(Access, String)> {
    let ncols = table.columns.len();
    let cs = constraints(base, ncols + 1, conj)?;
    let is_rowid = |c: usize| c == ncols || table.rowid_column == Some(c);
    // 1. rowid equality
    for c in &cs {
        if let (true, BinaryOp::Eq, Value::Integer(v)) = (is_rowid(c.column), c.op, &c.value) {
            return Ok((
                Access::Rowid {
                    lo: Bound::Included(*v),
                    hi: Bound::Included(*v),
                },
                c.text.clone(),
            ));
        }
    }
    // 2. index equalities on leading columns (most columns, unique first)
    let mut best: Option<(usize, bool, Access, String)> = None;
    for index in catalog.indexes_of(&table.name) {
        let mut prefix = Vec::new();
        let mut used: Vec<&Constraint> = Vec::new();
        for &col in &index.columns {
            match cs.iter().find(|c| c.column == col && c.op == BinaryOp::Eq) {
                Some(c) => {
                    encode_key(&mut prefix, &c.value);
                    used.push(c);
                }
                None => break,
            }
        }
        if used.is_empty() {
            continue;
        }
        let k = used.len();
        let full_unique = index.unique && k == index.columns.len();
        // A range on the next column narrows further.
        let (lo, hi) = match index.columns.get(k) {
            Some(&next) => {
                let ranges: Vec<&Constraint> = cs
                    .iter()
                    .filter(|c| c.column == next && c.op != BinaryOp::Eq)
                    .collect();
                used.extend(ranges.iter().copied());
                range_bounds(&prefix, &ranges)
            }
            None => (Bound::Included(prefix.clone()), prefix_end(&prefix)),
        };
        let better = match &best {
            None => true,
            Some((bk, bu, ..)) => (full_unique, k) > (*bu, *bk),
        };
        if better {
            best = Some((
                k,
                full_unique,
                Access::Index {
                    index: index.clone(),
                    lo,
                    hi,
                },
                unique_texts(used.into_iter()),
            ));
        }
    }
    if let Some((_, _, access, text)) = best {
        return Ok((access, text));
    }
    // 3. rowid range
    let rowid_ranges: Vec<&Constraint> = cs
        .iter()
        .filter(|c| {
            is_rowid(c.column) && c.op != BinaryOp::Eq && matches!(c.value, Value::Integer(_))
        })
        .collect();
    if !rowid_ranges.is_empty() {
        let (mut lo, mut hi) = (Bound::Unbounded, Bound::Unbounded);
        for c in &rowid_ranges {
            let Value::Integer(v) = c.value else { continue };
            match c.op {
                BinaryOp::Gt if lo == Bound::Unbounded => lo = Bound::Excluded(v),
                BinaryOp::GtEq if lo == Bound::Unbounded => lo = Bound::Included(v),
                BinaryOp::Lt if hi == Bound::Unbounded => hi = Bound::Excluded(v),
                BinaryOp::LtEq if hi == Bound::Unbounded => hi = Bound::Included(v),
                _ => {}
            }
        }
        return Ok((
            Access::Rowid { lo, hi },
            unique_texts(rowid_ranges.into_iter()),
        ));
    }
    // 4. index range on a leading column
    for index in catalog.indexes_of(&table.name) {
        let first = index.columns[0];
        let ranges: Vec<&Constraint> = cs
            .iter()
            .filter(|c| c.column == first && c.op != BinaryOp::Eq)
            .collect();
        if !ranges.is_empty() {
            let (lo, hi) = range_bounds(&[], &ranges);
            return Ok((
                Access::Index {
                    index: index.clone(),
                    lo,
                    hi,
                },
                unique_texts(ranges.into_iter()),
            ));
        }
    }
    Ok((Access::Full, String::new()))
}

/// Key bounds for `prefix` followed by a value constrained by `ranges`.
fn range_bounds(prefix: &[u8], ranges: &[&Constraint]) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let after = |key: &[u8]| match prefix_end(key) {
        Bound::Excluded(k) => Bound::Included(k),
        _ => Bound::Included(vec![0xFF; 300]),
    };
    let with = |v: &Value| {
        let mut k = prefix.to_vec();
        encode_key(&mut k, v);
        k
    };
    let lower = ranges
        .iter()
        .find(|c| matches!(c.op, BinaryOp::Gt | BinaryOp::GtEq));
    let upper = ranges
        .iter()
        .find(|c| matches!(c.op, BinaryOp::Lt | BinaryOp::LtEq));
    let lo = match lower {
        Some(c) if c.op == BinaryOp::Gt => after(&with(&c.value)),
        Some(c) => Bound::Included(with(&c.value)),
        None if upper.is_some() => {
            // Skip NULLs: a comparison with NULL is never true.
            let mut k = prefix.to_vec();
            k.push(0x02);
            Bound::Included(k)
        }
        None if prefix.is_empty() => Bound::Unbounded,
        None => Bound::Included(prefix.to_vec()),
    };
    let hi = match upper {
        Some(c) if c.op == BinaryOp::Lt => Bound::Excluded(with(&c.value)),
        Some(c) => prefix_end(&with(&c.value)),
        None if prefix.is_empty() => Bound::Unbounded,
        None => prefix_end(prefix),
    };
    (lo, hi)
}

/// Moves the WHERE parts that only read columns below `limit` out of
/// `remaining` into a FILTER over `plan`. A filter on the left side of a
/// join commutes with the join (inner or left), so each part is applied as
/// soon as all its columns exist, and fewer rows reach the next join.
fn filter_ready(plan: Plan, remaining: &mut Vec<(BExpr, String)>, limit: usize) -> Plan {
    let (ready, rest): (Vec<_>, Vec<_>) = std::mem::take(remaining)
        .into_iter()
        .partition(|(e, _)| e.max_column().is_some_and(|m| m < limit));
    *remaining = rest;
    if ready.is_empty() {
        return plan;
    }
    let detail = ready
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join(" AND ");
    Plan::Filter {
        input: Box::new(plan),
        pred: and_all(ready.into_iter().map(|(e, _)| e).collect())
            .unwrap_or(BExpr::Lit(Value::Integer(1))),
        detail,
    }
}

fn filter_ready_constants(plan: Plan, parts: Vec<(BExpr, String)>) -> Plan {
    let detail = parts
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join(" AND ");
    Plan::Filter {
        input: Box::new(plan),
        pred: and_all(parts.into_iter().map(|(e, _)| e).collect())
            .unwrap_or(BExpr::Lit(Value::Integer(1))),
        detail,
    }
}

/// Output of planning a SELECT.
pub struct Planned {
    pub plan: Plan,
    pub columns: Vec<String>,
}

fn constant_u64(e: &Expr, what: &str) -> Result<Option<u64>> {
    let v = Binder::new(&Scope::default())
        .bind(e)
        .map_err(|_| Error::Plan(format!("{what} must be a constant integer")))?
        .eval(&[])?;
    match v {
        Value::Integer(i) if i < 0 => Ok(None),
        Value::Integer(i) => Ok(Some(i as u64)),
        _ => Err(Error::Plan(format!(
            "{what} must be an integer, not {}",
            v.type_name()
        ))),
    }
}

pub fn plan_select(catalog: &Catalog, s: &Select) -> Result<Planned> {
    // Sources and their scope.
    let mut tables: Vec<(&Arc<Table>, Option<&str>)> = Vec::new();
    if let Some(from) = &s.from {
        tables.push((catalog.table(&from.name)?, from.alias.as_deref()));
        for j in &s.joins {
            tables.push((catalog.table(&j.table.name)?, j.table.alias.as_deref()));
        }
    }
    let mut scope = Scope::default();
    let mut bases = Vec::new();
    for (t, alias) in &tables {
        let name = alias.unwrap_or(&t.name).to_ascii_lowercase();
        if scope.cols.iter().any(|c| c.table == name) {
            return Err(Error::Plan(format!(
                "table {name} appears twice in FROM; give one an alias"
            )));
        }
        bases.push(scope.width());
        scope.push_table(t, *alias);
    }
    if let Some(w) = &s.filter {
        let mut bad = Vec::new();
        collect_aggregates(w, &mut bad)?;
        if !bad.is_empty() {
            return Err(Error::Plan(
                "aggregate functions are not allowed in WHERE".into(),
            ));
        }
    }
    let binder = Binder::new(&scope);
    let where_parts: Vec<(BExpr, String)> = match &s.filter {
        Some(w) => conjuncts(w)
            .into_iter()
            .map(|e| Ok((binder.bind(e)?, e.to_string())))
            .collect::<Result<_>>()?,
        None => Vec::new(),
    };

    // Access path for the first table, then joins left to right.
    let mut plan = match tables.first() {
        None => Plan::Empty,
        Some((t, _)) => {
            let w = t.columns.len() + 1;
            let local: Vec<(BExpr, String)> = where_parts
                .iter()
                .filter(|(e, _)| e.max_column().is_some_and(|m| m < w))
                .cloned()
                .collect();
            let (access, detail) = choose_access(catalog, t, 0, &local)?;
            Plan::Scan {
                table: Arc::clone(t),
                access,
                detail,
            }
        }
    };
    let mut remaining = where_parts.clone();
    if let Some((t, _)) = tables.first() {
        plan = filter_ready(plan, &mut remaining, t.columns.len() + 1);
    }
    for (j, join) in s.joins.iter().enumerate() {
        let (table, _) = tables[j + 1];
        let base = bases[j + 1];
        let width = table.columns.len() + 1;
        let prefix = Scope {
            cols: scope.cols[..base + width].to_vec(),
        };
        let on_binder = Binder::new(&prefix);
        let on_parts: Vec<(BExpr, String)> = match &join.on {
            Some(on) => conjuncts(on)
                .into_iter()
                .map(|e| Ok((on_binder.bind(e)?, e.to_string())))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let outer = join.kind == JoinKind::Left;
        let mut candidates: Vec<&(BExpr, String)> = on_parts.iter().collect();
        if !outer {
            candidates.extend(
                where_parts
                    .iter()
                    .filter(|(e, _)| e.max_column().is_some_and(|m| m < base + width)),
            );
        }
        let on = and_all(on_parts.iter().map(|(e, _)| e.clone()).collect());
        let on_text = on_parts
            .iter()
            .map(|(_, t)| t.clone())
            .collect::<Vec<_>>()
            .join(" AND ");
        // An equality between a column of this table and an expression over
        // the tables to its left can drive an index lookup.
        let mut chosen: Option<(Lookup, BExpr, String, u8)> = None;
        for (e, text) in &candidates {
            let BExpr::Binary(BinaryOp::Eq, a, b) = e else {
                continue;
            };
            for (inner, outer_e) in [(a, b), (b, a)] {
                let BExpr::Col(i) = **inner else { continue };
                if i < base || i >= base + width || outer_e.max_column().is_some_and(|m| m >= base)
                {
                    continue;
                }
                let c = i - base;
                let found = if c == table.columns.len() || table.rowid_column == Some(c) {
                    Some((Lookup::Rowid, 3))
                } else {
                    catalog
                        .indexes_of(&table.name)
                        .into_iter()
                        .filter(|ix| ix.columns[0] == c)
                        .max_by_key(|ix| {
                            (
                                ix.unique && ix.columns.len() == 1,
                                std::cmp::Reverse(ix.columns.len()),
                            )
                        })
                        .map(|ix| (Lookup::Index(ix.clone()), if ix.unique { 2 } else { 1 }))
                };
                if let Some((lookup, rank)) = found
                    && chosen.as_ref().is_none_or(|(_, _, _, r)| rank > *r)
                {
                    chosen = Some((lookup, (**outer_e).clone(), text.clone(), rank));
                }
            }
        }
        plan = match chosen {
            Some((lookup, key, text, _)) => Plan::IndexJoin {
                left: Box::new(plan),
                table: table.clone(),
                lookup,
                key,
                on,
                outer,
                detail: text,
            },
            None => {
                // Constant restrictions on the inner table can still pick its
                // access path (inner joins only: a LEFT JOIN must see all rows).
                let local: Vec<(BExpr, String)> = if outer {
                    on_parts
                        .iter()
                        .filter(|(e, _)| e.min_column().is_some_and(|m| m >= base))
                        .cloned()
                        .collect()
                } else {
                    where_parts
                        .iter()
                        .chain(on_parts.iter())
                        .filter(|(e, _)| {
                            e.min_column().is_some_and(|m| m >= base)
                                && e.max_column().is_some_and(|m| m < base + width)
                        })
                        .cloned()
                        .collect()
                };
                let (access, detail) = choose_access(catalog, table, base, &local)?;
                Plan::NestedLoop {
                    left: Box::new(plan),
                    right: Box::new(Plan::Scan {
                        table: table.clone(),
                        access,
                        detail,
                    }),
                    on,
                    outer,
                    right_width: width,
                    detail: on_text,
                }
            }
        };
        plan = filter_ready(plan, &mut remaining, base + width);
    }
    // Whatever is left reads no column (WHERE 1 = 0) and goes on top.
    plan = filter_ready(plan, &mut remaining, usize::MAX);
    if !remaining.is_empty() {
        plan = filter_ready_constants(plan, remaining);
    }

    // Aggregation.
    let mut aggs: Vec<Expr> = Vec::new();
    for item in &s.items {
        if let SelectItem::Expr { expr, .. } = item {
            collect_aggregates(expr, &mut aggs)?;
        }
    }
    if let Some(h) = &s.having {
        collect_aggregates(h, &mut aggs)?;
    }
    for o in &s.order_by {
        collect_aggregates(&o.expr, &mut aggs)?;
    }
    if let Some(w) = &s.filter {
        let mut bad = Vec::new();
        collect_aggregates(w, &mut bad)?;
        if !bad.is_empty() {
            return Err(Error::Plan(
                "aggregate functions are not allowed in WHERE".into(),
            ));
        }
    }
    let grouping = !aggs.is_empty() || !s.group_by.is_empty();
    if s.having.is_some() && !grouping {
        return Err(Error::Plan("HAVING needs GROUP BY or an aggregate".into()));
    }
    let groups: Vec<(Expr, BExpr)> = s
        .group_by
        .iter()
        .map(|g| {
            let mut inner = Vec::new();
            collect_aggregates(g, &mut inner)?;
            if !inner.is_empty() {
                return Err(Error::Plan(
                    "aggregate functions are not allowed in GROUP BY".into(),
                ));
            }
            Ok((g.clone(), binder.bind(g)?))
        })
        .collect::<Result<_>>()?;
    let agg_ctx = AggContext {
        groups: &groups,
        aggs: &aggs,
    };
    let out_binder = if grouping {
        let mut bound = Vec::new();
        for a in &aggs {
            let Expr::Function {
                name,
                args,
                distinct,
                star,
            } = a
            else {
                continue;
            };
            let func = AggFunc::from_name(name, *star)
                .ok_or_else(|| Error::Plan(format!("no such function: {name}")))?;
            let arg = match args.first() {
                Some(x) if !*star => Some(binder.bind(x)?),
                _ => None,
            };
            bound.push((func, arg, *distinct));
        }
        let mut detail = String::new();
        if !groups.is_empty() {
            detail.push_str("GROUP BY ");
            detail.push_str(
                &groups
                    .iter()
                    .map(|(g, _)| g.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            if !aggs.is_empty() {
                detail.push_str(": ");
            }
        }
        detail.push_str(
            &aggs
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        );
        plan = Plan::Aggregate {
            input: Box::new(plan),
            groups: groups.iter().map(|(_, b)| b.clone()).collect(),
            aggs: bound,
            detail,
        };
        Binder {
            scope: &scope,
            agg: Some(&agg_ctx),
        }
    } else {
        Binder::new(&scope)
    };
    if let Some(h) = &s.having {
        plan = Plan::Filter {
            input: Box::new(plan),
            pred: out_binder.bind(h)?,
            detail: h.to_string(),
        };
    }

    // Projection (with hidden ORDER BY columns after the visible ones).
    let mut exprs: Vec<BExpr> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut aliases: Vec<Option<String>> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for item in &s.items {
        match item {
            SelectItem::Star(t) => {
                if grouping {
                    return Err(Error::Plan(
                        "* cannot be used with GROUP BY or aggregates".into(),
                    ));
                }
                if tables.is_empty() {
                    return Err(Error::Plan("* needs a FROM clause".into()));
                }
                let want = t.as_ref().map(|t| t.to_ascii_lowercase());
                if let Some(w) = &want
                    && !scope.cols.iter().any(|c| c.table == *w)
                {
                    return Err(Error::Plan(format!("no such table: {w}")));
                }
                for (ti, (tbl, _)) in tables.iter().enumerate() {
                    let base = bases[ti];
                    for (ci, col) in tbl.columns.iter().enumerate() {
                        if want
                            .as_ref()
                            .is_none_or(|w| *w == scope.cols[base + ci].table)
                        {
                            exprs.push(BExpr::Col(base + ci));
                            names.push(col.name.clone());
                            aliases.push(None);
                            texts.push(col.name.clone());
                        }
                    }
                }
            }
            SelectItem::Expr { expr, alias, text } => {
                exprs.push(out_binder.bind(expr)?);
                names.push(alias.clone().unwrap_or_else(|| text.clone()));
                aliases.push(alias.clone());
                texts.push(expr.to_string());
            }
        }
    }
    let visible = exprs.len();
    let mut keys = Vec::new();
    let mut sort_text = Vec::new();
    for o in &s.order_by {
        let idx = match &o.expr {
            Expr::Literal(Value::Integer(k)) => {
                if *k < 1 || *k as usize > visible {
                    return Err(Error::Plan(format!(
                        "ORDER BY term {k} is out of range (1 to {visible})"
                    )));
                }
                *k as usize - 1
            }
            Expr::Column { table: None, name }
                if aliases
                    .iter()
                    .any(|a| a.as_ref().is_some_and(|a| a.eq_ignore_ascii_case(name))) =>
            {
                aliases
                    .iter()
                    .position(|a| a.as_ref().is_some_and(|a| a.eq_ignore_ascii_case(name)))
                    .unwrap_or(0)
            }
            e => {
                let b = out_binder.bind(e)?;
                match exprs.iter().position(|x| *x == b) {
                    Some(i) => i,
                    None => {
                        if s.distinct {
                            return Err(Error::Plan(format!(
                                "ORDER BY term {e} must appear in the select list of a SELECT DISTINCT"
                            )));
                        }
                        exprs.push(b);
                        exprs.len() - 1
                    }
                }
            }
        };
        keys.push((idx, o.desc));
        sort_text.push(format!("{}{}", o.expr, if o.desc { " DESC" } else { "" }));
    }
    let width = exprs.len();
    plan = Plan::Project {
        input: Box::new(plan),
        exprs,
        detail: texts.join(", "),
    };
    if s.distinct {
        plan = Plan::Distinct {
            input: Box::new(plan),
            width: visible,
        };
    }
    if !keys.is_empty() {
        plan = Plan::Sort {
            input: Box::new(plan),
            keys,
            detail: sort_text.join(", "),
        };
    }
    let limit = match &s.limit {
        Some(e) => constant_u64(e, "LIMIT")?,
        None => None,
    };
    let offset = match &s.offset {
        Some(e) => constant_u64(e, "OFFSET")?.unwrap_or(0),
        None => 0,
    };
    if limit.is_some() || offset > 0 {
        plan = Plan::Limit {
            input: Box::new(plan),
            limit,
            offset,
        };
    }
    if width > visible {
        plan = Plan::Trim {
            input: Box::new(plan),
            width: visible,
        };
    }
    Ok(Planned {
        plan,
        columns: names,
    })
}

/// The rows an UPDATE or DELETE touches: the table's access path and WHERE.
pub fn plan_write_target(
    catalog: &Catalog,
    table: &Arc<Table>,
    filter: Option<&Expr>,
) -> Result<Plan> {
    let scope = Scope::for_table(table, None);
    let binder = Binder::new(&scope);
    let parts: Vec<(BExpr, String)> = match filter {
        Some(w) => {
            let mut bad = Vec::new();
            collect_aggregates(w, &mut bad)?;
            if !bad.is_empty() {
                return Err(Error::Plan(
                    "aggregate functions are not allowed in WHERE".into(),
                ));
            }
            conjuncts(w)
                .into_iter()
                .map(|e| Ok((binder.bind(e)?, e.to_string())))
                .collect::<Result<_>>()?
        }
        None => Vec::new(),
    };
    let (access, detail) = choose_access(catalog, table, 0, &parts)?;
    let mut plan = Plan::Scan {
        table: table.clone(),
        access,
        detail,
    };
    if !parts.is_empty() {
        let detail = parts
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" AND ");
        plan = Plan::Filter {
            input: Box::new(plan),
            pred: and_all(parts.into_iter().map(|(e, _)| e).collect())
                .unwrap_or(BExpr::Lit(Value::Integer(1))),
            detail,
        };
    }
    Ok(plan)
}

/// Binds an expression over one table's row (UPDATE's SET values).
pub fn bind_for_table(table: &Table, e: &ast::Expr) -> Result<BExpr> {
    let scope = Scope::for_table(table, None);
    let mut aggs = Vec::new();
    collect_aggregates(e, &mut aggs)?;
    if !aggs.is_empty() {
        return Err(Error::Plan(
            "aggregate functions are not allowed here".into(),
        ));
    }
    Binder::new(&scope).bind(e)
}

/// Binds an expression that may read no column (VALUES, DEFAULT).
pub fn bind_constant(e: &ast::Expr) -> Result<BExpr> {
    let scope = Scope::default();
    Binder::new(&scope).bind(e).map_err(|err| match err {
        Error::Plan(m) if m.starts_with("no such column") => {
            Error::Plan(format!("{m} (VALUES can only hold constant expressions)"))
        }
        other => other,
    })
}
