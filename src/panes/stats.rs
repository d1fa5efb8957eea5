//! The study pane: the timer, today's goal and balance, streaks, the
//! 26-week heatmap, 30 days of bars, totals and the projected completion;
//! plus the status-bar widget that shows the timer everywhere.
//!
//! The pane owns the [`Timer`] (so a session keeps running whichever tab is
//! visible) and asks for a tick every second while a session is open. Each
//! tick moves the checkpoint (written every 30 s by the timer) and refreshes
//! a [`StatusSnapshot`] that the pane's `status` hook draws in the app's
//! status bar. The full [`Stats`] are recomputed from the stored per-day
//! totals (never from every session) after every timer command and every
//! 30 ticks, not every frame: drawing only reads what was computed. Each
//! recomputation also writes `DATA/status.json` for `megarepo status`.
//!
//! Start-up computes nothing: the status bar starts from the status file,
//! and the first statistics come from a background job (the `totals` job
//! of the pane's [`Mailbox`]) started when the app first hands the pane a
//! context. That job is also where totals that are missing, stale or
//! damaged are rebuilt from the sessions (a scan of the whole history), so
//! the UI task never waits for it; damage is shown in the status bar.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use jiff::SignedDuration;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::content::Roadmap;
use crate::jobs::Mailbox;
use crate::pane::{Ctx, Handled, Pane, Selection};
use crate::store::Store;
use crate::study::days::{fmt_elapsed, fmt_minutes};
use crate::study::pomodoro::{Pomodoro, Rhythm, pomodoro};
use crate::study::service::{StudyCtx, publish};
use crate::study::session::{Mode, Phase};
use crate::study::stats::Stats;
use crate::study::stored::Rebuilt;
use crate::study::streak::DayMark;
use crate::study::timefmt::parse_date;
use crate::study::{Clock, StudyStore, Timer};
use crate::theme::Theme;
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};

pub const ID: &str = "stats";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Start,
    StartOnItem,
    Pause,
    Mode,
    Keep,
    Close,
    GoalUp,
    GoalDown,
    StartDate,
    Rhythm,
    Refresh,
    Down,
    Up,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(&[Key::ch('s')], "s", "start / stop the timer", Cmd::Start),
    bind(
        &[Key::ch('S')],
        "S",
        "start on the selected checklist item",
        Cmd::StartOnItem,
    ),
    bind(
        &[Key::ch(' '), Key::ch('p')],
        "space / p",
        "pause / resume",
        Cmd::Pause,
    ),
    bind(&[Key::ch('m')], "m", "switch reading ⇄ coding", Cmd::Mode),
    bind(
        &[Key::ch('+')],
        "+",
        "daily goal +15 min (up to 240)",
        Cmd::GoalUp,
    ),
    bind(
        &[Key::ch('-')],
        "-",
        "daily goal -15 min (down to 30)",
        Cmd::GoalDown,
    ),
    bind(
        &[Key::ch('d')],
        "d",
        "edit the roadmap start date",
        Cmd::StartDate,
    ),
    bind(
        &[Key::ch('P')],
        "P",
        "pomodoro rhythm on / off (25/5, long 15)",
        Cmd::Rhythm,
    ),
    bind(
        &[Key::ch('R')],
        "R",
        "recompute the statistics",
        Cmd::Refresh,
    ),
    bind(
        &[Key::code(KeyCode::Down)],
        "down",
        "scroll down",
        Cmd::Down,
    ),
    bind(&[Key::code(KeyCode::Up)], "up", "scroll up", Cmd::Up),
]);

/// Only while a session left running by a crash waits for a decision.
const ORPHAN_KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('k')],
        "k",
        "keep the session left running (it goes on)",
        Cmd::Keep,
    ),
    bind(
        &[Key::ch('x')],
        "x",
        "close the session left running at its last save",
        Cmd::Close,
    ),
]);

/// While the start date is being typed.
const DATE_KEYS: Keymap<()> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "set the start date",
        (),
    ),
    bind(&[Key::code(KeyCode::Esc)], "esc", "leave it unchanged", ()),
]);

/// What the status bar shows about study, refreshed by the pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusSnapshot {
    /// Mode, paused?, elapsed of the open session.
    pub running: Option<(Mode, bool, SignedDuration)>,
    pub today_minutes: i64,
    pub goal_minutes: u32,
    pub streak: u32,
    /// A session was left running by a crash and awaits keep/close.
    pub left_running: bool,
}

