//! User-mode processes: an address space of their own, entered in ring 3.
//!
//! A process is one thread of kind `user` plus an [`AddressSpace`]: a PML4
//! whose slot 0 (the kernel's identity map, supervisor-only) and slots
//! 256..512 (kernel stacks and heap) point at the kernel's own tables, and
//! whose user part (slot 2) holds a copy of the program image at
//! `USER_CODE` (user, read + execute) and a zeroed stack below
//! `USER_STACK_TOP` (user, read + write, no execute). The scheduler loads
//! the process's PML4 into CR3 and its kernel stack into TSS.RSP0 whenever
//! it switches to it; the first time, [`user_entry`] builds an interrupt
//! return frame and `iretq`s into ring 3.
//!
//! From then on the process re-enters the kernel only through interrupts:
//! the timer (preemption), `int 0x80` (system calls, `syscall.rs`), or an
//! exception. An exception from ring 3 kills the process with a report
//! ([`fault`]); the kernel goes on. `kill` sets a flag that the process
//! acts on when it would next return to ring 3 ([`on_return_to_user`]).

use alloc::vec::Vec;
use core::fmt;

use crate::interrupts::InterruptFrame;
use crate::memory::frames::{FRAMES, FrameAllocator};
use crate::memory::kernel_space::kernel_pml4;
use crate::memory::layout::{
    PAGE_SIZE, USER_CODE, USER_STACK_PAGES, USER_STACK_TOP, align_up, phys_to_virt,
};
use crate::memory::paging::{Flags, FrameSource, MapError, Mapper};
use crate::sched::{self, Spawn, SpawnError, policy::Tid, thread::Kind};
use crate::{cpu, gdt, programs};

/// Exit code of a process stopped by `kill`.
pub const KILLED: i64 = -9;
/// Exit code of a process killed by exception `vector`: -(128 + vector).
pub fn fault_code(vector: u64) -> i64 {
    -(128 + vector as i64)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessError {
    UnknownProgram,
    Map(MapError),
    Spawn(SpawnError),
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ProcessError::UnknownProgram => {
                write!(f, "no such program; programs: {}", programs::NAMES)
            }
            ProcessError::Map(e) => write!(f, "building the address space: {e}"),
            ProcessError::Spawn(e) => write!(f, "{e}"),
        }
    }
}

/// A process's page tables and pages. Every frame it allocated (its PML4,
/// its own page tables, its code and stack pages) is listed in `frames` and
/// returned on drop; the kernel's shared tables are never in that list.
pub struct AddressSpace {
    pml4: u64,
    frames: Vec<u64>,
    /// Entry point and the value for RDI at entry.
    pub entry: u64,
    pub arg: u64,
}

/// Hands out frames and remembers them for the address space.
struct Recording<'a> {
    frames: &'a mut FrameAllocator,
    got: &'a mut Vec<u64>,
}

impl FrameSource for Recording<'_> {
    fn alloc_frame(&mut self) -> Option<u64> {
        let f = self.frames.alloc()?;
        self.got.push(f);
        Some(f)
    }
}

impl AddressSpace {
    /// A new address space holding `program`'s image and an empty stack.
    pub fn new(program: programs::Program, arg: u64) -> Result<AddressSpace, MapError> {
        let mut space = AddressSpace {
            pml4: 0,
            frames: Vec::with_capacity(16),
            entry: USER_CODE + program.offset,
            arg,
        };
        let mut frames = FRAMES.lock();
        let pml4 = frames.alloc().ok_or(MapError::OutOfMemory { virt: 0 })?;
        space.frames.push(pml4);
        space.pml4 = pml4;
        let kernel = phys_to_virt(kernel_pml4()) as *const [u64; 512];
        let table = phys_to_virt(pml4) as *mut [u64; 512];
        // SAFETY: `pml4` is a fresh frame reachable through the identity
        // map and ours alone; the kernel's PML4 is only read. Slot 0 and
        // the upper half are shared, everything else starts empty.
        unsafe {
            let (table, kernel) = (&mut *table, &*kernel);
            *table = [0; 512];
            table[0] = kernel[0];
            table[256..].copy_from_slice(&kernel[256..]);
        }
        let image = programs::image();
        let code_pages = align_up(image.len() as u64, PAGE_SIZE) / PAGE_SIZE;
        for i in 0..code_pages {
            let chunk =
                &image[(i * PAGE_SIZE) as usize..image.len().min(((i + 1) * PAGE_SIZE) as usize)];
            space.map_page(&mut frames, USER_CODE + i * PAGE_SIZE, Flags::USER, chunk)?;
        }
        let nx = crate::memory::kernel_space::data_flags().without(Flags::WRITABLE);
        for i in 0..USER_STACK_PAGES {
            let virt = USER_STACK_TOP - (i + 1) * PAGE_SIZE;
            space.map_page(&mut frames, virt, Flags::USER | Flags::WRITABLE | nx, &[])?;
        }
        Ok(space)
    }

