//! Study sessions and the timer state machine.
//!
//! A [`Session`] is one record the store keeps as JSON: either a timed
//! session driven by the timer, or a manual entry for study done away from
//! the keyboard. A timed session is a list of closed [`Segment`]s (an interval
//! of study in one [`Mode`]) plus a [`Phase`] saying what is happening now.
//! Switching mode closes one segment and opens the next at the same instant;
//! pausing closes a segment and leaves a gap, so pauses are exactly the gaps
//! between segments and are never counted as study.
//!
//! Every transition is a pure function of the record and an instant the
//! caller took from a [`Clock`](super::Clock). The caller checkpoints a
//! running session (at least once a minute, and on every UI tick in memory);
//! the checkpoint is the last instant the session is known to have been
//! alive, which is where a session is closed when it is found running after a
//! crash and the learner chooses to close it.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::timefmt;

/// What kind of study a stretch of time was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Reading,
    Coding,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Reading => "reading",
            Mode::Coding => "coding",
        }
    }

    /// The other mode (the timer's "switch" key toggles between the two).
    pub fn other(self) -> Mode {
        match self {
            Mode::Reading => Mode::Coding,
            Mode::Coding => Mode::Reading,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name that is neither `reading` nor `coding`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown study mode {0:?} (expected reading or coding)")]
pub struct ModeParseError(pub String);

impl FromStr for Mode {
    type Err = ModeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reading" | "read" | "r" => Ok(Mode::Reading),
            "coding" | "code" | "c" => Ok(Mode::Coding),
            _ => Err(ModeParseError(s.to_string())),
        }
    }
}

/// A closed interval of study in one mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub mode: Mode,
    #[serde(with = "timefmt::instant")]
    pub start: Timestamp,
    #[serde(with = "timefmt::instant")]
    pub end: Timestamp,
}

impl Segment {
    pub fn duration(&self) -> SignedDuration {
        self.end
            .duration_since(self.start)
            .max(SignedDuration::ZERO)
    }
}

/// What a timed session is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Phase {
    /// Studying in `mode` since `since` (the open segment's start).
    Running {
        mode: Mode,
        #[serde(with = "timefmt::instant")]
        since: Timestamp,
    },
    /// Paused since `since`; `mode` is what resuming continues with.
    Paused {
        mode: Mode,
        #[serde(with = "timefmt::instant")]
        since: Timestamp,
    },
    /// Finished at `at`.
    Stopped {
        #[serde(with = "timefmt::instant")]
        at: Timestamp,
    },
}

/// The timer-driven part of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timed {
    #[serde(with = "timefmt::instant")]
    pub start: Timestamp,
    /// Closed segments in time order; gaps between them are pauses.
    pub segments: Vec<Segment>,
    pub phase: Phase,
    /// Last instant the session was known to be alive.
    #[serde(with = "timefmt::instant")]
    pub checkpoint: Timestamp,
    /// Started from the command line: it runs on the wall clock with no
    /// process watching it, so it is never "left running by a crash" and
    /// counts up to the present until stopped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub detached: bool,
}

/// Study logged by hand for a date, e.g. reading a book on a train.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manual {
    #[serde(with = "timefmt::day")]
    pub date: Date,
    pub minutes: u32,
    pub mode: Mode,
    #[serde(with = "timefmt::instant")]
    pub logged_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SessionKind {
    Timed(Timed),
    Manual(Manual),
}

/// One stored study session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: u64,
    /// The learner's time zone when the session was started (an IANA name,
    /// or `±HH:MM`); its time is attributed to dates in this zone.
    pub zone: String,
    /// The checklist item this session was for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(flatten)]
    pub kind: SessionKind,
}

/// A timer operation that does not apply to the session's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimerError {
    #[error("session {id} is not running")]
    NotRunning { id: u64 },
    #[error("session {id} is not paused")]
    NotPaused { id: u64 },
    #[error("session {id} is already stopped")]
    Stopped { id: u64 },
    #[error("session {id} is a manual entry, not a timed session")]
    Manual { id: u64 },
}

/// A manual entry that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManualEntryError {
    #[error("minutes must be between 1 and 1440, got {minutes}")]
    Minutes { minutes: i64 },
    #[error("date {date} is in the future (today is {today})")]
    Future { date: Date, today: Date },
}

