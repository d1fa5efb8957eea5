//! Thin wrappers over single x86_64 instructions: port I/O, control
//! registers, MSRs, the TSC and interrupt-flag control. Everything above this
//! module talks to the CPU through these functions, so each `asm!` lives in
//! one place with its safety argument.

use core::arch::asm;

/// Writes a byte to an I/O port.
///
/// # Safety
/// The caller must know what the device behind `port` does with the byte.
pub unsafe fn outb(port: u16, value: u8) {
    // SAFETY: port I/O has no memory effects; the caller vouches for the device.
    unsafe {
        asm!("out dx, al", in("dx") port, in("al") value, options(nomem, nostack, preserves_flags))
    }
}

/// Writes a 32-bit value to an I/O port.
///
/// # Safety
/// As for [`outb`].
pub unsafe fn outl(port: u16, value: u32) {
    // SAFETY: see outb.
    unsafe {
        asm!("out dx, eax", in("dx") port, in("eax") value, options(nomem, nostack, preserves_flags))
    }
}

/// Reads a byte from an I/O port.
///
/// # Safety
/// Reading some ports has side effects (for example it pops a UART FIFO).
pub unsafe fn inb(port: u16) -> u8 {
    let value: u8;
    // SAFETY: port I/O has no memory effects; the caller vouches for the device.
    unsafe {
        asm!("in al, dx", out("al") value, in("dx") port, options(nomem, nostack, preserves_flags))
    }
    value
}

/// Reads the time-stamp counter.
pub fn rdtsc() -> u64 {
    let lo: u32;
    let hi: u32;
    // SAFETY: rdtsc only reads a counter; CR4.TSD is clear so it is allowed at ring 0.
    unsafe { asm!("rdtsc", out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags)) }
    ((hi as u64) << 32) | lo as u64
}

pub fn read_cr2() -> u64 {
    let v: u64;
    // SAFETY: reading CR2 has no side effects.
    unsafe { asm!("mov {}, cr2", out(reg) v, options(nomem, nostack, preserves_flags)) }
    v
}

pub fn read_cr3() -> u64 {
    let v: u64;
    // SAFETY: reading CR3 has no side effects.
    unsafe { asm!("mov {}, cr3", out(reg) v, options(nomem, nostack, preserves_flags)) }
    v
}

/// Loads a new top-level page table.
///
/// # Safety
/// `pml4` must be the physical address of a valid PML4 that maps the running
/// code, its stack and all data the kernel is about to touch.
pub unsafe fn write_cr3(pml4: u64) {
    // SAFETY: the caller guarantees the new tables map everything in use.
    unsafe { asm!("mov cr3, {}", in(reg) pml4, options(nostack, preserves_flags)) }
}

/// Drops the TLB entry for one page.
pub fn invlpg(addr: u64) {
    // SAFETY: invalidating a TLB entry cannot break memory safety; at worst a
    // later access walks the page tables again.
    unsafe { asm!("invlpg [{}]", in(reg) addr, options(nostack, preserves_flags)) }
}

/// # Safety
/// The caller must know what the MSR controls.
pub unsafe fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: the caller names an MSR that exists.
    unsafe {
        asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags))
    }
    ((hi as u64) << 32) | lo as u64
}

/// # Safety
/// Writing an MSR can change how the CPU behaves; the caller must keep the
/// machine consistent.
pub unsafe fn wrmsr(msr: u32, value: u64) {
    // SAFETY: the caller guarantees the new value is consistent.
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") value as u32, in("edx") (value >> 32) as u32, options(nostack, preserves_flags))
    }
}

/// Returns (eax, ebx, ecx, edx) of CPUID leaf `leaf`.
pub fn cpuid(leaf: u32) -> (u32, u32, u32, u32) {
    let r = core::arch::x86_64::__cpuid(leaf);
    (r.eax, r.ebx, r.ecx, r.edx)
}

pub fn interrupts_enabled() -> bool {
    let flags: u64;
    // SAFETY: pushfq/pop only reads RFLAGS through the stack.
    unsafe { asm!("pushfq; pop {}", out(reg) flags, options(nomem, preserves_flags)) }
    flags & (1 << 9) != 0
}

// `cli` and `sti` deliberately omit `options(nomem)`: without it the
// compiler treats them as reading and writing memory, so it cannot move a
// load or store across them. `IrqLock` depends on that: the store that
// releases the lock must stay before the `sti` that lets an interrupt
// handler try to take it, and reads of shared data must stay after `cli`.

pub fn disable_interrupts() {
    // SAFETY: masking interrupts cannot violate memory safety.
    unsafe { asm!("cli", options(nostack)) }
}

pub fn enable_interrupts() {
    // SAFETY: the IDT is loaded before anyone calls this (see main.rs order).
    unsafe { asm!("sti", options(nostack)) }
}

/// Enables interrupts and halts in one step, so an interrupt that arrives
/// between the two cannot be missed (sti delays delivery by one instruction).
pub fn enable_interrupts_and_halt() {
    // SAFETY: as enable_interrupts; hlt just waits for the next interrupt.
    unsafe { asm!("sti; hlt", options(nostack)) }
}

/// Halts forever with interrupts off.
pub fn halt_forever() -> ! {
    loop {
        disable_interrupts();
        // SAFETY: hlt with interrupts off waits for NMI only; nothing to violate.
        unsafe { asm!("hlt", options(nomem, nostack)) }
    }
}
