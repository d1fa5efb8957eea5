//! Leaving QEMU: the isa-debug-exit device at port 0xf4 ends the emulator
//! with exit status `(value << 1) | 1`. The runner maps 33 to success and
//! 35 to failure; any other status means the kernel never reached an exit.

use crate::cpu;

const DEBUG_EXIT_PORT: u16 = 0xf4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ExitCode {
    /// QEMU exits with status 33.
    Success = 0x10,
    /// QEMU exits with status 35.
    Failure = 0x11,
}

/// Ends the virtual machine. If the exit device is missing (someone booted
/// the image without it) we halt instead, so the caller still never returns.
pub fn exit(code: ExitCode) -> ! {
    // SAFETY: writing to isa-debug-exit only stops QEMU; without the device the
    // write goes nowhere.
    unsafe { cpu::outl(DEBUG_EXIT_PORT, code as u32) };
    cpu::halt_forever()
}
