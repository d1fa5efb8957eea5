#[derive(Debug, PartialEq)]
pub struct RleError;

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let mut n = 1;
        while chars.next_if_eq(&c).is_some() {
            n += 1;
        }
        if n > 1 {
            out.push_str(&n.to_string());
        }
        out.push(c);
    }
    out
}

pub fn decode(s: &str) -> Result<String, RleError> {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while it.peek().is_some() {
        let mut count: Option<u32> = None;
        while let Some(d) = it.next_if(|c| c.is_ascii_digit()) {
            let digit = d.to_digit(10).ok_or(RleError)?;
            let so_far = count.unwrap_or(0);
            count = Some(
                so_far
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(digit))
                    .ok_or(RleError)?,
            );
        }
        let c = it.next().ok_or(RleError)?;
        match count {
            None => out.push(c),
            Some(0) => return Err(RleError),
            Some(n) => out.extend(std::iter::repeat_n(c, n as usize)),
        }
    }
    Ok(out)
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
