use std::fmt;

#[derive(Debug, PartialEq)]
enum AgeError {
    NotANumber(String),
    TooOld(u32),
}

impl fmt::Display for AgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgeError::NotANumber(s) => write!(f, "`{s}` is not a number"),
            AgeError::TooOld(n) => write!(f, "{n} is older than anyone alive"),
        }
    }
}

impl std::error::Error for AgeError {}

fn parse_age(s: &str) -> Result<u32, AgeError> {
    let n: u32 = s.trim().parse().map_err(|_| AgeError::NotANumber(s.to_string()))?;
    if n > 150 {
        return Err(AgeError::TooOld(n));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad() {
        assert_eq!(parse_age("42"), Ok(42));
        assert_eq!(parse_age("forty"), Err(AgeError::NotANumber("forty".to_string())));
        assert_eq!(parse_age("200"), Err(AgeError::TooOld(200)));
    }

    #[test]
    fn messages() {
        assert_eq!(parse_age("x").unwrap_err().to_string(), "`x` is not a number");
        let boxed: Box<dyn std::error::Error> = Box::new(AgeError::TooOld(151));
        assert_eq!(boxed.to_string(), "151 is older than anyone alive");
    }
}
