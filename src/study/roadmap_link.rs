//! Joining the roadmap and checklist progress to study statistics.
//!
//! Stats take two things from the checklist: which roadmap section a
//! session's item belongs to (for totals per section) and when items were
//! done (for the projected completion). Both are computed here from the
//! roadmap content and the progress records, so `stats` itself stays free of
//! content types.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::stats::Progress;
use crate::checklist::{Checklist, leaf_items};
use crate::content::roadmap::{Kind, Roadmap};
use crate::store::ItemProgress;

/// The section id of the top-level section holding the fundamentals.
pub const FUNDAMENTALS: &str = "fundamentals";

/// Maps every node id to the section its time is reported under: the
/// second-level section when there is one (`phase-2`, `rust-language`),
/// otherwise the top-level section.
pub fn section_map(roadmap: &Roadmap) -> HashMap<String, String> {
    let flat = roadmap.flatten();
    let mut out = HashMap::new();
    for (i, e) in flat.iter().enumerate() {
        // Walk up to the ancestor at depth 1 (or stop at the top).
        let mut j = i;
        while flat[j].depth > 1 {
            match flat[j].parent {
                Some(p) => j = p,
                None => break,
            }
        }
        let section = if flat[j].depth == 1 && flat[j].node.kind == Kind::Section {
            flat[j].node.id.clone()
        } else {
            e.section.to_string()
        };
        out.insert(e.node.id.clone(), section);
    }
    out
}

/// Counts done leaf items (with their done dates in `zone`) for the
/// fundamentals and for the whole roadmap.
pub fn progress(
    roadmap: &Roadmap,
    records: &HashMap<String, ItemProgress>,
    zone: &TimeZone,
) -> Progress {
    let cl = Checklist::new(roadmap, records);
    let mut p = Progress::default();
    for top in &roadmap.sections {
        for item in leaf_items(top) {
            let done = cl.state(&item.id).is_some_and(|s| s.done);
            let date = records.get(&item.id).map(|r| {
                r.done_at
                    .unwrap_or(r.updated_at)
                    .to_zoned_datetime(zone.clone())
                    .date()
            });
            p.roadmap_total += 1;
            if top.id == FUNDAMENTALS {
                p.fundamentals_total += 1;
            }
            if let (true, Some(d)) = (done, date) {
                p.roadmap_done.push(d);
                if top.id == FUNDAMENTALS {
                    p.fundamentals_done.push(d);
                }
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::embedded_roadmap;

    #[test]
    fn sections_and_progress_from_the_shipped_roadmap() {
        let r = embedded_roadmap();
        let map = section_map(&r);
        assert_eq!(
            map.get("rust-book").map(String::as_str),
            Some("rust-language")
        );
        assert_eq!(
            map.get("fundamentals").map(String::as_str),
            Some("fundamentals")
        );
        let now = jiff::Timestamp::from_second(1_750_000_000).unwrap();
        let mut records = HashMap::new();
        records.insert(
            "rust-book".to_string(),
            ItemProgress {
                done: true,
                done_at: Some(now),
                count: 0,
                note: String::new(),
                created_at: now,
                updated_at: now,
            },
        );
        let p = progress(&r, &records, &TimeZone::UTC);
        assert!(p.fundamentals_total > 5 && p.roadmap_total > p.fundamentals_total);
        assert_eq!(p.fundamentals_done.len(), 1);
        assert_eq!(p.roadmap_done.len(), 1);
    }
}
