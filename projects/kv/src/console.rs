//! The console: one line of text in, one printable answer out.
//!
//! A line is split into words ([`tokenize`]: double quotes with escapes,
//! single quotes taken literally, `;` separating batch operations), parsed
//! into a [`Command`] ([`parse`]), and applied to any [`Engine`]
//! ([`apply`]). [`execute`] does all three. The TUI pane and the `kv
//! console` command share this, so what a learner types is the same
//! everywhere. Bad input is a [`ConsoleError`] with a one-line message and
//! changes nothing.

use std::time::Duration;

use crate::engine::{BatchOp, Engine, KeyRange, KeyTtl, Stats};
use crate::error::KvError;

/// Help text listing every command.
pub const HELP: &str = "\
set KEY VALUE [ex SECS]     store a value, optionally expiring after SECS seconds
get KEY                     print a value, or (nil)
del KEY                     remove a key
scan [PREFIX] [limit N]     list keys in order (default limit 100)
batch OP; OP; ...           apply set/del operations atomically, e.g. batch set a 1; del b
expire KEY SECS             set a key's time to live
persist KEY                 remove a key's time to live
ttl KEY                     show a key's remaining time to live
compact                     merge old segments and reclaim dead space
stats                       show counters and sizes
help                        this text
Quote values with spaces: set greeting \"hello world\" (escapes: \\n \\t \\\\ \\\" \\xNN)";

/// A parsed console line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Set {
        key: Vec<u8>,
        value: Vec<u8>,
        ttl: Option<Duration>,
    },
    Get {
        key: Vec<u8>,
    },
    Del {
        key: Vec<u8>,
    },
    Scan {
        prefix: Vec<u8>,
        limit: usize,
    },
    Batch(Vec<BatchOp>),
    Expire {
        key: Vec<u8>,
        ttl: Option<Duration>,
    },
    Ttl {
        key: Vec<u8>,
    },
    Compact,
    Stats,
    Help,
}

/// A console line could not be understood or carried out.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("unterminated {0} quote")]
    UnterminatedQuote(char),
    #[error("bad escape \\{0} in quoted text")]
    BadEscape(String),
    #[error("unknown command {0:?} (try `help`)")]
    UnknownCommand(String),
    #[error("usage: {0}")]
    Usage(&'static str),
    #[error("{what} {found:?} is not a whole number")]
    NotANumber { what: &'static str, found: String },
    #[error("empty line (try `help`)")]
    Empty,
    #[error(transparent)]
    Engine(#[from] KvError),
}

/// A word or a `;` separator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Word(Vec<u8>),
    Separator,
}

/// Split a line into words. `"..."` may contain `\n \t \r \0 \\ \" \xNN`;
/// `'...'` is literal; a `;` outside quotes separates batch operations.
pub fn tokenize(line: &str) -> Result<Vec<Token>, ConsoleError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word: Option<Vec<u8>> = None;
    let push_char = |w: &mut Option<Vec<u8>>, c: char| {
        let mut b = [0u8; 4];
        w.get_or_insert_with(Vec::new)
            .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    };
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    tokens.push(Token::Word(w));
                }
            }
            ';' => {
                if let Some(w) = word.take() {
                    tokens.push(Token::Word(w));
                }
                tokens.push(Token::Separator);
            }
            '\'' => {
                let w = word.get_or_insert_with(Vec::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => {
                            let mut b = [0u8; 4];
                            w.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                        }
                        None => return Err(ConsoleError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(Vec::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            let e = chars.next().ok_or(ConsoleError::UnterminatedQuote('"'))?;
                            match e {
                                'n' => w.push(b'\n'),
                                't' => w.push(b'\t'),
                                'r' => w.push(b'\r'),
                                '0' => w.push(0),
                                '\\' => w.push(b'\\'),
                                '"' => w.push(b'"'),
                                'x' => {
                                    let hex: String = chars.by_ref().take(2).collect();
                                    let byte = u8::from_str_radix(&hex, 16)
                                        .ok()
                                        .filter(|_| hex.len() == 2)
                                        .ok_or_else(|| {
                                            ConsoleError::BadEscape(format!("x{hex}"))
                                        })?;
                                    w.push(byte);
                                }
                                other => return Err(ConsoleError::BadEscape(other.to_string())),
                            }
                        }
                        Some(c) => {
                            let mut b = [0u8; 4];
                            w.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                        }
                        None => return Err(ConsoleError::UnterminatedQuote('"')),
                    }
                }
            }
            c => push_char(&mut word, c),
        }
    }
    if let Some(w) = word.take() {
        tokens.push(Token::Word(w));
    }
    Ok(tokens)
}

