//! The exercises pane: the bank and the drills with where the learner is,
//! the current exercise's instructions, and the last check with the
//! compiler's diagnostics, re-checked on every save.
//!
//! The pane owns no exercise logic: it holds a [`Course`] (bank, drills,
//! workspace) and a [`Watch`] on the workspace. Loading the course runs as
//! a `load` job; the watch's events (a save started a check, a check
//! finished) and `c` (check now) arrive through the pane's mailbox as
//! [`Msg::Watch`]. Checks are numbered by the checker: a report older than
//! the newest check started is dropped, so a slow check of an earlier
//! save can never overwrite the result of a later one (the checker cancels
//! it anyway).
//!
//! Solving today's challenge ([`Course::daily`]) marks the day in the
//! workspace state (the study streak and heatmap read it) and counts it
//! on the roadmap's `daily-challenge` item.
//!
//! `$EDITOR`: `e` starts a known GUI editor (code, zed, subl, gedit, ...)
//! beside the app; any other `$VISUAL`/`$EDITOR` (vi when none is set) gets the
//! terminal until it exits (`Request::Foreground`). Watch mode picks up the
//! save either way.

use crate::content::Roadmap;
use crate::exercises::{CheckResult, Course, Entry, Stage, Topic, Watch, WatchEvent};
use crate::jobs::Mailbox;
use crate::markdown;
use crate::pane::{Ctx, Foreground, Handled, Pane, Request, Selection};
use crate::store::ItemProgress;
use crate::study::clock::Clock;
use crate::theme::Theme;
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent};
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::collections::HashMap;
use std::sync::Arc;

pub const ID: &str = "exercises";

/// The roadmap item a solved daily challenge counts on.
pub const DAILY_ITEM: &str = "daily-challenge";

/// Outside platforms whose roadmap counters the pane can bump.
const PLATFORMS: &[(&str, &str)] = &[
    ("exercism-track", "Exercism"),
    ("codewars-50", "Codewars"),
    ("leetcode-30", "LeetCode"),
];

/// GUI editors `e` may start without leaving the terminal to them.
const GUI_EDITORS: &[&str] = &[
    "code", "codium", "zed", "subl", "gedit", "kate", "mousepad", "gvim", "mate",
];

enum Msg {
    Loaded(Box<Result<Course, String>>),
    Watch(WatchEvent),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Down,
    Up,
    Check,
    Hint,
    Next,
    Daily,
    Reset,
    Solution,
    Edit,
    Init,
    ScrollDown,
    ScrollUp,
    Platform(usize),
    Rustlings,
}

impl Cmd {
    /// Whether the command works on the course (the bank and workspace),
    /// which arrives from a job after the pane is first shown.
    fn needs_course(self) -> bool {
        !matches!(self, Cmd::ScrollDown | Cmd::ScrollUp | Cmd::Platform(_))
    }
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "select the next exercise in the list",
        Cmd::Down,
    ),
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "select the previous exercise",
        Cmd::Up,
    ),
    bind(
        &[Key::ch('c'), Key::code(KeyCode::Enter)],
        "c / enter",
        "check the selected exercise now (a save checks it too)",
        Cmd::Check,
    ),
    bind(&[Key::ch('h')], "h", "show the next hint", Cmd::Hint),
    bind(
        &[Key::ch('n')],
        "n",
        "go to the next unsolved exercise",
        Cmd::Next,
    ),
    bind(&[Key::ch('d')], "d", "go to today's challenge", Cmd::Daily),
    bind(
        &[Key::ch('r')],
        "r",
        "reset to the starter (asks to confirm with y)",
        Cmd::Reset,
    ),
    bind(
        &[Key::ch('s')],
        "s",
        "show the reference solution (once solved)",
        Cmd::Solution,
    ),
    bind(
        &[Key::ch('e')],
        "e",
        "edit in $VISUAL/$EDITOR (a terminal editor takes the screen until it exits)",
        Cmd::Edit,
    ),
    bind(
        &[Key::ch('i')],
        "i",
        "create or update the workspace (never overwrites your edits)",
        Cmd::Init,
    ),
    bind(
        &[Key::code(KeyCode::PageDown), Key::ch(' ')],
        "pgdn / space",
        "scroll the instructions down",
        Cmd::ScrollDown,
    ),
    bind(
        &[Key::code(KeyCode::PageUp)],
        "pgup",
        "scroll the instructions up",
        Cmd::ScrollUp,
    ),
    bind(
        &[Key::ch('x')],
        "x",
        "count one Exercism exercise on the roadmap",
        Cmd::Platform(0),
    ),
    bind(
        &[Key::ch('w')],
        "w",
        "count one Codewars kata on the roadmap",
        Cmd::Platform(1),
    ),
    bind(
        &[Key::ch('l')],
        "l",
        "count one LeetCode problem on the roadmap",
        Cmd::Platform(2),
    ),
    bind(
        &[Key::ch('R')],
        "R",
        "import your rustlings progress (asks for its folder)",
        Cmd::Rustlings,
    ),
]);

