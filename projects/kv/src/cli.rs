//! The command-line face: `kv --dir DIR <command>` and `megarepo kv ...`.
//!
//! [`KvArgs`] is a clap `Args` struct, so the megarepo binary embeds it as
//! `Kv(kv::cli::KvArgs)` and calls [`run`], and the small `kv` binary wraps
//! the same struct. `run` opens the chosen engine, does one command and
//! writes the result to `out` (plain text, or JSON with `--json` for the
//! commands that print data).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::bench::{self, BenchConfig};
use crate::console::{self, render};
use crate::engine::{Durability, Engine, KeyRange};
use crate::log::{LogEngine, Options};
use crate::sled_engine::SledEngine;

/// Arguments of `kv` / `megarepo kv`.
#[derive(Debug, Clone, Args)]
pub struct KvArgs {
    /// Store directory (created if missing; for `bench`, a scratch folder).
    /// Required by the `kv` binary; `megarepo kv` defaults it to the data
    /// folder's `kv/` (the store the app's KV tab uses).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Which engine to use.
    #[arg(long, value_enum, default_value_t = EngineKind::Log)]
    pub engine: EngineKind,
    /// When writes are fsynced: always, never, or every:MS.
    #[arg(long, default_value = "always", value_parser = parse_durability)]
    pub durability: Durability,
    /// Print machine-readable JSON (get, scan, stats, bench).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub cmd: KvCommand,
}

impl KvArgs {
    /// The store directory, or a one-line error asking for it.
    pub fn dir(&self) -> anyhow::Result<&std::path::Path> {
        self.dir
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("give the store directory with --dir DIR"))
    }
}

fn parse_durability(s: &str) -> Result<Durability, String> {
    s.parse()
}

/// The engine behind a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// Our log-structured engine.
    Log,
    /// sled 0.34.
    Sled,
    /// redb (a copy-on-write B-tree), for comparison.
    Redb,
    /// fjall (an LSM tree), for comparison.
    Fjall,
}

/// Benchmark sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchSize {
    /// A few seconds.
    Small,
    /// The real run, including a million-key open.
    Large,
}

