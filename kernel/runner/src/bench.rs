//! Boot-time benchmark: wall time from starting QEMU to the `[ready]` line,
//! beside QEMU's own floor.
//!
//! Each boot runs with `exit-after-ready`; the clock starts just before QEMU
//! is spawned and stops when the `[ready]` line arrives on the serial pipe,
//! so it includes QEMU's own start-up, firmware, our loader and the kernel.
//! The kernel's own TSC figure for `[ready]` is reported alongside. The
//! floor is the same measurement for a kernel that leaves QEMU as its first
//! instruction (see [`crate::floor`]), timed until QEMU has exited: what
//! any kernel on that path pays before it can do anything.

use std::time::{Duration, Instant};

use crate::builder::{BuildOutput, KernelPaths};
use crate::floor;
use crate::qemu::{BootSource, Machine, QemuConfig, QemuSession, SerialEvent};
use crate::suite::{BootPath, boot_source};
use crate::timeline::parse_line;

/// A boot path on a machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub path: BootPath,
    pub machine: Machine,
}

/// The three ways the kernel boots: PVH on microvm (the default), PVH on
/// the PC, and our BIOS loader on the PC.
pub const TARGETS: [Target; 3] = [
    Target {
        path: BootPath::Pvh,
        machine: Machine::Microvm,
    },
    Target {
        path: BootPath::Pvh,
        machine: Machine::Pc,
    },
    Target {
        path: BootPath::Bios,
        machine: Machine::Pc,
    },
];

#[derive(Clone, Debug)]
pub struct BootSamples {
    pub target: Target,
    /// Host wall time to `[ready]`, one per boot.
    pub wall: Vec<Duration>,
    /// The kernel's own `[ready]` timestamp, one per boot.
    pub kernel: Vec<Duration>,
    /// Host wall time for the floor kernel to start and exit, one per boot.
    pub floor: Vec<Duration>,
}

pub fn median(v: &[Duration]) -> Option<Duration> {
    let mut s = v.to_vec();
    s.sort();
    match s.len() {
        0 => None,
        n if n % 2 == 1 => Some(s[n / 2]),
        n => Some((s[n / 2 - 1] + s[n / 2]) / 2),
    }
}

/// Boots `boots` times on `target` (alternating with the floor kernel, so
/// both see the same machine load) and records the times.
pub fn measure(
    paths: &KernelPaths,
    out: &BuildOutput,
    target: Target,
    boots: usize,
) -> anyhow::Result<BootSamples> {
    let mut cfg = QemuConfig::new(boot_source(paths, out, target.path, "exit-after-ready")?);
    cfg.machine = target.machine;
    let floors = floor::write(&paths.target_dir.join("floor"))?;
    let mut floor_cfg = QemuConfig::new(match target.path {
        BootPath::Pvh => BootSource::Pvh {
            kernel: floors.pvh_elf.clone(),
            cmdline: String::new(),
        },
        BootPath::Bios => BootSource::Disk {
            image: floors.bios_image.clone(),
        },
    });
    floor_cfg.machine = target.machine;
    let mut samples = BootSamples {
        target,
        wall: Vec::new(),
        kernel: Vec::new(),
        floor: Vec::new(),
    };
    let name = format!("{}/{}", target.path.name(), target.machine.name());
    for i in 0..boots {
        let start = Instant::now();
        let session = QemuSession::spawn(&floor_cfg)?;
        let mut exited = None;
        while let Some(ev) = session.next_event(Duration::from_secs(30)) {
            if let SerialEvent::Exited(e) = ev {
                exited = Some(e);
                break;
            }
        }
        match exited {
            Some(e) if e.is_success() => samples.floor.push(start.elapsed()),
            other => anyhow::bail!("the floor kernel on {name} did not exit cleanly: {other:?}"),
        }

        let start = Instant::now();
        let session = QemuSession::spawn(&cfg)?;
        let mut ready = None;
        while let Some(ev) = session.next_event(Duration::from_secs(30)) {
            match ev {
                SerialEvent::Line(l) => {
                    if let Some(e) = parse_line(&l).filter(|e| e.stage == "ready") {
                        ready = Some((start.elapsed(), Duration::from_micros(e.micros)));
                    }
                }
                SerialEvent::Exited(_) => break,
                SerialEvent::QemuMessage(_) => {}
            }
        }
        let Some((wall, kernel)) = ready else {
            anyhow::bail!("boot {} on {name} never reached [ready]", i + 1);
        };
        samples.wall.push(wall);
        samples.kernel.push(kernel);
    }
    Ok(samples)
}

fn ms(d: Option<Duration>) -> String {
    d.map(|d| format!("{:.1} ms", d.as_secs_f64() * 1000.0))
        .unwrap_or_else(|| "-".into())
}

/// The column titles for [`report`].
pub fn report_header() -> String {
    format!(
        "{:<13} {:>5}  {:>10} {:>23}  {:>10}  {:>6}  {:>12}",
        "path", "boots", "to [ready]", "(min - max)", "QEMU floor", "ratio", "kernel clock"
    )
}

/// One line: medians of wall time to `[ready]`, its range, the floor's
/// median, their ratio, and the kernel's own clock at `[ready]`.
pub fn report(s: &BootSamples) -> String {
    let wall = median(&s.wall);
    let floor = median(&s.floor);
    let ratio = match (wall, floor) {
        (Some(w), Some(f)) if !f.is_zero() => {
            format!("{:.2}x", w.as_secs_f64() / f.as_secs_f64())
        }
        _ => "-".into(),
    };
    format!(
        "{:<13} {:>5}  {:>10} {:>23}  {:>10}  {:>6}  {:>12}",
        format!("{}/{}", s.target.path.name(), s.target.machine.name()),
        s.wall.len(),
        ms(wall),
        format!(
            "({} - {})",
            ms(s.wall.iter().min().copied()),
            ms(s.wall.iter().max().copied())
        ),
        ms(floor),
        ratio,
        ms(median(&s.kernel)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), Some(ms(3)));
        assert_eq!(
            median(&[ms(4), ms(1), ms(3), ms(2)]),
            Some(Duration::from_micros(2500))
        );
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn report_lines_up_with_the_header_and_shows_the_ratio() {
        let ms = Duration::from_millis;
        let s = BootSamples {
            target: TARGETS[0],
            wall: vec![ms(50), ms(40), ms(60)],
            kernel: vec![ms(12)],
            floor: vec![ms(25), ms(20), ms(30)],
        };
        let line = report(&s);
        assert_eq!(line.chars().count(), report_header().chars().count());
        assert!(line.starts_with("pvh/microvm"), "{line}");
        assert!(line.contains("50.0 ms"), "{line}");
        assert!(line.contains("(40.0 ms - 60.0 ms)"), "{line}");
        assert!(line.contains("25.0 ms"), "{line}");
        assert!(line.contains("2.00x"), "{line}");
        let empty = BootSamples {
            target: TARGETS[2],
            wall: vec![],
            kernel: vec![],
            floor: vec![],
        };
        assert!(report(&empty).contains(" - "));
    }
}