/// The latest [`StatusSnapshot`], drawn in the status bar by
/// [`status_bar_spans`] (through `Pane::status`). Behind a mutex because
/// `publish` runs from `&self`.
#[derive(Debug, Clone, Default)]
pub struct StudyStatus(Arc<Mutex<StatusSnapshot>>);

impl StudyStatus {
    pub fn get(&self) -> StatusSnapshot {
        // A poisoned lock still holds a whole snapshot (it is replaced by
        // one assignment), so reading it is safe.
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, s: StatusSnapshot) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = s;
    }
}

/// The status-bar widget: `● coding 0:12:03 · today 45m/1h00m · streak 6`.
pub fn status_bar_spans(s: &StatusSnapshot, theme: &Theme) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    if s.left_running {
        out.push(Span::styled(
            "⚠ session left running (study tab) ",
            theme.error,
        ));
    }
    if let Some((mode, paused, elapsed)) = s.running {
        let dot = if paused { "‖" } else { "●" };
        out.push(Span::styled(
            format!("{dot} {mode} {} ", fmt_elapsed(elapsed)),
            theme.accent,
        ));
    }
    out.push(Span::styled(
        format!(
            "· today {}/{} · streak {} ",
            fmt_minutes(s.today_minutes),
            fmt_minutes(i64::from(s.goal_minutes)),
            s.streak
        ),
        theme.text,
    ));
    out
}

/// What the pane's background jobs report.
enum Msg {
    /// The totals are ready to read (rebuilt first, and why, if they had
    /// to be), or could not be made ready.
    TotalsReady(Result<Option<Rebuilt>, String>),
}

pub struct StatsPane {
    timer: Timer<Arc<dyn Clock + Send + Sync>>,
    store: Store,
    roadmap: Roadmap,
    stats: Option<Stats>,
    error: Option<String>,
    status: StudyStatus,
    selected_item: Option<String>,
    ticks: u32,
    /// The start date being typed (the same line editor as everywhere).
    input: Option<LineInput>,
    /// First line shown (the pane is taller than small terminals).
    scroll: u16,
    /// The pomodoro rhythm, read when the statistics are (not while drawing).
    rhythm: Option<Rhythm>,
    /// Ring the terminal bell when a pomodoro phase ends (a setting).
    bell: bool,
    /// The pomodoro phase at the last tick, to notice when one ends.
    phase: Option<Pomodoro>,
    mailbox: Mailbox<Msg>,
    /// A `totals` job is running: refreshes wait for it.
    loading: bool,
    /// Damaged totals were found and rebuilt: said at the top of the pane
    /// (the status bar's message goes with the next key).
    notice: Option<String>,
}

impl StatsPane {
    /// Opens the timer on the store (finding any session left running).
    pub fn new(
        store: &Store,
        roadmap: Roadmap,
        clock: Arc<dyn Clock + Send + Sync>,
    ) -> Result<Self, crate::store::StoreError> {
        let study = StudyStore::with_fallback(store.clone(), clock.zone());
        study.ensure_start_date(clock.today())?;
        let rhythm = study.rhythm()?;
        let bell = study.bell()?;
        let timer = Timer::open(study, clock)?;
        let p = StatsPane {
            timer,
            store: store.clone(),
            roadmap,
            stats: None,
            error: None,
            status: StudyStatus::default(),
            selected_item: None,
            ticks: 0,
            input: None,
            scroll: 0,
            rhythm,
            bell,
            phase: None,
            mailbox: Mailbox::new(),
            loading: false,
            notice: None,
        };
        p.status.set(p.snapshot_from_file());
        Ok(p)
    }

    /// The status bar before the first statistics: today and the streak
    /// from the status file when it is today's, the timer from the store.
    fn snapshot_from_file(&self) -> StatusSnapshot {
        let clock = self.timer.clock();
        let now = clock.now();
        let mut snap = self.snapshot(None);
        // The file's figures as of now, as `megarepo status` and Today's
        // first frame read them.
        if let Ok(f) = crate::study::status::read_file(self.store.data_dir(), now, &clock.zone()) {
            let (today, streak, _) = f.figures_at(now);
            snap.today_minutes = today.total;
            snap.goal_minutes = f.goal_minutes;
            snap.streak = streak;
        }
        snap
    }

    /// What the status bar shows now.
    pub fn status_snapshot(&self) -> StatusSnapshot {
        self.status.get()
    }

    pub fn stats(&self) -> Option<&Stats> {
        self.stats.as_ref()
    }

    pub fn timer(&self) -> &Timer<Arc<dyn Clock + Send + Sync>> {
        &self.timer
    }

