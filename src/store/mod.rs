//! The learner's own data, in sled.
//!
//! Content (what ships in the repo) and progress (what the learner did) are
//! kept apart and joined by stable item ids: editing `roadmap.yaml` never
//! touches this store, and a record whose item left the YAML is kept as it
//! is. Each kind of record has its own sled tree holding JSON values; the
//! `meta` tree holds the schema version, checked on every open so an older
//! binary never rewrites a newer store.
//!
//! A store that cannot be opened (damaged, locked by a running megarepo,
//! newer schema) is reported with its path and left exactly as it was.

pub mod progress;

use serde::{Serialize, de::DeserializeOwned};
use std::path::{Path, PathBuf};

pub use progress::ItemProgress;

/// Version of the layout of the trees below. Bump it with a migration.
///
/// - 1: progress, sessions, journal, study settings, ui.
/// - 2: adds the study totals (`study_days`, `study_items`, `study_starts`,
///   `study_open` and `meta/study_totals`, see `study::stored`), kept in
///   step with every session write. The migration from 1 writes nothing
///   but the version: the totals are missing, and missing totals are
///   rebuilt from the sessions on first use. The version is raised on open
///   so that an older megarepo, which would write sessions without the
///   totals, refuses the store instead of leaving the totals stale.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("data folder {0} exists but is not a folder")]
    NotADir(PathBuf),
    #[error("cannot create data folder {path}: {message}")]
    CreateDir { path: PathBuf, message: String },
    #[error(
        "the store at {0} is in use by another running megarepo; close that one first (nothing was changed)"
    )]
    Locked(PathBuf),
    #[error(
        "the store at {path} is damaged ({detail}); it was left untouched, move it aside to start afresh"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "the store at {path} has schema version {found}, newer than this megarepo understands ({supported}); update megarepo"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("store at {path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// The open store. Cheap to clone (sled handles are reference counted).
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    /// Serialises read-modify-write updates that span trees within this
    /// process (a session and the study totals); other processes are kept
    /// out by sled's lock on the whole store.
    writes: std::sync::Arc<std::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Files in the data folder derived from the store, kept so that a command
/// can answer without opening it (`megarepo stats`, see
/// `study::stats_cache`). Every write to the store removes them first
/// ([`Store::before_change`]); whoever recomputes writes them again.
pub const DERIVED_FILES: &[&str] = &["stats.json"];

/// The platform's data folder for megarepo, used when neither `--data-dir`
/// nor `MEGAREPO_HOME` is given.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "megarepo")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".megarepo"))
}

/// Make sure `dir` is a folder we can use, creating it if needed.
pub fn prepare_data_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.exists() && !dir.is_dir() {
        return Err(StoreError::NotADir(dir.to_path_buf()));
    }
    std::fs::create_dir_all(dir).map_err(|e| StoreError::CreateDir {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })
}

impl Store {
    /// Open (or create) the store inside the data folder `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        prepare_data_dir(data_dir)?;
        let path = data_dir.join("store");
        if path.exists() && !path.is_dir() {
            return Err(StoreError::Damaged {
                path,
                detail: "expected a folder, found a file".into(),
            });
        }
        let config = sled::Config::new()
            .path(&path)
            // The learner's data is small; a modest cache keeps RSS low.
            .cache_capacity(8 * 1024 * 1024);
        // A megarepo that is just closing (or a handle just dropped in this
        // process) keeps the lock until sled's flusher thread exits: wait a
        // moment before calling the store "in use".
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        let db = loop {
            match config.open().map_err(|e| classify(&path, e)) {
                Err(StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                other => break other?,
            }
        };
        let store = Store {
            db,
            path,
            writes: Default::default(),
        };
        store.check_schema()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data folder the store lives in; panes keep their own files
    /// (a key-value store, scratch space) beside it.
    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(&self.path)
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.tree("meta")?;
        match meta
            .get("schema_version")
            .map_err(|e| classify(&self.path, e))?
        {
            Some(v) => {
                let found = std::str::from_utf8(&v)
                    .ok()
                    .and_then(|s| s.parse::<u32>().ok())
                    .ok_or_else(|| StoreError::Damaged {
                        path: self.path.clone(),
                        detail: "unreadable schema version".into(),
                    })?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                if found < SCHEMA_VERSION {
                    // Every migration so far only adds trees that are
                    // rebuilt when missing (see SCHEMA_VERSION).
                    meta.insert("schema_version", SCHEMA_VERSION.to_string().as_bytes())
                        .map_err(|e| classify(&self.path, e))?;
                }
            }
            None => {
                meta.insert("schema_version", SCHEMA_VERSION.to_string().as_bytes())
                    .map_err(|e| classify(&self.path, e))?;
            }
        }
        Ok(())
    }

