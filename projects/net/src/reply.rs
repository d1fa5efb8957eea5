//! Writing replies straight into a connection's output buffer.
//!
//! Commands answer by appending RESP bytes here rather than building a
//! [`crate::Frame`] tree first: a GET copies its value once, from the
//! keyspace into the buffer, while the keyspace lock is held, and nothing
//! is allocated per reply.

/// `+OK`
pub fn ok(out: &mut Vec<u8>) {
    out.extend_from_slice(b"+OK\r\n");
}

/// A status line; `text` must not contain CR or LF.
pub fn simple(out: &mut Vec<u8>, text: &str) {
    out.push(b'+');
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// An error line. CR and LF become spaces, so text quoting a client's
/// input cannot end the line early and inject a reply.
pub fn error(out: &mut Vec<u8>, text: &str) {
    out.push(b'-');
    out.extend(
        text.bytes()
            .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\r\n");
}

pub fn int(out: &mut Vec<u8>, n: i64) {
    out.push(b':');
    decimal(out, n);
    out.extend_from_slice(b"\r\n");
}

pub fn bulk(out: &mut Vec<u8>, data: &[u8]) {
    out.push(b'$');
    decimal(out, data.len() as i64);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// `$-1`, the nil bulk string.
pub fn null(out: &mut Vec<u8>) {
    out.extend_from_slice(b"$-1\r\n");
}

/// The header of an array of `len` elements; the caller writes them next.
pub fn array(out: &mut Vec<u8>, len: usize) {
    out.push(b'*');
    decimal(out, len as i64);
    out.extend_from_slice(b"\r\n");
}

fn decimal(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let mut out = Vec::new();
        int(&mut out, i64::MIN);
        int(&mut out, 0);
        bulk(&mut out, b"hi");
        error(&mut out, "ERR bad\r\n+OK");
        array(&mut out, 2);
        null(&mut out);
        assert_eq!(
            out,
            b":-9223372036854775808\r\n:0\r\n$2\r\nhi\r\n-ERR bad  +OK\r\n*2\r\n$-1\r\n"
        );
    }
}
