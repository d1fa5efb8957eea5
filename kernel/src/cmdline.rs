//! The kernel command line: space-separated `key=value` options and flags.
//!
//! PVH boots get it from QEMU's `-append`; BIOS boots from the command-line
//! sector the image builder writes. Unknown or malformed options are
//! reported in the boot log and otherwise ignored, so a typo never stops a
//! boot.
//!
//! | option              | meaning                                        |
//! |---------------------|------------------------------------------------|
//! | `log=LEVEL`         | error, warn, info (default), debug, trace     |
//! | `hz=N`              | timer rate, 19..=10000 (default 100)           |
//! | `heap=list|blocks`  | heap strategy (default blocks)                 |
//! | `exit-after-ready`  | leave QEMU with success right after `[ready]`  |
//! | `test=NAME`         | run in-kernel tests (`all` or one name)        |
//! | `sched=rr|stride`   | scheduling policy (default rr)                 |
//! | `trace`             | scheduling trace on serial from the start      |

use crate::log::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapStrategy {
    LinkedList,
    FixedBlocks,
}

impl HeapStrategy {
    pub fn name(self) -> &'static str {
        match self {
            HeapStrategy::LinkedList => "list",
            HeapStrategy::FixedBlocks => "blocks",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Config<'a> {
    pub log_level: Level,
    pub timer_hz: u32,
    pub heap: HeapStrategy,
    pub exit_after_ready: bool,
    pub test: Option<&'a str>,
    /// Name of the scheduling policy (`sched::policy::by_name`).
    pub sched: &'static str,
    pub trace: bool,
}

impl Default for Config<'_> {
    fn default() -> Self {
        Config {
            log_level: Level::Info,
            timer_hz: 100,
            heap: HeapStrategy::FixedBlocks,
            exit_after_ready: false,
            test: None,
            sched: "rr",
            trace: false,
        }
    }
}

/// Why one option was ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionError<'a> {
    pub option: &'a str,
    pub reason: &'static str,
}

/// Parses `line`; calls `on_error` for each option it ignores.
pub fn parse<'a>(line: &'a str, mut on_error: impl FnMut(OptionError<'a>)) -> Config<'a> {
    let mut cfg = Config::default();
    for option in line.split_ascii_whitespace() {
        let (key, value) = match option.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (option, None),
        };
        let result = match (key, value) {
            ("log", Some(v)) => Level::parse(v)
                .map(|l| cfg.log_level = l)
                .ok_or("expected error|warn|info|debug|trace"),
            ("hz", Some(v)) => match v.parse::<u32>() {
                Ok(hz) if (19..=10_000).contains(&hz) => {
                    cfg.timer_hz = hz;
                    Ok(())
                }
                _ => Err("expected a number in 19..=10000"),
            },
            ("heap", Some("list")) => {
                cfg.heap = HeapStrategy::LinkedList;
                Ok(())
            }
            ("heap", Some("blocks")) => {
                cfg.heap = HeapStrategy::FixedBlocks;
                Ok(())
            }
            ("heap", _) => Err("expected heap=list or heap=blocks"),
            ("exit-after-ready", None) => {
                cfg.exit_after_ready = true;
                Ok(())
            }
            ("sched", Some("rr")) => {
                cfg.sched = "rr";
                Ok(())
            }
            ("sched", Some("stride")) => {
                cfg.sched = "stride";
                Ok(())
            }
            ("sched", _) => Err("expected sched=rr or sched=stride"),
            ("trace", None) => {
                cfg.trace = true;
                Ok(())
            }
            ("test", Some(name)) if !name.is_empty() => {
                cfg.test = Some(name);
                Ok(())
            }
            _ => Err("unknown option"),
        };
        if let Err(reason) = result {
            on_error(OptionError { option, reason });
        }
    }
    cfg
}
