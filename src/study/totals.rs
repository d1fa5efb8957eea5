//! Per-day totals: the statistics' input, kept up to date as sessions are
//! written instead of recomputed from every session.
//!
//! Everything the statistics read from the sessions is a sum: seconds per
//! local date and mode, seconds per checklist item and mode, and the travel
//! days, which come from *pairs* of consecutive timed sessions (in start
//! order) started in different zones. A [`Totals`] holds those sums; a
//! travel date is held as a count of the pairs that jumped over it, so that
//! removing one pair can never erase a date another pair still gives.
//!
//! Writing a session turns into a [`Delta`]: the old record's parts are
//! taken away, the new record's parts added, and when a timed session
//! appears, disappears or changes its start or zone, the pairs around it
//! change (`prev, next` becomes `prev, s` and `s, next`). The store
//! (`study::stored`) applies the delta in the same transaction as the
//! session, so the totals on disk always match the sessions beside them.
//! [`Totals::from_sessions`] is the full recomputation, used to rebuild
//! totals that are missing, stale or damaged, and by the property test as
//! the reference. [`Totals::study_days`] turns the sums into the
//! [`StudyDays`] the statistics take.
//!
//! Both paths cut sessions into days with [`days::day_parts`] and find
//! travel with [`days::travel_between`], so the rules live in one place.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::days::{self, ModeSplit, StudyDays, week_start};
use super::session::{Mode, Session};
use super::timefmt::zone_from_name;

/// Version of the totals' layout in the store. A different version on disk
/// is stale and rebuilt from the sessions.
pub const FORMAT: u32 = 1;

/// One local date's sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    /// Seconds of reading and of coding attributed to the date.
    pub reading: i64,
    pub coding: i64,
    /// How many pairs of consecutive sessions jumped over this date by a
    /// move east; the date is a travel day while this is above zero.
    pub travel: i64,
}

impl DayTotal {
    fn add(&mut self, other: &DayTotal) {
        self.reading += other.reading;
        self.coding += other.coding;
        self.travel += other.travel;
    }

    /// Nothing left: the record is removed rather than kept as zeros.
    pub fn is_empty(&self) -> bool {
        self.reading == 0 && self.coding == 0 && self.travel == 0
    }

    /// Sums are never negative; a negative one is damage (or a bug), never
    /// a value to show.
    pub fn is_valid(&self) -> bool {
        self.reading >= 0 && self.coding >= 0 && self.travel >= 0
    }
}

/// Changes to the totals caused by one write. Values are signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub days: BTreeMap<Date, DayTotal>,
    pub items: BTreeMap<String, ModeSplit>,
    /// Change in the number of sessions whose zone name this machine cannot
    /// resolve (their time depends on the fallback zone).
    pub unresolved: i64,
}

impl Delta {
    /// Adds (`sign` 1) or takes away (`sign` -1) what a session gives the
    /// days and its item.
    pub fn session(&mut self, s: &Session, fallback: &TimeZone, sign: i64) {
        for (date, mode, secs) in days::day_parts(s, fallback) {
            if secs <= 0 {
                continue;
            }
            let d = self.days.entry(date).or_default();
            match mode {
                Mode::Reading => d.reading += sign * secs,
                Mode::Coding => d.coding += sign * secs,
            }
            if let Some(item) = &s.item {
                self.items
                    .entry(item.clone())
                    .or_default()
                    .add(mode, sign * secs);
            }
        }
        if s.timed().is_some() && zone_from_name(&s.zone).is_none() {
            self.unresolved += sign;
        }
    }

    /// Adds or takes away the travel days of one pair of sessions.
    pub fn pair(&mut self, prev: &Anchor, next: &Anchor, fallback: &TimeZone, sign: i64) {
        for date in days::travel_between(&prev.zone, &next.zone, next.start, fallback) {
            self.days.entry(date).or_default().travel += sign;
        }
    }

    /// Drops entries that cancel out, so an unchanged session writes nothing.
    pub fn prune(&mut self) {
        self.days.retain(|_, d| !d.is_empty());
        self.items.retain(|_, s| s.reading != 0 || s.coding != 0);
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.items.is_empty() && self.unresolved == 0
    }
}

/// What the travel rule needs of a timed session: where it sorts (start,
/// then id) and the zone it was started in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub start: Timestamp,
    pub id: u64,
    pub zone: String,
}

impl Anchor {
    pub fn of(s: &Session) -> Option<Anchor> {
        s.timed().map(|t| Anchor {
            start: t.start,
            id: s.id,
            zone: s.zone.clone(),
        })
    }

    /// The index key: start in nanoseconds (sign bit flipped so negative
    /// instants sort first), then the id, both big-endian, so byte order is
    /// (start, id) order, the order the travel rule walks sessions in.
    pub fn key(&self) -> [u8; 24] {
        let mut k = [0u8; 24];
        let nanos = self.start.as_nanosecond() as u128 ^ (1u128 << 127);
        k[..16].copy_from_slice(&nanos.to_be_bytes());
        k[16..].copy_from_slice(&self.id.to_be_bytes());
        k
    }

