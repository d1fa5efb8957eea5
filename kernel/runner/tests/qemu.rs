#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Boots the real kernel in QEMU: the in-kernel test suites on both boot
//! paths, the stack-overflow kernel, boots to `[ready]`, serial input, and
//! stopping a running VM. A missing QEMU fails with the install command.

use std::sync::OnceLock;
use std::time::Duration;

use kernel_runner::builder::{self, BuildOutput, KernelPaths};
use kernel_runner::qemu::{
    BootSource, KernelExit, QemuConfig, QemuError, QemuSession, SerialEvent,
};
use kernel_runner::suite;

fn built() -> &'static (KernelPaths, BuildOutput) {
    static BUILT: OnceLock<(KernelPaths, BuildOutput)> = OnceLock::new();
    BUILT.get_or_init(|| {
        assert!(suite::qemu_available(), "{}", QemuError::NotInstalled);
        let paths = KernelPaths::default();
        let out = builder::build(&paths, &mut |_| {})
            .unwrap_or_else(|e| panic!("kernel build failed: {e}"));
        (paths, out)
    })
}

#[test]
fn in_qemu_test_suite_passes_on_both_boot_paths() {
    let (paths, out) = built();
    let mut report = Vec::new();
    for case in suite::default_cases() {
        let r = suite::run_case(paths, out, &case, Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{}: {e:#}", case.name));
        if !r.passed() {
            report.push(format!(
                "{}: {:?}\n  last lines: {:?}",
                r.name,
                r.problems,
                r.lines.iter().rev().take(10).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        report.is_empty(),
        "kernel test failures:\n{}",
        report.join("\n")
    );
}

#[test]
fn a_running_kernel_can_be_stopped_and_restarted() {
    let (_, out) = built();
    let cfg = QemuConfig::new(BootSource::Pvh {
        kernel: out.kernel_elf.clone(),
        cmdline: String::new(),
    });
    let mut session = QemuSession::spawn(&cfg).unwrap_or_else(|e| panic!("{e}"));
    // Wait for the shell: the kernel now idles until input arrives.
    let mut saw_shell = false;
    while let Some(ev) = session.next_event(Duration::from_secs(60)) {
        if let SerialEvent::Line(l) = &ev
            && l.starts_with("[shell]")
        {
            saw_shell = true;
            break;
        }
        assert!(
            !matches!(ev, SerialEvent::Exited(_)),
            "kernel exited before the shell: {ev:?}"
        );
    }
    assert!(saw_shell, "no [shell] line within 60 s");
    session.send(b"ticks\n").unwrap_or_else(|e| panic!("{e}"));
    let mut saw_reply = false;
    while let Some(ev) = session.next_event(Duration::from_secs(30)) {
        if let SerialEvent::Line(l) = ev
            && l.starts_with("ticks: ")
        {
            saw_reply = true;
            break;
        }
    }
    assert!(saw_reply, "the shell did not answer `ticks`");
    session.stop();
    let mut exit = None;
    while let Some(ev) = session.next_event(Duration::from_secs(30)) {
        if let SerialEvent::Exited(e) = ev {
            exit = Some(e);
            break;
        }
    }
    assert_eq!(exit, Some(KernelExit::Killed(SIGKILL)));
    assert!(matches!(session.send(b"x"), Err(QemuError::InputClosed)));

    // Restart boots a fresh VM with the same configuration.
    let session = session.restart().unwrap_or_else(|e| panic!("{e}"));
    let mut booted = false;
    while let Some(ev) = session.next_event(Duration::from_secs(60)) {
        if let SerialEvent::Line(l) = ev
            && l.starts_with("[ready]")
        {
            booted = true;
            break;
        }
    }
    assert!(booted, "restarted VM did not reach [ready]");
}

/// Linux's SIGKILL, which `stop` sends.
const SIGKILL: i32 = 9;
