#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Keyword(String),
    Ident(String),
    Int(i64),
    Str(String),
    Symbol(&'static str),
}

#[derive(Debug, PartialEq)]
pub enum LexError {
    UnexpectedChar(char, usize),
    UnterminatedString(usize),
    BadNumber(usize),
}

pub const KEYWORDS: [&str; 10] = ["SELECT", "FROM", "WHERE", "INSERT", "INTO", "VALUES", "AND", "OR", "NOT", "NULL"];

const TWO_CHAR: [&str; 4] = ["<=", ">=", "<>", "!="];
const ONE_CHAR: [&str; 8] = ["=", "<", ">", ",", "(", ")", "*", ";"];

pub fn tokenize(sql: &str) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    let mut it = sql.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if c.is_alphabetic() || c == '_' {
            let mut end = start;
            while let Some((i, ch)) = it.next_if(|&(_, ch)| ch.is_alphanumeric() || ch == '_') {
                end = i + ch.len_utf8();
            }
            let word = &sql[start..end];
            let upper = word.to_ascii_uppercase();
            if KEYWORDS.contains(&upper.as_str()) {
                tokens.push(Token::Keyword(upper));
            } else {
                tokens.push(Token::Ident(word.to_string()));
            }
        } else if c.is_ascii_digit() {
            let mut end = start;
            while let Some((i, _)) = it.next_if(|&(_, ch)| ch.is_ascii_digit()) {
                end = i + 1;
            }
            let n = sql[start..end].parse().map_err(|_| LexError::BadNumber(start))?;
            tokens.push(Token::Int(n));
        } else if c == '\'' {
            it.next();
            let mut s = String::new();
            loop {
                match it.next() {
                    None => return Err(LexError::UnterminatedString(start)),
                    Some((_, '\'')) => {
                        if it.next_if(|&(_, ch)| ch == '\'').is_some() {
                            s.push('\'');
                        } else {
                            break;
                        }
                    }
                    Some((_, ch)) => s.push(ch),
                }
            }
            tokens.push(Token::Str(s));
        } else {
            let rest = &sql[start..];
            if let Some(sym) = TWO_CHAR.iter().find(|s| rest.starts_with(**s)) {
                it.next();
                it.next();
                tokens.push(Token::Symbol(sym));
            } else if let Some(sym) = ONE_CHAR.iter().find(|s| rest.starts_with(**s)) {
                it.next();
                tokens.push(Token::Symbol(sym));
            } else {
                return Err(LexError::UnexpectedChar(c, start));
            }
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(s: &str) -> Token {
        Token::Keyword(s.into())
    }
    fn id(s: &str) -> Token {
        Token::Ident(s.into())
    }
    fn sym(s: &'static str) -> Token {
        Token::Symbol(s)
    }

    #[test]
    fn a_select_statement() {
        assert_eq!(
            tokenize("select name, age FROM users where age>=21 and name <> 'Bob';").unwrap(),
            vec![
                kw("SELECT"), id("name"), sym(","), id("age"), kw("FROM"), id("users"),
                kw("WHERE"), id("age"), sym(">="), Token::Int(21), kw("AND"), id("name"),
                sym("<>"), Token::Str("Bob".into()), sym(";"),
            ]
        );
    }

    #[test]
    fn insert_with_strings_and_nulls() {
        assert_eq!(
            tokenize("INSERT INTO t VALUES (1,'it''s',NULL)").unwrap(),
            vec![
                kw("INSERT"), kw("INTO"), id("t"), kw("VALUES"), sym("("), Token::Int(1), sym(","),
                Token::Str("it's".into()), sym(","), kw("NULL"), sym(")"),
            ]
        );
        assert_eq!(tokenize("''").unwrap(), vec![Token::Str(String::new())]);
    }

    #[test]
    fn maximal_munch_and_identifiers() {
        assert_eq!(tokenize("a<=b").unwrap(), vec![id("a"), sym("<="), id("b")]);
        assert_eq!(tokenize("a< =b").unwrap(), vec![id("a"), sym("<"), sym("="), id("b")]);
        assert_eq!(tokenize("x!=1").unwrap(), vec![id("x"), sym("!="), Token::Int(1)]);
        assert_eq!(tokenize("_t1 Selection").unwrap(), vec![id("_t1"), id("Selection")]);
        assert_eq!(tokenize("SELECT *").unwrap(), vec![kw("SELECT"), sym("*")]);
        assert_eq!(tokenize("  ").unwrap(), vec![]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(tokenize("a = 'oops"), Err(LexError::UnterminatedString(4)));
        assert_eq!(tokenize("a # b"), Err(LexError::UnexpectedChar('#', 2)));
        assert_eq!(tokenize("x = !1"), Err(LexError::UnexpectedChar('!', 4)));
        assert_eq!(tokenize("n = 99999999999999999999"), Err(LexError::BadNumber(4)));
        assert_eq!(tokenize("'é' @"), Err(LexError::UnexpectedChar('@', 5)), "byte offsets");
    }
}
