//! The context switch, in assembly.
//!
//! A thread that is not running is fully described by its saved stack
//! pointer: `switch_context` pushes the callee-saved registers (the SysV ABI
//! lets a function call clobber all the others, and the compiler already
//! saved what it needs before calling us) onto the old thread's stack,
//! stores RSP in the old thread's record, loads the new thread's RSP, pops
//! its registers and returns, into whatever called `switch_context` on that
//! thread earlier. A brand-new thread has never called it, so its stack is
//! prepared by [`initial_stack`] to look as if it had: the "return" lands in
//! `thread_trampoline`, which calls `thread_start(entry, arg)`.
//!
//! Interrupts are off across the switch; each side restores its own
//! interrupt flag afterwards (see `scheduler::switch_away`).

core::arch::global_asm!(
    r#"
    .section .text.switch, "ax"
    .global switch_context
switch_context:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

    .global thread_trampoline
thread_trampoline:
    mov rdi, r12
    mov rsi, r13
    xor ebp, ebp
    and rsp, -16
    call thread_start
    ud2
    "#
);

unsafe extern "C" {
    /// Saves the current context, stores its stack pointer at `old_rsp` and
    /// resumes the context saved at `new_rsp`.
    ///
    /// # Safety
    /// Interrupts must be off. `new_rsp` must be a stack pointer saved by an
    /// earlier `switch_context` or built by [`initial_stack`], on a stack
    /// that is still mapped and used by nobody else; `old_rsp` must stay
    /// valid until this context is resumed.
    pub fn switch_context(old_rsp: *mut u64, new_rsp: u64);
    fn thread_trampoline();
}

/// Writes a first frame for `switch_context` at the top of a fresh stack and
/// returns the stack pointer to resume. The popped R12 and R13 carry the
/// entry point and its argument to `thread_trampoline`.
///
/// # Safety
/// `top` must be the 16-byte aligned top of a mapped, unused stack with at
/// least 64 bytes of room.
pub unsafe fn initial_stack(top: u64, entry: u64, arg: u64) -> u64 {
    let frame: [u64; 8] = [
        0,     // r15
        0,     // r14
        arg,   // r13
        entry, // r12
        0,     // rbx
        0,     // rbp
        thread_trampoline as *const () as u64,
        0, // a zero "return address" above the trampoline ends backtraces
    ];
    let rsp = top - (frame.len() as u64) * 8;
    // SAFETY: the caller guarantees the 64 bytes below `top` are ours.
    unsafe { core::ptr::copy_nonoverlapping(frame.as_ptr(), rsp as *mut u64, frame.len()) };
    rsp
}
