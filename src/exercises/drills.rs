//! "Fix the compiler error" drills, made from the cheat sheets'
//! ```` ```rust,compile_fail,E.... ```` blocks.
//!
//! Each block that names an error code becomes one file: the block's code
//! (hidden `# ` lines included, as rustdoc compiles them), wrapped in
//! `fn main` when it has none, behind a comment that says which error to
//! fix and where the sheet explains it. A drill is fixed when the file
//! compiles, so the error code is gone ([`super::check::SpecKind::Rustc`]).
//! Blocks that need a crate other than std (tokio) are left out: a drill is
//! compiled by rustc alone. Names are `<sheet>-<code>` (`ownership-e0382`),
//! with `-2`, `-3` for repeats in the same sheet, so they stay stable
//! while the sheet's lines move.

use std::path::Path;

use crate::content::sheets::{self, Kind};
use crate::examples::{self, CodeInfo};

/// One drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drill {
    /// `ownership-e0382`.
    pub name: String,
    /// The sheet it comes from and the line of the block's fence.
    pub sheet: String,
    pub line: usize,
    /// The error codes the block expects.
    pub codes: Vec<String>,
    /// The file the learner starts from.
    pub source: String,
}

/// The drills of every shipped (or content-folder) cheat sheet, in sheet
/// and line order.
pub fn drills(content_dir: Option<&Path>) -> Vec<Drill> {
    let loaded = sheets::load_sheets(content_dir, None);
    let mut out = Vec::new();
    for sheet in loaded.sheets.iter().filter(|s| s.kind() == Kind::Sheet) {
        out.extend(from_sheet(&sheet.name, &sheet.text));
    }
    out
}

/// The drills of one sheet's Markdown.
pub fn from_sheet(sheet: &str, markdown: &str) -> Vec<Drill> {
    let mut out: Vec<Drill> = Vec::new();
    for ex in examples::extract(&format!("cheatsheets/{sheet}.md"), markdown) {
        let info = CodeInfo::parse(&ex.info);
        if !info.compile_fail || info.error_codes.is_empty() || needs_a_crate(&ex.code) {
            continue;
        }
        let base = format!("{sheet}-{}", info.error_codes[0].to_ascii_lowercase());
        let mut name = base.clone();
        let mut n = 2;
        while out.iter().any(|d| d.name == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.push(Drill {
            source: source(sheet, ex.line, &info.error_codes, &ex.code),
            name,
            sheet: sheet.to_string(),
            line: ex.line,
            codes: info.error_codes,
        });
    }
    out
}

/// Whether the block uses a crate besides std: an `extern crate`, a `use`
/// whose path starts elsewhere, or a well-known crate's name in a path.
fn needs_a_crate(code: &str) -> bool {
    const STD: [&str; 6] = ["std", "core", "alloc", "crate", "self", "super"];
    const KNOWN: [&str; 8] = [
        "tokio::",
        "anyhow::",
        "thiserror::",
        "serde::",
        "crossbeam",
        "rayon::",
        "futures::",
        "bytes::",
    ];
    code.contains("extern crate")
        || KNOWN.iter().any(|k| code.contains(k))
        || code.lines().any(|l| {
            let Some(path) = l.trim_start().strip_prefix("use ") else {
                return false;
            };
            let first = path
                .trim_start_matches("::")
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            !first.is_empty() && !STD.contains(&first)
        })
}

/// The drill file: a header, then the code as rustdoc would compile it.
fn source(sheet: &str, line: usize, codes: &[String], code: &str) -> String {
    let body: String = code
        .lines()
        .map(|l| {
            let shown = match examples::hidden_line(l) {
                Some(shown) => shown,
                // A hidden line is still compiled: drop only the marker.
                None => {
                    let t = l.trim_start();
                    t.strip_prefix("# ")
                        .or(t.strip_prefix('#'))
                        .unwrap_or(t)
                        .to_string()
                }
            };
            shown + "\n"
        })
        .collect();
    let mut out = format!(
        "// Drill: make this compile. The compiler says {} today.\n\
         // The `{sheet}` cheat sheet explains it (line {line}).\n\
         #![allow(unused)]\n\n",
        codes.join(", ")
    );
    if body.contains("fn main") {
        out.push_str(&body);
    } else {
        out.push_str("fn main() {\n");
        for l in body.lines() {
            if l.is_empty() {
                out.push('\n');
            } else {
                out.push_str("    ");
                out.push_str(l);
                out.push('\n');
            }
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_fail_blocks_with_codes_become_named_drills() {
        let md = "# S\n\n```rust,compile_fail,E0382\nlet s = String::new();\nlet t = s;\nprintln!(\"{s}\");\n```\n\n```rust,compile_fail\nlet x: u8 = 300;\n```\n\n```rust,compile_fail,E0382\n# fn f() {}\nfn main() { let v = vec![1]; let w = v; v.len(); }\n```\n\n```rust,compile_fail,E0728\n#[tokio::main] async fn main() {}\n```\n\n```rust\nlet fine = 1;\n```\n";
        let d = from_sheet("ownership", md);
        assert!(needs_a_crate("use anyhow::Result;\nfn main() {}"));
        assert!(needs_a_crate("#[derive(thiserror::Error)]\nstruct E;"));
        assert!(!needs_a_crate(
            "use std::rc::Rc;\nuse self::a::b;\nfn main() {}"
        ));
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["ownership-e0382", "ownership-e0382-2"]);
        assert_eq!(d[0].line, 3);
        assert_eq!(d[0].codes, ["E0382"]);
        assert!(
            d[0].source
                .contains("fn main() {\n    let s = String::new();\n")
        );
        assert!(d[0].source.contains("line 3"));
        // A block with its own main is not wrapped, and hidden lines stay.
        assert!(d[1].source.contains("fn f() {}\nfn main() { let v"));
        assert_eq!(d[1].source.matches("fn main").count(), 1);
    }

    #[test]
    fn the_shipped_sheets_give_drills() {
        let all = drills(None);
        assert!(all.len() >= 40, "only {} drills", all.len());
        let mut names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "drill names repeat");
    }
}
