//! The server's request parser: one command at a time out of the
//! connection's read buffer, as byte ranges, without copying.
//!
//! A client sends a command as a flat array of bulk strings
//! (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`), or, typed by hand into `nc`, as one
//! *inline* line of words (`GET k\r\n`). Nested arrays are never valid in a
//! request, so they are refused at the first `*` inside an array: that is
//! the depth limit, and no input can make this parser recurse.
//!
//! The parser is resumable. When a command arrives in many reads (a slow
//! client, a 10 MB value), it remembers the arguments already found and the
//! position reached, so each byte is scanned about once however the input
//! is cut, instead of the whole command being parsed again on every read.
//! The caller keeps the buffer unchanged between calls until a command is
//! complete, then drops the bytes it used and calls [`RequestParser::reset`].

use std::ops::Range;

use crate::frame::{FrameError, Limits, line, parse_int};

/// Why the bytes are not a request. The server replies
/// `-ERR Protocol error: {this}` and closes the connection, as Redis does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Frame(#[from] FrameError),
    #[error("expected '$', got '{0}'")]
    ExpectedBulk(char),
    #[error("too big inline request")]
    InlineTooLong,
    #[error("unbalanced quotes in request")]
    UnbalancedQuotes,
}

/// What [`RequestParser::next`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// A whole command using this many bytes; its arguments are in
    /// [`RequestParser::args`].
    Command(usize),
    /// An empty array or a blank line, using this many bytes: no reply.
    Nothing(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Args { remaining: usize },
}

/// Finds commands in a buffer; one per connection.
#[derive(Debug)]
pub struct RequestParser {
    limits: Limits,
    state: State,
    pos: usize,
    args: Vec<Range<usize>>,
    /// Inline arguments are unquoted into here (they are not slices of the
    /// buffer once quotes are removed); `args` then index this instead.
    inline: Option<Vec<u8>>,
}

impl RequestParser {
    pub fn new(limits: Limits) -> Self {
        RequestParser {
            limits,
            state: State::Start,
            pos: 0,
            args: Vec::new(),
            inline: None,
        }
    }

    /// Look for the next command at the start of `buf`.
    pub fn next(&mut self, buf: &[u8]) -> Result<Option<Parsed>, RequestError> {
        if self.state == State::Start {
            let Some(&first) = buf.first() else {
                return Ok(None);
            };
            if first != b'*' {
                return self.inline(buf);
            }
            let mut p = 0;
            let Some(header) = line(buf, &mut p, self.limits.max_line)? else {
                return Ok(None);
            };
            let n = parse_int(&header[1..]).ok_or(FrameError::InvalidArrayLength)?;
            if n <= 0 {
                // Redis ignores `*0` and `*-1` in requests.
                return Ok(Some(Parsed::Nothing(p)));
            }
            let n = n as u64;
            if n > self.limits.max_array_len as u64 {
                return Err(FrameError::ArrayTooLong {
                    len: n,
                    max: self.limits.max_array_len,
                }
                .into());
            }
            self.pos = p;
            self.args.clear();
            self.inline = None;
            self.state = State::Args {
                remaining: n as usize,
            };
        }
        while let State::Args { remaining } = self.state {
            if remaining == 0 {
                self.state = State::Start;
                return Ok(Some(Parsed::Command(self.pos)));
            }
            let Some(&kind) = buf.get(self.pos) else {
                return Ok(None);
            };
            if kind != b'$' {
                return Err(RequestError::ExpectedBulk(char::from(kind)));
            }
            let mut p = self.pos;
            let Some(header) = line(buf, &mut p, self.limits.max_line)? else {
                return Ok(None);
            };
            let len = parse_int(&header[1..]).ok_or(FrameError::InvalidBulkLength)?;
            let len = u64::try_from(len).map_err(|_| FrameError::InvalidBulkLength)?;
            if len > self.limits.max_bulk_len as u64 {
                return Err(FrameError::BulkTooLong {
                    len,
                    max: self.limits.max_bulk_len,
                }
                .into());
            }
            let end = p + len as usize;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err(FrameError::MissingCrlf.into());
            }
            self.args.push(p..end);
            self.pos = end + 2;
            self.state = State::Args {
                remaining: remaining - 1,
            };
        }
        Ok(None)
    }

    /// How many bytes past the start of the buffer the parser has consumed
    /// of a command still incomplete: the server uses it to size reads.
    pub fn progress(&self) -> usize {
        self.pos
    }

    /// The arguments of the command just parsed, as slices of `buf` (the
    /// same buffer given to [`RequestParser::next`]).
    pub fn args<'a>(&'a self, buf: &'a [u8]) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let source: &'a [u8] = match &self.inline {
            Some(words) => words,
            None => buf,
        };
        self.args.iter().map(move |r| &source[r.clone()])
    }

    /// Forget the command just returned; call after removing its bytes.
    pub fn reset(&mut self) {
        self.state = State::Start;
        self.pos = 0;
    }

    fn inline(&mut self, buf: &[u8]) -> Result<Option<Parsed>, RequestError> {
        let max = self.limits.max_line;
        let Some(nl) = buf.iter().take(max + 1).position(|&b| b == b'\n') else {
            if buf.len() > max {
                return Err(RequestError::InlineTooLong);
            }
            return Ok(None);
        };
        let text = buf[..nl].strip_suffix(b"\r").unwrap_or(&buf[..nl]);
        let mut words = Vec::with_capacity(text.len());
        self.args.clear();
        split_words(text, |word| {
            let start = words.len();
            words.extend_from_slice(word);
            self.args.push(start..words.len());
        })?;
        self.state = State::Start;
        if self.args.is_empty() {
            self.inline = None;
            return Ok(Some(Parsed::Nothing(nl + 1)));
        }
        if self.args.len() > self.limits.max_array_len {
            return Err(FrameError::ArrayTooLong {
                len: self.args.len() as u64,
                max: self.limits.max_array_len,
            }
            .into());
        }
        self.inline = Some(words);
        Ok(Some(Parsed::Command(nl + 1)))
    }
}

