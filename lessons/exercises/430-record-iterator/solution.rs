#[derive(Debug, PartialEq)]
pub struct Truncated {
    pub offset: usize,
}

pub struct Records<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Records<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Records { rest: buf, offset: 0 }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<&'a [u8], Truncated>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let start = self.offset;
        let truncated = |rest: &mut &'a [u8]| {
            *rest = &[];
            Some(Err(Truncated { offset: start }))
        };
        if self.rest.len() < 2 {
            return truncated(&mut self.rest);
        }
        let len = u16::from_be_bytes([self.rest[0], self.rest[1]]) as usize;
        if self.rest.len() < 2 + len {
            return truncated(&mut self.rest);
        }
        let body = &self.rest[2..2 + len];
        self.rest = &self.rest[2 + len..];
        self.offset += 2 + len;
        Some(Ok(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yields_bodies_in_order() {
        let buf = [0, 3, b'a', b'b', b'c', 0, 0, 0, 2, b'h', b'i'];
        let got: Vec<_> = Records::new(&buf).collect();
        assert_eq!(got, vec![Ok(&b"abc"[..]), Ok(&b""[..]), Ok(&b"hi"[..])]);
    }

    #[test]
    fn bodies_borrow_from_the_buffer() {
        let buf = [0, 2, 7, 8];
        let body = Records::new(&buf).next().unwrap().unwrap();
        assert_eq!(body.as_ptr(), buf[2..].as_ptr());
    }

    #[test]
    fn empty_input_has_no_records() {
        assert_eq!(Records::new(&[]).count(), 0);
    }

    #[test]
    fn truncation_is_reported_once_then_stops() {
        let buf = [0, 1, b'x', 0, 9, b'y'];
        let mut it = Records::new(&buf);
        assert_eq!(it.next(), Some(Ok(&b"x"[..])));
        assert_eq!(it.next(), Some(Err(Truncated { offset: 3 })));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);

        let mut it = Records::new(&[0]);
        assert_eq!(it.next(), Some(Err(Truncated { offset: 0 })));
        assert_eq!(it.next(), None);
    }

    #[test]
    fn adapters_work_for_free() {
        let buf = [0, 1, 5, 0, 2, 1, 1, 0, 0];
        let total: usize = Records::new(&buf).filter_map(Result::ok).map(<[u8]>::len).sum();
        assert_eq!(total, 3);
    }
}
