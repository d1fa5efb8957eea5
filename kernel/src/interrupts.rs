//! The IDT, the entry stubs, and what each vector does.
//!
//! Stable Rust has no `extern "x86-interrupt"`, so every vector enters
//! through a small assembly stub: it pushes a zero error code when the CPU
//! does not push one, then the vector number, and jumps to a common stub that
//! saves all general registers, calls [`interrupt_dispatch`] with a pointer
//! to the saved [`InterruptFrame`], restores the registers and `iretq`s.
//! The layout of `InterruptFrame` is exactly what those pushes produce.
//!
//! Vectors 0..32 are CPU exceptions, 32..48 the remapped legacy PIC lines.
//! Exceptions print the vector name, error code, CR2 and all registers, then
//! end the VM with a failure code, except where a handler can resume:
//! breakpoints, and page faults that a test armed with [`expect_fault`].

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::sync::IrqLock;
use crate::{cpu, gdt, pic, qemu, serial, timer};

pub const IRQ_BASE: u8 = 32;
pub const IRQ_TIMER: u8 = IRQ_BASE;
pub const IRQ_COM1: u8 = IRQ_BASE + 4;
const VECTORS: usize = 48;

core::arch::global_asm!(
    r#"
    .macro ISR_NOERR n
    .section .text.isr, "ax"
isr_stub_\n:
    push 0
    push \n
    jmp isr_common
    .endm

    .macro ISR_ERR n
    .section .text.isr, "ax"
isr_stub_\n:
    push \n
    jmp isr_common
    .endm

    .irp n, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
    ISR_NOERR \n
    .endr
    .irp n, 8,10,11,12,13,14,17,21,29,30
    ISR_ERR \n
    .endr
    .irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    ISR_NOERR \n
    .endr

    .section .text.isr, "ax"
isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    cld
    call interrupt_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    iretq

    .section .rodata.isr_table, "a"
    .balign 8
    .global isr_stub_table
isr_stub_table:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .quad isr_stub_\n
    .endr
    "#
);

unsafe extern "C" {
    static isr_stub_table: [u64; VECTORS];
}

/// The stack as the entry stubs leave it (lowest address first).
#[repr(C)]
#[derive(Debug)]
pub struct InterruptFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    pub vector: u64,
    pub error_code: u64,
    // Pushed by the CPU.
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

#[derive(Clone, Copy)]
#[repr(C)]
struct IdtEntry {
    offset_low: u16,
    selector: u16,
    ist: u8,
    type_attr: u8,
    offset_mid: u16,
    offset_high: u32,
    reserved: u32,
}

impl IdtEntry {
    const MISSING: IdtEntry = IdtEntry {
        offset_low: 0,
        selector: 0,
        ist: 0,
        type_attr: 0,
        offset_mid: 0,
        offset_high: 0,
        reserved: 0,
    };

    fn new(handler: u64, ist: u8) -> IdtEntry {
        IdtEntry {
            offset_low: handler as u16,
            selector: gdt::KERNEL_CODE,
            ist,
            type_attr: 0x8E, // present, DPL 0, 64-bit interrupt gate (IF cleared on entry)
            offset_mid: (handler >> 16) as u16,
            offset_high: (handler >> 32) as u32,
            reserved: 0,
        }
    }
}

#[repr(C, align(16))]
struct Idt([IdtEntry; 256]);

static IDT: IrqLock<Idt> = IrqLock::new(Idt([IdtEntry::MISSING; 256]));

const EXCEPTION_NAMES: [&str; 32] = [
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point",
    "alignment check",
    "machine check",
    "SIMD floating-point",
    "virtualization",
    "control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security",
    "reserved",
];