    /// Maps one zeroed page at `virt` and copies `bytes` to its start.
    fn map_page(
        &mut self,
        frames: &mut FrameAllocator,
        virt: u64,
        flags: Flags,
        bytes: &[u8],
    ) -> Result<(), MapError> {
        let frame = frames.alloc().ok_or(MapError::OutOfMemory { virt })?;
        self.frames.push(frame);
        // SAFETY: a fresh frame, identity-mapped, ours alone; at most one
        // page is written.
        unsafe {
            let p = phys_to_virt(frame) as *mut u8;
            core::ptr::write_bytes(p, 0, PAGE_SIZE as usize);
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len().min(PAGE_SIZE as usize));
        }
        // SAFETY: our own PML4, edited only here while we own the space.
        let mut mapper = unsafe { Mapper::from_pml4(self.pml4) };
        let mut source = Recording {
            frames,
            got: &mut self.frames,
        };
        mapper.map(virt, frame, flags, &mut source)
    }

    pub fn pml4(&self) -> u64 {
        self.pml4
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        // The scheduler drops a space only after switching away from it, so
        // CR3 no longer points here.
        let mut frames = FRAMES.lock();
        for &f in &self.frames {
            let _ = frames.free(f);
        }
    }
}

/// Starts built-in program `name` as a new process.
pub fn spawn(name: &str, arg: u64, opts: Spawn) -> Result<Tid, ProcessError> {
    let program = programs::find(name).ok_or(ProcessError::UnknownProgram)?;
    let space = AddressSpace::new(program, arg).map_err(ProcessError::Map)?;
    let opts = Spawn {
        kind: Kind::User,
        ..opts
    };
    sched::spawn_with_space(program.name, user_entry, 0, opts, Some(space))
        .map_err(ProcessError::Spawn)
}

/// The kernel side of a new process: enter ring 3 at the program's entry.
fn user_entry(_: usize) -> i64 {
    let Some((entry, arg)) = sched::current_user_entry() else {
        return -1;
    };
    cpu::disable_interrupts();
    // SAFETY: the scheduler loaded this process's page tables (which map
    // `entry` as user code and the stack below USER_STACK_TOP as user data)
    // and its kernel stack into TSS.RSP0. The frame sends us to ring 3 with
    // interrupts on; every register but RDI (the argument) is cleared so no
    // kernel value leaks. Nothing returns here: the kernel stack below RSP0
    // is reused by the next interrupt from user mode.
    unsafe {
        core::arch::asm!(
            "push {ss}",
            "push {usp}",
            "push 0x202",
            "push {cs}",
            "push {rip}",
            "xor eax, eax",
            "xor ebx, ebx",
            "xor ecx, ecx",
            "xor edx, edx",
            "xor esi, esi",
            "xor ebp, ebp",
            "xor r8d, r8d",
            "xor r9d, r9d",
            "xor r10d, r10d",
            "xor r11d, r11d",
            "xor r12d, r12d",
            "xor r13d, r13d",
            "xor r14d, r14d",
            "xor r15d, r15d",
            "iretq",
            ss = const gdt::USER_DATA as u64,
            cs = const gdt::USER_CODE as u64,
            usp = in(reg) USER_STACK_TOP,
            rip = in(reg) entry,
            in("rdi") arg,
            options(noreturn)
        )
    }
}

/// An exception in ring 3: report it and end the process. Never returns.
pub fn fault(frame: &InterruptFrame, name: &str) -> ! {
    let tid = sched::current();
    let who = sched::thread(tid).map(|t| t.name).unwrap_or_default();
    let cr2 = cpu::read_cr2();
    if frame.vector == 14 {
        let e = frame.error_code;
        warn!(
            Proc,
            "pid {} ({}) killed: page fault at {:#x} ({} {} page), rip {:#x}",
            tid,
            who,
            cr2,
            if e & 2 != 0 { "write to" } else { "read of" },
            if e & 1 != 0 {
                "a kernel-only"
            } else {
                "an unmapped"
            },
            frame.rip
        );
    } else {
        warn!(
            Proc,
            "pid {} ({}) killed: exception {} ({}), error {:#x}, rip {:#x}",
            tid,
            who,
            frame.vector,
            name,
            frame.error_code,
            frame.rip
        );
    }
    sched::exit(fault_code(frame.vector))
}

/// Called on every return to ring 3: a killed process exits here.
pub fn on_return_to_user() {
    if sched::current_killed() {
        let tid = sched::current();
        let who = sched::thread(tid).map(|t| t.name).unwrap_or_default();
        info!(Proc, "pid {} ({}) killed", tid, who);
        sched::exit(KILLED);
    }
}
