//! The syntax tree the parser produces and the planner consumes.

use std::fmt;

use crate::value::{Type, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    CreateTable(CreateTable),
    DropTable { name: String, if_exists: bool },
    CreateIndex(CreateIndex),
    DropIndex { name: String, if_exists: bool },
    Insert(Insert),
    Select(Box<Select>),
    Update(Update),
    Delete(Delete),
    Begin,
    Commit,
    Rollback,
    Explain(Box<Statement>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub ty: Type,
    pub primary_key: bool,
    pub not_null: bool,
    pub unique: bool,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    pub name: String,
    pub if_not_exists: bool,
    pub columns: Vec<ColumnDef>,
    /// A table-level `PRIMARY KEY (a, b)`.
    pub primary_key: Vec<String>,
    /// Table-level `UNIQUE (a, b)` constraints.
    pub uniques: Vec<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub if_not_exists: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    pub table: String,
    pub columns: Option<Vec<String>>,
    pub rows: Vec<Vec<Expr>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    pub table: String,
    pub sets: Vec<(String, Expr)>,
    pub filter: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    pub table: String,
    pub filter: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*` or `t.*`.
    Star(Option<String>),
    Expr {
        expr: Expr,
        alias: Option<String>,
        /// The expression as written, used as the column name.
        text: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableRef {
    pub name: String,
    pub alias: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    pub kind: JoinKind,
    pub table: TableRef,
    pub on: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderTerm {
    pub expr: Expr,
    pub desc: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    pub distinct: bool,
    pub items: Vec<SelectItem>,
    pub from: Option<TableRef>,
    pub joins: Vec<Join>,
    pub filter: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub order_by: Vec<OrderTerm>,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Concat,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Concat => "||",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Literal(Value),
    Column {
        table: Option<String>,
        name: String,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    /// A function call; `star` for `COUNT(*)`.
    Function {
        name: String,
        args: Vec<Expr>,
        distinct: bool,
        star: bool,
    },
    /// A `?` placeholder, numbered from 0 in the order written.
    Param(usize),
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        f(self);
        match self {
            Expr::Literal(_) | Expr::Column { .. } | Expr::Param(_) => {}
            Expr::Unary(_, e) | Expr::IsNull { expr: e, .. } => e.walk_mut(f),
            Expr::Binary(_, a, b)
            | Expr::Like {
                expr: a,
                pattern: b,
                ..
            } => {
                a.walk_mut(f);
                b.walk_mut(f);
            }
            Expr::InList { expr, list, .. } => {
                expr.walk_mut(f);
                list.iter_mut().for_each(|x| x.walk_mut(f));
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                expr.walk_mut(f);
                low.walk_mut(f);
                high.walk_mut(f);
            }
            Expr::Function { args, .. } => args.iter_mut().for_each(|x| x.walk_mut(f)),
        }
    }
}

impl Statement {
    /// Calls `f` on every expression of the statement.
    pub fn walk_exprs_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        match self {
            Statement::Select(s) => {
                for item in &mut s.items {
                    if let SelectItem::Expr { expr, .. } = item {
                        expr.walk_mut(f);
                    }
                }
                for j in &mut s.joins {
                    if let Some(on) = &mut j.on {
                        on.walk_mut(f);
                    }
                }
                let optional = [&mut s.filter, &mut s.having, &mut s.limit, &mut s.offset];
                for e in optional.into_iter().flatten() {
                    e.walk_mut(f);
                }
                s.group_by.iter_mut().for_each(|e| e.walk_mut(f));
                s.order_by.iter_mut().for_each(|o| o.expr.walk_mut(f));
            }
            Statement::Insert(i) => i.rows.iter_mut().flatten().for_each(|e| e.walk_mut(f)),
            Statement::Update(u) => {
                u.sets.iter_mut().for_each(|(_, e)| e.walk_mut(f));
                if let Some(e) = &mut u.filter {
                    e.walk_mut(f);
                }
            }
            Statement::Delete(d) => {
                if let Some(e) = &mut d.filter {
                    e.walk_mut(f);
                }
            }
            Statement::CreateTable(t) => {
                for c in &mut t.columns {
                    if let Some(d) = &mut c.default {
                        d.walk_mut(f);
                    }
                }
            }
            Statement::Explain(inner) => inner.walk_exprs_mut(f),
            Statement::DropTable { .. }
            | Statement::CreateIndex(_)
            | Statement::DropIndex { .. }
            | Statement::Begin
            | Statement::Commit
            | Statement::Rollback => {}
        }
    }
}

impl Expr {
    pub fn binary(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }
}

fn quote_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(Value::Text(s)) => f.write_str(&quote_text(s)),
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Param(_) => f.write_str("?"),
            Expr::Column {
                table: Some(t),
                name,
            } => write!(f, "{t}.{name}"),
            Expr::Column { table: None, name } => f.write_str(name),
            Expr::Unary(UnaryOp::Not, e) => write!(f, "NOT {e}"),
            Expr::Unary(UnaryOp::Neg, e) => write!(f, "-{e}"),
            Expr::Unary(UnaryOp::Plus, e) => write!(f, "+{e}"),
            Expr::Binary(op, l, r) => {
                let paren = |e: &Expr| matches!(e, Expr::Binary(o, ..) if *o == BinaryOp::Or || *o == BinaryOp::And);
                let side = |e: &Expr| {
                    if paren(e) {
                        format!("({e})")
                    } else {
                        e.to_string()
                    }
                };
                write!(f, "{} {} {}", side(l), op.symbol(), side(r))
            }
            Expr::IsNull { expr, negated } => {
                write!(f, "{expr} IS {}NULL", if *negated { "NOT " } else { "" })
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let items: Vec<String> = list.iter().map(|e| e.to_string()).collect();
                write!(
                    f,
                    "{expr} {}IN ({})",
                    if *negated { "NOT " } else { "" },
                    items.join(", ")
                )
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => write!(
                f,
                "{expr} {}BETWEEN {low} AND {high}",
                if *negated { "NOT " } else { "" }
            ),
            Expr::Like {
                expr,
                pattern,
                negated,
            } => {
                write!(
                    f,
                    "{expr} {}LIKE {pattern}",
                    if *negated { "NOT " } else { "" }
                )
            }
            Expr::Function {
                name,
                args,
                distinct,
                star,
            } => {
                if *star {
                    return write!(f, "{name}(*)");
                }
                let items: Vec<String> = args.iter().map(|e| e.to_string()).collect();
                write!(
                    f,
                    "{name}({}{})",
                    if *distinct { "DISTINCT " } else { "" },
                    items.join(", ")
                )
            }
        }
    }
}
