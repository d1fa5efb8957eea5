use std::fmt;

struct Point {
    x: f64,
    y: f64,
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("({}, {})", self.x, self.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_with_precision() {
        let p = Point { x: 1.5, y: -2.0 };
        assert_eq!(p.to_string(), "(1.5, -2)");
        assert_eq!(format!("{p:.2}"), "(1.50, -2.00)");
        assert_eq!(format!("{:.0}", Point { x: 0.4, y: 2.6 }), "(0, 3)");
    }
}
