//! The megarepo kernel: a small x86_64 kernel for the Phase 5 projects.
//!
//! Control flow: a boot path (`boot.rs`, PVH or our BIOS loader) reaches
//! [`kernel_main`] in long mode with a `BootInfo`. It brings subsystems up in
//! a fixed order, each with its own `init`: serial console, TSC clock, GDT and
//! TSS, IDT, physical frames and the kernel's own page tables, guarded
//! stacks (then it moves onto one), the heap, then the PIC, the timer and
//! serial input. Each step logs a stage-tagged line; `[ready]` marks the end
//! of boot. After that the kernel runs in-kernel tests (`test=`), exits
//! (`exit-after-ready`), or serves a tiny shell on the serial port.
#![no_std]
#![no_main]

extern crate alloc;

#[macro_use]
mod log;

mod bench;
mod boot;
mod cmdline;
mod cpu;
mod demo;
mod gdt;
mod heap;
mod interrupts;
mod ktest;
mod memory;
mod pic;
mod process;
mod programs;
mod qemu;
mod sched;
mod serial;
mod shell;
mod sync;
mod syscall;
mod time;
mod timer;

use bootinfo::BootInfo;

use crate::cmdline::Config;
use crate::memory::{kernel_space, stacks};
use crate::sync::Once;

pub static BOOT_INFO: Once<BootInfo> = Once::new();
static CONFIG: Once<Config<'static>> = Once::new();

fn kernel_main(info: BootInfo) -> ! {
    serial::init();
    time::init(info.start_tsc);
    let Ok(info) = BOOT_INFO.set(info) else {
        panic!("kernel_main entered twice")
    };
    if !info.is_valid() {
        panic!(
            "boot info has magic {:#x} version {}: not from a megarepo loader",
            info.magic, info.version
        );
    }
    let cut_from = boot::PVH_CMDLINE_CUT.load(core::sync::atomic::Ordering::Relaxed);
    if cut_from > 0 {
        warn!(
            Boot,
            "command line cut from {} to {} bytes (the limit is {}); options past the cut are lost",
            cut_from,
            info.cmdline().len(),
            bootinfo::CMDLINE_MAX
        );
    }
    let cfg = cmdline::parse(info.cmdline(), |e| {
        warn!(Boot, "ignoring option {:?}: {}", e.option, e.reason)
    });
    log::set_max_level(cfg.log_level);
    let Ok(_) = CONFIG.set(cfg) else {
        panic!("config set twice")
    };
    let method = info.method_name();
    info!(
        Boot,
        "megarepo kernel {} booted via {}",
        env!("CARGO_PKG_VERSION"),
        method
    );
    info!(
        Boot,
        "cmdline {:?}, tsc {} MHz",
        info.cmdline(),
        time::tsc_khz() / 1000
    );

    gdt::init();
    interrupts::init();
    info!(
        Int,
        "GDT, TSS and IDT loaded: 32 exceptions, IST stacks for #DF and NMI"
    );

    let mut usable = 0;
    for r in info.regions() {
        info!(
            Mem,
            "map {:#012x}-{:#012x} {:>8} KiB {}",
            r.start,
            r.end(),
            r.len / 1024,
            r.kind_name()
        );
        if r.is_usable() {
            usable += r.len;
        }
    }
    let report =
        kernel_space::init(info).unwrap_or_else(|e| panic!("building the kernel page tables: {e}"));
    let image = memory::layout::kernel_image();
    info!(
        Mem,
        "frames: {} managed ({} MiB of {} MiB usable), {} free; kernel image {:#x}-{:#x}",
        report.frames.managed,
        report.frames.managed * 4 / 1024,
        usable / (1024 * 1024),
        report.frames.free,
        image.start,
        image.end
    );
    if report.frames.untracked_bytes > 0 {
        warn!(
            Mem,
            "{} MiB above {} MiB not tracked",
            report.frames.untracked_bytes >> 20,
            memory::frames::MAX_PHYS >> 20
        );
    }
    info!(
        Mem,
        "paging: own PML4 active, identity map 0-{:#x}, NX {}, {} page-table frames",
        report.identity_bytes,
        if report.nx { "on" } else { "off" },
        report.page_table_frames
    );

    for (slot, name) in [(gdt::IST_DOUBLE_FAULT, "ist-df"), (gdt::IST_NMI, "ist-nmi")] {
        match stacks::allocate(name, 4) {
            Ok(s) => gdt::set_ist_stack(slot, s.top),
            Err(e) => panic!("IST stack: {e}"),
        }
    }
    let stack = stacks::allocate("kernel", 16).unwrap_or_else(|e| panic!("kernel stack: {e}"));
    info!(
        Mem,
        "kernel stack {:#x}-{:#x}, guard page at {:#x}", stack.bottom, stack.top, stack.guard
    );
    stacks::switch_to(&stack, kernel_main_on_guarded_stack)
}

extern "C" fn kernel_main_on_guarded_stack() -> ! {
    let Some(cfg) = CONFIG.get() else {
        panic!("config missing")
    };
    match heap::global::init(cfg.heap) {
        Ok(h) => info!(
            Heap,
            "heap: {} strategy, {} KiB at {:#x}, {} bytes free",
            cfg.heap.name(),
            h.size / 1024,
            memory::layout::HEAP_BASE,
            h.free
        ),
        Err(e) => panic!("heap: {e}"),
    }
    // One real allocation, so the boot log proves `alloc` works.
    let probe = alloc::format!("{}+{}", "heap", "alloc");
    let h = heap::global::stats();
    info!(
        Heap,
        "alloc check {:?}: {} allocs, {} live bytes", probe, h.allocations, h.live_bytes
    );
    drop(probe);

    let policy = sched::policy::by_name(cfg.sched)
        .unwrap_or_else(|| panic!("unknown policy {:?}", cfg.sched));
    if let Err(e) = sched::init(policy) {
        panic!("scheduler: {e}");
    }
    info!(
        Sched,
        "scheduler: {} policy, this code is now thread 1 (main), idle is thread 0", cfg.sched
    );
    if cfg.trace {
        sched::set_trace(true);
    }

    pic::init();
    timer::init(cfg.timer_hz);
    serial::enable_rx_interrupt();
    cpu::enable_interrupts();
    info!(
        Int,
        "PIC remapped to vectors 32-47, PIT timer at {} Hz, COM1 input on IRQ 4",
        timer::rate_hz()
    );

    if let Some(test) = cfg.test {
        ktest::run(test);
    }
    let us = time::uptime_us();
    info!(Ready, "boot complete in {}.{:03} ms", us / 1000, us % 1000);
    if cfg.exit_after_ready {
        qemu::exit(qemu::ExitCode::Success);
    }
    shell::run()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cpu::disable_interrupts();
    match info.location() {
        Some(loc) => log::log_emergency(
            log::Level::Error,
            log::Stage::Panic,
            format_args!(
                "at {}:{}:{}: {}",
                loc.file(),
                loc.line(),
                loc.column(),
                info.message()
            ),
        ),
        None => log::log_emergency(
            log::Level::Error,
            log::Stage::Panic,
            format_args!("{}", info.message()),
        ),
    }
    qemu::exit(qemu::ExitCode::Failure)
}
