//! RESP2 frames: the five reply types of the Redis protocol, a parser with
//! limits, and the encoder.
//!
//! Bytes arrive in pieces, so [`parse`] has three answers: a whole frame and
//! how many bytes it used, `Ok(None)` for "not yet, read more", or a
//! [`FrameError`] for bytes that can never become a frame. Every length read
//! from the wire is checked against [`Limits`] *before* anything is
//! allocated or waited for, and nested arrays count against a depth limit,
//! so neither a declared 4 GiB string nor a megabyte of `*1\r\n` can exhaust
//! memory or the stack.
//!
//! The client reads replies with this parser. The server reads requests with
//! the flatter, resumable parser in [`crate::request`], because a request is
//! always one array of bulk strings.

use std::fmt;

/// One RESP2 value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// `+OK\r\n`: a short status line (no CR or LF inside).
    Simple(String),
    /// `-ERR message\r\n`: the first word is the error kind.
    Error(String),
    /// `:42\r\n`
    Integer(i64),
    /// `$3\r\nfoo\r\n`: binary-safe bytes.
    Bulk(Vec<u8>),
    /// `$-1\r\n`, the "nil" reply.
    Null,
    /// `*2\r\n...`: any frames, nested.
    Array(Vec<Frame>),
    /// `*-1\r\n`, the nil array (a timed-out blocking pop, for instance).
    NullArray,
}

/// Upper bounds on what a peer may declare. The defaults suit a teaching
/// server on a laptop; every one can be raised in [`crate::Config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest bulk string, in bytes (Redis: `proto-max-bulk-len`, 512 MiB).
    pub max_bulk_len: usize,
    /// Most elements in one array (a request's argument count).
    pub max_array_len: usize,
    /// Deepest nesting of arrays. Requests are flat (depth 1); replies such
    /// as SCAN's nest one level more.
    pub max_depth: usize,
    /// Longest simple string, error, integer or inline command line.
    pub max_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 16 * 1024 * 1024,
            max_array_len: 1024 * 1024,
            max_depth: 32,
            max_line: 64 * 1024,
        }
    }
}

/// Why bytes can never become a frame. The text is what the server sends
/// after `-ERR Protocol error: ` before it closes the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("invalid frame type byte {0:?}")]
    InvalidType(char),
    #[error("invalid bulk length")]
    InvalidBulkLength,
    #[error("invalid multibulk length")]
    InvalidArrayLength,
    #[error("bulk length {len} is over the limit of {max}")]
    BulkTooLong { len: u64, max: usize },
    #[error("array length {len} is over the limit of {max}")]
    ArrayTooLong { len: u64, max: usize },
    #[error("arrays nested deeper than {max}")]
    TooDeep { max: usize },
    #[error("line longer than {max} bytes")]
    LineTooLong { max: usize },
    #[error("invalid integer")]
    InvalidInteger,
    #[error("expected CRLF after bulk data")]
    MissingCrlf,
    #[error("simple string or error is not UTF-8")]
    NotText,
}

/// Parse one frame from the start of `buf`: the frame and the bytes it used,
/// `Ok(None)` when more bytes are needed, or an error for invalid input.
pub fn parse(buf: &[u8], limits: &Limits) -> Result<Option<(Frame, usize)>, FrameError> {
    let mut pos = 0;
    match parse_at(buf, &mut pos, limits, 1)? {
        Some(frame) => Ok(Some((frame, pos))),
        None => Ok(None),
    }
}

/// The line starting at `*pos` without its CRLF, advancing past it.
pub(crate) fn line<'a>(
    buf: &'a [u8],
    pos: &mut usize,
    max: usize,
) -> Result<Option<&'a [u8]>, FrameError> {
    let start = *pos;
    let window = &buf[start.min(buf.len())..];
    // Only look as far as a legal line may reach, so a peer that never sends
    // CRLF costs one bounded scan per read, and is refused once past `max`.
    let limit = window.len().min(max + 2);
    match window[..limit].iter().position(|&b| b == b'\n') {
        Some(nl) if nl > 0 && window[nl - 1] == b'\r' => {
            *pos = start + nl + 1;
            Ok(Some(&window[..nl - 1]))
        }
        Some(_) => Err(FrameError::MissingCrlf),
        None if window.len() > max + 1 => Err(FrameError::LineTooLong { max }),
        None => Ok(None),
    }
}