    /// A named tree of records. Modules that own a kind of record (progress,
    /// sessions, journal, settings) each use their own tree.
    pub fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        self.db.open_tree(name).map_err(|e| classify(&self.path, e))
    }

    /// Read one JSON record.
    pub fn get_json<T: DeserializeOwned>(
        &self,
        tree: &str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let t = self.tree(tree)?;
        match t.get(key).map_err(|e| classify(&self.path, e))? {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Damaged {
                        path: self.path.clone(),
                        detail: format!("record {tree}/{key} is unreadable: {e}"),
                    })
            }
        }
    }

    /// Write one JSON record (atomic for that key).
    pub fn put_json<T: Serialize>(
        &self,
        tree: &str,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Io {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        self.before_change();
        self.tree(tree)?
            .insert(key, bytes)
            .map_err(|e| classify(&self.path, e))?;
        Ok(())
    }

    /// Called before every write: removes the files derived from the store
    /// ([`DERIVED_FILES`]) so none is ever older than the data. A crash
    /// after this leaves no file, and the next reader recomputes. A file
    /// that cannot be removed is logged (as for the status file).
    pub fn before_change(&self) {
        for name in DERIVED_FILES {
            match std::fs::remove_file(self.data_dir().join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!("could not remove {name}: {e}"),
            }
        }
    }

    /// Every record of a tree, in key order. Unreadable records are an
    /// error naming the key, not silently skipped.
    pub fn scan_json<T: DeserializeOwned>(
        &self,
        tree: &str,
    ) -> Result<Vec<(String, T)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree(tree)?.iter() {
            let (k, v) = kv.map_err(|e| classify(&self.path, e))?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let value = serde_json::from_slice(&v).map_err(|e| StoreError::Damaged {
                path: self.path.clone(),
                detail: format!("record {tree}/{key} is unreadable: {e}"),
            })?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// Make every write so far durable. The CLI calls this before it exits;
    /// the TUI relies on sled's periodic flush plus a flush on quit.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| classify(&self.path, e))?;
        Ok(())
    }

    /// Held while one update reads and writes several trees (a session and
    /// the totals derived from it), so two threads of this process never
    /// interleave such updates.
    pub fn write_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        // The guarded value is `()`: a panic while holding it cannot leave
        // anything half-changed in memory, so a poisoned lock is still fine.
        self.writes.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn err(&self, e: sled::Error) -> StoreError {
        classify(&self.path, e)
    }
}

/// Turn a sled error into one a person can act on.
fn classify(path: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) => {
            let text = io.to_string();
            if text.contains("could not acquire lock")
                || io.kind() == std::io::ErrorKind::WouldBlock
            {
                StoreError::Locked(path.to_path_buf())
            } else {
                StoreError::Io {
                    path: path.to_path_buf(),
                    message: text,
                }
            }
        }
        sled::Error::Corruption { at, .. } => StoreError::Damaged {
            path: path.to_path_buf(),
            detail: match at {
                Some(at) => format!("corrupt data at {at:?}"),
                None => "corrupt data".into(),
            },
        },
        sled::Error::Unsupported(m) | sled::Error::ReportableBug(m) => StoreError::Damaged {
            path: path.to_path_buf(),
            detail: m,
        },
        other => StoreError::Io {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let err = Store::open(&file).unwrap_err();
        assert!(matches!(err, StoreError::NotADir(_)), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    }

    #[test]
    fn second_open_in_another_process_is_locked_but_clone_is_fine() {
        // sled's lock is per process (flock); within one process a second
        // `open` of the same path also fails, which is what we test here.
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path()).unwrap();
        let b = Store::open(dir.path());
        match b {
            Err(StoreError::Locked(p)) => assert_eq!(p, dir.path().join("store")),
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(a);
        // sled's background flusher holds the database a moment after the
        // last handle is dropped; the lock goes with it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match Store::open(dir.path()) {
                Ok(_) => break,
                Err(StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                Err(e) => panic!("reopen after drop failed: {e}"),
            }
        }
    }

    #[test]
    fn newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            s.tree("meta")
                .unwrap()
                .insert("schema_version", "99")
                .unwrap();
            s.flush().unwrap();
        }
        let err = Store::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found: 99, .. }),
            "{err}"
        );
        // Still 99: nothing was rewritten.
        drop(err);
        let db = sled::open(dir.path().join("store")).unwrap();
        let v = db
            .open_tree("meta")
            .unwrap()
            .get("schema_version")
            .unwrap()
            .unwrap();
        assert_eq!(&v[..], b"99");
    }

    #[test]
    fn json_roundtrip_and_damaged_record() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.put_json("t", "k", &vec![1, 2, 3]).unwrap();
        assert_eq!(
            s.get_json::<Vec<i32>>("t", "k").unwrap(),
            Some(vec![1, 2, 3])
        );
        s.tree("t").unwrap().insert("bad", "{not json").unwrap();
        let err = s.get_json::<Vec<i32>>("t", "bad").unwrap_err();
        assert!(err.to_string().contains("t/bad"), "{err}");
    }
}
