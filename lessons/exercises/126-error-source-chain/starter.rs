use std::error::Error;
use std::fmt;
use std::num::ParseIntError;

#[derive(Debug)]
struct LoadError {
    line: usize,
    cause: ParseIntError,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad number on line {}", self.line)
    }
}

impl Error for LoadError {}

fn chain(e: &dyn Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut next = e.source();
    while let Some(inner) = next {
        parts.push(inner.to_string());
        next = inner.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_chain() {
        let cause = "x".parse::<i32>().unwrap_err();
        let e = LoadError { line: 7, cause };
        assert_eq!(chain(&e), "bad number on line 7: invalid digit found in string");
        assert!(e.source().is_some());
    }
}
