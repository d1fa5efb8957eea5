//! Helpers shared by the integration tests: run the real `pm` binary in a
//! folder, with a clean environment, and read what it printed.

#![allow(dead_code)] // each test file uses a different subset

use std::path::Path;
use std::process::{Command, Output};

/// A `pm` command in `dir`, with `PM_WORKSPACE` removed so the tests never
/// see the environment of whoever runs them.
pub fn pm_command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pm"));
    cmd.current_dir(dir).env_remove("PM_WORKSPACE");
    cmd
}

/// Runs `pm ARGS` in `dir`.
pub fn pm(dir: &Path, args: &[&str]) -> Output {
    pm_command(dir).args(args).output().expect("run pm")
}

/// Runs `pm ARGS`, asserts success and returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = pm(dir, args);
    assert!(
        out.status.success(),
        "pm {args:?} failed with {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs `pm ARGS`, asserts the exit status and that stdout is empty, and
/// returns stderr.
pub fn fails(dir: &Path, args: &[&str], status: i32) -> String {
    let out = pm(dir, args);
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(status), "pm {args:?}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "pm {args:?} printed to stdout on failure"
    );
    stderr
}

/// `pm list --all --json` (or any other JSON command) parsed.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(dir, args)).expect("valid JSON")
}

/// A fresh workspace in a temporary folder.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    ok(dir.path(), &["init"]);
    dir
}
