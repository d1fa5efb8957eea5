//! Content: what ships with megarepo (the roadmap, lessons, cheat sheets).
//!
//! The repository's copies are embedded in the binary, so a bare `megarepo`
//! always has something to show. A content folder on disk overrides them:
//! `--content-dir DIR`, or the checkout the binary was built from when it is
//! still there. A file on disk that fails to load is reported (path, line,
//! column) and the embedded copy is used instead, so a typo never stops the
//! app from starting. serde_yaml is used only here, so it can be swapped for
//! a maintained fork in one place.

pub mod roadmap;
pub mod sheets;

use std::path::{Path, PathBuf};

pub use roadmap::{Entry, Kind, Link, Node, Roadmap, RoadmapError};

/// The roadmap as shipped in this binary.
pub const EMBEDDED_ROADMAP: &str = include_str!("../../lessons/roadmap.yaml");

/// Where the content came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Embedded,
    Dir(PathBuf),
}

/// A problem with a content file, with the position a person needs to fix it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {source}")]
    Invalid { path: String, source: RoadmapError },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

/// Parse and validate roadmap YAML. `path` is only used in messages.
pub fn parse_roadmap(text: &str, path: &str) -> Result<Roadmap, LoadError> {
    let roadmap: Roadmap = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        // serde_yaml appends " at line X column Y" to its message; we print the
        // position in front, compiler-style, so drop the duplicate.
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        LoadError::Syntax {
            path: path.to_string(),
            line,
            column,
            message,
        }
    })?;
    roadmap.validate().map_err(|source| LoadError::Invalid {
        path: path.to_string(),
        source,
    })?;
    Ok(roadmap)
}

/// The content folder to use: the one asked for, else the checkout this
/// binary was built from (if it still exists), else none (embedded only).
pub fn resolve_dir(asked: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = asked {
        return Some(p.to_path_buf());
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    checkout
        .join("lessons/roadmap.yaml")
        .is_file()
        .then(|| checkout.to_path_buf())
}

/// The loaded content plus any problems met on the way.
#[derive(Debug, Clone)]
pub struct Content {
    pub roadmap: Roadmap,
    pub origin: Origin,
    pub dir: Option<PathBuf>,
    /// Problems with files on disk that were replaced by embedded copies.
    pub warnings: Vec<LoadError>,
}

impl Content {
    /// Load from `dir` if given, falling back to the embedded copy on error.
    pub fn load(dir: Option<&Path>) -> Content {
        let mut warnings = Vec::new();
        if let Some(dir) = dir {
            let path = dir.join("lessons/roadmap.yaml");
            let shown = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => match parse_roadmap(&text, &shown) {
                    Ok(roadmap) => {
                        return Content {
                            roadmap,
                            origin: Origin::Dir(dir.to_path_buf()),
                            dir: Some(dir.to_path_buf()),
                            warnings,
                        };
                    }
                    Err(e) => warnings.push(e),
                },
                Err(e) => warnings.push(LoadError::Io {
                    path: shown,
                    message: e.to_string(),
                }),
            }
        }
        Content {
            roadmap: embedded_roadmap(),
            origin: Origin::Embedded,
            dir: dir.map(Path::to_path_buf),
            warnings,
        }
    }
}

