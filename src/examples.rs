//! The compiled-examples check: every ```rust block in the cheat sheets and
//! lessons is turned into a rustdoc doctest, so `cargo test` compiles (and,
//! where it has a `main` or asserts, runs) what the learner reads.
//!
//! Data flow: `build.rs` includes this file with `#[path]`, calls
//! [`collect_dir`] on `cheatsheets/` and `lessons/`, and writes the output of
//! [`generate`] into `OUT_DIR`. `src/lib.rs` includes that file only under
//! `#[cfg(doctest)]`, so the items exist for rustdoc and nowhere else. Each
//! block becomes one empty item whose doc comment is the block itself, with the
//! block's original info string, so rustdoc honours `compile_fail`,
//! `should_panic`, `no_run` and `ignore` exactly as it would in a doc comment.
//! The item is named for the file and line (`cheatsheets_ownership_md_line_42`),
//! which is what rustdoc prints when the example breaks.
//!
//! The same file also answers "what does this info string mean?" for the
//! Markdown reader ([`CodeInfo`], [`hidden_line`]), so the reader and the check
//! can never disagree about which blocks are Rust or which lines are hidden.
//!
//! This file must stay free of crate-internal imports: the build script
//! compiles it on its own, with only `std` and `pulldown_cmark`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// The Markdown extensions every reader of our content enables. Shared so the
/// line numbers the check reports match what the reader parses.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// What a fenced block's info string says, read the way rustdoc reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeInfo {
    /// The language to highlight with: `rust` for Rust blocks (whatever
    /// attributes follow), otherwise the first word of the info string, or
    /// empty for a bare fence.
    pub lang: String,
    /// Whether rustdoc would treat the block as a Rust doctest and we compile it.
    pub rust: bool,
    pub compile_fail: bool,
    pub should_panic: bool,
    pub no_run: bool,
    pub ignore: bool,
    /// Error codes such as `E0382` that a `compile_fail` block expects.
    pub error_codes: Vec<String>,
}

impl CodeInfo {
    /// Reads an info string such as `rust,compile_fail,E0382` or `toml`.
    ///
    /// A bare fence (no info string) is *not* Rust here, unlike in a doc
    /// comment: in a Markdown page an untagged block is usually program output
    /// or prose, and GitHub shows it as plain text.
    pub fn parse(info: &str) -> CodeInfo {
        let mut out = CodeInfo::default();
        let mut seen_rust = false;
        let mut seen_rustdoc_attr = false;
        let mut seen_other = false;
        let mut first_other: Option<&str> = None;
        let tokens = info
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|t| !t.is_empty());
        for token in tokens {
            match token {
                "rust" => seen_rust = true,
                "compile_fail" => {
                    out.compile_fail = true;
                    seen_rustdoc_attr = true;
                }
                "should_panic" => {
                    out.should_panic = true;
                    seen_rustdoc_attr = true;
                }
                "no_run" => {
                    out.no_run = true;
                    seen_rustdoc_attr = true;
                }
                "ignore" => {
                    out.ignore = true;
                    seen_rustdoc_attr = true;
                }
                t if t.starts_with("ignore-") => seen_rustdoc_attr = true,
                "test_harness" | "standalone_crate" | "allow_fail" => seen_rustdoc_attr = true,
                t if t.starts_with("edition") => seen_rustdoc_attr = true,
                t if is_error_code(t) => {
                    out.error_codes.push(t.to_string());
                    seen_rustdoc_attr = true;
                }
                t => {
                    seen_other = true;
                    first_other.get_or_insert(t);
                }
            }
        }
        // rustdoc: an explicit `rust` wins; otherwise any unknown word (a
        // language such as `toml`) makes the block not Rust; and a block
        // carrying only rustdoc attributes (```should_panic) is Rust.
        out.rust = seen_rust || (seen_rustdoc_attr && !seen_other);
        out.lang = if out.rust {
            "rust".to_string()
        } else {
            first_other.unwrap_or("").to_ascii_lowercase()
        };
        out
    }

    /// A short note for the reader about how the tests treat this block
    /// ("does not compile"), or `None` for an ordinary example.
    pub fn label(&self) -> Option<&'static str> {
        if !self.rust {
            None
        } else if self.compile_fail {
            Some("does not compile")
        } else if self.should_panic {
            Some("panics")
        } else if self.ignore {
            Some("not tested")
        } else if self.no_run {
            Some("compiled, not run")
        } else {
            None
        }
    }
}

fn is_error_code(t: &str) -> bool {
    t.len() == 5 && t.starts_with('E') && t[1..].bytes().all(|b| b.is_ascii_digit())
}

