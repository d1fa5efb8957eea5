struct Circle(f64);
struct Square(f64);

trait Area {
    fn area(&self) -> f64;
}

impl Area for Circle {
    fn area(&self) -> f64 {
        std::f64::consts::PI * self.0 * self.0
    }
}

impl Area for Square {
    fn area(&self) -> f64 {
        self.0 * self.0
    }
}

fn total(shapes: &[Box<dyn Area>]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_shapes() {
        let shapes: Vec<Box<dyn Area>> = vec![Box::new(Square(2.0)), Box::new(Circle(1.0)), Box::new(Square(3.0))];
        let want = 4.0 + std::f64::consts::PI + 9.0;
        assert!((total(&shapes) - want).abs() < 1e-9);
        assert_eq!(total(&[]), 0.0);
    }
}