const USAGE_SET: &str = "set KEY VALUE [ex SECS]";
const USAGE_GET: &str = "get KEY";
const USAGE_DEL: &str = "del KEY";
const USAGE_SCAN: &str = "scan [PREFIX] [limit N]";
const USAGE_BATCH: &str = "batch set KEY VALUE [ex SECS]; del KEY; ...";
const USAGE_EXPIRE: &str = "expire KEY SECS";
const USAGE_PERSIST: &str = "persist KEY";
const USAGE_TTL: &str = "ttl KEY";

fn number(what: &'static str, word: &[u8]) -> Result<u64, ConsoleError> {
    std::str::from_utf8(word)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ConsoleError::NotANumber {
            what,
            found: String::from_utf8_lossy(word).into_owned(),
        })
}

/// Parse `KEY VALUE [ex SECS]`.
/// A parsed `set`: key, value, time to live.
type SetArgs = (Vec<u8>, Vec<u8>, Option<Duration>);

fn parse_set(args: &[Vec<u8>]) -> Result<SetArgs, ConsoleError> {
    match args {
        [k, v] => Ok((k.clone(), v.clone(), None)),
        [k, v, ex, secs] if ex.eq_ignore_ascii_case(b"ex") => Ok((
            k.clone(),
            v.clone(),
            Some(Duration::from_secs(number("seconds", secs)?)),
        )),
        _ => Err(ConsoleError::Usage(USAGE_SET)),
    }
}

fn one_key(args: &[Vec<u8>], usage: &'static str) -> Result<Vec<u8>, ConsoleError> {
    match args {
        [k] => Ok(k.clone()),
        _ => Err(ConsoleError::Usage(usage)),
    }
}

/// Parse one console line.
pub fn parse(line: &str) -> Result<Command, ConsoleError> {
    let tokens = tokenize(line)?;
    let mut groups: Vec<Vec<Vec<u8>>> = vec![Vec::new()];
    for t in tokens {
        match t {
            Token::Word(w) => {
                if let Some(g) = groups.last_mut() {
                    g.push(w);
                }
            }
            Token::Separator => groups.push(Vec::new()),
        }
    }
    let first = &groups[0];
    let Some(name) = first.first() else {
        return Err(ConsoleError::Empty);
    };
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    if name == "batch" {
        return parse_batch(&groups);
    }
    if groups.len() > 1 {
        return Err(ConsoleError::Usage(
            "`;` only separates operations after `batch`",
        ));
    }
    let args = &first[1..];
    Ok(match name.as_str() {
        "set" => {
            let (key, value, ttl) = parse_set(args)?;
            Command::Set { key, value, ttl }
        }
        "get" => Command::Get {
            key: one_key(args, USAGE_GET)?,
        },
        "del" | "rm" | "delete" => Command::Del {
            key: one_key(args, USAGE_DEL)?,
        },
        "scan" => {
            let (prefix, rest) = match args {
                [p, rest @ ..] if !p.eq_ignore_ascii_case(b"limit") => (p.clone(), rest),
                rest => (Vec::new(), rest),
            };
            let limit = match rest {
                [] => 100,
                [l, n] if l.eq_ignore_ascii_case(b"limit") => number("limit", n)? as usize,
                _ => return Err(ConsoleError::Usage(USAGE_SCAN)),
            };
            Command::Scan { prefix, limit }
        }
        "expire" => match args {
            [k, secs] => Command::Expire {
                key: k.clone(),
                ttl: Some(Duration::from_secs(number("seconds", secs)?)),
            },
            _ => return Err(ConsoleError::Usage(USAGE_EXPIRE)),
        },
        "persist" => Command::Expire {
            key: one_key(args, USAGE_PERSIST)?,
            ttl: None,
        },
        "ttl" => Command::Ttl {
            key: one_key(args, USAGE_TTL)?,
        },
        "compact" if args.is_empty() => Command::Compact,
        "stats" if args.is_empty() => Command::Stats,
        "help" | "?" => Command::Help,
        "compact" | "stats" => return Err(ConsoleError::Usage("compact | stats (no arguments)")),
        other => return Err(ConsoleError::UnknownCommand(other.to_string())),
    })
}

