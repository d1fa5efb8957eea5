#[derive(Debug, PartialEq)]
struct Person {
    name: String,
    age: u8,
    email: String,
}

fn parse_record(line: &str) -> Result<Person, String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let [name, age, email] = fields[..] else {
        return Err(format!("want 3 fields, found {}", fields.len()));
    };
    let age = age.parse::<u8>().map_err(|e| format!("bad age `{age}`: {e}"))?;
    if !email.contains('@') {
        return Err(format!("bad email `{email}`"));
    }
    Ok(Person {
        name: name.to_string(),
        age,
        email: email.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_line() {
        let p = parse_record("Ada, 36, ada@example.org").unwrap();
        assert_eq!(p, Person { name: "Ada".to_string(), age: 36, email: "ada@example.org".to_string() });
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        assert_eq!(parse_record("Ada"), Err("want 3 fields, found 1".to_string()));
        assert!(parse_record("Ada, old, a@b").unwrap_err().starts_with("bad age `old`"));
        assert_eq!(parse_record("Ada, 36, nowhere"), Err("bad email `nowhere`".to_string()));
    }
}
