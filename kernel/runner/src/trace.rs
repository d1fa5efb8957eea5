//! The kernel's scheduling trace: parsing and a timeline model for the pane.
//!
//! With `trace` on the kernel command line, or `trace on` in the shell, the
//! kernel prints one serial line per scheduling event. Every trace line
//! starts with `%sched `, never with `[`, so the boot-log parser
//! ([`crate::timeline`]) ignores them; MICROS is the kernel's clock
//! (microseconds since boot, the same clock as the boot log):
//!
//! ```text
//! %sched MICROS thread TID KIND NICE NAME   a thread exists (KIND: idle|kernel|user)
//! %sched MICROS running TID                 TID is on the CPU (sent when tracing starts)
//! %sched MICROS switch FROM TO REASON       the CPU goes from FROM to TO
//!                                           (REASON: preempt|yield|sleep|block|exit)
//! %sched MICROS exit TID CODE               TID ended with CODE
//! %sched MICROS nice TID NICE               TID's nice value changed
//! ```
//!
//! NAME is the rest of the line and may contain spaces. When tracing is
//! switched on, the kernel first lists every live thread, then `running`.
//!
//! [`Timeline`] folds these events into one lane per thread: the spans of
//! time each thread held the CPU. The pane asks for a [`Window`] (the last
//! N microseconds, or any range) rendered into a number of columns;
//! [`Timeline::render`] clips every span to the window and rescales it, so
//! each cell says which fraction of its time slot the thread ran.

use std::collections::VecDeque;

/// The prefix of every trace line.
pub const PREFIX: &str = "%sched ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadKind {
    Idle,
    Kernel,
    User,
}

impl ThreadKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "idle" => ThreadKind::Idle,
            "kernel" => ThreadKind::Kernel,
            "user" => ThreadKind::User,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwitchReason {
    Preempt,
    Yield,
    Sleep,
    Block,
    Exit,
}

impl SwitchReason {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "preempt" => SwitchReason::Preempt,
            "yield" => SwitchReason::Yield,
            "sleep" => SwitchReason::Sleep,
            "block" => SwitchReason::Block,
            "exit" => SwitchReason::Exit,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    Thread {
        micros: u64,
        tid: u32,
        kind: ThreadKind,
        nice: i8,
        name: String,
    },
    Running {
        micros: u64,
        tid: u32,
    },
    Switch {
        micros: u64,
        from: u32,
        to: u32,
        reason: SwitchReason,
    },
    Exit {
        micros: u64,
        tid: u32,
        code: i64,
    },
    Nice {
        micros: u64,
        tid: u32,
        nice: i8,
    },
}

impl TraceEvent {
    pub fn micros(&self) -> u64 {
        match *self {
            TraceEvent::Thread { micros, .. }
            | TraceEvent::Running { micros, .. }
            | TraceEvent::Switch { micros, .. }
            | TraceEvent::Exit { micros, .. }
            | TraceEvent::Nice { micros, .. } => micros,
        }
    }
}

/// Whether a serial line is a trace line (the pane can keep these out of
/// the scrollback).
pub fn is_trace_line(line: &str) -> bool {
    line.starts_with(PREFIX)
}

/// Parses one serial line; `None` for anything that is not a well-formed
/// trace line (never panics, whatever the input).
pub fn parse_line(line: &str) -> Option<TraceEvent> {
    let rest = line.strip_prefix(PREFIX)?;
    let mut words = rest.splitn(2, ' ');
    let micros = words.next()?.parse::<u64>().ok()?;
    let rest = words.next()?;
    let (event, args) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut a = args.split(' ');
    let mut next = || a.next().filter(|s| !s.is_empty());
    let ev = match event {
        "thread" => {
            let tid = next()?.parse().ok()?;
            let kind = ThreadKind::parse(next()?)?;
            let nice = next()?.parse().ok()?;
            // The name is everything after the fourth field.
            let name = args.splitn(4, ' ').nth(3)?.to_string();
            if name.is_empty() {
                return None;
            }
            TraceEvent::Thread {
                micros,
                tid,
                kind,
                nice,
                name,
            }
        }
        "running" => TraceEvent::Running {
            micros,
            tid: next()?.parse().ok()?,
        },
        "switch" => TraceEvent::Switch {
            micros,
            from: next()?.parse().ok()?,
            to: next()?.parse().ok()?,
            reason: SwitchReason::parse(next()?)?,
        },
        "exit" => TraceEvent::Exit {
            micros,
            tid: next()?.parse().ok()?,
            code: next()?.parse().ok()?,
        },
        "nice" => TraceEvent::Nice {
            micros,
            tid: next()?.parse().ok()?,
            nice: next()?.parse().ok()?,
        },
        _ => return None,
    };
    if next().is_some() && !matches!(ev, TraceEvent::Thread { .. }) {
        return None;
    }
    Some(ev)
}

