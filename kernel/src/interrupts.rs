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
    ISR_NOERR 128

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
    .global isr_stub_syscall
isr_stub_syscall:
    .quad isr_stub_128
    "#
);

unsafe extern "C" {
    static isr_stub_table: [u64; VECTORS];
    static isr_stub_syscall: u64;
}

/// The system-call vector: `int 0x80` from ring 3.
pub const SYSCALL_VECTOR: u8 = 0x80;

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
        IdtEntry::with_dpl(handler, ist, 0)
    }

    /// `dpl` 3 lets ring-3 code raise the vector with `int` (system calls);
    /// hardware interrupts and exceptions reach any gate regardless.
    fn with_dpl(handler: u64, ist: u8, dpl: u8) -> IdtEntry {
        IdtEntry {
            offset_low: handler as u16,
            selector: gdt::KERNEL_CODE,
            ist,
            // present, DPL, 64-bit interrupt gate (IF cleared on entry)
            type_attr: 0x8E | ((dpl & 3) << 5),
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
        // Only #DF and NMI get IST stacks. Page faults run on the current
        // stack, so a page fault inside the page-fault handler nests below
        // the first instead of restarting at the same IST top and
        // overwriting it; a kernel stack overflow still ends safely,
        // because the page fault that cannot be pushed on the guard page
        // becomes a double fault, which has its own stack.
        let ist = match v {
            8 => gdt::IST_DOUBLE_FAULT,
            2 => gdt::IST_NMI,
            _ => 0,
        };
        idt.0[v] = IdtEntry::new(handler, ist);
    }
    // SAFETY: a read-only symbol holding the address of the int 0x80 stub.
    let syscall = unsafe { isr_stub_syscall };
    idt.0[SYSCALL_VECTOR as usize] = IdtEntry::with_dpl(syscall, 0, 3);
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

static BREAKPOINTS: AtomicU64 = AtomicU64::new(0);

pub fn breakpoint_count() -> u64 {
    BREAKPOINTS.load(Ordering::Relaxed)
}

/// What a recovered fault looked like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultRecord {
    /// CR2 for a page fault; 0 for a general-protection fault.
    pub address: u64,
    pub error_code: u64,
    pub vector: u8,
}

/// One exception-table entry: if the instruction at `insn` faults, the
/// handler resumes at `fixup` instead of stopping the VM. Entries are placed
/// in the `.extable` section by the probes' `asm!` blocks, right next to the
/// instruction they cover, so the table can never name a stale address and
/// there is nothing to arm or disarm (the same idea as Linux's
/// `_ASM_EXTABLE`).
#[repr(C)]
struct ExtableEntry {
    insn: u64,
    fixup: u64,
}

unsafe extern "C" {
    static __extable_start: ExtableEntry;
    static __extable_end: ExtableEntry;
}

/// The fixup address for a fault at `rip`, if `rip` is a probing instruction.
pub fn fixup_for(rip: u64) -> Option<u64> {
    let start = &raw const __extable_start;
    let end = &raw const __extable_end;
    // SAFETY: the linker script brackets the .extable section with these two
    // symbols; it holds whole 16-byte entries written by the asm blocks below.
    let table = unsafe {
        core::slice::from_raw_parts(
            start,
            (end as usize - start as usize) / size_of::<ExtableEntry>(),
        )
    };
    table.iter().find(|e| e.insn == rip).map(|e| e.fixup)
}

/// How a fixed-up fault reports back to the probe: RCX gets bit 63 set plus
/// the vector (bits 32..40) and error code (low 32 bits), RDX the address.
const FAULTED: u64 = 1 << 63;

fn decode(status: u64, address: u64) -> Result<(), FaultRecord> {
    if status & FAULTED == 0 {
        return Ok(());
    }
    Err(FaultRecord {
        address,
        error_code: status & 0xFFFF_FFFF,
        vector: (status >> 32) as u8,
    })
}

/// Reads a u64 at `addr`, returning the fault instead if there is one.
pub fn probe_read(addr: u64) -> Result<u64, FaultRecord> {
    let mut value: u64 = 0;
    let status: u64;
    let address: u64;
    // SAFETY: a single load; if it faults, the handler finds its extable
    // entry, stores the fault in RCX/RDX and resumes at label 2 with `value`
    // unchanged. No memory is written.
    unsafe {
        core::arch::asm!(
            "2:",
            "mov {v}, [{a}]",
            "3:",
            ".pushsection .extable, \"a\"",
            ".balign 8",
            ".quad 2b, 3b",
            ".popsection",
            a = in(reg) addr,
            v = inout(reg) value,
            inout("rcx") 0u64 => status,
            inout("rdx") 0u64 => address,
            options(nostack, readonly),
        );
    }
    decode(status, address).map(|()| value)
}

