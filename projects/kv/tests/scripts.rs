//! Golden console scripts (`tests/scripts/*.txt`) run against every
//! engine: the same lines must give the same output on our log engine,
//! sled and the in-memory model. Each `> LINE` is executed; the lines up to
//! the next command are its expected output (`error: ...` for errors).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use kv::{Durability, Engine, LogEngine, MemEngine, Options, SledEngine, console};

/// Split a script into (command, expected output) pairs.
fn parse_script(text: &str) -> Vec<(String, Vec<String>)> {
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("> ") {
            steps.push((cmd.to_string(), Vec::new()));
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if let Some((_, out)) = steps.last_mut() {
            out.push(line.to_string());
        } else {
            panic!("output line before any command: {line:?}");
        }
    }
    steps
}

/// TTLs are printed with one decimal; round away the milliseconds that
/// pass while the script runs so the golden text stays stable.
fn stable(output: &str) -> String {
    match output
        .strip_suffix(" s")
        .and_then(|n| n.parse::<f64>().ok())
    {
        Some(secs) => format!("{:.1} s", secs.ceil()),
        None => output.to_string(),
    }
}

fn run_script(path: &Path, engine: &dyn Engine) {
    let text = std::fs::read_to_string(path).expect("read script");
    for (cmd, expected) in parse_script(&text) {
        let got = match console::execute(engine, &cmd) {
            Ok(out) => stable(&out),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(
            got,
            expected.join("\n"),
            "{} on engine {}: `{cmd}`",
            path.display(),
            engine.name()
        );
    }
}

#[test]
fn golden_scripts_agree_on_every_engine() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("scripts dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 2);
    for script in &scripts {
        let tmp = tempfile::tempdir().expect("tempdir");
        let engines: Vec<Box<dyn Engine>> = vec![
            Box::new(MemEngine::new()),
            Box::new(
                LogEngine::open(
                    tmp.path().join("log"),
                    Options::with_durability(Durability::Never),
                )
                .expect("open log"),
            ),
            Box::new(
                SledEngine::open(tmp.path().join("sled"), Durability::Never).expect("open sled"),
            ),
        ];
        for engine in &engines {
            run_script(script, engine.as_ref());
        }
    }
}
