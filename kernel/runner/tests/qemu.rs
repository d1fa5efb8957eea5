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

/// D3: BIOS command lines up to the image's limit work whatever their
/// length, and two lines that differ only in punctuation get their own image.
#[test]
fn bios_images_are_named_by_a_hash_of_the_command_line() {
    let (paths, out) = built();
    let long = format!("exit-after-ready {}", "x".repeat(239));
    assert_eq!(long.len(), 256);
    let a = suite::bios_image(paths, out, &long).unwrap_or_else(|e| panic!("{e}"));
    assert!(a.is_file());
    let b = suite::bios_image(paths, out, "hz=100").unwrap_or_else(|e| panic!("{e}"));
    let c = suite::bios_image(paths, out, "hz_100").unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(b, c);
    let r = suite::run_case(
        paths,
        out,
        &suite::Case {
            name: "bios long command line".into(),
            path: suite::BootPath::Bios,
            cmdline: long,
            input: None,
            expect_exit: KernelExit::Success,
            expect_lines: vec!["booted via bios".into(), "[ready] ".into()],
            machine: None,
        },
        Duration::from_secs(60),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(r.passed(), "{:?}", r.problems);
}

/// The scheduling trace of a real run, parsed by the runner: two CPU-bound
/// hogs (the kernel's `preempt` test) both get lanes with CPU time, and the
/// switches between them are preemptions.
#[test]
fn the_scheduling_trace_becomes_a_timeline_with_a_lane_per_thread() {
    use kernel_runner::trace::{self, Timeline, TraceEvent};
    let (paths, out) = built();
    let r = suite::run_case(
        paths,
        out,
        &suite::Case {
            name: "trace".into(),
            path: suite::BootPath::Pvh,
            cmdline: "trace test=preempt".into(),
            input: None,
            expect_exit: KernelExit::Success,
            expect_lines: vec!["INFO ok preempt".into()],
            machine: None,
        },
        Duration::from_secs(60),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(r.passed(), "{:?}", r.problems);
    let mut t = Timeline::default();
    let mut preempts = 0;
    for l in &r.lines {
        if let Some(TraceEvent::Switch { reason, .. }) = t.push_line(l)
            && reason == trace::SwitchReason::Preempt
        {
            preempts += 1;
        }
    }
    let hogs: Vec<_> = t.lanes().iter().filter(|l| l.name == "hog").collect();
    assert_eq!(hogs.len(), 2, "lanes: {:?}", t.lanes());
    for h in &hogs {
        assert!(
            h.total_micros > 10_000,
            "hog {} ran {} us",
            h.tid,
            h.total_micros
        );
        assert!(h.exited.is_some(), "hog {} has no exit", h.tid);
    }
    assert!(preempts >= 4, "{preempts} preemptions in the trace");
    assert!(t.lanes().iter().any(|l| l.name == "idle"));
    let w = t.last(200_000, None);
    let rows = t.render(w, 40);
    assert!(rows.iter().all(|r| r.cells.len() == 40));
}

/// The boot benchmark's floor kernels really boot and leave QEMU with the
/// success code on every path the benchmark measures.
#[test]
fn floor_kernels_exit_at_once_on_every_path() {
    use kernel_runner::bench::TARGETS;
    use kernel_runner::floor;
    use kernel_runner::suite::BootPath;
    let (paths, _) = built();
    let images =
        floor::write(&paths.target_dir.join("floor-test")).unwrap_or_else(|e| panic!("{e}"));
    for target in TARGETS {
        let mut cfg = QemuConfig::new(match target.path {
            BootPath::Pvh => BootSource::Pvh {
                kernel: images.pvh_elf.clone(),
                cmdline: String::new(),
            },
            BootPath::Bios => BootSource::Disk {
                image: images.bios_image.clone(),
            },
        });
        cfg.machine = target.machine;
        let session = QemuSession::spawn(&cfg).unwrap_or_else(|e| panic!("{e}"));
        let (lines, exit) = session.wait_with_timeout(Duration::from_secs(30));
        assert_eq!(exit, KernelExit::Success, "{target:?}: {lines:?}");
    }
}