impl Session {
    /// Starts a timed session running in `mode` at `now`.
    pub fn start(id: u64, now: Timestamp, zone: String, mode: Mode, item: Option<String>) -> Self {
        Session {
            id,
            zone,
            item,
            kind: SessionKind::Timed(Timed {
                start: now,
                segments: Vec::new(),
                phase: Phase::Running { mode, since: now },
                checkpoint: now,
                detached: false,
            }),
        }
    }

    /// A manual entry of `minutes` on `date`. The date may be in the past
    /// (backdating is the point) but not after `today`.
    // Every argument is a distinct field of the record; a builder would only
    // move the same list elsewhere.
    #[allow(clippy::too_many_arguments)]
    pub fn manual(
        id: u64,
        date: Date,
        minutes: i64,
        mode: Mode,
        zone: String,
        logged_at: Timestamp,
        today: Date,
        item: Option<String>,
    ) -> Result<Self, ManualEntryError> {
        if !(1..=1440).contains(&minutes) {
            return Err(ManualEntryError::Minutes { minutes });
        }
        if date > today {
            return Err(ManualEntryError::Future { date, today });
        }
        Ok(Session {
            id,
            zone,
            item,
            kind: SessionKind::Manual(Manual {
                date,
                // In range 1..=1440 by the check above.
                minutes: minutes as u32,
                mode,
                logged_at,
            }),
        })
    }

    pub fn timed(&self) -> Option<&Timed> {
        match &self.kind {
            SessionKind::Timed(t) => Some(t),
            SessionKind::Manual(_) => None,
        }
    }

    fn timed_mut(&mut self) -> Result<&mut Timed, TimerError> {
        let id = self.id;
        match &mut self.kind {
            SessionKind::Timed(t) => Ok(t),
            SessionKind::Manual(_) => Err(TimerError::Manual { id }),
        }
    }

    /// True for an open session started from the command line.
    pub fn is_detached(&self) -> bool {
        self.timed().is_some_and(|t| t.detached)
    }

    /// True while the session is running or paused (not yet stopped).
    pub fn is_open(&self) -> bool {
        matches!(
            self.timed().map(|t| t.phase),
            Some(Phase::Running { .. } | Phase::Paused { .. })
        )
    }

    /// Pauses a running session.
    pub fn pause(&mut self, now: Timestamp) -> Result<(), TimerError> {
        let id = self.id;
        let t = self.timed_mut()?;
        let now = t.clamp(now);
        match t.phase {
            Phase::Running { mode, since } => {
                t.close_segment(mode, since, now);
                t.phase = Phase::Paused { mode, since: now };
                t.checkpoint = now;
                Ok(())
            }
            Phase::Paused { .. } => Err(TimerError::NotRunning { id }),
            Phase::Stopped { .. } => Err(TimerError::Stopped { id }),
        }
    }

    /// Resumes a paused session in the mode it was paused in.
    pub fn resume(&mut self, now: Timestamp) -> Result<(), TimerError> {
        let id = self.id;
        let t = self.timed_mut()?;
        let now = t.clamp(now);
        match t.phase {
            Phase::Paused { mode, .. } => {
                t.phase = Phase::Running { mode, since: now };
                t.checkpoint = now;
                Ok(())
            }
            Phase::Running { .. } => Err(TimerError::NotPaused { id }),
            Phase::Stopped { .. } => Err(TimerError::Stopped { id }),
        }
    }

    /// Switches mode; a running session closes its segment at `now` and
    /// continues in the new mode without a gap. Switching to the current
    /// mode changes nothing.
    pub fn switch_mode(&mut self, mode: Mode, now: Timestamp) -> Result<(), TimerError> {
        let id = self.id;
        let t = self.timed_mut()?;
        let now = t.clamp(now);
        match t.phase {
            Phase::Running { mode: old, .. } if old == mode => Ok(()),
            Phase::Running { mode: old, since } => {
                t.close_segment(old, since, now);
                t.phase = Phase::Running { mode, since: now };
                t.checkpoint = now;
                Ok(())
            }
            Phase::Paused { since, .. } => {
                t.phase = Phase::Paused { mode, since };
                Ok(())
            }
            Phase::Stopped { .. } => Err(TimerError::Stopped { id }),
        }
    }