    /// Reads an index entry back; `None` for a key of the wrong size or an
    /// instant out of range (a damaged index).
    pub fn from_entry(key: &[u8], zone: &[u8]) -> Option<Anchor> {
        if key.len() != 24 {
            return None;
        }
        let nanos: [u8; 16] = key.get(..16)?.try_into().ok()?;
        let id: [u8; 8] = key.get(16..24)?.try_into().ok()?;
        let nanos = (u128::from_be_bytes(nanos) ^ (1u128 << 127)) as i128;
        Some(Anchor {
            start: Timestamp::from_nanosecond(nanos).ok()?,
            id: u64::from_be_bytes(id),
            zone: std::str::from_utf8(zone).ok()?.to_string(),
        })
    }
}

/// All the sums, in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub days: BTreeMap<Date, DayTotal>,
    pub items: BTreeMap<String, ModeSplit>,
    pub unresolved: i64,
}

impl Totals {
    /// The full recomputation from every session: the reference the stored
    /// totals must always equal, and how they are rebuilt.
    pub fn from_sessions(sessions: &[Session], fallback: &TimeZone) -> Totals {
        let mut delta = Delta::default();
        for s in sessions {
            delta.session(s, fallback, 1);
        }
        let mut anchors: Vec<Anchor> = sessions.iter().filter_map(Anchor::of).collect();
        anchors.sort_by_key(|a| (a.start, a.id));
        for pair in anchors.windows(2) {
            delta.pair(&pair[0], &pair[1], fallback, 1);
        }
        let mut t = Totals::default();
        t.apply(&delta);
        t
    }

    /// Applies a delta, dropping entries that reach zero.
    pub fn apply(&mut self, delta: &Delta) {
        for (date, d) in &delta.days {
            let e = self.days.entry(*date).or_default();
            e.add(d);
            if e.is_empty() {
                self.days.remove(date);
            }
        }
        for (item, s) in &delta.items {
            let e = self.items.entry(item.clone()).or_default();
            e.merge(s);
            if e.reading == 0 && e.coding == 0 {
                self.items.remove(item);
            }
        }
        self.unresolved += delta.unresolved;
    }

    /// Seconds of study over all dates.
    pub fn study_secs(&self) -> ModeSplit {
        self.days.values().fold(ModeSplit::default(), |mut acc, d| {
            acc.reading += d.reading;
            acc.coding += d.coding;
            acc
        })
    }

    /// The per-day view the statistics take: the same value
    /// [`days::study_days`] computes from the sessions.
    pub fn study_days(&self) -> StudyDays {
        let mut out = StudyDays::default();
        for (date, d) in &self.days {
            if d.reading > 0 || d.coding > 0 {
                let split = ModeSplit {
                    reading: d.reading,
                    coding: d.coding,
                };
                out.by_date.insert(*date, split);
                out.by_week
                    .entry(week_start(*date))
                    .or_default()
                    .merge(&split);
            }
        }
        out.travel = self
            .days
            .iter()
            .filter(|(_, d)| d.travel > 0)
            .map(|(date, _)| *date)
            .collect::<BTreeSet<_>>();
        out.by_item = self
            .items
            .iter()
            .filter(|(_, s)| s.total() > 0)
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn ts(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn anchor_keys_sort_like_start_then_id() {
        let a = |s: i64, n: i32, id: u64| Anchor {
            start: ts(s) + SignedDuration::from_nanos(i64::from(n)),
            id,
            zone: "UTC".into(),
        };
        let list = [
            a(-5, 0, 9),
            a(-1, -500, 1),
            a(0, 0, 3),
            a(0, 0, 4),
            a(0, 1, 1),
            a(1_700_000_000, 0, 2),
        ];
        for w in list.windows(2) {
            assert!(w[0].key() < w[1].key(), "{w:?}");
        }
        for x in &list {
            assert_eq!(Anchor::from_entry(&x.key(), b"UTC").as_ref(), Some(x));
        }
        assert!(Anchor::from_entry(&[1, 2, 3], b"UTC").is_none());
    }

    #[test]
    fn a_date_stays_travel_while_another_pair_still_jumps_it() {
        let fallback = TimeZone::UTC;
        let la = |id, s| Anchor {
            start: ts(s),
            id,
            zone: "America/Los_Angeles".into(),
        };
        let tokyo = |id, s| Anchor {
            start: ts(s),
            id,
            zone: "Asia/Tokyo".into(),
        };
        // 2025-01-10T20:00Z: 12:00 in LA, 05:00 the next day in Tokyo.
        let t0 = 1_736_539_200;
        let mut d = Delta::default();
        d.pair(&la(1, t0 - 60), &tokyo(2, t0), &fallback, 1);
        d.pair(&la(3, t0 + 60), &tokyo(4, t0 + 120), &fallback, 1);
        let mut t = Totals::default();
        t.apply(&d);
        let day = jiff::civil::date(2025, 1, 10);
        assert_eq!(t.days[&day].travel, 2);
        let mut undo = Delta::default();
        undo.pair(&la(1, t0 - 60), &tokyo(2, t0), &fallback, -1);
        t.apply(&undo);
        assert!(t.study_days().travel.contains(&day));
        let mut undo = Delta::default();
        undo.pair(&la(3, t0 + 60), &tokyo(4, t0 + 120), &fallback, -1);
        t.apply(&undo);
        assert!(t.days.is_empty());
    }
}
