fn parse_ports(text: &str) -> Result<Vec<(String, u16)>, Vec<String>> {
    todo!("{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_good() {
        let got = parse_ports("web=80\ndb = 5432").unwrap();
        assert_eq!(got, [("web".to_string(), 80), ("db".to_string(), 5432)]);
    }

    #[test]
    fn every_error_is_reported() {
        let errs = parse_ports("web=80\ncache\nq=70000\nok=1").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0], "line 2: no `=`");
        assert!(errs[1].starts_with("line 3: bad port `70000`"), "{}", errs[1]);
    }
}
