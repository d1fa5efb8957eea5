fn to_fahrenheit(c: f64) -> f64 {
    todo!("convert {c} degrees Celsius")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freezing_and_boiling() {
        assert_eq!(to_fahrenheit(0.0), 32.0);
        assert_eq!(to_fahrenheit(100.0), 212.0);
    }

    #[test]
    fn below_zero_and_fractions() {
        assert_eq!(to_fahrenheit(-40.0), -40.0);
        assert!((to_fahrenheit(37.5) - 99.5).abs() < 1e-9);
    }
}
