//! The lexer: SQL text to tokens, each with its line, column and byte span.
//! Keywords are not special here: they arrive as [`Tok::Word`] and the parser
//! decides, so `name` or `count` can still be a column. Comments (`-- ...`
//! and `/* ... */`) are skipped.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An unquoted word: a keyword or an identifier.
    Word(String),
    /// A "double-quoted" identifier: never a keyword.
    Quoted(String),
    Int(i64),
    Real(f64),
    Str(String),
    Sym(&'static str),
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) => write!(f, "'{w}'"),
            Tok::Quoted(w) => write!(f, "\"{w}\""),
            Tok::Int(i) => write!(f, "{i}"),
            Tok::Real(r) => write!(f, "{r}"),
            Tok::Str(s) => write!(f, "string '{s}'"),
            Tok::Sym(s) => write!(f, "'{s}'"),
            Tok::Eof => write!(f, "the end of the input"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub column: u32,
    /// Byte offsets of the token in the source.
    pub start: usize,
    pub end: usize,
}

/// A lexing or parsing error, pointing at the offending place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error at line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

const SYMBOLS: [&str; 20] = [
    "==", "!=", "<>", "<=", ">=", "||", "(", ")", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<",
    ">", "?",
];

pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        line: 1,
        column: 1,
    };
    // About one token per four bytes of SQL; saves regrowing on long INSERTs.
    let mut out = Vec::with_capacity(src.len() / 4 + 1);
    loop {
        lexer.skip_space_and_comments()?;
        let (line, column, start) = (lexer.line, lexer.column, lexer.pos);
        let Some(c) = lexer.peek() else {
            out.push(Token {
                tok: Tok::Eof,
                line,
                column,
                start,
                end: start,
            });
            return Ok(out);
        };
        let tok = if c.is_ascii_alphabetic() || c == '_' {
            let w = lexer.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
            Tok::Word(w.to_string())
        } else if c.is_ascii_digit()
            || (c == '.' && lexer.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
        {
            lexer.number(line, column)?
        } else if c == '\'' {
            Tok::Str(lexer.quoted('\'', line, column, "string")?)
        } else if c == '"' {
            Tok::Quoted(lexer.quoted('"', line, column, "quoted identifier")?)
        } else if let Some(sym) = SYMBOLS.iter().find(|s| lexer.rest().starts_with(**s)) {
            for _ in 0..sym.len() {
                lexer.bump();
            }
            Tok::Sym(sym)
        } else {
            return Err(ParseError {
                line,
                column,
                message: format!("unexpected character {c:?}"),
            });
        };
        out.push(Token {
            tok,
            line,
            column,
            start,
            end: lexer.pos,
        });
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.rest().chars().nth(n)
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.bump();
        }
        &self.src[start..self.pos]
    }

    fn skip_space_and_comments(&mut self) -> Result<(), ParseError> {
        loop {
            let rest = self.rest();
            if rest.starts_with("--") {
                self.take_while(|c| c != '\n');
            } else if rest.starts_with("/*") {
                let (line, column) = (self.line, self.column);
                self.bump();
                self.bump();
                loop {
                    if self.rest().starts_with("*/") {
                        self.bump();
                        self.bump();
                        break;
                    }
                    if self.bump().is_none() {
                        return Err(ParseError {
                            line,
                            column,
                            message: "unterminated comment".into(),
                        });
                    }
                }
            } else if self.peek().is_some_and(char::is_whitespace) {
                self.bump();
            } else {
                return Ok(());
            }
        }
    }

    fn number(&mut self, line: u32, column: u32) -> Result<Tok, ParseError> {
        let start = self.pos;
        self.take_while(|c| c.is_ascii_digit());
        let mut real = false;
        if self.peek() == Some('.') {
            real = true;
            self.bump();
            self.take_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = matches!(self.peek_at(1), Some('+' | '-'));
            let digit_at = if sign { 2 } else { 1 };
            if self.peek_at(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                real = true;
                self.bump();
                if sign {
                    self.bump();
                }
                self.take_while(|c| c.is_ascii_digit());
            }
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            return Err(ParseError {
                line,
                column,
                message: format!("malformed number {:?}", &self.src[start..=self.pos]),
            });
        }
        let text = &self.src[start..self.pos];
        if !real && let Ok(i) = text.parse::<i64>() {
            return Ok(Tok::Int(i));
        }
        // Integers too large for i64 become reals, as in SQLite.
        text.parse::<f64>().map(Tok::Real).map_err(|_| ParseError {
            line,
            column,
            message: format!("malformed number {text:?}"),
        })
    }

    fn quoted(
        &mut self,
        quote: char,
        line: u32,
        column: u32,
        what: &str,
    ) -> Result<String, ParseError> {
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                Some(c) if c == quote => {
                    if self.peek() == Some(quote) {
                        self.bump();
                        out.push(quote);
                    } else {
                        return Ok(out);
                    }
                }
                Some(c) => out.push(c),
                None => {
                    return Err(ParseError {
                        line,
                        column,
                        message: format!("unterminated {what}"),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn words_numbers_strings_symbols() {
        assert_eq!(
            toks("SELECT a1, 2.5e3 FROM t WHERE x <= 'it''s' -- note\n"),
            vec![
                Tok::Word("SELECT".into()),
                Tok::Word("a1".into()),
                Tok::Sym(","),
                Tok::Real(2500.0),
                Tok::Word("FROM".into()),
                Tok::Word("t".into()),
                Tok::Word("WHERE".into()),
                Tok::Word("x".into()),
                Tok::Sym("<="),
                Tok::Str("it's".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("9223372036854775808")[0],
            Tok::Real(9223372036854775808.0)
        );
    }

    #[test]
    fn positions_count_lines_and_columns() {
        let t = tokenize("SELECT\n  /* c */ x").unwrap();
        assert_eq!((t[1].line, t[1].column), (2, 11));
        let e = tokenize("SELECT 'abc").unwrap_err();
        assert_eq!((e.line, e.column), (1, 8));
        assert!(e.message.contains("unterminated string"));
        let e = tokenize("SELECT #").unwrap_err();
        assert_eq!((e.line, e.column), (1, 8));
    }
}
