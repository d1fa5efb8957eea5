//! `megarepo kernel ...` / `kernel-runner ...`: build, run, test, bench.
//!
//! Every command builds first (cargo decides what is stale). `run` streams
//! the serial port to stdout and forwards the terminal's input to the
//! kernel's serial port; it returns when QEMU exits (or on Ctrl-C, which
//! reaches QEMU too, or after `--timeout`).

use std::io::{Read, Write};
use std::time::Duration;

use anyhow::Context;

use crate::bench;
use crate::builder::{self, BuildEvent, BuildOutput, KernelPaths};
use crate::qemu::{Machine, QemuConfig, QemuSession, SerialEvent};
use crate::suite::{self, BootPath};

#[derive(clap::Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum KernelCommand {
    /// Build the kernel and the BIOS loader (and report compiler errors).
    Build,
    /// Boot the kernel in QEMU with the serial port on this terminal.
    Run {
        /// Boot from the BIOS disk image (our own bootloader) instead of PVH.
        #[arg(long)]
        bios: bool,
        /// No QEMU window: serial only.
        #[arg(long)]
        headless: bool,
        /// Kernel command line, e.g. "exit-after-ready log=debug heap=list".
        #[arg(long, default_value = "")]
        append: String,
        /// QEMU machine for a PVH boot: microvm (default, fast) or pc. The
        /// BIOS path always uses pc.
        #[arg(long)]
        machine: Option<String>,
        /// Stop QEMU after this many seconds.
        #[arg(long)]
        timeout: Option<u64>,
    },
    /// Boot the in-QEMU test kernels and check their results.
    Test,
    /// Measure wall time from QEMU start to [ready] on every boot path,
    /// beside QEMU's floor (a kernel that exits at once).
    Bench {
        /// Boots per path.
        #[arg(long, default_value_t = 10)]
        boots: usize,
    },
}

/// Runs one command; the result is the process exit code.
pub fn run_cli(cmd: KernelCommand) -> anyhow::Result<i32> {
    let paths = KernelPaths::default();
    let out = build_verbose(&paths)?;
    match cmd {
        KernelCommand::Build => {
            println!("kernel: {}", out.kernel_elf.display());
            println!("loader: {}", out.bios_elf.display());
            let img = suite::bios_image(&paths, &out, "")?;
            println!("disk image: {}", img.display());
            Ok(0)
        }
        KernelCommand::Run {
            bios,
            headless,
            append,
            machine,
            timeout,
        } => {
            let path = if bios { BootPath::Bios } else { BootPath::Pvh };
            let machine = match machine.as_deref().map(|m| (m, Machine::parse(m))) {
                None => None,
                Some((_, Some(Machine::Microvm))) if bios => {
                    anyhow::bail!(
                        "the BIOS path needs the pc machine (microvm has no BIOS disk boot)"
                    )
                }
                Some((_, Some(m))) => Some(m),
                Some((m, None)) => anyhow::bail!("unknown machine {m:?}: use pc or microvm"),
            };
            let source = suite::boot_source(&paths, &out, path, &append)?;
            let mut cfg = QemuConfig::new(source);
            if let Some(m) = machine {
                cfg.machine = m;
            }
            cfg.headless = headless;
            run_interactive(&cfg, timeout.map(Duration::from_secs))
        }
        KernelCommand::Test => run_tests(&paths, &out),
        KernelCommand::Bench { boots } => {
            ensure_qemu()?;
            println!("{}", bench::report_header());
            for target in bench::TARGETS {
                let s = bench::measure(&paths, &out, target, boots.max(1))?;
                println!("{}", bench::report(&s));
            }
            println!(
                "wall: QEMU start to [ready] (floor: to QEMU's exit for a kernel that exits at once); kernel clock: the kernel's TSC at [ready]"
            );
            Ok(0)
        }
    }
}

/// Builds with progress on stderr.
pub fn build_verbose(paths: &KernelPaths) -> anyhow::Result<BuildOutput> {
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal();
    let mut on_event = |e: BuildEvent| match e {
        BuildEvent::Compiled {
            crate_name,
            fresh: false,
        } => eprintln!("   compiled {crate_name}"),
        BuildEvent::Diagnostic { level, rendered } if level == "error" || level == "warning" => {
            if colour {
                eprint!("{rendered}");
            } else {
                eprint!("{}", builder::strip_ansi(&rendered));
            }
        }
        _ => {}
    };
    builder::build(paths, &mut on_event).context("building the kernel")
}

