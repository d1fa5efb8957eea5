#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A learner's data folder of any age, and the in-process timings of the
//! study and journal panes over it (issue 19). Not a test: it prints
//! numbers. `benches/scale.sh` drives it and the real binary and prints the
//! table for 0, 1 and 3 years.
//!
//! ```text
//! scale gen DIR YEARS     write YEARS of data into DIR (a new folder)
//! scale panes DIR [RUNS]  time the Study and Journal panes over DIR
//! ```
//!
//! `gen` goes through the library the app and the commands use (the same
//! `save_session` that keeps the totals, the same progress and journal
//! records), so the folder is what years of use leave behind: every day
//! but about one in twelve, a timed session in the evening (switching from
//! reading to coding halfway, some crossing midnight; two weeks a year in
//! New York and ten days in Tokyo, so the zone moves) and a manual entry of
//! the other mode; a journal entry every other day; checklist items done
//! and annotated as the years go; personal sheets; a KV store of the
//! learner's own keys. Dates end yesterday; today is left to the
//! learner. The random choices come from a fixed seed: the same YEARS
//! always gives the same folder (relative to today).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use kv::Engine;
use megarepo::checklist::leaf_items;
use megarepo::content::Content;
use megarepo::harness::Harness;
use megarepo::pane::Pane;
use megarepo::panes::journal::JournalPane;
use megarepo::panes::stats::StatsPane;
use megarepo::store::Store;
use megarepo::study::journal::{Field, JournalEntry};
use megarepo::study::service::{StudyCtx, publish, status_now};
use megarepo::study::session::{Segment, SessionKind};
use megarepo::study::stats::{Progress, Stats, StatsInput};
use megarepo::study::{Clock, Mode, Session, StudyStore, SystemClock};
use megarepo::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A small fixed-seed generator (xorshift): the data must not change
/// between runs, and the bench needs no dependency for it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "borrow",
    "checker",
    "lifetime",
    "trait",
    "iterator",
    "closure",
    "async",
    "tokio",
    "future",
    "pinning",
    "segment",
    "compaction",
    "index",
    "btree",
    "page",
    "cache",
    "mutex",
    "atomic",
    "ordering",
    "syscall",
    "interrupt",
    "paging",
    "allocator",
    "kernel",
    "socket",
    "protocol",
    "parser",
    "planner",
    "query",
    "today",
    "finally",
    "understood",
    "struggled",
    "with",
    "the",
    "a",
    "and",
    "of",
    "why",
    "how",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s: Vec<&str> = (0..words)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect();
    if rng.below(40) == 0 {
        // A rare word, for the search benchmark.
        s.push("quasiquote");
    }
    let mut text = s.join(" ");
    text.push('.');
    text
}

fn at_local(zone: &str, date: Date, hour: i8, minute: i8) -> Timestamp {
    let tz = TimeZone::get(zone).unwrap();
    tz.to_zoned_datetime(date.at(hour, minute, 0, 0))
        .unwrap()
        .timestamp()
}

/// Where the learner is on `n` days before today.
fn zone_on(n: i64) -> &'static str {
    match n % 365 {
        100..=113 => "America/New_York",
        250..=259 => "Asia/Tokyo",
        _ => "Europe/Paris",
    }
}