/// Split a line into words the way redis-cli does: spaces separate words,
/// `"..."` may hold spaces and `\n`, `\"`, `\\`, `\xHH` escapes, `'...'`
/// holds text literally (with `\'` for a quote). A closing quote must be
/// followed by a space or the end of the line.
pub fn split_words(text: &[u8], mut word: impl FnMut(&[u8])) -> Result<(), RequestError> {
    let mut i = 0;
    let mut current = Vec::new();
    while i < text.len() {
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == text.len() {
            break;
        }
        current.clear();
        match text[i] {
            quote @ (b'"' | b'\'') => {
                i += 1;
                loop {
                    let Some(&c) = text.get(i) else {
                        return Err(RequestError::UnbalancedQuotes);
                    };
                    i += 1;
                    if c == quote {
                        break;
                    }
                    if c != b'\\' {
                        current.push(c);
                        continue;
                    }
                    let Some(&e) = text.get(i) else {
                        return Err(RequestError::UnbalancedQuotes);
                    };
                    i += 1;
                    if quote == b'\'' {
                        if e != b'\'' {
                            current.push(b'\\');
                        }
                        current.push(e);
                        continue;
                    }
                    match e {
                        b'n' => current.push(b'\n'),
                        b'r' => current.push(b'\r'),
                        b't' => current.push(b'\t'),
                        b'x' => match text.get(i..i + 2).and_then(hex_byte) {
                            Some(b) => {
                                current.push(b);
                                i += 2;
                            }
                            None => current.push(b'x'),
                        },
                        other => current.push(other),
                    }
                }
                if text.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                    return Err(RequestError::UnbalancedQuotes);
                }
            }
            _ => {
                while i < text.len() && !text[i].is_ascii_whitespace() {
                    current.push(text[i]);
                    i += 1;
                }
            }
        }
        word(&current);
    }
    Ok(())
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    let s = std::str::from_utf8(two).ok()?;
    u8::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Words = Option<(Vec<Vec<u8>>, usize)>;

    fn words(buf: &[u8]) -> Result<Words, RequestError> {
        let mut p = RequestParser::new(Limits::default());
        Ok(match p.next(buf)? {
            Some(Parsed::Command(n)) => Some((p.args(buf).map(<[u8]>::to_vec).collect(), n)),
            Some(Parsed::Nothing(n)) => Some((vec![], n)),
            None => None,
        })
    }

    #[test]
    fn arrays_of_bulk_strings() {
        let buf = b"*2\r\n$3\r\nGET\r\n$3\r\na\nb\r\n+rest";
        assert_eq!(
            words(buf),
            Ok(Some((vec![b"GET".to_vec(), b"a\nb".to_vec()], 22)))
        );
    }

    #[test]
    fn resumes_where_it_stopped() {
        let buf = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
        let mut p = RequestParser::new(Limits::default());
        for cut in 0..buf.len() {
            assert_eq!(p.next(&buf[..cut]), Ok(None), "cut at {cut}");
        }
        assert_eq!(p.next(buf), Ok(Some(Parsed::Command(buf.len()))));
        let args: Vec<&[u8]> = p.args(buf).collect();
        assert_eq!(args, [&b"SET"[..], b"k", b"value"]);
    }

    #[test]
    fn nested_arrays_are_refused_at_once() {
        assert_eq!(
            words(&b"*1\r\n".repeat(100_000)),
            Err(RequestError::ExpectedBulk('*'))
        );
        assert_eq!(words(b"*1\r\n:1\r\n"), Err(RequestError::ExpectedBulk(':')));
    }

    #[test]
    fn huge_declared_lengths_are_refused_before_waiting() {
        assert_eq!(
            words(b"*2\r\n$999999999\r\n"),
            Err(RequestError::Frame(FrameError::BulkTooLong {
                len: 999_999_999,
                max: Limits::default().max_bulk_len
            }))
        );
        assert!(matches!(
            words(b"*99999999999\r\n"),
            Err(RequestError::Frame(FrameError::ArrayTooLong { .. }))
        ));
        assert_eq!(
            words(b"*x\r\n"),
            Err(RequestError::Frame(FrameError::InvalidArrayLength))
        );
        assert_eq!(
            words(b"*1\r\n$-1\r\n"),
            Err(RequestError::Frame(FrameError::InvalidBulkLength))
        );
    }

    #[test]
    fn inline_commands_with_quotes() {
        assert_eq!(
            words(b"set \"a b\" 'c\\'d' \"\\x41\\n\"\r\nGET"),
            Ok(Some((
                vec![
                    b"set".to_vec(),
                    b"a b".to_vec(),
                    b"c'd".to_vec(),
                    b"A\n".to_vec()
                ],
                27
            )))
        );
        assert_eq!(words(b"  \r\n"), Ok(Some((vec![], 4))));
        assert_eq!(words(b"get \"a\r\n"), Err(RequestError::UnbalancedQuotes));
        assert_eq!(
            words(b"get \"a\"b\r\n"),
            Err(RequestError::UnbalancedQuotes)
        );
        assert_eq!(words(&vec![b'a'; 70_000]), Err(RequestError::InlineTooLong));
        assert_eq!(words(b"PING"), Ok(None));
    }

    #[test]
    fn empty_arrays_are_skipped() {
        assert_eq!(words(b"*0\r\n"), Ok(Some((vec![], 4))));
        assert_eq!(words(b"*-1\r\n"), Ok(Some((vec![], 5))));
    }
}