/// One thread's row in the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub tid: u32,
    pub name: String,
    pub kind: Option<ThreadKind>,
    pub nice: i8,
    /// When it exited, and how.
    pub exited: Option<(u64, i64)>,
    /// Closed spans [start, end) in microseconds, oldest first.
    spans: VecDeque<(u64, u64)>,
    /// Total microseconds on the CPU seen so far (closed spans).
    pub total_micros: u64,
}

impl Lane {
    fn new(tid: u32) -> Lane {
        Lane {
            tid,
            name: format!("tid {tid}"),
            kind: None,
            nice: 0,
            exited: None,
            spans: VecDeque::new(),
            total_micros: 0,
        }
    }

    /// The closed spans [start, end) in microseconds, oldest first.
    pub fn spans(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.spans.iter().copied()
    }
}

/// A time range of the timeline, in kernel microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: u64,
    pub end: u64,
}

/// One lane drawn into columns: `cells[i]` is the fraction (0.0..=1.0) of
/// column `i`'s time slot that the thread spent on the CPU.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRow {
    pub tid: u32,
    pub name: String,
    pub kind: Option<ThreadKind>,
    pub exited: bool,
    pub cells: Vec<f32>,
    /// The thread's share of the whole window (0.0..=1.0).
    pub share: f32,
}

/// Scheduling history folded into lanes (see the module docs).
#[derive(Clone, Debug)]
pub struct Timeline {
    lanes: Vec<Lane>,
    /// The thread on the CPU and since when.
    running: Option<(u32, u64)>,
    now: u64,
    /// Spans older than this (behind `now`) are dropped, bounding memory.
    retain_micros: u64,
    switches: u64,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline::new(60_000_000)
    }
}

impl Timeline {
    /// A timeline that keeps `retain_micros` of history.
    pub fn new(retain_micros: u64) -> Timeline {
        Timeline {
            lanes: Vec::new(),
            running: None,
            now: 0,
            retain_micros,
            switches: 0,
        }
    }

    /// Feeds one serial line; returns the event if it was a trace line.
    pub fn push_line(&mut self, line: &str) -> Option<TraceEvent> {
        let ev = parse_line(line)?;
        self.push(ev.clone());
        Some(ev)
    }

    fn lane(&mut self, tid: u32) -> &mut Lane {
        let i = match self.lanes.iter().position(|l| l.tid == tid) {
            Some(i) => i,
            None => {
                self.lanes.push(Lane::new(tid));
                self.lanes.len() - 1
            }
        };
        &mut self.lanes[i]
    }

    fn close_running(&mut self, at: u64) {
        if let Some((tid, since)) = self.running.take()
            && at > since
        {
            let lane = self.lane(tid);
            lane.spans.push_back((since, at));
            lane.total_micros += at - since;
        }
    }

