use std::io::{self, BufRead};

#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    pub lines: u64,
    pub words: u64,
    pub bytes: u64,
    pub longest_line: u64,
}

pub fn count(mut reader: impl BufRead) -> io::Result<Counts> {
    // Reads everything into a String: fails on invalid UTF-8, and holds the whole input.
    let mut text = String::new();
    reader.read_to_string(&mut text)?;
    Ok(Counts {
        lines: text.lines().count() as u64,
        words: text.split_whitespace().count() as u64,
        bytes: text.len() as u64,
        longest_line: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    /// Hands out at most 3 bytes per read, then optionally fails.
    struct Trickle<'a> {
        data: &'a [u8],
        fail_at_end: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() && self.fail_at_end {
                return Err(io::Error::new(io::ErrorKind::ConnectionReset, "pipe broke"));
            }
            let n = out.len().min(3).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn counts(lines: u64, words: u64, bytes: u64, longest_line: u64) -> Counts {
        Counts { lines, words, bytes, longest_line }
    }

    #[test]
    fn like_wc() {
        assert_eq!(count(&b"hello world\nsecond line here\n"[..]).unwrap(), counts(2, 5, 29, 16));
        assert_eq!(count(&b""[..]).unwrap(), counts(0, 0, 0, 0));
        assert_eq!(count(&b"no newline"[..]).unwrap(), counts(0, 2, 10, 10));
        assert_eq!(count(&b"\n\n  \t \n"[..]).unwrap(), counts(3, 0, 7, 4));
        assert_eq!(count(&b"  lead and trail  \n"[..]).unwrap(), counts(1, 3, 19, 18));
    }

    #[test]
    fn bytes_not_text() {
        let data = b"caf\xe9 \xff\xfe ok\n";
        assert_eq!(count(&data[..]).unwrap(), counts(1, 3, 11, 10));
    }

    #[test]
    fn short_reads_change_nothing() {
        let data = b"one two three\nfour  five\n\nsix";
        let slow = BufReader::with_capacity(4, Trickle { data, fail_at_end: false });
        assert_eq!(count(slow).unwrap(), count(&data[..]).unwrap());
        assert_eq!(count(&data[..]).unwrap(), counts(3, 6, 29, 13));
    }

    #[test]
    fn read_errors_are_returned() {
        let r = BufReader::new(Trickle { data: b"abc\ndef", fail_at_end: true });
        let err = count(r).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
    }
}
