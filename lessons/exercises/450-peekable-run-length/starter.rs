#[derive(Debug, PartialEq)]
pub struct RleError;

pub fn encode(s: &str) -> String {
    todo!("encode {s:?}")
}

pub fn decode(s: &str) -> Result<String, RleError> {
    todo!("decode {s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_runs() {
        assert_eq!(encode("aaabccdddd"), "3ab2c4d");
        assert_eq!(encode(""), "");
        assert_eq!(encode("abc"), "abc");
        assert_eq!(encode(&"z".repeat(12)), "12z");
        assert_eq!(encode("ééé "), "3é ");
    }

    #[test]
    fn decodes_runs() {
        assert_eq!(decode("3ab2c4d"), Ok("aaabccdddd".to_string()));
        assert_eq!(decode("12z"), Ok("z".repeat(12)));
        assert_eq!(decode(""), Ok(String::new()));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(decode("3"), Err(RleError));
        assert_eq!(decode("a2"), Err(RleError));
        assert_eq!(decode("0a"), Err(RleError));
        assert_eq!(decode("99999999999a"), Err(RleError));
    }

    #[test]
    fn round_trip() {
        for s in ["hello  world", "xxxxxxxxxxxxxxxxxxxxyz", "q", "aabbaa"] {
            assert_eq!(decode(&encode(s)), Ok(s.to_string()));
        }
    }
}