/// While the rustlings folder is typed (the line editor's keys besides).
const FOLDER_KEYS: Keymap<()> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "import from this folder",
        (),
    ),
    bind(&[Key::code(KeyCode::Esc)], "esc", "cancel", ()),
]);

/// While a reset waits for its confirmation: `y` resets, anything else
/// keeps the file.
const CONFIRM_KEYS: Keymap<bool> = Keymap::new(&[
    bind(&[Key::ch('y')], "y", "reset: put the starter back", true),
    bind(
        &[Key::code(KeyCode::Esc), Key::ch('n')],
        "esc / n",
        "keep my file",
        false,
    ),
]);

/// The roadmap's current topic: that of the first open item with a sheet.
pub fn roadmap_topic(roadmap: &Roadmap, progress: &HashMap<String, ItemProgress>) -> Option<Topic> {
    roadmap_topic_by(roadmap, |id| progress.get(id).is_some_and(|p| p.done))
}

/// [`roadmap_topic`] with the done items told by `done` (the command line
/// learns them from `checklist list --json`, through the app if it runs).
pub fn roadmap_topic_by(roadmap: &Roadmap, done: impl Fn(&str) -> bool) -> Option<Topic> {
    roadmap
        .flatten()
        .into_iter()
        .filter(|e| e.node.checkable() && !done(&e.node.id))
        .find_map(|e| e.node.sheet.as_deref())
        .and_then(Topic::for_sheet)
}

/// What the right side shows above the result.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shown {
    Readme,
    Hint(u8, String),
    Solution(String),
}

/// The instructions rendered for one width and theme (derived in
/// `before_draw`, read by `draw`).
struct Doc {
    key: (String, u16, markdown::ThemeKind),
    lines: Vec<Line<'static>>,
}

pub struct ExercisesPane {
    clock: Arc<dyn Clock + Send + Sync>,
    mailbox: Mailbox<Msg>,
    course: Option<Course>,
    loading: bool,
    load_error: Option<String>,
    entries: Vec<Entry>,
    selected: usize,
    /// Today's challenge, by name.
    daily: Option<String>,
    topic: Option<Topic>,
    watch: Option<Watch>,
    watch_error: Option<String>,
    /// The newest check started (checker ids grow); older reports are stale.
    latest: u64,
    /// The check running now: its id and exercise.
    running: Option<(u64, String)>,
    results: HashMap<String, CheckResult>,
    /// Waiting for `y` to reset this exercise.
    confirm_reset: Option<String>,
    /// The rustlings folder being typed (`R`).
    rustlings_input: Option<LineInput>,
    /// An exercise another pane asked for before the course was loaded.
    pending_open: Option<String>,
    shown: Shown,
    scroll: u16,
    width: u16,
    theme: Option<markdown::ThemeKind>,
    doc: Option<Doc>,
}

impl ExercisesPane {
    pub fn new(clock: Arc<dyn Clock + Send + Sync>) -> Self {
        ExercisesPane {
            clock,
            mailbox: Mailbox::new(),
            course: None,
            loading: false,
            load_error: None,
            entries: Vec::new(),
            selected: 0,
            daily: None,
            topic: None,
            watch: None,
            watch_error: None,
            latest: 0,
            running: None,
            results: HashMap::new(),
            confirm_reset: None,
            rustlings_input: None,
            pending_open: None,
            shown: Shown::Readme,
            scroll: 0,
            width: 60,
            theme: None,
            doc: None,
        }
    }

    /// The name of the selected entry.
    pub fn selected_name(&self) -> Option<&str> {
        self.entries.get(self.selected).map(|e| e.name.as_str())
    }

