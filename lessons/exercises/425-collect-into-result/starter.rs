#[derive(Debug, PartialEq)]
pub enum ConfigError {
    MissingEquals(usize),
    EmptyKey(usize),
}

pub fn parse_config(text: &str) -> Result<Vec<(String, String)>, ConfigError> {
    todo!("parse {text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn parses_pairs_and_skips_comments() {
        let text = "# comment\nname = megarepo\nport=8080\n\n   \n  # indented comment\nlog level = debug\n";
        assert_eq!(
            parse_config(text),
            Ok(vec![kv("name", "megarepo"), kv("port", "8080"), kv("log level", "debug")])
        );
    }

    #[test]
    fn value_may_be_empty_or_contain_equals() {
        assert_eq!(parse_config("a=\nb = x=y"), Ok(vec![kv("a", ""), kv("b", "x=y")]));
    }

    #[test]
    fn errors_carry_one_based_line_numbers() {
        assert_eq!(parse_config("a=1\n\nnot a pair\nb=2"), Err(ConfigError::MissingEquals(3)));
        assert_eq!(parse_config("# x\n = 5"), Err(ConfigError::EmptyKey(2)));
    }

    #[test]
    fn first_error_wins_and_empty_is_ok() {
        assert_eq!(parse_config("=1\nbad"), Err(ConfigError::EmptyKey(1)));
        assert_eq!(parse_config(""), Ok(vec![]));
    }
}
