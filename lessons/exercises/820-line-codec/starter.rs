#[derive(Debug, PartialEq)]
pub enum LineError {
    TooLong,
    InvalidUtf8,
}

pub struct LineDecoder {
    buf: Vec<u8>,
    max_len: usize,
    discarding: bool,
}

impl LineDecoder {
    pub fn new(max_len: usize) -> Self {
        LineDecoder { buf: Vec::new(), max_len, discarding: false }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub fn next_line(&mut self) -> Result<Option<String>, LineError> {
        let _ = (self.max_len, self.discarding);
        todo!("cut a line from {} buffered bytes", self.buf.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(d: &mut LineDecoder) -> Vec<Result<String, LineError>> {
        let mut out = Vec::new();
        loop {
            match d.next_line() {
                Ok(Some(l)) => out.push(Ok(l)),
                Ok(None) => return out,
                Err(e) => out.push(Err(e)),
            }
        }
    }

    #[test]
    fn lines_split_across_reads() {
        let mut d = LineDecoder::new(64);
        d.feed(b"PI");
        assert_eq!(d.next_line(), Ok(None));
        d.feed(b"NG\r\nECHO a\nGET");
        assert_eq!(lines(&mut d), vec![Ok("PING".to_string()), Ok("ECHO a".to_string())]);
        d.feed(b" k\n\n");
        assert_eq!(lines(&mut d), vec![Ok("GET k".to_string()), Ok(String::new())]);
    }

    #[test]
    fn byte_at_a_time() {
        let mut d = LineDecoder::new(64);
        let mut got = Vec::new();
        for &b in b"one\r\ntwo\nthree\n" {
            d.feed(&[b]);
            got.extend(lines(&mut d));
        }
        assert_eq!(got, vec![Ok("one".into()), Ok("two".into()), Ok("three".into())]);
    }

    #[test]
    fn too_long_is_reported_early_and_skipped() {
        let mut d = LineDecoder::new(8);
        d.feed(b"0123456789");
        assert_eq!(d.next_line(), Err(LineError::TooLong), "no newline needed to reject it");
        d.feed(&[b'x'; 10_000]);
        assert_eq!(d.next_line(), Ok(None));
        assert!(d.buf.len() <= 9, "the decoder does not keep the junk");
        d.feed(b"yyy\nok\n");
        assert_eq!(lines(&mut d), vec![Ok("ok".to_string())]);
    }

    #[test]
    fn limit_boundaries() {
        let mut d = LineDecoder::new(4);
        d.feed(b"abcd\r\nabcd\nabcde\nz\n");
        assert_eq!(
            lines(&mut d),
            vec![Ok("abcd".into()), Ok("abcd".into()), Err(LineError::TooLong), Ok("z".into())]
        );
        d.feed(b"wxyz\r");
        assert_eq!(d.next_line(), Ok(None), "the \\r may be followed by \\n: not too long yet");
        d.feed(b"\n");
        assert_eq!(d.next_line(), Ok(Some("wxyz".into())));
    }

    #[test]
    fn invalid_utf8_is_consumed() {
        let mut d = LineDecoder::new(16);
        d.feed(b"\xff\xfe\nfine\n");
        assert_eq!(lines(&mut d), vec![Err(LineError::InvalidUtf8), Ok("fine".into())]);
    }
}