    /// Today's challenge, once the course is loaded.
    pub fn daily_name(&self) -> Option<&str> {
        self.daily.as_deref()
    }

    /// The last result shown for `name`.
    pub fn result(&self, name: &str) -> Option<&CheckResult> {
        self.results.get(name)
    }

    /// The check running now (exercise name), if any.
    pub fn running(&self) -> Option<&str> {
        self.running.as_ref().map(|(_, n)| n.as_str())
    }

    /// True once the course is loaded and watch mode is on.
    pub fn watching(&self) -> bool {
        self.watch.is_some()
    }

    pub fn is_loaded(&self) -> bool {
        self.course.is_some()
    }

    fn load(&mut self, cx: &mut Ctx) {
        if self.loading || self.course.is_some() {
            return;
        }
        self.loading = true;
        load_course(&mut self.mailbox, cx, Msg::Loaded);
    }

    fn on_loaded(&mut self, course: Course, cx: &mut Ctx) {
        self.loading = false;
        self.load_error = None;
        let current = course.workspace.state.current.clone();
        self.course = Some(course);
        self.refresh_topic(cx);
        self.refresh();
        let target = self
            .pending_open
            .take()
            .or(current)
            .or_else(|| self.daily.clone());
        if let Some(name) = target {
            self.select_name(&name);
        }
        self.start_watch(cx);
    }

    fn refresh_topic(&mut self, cx: &mut Ctx) {
        match cx.store.all_progress() {
            Ok(p) => self.topic = roadmap_topic(&cx.content.roadmap, &p),
            Err(e) => tracing::warn!("exercises: progress unreadable: {e}"),
        }
    }

    /// Re-read the list and today's pick from the course.
    fn refresh(&mut self) {
        let Some(course) = &self.course else { return };
        self.entries = course.entries();
        self.daily = course
            .daily(self.clock.today(), self.topic)
            .map(|e| e.name.clone());
        self.selected = self.selected.min(self.entries.len().saturating_sub(1));
    }

    fn select_name(&mut self, name: &str) -> bool {
        let found = self
            .entries
            .iter()
            .position(|e| e.name == name)
            .or_else(|| {
                // A number alone (`42`) names an exercise too.
                let course = self.course.as_ref()?;
                let e = course.exercise(name).ok()?;
                self.entries.iter().position(|x| x.name == e.name)
            });
        match found {
            Some(i) => {
                self.select(i);
                true
            }
            None => false,
        }
    }

    fn select(&mut self, i: usize) {
        if i != self.selected {
            self.shown = Shown::Readme;
            self.scroll = 0;
            self.confirm_reset = None;
        }
        self.selected = i.min(self.entries.len().saturating_sub(1));
    }

    fn start_watch(&mut self, cx: &mut Ctx) {
        if self.watch.is_some() {
            return;
        }
        let Some(course) = &self.course else { return };
        if !course.workspace.is_initialised() {
            return;
        }
        let job = self.mailbox.start("watch", cx.waker());
        let looker = course.clone();
        match Watch::start(
            &course.workspace.root,
            move |name| looker.spec(name).map_err(|e| e.to_string()),
            move |ev| {
                job.send(Msg::Watch(ev));
            },
        ) {
            Ok(w) => {
                self.watch = Some(w);
                self.watch_error = None;
            }
            Err(e) => self.watch_error = Some(e),
        }
    }

    fn check_now(&mut self, cx: &mut Ctx) {
        let Some(name) = self.selected_name().map(str::to_string) else {
            return;
        };
        let Some(course) = &self.course else { return };
        if !course.workspace.is_initialised() {
            cx.info("no workspace yet: press i to create it");
            return;
        }
        let spec = match course.spec(&name) {
            Ok(s) => s,
            Err(e) => return cx.error(e.to_string()),
        };
        self.start_watch(cx);
        let Some(watch) = &self.watch else {
            let why = self.watch_error.clone().unwrap_or_default();
            return cx.error(format!("cannot check: {why}"));
        };
        // Reported through the same mailbox job as the watch's checks (a
        // fresh sender of that job would cancel the watch's).
        let job = self.mailbox.start("check", cx.waker());
        let id = watch.check_now(spec, move |report| {
            job.send(Msg::Watch(WatchEvent::Finished(report)));
        });
        self.started(id, name);
    }

