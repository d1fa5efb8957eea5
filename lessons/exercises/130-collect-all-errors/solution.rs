fn parse_line(n: usize, line: &str) -> Result<(String, u16), String> {
    let (name, port) = line
        .split_once('=')
        .ok_or_else(|| format!("line {n}: no `=`"))?;
    let port = port
        .trim()
        .parse::<u16>()
        .map_err(|e| format!("line {n}: bad port `{}`: {e}", port.trim()))?;
    Ok((name.trim().to_string(), port))
}

fn parse_ports(text: &str) -> Result<Vec<(String, u16)>, Vec<String>> {
    let (good, bad): (Vec<_>, Vec<_>) = text
        .lines()
        .enumerate()
        .map(|(i, l)| parse_line(i + 1, l))
        .partition(Result::is_ok);
    if bad.is_empty() {
        Ok(good.into_iter().flatten().collect())
    } else {
        Err(bad.into_iter().filter_map(Result::err).collect())
    }
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