/// `kv` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum KvCommand {
    /// Store a value.
    Set {
        key: String,
        value: String,
        /// Expire after this many seconds.
        #[arg(long)]
        ttl: Option<u64>,
    },
    /// Print a value (exit status 1 if the key is missing).
    ///
    /// The value's bytes are written exactly as stored, then a newline.
    /// With --json the value is text when it is UTF-8 and base64 otherwise,
    /// as its "encoding" field says.
    Get { key: String },
    /// Remove a key.
    Rm { key: String },
    /// List keys (with a prefix) in order.
    Scan {
        prefix: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Merge old segments and reclaim dead space.
    Compact,
    /// Show counters and sizes.
    Stats,
    /// Check every record, hint and the manifest (exit 1 on damage).
    ///
    /// Nothing is changed. A torn tail in the segment being written is a
    /// notice, not damage: the next open cuts it and keeps the bytes in
    /// lost+found/.
    Verify,
    /// Copy every readable record into a new store (DIR.repaired).
    ///
    /// The damaged store is left exactly as it is.
    Repair {
        /// Folder for the repaired store (must not exist).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Race our engine against sled, redb and fjall and print a table.
    Bench {
        #[arg(long, value_enum, default_value_t = BenchSize::Small)]
        size: BenchSize,
    },
    /// Run console lines (see `help`) from the arguments, or from stdin.
    Console { line: Vec<String> },
}

/// A key that was looked up and not found.
#[derive(Debug, thiserror::Error)]
#[error("key {0:?} not found")]
pub struct NotFound(pub String);

/// Open the chosen engine in `dir` with default options and the given
/// durability (what the CLI does; handy for the TUI pane too).
pub fn open_engine(
    kind: EngineKind,
    dir: &std::path::Path,
    durability: Durability,
) -> Result<Box<dyn Engine>, crate::OpenError> {
    Ok(match kind {
        EngineKind::Log => Box::new(LogEngine::open(dir, Options::with_durability(durability))?),
        EngineKind::Sled => Box::new(SledEngine::open(dir, durability)?),
        EngineKind::Redb => Box::new(crate::anchors::RedbEngine::open(dir, durability)?),
        EngineKind::Fjall => Box::new(crate::anchors::FjallEngine::open(dir, durability)?),
    })
}

fn open(args: &KvArgs) -> anyhow::Result<Box<dyn Engine>> {
    let dir = args.dir()?;
    let context = || format!("cannot open store {}", dir.display());
    if args.engine == EngineKind::Log {
        let engine = LogEngine::open(dir, Options::with_durability(args.durability))
            .with_context(context)?;
        // Whatever recovery cut, set aside or rejected is said, on stderr
        // so that output stays clean for scripts.
        let report = engine.recovery_report();
        if !report.is_clean() {
            eprintln!("kv: recovery: {report}");
        }
        return Ok(Box::new(engine));
    }
    open_engine(args.engine, dir, args.durability).with_context(context)
}

/// A key or value in JSON: text when it is UTF-8, base64 otherwise, and
/// the encoding named so a reader never guesses.
#[derive(Serialize)]
struct JsonBytes {
    text: String,
    encoding: &'static str,
}

fn json_bytes(b: &[u8]) -> JsonBytes {
    match std::str::from_utf8(b) {
        Ok(s) => JsonBytes {
            text: s.to_string(),
            encoding: "utf8",
        },
        Err(_) => JsonBytes {
            text: base64(b),
            encoding: "base64",
        },
    }
}

#[derive(Serialize)]
struct JsonPair {
    key: String,
    key_encoding: &'static str,
    value: String,
    value_encoding: &'static str,
}

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Run one `kv` command, writing its output to `out`.
pub fn run(args: KvArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let KvCommand::Bench { size } = &args.cmd {
        let config = match size {
            BenchSize::Small => BenchConfig::small(),
            BenchSize::Large => BenchConfig::large(),
        };
        let report = bench::run(&config, args.dir()?, &mut |p| {
            eprintln!("[{}/{}] {}", p.step, p.total, p.label);
        })?;
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        } else {
            write!(out, "{}", report.table())?;
        }
        return Ok(());
    }
    match &args.cmd {
        KvCommand::Verify => {
            let dir = args.dir()?;
            let report = crate::log::verify(dir)
                .with_context(|| format!("cannot verify store {}", dir.display()))?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                writeln!(out, "{report}")?;
            }
            if report.damaged() {
                anyhow::bail!(
                    "store {} is damaged; `kv repair` copies every readable record into a new store",
                    dir.display()
                );
            }
            return Ok(());
        }
        KvCommand::Repair { to } => {
            let dir = args.dir()?;
            let to = to.clone().unwrap_or_else(|| crate::log::repair_target(dir));
            let report = crate::log::repair(dir, &to)
                .with_context(|| format!("cannot repair store {}", dir.display()))?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                writeln!(out, "{report}")?;
            }
            return Ok(());
        }
        _ => {}
    }
    let engine = open(&args)?;
    match args.cmd {
        KvCommand::Set { key, value, ttl } => {
            engine.set_with_ttl(
                key.as_bytes(),
                value.as_bytes(),
                ttl.map(Duration::from_secs),
            )?;
            if !args.json {
                writeln!(out, "OK")?;
            }
        }
        KvCommand::Get { key } => {
            let value = engine.get(key.as_bytes())?;
            if args.json {
                let v = value.as_deref().map(json_bytes);
                let json = serde_json::json!({
                    "key": key,
                    "found": value.is_some(),
                    "value": v.as_ref().map(|v| &v.text),
                    "encoding": v.as_ref().map(|v| v.encoding),
                });
                writeln!(out, "{json}")?;
            } else if let Some(v) = &value {
                out.write_all(v)?;
                writeln!(out)?;
            }
            if value.is_none() {
                return Err(NotFound(key).into());
            }
        }
        KvCommand::Rm { key } => {
            let removed = engine.delete(key.as_bytes())?;
            if args.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({ "key": key, "removed": removed })
                )?;
            } else if removed {
                writeln!(out, "deleted")?;
            }
            // As `get` answers a missing key: exit 1 with "not found", so a
            // mistyped key is noticed and a script can test either the same way.
            if !removed {
                return Err(NotFound(key).into());
            }
        }
        KvCommand::Scan { prefix, limit } => {
            let range = KeyRange::prefix(prefix.as_deref().unwrap_or("").as_bytes());
            let pairs = engine.scan(&range, limit)?;
            if args.json {
                let list: Vec<JsonPair> = pairs
                    .iter()
                    .map(|(k, v)| {
                        let (k, v) = (json_bytes(k), json_bytes(v));
                        JsonPair {
                            key: k.text,
                            key_encoding: k.encoding,
                            value: v.text,
                            value_encoding: v.encoding,
                        }
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string(&list)?)?;
            } else {
                for (k, v) in &pairs {
                    writeln!(out, "{} = {}", render(k), render(v))?;
                }
            }
        }
        KvCommand::Compact => {
            let r = engine.compact()?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string(&r)?)?;
            } else {
                writeln!(
                    out,
                    "compacted {} segments into {}: {} -> {} bytes, {} records kept",
                    r.segments_in, r.segments_out, r.bytes_before, r.bytes_after, r.records_kept
                )?;
            }
        }
        KvCommand::Stats => {
            let s = engine.stats();
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
            } else {
                writeln!(out, "{}", console::render_stats(&s))?;
            }
        }
        KvCommand::Console { line } => {
            let run_line = |l: &str, out: &mut dyn Write| -> anyhow::Result<bool> {
                if l.trim().is_empty() {
                    return Ok(true);
                }
                match console::execute(engine.as_ref(), l) {
                    Ok(text) => writeln!(out, "{text}")?,
                    Err(e) => {
                        writeln!(out, "error: {e}")?;
                        return Ok(false);
                    }
                }
                Ok(true)
            };
            let mut ok = true;
            if line.is_empty() {
                for l in std::io::stdin().lock().lines() {
                    ok &= run_line(&l.context("reading stdin")?, out)?;
                }
            } else {
                ok = run_line(&line.join(" "), out)?;
            }
            if !ok {
                anyhow::bail!("a console line failed");
            }
        }
        // Handled before the store is opened.
        KvCommand::Bench { .. } | KvCommand::Verify | KvCommand::Repair { .. } => {}
    }
    engine.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
        assert_eq!(base64(&[0xff, 0x00, 0xfe, 0x80]), "/wD+gA==");
    }
}
