struct Buffer {
    pending: Vec<String>,
}

impl Buffer {
    fn push(&mut self, line: &str) {
        self.pending.push(line.to_string());
    }

    fn flush(&mut self) -> Vec<String> {
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flush_empties_the_buffer() {
        let mut b = Buffer { pending: Vec::new() };
        b.push("a");
        b.push("b");
        assert_eq!(b.flush(), ["a", "b"]);
        assert!(b.flush().is_empty());
        b.push("c");
        assert_eq!(b.flush(), ["c"]);
    }
}
