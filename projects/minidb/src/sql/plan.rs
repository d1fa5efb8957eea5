//! Physical plans: what the planner decides and the executor runs, and the
//! [`PlanTree`] that EXPLAIN shows (and the DB pane draws).

use std::fmt;
use std::ops::Bound;
use std::sync::Arc;

use super::expr::{AggFunc, BExpr};
use crate::catalog::{Index, Table};

/// How a table's rows are reached.
#[derive(Clone, Debug)]
pub enum Access {
    Full,
    Rowid {
        lo: Bound<i64>,
        hi: Bound<i64>,
    },
    Index {
        index: Arc<Index>,
        lo: Bound<Vec<u8>>,
        hi: Bound<Vec<u8>>,
    },
}

/// How the inner side of an index nested-loop join finds its rows.
#[derive(Clone, Debug)]
pub enum Lookup {
    Rowid,
    Index(Arc<Index>),
}

#[derive(Clone, Debug)]
pub enum Plan {
    /// One row of no columns (SELECT without FROM).
    Empty,
    /// Rows of a table: its columns, then the rowid.
    Scan {
        table: Arc<Table>,
        access: Access,
        detail: String,
    },
    Filter {
        input: Box<Plan>,
        pred: BExpr,
        detail: String,
    },
    NestedLoop {
        left: Box<Plan>,
        right: Box<Plan>,
        on: Option<BExpr>,
        outer: bool,
        right_width: usize,
        detail: String,
    },
    IndexJoin {
        left: Box<Plan>,
        table: Arc<Table>,
        lookup: Lookup,
        key: BExpr,
        on: Option<BExpr>,
        outer: bool,
        detail: String,
    },
    Aggregate {
        input: Box<Plan>,
        groups: Vec<BExpr>,
        aggs: Vec<(AggFunc, Option<BExpr>, bool)>,
        detail: String,
    },
    Project {
        input: Box<Plan>,
        exprs: Vec<BExpr>,
        detail: String,
    },
    Distinct {
        input: Box<Plan>,
        width: usize,
    },
    Sort {
        input: Box<Plan>,
        keys: Vec<(usize, bool)>,
        detail: String,
    },
    Limit {
        input: Box<Plan>,
        limit: Option<u64>,
        offset: u64,
    },
    /// Drops the hidden sort columns after sorting.
    Trim {
        input: Box<Plan>,
        width: usize,
    },
}

/// A plan as a tree of labelled nodes, for EXPLAIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanTree {
    pub label: String,
    pub children: Vec<PlanTree>,
}

impl PlanTree {
    pub fn leaf(label: impl Into<String>) -> PlanTree {
        PlanTree {
            label: label.into(),
            children: Vec::new(),
        }
    }

    /// The tree as indented lines ("SCAN t" under "FILTER ...").
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.label.clone()];
        let n = self.children.len();
        for (i, c) in self.children.iter().enumerate() {
            let last = i + 1 == n;
            for (j, line) in c.lines().into_iter().enumerate() {
                let prefix = match (j, last) {
                    (0, true) => "└─ ",
                    (0, false) => "├─ ",
                    (_, true) => "   ",
                    (_, false) => "│  ",
                };
                out.push(format!("{prefix}{line}"));
            }
        }
        out
    }

    /// Every label, depth first (handy for tests: "does the plan use X").
    pub fn labels(&self) -> Vec<&str> {
        let mut out = vec![self.label.as_str()];
        for c in &self.children {
            out.extend(c.labels());
        }
        out
    }
}

impl fmt::Display for PlanTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

fn join_kind(outer: bool) -> &'static str {
    if outer { "LEFT" } else { "INNER" }
}

impl Plan {
    pub fn tree(&self) -> PlanTree {
        let (label, children): (String, Vec<&Plan>) = match self {
            Plan::Empty => ("CONSTANT ROW".into(), vec![]),
            Plan::Scan {
                table,
                access,
                detail,
            } => (
                match access {
                    Access::Full => format!("SCAN {}", table.name),
                    Access::Rowid { .. } => format!("SEARCH {} USING ROWID ({detail})", table.name),
                    Access::Index { index, .. } => {
                        format!(
                            "SEARCH {} USING INDEX {} ({detail})",
                            table.name, index.name
                        )
                    }
                },
                vec![],
            ),
            Plan::Filter { input, detail, .. } => (format!("FILTER {detail}"), vec![input]),
            Plan::NestedLoop {
                left,
                right,
                outer,
                detail,
                ..
            } => (
                format!(
                    "NESTED LOOP {} JOIN{}",
                    join_kind(*outer),
                    if detail.is_empty() {
                        String::new()
                    } else {
                        format!(" ON {detail}")
                    }
                ),
                vec![left, right],
            ),
            Plan::IndexJoin {
                left,
                table,
                lookup,
                outer,
                detail,
                ..
            } => (
                match lookup {
                    Lookup::Rowid => format!(
                        "INDEX NESTED LOOP {} JOIN {} USING ROWID ({detail})",
                        join_kind(*outer),
                        table.name
                    ),
                    Lookup::Index(i) => format!(
                        "INDEX NESTED LOOP {} JOIN {} USING INDEX {} ({detail})",
                        join_kind(*outer),
                        table.name,
                        i.name
                    ),
                },
                vec![left],
            ),
            Plan::Aggregate { input, detail, .. } => (format!("AGGREGATE {detail}"), vec![input]),
            Plan::Project { input, detail, .. } => (format!("PROJECT {detail}"), vec![input]),
            Plan::Distinct { input, .. } => ("DISTINCT".into(), vec![input]),
            Plan::Sort { input, detail, .. } => (format!("SORT BY {detail}"), vec![input]),
            Plan::Limit {
                input,
                limit,
                offset,
            } => (
                match (limit, offset) {
                    (Some(l), 0) => format!("LIMIT {l}"),
                    (Some(l), o) => format!("LIMIT {l} OFFSET {o}"),
                    (None, o) => format!("OFFSET {o}"),
                },
                vec![input],
            ),
            Plan::Trim { input, .. } => return input.tree(),
        };
        PlanTree {
            label,
            children: children.into_iter().map(Plan::tree).collect(),
        }
    }
}