fn generate(dir: &Path, years: i64) {
    assert!(
        !dir.join("store").exists(),
        "{} already holds a store",
        dir.display()
    );
    let started = Instant::now();
    let clock = SystemClock::new();
    let today = clock.today();
    let store = Store::open(dir).unwrap();
    let study = StudyStore::with_fallback(store.clone(), clock.zone());
    let content = Content::load(None);
    let items: Vec<String> = content
        .roadmap
        .sections
        .iter()
        .flat_map(leaf_items)
        .map(|n| n.id.clone())
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let days = years * 365;
    let first = today - SignedDuration::from_hours(24 * days);
    study.set_start_date(first).unwrap();
    let mut id = 1;
    let mut sessions = 0;
    let mut journal = 0;
    for n in (1..=days).rev() {
        let date = today - SignedDuration::from_hours(24 * n);
        if rng.below(12) == 0 {
            continue; // a day off
        }
        let zone = zone_on(n);
        let item =
            (rng.below(3) != 0).then(|| items[rng.below(items.len() as u64) as usize].clone());
        // Evening session: from 19:00 to 23:30, 30 to 150 minutes, reading
        // then coding; those starting late run past midnight.
        let start = at_local(
            zone,
            date,
            19 + rng.below(5) as i8,
            (rng.below(2) * 30) as i8,
        );
        let len = 30 + rng.below(121) as i64;
        let half = start + SignedDuration::from_mins(len / 2);
        let end = start + SignedDuration::from_mins(len);
        let mut s = Session::start(id, start, zone.to_string(), Mode::Reading, item.clone());
        if let SessionKind::Timed(t) = &mut s.kind {
            t.segments.push(Segment {
                mode: Mode::Reading,
                start,
                end: half,
            });
            t.phase = megarepo::study::Phase::Running {
                mode: Mode::Coding,
                since: half,
            };
        }
        s.stop(end).unwrap();
        study.save_session(&s).unwrap();
        id += 1;
        sessions += 1;
        // Study away from the keyboard, logged for the day (`timer log`).
        let mode = if rng.below(2) == 0 {
            Mode::Reading
        } else {
            Mode::Coding
        };
        let m = Session::manual(
            id,
            date,
            20 + rng.below(41) as i64,
            mode,
            zone.to_string(),
            end,
            today,
            item,
        )
        .unwrap();
        study.save_session(&m).unwrap();
        id += 1;
        sessions += 1;
        if n % 2 == 0 {
            let mut e = JournalEntry::new(date, end);
            e.title = sentence(&mut rng, 4);
            e.add_tags([WORDS[rng.below(12) as usize], "daily"]);
            e.append(Field::Entry, &sentence(&mut rng, 60), end);
            if rng.below(3) == 0 {
                e.append(Field::Challenges, &sentence(&mut rng, 25), end);
            }
            if rng.below(4) == 0 {
                e.append(Field::Insights, &sentence(&mut rng, 25), end);
            }
            study.save_journal(&e).unwrap();
            journal += 1;
        }
    }
    // Checklist: the share of items done grows with age (all of it after
    // about eighteen months); every fifth done item has a note.
    let done = ((items.len() as i64 * years * 2) / 3).min(items.len() as i64) as usize;
    for (i, item) in items.iter().take(done).enumerate() {
        let back = days * (done - i) as i64 / done.max(1) as i64;
        let when = clock
            .zone()
            .to_zoned_datetime((today - SignedDuration::from_hours(24 * back)).at(21, 0, 0, 0))
            .unwrap()
            .timestamp();
        store.set_done(item, true, when).unwrap();
        if i % 5 == 0 {
            store.set_note(item, &sentence(&mut rng, 30), when).unwrap();
        }
    }
    // Personal sheets: three a year.
    for k in 0..(3 * years) {
        let name = format!("notes-{k}");
        let (path, _) = megarepo::content::sheets::create_personal(dir, &name).unwrap();
        let mut text = format!("# My notes {k}\n\n");
        for _ in 0..20 {
            text.push_str(&sentence(&mut rng, 30));
            text.push_str("\n\n");
        }
        std::fs::write(path, text).unwrap();
    }
    // The KV tab's store: two thousand keys a year, some overwritten.
    if years > 0 {
        let engine = kv::LogEngine::open(
            dir.join("kv"),
            kv::Options {
                durability: kv::Durability::Never,
                ..kv::Options::default()
            },
        )
        .unwrap();
        for k in 0..(2000 * years) {
            let key = format!("user:{}", k % (1500 * years));
            engine
                .set(key.as_bytes(), sentence(&mut rng, 8).as_bytes())
                .unwrap();
        }
        engine.flush().unwrap();
    }
    // What the last command leaves: the status file for prompts.
    let (file, _) = status_now(&store, &clock).unwrap();
    publish(dir, &file);
    store.flush().unwrap();
    eprintln!(
        "generated {years} year(s) in {}: {sessions} sessions, {journal} journal entries, {done} items done, in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn draw(term: &mut Terminal<TestBackend>, p: &dyn Pane) -> Duration {
    let t = Instant::now();
    term.draw(|f| p.draw(f, f.area(), &Theme::dark())).unwrap();
    t.elapsed()
}

/// Times, on the UI thread as the app does it: showing the Study pane
/// (`on_show` recomputes from the totals, then a frame), its redraw, and
/// showing the Journal pane; plus the statistics from the totals against
/// the old full recomputation from every session.
fn panes(dir: &Path, runs: usize) {
    let store = Store::open(dir).unwrap();
    let content = Content::load(None);
    let clock: Arc<dyn Clock + Send + Sync> = Arc::new(SystemClock::new());
    let h = Harness::with(store.clone(), Content::load(None)).unwrap();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    // Totals ready (as after the app's start-up job).
    StudyStore::with_fallback(store.clone(), clock.zone())
        .totals()
        .unwrap();

    let (mut open, mut redraw, mut jopen, mut fresh, mut full) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut p = StatsPane::new(&store, content.roadmap.clone(), clock.clone()).unwrap();
        let t = Instant::now();
        h.call(&mut p, |p, cx| p.on_show(cx));
        draw(&mut term, &p);
        open.push(ms(t.elapsed()));
        assert!(p.stats().is_some(), "the study pane has no statistics");
        for _ in 0..20 {
            redraw.push(ms(draw(&mut term, &p)));
        }
        let mut j = JournalPane::new(&store, clock.clone());
        let t = Instant::now();
        h.call(&mut j, |p, cx| p.on_show(cx));
        draw(&mut term, &j);
        jopen.push(ms(t.elapsed()));

        let cx = StudyCtx {
            store: &store,
            clock: &*clock,
            roadmap: &content.roadmap,
        };
        let t = Instant::now();
        cx.compute_if_ready(None).unwrap().unwrap();
        fresh.push(ms(t.elapsed()));
        // What every start-up and every status did before the totals.
        let t = Instant::now();
        let study = StudyStore::with_fallback(store.clone(), clock.zone());
        let sessions = study.sessions_at(clock.now()).unwrap();
        let none = |_: &str| None;
        let solved = Default::default();
        let progress = Progress::default();
        let _ = Stats::compute(&StatsInput {
            sessions: &sessions,
            today: clock.today(),
            zone: &clock.zone(),
            settings: study.settings().unwrap(),
            start_date: None,
            section_of: &none,
            solved: &solved,
            progress: &progress,
        });
        full.push(ms(t.elapsed()));
    }
    println!("study_open_ms {:.2}", median(open));
    println!("study_redraw_ms {:.3}", median(redraw));
    println!("journal_open_ms {:.2}", median(jopen));
    println!("stats_from_totals_ms {:.2}", median(fresh));
    println!("stats_from_sessions_ms {:.2}", median(full));
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen", dir, years] => generate(Path::new(dir), years.parse().expect("YEARS")),
        ["panes", dir] => panes(Path::new(dir), 5),
        ["panes", dir, runs] => panes(Path::new(dir), runs.parse().expect("RUNS")),
        _ => {
            eprintln!("usage: scale gen DIR YEARS | scale panes DIR [RUNS]");
            std::process::exit(2);
        }
    }
}
