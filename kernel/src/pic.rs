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

pub fn init() {
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
