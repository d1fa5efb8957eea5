struct Circle(f64);
struct Square(f64);

// TODO: a trait Area with `fn area(&self) -> f64`, implemented for both.

fn total(shapes: &[Box<dyn Area>]) -> f64 {
    todo!()
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
