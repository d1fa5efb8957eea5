#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The shipped content keeps two promises that no compiler checks:
//!
//! - every roadmap node under a project phase leads to that phase's lesson
//!   (a link to `lessons/phase-N-*.md`) and to a cheat sheet that exists, and
//!   the phase itself opens its lesson;
//! - every cheat sheet opens with the same "At a glance" block right after
//!   its title: the heading [`GLANCE`], then exactly [`GLANCE_LINES`] bullet
//!   lines, so the sheet is useful in one screen.
//!
//! Files are read from the checkout (`CARGO_MANIFEST_DIR`), not from the
//! copies embedded in the binary, so an edit is checked before it is built in.

use megarepo::content::{Node, parse_roadmap};
use std::path::{Path, PathBuf};

/// The one heading every sheet's summary block uses.
const GLANCE: &str = "## At a glance";
/// How many bullet lines the block has.
const GLANCE_LINES: usize = 10;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sheet_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("cheatsheets"))
        .expect("read cheatsheets/")
        .map(|e| e.expect("list cheatsheets/").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths
}

/// What is wrong with the opening of one sheet, or `None` if it has the
/// title, a blank line, the heading, a blank line, exactly ten one-line
/// bullets and a blank line, in that order.
fn glance_problem(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = |i: usize| lines.get(i).copied().unwrap_or("<end of file>");
    if !at(0).starts_with("# ") {
        return Some(format!("line 1 should be the `# Title`, found {:?}", at(0)));
    }
    if !at(1).is_empty() || at(2) != GLANCE || !at(3).is_empty() {
        return Some(format!(
            "lines 2-4 should be a blank line, `{GLANCE}` and a blank line, found {:?}, {:?}, {:?}",
            at(1),
            at(2),
            at(3)
        ));
    }
    let bullets = lines[4..]
        .iter()
        .take_while(|l| l.starts_with("- "))
        .count();
    if bullets != GLANCE_LINES {
        return Some(format!(
            "the block should have {GLANCE_LINES} `- ` lines, found {bullets} (then {:?})",
            at(4 + bullets)
        ));
    }
    if !at(4 + GLANCE_LINES).is_empty() {
        return Some(format!(
            "the block should end with a blank line, found {:?}",
            at(4 + GLANCE_LINES)
        ));
    }
    None
}

#[test]
fn every_sheet_opens_with_its_at_a_glance_block() {
    let paths = sheet_paths();
    assert!(paths.len() >= 27, "only {} sheets found", paths.len());
    let problems: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).expect("read sheet");
            glance_problem(&text).map(|why| format!("{}: {why}", p.display()))
        })
        .collect();
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_glance_check_rejects_a_sheet_without_the_block() {
    let bullets = "- one line\n".repeat(GLANCE_LINES);
    let good = format!("# T\n\n{GLANCE}\n\n{bullets}\nIntro.\n");
    assert_eq!(glance_problem(&good), None);
    let no_block = "# T\n\nIntro paragraph.\n";
    assert!(glance_problem(no_block).is_some());
    let other_heading = good.replace(GLANCE, "## Quick reference");
    assert!(glance_problem(&other_heading).is_some());
    let nine = format!("# T\n\n{GLANCE}\n\n{}\nIntro.\n", "- x\n".repeat(9));
    assert!(glance_problem(&nine).unwrap().contains("found 9"));
    let eleven = format!("# T\n\n{GLANCE}\n\n{}\nIntro.\n", "- x\n".repeat(11));
    assert!(glance_problem(&eleven).is_some());
    let wrapped = good.replacen("- one line\n", "- one line\n  wraps\n", 1);
    assert!(glance_problem(&wrapped).is_some());
}

/// `nodes` and everything under them, depth first.
fn descendants<'a>(nodes: &'a [Node], out: &mut Vec<&'a Node>) {
    for n in nodes {
        out.push(n);
        descendants(&n.children, out);
    }
}

/// Whether `sheet` names a shipped sheet or lesson (`ownership`,
/// `lesson/phase-2-kv`).
fn sheet_exists(sheet: &str) -> bool {
    match sheet.strip_prefix("lesson/") {
        Some(stem) => root().join("lessons").join(format!("{stem}.md")).is_file(),
        None => root()
            .join("cheatsheets")
            .join(format!("{sheet}.md"))
            .is_file(),
    }
}

#[test]
fn every_phase_item_links_its_lesson_and_a_sheet() {
    let text = std::fs::read_to_string(root().join("lessons/roadmap.yaml")).unwrap();
    let roadmap = parse_roadmap(&text, "lessons/roadmap.yaml").unwrap();
    let mut all = Vec::new();
    descendants(&roadmap.sections, &mut all);
    let phases: Vec<&Node> = all
        .iter()
        .copied()
        .filter(|n| {
            n.id.strip_prefix("phase-")
                .is_some_and(|d| d.parse::<u8>().is_ok())
        })
        .collect();
    assert_eq!(phases.len(), 5, "the seed has five project phases");

    let mut problems = Vec::new();
    for phase in phases {
        let number = phase.id.trim_start_matches("phase-");
        let prefix = format!("phase-{number}-");
        // The phase's lesson: the file in lessons/ named for the phase.
        let lesson = std::fs::read_dir(root().join("lessons"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|f| f.starts_with(&prefix) && f.ends_with(".md"));
        let Some(lesson) = lesson else {
            problems.push(format!("{}: no lessons/{prefix}*.md", phase.id));
            continue;
        };
        let lesson_url = format!("lessons/{lesson}");
        let lesson_sheet = format!("lesson/{}", lesson.trim_end_matches(".md"));
        if phase.sheet.as_deref() != Some(lesson_sheet.as_str()) {
            problems.push(format!(
                "{}: should open its lesson (`sheet: {lesson_sheet}`), opens {:?}",
                phase.id, phase.sheet
            ));
        }
        let mut nodes = Vec::new();
        descendants(std::slice::from_ref(phase), &mut nodes);
        assert!(nodes.len() > 1, "{} has no items", phase.id);
        for n in nodes {
            if !n.links.iter().any(|l| l.url == lesson_url) {
                problems.push(format!("{}: no link to {lesson_url}", n.id));
            }
            match &n.sheet {
                Some(s) if sheet_exists(s) => {}
                Some(s) => problems.push(format!("{}: sheet `{s}` does not exist", n.id)),
                None => problems.push(format!("{}: no cheat sheet", n.id)),
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_sheet_the_roadmap_names_exists() {
    let text = std::fs::read_to_string(root().join("lessons/roadmap.yaml")).unwrap();
    let roadmap = parse_roadmap(&text, "lessons/roadmap.yaml").unwrap();
    let mut all = Vec::new();
    descendants(&roadmap.sections, &mut all);
    let missing: Vec<String> = all
        .iter()
        .filter_map(|n| n.sheet.as_deref().map(|s| (n, s)))
        .filter(|(_, s)| !sheet_exists(s))
        .map(|(n, s)| format!("{}: `{s}`", n.id))
        .collect();
    assert!(missing.is_empty(), "unknown sheets: {missing:?}");
}

#[test]
fn the_second_edition_topics_are_in_the_sheets_list() {
    for name in [
        "basics",
        "enums-and-patterns",
        "modules-and-crates",
        "macros",
        "testing",
        "performance",
        "linux-systems",
        "unsafe-memory-model",
        "webassembly",
    ] {
        assert!(sheet_exists(name), "cheatsheets/{name}.md is missing");
    }
}
