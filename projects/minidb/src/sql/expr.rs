//! Bound expressions: the planner's output for every expression, with
//! column names replaced by positions in the row. Evaluation follows SQL's
//! three-valued logic: a comparison with NULL is NULL, `NULL AND FALSE` is
//! FALSE, `NULL OR TRUE` is TRUE, and a WHERE keeps a row only when its
//! predicate is TRUE.

use std::cmp::Ordering;

use super::ast::{BinaryOp, UnaryOp};
use crate::error::{Error, Result};
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    Abs,
    Length,
    Upper,
    Lower,
    Coalesce,
    IfNull,
    NullIf,
    Typeof,
}

impl Scalar {
    pub fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "ABS" => Scalar::Abs,
            "LENGTH" => Scalar::Length,
            "UPPER" => Scalar::Upper,
            "LOWER" => Scalar::Lower,
            "COALESCE" => Scalar::Coalesce,
            "IFNULL" => Scalar::IfNull,
            "NULLIF" => Scalar::NullIf,
            "TYPEOF" => Scalar::Typeof,
            _ => return None,
        })
    }
    pub fn arity_ok(self, n: usize) -> bool {
        match self {
            Scalar::Coalesce => n >= 2,
            Scalar::IfNull | Scalar::NullIf => n == 2,
            _ => n == 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum BExpr {
    Lit(Value),
    Col(usize),
    Unary(UnaryOp, Box<BExpr>),
    Binary(BinaryOp, Box<BExpr>, Box<BExpr>),
    IsNull(Box<BExpr>, bool),
    InList(Box<BExpr>, Vec<BExpr>, bool),
    Between(Box<BExpr>, Box<BExpr>, Box<BExpr>, bool),
    Like(Box<BExpr>, Box<BExpr>, bool),
    Call(Scalar, Vec<BExpr>),
}

impl BExpr {
    /// True if the expression reads no column (it can be computed once).
    pub fn is_constant(&self) -> bool {
        self.max_column().is_none()
    }

    /// The highest column position the expression reads.
    pub fn max_column(&self) -> Option<usize> {
        let mut max: Option<usize> = None;
        self.visit(&mut |e| {
            if let BExpr::Col(i) = e {
                max = Some(max.map_or(*i, |m| m.max(*i)));
            }
        });
        max
    }

    pub fn min_column(&self) -> Option<usize> {
        let mut min: Option<usize> = None;
        self.visit(&mut |e| {
            if let BExpr::Col(i) = e {
                min = Some(min.map_or(*i, |m| m.min(*i)));
            }
        });
        min
    }

    fn visit(&self, f: &mut impl FnMut(&BExpr)) {
        f(self);
        match self {
            BExpr::Lit(_) | BExpr::Col(_) => {}
            BExpr::Unary(_, e) | BExpr::IsNull(e, _) => e.visit(f),
            BExpr::Binary(_, a, b) | BExpr::Like(a, b, _) => {
                a.visit(f);
                b.visit(f);
            }
            BExpr::InList(e, list, _) => {
                e.visit(f);
                list.iter().for_each(|x| x.visit(f));
            }
            BExpr::Between(a, b, c, _) => {
                a.visit(f);
                b.visit(f);
                c.visit(f);
            }
            BExpr::Call(_, args) => args.iter().for_each(|x| x.visit(f)),
        }
    }

    pub fn eval(&self, row: &[Value]) -> Result<Value> {
        Ok(match self {
            BExpr::Lit(v) => v.clone(),
            BExpr::Col(i) => row.get(*i).cloned().ok_or_else(|| {
                Error::Plan(format!(
                    "internal: column {i} outside a row of {}",
                    row.len()
                ))
            })?,
            BExpr::Unary(op, e) => {
                let v = e.eval(row)?;
                match op {
                    UnaryOp::Not => match v.truth() {
                        None => Value::Null,
                        Some(b) => Value::from_bool(!b),
                    },
                    UnaryOp::Plus => v,
                    UnaryOp::Neg => match v {
                        Value::Integer(i) => i
                            .checked_neg()
                            .map(Value::Integer)
                            .unwrap_or(Value::Real(-(i as f64))),
                        Value::Real(r) => Value::Real(-r),
                        Value::Null => Value::Null,
                        Value::Text(s) => Value::Real(-numeric(&s)),
                    },
                }
            }
            BExpr::Binary(BinaryOp::And, a, b) => {
                let l = a.eval(row)?.truth();
                if l == Some(false) {
                    return Ok(Value::Integer(0));
                }
                let r = b.eval(row)?.truth();
                match (l, r) {
                    (_, Some(false)) => Value::Integer(0),
                    (Some(true), Some(true)) => Value::Integer(1),
                    _ => Value::Null,
                }
            }
            BExpr::Binary(BinaryOp::Or, a, b) => {
                let l = a.eval(row)?.truth();
                if l == Some(true) {
                    return Ok(Value::Integer(1));
                }
                let r = b.eval(row)?.truth();
                match (l, r) {
                    (_, Some(true)) => Value::Integer(1),
                    (Some(false), Some(false)) => Value::Integer(0),
                    _ => Value::Null,
                }
            }
            BExpr::Binary(op, a, b) => binary(*op, a.eval(row)?, b.eval(row)?)?,
            BExpr::IsNull(e, negated) => Value::from_bool(e.eval(row)?.is_null() != *negated),
            BExpr::InList(e, list, negated) => {
                let v = e.eval(row)?;
                if v.is_null() {
                    return Ok(Value::Null);
                }
                let mut saw_null = false;
                for item in list {
                    let x = item.eval(row)?;
                    if x.is_null() {
                        saw_null = true;
                    } else if v == x {
                        return Ok(Value::from_bool(!negated));
                    }
                }
                if saw_null {
                    Value::Null
                } else {
                    Value::from_bool(*negated)
                }
            }
            BExpr::Between(e, lo, hi, negated) => {
                let v = e.eval(row)?;
                let ge = compare(BinaryOp::GtEq, &v, &lo.eval(row)?);
                let le = compare(BinaryOp::LtEq, &v, &hi.eval(row)?);
                let both = match (ge.truth(), le.truth()) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                match both {
                    None => Value::Null,
                    Some(b) => Value::from_bool(b != *negated),
                }
            }
            BExpr::Like(e, p, negated) => {
                let (v, p) = (e.eval(row)?, p.eval(row)?);
                if v.is_null() || p.is_null() {
                    return Ok(Value::Null);
                }
                let (v, p): (Vec<char>, Vec<char>) =
                    (v.render().chars().collect(), p.render().chars().collect());
                Value::from_bool(like(&p, &v) != *negated)
            }
            BExpr::Call(f, args) => {
                let vals = args
                    .iter()
                    .map(|a| a.eval(row))
                    .collect::<Result<Vec<_>>>()?;
                call(*f, vals)
            }
        })
    }

    /// A predicate's verdict: only TRUE keeps a row.
    pub fn is_true(&self, row: &[Value]) -> Result<bool> {
        Ok(self.eval(row)?.truth() == Some(true))
    }
}

fn numeric(s: &str) -> f64 {
    as_number(&Value::Text(s.to_string()))
        .as_f64()
        .unwrap_or(0.0)
}

fn as_number(v: &Value) -> Value {
    match v {
        Value::Text(s) => {
            let t = s.trim();
            t.parse::<i64>()
                .map(Value::Integer)
                .or_else(|_| t.parse::<f64>().map(Value::Real))
                .unwrap_or(Value::Integer(0))
        }
        other => other.clone(),
    }
}

pub fn compare(op: BinaryOp, a: &Value, b: &Value) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    let ord = a.cmp(b);
    Value::from_bool(match op {
        BinaryOp::Eq => ord == Ordering::Equal,
        BinaryOp::NotEq => ord != Ordering::Equal,
        BinaryOp::Lt => ord == Ordering::Less,
        BinaryOp::LtEq => ord != Ordering::Greater,
        BinaryOp::Gt => ord == Ordering::Greater,
        BinaryOp::GtEq => ord != Ordering::Less,
        _ => false,
    })
}

fn binary(op: BinaryOp, a: Value, b: Value) -> Result<Value> {
    use BinaryOp::*;
    match op {
        Eq | NotEq | Lt | LtEq | Gt | GtEq => Ok(compare(op, &a, &b)),
        Concat => {
            if a.is_null() || b.is_null() {
                Ok(Value::Null)
            } else {
                Ok(Value::Text(a.render() + &b.render()))
            }
        }
        Add | Sub | Mul | Div | Rem => {
            if a.is_null() || b.is_null() {
                return Ok(Value::Null);
            }
            let (a, b) = (as_number(&a), as_number(&b));
            if let (Value::Integer(x), Value::Integer(y)) = (&a, &b) {
                let (x, y) = (*x, *y);
                let exact = match op {
                    Add => x.checked_add(y),
                    Sub => x.checked_sub(y),
                    Mul => x.checked_mul(y),
                    Div => {
                        if y == 0 {
                            return Ok(Value::Null);
                        }
                        x.checked_div(y)
                    }
                    _ => {
                        if y == 0 {
                            return Ok(Value::Null);
                        }
                        Some(x.checked_rem(y).unwrap_or(0))
                    }
                };
                if let Some(v) = exact {
                    return Ok(Value::Integer(v));
                }
            }
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            let r = match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div => {
                    if y == 0.0 {
                        return Ok(Value::Null);
                    }
                    x / y
                }
                _ => {
                    // SQLite's % works on integers even for real operands.
                    let (xi, yi) = (x as i64, y as i64);
                    if yi == 0 {
                        return Ok(Value::Null);
                    }
                    return Ok(Value::Real((xi % yi) as f64));
                }
            };
            Ok(Value::Real(r))
        }
        And | Or => Err(Error::Plan(
            "internal: AND/OR evaluated as arithmetic".into(),
        )),
    }
}

