use std::ops::{Add, AddAssign, Mul};

#[derive(Debug, Clone, Copy, PartialEq)]
struct V2 {
    x: f64,
    y: f64,
}

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        V2 { x: self.x + o.x, y: self.y + o.y }
    }
}

impl Mul<f64> for V2 {
    type Output = V2;
    fn mul(self, k: f64) -> V2 {
        V2 { x: self.x * k, y: self.y * k }
    }
}

impl AddAssign for V2 {
    fn add_assign(&mut self, o: V2) {
        *self = *self + o;
    }
}

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
