//! Sorting the kernel's serial lines: console text, the boot log and the
//! scheduling trace arrive interleaved on one port.
//!
//! The kernel prints each trace line whole (under the serial lock), but the
//! shell echoes typed characters one at a time, so a trace line can land
//! in the middle of an echoed command: `run%sched 1234 switch 1 2 block`
//! followed by ` hog`. [`Splitter`] takes the trace line out and stitches
//! the console line back together (`run hog`). [`KernelClock`] follows the
//! kernel's clock between the lines that carry a time stamp.

use kernel_runner::trace;
use std::collections::VecDeque;
use std::time::Instant;

/// One serial line, sorted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sorted {
    /// A complete console line (with any text held back from before a
    /// trace line in front of it).
    pub console: Option<String>,
    /// A `%sched` line.
    pub trace: Option<String>,
}

/// Takes trace lines out of the serial stream (see the module docs).
#[derive(Debug, Default)]
pub struct Splitter {
    /// Console text that a trace line interrupted, waiting for its rest.
    held: String,
}

impl Splitter {
    pub fn push(&mut self, line: &str) -> Sorted {
        match line.find(trace::PREFIX) {
            Some(at) => {
                self.held.push_str(&line[..at]);
                Sorted {
                    console: None,
                    trace: Some(line[at..].to_string()),
                }
            }
            None => Sorted {
                console: Some(std::mem::take(&mut self.held) + line),
                trace: None,
            },
        }
    }

    /// Console text still held back (when the stream ends).
    pub fn flush(&mut self) -> Option<String> {
        (!self.held.is_empty()).then(|| std::mem::take(&mut self.held))
    }
}

/// Lines the pane sent to the kernel's shell whose echo has not come back
/// yet, so that an echo (`trace off` as typed) is not read as the shell's
/// answer (`trace off` as printed once the trace has stopped).
#[derive(Debug, Default)]
pub struct Echoes {
    sent: VecDeque<String>,
}

impl Echoes {
    const KEEP: usize = 16;

    /// A line was sent to the shell.
    pub fn record(&mut self, line: &str) {
        self.sent.push_back(line.trim().to_string());
        while self.sent.len() > Self::KEEP {
            self.sent.pop_front();
        }
    }

    /// True if `line` is the echo of a line sent (which is then forgotten,
    /// with any older ones the kernel never echoed).
    pub fn is_echo(&mut self, line: &str) -> bool {
        let line = line.trim();
        match self.sent.iter().position(|s| s == line) {
            Some(i) => {
                self.sent.drain(..=i);
                true
            }
            None => false,
        }
    }

    /// Lines sent whose echo has not come back, oldest first.
    #[cfg(test)]
    pub fn pending(&self) -> impl Iterator<Item = &str> {
        self.sent.iter().map(String::as_str)
    }

    pub fn clear(&mut self) {
        self.sent.clear();
    }
}

/// The kernel's clock (microseconds since boot) as of now: the time stamp
/// of the newest line that carried one, plus the host time since that line
/// arrived. Lines arrive in batches and a quiet CPU prints nothing, so
/// without this the timeline would stand still between switches. What it
/// shows never goes back.
#[derive(Debug, Default, Clone, Copy)]
pub struct KernelClock {
    anchor: Option<(u64, Instant)>,
    shown: u64,
}

impl KernelClock {
    /// A line stamped `micros` by the kernel arrived at `at`.
    pub fn saw(&mut self, micros: u64, at: Instant) {
        if self.anchor.is_none_or(|(m, _)| micros >= m) {
            self.anchor = Some((micros, at));
        }
    }

    /// The kernel's time at `at`; `live` is false once the kernel stopped
    /// running (or stopped tracing), and the clock then stays where the
    /// last line left it.
    pub fn advance(&mut self, at: Instant, live: bool) -> u64 {
        if let Some((m, t)) = self.anchor {
            let since = if live {
                at.saturating_duration_since(t).as_micros() as u64
            } else {
                0
            };
            self.shown = self.shown.max(m.saturating_add(since));
        }
        self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_trace_line_inside_an_echo_is_taken_out_and_the_echo_stitched() {
        let mut s = Splitter::default();
        assert_eq!(
            s.push("run%sched 77112 switch 1 2 block"),
            Sorted {
                console: None,
                trace: Some("%sched 77112 switch 1 2 block".into())
            }
        );
        assert_eq!(s.push("%sched 77200 switch 2 1 preempt").console, None);
        assert_eq!(s.push(" hog").console.as_deref(), Some("run hog"));
        assert_eq!(
            s.push("started hog as pid 2").console.as_deref(),
            Some("started hog as pid 2")
        );
        assert_eq!(s.flush(), None);
        s.push("cou%sched 1 running 1");
        assert_eq!(s.flush().as_deref(), Some("cou"));
    }

    #[test]
    fn an_echo_is_told_from_the_answer() {
        let mut e = Echoes::default();
        e.record("help");
        e.record("trace off");
        // help's echo never came (dropped): trace off's echo still matches
        assert!(e.is_echo("trace off"));
        assert!(!e.is_echo("trace off"), "the second one is the answer");
        assert!(!e.is_echo("help"), "forgotten with the echo after it");
    }

    #[test]
    fn the_clock_runs_on_between_lines_and_never_goes_back() {
        let t0 = Instant::now();
        let mut c = KernelClock::default();
        assert_eq!(c.advance(t0, true), 0, "no line yet");
        c.saw(1_000_000, t0);
        assert_eq!(c.advance(t0 + Duration::from_millis(250), true), 1_250_000);
        // a line stamped earlier than what is shown does not move it back
        c.saw(1_100_000, t0 + Duration::from_millis(260));
        assert_eq!(c.advance(t0 + Duration::from_millis(270), true), 1_250_000);
        assert_eq!(c.advance(t0 + Duration::from_millis(500), true), 1_340_000);
        // stopped: it stays
        assert_eq!(c.advance(t0 + Duration::from_secs(9), false), 1_340_000);
        // an older stamp never replaces the anchor
        c.saw(5, t0 + Duration::from_secs(10));
        assert_eq!(c.advance(t0 + Duration::from_millis(600), true), 1_440_000);
    }
}
