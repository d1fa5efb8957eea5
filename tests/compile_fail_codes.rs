#![allow(clippy::unwrap_used, clippy::expect_used)]
//! rustdoc on stable checks that a ```rust,compile_fail,E0382 block fails to
//! compile, but not that it fails with E0382: a sheet could claim the wrong
//! error and still pass. This test compiles every such block of the cheat
//! sheets and lessons with rustc (type and borrow checking only, no code
//! generation) and checks that the codes the block names are among the
//! errors rustc reports, naming the file and line when they are not.

use megarepo::examples::{CodeInfo, Example, extract};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The source rustdoc would compile for a block: hidden lines shown, and
/// wrapped in `fn main` unless it has one.
fn doctest_source(code: &str) -> String {
    let body: String = code
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if let Some(rest) = t.strip_prefix("##") {
                format!("#{rest}")
            } else if t == "#" {
                String::new()
            } else if let Some(rest) = t.strip_prefix("# ") {
                rest.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut src = String::from("#![allow(unused)]\n");
    if body.contains("fn main") {
        src.push_str(&body);
    } else {
        src.push_str("fn main() {\n");
        src.push_str(&body);
        src.push_str("\n}\n");
    }
    src
}

/// `--extern` arguments for the crates examples may use, found beside this
/// test binary (the newest build of each, if several).
fn externs() -> Vec<String> {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let mut args = vec!["-L".to_string(), format!("dependency={}", deps.display())];
    for krate in ["tokio", "serde", "serde_json", "anyhow", "thiserror"] {
        let prefix = format!("lib{krate}-");
        let newest = std::fs::read_dir(&deps)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with(&prefix) && n.ends_with(".rlib")
            })
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
        if let Some(e) = newest {
            args.push("--extern".into());
            args.push(format!("{krate}={}", e.path().display()));
        }
    }
    args
}

/// Compile each block with rustc (metadata only) and return one line per
/// block that compiles although marked `compile_fail`, or fails without
/// every code it names.
fn check(cases: &[(Example, Vec<String>)], externs: &[String], tmp: &Path) -> Vec<String> {
    // Two at a time: this machine has two cores.
    let problems = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((ex, codes)) = cases.get(i) else {
                        break;
                    };
                    let src = tmp.join(format!("case{i}.rs"));
                    std::fs::write(&src, doctest_source(&ex.code)).unwrap();
                    let out =
                        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
                            .args([
                                "--edition",
                                "2024",
                                "--crate-type",
                                "bin",
                                "--emit=metadata",
                                "--error-format=json",
                            ])
                            .arg("--crate-name")
                            .arg(format!("case{i}"))
                            .args(externs)
                            .arg("-o")
                            .arg(tmp.join(format!("case{i}.rmeta")))
                            .arg(&src)
                            .output()
                            .unwrap();
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    let found: Vec<String> = stderr
                        .lines()
                        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                        .filter(|v| v["level"] == "error")
                        .filter_map(|v| v["code"]["code"].as_str().map(String::from))
                        .collect();
                    let missing: Vec<&String> =
                        codes.iter().filter(|c| !found.contains(c)).collect();
                    if out.status.success() {
                        problems.lock().unwrap().push(format!(
                            "{}:{}: compiles, but is marked compile_fail",
                            ex.file, ex.line
                        ));
                    } else if !missing.is_empty() {
                        problems.lock().unwrap().push(format!(
                            "{}:{}: expected {:?}, rustc reported {:?}",
                            ex.file, ex.line, missing, found
                        ));
                    }
                }
            });
        }
    });
    problems.into_inner().unwrap()
}

fn examples() -> Vec<Example> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for folder in ["cheatsheets", "lessons"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            out.extend(extract(
                &format!("{folder}/{}", f.file_name().unwrap().to_string_lossy()),
                &text,
            ));
        }
    }
    out
}

#[test]
fn compile_fail_blocks_fail_with_the_codes_they_name() {
    let tmp = tempfile::tempdir().unwrap();
    let externs = externs();
    let cases: Vec<(Example, Vec<String>)> = examples()
        .into_iter()
        .filter_map(|e| {
            let info = CodeInfo::parse(&e.info);
            (info.rust && info.compile_fail && !info.ignore && !info.error_codes.is_empty())
                .then(|| (e, info.error_codes.clone()))
        })
        .collect();
    assert!(
        cases.len() > 20,
        "expected the sheets' compile_fail blocks, found {}",
        cases.len()
    );

    let problems = check(&cases, &externs, tmp.path());
    assert!(
        problems.is_empty(),
        "{} block(s) wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_check_catches_a_wrong_code_and_a_block_that_compiles() {
    // The checker itself, on a sheet written for the purpose: a use after
    // move labelled E0499 (it is E0382), the same block labelled right, and
    // a block that compiles although marked compile_fail.
    let sheet = "# Probe\n\n```rust,compile_fail,E0499\nlet v = vec![1];\nlet w = v;\nprintln!(\"{v:?}\");\n```\n\n```rust,compile_fail,E0382\nlet v = vec![1];\nlet w = v;\nprintln!(\"{v:?}\");\n```\n\n```rust,compile_fail,E0308\nlet x: i32 = 1;\n```\n";
    let cases: Vec<(Example, Vec<String>)> = extract("probe.md", sheet)
        .into_iter()
        .map(|e| {
            let codes = CodeInfo::parse(&e.info).error_codes;
            (e, codes)
        })
        .collect();
    assert_eq!(cases.len(), 3);
    let tmp = tempfile::tempdir().unwrap();
    let problems = check(&cases, &externs(), tmp.path());
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("probe.md:3: expected [\"E0499\"]")
            || problems[1].starts_with("probe.md:3: expected [\"E0499\"]"),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("probe.md:15: compiles")),
        "{problems:#?}"
    );
}
