#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(i64),
    Add(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
}

pub fn num(n: i64) -> Expr {
    Expr::Num(n)
}

pub fn add(a: Expr, b: Expr) -> Expr {
    Expr::Add(Box::new(a), Box::new(b))
}

pub fn mul(a: Expr, b: Expr) -> Expr {
    Expr::Mul(Box::new(a), Box::new(b))
}

pub fn neg(a: Expr) -> Expr {
    Expr::Neg(Box::new(a))
}

impl Expr {
    pub fn eval(&self) -> Option<i64> {
        match self {
            Expr::Num(n) => Some(*n),
            Expr::Add(a, b) => a.eval()?.checked_add(b.eval()?),
            Expr::Mul(a, b) => a.eval()?.checked_mul(b.eval()?),
            Expr::Neg(a) => a.eval()?.checked_neg(),
        }
    }

    pub fn depth(&self) -> usize {
        match self {
            Expr::Num(_) => 1,
            Expr::Add(a, b) | Expr::Mul(a, b) => 1 + a.depth().max(b.depth()),
            Expr::Neg(a) => 1 + a.depth(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_nested_expressions() {
        // -(2 + 3) * 4
        let e = mul(neg(add(num(2), num(3))), num(4));
        assert_eq!(e.eval(), Some(-20));
        assert_eq!(e.depth(), 4);
        assert_eq!(num(7).eval(), Some(7));
    }

    #[test]
    fn overflow_is_none() {
        assert_eq!(add(num(i64::MAX), num(1)).eval(), None);
        assert_eq!(neg(num(i64::MIN)).eval(), None);
        assert_eq!(mul(num(1 << 40), num(1 << 40)).eval(), None);
    }

    #[test]
    fn the_enum_is_small() {
        assert!(std::mem::size_of::<Expr>() <= 3 * std::mem::size_of::<usize>());
        let deep = (0..500).fold(num(0), |acc, _| add(acc, num(1)));
        assert_eq!(deep.eval(), Some(500));
        assert_eq!(deep.depth(), 501);
        let same = deep.clone();
        assert_eq!(deep, same);
    }
}