fn parse_batch(groups: &[Vec<Vec<u8>>]) -> Result<Command, ConsoleError> {
    let mut ops = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        // The first group starts with the word `batch` itself.
        let words = if i == 0 { &g[1..] } else { &g[..] };
        let Some((op, args)) = words.split_first() else {
            continue; // tolerate `a; ; b` and a trailing `;`
        };
        match op.to_ascii_lowercase().as_slice() {
            b"set" => {
                let (key, value, ttl) =
                    parse_set(args).map_err(|_| ConsoleError::Usage(USAGE_BATCH))?;
                ops.push(BatchOp::Set { key, value, ttl });
            }
            b"del" | b"rm" | b"delete" => ops.push(BatchOp::Delete {
                key: one_key(args, USAGE_BATCH)?,
            }),
            _ => return Err(ConsoleError::Usage(USAGE_BATCH)),
        }
    }
    if ops.is_empty() {
        return Err(ConsoleError::Usage(USAGE_BATCH));
    }
    Ok(Command::Batch(ops))
}

/// Show bytes readably: plain text as is, anything else quoted so that
/// `tokenize` would read it back to the same bytes.
pub fn render(bytes: &[u8]) -> String {
    let plain = !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\'' && b != b';' && b != b'\\');
    if plain {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::from("\"");
    if std::str::from_utf8(bytes).is_ok() {
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() && (c as u32) < 0x80 => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c => out.push(c),
            }
        }
    } else {
        for &b in bytes {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(b as char),
                _ => out.push_str(&format!("\\x{b:02x}")),
            }
        }
    }
    out.push('"');
    out
}

/// Render stats as `name: value` lines.
pub fn render_stats(s: &Stats) -> String {
    let opt = |v: Option<u64>| v.map_or("n/a".to_string(), |v| v.to_string());
    let mut out = format!(
        "engine: {}\nkeys: {}\nlive bytes: {}\ndead bytes: {}\ndisk bytes: {}\nsegments: {}\n\
         compactions: {}\nreads: {}\nwrites: {}\ndeletes: {}\nscans: {}\nfsyncs: {}\ndurability: {}",
        s.engine,
        s.keys,
        opt(s.live_bytes),
        opt(s.dead_bytes),
        s.disk_bytes,
        s.segments,
        s.compactions,
        s.reads,
        s.writes,
        s.deletes,
        s.scans,
        s.fsyncs,
        s.durability
    );
    if let Some(e) = &s.background_error {
        out.push_str(&format!("\nbackground error: {e}"));
    }
    out
}

/// Carry out a parsed command.
pub fn apply(engine: &dyn Engine, cmd: Command) -> Result<String, ConsoleError> {
    Ok(match cmd {
        Command::Set { key, value, ttl } => {
            engine.set_with_ttl(&key, &value, ttl)?;
            "OK".into()
        }
        Command::Get { key } => match engine.get(&key)? {
            Some(v) => render(&v),
            None => "(nil)".into(),
        },
        Command::Del { key } => {
            if engine.delete(&key)? {
                "deleted".into()
            } else {
                "(not found)".into()
            }
        }
        Command::Scan { prefix, limit } => {
            let pairs = engine.scan(&KeyRange::prefix(&prefix), limit)?;
            let mut out: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{} = {}", render(k), render(v)))
                .collect();
            let more = if pairs.len() >= limit && limit > 0 {
                ", limit reached"
            } else {
                ""
            };
            out.push(format!("({} keys{more})", pairs.len()));
            out.join("\n")
        }
        Command::Batch(ops) => {
            engine.apply_batch(&ops)?;
            format!("OK ({} operations)", ops.len())
        }
        Command::Expire { key, ttl } => {
            if engine.expire(&key, ttl)? {
                "OK".into()
            } else {
                "(not found)".into()
            }
        }
        Command::Ttl { key } => match engine.ttl(&key)? {
            KeyTtl::Missing => "(not found)".into(),
            KeyTtl::NoExpiry => "no expiry".into(),
            KeyTtl::ExpiresIn(d) => format!("{:.1} s", d.as_secs_f64()),
        },
        Command::Compact => {
            let r = engine.compact()?;
            format!(
                "compacted {} segments into {}: {} -> {} bytes, {} records kept",
                r.segments_in, r.segments_out, r.bytes_before, r.bytes_after, r.records_kept
            )
        }
        Command::Stats => render_stats(&engine.stats()),
        Command::Help => HELP.into(),
    })
}

