//! What the kernel pane draws beside and below its console, prepared
//! before each frame: the boot chart (stages from boot start to `[ready]`,
//! with later events as markers, never rescaling it) and the scheduling
//! timeline (a lane per thread over the last seconds of the kernel's
//! clock, with each thread's share of the CPU).

use crate::theme::Theme;
use kernel_runner::timeline::{BootChart, Timeline as BootLog, TimelineEntry};
use kernel_runner::trace::{self, LaneRow, Timeline as Sched};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Where the parts of the pane go. The one place that splits the area, so
/// the view is prepared for exactly the space it is drawn in.
pub struct Areas {
    pub head: Rect,
    pub console: Rect,
    pub side: Rect,
    pub band: Rect,
}

/// `band_rows`: the rows the scheduling timeline would like.
pub fn areas(area: Rect, band_rows: u16) -> Areas {
    // Two header rows: what runs, then what the next boot and leaving the
    // tab will do.
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let band_h = band_rows.max(3).min(body.height / 2);
    let [upper, band] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(band_h)]).areas(body);
    let [console, side] = Layout::horizontal([
        Constraint::Min(20),
        Constraint::Length((body.width / 3).clamp(16, 26)),
    ])
    .areas(upper);
    Areas {
        head,
        console,
        side,
        band,
    }
}

/// Whether the scheduling trace is on, as far as the pane knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceState {
    /// The kernel is printing it.
    On,
    /// The kernel said it stopped, or it was never started.
    Off,
    /// Not running: whether the next boot starts it.
    NextBoot(bool),
}

/// Everything drawn beside and below the console, prepared in
/// `before_draw` so that drawing only reads.
#[derive(Clone, Debug)]
pub struct View {
    pub boot: Option<BootChart>,
    /// Before `[ready]`: the stages so far and when each began.
    pub stages: Vec<(String, u64)>,
    /// After `[ready]`: warnings and errors, newest last.
    pub markers: Vec<TimelineEntry>,
    pub errors: usize,
    pub lanes: Vec<LaneRow>,
    pub running: Option<u32>,
    pub switches: u64,
    pub name_width: usize,
    pub trace: TraceState,
}

/// Markers kept under the boot chart.
const MARKERS: usize = 4;
/// Widest thread name column.
const NAME_MAX: usize = 12;

impl View {
    pub fn empty() -> View {
        View {
            boot: None,
            stages: Vec::new(),
            markers: Vec::new(),
            errors: 0,
            lanes: Vec::new(),
            running: None,
            switches: 0,
            name_width: 4,
            trace: TraceState::Off,
        }
    }

    /// The rows the timeline band asks for: its lanes, a title and an axis.
    pub fn band_rows(&self) -> u16 {
        self.lanes.len() as u16 + 2
    }

    /// Prepares the view for `area` (the pane's whole area): the boot chart
    /// for the side column's width, the lanes of the last `window_us` up to
    /// `now` (the kernel's clock), but not before `since` (when the trace
    /// began), for the band's width.
    pub fn build(
        area: Rect,
        boot: &BootLog,
        sched: &Sched,
        now: u64,
        window_us: u64,
        since: u64,
        trace: TraceState,
    ) -> View {
        let mut window = sched.last(window_us, Some(now));
        window.start = window.start.max(since.min(window.end));
        // Threads that ended and left no trace in the window are gone.
        let shown = |r: &LaneRow| !r.exited || r.share > 0.0;
        let name_width = sched
            .render(window, 0)
            .iter()
            .filter(|r| shown(r))
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(4, NAME_MAX);
        let probe = View {
            name_width,
            ..View::empty()
        };
        let lanes_w = area.width as usize;
        let cols = lanes_w.saturating_sub(probe.label_width() + SHARE_WIDTH);
        let lanes: Vec<LaneRow> = sched
            .render(window, cols)
            .into_iter()
            .filter(shown)
            .collect();
        let side = areas(area, lanes.len() as u16 + 2).side;
        // The side column has a border on its left.
        let chart_w = side.width.saturating_sub(1) as usize;
        let ready = boot.ready_micros().is_some();
        View {
            boot: boot.boot_chart(chart_w),
            stages: if ready {
                Vec::new()
            } else {
                boot.stages()
                    .into_iter()
                    .map(|s| (s.stage, s.first_micros))
                    .collect()
            },
            markers: {
                let after: Vec<&TimelineEntry> = boot
                    .after_ready()
                    .iter()
                    .filter(|e| e.level == "ERROR" || e.level == "WARN")
                    .collect();
                after[after.len().saturating_sub(MARKERS)..]
                    .iter()
                    .map(|e| (*e).clone())
                    .collect()
            },
            errors: boot.errors().count(),
            lanes,
            running: sched.running(),
            switches: sched.switches(),
            name_width,
            trace,
        }
    }

