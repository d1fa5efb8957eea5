//! A tiny line shell on the serial port, served after `[ready]`.
//!
//! Bytes arrive through the COM1 interrupt (see `serial`); the shell echoes
//! them, collects a line, and runs one of a handful of commands that show
//! the state of the kernel. It is the kernel pane's interactive end.

use crate::heap::global as heap;
use crate::memory::frames::FRAMES;
use crate::{BOOT_INFO, interrupts, qemu, serial, time, timer};

const LINE_MAX: usize = 80;

pub fn run() -> ! {
    info!(Shell, "type `help` for commands");
    let mut line = [0u8; LINE_MAX];
    let mut len = 0;
    loop {
        let b = serial::read_byte_blocking();
        match b {
            b'\r' | b'\n' => {
                kprintln!();
                if len > 0 {
                    execute(core::str::from_utf8(&line[..len]).unwrap_or(""));
                    len = 0;
                }
            }
            0x08 | 0x7f if len > 0 => {
                len -= 1;
                kprint!("\x08 \x08");
            }
            0x20..=0x7e if len < LINE_MAX => {
                line[len] = b;
                len += 1;
                kprint!("{}", b as char);
            }
            _ => {}
        }
    }
}

fn execute(cmd: &str) {
    match cmd.trim() {
        "help" => kprintln!("commands: help mem ticks uptime boot int3 fault exit panic"),
        "mem" => mem(),
        "ticks" => kprintln!("ticks: {} at {} Hz", timer::ticks(), timer::rate_hz()),
        "uptime" => {
            let us = time::uptime_us();
            kprintln!("uptime: {}.{:06} s", us / 1_000_000, us % 1_000_000);
        }
        "boot" => {
            if let Some(info) = BOOT_INFO.get() {
                kprintln!(
                    "booted via {}, cmdline {:?}, {} regions",
                    info.method_name(),
                    info.cmdline(),
                    info.region_count
                );
            }
        }
        "int3" => {
            // SAFETY: int3 enters our breakpoint handler, which returns.
            unsafe { core::arch::asm!("int3") };
            kprintln!("breakpoints so far: {}", interrupts::breakpoint_count());
        }
        "exit" => {
            info!(Shell, "exit requested");
            qemu::exit(qemu::ExitCode::Success)
        }
        "panic" => panic!("panic requested from the shell"),
        "fault" => {
            // Page 0 is never mapped, so this read ends in the page-fault
            // handler's register dump and a failure exit.
            // SAFETY: the read faults before it could observe anything; the
            // handler never returns here.
            let v =
                unsafe { core::ptr::read_volatile(core::hint::black_box(8usize) as *const u64) };
            kprintln!("read {v:#x} from page 0?!");
        }
        other => kprintln!("unknown command {other:?}; try help"),
    }
}

fn mem() {
    let f = FRAMES.lock().stats();
    kprintln!(
        "frames: {} managed ({} KiB), {} free ({} KiB), {} used",
        f.managed,
        f.managed * 4,
        f.free,
        f.free * 4,
        f.managed - f.free
    );
    let h = heap::stats();
    kprintln!(
        "heap: {} strategy, {} KiB, {} bytes free, {} live bytes, {} allocs, {} frees, {} failed",
        h.strategy.map(|s| s.name()).unwrap_or("none"),
        h.size / 1024,
        h.free,
        h.live_bytes,
        h.allocations,
        h.frees,
        h.failures
    );
}
