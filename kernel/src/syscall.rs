//! System calls: `int 0x80` from ring 3.
//!
//! RAX holds the number, RDI and RSI the arguments; the result goes back in
//! RAX (a negative value is an error number). Every other register is
//! preserved (the interrupt stub saves and restores them all).
//!
//! | RAX | call                 | result                                   |
//! |-----|----------------------|------------------------------------------|
//! | 0   | exit(code)           | does not return                          |
//! | 1   | write(buf, len)      | bytes written, or -EFAULT / -EINVAL       |
//! | 2   | yield()              | 0                                        |
//! | 3   | sleep(ms)            | 0                                        |
//! | 4   | getpid()             | the caller's pid                         |
//! | 5   | spawn(name, len)     | the new process's pid, or -ENOENT / -ENOMEM |
//!
//! User pointers are checked to lie in user space and copied with
//! `interrupts::copy_in`, whose faults are caught by the exception table:
//! a bad pointer is an error for the caller, never a kernel fault.

use crate::interrupts::{InterruptFrame, copy_in};
use crate::memory::layout::{USER_BASE, USER_END};
use crate::sched::{self, Spawn};
use crate::{bench, process, serial};

pub const EFAULT: i64 = 14;
pub const EINVAL: i64 = 22;
pub const ENOENT: i64 = 2;
pub const ENOMEM: i64 = 12;
pub const ENOSYS: i64 = 38;

/// Longest write in one call (the rest is the caller's to send again).
const WRITE_MAX: usize = 256;

pub fn dispatch(frame: &mut InterruptFrame) {
    let result = match frame.rax {
        0 => {
            let code = frame.rdi as i64;
            let pid = sched::current();
            let name = sched::thread(pid).map(|t| t.name).unwrap_or_default();
            info!(Proc, "pid {pid} ({name}) exited with code {code}");
            sched::exit(code)
        }
        1 => write(frame.rdi, frame.rsi),
        2 => {
            bench::note_yield();
            sched::yield_now();
            0
        }
        3 => {
            sched::sleep_ms(frame.rdi.min(3_600_000));
            0
        }
        4 => sched::current() as i64,
        5 => spawn(frame.rdi, frame.rsi),
        _ => -ENOSYS,
    };
    frame.rax = result as u64;
}

/// Whether [addr, addr + len) lies wholly in user space.
fn user_range(addr: u64, len: u64) -> bool {
    addr >= USER_BASE && addr.checked_add(len).is_some_and(|end| end <= USER_END)
}

fn write(buf: u64, len: u64) -> i64 {
    let len = (len as usize).min(WRITE_MAX);
    if !user_range(buf, len as u64) {
        return -EFAULT;
    }
    let mut bytes = [0u8; WRITE_MAX];
    if copy_in(&mut bytes[..len], buf).is_err() {
        return -EFAULT;
    }
    serial::write_bytes(&bytes[..len]);
    len as i64
}

fn spawn(name: u64, len: u64) -> i64 {
    let mut bytes = [0u8; 16];
    if len as usize > bytes.len() {
        return -ENOENT;
    }
    if !user_range(name, len) || copy_in(&mut bytes[..len as usize], name).is_err() {
        return -EFAULT;
    }
    let Ok(name) = core::str::from_utf8(&bytes[..len as usize]) else {
        return -EINVAL;
    };
    let opts = Spawn {
        detached: true,
        ..Spawn::default()
    };
    match process::spawn(name, 0, opts) {
        Ok(pid) => pid as i64,
        Err(process::ProcessError::UnknownProgram) => -ENOENT,
        Err(_) => -ENOMEM,
    }
}
