#[derive(Debug, Clone, Copy, PartialEq)]
struct Meters(f64);

#[derive(Debug, Clone, Copy, PartialEq)]
struct Feet(f64);

fn to_feet(m: Meters) -> Feet {
    Feet(m.0 * 3.28084)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts() {
        let f = to_feet(Meters(100.0));
        assert!((f.0 - 328.084).abs() < 1e-9);
        assert_eq!(to_feet(Meters(0.0)), Feet(0.0));
    }
}
