pub const MAX_DEPTH: usize = 8;
pub const MAX_BULK: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Simple(String),
    Error(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Frame>>),
}

#[derive(Debug, PartialEq)]
pub enum RespError {
    Protocol(String),
    TooLarge,
    TooDeep,
}

type Parsed = Result<Option<(Frame, usize)>, RespError>;

/// The text of the line starting at `pos` and the position after its "\r\n".
fn line(buf: &[u8], pos: usize) -> Result<Option<(&str, usize)>, RespError> {
    let Some(rel) = buf[pos..].windows(2).position(|w| w == b"\r\n") else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&buf[pos..pos + rel])
        .map_err(|_| RespError::Protocol("header is not UTF-8".into()))?;
    Ok(Some((text, pos + rel + 2)))
}

fn number(text: &str) -> Result<i64, RespError> {
    text.parse()
        .map_err(|_| RespError::Protocol(format!("bad number: {text:?}")))
}

fn parse_at(buf: &[u8], pos: usize, depth: usize) -> Parsed {
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    let Some((text, next)) = line(buf, pos + 1)? else {
        return Ok(None);
    };
    match kind {
        b'+' => Ok(Some((Frame::Simple(text.to_string()), next))),
        b'-' => Ok(Some((Frame::Error(text.to_string()), next))),
        b':' => Ok(Some((Frame::Integer(number(text)?), next))),
        b'$' => {
            let len = number(text)?;
            if len == -1 {
                return Ok(Some((Frame::Bulk(None), next)));
            }
            let len = usize::try_from(len).map_err(|_| RespError::Protocol("negative length".into()))?;
            if len > MAX_BULK {
                return Err(RespError::TooLarge);
            }
            let end = next + len;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err(RespError::Protocol("bulk string not terminated".into()));
            }
            Ok(Some((Frame::Bulk(Some(buf[next..end].to_vec())), end + 2)))
        }
        b'*' => {
            let n = number(text)?;
            if n == -1 {
                return Ok(Some((Frame::Array(None), next)));
            }
            let n = usize::try_from(n).map_err(|_| RespError::Protocol("negative length".into()))?;
            if depth >= MAX_DEPTH {
                return Err(RespError::TooDeep);
            }
            let mut items = Vec::with_capacity(n.min(64));
            let mut at = next;
            for _ in 0..n {
                let Some((item, after)) = parse_at(buf, at, depth + 1)? else {
                    return Ok(None);
                };
                items.push(item);
                at = after;
            }
            Ok(Some((Frame::Array(Some(items)), at)))
        }
        other => Err(RespError::Protocol(format!("unknown type byte {:?}", other as char))),
    }
}

pub fn parse(buf: &[u8]) -> Result<Option<(Frame, usize)>, RespError> {
    parse_at(buf, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Frame {
        Frame::Bulk(Some(s.as_bytes().to_vec()))
    }

    #[test]
    fn scalar_frames() {
        assert_eq!(parse(b"+OK\r\n"), Ok(Some((Frame::Simple("OK".into()), 5))));
        assert_eq!(parse(b"-ERR no\r\n"), Ok(Some((Frame::Error("ERR no".into()), 9))));
        assert_eq!(parse(b":-42\r\nrest"), Ok(Some((Frame::Integer(-42), 6))));
        assert_eq!(parse(b"$5\r\nhe\r\no\r\n"), Ok(Some((bulk("he\r\no"), 11))));
        assert_eq!(parse(b"$0\r\n\r\n"), Ok(Some((bulk(""), 6))));
        assert_eq!(parse(b"$-1\r\n"), Ok(Some((Frame::Bulk(None), 5))));
    }

    #[test]
    fn arrays() {
        let cmd = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
        assert_eq!(parse(cmd), Ok(Some((Frame::Array(Some(vec![bulk("GET"), bulk("k")])), cmd.len()))));
        assert_eq!(parse(b"*0\r\n"), Ok(Some((Frame::Array(Some(vec![])), 4))));
        assert_eq!(parse(b"*-1\r\n"), Ok(Some((Frame::Array(None), 5))));
        let nested = b"*2\r\n:1\r\n*1\r\n+x\r\n";
        assert_eq!(
            parse(nested),
            Ok(Some((
                Frame::Array(Some(vec![Frame::Integer(1), Frame::Array(Some(vec![Frame::Simple("x".into())]))])),
                nested.len()
            )))
        );
    }

    #[test]
    fn every_prefix_is_incomplete() {
        let cmd = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n*1\r\n:7\r\n";
        for cut in 0..cmd.len() {
            assert_eq!(parse(&cmd[..cut]), Ok(None), "cut at {cut}");
        }
        assert!(matches!(parse(cmd), Ok(Some((_, n))) if n == cmd.len()));
    }

    #[test]
    fn protocol_errors() {
        assert!(matches!(parse(b"?x\r\n"), Err(RespError::Protocol(_))));
        assert!(matches!(parse(b":12a\r\n"), Err(RespError::Protocol(_))));
        assert!(matches!(parse(b"$3\r\nabcde\r\n"), Err(RespError::Protocol(_))));
        assert!(matches!(parse(b"$-2\r\n"), Err(RespError::Protocol(_))));
        assert!(matches!(parse(b"*-5\r\n"), Err(RespError::Protocol(_))));
        assert_eq!(parse(b"$999999999\r\n"), Err(RespError::TooLarge));
    }

    #[test]
    fn depth_limit() {
        let ok = "*1\r\n".repeat(MAX_DEPTH) + ":1\r\n";
        assert!(matches!(parse(ok.as_bytes()), Ok(Some(_))));
        let deep = "*1\r\n".repeat(MAX_DEPTH + 1) + ":1\r\n";
        assert_eq!(parse(deep.as_bytes()), Err(RespError::TooDeep));
        let attack = "*1\r\n".repeat(100_000);
        assert_eq!(parse(attack.as_bytes()), Err(RespError::TooDeep), "no stack overflow");
    }

    #[test]
    fn huge_array_count_does_not_allocate_up_front() {
        assert_eq!(parse(b"*4000000000\r\n:1\r\n"), Ok(None));
    }
}