/// A signed decimal integer, strictly: no sign on its own, no spaces, no
/// leading `+`, no overflow.
pub(crate) fn parse_int(digits: &[u8]) -> Option<i64> {
    let (negative, digits) = match digits.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, digits),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?;
        n = if negative {
            n.checked_sub(i64::from(d - b'0'))?
        } else {
            n.checked_add(i64::from(d - b'0'))?
        };
    }
    Some(n)
}

fn parse_at(
    buf: &[u8],
    pos: &mut usize,
    limits: &Limits,
    depth: usize,
) -> Result<Option<Frame>, FrameError> {
    let Some(&kind) = buf.get(*pos) else {
        return Ok(None);
    };
    let mut p = *pos + 1;
    let Some(header) = line(buf, &mut p, limits.max_line)? else {
        return Ok(None);
    };
    let frame = match kind {
        b'+' | b'-' => {
            let text = std::str::from_utf8(header).map_err(|_| FrameError::NotText)?;
            if kind == b'+' {
                Frame::Simple(text.to_string())
            } else {
                Frame::Error(text.to_string())
            }
        }
        b':' => Frame::Integer(parse_int(header).ok_or(FrameError::InvalidInteger)?),
        b'$' => {
            let len = parse_int(header).ok_or(FrameError::InvalidBulkLength)?;
            if len == -1 {
                Frame::Null
            } else {
                let len = u64::try_from(len).map_err(|_| FrameError::InvalidBulkLength)?;
                if len > limits.max_bulk_len as u64 {
                    return Err(FrameError::BulkTooLong {
                        len,
                        max: limits.max_bulk_len,
                    });
                }
                let len = len as usize;
                let end = p + len;
                if buf.len() < end + 2 {
                    return Ok(None);
                }
                if &buf[end..end + 2] != b"\r\n" {
                    return Err(FrameError::MissingCrlf);
                }
                let data = buf[p..end].to_vec();
                p = end + 2;
                Frame::Bulk(data)
            }
        }
        b'*' => {
            let len = parse_int(header).ok_or(FrameError::InvalidArrayLength)?;
            if len == -1 {
                Frame::NullArray
            } else {
                let len = u64::try_from(len).map_err(|_| FrameError::InvalidArrayLength)?;
                if len > limits.max_array_len as u64 {
                    return Err(FrameError::ArrayTooLong {
                        len,
                        max: limits.max_array_len,
                    });
                }
                if len > 0 && depth >= limits.max_depth {
                    return Err(FrameError::TooDeep {
                        max: limits.max_depth,
                    });
                }
                // Grow as elements arrive, never by the declared count: a
                // peer declaring a million elements and sending none costs
                // nothing.
                let mut items = Vec::new();
                for _ in 0..len {
                    match parse_at(buf, &mut p, limits, depth + 1)? {
                        Some(item) => items.push(item),
                        None => return Ok(None),
                    }
                }
                Frame::Array(items)
            }
        }
        other => return Err(FrameError::InvalidType(char::from(other))),
    };
    *pos = p;
    Ok(Some(frame))
}

impl Frame {
    /// Append the wire form of this frame to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Simple(s) => put_line(out, b'+', s.as_bytes()),
            Frame::Error(s) => put_line(out, b'-', s.as_bytes()),
            Frame::Integer(n) => put_line(out, b':', n.to_string().as_bytes()),
            Frame::Bulk(data) => {
                put_line(out, b'$', data.len().to_string().as_bytes());
                out.extend_from_slice(data);
                out.extend_from_slice(b"\r\n");
            }
            Frame::Null => out.extend_from_slice(b"$-1\r\n"),
            Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
            Frame::Array(items) => {
                put_line(out, b'*', items.len().to_string().as_bytes());
                for item in items {
                    item.encode(out);
                }
            }
        }
    }

    /// The wire form as a new buffer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// A request: an array of bulk strings, the only shape clients send.
    pub fn command<A: AsRef<[u8]>>(args: &[A]) -> Frame {
        Frame::Array(
            args.iter()
                .map(|a| Frame::Bulk(a.as_ref().to_vec()))
                .collect(),
        )
    }
}

