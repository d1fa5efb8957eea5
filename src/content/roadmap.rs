//! The roadmap as typed data.
//!
//! `lessons/roadmap.yaml` is parsed with serde_yaml into [`Roadmap`], then
//! checked ([`Roadmap::validate`]) for the things serde cannot see: duplicate
//! ids, unknown panes, empty ids. The rest of the app reads the roadmap through
//! [`Roadmap::flatten`], a depth-first list of [`Entry`] values that carries
//! each node's depth and parent, which is what the checklist tree, the CLI and
//! the progress sums all want.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The panes an item may lead to. Kept as a closed list so a typo in the YAML
/// is reported instead of producing a dead link.
pub const PANES: &[&str] = &[
    "checklist",
    "today",
    "sheets",
    "stats",
    "journal",
    "timer",
    "exercises",
    "pm",
    "kv",
    "net",
    "db",
    "kernel",
];

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Roadmap {
    pub version: u32,
    pub title: String,
    #[serde(default)]
    pub goal: String,
    pub sections: Vec<Node>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A heading that groups other nodes; its progress is the sum of theirs.
    Section,
    /// Something the learner does and ticks off.
    #[default]
    Item,
    /// Shown for reference (a principle, an estimate); never checked.
    Info,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub target: Option<u32>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub pane: Option<String>,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// One node of the roadmap in depth-first order, with its place in the tree.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub node: &'a Node,
    pub depth: usize,
    /// Index into the flattened list of the parent entry.
    pub parent: Option<usize>,
    /// Id of the top-level section this entry belongs to.
    pub section: &'a str,
}

/// What is wrong with a roadmap that parsed as YAML.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoadmapError {
    #[error("duplicate id `{0}`")]
    DuplicateId(String),
    #[error("item `{id}` leads to unknown pane `{pane}` (known: {known})")]
    UnknownPane {
        id: String,
        pane: String,
        known: String,
    },
    #[error(
        "an item titled `{0}` has an empty or malformed id (use lowercase letters, digits and dashes)"
    )]
    BadId(String),
    #[error("item `{0}` is a section but has a target; only items can be counted")]
    SectionTarget(String),
}

impl Roadmap {
    pub fn validate(&self) -> Result<(), RoadmapError> {
        let mut seen = HashMap::new();
        for e in self.flatten() {
            let n = e.node;
            let ok = !n.id.is_empty()
                && n.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !ok {
                return Err(RoadmapError::BadId(n.title.clone()));
            }
            if seen.insert(n.id.as_str(), ()).is_some() {
                return Err(RoadmapError::DuplicateId(n.id.clone()));
            }
            if let Some(p) = &n.pane
                && !PANES.contains(&p.as_str())
            {
                return Err(RoadmapError::UnknownPane {
                    id: n.id.clone(),
                    pane: p.clone(),
                    known: PANES.join(", "),
                });
            }
            if n.kind == Kind::Section && n.target.is_some() {
                return Err(RoadmapError::SectionTarget(n.id.clone()));
            }
        }
        Ok(())
    }

    /// Depth-first list of every node.
    pub fn flatten(&self) -> Vec<Entry<'_>> {
        fn walk<'a>(
            nodes: &'a [Node],
            depth: usize,
            parent: Option<usize>,
            section: Option<&'a str>,
            out: &mut Vec<Entry<'a>>,
        ) {
            for n in nodes {
                let section = section.unwrap_or(n.id.as_str());
                let idx = out.len();
                out.push(Entry {
                    node: n,
                    depth,
                    parent,
                    section,
                });
                walk(&n.children, depth + 1, Some(idx), Some(section), out);
            }
        }
        let mut out = Vec::new();
        walk(&self.sections, 0, None, None, &mut out);
        out
    }

    pub fn find(&self, id: &str) -> Option<&Node> {
        self.flatten()
            .into_iter()
            .find(|e| e.node.id == id)
            .map(|e| e.node)
    }

    /// Every id, in roadmap order.
    pub fn ids(&self) -> Vec<&str> {
        self.flatten()
            .into_iter()
            .map(|e| e.node.id.as_str())
            .collect()
    }

    /// The node with `id`, or an error that names the closest id.
    pub fn require(&self, id: &str) -> Result<&Node, UnknownId> {
        self.find(id).ok_or_else(|| UnknownId {
            id: id.to_string(),
            near: self.closest_id(id).map(str::to_string),
        })
    }

    /// The id closest to `wanted`, for "did you mean" messages.
    pub fn closest_id(&self, wanted: &str) -> Option<&str> {
        self.ids()
            .into_iter()
            .map(|id| (strsim::jaro_winkler(wanted, id), id))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id)
    }
}

/// An item id that is not in the roadmap.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("unknown item id `{id}` {}", match near { Some(n) => format!("(did you mean `{n}`?)"), None => "(see `megarepo checklist list`)".to_string() })]
pub struct UnknownId {
    pub id: String,
    pub near: Option<String>,
}

impl Node {
    /// Items can be ticked; sections and info lines cannot.
    pub fn checkable(&self) -> bool {
        self.kind == Kind::Item
    }
}
