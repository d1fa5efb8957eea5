//! Time since boot, from the TSC.
//!
//! The boot timeline counts from the first TSC value the boot code read (the
//! loader's, on the BIOS path). To turn TSC ticks into microseconds we time a
//! known interval with PIT channel 2 once at start-up: the PIT counts at a
//! fixed 1.193182 MHz, so a 2 ms one-shot (best of three) tells us the TSC rate. Under TCG
//! the TSC follows the host clock, which makes this good to a few percent.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::cpu;

const PIT_HZ: u64 = 1_193_182;
const CALIBRATION_MS: u64 = 2;
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
    TSC_KHZ.store(khz.unwrap_or(1_000_000), Ordering::Relaxed);
}

/// Measures TSC ticks per millisecond against PIT channel 2, or `None` if
/// the PIT output never rose (then the caller assumes 1 GHz).
fn calibrate() -> Option<u64> {
    let count = PIT_HZ * CALIBRATION_MS / 1000;
    // SAFETY: ports 0x61 (gate/speaker control), 0x43 (PIT command) and 0x42
    // (channel 2 data) drive only the PC speaker timer, which nothing else uses.
    let (t0, t1, ok) = unsafe {
        let ctrl = cpu::inb(0x61);
        cpu::outb(0x61, ctrl & !0x03); // gate low, speaker off
        cpu::outb(0x43, 0b1011_0000); // channel 2, lobyte/hibyte, mode 0
        cpu::outb(0x42, (count & 0xff) as u8);
        cpu::outb(0x42, (count >> 8) as u8);
        cpu::outb(0x61, (ctrl & !0x02) | 0x01); // gate high: counting starts
        let t0 = cpu::rdtsc();
        let mut ok = false;
        for _ in 0..50_000_000u32 {
            if cpu::inb(0x61) & 0x20 != 0 {
                ok = true;
                break;
            }
        }
        (t0, cpu::rdtsc(), ok)
    };
    if !ok || t1 <= t0 {
        return None;
    }
    Some(((t1 - t0) / CALIBRATION_MS).max(1))
}

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
