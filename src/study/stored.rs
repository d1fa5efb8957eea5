//! Study records in the learner's store, and the totals kept beside them.
//!
//! Sessions, journal entries and study settings live in their own sled trees
//! of the shared [`Store`], as JSON: `sessions` keyed by a zero-padded id
//! (so key order is creation order), `journal` keyed by `YYYY-MM-DD`, and
//! `study` holding the settings, the rhythm and the roadmap start date. The
//! store is locked by one process at a time, so an open, non-detached session
//! found here when the store is opened was left running by a process that
//! is gone: that is how a crash or a closed terminal is detected.
//!
//! **Totals** (schema 2): every session write also updates, in the same
//! sled transaction, what the statistics need (see `study::totals`):
//!
//! - `study_days`: `YYYY-MM-DD` → `{"reading":s,"coding":s,"travel":n}`,
//!   seconds per mode on that local date and the number of session pairs
//!   that jumped over it; a date with nothing left has no record.
//! - `study_items`: item id → `{"reading":s,"coding":s}`.
//! - `study_starts`: 24-byte key (start in ns, sign-flipped, big-endian;
//!   then the id, big-endian) → the session's zone name: timed sessions in
//!   the order the travel rule walks them, to find a session's neighbours.
//! - `study_open`: session key → empty, the sessions still running or
//!   paused (so opening the timer reads one record, not every session).
//! - `meta/study_totals`: JSON [`TotalsMeta`]: the format, a generation
//!   bumped by every write, the fallback zone used for unresolvable zone
//!   names, and checksums (record count, seconds per mode) that a reader
//!   compares with what it read.
//!
//! Totals that are missing (a store from schema 1, a crash during a
//! rebuild), stale (another format, another fallback zone while some
//! zone is unresolvable) or damaged (a record that does not parse, a
//! negative sum, checksums that disagree) are never used: they are rebuilt
//! from the sessions, and the damage is reported by the caller.

use std::collections::BTreeMap;
use std::ops::Bound;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::days::ModeSplit;
use super::journal::JournalEntry;
use super::pomodoro::Rhythm;
use super::session::Session;
use super::stats::StudySettings;
use super::timefmt::zone_name;
use super::totals::{self, Anchor, DayTotal, Delta, Totals};
use crate::store::{Store, StoreError};

const SESSIONS: &str = "sessions";
const JOURNAL: &str = "journal";
const STUDY: &str = "study";
const DAYS: &str = "study_days";
const ITEMS: &str = "study_items";
const STARTS: &str = "study_starts";
const OPEN: &str = "study_open";
const META: &str = "meta";
const TOTALS_KEY: &str = "study_totals";
/// In `meta`: the highest id of a removed session, never given out again.
const RETIRED_KEY: &str = "study_retired_id";

/// The study domain's view of the store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StudyStore {
    store: Store,
    /// The learner's current zone: time of a session whose zone name this
    /// machine cannot resolve is counted in it (as `study_days` does).
    fallback: TimeZone,
}

fn session_key(id: u64) -> String {
    format!("{id:020}")
}

/// What `meta/study_totals` records about the totals beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsMeta {
    pub format: u32,
    /// Bumped by every write that changes sessions.
    pub generation: u64,
    /// The fallback zone the totals were computed with.
    pub fallback: String,
    /// Timed sessions whose zone name did not resolve (counted in `fallback`).
    pub unresolved: i64,
    /// Checksums: records in `study_days`, and their seconds per mode.
    pub days: i64,
    pub reading: i64,
    pub coding: i64,
}

/// The state of the stored totals, as a reader found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotalsState {
    Ready(Totals),
    Missing,
    Stale(String),
    Damaged(String),
}

/// Why totals were rebuilt (reported: damage as a warning the learner sees,
/// the rest in the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rebuilt {
    #[error("the study totals were missing; rebuilt them from the sessions")]
    Missing,
    #[error("the study totals were out of date ({0}); rebuilt them from the sessions")]
    Stale(String),
    #[error(
        "the study totals in the store were damaged ({0}); they were not used, and were rebuilt from the sessions"
    )]
    Damaged(String),
}