    pub fn push(&mut self, ev: TraceEvent) {
        // The kernel's clock never goes back; a line that claims so (noise
        // on the serial line) is not allowed to rewind the timeline.
        let at = ev.micros().max(self.now);
        self.now = at;
        match ev {
            TraceEvent::Thread {
                tid,
                kind,
                nice,
                name,
                ..
            } => {
                let lane = self.lane(tid);
                lane.kind = Some(kind);
                lane.nice = nice;
                lane.name = name;
                lane.exited = None;
            }
            TraceEvent::Running { tid, .. } => {
                self.close_running(at);
                self.running = Some((tid, at));
                self.lane(tid);
            }
            TraceEvent::Switch { to, .. } => {
                self.close_running(at);
                self.running = Some((to, at));
                self.lane(to);
                self.switches += 1;
            }
            TraceEvent::Exit { tid, code, .. } => {
                self.lane(tid).exited = Some((at, code));
            }
            TraceEvent::Nice { tid, nice, .. } => self.lane(tid).nice = nice,
        }
        self.forget_before(at.saturating_sub(self.retain_micros));
    }

    fn forget_before(&mut self, cutoff: u64) {
        for lane in &mut self.lanes {
            while lane.spans.front().is_some_and(|&(_, end)| end <= cutoff) {
                lane.spans.pop_front();
            }
        }
        // Lanes of threads that exited before the cutoff and have no
        // spans left are of no more use.
        self.lanes
            .retain(|l| !(l.spans.is_empty() && l.exited.is_some_and(|(t, _)| t <= cutoff)));
    }

    /// Lanes in the order their threads first appeared.
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// The thread on the CPU at the last event.
    pub fn running(&self) -> Option<u32> {
        self.running.map(|r| r.0)
    }

    /// The time of the last event.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Switches seen so far.
    pub fn switches(&self) -> u64 {
        self.switches
    }

    /// The last `micros` microseconds up to `now` (follow the tail). The
    /// pane may pass a later `now` than the last event (from the boot log's
    /// clock) so that a quiet CPU still scrolls.
    pub fn last(&self, micros: u64, now: Option<u64>) -> Window {
        let end = now.unwrap_or(self.now).max(self.now);
        Window {
            start: end.saturating_sub(micros),
            end,
        }
    }

    /// Microseconds that `tid` spent on the CPU inside `w`.
    pub fn busy_in(&self, tid: u32, w: Window) -> u64 {
        let Some(lane) = self.lanes.iter().find(|l| l.tid == tid) else {
            return 0;
        };
        let mut total: u64 = lane
            .spans
            .iter()
            .map(|&(s, e)| overlap(s, e, w.start, w.end))
            .sum();
        if let Some((r, since)) = self.running
            && r == tid
        {
            total += overlap(since, w.end.max(since), w.start, w.end);
        }
        total
    }

    /// Every lane drawn into `columns` cells spanning `w`. A zero-width
    /// window or zero columns gives empty rows, never a division by zero.
    pub fn render(&self, w: Window, columns: usize) -> Vec<LaneRow> {
        let width = w.end.saturating_sub(w.start);
        self.lanes
            .iter()
            .map(|lane| {
                let mut cells = vec![0f32; if width == 0 { 0 } else { columns }];
                let mut spans: Vec<(u64, u64)> = lane.spans.iter().copied().collect();
                if let Some((r, since)) = self.running
                    && r == lane.tid
                {
                    spans.push((since, w.end.max(since)));
                }
                if !cells.is_empty() {
                    for (s, e) in spans {
                        add_span(&mut cells, w, s, e);
                    }
                }
                let busy = self.busy_in(lane.tid, w);
                LaneRow {
                    tid: lane.tid,
                    name: lane.name.clone(),
                    kind: lane.kind,
                    exited: lane.exited.is_some(),
                    cells,
                    share: if width == 0 {
                        0.0
                    } else {
                        (busy as f64 / width as f64).min(1.0) as f32
                    },
                }
            })
            .collect()
    }
}

fn overlap(s: u64, e: u64, ws: u64, we: u64) -> u64 {
    e.min(we).saturating_sub(s.max(ws))
}