    /// Recomputes the stats from the stored totals, republishes the status
    /// and writes the status file. When the totals must be rebuilt first
    /// (a scan of every session), starts the background job instead; it
    /// calls back here when done.
    pub fn refresh(&mut self, cx: &mut Ctx) {
        if self.loading {
            return;
        }
        let clock = self.timer.clock().clone();
        let ctx = StudyCtx {
            store: &self.store,
            clock: &*clock,
            roadmap: &self.roadmap,
        };
        match ctx.compute_if_ready(self.timer.current()) {
            Ok(Some(c)) => {
                publish(self.store.data_dir(), &c.status);
                self.stats = Some(c.stats);
                self.error = None;
                self.rhythm = self.timer.store().rhythm().unwrap_or(None);
                self.bell = self.timer.store().bell().unwrap_or(true);
            }
            Ok(None) => self.load(cx),
            Err(e) => self.error = Some(e.to_string()),
        }
        self.publish();
    }

    /// Starts the `totals` job: makes the stored totals ready to read,
    /// rebuilding them from the sessions when missing, stale or damaged.
    fn load(&mut self, cx: &mut Ctx) {
        self.loading = true;
        let study = StudyStore::with_fallback(self.store.clone(), self.timer.clock().zone());
        self.mailbox.thread("totals", cx.waker(), move |job| {
            let r = study
                .totals()
                .map(|(_, why)| why)
                .map_err(|e| e.to_string());
            job.send(Msg::TotalsReady(r));
        });
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
            Msg::TotalsReady(r) => {
                self.loading = false;
                match r {
                    Ok(Some(why @ Rebuilt::Damaged(_))) => {
                        tracing::warn!("{why}");
                        cx.error(why.to_string());
                        self.notice = Some(why.to_string());
                    }
                    Ok(Some(why)) => tracing::info!("{why}"),
                    Ok(None) => {}
                    Err(e) => {
                        self.error = Some(e);
                        return;
                    }
                }
                self.refresh(cx);
            }
        }
    }

    /// The status bar's numbers; `stats` when there are some.
    fn snapshot(&self, stats: Option<&Stats>) -> StatusSnapshot {
        let running = self.timer.current().map(|s| {
            let paused = s
                .timed()
                .is_some_and(|t| matches!(t.phase, Phase::Paused { .. }));
            (
                s.current_mode().unwrap_or(Mode::Reading),
                paused,
                self.timer.elapsed(),
            )
        });
        let (today_minutes, goal_minutes, streak) = match stats {
            Some(s) => (
                s.today_minutes.total,
                s.daily_goal_minutes,
                s.streak.current,
            ),
            None => (0, 60, 0),
        };
        StatusSnapshot {
            running,
            today_minutes,
            goal_minutes,
            streak,
            left_running: !self.timer.orphans().is_empty(),
        }
    }

    /// Refreshes the status bar (the running timer's seconds); before the
    /// first statistics, keeps the numbers the status file gave.
    fn publish(&self) {
        let mut snap = self.snapshot(self.stats.as_ref());
        if self.stats.is_none() {
            let old = self.status.get();
            snap.today_minutes = old.today_minutes;
            snap.goal_minutes = old.goal_minutes;
            snap.streak = old.streak;
        }
        self.status.set(snap);
    }

    fn command(&mut self, cx: &mut Ctx, what: &str, r: Result<(), String>) {
        match r {
            Ok(()) => cx.info(what.to_string()),
            Err(e) => cx.error(e),
        }
        self.refresh(cx);
    }

    fn start_or_stop(&mut self, cx: &mut Ctx, with_item: bool) {
        if self.timer.current().is_some() {
            let r = self.timer.stop().map(|s| {
                format!(
                    "stopped: {} studied",
                    fmt_minutes(s.studied_time().as_secs() / 60)
                )
            });
            match r {
                Ok(msg) => self.command(cx, &msg, Ok(())),
                Err(e) => self.command(cx, "", Err(e.to_string())),
            }
        } else {
            let item = if with_item {
                self.selected_item.clone()
            } else {
                None
            };
            let r = self
                .timer
                .start(Mode::Reading, item, false)
                .map(|_| ())
                .map_err(|e| e.to_string());
            self.command(cx, "timer started (reading)", r);
        }
    }

    fn adjust_goal(&mut self, cx: &mut Ctx, by: i64) {
        let study = StudyStore::new(self.store.clone());
        let r = study
            .settings()
            .map_err(|e| e.to_string())
            .and_then(|mut s| {
                let g = (i64::from(s.daily_goal_minutes) + by).clamp(30, 240);
                s.daily_goal_minutes = g as u32;
                study
                    .save_settings(&s)
                    .map(|()| g)
                    .map_err(|e| e.to_string())
            });
        match r {
            Ok(g) => self.command(cx, &format!("daily goal {}", fmt_minutes(g)), Ok(())),
            Err(e) => self.command(cx, "", Err(e)),
        }
    }

    /// Says so (status bar, and the terminal bell unless turned off) when
    /// a pomodoro work block or break has just ended.
    fn pomodoro_tick(&mut self, cx: &mut Ctx) {
        let now = self.timer.clock().now();
        let phase = match (&self.rhythm, self.timer.current()) {
            (Some(r), Some(s)) => Some(pomodoro(s, r, now)),
            _ => None,
        };
        let ended = match (self.phase, phase) {
            (Some(Pomodoro::Work { block, .. }), Some(Pomodoro::BreakDue { length, .. })) => {
                Some(format!(
                    "pomodoro {block} done: time for a {} break",
                    fmt_minutes(length.as_secs() / 60)
                ))
            }
            (
                Some(Pomodoro::Break { remaining: was, .. }),
                Some(Pomodoro::Break {
                    remaining: left, ..
                }),
            ) if was.is_positive() && !left.is_positive() => {
                Some("break over: back to work".to_string())
            }
            _ => None,
        };
        self.phase = phase;
        if let Some(msg) = ended {
            if self.bell {
                crate::runtime::terminal::ring_bell();
            }
            cx.info(msg);
        }
    }

    fn toggle_rhythm(&mut self, cx: &mut Ctx) {
        let study = StudyStore::new(self.store.clone());
        let r = study.rhythm().map_err(|e| e.to_string()).and_then(|cur| {
            let next = match cur {
                Some(_) => None,
                None => Some(Rhythm::default()),
            };
            study
                .save_rhythm(next.as_ref())
                .map(|()| next.is_some())
                .map_err(|e| e.to_string())
        });
        match r {
            Ok(true) => self.command(cx, "pomodoro on: 25 min work, 5 min breaks", Ok(())),
            Ok(false) => self.command(cx, "pomodoro off", Ok(())),
            Err(e) => self.command(cx, "", Err(e)),
        }
    }

    fn finish_input(&mut self, cx: &mut Ctx) {
        let Some(input) = self.input.take() else {
            return;
        };
        let today = self.timer.clock().today();
        let r = parse_date(input.text().trim()).and_then(|d| {
            if d > today {
                return Err(format!("start date {d} is in the future"));
            }
            StudyStore::new(self.store.clone())
                .set_start_date(d)
                .map(|()| d)
                .map_err(|e| e.to_string())
        });
        match r {
            Ok(d) => self.command(cx, &format!("start date set to {d}"), Ok(())),
            Err(e) => self.command(cx, "", Err(e)),
        }
    }

    /// A roadmap id as the learner reads it: the item's or section's
    /// title (the id itself when the roadmap no longer has it).
    fn title_of(&self, id: &str) -> String {
        self.roadmap
            .find(id)
            .map_or_else(|| id.to_string(), |n| n.title.clone())
    }

    fn lines(&self, theme: &Theme, width: u16) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let now = self.timer.clock().now();
        if let Some(n) = &self.notice {
            lines.push(Line::styled(n.clone(), theme.error));
        }
        if let Some(o) = self.timer.orphans().first() {
            lines.push(Line::styled(
                format!(
                    "Session {} was left running (last saved {} min of study). k keep it running · x close it at the last save",
                    o.id,
                    o.studied_time().as_secs() / 60
                ),
                theme.error,
            ));
        }
        match self.timer.current() {
            Some(s) => {
                let paused = s
                    .timed()
                    .is_some_and(|t| matches!(t.phase, Phase::Paused { .. }));
                let mut spans = vec![
                    Span::styled(
                        format!(
                            "{} {} {}",
                            if paused { "‖ paused" } else { "● running" },
                            s.current_mode().unwrap_or(Mode::Reading),
                            fmt_elapsed(self.timer.elapsed())
                        ),
                        theme.accent,
                    ),
                    Span::styled(
                        s.item
                            .as_deref()
                            .map(|i| format!(" on {}", self.title_of(i)))
                            .unwrap_or_default(),
                        theme.text,
                    ),
                ];
                if let Some(r) = &self.rhythm {
                    let p = match pomodoro(s, r, now) {
                        Pomodoro::Work { block, remaining } => {
                            format!(" · pomodoro {block}: {} left", fmt_elapsed(remaining))
                        }
                        Pomodoro::BreakDue { length, .. } => {
                            format!(" · take a {} break", fmt_minutes(length.as_secs() / 60))
                        }
                        Pomodoro::Break { remaining, .. } => {
                            format!(" · break {} left", fmt_elapsed(remaining))
                        }
                        Pomodoro::Idle => String::new(),
                    };
                    spans.push(Span::styled(p, theme.dim));
                }
                lines.push(Line::from(spans));
            }
            // Under the left-running question the hint would contradict it.
            None if !self.timer.orphans().is_empty() => {}
            None => lines.push(Line::styled(
                "No session running. s start · S start on the selected item",
                theme.dim,
            )),
        }
        let Some(st) = &self.stats else {
            match &self.error {
                Some(e) => lines.push(Line::styled(e.clone(), theme.error)),
                None => lines.push(Line::styled("Reading the statistics…", theme.dim)),
            }
            return lines;
        };
        // Today's gauge, drawn as text so it reads the same in every theme.
        let t = &st.today_minutes;
        let gauge_w = 20usize;
        let filled = ((st.goal_percent.min(100) as usize) * gauge_w) / 100;
        lines.push(Line::from(vec![
            Span::styled("Today ", theme.section),
            Span::styled(
                format!(
                    "{}/{} ",
                    fmt_minutes(t.total),
                    fmt_minutes(i64::from(st.daily_goal_minutes))
                ),
                theme.text,
            ),
            Span::styled("█".repeat(filled), theme.ok),
            Span::styled("░".repeat(gauge_w - filled), theme.dim),
            Span::styled(format!(" {}%", st.goal_percent), theme.text),
        ]));
        let pct = |p: Option<u8>| {
            p.map(|p| format!("{p}% reading / {}% coding", 100 - u32::from(p)))
                .unwrap_or_else(|| "nothing yet".into())
        };
        lines.push(Line::styled(
            format!(
                "Balance (target 50/50): today {} · 7 days {}",
                pct(st.balance_today.reading_percent),
                pct(st.balance_7_days.reading_percent)
            ),
            theme.text,
        ));
        let frozen = st.streak.frozen.len();
        lines.push(Line::styled(
            format!(
                "Streak {} day{}{} · longest {} · {} frozen day{} used",
                st.streak.current,
                if st.streak.current == 1 { "" } else { "s" },
                if st.streak.today_counts || st.streak.current == 0 {
                    ""
                } else {
                    " (today pending)"
                },
                st.streak.longest,
                frozen,
                if frozen == 1 { "" } else { "s" }
            ),
            theme.text,
        ));
        lines.push(Line::raw(""));
        lines.extend(heatmap_lines(st, theme));
        lines.push(Line::raw(""));
        lines.extend(bar_lines(st, theme, width));
        lines.push(Line::raw(""));
        let weeks: Vec<String> = st
            .weeks
            .iter()
            .rev()
            .take(4)
            .map(|w| format!("{} {}", w.week.strftime("%b %d"), fmt_minutes(w.total)))
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Weeks ", theme.section),
            Span::styled(
                if weeks.is_empty() {
                    "none yet".to_string()
                } else {
                    weeks.join(" · ")
                },
                theme.text,
            ),
        ]));
        let secs: Vec<String> = st
            .sections
            .iter()
            .map(|s| format!("{} {}", self.title_of(&s.section), fmt_minutes(s.total)))
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Sections ", theme.section),
            Span::styled(
                if secs.is_empty() {
                    "none yet".to_string()
                } else {
                    secs.join(" · ")
                },
                theme.text,
            ),
        ]));
        lines.push(Line::from(vec![
            Span::styled("Started ", theme.section),
            Span::styled(
                format!(
                    "{} (d to change) · total {}",
                    st.start_date,
                    fmt_minutes(st.total_minutes)
                ),
                theme.text,
            ),
        ]));
        for (name, est, p) in [
            ("Fundamentals", "3-6 months", &st.fundamentals),
            ("Whole roadmap", "12-18 months", &st.roadmap),
        ] {
            let verdict = p.describe();
            let when = p
                .projected
                .map(|d| format!(", projected {d}"))
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("{name} "), theme.section),
                Span::styled(
                    format!(
                        "{}/{} done{when} · estimate {est} ({} to {}) · {verdict}",
                        p.done, p.total, p.estimate_from, p.estimate_to
                    ),
                    theme.text,
                ),
            ]));
        }
        lines
    }

    /// The start-date field, drawn at the top of the pane while it is
    /// edited, so it is seen at any height.
    fn input_lines(&self, theme: &Theme, width: u16) -> Vec<Line<'static>> {
        let Some(input) = &self.input else {
            return Vec::new();
        };
        vec![
            input.line("Start date (YYYY-MM-DD): ", width, theme.key),
            Line::styled(
                if input.is_suggested() {
                    "type a date to replace it · ← edit it · enter save · esc cancel"
                } else {
                    "enter save · esc cancel · ctrl-u clear"
                },
                theme.dim,
            ),
            Line::raw(""),
        ]
    }
}

