pub const MAX_HEAD: usize = 8 * 1024;
pub const MAX_HEADERS: usize = 32;

#[derive(Debug, PartialEq)]
pub enum HttpError {
    TooLarge,
    BadRequestLine,
    BadHeader(String),
    TooManyHeaders,
    BadVersion,
    BadContentLength,
}

#[derive(Debug, PartialEq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub version: String,
    /// (lowercased name, value) in arrival order
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        todo!("{name} among {:?}", self.headers)
    }

    pub fn content_length(&self) -> Result<usize, HttpError> {
        todo!()
    }
}

pub fn parse_head(buf: &[u8]) -> Result<Option<(Request, usize)>, HttpError> {
    todo!("parse {} bytes", buf.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &[u8] = b"POST /tasks?done=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nX-Trace:  abc \r\n\r\nhello";

    #[test]
    fn parses_a_request_head() {
        let (req, n) = parse_head(REQ).unwrap().unwrap();
        assert_eq!((req.method.as_str(), req.target.as_str(), req.version.as_str()), ("POST", "/tasks?done=1", "HTTP/1.1"));
        assert_eq!(&REQ[n..], b"hello");
        assert_eq!(req.header("host"), Some("localhost"));
        assert_eq!(req.header("HOST"), Some("localhost"));
        assert_eq!(req.header("x-trace"), Some("abc"));
        assert_eq!(req.header("cookie"), None);
        assert_eq!(req.content_length(), Ok(5));
    }

    #[test]
    fn incomplete_until_the_blank_line() {
        let head_len = REQ.len() - 5;
        for cut in 0..head_len {
            assert_eq!(parse_head(&REQ[..cut]), Ok(None), "cut at {cut}");
        }
        assert!(parse_head(&REQ[..head_len]).unwrap().is_some());
    }

    #[test]
    fn limits() {
        let endless = vec![b'a'; MAX_HEAD + 1];
        assert_eq!(parse_head(&endless), Err(HttpError::TooLarge));
        assert_eq!(parse_head(&endless[..MAX_HEAD]), Ok(None));
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("h{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(parse_head(&many), Err(HttpError::TooManyHeaders));
    }

    #[test]
    fn strictness() {
        assert_eq!(parse_head(b"GET /\r\n\r\n"), Err(HttpError::BadRequestLine));
        assert_eq!(parse_head(b"GET  / HTTP/1.1\r\n\r\n"), Err(HttpError::BadRequestLine));
        assert_eq!(parse_head(b"GET / HTTP/2\r\n\r\n"), Err(HttpError::BadVersion));
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nNoColon\r\n\r\n"), Err(HttpError::BadHeader("NoColon".into())));
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), Err(HttpError::BadHeader("Bad Name: x".into())));
        let (req, n) = parse_head(b"GET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
        assert_eq!((req.headers.len(), n), (0, 18));
        assert_eq!(req.content_length(), Ok(0));
    }

    #[test]
    fn content_length_must_be_unambiguous() {
        let (two, _) = parse_head(b"PUT / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 4\r\n\r\n").unwrap().unwrap();
        assert_eq!(two.content_length(), Err(HttpError::BadContentLength));
        let (same, _) = parse_head(b"PUT / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\n").unwrap().unwrap();
        assert_eq!(same.content_length(), Ok(3));
        let (junk, _) = parse_head(b"PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").unwrap().unwrap();
        assert_eq!(junk.content_length(), Err(HttpError::BadContentLength));
    }
}
