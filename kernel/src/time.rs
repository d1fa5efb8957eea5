//! Time since boot, from the TSC.
//!
//! The boot timeline counts from the first TSC value the boot code read (the
//! loader's, on the BIOS path). To turn TSC ticks into microseconds we time a
//! known interval against the PIT once at start-up: the PIT counts at a
//! fixed 1.193182 MHz. We read channel 0's counter directly (latch command,
//! then two reads) while it runs freely, so nothing but the PIT itself is
//! needed; the older trick of timing a one-shot on channel 2 needs the
//! speaker-gate port 0x61, which QEMU's `microvm` machine does not have.
//! The best of three 1 ms runs wins. Under TCG the TSC follows the host
//! clock, which makes this good to a few percent. `timer::init` reprograms
//! channel 0 for the tick afterwards.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::cpu;

const PIT_HZ: u64 = 1_193_182;
/// Length of one calibration run, in PIT ticks (1 ms).
const CALIBRATION_TICKS: u64 = PIT_HZ / 1000;
/// Calibration runs; the smallest result wins, because a host hiccup can
/// only make one run look longer, never shorter.
const CALIBRATION_RUNS: usize = 3;

static START_TSC: AtomicU64 = AtomicU64::new(0);
/// TSC ticks per millisecond; 0 until calibrated.
static TSC_KHZ: AtomicU64 = AtomicU64::new(0);

/// Records the boot start and calibrates the TSC. `start_tsc` of 0 means the
/// loader did not read one, so the timeline starts now.
pub fn init(start_tsc: u64) {
    let start = if start_tsc == 0 {
        cpu::rdtsc()
    } else {
        start_tsc
    };
    START_TSC.store(start, Ordering::Relaxed);
    let khz = (0..CALIBRATION_RUNS).filter_map(|_| calibrate()).min();
    CALIBRATION_FAILED.store(khz.is_none(), Ordering::Relaxed);
    TSC_KHZ.store(khz.unwrap_or(1_000_000), Ordering::Relaxed);
}

/// Reads PIT channel 0's current count.
fn pit_count() -> u16 {
    // SAFETY: 0x43 is the PIT command port (0x00 = latch channel 0's count)
    // and 0x40 channel 0's data port; only boot code uses the PIT now.
    unsafe {
        cpu::outb(0x43, 0x00);
        let lo = cpu::inb(0x40) as u16;
        let hi = cpu::inb(0x40) as u16;
        (hi << 8) | lo
    }
}

/// Measures TSC ticks per millisecond against PIT channel 0, or `None` if
/// the PIT does not count (then the caller assumes 1 GHz).
fn calibrate() -> Option<u64> {
    // SAFETY: channel 0, lobyte/hibyte, mode 2 (rate generator), reload
    // 0 = 65536: it counts down continuously and wraps. The timer interrupt
    // is not unmasked yet, so the output line goes nowhere.
    unsafe {
        cpu::outb(0x43, 0b0011_0100);
        cpu::outb(0x40, 0);
        cpu::outb(0x40, 0);
    }
    let mut last = pit_count();
    let t0 = cpu::rdtsc();
    let mut elapsed: u64 = 0;
    let mut reads = 0u32;
    while elapsed < CALIBRATION_TICKS {
        let now = pit_count();
        // The counter runs down and wraps from 1 to 65536 (read as 0).
        elapsed += last.wrapping_sub(now) as u64;
        last = now;
        reads += 1;
        if reads > 2_000_000 {
            return None;
        }
    }
    let t1 = cpu::rdtsc();
    if t1 <= t0 {
        return None;
    }
    // ticks/ms = cycles * PIT_HZ / elapsed / 1000
    Some((((t1 - t0) as u128 * PIT_HZ as u128) / (elapsed as u128 * 1000)).max(1) as u64)
}

/// Whether calibration fell back to an assumed 1 GHz.
pub fn calibration_failed() -> bool {
    CALIBRATION_FAILED.load(Ordering::Relaxed)
}

static CALIBRATION_FAILED: core::sync::atomic::AtomicBool =
    core::sync::atomic::AtomicBool::new(false);

/// Microseconds since the boot started.
pub fn uptime_us() -> u64 {
    let khz = TSC_KHZ.load(Ordering::Relaxed);
    if khz == 0 {
        return 0;
    }
    let ticks = cpu::rdtsc().saturating_sub(START_TSC.load(Ordering::Relaxed));
    (ticks as u128 * 1000 / khz as u128) as u64
}

/// The calibrated TSC rate in kHz (ticks per millisecond).
pub fn tsc_khz() -> u64 {
    TSC_KHZ.load(Ordering::Relaxed)
}
