use std::error::Error;

fn divide(expr: &str) -> Result<i64, Box<dyn Error>> {
    todo!("{expr}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotients() {
        assert_eq!(divide("84 / 2").unwrap(), 42);
        assert_eq!(divide("-9/3").unwrap(), -3);
    }

    #[test]
    fn each_error_says_what() {
        assert_eq!(divide("1/0").unwrap_err().to_string(), "division by zero");
        assert_eq!(divide("12").unwrap_err().to_string(), "expected a/b");
        let e = divide("x/2").unwrap_err();
        assert!(e.downcast_ref::<std::num::ParseIntError>().is_some());
    }
}
