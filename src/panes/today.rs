//! The Today view, the screen the app opens on: today's goal and timer, the
//! streak, today's challenge, the next open roadmap items, the last journal
//! line and one of the roadmap's guiding principles. Every part opens its
//! pane with one key.
//!
//! The view owns nothing: it reads the study statistics through
//! `study::service` (as the study pane does), the open session from the
//! store, the exercise workspace's state through [`Course`], and asks the
//! study pane to start or stop the timer (`Request::Act { pane: "stats",
//! at: "timer" }`: the timer has one owner, and Today stays shown). What it shows is gathered
//! in [`TodayPane::refresh`] when the view is shown, when the roadmap's
//! progress changes, and every few seconds while a timer runs; drawing
//! only reads. Loading the exercise bank is a `load` job, and so is the
//! first computation of the statistics (a `stats` job): with years of
//! history it costs milliseconds the first frame should not wait for, so
//! that frame shows the goal and streak from `DATA/status.json` when it is
//! for today, or says they are being read. Later refreshes compute them in
//! place, so what the view shows follows every change at once.

use crate::content::Roadmap;
use crate::content::roadmap::Kind;
use crate::exercises::Course;
use crate::jobs::Mailbox;
use crate::pane::{Ctx, Handled, Pane, Request, Selection};
use crate::panes::exercises::roadmap_topic;
use crate::study::clock::Clock;
use crate::study::service::{StudyCtx, session_line};
use crate::study::{Stats, StudyStore};
use crate::theme::Theme;
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use std::sync::Arc;
use std::time::Duration;

pub const ID: &str = "today";

/// How many open roadmap items the view lists.
const NEXT_ITEMS: usize = 5;

enum Msg {
    Loaded(Box<Result<Course, String>>),
    /// The first statistics, computed off the UI task.
    Stats(Box<Result<Stats, String>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Timer,
    Study,
    Challenge,
    Item(usize),
    Journal,
    Principles,
}

/// The keys of the next five items, in order: letters, since the digits
/// switch tabs (and c is the challenge).
const ITEM_KEYS: [char; 5] = ['a', 'b', 'd', 'e', 'f'];

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('s')],
        "s",
        "start / stop the study timer",
        Cmd::Timer,
    ),
    bind(
        &[Key::ch('g')],
        "g",
        "open the study pane (goal, streak, heatmap)",
        Cmd::Study,
    ),
    bind(
        &[Key::ch('c'), Key::code(KeyCode::Enter)],
        "c / enter",
        "open today's challenge in the exercises pane",
        Cmd::Challenge,
    ),
    bind(
        &[
            Key::ch(ITEM_KEYS[0]),
            Key::ch(ITEM_KEYS[1]),
            Key::ch(ITEM_KEYS[2]),
            Key::ch(ITEM_KEYS[3]),
            Key::ch(ITEM_KEYS[4]),
        ],
        "a b d e f",
        "open the next roadmap item's pane",
        Cmd::Item(0),
    ),
    bind(&[Key::ch('l')], "l", "open the journal", Cmd::Journal),
    bind(
        &[Key::ch('p')],
        "p",
        "go to the roadmap (its guiding principles)",
        Cmd::Principles,
    ),
]);

/// One open roadmap item and where it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextItem {
    pub id: String,
    pub title: String,
    pub section: String,
    /// The sheet it reads, if any (opened in the sheets pane).
    pub sheet: Option<String>,
    /// The pane it names, if any.
    pub pane: Option<String>,
}

/// The first `n` open items of the roadmap, in order.
pub fn next_items(
    roadmap: &Roadmap,
    progress: &std::collections::HashMap<String, crate::store::ItemProgress>,
    n: usize,
) -> Vec<NextItem> {
    let flat = roadmap.flatten();
    flat.iter()
        .filter(|e| e.node.kind == Kind::Item && e.node.children.is_empty())
        .filter(|e| !progress.get(&e.node.id).is_some_and(|p| p.done))
        .take(n)
        .map(|e| NextItem {
            id: e.node.id.clone(),
            title: e.node.title.clone(),
            section: e.section.to_string(),
            sheet: e.node.sheet.clone(),
            pane: e.node.pane.clone(),
        })
        .collect()
}

/// Today's guiding principle: one of the roadmap's, turning daily.
pub fn principle(roadmap: &Roadmap, day_of_year: i16) -> Option<String> {
    let section = roadmap.find("guiding-principles")?;
    let n = section.children.len();
    (n > 0).then(|| {
        let i = usize::try_from(day_of_year).unwrap_or(0) % n;
        section.children[i].title.clone()
    })
}

