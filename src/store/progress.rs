//! Checklist progress: one record per roadmap item id, in the `progress` tree.
//!
//! Records are never deleted by the app. An item that leaves the roadmap keeps
//! its record, and comes back with its history if the id returns.

use super::{Store, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const TREE: &str = "progress";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemProgress {
    pub done: bool,
    /// When the item was last marked done (kept after an undo, for history).
    #[serde(default)]
    pub done_at: Option<Timestamp>,
    /// Counter for items with a target (problems solved, days done...).
    #[serde(default)]
    pub count: u32,
    #[serde(default)]
    pub note: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ItemProgress {
    fn new(now: Timestamp) -> Self {
        ItemProgress {
            done: false,
            done_at: None,
            count: 0,
            note: String::new(),
            created_at: now,
            updated_at: now,
        }
    }
}

impl Store {
    pub fn progress(&self, id: &str) -> Result<Option<ItemProgress>, StoreError> {
        self.get_json(TREE, id)
    }

    /// Every progress record, including those of items no longer in the roadmap.
    pub fn all_progress(&self) -> Result<HashMap<String, ItemProgress>, StoreError> {
        Ok(self.scan_json(TREE)?.into_iter().collect())
    }

    /// Read-modify-write one record atomically (sled compare-and-swap loop),
    /// so a CLI call and the TUI can never lose each other's update.
    pub fn update_progress(
        &self,
        id: &str,
        now: Timestamp,
        f: impl Fn(&mut ItemProgress),
    ) -> Result<ItemProgress, StoreError> {
        let tree = self.tree(TREE)?;
        self.before_change();
        loop {
            let old = tree.get(id).map_err(|e| self.err(e))?;
            let mut rec = match &old {
                Some(bytes) => serde_json::from_slice(bytes).map_err(|e| StoreError::Damaged {
                    path: self.path.clone(),
                    detail: format!("record {TREE}/{id} is unreadable: {e}"),
                })?,
                None => ItemProgress::new(now),
            };
            f(&mut rec);
            rec.updated_at = now;
            let new = serde_json::to_vec(&rec).map_err(|e| StoreError::Io {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
            match tree
                .compare_and_swap(id, old, Some(new))
                .map_err(|e| self.err(e))?
            {
                Ok(()) => return Ok(rec),
                Err(_) => continue, // someone else wrote in between; retry
            }
        }
    }

    pub fn set_done(
        &self,
        id: &str,
        done: bool,
        now: Timestamp,
    ) -> Result<ItemProgress, StoreError> {
        self.update_progress(id, now, |p| {
            if done && !p.done {
                p.done_at = Some(now);
            }
            p.done = done;
        })
    }

    /// Add `delta` (may be negative) to an item's counter, never below zero.
    /// With a target, reaching it marks the item done and going below undoes it.
    pub fn add_count(
        &self,
        id: &str,
        delta: i64,
        target: Option<u32>,
        now: Timestamp,
    ) -> Result<ItemProgress, StoreError> {
        self.update_progress(id, now, |p| {
            // A counter never passes its target: 50 of 50 problems is done.
            let top = target.unwrap_or(u32::MAX);
            let n = (p.count as i64).saturating_add(delta).clamp(0, top as i64) as u32;
            p.count = n;
            if let Some(t) = target {
                let reached = n >= t;
                if reached && !p.done {
                    p.done_at = Some(now);
                }
                p.done = reached;
            }
        })
    }

    pub fn set_note(
        &self,
        id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<ItemProgress, StoreError> {
        self.update_progress(id, now, |p| p.note = note.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn done_undo_keeps_history() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let p = s.set_done("rust-book", true, ts(0)).unwrap();
        assert!(p.done);
        assert_eq!(p.done_at, Some(ts(0)));
        let p = s.set_done("rust-book", false, ts(5)).unwrap();
        assert!(!p.done);
        assert_eq!(p.done_at, Some(ts(0)));
        assert_eq!(p.created_at, ts(0));
        assert_eq!(p.updated_at, ts(5));
    }

    #[test]
    fn counter_reaches_target_and_clamps_at_zero() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let p = s.add_count("leetcode-30", 29, Some(30), ts(0)).unwrap();
        assert!(!p.done);
        let p = s.add_count("leetcode-30", 1, Some(30), ts(1)).unwrap();
        assert!(p.done);
        assert_eq!(p.count, 30);
        let p = s.add_count("leetcode-30", -100, Some(30), ts(2)).unwrap();
        assert_eq!(p.count, 0);
        assert!(!p.done);
    }

    #[test]
    fn progress_survives_reopen_and_unknown_ids_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            s.set_done("an-item-that-was-removed", true, ts(0)).unwrap();
            s.set_note("rust-book", "chapter 4 twice", ts(0)).unwrap();
            s.flush().unwrap();
        }
        let s = Store::open(dir.path()).unwrap();
        let all = s.all_progress().unwrap();
        assert!(all["an-item-that-was-removed"].done);
        assert_eq!(all["rust-book"].note, "chapter 4 twice");
    }
}
