//! Checking one exercise: compile, clippy where asked, run the tests, and
//! turn what cargo and the test harness print into a [`CheckResult`].
//!
//! An exercise is a `[[test]]` target of the workspace package, so a check
//! is `cargo test --no-run --test NAME` (dependencies are built once and
//! reused), then `cargo clippy --test NAME -- -D warnings` when the
//! exercise asks for it, then the test binary itself. A drill is one file
//! given to `rustc` alone. Every child runs in its own process group so
//! [`Cancel`] can kill cargo together with the rustc processes it started;
//! [`Checker`] runs checks on a thread and cancels the running one when a
//! new one starts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

/// How long the tests of one exercise may run before they count as hung.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a build may take (the first one builds tokio).
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

/// What to check and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSpec {
    /// The exercise or drill name (the cargo target name for an exercise).
    pub name: String,
    /// The package folder (the workspace).
    pub root: PathBuf,
    /// The learner's file.
    pub file: PathBuf,
    pub kind: SpecKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecKind {
    /// A `[[test]]` target of the package at `root`.
    Cargo { clippy: bool },
    /// A drill: compile the file alone; fixed once it compiles, which
    /// means these error codes are gone.
    Rustc { codes: Vec<String> },
}

/// Where a check stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Compile,
    Clippy,
    Tests,
    /// Everything passed.
    Done,
}

/// One compiler or clippy message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `error` or `warning`.
    pub level: String,
    /// `E0382`, or a lint name such as `clippy::needless_range_loop`.
    pub code: Option<String>,
    pub message: String,
    /// The primary span's file, as the compiler printed it.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The compiler's own rendering (plain text, with the source excerpt).
    pub rendered: String,
}

/// One failing test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestFailure {
    /// `tests::adds_two`.
    pub name: String,
    /// What the test printed, including the panic message.
    pub output: String,
}

/// The outcome of a finished check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub passed: bool,
    /// Where it stopped (`Done` when it passed).
    pub stage: Stage,
    /// Errors and warnings from the stage that ran last with diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    pub failures: Vec<TestFailure>,
    /// Text for a person when nothing more specific applies (cargo's own
    /// error, the test summary).
    pub output: String,
    pub millis: u64,
}

impl CheckResult {
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.level == "error")
    }

    /// A few lines for a terminal: the verdict, then each error with its
    /// place and code, then each failing test.
    pub fn summary(&self) -> String {
        let mut out = if self.passed {
            format!("{}: passed ({} ms)", self.name, self.millis)
        } else {
            let stage = match self.stage {
                Stage::Compile => "does not compile",
                Stage::Clippy => "clippy is not happy",
                Stage::Tests | Stage::Done => "tests fail",
            };
            format!("{}: {stage}", self.name)
        };
        for d in &self.diagnostics {
            let code = d
                .code
                .as_deref()
                .map(|c| format!("[{c}]"))
                .unwrap_or_default();
            out.push_str(&format!(
                "\n{}:{}:{}: {}{code}: {}",
                d.file, d.line, d.column, d.level, d.message
            ));
        }
        for f in &self.failures {
            out.push_str(&format!("\n---- {} ----\n{}", f.name, f.output.trim_end()));
        }
        if !self.passed && self.diagnostics.is_empty() && self.failures.is_empty() {
            out.push('\n');
            out.push_str(self.output.trim_end());
        }
        out
    }

    #[cfg(test)]
    pub(crate) fn passed_for_test(name: &str) -> CheckResult {
        CheckResult {
            name: name.into(),
            passed: true,
            stage: Stage::Done,
            diagnostics: Vec::new(),
            failures: Vec::new(),
            output: String::new(),
            millis: 0,
        }
    }
}

/// Why a check has no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("cancelled")]
    Cancelled,
    #[error("cannot run {program}: {message}")]
    Spawn { program: String, message: String },
    #[error("{what} took longer than {secs} s and was stopped")]
    Timeout { what: String, secs: u64 },
}