fn call(f: Scalar, mut args: Vec<Value>) -> Value {
    let first = args.first().cloned().unwrap_or(Value::Null);
    match f {
        Scalar::Abs => match first {
            Value::Integer(i) => i
                .checked_abs()
                .map(Value::Integer)
                .unwrap_or(Value::Real((i as f64).abs())),
            Value::Real(r) => Value::Real(r.abs()),
            Value::Null => Value::Null,
            Value::Text(s) => Value::Real(numeric(&s).abs()),
        },
        Scalar::Length => match first {
            Value::Null => Value::Null,
            v => Value::Integer(v.render().chars().count() as i64),
        },
        Scalar::Upper => match first {
            Value::Null => Value::Null,
            v => Value::Text(v.render().to_ascii_uppercase()),
        },
        Scalar::Lower => match first {
            Value::Null => Value::Null,
            v => Value::Text(v.render().to_ascii_lowercase()),
        },
        Scalar::Coalesce | Scalar::IfNull => args
            .into_iter()
            .find(|v| !v.is_null())
            .unwrap_or(Value::Null),
        Scalar::NullIf => {
            let b = args.pop().unwrap_or(Value::Null);
            if compare(BinaryOp::Eq, &first, &b).truth() == Some(true) {
                Value::Null
            } else {
                first
            }
        }
        Scalar::Typeof => Value::Text(first.type_name().to_ascii_lowercase()),
    }
}