/// What the heatmap's glyphs mean, each glyph before its label (the same
/// glyphs as [`heat_glyph`]); two spaces between the pairs.
/// A no-break space joins each glyph to its label, so wrapping never
/// parts them.
pub const HEAT_LEGEND: &str = "·\u{a0}none  ░\u{a0}some  ▒\u{a0}streak  ▓\u{a0}goal  █\u{a0}2×goal  *\u{a0}frozen  ~\u{a0}travel";

/// The glyph of a day in the heatmap.
fn heat_glyph(mark: Option<DayMark>, level: u8) -> &'static str {
    match (mark, level) {
        (Some(DayMark::Frozen), _) => "*",
        (Some(DayMark::Travel), 0) => "~",
        (_, 0) => "·",
        (_, 1) => "░",
        (_, 2) => "▒",
        (_, 3) => "▓",
        _ => "█",
    }
}

/// The heatmap: a row per weekday, a column per week, oldest on the left.
fn heatmap_lines(st: &Stats, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(vec![
        Span::styled("Last 26 weeks  ", theme.section),
        Span::styled(HEAT_LEGEND, theme.dim),
    ])];
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (wd, name) in names.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{name} "), theme.dim)];
        for col in &st.heatmap.columns {
            let (glyph, style) = match col[wd] {
                None => (" ", theme.dim),
                Some(c) => {
                    let g = heat_glyph(c.mark, c.level);
                    let style = match g {
                        "*" => theme.accent,
                        "~" | "·" => theme.dim,
                        _ => theme.ok,
                    };
                    (g, style)
                }
            };
            spans.push(Span::styled(glyph, style));
        }
        out.push(Line::from(spans));
    }
    out
}

