//! Runs the kernel in QEMU and streams its serial port.
//!
//! [`QemuSession::spawn`] starts `qemu-system-x86_64` with COM1 on stdio and
//! the isa-debug-exit device. Three threads serve one session:
//! - the owner thread spawns QEMU (so the parent-death signal below is tied
//!   to a thread that lives as long as QEMU), waits for it to exit, and sends
//!   the final [`SerialEvent::Exited`] after the readers are done, so the exit
//!   always comes after the last line;
//! - two reader threads turn stdout (the serial port) and stderr (QEMU's own
//!   complaints) into [`SerialEvent`]s.
//!
//! A caller that does not want to poll the channel (the app's kernel pane)
//! starts the session with [`QemuSession::spawn_notifying`]: the readers
//! and the owner call its [`Notify`] after each event they queue, so the
//! caller sleeps until there is something to read.
//!
//! QEMU never outlives us: dropping the session kills it, and on Linux the
//! child also gets `PR_SET_PDEATHSIG` so it dies if this process dies.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const QEMU: &str = "qemu-system-x86_64";
pub const INSTALL_QEMU: &str = "sudo apt-get install -y qemu-system-x86";

/// How to boot.
#[derive(Clone, Debug)]
pub enum BootSource {
    /// Direct `-kernel` boot through the PVH note, with a command line.
    Pvh { kernel: PathBuf, cmdline: String },
    /// A raw disk image with our BIOS loader (the command line is inside it).
    Disk { image: PathBuf },
}

/// The QEMU machine model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Machine {
    /// The classic PC (i440FX, SeaBIOS): needed by the BIOS disk path.
    Pc,
    /// QEMU's minimal `microvm` with just the legacy PIC, PIT and RTC the
    /// kernel uses: no PCI, no firmware to run for a PVH boot, so it starts
    /// several times faster than `pc`.
    Microvm,
}

impl Machine {
    pub fn name(self) -> &'static str {
        match self {
            Machine::Pc => "pc",
            Machine::Microvm => "microvm",
        }
    }

    pub fn parse(s: &str) -> Option<Machine> {
        match s {
            "pc" => Some(Machine::Pc),
            "microvm" => Some(Machine::Microvm),
            _ => None,
        }
    }

    /// The `-M` value.
    pub fn arg(self) -> &'static str {
        match self {
            Machine::Pc => "pc",
            Machine::Microvm => "microvm,pic=on,pit=on,rtc=on",
        }
    }
}

#[derive(Clone, Debug)]
pub struct QemuConfig {
    pub boot: BootSource,
    /// PVH boots default to `microvm`, disk images need `pc`.
    pub machine: Machine,
    pub memory_mib: u32,
    /// No window: `-display none`. Otherwise QEMU shows its display when a
    /// graphical session exists.
    pub headless: bool,
}

impl QemuConfig {
    pub fn new(boot: BootSource) -> Self {
        let machine = match boot {
            BootSource::Pvh { .. } => Machine::Microvm,
            BootSource::Disk { .. } => Machine::Pc,
        };
        QemuConfig {
            boot,
            machine,
            memory_mib: 128,
            headless: true,
        }
    }

    /// The full argument list (without the program name). `-nodefaults`
    /// everywhere: no default VGA card, network card, floppy or CD drive to
    /// create (and for SeaBIOS to probe); we add exactly the devices we use.
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec!["-M".into(), self.machine.arg().into(), "-nodefaults".into()];
        match &self.boot {
            BootSource::Pvh { kernel, cmdline } => {
                a.extend(["-kernel".into(), kernel.display().to_string()]);
                if !cmdline.is_empty() {
                    a.extend(["-append".into(), cmdline.clone()]);
                }
            }
            BootSource::Disk { image } => {
                a.extend([
                    "-drive".into(),
                    format!("format=raw,file={}", image.display()),
                ]);
            }
        }
        a.extend(["-m".into(), format!("{}M", self.memory_mib)]);
        a.extend([
            "-serial".into(),
            "stdio".into(),
            "-monitor".into(),
            "none".into(),
        ]);
        a.extend([
            "-device".into(),
            "isa-debug-exit,iobase=0xf4,iosize=0x04".into(),
        ]);
        // A triple fault should end the run, not loop through reboots.
        a.push("-no-reboot".into());
        let has_display =
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
        if self.headless || !has_display {
            a.extend(["-display".into(), "none".into()]);
        }
        a
    }
}

