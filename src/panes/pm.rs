//! The PM pane: a kanban board (TODO, DOING, DONE) of the learner's tasks,
//! over the same `DATA/pm` workspace that `megarepo pm ...` uses.
//!
//! The pane holds no storage logic: it reads with `pm::Workspace::load` and
//! changes the board only with `Workspace::update` (lock, read the newest
//! board, change, atomic write), so the CLI and the pane never lose each
//! other's changes. Both run as jobs of the pane's mailbox, never on the UI
//! thread. Writes are [`Op`]s kept in a queue and run one at a time, so two
//! quick key presses apply in order and every result (or error) is reported;
//! a move is relative to the task's column *in the file* ("one column to
//! the right"), so it means the same thing whatever the pane last saw.
//!
//! Live refresh: a debounced notify watcher on the workspace's `.pm/`
//! folder (saves replace `board.yaml` by a rename, so the folder is what is
//! watched) sends `Msg::Changed`, and the pane reads the board again. A
//! board that fails to read (damaged by hand, from a newer pm) is reported
//! as one line; the last good copy stays on screen and pm itself refuses to
//! write over the damaged file.
//!
//! The board is read once at start (from `on_select`, which the app calls
//! when it starts) so the status bar can say how many tasks are in progress;
//! the watcher only starts once the tab is shown.

use crate::jobs::Mailbox;
use crate::pane::{Ctx, Handled, Pane, Selection};
use crate::theme::Theme;
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crate::tui::text::truncate;
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use jiff::civil::Date;
use pm::{Board, NewTask, Priority, Status, Task, TaskEdit, Workspace};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub const ID: &str = "pm";

/// The folder under the app's data folder that holds the learner's board
/// (the default workspace of `megarepo pm`).
pub const FOLDER: &str = "pm";

type Watcher = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

enum Msg {
    /// A read of the board; `Ok(None)`: there is no workspace yet.
    Loaded(Result<Option<Board>, String>),
    /// A write finished; `moves` is the cursor's move count when it was
    /// asked for.
    Wrote {
        moves: u64,
        result: Result<Written, String>,
    },
    /// `board.yaml` changed on disk (the CLI, an editor, or our own save).
    Changed,
}

/// What a successful write reports back.
struct Written {
    message: String,
    /// The board as saved.
    board: Board,
    /// The task to select afterwards (the one added or moved).
    select: Option<u64>,
}

/// One change to the board, run on a job thread under pm's lock.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Init,
    Add(Draft),
    Title { id: u64, title: String },
    Props { id: u64, draft: Draft },
    Notes { id: u64, notes: String },
    Move { id: u64, right: bool },
    Done(u64),
    Remove(u64),
}

/// A task as typed on the input line: title words and the small syntax
/// `+project #tag !high @fri`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    title: String,
    project: Option<String>,
    tags: Vec<String>,
    priority: Option<Priority>,
    due: Option<Date>,
}

/// What the input line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Add,
    Title(u64),
    Props(u64),
    Notes(u64),
}

enum Mode {
    Board,
    /// Typing a line; `start` is the text it opened with (an edit submitted
    /// unchanged writes nothing).
    Input {
        purpose: Purpose,
        input: LineInput,
        start: String,
    },
    Confirm {
        id: u64,
        title: String,
    },
}

/// What the pane knows of the board file.
enum Loaded {
    /// Not read yet.
    Unknown,
    /// `DATA/pm` is not a workspace yet: `i` creates it.
    Missing,
    Board(Board),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Up,
    Down,
    Left,
    Right,
    Top,
    Bottom,
    MoveRight,
    MoveLeft,
    Done,
    Add,
    Title,
    Props,
    Notes,
    Remove,
    Project,
    Reload,
    Init,
}

const KEYS: Keymap<Cmd> = Keymap::new(&[
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "previous task in the column",
        Cmd::Up,
    ),
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "next task in the column",
        Cmd::Down,
    ),
    bind(
        &[Key::ch('h'), Key::code(KeyCode::Left)],
        "h / ←",
        "column to the left",
        Cmd::Left,
    ),
    bind(
        &[Key::ch('l'), Key::code(KeyCode::Right)],
        "l / →",
        "column to the right",
        Cmd::Right,
    ),
    bind(
        &[Key::ch('g'), Key::code(KeyCode::Home)],
        "g / home",
        "first task",
        Cmd::Top,
    ),
    bind(
        &[Key::ch('G'), Key::code(KeyCode::End)],
        "G / end",
        "last task",
        Cmd::Bottom,
    ),
    bind(
        &[Key::ch('>'), Key::ch('L')],
        "> / L",
        "move the task right (todo → doing → done)",
        Cmd::MoveRight,
    ),
    bind(
        &[Key::ch('<'), Key::ch('H')],
        "< / H",
        "move the task left",
        Cmd::MoveLeft,
    ),
    bind(&[Key::ch('d')], "d", "mark the task done", Cmd::Done),
    bind(
        &[Key::ch('a')],
        "a",
        "add a task: title +project #tag !high @fri",
        Cmd::Add,
    ),
    bind(
        &[Key::ch('e'), Key::code(KeyCode::Enter)],
        "e / enter",
        "edit the title",
        Cmd::Title,
    ),
    bind(
        &[Key::ch('c')],
        "c",
        "change project, tags, priority, due (+p #t !low @+3d)",
        Cmd::Props,
    ),
    bind(&[Key::ch('n')], "n", "edit the notes", Cmd::Notes),
    bind(
        &[Key::ch('x'), Key::code(KeyCode::Delete)],
        "x / delete",
        "remove the task (asks first)",
        Cmd::Remove,
    ),
    bind(
        &[Key::ch('p')],
        "p",
        "project filter: all, then each project",
        Cmd::Project,
    ),
    bind(&[Key::ch('r')], "r", "read the board again", Cmd::Reload),
    bind(
        &[Key::ch('i')],
        "i",
        "create the board in DATA/pm (when there is none)",
        Cmd::Init,
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
}

