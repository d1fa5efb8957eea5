//! `megarepo stats` without opening the store, when nothing it depends on
//! has changed since it last ran.
//!
//! `DATA/stats.json` keeps both renderings of the statistics (`--json` and
//! the text) with the key they were computed for: the format, the
//! megarepo version, the local date and zone, a hash of the roadmap and
//! the exercise workspace's state file (size, time, inode: the daily
//! challenges count for the streak). The file answers only when every part
//! of the key matches what the reader computes now; anything else (missing,
//! another day, another roadmap, unreadable) is recomputed from the store
//! and written again.
//!
//! Store changes are covered by removal, as for the status file: every
//! write to the store first removes the file (`Store::before_change`), and
//! it is written only by a process that holds the store (the command, or
//! the app answering it), before it lets go, and only when no session is
//! open (an open session's minutes grow with the clock, so such numbers
//! are never kept). A damaged file is reported on stderr, replaced and
//! never trusted.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::clock::Clock;
use super::timefmt::{self, zone_name};
use crate::content::Roadmap;

/// The file's name in the data folder (listed in `store::DERIVED_FILES`).
pub const FILE: &str = "stats.json";

/// Version of the file's layout; another version is recomputed.
pub const FORMAT: u32 = 1;

/// What the statistics were computed for. Equal keys mean equal inputs,
/// given that store writes remove the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub format: u32,
    /// The megarepo that computed them (the statistics' rules may change).
    pub version: String,
    #[serde(with = "timefmt::day")]
    pub date: Date,
    pub zone: String,
    /// A hash of the roadmap (sections, items, estimates).
    pub roadmap: String,
    /// The exercise workspace's state file: `size:mtime_ns:inode`, or
    /// `none`.
    pub exercises: String,
}

/// Both renderings, exactly as the command prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub json: String,
    pub text: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    key: Key,
    stats: Rendered,
}

/// What reading the file found.
#[derive(Debug)]
pub enum Read {
    /// Computed for exactly this key.
    Fresh(Rendered),
    /// For another key (day, zone, roadmap, exercises, version): recompute.
    Stale,
    Missing,
    /// Not readable: recompute, and say so.
    Damaged(String),
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// The key as of now for this data folder and roadmap.
pub fn key(data_dir: &Path, roadmap: &Roadmap, clock: &dyn Clock) -> Key {
    let now = clock.now();
    let zone = clock.zone();
    Key {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        date: now.to_zoned_datetime(zone.clone()).date(),
        zone: zone_name(&zone, now),
        roadmap: roadmap_hash(roadmap),
        exercises: file_stamp(
            &crate::exercises::workspace::Workspace::dir(data_dir).join("state.json"),
        ),
    }
}

fn roadmap_hash(roadmap: &Roadmap) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match serde_json::to_vec(roadmap) {
        Ok(bytes) => bytes.hash(&mut h),
        // Never equal to a real hash's text: the file is then never used.
        Err(e) => return format!("unhashable: {e}"),
    }
    format!("{:016x}", h.finish())
}

/// Size, modification time and inode: the workspace writes its state by
/// renaming a new file over it, so any write changes the inode.
fn file_stamp(p: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(p) {
        Ok(m) => format!("{}:{}.{}:{}", m.len(), m.mtime(), m.mtime_nsec(), m.ino()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "none".into(),
        Err(e) => format!("unreadable: {e}"),
    }
}

/// Reads the file and compares its key with `key`.
pub fn read(data_dir: &Path, key: &Key) -> Read {
    let bytes = match std::fs::read(path(data_dir)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Read::Missing,
        Err(e) => return Read::Damaged(e.to_string()),
    };
    let file: CacheFile = match serde_json::from_slice(&bytes) {
        Ok(f) => f,
        Err(e) => {
            // Another format is not damage: an older or newer megarepo wrote it.
            let format = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("key")?.get("format")?.as_u64());
            return match format {
                Some(f) if f != u64::from(FORMAT) => Read::Stale,
                _ => Read::Damaged(e.to_string()),
            };
        }
    };
    if file.key == *key {
        Read::Fresh(file.stats)
    } else {
        Read::Stale
    }
}

/// Writes the file atomically (a temporary file named for this process,
/// then a rename). The caller must hold the store and have no session open.
pub fn write(data_dir: &Path, key: &Key, stats: &Rendered) -> std::io::Result<()> {
    let file = CacheFile {
        key: key.clone(),
        stats: stats.clone(),
    };
    let json = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
    let tmp = data_dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path(data_dir)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::clock::FixedClock;

    fn rendered() -> Rendered {
        Rendered {
            json: "{\"streak\": 3}\n".into(),
            text: "3 day streak\n".into(),
        }
    }

    fn clock(at: &str) -> FixedClock {
        FixedClock::new(at.parse().unwrap(), jiff::tz::TimeZone::UTC)
    }

    #[test]
    fn fresh_only_for_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let roadmap = crate::content::embedded_roadmap();
        let c = clock("2026-03-01T10:00:00Z");
        let k = key(dir.path(), &roadmap, &c);
        assert!(matches!(read(dir.path(), &k), Read::Missing));
        write(dir.path(), &k, &rendered()).unwrap();
        assert!(matches!(read(dir.path(), &k), Read::Fresh(r) if r == rendered()));
        // Later the same day: still this key.
        let later = key(dir.path(), &roadmap, &clock("2026-03-01T23:59:00Z"));
        assert_eq!(later, k);
        // The next day, another roadmap, a solved challenge: stale.
        let tomorrow = key(dir.path(), &roadmap, &clock("2026-03-02T00:00:01Z"));
        assert!(matches!(read(dir.path(), &tomorrow), Read::Stale));
        let mut other = roadmap.clone();
        other.sections.pop();
        assert!(matches!(
            read(dir.path(), &key(dir.path(), &other, &c)),
            Read::Stale
        ));
        let ws = crate::exercises::workspace::Workspace::dir(dir.path());
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::write(ws.join("state.json"), "{}").unwrap();
        assert!(matches!(
            read(dir.path(), &key(dir.path(), &roadmap, &c)),
            Read::Stale
        ));
    }

    #[test]
    fn damaged_and_other_formats_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let roadmap = crate::content::embedded_roadmap();
        let k = key(dir.path(), &roadmap, &clock("2026-03-01T10:00:00Z"));
        std::fs::write(path(dir.path()), "{\"key\": {\"format\": 1").unwrap();
        assert!(matches!(read(dir.path(), &k), Read::Damaged(_)));
        std::fs::write(path(dir.path()), "{\"key\": {\"format\": 99}}").unwrap();
        assert!(matches!(read(dir.path(), &k), Read::Stale));
    }
}