    /// Stops the session at `now`.
    pub fn stop(&mut self, now: Timestamp) -> Result<(), TimerError> {
        let id = self.id;
        let t = self.timed_mut()?;
        let now = t.clamp(now);
        match t.phase {
            Phase::Running { mode, since } => t.close_segment(mode, since, now),
            Phase::Paused { .. } => {}
            Phase::Stopped { .. } => return Err(TimerError::Stopped { id }),
        }
        t.phase = Phase::Stopped { at: now };
        t.checkpoint = now;
        Ok(())
    }

    /// Records that the session is alive at `now`. Returns false (and does
    /// nothing) for stopped sessions and manual entries.
    pub fn checkpoint(&mut self, now: Timestamp) -> bool {
        match &mut self.kind {
            SessionKind::Timed(t) if !matches!(t.phase, Phase::Stopped { .. }) => {
                t.checkpoint = t.clamp(now);
                true
            }
            _ => false,
        }
    }

    /// Closes a session found open after a restart at its last checkpoint:
    /// time after the checkpoint is unknown and is not counted.
    pub fn close_at_checkpoint(&mut self) -> Result<(), TimerError> {
        let at = match self.timed() {
            Some(t) => t.checkpoint,
            None => return Err(TimerError::Manual { id: self.id }),
        };
        self.stop(at)
    }

    /// The studied intervals of a timed session, counting a running
    /// segment up to the last checkpoint. Empty for manual entries.
    pub fn studied(&self) -> Vec<Segment> {
        let Some(t) = self.timed() else {
            return Vec::new();
        };
        let mut out = t.segments.clone();
        if let Phase::Running { mode, since } = t.phase
            && t.checkpoint > since
        {
            out.push(Segment {
                mode,
                start: since,
                end: t.checkpoint,
            });
        }
        out
    }

    /// Pauses as closed intervals: the gaps between studied segments, plus
    /// a pause still in progress (up to the checkpoint) or one that ended
    /// with the stop.
    pub fn pauses(&self) -> Vec<(Timestamp, Timestamp)> {
        let Some(t) = self.timed() else {
            return Vec::new();
        };
        let studied = self.studied();
        let mut out: Vec<(Timestamp, Timestamp)> = studied
            .windows(2)
            .filter(|w| w[1].start > w[0].end)
            .map(|w| (w[0].end, w[1].start))
            .collect();
        let last_end = studied.last().map(|s| s.end).unwrap_or(t.start);
        let tail_end = match t.phase {
            Phase::Paused { .. } => Some(t.checkpoint),
            Phase::Stopped { at } => Some(at),
            Phase::Running { since, .. } if since > last_end => {
                out.push((last_end, since));
                None
            }
            Phase::Running { .. } => None,
        };
        if let Some(end) = tail_end
            && end > last_end
        {
            out.push((last_end, end));
        }
        out
    }

    /// Total studied time of the session.
    pub fn studied_time(&self) -> SignedDuration {
        match &self.kind {
            SessionKind::Timed(_) => self
                .studied()
                .iter()
                .fold(SignedDuration::ZERO, |acc, s| acc + s.duration()),
            SessionKind::Manual(m) => SignedDuration::from_mins(i64::from(m.minutes)),
        }
    }

    /// The mode the session is in (running or paused), if open.
    pub fn current_mode(&self) -> Option<Mode> {
        match self.timed()?.phase {
            Phase::Running { mode, .. } | Phase::Paused { mode, .. } => Some(mode),
            Phase::Stopped { .. } => None,
        }
    }
}

impl Timed {
    /// The latest instant this session has already recorded. If the system
    /// clock steps backwards (NTP, manual change), transitions are clamped to
    /// it, so segments never get negative length and stay in order.
    fn latest(&self) -> Timestamp {
        let phase_at = match self.phase {
            Phase::Running { since, .. } | Phase::Paused { since, .. } => since,
            Phase::Stopped { at } => at,
        };
        let seg_end = self.segments.last().map(|s| s.end).unwrap_or(self.start);
        self.checkpoint.max(phase_at).max(seg_end).max(self.start)
    }

    fn clamp(&self, now: Timestamp) -> Timestamp {
        now.max(self.latest())
    }

    fn close_segment(&mut self, mode: Mode, start: Timestamp, end: Timestamp) {
        if end > start {
            self.segments.push(Segment { mode, start, end });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).unwrap()
    }

    fn mins(d: SignedDuration) -> i64 {
        d.as_secs() / 60
    }