/// SQL LIKE: `%` matches any run, `_` one character; ASCII letters match
/// either case (as in SQLite).
pub fn like(pattern: &[char], text: &[char]) -> bool {
    // Iterative matcher with one backtrack point for the last `%`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '%' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len()
            && (pattern[p] == '_' || pattern[p].eq_ignore_ascii_case(&text[t]))
        {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == '%' {
        p += 1;
    }
    p == pattern.len()
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    CountStar,
    Count,
    Sum,
    Total,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    pub fn from_name(name: &str, star: bool) -> Option<AggFunc> {
        Some(match (name, star) {
            ("COUNT", true) => AggFunc::CountStar,
            ("COUNT", false) => AggFunc::Count,
            ("SUM", false) => AggFunc::Sum,
            ("TOTAL", false) => AggFunc::Total,
            ("AVG", false) => AggFunc::Avg,
            ("MIN", false) => AggFunc::Min,
            ("MAX", false) => AggFunc::Max,
            _ => return None,
        })
    }
}

/// Running state of one aggregate over one group.
#[derive(Clone, Debug)]
pub struct AggState {
    func: AggFunc,
    count: i64,
    int_sum: Option<i64>,
    overflow: bool,
    real_sum: f64,
    compensation: f64,
    any_real: bool,
    best: Option<Value>,
    seen: Option<std::collections::BTreeSet<Value>>,
}

impl AggState {
    pub fn new(func: AggFunc, distinct: bool) -> AggState {
        AggState {
            func,
            count: 0,
            int_sum: Some(0),
            overflow: false,
            real_sum: 0.0,
            compensation: 0.0,
            any_real: false,
            best: None,
            seen: distinct.then(Default::default),
        }
    }

    pub fn add(&mut self, v: Value) {
        if self.func == AggFunc::CountStar {
            self.count += 1;
            return;
        }
        if v.is_null() {
            return;
        }
        if let Some(seen) = &mut self.seen
            && !seen.insert(v.clone())
        {
            return;
        }
        self.count += 1;
        match self.func {
            AggFunc::Sum | AggFunc::Total | AggFunc::Avg => {
                let v = as_number(&v);
                match v {
                    Value::Integer(i) => {
                        self.int_sum = self.int_sum.and_then(|s| s.checked_add(i));
                        if self.int_sum.is_none() {
                            self.overflow = true;
                        }
                        self.add_real(i as f64);
                    }
                    Value::Real(r) => {
                        self.any_real = true;
                        self.add_real(r);
                    }
                    _ => {}
                }
            }
            AggFunc::Min if self.best.as_ref().is_none_or(|b| v < *b) => self.best = Some(v),
            AggFunc::Max if self.best.as_ref().is_none_or(|b| v > *b) => self.best = Some(v),
            _ => {}
        }
    }

    /// Neumaier's compensated sum, so long sums of reals agree with SQLite's.
    fn add_real(&mut self, x: f64) {
        let t = self.real_sum + x;
        if self.real_sum.abs() >= x.abs() {
            self.compensation += (self.real_sum - t) + x;
        } else {
            self.compensation += (x - t) + self.real_sum;
        }
        self.real_sum = t;
    }

    pub fn finish(&self) -> Result<Value> {
        Ok(match self.func {
            AggFunc::CountStar | AggFunc::Count => Value::Integer(self.count),
            AggFunc::Sum => {
                if self.count == 0 {
                    Value::Null
                } else if self.any_real {
                    Value::Real(self.real_sum + self.compensation)
                } else if self.overflow {
                    return Err(Error::Type("integer overflow in SUM".into()));
                } else {
                    Value::Integer(self.int_sum.unwrap_or(0))
                }
            }
            AggFunc::Total => Value::Real(self.real_sum + self.compensation),
            AggFunc::Avg => {
                if self.count == 0 {
                    Value::Null
                } else {
                    Value::Real((self.real_sum + self.compensation) / self.count as f64)
                }
            }
            AggFunc::Min | AggFunc::Max => self.best.clone().unwrap_or(Value::Null),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn like_matches_sql_patterns() {
        assert!(like(&c("a%c"), &c("abbbc")));
        assert!(like(&c("A_C"), &c("abc")));
        assert!(like(&c("%"), &c("")));
        assert!(!like(&c("a%d"), &c("abc")));
        assert!(like(&c("%b%b%"), &c("abab")));
    }

    #[test]
    fn three_valued_logic() {
        let null = || Box::new(BExpr::Lit(Value::Null));
        let f = || Box::new(BExpr::Lit(Value::Integer(0)));
        let t = || Box::new(BExpr::Lit(Value::Integer(1)));
        let ev = |e: BExpr| e.eval(&[]).unwrap();
        assert_eq!(
            ev(BExpr::Binary(BinaryOp::And, null(), f())),
            Value::Integer(0)
        );
        assert!(ev(BExpr::Binary(BinaryOp::And, null(), t())).is_null());
        assert_eq!(
            ev(BExpr::Binary(BinaryOp::Or, null(), t())),
            Value::Integer(1)
        );
        assert!(ev(BExpr::Unary(UnaryOp::Not, null())).is_null());
        assert!(
            ev(BExpr::InList(
                t(),
                vec![BExpr::Lit(Value::Integer(2)), BExpr::Lit(Value::Null)],
                false
            ))
            .is_null()
        );
    }
}
