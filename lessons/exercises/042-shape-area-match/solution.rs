enum Shape {
    Circle { radius: f64 },
    Rect { w: f64, h: f64 },
    Triangle(f64, f64, f64),
}

fn area(shape: &Shape) -> f64 {
    match *shape {
        Shape::Circle { radius } => std::f64::consts::PI * radius * radius,
        Shape::Rect { w, h } => w * h,
        Shape::Triangle(a, b, c) => {
            let s = (a + b + c) / 2.0;
            (s * (s - a) * (s - b) * (s - c)).sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn areas() {
        assert!(close(area(&Shape::Circle { radius: 1.0 }), std::f64::consts::PI));
        assert!(close(area(&Shape::Rect { w: 2.0, h: 3.5 }), 7.0));
        assert!(close(area(&Shape::Triangle(3.0, 4.0, 5.0)), 6.0));
    }
}
