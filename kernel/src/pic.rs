//! The two legacy 8259 PICs, remapped so IRQ 0..16 arrive at vectors
//! 32..48 instead of colliding with CPU exceptions. Only the lines we handle
//! (timer, cascade, COM1) are unmasked.

use crate::cpu;
use crate::interrupts::IRQ_BASE;

const MASTER_CMD: u16 = 0x20;
const MASTER_DATA: u16 = 0x21;
const SLAVE_CMD: u16 = 0xA0;
const SLAVE_DATA: u16 = 0xA1;
const EOI: u8 = 0x20;

const IA32_APIC_BASE: u32 = 0x1B;
const APIC_GLOBAL_ENABLE: u64 = 1 << 11;
/// Local APIC registers (offsets in its 4 KiB MMIO page).
const APIC_SPURIOUS: u64 = 0xF0;
const APIC_LVT_LINT0: u64 = 0x350;
const APIC_LVT_LINT1: u64 = 0x360;

/// Puts the local APIC into "virtual wire" mode, so the PIC's interrupts
/// reach the CPU.
///
/// With the local APIC on (as it is after reset), the 8259's output enters
/// the CPU through the APIC's LINT0 pin, and only if that pin is set to
/// "ExtINT" and unmasked. The PC firmware (SeaBIOS) does that before a BIOS
/// or PVH boot on the `pc` machine; on `microvm` no firmware runs before a
/// PVH kernel, LINT0 stays masked and no timer tick ever arrives. So we do
/// what the firmware would: software-enable the APIC (a disabled APIC
/// forces every LVT entry masked), LINT0 = ExtINT, LINT1 = NMI. Then the
/// same kernel works on both machines.
fn local_apic_virtual_wire() -> Result<(), crate::memory::paging::MapError> {
    use crate::memory::frames::FRAMES;
    use crate::memory::kernel_space::{KERNEL_MAPPER, data_flags};
    use crate::memory::paging::{Flags, MapError};

    // SAFETY: IA32_APIC_BASE exists on every x86_64 CPU.
    let msr = unsafe { cpu::rdmsr(IA32_APIC_BASE) };
    if msr & APIC_GLOBAL_ENABLE == 0 {
        // Already off: the PIC is wired straight to the CPU.
        return Ok(());
    }
    let base = msr & 0x000F_FFFF_FFFF_F000;
    {
        let mut mapper = KERNEL_MAPPER.lock();
        let mapper = mapper.as_mut().ok_or(MapError::NotMapped { virt: base })?;
        if mapper.translate(base).is_none() {
            let mut frames = FRAMES.lock();
            mapper.map(base, base, data_flags() | Flags::NO_CACHE, &mut *frames)?;
        }
    }
    let reg = |off: u64| (base + off) as *mut u32;
    // SAFETY: the APIC's register page is mapped uncached at its physical
    // address just above; these are the architectural registers, written
    // with 32-bit volatile stores as the APIC requires.
    unsafe {
        let sv = reg(APIC_SPURIOUS).read_volatile();
        reg(APIC_SPURIOUS).write_volatile(sv | 0x100 | 0xFF);
        reg(APIC_LVT_LINT0).write_volatile(0x700); // ExtINT, unmasked
        reg(APIC_LVT_LINT1).write_volatile(0x400); // NMI
    }
    Ok(())
}

pub fn init() {
    if let Err(e) = local_apic_virtual_wire() {
        warn!(
            Int,
            "local APIC left as it was ({e}); PIC interrupts may not arrive"
        );
    }
    // SAFETY: the standard ICW1..ICW4 initialisation sequence for both PICs;
    // interrupts are still disabled while it runs.
    unsafe {
        cpu::outb(MASTER_CMD, 0x11); // ICW1: initialise, expect ICW4
        cpu::outb(SLAVE_CMD, 0x11);
        cpu::outb(MASTER_DATA, IRQ_BASE); // ICW2: vector offsets
        cpu::outb(SLAVE_DATA, IRQ_BASE + 8);
        cpu::outb(MASTER_DATA, 0x04); // ICW3: slave on IRQ 2
        cpu::outb(SLAVE_DATA, 0x02); // ICW3: slave's cascade identity
        cpu::outb(MASTER_DATA, 0x01); // ICW4: 8086 mode
        cpu::outb(SLAVE_DATA, 0x01);
        // Masks: a set bit blocks the line. Allow IRQ 0 (timer), 2 (cascade), 4 (COM1).
        cpu::outb(MASTER_DATA, !((1 << 0) | (1 << 2) | (1 << 4)));
        cpu::outb(SLAVE_DATA, 0xFF);
    }
}

pub fn end_of_interrupt(irq: u8) {
    // SAFETY: writing EOI to the PIC(s) that delivered this IRQ.
    unsafe {
        if irq >= 8 {
            cpu::outb(SLAVE_CMD, EOI);
        }
        cpu::outb(MASTER_CMD, EOI);
    }
}

/// Reads the in-service register to tell a real IRQ 7/15 from a spurious one.
pub fn is_spurious(irq: u8) -> bool {
    let (cmd, bit) = match irq {
        7 => (MASTER_CMD, 7),
        15 => (SLAVE_CMD, 7),
        _ => return false,
    };
    // SAFETY: OCW3 0x0B selects the ISR for the next read of the command port.
    let isr = unsafe {
        cpu::outb(cmd, 0x0B);
        cpu::inb(cmd)
    };
    if isr & (1 << bit) == 0 {
        if irq == 15 {
            // The master still saw IRQ 2 from the cascade and needs its EOI.
            // SAFETY: EOI to the master only.
            unsafe { cpu::outb(MASTER_CMD, EOI) };
        }
        return true;
    }
    false
}
