//! Study records in the learner's store.
//!
//! Sessions, journal entries and study settings live in their own sled trees
//! of the shared [`Store`], as JSON: `sessions` keyed by a zero-padded id
//! (so key order is creation order), `journal` keyed by `YYYY-MM-DD`, and
//! `study` holding the settings, the rhythm and the roadmap start date. The
//! store is locked by one process at a time, so an open, non-detached session
//! found here when the store is opened was left running by a process that
//! is gone: that is how a crash or a closed terminal is detected.

use jiff::Timestamp;
use jiff::civil::Date;

use super::journal::JournalEntry;
use super::pomodoro::Rhythm;
use super::session::Session;
use super::stats::StudySettings;
use crate::store::{Store, StoreError};

const SESSIONS: &str = "sessions";
const JOURNAL: &str = "journal";
const STUDY: &str = "study";

/// The study domain's view of the store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StudyStore {
    store: Store,
}

fn session_key(id: u64) -> String {
    format!("{id:020}")
}

impl StudyStore {
    pub fn new(store: Store) -> Self {
        StudyStore { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Every session, oldest first.
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

    /// Writes (creates or replaces) one session record.
    pub fn save_session(&self, s: &Session) -> Result<(), StoreError> {
        self.store.put_json(SESSIONS, &session_key(s.id), s)
    }

    /// A fresh session id: one more than the largest stored.
    pub fn next_session_id(&self) -> Result<u64, StoreError> {
        let tree = self.store.tree(SESSIONS)?;
        let last = tree.last().map_err(|e| self.store.err(e))?;
        let max = last
            .and_then(|(k, _)| std::str::from_utf8(&k).ok()?.parse::<u64>().ok())
            .unwrap_or(0);
        Ok(max + 1)
    }

    /// Sessions still running or paused, oldest first.
    pub fn open_sessions(&self) -> Result<Vec<Session>, StoreError> {
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
                tree.remove("rhythm").map_err(|e| self.store.err(e))?;
                Ok(())
            }
        }
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
