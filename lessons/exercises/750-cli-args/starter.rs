use std::fmt;

#[derive(Debug, PartialEq)]
pub enum Command {
    Add { title: String, priority: u8 },
    Done { id: u32 },
    List { all: bool },
}

#[derive(Debug, PartialEq)]
pub enum ArgError {
    MissingSubcommand,
    UnknownSubcommand(String),
    MissingValue(&'static str),
    BadPriority(String),
    MissingTitle,
    BadId(String),
    Unexpected(String),
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

pub fn parse(args: &[String]) -> Result<Command, ArgError> {
    todo!("parse {args:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn add_with_and_without_priority() {
        assert_eq!(
            parse(&args("add write the report")),
            Ok(Command::Add { title: "write the report".into(), priority: 3 })
        );
        assert_eq!(
            parse(&args("add fix --priority 1 bug")),
            Ok(Command::Add { title: "fix bug".into(), priority: 1 })
        );
        assert_eq!(
            parse(&args("add --priority 5 x")),
            Ok(Command::Add { title: "x".into(), priority: 5 })
        );
    }

    #[test]
    fn done_and_list() {
        assert_eq!(parse(&args("done 42")), Ok(Command::Done { id: 42 }));
        assert_eq!(parse(&args("list")), Ok(Command::List { all: false }));
        assert_eq!(parse(&args("list --all")), Ok(Command::List { all: true }));
    }

    #[test]
    fn errors_are_precise() {
        assert_eq!(parse(&[]), Err(ArgError::MissingSubcommand));
        assert_eq!(parse(&args("frob")), Err(ArgError::UnknownSubcommand("frob".into())));
        assert_eq!(parse(&args("add x --priority")), Err(ArgError::MissingValue("--priority")));
        assert_eq!(parse(&args("add x --priority 9")), Err(ArgError::BadPriority("9".into())));
        assert_eq!(parse(&args("add x --priority high")), Err(ArgError::BadPriority("high".into())));
        assert_eq!(parse(&args("add --priority 2")), Err(ArgError::MissingTitle));
        assert_eq!(parse(&args("done x")), Err(ArgError::BadId("x".into())));
        assert_eq!(parse(&args("done -1")), Err(ArgError::BadId("-1".into())));
        assert_eq!(parse(&args("done 1 2")), Err(ArgError::Unexpected("2".into())));
        assert_eq!(parse(&args("list --verbose")), Err(ArgError::Unexpected("--verbose".into())));
    }

    #[test]
    fn error_messages() {
        let msg = |s: &str| parse(&args(s)).unwrap_err().to_string();
        assert_eq!(msg(""), "missing subcommand");
        assert_eq!(msg("frob"), "unknown subcommand: frob");
        assert_eq!(msg("add x --priority"), "--priority needs a value");
        assert_eq!(msg("add x --priority 9"), "bad priority: 9 (expected 1-5)");
        assert_eq!(msg("add"), "missing title");
        assert_eq!(msg("done x"), "bad id: x");
        assert_eq!(msg("list --verbose"), "unexpected argument: --verbose");
    }
}