/// The roadmap compiled into the binary. A unit test proves it parses, so
/// this cannot fail in a released build.
pub fn embedded_roadmap() -> Roadmap {
    match parse_roadmap(EMBEDDED_ROADMAP, "(embedded) lessons/roadmap.yaml") {
        Ok(r) => r,
        // Unreachable in practice: `embedded_roadmap_is_valid` checks it.
        Err(e) => panic!("embedded roadmap is broken: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_roadmap_is_valid() {
        let r = embedded_roadmap();
        assert!(r.ids().len() > 60, "roadmap has {} nodes", r.ids().len());
    }

    #[test]
    fn embedded_roadmap_covers_the_seed() {
        // Every checkbox line of the seed roadmap must be an item here.
        let seed = include_str!("../../lessons/roadmap.yaml");
        let r = parse_roadmap(seed, "x").unwrap();
        let titles: Vec<String> = r
            .flatten()
            .iter()
            .map(|e| e.node.title.to_lowercase())
            .collect();
        for want in [
            "complete \"the rust programming language\" book (cover to cover)",
            "solve at least one rust coding challenge daily",
            "ownership and borrowing",
            "trait systems",
            "generics",
            "error handling",
            "concurrency primitives",
            "complete exercism.io rust track",
            "solve 50 rust problems on codewars",
            "solve 30 leetcode problems in rust",
            "read \"programming rust\" by jim blandy",
            "jon gjengset",
            "ryan levick",
            "command-line project management tool",
            "implement file i/o",
            "add error handling",
            "use argument parsing",
            "introduce simple concurrency",
            "design thread-safe storage mechanism",
            "implement crud operations",
            "add persistence layer",
            "explore advanced concurrency patterns",
            "build tcp/udp server",
            "create client-server architecture",
            "implement basic protocol",
            "handle async i/o with tokio",
            "implement simple indexing strategy",
            "create basic query language",
            "design disk-based storage mechanism",
            "write a basic bootloader",
            "implement simple process scheduler",
            "explore memory management techniques",
            "1-2 hours of focused study",
            "50% reading/learning",
            "50% hands-on coding",
            "document learning process in personal blog/notes",
            "join discord/reddit groups",
            "attend virtual meetups/conferences",
            "contribute to open-source rust projects",
            "1. consistency over intensity",
            "2. deliberate, focused practice",
            "3. document and share learnings",
            "4. embrace failure as a learning opportunity",
        ] {
            assert!(
                titles.iter().any(|t| t == want),
                "missing seed item: {want}"
            );
        }
        let codewars = r.find("codewars-50").unwrap();
        assert_eq!(codewars.target, Some(50));
        assert_eq!(r.find("leetcode-30").unwrap().target, Some(30));
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let bad = "version: 1\ntitle: x\nsections:\n  - id: a\n    title: [unclosed\n";
        let err = parse_roadmap(bad, "lessons/roadmap.yaml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("lessons/roadmap.yaml:"), "{msg}");
        match err {
            LoadError::Syntax { line, .. } => assert!(line >= 5, "line {line}"),
            other => panic!("wrong error {other:?}"),
        }
    }

    #[test]
    fn unknown_field_is_reported() {
        let bad = "version: 1\ntitle: x\nsections:\n  - id: a\n    titel: typo\n";
        let msg = parse_roadmap(bad, "r.yaml").unwrap_err().to_string();
        assert!(msg.contains("r.yaml:"), "{msg}");
        assert!(msg.contains("titel"), "{msg}");
    }

    #[test]
    fn duplicate_ids_and_unknown_panes_are_rejected() {
        let dup =
            "version: 1\ntitle: x\nsections:\n  - id: a\n    title: A\n  - id: a\n    title: B\n";
        assert!(matches!(
            parse_roadmap(dup, "r").unwrap_err(),
            LoadError::Invalid {
                source: RoadmapError::DuplicateId(_),
                ..
            }
        ));
        let pane = "version: 1\ntitle: x\nsections:\n  - id: a\n    title: A\n    pane: nowhere\n";
        let msg = parse_roadmap(pane, "r").unwrap_err().to_string();
        assert!(msg.contains("nowhere"), "{msg}");
    }

    #[test]
    fn broken_file_on_disk_falls_back_to_embedded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lessons")).unwrap();
        std::fs::write(dir.path().join("lessons/roadmap.yaml"), "version: [").unwrap();
        let c = Content::load(Some(dir.path()));
        assert_eq!(c.origin, Origin::Embedded);
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].to_string().contains("roadmap.yaml:1:"));
        assert_eq!(c.roadmap, embedded_roadmap());
    }

    #[test]
    fn closest_id_suggests_a_near_miss() {
        let r = embedded_roadmap();
        assert_eq!(r.closest_id("rust-bok"), Some("rust-book"));
        assert_eq!(r.closest_id("codewars50"), Some("codewars-50"));
    }
}
