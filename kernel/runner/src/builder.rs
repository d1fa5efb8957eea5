//! Builds `kernel/` (the kernel and the BIOS loader) with cargo.
//!
//! Cargo runs with `--message-format=json`, so every line on its stdout is a
//! JSON object: `compiler-artifact` lines become progress events,
//! `compiler-message` lines become readable diagnostics (cargo's own
//! rendering), and `build-finished` ends the build. The nested cargo gets an
//! explicit `--target-dir` and a cleaned environment: when this runs inside
//! `cargo test`, variables such as `CARGO_TARGET_DIR`, `RUSTFLAGS` or the
//! jobserver's `CARGO_MAKEFLAGS` leak in and would send the kernel build to
//! the wrong place or with host-only flags.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const TARGET: &str = "x86_64-unknown-none";
pub const INSTALL_TARGET: &str = "rustup target add x86_64-unknown-none";

/// Where the kernel sources and build output live.
#[derive(Clone, Debug)]
pub struct KernelPaths {
    /// The `kernel/` directory (with its own Cargo workspace).
    pub kernel_dir: PathBuf,
    /// The cargo target directory for the kernel build.
    pub target_dir: PathBuf,
}

impl Default for KernelPaths {
    /// `kernel/` next to this crate, building into `kernel/target`.
    fn default() -> Self {
        let kernel_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let kernel_dir = kernel_dir.canonicalize().unwrap_or(kernel_dir);
        KernelPaths {
            target_dir: kernel_dir.join("target"),
            kernel_dir,
        }
    }
}

impl KernelPaths {
    pub fn artifact(&self, name: &str) -> PathBuf {
        self.target_dir.join(TARGET).join("release").join(name)
    }
}

/// Something that happened during a build, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildEvent {
    /// Cargo started the build; `command` is what it ran, for the log.
    Started { command: String },
    /// A crate finished compiling (`fresh` = it was already up to date).
    Compiled { crate_name: String, fresh: bool },
    /// A warning or error from the compiler, as rustc renders it.
    Diagnostic { level: String, rendered: String },
    /// Cargo finished.
    Finished { success: bool },
}

#[derive(Clone, Debug)]
pub struct BuildOutput {
    pub kernel_elf: PathBuf,
    pub bios_elf: PathBuf,
    pub warnings: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("could not start cargo ({program}): {source}")]
    CargoNotStarted {
        program: String,
        source: std::io::Error,
    },
    #[error("the {TARGET} target is not installed; install it with: {INSTALL_TARGET}")]
    TargetMissing,
    #[error("the kernel did not compile ({} error(s)); first: {}", .errors.len(), .errors.first().map(String::as_str).unwrap_or("see cargo output"))]
    Compile { errors: Vec<String> },
    #[error("cargo failed without a compiler error: {stderr}")]
    Cargo { stderr: String },
    #[error("the build finished but {path} is missing")]
    MissingArtifact { path: PathBuf },
    #[error("reading cargo output: {0}")]
    Io(#[from] std::io::Error),
    #[error("the build was cancelled")]
    Cancelled,
}

/// Variables that must not reach the nested cargo (see the module docs).
fn should_strip(key: &str) -> bool {
    const KEEP_PREFIXES: [&str; 4] = ["CARGO_HOME", "CARGO_NET_", "CARGO_HTTP_", "CARGO_REGISTR"];
    if key.starts_with("CARGO_") {
        return !KEEP_PREFIXES.iter().any(|p| key.starts_with(p));
    }
    matches!(
        key,
        "RUSTFLAGS"
            | "RUSTDOCFLAGS"
            | "RUSTC_WORKSPACE_WRAPPER"
            | "MAKEFLAGS"
            | "MFLAGS"
            | "RUSTC"
            | "RUSTDOC"
            | "CARGO"
    )
}

/// The cargo to run: the one running us if any, else `cargo` on PATH.
fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// Builds the kernel and the BIOS loader, reporting progress to `on_event`.
pub fn build(
    paths: &KernelPaths,
    on_event: &mut dyn FnMut(BuildEvent),
) -> Result<BuildOutput, BuildError> {
    build_cancellable(paths, None, on_event)
}