const CONFIRM: Keymap<Answer> = Keymap::new(&[
    bind(&[Key::ch('y')], "y", "remove the task", Answer::Yes),
    bind(
        &[Key::ch('n'), Key::code(KeyCode::Esc)],
        "n / esc",
        "keep it",
        Answer::No,
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typing {
    Save,
    Cancel,
    Edit,
}

/// The input line's keys, for the help (the line editor handles them).
const TYPING: Keymap<Typing> = Keymap::new(&[
    bind(&[Key::code(KeyCode::Enter)], "enter", "save", Typing::Save),
    bind(&[Key::code(KeyCode::Esc)], "esc", "cancel", Typing::Cancel),
    bind(
        &[
            Key::code(KeyCode::Left),
            Key::code(KeyCode::Right),
            Key::code(KeyCode::Home),
            Key::code(KeyCode::End),
            Key::code(KeyCode::Backspace),
            Key::code(KeyCode::Delete),
            Key::ctrl('a'),
            Key::ctrl('e'),
            Key::ctrl('u'),
            Key::ctrl('w'),
        ],
        "← → home end ctrl-a/e/u/w",
        "move and delete in the line",
        Typing::Edit,
    ),
]);

pub struct PmPane {
    /// The workspace root, `DATA/pm`; known from the first call with a `Ctx`.
    root: Option<PathBuf>,
    loaded: Loaded,
    /// Why the last read failed (shown above the board; cleared by a good read).
    problem: Option<String>,
    /// Show only this project's tasks.
    filter: Option<String>,
    col: usize,
    rows: [usize; 3],
    mode: Mode,
    /// Writes waiting for the one in flight, each with the cursor's move
    /// count when it was asked for.
    queue: VecDeque<(Op, u64)>,
    /// Counts the learner's cursor moves: a write's "select the task I
    /// added" is applied only if the cursor has not moved since (a slow
    /// save must not pull the cursor away from where the learner went).
    moves: u64,
    writing: bool,
    /// True from the moment a write job is started until its write is
    /// done: `shutdown` waits for it before running what is still queued,
    /// so the queue is applied after the write in flight, in order.
    in_flight: Arc<AtomicBool>,
    watcher: Option<Watcher>,
    shown: bool,
    mailbox: Mailbox<Msg>,
    /// Derived when a board arrives (drawing only reads).
    today: Date,
    doing: usize,
    overdue: usize,
}

impl Default for PmPane {
    fn default() -> Self {
        Self::new()
    }
}

impl PmPane {
    pub fn new() -> Self {
        PmPane {
            root: None,
            loaded: Loaded::Unknown,
            problem: None,
            filter: None,
            col: 0,
            rows: [0; 3],
            mode: Mode::Board,
            queue: VecDeque::new(),
            moves: 0,
            writing: false,
            in_flight: Arc::new(AtomicBool::new(false)),
            watcher: None,
            shown: false,
            mailbox: Mailbox::new(),
            // Read when the tab is first shown: the time zone database
            // costs a millisecond the first frame does not need.
            today: Date::default(),
            doing: 0,
            overdue: 0,
        }
    }

    fn root(&mut self, cx: &Ctx) -> PathBuf {
        self.root
            .get_or_insert_with(|| cx.store.data_dir().join(FOLDER))
            .clone()
    }

    fn board(&self) -> Option<&Board> {
        match &self.loaded {
            Loaded::Board(b) => Some(b),
            _ => None,
        }
    }

    fn columns(&self) -> Option<[Vec<&Task>; 3]> {
        self.board().map(|b| b.columns(self.filter.as_deref()))
    }

    fn selected(&self) -> Option<&Task> {
        let cols = self.columns()?;
        cols[self.col].get(self.rows[self.col]).copied()
    }

    fn selected_id(&self) -> Option<u64> {
        self.selected().map(|t| t.id)
    }

    /// Read the board on a job thread; a newer read supersedes an older one.
    fn reload(&mut self, cx: &mut Ctx) {
        let root = self.root(cx);
        self.mailbox.thread("load", cx.waker(), move |job| {
            job.send(Msg::Loaded(load(&root)));
        });
    }

    /// Watch the workspace's `.pm/` folder, once it exists.
    fn watch(&mut self, cx: &mut Ctx) {
        if self.watcher.is_some() || !self.shown {
            return;
        }
        let dir = self.root(cx).join(pm::workspace::DATA_DIR);
        let job = self.mailbox.start("watch", cx.waker());
        let made = notify_debouncer_full::new_debouncer(
            Duration::from_millis(150),
            None,
            move |res: notify_debouncer_full::DebounceEventResult| {
                if let Ok(events) = res
                    && events.iter().any(|e| touches_board(&e.event))
                {
                    job.send(Msg::Changed);
                }
            },
        );
        match made {
            Ok(mut deb) => match deb.watch(&dir, notify::RecursiveMode::NonRecursive) {
                Ok(()) => self.watcher = Some(deb),
                Err(e) => {
                    tracing::warn!("cannot watch {}: {e}", dir.display());
                    cx.error(format!(
                        "pm: cannot watch {} ({e}); r reads the board again",
                        dir.display()
                    ));
                }
            },
            Err(e) => tracing::warn!("no live refresh for the pm board: {e}"),
        }
    }

    /// Queue a write; it runs when the one before it has finished.
    fn write(&mut self, op: Op, cx: &mut Ctx) {
        self.queue.push_back((op, self.moves));
        self.next_write(cx);
    }

    fn next_write(&mut self, cx: &mut Ctx) {
        if self.writing {
            return;
        }
        let Some((op, moves)) = self.queue.pop_front() else {
            return;
        };
        self.writing = true;
        let root = self.root(cx);
        let in_flight = self.in_flight.clone();
        in_flight.store(true, Ordering::SeqCst);
        self.mailbox.thread("write", cx.waker(), move |job| {
            let r = run_op(&root, &op);
            in_flight.store(false, Ordering::SeqCst);
            job.send(Msg::Wrote { moves, result: r });
        });
    }

    fn on_msg(&mut self, msg: Msg, cx: &mut Ctx) {
        match msg {
            Msg::Loaded(Ok(Some(board))) => {
                self.problem = None;
                let keep = self.selected_id();
                self.set_board(board, keep);
                self.watch(cx);
            }
            Msg::Loaded(Ok(None)) => {
                self.problem = None;
                // The `.pm/` folder went away with the board: a new watch
                // starts when a board is made again.
                self.watcher = None;
                self.loaded = Loaded::Missing;
                self.doing = 0;
                self.overdue = 0;
            }
            Msg::Loaded(Err(e)) => {
                cx.error(format!("pm: {e}"));
                self.problem = Some(e);
                // The watcher still runs, so fixing the file by hand is seen.
                self.watch(cx);
            }
            Msg::Wrote { moves, result } => {
                self.writing = false;
                match result {
                    Ok(w) => {
                        self.problem = None;
                        cx.info(w.message);
                        let follow = w.select.filter(|_| moves == self.moves);
                        self.set_board(w.board, follow.or(self.selected_id()));
                        self.watch(cx);
                    }
                    Err(e) => cx.error(format!("pm: {e}")),
                }
                // Read again: a read started before this write may still
                // arrive with an older board; this newer one supersedes it.
                self.reload(cx);
                self.next_write(cx);
            }
            Msg::Changed => self.reload(cx),
        }
    }

    /// Take a new board, keeping the selection on task `keep` when it is
    /// still shown (it follows a task moved to another column).
    fn set_board(&mut self, board: Board, keep: Option<u64>) {
        if let Some(p) = &self.filter
            && board.project(p).is_err()
        {
            self.filter = None;
        }
        self.today = pm::today();
        self.doing = board
            .tasks
            .iter()
            .filter(|t| t.status == Status::Doing)
            .count();
        self.overdue = board
            .tasks
            .iter()
            .filter(|t| t.is_overdue(self.today))
            .count();
        self.loaded = Loaded::Board(board);
        self.place(keep);
    }

    /// Select task `keep` if it is on the board as filtered, else keep the
    /// cursor in range.
    fn place(&mut self, keep: Option<u64>) {
        let Some(cols) = self.columns() else { return };
        let found = keep.and_then(|id| {
            cols.iter()
                .enumerate()
                .find_map(|(c, col)| col.iter().position(|t| t.id == id).map(|r| (c, r)))
        });
        let lens = cols.map(|c| c.len());
        if let Some((c, r)) = found {
            self.col = c;
            self.rows[c] = r;
        } else if lens[self.col] == 0
            && let Some(c) = lens.iter().position(|&n| n > 0)
        {
            // The task left the view (a filter, another writer): stay on
            // a column that has something to act on.
            self.col = c;
        }
        for (row, len) in self.rows.iter_mut().zip(lens) {
            *row = (*row).min(len.saturating_sub(1));
        }
    }

    fn column_len(&self, c: usize) -> usize {
        self.columns().map(|cols| cols[c].len()).unwrap_or(0)
    }

    /// The task a command acts on, or a message saying why there is none.
    fn target(&self, cx: &mut Ctx) -> Option<Task> {
        match &self.loaded {
            Loaded::Board(_) => match self.selected() {
                Some(t) => Some(t.clone()),
                None => {
                    cx.info("no task selected (a adds one)");
                    None
                }
            },
            Loaded::Missing => {
                cx.info("there is no board yet: i creates it");
                None
            }
            Loaded::Unknown => {
                cx.info("the board is still being read");
                None
            }
        }
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Ctx) {
        if matches!(
            cmd,
            Cmd::Up | Cmd::Down | Cmd::Left | Cmd::Right | Cmd::Top | Cmd::Bottom | Cmd::Project
        ) {
            self.moves += 1;
        }
        match cmd {
            Cmd::Up => self.rows[self.col] = self.rows[self.col].saturating_sub(1),
            Cmd::Down => {
                let len = self.column_len(self.col);
                self.rows[self.col] = (self.rows[self.col] + 1).min(len.saturating_sub(1));
            }
            Cmd::Left => self.col = self.col.saturating_sub(1),
            Cmd::Right => self.col = (self.col + 1).min(2),
            Cmd::Top => self.rows[self.col] = 0,
            Cmd::Bottom => self.rows[self.col] = self.column_len(self.col).saturating_sub(1),
            Cmd::MoveRight | Cmd::MoveLeft => {
                if let Some(t) = self.target(cx) {
                    let right = cmd == Cmd::MoveRight;
                    let to = if right {
                        t.status.next()
                    } else {
                        t.status.previous()
                    };
                    if to.is_none() {
                        cx.info(format!("#{} is already in {}", t.id, column_name(t.status)));
                    } else {
                        self.write(Op::Move { id: t.id, right }, cx);
                    }
                }
            }
            Cmd::Done => {
                if let Some(t) = self.target(cx) {
                    self.write(Op::Done(t.id), cx);
                }
            }
            Cmd::Add => match &self.loaded {
                Loaded::Board(_) => self.type_line(Purpose::Add, ""),
                Loaded::Missing => cx.info("there is no board yet: i creates it"),
                Loaded::Unknown => cx.info("the board is still being read"),
            },
            Cmd::Title => {
                if let Some(t) = self.target(cx) {
                    self.type_line(Purpose::Title(t.id), &t.title);
                }
            }
            Cmd::Props => {
                if let Some(t) = self.target(cx) {
                    self.type_line(Purpose::Props(t.id), &props_line(&t));
                }
            }
            Cmd::Notes => {
                if let Some(t) = self.target(cx) {
                    // The line editor holds one line; notes written with
                    // several lines elsewhere are shown joined.
                    let notes = t.notes.as_deref().unwrap_or("").replace('\n', " ");
                    self.type_line(Purpose::Notes(t.id), &notes);
                }
            }
            Cmd::Remove => {
                if let Some(t) = self.target(cx) {
                    self.mode = Mode::Confirm {
                        id: t.id,
                        title: t.title,
                    };
                }
            }
            Cmd::Project => self.cycle_filter(cx),
            Cmd::Reload => {
                self.reload(cx);
                self.watch(cx);
            }
            Cmd::Init => match &self.loaded {
                Loaded::Board(_) => cx.info("the board exists already"),
                _ => self.write(Op::Init, cx),
            },
        }
    }

    fn type_line(&mut self, purpose: Purpose, text: &str) {
        self.mode = Mode::Input {
            purpose,
            input: LineInput::with_text(text),
            start: text.to_string(),
        };
    }

    fn cycle_filter(&mut self, cx: &mut Ctx) {
        let Some(board) = self.board() else {
            cx.info("no projects: the board is not read yet or does not exist");
            return;
        };
        let names: Vec<&str> = board.projects.iter().map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            cx.info("no projects yet: add a task with +name to make one");
            return;
        }
        let next = match &self.filter {
            None => Some(names[0].to_string()),
            Some(current) => names
                .iter()
                .position(|n| n == current)
                .and_then(|i| names.get(i + 1))
                .map(|n| n.to_string()),
        };
        let keep = self.selected_id();
        self.filter = next;
        self.place(keep);
    }

    fn submit(&mut self, purpose: Purpose, line: String, cx: &mut Ctx) {
        let op = match purpose {
            Purpose::Add => match parse_line(&line, self.today, false) {
                Ok(mut draft) => {
                    if draft.project.is_none() {
                        draft.project = self.filter.clone();
                    }
                    Op::Add(draft)
                }
                Err(e) => return cx.error(e),
            },
            Purpose::Title(id) => Op::Title { id, title: line },
            Purpose::Props(id) => match parse_line(&line, self.today, true) {
                Ok(draft) => Op::Props { id, draft },
                Err(e) => return cx.error(e),
            },
            Purpose::Notes(id) => Op::Notes { id, notes: line },
        };
        self.write(op, cx);
    }

    /// Run what is still queued before the app exits, after the write in
    /// flight (if any) has finished: a key pressed just before quitting is
    /// still saved.
    fn flush(&mut self) {
        if self.queue.is_empty() {
            return;
        }
        let Some(root) = self.root.clone() else {
            return;
        };
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.in_flight.load(Ordering::SeqCst) {
            if Instant::now() >= deadline {
                let lost = self.queue.len();
                tracing::warn!("pm: a write did not finish; {lost} change(s) not saved");
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        for (op, _) in self.queue.drain(..) {
            if let Err(e) = run_op(&root, &op) {
                tracing::warn!("pm: {e}");
            }
        }
    }
}

/// Reads the board in `root`; `Ok(None)` when it is not a workspace yet.
fn load(root: &Path) -> Result<Option<Board>, String> {
    match Workspace::open(root) {
        Ok(ws) => ws.load().map(Some).map_err(|e| e.to_string()),
        Err(pm::Error::NotAWorkspace { .. }) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Does this file event concern the board file?
fn touches_board(ev: &notify::Event) -> bool {
    use notify::EventKind;
    matches!(
        ev.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    ) && ev.paths.iter().any(|p| {
        p.file_name()
            .is_some_and(|n| n == pm::workspace::BOARD_FILE)
    })
}

/// Runs one write against the workspace in `root` (blocking: call it on a
/// job thread, or at shutdown).
fn run_op(root: &Path, op: &Op) -> Result<Written, String> {
    if *op == Op::Init {
        let (ws, message) = match Workspace::init(root) {
            Ok(ws) => {
                let message = format!("made the board {}", ws.board_path().display());
                (ws, message)
            }
            Err(pm::Error::AlreadyInitialized { .. }) => (
                Workspace::open(root).map_err(|e| e.to_string())?,
                "the board exists already".to_string(),
            ),
            Err(e) => return Err(e.to_string()),
        };
        let board = ws.load().map_err(|e| e.to_string())?;
        return Ok(Written {
            message,
            board,
            select: None,
        });
    }
    let ws = Workspace::open(root).map_err(|e| e.to_string())?;
    ws.update(|b| {
        let (message, select) = apply(op, b)?;
        Ok(Written {
            message,
            board: b.clone(),
            select,
        })
    })
    .map_err(|e| e.to_string())
}

/// Makes sure `name` is a project (the pane makes one on first use, where
/// the CLI asks for `pm project add`); says so when it made one.
fn ensure_project(b: &mut Board, name: &Option<String>) -> pm::Result<String> {
    match name {
        Some(n) if b.project(n).is_err() => {
            b.add_project(n, None)?;
            Ok(format!(" (new project {n})"))
        }
        _ => Ok(String::new()),
    }
}

/// One change to the board in memory; `Workspace::update` saves it only
/// when it succeeds whole.
fn apply(op: &Op, b: &mut Board) -> pm::Result<(String, Option<u64>)> {
    match op {
        Op::Init => Ok(("the board exists already".into(), None)),
        Op::Add(d) => {
            let made = ensure_project(b, &d.project)?;
            let t = b.add_task(NewTask {
                title: d.title.clone(),
                project: d.project.clone(),
                priority: d.priority.unwrap_or_default(),
                tags: d.tags.clone(),
                due: d.due,
                notes: None,
            })?;
            Ok((format!("added #{} {}{made}", t.id, t.title), Some(t.id)))
        }
        Op::Title { id, title } => {
            let t = b.edit(
                *id,
                TaskEdit {
                    title: Some(title.clone()),
                    ..TaskEdit::default()
                },
            )?;
            Ok((format!("#{} is now: {}", t.id, t.title), Some(t.id)))
        }
        Op::Props { id, draft } => {
            let made = ensure_project(b, &draft.project)?;
            let current = b.task(*id)?.tags.clone();
            let remove: Vec<String> = current
                .iter()
                .filter(|t| !draft.tags.contains(t))
                .cloned()
                .collect();
            b.edit(
                *id,
                TaskEdit {
                    project: Some(draft.project.clone()),
                    priority: Some(draft.priority.unwrap_or_default()),
                    due: Some(draft.due),
                    ..TaskEdit::default()
                },
            )?;
            let t = b.tag(*id, &draft.tags, &remove)?;
            Ok((
                format!("#{} changed: {}{made}", t.id, props_line(&t)),
                Some(t.id),
            ))
        }
        Op::Notes { id, notes } => {
            let t = b.edit(
                *id,
                TaskEdit {
                    notes: Some(Some(notes.clone())),
                    ..TaskEdit::default()
                },
            )?;
            let what = if t.notes.is_some() {
                "notes saved"
            } else {
                "notes cleared"
            };
            Ok((format!("#{}: {what}", t.id), Some(t.id)))
        }
        Op::Move { id, right } => {
            let t = b.task(*id)?;
            let to = if *right {
                t.status.next()
            } else {
                t.status.previous()
            };
            match to {
                Some(s) => {
                    let t = b.set_status(*id, s)?;
                    Ok((
                        format!("#{} → {}: {}", t.id, column_name(s), t.title),
                        Some(t.id),
                    ))
                }
                None => Ok((
                    format!("#{} is already in {}", t.id, column_name(t.status)),
                    Some(t.id),
                )),
            }
        }
        Op::Done(id) => {
            let t = b.set_status(*id, Status::Done)?;
            Ok((format!("#{} done: {}", t.id, t.title), Some(t.id)))
        }
        Op::Remove(id) => {
            let t = b.remove_task(*id)?;
            Ok((format!("removed #{} {}", t.id, t.title), None))
        }
    }
}

/// Reads an input line. Words may carry the syntax `+project`, `#tag`,
/// `!high`/`!low`/`!normal` (or `!h`, `!l`, `!n`) and `@date` (anything
/// `pm add --due` reads: `fri`, `tomorrow`, `+3d`, `2026-12-24`). When
/// `strict` (the `c` line, which has no title) every word must be syntax;
/// otherwise a word that does not read as syntax is part of the title.
fn parse_line(line: &str, today: Date, strict: bool) -> Result<Draft, String> {
    let mut d = Draft::default();
    let mut title: Vec<&str> = Vec::new();
    for word in line.split_whitespace() {
        let mut chars = word.chars();
        let (sigil, rest) = (chars.next(), chars.as_str());
        let read = match sigil {
            Some('+') if pm::model::check_name("project", rest).is_ok() => {
                if d.project.as_deref().is_some_and(|p| p != rest) {
                    return Err(format!(
                        "a task has one project; the line names two ({word})"
                    ));
                }
                d.project = Some(rest.to_string());
                true
            }
            Some('#') if pm::model::check_name("tag", rest).is_ok() => {
                if !d.tags.iter().any(|t| t == rest) {
                    d.tags.push(rest.to_string());
                }
                true
            }
            Some('!') => match rest.to_lowercase().as_str() {
                "high" | "h" => {
                    d.priority = Some(Priority::High);
                    true
                }
                "normal" | "n" => {
                    d.priority = Some(Priority::Normal);
                    true
                }
                "low" | "l" => {
                    d.priority = Some(Priority::Low);
                    true
                }
                _ => false,
            },
            Some('@') => match pm::parse_due(rest, today) {
                Ok(due) => {
                    d.due = Some(due);
                    true
                }
                Err(e) if strict => return Err(e.to_string()),
                Err(_) => false,
            },
            _ => false,
        };
        if !read {
            if strict {
                return Err(format!(
                    "`{word}` is not +project, #tag, !high/!normal/!low or @date (e for the title)"
                ));
            }
            title.push(word);
        }
    }
    d.title = title.join(" ");
    if !strict && d.title.is_empty() {
        return Err("a task needs a title (the +project #tag !high @date words are extra)".into());
    }
    Ok(d)
}

/// A task's project, tags, priority and due date in the input syntax (what
/// `c` starts from).
fn props_line(t: &Task) -> String {
    let mut words: Vec<String> = Vec::new();
    if let Some(p) = &t.project {
        words.push(format!("+{p}"));
    }
    words.extend(t.tags.iter().map(|tag| format!("#{tag}")));
    if t.priority != Priority::Normal {
        words.push(format!("!{}", t.priority.as_str()));
    }
    if let Some(d) = t.due {
        words.push(format!("@{d}"));
    }
    words.join(" ")
}

fn column_name(s: Status) -> &'static str {
    match s {
        Status::Todo => "TODO",
        Status::Doing => "DOING",
        Status::Done => "DONE",
    }
}

/// `text` cut or padded to exactly `width` columns.
fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut s = truncate(text, width);
    let w = s.width();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    s
}

impl Pane for PmPane {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> String {
        "PM".into()
    }

    fn keys(&self) -> Vec<KeyHelp> {
        match &self.mode {
            Mode::Board => KEYS.help(),
            Mode::Input { .. } => TYPING.help(),
            Mode::Confirm { .. } => CONFIRM.help(),
        }
    }

    fn captures_text(&self) -> bool {
        matches!(self.mode, Mode::Input { .. })
    }

    fn on_select(&mut self, _sel: &Selection, cx: &mut Ctx) {
        // Once, at start: read the board so the status bar can show the
        // tasks in progress before the tab is ever opened.
        if matches!(self.loaded, Loaded::Unknown) && self.root.is_none() {
            self.reload(cx);
        }
    }

    fn on_show(&mut self, cx: &mut Ctx) {
        if !self.shown {
            self.shown = true;
            self.today = pm::today();
            self.reload(cx);
        }
        if matches!(self.loaded, Loaded::Board(_)) || self.problem.is_some() {
            self.watch(cx);
        }
    }

    fn on_wake(&mut self, cx: &mut Ctx) {
        for msg in self.mailbox.drain() {
            self.on_msg(msg, cx);
        }
    }

    fn handle_key(&mut self, key: KeyEvent, cx: &mut Ctx) -> Handled {
        match &mut self.mode {
            Mode::Input {
                purpose,
                input,
                start,
            } => {
                let purpose = *purpose;
                match input.handle_key(key) {
                    InputEvent::Submit(line) if purpose != Purpose::Add && line == *start => {
                        // Nothing changed: no write, so `updated` stays true
                        // and notes of several lines are not joined into one.
                        self.mode = Mode::Board;
                        cx.info("unchanged");
                        Handled::Yes
                    }
                    InputEvent::Submit(line) => {
                        self.mode = Mode::Board;
                        self.submit(purpose, line, cx);
                        Handled::Yes
                    }
                    InputEvent::Cancel => {
                        self.mode = Mode::Board;
                        Handled::Yes
                    }
                    InputEvent::Edited => Handled::Yes,
                    InputEvent::Unhandled => Handled::No,
                }
            }
            Mode::Confirm { id, .. } => {
                let id = *id;
                match CONFIRM.lookup(&key) {
                    Some(Answer::Yes) => {
                        self.mode = Mode::Board;
                        self.write(Op::Remove(id), cx);
                        Handled::Yes
                    }
                    Some(Answer::No) => {
                        self.mode = Mode::Board;
                        cx.info(format!("kept #{id}"));
                        Handled::Yes
                    }
                    None => Handled::No,
                }
            }
            Mode::Board => match KEYS.lookup(&key) {
                Some(cmd) => {
                    self.run(cmd, cx);
                    Handled::Yes
                }
                None => Handled::No,
            },
        }
    }

    fn handle_mouse(&mut self, ev: MouseEvent, area: Rect, _cx: &mut Ctx) -> Handled {
        self.mouse(ev, area)
    }

    fn handle_paste(&mut self, text: &str, _cx: &mut Ctx) -> Handled {
        match &mut self.mode {
            Mode::Input { input, .. } => {
                // One line: a pasted newline would end the title.
                input.insert_str(&text.replace(['\n', '\r'], " "));
                Handled::Yes
            }
            _ => Handled::No,
        }
    }

    fn status(&self, theme: &Theme) -> Vec<Span<'static>> {
        let mut text = match self.doing {
            0 => String::new(),
            n => format!("pm {n} doing"),
        };
        if self.overdue > 0 {
            if text.is_empty() {
                text.push_str("pm");
            } else {
                text.push(',');
            }
            text.push_str(&format!(" {} overdue", self.overdue));
        }
        if text.is_empty() {
            Vec::new()
        } else {
            vec![Span::styled(format!("· {text}"), theme.text)]
        }
    }

    fn shutdown(&mut self) {
        self.mailbox.cancel_all();
        self.watcher = None;
        self.flush();
    }

    fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let Areas {
            head,
            banner,
            body,
            details,
            foot,
            ..
        } = self.areas(area);
        self.draw_head(f, head, theme);
        if let Some(p) = &self.problem {
            f.render_widget(
                Paragraph::new(Line::styled(
                    truncate(&format!("! {p}"), banner.width as usize),
                    theme.error,
                )),
                banner,
            );
        }
        match &self.loaded {
            Loaded::Unknown if self.problem.is_none() => f.render_widget(
                Paragraph::new(Line::styled("reading the board…", theme.dim)),
                body,
            ),
            Loaded::Unknown => f.render_widget(
                Paragraph::new(vec![
                    Line::raw(""),
                    Line::styled(
                        "The board cannot be read (see above) and was left as it is.",
                        theme.text,
                    ),
                    Line::styled(
                        "Fix the file by hand: this tab reads it again when it is saved (or press r).",
                        theme.dim,
                    ),
                ])
                .wrap(Wrap { trim: false }),
                body,
            ),
            Loaded::Missing => self.draw_missing(f, body, theme),
            Loaded::Board(_) => {
                self.draw_columns(f, body, theme);
                self.draw_details(f, details, theme);
            }
        }
        self.draw_foot(f, foot, theme);
    }
}

/// Where the parts of the pane go: drawing and the mouse share it.
struct Areas {
    head: Rect,
    banner: Rect,
    body: Rect,
    details: Rect,
    foot: Rect,
}

/// The three columns of the board area, with their frames.
fn columns_of(body: Rect) -> [Rect; 3] {
    Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(body)
}

impl PmPane {
    fn areas(&self, area: Rect) -> Areas {
        let [head, banner, body, details, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(u16::from(self.problem.is_some())),
            Constraint::Min(4),
            Constraint::Length(6),
            Constraint::Length(1),
        ])
        .areas(area);
        Areas {
            head,
            banner,
            body,
            details,
            foot,
        }
    }

    /// The first card shown in column `c` (inside its frame, `inner`): two
    /// lines a card, scrolled so the selected card is in view.
    fn first_card(&self, c: usize, inner: Rect) -> usize {
        let fits = (inner.height as usize / 2).max(1);
        (self.rows[c] + 1).saturating_sub(fits)
    }

    /// A click selects the card under it (or the column); the wheel moves
    /// the selection in the column.
    fn mouse(&mut self, ev: MouseEvent, area: Rect) -> Handled {
        if !matches!(self.mode, Mode::Board) || self.board().is_none() {
            return Handled::No;
        }
        let body = self.areas(area).body;
        let at = Position::new(ev.column, ev.row);
        if !body.contains(at) {
            return Handled::No;
        }
        match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let Some(c) = columns_of(body).iter().position(|r| r.contains(at)) else {
                    return Handled::No;
                };
                let inner = Block::default()
                    .borders(Borders::ALL)
                    .inner(columns_of(body)[c]);
                self.moves += 1;
                self.col = c;
                if inner.contains(at) {
                    let i = self.first_card(c, inner) + usize::from(ev.row - inner.y) / 2;
                    if i < self.column_len(c) {
                        self.rows[c] = i;
                    }
                }
                Handled::Yes
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                self.moves += 1;
                let len = self.column_len(self.col);
                let row = &mut self.rows[self.col];
                *row = if ev.kind == MouseEventKind::ScrollDown {
                    (*row + 1).min(len.saturating_sub(1))
                } else {
                    row.saturating_sub(1)
                };
                Handled::Yes
            }
            _ => Handled::No,
        }
    }

    fn draw_head(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let shown = self
            .root
            .as_ref()
            .map(|r| r.display().to_string())
            .unwrap_or_default();
        let mut spans = vec![
            Span::styled("Tasks ", theme.section),
            Span::styled("project: ", theme.dim),
            Span::styled(
                self.filter.clone().unwrap_or_else(|| "all".into()),
                theme.accent,
            ),
            Span::styled(" (p)", theme.dim),
        ];
        if let Some(b) = self.board() {
            let n = b
                .tasks
                .iter()
                .filter(|t| self.filter.is_none() || t.project == self.filter)
                .count();
            spans.push(Span::styled(format!(" · {n} task(s)"), theme.dim));
        }
        if self.writing || !self.queue.is_empty() {
            spans.push(Span::styled(" · saving…", theme.accent));
        }
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = (area.width as usize).saturating_sub(used + 3);
        if room > 8 && !shown.is_empty() {
            spans.push(Span::styled(
                format!(" · {}", truncate(&shown, room)),
                theme.dim,
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_missing(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let root = self
            .root
            .as_ref()
            .map(|r| r.display().to_string())
            .unwrap_or_else(|| "DATA/pm".into());
        let lines = vec![
            Line::raw(""),
            Line::styled("No task board yet.", theme.section),
            Line::raw(""),
            Line::from(vec![
                Span::styled("Press ", theme.text),
                Span::styled("i", theme.key),
                Span::styled(format!(" to create it in {root}"), theme.text),
            ]),
            Line::styled(
                "(the same board `megarepo pm` reads and writes; after",
                theme.dim,
            ),
            Line::styled(
                "`megarepo pm init` in a shell, r reads it here).",
                theme.dim,
            ),
        ];
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn draw_columns(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let Some(cols) = self.columns() else { return };
        let areas = columns_of(area);
        for (c, (tasks, &col_area)) in cols.iter().zip(areas.iter()).enumerate() {
            let focused = c == self.col;
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(if focused {
                    theme.border_focused
                } else {
                    theme.border
                })
                .title(Span::styled(
                    format!(" {} ({}) ", column_name(Status::ALL[c]), tasks.len()),
                    if focused { theme.title } else { theme.section },
                ));
            let inner = block.inner(col_area);
            f.render_widget(block, col_area);
            let width = inner.width as usize;
            if tasks.is_empty() {
                let hint = match c {
                    0 => "nothing to do (a adds)",
                    1 => "nothing in progress (>)",
                    _ => "nothing done yet",
                };
                f.render_widget(
                    Paragraph::new(Line::styled(truncate(hint, width), theme.dim)),
                    inner,
                );
                continue;
            }
            let fits = (inner.height as usize / 2).max(1);
            let row = self.rows[c];
            let first = self.first_card(c, inner);
            let mut lines = Vec::new();
            for (i, t) in tasks.iter().enumerate().skip(first).take(fits) {
                let selected = focused && i == row;
                let pick = |s: Style| if selected { theme.selected } else { s };
                let mark = match t.priority {
                    Priority::High => "! ",
                    Priority::Normal => "",
                    Priority::Low => "↓ ",
                };
                lines.push(Line::styled(
                    fit(&format!("{mark}#{} {}", t.id, t.title), width),
                    pick(if t.status == Status::Done {
                        theme.done
                    } else {
                        theme.text
                    }),
                ));
                lines.push(Line::styled(
                    fit(&format!("  {}", self.card_meta(t)), width),
                    pick(if t.is_overdue(self.today) {
                        theme.error
                    } else {
                        theme.dim
                    }),
                ));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
    }

    /// The second line of a card: due date, project (when all are shown),
    /// tags; cut to the column's width.
    fn card_meta(&self, t: &Task) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = t.due {
            let overdue = if t.is_overdue(self.today) {
                " overdue"
            } else {
                ""
            };
            parts.push(format!("due {}{overdue}", d.strftime("%a %m-%d")));
        }
        if self.filter.is_none()
            && let Some(p) = &t.project
        {
            parts.push(format!("+{p}"));
        }
        parts.extend(t.tags.iter().map(|tag| format!("#{tag}")));
        parts.join(" ")
    }

    fn draw_details(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if let Mode::Input { purpose, .. } = &self.mode {
            let help = match purpose {
                Purpose::Add => {
                    "New task: a title, and if you like +project (made when new), #tag, \
                     !high or !low, @date (fri, tomorrow, +3d, 2026-12-24). \
                     Enter saves, esc cancels."
                }
                Purpose::Title(_) => "The task's title. Enter saves, esc cancels.",
                Purpose::Props(_) => {
                    "+project #tag … !high/!low @date: what the line says is what the task \
                     gets (a word removed is cleared). Enter saves, esc cancels."
                }
                Purpose::Notes(_) => "Notes (one line; empty clears). Enter saves, esc cancels.",
            };
            f.render_widget(
                Paragraph::new(Line::styled(help, theme.dim)).wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
        let Some(t) = self.selected() else {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No task selected. a adds one: Read chapter 4 +rust-book #reading @fri",
                    theme.dim,
                )),
                inner,
            );
            return;
        };
        let label = |s: &str| Span::styled(format!("{s:<9}"), theme.dim);
        let mut facts = vec![
            Span::styled(t.status.as_str().to_string(), theme.accent),
            Span::styled(" · priority ", theme.dim),
            Span::styled(
                t.priority.as_str().to_string(),
                if t.priority == Priority::High {
                    theme.error
                } else {
                    theme.text
                },
            ),
            Span::styled(" · due ", theme.dim),
        ];
        match t.due {
            Some(d) => facts.push(Span::styled(
                format!(
                    "{}{}",
                    d.strftime("%Y-%m-%d (%a)"),
                    if t.is_overdue(self.today) {
                        ", overdue"
                    } else {
                        ""
                    }
                ),
                if t.is_overdue(self.today) {
                    theme.error
                } else {
                    theme.text
                },
            )),
            None => facts.push(Span::styled("none", theme.dim)),
        }
        facts.push(Span::styled(" · project ", theme.dim));
        facts.push(Span::styled(
            t.project.clone().unwrap_or_else(|| "none".into()),
            theme.text,
        ));
        let mut lines = vec![
            Line::from(vec![Span::styled(
                format!("#{} {}", t.id, t.title),
                theme.title,
            )]),
            Line::from(facts),
            Line::from(vec![
                label("tags"),
                Span::styled(
                    if t.tags.is_empty() {
                        "none".to_string()
                    } else {
                        t.tags
                            .iter()
                            .map(|x| format!("#{x}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    },
                    theme.text,
                ),
            ]),
        ];
        if let Some(s) = &t.source {
            lines.push(Line::from(vec![
                label("from"),
                Span::styled(format!("{}:{}", s.file, s.line), theme.text),
            ]));
        }
        lines.push(Line::from(vec![
            label("notes"),
            Span::styled(
                t.notes.clone().unwrap_or_else(|| "none (n adds)".into()),
                if t.notes.is_some() {
                    theme.text
                } else {
                    theme.dim
                },
            ),
        ]));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }

    fn draw_foot(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let line = match &self.mode {
            Mode::Input { purpose, input, .. } => {
                let prompt = match purpose {
                    Purpose::Add => "add: ".to_string(),
                    Purpose::Title(id) => format!("title #{id}: "),
                    Purpose::Props(id) => format!("change #{id}: "),
                    Purpose::Notes(id) => format!("notes #{id}: "),
                };
                input.line(&prompt, area.width, theme.text)
            }
            Mode::Confirm { id, title } => Line::styled(
                truncate(
                    &format!("Remove #{id} {title}? y removes it, n or esc keeps it"),
                    area.width as usize,
                ),
                theme.error,
            ),
            Mode::Board => Line::styled(
                truncate(
                    match self.loaded {
                        Loaded::Board(_) => {
                            "a add · e edit · c change · n notes · > < move · d done · x remove · p project · ? help"
                        }
                        _ => "i create the board · r read it again · ? help",
                    },
                    area.width as usize,
                ),
                theme.dim,
            ),
        };
        f.render_widget(Paragraph::new(line), area);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn day() -> Date {
        "2026-12-02".parse().unwrap() // a Wednesday
    }

    #[test]
    fn the_add_line_reads_syntax_and_keeps_other_words_in_the_title() {
        let d = parse_line(
            "Read chapter 4 +rust-book #reading #book !high @fri C++ +=",
            day(),
            false,
        )
        .unwrap();
        assert_eq!(d.title, "Read chapter 4 C++ +=");
        assert_eq!(d.project.as_deref(), Some("rust-book"));
        assert_eq!(d.tags, ["reading", "book"]);
        assert_eq!(d.priority, Some(Priority::High));
        assert_eq!(d.due, Some("2026-12-04".parse().unwrap()));
        // A word that does not read as a date stays in the title.
        assert_eq!(
            parse_line("meet @home", day(), false).unwrap().title,
            "meet @home"
        );
        assert!(parse_line("+only #syntax", day(), false).is_err());
        assert!(parse_line("x +a +b", day(), false).is_err());
    }

    #[test]
    fn the_change_line_is_strict_and_round_trips() {
        let d = parse_line("+exercism #practice !low @2026-12-24", day(), true).unwrap();
        assert_eq!(d.title, "");
        assert_eq!(d.priority, Some(Priority::Low));
        let e = parse_line("+exercism soon", day(), true).unwrap_err();
        assert!(e.contains("`soon`"), "{e}");
        assert!(parse_line("@someday", day(), true).is_err());
        // Clearing: an empty line means no project, tags, due; normal priority.
        assert_eq!(parse_line("", day(), true).unwrap(), Draft::default());
    }

    #[test]
    fn a_move_is_relative_to_the_file_and_stops_at_the_edges() {
        let mut b = Board::new();
        let t = b
            .add_task(NewTask {
                title: "x".into(),
                ..NewTask::default()
            })
            .unwrap();
        let right = Op::Move {
            id: t.id,
            right: true,
        };
        apply(&right, &mut b).unwrap();
        apply(&right, &mut b).unwrap();
        assert_eq!(b.task(t.id).unwrap().status, Status::Done);
        let (msg, _) = apply(&right, &mut b).unwrap();
        assert!(msg.contains("already in DONE"), "{msg}");
        let left = Op::Move {
            id: t.id,
            right: false,
        };
        apply(&left, &mut b).unwrap();
        assert_eq!(b.task(t.id).unwrap().status, Status::Doing);
    }

    #[test]
    fn changing_props_replaces_tags_and_makes_a_new_project() {
        let mut b = Board::new();
        let t = b
            .add_task(NewTask {
                title: "x".into(),
                tags: vec!["old".into(), "keep".into()],
                due: Some(day()),
                ..NewTask::default()
            })
            .unwrap();
        let draft = parse_line("+rust #keep #new !high", day(), true).unwrap();
        let (msg, _) = apply(&Op::Props { id: t.id, draft }, &mut b).unwrap();
        assert!(msg.contains("new project rust"), "{msg}");
        let t = b.task(t.id).unwrap();
        assert_eq!(t.tags, ["keep", "new"]);
        assert_eq!(t.project.as_deref(), Some("rust"));
        assert_eq!(t.due, None, "the line had no @date, so it is cleared");
        assert_eq!(t.priority, Priority::High);
        assert!(b.validate().is_ok());
        assert_eq!(props_line(t), "+rust #keep #new !high");
    }
}