/// Thirty days of stacked bars: coding `█` under reading `▒`.
fn bar_lines(st: &Stats, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    const HEIGHT: i64 = 5;
    let max = st.days_30.iter().map(|d| d.total).max().unwrap_or(0).max(1);
    let mut out = vec![Line::from(vec![
        Span::styled("Last 30 days ", theme.section),
        Span::styled(
            format!("· █ coding ▒ reading · top {}", fmt_minutes(max)),
            theme.dim,
        ),
    ])];
    // Two columns per day when there is room, one otherwise.
    let w = if width >= 4 + 60 { 2 } else { 1 };
    for row in (0..HEIGHT).rev() {
        let mut spans = vec![Span::raw("    ")];
        for d in &st.days_30 {
            // Cells are filled bottom-up in units of max/HEIGHT, rounding to
            // the nearest cell so a short day still shows.
            let total_cells = (d.total * HEIGHT + max / 2) / max;
            let coding_cells = if d.total == 0 {
                0
            } else {
                (d.coding * total_cells + d.total / 2) / d.total
            };
            let (glyph, style): (&str, Style) = if row < coding_cells {
                ("█", theme.accent)
            } else if row < total_cells {
                ("▒", theme.ok)
            } else {
                (" ", theme.dim)
            };
            spans.push(Span::styled(glyph.repeat(w), style));
        }
        out.push(Line::from(spans));
    }
    let first = st
        .days_30
        .first()
        .map(|d| d.date.strftime("%b %d").to_string());
    let last = st
        .days_30
        .last()
        .map(|d| d.date.strftime("%b %d").to_string());
    if let (Some(a), Some(b)) = (first, last) {
        let span = 30 * w;
        let pad = span.saturating_sub(a.len() + b.len());
        out.push(Line::styled(
            format!("    {a}{}{b}", " ".repeat(pad)),
            theme.dim,
        ));
    }
    out
}

