//! The megarepo kernel: a small x86_64 kernel for the Phase 5 projects.
//!
//! Control flow: a boot path (`boot.rs`, PVH or our BIOS loader) reaches
//! [`kernel_main`] in long mode with a `BootInfo`. It brings subsystems up in
//! a fixed order, each with its own `init`: serial console, TSC clock, GDT and
//! TSS, IDT, physical frames and the kernel's own page tables, a guarded
//! kernel stack, the heap, then the PIC, the timer and serial input. Each step
//! logs a stage-tagged line; `[ready]` marks the end of boot. After that the
//! kernel either runs in-kernel tests (`test=`), exits (`exit-after-ready`),
//! or serves a tiny shell on the serial port.
#![no_std]
#![no_main]

#[macro_use]
mod log;

mod boot;
mod cmdline;
mod cpu;
mod qemu;
mod serial;
mod sync;
mod time;

use bootinfo::BootInfo;

fn kernel_main(info: BootInfo) -> ! {
    serial::init();
    time::init(info.start_tsc);
    info!(Boot, "megarepo kernel {} via {:?}", env!("CARGO_PKG_VERSION"), info.method());
    info!(Boot, "cmdline: {:?}", info.cmdline());
    for r in info.regions() {
        info!(Mem, "{:#012x}-{:#012x} {}", r.start, r.end(), r.kind_name());
    }
    info!(Ready, "boot complete");
    qemu::exit(qemu::ExitCode::Success)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cpu::disable_interrupts();
    match info.location() {
        Some(loc) => log::log_emergency(
            log::Stage::Panic,
            format_args!("at {}:{}:{}: {}", loc.file(), loc.line(), loc.column(), info.message()),
        ),
        None => log::log_emergency(log::Stage::Panic, format_args!("{}", info.message())),
    }
    qemu::exit(qemu::ExitCode::Failure)
}
