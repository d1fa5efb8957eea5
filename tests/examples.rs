#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The compiled-examples check, end to end: sheets are written into a
//! temporary content folder, turned into doctest modules by the same code
//! build.rs runs, and handed to the real `rustdoc --test`. A broken example
//! must fail and name its sheet and line; a good one must pass.

use std::path::Path;
use std::process::Command;

use megarepo::examples::{Collection, collect_dir, generate};

/// Writes `sheets` (name, text) under `root/cheatsheets`, generates the
/// doctest sources as build.rs does, and runs rustdoc on them. Returns
/// (success, combined output).
fn check_sheets(root: &Path, sheets: &[(&str, &[u8])]) -> (bool, String) {
    let sheet_dir = root.join("cheatsheets");
    std::fs::create_dir_all(&sheet_dir).expect("create temp sheet folder");
    for (name, text) in sheets {
        std::fs::write(sheet_dir.join(name), text).expect("write temp sheet");
    }
    let mut collection = Collection::default();
    collect_dir(root, &sheet_dir, &mut collection);
    let generated = generate(&collection);

    let out = root.join("out");
    let modules = out.join("sheet_examples");
    std::fs::create_dir_all(&modules).expect("create temp out folder");
    for (name, source) in &generated.modules {
        std::fs::write(modules.join(name), source).expect("write module");
    }
    let index = out.join("sheet_examples.rs");
    std::fs::write(&index, generated.index(&modules)).expect("write index");
    let crate_root = out.join("lib.rs");
    let lib = format!(
        "pub mod sheet_examples {{ include!({:?}); }}\n",
        index.to_string_lossy()
    );
    std::fs::write(&crate_root, lib).expect("write crate root");

    let rustdoc = std::env::var_os("RUSTDOC").unwrap_or_else(|| "rustdoc".into());
    let output = Command::new(rustdoc)
        .args(["--test", "--edition", "2024", "--crate-name", "sheetcheck"])
        .arg(&crate_root)
        .current_dir(&out)
        .output()
        .expect("run rustdoc");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Whether rustdoc reported the test named `name` as passed. (Its label,
/// e.g. "- should panic", is only printed when tests were merged.)
fn passed(output: &str, name: &str) -> bool {
    output
        .lines()
        .any(|l| l.contains(name) && l.ends_with("... ok"))
}

const GOOD: &str = "# Moves\n\nSome prose.\n\n```rust\nlet v = vec![1, 2];\nassert_eq!(v.len(), 2);\n```\n\n\
```rust,compile_fail,E0382\nlet s = String::from(\"a\");\nlet t = s;\nprintln!(\"{s}\");\n```\n\n\
```rust,should_panic\nlet v: Vec<u8> = Vec::new();\nlet _ = v[1];\n```\n\n```toml\nnot = rust\n```\n";

#[test]
fn a_sheet_with_a_broken_example_fails_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = "# Broken\n\nIntro.\n\n- a list item\n\n  ```rust\n  let n: u32 = 1;\n  let s: String = n;\n  ```\n";
    let (ok, output) = check_sheets(
        dir.path(),
        &[
            ("good.md", GOOD.as_bytes()),
            ("broken.md", broken.as_bytes()),
        ],
    );
    assert!(!ok, "rustdoc passed a broken example:\n{output}");
    // The test is named for the sheet and the fence's line...
    assert!(
        output.contains("cheatsheets_broken_md::line_7 (line 7) ... FAILED"),
        "{output}"
    );
    // ...and the compiler's error points at the sheet's own line 9.
    assert!(output.contains("cheatsheets_broken_md.rs:9:"), "{output}");
    // The good sheet's examples still ran, with their attributes honoured.
    for test in ["line_5 (line 5)", "line_10 (line 10)", "line_16 (line 16)"] {
        let name = format!("cheatsheets_good_md::{test}");
        assert!(passed(&output, &name), "{output}");
    }
}

#[test]
fn good_examples_pass_and_an_unreadable_sheet_fails_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (ok, output) = check_sheets(dir.path(), &[("good.md", GOOD.as_bytes())]);
    assert!(ok, "rustdoc failed good examples:\n{output}");
    for test in [
        "line_5 (line 5) ...",
        "line_10 (line 10) - compile fail ...",
        "line_16 (line 16) - should panic ...",
    ] {
        assert!(
            output.contains(&format!("cheatsheets_good_md::{test} ok")),
            "{output}"
        );
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let (ok, output) = check_sheets(
        dir.path(),
        &[("latin1.md", b"caf\xe9\n\n```rust\nlet x = 1;\n```\n")],
    );
    assert!(!ok, "an unreadable sheet passed:\n{output}");
    assert!(
        output.contains("cheatsheets/latin1.md: cannot read this sheet: not valid UTF-8"),
        "{output}"
    );
}

#[test]
fn the_personal_sheet_template_compiles_and_runs() {
    // `megarepo sheet new NAME` starts a learner's sheet from this template;
    // its example must be one the check passes, so a new sheet starts green.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = megarepo::content::sheets::template("smart-pointers");
    assert!(
        text.contains("```rust"),
        "the template has no example:\n{text}"
    );
    let (ok, output) = check_sheets(dir.path(), &[("my-sheet.md", text.as_bytes())]);
    assert!(ok, "the template's example fails the check:\n{output}");
    assert!(
        output.contains("cheatsheets_my_sheet_md::line_"),
        "the template's example did not run:\n{output}"
    );
}