    /// `▶ 12 name     `: the running mark, the tid and the name.
    fn label_width(&self) -> usize {
        1 + 3 + 1 + self.name_width + 1
    }

    fn lane_line(&self, r: &LaneRow, theme: &Theme) -> Line<'static> {
        let mark = if r.exited {
            'x'
        } else if self.running == Some(r.tid) {
            '▶'
        } else {
            ' '
        };
        let name: String = r.name.chars().take(self.name_width).collect();
        let label = format!("{mark}{:>3} {name:<w$} ", r.tid, w = self.name_width);
        let bar: String = r.cells.iter().map(|&c| trace::cell_char(c)).collect();
        let (label_style, bar_style) = if r.exited || r.kind == Some(trace::ThreadKind::Idle) {
            (theme.dim, theme.dim)
        } else {
            (theme.key, theme.accent)
        };
        Line::from(vec![
            Span::styled(label, label_style),
            Span::styled(bar, bar_style),
            Span::styled(format!("{:>4.0}%", r.share * 100.0), theme.text),
        ])
    }

    /// The scheduling timeline, across the pane's width.
    pub fn draw_band(&self, f: &mut Frame, area: Rect, theme: &Theme, window_us: u64) {
        let secs = window_us as f64 / 1e6;
        let trace = match self.trace {
            TraceState::On => "trace on (t stops it)".to_string(),
            TraceState::Off => "trace off (t starts it)".to_string(),
            TraceState::NextBoot(on) => {
                format!("trace {} at boot (t)", if on { "on" } else { "off" })
            }
        };
        let title = format!(
            " scheduling · last {secs} s (w) · {} switches · {trace} ",
            self.switches
        );
        // A narrow pane cuts the title where it can be seen to be cut.
        let title = crate::tui::text::truncate(&title, area.width as usize);
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border)
            .title(Span::styled(title, theme.section));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let mut lines: Vec<Line> = self
            .lanes
            .iter()
            .map(|r| self.lane_line(r, theme))
            .collect();
        if lines.is_empty() {
            lines.push(Line::styled(
                match self.trace {
                    TraceState::On => "(waiting for the scheduling trace)",
                    TraceState::Off => "(no trace: t turns the kernel's scheduling trace on)",
                    TraceState::NextBoot(true) => "(the trace starts when the kernel boots: r)",
                    TraceState::NextBoot(false) => "(the trace is off for the next boot: t)",
                },
                theme.dim,
            ));
        } else if (inner.height as usize) > lines.len() {
            let cols = self.lanes.first().map_or(0, |r| r.cells.len());
            let left = format!("-{secs}s");
            let gap = cols.saturating_sub(left.len() + 3);
            lines.push(Line::styled(
                format!(
                    "{}{left}{}now",
                    " ".repeat(self.label_width()),
                    " ".repeat(gap)
                ),
                theme.dim,
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    /// The boot chart, and what happened after `[ready]` as markers.
    pub fn draw_side(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::LEFT)
            .border_style(theme.border)
            .title(Span::styled(" boot chart ", theme.section));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let mut lines = Vec::new();
        match &self.boot {
            Some(chart) => {
                for row in &chart.rows {
                    let bar: String = row
                        .cells
                        .iter()
                        .map(|&on| if on { '█' } else { ' ' })
                        .collect();
                    lines.push(Line::from(vec![
                        Span::styled(row.label.clone(), theme.key),
                        Span::styled(bar, theme.accent),
                    ]));
                }
                lines.push(Line::styled(
                    format!("[ready] at {:.1} ms", chart.ready_micros as f64 / 1000.0),
                    theme.dim,
                ));
            }
            None => {
                for (stage, micros) in &self.stages {
                    lines.push(Line::from(vec![
                        Span::styled(format!("{stage:<6}"), theme.key),
                        Span::styled(format!("{:>6.1}ms", *micros as f64 / 1000.0), theme.dim),
                    ]));
                }
                lines.push(Line::styled("(waiting for [ready])", theme.dim));
            }
        }
        if !self.markers.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled("since [ready]:", theme.section));
            for m in &self.markers {
                lines.push(Line::styled(
                    format!("{:>8.3}s {} {}", m.micros as f64 / 1e6, m.stage, m.message),
                    if m.level == "ERROR" {
                        theme.error
                    } else {
                        theme.accent
                    },
                ));
            }
        }
        if self.errors > 0 {
            lines.push(Line::styled(
                format!("{} error line(s)", self.errors),
                theme.error,
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

/// ` 100%` after each lane.
const SHARE_WIDTH: usize = 5;