/// Parse and run one line.
pub fn execute(engine: &dyn Engine, line: &str) -> Result<String, ConsoleError> {
    apply(engine, parse(line)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemEngine;

    fn words(line: &str) -> Vec<String> {
        tokenize(line)
            .expect("tokenizes")
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => String::from_utf8(w).expect("utf8"),
                Token::Separator => ";".into(),
            })
            .collect()
    }

    #[test]
    fn tokenizer_handles_quotes_escapes_and_separators() {
        assert_eq!(words(r#"set a "hello world""#), ["set", "a", "hello world"]);
        assert_eq!(words(r"set a 'x\ny'"), ["set", "a", r"x\ny"]);
        assert_eq!(words(r#"set a "x\ny\x41""#), ["set", "a", "x\nyA"]);
        assert_eq!(
            words("batch set a 1;del b"),
            ["batch", "set", "a", "1", ";", "del", "b"]
        );
        assert_eq!(words(r#"set k "a;b""#), ["set", "k", "a;b"]);
        assert_eq!(words(r#"set k """#), ["set", "k", ""]);
        assert!(matches!(
            tokenize(r#"set a "open"#),
            Err(ConsoleError::UnterminatedQuote('"'))
        ));
        assert!(matches!(
            tokenize(r#"set a "\q""#),
            Err(ConsoleError::BadEscape(_))
        ));
        assert!(matches!(
            tokenize(r#"set a "\x4""#),
            Err(ConsoleError::BadEscape(_))
        ));
    }

    #[test]
    fn render_round_trips_through_tokenize() {
        for bytes in [
            &b"plain"[..],
            b"with space",
            b"q\"uote",
            b"\x00\xff\n",
            b"",
            b"a;b",
            "é".as_bytes(),
        ] {
            let shown = render(bytes);
            let back = tokenize(&shown).expect("tokenizes");
            assert_eq!(back, vec![Token::Word(bytes.to_vec())], "{shown}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_render_and_read_back(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let shown = render(&bytes);
            proptest::prop_assert_eq!(tokenize(&shown).expect("tokenizes"), vec![Token::Word(bytes)]);
        }

        #[test]
        fn any_line_parses_or_errors_without_panicking(line in "\\PC{0,60}") {
            let _ = parse(&line);
        }
    }

    #[test]
    fn console_session_on_the_model_engine() {
        let e = MemEngine::new();
        assert_eq!(execute(&e, "set user:1 ada").expect("set"), "OK");
        assert_eq!(
            execute(&e, r#"set user:2 "grace hopper""#).expect("set"),
            "OK"
        );
        assert_eq!(execute(&e, "get user:2").expect("get"), "\"grace hopper\"");
        assert_eq!(execute(&e, "get nope").expect("get"), "(nil)");
        assert_eq!(
            execute(&e, "scan user:").expect("scan"),
            "user:1 = ada\nuser:2 = \"grace hopper\"\n(2 keys)"
        );
        assert_eq!(
            execute(&e, "scan limit 1").expect("scan"),
            "user:1 = ada\n(1 keys, limit reached)"
        );
        assert_eq!(
            execute(&e, "batch set a 1; del user:1; set b 2").expect("batch"),
            "OK (3 operations)"
        );
        assert_eq!(execute(&e, "get user:1").expect("get"), "(nil)");
        assert_eq!(execute(&e, "del a").expect("del"), "deleted");
        assert_eq!(execute(&e, "del a").expect("del"), "(not found)");
        assert_eq!(execute(&e, "ttl b").expect("ttl"), "no expiry");
        assert_eq!(execute(&e, "expire b 100").expect("expire"), "OK");
        assert!(execute(&e, "ttl b").expect("ttl").ends_with(" s"));
        assert_eq!(execute(&e, "persist b").expect("persist"), "OK");
        assert_eq!(execute(&e, "set t v ex 0").expect("set ex"), "OK");
        assert_eq!(execute(&e, "get t").expect("get"), "(nil)");
        // The expired key is counted until a compaction collects it.
        assert!(execute(&e, "stats").expect("stats").contains("keys: 3"));
        execute(&e, "compact").expect("compact");
        assert!(execute(&e, "stats").expect("stats").contains("keys: 2"));
        assert!(execute(&e, "help").expect("help").contains("batch"));
    }

    #[test]
    fn bad_lines_are_one_line_errors_and_change_nothing() {
        let e = MemEngine::new();
        for line in [
            "",
            "   ",
            "frobnicate x",
            "set onlykey",
            "set k v ex soon",
            "get",
            "get a b",
            "batch",
            "batch set a",
            "batch get a",
            "set a 1; set b 2",
            "scan p limit x",
            "expire k",
            "stats now",
            r#"set k "unterminated"#,
        ] {
            let err = execute(&e, line).expect_err(line);
            assert!(!err.to_string().contains('\n'), "{line}: {err}");
        }
        assert_eq!(e.stats().keys, 0);
    }
}