/// The goal and streak lines' figures.
#[derive(Debug, Clone)]
struct Figures {
    today: crate::study::stats::DayMinutes,
    goal_minutes: u32,
    streak: u32,
    today_counts: bool,
    /// Only the full statistics know it.
    longest: Option<u32>,
}

impl Figures {
    fn of(s: &Stats) -> Figures {
        Figures {
            today: s.today_minutes,
            goal_minutes: s.daily_goal_minutes,
            streak: s.streak.current,
            today_counts: s.streak.today_counts,
            longest: Some(s.streak.longest),
        }
    }

    /// From `DATA/status.json` when it is for today.
    fn from_status_file(data_dir: &std::path::Path, clock: &dyn Clock) -> Option<Figures> {
        let now = clock.now();
        let f = crate::study::status::read_file(data_dir, now, &clock.zone()).ok()?;
        let (today, streak, today_counts) = f.figures_at(now);
        Some(Figures {
            today,
            goal_minutes: f.goal_minutes,
            streak,
            today_counts,
            longest: None,
        })
    }
}

#[derive(Debug, Clone, Default)]
struct Challenge {
    name: String,
    title: String,
    topic: String,
    solved_today: bool,
}

pub struct TodayPane {
    clock: Arc<dyn Clock + Send + Sync>,
    mailbox: Mailbox<Msg>,
    course: Option<Course>,
    loading: bool,
    course_error: Option<String>,
    stats: Option<Stats>,
    stats_error: Option<String>,
    /// Until `stats` arrive: the status file's figures, when it is for
    /// today (it is rewritten on every change).
    early: Option<Figures>,
    /// The open session's line (`running reading 0:12 on item`).
    timer: Option<String>,
    challenge: Option<Challenge>,
    next: Vec<NextItem>,
    journal: Option<String>,
    principle: Option<String>,
    /// The progress the view was last computed for: moving the checklist
    /// cursor changes only the selection, and must not recompute the
    /// statistics and reread the journal on every key.
    seen_progress: Option<std::collections::HashMap<String, crate::store::ItemProgress>>,
}

impl TodayPane {
    pub fn new(clock: Arc<dyn Clock + Send + Sync>) -> Self {
        TodayPane {
            clock,
            mailbox: Mailbox::new(),
            course: None,
            loading: false,
            course_error: None,
            seen_progress: None,
            stats: None,
            stats_error: None,
            early: None,
            timer: None,
            challenge: None,
            next: Vec::new(),
            journal: None,
            principle: None,
        }
    }

    /// Today's challenge, once known.
    pub fn challenge(&self) -> Option<&str> {
        self.challenge.as_ref().map(|c| c.name.as_str())
    }

    /// The current streak, once the statistics are read.
    pub fn streak(&self) -> Option<u32> {
        self.stats.as_ref().map(|s| s.streak.current)
    }

    fn load(&mut self, cx: &mut Ctx) {
        if self.loading || self.course.is_some() {
            return;
        }
        self.loading = true;
        super::exercises::load_course(&mut self.mailbox, cx, Msg::Loaded);
    }

    /// Gather everything the view shows.
    pub fn refresh(&mut self, cx: &mut Ctx) {
        let roadmap = cx.content.roadmap.clone();
        let study = StudyCtx {
            store: cx.store,
            clock: self.clock.as_ref(),
            roadmap: &roadmap,
        };
        if self.stats.is_none() && self.stats_error.is_none() {
            // Until the first figures arrive every refresh restarts the
            // job, so they are as of the newest change.
            self.early = Figures::from_status_file(cx.store.data_dir(), self.clock.as_ref());
            let (store, clock) = (cx.store.clone(), self.clock.clone());
            let roadmap = roadmap.clone();
            self.mailbox.thread("stats", cx.waker(), move |job| {
                let study = StudyCtx {
                    store: &store,
                    clock: clock.as_ref(),
                    roadmap: &roadmap,
                };
                let r = study.stats().map_err(|e| e.to_string());
                job.send(Msg::Stats(Box::new(r)));
            });
        } else {
            self.set_stats(study.stats().map_err(|e| e.to_string()));
        }
        let store = StudyStore::new(cx.store.clone());
        self.timer = store
            .open_sessions()
            .ok()
            .and_then(|s| s.last().map(session_line));
        // The newest entry only: reading every entry cost the first frame
        // tens of milliseconds with years of journal.
        self.journal = store
            .latest_journal_line()
            .ok()
            .flatten()
            .map(|(date, line)| format!("{date}: {line}"));
        let progress = cx.store.all_progress().unwrap_or_default();
        self.next = next_items(&roadmap, &progress, NEXT_ITEMS);
        let today = self.clock.today();
        self.principle = principle(&roadmap, today.day_of_year());
        if let Some(course) = &mut self.course {
            if let Err(e) = course.reload_state() {
                self.course_error = Some(e.to_string());
            }
            let topic = roadmap_topic(&roadmap, &progress);
            self.challenge = course.daily(today, topic).map(|e| Challenge {
                name: e.name.clone(),
                title: e.title.clone(),
                topic: e.topic.to_string(),
                solved_today: course.workspace.state.daily.contains_key(&today),
            });
        }
    }

