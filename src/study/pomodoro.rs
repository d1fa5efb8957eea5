//! The optional pomodoro rhythm over a timed session.
//!
//! The rhythm does not own any state: it reads the session's segments.
//! A *run* is a stretch of study with no pause in it (mode switches do not
//! end a run). While running, the current run is a work block; when it
//! reaches the work length a break is due. While paused, the learner is on a
//! break whose length depends on how many work blocks were completed: every
//! `long_every`-th break is a long one. The UI shows the phase and may
//! pause the timer itself when a break is due; that choice stays with the UI.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::session::{Phase, Session};

/// Work and break lengths, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rhythm {
    pub work: u32,
    pub short_break: u32,
    pub long_break: u32,
    /// A long break follows every this many work blocks (0: never).
    pub long_every: u32,
}

impl Default for Rhythm {
    fn default() -> Self {
        Rhythm {
            work: 25,
            short_break: 5,
            long_break: 15,
            long_every: 4,
        }
    }
}

/// A rhythm that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RhythmError {
    #[error("work length must be 1 to 240 minutes, got {0}")]
    Work(u32),
    #[error("break lengths must be 1 to 120 minutes, got {0}")]
    Break(u32),
}

impl Rhythm {
    pub fn validate(&self) -> Result<(), RhythmError> {
        if !(1..=240).contains(&self.work) {
            return Err(RhythmError::Work(self.work));
        }
        for b in [self.short_break, self.long_break] {
            if !(1..=120).contains(&b) {
                return Err(RhythmError::Break(b));
            }
        }
        Ok(())
    }

    fn break_after(&self, blocks_done: u32) -> u32 {
        if self.long_every > 0 && blocks_done > 0 && blocks_done.is_multiple_of(self.long_every) {
            self.long_break
        } else {
            self.short_break
        }
    }
}

/// Where the learner is in the rhythm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pomodoro {
    /// Working on block `block` (1-based) with `remaining` left.
    Work {
        block: u32,
        remaining: SignedDuration,
    },
    /// The work block is over: take a break of `length`.
    BreakDue { block: u32, length: SignedDuration },
    /// On a break; `remaining` goes negative when the break overruns.
    Break {
        length: SignedDuration,
        remaining: SignedDuration,
    },
    /// The session is stopped (or is a manual entry).
    Idle,
}

/// Computes the rhythm's phase for `session` at `now`.
pub fn pomodoro(session: &Session, rhythm: &Rhythm, now: Timestamp) -> Pomodoro {
    let Some(t) = session.timed() else {
        return Pomodoro::Idle;
    };
    let work = SignedDuration::from_mins(i64::from(rhythm.work.max(1)));
    // Split the closed segments into runs separated by pauses.
    let mut runs: Vec<SignedDuration> = Vec::new();
    let mut last_end = None;
    for seg in &t.segments {
        match (last_end, runs.last_mut()) {
            (Some(end), Some(run)) if end == seg.start => *run += seg.duration(),
            _ => runs.push(seg.duration()),
        }
        last_end = Some(seg.end);
    }
    match t.phase {
        Phase::Stopped { .. } => Pomodoro::Idle,
        Phase::Running { since, .. } => {
            let open = now.max(since).duration_since(since);
            // A mode switch closes a segment at `since`; that segment is part
            // of the current run.
            let current = match (last_end, runs.last()) {
                (Some(end), Some(run)) if end == since => {
                    let r = *run;
                    runs.pop();
                    r + open
                }
                _ => open,
            };
            let done = blocks(&runs, work);
            if current < work {
                Pomodoro::Work {
                    block: done + 1,
                    remaining: work - current,
                }
            } else {
                Pomodoro::BreakDue {
                    block: done + 1,
                    length: mins(rhythm.break_after(done + 1)),
                }
            }
        }
        Phase::Paused { since, .. } => {
            let done = blocks(&runs, work);
            let length = mins(rhythm.break_after(done));
            let on_break = now.max(since).duration_since(since);
            Pomodoro::Break {
                length,
                remaining: length - on_break,
            }
        }
    }
}

fn blocks(runs: &[SignedDuration], work: SignedDuration) -> u32 {
    runs.iter().filter(|r| **r >= work).count() as u32
}

fn mins(m: u32) -> SignedDuration {
    SignedDuration::from_mins(i64::from(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::session::Mode;

    fn t(m: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + m * 60).unwrap()
    }

    #[test]
    fn work_break_cycle_with_long_break() {
        let r = Rhythm {
            work: 25,
            short_break: 5,
            long_break: 15,
            long_every: 2,
        };
        let mut s = Session::start(1, t(0), "UTC".into(), Mode::Reading, None);
        assert_eq!(
            pomodoro(&s, &r, t(10)),
            Pomodoro::Work {
                block: 1,
                remaining: mins(15)
            }
        );
        // A mode switch does not restart the block.
        s.switch_mode(Mode::Coding, t(20)).unwrap();
        assert_eq!(
            pomodoro(&s, &r, t(24)),
            Pomodoro::Work {
                block: 1,
                remaining: mins(1)
            }
        );
        assert_eq!(
            pomodoro(&s, &r, t(26)),
            Pomodoro::BreakDue {
                block: 1,
                length: mins(5)
            }
        );
        s.pause(t(26)).unwrap();
        assert_eq!(
            pomodoro(&s, &r, t(29)),
            Pomodoro::Break {
                length: mins(5),
                remaining: mins(2)
            }
        );
        s.resume(t(31)).unwrap();
        s.pause(t(56)).unwrap();
        // Two blocks done: the long break.
        assert_eq!(
            pomodoro(&s, &r, t(57)),
            Pomodoro::Break {
                length: mins(15),
                remaining: mins(14)
            }
        );
        s.stop(t(60)).unwrap();
        assert_eq!(pomodoro(&s, &r, t(61)), Pomodoro::Idle);
    }

    #[test]
    fn bad_rhythm_rejected() {
        let mut r = Rhythm::default();
        assert!(r.validate().is_ok());
        r.work = 0;
        assert_eq!(r.validate(), Err(RhythmError::Work(0)));
    }
}