/// A cancel switch shared between a running check and whoever may stop it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<CancelInner>);

#[derive(Debug, Default)]
struct CancelInner {
    cancelled: AtomicBool,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }
    /// Stop the check: its running child (and the child's children) is
    /// killed within a few milliseconds.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }
}

/// What a child printed and how it ended.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

fn reader(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

fn kill_tree(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The child leads its own process group (see `run`): kill the group,
        // so rustc processes started by cargo stop too.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
}

/// Run `cmd` to the end, unless `cancel` fires or `timeout` passes.
pub fn run(mut cmd: Command, cancel: &Cancel, timeout: Duration) -> Result<Ran, CheckError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    if cancel.is_cancelled() {
        return Err(CheckError::Cancelled);
    }
    let mut child = cmd.spawn().map_err(|e| CheckError::Spawn {
        program: program.clone(),
        message: e.to_string(),
    })?;
    let out = child.stdout.take().map(reader);
    let err = child.stderr.take().map(reader);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => {
                kill_tree(&mut child);
                break Err(CheckError::Spawn {
                    program: program.clone(),
                    message: e.to_string(),
                });
            }
        }
        if cancel.is_cancelled() {
            kill_tree(&mut child);
            let _ = child.wait();
            break Err(CheckError::Cancelled);
        }
        if started.elapsed() > timeout {
            kill_tree(&mut child);
            let _ = child.wait();
            break Err(CheckError::Timeout {
                what: program.clone(),
                secs: timeout.as_secs(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(Ran {
        status: status?,
        stdout,
        stderr,
    })
}

/// A cargo command with plain output, whatever the learner's terminal.
pub fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS");
    cmd
}

/// A cargo command for the workspace at `root`, building into
/// `root/target` whatever `CARGO_TARGET_DIR` says: cargo names the
/// artifacts of a package by its path relative to its workspace, so two
/// exercise workspaces sharing a target folder would overwrite each
/// other's test binaries.
pub fn workspace_cargo(root: &Path) -> Command {
    let mut cmd = cargo(root);
    cmd.env("CARGO_TARGET_DIR", root.join("target"));
    cmd
}

/// A diagnostic from one JSON message of rustc (`message` of cargo's
/// `compiler-message`, or a line of `rustc --error-format=json`). Summary
/// lines ("aborting due to ...", "N warnings emitted") are dropped.
pub fn diagnostic(message: &serde_json::Value) -> Option<Diagnostic> {
    let level = message.get("level")?.as_str()?;
    if level != "error" && level != "warning" {
        return None;
    }
    let text = message.get("message")?.as_str()?.to_string();
    let spans = message.get("spans").and_then(|s| s.as_array());
    let primary = spans.and_then(|s| {
        s.iter()
            .find(|sp| sp.get("is_primary").and_then(|p| p.as_bool()) == Some(true))
    });
    let code = message
        .get("code")
        .and_then(|c| c.get("code"))
        .and_then(|c| c.as_str())
        .map(str::to_string);
    if primary.is_none() && code.is_none() {
        return None;
    }
    let get_usize = |key: &str| {
        primary
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_u64())
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(0)
    };
    Some(Diagnostic {
        level: level.to_string(),
        code,
        message: text,
        file: primary
            .and_then(|p| p.get("file_name"))
            .and_then(|f| f.as_str())
            .unwrap_or("")
            .to_string(),
        line: get_usize("line_start"),
        column: get_usize("column_start"),
        rendered: message
            .get("rendered")
            .and_then(|r| r.as_str())
            .unwrap_or("")
            .to_string(),
    })
}

/// What one cargo build said about each target.
#[derive(Debug, Default, Clone)]
pub struct BuildReport {
    /// Target name to its test executable (targets that built).
    pub executables: std::collections::BTreeMap<String, PathBuf>,
    /// Target name to its diagnostics.
    pub diagnostics: std::collections::BTreeMap<String, Vec<Diagnostic>>,
    pub success: bool,
    /// cargo's stderr, for errors that are not the code's (a missing
    /// dependency, a broken manifest).
    pub stderr: String,
}

/// Read cargo's `--message-format=json` output.
pub fn parse_cargo_json(stdout: &str) -> BuildReport {
    let mut report = BuildReport::default();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let target = v
            .get("target")
            .and_then(|t| t.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        match v.get("reason").and_then(|r| r.as_str()) {
            Some("compiler-message") => {
                if let Some(d) = v.get("message").and_then(diagnostic) {
                    report.diagnostics.entry(target).or_default().push(d);
                }
            }
            Some("compiler-artifact") => {
                if let Some(exe) = v.get("executable").and_then(|e| e.as_str()) {
                    report.executables.insert(target, PathBuf::from(exe));
                }
            }
            Some("build-finished") => {
                report.success = v.get("success").and_then(|s| s.as_bool()) == Some(true);
            }
            _ => {}
        }
    }
    report
}

/// Read a libtest run's output: the failing tests with what they printed.
pub fn parse_test_output(stdout: &str) -> Vec<TestFailure> {
    let mut failed: Vec<TestFailure> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test "))
        .filter_map(|l| l.strip_suffix(" ... FAILED"))
        .map(|name| TestFailure {
            name: name.to_string(),
            output: String::new(),
        })
        .collect();
    // Sections look like "---- tests::x stdout ----" followed by the text,
    // up to the next section or the "failures:" list.
    let mut current: Option<usize> = None;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("---- ")
            && let Some(name) = rest.strip_suffix(" stdout ----")
        {
            current = failed.iter().position(|f| f.name == name);
            continue;
        }
        if line == "failures:" || line.starts_with("test result:") {
            current = None;
            continue;
        }
        if let Some(i) = current {
            failed[i].output.push_str(line);
            failed[i].output.push('\n');
        }
    }
    for f in &mut failed {
        let trimmed = f.output.trim_end().to_string();
        f.output = trimmed;
    }
    failed
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Run one check to the end on this thread.
pub fn check(spec: &CheckSpec, cancel: &Cancel) -> Result<CheckResult, CheckError> {
    let started = Instant::now();
    let mut result = match &spec.kind {
        SpecKind::Cargo { clippy } => check_cargo(spec, *clippy, cancel)?,
        SpecKind::Rustc { codes } => check_rustc(spec, codes, cancel)?,
    };
    result.millis = elapsed_ms(started);
    Ok(result)
}

fn failed(spec: &CheckSpec, stage: Stage) -> CheckResult {
    CheckResult {
        name: spec.name.clone(),
        passed: false,
        stage,
        diagnostics: Vec::new(),
        failures: Vec::new(),
        output: String::new(),
        millis: 0,
    }
}

fn check_cargo(spec: &CheckSpec, clippy: bool, cancel: &Cancel) -> Result<CheckResult, CheckError> {
    let mut build = workspace_cargo(&spec.root);
    build.args([
        "test",
        "--no-run",
        "--message-format=json",
        "--test",
        &spec.name,
    ]);
    let ran = run(build, cancel, BUILD_TIMEOUT)?;
    let mut report = parse_cargo_json(&ran.stdout);
    let diagnostics = report.diagnostics.remove(&spec.name).unwrap_or_default();
    let exe = report.executables.remove(&spec.name);
    let Some(exe) = exe.filter(|_| ran.status.success()) else {
        let mut r = failed(spec, Stage::Compile);
        r.diagnostics = diagnostics;
        r.output = tail(&ran.stderr, 40);
        return Ok(r);
    };
    let mut warnings = diagnostics;
    if clippy {
        let mut lint = workspace_cargo(&spec.root);
        lint.args([
            "clippy",
            "--message-format=json",
            "--test",
            &spec.name,
            "--",
            "-D",
            "warnings",
        ]);
        let ran = run(lint, cancel, BUILD_TIMEOUT)?;
        let mut report = parse_cargo_json(&ran.stdout);
        let found = report.diagnostics.remove(&spec.name).unwrap_or_default();
        if !ran.status.success() {
            let mut r = failed(spec, Stage::Clippy);
            r.diagnostics = found;
            r.output = tail(&ran.stderr, 40);
            return Ok(r);
        }
        warnings = found;
    }
    let mut tests = Command::new(&exe);
    // No backtraces: the panic message and its place are what a learner reads.
    tests
        .current_dir(&spec.root)
        .env("RUST_BACKTRACE", "0")
        .args(["--color", "never"]);
    let ran = run(tests, cancel, TEST_TIMEOUT)?;
    let mut r = failed(spec, Stage::Tests);
    r.diagnostics = warnings;
    r.output = tail(&ran.stdout, 60);
    if ran.status.success() {
        r.passed = true;
        r.stage = Stage::Done;
    } else {
        r.failures = parse_test_output(&ran.stdout);
        if r.failures.is_empty() {
            r.output.push_str(&tail(&ran.stderr, 20));
        }
    }
    Ok(r)
}

fn check_rustc(
    spec: &CheckSpec,
    codes: &[String],
    cancel: &Cancel,
) -> Result<CheckResult, CheckError> {
    let out_dir = spec.root.join("target").join("drills");
    let _ = std::fs::create_dir_all(&out_dir);
    let mut cmd = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    cmd.current_dir(&spec.root)
        .args([
            "--edition",
            "2024",
            "--error-format=json",
            "--emit=metadata",
            "--crate-type=bin",
            "--crate-name",
            "drill",
            "--out-dir",
        ])
        .arg(&out_dir)
        .arg(&spec.file);
    let ran = run(cmd, cancel, TEST_TIMEOUT)?;
    let diagnostics: Vec<Diagnostic> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| diagnostic(&v))
        .collect();
    let mut r = failed(spec, Stage::Compile);
    let still: Vec<&String> = codes
        .iter()
        .filter(|c| diagnostics.iter().any(|d| d.code.as_ref() == Some(*c)))
        .collect();
    r.passed = ran.status.success();
    r.stage = if r.passed {
        Stage::Done
    } else {
        Stage::Compile
    };
    r.output = if r.passed {
        format!("fixed: {} is gone", codes.join(", "))
    } else if still.is_empty() {
        format!("{} is gone, but it does not compile yet", codes.join(", "))
    } else {
        format!(
            "still there: {}",
            still
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    r.diagnostics = diagnostics;
    Ok(r)
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(n);
    let mut out = lines[from..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// A finished (or cancelled) check, tagged with the job id it was started
/// under, so a caller can drop results of superseded jobs.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub id: u64,
    pub name: String,
    pub outcome: Result<CheckResult, CheckError>,
}

/// Runs checks on a background thread, one at a time: starting a check
/// cancels the one still running (whose report then says `Cancelled`).
#[derive(Debug, Default)]
pub struct Checker {
    next_id: AtomicU64,
    running: Mutex<Option<(u64, Cancel)>>,
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Start checking `spec`; `done` is called on the check's thread with
    /// the report. Returns the job id.
    pub fn start(&self, spec: CheckSpec, done: impl FnOnce(CheckReport) + Send + 'static) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let cancel = Cancel::new();
        if let Ok(mut running) = self.running.lock()
            && let Some((_, old)) = running.replace((id, cancel.clone()))
        {
            old.cancel();
        }
        std::thread::spawn(move || {
            let outcome = check(&spec, &cancel);
            done(CheckReport {
                id,
                name: spec.name,
                outcome,
            });
        });
        id
    }

    /// Cancel the running check, if any.
    pub fn cancel(&self) {
        if let Ok(mut running) = self.running.lock()
            && let Some((_, c)) = running.take()
        {
            c.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_json_gives_diagnostics_and_executables_per_target() {
        let out = r#"{"reason":"compiler-message","package_id":"p","target":{"name":"001-a"},"message":{"level":"error","message":"mismatched types","code":{"code":"E0308","explanation":""},"spans":[{"file_name":"exercises/001-a.rs","line_start":3,"column_start":18,"is_primary":true}],"rendered":"error[E0308]: mismatched types\n"}}
{"reason":"compiler-message","target":{"name":"001-a"},"message":{"level":"error","message":"aborting due to 1 previous error","code":null,"spans":[],"rendered":"error: aborting"}}
{"reason":"compiler-artifact","target":{"name":"002-b"},"executable":"/t/debug/deps/002_b-1"}
{"reason":"build-finished","success":false}
   Compiling noise"#;
        let r = parse_cargo_json(out);
        assert!(!r.success);
        let d = &r.diagnostics["001-a"];
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.as_deref(), Some("E0308"));
        assert_eq!(
            (d[0].file.as_str(), d[0].line, d[0].column),
            ("exercises/001-a.rs", 3, 18)
        );
        assert_eq!(
            r.executables["002-b"],
            PathBuf::from("/t/debug/deps/002_b-1")
        );
        assert!(!r.executables.contains_key("001-a"));
    }

    #[test]
    fn test_output_gives_each_failure_with_its_message() {
        let out = "\nrunning 3 tests\ntest tests::a ... ok\ntest tests::b ... FAILED\ntest tests::c ... FAILED\n\nfailures:\n\n---- tests::b stdout ----\n\nthread 'tests::b' panicked at exercises/x.rs:9:5:\nassertion `left == right` failed\n  left: 1\n right: 2\n---- tests::c stdout ----\nboom\n\nfailures:\n    tests::b\n    tests::c\n\ntest result: FAILED. 1 passed; 2 failed\n";
        let f = parse_test_output(out);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name, "tests::b");
        assert!(f[0].output.contains("panicked at exercises/x.rs:9:5"));
        assert!(f[0].output.ends_with("right: 2"));
        assert_eq!(f[1].output, "boom");
        assert!(parse_test_output("test tests::a ... ok\n").is_empty());
    }

    #[test]
    fn a_cancelled_child_is_killed_quickly() {
        let cancel = Cancel::new();
        let c2 = cancel.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            c2.cancel();
        });
        let started = Instant::now();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & sleep 30"]);
        let r = run(cmd, &cancel, Duration::from_secs(60));
        t.join().unwrap();
        assert!(matches!(r, Err(CheckError::Cancelled)), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_hung_child_times_out_and_a_missing_program_is_an_error() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let r = run(cmd, &Cancel::new(), Duration::from_millis(100));
        assert!(matches!(r, Err(CheckError::Timeout { .. })), "{r:?}");
        let r = run(
            Command::new("/no/such/program"),
            &Cancel::new(),
            TEST_TIMEOUT,
        );
        assert!(matches!(r, Err(CheckError::Spawn { .. })), "{r:?}");
    }

    #[test]
    fn a_drill_passes_once_its_error_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("d.rs");
        std::fs::write(
            &file,
            "fn main() { let s = String::new(); let t = s; println!(\"{s}{t}\"); }\n",
        )
        .unwrap();
        let spec = CheckSpec {
            name: "d".into(),
            root: tmp.path().to_path_buf(),
            file: file.clone(),
            kind: SpecKind::Rustc {
                codes: vec!["E0382".into()],
            },
        };
        let r = check(&spec, &Cancel::new()).unwrap();
        assert!(!r.passed);
        assert!(
            r.errors()
                .any(|d| d.code.as_deref() == Some("E0382") && d.line == 1)
        );
        assert!(r.output.contains("still there: E0382"), "{}", r.output);
        std::fs::write(
            &file,
            "fn main() { let s = String::new(); let t = s.clone(); println!(\"{s}{t}\"); }\n",
        )
        .unwrap();
        let r = check(&spec, &Cancel::new()).unwrap();
        assert!(r.passed, "{}", r.summary());
        assert_eq!(r.stage, Stage::Done);
    }
}
