//! Parses the kernel's boot log into a timeline.
//!
//! The kernel prints `[stage] SECONDS.MICROS LEVEL message` (see the
//! kernel's `log.rs`), with SECONDS counted from the first TSC value the
//! boot code read. Lines of any other shape (shell output, echoed input)
//! are not timeline entries and parse to `None`.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    /// The tag between the brackets: boot, int, mem, heap, test, ready, ...
    pub stage: String,
    /// Microseconds since boot start, by the kernel's TSC clock.
    pub micros: u64,
    /// ERROR, WARN, INFO, DEBUG or TRACE.
    pub level: String,
    pub message: String,
}

const LEVELS: [&str; 5] = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"];

/// Parses one serial line; `None` if it is not a stage-tagged log line.
pub fn parse_line(line: &str) -> Option<TimelineEntry> {
    let rest = line.strip_prefix('[')?;
    let (stage, rest) = rest.split_once("] ")?;
    if stage.is_empty() || !stage.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return None;
    }
    let (time, rest) = rest.split_once(' ')?;
    let (secs, frac) = time.split_once('.')?;
    if frac.len() != 6 {
        return None;
    }
    let micros = secs
        .parse::<u64>()
        .ok()?
        .checked_mul(1_000_000)?
        .checked_add(frac.parse::<u64>().ok()?)?;
    let (level, message) = rest.split_once(' ').unwrap_or((rest, ""));
    if !LEVELS.contains(&level) {
        return None;
    }
    Some(TimelineEntry {
        stage: stage.to_string(),
        micros,
        level: level.to_string(),
        message: message.to_string(),
    })
}

/// The entries seen so far, in arrival order.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
}

/// One stage's span on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSpan {
    pub stage: String,
    pub first_micros: u64,
    pub last_micros: u64,
    pub lines: usize,
}

impl Timeline {
    /// Adds a serial line; returns the entry if it was a timeline line.
    pub fn push_line(&mut self, line: &str) -> Option<&TimelineEntry> {
        let e = parse_line(line)?;
        self.entries.push(e);
        self.entries.last()
    }

    /// When `[ready]` was logged, by the kernel's clock.
    pub fn ready_micros(&self) -> Option<u64> {
        self.entries
            .iter()
            .find(|e| e.stage == "ready")
            .map(|e| e.micros)
    }

    /// Stages in the order they first appeared, with their time spans.
    pub fn stages(&self) -> Vec<StageSpan> {
        let mut spans: Vec<StageSpan> = Vec::new();
        for e in &self.entries {
            match spans.iter_mut().find(|s| s.stage == e.stage) {
                Some(s) => {
                    s.last_micros = s.last_micros.max(e.micros);
                    s.lines += 1;
                }
                None => spans.push(StageSpan {
                    stage: e.stage.clone(),
                    first_micros: e.micros,
                    last_micros: e.micros,
                    lines: 1,
                }),
            }
        }
        spans
    }

    /// Entries at ERROR level (panics, faults, failed tests).
    pub fn errors(&self) -> impl Iterator<Item = &TimelineEntry> {
        self.entries.iter().filter(|e| e.level == "ERROR")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_stage_line() {
        let e = parse_line("[mem] 1.031250 INFO heap ready: 1024 KiB").expect("parses");
        assert_eq!(e.stage, "mem");
        assert_eq!(e.micros, 1_031_250);
        assert_eq!(e.level, "INFO");
        assert_eq!(e.message, "heap ready: 1024 KiB");
    }

    #[test]
    fn rejects_other_lines() {
        for l in [
            "",
            "mem",
            "frames: 10 free",
            "[mem] x.000001 INFO a",
            "[mem] 0.01 INFO short fraction",
            "[mem] 0.000001 LOUD not a level",
            "[Mem] 0.000001 INFO upper-case tag",
            "[] 0.000001 INFO empty tag",
        ] {
            assert_eq!(parse_line(l), None, "{l:?}");
        }
    }

    #[test]
    fn timeline_tracks_stages_and_ready() {
        let mut t = Timeline::default();
        for l in [
            "[boot] 0.005000 INFO start",
            "[mem] 0.006000 INFO map",
            "shell echo",
            "[mem] 0.007500 INFO frames",
            "[ready] 0.009000 INFO boot complete",
            "[fault] 0.010000 ERROR EXCEPTION 14",
        ] {
            t.push_line(l);
        }
        assert_eq!(t.entries.len(), 5);
        assert_eq!(t.ready_micros(), Some(9000));
        let s = t.stages();
        assert_eq!(
            s[1],
            StageSpan {
                stage: "mem".into(),
                first_micros: 6000,
                last_micros: 7500,
                lines: 2
            }
        );
        assert_eq!(t.errors().count(), 1);
    }
}