/// Fills and loads the IDT.
pub fn init() {
    let mut idt = IDT.lock();
    // SAFETY: isr_stub_table is a read-only array of VECTORS stub addresses
    // defined in the global_asm! above.
    let stubs = unsafe { &isr_stub_table };
    for (v, &handler) in stubs.iter().enumerate() {
        let ist = match v {
            8 => gdt::IST_DOUBLE_FAULT,
            2 => gdt::IST_NMI,
            14 => gdt::IST_PAGE_FAULT,
            _ => 0,
        };
        idt.0[v] = IdtEntry::new(handler, ist);
    }
    #[repr(C, packed)]
    struct Pointer {
        limit: u16,
        base: u64,
    }
    let ptr = Pointer {
        limit: (size_of::<Idt>() - 1) as u16,
        base: &idt.0 as *const _ as u64,
    };
    // SAFETY: the IDT is a static that lives forever and every present entry
    // points at a stub above.
    unsafe {
        core::arch::asm!("lidt [{}]", in(reg) &ptr, options(readonly, nostack, preserves_flags))
    };
}

/// Chooses whether page faults switch to their IST stack. The stack-overflow
/// test turns it off to show the double-fault handler catching what the
/// page-fault handler can no longer handle on a dead stack.
pub fn set_page_fault_ist(enabled: bool) {
    let mut idt = IDT.lock();
    idt.0[14].ist = if enabled { gdt::IST_PAGE_FAULT } else { 0 };
}

static BREAKPOINTS: AtomicU64 = AtomicU64::new(0);

pub fn breakpoint_count() -> u64 {
    BREAKPOINTS.load(Ordering::Relaxed)
}

/// What a recovered page fault looked like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultRecord {
    pub address: u64,
    pub error_code: u64,
}

/// Armed by the probes below: the next page fault is recorded and execution
/// resumes at `FAULT_RESUME` instead of stopping the VM.
static EXPECTED_FAULT: IrqLock<Option<Option<FaultRecord>>> = IrqLock::new(None);
static FAULT_RESUME: AtomicU64 = AtomicU64::new(0);

fn arm_fault() {
    *EXPECTED_FAULT.lock() = Some(None);
}

fn disarm_fault() -> Option<FaultRecord> {
    EXPECTED_FAULT.lock().take().flatten()
}

/// Reads a u64 at `addr`, returning the page fault instead if there is one.
pub fn probe_read(addr: u64) -> Result<u64, FaultRecord> {
    arm_fault();
    let mut value: u64 = 0;
    // SAFETY: the asm stores the address of label 2 for the page-fault
    // handler, then reads `addr`. If the read faults, the handler resumes at
    // label 2 with `value` unchanged; no other state is touched.
    unsafe {
        core::arch::asm!(
            "lea {t}, [rip + 2f]",
            "mov [{resume}], {t}",
            "mov {v}, [{a}]",
            "2:",
            t = out(reg) _,
            resume = in(reg) FAULT_RESUME.as_ptr(),
            a = in(reg) addr,
            v = inout(reg) value,
        );
    }
    match disarm_fault() {
        Some(record) => Err(record),
        None => Ok(value),
    }
}

/// Writes a u64 at `addr`, returning the page fault instead if there is one.
///
/// # Safety
/// If the write succeeds it really happens: `addr` must be memory the caller
/// may overwrite.
pub unsafe fn probe_write(addr: u64, value: u64) -> Result<(), FaultRecord> {
    arm_fault();
    // SAFETY: as in probe_read; the caller vouches for the target.
    unsafe {
        core::arch::asm!(
            "lea {t}, [rip + 2f]",
            "mov [{resume}], {t}",
            "mov [{a}], {v}",
            "2:",
            t = out(reg) _,
            resume = in(reg) FAULT_RESUME.as_ptr(),
            a = in(reg) addr,
            v = in(reg) value,
        );
    }
    match disarm_fault() {
        Some(record) => Err(record),
        None => Ok(()),
    }
}

/// What the double-fault handler should do when a test provokes one.
static DOUBLE_FAULT_EXPECTED: AtomicBool = AtomicBool::new(false);
static DOUBLE_FAULT_MESSAGE: IrqLock<&'static str> = IrqLock::new("");

