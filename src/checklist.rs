//! The checklist model: the roadmap joined with the learner's progress.
//!
//! Pure functions, shared by the CLI and the TUI. Progress is counted over
//! *leaf* items (checkable items without checkable children): a parent item
//! such as "Create personal cheat sheets for:" is done when all its children
//! are, and ticking it ticks them all. An item with a target (50 Codewars
//! problems) contributes `count / target` to the sums, so half-way shows.

use crate::content::{Kind, Node, Roadmap};
use crate::store::ItemProgress;
use std::collections::{HashMap, HashSet};

/// Which rows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    #[default]
    All,
    Open,
    Done,
}

impl Filter {
    pub fn next(self) -> Filter {
        match self {
            Filter::All => Filter::Open,
            Filter::Open => Filter::Done,
            Filter::Done => Filter::All,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Open => "open",
            Filter::Done => "done",
        }
    }
}

/// Progress of one node: `done` units out of `total` (fractional for counters).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    pub done: f64,
    pub total: f64,
}

impl Tally {
    pub fn ratio(&self) -> f64 {
        if self.total == 0.0 {
            0.0
        } else {
            self.done / self.total
        }
    }
    pub fn complete(&self) -> bool {
        self.total > 0.0 && self.done >= self.total - 1e-9
    }
}

/// The state of one node, as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeState {
    pub tally: Tally,
    pub done: bool,
    /// Counter and target for counted items.
    pub count: Option<(u32, u32)>,
    pub note: bool,
}

/// The roadmap with progress applied.
pub struct Checklist<'a> {
    pub roadmap: &'a Roadmap,
    pub states: HashMap<&'a str, NodeState>,
}

fn has_checkable_child(n: &Node) -> bool {
    n.children
        .iter()
        .any(|c| c.kind == Kind::Item || has_checkable_child(c))
}

/// A node is a leaf unit of progress if it is an item with no checkable children.
pub fn is_leaf_item(n: &Node) -> bool {
    n.kind == Kind::Item && !has_checkable_child(n)
}

/// Ids of the leaf items under (and including) `n`.
pub fn leaf_items(n: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
        if is_leaf_item(n) {
            out.push(n);
        }
        for c in &n.children {
            walk(c, out);
        }
    }
    walk(n, &mut out);
    out
}

impl<'a> Checklist<'a> {
    pub fn new(roadmap: &'a Roadmap, progress: &HashMap<String, ItemProgress>) -> Self {
        let mut states = HashMap::new();
        fn visit<'a>(
            n: &'a Node,
            progress: &HashMap<String, ItemProgress>,
            states: &mut HashMap<&'a str, NodeState>,
        ) -> Tally {
            let rec = progress.get(&n.id);
            let note = rec.is_some_and(|r| !r.note.is_empty());
            let mut child_tally = Tally::default();
            for c in &n.children {
                let t = visit(c, progress, states);
                child_tally.done += t.done;
                child_tally.total += t.total;
            }
            let (tally, done, count) = if is_leaf_item(n) {
                let done = rec.is_some_and(|r| r.done);
                match n.target {
                    Some(t) if t > 0 => {
                        let c = rec.map_or(0, |r| r.count);
                        let frac = if done {
                            1.0
                        } else {
                            (c as f64 / t as f64).min(1.0)
                        };
                        (
                            Tally {
                                done: frac,
                                total: 1.0,
                            },
                            done,
                            Some((c, t)),
                        )
                    }
                    _ => (
                        Tally {
                            done: if done { 1.0 } else { 0.0 },
                            total: 1.0,
                        },
                        done,
                        None,
                    ),
                }
            } else {
                (child_tally, child_tally.complete(), None)
            };
            states.insert(
                n.id.as_str(),
                NodeState {
                    tally,
                    done,
                    count,
                    note,
                },
            );
            tally
        }
        for s in &roadmap.sections {
            visit(s, progress, &mut states);
        }
        Checklist { roadmap, states }
    }

    pub fn state(&self, id: &str) -> Option<&NodeState> {
        self.states.get(id)
    }

    /// The whole roadmap's progress.
    pub fn overall(&self) -> Tally {
        let mut t = Tally::default();
        for s in &self.roadmap.sections {
            if let Some(st) = self.states.get(s.id.as_str()) {
                t.done += st.tally.done;
                t.total += st.tally.total;
            }
        }
        t
    }

    /// Rows to show, depth-first, honouring collapsed nodes and the filter.
    /// A node is shown when it matches the filter or has a descendant that does,
    /// so filtered rows keep their context.
    pub fn rows(&self, collapsed: &HashSet<String>, filter: Filter) -> Vec<Row<'a>> {
        let mut out = Vec::new();
        fn matches(n: &Node, st: Option<&NodeState>, filter: Filter) -> bool {
            match filter {
                Filter::All => true,
                Filter::Open => n.kind == Kind::Item && st.is_some_and(|s| !s.done),
                Filter::Done => n.kind == Kind::Item && st.is_some_and(|s| s.done),
            }
        }
        fn any_match(n: &Node, cl: &Checklist<'_>, filter: Filter) -> bool {
            matches(n, cl.states.get(n.id.as_str()), filter)
                || n.children.iter().any(|c| any_match(c, cl, filter))
        }
        fn walk<'a>(
            nodes: &'a [Node],
            depth: usize,
            cl: &Checklist<'a>,
            collapsed: &HashSet<String>,
            filter: Filter,
            out: &mut Vec<Row<'a>>,
        ) {
            for n in nodes {
                if !any_match(n, cl, filter) {
                    continue;
                }
                let is_collapsed = collapsed.contains(&n.id);
                out.push(Row {
                    node: n,
                    depth,
                    collapsed: is_collapsed && !n.children.is_empty(),
                });
                if !is_collapsed {
                    walk(&n.children, depth + 1, cl, collapsed, filter, out);
                }
            }
        }
        walk(&self.roadmap.sections, 0, self, collapsed, filter, &mut out);
        out
    }
}