/// How rustdoc shows one line of a Rust example: `None` when the line is
/// hidden (`# code` or a lone `#`), otherwise the text to show (`##x` shows as
/// `#x`, rustdoc's escape for a line that really starts with `#`).
pub fn hidden_line(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("##") {
        let indent = &line[..line.len() - trimmed.len()];
        return Some(format!("{indent}#{rest}"));
    }
    let body = trimmed.trim_end_matches(['\n', '\r']);
    if body == "#" || body.starts_with("# ") || body.starts_with("#\t") {
        None
    } else {
        Some(line.to_string())
    }
}

/// One Rust block found in a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Path as it should be reported, relative to the crate root
    /// (`cheatsheets/ownership.md`).
    pub file: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string exactly as written (`rust,compile_fail,E0382`).
    pub info: String,
    /// The block's contents, indentation already removed by the parser.
    pub code: String,
}

impl Example {
    /// The name of the generated item: the file and line, as an identifier.
    pub fn item_name(&self) -> String {
        format!("{}_line_{}", ident(&self.file), self.line)
    }
}

/// A path as an identifier: ASCII letters and digits kept, the rest `_`.
fn ident(file: &str) -> String {
    let mut name: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// Finds the Rust blocks in one Markdown text. `file` is only used to label them.
pub fn extract(file: &str, markdown: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut current: Option<Example> = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if CodeInfo::parse(&info).rust =>
            {
                current = Some(Example {
                    file: file.to_string(),
                    line: line_of(markdown, range.start),
                    info: info.to_string(),
                    code: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(example) = current.as_mut() {
                    example.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(example) = current.take() {
                    found.push(example);
                }
            }
            _ => {}
        }
    }
    found
}

fn line_of(text: &str, byte: usize) -> usize {
    let end = byte.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A Markdown file that could not be read. It does not stop the build: it
/// becomes a doctest that fails with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub file: String,
    pub reason: String,
}

/// Everything found under some folders.
#[derive(Debug, Default)]
pub struct Collection {
    pub examples: Vec<Example>,
    pub unreadable: Vec<Unreadable>,
    /// Every Markdown file visited, for `cargo:rerun-if-changed`.
    pub files: Vec<PathBuf>,
}

/// Walks `dir` (recursively, in name order, so the output is stable) and
/// extracts the Rust blocks of every `.md` file. Paths are reported relative
/// to `root`. A missing folder is simply empty.
pub fn collect_dir(root: &Path, dir: &Path, into: &mut Collection) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(read) => read.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => return,
    };
    entries.sort();
    for path in entries {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            collect_dir(root, &path, into);
        } else if path.extension().is_some_and(|e| e == "md") {
            into.files.push(path.clone());
            match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => into.examples.extend(extract(&shown, &text)),
                    Err(e) => into.unreadable.push(Unreadable {
                        file: shown,
                        reason: format!("not valid UTF-8 ({e})"),
                    }),
                },
                Err(e) => into.unreadable.push(Unreadable {
                    file: shown,
                    reason: e.to_string(),
                }),
            }
        }
    }
}

/// The generated sources: one module file per Markdown file with examples,
/// and an index that declares them.
#[derive(Debug, Default)]
pub struct Generated {
    /// `(file name inside the output folder, Rust source)`.
    pub modules: Vec<(String, String)>,
}

impl Generated {
    /// The index to `include!`: one `#[path]` module per sheet, pointing into
    /// `out_dir` (absolute, as `include!`d paths need).
    pub fn index(&self, out_dir: &Path) -> String {
        let mut out =
            String::from("// Generated by build.rs from the Markdown content; do not edit.\n");
        for (file_name, _) in &self.modules {
            let module = file_name.trim_end_matches(".rs");
            let path = out_dir.join(file_name);
            writeln!(
                out,
                "#[path = {:?}]\n#[allow(non_snake_case)]\npub mod {module};",
                path.to_string_lossy()
            )
            .ok();
        }
        out
    }
}

/// Builds one module per Markdown file. In each, the doc comment carrying a
/// block starts on the same line as the block's fence in the Markdown file,
/// so rustdoc's "(line N)" and a compiler error's line both point into the
/// sheet as its author sees it.
pub fn generate(collection: &Collection) -> Generated {
    let mut generated = Generated::default();
    let mut used = std::collections::HashSet::new();
    let mut unique = |base: String| {
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    };

    let mut by_file: Vec<(&str, Vec<&Example>)> = Vec::new();
    for example in &collection.examples {
        match by_file.last_mut() {
            Some((file, list)) if *file == example.file => list.push(example),
            _ => by_file.push((&example.file, vec![example])),
        }
    }
    for (file, examples) in by_file {
        let module = unique(ident(file));
        generated
            .modules
            .push((format!("{module}.rs"), module_source(file, &examples)));
    }
    for bad in &collection.unreadable {
        let module = unique(ident(&bad.file));
        let message = format!("{}: cannot read this sheet: {}", bad.file, bad.reason);
        let source = format!(
            "/// ```rust\n/// compile_error!({message:?});\n#[doc = \"```\"] pub fn unreadable() {{}}\n"
        );
        generated.modules.push((format!("{module}.rs"), source));
    }
    generated
}