    fn started(&mut self, id: u64, name: String) {
        if id >= self.latest {
            self.latest = id;
            self.running = Some((id, name));
        }
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
            Msg::Loaded(r) => match *r {
                Ok(course) => self.on_loaded(course, cx),
                Err(e) => {
                    self.loading = false;
                    self.load_error = Some(e);
                }
            },
            Msg::Watch(WatchEvent::Started { id, name }) => {
                if self.selected_name() != Some(name.as_str()) && !self.select_name(&name) {
                    cx.info(format!("checking {name}"));
                }
                self.started(id, name);
            }
            Msg::Watch(WatchEvent::Finished(report)) => {
                // A report of a check older than the newest one started is
                // stale (its save was superseded): drop it.
                if report.id < self.latest {
                    return;
                }
                self.latest = report.id;
                self.running = None;
                match report.outcome {
                    Ok(result) => self.on_result(result, cx),
                    Err(crate::exercises::CheckError::Cancelled) => {}
                    Err(e) => cx.error(format!("{}: {e}", report.name)),
                }
            }
            Msg::Watch(WatchEvent::Problem(p)) => cx.error(p),
        }
    }

    fn on_result(&mut self, result: CheckResult, cx: &mut Ctx) {
        let today = self.clock.today();
        let name = result.name.clone();
        let topic = self.topic;
        if let Some(course) = &mut self.course {
            match course.record(&result, today) {
                Ok(true) => {
                    cx.info(format!("{name} solved (s shows the reference solution)"));
                    match course.mark_daily(&name, today, topic) {
                        Ok(true) => count_daily(cx),
                        Ok(false) => {}
                        Err(e) => cx.error(e.to_string()),
                    }
                }
                Ok(false) => {}
                Err(e) => cx.error(e.to_string()),
            }
        }
        self.results.insert(name, result);
        self.refresh();
    }

    fn hint(&mut self, cx: &mut Ctx) {
        let Some(name) = self.selected_name().map(str::to_string) else {
            return;
        };
        let Some(course) = &mut self.course else {
            return;
        };
        if course.exercise(&name).is_err() {
            return cx.info("drills have no hints: the error code is the clue");
        }
        let level = match &self.shown {
            Shown::Hint(l, _) if *l < 3 => Some(l + 1),
            Shown::Hint(..) => Some(3),
            _ => None,
        };
        match course.hint(&name, level) {
            Ok((l, text)) => {
                self.shown = Shown::Hint(l, text);
                self.scroll = 0;
            }
            Err(e) => cx.error(e.to_string()),
        }
    }

    fn solution(&mut self, cx: &mut Ctx) {
        let Some(name) = self.selected_name().map(str::to_string) else {
            return;
        };
        let Some(course) = &self.course else { return };
        match course.solution(&name) {
            Ok(Some(text)) => {
                self.shown = Shown::Solution(text.to_string());
                self.scroll = 0;
            }
            Ok(None) => cx.info("the reference solution opens once you solve it"),
            Err(e) => cx.error(e.to_string()),
        }
    }

    fn init(&mut self, cx: &mut Ctx) {
        let Some(course) = &mut self.course else {
            return;
        };
        match course.init() {
            Ok(r) => {
                let mut msg = format!(
                    "workspace {}: {} new, {} updated",
                    course.workspace.root.display(),
                    r.created.len(),
                    r.updated.len()
                );
                if !r.offered.is_empty() {
                    msg.push_str(&format!(
                        ", {} newer versions kept aside (r takes one)",
                        r.offered.len()
                    ));
                }
                cx.info(msg);
            }
            Err(e) => return cx.error(e.to_string()),
        }
        self.refresh();
        self.start_watch(cx);
    }

    fn reset(&mut self, cx: &mut Ctx) {
        let Some(name) = self.confirm_reset.take() else {
            return;
        };
        let Some(course) = &mut self.course else {
            return;
        };
        match course.reset(&name) {
            Ok(path) => cx.info(format!("{name}: starter put back in {}", path.display())),
            Err(e) => cx.error(e.to_string()),
        }
        self.results.remove(&name);
        self.refresh();
    }

    fn edit(&mut self, cx: &mut Ctx) {
        let Some(entry) = self.entries.get(self.selected) else {
            return;
        };
        let path = entry.path.clone();
        if !path.is_file() {
            return cx.info("no workspace yet: press i to create it");
        }
        let editor = crate::editor::configured().unwrap_or_default();
        let program = editor.split_whitespace().next().unwrap_or("");
        let base = std::path::Path::new(program)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or("");
        if GUI_EDITORS.contains(&base) {
            let mut parts = editor.split_whitespace();
            let mut cmd = std::process::Command::new(parts.next().unwrap_or(program));
            cmd.args(parts)
                .arg(&path)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            match cmd.spawn() {
                Ok(_) => cx.info(format!(
                    "opened {} in {base}; saving re-checks it",
                    path.display()
                )),
                Err(e) => cx.error(format!("cannot start {program}: {e}")),
            }
        } else {
            // A terminal editor gets the terminal: the app steps aside until
            // it exits, and the watcher has seen the save by then.
            let mut parts = editor.split_whitespace();
            let program = parts.next().unwrap_or("vi").to_string();
            let mut args: Vec<String> = parts.map(str::to_string).collect();
            args.push(path.display().to_string());
            let what = format!(
                "{program} {}",
                path.file_name().and_then(|f| f.to_str()).unwrap_or("")
            );
            cx.request(Request::Foreground(Foreground {
                program,
                args,
                what,
            }));
        }
    }

    fn platform(&mut self, i: usize, cx: &mut Ctx) {
        let Some((id, name)) = PLATFORMS.get(i) else {
            return;
        };
        let target = cx.content.roadmap.find(id).and_then(|n| n.target);
        match cx.store.add_count(id, 1, target, Timestamp::now()) {
            Ok(p) => {
                let of = target.map(|t| format!("/{t}")).unwrap_or_default();
                cx.info(format!("{name}: {}{of} counted on the roadmap", p.count));
                cx.request(Request::ProgressChanged);
            }
            Err(e) => cx.error(e.to_string()),
        }
    }

    /// Read rustlings' progress from `folder` (its checkout, or the
    /// `.rustlings-state.txt` in it) into the workspace, as `megarepo
    /// exercise import-rustlings` does; `~/` is the home folder.
    fn import_rustlings(&mut self, folder: &str, cx: &mut Ctx) {
        if folder.is_empty() {
            return cx.info("nothing imported: no folder given");
        }
        let path = match (folder.strip_prefix("~/"), std::env::var_os("HOME")) {
            (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
            _ => std::path::PathBuf::from(folder),
        };
        let today = self.clock.today();
        let Some(course) = &mut self.course else {
            return;
        };
        match course.import_rustlings(&path, today) {
            Ok(p) => cx.info(format!(
                "rustlings: {} exercises done{}",
                p.done.len(),
                p.current.map(|c| format!(", on {c}")).unwrap_or_default()
            )),
            Err(e) => cx.error(format!("rustlings: {e}")),
        }
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        match cmd {
            Cmd::Rustlings => self.rustlings_input = Some(LineInput::new()),
            Cmd::Down => self.select(self.selected + 1),
            Cmd::Up => self.select(self.selected.saturating_sub(1)),
            Cmd::Check => self.check_now(cx),
            Cmd::Hint => self.hint(cx),
            Cmd::Next => {
                let next = self
                    .course
                    .as_ref()
                    .and_then(|c| c.next())
                    .map(|e| e.name.clone());
                match next {
                    Some(n) => {
                        self.select_name(&n);
                    }
                    None => cx.info("every exercise is solved"),
                }
            }
            Cmd::Daily => match self.daily.clone() {
                Some(n) => {
                    self.select_name(&n);
                }
                None => cx.info("no challenge today: every exercise is solved"),
            },
            Cmd::Reset => {
                if let Some(n) = self.selected_name() {
                    cx.info(format!("reset {n} to its starter? y resets, esc keeps it"));
                    self.confirm_reset = Some(n.to_string());
                }
            }
            Cmd::Solution => self.solution(cx),
            Cmd::Edit => self.edit(cx),
            Cmd::Init => self.init(cx),
            Cmd::ScrollDown => self.scroll = self.scroll.saturating_add(10),
            Cmd::ScrollUp => self.scroll = self.scroll.saturating_sub(10),
            Cmd::Platform(i) => self.platform(i, cx),
        }
    }

    /// The text the right side shows now (Markdown).
    fn doc_text(&self) -> String {
        let Some(entry) = self.entries.get(self.selected) else {
            return String::new();
        };
        let course = self.course.as_ref();
        match &self.shown {
            Shown::Hint(l, text) => format!("## Hint {l} of 3: {}\n\n{text}", entry.title),
            Shown::Solution(code) => {
                format!(
                    "## Reference solution: {}\n\n```rust\n{code}\n```",
                    entry.title
                )
            }
            Shown::Readme => match course.and_then(|c| c.exercise(&entry.name).ok()) {
                Some(e) => e.readme.clone(),
                None => format!(
                    "# {}\n\nA line of the `{}` cheat sheet that does not compile. Make it \
                     compile without deleting what it shows; the check passes when the error \
                     code is gone.\n\nFile: `{}`",
                    entry.title,
                    entry.sheet,
                    entry.path.display()
                ),
            },
        }
    }
}

