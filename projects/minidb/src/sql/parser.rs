//! A hand-written recursive-descent parser: tokens to [`Statement`]s.
//!
//! One method per grammar rule; expressions climb the precedence levels
//! (OR, AND, NOT, equality and IS/IN/BETWEEN/LIKE, comparison, + -, * / %,
//! ||, unary, primary). Every error names the line, the column and what was
//! expected there. Nesting is capped so hostile input cannot overflow the
//! stack.

use super::ast::*;
use super::lexer::{ParseError, Tok, Token, tokenize};
use crate::value::{Type, Value};

/// A statement and the exact source text it was parsed from.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub statement: Statement,
    pub text: String,
    /// How many `?` placeholders the statement has.
    pub params: usize,
}

const MAX_DEPTH: usize = 100;
/// Longest run of operators in one expression (`1 + 1 + ...`): each one
/// adds a level to the tree, and evaluating it recurses that deep.
const MAX_CHAIN: usize = 500;

const RESERVED: &[&str] = &[
    "ALL", "AND", "AS", "ASC", "BEGIN", "BETWEEN", "BY", "COMMIT", "CREATE", "CROSS", "DEFAULT",
    "DELETE", "DESC", "DISTINCT", "DROP", "ELSE", "END", "EXPLAIN", "FALSE", "FROM", "GROUP",
    "HAVING", "IN", "INDEX", "INNER", "INSERT", "INTO", "IS", "JOIN", "KEY", "LEFT", "LIKE",
    "LIMIT", "NOT", "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "PRIMARY", "ROLLBACK",
    "SELECT", "SET", "TABLE", "TRUE", "UNIQUE", "UPDATE", "VALUES", "WHERE",
];

/// Parses every statement in `src` (separated by `;`).
pub fn parse(src: &str) -> Result<Vec<Parsed>, ParseError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
        chain: 0,
        params: 0,
    };
    let mut out = Vec::new();
    loop {
        while p.eat_sym(";") {}
        if p.peek().tok == Tok::Eof {
            return Ok(out);
        }
        let start = p.peek().start;
        p.chain = 0;
        p.params = 0;
        let statement = p.statement()?;
        let end = p.tokens[p.pos.saturating_sub(1)].end;
        if !p.eat_sym(";") && p.peek().tok != Tok::Eof {
            return Err(p.error("';' or the end of the statement"));
        }
        out.push(Parsed {
            statement,
            text: src[start..end].to_string(),
            params: p.params,
        });
    }
}