fn module_source(file: &str, examples: &[&Example]) -> String {
    let mut out = String::new();
    // The next line number `out` will write; line 1 is the first.
    let mut line = 1;
    let mut names = std::collections::HashSet::new();
    for example in examples {
        while line < example.line {
            out.push('\n');
            line += 1;
        }
        // A fence longer than any backtick run inside the code keeps the
        // block closed exactly where the author closed it.
        let fence = "`".repeat(longest_backtick_run(&example.code).max(2) + 1);
        // A doc comment may not hold a bare carriage return or a newline.
        let info = example.info.replace(['\r', '\n'], " ");
        writeln!(out, "/// {fence}{info}").ok();
        line += 1;
        for code_line in example.code.lines() {
            let code_line = code_line.replace('\r', "");
            if code_line.is_empty() {
                out.push_str("///\n");
            } else {
                writeln!(out, "/// {code_line}").ok();
            }
            line += 1;
        }
        let mut name = format!("line_{}", example.line);
        if !names.insert(name.clone()) {
            name.push_str("_again");
        }
        writeln!(out, "#[doc = \"{fence}\"] pub fn {name}() {{}} // {file}").ok();
        line += 1;
    }
    out
}

fn longest_backtick_run(code: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_read_like_rustdoc() {
        let info = CodeInfo::parse("rust,compile_fail,E0382");
        assert!(info.rust && info.compile_fail);
        assert_eq!(info.lang, "rust");
        assert_eq!(info.error_codes, vec!["E0382".to_string()]);
        assert_eq!(info.label(), Some("does not compile"));

        assert!(CodeInfo::parse("should_panic").rust);
        assert!(CodeInfo::parse("rust ignore").ignore);
        let toml = CodeInfo::parse("toml");
        assert!(!toml.rust);
        assert_eq!(toml.lang, "toml");
        assert!(!CodeInfo::parse("").rust);
        assert!(!CodeInfo::parse("text,no_run").rust);
        assert_eq!(CodeInfo::parse("rust").label(), None);
    }

    #[test]
    fn hidden_lines_follow_rustdoc() {
        assert_eq!(hidden_line("# use std::fmt;"), None);
        assert_eq!(hidden_line("    # let x = 1;"), None);
        assert_eq!(hidden_line("#"), None);
        assert_eq!(hidden_line("#\n"), None);
        assert_eq!(
            hidden_line("#[derive(Debug)]").as_deref(),
            Some("#[derive(Debug)]")
        );
        assert_eq!(
            hidden_line("##[derive(Debug)]").as_deref(),
            Some("#[derive(Debug)]")
        );
        assert_eq!(
            hidden_line("let x = 1; # not hidden").as_deref(),
            Some("let x = 1; # not hidden")
        );
    }

    #[test]
    fn extract_reports_the_fence_line_and_skips_other_languages() {
        let md = "# Title\n\ntext\n\n```rust\nlet a = 1;\n```\n\n```toml\n[a]\n```\n\n- item\n\n  ```rust,no_run\n  fn main() {}\n  ```\n";
        let found = extract("cheatsheets/x.md", md);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 5);
        assert_eq!(found[0].code, "let a = 1;\n");
        assert_eq!(found[1].line, 15);
        assert_eq!(found[1].info, "rust,no_run");
        assert_eq!(found[1].code, "fn main() {}\n");
        assert_eq!(found[1].item_name(), "cheatsheets_x_md_line_15");
    }

    #[test]
    fn generated_items_are_unique_and_keep_backticks_inside() {
        let mut c = Collection::default();
        for file in ["a-b.md", "a_b.md"] {
            c.examples.push(Example {
                file: file.into(),
                line: 3,
                info: "rust".into(),
                code: "let s = \"```\";\n".into(),
            });
        }
        let generated = generate(&c);
        let names: Vec<&str> = generated.modules.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a_b_md.rs", "a_b_md_2.rs"]);
        let source = &generated.modules[0].1;
        // The fence sits on line 3, as in the sheet, and is longer than the
        // backtick run inside the code.
        assert_eq!(source.lines().nth(2), Some("/// ````rust"));
        assert!(source.contains("pub fn line_3()"));
        let index = generated.index(Path::new("/out"));
        assert!(index.contains("pub mod a_b_md_2;"));
    }
}