    #[test]
    fn start_switch_pause_resume_stop() {
        let mut s = Session::start(
            1,
            t(0),
            "UTC".into(),
            Mode::Reading,
            Some("rust-book".into()),
        );
        assert!(s.is_open());
        s.switch_mode(Mode::Coding, t(600)).unwrap();
        s.pause(t(1200)).unwrap();
        assert_eq!(s.pause(t(1300)), Err(TimerError::NotRunning { id: 1 }));
        s.resume(t(1500)).unwrap();
        s.stop(t(1800)).unwrap();
        assert!(!s.is_open());
        let segs = s.studied();
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[0].mode, Mode::Reading);
        assert_eq!(segs[1].mode, Mode::Coding);
        assert_eq!(segs[2].mode, Mode::Coding);
        assert_eq!(mins(s.studied_time()), 25);
        assert_eq!(s.pauses(), vec![(t(1200), t(1500))]);
        assert_eq!(s.stop(t(1900)), Err(TimerError::Stopped { id: 1 }));
    }

    #[test]
    fn switching_while_paused_changes_the_resumed_mode() {
        let mut s = Session::start(2, t(0), "UTC".into(), Mode::Reading, None);
        s.pause(t(60)).unwrap();
        s.switch_mode(Mode::Coding, t(90)).unwrap();
        s.resume(t(120)).unwrap();
        assert_eq!(s.current_mode(), Some(Mode::Coding));
        s.checkpoint(t(180));
        assert_eq!(s.studied_time().as_secs(), 120);
    }

    #[test]
    fn running_time_counts_to_checkpoint_and_crash_close_uses_it() {
        let mut s = Session::start(3, t(0), "UTC".into(), Mode::Coding, None);
        s.checkpoint(t(300));
        assert_eq!(s.studied_time().as_secs(), 300);
        // The process dies here; on restart the learner chooses "close".
        s.close_at_checkpoint().unwrap();
        assert_eq!(s.studied_time().as_secs(), 300);
        assert_eq!(s.timed().unwrap().phase, Phase::Stopped { at: t(300) });
    }

    #[test]
    fn clock_stepping_back_never_makes_negative_time() {
        let mut s = Session::start(4, t(1000), "UTC".into(), Mode::Reading, None);
        s.checkpoint(t(1600));
        s.stop(t(100)).unwrap();
        assert_eq!(s.studied_time().as_secs(), 600);
    }

    #[test]
    fn manual_entries_are_validated() {
        let today = jiff::civil::date(2025, 1, 10);
        let ok = Session::manual(5, today, 45, Mode::Reading, "UTC".into(), t(0), today, None);
        assert_eq!(ok.unwrap().studied_time().as_secs(), 45 * 60);
        let zero = Session::manual(5, today, 0, Mode::Reading, "UTC".into(), t(0), today, None);
        assert_eq!(zero, Err(ManualEntryError::Minutes { minutes: 0 }));
        let tomorrow = jiff::civil::date(2025, 1, 11);
        let fut = Session::manual(
            5,
            tomorrow,
            5,
            Mode::Reading,
            "UTC".into(),
            t(0),
            today,
            None,
        );
        assert!(matches!(fut, Err(ManualEntryError::Future { .. })));
        let mut m =
            Session::manual(5, today, 5, Mode::Coding, "UTC".into(), t(0), today, None).unwrap();
        assert_eq!(m.pause(t(1)), Err(TimerError::Manual { id: 5 }));
    }

    #[test]
    fn json_round_trip_is_readable() {
        let mut s = Session::start(6, t(0), "Europe/Paris".into(), Mode::Reading, None);
        s.switch_mode(Mode::Coding, t(60)).unwrap();
        s.checkpoint(t(120));
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"kind\":\"timed\""), "{json}");
        assert!(json.contains("2023-11-14T22:14:20Z"), "{json}");
        let back: Session = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let bad = json.replace("2023-11-14T22:14:20Z", "not a time");
        assert!(serde_json::from_str::<Session>(&bad).is_err());
    }

    #[test]
    fn mode_parsing() {
        assert_eq!("Coding".parse::<Mode>(), Ok(Mode::Coding));
        assert_eq!("read".parse::<Mode>(), Ok(Mode::Reading));
        assert!("sleeping".parse::<Mode>().is_err());
    }
}
