//! Boot-time benchmark: wall time from starting QEMU to the `[ready]` line.
//!
//! Each boot runs with `exit-after-ready`; the clock starts just before QEMU
//! is spawned and stops when the `[ready]` line arrives on the serial pipe,
//! so it includes QEMU's own start-up, firmware, our loader and the kernel.
//! The kernel's own TSC figure for `[ready]` is reported alongside.

use std::time::{Duration, Instant};

use crate::builder::{BuildOutput, KernelPaths};
use crate::qemu::{QemuConfig, QemuSession, SerialEvent};
use crate::suite::{BootPath, boot_source};
use crate::timeline::parse_line;

#[derive(Clone, Debug)]
pub struct BootSamples {
    pub path: BootPath,
    /// Host wall time to `[ready]`, one per boot.
    pub wall: Vec<Duration>,
    /// The kernel's own `[ready]` timestamp, one per boot.
    pub kernel: Vec<Duration>,
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

/// Boots `boots` times on `path` and records the times.
pub fn measure(
    paths: &KernelPaths,
    out: &BuildOutput,
    path: BootPath,
    boots: usize,
) -> anyhow::Result<BootSamples> {
    let source = boot_source(paths, out, path, "exit-after-ready")?;
    let cfg = QemuConfig::new(source);
    let mut samples = BootSamples {
        path,
        wall: Vec::new(),
        kernel: Vec::new(),
    };
    for i in 0..boots {
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
            anyhow::bail!(
                "boot {} on the {} path never reached [ready]",
                i + 1,
                path.name()
            );
        };
        samples.wall.push(wall);
        samples.kernel.push(kernel);
    }
    Ok(samples)
}

pub fn report(s: &BootSamples) -> String {
    let ms = |d: Option<Duration>| {
        d.map(|d| format!("{:.1} ms", d.as_secs_f64() * 1000.0))
            .unwrap_or("-".into())
    };
    format!(
        "{:<5} boots={:<3} wall to [ready]: median {} (min {}, max {}); kernel clock at [ready]: median {}",
        s.path.name(),
        s.wall.len(),
        ms(median(&s.wall)),
        ms(s.wall.iter().min().copied()),
        ms(s.wall.iter().max().copied()),
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
}