/// Makes the next double fault count as a pass of the test named `message`:
/// the handler logs `ok NAME` and exits QEMU with success.
pub fn expect_double_fault(message: &'static str) {
    *DOUBLE_FAULT_MESSAGE.lock() = message;
    DOUBLE_FAULT_EXPECTED.store(true, Ordering::SeqCst);
}

#[unsafe(no_mangle)]
extern "C" fn interrupt_dispatch(frame: &mut InterruptFrame) {
    match frame.vector as u8 {
        3 => {
            BREAKPOINTS.fetch_add(1, Ordering::Relaxed);
            debug!(Int, "breakpoint at {:#x}", frame.rip);
        }
        8 => double_fault(frame),
        14 => page_fault(frame),
        v @ 0..=31 => fatal_exception(frame, EXCEPTION_NAMES[v as usize]),
        IRQ_TIMER => {
            timer::tick();
            pic::end_of_interrupt(0);
        }
        IRQ_COM1 => {
            serial::handle_rx_interrupt();
            pic::end_of_interrupt(4);
        }
        v => {
            let irq = v - IRQ_BASE;
            // IRQ 7 and 15 fire spuriously; the PIC wants no EOI for a
            // spurious 7 and only the master's EOI for a spurious 15.
            if !pic::is_spurious(irq) {
                pic::end_of_interrupt(irq);
            }
        }
    }
}

fn page_fault(frame: &mut InterruptFrame) {
    let address = cpu::read_cr2();
    {
        let mut expected = EXPECTED_FAULT.lock();
        if let Some(slot @ None) = expected.as_mut() {
            *slot = Some(FaultRecord {
                address,
                error_code: frame.error_code,
            });
            frame.rip = FAULT_RESUME.load(Ordering::SeqCst);
            return;
        }
    }
    if let Some(stack) = crate::memory::stacks::guard_hit(address) {
        log::log_emergency(
            log::Level::Error,
            log::Stage::Fault,
            format_args!(
                "kernel stack overflow: {:#x} is the guard page of stack {}",
                address, stack
            ),
        );
    }
    fatal_exception(frame, "page fault");
}

fn double_fault(frame: &mut InterruptFrame) {
    if DOUBLE_FAULT_EXPECTED.load(Ordering::SeqCst) {
        let message = *DOUBLE_FAULT_MESSAGE.lock();
        log::log_emergency(
            log::Level::Info,
            log::Stage::Fault,
            format_args!(
                "double fault caught on IST stack (rsp {:#x}, cr2 {:#x})",
                frame.rsp,
                cpu::read_cr2()
            ),
        );
        log::log_emergency(
            log::Level::Info,
            log::Stage::Test,
            format_args!("ok {message}"),
        );
        qemu::exit(qemu::ExitCode::Success);
    }
    fatal_exception(frame, "double fault");
}

use crate::log;

/// Prints everything known about an exception and stops the VM with failure.
fn fatal_exception(frame: &InterruptFrame, name: &str) -> ! {
    let f = frame;
    log::log_emergency(
        log::Level::Error,
        log::Stage::Fault,
        format_args!(
            "EXCEPTION {} ({}) error={:#x} cr2={:#x}\n  rip={:#018x} cs={:#x} rflags={:#x} rsp={:#018x} ss={:#x}\n  rax={:#018x} rbx={:#018x} rcx={:#018x} rdx={:#018x}\n  rsi={:#018x} rdi={:#018x} rbp={:#018x}\n  r8={:#018x} r9={:#018x} r10={:#018x} r11={:#018x}\n  r12={:#018x} r13={:#018x} r14={:#018x} r15={:#018x}",
            f.vector,
            name,
            f.error_code,
            cpu::read_cr2(),
            f.rip,
            f.cs,
            f.rflags,
            f.rsp,
            f.ss,
            f.rax,
            f.rbx,
            f.rcx,
            f.rdx,
            f.rsi,
            f.rdi,
            f.rbp,
            f.r8,
            f.r9,
            f.r10,
            f.r11,
            f.r12,
            f.r13,
            f.r14,
            f.r15
        ),
    );
    qemu::exit(qemu::ExitCode::Failure)
}
