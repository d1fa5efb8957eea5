//! SQL values and column types. Values order the way SQLite orders them:
//! NULL first, then numbers (integers and reals compared by value), then text
//! (compared byte by byte). Booleans are integers 0 and 1, as in SQLite.

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

/// A column's declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Integer,
    Real,
    Text,
    Boolean,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Integer => "INTEGER",
            Type::Real => "REAL",
            Type::Text => "TEXT",
            Type::Boolean => "BOOLEAN",
        })
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn from_bool(b: bool) -> Value {
        Value::Integer(i64::from(b))
    }

    /// SQL truth: NULL is unknown (None); numbers are true when non-zero;
    /// text is read as a number the way SQLite does (so 'abc' is false).
    pub fn truth(&self) -> Option<bool> {
        match self {
            Value::Null => None,
            Value::Integer(i) => Some(*i != 0),
            Value::Real(r) => Some(*r != 0.0),
            Value::Text(s) => Some(leading_number(s) != 0.0),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(*i as f64),
            Value::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Integer(_) => "INTEGER",
            Value::Real(_) => "REAL",
            Value::Text(_) => "TEXT",
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 1,
            Value::Text(_) => 2,
        }
    }

    /// Converts a value for a column of type `ty`, when that loses nothing.
    pub fn coerce(self, ty: Type) -> Result<Value, Value> {
        match (ty, self) {
            (_, Value::Null) => Ok(Value::Null),
            (Type::Integer, Value::Integer(i)) => Ok(Value::Integer(i)),
            (Type::Integer, Value::Real(r))
                if r.fract() == 0.0
                    && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) =>
            {
                Ok(Value::Integer(r as i64))
            }
            (Type::Real, Value::Real(r)) => Ok(Value::Real(r)),
            (Type::Real, Value::Integer(i)) => Ok(Value::Real(i as f64)),
            (Type::Text, Value::Text(s)) => Ok(Value::Text(s)),
            (Type::Boolean, Value::Integer(i)) if i == 0 || i == 1 => Ok(Value::Integer(i)),
            (_, other) => Err(other),
        }
    }

    /// Text for display, with reals shown to 15 significant digits as
    /// SQLite's shell does (so 0.1 + 0.2 shows as 0.3).
    pub fn render(&self) -> String {
        match self {
            Value::Null => "NULL".into(),
            Value::Integer(i) => i.to_string(),
            Value::Real(r) => format_real(*r),
            Value::Text(s) => s.clone(),
        }
    }
}

pub fn format_real(r: f64) -> String {
    if !r.is_finite() {
        return if r.is_nan() {
            "NaN".into()
        } else if r > 0.0 {
            "Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let rounded: f64 = format!("{r:.14e}").parse().unwrap_or(r);
    let s = format!("{rounded}");
    if s.contains(['.', 'e']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// The numeric prefix of a string, as SQLite reads text in a numeric context.
fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    for (i, _) in t.char_indices().chain(std::iter::once((t.len(), ' '))) {
        if t[..i].parse::<f64>().is_ok() {
            end = i;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Integer(a), Value::Integer(b)) => a.cmp(b),
            (Value::Real(a), Value::Real(b)) => a.total_cmp(b),
            (Value::Integer(a), Value::Real(b)) => cmp_int_real(*a, *b),
            (Value::Real(a), Value::Integer(b)) => cmp_int_real(*b, *a).reverse(),
            (Value::Text(a), Value::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

fn cmp_int_real(i: i64, r: f64) -> Ordering {
    let f = i as f64;
    match f.total_cmp(&r) {
        Ordering::Equal => {
            // The float equals i after rounding; compare exactly if r is whole.
            if r.fract() == 0.0 && r.abs() < 9.2e18 {
                i.cmp(&(r as i64))
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_null_numbers_text() {
        let mut v = [
            Value::Text("b".into()),
            Value::Real(1.5),
            Value::Null,
            Value::Integer(2),
            Value::Integer(1),
            Value::Text("a".into()),
        ];
        v.sort();
        assert_eq!(
            v.iter().map(Value::render).collect::<Vec<_>>(),
            ["NULL", "1", "1.5", "2", "a", "b"]
        );
        assert_eq!(Value::Integer(3), Value::Real(3.0));
    }

    #[test]
    fn reals_render_like_sqlite() {
        assert_eq!(format_real(0.1 + 0.2), "0.3");
        assert_eq!(format_real(2.0), "2.0");
        assert_eq!(format_real(-0.5), "-0.5");
    }

    #[test]
    fn coercion_is_lossless_or_refused() {
        assert_eq!(
            Value::Real(4.0).coerce(Type::Integer).ok(),
            Some(Value::Integer(4))
        );
        assert!(Value::Real(4.5).coerce(Type::Integer).is_err());
        assert!(Value::Text("x".into()).coerce(Type::Integer).is_err());
        assert!(Value::Integer(2).coerce(Type::Boolean).is_err());
    }
}