/// How the kernel ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelExit {
    /// The kernel wrote the success code to isa-debug-exit (QEMU status 33).
    Success,
    /// The kernel reported failure: panic, fatal exception, failed test (35).
    Failure,
    /// QEMU ended some other way (window closed, error): its status.
    Qemu(i32),
    /// QEMU was killed by a signal (for example by `stop`).
    Killed(i32),
}

impl KernelExit {
    pub fn from_status(status: std::process::ExitStatus) -> KernelExit {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(33), _) => KernelExit::Success,
            (Some(35), _) => KernelExit::Failure,
            (Some(c), _) => KernelExit::Qemu(c),
            (None, Some(s)) => KernelExit::Killed(s),
            (None, None) => KernelExit::Qemu(-1),
        }
    }

    pub fn is_success(self) -> bool {
        self == KernelExit::Success
    }

    pub fn describe(self) -> String {
        match self {
            KernelExit::Success => "kernel exited with success".into(),
            KernelExit::Failure => "kernel reported failure".into(),
            KernelExit::Qemu(c) => {
                format!("QEMU exited with status {c} (the kernel did not exit by itself)")
            }
            KernelExit::Killed(s) => format!("QEMU was stopped by signal {s}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SerialEvent {
    /// One line from the kernel's serial port (without the line ending).
    Line(String),
    /// One line QEMU itself printed on stderr.
    QemuMessage(String),
    /// QEMU has exited; always the last event.
    Exited(KernelExit),
}

#[derive(Debug, thiserror::Error)]
pub enum QemuError {
    #[error("{QEMU} is not installed; install it with: {INSTALL_QEMU}")]
    NotInstalled,
    #[error("could not start {QEMU}: {0}")]
    Spawn(std::io::Error),
    #[error("the kernel's serial input is closed (QEMU has exited)")]
    InputClosed,
    #[error("writing to the kernel's serial input: {0}")]
    Write(std::io::Error),
}

/// Whether the child can still be signalled; guarded so that we never kill
/// a recycled pid (see `owner_thread`).
struct ChildState {
    pid: i32,
    reaped: bool,
}

/// Called after each event is queued (from the session's threads): "there
/// is something to read on [`QemuSession::events`]".
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// The sending side of a session's events: the channel, and whom to tell.
#[derive(Clone)]
struct Events {
    tx: Sender<SerialEvent>,
    notify: Option<Notify>,
}

impl Events {
    /// False once the receiver is gone (nobody listens any more).
    fn send(&self, ev: SerialEvent) -> bool {
        if self.tx.send(ev).is_err() {
            return false;
        }
        if let Some(n) = &self.notify {
            n();
        }
        true
    }
}

pub struct QemuSession {
    config: QemuConfig,
    state: Arc<Mutex<ChildState>>,
    stdin: Option<ChildStdin>,
    events: Receiver<SerialEvent>,
    started: Instant,
    /// Kept so that [`restart`](Self::restart) notifies the same way.
    notify: Option<Notify>,
}

impl QemuSession {
    /// Starts QEMU. Returns once the process exists; output arrives on
    /// [`events`](Self::events).
    pub fn spawn(config: &QemuConfig) -> Result<QemuSession, QemuError> {
        Self::spawn_with(config, None)
    }

    /// Starts QEMU like [`spawn`](Self::spawn), and calls `notify` after
    /// every event it queues (each serial line, QEMU message and the exit).
    pub fn spawn_notifying(config: &QemuConfig, notify: Notify) -> Result<QemuSession, QemuError> {
        Self::spawn_with(config, Some(notify))
    }

    fn spawn_with(config: &QemuConfig, notify: Option<Notify>) -> Result<QemuSession, QemuError> {
        let (tx, events) = channel();
        let tx = Events {
            tx,
            notify: notify.clone(),
        };
        let (ready_tx, ready_rx) = channel();
        let args = config.args();
        let started = Instant::now();
        std::thread::Builder::new()
            .name("qemu-owner".into())
            .spawn(move || owner_thread(args, tx, ready_tx))
            .map_err(QemuError::Spawn)?;
        let (state, stdin) = match ready_rx.recv() {
            Ok(Ok(pair)) => pair,
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(QemuError::Spawn(std::io::Error::other(
                    "QEMU owner thread died",
                )));
            }
        };
        Ok(QemuSession {
            config: config.clone(),
            state,
            stdin: Some(stdin),
            events,
            started,
            notify,
        })
    }

    /// The configuration this session was started with.
    pub fn config(&self) -> &QemuConfig {
        &self.config
    }

    /// Stops this VM (waiting up to five seconds for it to go) and boots a
    /// fresh one with the same configuration.
    pub fn restart(mut self) -> Result<QemuSession, QemuError> {
        self.stop();
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.events.recv_timeout(left) {
                Ok(SerialEvent::Exited(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        QemuSession::spawn_with(&self.config, self.notify.clone())
    }

    /// Serial lines and the final exit, in order.
    pub fn events(&self) -> &Receiver<SerialEvent> {
        &self.events
    }

    /// When `spawn` was called (the benchmark measures from here).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Sends bytes to the kernel's serial input (COM1 receive).
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), QemuError> {
        let stdin = self.stdin.as_mut().ok_or(QemuError::InputClosed)?;
        match stdin.write_all(bytes).and_then(|_| stdin.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stdin = None;
                Err(QemuError::InputClosed)
            }
            Err(e) => Err(QemuError::Write(e)),
        }
    }

    /// Hands out the serial-input pipe, for a caller that wants to feed it
    /// from its own thread (the CLI forwards the terminal this way). After
    /// this, [`send`](Self::send) reports `InputClosed`.
    pub fn take_input(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    /// Kills QEMU if it is still running. The `Exited` event still follows.
    pub fn stop(&mut self) {
        self.stdin = None;
        if let Ok(state) = self.state.lock()
            && !state.reaped
        {
            // SAFETY: kill(2) on our own child, which has not been reaped
            // (checked under the same lock the reaper takes), so the pid is
            // still ours.
            unsafe { libc::kill(state.pid, libc::SIGKILL) };
        }
    }

    /// Waits for the next event, up to `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Option<SerialEvent> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Collects everything until QEMU exits or `timeout` passes (then QEMU
    /// is killed). Returns the serial lines and how the kernel ended.
    pub fn wait_with_timeout(mut self, timeout: Duration) -> (Vec<String>, KernelExit) {
        let deadline = Instant::now() + timeout;
        let mut lines = Vec::new();
        let mut stopped = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() && !stopped {
                self.stop();
                stopped = true;
            }
            let wait = if stopped {
                Duration::from_secs(5)
            } else {
                left
            };
            match self.events.recv_timeout(wait) {
                Ok(SerialEvent::Line(l)) => lines.push(l),
                Ok(SerialEvent::QemuMessage(m)) => lines.push(format!("qemu: {m}")),
                Ok(SerialEvent::Exited(e)) => return (lines, e),
                Err(_) if stopped => return (lines, KernelExit::Killed(libc::SIGKILL)),
                Err(_) => {}
            }
        }
    }
}

impl Drop for QemuSession {
    fn drop(&mut self) {
        self.stop();
    }
}

type Ready = Result<(Arc<Mutex<ChildState>>, ChildStdin), QemuError>;

fn owner_thread(args: Vec<String>, tx: Events, ready: Sender<Ready>) {
    let mut cmd = Command::new(QEMU);
    cmd.args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe and touches only the child. The
        // signal fires when the spawning thread exits; this thread lives
        // until QEMU has exited, so it fires only if our process dies.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                Ok(())
            });
        }
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = ready.send(Err(QemuError::NotInstalled));
            return;
        }
        Err(e) => {
            let _ = ready.send(Err(QemuError::Spawn(e)));
            return;
        }
    };
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        let _ = ready.send(Err(QemuError::Spawn(std::io::Error::other(
            "pipes not set up",
        ))));
        return;
    };
    let state = Arc::new(Mutex::new(ChildState {
        pid: child.id() as i32,
        reaped: false,
    }));
    let _ = ready.send(Ok((state.clone(), stdin)));

    let out_tx = tx.clone();
    let out = std::thread::spawn(move || forward_lines(stdout, out_tx, SerialEvent::Line));
    let err_tx = tx.clone();
    let err = std::thread::spawn(move || forward_lines(stderr, err_tx, SerialEvent::QemuMessage));

    // Wait for exit without reaping (WNOWAIT), so `stop` can still signal
    // the pid safely until we mark it reaped under the lock.
    // SAFETY: waitid on our own child's pid with a zeroed siginfo to fill.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        libc::waitid(
            libc::P_PID,
            child.id(),
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        );
    }
    let status = {
        let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
        let status = child.wait();
        guard.reaped = true;
        status
    };
    let _ = out.join();
    let _ = err.join();
    let exit = match status {
        Ok(s) => KernelExit::from_status(s),
        Err(_) => KernelExit::Qemu(-1),
    };
    tx.send(SerialEvent::Exited(exit));
}

