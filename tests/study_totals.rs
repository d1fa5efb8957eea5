#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The stored per-day totals against a full recomputation from the
//! sessions (`study_days`, the rules of `src/study/README-rules.md`):
//!
//! - a property test: random histories of timed sessions (running, paused,
//!   stopped, detached; crossing midnight and DST changes; started in
//!   zones east and west of each other, in fixed offsets and in a zone this
//!   machine does not know) and manual entries, with sessions edited (grown
//!   by a checkpoint, stopped, moved to another start or zone, turned into
//!   another kind) and removed. After every step the stored totals must be
//!   ready and equal the recomputation, and the open-session index must
//!   list exactly the open sessions.
//! - totals that are missing (a store from schema 1), stale (another
//!   format, another fallback zone) or damaged (garbage, a wrong but
//!   well-formed sum, a damaged meta record, damage met while writing) are
//!   never used: they are rebuilt, and damage is reported.

use std::collections::BTreeSet;

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use megarepo::store::Store;
use megarepo::study::session::{Manual, Phase, Segment, SessionKind, Timed};
use megarepo::study::stored::{Rebuilt, TotalsState};
use megarepo::study::totals::Totals;
use megarepo::study::{Mode, Session, StudyStore, study_days};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "Australia/Lord_Howe",
    "UTC",
    "+05:30",
    "Nowhere/Atlantis",
];

const ITEMS: &[&str] = &["rust-book", "ownership", "kv-store"];

fn fallback() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

/// Instants near interesting nights: DST changes in the US and Europe, the
/// Lord Howe half-hour change, a new year.
fn anchors() -> Vec<Timestamp> {
    [
        "2024-03-10T06:00:00Z",
        "2024-03-30T22:30:00Z",
        "2024-10-26T23:00:00Z",
        "2024-11-03T05:30:00Z",
        "2025-04-05T14:45:00Z",
        "2024-12-31T22:50:00Z",
    ]
    .iter()
    .map(|t| t.parse().unwrap())
    .collect()
}