/// One visible line of the checklist tree.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub node: &'a Node,
    pub depth: usize,
    pub collapsed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::embedded_roadmap;
    use jiff::Timestamp;

    fn rec(done: bool, count: u32) -> ItemProgress {
        ItemProgress {
            done,
            done_at: None,
            count,
            note: String::new(),
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn parent_is_done_when_all_children_are() {
        let r = embedded_roadmap();
        let mut p = HashMap::new();
        for id in [
            "sheet-ownership",
            "sheet-traits",
            "sheet-generics",
            "sheet-error-handling",
        ] {
            p.insert(id.to_string(), rec(true, 0));
        }
        let cl = Checklist::new(&r, &p);
        assert!(!cl.state("personal-cheat-sheets").unwrap().done);
        p.insert("sheet-concurrency".into(), rec(true, 0));
        let cl = Checklist::new(&r, &p);
        assert!(cl.state("personal-cheat-sheets").unwrap().done);
        assert_eq!(cl.state("personal-cheat-sheets").unwrap().tally.total, 5.0);
    }

    #[test]
    fn counters_contribute_fractionally() {
        let r = embedded_roadmap();
        let mut p = HashMap::new();
        p.insert("codewars-50".to_string(), rec(false, 25));
        let cl = Checklist::new(&r, &p);
        let st = cl.state("codewars-50").unwrap();
        assert_eq!(st.count, Some((25, 50)));
        assert!((st.tally.done - 0.5).abs() < 1e-9);
        let platforms = cl.state("platforms").unwrap().tally;
        assert!((platforms.done - 0.5).abs() < 1e-9);
    }

    #[test]
    fn filters_keep_ancestors_and_collapse_hides_children() {
        let r = embedded_roadmap();
        let mut p = HashMap::new();
        p.insert("rust-book".to_string(), rec(true, 0));
        let cl = Checklist::new(&r, &p);
        let done: Vec<_> = cl
            .rows(&HashSet::new(), Filter::Done)
            .iter()
            .map(|r| r.node.id.as_str())
            .collect();
        assert_eq!(done, ["fundamentals", "rust-language", "rust-book"]);
        let open = cl.rows(&HashSet::new(), Filter::Open);
        assert!(open.iter().all(|r| r.node.id != "rust-book"));
        assert!(open.iter().all(|r| r.node.kind != Kind::Info));
        let mut collapsed = HashSet::new();
        collapsed.insert("fundamentals".to_string());
        let rows = cl.rows(&collapsed, Filter::All);
        assert_eq!(rows[0].node.id, "fundamentals");
        assert!(rows[0].collapsed);
        assert_eq!(rows[1].node.id, "projects");
    }

    #[test]
    fn unknown_progress_ids_do_not_disturb_sums() {
        let r = embedded_roadmap();
        let mut p = HashMap::new();
        p.insert("gone-from-yaml".to_string(), rec(true, 0));
        let cl = Checklist::new(&r, &p);
        assert_eq!(cl.overall().done, 0.0);
        assert_eq!(cl.overall().total, 38.0, "leaf items of the seed roadmap");
    }
}
