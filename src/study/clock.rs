//! Where "now" comes from.
//!
//! Every piece of study logic takes the current instant and the learner's
//! time zone from a [`Clock`] instead of asking the operating system, so tests
//! can replay midnight crossings, DST changes and trips across zones with a
//! [`FixedClock`]. The app uses [`SystemClock`]; the zone is read once at
//! start-up from the system (honouring `TZ`), which is what the learner sees
//! on their own wall clock.

use std::sync::Mutex;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// A source of the current instant and the learner's current time zone.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> Timestamp;
    /// The learner's current time zone.
    fn zone(&self) -> TimeZone;
    /// The learner's local date right now.
    fn today(&self) -> Date {
        self.now().to_zoned_datetime(self.zone()).date()
    }
}

/// The real clock: the system time and the system time zone.
#[derive(Debug, Clone)]
pub struct SystemClock {
    zone: TimeZone,
}

impl SystemClock {
    /// Reads the system time zone; falls back to UTC when it cannot be
    /// determined (jiff does the same and logs why).
    pub fn new() -> Self {
        SystemClock {
            zone: system_zone(),
        }
    }

    /// A system clock that reports a given zone (for `--tz`-style overrides).
    pub fn with_zone(zone: TimeZone) -> Self {
        SystemClock { zone }
    }
}

/// The system time zone, as `TimeZone::system()` finds it, without its
/// cost in the common case: with `TZ` unset and `/etc/localtime` a link
/// into a zoneinfo folder, jiff looks the name up in its database, whose
/// first use lists every zone file (a walk of `/usr/share/zoneinfo`, about
/// a millisecond, on every command and at every start). Here the name is
/// taken from the link and the data from the file it points to; anything
/// else (TZ set, a copied file, an unreadable one) is left to jiff.
pub fn system_zone() -> TimeZone {
    const LOCALTIME: &str = "/etc/localtime";
    if std::env::var_os("TZ").is_none()
        && let Ok(target) = std::fs::read_link(LOCALTIME)
        && let Some(target) = target.to_str()
        && let Some((_, name)) = target.rsplit_once("zoneinfo/")
        && let Ok(data) = std::fs::read(LOCALTIME)
        && let Ok(zone) = TimeZone::tzif(name, &data)
    {
        return zone;
    }
    TimeZone::system()
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
    fn zone(&self) -> TimeZone {
        self.zone.clone()
    }
}

/// A clock that only moves when told to; for tests and replays.
#[derive(Debug)]
pub struct FixedClock {
    state: Mutex<(Timestamp, TimeZone)>,
}

impl FixedClock {
    pub fn new(now: Timestamp, zone: TimeZone) -> Self {
        FixedClock {
            state: Mutex::new((now, zone)),
        }
    }

    /// A clock at the given local wall time in the named IANA zone, e.g.
    /// `FixedClock::at_local("Europe/Paris", "2025-03-30T01:30")`.
    pub fn at_local(zone: &str, local: &str) -> Result<Self, jiff::Error> {
        let tz = TimeZone::get(zone)?;
        let dt: jiff::civil::DateTime = local.parse()?;
        let now = tz.to_zoned_datetime(dt)?.timestamp();
        Ok(FixedClock::new(now, tz))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Timestamp, TimeZone)> {
        // A panic while holding this lock cannot leave the pair half-written
        // (both fields are replaced by plain assignments), so a poisoned lock
        // is still safe to use.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: SignedDuration) {
        let mut s = self.lock();
        s.0 = s.0.saturating_add(by).unwrap_or(s.0);
    }

    /// Moves the clock forward by whole minutes.
    pub fn advance_mins(&self, mins: i64) {
        self.advance(SignedDuration::from_mins(mins));
    }

    pub fn set(&self, now: Timestamp) {
        self.lock().0 = now;
    }

    /// The learner moves to another time zone.
    pub fn set_zone(&self, zone: TimeZone) {
        self.lock().1 = zone;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.lock().0
    }
    fn zone(&self) -> TimeZone {
        self.lock().1.clone()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
    fn zone(&self) -> TimeZone {
        (**self).zone()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
    fn zone(&self) -> TimeZone {
        (**self).zone()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn system_zone_is_what_jiff_finds() {
        let ours = super::system_zone();
        let jiffs = TimeZone::system();
        assert_eq!(ours.iana_name(), jiffs.iana_name());
        for at in ["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"] {
            let at: Timestamp = at.parse().unwrap();
            assert_eq!(ours.to_offset(at), jiffs.to_offset(at));
        }
    }

    use super::*;
    use jiff::civil::date;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::at_local("America/New_York", "2024-03-09T23:30").unwrap();
        assert_eq!(c.today(), date(2024, 3, 9));
        let t0 = c.now();
        assert_eq!(c.now(), t0);
        c.advance_mins(45);
        assert_eq!(c.today(), date(2024, 3, 10));
        assert_eq!(c.now().duration_since(t0), SignedDuration::from_mins(45));
        // 00:15 in New York is still the evening before in Los Angeles.
        c.set_zone(TimeZone::get("America/Los_Angeles").unwrap());
        assert_eq!(c.today(), date(2024, 3, 9));
    }
}
