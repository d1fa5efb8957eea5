//! Watch mode: a save of an exercise or drill file re-checks it.
//!
//! A notify debouncer (250 ms) watches the workspace's `exercises/` and
//! `drills/` folders. A write to `NAME.rs` there becomes a
//! [`WatchEvent::Started`] and a check on the [`Checker`], which cancels
//! the check still running for an earlier save; every check ends in one
//! [`WatchEvent::Finished`] carrying the same job id (a superseded one
//! with `Err(Cancelled)`). Events are handed to a callback, so the TUI
//! can turn them into actions and the CLI can print them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::check::{CheckReport, CheckSpec, Checker};

/// What watch mode reports.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// A save started a check.
    Started { id: u64, name: String },
    /// A check ended (passed, failed, or cancelled by a newer save).
    Finished(CheckReport),
    /// A file was saved that cannot be checked (unknown name), or the
    /// watcher itself failed.
    Problem(String),
}

/// A running watch; dropping it stops watching and cancels the check.
pub struct Watch {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    checker: Arc<Checker>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").finish_non_exhaustive()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.checker.cancel();
    }
}

/// The exercise or drill name of a saved file, if it is one.
pub fn name_of(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components();
    let folder = parts.next()?.as_os_str().to_str()?;
    let file = parts.next()?.as_os_str().to_str()?;
    if parts.next().is_some() || !(folder == "exercises" || folder == "drills") {
        return None;
    }
    file.strip_suffix(".rs").map(str::to_string)
}

impl Watch {
    /// Watch the workspace at `root`. `spec` turns a saved file's name into
    /// what to check (`None`: not ours, ignored with a `Problem`);
    /// `on_event` receives every event, on watcher and checker threads.
    pub fn start(
        root: &Path,
        spec: impl Fn(&str) -> Result<CheckSpec, String> + Send + 'static,
        on_event: impl Fn(WatchEvent) + Send + Sync + 'static,
    ) -> Result<Watch, String> {
        let checker = Arc::new(Checker::new());
        let on_event = Arc::new(on_event);
        // Canonical, because notify reports canonical paths (macOS /private).
        let root: PathBuf = root
            .canonicalize()
            .map_err(|e| format!("{}: {e}", root.display()))?;
        let watched_root = root.clone();
        let c = Arc::clone(&checker);
        let events = Arc::clone(&on_event);
        let mut debouncer = new_debouncer(
            Duration::from_millis(250),
            None,
            move |res: DebounceEventResult| match res {
                Ok(batch) => {
                    let mut names: Vec<String> = batch
                        .into_iter()
                        .filter(|e| {
                            matches!(
                                e.event.kind,
                                notify::EventKind::Create(_) | notify::EventKind::Modify(_)
                            )
                        })
                        .flat_map(|e| e.event.paths)
                        .filter(|p| p.is_file())
                        .filter_map(|p| name_of(&watched_root, &p))
                        .collect();
                    names.sort();
                    names.dedup();
                    // Several files saved at once: the last one is checked
                    // (a check cancels the one before it anyway).
                    if let Some(name) = names.pop() {
                        match spec(&name) {
                            Ok(s) => {
                                let ev = Arc::clone(&events);
                                let id = c.start(s, move |report| ev(WatchEvent::Finished(report)));
                                events(WatchEvent::Started { id, name });
                            }
                            Err(e) => events(WatchEvent::Problem(e)),
                        }
                    }
                }
                Err(errors) => {
                    for e in errors {
                        events(WatchEvent::Problem(e.to_string()));
                    }
                }
            },
        )
        .map_err(|e| format!("cannot watch: {e}"))?;
        for folder in ["exercises", "drills"] {
            let dir = root.join(folder);
            if dir.is_dir() {
                debouncer
                    .watch(&dir, RecursiveMode::NonRecursive)
                    .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
            }
        }
        Ok(Watch {
            _debouncer: debouncer,
            checker,
        })
    }

    /// Check `spec` now (as a save would), cancelling a running check.
    pub fn check_now(
        &self,
        spec: CheckSpec,
        on_done: impl FnOnce(CheckReport) + Send + 'static,
    ) -> u64 {
        self.checker.start(spec, on_done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exercise_and_drill_files_have_names() {
        let root = Path::new("/w");
        assert_eq!(
            name_of(root, Path::new("/w/exercises/001-a.rs")).as_deref(),
            Some("001-a")
        );
        assert_eq!(
            name_of(root, Path::new("/w/drills/ownership-e0382.rs")).as_deref(),
            Some("ownership-e0382")
        );
        assert_eq!(name_of(root, Path::new("/w/exercises/001-a.tmp")), None);
        assert_eq!(
            name_of(root, Path::new("/w/offers/exercises/001-a.rs")),
            None
        );
        assert_eq!(name_of(root, Path::new("/w/target/x.rs")), None);
        assert_eq!(
            name_of(root, Path::new("/elsewhere/exercises/001-a.rs")),
            None
        );
    }
}
