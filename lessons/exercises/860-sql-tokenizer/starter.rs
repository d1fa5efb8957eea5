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

pub fn tokenize(sql: &str) -> Result<Vec<Token>, LexError> {
    // Splitting on spaces cannot handle "a<=1" or 'two words'.
    Ok(sql.split_whitespace().map(|w| Token::Ident(w.to_string())).collect())
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