/// What one session write does to the totals and their indexes.
struct Plan {
    meta: TotalsMeta,
    delta: Delta,
    starts_remove: Vec<[u8; 24]>,
    starts_put: Vec<([u8; 24], String)>,
    open: Option<bool>,
}

fn damaged(detail: String) -> ConflictableTransactionError<String> {
    ConflictableTransactionError::Abort(detail)
}

impl StudyStore {
    /// The study records of `store`, with the system's zone as the fallback.
    pub fn new(store: Store) -> Self {
        Self::with_fallback(store, super::clock::system_zone())
    }

    /// With an explicit fallback zone (a command's clock, a test).
    pub fn with_fallback(store: Store, fallback: TimeZone) -> Self {
        StudyStore { store, fallback }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn fallback_name(&self) -> String {
        zone_name(&self.fallback, Timestamp::UNIX_EPOCH)
    }

    /// Every session, oldest first. Reads every record: for statistics use
    /// [`StudyStore::totals`].
    pub fn sessions(&self) -> Result<Vec<Session>, StoreError> {
        Ok(self
            .store
            .scan_json::<Session>(SESSIONS)?
            .into_iter()
            .map(|(_, s)| s)
            .collect())
    }

    /// Every session as of `now`: detached sessions still running are
    /// counted up to `now` (in the returned copies; nothing is written).
    pub fn sessions_at(&self, now: Timestamp) -> Result<Vec<Session>, StoreError> {
        let mut all = self.sessions()?;
        for s in &mut all {
            if s.is_detached() {
                s.checkpoint(now);
            }
        }
        Ok(all)
    }

    pub fn session(&self, id: u64) -> Result<Option<Session>, StoreError> {
        self.store.get_json(SESSIONS, &session_key(id))
    }

    /// Writes (creates or replaces) one session record, and updates the
    /// totals in the same transaction.
    pub fn save_session(&self, s: &Session) -> Result<(), StoreError> {
        self.write_session(s.id, Some(s)).map(|_| ())
    }

    /// Removes one session record (and its share of the totals). Returns
    /// the removed session, or `None` when there was none with that id.
    pub fn remove_session(&self, id: u64) -> Result<Option<Session>, StoreError> {
        // An id is never given out twice (the learner may have noted it):
        // the highest removed one is kept, before the session goes, so a
        // crash in between only skips an id.
        if self.session(id)?.is_some() {
            let meta = self.store.tree(META)?;
            if self.retired_max()? < id {
                meta.insert(RETIRED_KEY, id.to_string().as_bytes())
                    .map_err(|e| self.store.err(e))?;
            }
        }
        self.write_session(id, None)
    }

    /// The highest id of a removed session (0 if none was removed).
    fn retired_max(&self) -> Result<u64, StoreError> {
        let meta = self.store.tree(META)?;
        let v = meta.get(RETIRED_KEY).map_err(|e| self.store.err(e))?;
        Ok(
            v.and_then(|b| std::str::from_utf8(&b).ok()?.parse::<u64>().ok())
                .unwrap_or(0),
        )
    }

    fn write_session(&self, id: u64, new: Option<&Session>) -> Result<Option<Session>, StoreError> {
        let _guard = self.store.write_lock();
        // A prompt must never show a line older than the data: the status
        // file goes before the change and is written again after it.
        super::status::invalidate(self.store.data_dir());
        self.store.before_change();
        let (old, old_damage) = match self.session(id) {
            Ok(old) => (old, None),
            // The record being replaced is unreadable: it can be replaced,
            // but its share of the totals is unknown.
            Err(StoreError::Damaged { detail, .. }) if new.is_some() => (None, Some(detail)),
            Err(e) => return Err(e),
        };
        if new.is_none() && old.is_none() {
            return Ok(None);
        }
        let plan = match old_damage {
            Some(detail) => Err(detail),
            None => self.plan(old.as_ref(), new),
        };
        let key = session_key(id);
        let body = new.map(|s| self.json(s)).transpose()?;
        let trees = (
            self.store.tree(SESSIONS)?,
            self.store.tree(DAYS)?,
            self.store.tree(ITEMS)?,
            self.store.tree(STARTS)?,
            self.store.tree(OPEN)?,
            self.store.tree(META)?,
        );
        let result = match &plan {
            Ok(Some(plan)) => (&trees.0, &trees.1, &trees.2, &trees.3, &trees.4, &trees.5)
                .transaction(|(ss, dd, ii, st, op, mt)| {
                    match &body {
                        Some(b) => ss.insert(key.as_bytes(), b.as_slice())?,
                        None => ss.remove(key.as_bytes())?,
                    };
                    let mut meta = plan.meta.clone();
                    for (date, d) in &plan.delta.days {
                        let k = date.to_string();
                        let had = dd.get(k.as_bytes())?;
                        let mut next: DayTotal = match &had {
                            Some(b) => serde_json::from_slice(b)
                                .map_err(|e| damaged(format!("record {DAYS}/{k}: {e}")))?,
                            None => DayTotal::default(),
                        };
                        next.reading += d.reading;
                        next.coding += d.coding;
                        next.travel += d.travel;
                        if !next.is_valid() {
                            return Err(damaged(format!(
                                "record {DAYS}/{k} would go negative: it did not match the sessions"
                            )));
                        }
                        if next.is_empty() {
                            if had.is_some() {
                                dd.remove(k.as_bytes())?;
                                meta.days -= 1;
                            }
                        } else {
                            let v = serde_json::to_vec(&next)
                                .map_err(|e| damaged(e.to_string()))?;
                            dd.insert(k.as_bytes(), v)?;
                            if had.is_none() {
                                meta.days += 1;
                            }
                        }
                        meta.reading += d.reading;
                        meta.coding += d.coding;
                    }
                    for (item, d) in &plan.delta.items {
                        let had = ii.get(item.as_bytes())?;
                        let mut next: ModeSplit = match &had {
                            Some(b) => serde_json::from_slice(b)
                                .map_err(|e| damaged(format!("record {ITEMS}/{item}: {e}")))?,
                            None => ModeSplit::default(),
                        };
                        next.merge(d);
                        if next.reading < 0 || next.coding < 0 {
                            return Err(damaged(format!(
                                "record {ITEMS}/{item} would go negative: it did not match the sessions"
                            )));
                        }
                        if next.total() == 0 {
                            ii.remove(item.as_bytes())?;
                        } else {
                            let v = serde_json::to_vec(&next)
                                .map_err(|e| damaged(e.to_string()))?;
                            ii.insert(item.as_bytes(), v)?;
                        }
                    }
                    for k in &plan.starts_remove {
                        st.remove(&k[..])?;
                    }
                    for (k, zone) in &plan.starts_put {
                        st.insert(&k[..], zone.as_bytes())?;
                    }
                    match plan.open {
                        Some(true) => {
                            op.insert(key.as_bytes(), &[][..])?;
                        }
                        Some(false) => {
                            op.remove(key.as_bytes())?;
                        }
                        None => {}
                    }
                    meta.unresolved += plan.delta.unresolved;
                    meta.generation += 1;
                    let m = serde_json::to_vec(&meta).map_err(|e| damaged(e.to_string()))?;
                    mt.insert(TOTALS_KEY, m)?;
                    Ok(())
                }),
            // Totals not in use (missing or stale: rebuilt on next read), or
            // found damaged while planning: write the session alone, and
            // leave a marker so the next reader reports and rebuilds.
            other => {
                let marker = match other {
                    Err(detail) => Some(detail.clone()),
                    _ => None,
                };
                return self.write_alone(&trees.0, &trees.5, &key, body, marker, old);
            }
        };
        match result {
            Ok(()) => Ok(old),
            Err(TransactionError::Abort(detail)) => {
                self.write_alone(&trees.0, &trees.5, &key, body, Some(detail), old)
            }
            Err(TransactionError::Storage(e)) => Err(self.store.err(e)),
        }
    }

    /// Writes or removes the session without touching the totals; with a
    /// `damage` detail, marks the totals damaged in the same transaction.
    fn write_alone(
        &self,
        sessions: &sled::Tree,
        meta: &sled::Tree,
        key: &str,
        body: Option<Vec<u8>>,
        damage: Option<String>,
        old: Option<Session>,
    ) -> Result<Option<Session>, StoreError> {
        let marker = damage.map(|d| format!("damaged: {d}"));
        (sessions, meta)
            .transaction(|(ss, mt)| {
                match &body {
                    Some(b) => ss.insert(key.as_bytes(), b.as_slice())?,
                    None => ss.remove(key.as_bytes())?,
                };
                if let Some(m) = &marker {
                    // Not JSON on purpose: a reader cannot mistake it for
                    // usable totals, and reports what it says.
                    mt.insert(TOTALS_KEY, m.as_bytes())?;
                }
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                TransactionError::Storage(e) => self.store.err(e),
                TransactionError::Abort(()) => StoreError::Io {
                    path: self.store.path().to_path_buf(),
                    message: "session write aborted".into(),
                },
            })?;
        Ok(old)
    }

    /// Reads the totals' meta record: `Ok(None)` when absent, `Err` with
    /// the reason when it cannot be used.
    fn meta(&self) -> Result<Result<Option<TotalsMeta>, TotalsState>, StoreError> {
        let tree = self.store.tree(META)?;
        let Some(bytes) = tree.get(TOTALS_KEY).map_err(|e| self.store.err(e))? else {
            return Ok(Ok(None));
        };
        if let Some(detail) = bytes.strip_prefix(b"damaged: ") {
            return Ok(Err(TotalsState::Damaged(
                String::from_utf8_lossy(detail).into_owned(),
            )));
        }
        let meta: TotalsMeta = match serde_json::from_slice(&bytes) {
            Ok(m) => m,
            Err(e) => {
                return Ok(Err(TotalsState::Damaged(format!(
                    "record {META}/{TOTALS_KEY}: {e}"
                ))));
            }
        };
        if meta.format != totals::FORMAT {
            return Ok(Err(TotalsState::Stale(format!(
                "format {} where this megarepo writes {}",
                meta.format,
                totals::FORMAT
            ))));
        }
        if meta.unresolved > 0 && meta.fallback != self.fallback_name() {
            return Ok(Err(TotalsState::Stale(format!(
                "{} session(s) in unknown zones were counted in {}, the learner is now in {}",
                meta.unresolved,
                meta.fallback,
                self.fallback_name()
            ))));
        }
        Ok(Ok(Some(meta)))
    }

    /// The plan for replacing `old` by `new`: `Ok(None)` when the totals
    /// are not in use, `Err` with a detail when the index is damaged.
    fn plan(&self, old: Option<&Session>, new: Option<&Session>) -> Result<Option<Plan>, String> {
        let meta = match self.meta() {
            Ok(Ok(Some(m))) => m,
            Ok(Ok(None)) | Ok(Err(_)) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let unresolved_here = [old, new]
            .into_iter()
            .flatten()
            .any(|s| s.timed().is_some() && super::timefmt::zone_from_name(&s.zone).is_none());
        if unresolved_here && meta.fallback != self.fallback_name() {
            // Counting this session in our zone would mix two fallbacks.
            return Ok(None);
        }
        let fb = &self.fallback;
        let mut delta = Delta::default();
        if let Some(o) = old {
            delta.session(o, fb, -1);
        }
        if let Some(n) = new {
            delta.session(n, fb, 1);
        }
        let old_a = old.and_then(Anchor::of);
        let new_a = new.and_then(Anchor::of);
        let mut starts_remove = Vec::new();
        let mut starts_put = Vec::new();
        if old_a != new_a {
            if let Some(a) = &old_a {
                let (p, n) = self.neighbours(a, None).map_err(|e| e.to_string())?;
                if let Some(p) = &p {
                    delta.pair(p, a, fb, -1);
                }
                if let Some(n) = &n {
                    delta.pair(a, n, fb, -1);
                }
                if let (Some(p), Some(n)) = (&p, &n) {
                    delta.pair(p, n, fb, 1);
                }
                starts_remove.push(a.key());
            }
            if let Some(a) = &new_a {
                let skip = old_a.as_ref().map(Anchor::key);
                let (p, n) = self.neighbours(a, skip).map_err(|e| e.to_string())?;
                if let (Some(p), Some(n)) = (&p, &n) {
                    delta.pair(p, n, fb, -1);
                }
                if let Some(p) = &p {
                    delta.pair(p, a, fb, 1);
                }
                if let Some(n) = &n {
                    delta.pair(a, n, fb, 1);
                }
                starts_put.push((a.key(), a.zone.clone()));
            }
        }
        delta.prune();
        let was_open = old.is_some_and(Session::is_open);
        let is_open = new.is_some_and(Session::is_open);
        Ok(Some(Plan {
            meta,
            delta,
            starts_remove,
            starts_put,
            open: (was_open != is_open).then_some(is_open),
        }))
    }

    /// The timed sessions just before and just after `a` in start order,
    /// leaving out the index entry `skip` (the old place of the session
    /// being moved).
    fn neighbours(
        &self,
        a: &Anchor,
        skip: Option<[u8; 24]>,
    ) -> Result<(Option<Anchor>, Option<Anchor>), StoreError> {
        let tree = self.store.tree(STARTS)?;
        let key = a.key();
        let decode =
            |kv: sled::Result<(sled::IVec, sled::IVec)>| -> Result<Option<Anchor>, StoreError> {
                let (k, v) = kv.map_err(|e| self.store.err(e))?;
                if skip.is_some_and(|s| s[..] == k[..]) {
                    return Ok(None);
                }
                Anchor::from_entry(&k, &v)
                    .map(Some)
                    .ok_or_else(|| StoreError::Damaged {
                        path: self.store.path().to_path_buf(),
                        detail: format!("index {STARTS} has an unreadable entry"),
                    })
            };
        let mut prev = None;
        for kv in tree.range(..key.to_vec()).rev() {
            if let Some(a) = decode(kv)? {
                prev = Some(a);
                break;
            }
        }
        let mut next = None;
        for kv in tree.range((Bound::Excluded(key.to_vec()), Bound::Unbounded)) {
            if let Some(a) = decode(kv)? {
                next = Some(a);
                break;
            }
        }
        Ok((prev, next))
    }

    /// The stored totals as they are, checked but never repaired here.
    pub fn load_totals(&self) -> Result<TotalsState, StoreError> {
        let meta = match self.meta()? {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(TotalsState::Missing),
            Err(state) => return Ok(state),
        };
        let mut t = Totals {
            unresolved: meta.unresolved,
            ..Totals::default()
        };
        let (mut count, mut reading, mut coding) = (0i64, 0i64, 0i64);
        for kv in self.store.tree(DAYS)?.iter() {
            let (k, v) = kv.map_err(|e| self.store.err(e))?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let Ok(date) = key.parse::<Date>() else {
                return Ok(TotalsState::Damaged(format!(
                    "record {DAYS}/{key}: not a date"
                )));
            };
            let d: DayTotal = match serde_json::from_slice(&v) {
                Ok(d) => d,
                Err(e) => {
                    return Ok(TotalsState::Damaged(format!("record {DAYS}/{key}: {e}")));
                }
            };
            if !d.is_valid() || d.is_empty() {
                return Ok(TotalsState::Damaged(format!(
                    "record {DAYS}/{key} holds impossible sums {d:?}"
                )));
            }
            count += 1;
            reading += d.reading;
            coding += d.coding;
            t.days.insert(date, d);
        }
        if (count, reading, coding) != (meta.days, meta.reading, meta.coding) {
            return Ok(TotalsState::Damaged(format!(
                "{DAYS} holds {count} dates with {reading} s reading and {coding} s coding, its checksum says {} dates, {} s and {} s",
                meta.days, meta.reading, meta.coding
            )));
        }
        for kv in self.store.tree(ITEMS)?.iter() {
            let (k, v) = kv.map_err(|e| self.store.err(e))?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let s: ModeSplit = match serde_json::from_slice(&v) {
                Ok(s) => s,
                Err(e) => {
                    return Ok(TotalsState::Damaged(format!("record {ITEMS}/{key}: {e}")));
                }
            };
            if s.reading < 0 || s.coding < 0 || s.total() == 0 {
                return Ok(TotalsState::Damaged(format!(
                    "record {ITEMS}/{key} holds impossible sums {s:?}"
                )));
            }
            t.items.insert(key, s);
        }
        let per_item = t.items.values().fold(ModeSplit::default(), |mut a, s| {
            a.merge(s);
            a
        });
        if per_item.reading > reading || per_item.coding > coding {
            return Ok(TotalsState::Damaged(format!(
                "{ITEMS} adds up to more study than {DAYS}"
            )));
        }
        Ok(TotalsState::Ready(t))
    }

    /// Recomputes the totals and their indexes from every session and
    /// writes them. Reads every session: callers on a UI thread run it as a
    /// background job.
    pub fn rebuild_totals(&self) -> Result<Totals, StoreError> {
        let _guard = self.store.write_lock();
        let sessions = self.sessions()?;
        let t = Totals::from_sessions(&sessions, &self.fallback);
        let meta_tree = self.store.tree(META)?;
        let err = |e| self.store.err(e);
        // Meta first out and last in: a crash in between leaves the totals
        // missing, so the next reader rebuilds them again.
        meta_tree.remove(TOTALS_KEY).map_err(err)?;
        let mut batches: BTreeMap<&str, sled::Batch> = BTreeMap::new();
        for name in [DAYS, ITEMS, STARTS, OPEN] {
            self.store.tree(name)?.clear().map_err(err)?;
            batches.insert(name, sled::Batch::default());
        }
        let mut meta = TotalsMeta {
            format: totals::FORMAT,
            generation: 0,
            fallback: self.fallback_name(),
            unresolved: t.unresolved,
            days: 0,
            reading: 0,
            coding: 0,
        };
        for (date, d) in &t.days {
            meta.days += 1;
            meta.reading += d.reading;
            meta.coding += d.coding;
            if let Some(b) = batches.get_mut(DAYS) {
                b.insert(date.to_string().as_bytes(), self.json(d)?);
            }
        }
        for (item, s) in &t.items {
            if let Some(b) = batches.get_mut(ITEMS) {
                b.insert(item.as_bytes(), self.json(s)?);
            }
        }
        for s in &sessions {
            if let (Some(a), Some(b)) = (Anchor::of(s), batches.get_mut(STARTS)) {
                b.insert(&a.key()[..], a.zone.as_bytes());
            }
            if s.is_open()
                && let Some(b) = batches.get_mut(OPEN)
            {
                b.insert(session_key(s.id).as_bytes(), &[][..]);
            }
        }
        for (name, batch) in batches {
            self.store.tree(name)?.apply_batch(batch).map_err(err)?;
        }
        meta_tree
            .insert(TOTALS_KEY, self.json(&meta)?)
            .map_err(err)?;
        self.store.flush()?;
        Ok(t)
    }

    fn json<T: Serialize>(&self, v: &T) -> Result<Vec<u8>, StoreError> {
        serde_json::to_vec(v).map_err(|e| StoreError::Io {
            path: self.store.path().to_path_buf(),
            message: e.to_string(),
        })
    }

    /// The totals, rebuilt first when they cannot be used; the second value
    /// says why they were rebuilt, for the caller to report.
    pub fn totals(&self) -> Result<(Totals, Option<Rebuilt>), StoreError> {
        let why = match self.load_totals()? {
            TotalsState::Ready(t) => return Ok((t, None)),
            TotalsState::Missing => Rebuilt::Missing,
            TotalsState::Stale(s) => Rebuilt::Stale(s),
            TotalsState::Damaged(s) => Rebuilt::Damaged(s),
        };
        Ok((self.rebuild_totals()?, Some(why)))
    }

    /// The stored totals when they can be used as they are, without
    /// rebuilding: `None` means a rebuild (a history scan) is needed first.
    pub fn totals_if_ready(&self) -> Result<Option<Totals>, StoreError> {
        Ok(match self.load_totals()? {
            TotalsState::Ready(t) => Some(t),
            _ => None,
        })
    }

    /// A fresh session id: one more than the largest stored or removed.
    pub fn next_session_id(&self) -> Result<u64, StoreError> {
        let tree = self.store.tree(SESSIONS)?;
        let last = tree.last().map_err(|e| self.store.err(e))?;
        let max = last
            .and_then(|(k, _)| std::str::from_utf8(&k).ok()?.parse::<u64>().ok())
            .unwrap_or(0);
        Ok(max.max(self.retired_max()?) + 1)
    }

    /// Sessions still running or paused, oldest first. Reads the open index
    /// when the totals are in use, else every session.
    pub fn open_sessions(&self) -> Result<Vec<Session>, StoreError> {
        if let Ok(Some(_)) = self.meta()? {
            let mut out = Vec::new();
            for kv in self.store.tree(OPEN)?.iter() {
                let (k, _) = kv.map_err(|e| self.store.err(e))?;
                let id = std::str::from_utf8(&k)
                    .ok()
                    .and_then(|t| t.parse::<u64>().ok());
                // The record decides; the index only says where to look.
                if let Some(s) = id.map(|id| self.session(id)).transpose()?.flatten()
                    && s.is_open()
                {
                    out.push(s);
                }
            }
            return Ok(out);
        }
        Ok(self
            .sessions()?
            .into_iter()
            .filter(Session::is_open)
            .collect())
    }

    pub fn settings(&self) -> Result<StudySettings, StoreError> {
        Ok(self.store.get_json(STUDY, "settings")?.unwrap_or_default())
    }

    /// Saves settings after checking their ranges; bad settings change nothing.
    pub fn save_settings(&self, s: &StudySettings) -> Result<(), SaveSettingsError> {
        s.validate()?;
        super::status::invalidate(self.store.data_dir());
        Ok(self.store.put_json(STUDY, "settings", s)?)
    }

    pub fn rhythm(&self) -> Result<Option<Rhythm>, StoreError> {
        self.store.get_json(STUDY, "rhythm")
    }

    /// Turns the pomodoro rhythm on (`Some`) or off (`None`).
    pub fn save_rhythm(&self, r: Option<&Rhythm>) -> Result<(), SaveSettingsError> {
        match r {
            Some(r) => {
                r.validate()?;
                Ok(self.store.put_json(STUDY, "rhythm", r)?)
            }
            None => {
                let tree = self.store.tree(STUDY)?;
                self.store.before_change();
                tree.remove("rhythm").map_err(|e| self.store.err(e))?;
                Ok(())
            }
        }
    }

    /// Whether the end of a pomodoro phase rings the terminal bell (on
    /// unless turned off with `timer settings --bell off`).
    pub fn bell(&self) -> Result<bool, StoreError> {
        Ok(self.store.get_json::<bool>(STUDY, "bell")?.unwrap_or(true))
    }

    pub fn save_bell(&self, on: bool) -> Result<(), StoreError> {
        self.store.put_json(STUDY, "bell", &on)
    }

    /// The roadmap start date, if set.
    pub fn start_date(&self) -> Result<Option<Date>, StoreError> {
        let text: Option<String> = self.store.get_json(STUDY, "start_date")?;
        Ok(text.and_then(|t| t.parse().ok()))
    }

    pub fn set_start_date(&self, d: Date) -> Result<(), StoreError> {
        self.store.put_json(STUDY, "start_date", &d.to_string())
    }

    /// Sets the start date to `today` unless one is already set (first run).
    pub fn ensure_start_date(&self, today: Date) -> Result<Date, StoreError> {
        match self.start_date()? {
            Some(d) => Ok(d),
            None => {
                self.set_start_date(today)?;
                Ok(today)
            }
        }
    }

    pub fn journal(&self, date: Date) -> Result<Option<JournalEntry>, StoreError> {
        self.store.get_json(JOURNAL, &date.to_string())
    }

    pub fn save_journal(&self, e: &JournalEntry) -> Result<(), StoreError> {
        self.store.put_json(JOURNAL, &e.date.to_string(), e)
    }

    /// Every journal entry, oldest first.
    pub fn journal_entries(&self) -> Result<Vec<JournalEntry>, StoreError> {
        Ok(self
            .store
            .scan_json::<JournalEntry>(JOURNAL)?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    /// The newest journal entry with something to show, and that line:
    /// the last non-blank line of its text, else its title. Reads entries
    /// newest first (keys are ISO dates, so key order is date order) and
    /// stops at the first that has one, so the Today view costs the same
    /// with three years of entries as with one.
    pub fn latest_journal_line(&self) -> Result<Option<(Date, String)>, StoreError> {
        for kv in self.store.tree(JOURNAL)?.iter().rev() {
            let (k, v) = kv.map_err(|e| self.store.err(e))?;
            let e: JournalEntry = serde_json::from_slice(&v).map_err(|e| StoreError::Damaged {
                path: self.store.path().to_path_buf(),
                detail: format!(
                    "record {JOURNAL}/{} is unreadable: {e}",
                    String::from_utf8_lossy(&k)
                ),
            })?;
            let line = e
                .entry
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .or_else(|| (!e.title.trim().is_empty()).then_some(e.title.as_str()));
            if let Some(line) = line {
                return Ok(Some((e.date, line.trim().to_string())));
            }
        }
        Ok(None)
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()
    }
}

/// Settings that were refused, or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SaveSettingsError {
    #[error(transparent)]
    Invalid(#[from] super::stats::SettingsError),
    #[error(transparent)]
    Rhythm(#[from] super::pomodoro::RhythmError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::session::Mode;
    use jiff::civil::date;

    #[test]
    fn the_latest_journal_line_is_the_newest_entry_with_text() {
        let dir = tempfile::tempdir().unwrap();
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        let st = StudyStore::new(Store::open(dir.path()).unwrap());
        assert_eq!(st.latest_journal_line().unwrap(), None);
        let entry = |d, title: &str, text: &str| {
            let mut e = JournalEntry::new(d, now);
            e.title = title.into();
            e.entry = text.into();
            e
        };
        // Saved out of date order; the newest has no text, the one before
        // only a title; a day in another year sorts by date too.
        st.save_journal(&entry(date(2025, 3, 2), "", "first\nsecond line\n\n"))
            .unwrap();
        st.save_journal(&entry(date(2024, 12, 31), "", "last year"))
            .unwrap();
        assert_eq!(
            st.latest_journal_line().unwrap(),
            Some((date(2025, 3, 2), "second line".into()))
        );
        st.save_journal(&entry(date(2025, 3, 10), "  Lifetimes  ", " "))
            .unwrap();
        st.save_journal(&entry(date(2025, 3, 11), " ", "\n"))
            .unwrap();
        assert_eq!(
            st.latest_journal_line().unwrap(),
            Some((date(2025, 3, 10), "Lifetimes".into()))
        );
    }

    #[test]
    fn sessions_settings_and_journal_persist() {
        let dir = tempfile::tempdir().unwrap();
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        {
            let st = StudyStore::new(Store::open(dir.path()).unwrap());
            assert_eq!(st.next_session_id().unwrap(), 1);
            let s = Session::start(1, now, "UTC".into(), Mode::Coding, None);
            st.save_session(&s).unwrap();
            let mut s2 = Session::start(10, now, "UTC".into(), Mode::Coding, None);
            s2.stop(now).unwrap();
            st.save_session(&s2).unwrap();
            assert_eq!(st.next_session_id().unwrap(), 11);
            // Removing the newest does not give its id out again.
            st.remove_session(10).unwrap();
            assert_eq!(st.next_session_id().unwrap(), 11);
            // Nor does removing one that is not there move the ids on.
            st.remove_session(99).unwrap();
            assert_eq!(st.next_session_id().unwrap(), 11);
            st.save_session(&s2).unwrap();
            let bad = StudySettings {
                daily_goal_minutes: 500,
                ..StudySettings::default()
            };
            assert!(st.save_settings(&bad).is_err());
            let good = StudySettings {
                daily_goal_minutes: 90,
                ..StudySettings::default()
            };
            st.save_settings(&good).unwrap();
            assert_eq!(
                st.ensure_start_date(date(2025, 1, 2)).unwrap(),
                date(2025, 1, 2)
            );
            assert_eq!(
                st.ensure_start_date(date(2025, 2, 2)).unwrap(),
                date(2025, 1, 2)
            );
            let mut e = JournalEntry::new(date(2025, 1, 2), now);
            e.title = "first".into();
            st.save_journal(&e).unwrap();
            st.flush().unwrap();
        }
        let st = StudyStore::new(Store::open(dir.path()).unwrap());
        let all = st.sessions().unwrap();
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), vec![1, 10]);
        assert_eq!(st.open_sessions().unwrap().len(), 1);
        assert_eq!(st.settings().unwrap().daily_goal_minutes, 90);
        assert_eq!(st.journal_entries().unwrap()[0].title, "first");
        assert!(st.rhythm().unwrap().is_none());
        st.save_rhythm(Some(&Rhythm::default())).unwrap();
        assert_eq!(st.rhythm().unwrap(), Some(Rhythm::default()));
        st.save_rhythm(None).unwrap();
        assert!(st.rhythm().unwrap().is_none());
    }
}