    fn set_stats(&mut self, r: Result<Stats, String>) {
        match r {
            Ok(s) => {
                self.stats = Some(s);
                self.stats_error = None;
            }
            Err(e) => self.stats_error = Some(e),
        }
    }

    fn open_item(&self, i: usize, cx: &mut Ctx) {
        let Some(item) = self.next.get(i) else {
            return cx.info(format!("there is no item {}", i + 1));
        };
        let r = match (&item.sheet, &item.pane) {
            (Some(sheet), _) => Request::Open {
                pane: "sheets".into(),
                at: Some(sheet.clone()),
            },
            (None, Some(pane)) => Request::show(pane.clone()),
            (None, None) => Request::FocusSidebar,
        };
        cx.request(r);
    }

    fn run(&mut self, cmd: Cmd, key: &KeyEvent, cx: &mut Ctx) {
        match cmd {
            // Start or stop the timer where it lives, and stay here.
            Cmd::Timer => cx.request(Request::Act {
                pane: "stats".into(),
                at: "timer".into(),
            }),
            Cmd::Study => cx.request(Request::show("stats")),
            Cmd::Challenge => match &self.challenge {
                Some(c) => cx.request(Request::Open {
                    pane: crate::panes::exercises::ID.into(),
                    at: Some(c.name.clone()),
                }),
                None => cx.request(Request::show(crate::panes::exercises::ID)),
            },
            Cmd::Item(_) => {
                let n = match key.code {
                    KeyCode::Char(c) => ITEM_KEYS.iter().position(|&k| k == c).unwrap_or(0),
                    _ => 0,
                };
                self.open_item(n, cx);
            }
            Cmd::Journal => cx.request(Request::show("journal")),
            Cmd::Principles => cx.request(Request::FocusSidebar),
        }
    }
}