/// Append a request (an array of bulk strings) straight to `out`, without
/// building a [`Frame`]: what the client and the load generator send.
pub fn encode_command<A: AsRef<[u8]>>(args: &[A], out: &mut Vec<u8>) {
    put_line(out, b'*', args.len().to_string().as_bytes());
    for arg in args {
        let arg = arg.as_ref();
        put_line(out, b'$', arg.len().to_string().as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

fn put_line(out: &mut Vec<u8>, kind: u8, body: &[u8]) {
    out.push(kind);
    // CR and LF cannot appear inside a line: a status or error text that
    // carries one (an error quoting user input) would split the frame.
    out.extend(
        body.iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\r\n");
}

impl fmt::Display for Frame {
    /// The wire form with CRLF shown as `\r\n`, for logs and test failures.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_bytes().escape_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(bytes: &[u8]) -> Result<Option<(Frame, usize)>, FrameError> {
        parse(bytes, &Limits::default())
    }

    #[test]
    fn every_type_round_trips() {
        let frame = Frame::Array(vec![
            Frame::Simple("OK".into()),
            Frame::Error("ERR no".into()),
            Frame::Integer(-42),
            Frame::Bulk(b"a\r\nb".to_vec()),
            Frame::Null,
            Frame::NullArray,
            Frame::Array(vec![]),
        ]);
        let bytes = frame.to_bytes();
        assert_eq!(parse_all(&bytes), Ok(Some((frame, bytes.len()))));
    }

    #[test]
    fn every_strict_prefix_is_incomplete() {
        let bytes =
            Frame::Array(vec![Frame::Bulk(b"hello".to_vec()), Frame::Integer(7)]).to_bytes();
        for cut in 0..bytes.len() {
            assert_eq!(parse_all(&bytes[..cut]), Ok(None), "prefix of {cut} bytes");
        }
    }

    #[test]
    fn limits_are_checked_before_waiting_for_data() {
        let limits = Limits {
            max_bulk_len: 10,
            max_array_len: 3,
            max_depth: 2,
            max_line: 8,
        };
        assert_eq!(
            parse(b"$11\r\n", &limits),
            Err(FrameError::BulkTooLong { len: 11, max: 10 })
        );
        assert_eq!(
            parse(b"*4\r\n", &limits),
            Err(FrameError::ArrayTooLong { len: 4, max: 3 })
        );
        assert_eq!(
            parse(b"*1\r\n*1\r\n*1\r\n", &limits),
            Err(FrameError::TooDeep { max: 2 })
        );
        assert_eq!(
            parse(b"+1234567890", &limits),
            Err(FrameError::LineTooLong { max: 8 })
        );
        assert_eq!(
            parse(b"$99999999999999999999\r\n", &Limits::default()),
            Err(FrameError::InvalidBulkLength)
        );
    }

    #[test]
    fn a_megabyte_of_nested_arrays_is_refused_not_a_stack_overflow() {
        let bytes = b"*1\r\n".repeat(256 * 1024);
        assert_eq!(parse_all(&bytes), Err(FrameError::TooDeep { max: 32 }));
    }

    #[test]
    fn malformed_frames_are_errors() {
        assert_eq!(parse_all(b"?x\r\n"), Err(FrameError::InvalidType('?')));
        assert_eq!(parse_all(b":12a\r\n"), Err(FrameError::InvalidInteger));
        assert_eq!(parse_all(b":-\r\n"), Err(FrameError::InvalidInteger));
        assert_eq!(parse_all(b"$-2\r\n"), Err(FrameError::InvalidBulkLength));
        assert_eq!(parse_all(b"*-5\r\n"), Err(FrameError::InvalidArrayLength));
        assert_eq!(parse_all(b"$3\r\nabcd\r\n"), Err(FrameError::MissingCrlf));
        assert_eq!(parse_all(b"+OK\n"), Err(FrameError::MissingCrlf));
        assert_eq!(parse_all(b"+\xff\r\n"), Err(FrameError::NotText));
    }

    #[test]
    fn integers_are_strict() {
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int(b"9223372036854775808"), None);
        assert_eq!(parse_int(b"+1"), None);
        assert_eq!(parse_int(b" 1"), None);
        assert_eq!(parse_int(b""), None);
    }

    #[test]
    fn lines_with_crlf_inside_are_flattened_on_encode() {
        assert_eq!(
            Frame::Error("ERR a\r\nb".into()).to_bytes(),
            b"-ERR a  b\r\n"
        );
    }
}
