//! A workspace: a folder with a `.pm/` folder in it, found the way git
//! finds its repository.
//!
//! ```text
//! my-studies/            the workspace root (what `--workspace` names)
//! └── .pm/
//!     ├── board.yaml     the board: projects and tasks (see FORMAT.md)
//!     ├── lock           taken while a change is written; never replaced
//!     └── .gitignore     keeps `lock` and temporary files out of git
//! ```
//!
//! Reading is [`Workspace::load`]: no lock is needed, because a save is an
//! atomic rename, so a reader sees a whole board, old or new. Changing is
//! [`Workspace::update`]: take the lock, read the board *again*, apply the
//! change, check it, write it atomically, let go. Reading again under the
//! lock is what keeps two writers (the CLI and the TUI pane, or two
//! terminals) from losing each other's changes: whoever gets the lock
//! second starts from what the first one wrote.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::Board;
use crate::storage::{self, BoardLock};

/// The folder inside a workspace root that holds pm's files.
pub const DATA_DIR: &str = ".pm";
/// The board file's name inside [`DATA_DIR`].
pub const BOARD_FILE: &str = "board.yaml";
const LOCK_FILE: &str = "lock";

/// An open workspace. Cheap to clone; it holds only the root path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// Finds the workspace that contains `start`: `start` itself or the
    /// nearest folder above it with a `.pm/board.yaml`.
    pub fn discover(start: &Path) -> Result<Workspace> {
        // Canonical, so `..` and symlinks do not confuse the walk upwards
        // and a relative start like "." has parents to walk to.
        let start = start
            .canonicalize()
            .map_err(Error::io("look for a workspace from", start))?;
        for dir in start.ancestors() {
            if dir.join(DATA_DIR).join(BOARD_FILE).is_file() {
                return Ok(Workspace { root: dir.into() });
            }
        }
        Err(Error::NoWorkspace { start })
    }

    /// Opens the workspace rooted at `root` (no search upwards), as
    /// `--workspace DIR` does.
    pub fn open(root: &Path) -> Result<Workspace> {
        let ws = Workspace {
            root: std::path::absolute(root).map_err(Error::io("open the workspace", root))?,
        };
        if ws.board_path().is_file() {
            Ok(ws)
        } else {
            Err(Error::NotAWorkspace {
                root: ws.root.clone(),
                file: ws.board_path(),
            })
        }
    }

    /// Makes `root` a workspace with an empty board, creating folders as
    /// needed. An existing board is never touched.
    pub fn init(root: &Path) -> Result<Workspace> {
        let ws = Workspace {
            root: std::path::absolute(root).map_err(Error::io("create the workspace", root))?,
        };
        let data = ws.data_dir();
        fs::create_dir_all(&data).map_err(Error::io("create the folder", &data))?;
        // Under the lock, "is there a board already?" and "write one" are
        // one step: two `pm init` at once cannot both write.
        let _lock = BoardLock::acquire(&ws.lock_path())?;
        let board_path = ws.board_path();
        if board_path.exists() {
            return Err(Error::AlreadyInitialized { path: board_path });
        }
        let ignore = data.join(".gitignore");
        if !ignore.exists() {
            let text =
                "# Written by `pm init`: commit board.yaml, not these.\nlock\n.board.yaml.tmp\n";
            storage::write_atomic(&ignore, text.as_bytes()).map_err(Error::io("write", &ignore))?;
        }
        let text = storage::render(&board_path, &Board::new())?;
        storage::write_atomic(&board_path, text.as_bytes())
            .map_err(Error::io("write", &board_path))?;
        Ok(ws)
    }

    /// The folder that holds `.pm/`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `.pm/` folder. Watch this folder (not the file) for changes:
    /// every save replaces `board.yaml` by a rename, so a watch on the old
    /// file would go quiet after the first save.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join(DATA_DIR)
    }

    /// The board file.
    pub fn board_path(&self) -> PathBuf {
        self.data_dir().join(BOARD_FILE)
    }

    fn lock_path(&self) -> PathBuf {
        self.data_dir().join(LOCK_FILE)
    }

    /// Reads the board as it is now.
    pub fn load(&self) -> Result<Board> {
        let path = self.board_path();
        storage::parse(&path, &storage::read_text(&path)?)
    }

    /// Applies `change` to the newest board and saves the result, with the
    /// lock held from the read to the write. When `change` fails, nothing is
    /// written and its error is returned. When the board is unchanged,
    /// nothing is written either, so the file (and its watchers) stay quiet.
    ///
    /// Do not call `update` from inside `change`: the lock is not
    /// re-entrant, so that would wait forever.
    pub fn update<T>(&self, change: impl FnOnce(&mut Board) -> Result<T>) -> Result<T> {
        let path = self.board_path();
        let _lock = BoardLock::acquire(&self.lock_path())?;
        let before = storage::read_text(&path)?;
        let mut board = storage::parse(&path, &before)?;
        let value = change(&mut board)?;
        // The model's methods keep the board valid; this is the last guard
        // against a bug writing a board that the next run would refuse.
        board.validate().map_err(|message| Error::Inconsistent {
            path: path.clone(),
            message: format!("refusing to save an invalid board: {message}"),
        })?;
        let after = storage::render(&path, &board)?;
        if after != before {
            storage::write_atomic(&path, after.as_bytes()).map_err(Error::io("replace", &path))?;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewTask, Status};

    fn task(title: &str) -> NewTask {
        NewTask {
            title: title.into(),
            ..Default::default()
        }
    }

    #[test]
    fn init_then_discover_from_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(dir.path()).unwrap();
        let deep = dir.path().join("a/b");
        fs::create_dir_all(&deep).unwrap();
        let found = Workspace::discover(&deep).unwrap();
        assert_eq!(found.root(), dir.path().canonicalize().unwrap());
        assert_eq!(ws.load().unwrap(), Board::new());
    }

    #[test]
    fn init_twice_is_refused_and_keeps_the_board() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(dir.path()).unwrap();
        ws.update(|b| b.add_task(task("keep me"))).unwrap();
        assert!(matches!(
            Workspace::init(dir.path()),
            Err(Error::AlreadyInitialized { .. })
        ));
        assert_eq!(ws.load().unwrap().tasks.len(), 1);
    }

    #[test]
    fn open_without_a_board_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let e = Workspace::open(dir.path()).unwrap_err();
        assert!(matches!(e, Error::NotAWorkspace { .. }));
        assert!(e.to_string().contains("pm init"), "{e}");
    }

    #[test]
    fn a_failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(dir.path()).unwrap();
        ws.update(|b| b.add_task(task("one"))).unwrap();
        let before = fs::read(ws.board_path()).unwrap();
        let e = ws
            .update(|b| {
                b.set_status(1, Status::Done)?;
                b.set_status(99, Status::Done) // fails: #1 must stay todo
            })
            .unwrap_err();
        assert!(matches!(e, Error::TaskNotFound { id: 99 }));
        assert_eq!(fs::read(ws.board_path()).unwrap(), before);
    }

    #[test]
    fn a_damaged_board_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(dir.path()).unwrap();
        let broken = b"version: 1\ntasks: [\n";
        fs::write(ws.board_path(), broken).unwrap();
        assert!(matches!(
            ws.update(|b| b.add_task(task("x"))),
            Err(Error::Damaged { .. })
        ));
        assert_eq!(fs::read(ws.board_path()).unwrap(), broken);
    }

    #[test]
    fn threads_updating_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(dir.path()).unwrap();
        std::thread::scope(|s| {
            for t in 0..4 {
                let ws = &ws;
                s.spawn(move || {
                    for i in 0..10 {
                        ws.update(|b| b.add_task(task(&format!("t{t}-{i}"))))
                            .unwrap();
                    }
                });
            }
        });
        let board = ws.load().unwrap();
        assert_eq!(board.tasks.len(), 40);
        let mut ids: Vec<u64> = board.tasks.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=40).collect::<Vec<u64>>());
    }
}
