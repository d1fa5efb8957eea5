//! The in-QEMU test suite: which kernels to boot and what must come out.
//!
//! Each case boots the built kernel once (PVH or the BIOS image) with a
//! command line, collects the serial lines until QEMU exits, and checks the
//! exit status plus the lines a passing run must contain. `megarepo kernel
//! test` and the crate's integration test both run [`default_cases`].

use std::path::PathBuf;
use std::time::Duration;

use crate::builder::{BuildOutput, KernelPaths};
use crate::image;
use crate::qemu::{
    BootSource, KernelExit, Machine, QemuConfig, QemuError, QemuSession, SerialEvent,
};
use crate::timeline::Timeline;

/// The in-kernel test cases that `test=all` runs (kernel/src/ktest.rs).
pub const KERNEL_TESTS: [&str; 25] = [
    "frames",
    "paging",
    "heap_list",
    "heap_blocks",
    "global_alloc",
    "breakpoint",
    "page_fault",
    "timer",
    "extable",
    "nested_fault",
    "stacks",
    "oom_message",
    "threads",
    "sleep",
    "preempt",
    "nice",
    "idle",
    "mutex",
    "mutex_counts",
    "prodcons",
    "user_hello",
    "user_poke",
    "user_badptr",
    "user_hogs",
    "user_spawn",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootPath {
    Pvh,
    Bios,
}

impl BootPath {
    pub fn name(self) -> &'static str {
        match self {
            BootPath::Pvh => "pvh",
            BootPath::Bios => "bios",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub path: BootPath,
    pub cmdline: String,
    /// Typed into the serial port once a line starting with this appears.
    pub input: Option<(String, String)>,
    pub expect_exit: KernelExit,
    /// Substrings that must each appear in some serial line.
    pub expect_lines: Vec<String>,
    /// The QEMU machine, if not the path's default (PVH: microvm, BIOS: pc).
    pub machine: Option<Machine>,
}

#[derive(Debug)]
pub struct CaseResult {
    pub name: String,
    pub exit: KernelExit,
    pub problems: Vec<String>,
    pub lines: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

fn case(name: &str, path: BootPath, cmdline: &str, exit: KernelExit, lines: &[&str]) -> Case {
    Case {
        name: name.to_string(),
        path,
        cmdline: cmdline.to_string(),
        input: None,
        expect_exit: exit,
        expect_lines: lines.iter().map(|s| s.to_string()).collect(),
        machine: None,
    }
}

pub fn default_cases() -> Vec<Case> {
    let mut all_ok: Vec<String> = KERNEL_TESTS
        .iter()
        .map(|t| format!("INFO ok {t}"))
        .collect();
    all_ok.push(format!("result: {} passed, 0 failed", KERNEL_TESTS.len()));
    let boot_lines = ["INFO map 0x", "INFO heap: ", "[ready] "];
    let mut v = vec![
        Case {
            expect_lines: all_ok.clone(),
            ..case(
                "pvh tests",
                BootPath::Pvh,
                "test=all",
                KernelExit::Success,
                &[],
            )
        },
        Case {
            expect_lines: all_ok
                .iter()
                .cloned()
                .chain(["scheduler: stride policy".to_string()])
                .collect(),
            ..case(
                "pvh tests with the stride policy",
                BootPath::Pvh,
                "test=all sched=stride",
                KernelExit::Success,
                &["scheduler: stride policy"],
            )
        },
        Case {
            expect_lines: all_ok,
            ..case(
                "bios tests",
                BootPath::Bios,
                "test=all",
                KernelExit::Success,
                &[],
            )
        },
        case(
            "pvh stack overflow caught by the double-fault handler",
            BootPath::Pvh,
            "test=stack_overflow",
            KernelExit::Success,
            &[
                "is the guard page of stack kernel",
                "double fault caught on IST stack",
                "INFO ok stack_overflow",
            ],
        ),
        // The pc machine stays available for PVH boots.
        Case {
            machine: Some(Machine::Pc),
            ..case(
                "pvh boot to ready on the pc machine",
                BootPath::Pvh,
                "exit-after-ready hz=1000 bogus",
                KernelExit::Success,
                &boot_lines,
            )
        },
        case(
            "bios boot to ready",
            BootPath::Bios,
            "exit-after-ready heap=list",
            KernelExit::Success,
            &boot_lines,
        ),
    ];
    // The command line reaches the kernel on both paths and takes effect;
    // a bad option is reported and ignored.
    v[4].expect_lines.extend(
        [
            "booted via pvh",
            "PIT timer at 1000 Hz",
            "WARN ignoring option \"bogus\": unknown option",
            "heap: blocks strategy",
        ]
        .map(String::from),
    );
    v[5].expect_lines.extend(
        [
            "booted via bios",
            "heap: list strategy",
            "PIT timer at 100 Hz",
        ]
        .map(String::from),
    );
    // D4: a PVH command line longer than the kernel keeps is cut at a
    // character boundary with a warning; here the cut falls inside the `é`,
    // and the options before it must survive.
    v.push(case(
        "pvh command line over 256 bytes is cut with a warning",
        BootPath::Pvh,
        &format!("exit-after-ready {}é hz=1000", "x".repeat(238)),
        KernelExit::Success,
        &[
            "WARN command line cut from 265 to 255 bytes",
            "PIT timer at 100 Hz",
            "[ready] ",
        ],
    ));
    v.push(Case {
        input: Some(("[shell]".into(), "boot\nmem\npanic\n".into())),
        ..case(
            "pvh serial input reaches the shell; panic exits with failure",
            BootPath::Pvh,
            "",
            KernelExit::Failure,
            &[
                "booted via pvh, cmdline \"\"",
                // Only the shell's `mem` prints these (the boot log's
                // frames and heap lines do not say "used" or "live bytes").
                " used",
                "live bytes,",
                "stacks: ",
                "[panic] ",
                "panic requested from the shell",
            ],
        )
    });
    // The walk-through: two hogs share the CPU, one is killed; a
    // process writing kernel memory is killed and the kernel goes on.
    v.push(Case {
        input: Some((
            "[shell]".into(),
            "run hog\nrun hog\nsleep 300\nps\nkill 2\nsleep 50\nps\nrun poke\nsleep 50\nrun nosuch\nkill 1\nnice 3 9\nsched\nexit\n"
                .into(),
        )),
        ..case(
            "pvh shell: run hog twice, ps, kill, a faulting process, bad input",
            BootPath::Pvh,
            "",
            KernelExit::Success,
            &[
                "started hog as pid 2",
                "started hog as pid 3",
                "hog[2]: spinning",
                "hog[3]: spinning",
                "pid 2: killed",
                "INFO pid 2 (hog) killed",
                "WARN pid 4 (poke) killed: page fault at 0x100000 (write to a kernel-only page)",
                "run nosuch: no such program",
                "kill: pid 1 is the calling thread",
                "nice: nice 9 is outside -5..=5",
                "policy rr, ",
                "exit requested",
            ],
        )
    });
    // The bench command measures both switch kinds (numbers are not
    // checked: a benchmark is not a test) and the kernel goes on.
    v.push(Case {
        input: Some(("[shell]".into(), "bench\nps\nexit\n".into())),
        ..case(
            "pvh shell: bench measures thread and process switches",
            BootPath::Pvh,
            "",
            KernelExit::Success,
            &[
                "thread to thread: best ",
                "process to process: best ",
                "cycles per switch",
                "exit requested",
            ],
        )
    });
    v.push(Case {
        input: Some(("[shell]".into(), "fault\n".into())),
        ..case(
            "pvh page fault prints vector, error code, cr2 and registers",
            BootPath::Pvh,
            "",
            KernelExit::Failure,
            &[
                "EXCEPTION 14 (page fault) error=0x0 cr2=0x8",
                "  rip=0x",
                "  rax=0x",
                "  r12=0x",
            ],
        )
    });
    v
}

/// Writes (or rewrites) a BIOS image for `cmdline` under the target dir.
pub fn bios_image(
    paths: &KernelPaths,
    out: &BuildOutput,
    cmdline: &str,
) -> Result<PathBuf, image::ImageError> {
    let dir = paths.target_dir.join("images");
    std::fs::create_dir_all(&dir).map_err(|source| image::ImageError::Write {
        path: dir.clone(),
        source,
    })?;
    let path = dir.join(image_name(cmdline));
    image::write_image(&out.bios_elf, &out.kernel_elf, cmdline, &path)?;
    Ok(path)
}

/// The image file for a command line: `disk-default.img` for the empty
/// line, else `disk-` plus a 64-bit FNV-1a hash of the exact line. Distinct
/// lines get distinct files (`hz=100` and `hz_100` no longer collide) and the
/// name has a fixed length however long the line is.
pub fn image_name(cmdline: &str) -> String {
    if cmdline.is_empty() {
        return "disk-default.img".into();
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in cmdline.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("disk-{h:016x}.img")
}

pub fn boot_source(
    paths: &KernelPaths,
    out: &BuildOutput,
    path: BootPath,
    cmdline: &str,
) -> anyhow::Result<BootSource> {
    Ok(match path {
        BootPath::Pvh => BootSource::Pvh {
            kernel: out.kernel_elf.clone(),
            cmdline: cmdline.to_string(),
        },
        BootPath::Bios => BootSource::Disk {
            image: bios_image(paths, out, cmdline)?,
        },
    })
}

/// Boots one case and checks it. QEMU errors (not installed) are returned
/// as errors, not as failed cases, so the caller can print the fix.
pub fn run_case(
    paths: &KernelPaths,
    out: &BuildOutput,
    c: &Case,
    timeout: Duration,
) -> anyhow::Result<CaseResult> {
    let source = boot_source(paths, out, c.path, &c.cmdline)?;
    let mut cfg = QemuConfig::new(source);
    if let Some(m) = c.machine {
        cfg.machine = m;
    }
    let mut session = QemuSession::spawn(&cfg)?;
    let deadline = std::time::Instant::now() + timeout;
    let mut lines = Vec::new();
    let mut pending_input = c.input.clone();
    let exit = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            session.stop();
            let (rest, _) = session.wait_with_timeout(Duration::from_secs(5));
            lines.extend(rest);
            break KernelExit::Killed(libc::SIGKILL);
        }
        match session.next_event(left) {
            Some(SerialEvent::Line(l)) => {
                if let Some((trigger, text)) = &pending_input
                    && l.starts_with(trigger.as_str())
                {
                    session
                        .send(text.as_bytes())
                        .map_err(|e: QemuError| anyhow::anyhow!(e))?;
                    pending_input = None;
                }
                lines.push(l);
            }
            Some(SerialEvent::QemuMessage(m)) => lines.push(format!("qemu: {m}")),
            Some(SerialEvent::Exited(e)) => break e,
            None => {}
        }
    };
    let mut problems = Vec::new();
    if exit != c.expect_exit {
        problems.push(format!(
            "expected {:?}, got {} ",
            c.expect_exit,
            exit.describe()
        ));
    }
    for want in &c.expect_lines {
        if !lines.iter().any(|l| l.contains(want.as_str())) {
            problems.push(format!("no serial line contains {want:?}"));
        }
    }
    let mut t = Timeline::default();
    for l in &lines {
        t.push_line(l);
    }
    if c.expect_exit == KernelExit::Success
        && let Some(e) = t.errors().next()
    {
        problems.push(format!("error line: [{}] {}", e.stage, e.message));
    }
    Ok(CaseResult {
        name: c.name.clone(),
        exit,
        problems,
        lines,
    })
}

/// Whether QEMU can be started at all (for a clear message up front).
pub fn qemu_available() -> bool {
    std::process::Command::new(crate::qemu::QEMU)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