/// Count the day on the roadmap's daily-challenge item.
fn count_daily(cx: &mut Ctx) {
    let target = cx.content.roadmap.find(DAILY_ITEM).and_then(|n| n.target);
    match cx.store.add_count(DAILY_ITEM, 1, target, Timestamp::now()) {
        Ok(p) => {
            cx.info(format!(
                "today's challenge solved: day {} counted for the streak",
                p.count
            ));
            cx.request(Request::ProgressChanged);
        }
        Err(e) => cx.error(e.to_string()),
    }
}

/// The check's result as lines: the verdict, errors first (code,
/// file:line:col, message), then warnings, then failing tests.
pub fn result_lines(r: &CheckResult, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if r.passed {
        out.push(Line::styled(
            format!("✓ {} passes ({} ms)", r.name, r.millis),
            theme.ok,
        ));
        return out;
    }
    let verdict = match r.stage {
        Stage::Compile => "does not compile",
        Stage::Clippy => "clippy is not happy",
        Stage::Tests | Stage::Done => "tests fail",
    };
    out.push(Line::styled(
        format!("✗ {} {verdict} ({} ms)", r.name, r.millis),
        theme.error,
    ));
    let mut diags: Vec<_> = r.diagnostics.iter().collect();
    diags.sort_by_key(|d| d.level != "error");
    for d in diags {
        let style = if d.level == "error" {
            theme.error
        } else {
            theme.accent
        };
        let code = d
            .code
            .as_deref()
            .map(|c| format!("[{c}]"))
            .unwrap_or_default();
        out.push(Line::from(vec![
            Span::styled(format!("{}{code} ", d.level), style),
            Span::styled(format!("{}:{}:{}", d.file, d.line, d.column), theme.dim),
        ]));
        out.push(Line::styled(format!("  {}", d.message), theme.text));
        // The compiler's own picture of the place, without its header line.
        for l in d.rendered.lines().skip(1).take(8) {
            if l.trim().is_empty() {
                continue;
            }
            out.push(Line::styled(format!("  {l}"), theme.dim));
        }
    }
    for f in &r.failures {
        out.push(Line::styled(format!("test {} failed", f.name), theme.error));
        for l in f.output.lines().filter(|l| !l.trim().is_empty()).take(8) {
            out.push(Line::styled(format!("  {l}"), theme.text));
        }
    }
    if r.diagnostics.is_empty() && r.failures.is_empty() {
        for l in r
            .output
            .lines()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            out.push(Line::styled(l.to_string(), theme.dim));
        }
    }
    out
}

