//! The PIT channel 0 timer, at the rate from `hz=` on the command line.
//! Each tick is counted; the shell and the tests read the count.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::cpu;

const PIT_HZ: u32 = 1_193_182;

static TICKS: AtomicU64 = AtomicU64::new(0);
static RATE_HZ: AtomicU32 = AtomicU32::new(0);

/// Programs channel 0 as a rate generator at `hz` (19..=10000; the divisor
/// must fit in 16 bits).
pub fn init(hz: u32) {
    let hz = hz.clamp(19, 10_000);
    let divisor = (PIT_HZ / hz) as u16;
    RATE_HZ.store(PIT_HZ / divisor as u32, Ordering::Relaxed);
    // SAFETY: PIT command port and channel 0 data port; only the timer uses them.
    unsafe {
        cpu::outb(0x43, 0b0011_0100); // channel 0, lobyte/hibyte, mode 2
        cpu::outb(0x40, divisor as u8);
        cpu::outb(0x40, (divisor >> 8) as u8);
    }
}

/// Counts one tick; returns the new count.
pub fn tick() -> u64 {
    TICKS.fetch_add(1, Ordering::Relaxed) + 1
}

pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// The rate actually programmed (the divisor rounds it).
pub fn rate_hz() -> u32 {
    RATE_HZ.load(Ordering::Relaxed)
}