impl Pane for TodayPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Today".into()
    }

    fn keys(&self) -> Vec<KeyHelp> {
        KEYS.help()
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        match KEYS.lookup(&key) {
            Some(cmd) => {
                self.run(cmd, &key, cx);
                Handled::Yes
            }
            None => Handled::No,
        }
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        self.load(cx);
        self.refresh(cx);
    }

    fn on_select(&mut self, sel: &Selection, cx: &mut Ctx) {
        // Called at start-up (the view is the first tab), on every cursor
        // move and whenever the roadmap's progress changes: recompute only
        // in the first and last case. The exercise bank's job starts after
        // the figures are read: on two cores its parsing would otherwise
        // slow down the reads the first frame waits for.
        if self.seen_progress.as_ref() != Some(sel.progress) {
            self.seen_progress = Some(sel.progress.clone());
            self.refresh(cx);
        }
        self.load(cx);
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            match msg {
                Msg::Loaded(r) => {
                    self.loading = false;
                    match *r {
                        Ok(c) => {
                            self.course = Some(c);
                            self.course_error = None;
                        }
                        Err(e) => self.course_error = Some(e),
                    }
                    self.refresh(cx);
                }
                Msg::Stats(r) => self.set_stats(*r),
            }
        }
    }

    fn on_data_changed(&mut self, cx: &mut Ctx) {
        self.refresh(cx);
    }

    fn tick_every(&self) -> Option<Duration> {
        // The timer line moves while a session is open.
        self.timer.as_ref().map(|_| Duration::from_secs(5))
    }

    fn tick(&mut self, cx: &mut Ctx) {
        self.refresh(cx);
    }

    fn shutdown(&mut self) {
        self.mailbox.cancel_all();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let key = |k: &str| Span::styled(format!("[{k}] "), theme.key);
        let label = |l: &str| Span::styled(format!("{l:<10}"), theme.title);
        let mut lines: Vec<Line> = vec![
            Line::styled(
                format!("Today · {}", self.clock.today().strftime("%A %-d %B %Y")),
                theme.title,
            ),
            Line::raw(""),
        ];
        // Goal and timer.
        let figures = match (&self.stats, &self.early) {
            (Some(s), _) => Some(Figures::of(s)),
            (None, early) => early.clone(),
        };
        match (figures, &self.stats_error) {
            (Some(fig), error) => {
                let t = &fig.today;
                let goal = i64::from(fig.goal_minutes.max(1));
                lines.push(Line::from(vec![
                    key("g"),
                    label("Goal"),
                    Span::styled(
                        format!(
                            "{} of {} ({}%) · reading {} · coding {}",
                            fmt(t.total),
                            fmt(i64::from(fig.goal_minutes)),
                            t.total * 100 / goal,
                            fmt(t.reading),
                            fmt(t.coding)
                        ),
                        theme.text,
                    ),
                ]));
                let pending = if fig.today_counts || fig.streak == 0 {
                    ""
                } else {
                    " (today still to count)"
                };
                let longest = fig
                    .longest
                    .map(|l| format!(" · longest {l}"))
                    .unwrap_or_default();
                lines.push(Line::from(vec![
                    key("g"),
                    label("Streak"),
                    Span::styled(
                        format!(
                            "{} day{}{pending}{longest}",
                            fig.streak,
                            if fig.streak == 1 { "" } else { "s" },
                        ),
                        theme.accent,
                    ),
                ]));
                if let (None, Some(e)) = (&self.stats, error) {
                    lines.push(Line::styled(format!("statistics: {e}"), theme.error));
                }
            }
            (None, Some(e)) => lines.push(Line::styled(format!("statistics: {e}"), theme.error)),
            // The same rows as the figures, so nothing moves when they come.
            (None, None) => {
                for (l, text) in [("Goal", "reading the statistics…"), ("Streak", "…")] {
                    lines.push(Line::from(vec![
                        key("g"),
                        label(l),
                        Span::styled(text, theme.dim),
                    ]));
                }
            }
        }
        lines.push(Line::from(vec![
            key("s"),
            label("Timer"),
            match &self.timer {
                Some(t) => Span::styled(format!("{t} (s stops it)"), theme.ok),
                None => Span::styled("stopped (s starts it)", theme.dim),
            },
        ]));
        lines.push(Line::raw(""));
        // Today's challenge.
        let challenge = match (&self.challenge, &self.course_error) {
            (Some(c), _) => Span::styled(
                format!(
                    "{} · {} ({}){}",
                    c.name,
                    c.title,
                    c.topic,
                    if c.solved_today {
                        " ✓ solved today"
                    } else {
                        ""
                    }
                ),
                if c.solved_today {
                    theme.done
                } else {
                    theme.accent
                },
            ),
            (None, Some(e)) => Span::styled(e.clone(), theme.error),
            (None, None) if self.course.is_some() => {
                Span::styled("every exercise is solved", theme.done)
            }
            (None, None) => Span::styled("loading…", theme.dim),
        };
        lines.push(Line::from(vec![key("c"), label("Challenge"), challenge]));
        lines.push(Line::raw(""));
        // The next items.
        lines.push(Line::styled("Next on the roadmap", theme.title));
        for (i, item) in self.next.iter().enumerate() {
            let opens = match (&item.sheet, &item.pane) {
                (Some(s), _) => format!(" → sheet {s}"),
                (None, Some(p)) => format!(" → {}", super::tab_title(p).unwrap_or(p)),
                (None, None) => String::new(),
            };
            lines.push(Line::from(vec![
                key(&ITEM_KEYS.get(i).map(char::to_string).unwrap_or_default()),
                Span::styled(item.title.clone(), theme.open),
                Span::styled(format!(" · {}{opens}", item.section), theme.dim),
            ]));
        }
        if self.next.is_empty() {
            lines.push(Line::styled("the whole roadmap is done", theme.done));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            key("l"),
            label("Journal"),
            match &self.journal {
                Some(j) => Span::styled(j.clone(), theme.text),
                None => Span::styled("nothing written yet", theme.dim),
            },
        ]));
        if let Some(p) = &self.principle {
            lines.push(Line::from(vec![
                key("p"),
                label("Principle"),
                Span::styled(p.clone(), theme.accent),
            ]));
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}

fn fmt(minutes: i64) -> String {
    crate::study::days::fmt_minutes(minutes)
}