/// Parses exactly one statement.
pub fn parse_one(src: &str) -> Result<Statement, ParseError> {
    let mut all = parse(src)?;
    match all.len() {
        1 => Ok(all.remove(0).statement),
        0 => Err(ParseError {
            line: 1,
            column: 1,
            message: "expected a statement, found nothing".into(),
        }),
        _ => Err(ParseError {
            line: 1,
            column: 1,
            message: "expected one statement, found several".into(),
        }),
    }
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    chain: usize,
    /// `?` placeholders seen in the current statement.
    params: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }
    fn peek_at(&self, n: usize) -> &Tok {
        &self.tokens[(self.pos + n).min(self.tokens.len() - 1)].tok
    }
    fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn error(&self, expected: &str) -> ParseError {
        let t = self.peek();
        ParseError {
            line: t.line,
            column: t.column,
            message: format!("expected {expected}, found {}", t.tok),
        }
    }
    /// Counts one more operator in the current expression.
    fn link(&mut self) -> Result<(), ParseError> {
        self.chain += 1;
        if self.chain > MAX_CHAIN {
            return Err(self.error(&format!(
                "a smaller expression (at most {MAX_CHAIN} operators in a row)"
            )));
        }
        Ok(())
    }

    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_at(n), Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }
    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), ParseError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error(kw))
        }
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        if matches!(&self.peek().tok, Tok::Sym(t) if *t == s) {
            self.advance();
            true
        } else {
            false
        }
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), ParseError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.error(&format!("'{s}'")))
        }
    }
    fn ident(&mut self, what: &str) -> Result<String, ParseError> {
        match &self.peek().tok {
            Tok::Word(w) if !RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r)) => {
                let w = w.clone();
                self.advance();
                Ok(w)
            }
            Tok::Quoted(w) => {
                let w = w.clone();
                self.advance();
                Ok(w)
            }
            _ => Err(self.error(what)),
        }
    }
    fn is_ident(&self) -> bool {
        match &self.peek().tok {
            Tok::Word(w) => !RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r)),
            Tok::Quoted(_) => true,
            _ => false,
        }
    }
    fn ident_list(&mut self, what: &str) -> Result<Vec<String>, ParseError> {
        self.expect_sym("(")?;
        let mut out = vec![self.ident(what)?];
        while self.eat_sym(",") {
            out.push(self.ident(what)?);
        }
        self.expect_sym(")")?;
        Ok(out)
    }

    fn statement(&mut self) -> Result<Statement, ParseError> {
        if self.eat_kw("EXPLAIN") {
            if self.eat_kw("QUERY") {
                self.expect_kw("PLAN")?;
            }
            if self.is_kw("EXPLAIN") {
                return Err(self.error("a statement to explain"));
            }
            return Ok(Statement::Explain(Box::new(self.statement()?)));
        }
        if self.is_kw("SELECT") {
            return Ok(Statement::Select(Box::new(self.select()?)));
        }
        if self.eat_kw("INSERT") {
            return self.insert();
        }
        if self.eat_kw("UPDATE") {
            return self.update();
        }
        if self.eat_kw("DELETE") {
            self.expect_kw("FROM")?;
            let table = self.ident("a table name")?;
            let filter = if self.eat_kw("WHERE") {
                Some(self.expr()?)
            } else {
                None
            };
            return Ok(Statement::Delete(Delete { table, filter }));
        }
        if self.eat_kw("CREATE") {
            let unique = self.eat_kw("UNIQUE");
            if self.eat_kw("INDEX") {
                return self.create_index(unique);
            }
            if unique {
                return Err(self.error("INDEX"));
            }
            self.expect_kw("TABLE")?;
            return self.create_table();
        }
        if self.eat_kw("DROP") {
            let table = if self.eat_kw("TABLE") {
                true
            } else if self.eat_kw("INDEX") {
                false
            } else {
                return Err(self.error("TABLE or INDEX"));
            };
            let if_exists = if self.eat_kw("IF") {
                self.expect_kw("EXISTS")?;
                true
            } else {
                false
            };
            let name = self.ident(if table {
                "a table name"
            } else {
                "an index name"
            })?;
            return Ok(if table {
                Statement::DropTable { name, if_exists }
            } else {
                Statement::DropIndex { name, if_exists }
            });
        }
        if self.eat_kw("BEGIN") {
            self.eat_kw("TRANSACTION");
            return Ok(Statement::Begin);
        }
        if self.eat_kw("COMMIT") || self.eat_kw("END") {
            self.eat_kw("TRANSACTION");
            return Ok(Statement::Commit);
        }
        if self.eat_kw("ROLLBACK") {
            self.eat_kw("TRANSACTION");
            return Ok(Statement::Rollback);
        }
        Err(self.error("a statement (SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, BEGIN, COMMIT, ROLLBACK, EXPLAIN)"))
    }

    fn if_not_exists(&mut self) -> Result<bool, ParseError> {
        if self.eat_kw("IF") {
            self.expect_kw("NOT")?;
            self.expect_kw("EXISTS")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn create_index(&mut self, unique: bool) -> Result<Statement, ParseError> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.ident("an index name")?;
        self.expect_kw("ON")?;
        let table = self.ident("a table name")?;
        self.expect_sym("(")?;
        let mut columns = Vec::new();
        loop {
            columns.push(self.ident("a column name")?);
            let _ = self.eat_kw("ASC") || self.eat_kw("DESC");
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")")?;
        Ok(Statement::CreateIndex(CreateIndex {
            name,
            table,
            columns,
            unique,
            if_not_exists,
        }))
    }

    fn column_type(&mut self) -> Result<Type, ParseError> {
        let ty = match &self.peek().tok {
            Tok::Word(w) => match w.to_ascii_uppercase().as_str() {
                "INTEGER" | "INT" | "BIGINT" | "SMALLINT" => Type::Integer,
                "REAL" | "FLOAT" | "DOUBLE" => Type::Real,
                "TEXT" | "VARCHAR" | "CHAR" | "STRING" => Type::Text,
                "BOOLEAN" | "BOOL" => Type::Boolean,
                _ => return Err(self.error("a column type (INTEGER, REAL, TEXT or BOOLEAN)")),
            },
            _ => return Err(self.error("a column type (INTEGER, REAL, TEXT or BOOLEAN)")),
        };
        self.advance();
        if ty == Type::Real {
            self.eat_kw("PRECISION");
        }
        // VARCHAR(20): the length is accepted and ignored, as in SQLite.
        if self.eat_sym("(") {
            match self.advance().tok {
                Tok::Int(_) => {}
                _ => return Err(self.error("a length")),
            }
            self.expect_sym(")")?;
        }
        Ok(ty)
    }

    fn create_table(&mut self) -> Result<Statement, ParseError> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.ident("a table name")?;
        self.expect_sym("(")?;
        let mut t = CreateTable {
            name,
            if_not_exists,
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
        };
        loop {
            if self.eat_kw("PRIMARY") {
                self.expect_kw("KEY")?;
                t.primary_key = self.ident_list("a column name")?;
            } else if self.eat_kw("UNIQUE") {
                t.uniques.push(self.ident_list("a column name")?);
            } else {
                let name = self.ident("a column name or a table constraint")?;
                let ty = self.column_type()?;
                let mut col = ColumnDef {
                    name,
                    ty,
                    primary_key: false,
                    not_null: false,
                    unique: false,
                    default: None,
                };
                loop {
                    if self.eat_kw("PRIMARY") {
                        self.expect_kw("KEY")?;
                        let _ = self.eat_kw("ASC") || self.eat_kw("DESC");
                        col.primary_key = true;
                    } else if self.eat_kw("NOT") {
                        self.expect_kw("NULL")?;
                        col.not_null = true;
                    } else if self.eat_kw("NULL") {
                    } else if self.eat_kw("UNIQUE") {
                        col.unique = true;
                    } else if self.eat_kw("DEFAULT") {
                        col.default = Some(if self.eat_sym("(") {
                            let e = self.expr()?;
                            self.expect_sym(")")?;
                            e
                        } else {
                            self.unary()?
                        });
                    } else {
                        break;
                    }
                }
                t.columns.push(col);
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")")?;
        Ok(Statement::CreateTable(t))
    }

    fn insert(&mut self) -> Result<Statement, ParseError> {
        self.expect_kw("INTO")?;
        let table = self.ident("a table name")?;
        let columns = if matches!(self.peek().tok, Tok::Sym("(")) {
            Some(self.ident_list("a column name")?)
        } else {
            None
        };
        self.expect_kw("VALUES")?;
        let mut rows = Vec::new();
        loop {
            self.expect_sym("(")?;
            let mut row = vec![self.expr()?];
            while self.eat_sym(",") {
                row.push(self.expr()?);
            }
            self.expect_sym(")")?;
            rows.push(row);
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(Statement::Insert(Insert {
            table,
            columns,
            rows,
        }))
    }

    fn update(&mut self) -> Result<Statement, ParseError> {
        let table = self.ident("a table name")?;
        self.expect_kw("SET")?;
        let mut sets = Vec::new();
        loop {
            let col = self.ident("a column name")?;
            self.expect_sym("=")?;
            sets.push((col, self.expr()?));
            if !self.eat_sym(",") {
                break;
            }
        }
        let filter = if self.eat_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Statement::Update(Update {
            table,
            sets,
            filter,
        }))
    }

    fn table_ref(&mut self) -> Result<TableRef, ParseError> {
        let name = self.ident("a table name")?;
        let alias = if self.eat_kw("AS") || self.is_ident() {
            Some(self.ident("an alias")?)
        } else {
            None
        };
        Ok(TableRef { name, alias })
    }

    fn select(&mut self) -> Result<Select, ParseError> {
        self.expect_kw("SELECT")?;
        let distinct = self.eat_kw("DISTINCT");
        if !distinct {
            self.eat_kw("ALL");
        }
        let mut items = Vec::new();
        loop {
            items.push(self.select_item()?);
            if !self.eat_sym(",") {
                break;
            }
        }
        let mut s = Select {
            distinct,
            items,
            from: None,
            joins: Vec::new(),
            filter: None,
            group_by: Vec::new(),
            having: None,
            order_by: Vec::new(),
            limit: None,
            offset: None,
        };
        if self.eat_kw("FROM") {
            s.from = Some(self.table_ref()?);
            loop {
                let kind = if self.eat_sym(",") || self.eat_kw("JOIN") {
                    JoinKind::Inner
                } else if self.eat_kw("INNER") || self.eat_kw("CROSS") {
                    self.expect_kw("JOIN")?;
                    JoinKind::Inner
                } else if self.eat_kw("LEFT") {
                    self.eat_kw("OUTER");
                    self.expect_kw("JOIN")?;
                    JoinKind::Left
                } else {
                    break;
                };
                let table = self.table_ref()?;
                let on = if self.eat_kw("ON") {
                    Some(self.expr()?)
                } else {
                    None
                };
                s.joins.push(Join { kind, table, on });
            }
        }
        if self.eat_kw("WHERE") {
            s.filter = Some(self.expr()?);
        }
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            loop {
                s.group_by.push(self.expr()?);
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        if self.eat_kw("HAVING") {
            s.having = Some(self.expr()?);
        }
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let expr = self.expr()?;
                let desc = if self.eat_kw("DESC") {
                    true
                } else {
                    self.eat_kw("ASC");
                    false
                };
                s.order_by.push(OrderTerm { expr, desc });
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        if self.eat_kw("LIMIT") {
            let first = self.expr()?;
            if self.eat_kw("OFFSET") {
                s.limit = Some(first);
                s.offset = Some(self.expr()?);
            } else if self.eat_sym(",") {
                s.offset = Some(first);
                s.limit = Some(self.expr()?);
            } else {
                s.limit = Some(first);
            }
        }
        Ok(s)
    }

    fn select_item(&mut self) -> Result<SelectItem, ParseError> {
        if self.eat_sym("*") {
            return Ok(SelectItem::Star(None));
        }
        if self.is_ident()
            && matches!(self.peek_at(1), Tok::Sym("."))
            && matches!(self.peek_at(2), Tok::Sym("*"))
        {
            let t = self.ident("a table name")?;
            self.advance();
            self.advance();
            return Ok(SelectItem::Star(Some(t)));
        }
        let start = self.peek().start;
        let expr = self.expr()?;
        let end = self.tokens[self.pos.saturating_sub(1)].end.max(start);
        let text = self.src.get(start..end).unwrap_or_default().to_string();
        let alias = if self.eat_kw("AS") || self.is_ident() {
            Some(self.ident("an alias")?)
        } else {
            None
        };
        Ok(SelectItem::Expr { text, expr, alias })
    }

    // ---- expressions, lowest precedence first ----

    pub fn expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("a shallower expression (nesting is limited to 100 levels)"));
        }
        let r = self.or();
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.and()?;
        while self.eat_kw("OR") {
            self.link()?;
            l = Expr::binary(BinaryOp::Or, l, self.and()?);
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.not()?;
        while self.eat_kw("AND") {
            self.link()?;
            l = Expr::binary(BinaryOp::And, l, self.not()?);
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.eat_kw("NOT") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.error("fewer NOTs"));
            }
            let e = self.not();
            self.depth -= 1;
            return Ok(Expr::Unary(UnaryOp::Not, Box::new(e?)));
        }
        self.equality()
    }

    fn equality(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.comparison()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("=") | Tok::Sym("==") => Some(BinaryOp::Eq),
                Tok::Sym("!=") | Tok::Sym("<>") => Some(BinaryOp::NotEq),
                _ => None,
            };
            if let Some(op) = op {
                self.advance();
                self.link()?;
                l = Expr::binary(op, l, self.comparison()?);
                continue;
            }
            if self.eat_kw("IS") {
                let negated = self.eat_kw("NOT");
                self.expect_kw("NULL")?;
                self.link()?;
                l = Expr::IsNull {
                    expr: Box::new(l),
                    negated,
                };
                continue;
            }
            if self.eat_kw("ISNULL") {
                self.link()?;
                l = Expr::IsNull {
                    expr: Box::new(l),
                    negated: false,
                };
                continue;
            }
            if self.eat_kw("NOTNULL") {
                self.link()?;
                l = Expr::IsNull {
                    expr: Box::new(l),
                    negated: true,
                };
                continue;
            }
            let negated = self.is_kw("NOT")
                && (self.is_kw_at(1, "IN")
                    || self.is_kw_at(1, "BETWEEN")
                    || self.is_kw_at(1, "LIKE"));
            if negated {
                self.advance();
            }
            if self.eat_kw("IN") {
                self.expect_sym("(")?;
                let mut list = Vec::new();
                if !matches!(self.peek().tok, Tok::Sym(")")) {
                    list.push(self.expr()?);
                    while self.eat_sym(",") {
                        list.push(self.expr()?);
                    }
                }
                self.expect_sym(")")?;
                self.link()?;
                l = Expr::InList {
                    expr: Box::new(l),
                    list,
                    negated,
                };
            } else if self.eat_kw("BETWEEN") {
                let low = self.comparison()?;
                self.expect_kw("AND")?;
                let high = self.comparison()?;
                self.link()?;
                l = Expr::Between {
                    expr: Box::new(l),
                    low: Box::new(low),
                    high: Box::new(high),
                    negated,
                };
            } else if self.eat_kw("LIKE") {
                let pattern = self.comparison()?;
                self.link()?;
                l = Expr::Like {
                    expr: Box::new(l),
                    pattern: Box::new(pattern),
                    negated,
                };
            } else {
                return Ok(l);
            }
        }
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.additive()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("<") => BinaryOp::Lt,
                Tok::Sym("<=") => BinaryOp::LtEq,
                Tok::Sym(">") => BinaryOp::Gt,
                Tok::Sym(">=") => BinaryOp::GtEq,
                _ => return Ok(l),
            };
            self.advance();
            self.link()?;
            l = Expr::binary(op, l, self.additive()?);
        }
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.multiplicative()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("+") => BinaryOp::Add,
                Tok::Sym("-") => BinaryOp::Sub,
                _ => return Ok(l),
            };
            self.advance();
            self.link()?;
            l = Expr::binary(op, l, self.multiplicative()?);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.concat()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("*") => BinaryOp::Mul,
                Tok::Sym("/") => BinaryOp::Div,
                Tok::Sym("%") => BinaryOp::Rem,
                _ => return Ok(l),
            };
            self.advance();
            self.link()?;
            l = Expr::binary(op, l, self.concat()?);
        }
    }

    fn concat(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.unary()?;
        while self.eat_sym("||") {
            self.link()?;
            l = Expr::binary(BinaryOp::Concat, l, self.unary()?);
        }
        Ok(l)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        let op = match &self.peek().tok {
            Tok::Sym("-") => UnaryOp::Neg,
            Tok::Sym("+") => UnaryOp::Plus,
            _ => return self.primary(),
        };
        self.advance();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("fewer signs"));
        }
        let e = self.unary();
        self.depth -= 1;
        let e = e?;
        // -9223372036854775808 is an integer, though its digits alone are not.
        if op == UnaryOp::Neg && e == Expr::Literal(Value::Real(9_223_372_036_854_775_808.0)) {
            return Ok(Expr::Literal(Value::Integer(i64::MIN)));
        }
        Ok(Expr::Unary(op, Box::new(e)))
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let tok = self.peek().tok.clone();
        match tok {
            Tok::Int(i) => {
                self.advance();
                Ok(Expr::Literal(Value::Integer(i)))
            }
            Tok::Real(r) => {
                self.advance();
                Ok(Expr::Literal(Value::Real(r)))
            }
            Tok::Str(s) => {
                self.advance();
                Ok(Expr::Literal(Value::Text(s)))
            }
            Tok::Sym("(") => {
                self.advance();
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Sym("?") => {
                self.advance();
                self.params += 1;
                Ok(Expr::Param(self.params - 1))
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("NULL") => {
                self.advance();
                Ok(Expr::Literal(Value::Null))
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("TRUE") => {
                self.advance();
                Ok(Expr::Literal(Value::Integer(1)))
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("FALSE") => {
                self.advance();
                Ok(Expr::Literal(Value::Integer(0)))
            }
            Tok::Word(_) | Tok::Quoted(_) if self.is_ident() => {
                let name = self.ident("a name")?;
                if matches!(self.peek().tok, Tok::Sym("(")) && matches!(tok, Tok::Word(_)) {
                    return self.call(name);
                }
                if self.eat_sym(".") {
                    let col = self.ident("a column name")?;
                    return Ok(Expr::Column {
                        table: Some(name),
                        name: col,
                    });
                }
                Ok(Expr::Column { table: None, name })
            }
            _ => Err(self.error("an expression")),
        }
    }

    fn call(&mut self, name: String) -> Result<Expr, ParseError> {
        self.expect_sym("(")?;
        let name = name.to_ascii_uppercase();
        if self.eat_sym("*") {
            self.expect_sym(")")?;
            return Ok(Expr::Function {
                name,
                args: Vec::new(),
                distinct: false,
                star: true,
            });
        }
        let distinct = self.eat_kw("DISTINCT");
        let mut args = Vec::new();
        if !matches!(self.peek().tok, Tok::Sym(")")) {
            args.push(self.expr()?);
            while self.eat_sym(",") {
                args.push(self.expr()?);
            }
        }
        self.expect_sym(")")?;
        Ok(Expr::Function {
            name,
            args,
            distinct,
            star: false,
        })
    }
}