impl Pane for StatsPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn aliases(&self) -> &'static [&'static str] {
        // The roadmap's timer items lead here.
        &["timer"]
    }

    fn title(&self) -> String {
        "Study".into()
    }

    /// `timer`: start or stop the timer (the Today view's `s`), so the
    /// timer keeps one owner.
    fn open_at(&mut self, target: &str, cx: &mut Ctx) -> Result<(), String> {
        match target {
            "timer" => {
                self.start_or_stop(cx, false);
                Ok(())
            }
            _ => Err(format!("the study pane cannot open `{target}`")),
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if let Some(input) = &mut self.input {
            match input.handle_key(key) {
                InputEvent::Submit(text) => {
                    // Submit clears the editor; keep the text for finish_input.
                    input.set_text(&text);
                    self.finish_input(cx);
                }
                InputEvent::Cancel => self.input = None,
                InputEvent::Edited | InputEvent::Unhandled => {}
            }
            return Handled::Yes;
        }
        let orphans = !self.timer.orphans().is_empty();
        let cmd = match (KEYS.lookup(&key), ORPHAN_KEYS.lookup(&key)) {
            (Some(cmd), _) => cmd,
            (None, Some(cmd)) if orphans => cmd,
            _ => return Handled::No,
        };
        match cmd {
            Cmd::Start => self.start_or_stop(cx, false),
            Cmd::StartOnItem => self.start_or_stop(cx, true),
            Cmd::Pause => {
                let r = self
                    .timer
                    .toggle_pause()
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                let r = r.map(|()| {
                    self.timer.current().is_some_and(|s| {
                        s.timed()
                            .is_some_and(|t| matches!(t.phase, Phase::Paused { .. }))
                    })
                });
                match r {
                    Ok(true) => self.command(cx, "timer paused (space resumes)", Ok(())),
                    Ok(false) => self.command(cx, "timer resumed", Ok(())),
                    Err(e) => self.command(cx, "", Err(e)),
                }
            }
            Cmd::Mode => {
                let r = self
                    .timer
                    .toggle_mode()
                    .map(|s| s.current_mode().unwrap_or(Mode::Reading))
                    .map_err(|e| e.to_string());
                match r {
                    Ok(m) => self.command(cx, &format!("now {m}"), Ok(())),
                    Err(e) => self.command(cx, "", Err(e)),
                }
            }
            Cmd::Keep => {
                let Some(id) = self.timer.orphans().first().map(|s| s.id) else {
                    return Handled::No;
                };
                let r = self
                    .timer
                    .keep_orphan(id)
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                self.command(cx, "kept the session; it is running", r);
            }
            Cmd::Close => {
                let Some(id) = self.timer.orphans().first().map(|s| s.id) else {
                    return Handled::No;
                };
                let r = self
                    .timer
                    .close_orphan(id)
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                self.command(cx, "closed the session at its last save", r);
            }
            Cmd::GoalUp => self.adjust_goal(cx, 15),
            Cmd::GoalDown => self.adjust_goal(cx, -15),
            Cmd::StartDate => {
                self.input = Some(LineInput::suggested(
                    &self
                        .stats
                        .as_ref()
                        .map(|s| s.start_date.to_string())
                        .unwrap_or_default(),
                ))
            }
            Cmd::Rhythm => self.toggle_rhythm(cx),
            Cmd::Refresh => self.refresh(cx),
            Cmd::Down => self.scroll = self.scroll.saturating_add(1),
            Cmd::Up => self.scroll = self.scroll.saturating_sub(1),
        }
        Handled::Yes
    }

    fn on_select(&mut self, sel: &Selection, cx: &mut Ctx) {
        if let Some(id) = sel.id {
            self.selected_item = Some(id.to_string());
        }
        // The app hands every pane a context for the first time here, as it
        // starts: the first statistics are read in the background, after
        // the first frame.
        if self.stats.is_none() && !self.loading {
            self.load(cx);
        }
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
    }

    fn status(&self, theme: &Theme) -> Vec<Span<'static>> {
        // The elapsed time is read from the clock now, never from the last
        // tick's snapshot, so the status bar cannot show a stale time.
        let mut snap = self.status.get();
        if let Some((_, _, elapsed)) = &mut snap.running {
            *elapsed = self.timer.elapsed();
        }
        status_bar_spans(&snap, theme)
    }

    fn remote(
        &mut self,
        cmd: Box<crate::cli::Command>,
        out: &mut dyn std::io::Write,
        cx: &mut Ctx,
    ) -> Result<anyhow::Result<()>, Box<crate::cli::Command>> {
        use crate::cli::Command;
        use crate::study::cli::{self as study_cli, Host};
        let clock = self.timer.clock().clone();
        let ctx = StudyCtx {
            store: &self.store,
            clock: &*clock,
            roadmap: &self.roadmap,
        };
        // The live session is written first, so what the store says (today's
        // minutes, the stats) is true to the second.
        let r = match *cmd {
            Command::Timer(c) => study_cli::timer_on(&ctx, &mut self.timer, Host::App, c, out),
            Command::Stats { json } => self
                .timer
                .flush()
                .map_err(anyhow::Error::from)
                .and_then(|()| study_cli::stats(&ctx, json, out)),
            other => return Err(Box::new(other)),
        };
        self.refresh(cx);
        Ok(r)
    }

    fn on_data_changed(&mut self, cx: &mut Ctx) {
        self.refresh(cx);
    }

    fn quit_question(&self) -> Option<crate::pane::QuitQuestion> {
        let s = self.timer.current()?;
        Some(crate::pane::QuitQuestion {
            text: format!(
                "A study session is running ({} {}). Stop it before quitting?",
                s.current_mode().unwrap_or(Mode::Reading),
                fmt_elapsed(self.timer.elapsed())
            ),
            choices: vec![
                ('s', "stop it now and quit".into()),
                (
                    'k',
                    "keep it running and quit (it goes on counting; `megarepo timer stop` or the next start of the app ends it)".into(),
                ),
            ],
        })
    }

    fn quit_answer(&mut self, choice: char, cx: &mut Ctx) {
        let r = match choice {
            's' => self.timer.stop().map(|_| ()).map_err(|e| e.to_string()),
            'k' => self.timer.detach_current().map_err(|e| e.to_string()),
            _ => Ok(()),
        };
        if let Err(e) = r {
            cx.error(format!("the session could not be saved: {e}"));
        }
        self.refresh(cx);
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        self.refresh(cx);
    }

    fn tick_every(&self) -> Option<Duration> {
        // Every second while a session is open (the status bar shows the
        // seconds); otherwise once a minute so "today" rolls over at midnight.
        if self.timer.current().is_some() {
            Some(Duration::from_secs(1))
        } else {
            Some(Duration::from_secs(60))
        }
    }

    fn tick(&mut self, cx: &mut Ctx) {
        let wrote = match self.timer.tick() {
            Ok(w) => w,
            Err(e) => {
                cx.error(format!("could not save the timer checkpoint: {e}"));
                false
            }
        };
        self.ticks = self.ticks.wrapping_add(1);
        self.pomodoro_tick(cx);
        // Recompute when a checkpoint reached the store (every 30 s while
        // running), and on every (once a minute) tick when idle.
        if wrote || self.timer.current().is_none() || self.ticks.is_multiple_of(30) {
            self.refresh(cx);
        } else {
            self.publish();
        }
    }

    fn captures_text(&self) -> bool {
        self.input.is_some()
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.input.is_some() {
            return DATE_KEYS.help();
        }
        let mut k = KEYS.help();
        if !self.timer.orphans().is_empty() {
            k.extend(ORPHAN_KEYS.help());
        }
        k
    }

    fn shutdown(&mut self) {
        self.mailbox.cancel_all();
        if let Err(e) = self.timer.flush() {
            tracing::error!("saving the running session on exit failed: {e}");
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let mut lines = self.input_lines(theme, area.width);
        let fixed = lines.len() as u16;
        lines.extend(self.lines(theme, area.width));
        // Never scroll past the last screenful, counting the rows the
        // lines wrap to, so the bottom is always reachable.
        let rows = crate::tui::text::wrapped_height(&lines, area.width);
        let max = rows.saturating_sub(area.height.saturating_sub(fixed).max(1));
        let scroll = if self.input.is_some() {
            0
        } else {
            self.scroll.min(max)
        };
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            area,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each glyph stands before its label, and is the glyph such a day gets.
    #[test]
    fn heat_legend_puts_each_glyph_before_its_label() {
        let pairs: Vec<(&str, &str)> = HEAT_LEGEND
            .split("  ")
            .map(|p| p.split_once('\u{a0}').unwrap_or((p, "")))
            .collect();
        let expect = [
            (heat_glyph(None, 0), "none"),
            (heat_glyph(None, 1), "some"),
            (heat_glyph(None, 2), "streak"),
            (heat_glyph(None, 3), "goal"),
            (heat_glyph(None, 4), "2×goal"),
            (heat_glyph(Some(DayMark::Frozen), 2), "frozen"),
            (heat_glyph(Some(DayMark::Travel), 0), "travel"),
        ];
        assert_eq!(pairs, expect);
    }
}