impl Pane for ExercisesPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "Exercises".into()
    }

    fn keys(&self) -> Vec<KeyHelp> {
        if self.confirm_reset.is_some() {
            return CONFIRM_KEYS.help();
        }
        if self.rustlings_input.is_some() {
            return FOLDER_KEYS.help();
        }
        KEYS.help()
    }

    fn captures_text(&self) -> bool {
        self.rustlings_input.is_some()
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        match &mut self.rustlings_input {
            Some(input) => {
                input.insert_str(text.trim());
                Handled::Yes
            }
            None => Handled::No,
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        if self.confirm_reset.is_some() {
            match CONFIRM_KEYS.lookup(&key) {
                Some(true) => self.reset(cx),
                _ => {
                    self.confirm_reset = None;
                    cx.info("kept your file");
                }
            }
            return Handled::Yes;
        }
        if let Some(input) = &mut self.rustlings_input {
            match input.handle_key(key) {
                InputEvent::Submit(folder) => {
                    self.rustlings_input = None;
                    self.import_rustlings(folder.trim(), cx);
                }
                InputEvent::Cancel => {
                    self.rustlings_input = None;
                    cx.info("nothing imported");
                }
                InputEvent::Edited | InputEvent::Unhandled => {}
            }
            return Handled::Yes;
        }
        match KEYS.lookup(&key) {
            Some(cmd) if self.course.is_none() && cmd.needs_course() => {
                // Said, not silently dropped: a key pressed while the bank
                // is read (or after it failed) would otherwise do nothing.
                match &self.load_error {
                    Some(e) => cx.error(format!("the exercises could not be read: {e}")),
                    None => cx.info("still reading the exercises: try again in a moment"),
                }
                Handled::Yes
            }
            Some(cmd) => {
                self.run(cmd, cx);
                Handled::Yes
            }
            None => Handled::No,
        }
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        self.load(cx);
        if self.course.is_some() {
            self.refresh_topic(cx);
            if let Some(c) = &mut self.course
                && let Err(e) = c.reload_state()
            {
                cx.error(e.to_string());
            }
            self.refresh();
            self.start_watch(cx);
        }
    }

    fn open_at(&mut self, target: &str, cx: &mut Ctx) -> Result<(), String> {
        if self.course.is_none() {
            // Loading: select it when the course arrives.
            self.pending_open = Some(target.to_string());
            self.load(cx);
            return Ok(());
        }
        if self.select_name(target) {
            Ok(())
        } else {
            Err(format!("no exercise or drill named `{target}`"))
        }
    }

    fn on_select(&mut self, sel: &Selection, _cx: &mut Ctx) {
        let topic = roadmap_topic(sel.roadmap, sel.progress);
        if topic != self.topic {
            self.topic = topic;
            self.refresh();
        }
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
    }

    fn status(&self, theme: &Theme) -> Vec<Span<'static>> {
        match &self.running {
            Some((_, n)) => vec![Span::styled(format!("checking {n}…"), theme.accent)],
            None => Vec::new(),
        }
    }

    fn on_resize(&mut self, area: Rect, theme: &Theme) {
        self.width = area
            .width
            .saturating_sub(list_width(area.width) + 2)
            .max(20);
        self.theme = Some(match theme.mode {
            crate::theme::Mode::Dark => markdown::ThemeKind::Dark,
            crate::theme::Mode::Light => markdown::ThemeKind::Light,
            crate::theme::Mode::Plain => markdown::ThemeKind::Plain,
        });
    }

    fn before_draw(&mut self) {
        let Some(theme) = self.theme else { return };
        let text = self.doc_text();
        let key = (text, self.width, theme);
        if self.doc.as_ref().is_some_and(|d| d.key == key) {
            return;
        }
        let md = markdown::Theme::of(theme);
        let lines = markdown::render(&key.0, key.1, &md).lines;
        self.doc = Some(Doc { key, lines });
    }

    fn shutdown(&mut self) {
        self.watch = None;
        self.mailbox.cancel_all();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let Some(course) = &self.course else {
            let msg = match &self.load_error {
                Some(e) => format!("cannot load the exercises: {e}"),
                None => "loading the exercises…".into(),
            };
            f.render_widget(Paragraph::new(msg).style(theme.dim), area);
            return;
        };
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let solved = self
            .entries
            .iter()
            .filter(|e| e.solved_on.is_some())
            .count();
        let mut spans = vec![Span::styled(
            format!("{solved}/{} solved", self.entries.len()),
            theme.title,
        )];
        if let Some(r) = &course.workspace.state.rustlings {
            spans.push(Span::raw(format!(" · rustlings {} done", r.done.len())));
        }
        if let Some(d) = &self.daily {
            let done = course
                .workspace
                .state
                .daily
                .contains_key(&self.clock.today());
            spans.push(Span::raw(" · today's challenge "));
            spans.push(Span::styled(
                format!("{d}{}", if done { " ✓" } else { "" }),
                theme.accent,
            ));
        }
        if !course.workspace.is_initialised() {
            spans.push(Span::styled(
                " · no workspace yet: i creates it",
                theme.error,
            ));
        } else if self.watch.is_some() {
            spans.push(Span::styled(
                format!(" · watching {}", course.workspace.root.display()),
                theme.dim,
            ));
        } else if let Some(e) = &self.watch_error {
            spans.push(Span::styled(format!(" · not watching: {e}"), theme.error));
        }
        let head_line = match &self.rustlings_input {
            Some(input) => input.line("rustlings folder: ", head.width, theme.text),
            None => Line::from(crate::tui::text::truncate_spans(
                spans,
                usize::from(head.width),
            )),
        };
        f.render_widget(Paragraph::new(head_line), head);

        let [list, right] = Layout::horizontal([
            Constraint::Length(list_width(body.width)),
            Constraint::Min(10),
        ])
        .areas(body);
        self.draw_list(f, list, theme);
        let result_height = (right.height / 2).clamp(3, 16);
        let [doc, result] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(result_height)]).areas(right);
        let lines = self
            .doc
            .as_ref()
            .map(|d| d.lines.clone())
            .unwrap_or_default();
        f.render_widget(
            Paragraph::new(lines).scroll((self.scroll, 0)).block(
                Block::default()
                    .borders(Borders::LEFT)
                    .border_style(theme.border),
            ),
            doc,
        );
        f.render_widget(
            Paragraph::new(self.result_view(theme))
                .wrap(Wrap { trim: false })
                .block(
                    Block::default()
                        .borders(Borders::TOP | Borders::LEFT)
                        .border_style(theme.border)
                        .title(Span::styled(" check ", theme.title)),
                ),
            result,
        );
    }
}