/// A session's shape, turned into a record with an id.
#[derive(Debug, Clone)]
enum Shape {
    Timed {
        anchor: usize,
        offset_mins: i64,
        zone: usize,
        /// (minutes of gap before, minutes of study, coding?)
        segments: Vec<(i64, i64, bool)>,
        /// 0 stopped, 1 running, 2 paused
        state: u8,
        /// Minutes the last checkpoint lies past the last segment.
        tail: i64,
        detached: bool,
        item: Option<usize>,
    },
    Manual {
        anchor: usize,
        day_offset: i64,
        minutes: i64,
        coding: bool,
        item: Option<usize>,
    },
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

impl Shape {
    fn build(&self, id: u64) -> Session {
        let anchors = anchors();
        match self {
            Shape::Timed {
                anchor,
                offset_mins,
                zone,
                segments,
                state,
                tail,
                detached,
                item,
            } => {
                let start = anchors[*anchor] + mins(*offset_mins);
                let mut t = start;
                let mut segs = Vec::new();
                for (gap, len, coding) in segments {
                    t += mins(*gap);
                    let mode = if *coding { Mode::Coding } else { Mode::Reading };
                    segs.push(Segment {
                        mode,
                        start: t,
                        end: t + mins(*len),
                    });
                    t += mins(*len);
                }
                let last_mode = segs.last().map(|s| s.mode).unwrap_or(Mode::Reading);
                let checkpoint = t + mins(*tail);
                let phase = match state {
                    0 => Phase::Stopped { at: checkpoint },
                    1 => {
                        // The running stretch is the last segment, still open.
                        let open = segs.pop();
                        let since = open.map(|s| s.start).unwrap_or(t);
                        Phase::Running {
                            mode: last_mode,
                            since,
                        }
                    }
                    _ => Phase::Paused {
                        mode: last_mode,
                        since: t,
                    },
                };
                Session {
                    id,
                    zone: ZONES[*zone].to_string(),
                    item: item.map(|i| ITEMS[i].to_string()),
                    kind: SessionKind::Timed(Timed {
                        start,
                        segments: segs,
                        phase,
                        checkpoint,
                        detached: *detached && *state != 0,
                    }),
                }
            }
            Shape::Manual {
                anchor,
                day_offset,
                minutes,
                coding,
                item,
            } => {
                let d = anchors[*anchor]
                    .to_zoned_datetime(TimeZone::UTC)
                    .date()
                    .saturating_add(SignedDuration::from_hours(24 * day_offset));
                Session {
                    id,
                    zone: "UTC".into(),
                    item: item.map(|i| ITEMS[i].to_string()),
                    kind: SessionKind::Manual(Manual {
                        date: d,
                        minutes: *minutes as u32,
                        mode: if *coding { Mode::Coding } else { Mode::Reading },
                        logged_at: anchors[*anchor],
                    }),
                }
            }
        }
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    let anchor = 0..anchors().len();
    let item = proptest::option::of(0..ITEMS.len());
    let timed = (
        anchor.clone(),
        -600i64..600,
        0..ZONES.len(),
        proptest::collection::vec((0i64..90, 1i64..240, any::<bool>()), 0..4),
        0u8..3,
        0i64..30,
        any::<bool>(),
        item.clone(),
    )
        .prop_map(
            |(anchor, offset_mins, zone, segments, state, tail, detached, item)| Shape::Timed {
                anchor,
                offset_mins,
                zone,
                segments,
                state,
                tail,
                detached,
                item,
            },
        );
    let manual = (anchor, -3i64..3, 1i64..600, any::<bool>(), item).prop_map(
        |(anchor, day_offset, minutes, coding, item)| Shape::Manual {
            anchor,
            day_offset,
            minutes,
            coding,
            item,
        },
    );
    prop_oneof![3 => timed, 1 => manual]
}

#[derive(Debug, Clone)]
enum Op {
    Add(Shape),
    /// Replace the n-th live session (mod count) by another shape.
    Edit(usize, Shape),
    /// The n-th live session's checkpoint moves on, or it stops.
    Grow(usize, i64, bool),
    Remove(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => shape().prop_map(Op::Add),
        2 => (any::<usize>(), shape()).prop_map(|(n, s)| Op::Edit(n, s)),
        2 => (any::<usize>(), 1i64..300, any::<bool>()).prop_map(|(n, m, stop)| Op::Grow(n, m, stop)),
        2 => any::<usize>().prop_map(Op::Remove),
    ]
}

/// The stored totals must be ready and equal a recomputation, both as
/// sums and as the per-day view the statistics read.
fn check(study: &StudyStore, step: &str) {
    let sessions = study.sessions().unwrap();
    let expected = Totals::from_sessions(&sessions, &fallback());
    match study.load_totals().unwrap() {
        TotalsState::Ready(t) => {
            assert_eq!(t, expected, "after {step}");
            assert_eq!(
                t.study_days(),
                study_days(&sessions, &fallback()),
                "after {step}"
            );
        }
        other => panic!("after {step}: totals not ready: {other:?}"),
    }
    let open: BTreeSet<u64> = study
        .open_sessions()
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let really: BTreeSet<u64> = sessions
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.id)
        .collect();
    assert_eq!(open, really, "open index after {step}");
}

fn fresh() -> (tempfile::TempDir, StudyStore) {
    let dir = tempfile::tempdir().unwrap();
    let study = StudyStore::with_fallback(Store::open(dir.path()).unwrap(), fallback());
    // A new store has no totals yet; the first reader builds them (empty).
    assert_eq!(study.totals().unwrap().1, Some(Rebuilt::Missing));
    (dir, study)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn stored_totals_equal_a_full_recomputation(ops in proptest::collection::vec(op(), 1..24)) {
        let (_dir, study) = fresh();
        let mut next_id = 1u64;
        for (i, op) in ops.iter().enumerate() {
            let ids: Vec<u64> = study.sessions().unwrap().iter().map(|s| s.id).collect();
            match op {
                Op::Add(shape) => {
                    study.save_session(&shape.build(next_id)).unwrap();
                    next_id += 1;
                }
                Op::Edit(n, shape) if !ids.is_empty() => {
                    study.save_session(&shape.build(ids[n % ids.len()])).unwrap();
                }
                Op::Grow(n, m, stop) if !ids.is_empty() => {
                    let mut s = study.session(ids[n % ids.len()]).unwrap().unwrap();
                    let at = s.timed().map(|t| t.checkpoint + mins(*m));
                    if let Some(at) = at {
                        if *stop { let _ = s.stop(at); } else { s.checkpoint(at); }
                    }
                    study.save_session(&s).unwrap();
                }
                Op::Remove(n) if !ids.is_empty() => {
                    let id = ids[n % ids.len()];
                    let gone = study.remove_session(id).unwrap();
                    prop_assert_eq!(gone.map(|s| s.id), Some(id));
                    prop_assert!(study.session(id).unwrap().is_none());
                }
                _ => {}
            }
            check(&study, &format!("step {i}: {op:?}"));
        }
    }
}

/// A handful of sessions with midnight splits, travel and an item.
fn seeded() -> (tempfile::TempDir, StudyStore, Store) {
    let (dir, study) = fresh();
    let shapes = [
        Shape::Timed {
            anchor: 2,
            offset_mins: 0,
            zone: 2,
            segments: vec![(0, 200, false), (10, 50, true)],
            state: 0,
            tail: 0,
            detached: false,
            item: Some(0),
        },
        Shape::Timed {
            anchor: 2,
            offset_mins: 600,
            zone: 3,
            segments: vec![(0, 45, true)],
            state: 0,
            tail: 0,
            detached: false,
            item: None,
        },
        Shape::Manual {
            anchor: 1,
            day_offset: 0,
            minutes: 90,
            coding: false,
            item: Some(1),
        },
    ];
    for (i, s) in shapes.iter().enumerate() {
        study.save_session(&s.build(i as u64 + 1)).unwrap();
    }
    check(&study, "seeding");
    let store = study.store().clone();
    (dir, study, store)
}

fn expected(study: &StudyStore) -> Totals {
    Totals::from_sessions(&study.sessions().unwrap(), &fallback())
}

#[test]
fn missing_totals_are_rebuilt() {
    let (_dir, study, store) = seeded();
    assert!(!expected(&study).days.is_empty());
    // What a store from schema 1 looks like: sessions, no totals.
    for t in ["study_days", "study_items", "study_starts", "study_open"] {
        store.tree(t).unwrap().clear().unwrap();
    }
    store.tree("meta").unwrap().remove("study_totals").unwrap();
    assert_eq!(study.load_totals().unwrap(), TotalsState::Missing);
    let (t, why) = study.totals().unwrap();
    assert_eq!(why, Some(Rebuilt::Missing));
    assert_eq!(t, expected(&study));
    check(&study, "the rebuild");
}

#[test]
fn stale_totals_are_rebuilt() {
    let (_dir, study, store) = seeded();
    let meta = store.tree("meta").unwrap();
    let text = String::from_utf8(meta.get("study_totals").unwrap().unwrap().to_vec()).unwrap();
    meta.insert(
        "study_totals",
        text.replace("\"format\":1", "\"format\":0").as_bytes(),
    )
    .unwrap();
    assert!(matches!(
        study.load_totals().unwrap(),
        TotalsState::Stale(_)
    ));
    let (t, why) = study.totals().unwrap();
    assert!(matches!(why, Some(Rebuilt::Stale(_))), "{why:?}");
    assert_eq!(t, expected(&study));
}

#[test]
fn a_session_in_an_unknown_zone_follows_the_learner_to_another_zone() {
    let (_dir, study) = fresh();
    let s = Shape::Timed {
        anchor: 5,
        offset_mins: 0,
        zone: 8, // Nowhere/Atlantis: counted in the fallback zone
        segments: vec![(0, 120, true)],
        state: 0,
        tail: 0,
        detached: false,
        item: None,
    }
    .build(1);
    study.save_session(&s).unwrap();
    check(&study, "saving");
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    let moved = StudyStore::with_fallback(study.store().clone(), tokyo.clone());
    assert!(matches!(
        moved.load_totals().unwrap(),
        TotalsState::Stale(_)
    ));
    let (t, why) = moved.totals().unwrap();
    assert!(matches!(why, Some(Rebuilt::Stale(_))), "{why:?}");
    let sessions = moved.sessions().unwrap();
    assert_eq!(t, Totals::from_sessions(&sessions, &tokyo));
    assert_ne!(t, Totals::from_sessions(&sessions, &fallback()));
}

fn assert_damaged_then_rebuilt(study: &StudyStore, needle: &str) {
    match study.load_totals().unwrap() {
        TotalsState::Damaged(d) => assert!(d.contains(needle), "{d}"),
        other => panic!("expected damage, got {other:?}"),
    }
    let (t, why) = study.totals().unwrap();
    match why {
        Some(Rebuilt::Damaged(d)) => assert!(d.contains(needle), "{d}"),
        other => panic!("expected a damage report, got {other:?}"),
    }
    assert_eq!(t, expected(study));
    check(study, "the rebuild");
}

#[test]
fn an_unreadable_day_is_reported_and_rebuilt() {
    let (_dir, study, store) = seeded();
    let days = store.tree("study_days").unwrap();
    let (k, _) = days.first().unwrap().unwrap();
    days.insert(k.clone(), &b"{\"reading\": 6"[..]).unwrap();
    let key = String::from_utf8(k.to_vec()).unwrap();
    assert_damaged_then_rebuilt(&study, &format!("study_days/{key}"));
}

#[test]
fn a_wrong_but_well_formed_sum_is_caught_by_the_checksum() {
    let (_dir, study, store) = seeded();
    let days = store.tree("study_days").unwrap();
    let (k, v) = days.first().unwrap().unwrap();
    let mut d: serde_json::Value = serde_json::from_slice(&v).unwrap();
    d["reading"] = serde_json::json!(d["reading"].as_i64().unwrap() + 60);
    days.insert(k, serde_json::to_vec(&d).unwrap()).unwrap();
    assert_damaged_then_rebuilt(&study, "checksum");
}

#[test]
fn a_negative_item_and_a_damaged_meta_are_reported() {
    let (_dir, study, store) = seeded();
    store
        .tree("study_items")
        .unwrap()
        .insert("rust-book", &b"{\"reading\":-5,\"coding\":0}"[..])
        .unwrap();
    assert_damaged_then_rebuilt(&study, "study_items/rust-book");
    store
        .tree("meta")
        .unwrap()
        .insert("study_totals", &b"\x00\x01"[..])
        .unwrap();
    assert_damaged_then_rebuilt(&study, "meta/study_totals");
}

#[test]
fn damage_met_while_writing_keeps_the_session_and_is_reported() {
    let (_dir, study, store) = seeded();
    // Damage the record of the date the next session will add to.
    let s = Shape::Manual {
        anchor: 1,
        day_offset: 0,
        minutes: 10,
        coding: true,
        item: None,
    }
    .build(10);
    let SessionKind::Manual(m) = &s.kind else {
        unreachable!()
    };
    store
        .tree("study_days")
        .unwrap()
        .insert(m.date.to_string(), &b"garbage"[..])
        .unwrap();
    study.save_session(&s).unwrap();
    assert_eq!(study.session(10).unwrap(), Some(s.clone()));
    assert_damaged_then_rebuilt(&study, &format!("study_days/{}", m.date));
    // The rebuilt totals count the session that was written.
    let mut day = 0;
    for (d, t) in &expected(&study).days {
        if *d == m.date {
            day = t.coding;
        }
    }
    assert!(day >= 600, "{day}");
}

#[test]
fn a_schema_1_store_is_upgraded_and_its_totals_built() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path()).unwrap();
        // As megarepo 1 left it: version 1, a session, no totals.
        s.tree("meta")
            .unwrap()
            .insert("schema_version", "1")
            .unwrap();
        let session = Shape::Manual {
            anchor: 0,
            day_offset: 0,
            minutes: 30,
            coding: false,
            item: None,
        }
        .build(1);
        s.put_json("sessions", "00000000000000000001", &session)
            .unwrap();
        s.flush().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let v = store
        .tree("meta")
        .unwrap()
        .get("schema_version")
        .unwrap()
        .unwrap();
    assert_eq!(&v[..], b"2");
    let study = StudyStore::with_fallback(store, fallback());
    assert_eq!(study.load_totals().unwrap(), TotalsState::Missing);
    let (t, why) = study.totals().unwrap();
    assert_eq!(why, Some(Rebuilt::Missing));
    assert_eq!(
        t.days.get(&date(2024, 3, 10)).map(|d| d.reading),
        Some(1800)
    );
}
