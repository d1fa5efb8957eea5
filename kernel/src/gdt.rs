//! The kernel's GDT and TSS.
//!
//! Long mode barely uses segmentation, but it still needs a code and a data
//! descriptor, and a TSS: the TSS's interrupt stack table (IST) gives chosen
//! exceptions a known-good stack. Double faults and NMIs each get their own
//! IST slot: a kernel stack overflow page-faults on the guard page below the
//! stack, the CPU cannot push that page fault's frame onto the dead stack,
//! and the resulting double fault runs on its IST stack to report it. Page
//! faults themselves stay on the current stack (see `interrupts::init`).
//!
//! At first the IST stacks are static arrays (memory management is not up
//! yet); `memory::init` later replaces them with stacks that have unmapped
//! guard pages, through [`set_ist_stack`].

use core::arch::asm;
use core::ptr::addr_of;

use crate::sync::IrqLock;

pub const KERNEL_CODE: u16 = 0x08;
pub const KERNEL_DATA: u16 = 0x10;
/// Ring-3 selectors (descriptor index << 3 | requested privilege 3).
pub const USER_DATA: u16 = 0x18 | 3;
pub const USER_CODE: u16 = 0x20 | 3;
const TSS_SELECTOR: u16 = 0x28;

/// IST slots (1-based, as the IDT encodes them).
pub const IST_DOUBLE_FAULT: u8 = 1;
pub const IST_NMI: u8 = 2;

const EARLY_IST_SIZE: usize = 16 * 1024;

#[repr(C, packed(4))]
pub struct TaskStateSegment {
    reserved0: u32,
    rsp: [u64; 3],
    reserved1: u64,
    ist: [u64; 7],
    reserved2: u64,
    reserved3: u16,
    iomap_base: u16,
}

static TSS: IrqLock<TaskStateSegment> = IrqLock::new(TaskStateSegment {
    reserved0: 0,
    rsp: [0; 3],
    reserved1: 0,
    ist: [0; 7],
    reserved2: 0,
    reserved3: 0,
    // No I/O permission bitmap: point past the end of the segment.
    iomap_base: size_of::<TaskStateSegment>() as u16,
});

#[repr(C, align(16))]
struct EarlyStack([u8; EARLY_IST_SIZE]);

static mut EARLY_IST: [EarlyStack; 2] = [const { EarlyStack([0; EARLY_IST_SIZE]) }; 2];

/// Null, kernel code, kernel data, user data, user code (the last two with
/// DPL 3), then the 16-byte TSS descriptor (two slots).
static mut GDT: [u64; 7] = [
    0,
    0x00AF_9A00_0000_FFFF,
    0x00CF_9200_0000_FFFF,
    0x00CF_F200_0000_FFFF,
    0x00AF_FA00_0000_FFFF,
    0,
    0,
];

#[repr(C, packed)]
struct DescriptorPointer {
    limit: u16,
    base: u64,
}

/// Loads the GDT, reloads every segment register and the task register.
pub fn init() {
    let tss_addr = {
        let mut tss = TSS.lock();
        for (i, slot) in [IST_DOUBLE_FAULT, IST_NMI].iter().enumerate() {
            // SAFETY: taking the address of a static; the stacks are only ever
            // used by the CPU through the TSS.
            let top = unsafe { addr_of!(EARLY_IST[i]) as u64 } + EARLY_IST_SIZE as u64;
            tss.ist[*slot as usize - 1] = top;
        }
        &*tss as *const TaskStateSegment as u64
    };
    let limit = size_of::<TaskStateSegment>() as u64 - 1;
    let low = (limit & 0xFFFF)
        | ((tss_addr & 0xFF_FFFF) << 16)
        | (0x89 << 40) // present, 64-bit available TSS
        | (((limit >> 16) & 0xF) << 48)
        | (((tss_addr >> 24) & 0xFF) << 56);
    let high = tss_addr >> 32;
    // SAFETY: runs once during boot before interrupts are enabled; nothing
    // else reads GDT until lgdt below.
    unsafe {
        GDT[5] = low;
        GDT[6] = high;
        let ptr = DescriptorPointer {
            limit: (size_of::<[u64; 7]>() - 1) as u16,
            base: addr_of!(GDT) as u64,
        };
        asm!(
            "lgdt [{ptr}]",
            // Reload CS with a far return: push selector and target, then retfq.
            "push {code}",
            "lea {tmp}, [rip + 2f]",
            "push {tmp}",
            "retfq",
            "2:",
            "mov ds, {data:x}",
            "mov es, {data:x}",
            "mov ss, {data:x}",
            "ltr {tss:x}",
            ptr = in(reg) &ptr,
            code = in(reg) KERNEL_CODE as u64,
            data = in(reg) KERNEL_DATA as u64,
            tss = in(reg) TSS_SELECTOR as u64,
            tmp = out(reg) _,
        );
    }
}

/// The stack the CPU switches to when an interrupt or system call arrives
/// from ring 3 (TSS.RSP0): the running user thread's kernel stack top. The
/// scheduler sets it on every switch.
pub fn set_kernel_stack(top: u64) {
    let mut tss = TSS.lock();
    tss.rsp[0] = top;
}

/// Points an IST slot at a new stack top.
pub fn set_ist_stack(slot: u8, top: u64) {
    let mut tss = TSS.lock();
    tss.ist[slot as usize - 1] = top;
}
