#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: u32,
    pub done: bool,
    pub title: String,
}

#[derive(Debug, PartialEq)]
pub enum FormatError {
    FieldCount(usize),
    BadId,
    BadDone,
    BadEscape,
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

pub fn unescape(s: &str) -> Result<String, FormatError> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            _ => return Err(FormatError::BadEscape),
        }
    }
    Ok(out)
}

pub fn format_line(t: &Task) -> String {
    format!("{}\t{}\t{}", t.id, t.done as u8, escape(&t.title))
}

pub fn parse_line(line: &str) -> Result<Task, FormatError> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [id, done, title] = fields[..] else {
        return Err(FormatError::FieldCount(fields.len()));
    };
    let id = id.parse().map_err(|_| FormatError::BadId)?;
    let done = match done {
        "0" => false,
        "1" => true,
        _ => return Err(FormatError::BadDone),
    };
    Ok(Task { id, done, title: unescape(title)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: u32, done: bool, title: &str) -> Task {
        Task { id, done, title: title.to_string() }
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a\tb\nc\\d"), "a\\tb\\nc\\\\d");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(unescape("a\\tb\\nc\\\\d"), Ok("a\tb\nc\\d".to_string()));
        assert_eq!(unescape("bad \\x"), Err(FormatError::BadEscape));
        assert_eq!(unescape("trailing \\"), Err(FormatError::BadEscape));
    }

    #[test]
    fn parses_lines() {
        assert_eq!(parse_line("7\t0\tbuy milk"), Ok(task(7, false, "buy milk")));
        assert_eq!(parse_line("8\t1\t"), Ok(task(8, true, "")));
        assert_eq!(parse_line("9\t1\ta\\tb"), Ok(task(9, true, "a\tb")));
    }

    #[test]
    fn rejects_bad_lines() {
        assert_eq!(parse_line("7\t0"), Err(FormatError::FieldCount(2)));
        assert_eq!(parse_line("7\t0\ta\tb"), Err(FormatError::FieldCount(4)));
        assert_eq!(parse_line("x\t0\tt"), Err(FormatError::BadId));
        assert_eq!(parse_line("7\tyes\tt"), Err(FormatError::BadDone));
        assert_eq!(parse_line("7\t0\t\\q"), Err(FormatError::BadEscape));
    }

    #[test]
    fn round_trips_awkward_titles() {
        for title in ["", "tab\there", "two\nlines", "back\\slash", "\\t literally", "\t\n\\\\", "ünïcödé ✓"] {
            let t = task(42, true, title);
            let line = format_line(&t);
            assert!(!line.contains('\n'), "one task, one line: {line:?}");
            assert_eq!(line.matches('\t').count(), 2);
            assert_eq!(parse_line(&line), Ok(t));
        }
    }
}
