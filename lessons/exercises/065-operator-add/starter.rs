use std::ops::{Add, AddAssign, Mul};

#[derive(Debug, Clone, Copy, PartialEq)]
struct V2 {
    x: f64,
    y: f64,
}

// TODO: impl Add, Mul<f64> and AddAssign for V2.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let a = V2 { x: 1.0, y: 2.0 };
        let b = V2 { x: 0.5, y: -1.0 };
        assert_eq!(a + b, V2 { x: 1.5, y: 1.0 });
        assert_eq!(a * 3.0, V2 { x: 3.0, y: 6.0 });
        let mut c = a;
        c += b;
        c += b;
        assert_eq!(c, V2 { x: 2.0, y: 0.0 });
    }
}