/// [`build`], stopped early when `cancel` turns true: cargo and the
/// compilers it started (one process group) are killed, and the result is
/// [`BuildError::Cancelled`]. The app cancels a build when the learner
/// starts another or quits.
pub fn build_cancellable(
    paths: &KernelPaths,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    on_event: &mut dyn FnMut(BuildEvent),
) -> Result<BuildOutput, BuildError> {
    use std::os::unix::process::CommandExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    let program = cargo_program();
    let manifest = paths.kernel_dir.join("Cargo.toml");
    let mut cmd = Command::new(&program);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(&manifest)
        .args([
            "--target",
            TARGET,
            "--release",
            "-p",
            "kernel",
            "-p",
            "bios",
        ])
        .arg("--target-dir")
        .arg(&paths.target_dir)
        .arg("--message-format=json-diagnostic-rendered-ansi")
        .current_dir(&paths.kernel_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars_os() {
        if let Some(k) = key.to_str()
            && should_strip(k)
        {
            cmd.env_remove(k);
        }
    }
    on_event(BuildEvent::Started {
        command: format!(
            "{program} build --manifest-path {} --target {TARGET} --release",
            manifest.display()
        ),
    });
    // Its own process group, so cancelling kills rustc too, not only cargo.
    cmd.process_group(0);
    let mut child = cmd.spawn().map_err(|source| BuildError::CargoNotStarted {
        program: program.clone(),
        source,
    })?;
    let finished = std::sync::Arc::new(AtomicBool::new(false));
    let cancelled = std::sync::Arc::new(AtomicBool::new(false));
    if let Some(cancel) = cancel {
        let pid = child.id() as libc::pid_t;
        let (finished, cancelled) = (finished.clone(), cancelled.clone());
        std::thread::spawn(move || {
            while !finished.load(Ordering::SeqCst) {
                if cancel.load(Ordering::SeqCst) {
                    cancelled.store(true, Ordering::SeqCst);
                    // SAFETY: kill(2) with a negative pid signals the process
                    // group we created for this child; it touches no memory.
                    unsafe {
                        libc::kill(-pid, libc::SIGKILL);
                    }
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
    }
    let mut stderr = child
        .stderr
        .take()
        .ok_or_else(|| std::io::Error::other("cargo stderr not captured"))?;
    // Drain stderr on a thread so a chatty cargo cannot block on a full pipe.
    let stderr_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("cargo stdout not captured"))?;
    let mut errors = Vec::new();
    let mut warnings = 0;
    let mut target_missing = false;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        match msg["reason"].as_str() {
            Some("compiler-artifact") => on_event(BuildEvent::Compiled {
                crate_name: msg["target"]["name"].as_str().unwrap_or("?").to_string(),
                fresh: msg["fresh"].as_bool().unwrap_or(false),
            }),
            Some("compiler-message") => {
                let level = msg["message"]["level"]
                    .as_str()
                    .unwrap_or("note")
                    .to_string();
                let rendered = msg["message"]["rendered"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                let plain = strip_ansi(&rendered);
                if plain.contains("target may not be installed") {
                    target_missing = true;
                }
                match level.as_str() {
                    "error" => errors.push(plain.lines().next().unwrap_or("").to_string()),
                    "warning" => warnings += 1,
                    _ => {}
                }
                on_event(BuildEvent::Diagnostic { level, rendered });
            }
            Some("build-finished") => on_event(BuildEvent::Finished {
                success: msg["success"].as_bool().unwrap_or(false),
            }),
            _ => {}
        }
    }
    let status = child.wait();
    finished.store(true, Ordering::SeqCst);
    let status = status?;
    if cancelled.load(Ordering::SeqCst) {
        let _ = stderr_thread.join();
        return Err(BuildError::Cancelled);
    }
    let stderr_text = stderr_thread.join().unwrap_or_default();
    if target_missing || stderr_text.contains("target may not be installed") {
        return Err(BuildError::TargetMissing);
    }
    if !status.success() {
        if errors.is_empty() {
            let tail: Vec<&str> = stderr_text.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(BuildError::Cargo {
                stderr: tail.join(" / "),
            });
        }
        return Err(BuildError::Compile { errors });
    }
    let out = BuildOutput {
        kernel_elf: paths.artifact("kernel"),
        bios_elf: paths.artifact("bios"),
        warnings,
    };
    for p in [&out.kernel_elf, &out.bios_elf] {
        if !p.is_file() {
            return Err(BuildError::MissingArtifact { path: p.clone() });
        }
    }
    Ok(out)
}

/// Removes ANSI colour sequences (ESC [ ... letter) from rendered diagnostics.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_leaking_cargo_variables_but_keeps_registry_settings() {
        assert!(should_strip("CARGO_TARGET_DIR"));
        assert!(should_strip("CARGO_ENCODED_RUSTFLAGS"));
        assert!(should_strip("RUSTFLAGS"));
        assert!(should_strip("CARGO_MAKEFLAGS"));
        assert!(!should_strip("CARGO_HOME"));
        assert!(!should_strip("CARGO_NET_OFFLINE"));
        assert!(!should_strip("PATH"));
    }

    #[test]
    fn ansi_sequences_are_removed() {
        assert_eq!(
            strip_ansi("\x1b[0m\x1b[1m\x1b[38;5;9merror\x1b[0m: x"),
            "error: x"
        );
        assert_eq!(strip_ansi("plain"), "plain");
    }
}
