#[derive(Debug, PartialEq)]
enum AddrError {
    NoColon,
    EmptyHost,
    BadPort,
}

fn parse_addr(s: &str) -> Result<(&str, u16), AddrError> {
    todo!("{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(parse_addr("localhost:6379"), Ok(("localhost", 6379)));
        assert_eq!(parse_addr("localhost"), Err(AddrError::NoColon));
        assert_eq!(parse_addr(":80"), Err(AddrError::EmptyHost));
        assert_eq!(parse_addr("h:99999"), Err(AddrError::BadPort));
        assert_eq!(parse_addr("h:"), Err(AddrError::BadPort));
    }
}
