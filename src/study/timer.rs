//! The study timer as a service over the store and a clock.
//!
//! [`Timer`] owns at most one current session. Every transition (start,
//! pause, resume, switch mode, stop) is applied to the session with the
//! clock's instant and written to the store at once; [`Timer::tick`] moves
//! the checkpoint forward in memory on every UI tick and writes it when
//! [`CHECKPOINT_EVERY`] has passed since the last write, so a crash loses at
//! most that much. Sessions found open and not detached when the timer is
//! opened were left running by a process that is gone (the store admits
//! one process at a time); they are [`Timer::orphans`] until the learner
//! keeps or closes them.

use jiff::{SignedDuration, Timestamp};

use super::clock::Clock;
use super::session::{Mode, Session, TimerError};
use super::stored::StudyStore;
use super::timefmt::{local_minute, zone_name};
use crate::store::StoreError;

/// How often a running session is written to the store at most apart.
/// Half a minute, so with a tick arriving late a crash still loses under a
/// minute.
pub const CHECKPOINT_EVERY: SignedDuration = SignedDuration::from_secs(30);

/// A timer command that could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum TimerCommandError {
    /// `started` is local time to the minute (see `timefmt::local_minute`).
    #[error("a session is already running (session {id}, started {started}); stop it first")]
    AlreadyRunning { id: u64, started: String },
    #[error(
        "session {id} was left running when megarepo last stopped (last alive {checkpoint}); `megarepo timer keep` or `megarepo timer stop` first"
    )]
    Orphaned { id: u64, checkpoint: String },
    #[error("no session is running")]
    NoSession,
    #[error("no left-running session with id {0}")]
    NoOrphan(u64),
    #[error("no session {0} (see `megarepo timer sessions`)")]
    NoSuchSession(u64),
    #[error(
        "session {0} is the one running: stop it first (`megarepo timer stop`), then remove it"
    )]
    RemoveRunning(u64),
    #[error(transparent)]
    Transition(#[from] TimerError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The live timer.
pub struct Timer<C: Clock> {
    store: StudyStore,
    clock: C,
    current: Option<Session>,
    orphans: Vec<Session>,
    last_write: Timestamp,
    every: SignedDuration,
}

impl<C: Clock> Timer<C> {
    /// Loads open sessions: a detached one (started from the command line)
    /// becomes current; others are orphans awaiting keep or close.
    pub fn open(store: StudyStore, clock: C) -> Result<Self, StoreError> {
        let mut current = None;
        let mut orphans = Vec::new();
        for s in store.open_sessions()? {
            if s.is_detached() && current.is_none() {
                current = Some(s);
            } else {
                orphans.push(s);
            }
        }
        let now = clock.now();
        let mut t = Timer {
            store,
            clock,
            current,
            orphans,
            last_write: now,
            every: CHECKPOINT_EVERY,
        };
        if let Some(s) = &mut t.current {
            s.checkpoint(now);
        }
        Ok(t)
    }

    /// Changes how often a running session is written (tests and the crash
    /// test use a short interval; it is clamped to 1..=60 seconds).
    /// An instant of a session as the learner reads it in messages.
    fn local(&self, at: Option<Timestamp>) -> String {
        match at {
            Some(at) => local_minute(at, &self.clock.zone(), self.clock.now()),
            None => "at an unknown time".into(),
        }
    }

    pub fn set_checkpoint_interval(&mut self, every: SignedDuration) {
        self.every = every.clamp(SignedDuration::from_secs(1), SignedDuration::from_secs(60));
    }

    pub fn clock(&self) -> &C {
        &self.clock
    }

    pub fn store(&self) -> &StudyStore {
        &self.store
    }

    pub fn current(&self) -> Option<&Session> {
        self.current.as_ref()
    }

    /// Sessions left running by a process that is gone.
    pub fn orphans(&self) -> &[Session] {
        &self.orphans
    }

    fn check_free(&self) -> Result<(), TimerCommandError> {
        if let Some(s) = &self.current {
            return Err(TimerCommandError::AlreadyRunning {
                id: s.id,
                started: self.local(s.timed().map(|t| t.start)),
            });
        }
        if let Some(o) = self.orphans.first() {
            return Err(TimerCommandError::Orphaned {
                id: o.id,
                checkpoint: self.local(o.timed().map(|t| t.checkpoint)),
            });
        }
        Ok(())
    }

    /// Starts a session and writes it at once. `detached` sessions (from
    /// the command line) run on the wall clock with no process watching.
    pub fn start(
        &mut self,
        mode: Mode,
        item: Option<String>,
        detached: bool,
    ) -> Result<&Session, TimerCommandError> {
        self.check_free()?;
        let now = self.clock.now();
        let id = self.store.next_session_id()?;
        let zone = zone_name(&self.clock.zone(), now);
        let mut s = Session::start(id, now, zone, mode, item);
        if let super::session::SessionKind::Timed(t) = &mut s.kind {
            t.detached = detached;
        }
        self.store.save_session(&s)?;
        // Durable before the learner sees "started": a crash right after
        // still finds the session.
        self.store.flush()?;
        self.last_write = now;
        Ok(self.current.insert(s))
    }

    fn apply(
        &mut self,
        f: impl FnOnce(&mut Session, Timestamp) -> Result<(), TimerError>,
    ) -> Result<&Session, TimerCommandError> {
        let now = self.clock.now();
        let s = self.current.as_mut().ok_or(TimerCommandError::NoSession)?;
        let mut next = s.clone();
        f(&mut next, now)?;
        // Write first: if the store refuses, memory keeps the old state, so
        // what the learner sees matches what is saved.
        self.store.save_session(&next)?;
        self.store.flush()?;
        *s = next;
        self.last_write = now;
        Ok(s)
    }

    pub fn pause(&mut self) -> Result<&Session, TimerCommandError> {
        self.apply(|s, now| s.pause(now))
    }

    pub fn resume(&mut self) -> Result<&Session, TimerCommandError> {
        self.apply(|s, now| s.resume(now))
    }

    pub fn switch_mode(&mut self, mode: Mode) -> Result<&Session, TimerCommandError> {
        self.apply(|s, now| s.switch_mode(mode, now))
    }

    /// Toggles between reading and coding.
    pub fn toggle_mode(&mut self) -> Result<&Session, TimerCommandError> {
        let mode = self
            .current
            .as_ref()
            .and_then(Session::current_mode)
            .ok_or(TimerCommandError::NoSession)?;
        self.switch_mode(mode.other())
    }

    /// Pauses a running session or resumes a paused one.
    pub fn toggle_pause(&mut self) -> Result<&Session, TimerCommandError> {
        let running = matches!(
            self.current
                .as_ref()
                .and_then(|s| s.timed())
                .map(|t| t.phase),
            Some(super::session::Phase::Running { .. })
        );
        if running { self.pause() } else { self.resume() }
    }

    /// Stops the current session; returns it as saved.
    pub fn stop(&mut self) -> Result<Session, TimerCommandError> {
        self.apply(|s, now| s.stop(now))?;
        self.current.take().ok_or(TimerCommandError::NoSession)
    }

    /// Moves the checkpoint to now; writes it when the interval has passed.
    /// Returns true when it wrote.
    pub fn tick(&mut self) -> Result<bool, StoreError> {
        let now = self.clock.now();
        let Some(s) = &mut self.current else {
            return Ok(false);
        };
        s.checkpoint(now);
        if now.duration_since(self.last_write) >= self.every {
            self.store.save_session(s)?;
            // sled only syncs on its own schedule; a checkpoint must survive
            // SIGKILL, so make it durable now.
            self.store.flush()?;
            self.last_write = now;
            return Ok(true);
        }
        Ok(false)
    }

    /// Lets the current session run on with no process watching it (the
    /// command line's sessions, and "keep it running" when the app quits):
    /// it counts to the wall clock until stopped.
    pub fn detach_current(&mut self) -> Result<(), StoreError> {
        let now = self.clock.now();
        if let Some(s) = &mut self.current {
            s.checkpoint(now);
            if let super::session::SessionKind::Timed(t) = &mut s.kind {
                t.detached = true;
            }
            self.store.save_session(s)?;
            self.store.flush()?;
            self.last_write = now;
        }
        Ok(())
    }

    /// Writes the current session now (on quit).
    pub fn flush(&mut self) -> Result<(), StoreError> {
        let now = self.clock.now();
        if let Some(s) = &mut self.current {
            s.checkpoint(now);
            self.store.save_session(s)?;
            self.last_write = now;
        }
        self.store.flush()
    }

    /// Removes a stored session (a mistaken `timer log`, a session started
    /// by accident) with its share of the totals. The running session is
    /// refused: stopping it first says how long it was.
    pub fn remove(&mut self, id: u64) -> Result<Session, TimerCommandError> {
        if self.current.as_ref().is_some_and(|s| s.id == id) {
            return Err(TimerCommandError::RemoveRunning(id));
        }
        let removed = self
            .store
            .remove_session(id)?
            .ok_or(TimerCommandError::NoSuchSession(id))?;
        self.store.flush()?;
        self.orphans.retain(|s| s.id != id);
        Ok(removed)
    }

    /// Keeps a left-running session: the learner was studying all along, so
    /// it continues as the current session, counting the time in between.
    pub fn keep_orphan(&mut self, id: u64) -> Result<&Session, TimerCommandError> {
        if let Some(s) = &self.current {
            return Err(TimerCommandError::AlreadyRunning {
                id: s.id,
                started: self.local(s.timed().map(|t| t.start)),
            });
        }
        let pos = self
            .orphans
            .iter()
            .position(|s| s.id == id)
            .ok_or(TimerCommandError::NoOrphan(id))?;
        let mut s = self.orphans[pos].clone();
        let now = self.clock.now();
        s.checkpoint(now);
        self.store.save_session(&s)?;
        self.orphans.remove(pos);
        self.last_write = now;
        Ok(self.current.insert(s))
    }

    /// Closes a left-running session at its last checkpoint.
    pub fn close_orphan(&mut self, id: u64) -> Result<Session, TimerCommandError> {
        let pos = self
            .orphans
            .iter()
            .position(|s| s.id == id)
            .ok_or(TimerCommandError::NoOrphan(id))?;
        let mut s = self.orphans[pos].clone();
        s.close_at_checkpoint()?;
        self.store.save_session(&s)?;
        self.orphans.remove(pos);
        Ok(s)
    }

    /// Elapsed study time of the current session as of now.
    pub fn elapsed(&self) -> SignedDuration {
        match &self.current {
            Some(s) => {
                let mut s = s.clone();
                s.checkpoint(self.clock.now());
                s.studied_time()
            }
            None => SignedDuration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::study::clock::FixedClock;
    use crate::study::session::Phase;
    use std::sync::Arc;

    struct Shared(Arc<FixedClock>);
    impl Clock for Shared {
        fn now(&self) -> Timestamp {
            self.0.now()
        }
        fn zone(&self) -> jiff::tz::TimeZone {
            self.0.zone()
        }
    }

    #[test]
    fn full_session_is_saved_at_every_step() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at_local("Europe/Paris", "2025-03-01T09:00").unwrap());
        let store = StudyStore::new(Store::open(dir.path()).unwrap());
        let mut timer = Timer::open(store.clone(), Shared(clock.clone())).unwrap();
        timer
            .start(Mode::Reading, Some("rust-book".into()), false)
            .unwrap();
        assert!(matches!(
            timer.start(Mode::Coding, None, false),
            Err(TimerCommandError::AlreadyRunning { .. })
        ));
        let saved = store.session(1).unwrap().unwrap();
        assert_eq!(saved.zone, "Europe/Paris");
        clock.advance_mins(10);
        timer.tick().unwrap();
        timer.toggle_mode().unwrap();
        clock.advance_mins(5);
        timer.toggle_pause().unwrap();
        clock.advance_mins(5);
        timer.toggle_pause().unwrap();
        clock.advance_mins(5);
        assert_eq!(timer.elapsed().as_secs(), 20 * 60);
        let done = timer.stop().unwrap();
        assert_eq!(done.studied_time().as_secs(), 20 * 60);
        assert_eq!(store.session(1).unwrap().unwrap(), done);
        assert!(timer.current().is_none());
        assert!(matches!(timer.pause(), Err(TimerCommandError::NoSession)));
    }

    #[test]
    fn ticks_write_at_the_interval() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at_local("UTC", "2025-03-01T09:00").unwrap());
        let store = StudyStore::new(Store::open(dir.path()).unwrap());
        let mut timer = Timer::open(store.clone(), Shared(clock.clone())).unwrap();
        timer.start(Mode::Coding, None, false).unwrap();
        clock.advance(SignedDuration::from_secs(20));
        assert!(!timer.tick().unwrap());
        clock.advance(SignedDuration::from_secs(15));
        assert!(timer.tick().unwrap());
        let saved = store.session(1).unwrap().unwrap();
        assert_eq!(saved.studied_time().as_secs(), 35);
    }

    #[test]
    fn left_running_sessions_are_offered_keep_or_close() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at_local("UTC", "2025-03-01T09:00").unwrap());
        {
            let store = StudyStore::new(Store::open(dir.path()).unwrap());
            let mut timer = Timer::open(store, Shared(clock.clone())).unwrap();
            timer.start(Mode::Coding, None, false).unwrap();
            clock.advance_mins(3);
            timer.flush().unwrap();
            // Dropped without stop: the process "dies".
        }
        clock.advance_mins(60);
        let store = StudyStore::new(Store::open(dir.path()).unwrap());
        let mut timer = Timer::open(store.clone(), Shared(clock.clone())).unwrap();
        assert_eq!(timer.orphans().len(), 1);
        assert!(matches!(
            timer.start(Mode::Coding, None, false),
            Err(TimerCommandError::Orphaned { id: 1, .. })
        ));
        let closed = timer.close_orphan(1).unwrap();
        assert_eq!(closed.studied_time().as_secs(), 3 * 60);
        assert!(matches!(
            closed.timed().unwrap().phase,
            Phase::Stopped { .. }
        ));
        assert!(timer.orphans().is_empty());
        // Keeping instead counts the gap.
        timer.start(Mode::Reading, None, false).unwrap();
        drop(timer);
        clock.advance_mins(10);
        let mut timer = Timer::open(store, Shared(clock.clone())).unwrap();
        let kept = timer.keep_orphan(2).unwrap();
        assert_eq!(kept.studied_time().as_secs(), 10 * 60);
    }

    #[test]
    fn detached_sessions_run_without_a_process() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at_local("UTC", "2025-03-01T09:00").unwrap());
        let store = StudyStore::new(Store::open(dir.path()).unwrap());
        {
            let mut timer = Timer::open(store.clone(), Shared(clock.clone())).unwrap();
            timer.start(Mode::Reading, None, true).unwrap();
        }
        clock.advance_mins(25);
        let mut timer = Timer::open(store.clone(), Shared(clock.clone())).unwrap();
        assert!(timer.orphans().is_empty());
        assert_eq!(timer.elapsed().as_secs(), 25 * 60);
        let stats_view = store.sessions_at(clock.now()).unwrap();
        assert_eq!(stats_view[0].studied_time().as_secs(), 25 * 60);
        assert_eq!(timer.stop().unwrap().studied_time().as_secs(), 25 * 60);
    }
}