/// Adds the part of span [s, e) inside `w` to the cells, as fractions of
/// each cell's time slot (column i covers [start + i*width/n, start + (i+1)*width/n)).
fn add_span(cells: &mut [f32], w: Window, s: u64, e: u64) {
    let n = cells.len() as u128;
    let width = (w.end - w.start) as u128;
    let (s, e) = (s.max(w.start), e.min(w.end));
    if e <= s {
        return;
    }
    let col = |t: u64| (((t - w.start) as u128 * n) / width) as usize;
    let bound = |i: usize| w.start + ((i as u128 * width) / n) as u64;
    let first = col(s);
    let last = col(e - 1).min(cells.len() - 1);
    for (i, cell) in cells.iter_mut().enumerate().take(last + 1).skip(first) {
        let (cs, ce) = (bound(i), bound(i + 1));
        let slot = ce.saturating_sub(cs).max(1);
        *cell = (*cell + overlap(s, e, cs, ce) as f32 / slot as f32).min(1.0);
    }
}

/// A block character for a cell's fraction: ' ', '░', '▒', '▓' or '█'.
pub fn cell_char(fraction: f32) -> char {
    match fraction {
        f if f <= 0.0 => ' ',
        f if f < 0.25 => '░',
        f if f < 0.5 => '▒',
        f if f < 0.9 => '▓',
        _ => '█',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(lines: &[&str]) -> Timeline {
        let mut t = Timeline::default();
        for l in lines {
            t.push_line(l);
        }
        t
    }

    #[test]
    fn parses_every_event_kind() {
        assert_eq!(
            parse_line("%sched 1200 thread 5 user -2 hog two"),
            Some(TraceEvent::Thread {
                micros: 1200,
                tid: 5,
                kind: ThreadKind::User,
                nice: -2,
                name: "hog two".into()
            })
        );
        assert_eq!(
            parse_line("%sched 7 switch 1 5 preempt"),
            Some(TraceEvent::Switch {
                micros: 7,
                from: 1,
                to: 5,
                reason: SwitchReason::Preempt
            })
        );
        assert_eq!(
            parse_line("%sched 9 exit 5 -11"),
            Some(TraceEvent::Exit {
                micros: 9,
                tid: 5,
                code: -11
            })
        );
        assert_eq!(
            parse_line("%sched 3 running 1"),
            Some(TraceEvent::Running { micros: 3, tid: 1 })
        );
        assert_eq!(
            parse_line("%sched 4 nice 2 5"),
            Some(TraceEvent::Nice {
                micros: 4,
                tid: 2,
                nice: 5
            })
        );
    }

    #[test]
    fn rejects_malformed_lines_without_panicking() {
        for l in [
            "",
            "%sched",
            "%sched ",
            "%sched x switch 1 2 yield",
            "%sched 5 switch 1 2",
            "%sched 5 switch 1 2 nap",
            "%sched 5 switch 1 2 yield extra",
            "%sched 5 switch -1 2 yield",
            "%sched 5 thread 1 user 0",
            "%sched 5 thread 1 alien 0 x",
            "%sched 5 thread 1 user 300 x",
            "%sched 5 teleport 1",
            "[sched] 0.000005 INFO scheduler: rr policy",
            "%sched 99999999999999999999999 running 1",
            "%sched 5 exit 1 ½",
        ] {
            assert_eq!(parse_line(l), None, "{l:?}");
        }
        assert!(is_trace_line("%sched 1 running 1"));
        assert!(!is_trace_line("[ready] 0.1 INFO x"));
    }

    #[test]
    fn switches_become_spans_per_lane() {
        let t = timeline(&[
            "%sched 0 thread 0 idle 5 idle",
            "%sched 0 thread 1 kernel 0 main",
            "%sched 100 running 1",
            "%sched 300 switch 1 2 yield",
            "%sched 350 thread 2 user 0 hog",
            "%sched 500 switch 2 1 preempt",
            "%sched 600 exit 2 0",
        ]);
        let lanes = t.lanes();
        assert_eq!(
            lanes.iter().map(|l| l.tid).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert_eq!(lanes[1].spans().collect::<Vec<_>>(), vec![(100, 300)]);
        assert_eq!(lanes[2].spans().collect::<Vec<_>>(), vec![(300, 500)]);
        assert_eq!(lanes[2].name, "hog");
        assert_eq!(lanes[2].exited, Some((600, 0)));
        assert_eq!(t.running(), Some(1));
        assert_eq!(t.switches(), 2);
        // Main is still running: it has 100 us so far (500..600).
        let w = Window { start: 0, end: 600 };
        assert_eq!(t.busy_in(1, w), 200 + 100);
        assert_eq!(t.busy_in(2, w), 200);
        assert_eq!(t.busy_in(0, w), 0);
    }

    #[test]
    fn render_clips_to_the_window_and_rescales() {
        let t = timeline(&[
            "%sched 0 running 1",
            "%sched 1000 switch 1 2 preempt",
            "%sched 2000 switch 2 1 preempt",
            "%sched 3000 switch 1 2 preempt",
            "%sched 4000 switch 2 1 preempt",
        ]);
        // Window 500..3500 in 6 columns of 500 us each.
        let rows = t.render(
            Window {
                start: 500,
                end: 3500,
            },
            6,
        );
        assert_eq!(rows[0].tid, 1);
        assert_eq!(rows[0].cells, vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0]);
        assert_eq!(rows[1].cells, vec![0.0, 1.0, 1.0, 0.0, 0.0, 1.0]);
        assert!((rows[0].share - 0.5).abs() < 1e-6);
        // The same history rescaled into 3 columns of 1000 us.
        let rows = t.render(
            Window {
                start: 500,
                end: 3500,
            },
            3,
        );
        assert_eq!(rows[0].cells, vec![0.5, 0.5, 0.5]);
        // Partial cells: thread 1 ran 250 us of a 1000 us slot.
        let rows = t.render(
            Window {
                start: 750,
                end: 1750,
            },
            1,
        );
        assert_eq!(rows[0].cells, vec![0.25]);
        assert_eq!(rows[1].cells, vec![0.75]);
    }

    #[test]
    fn degenerate_windows_do_not_panic() {
        let t = timeline(&["%sched 0 running 1", "%sched 10 switch 1 2 yield"]);
        assert!(
            t.render(Window { start: 5, end: 5 }, 10)[0]
                .cells
                .is_empty()
        );
        assert!(
            t.render(Window { start: 0, end: 10 }, 0)[0]
                .cells
                .is_empty()
        );
        let rows = t.render(Window { start: 0, end: 3 }, 100);
        assert_eq!(rows[0].cells.len(), 100);
        assert!(rows[0].cells.iter().all(|&c| (0.0..=1.0).contains(&c)));
    }

    #[test]
    fn follow_the_tail_and_bounded_history() {
        let mut t = Timeline::new(1_000);
        t.push_line("%sched 0 running 1");
        for i in 1..=100u64 {
            let (from, to) = if i % 2 == 1 { (1, 2) } else { (2, 1) };
            t.push_line(&format!("%sched {} switch {from} {to} preempt", i * 100));
        }
        let w = t.last(2_000, None);
        assert_eq!(
            w,
            Window {
                start: 8_000,
                end: 10_000
            }
        );
        assert_eq!(t.last(2_000, Some(12_000)).end, 12_000);
        // Only about 1 ms of spans is kept.
        let kept: usize = t.lanes().iter().map(|l| l.spans().count()).sum();
        assert!(kept <= 11, "{kept} spans kept");
    }

    #[test]
    fn a_clock_going_backwards_does_not_rewind() {
        let t = timeline(&[
            "%sched 1000 running 1",
            "%sched 500 switch 1 2 yield",
            "%sched 1500 switch 2 1 yield",
        ]);
        assert_eq!(t.now(), 1500);
        assert_eq!(t.lanes()[1].spans().collect::<Vec<_>>(), vec![(1000, 1500)]);
    }

    #[test]
    fn cell_characters_grow_with_the_fraction() {
        assert_eq!(cell_char(0.0), ' ');
        assert_eq!(cell_char(0.1), '░');
        assert_eq!(cell_char(0.3), '▒');
        assert_eq!(cell_char(0.6), '▓');
        assert_eq!(cell_char(1.0), '█');
    }
}
