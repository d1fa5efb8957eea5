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

/// One stage's row of the boot chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BootRow {
    pub stage: String,
    /// `stage  12.3ms `, padded to the same width on every row.
    pub label: String,
    /// Which columns after the label the stage occupies.
    pub cells: Vec<bool>,
}

impl BootRow {
    /// The row as text: the label, then `█` for the stage's cells.
    pub fn render(&self) -> String {
        let mut s = self.label.clone();
        s.extend(self.cells.iter().map(|&on| if on { '█' } else { ' ' }));
        s
    }
}

/// The boot stages laid out in a fixed width (see [`Timeline::boot_chart`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BootChart {
    pub rows: Vec<BootRow>,
    pub ready_micros: u64,
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

    /// The boot chart: one row per stage, from boot start to `[ready]`.
    ///
    /// Each log line starts a segment that lasts until the next line, and a
    /// row covers every segment of its stage (so a stage that logs twice at
    /// different times, like `int` at IDT load and again at PIC set-up,
    /// shows two bars instead of one bar across everything in between).
    /// Only lines up to `[ready]` count: events after boot (a fault at 30 s,
    /// a panic) never rescale the chart; ask [`Timeline::after_ready`] for
    /// those and draw them as markers. Every row is exactly `width` columns
    /// wide, its label included, and every stage gets at least one cell
    /// (when `width` leaves room for a bar at all: narrower than the labels,
    /// the rows carry labels only).
    /// `None` until `[ready]` arrives.
    pub fn boot_chart(&self, width: usize) -> Option<BootChart> {
        let ready_at = self.entries.iter().position(|e| e.stage == "ready")?;
        let entries = &self.entries[..=ready_at];
        let end = entries.iter().map(|e| e.micros).max().unwrap_or(0).max(1);
        let stages = Timeline {
            entries: entries.to_vec(),
        }
        .stages();
        let label =
            |s: &StageSpan| format!("{:<6}{:>6.1}ms ", s.stage, s.first_micros as f64 / 1000.0);
        let label_width = stages
            .iter()
            .map(|s| label(s).chars().count())
            .max()
            .unwrap_or(0);
        let cells = width.saturating_sub(label_width);
        let col = |t: u64| {
            if cells == 0 {
                0
            } else {
                ((t.min(end) as u128 * cells as u128 / end as u128) as usize).min(cells - 1)
            }
        };
        let rows = stages
            .iter()
            .map(|span| {
                let mut bar = vec![false; cells];
                for (i, e) in entries.iter().enumerate() {
                    if e.stage != span.stage || cells == 0 {
                        continue;
                    }
                    let stop = entries.get(i + 1).map(|n| n.micros).unwrap_or(e.micros);
                    let (a, b) = (col(e.micros), col(stop.max(e.micros)));
                    // A segment ending exactly on a column boundary does
                    // not spill into the next column, but always has one.
                    let b = if b > a && stop < end && col(stop.saturating_sub(1)) < b {
                        b - 1
                    } else {
                        b
                    };
                    for c in bar.iter_mut().take(b + 1).skip(a) {
                        *c = true;
                    }
                }
                let mut l = label(span);
                while l.chars().count() < label_width {
                    l.push(' ');
                }
                BootRow {
                    stage: span.stage.clone(),
                    label: l,
                    cells: bar,
                }
            })
            .collect();
        Some(BootChart {
            rows,
            ready_micros: self.entries[ready_at].micros,
        })
    }

    /// Log entries after `[ready]` (faults, panics, shell activity): markers
    /// for the pane, kept off the boot chart's time axis.
    pub fn after_ready(&self) -> &[TimelineEntry] {
        match self.entries.iter().position(|e| e.stage == "ready") {
            Some(i) => &self.entries[i + 1..],
            None => &[],
        }
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

    fn boot_log() -> Timeline {
        let mut t = Timeline::default();
        for l in [
            "[boot] 0.001000 INFO start",
            "[int] 0.002000 INFO IDT",
            "[mem] 0.003000 INFO frames",
            "[heap] 0.018000 INFO heap",
            "[int] 0.019000 INFO PIC",
            "[ready] 0.020000 INFO boot complete",
            "[shell] 0.020100 INFO type help",
            "[fault] 33.000000 ERROR EXCEPTION 14",
        ] {
            t.push_line(l);
        }
        t
    }

    #[test]
    fn boot_chart_rows_fit_the_width_exactly_and_every_stage_has_a_bar() {
        let t = boot_log();
        for width in [20, 40, 57, 80, 133] {
            let chart = t.boot_chart(width).expect("ready seen");
            for row in &chart.rows {
                assert_eq!(row.render().chars().count(), width, "{width}: {row:?}");
                assert!(row.cells.iter().any(|&c| c), "{width}: empty bar {row:?}");
            }
        }
    }

    #[test]
    fn boot_chart_ignores_events_after_ready() {
        let t = boot_log();
        let chart = t.boot_chart(60).expect("ready seen");
        // The fault at 33 s neither adds a row nor rescales the axis.
        let stages: Vec<&str> = chart.rows.iter().map(|r| r.stage.as_str()).collect();
        assert_eq!(stages, ["boot", "int", "mem", "heap", "ready"]);
        assert_eq!(chart.ready_micros, 20_000);
        let mem = &chart.rows[2];
        let on = mem.cells.iter().filter(|&&c| c).count();
        // mem lasts 3..18 ms of 20 ms: about three quarters of the bar.
        let ratio = on as f64 / mem.cells.len() as f64;
        assert!((0.65..0.85).contains(&ratio), "{ratio}");
        assert_eq!(t.after_ready().len(), 2);
        assert_eq!(t.after_ready()[1].stage, "fault");
    }

    #[test]
    fn a_stage_logged_twice_gets_two_bars() {
        let chart = boot_log().boot_chart(14 + 40).expect("ready seen");
        let int = &chart.rows[1];
        let runs =
            int.cells.windows(2).filter(|w| w[1] && !w[0]).count() + usize::from(int.cells[0]);
        assert_eq!(runs, 2, "{}", int.render());
    }

    #[test]
    fn no_chart_before_ready_and_tiny_widths_do_not_panic() {
        let mut t = Timeline::default();
        t.push_line("[boot] 0.001000 INFO start");
        assert!(t.boot_chart(80).is_none());
        let chart = boot_log().boot_chart(3).expect("ready seen");
        assert!(chart.rows.iter().all(|r| r.cells.is_empty()));
    }
}