/// Writes a u64 at `addr`, returning the fault instead if there is one.
///
/// # Safety
/// If the write succeeds it really happens: `addr` must be memory the caller
/// may overwrite.
pub unsafe fn probe_write(addr: u64, value: u64) -> Result<(), FaultRecord> {
    let status: u64;
    let address: u64;
    // SAFETY: as in probe_read; the caller vouches for the target.
    unsafe {
        core::arch::asm!(
            "2:",
            "mov [{a}], {v}",
            "3:",
            ".pushsection .extable, \"a\"",
            ".balign 8",
            ".quad 2b, 3b",
            ".popsection",
            a = in(reg) addr,
            v = in(reg) value,
            inout("rcx") 0u64 => status,
            inout("rdx") 0u64 => address,
            options(nostack),
        );
    }
    decode(status, address)
}

/// Copies `dst.len()` bytes from `src` (any address, typically a user
/// pointer) into `dst`, stopping at the first fault.
pub fn copy_in(dst: &mut [u8], src: u64) -> Result<(), FaultRecord> {
    let status: u64;
    let address: u64;
    // SAFETY: `rep movsb` copies exactly dst.len() bytes into `dst`, which we
    // borrow mutably; the source bytes are only read. A fault in the copy is
    // fixed up (the extable entry covers the rep instruction) and reported.
    unsafe {
        core::arch::asm!(
            "2:",
            "rep movsb",
            "3:",
            ".pushsection .extable, \"a\"",
            ".balign 8",
            ".quad 2b, 3b",
            ".popsection",
            inout("rsi") src => _,
            inout("rdi") dst.as_mut_ptr() => _,
            inout("rcx") dst.len() => status,
            inout("rdx") 0u64 => address,
            options(nostack),
        );
    }
    decode(status, address)
}

/// Test hook for the nested-fault regression test: while set, the page-fault
/// handler, before fixing up a probe's fault, provokes and recovers a second
/// page fault at this address from inside itself.
static NESTED_PROBE: AtomicU64 = AtomicU64::new(0);
/// What the nested probe saw (its fault address), for the test to check.
static NESTED_SEEN: AtomicU64 = AtomicU64::new(0);

pub fn set_nested_probe(addr: u64) {
    NESTED_SEEN.store(0, Ordering::SeqCst);
    NESTED_PROBE.store(addr, Ordering::SeqCst);
}

pub fn nested_probe_seen() -> u64 {
    NESTED_SEEN.load(Ordering::SeqCst)
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
    dispatch(frame);
    // On the way back to ring 3: a process that was killed while it was
    // away from the CPU stops here instead of running on.
    if frame.cs & 3 == 3 {
        crate::process::on_return_to_user();
    }
}

fn dispatch(frame: &mut InterruptFrame) {
    match frame.vector as u8 {
        SYSCALL_VECTOR => crate::syscall::dispatch(frame),
        3 => {
            BREAKPOINTS.fetch_add(1, Ordering::Relaxed);
            debug!(Int, "breakpoint at {:#x}", frame.rip);
        }
        8 => double_fault(frame),
        14 => page_fault(frame),
        // A probe of a non-canonical address raises #GP, not #PF.
        13 if frame.cs & 3 == 0 && fixup_for(frame.rip).is_some() => {
            if let Some(fixup) = fixup_for(frame.rip) {
                fix_up(frame, fixup, 0);
            }
        }
        v @ 0..=31 if frame.cs & 3 == 3 => {
            crate::process::fault(frame, EXCEPTION_NAMES[v as usize])
        }
        v @ 0..=31 => fatal_exception(frame, EXCEPTION_NAMES[v as usize]),
        IRQ_TIMER => {
            let tick = timer::tick();
            pic::end_of_interrupt(0);
            // After the EOI: this may switch to another thread, and the next
            // tick must still be able to arrive there.
            crate::sched::on_tick(tick);
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
    // CR2 first: a nested page fault (below) would overwrite it.
    let address = cpu::read_cr2();
    if frame.cs & 3 == 0
        && let Some(fixup) = fixup_for(frame.rip)
    {
        let nested = NESTED_PROBE.swap(0, Ordering::SeqCst);
        if nested != 0 {
            // A fault inside the fault handler. Page faults run on the
            // current stack (no IST), so this one's frame goes below ours
            // instead of overwriting it, and our return still works.
            if let Err(r) = probe_read(nested) {
                NESTED_SEEN.store(r.address, Ordering::SeqCst);
            }
        }
        fix_up(frame, fixup, address);
        return;
    }
    if frame.cs & 3 == 3 {
        crate::process::fault(frame, "page fault");
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

/// Resumes a faulted probe at its fixup label with the fault in RCX/RDX.
fn fix_up(frame: &mut InterruptFrame, fixup: u64, address: u64) {
    frame.rcx = FAULTED | (frame.vector << 32) | (frame.error_code & 0xFFFF_FFFF);
    frame.rdx = address;
    frame.rip = fixup;
}

fn double_fault(frame: &mut InterruptFrame) {
    let cr2 = cpu::read_cr2();
    let expected = DOUBLE_FAULT_EXPECTED.load(Ordering::SeqCst);
    if let Some(stack) = crate::memory::stacks::guard_hit(cr2) {
        log::log_emergency(
            if expected {
                log::Level::Info
            } else {
                log::Level::Error
            },
            log::Stage::Fault,
            format_args!(
                "kernel stack overflow: {:#x} is the guard page of stack {}",
                cr2, stack
            ),
        );
    }
    if expected {
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
