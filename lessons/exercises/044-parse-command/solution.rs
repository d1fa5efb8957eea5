#[derive(Debug, PartialEq, Eq)]
enum Dir {
    Left,
    Right,
}

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Stop,
    Turn(Dir),
    Move(u32),
}

fn parse(line: &str) -> Option<Command> {
    let line = line.trim();
    let (word, rest) = match line.split_once(' ') {
        Some((w, r)) => (w, Some(r.trim())),
        None => (line, None),
    };
    match (word, rest) {
        ("stop", None) => Some(Command::Stop),
        ("turn", Some("left")) => Some(Command::Turn(Dir::Left)),
        ("turn", Some("right")) => Some(Command::Turn(Dir::Right)),
        ("move", Some(n)) => Some(Command::Move(n.parse().ok()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_lines() {
        assert_eq!(parse("stop"), Some(Command::Stop));
        assert_eq!(parse("turn left"), Some(Command::Turn(Dir::Left)));
        assert_eq!(parse(" turn right "), Some(Command::Turn(Dir::Right)));
        assert_eq!(parse("move 12"), Some(Command::Move(12)));
    }

    #[test]
    fn bad_lines() {
        assert_eq!(parse("move"), None);
        assert_eq!(parse("move -3"), None);
        assert_eq!(parse("turn around"), None);
        assert_eq!(parse("stop now"), None);
        assert_eq!(parse(""), None);
    }
}
