use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Str(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Cmp(String, Op, Value),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

#[derive(Debug, PartialEq)]
pub enum ParseError {
    End,
    Unexpected(String),
    Trailing(String),
}

/// Splits into tokens: words, numbers, 'strings' (kept with their quotes), ( ) and operators.
pub fn lex(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push(chars[start..i].iter().collect());
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '-') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if i + 1 < chars.len() && ["<=", ">=", "!="].contains(&format!("{c}{}", chars[i + 1]).as_str()) {
            out.push(format!("{c}{}", chars[i + 1]));
            i += 2;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

pub fn parse_where(text: &str) -> Result<Expr, ParseError> {
    let tokens = lex(text);
    todo!("parse {tokens:?}")
}

pub fn eval(expr: &Expr, row: &HashMap<String, Value>) -> bool {
    todo!("evaluate {expr:?} on {row:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(c: &str, op: Op, v: i64) -> Expr {
        Expr::Cmp(c.into(), op, Value::Int(v))
    }
    fn b(e: Expr) -> Box<Expr> {
        Box::new(e)
    }
    fn row(pairs: &[(&str, Value)]) -> HashMap<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(
            parse_where("a = 1 OR b = 2 AND c = 3"),
            Ok(Expr::Or(b(cmp("a", Op::Eq, 1)), b(Expr::And(b(cmp("b", Op::Eq, 2)), b(cmp("c", Op::Eq, 3))))))
        );
        assert_eq!(
            parse_where("(a = 1 or b = 2) and c = 3"),
            Ok(Expr::And(b(Expr::Or(b(cmp("a", Op::Eq, 1)), b(cmp("b", Op::Eq, 2)))), b(cmp("c", Op::Eq, 3))))
        );
        assert_eq!(
            parse_where("a < 1 AND b <= 2 AND c != 3"),
            Ok(Expr::And(
                b(Expr::And(b(cmp("a", Op::Lt, 1)), b(cmp("b", Op::Le, 2)))),
                b(cmp("c", Op::Ne, 3))
            ))
        );
        assert_eq!(
            parse_where("NOT NOT x >= -5"),
            Ok(Expr::Not(b(Expr::Not(b(cmp("x", Op::Ge, -5))))))
        );
    }

    #[test]
    fn errors() {
        assert_eq!(parse_where(""), Err(ParseError::End));
        assert_eq!(parse_where("a ="), Err(ParseError::End));
        assert_eq!(parse_where("a = 1 AND"), Err(ParseError::End));
        assert_eq!(parse_where("(a = 1"), Err(ParseError::End));
        assert_eq!(parse_where("a == 1"), Err(ParseError::Unexpected("=".into())));
        assert_eq!(parse_where("1 = a"), Err(ParseError::Unexpected("1".into())));
        assert_eq!(parse_where("a = b"), Err(ParseError::Unexpected("b".into())));
        assert_eq!(parse_where("a = 1 b = 2"), Err(ParseError::Trailing("b".into())));
        assert_eq!(parse_where("a = 1)"), Err(ParseError::Trailing(")".into())));
    }

    #[test]
    fn evaluates_rows() {
        let f = parse_where("age >= 18 AND (city = 'Oslo' OR NOT vip = 1)").unwrap();
        let r = |age, city: &str, vip| row(&[("age", Value::Int(age)), ("city", Value::Str(city.into())), ("vip", Value::Int(vip))]);
        assert!(f.clone() == f && eval(&f, &r(30, "Oslo", 1)));
        assert!(eval(&f, &r(30, "Rome", 0)));
        assert!(!eval(&f, &r(30, "Rome", 1)));
        assert!(!eval(&f, &r(17, "Oslo", 0)));
    }

    #[test]
    fn missing_columns_and_mixed_types_are_false() {
        let r = row(&[("n", Value::Int(5)), ("s", Value::Str("5".into()))]);
        assert!(!eval(&parse_where("missing = 1").unwrap(), &r));
        assert!(eval(&parse_where("NOT missing = 1").unwrap(), &r));
        assert!(!eval(&parse_where("n = '5'").unwrap(), &r));
        assert!(!eval(&parse_where("s = 5").unwrap(), &r));
        assert!(eval(&parse_where("s = '5' and n > 4 and n < 6").unwrap(), &r));
        assert!(eval(&parse_where("s > '4'").unwrap(), &r));
    }
}
