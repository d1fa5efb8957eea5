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

struct Parser {
    tokens: Vec<String>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn next(&mut self) -> Result<String, ParseError> {
        let t = self.tokens.get(self.pos).cloned().ok_or(ParseError::End)?;
        self.pos += 1;
        Ok(t)
    }

    fn eat_keyword(&mut self, kw: &str) -> bool {
        if self.peek().is_some_and(|t| t.eq_ignore_ascii_case(kw)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and_expr()?;
        while self.eat_keyword("OR") {
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not_expr()?;
        while self.eat_keyword("AND") {
            let right = self.not_expr()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, ParseError> {
        if self.eat_keyword("NOT") {
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let t = self.next()?;
        if t == "(" {
            let e = self.or_expr()?;
            let close = self.next()?;
            if close != ")" {
                return Err(ParseError::Unexpected(close));
            }
            return Ok(e);
        }
        let is_ident = t.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && !["AND", "OR", "NOT"].iter().any(|k| t.eq_ignore_ascii_case(k));
        if !is_ident {
            return Err(ParseError::Unexpected(t));
        }
        let op_tok = self.next()?;
        let op = match op_tok.as_str() {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return Err(ParseError::Unexpected(op_tok)),
        };
        let lit = self.next()?;
        let value = if let Some(s) = lit.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            Value::Str(s.to_string())
        } else if let Ok(n) = lit.parse::<i64>() {
            Value::Int(n)
        } else {
            return Err(ParseError::Unexpected(lit));
        };
        Ok(Expr::Cmp(t, op, value))
    }
}

pub fn parse_where(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser { tokens: lex(text), pos: 0 };
    let e = p.or_expr()?;
    match p.peek() {
        None => Ok(e),
        Some(t) => Err(ParseError::Trailing(t.to_string())),
    }
}

pub fn eval(expr: &Expr, row: &HashMap<String, Value>) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, row) && eval(b, row),
        Expr::Or(a, b) => eval(a, row) || eval(b, row),
        Expr::Not(e) => !eval(e, row),
        Expr::Cmp(col, op, lit) => {
            let ord = match (row.get(col), lit) {
                (Some(Value::Int(a)), Value::Int(b)) => a.cmp(b),
                (Some(Value::Str(a)), Value::Str(b)) => a.cmp(b),
                _ => return false,
            };
            match op {
                Op::Eq => ord.is_eq(),
                Op::Ne => ord.is_ne(),
                Op::Lt => ord.is_lt(),
                Op::Le => ord.is_le(),
                Op::Gt => ord.is_gt(),
                Op::Ge => ord.is_ge(),
            }
        }
    }
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
