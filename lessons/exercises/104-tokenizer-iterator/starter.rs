struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        todo!()
    }
}

fn tokens(line: &str) -> Tokens<'_> {
    Tokens { rest: line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_an_expression() {
        let got: Vec<&str> = tokens("x1 + 42*(y-7)").collect();
        assert_eq!(got, ["x1", "+", "42", "*", "(", "y", "-", "7", ")"]);
    }

    #[test]
    fn blanks_and_unicode() {
        assert_eq!(tokens("   ").count(), 0);
        let got: Vec<&str> = tokens("\u{3bb} \u{2192} 1").collect();
        assert_eq!(got, ["\u{3bb}", "\u{2192}", "1"]);
    }
}