fn forward_lines(stream: impl std::io::Read, tx: Events, wrap: fn(String) -> SerialEvent) {
    let mut reader = BufReader::new(stream);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                let line = String::from_utf8_lossy(&buf).replace('\r', "");
                if !tx.send(wrap(line)) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pvh_args_carry_kernel_cmdline_and_exit_device() {
        let cfg = QemuConfig::new(BootSource::Pvh {
            kernel: "/k".into(),
            cmdline: "exit-after-ready".into(),
        });
        let a = cfg.args();
        let pos = a.iter().position(|x| x == "-kernel").expect("has -kernel");
        assert_eq!(a[pos + 1], "/k");
        assert!(
            a.windows(2)
                .any(|w| w[0] == "-append" && w[1] == "exit-after-ready")
        );
        assert!(a.iter().any(|x| x.starts_with("isa-debug-exit")));
        assert!(a.windows(2).any(|w| w[0] == "-display" && w[1] == "none"));
        assert!(a.iter().any(|x| x == "-nodefaults"));
        assert!(
            a.windows(2)
                .any(|w| w[0] == "-M" && w[1] == "microvm,pic=on,pit=on,rtc=on"),
            "PVH boots use microvm: {a:?}"
        );
        let mut pc = cfg.clone();
        pc.machine = Machine::Pc;
        let a = pc.args();
        assert!(a.windows(2).any(|w| w[0] == "-M" && w[1] == "pc"));
        assert!(a.iter().any(|x| x == "-nodefaults"));
    }

    #[test]
    fn disk_args_use_raw_drive() {
        let cfg = QemuConfig::new(BootSource::Disk {
            image: "/d.img".into(),
        });
        assert!(cfg.args().iter().any(|x| x == "format=raw,file=/d.img"));
        assert_eq!(cfg.machine, Machine::Pc, "the BIOS path needs the PC");
        assert!(cfg.args().iter().any(|x| x == "-nodefaults"));
    }

    #[test]
    fn exit_codes_map_to_kernel_results() {
        use std::os::unix::process::ExitStatusExt;
        let st = |code: i32| std::process::ExitStatus::from_raw(code << 8);
        assert_eq!(KernelExit::from_status(st(33)), KernelExit::Success);
        assert_eq!(KernelExit::from_status(st(35)), KernelExit::Failure);
        assert_eq!(KernelExit::from_status(st(1)), KernelExit::Qemu(1));
        assert_eq!(
            KernelExit::from_status(std::process::ExitStatus::from_raw(9)),
            KernelExit::Killed(9)
        );
    }
}