fn ensure_qemu() -> anyhow::Result<()> {
    if !suite::qemu_available() {
        anyhow::bail!(crate::qemu::QemuError::NotInstalled);
    }
    Ok(())
}

fn run_interactive(cfg: &QemuConfig, timeout: Option<Duration>) -> anyhow::Result<i32> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let mut session = QemuSession::spawn(cfg)?;
    // Keys go to the kernel one by one and only the kernel echoes them
    // (restored when this function returns, however it returns).
    let raw = crate::terminal::RawInput::enable(libc::STDIN_FILENO)
        .context("switching the terminal to raw input")?;
    if raw.is_active() {
        eprintln!("(raw terminal: the kernel echoes what you type; Ctrl-C stops QEMU)");
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    let echo = Arc::new(std::sync::Mutex::new(crate::terminal::LocalEcho::default()));
    if let Some(mut input) = session.take_input() {
        // Forward our terminal to COM1. The thread ends at EOF, at Ctrl-C
        // (raw mode delivers it as a byte) or when QEMU closes its end; it is
        // not joined because a read on a terminal can block forever.
        let raw_active = raw.is_active();
        let interrupted = interrupted.clone();
        let echo = echo.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            let mut stdin = std::io::stdin();
            while let Ok(n) = stdin.read(&mut buf) {
                let mut bytes = &buf[..n];
                if raw_active
                    && let Some(i) = bytes.iter().position(|&b| b == crate::terminal::CTRL_C)
                {
                    bytes = &bytes[..i];
                    interrupted.store(true, Ordering::SeqCst);
                }
                if raw_active && let Ok(mut e) = echo.lock() {
                    let shown: String = bytes.iter().map(|&b| e.key(b)).collect();
                    let mut o = std::io::stdout().lock();
                    let _ = o.write_all(shown.as_bytes());
                    let _ = o.flush();
                }
                let sent = input.write_all(bytes).and_then(|_| input.flush());
                if n == 0 || sent.is_err() || interrupted.load(Ordering::SeqCst) {
                    break;
                }
            }
        });
    }
    let deadline = timeout.map(|t| std::time::Instant::now() + t);
    let stdout = std::io::stdout();
    let mut stopping = false;
    loop {
        if !stopping && interrupted.load(Ordering::SeqCst) {
            eprintln!("Ctrl-C: stopping QEMU");
            session.stop();
            stopping = true;
        }
        if !stopping && deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            eprintln!("timeout: stopping QEMU");
            session.stop();
            stopping = true;
        }
        // Short waits, so Ctrl-C and the deadline are noticed promptly.
        match session.next_event(Duration::from_millis(100)) {
            Some(SerialEvent::Line(l)) => {
                let shown = match echo.lock() {
                    Ok(e) if raw.is_active() => e.line(&l),
                    _ => format!("{l}\n"),
                };
                let mut o = stdout.lock();
                let _ = o.write_all(shown.as_bytes());
                let _ = o.flush();
            }
            Some(SerialEvent::QemuMessage(m)) => eprintln!("qemu: {m}"),
            Some(SerialEvent::Exited(e)) => {
                drop(raw);
                eprintln!("{}", e.describe());
                return Ok(if e.is_success() { 0 } else { 1 });
            }
            None => {}
        }
    }
}

fn run_tests(paths: &KernelPaths, out: &BuildOutput) -> anyhow::Result<i32> {
    ensure_qemu()?;
    let mut failed = 0;
    for c in suite::default_cases() {
        let r = suite::run_case(paths, out, &c, Duration::from_secs(60))?;
        if r.passed() {
            println!("ok     {}", r.name);
        } else {
            failed += 1;
            println!("FAILED {}", r.name);
            for p in &r.problems {
                println!("       {p}");
            }
            for l in r
                .lines
                .iter()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                println!("       | {l}");
            }
        }
    }
    println!(
        "{}",
        if failed == 0 {
            "all kernel tests passed".to_string()
        } else {
            format!("{failed} kernel test(s) failed")
        }
    );
    Ok(if failed == 0 { 0 } else { 1 })
}
