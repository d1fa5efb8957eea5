//! Boot-log lines with stage tags, TSC timestamps and levels.
//!
//! Every line has the shape `[stage] SECONDS.MICROS LEVEL message`, for
//! example `[mem] 0.031250 INFO heap ready: 1024 KiB`. The host runner parses
//! exactly this shape into a boot timeline, so the tags are a closed set
//! (`Stage`) and the timestamp is always six decimals. Levels below the
//! configured maximum (`log=` on the command line) are not printed at all.

use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::{serial, time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "error" => Level::Error,
            "warn" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            "trace" => Level::Trace,
            _ => return None,
        })
    }
}

/// The fixed set of boot stages the timeline knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Boot,
    Int,
    Mem,
    Heap,
    Test,
    Ready,
    Shell,
    Sched,
    Proc,
    Fault,
    Panic,
}

impl Stage {
    pub fn tag(self) -> &'static str {
        match self {
            Stage::Boot => "boot",
            Stage::Int => "int",
            Stage::Mem => "mem",
            Stage::Heap => "heap",
            Stage::Test => "test",
            Stage::Ready => "ready",
            Stage::Shell => "shell",
            Stage::Sched => "sched",
            Stage::Proc => "proc",
            Stage::Fault => "fault",
            Stage::Panic => "panic",
        }
    }
}

static MAX_LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);

pub fn set_max_level(level: Level) {
    MAX_LEVEL.store(level as u8, Ordering::Relaxed);
}

pub fn enabled(level: Level) -> bool {
    level as u8 <= MAX_LEVEL.load(Ordering::Relaxed)
}

pub fn log(level: Level, stage: Stage, args: fmt::Arguments) {
    if !enabled(level) {
        return;
    }
    let us = time::uptime_us();
    serial::write_fmt(format_args!(
        "[{}] {}.{:06} {} {}\n",
        stage.tag(),
        us / 1_000_000,
        us % 1_000_000,
        level.name(),
        args
    ));
}

/// Like `log` at `level`, but usable while the serial lock may be held by
/// code that will never resume (panics, fatal exceptions).
pub fn log_emergency(level: Level, stage: Stage, args: fmt::Arguments) {
    let us = time::uptime_us();
    serial::write_fmt_emergency(format_args!(
        "[{}] {}.{:06} {} {}\n",
        stage.tag(),
        us / 1_000_000,
        us % 1_000_000,
        level.name(),
        args
    ));
}

#[allow(unused_macros)]
macro_rules! error {
    ($stage:ident, $($arg:tt)*) => {
        $crate::log::log($crate::log::Level::Error, $crate::log::Stage::$stage, format_args!($($arg)*))
    };
}
#[allow(unused_macros)]
macro_rules! warn {
    ($stage:ident, $($arg:tt)*) => {
        $crate::log::log($crate::log::Level::Warn, $crate::log::Stage::$stage, format_args!($($arg)*))
    };
}
#[allow(unused_macros)]
macro_rules! info {
    ($stage:ident, $($arg:tt)*) => {
        $crate::log::log($crate::log::Level::Info, $crate::log::Stage::$stage, format_args!($($arg)*))
    };
}
#[allow(unused_macros)]
macro_rules! debug {
    ($stage:ident, $($arg:tt)*) => {
        $crate::log::log($crate::log::Level::Debug, $crate::log::Stage::$stage, format_args!($($arg)*))
    };
}
#[allow(unused_macros)]
macro_rules! trace {
    ($stage:ident, $($arg:tt)*) => {
        $crate::log::log($crate::log::Level::Trace, $crate::log::Stage::$stage, format_args!($($arg)*))
    };
}
/// Plain output without a log prefix (shell replies).
#[allow(unused_macros)]
macro_rules! kprint {
    ($($arg:tt)*) => { $crate::serial::write_fmt(format_args!($($arg)*)) };
}
#[allow(unused_macros)]
macro_rules! kprintln {
    () => { $crate::serial::write_fmt(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::serial::write_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}