const LIST_WIDTH: u16 = 34;

/// The exercise list's width: names in full where the pane is wide, at
/// most two fifths of it where it is narrow (80 columns with the
/// checklist beside it), so the instructions stay readable.
fn list_width(pane: u16) -> u16 {
    if pane >= LIST_WIDTH + 40 {
        LIST_WIDTH
    } else {
        (pane * 2 / 5).clamp(16, LIST_WIDTH)
    }
}

impl ExercisesPane {
    fn result_view(&self, theme: &Theme) -> Vec<Line<'static>> {
        let Some(name) = self.selected_name() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(n) = &self.confirm_reset {
            out.push(Line::styled(
                format!("Reset {n} to its starter, losing your changes? y resets, esc keeps it"),
                theme.error.add_modifier(Modifier::BOLD),
            ));
        }
        if let Some((_, n)) = &self.running {
            out.push(Line::styled(format!("checking {n}…"), theme.accent));
        }
        match self.results.get(name) {
            Some(r) => out.extend(result_lines(r, theme)),
            None if self.running.is_none() => out.push(Line::styled(
                "not checked yet: save the file, or press c",
                theme.dim,
            )),
            None => {}
        }
        out
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let h = area.height as usize;
        let first = self
            .selected
            .saturating_sub(h / 2)
            .min(self.entries.len().saturating_sub(h));
        let lines: Vec<Line> = self
            .entries
            .iter()
            .enumerate()
            .skip(first)
            .take(h)
            .map(|(i, e)| {
                let mark = if e.solved_on.is_some() {
                    "✓"
                } else if e.offered {
                    "↻"
                } else if e.edited {
                    "✎"
                } else {
                    " "
                };
                let star = if self.daily.as_deref() == Some(e.name.as_str()) {
                    "★"
                } else {
                    " "
                };
                let style = if i == self.selected {
                    theme.selected
                } else if e.solved_on.is_some() {
                    theme.done
                } else {
                    theme.text
                };
                let name =
                    crate::tui::text::truncate(&e.name, usize::from(area.width.saturating_sub(4)));
                Line::from(Span::styled(format!("{mark}{star} {name}"), style))
            })
            .collect();
        f.render_widget(Paragraph::new(lines), area);
    }
}

/// Open the course (the learner's workspace and the bank) on a job, off the
/// UI task; the Exercises and Today panes both start this way.
pub(super) fn load_course<M: Send + 'static>(
    mailbox: &mut Mailbox<M>,
    cx: &Ctx,
    loaded: fn(Box<Result<Course, String>>) -> M,
) {
    let data_dir = cx.store.data_dir().to_path_buf();
    let content_dir = cx.content.dir.clone();
    mailbox.thread("load", cx.waker(), move |job| {
        let r = Course::open_any(&data_dir, content_dir.as_deref()).map_err(|e| e.to_string());
        job.send(loaded(Box::new(r)));
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_leaves_the_instructions_room_in_a_narrow_pane() {
        // 80 columns with the checklist beside it leave the pane 44.
        assert_eq!(super::list_width(44), 17);
        assert!(44 - super::list_width(44) >= 25);
        assert_eq!(super::list_width(120), super::LIST_WIDTH);
        assert_eq!(super::list_width(20), 16);
    }
}
