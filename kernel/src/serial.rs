//! The COM1 16550 UART: the kernel's console in both directions.
//!
//! Output is polled (wait for an empty transmit register, write the byte);
//! under QEMU that never waits. Input arrives by interrupt (IRQ 4): the
//! handler drains the receive FIFO into a small ring buffer, and the shell
//! takes bytes out of it. Writers share one `IrqLock`, so lines from an
//! interrupt handler never interleave with a half-written line.

use core::fmt;

use crate::cpu;
use crate::sched::wait::WaitQueue;
use crate::sync::IrqLock;

const COM1: u16 = 0x3F8;
const DATA: u16 = COM1;
const INT_ENABLE: u16 = COM1 + 1;
const FIFO_CTRL: u16 = COM1 + 2;
const LINE_CTRL: u16 = COM1 + 3;
const MODEM_CTRL: u16 = COM1 + 4;
const LINE_STATUS: u16 = COM1 + 5;

const LSR_DATA_READY: u8 = 1 << 0;
const LSR_THR_EMPTY: u8 = 1 << 5;

pub struct SerialPort {
    _private: (),
}

impl SerialPort {
    fn write_byte(&mut self, byte: u8) {
        // SAFETY: COM1's line-status and data registers; reading LSR has no side effects.
        unsafe {
            while cpu::inb(LINE_STATUS) & LSR_THR_EMPTY == 0 {
                core::hint::spin_loop();
            }
            cpu::outb(DATA, byte);
        }
    }
}

impl fmt::Write for SerialPort {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.write_byte(b'\r');
            }
            self.write_byte(b);
        }
        Ok(())
    }
}

pub static PORT: IrqLock<SerialPort> = IrqLock::new(SerialPort { _private: () });

/// Programs COM1 for 115200 baud, 8N1, FIFOs on, receive interrupts off
/// (they are turned on by [`enable_rx_interrupt`] once the IDT exists).
pub fn init() {
    let _guard = PORT.lock();
    // SAFETY: the standard 16550 programming sequence on COM1's registers.
    unsafe {
        cpu::outb(INT_ENABLE, 0x00);
        cpu::outb(LINE_CTRL, 0x80); // DLAB on: next two writes set the divisor
        cpu::outb(DATA, 0x01); // divisor 1 = 115200 baud
        cpu::outb(INT_ENABLE, 0x00);
        cpu::outb(LINE_CTRL, 0x03); // 8 bits, no parity, one stop bit
        cpu::outb(FIFO_CTRL, 0xC7); // enable and clear FIFOs, 14-byte threshold
        cpu::outb(MODEM_CTRL, 0x0B); // DTR, RTS, OUT2 (OUT2 gates the IRQ line)
    }
}

/// Asks the UART to raise IRQ 4 when a byte arrives.
pub fn enable_rx_interrupt() {
    let _guard = PORT.lock();
    // SAFETY: IER bit 0 = received-data-available interrupt.
    unsafe { cpu::outb(INT_ENABLE, 0x01) }
}

/// Writes formatted text; used by the logging macros.
pub fn write_fmt(args: fmt::Arguments) {
    use fmt::Write;
    let mut port = PORT.lock();
    let _ = port.write_fmt(args);
}

/// Writes raw bytes (a user process's output), with `\n` as CR LF like the
/// rest of the console.
pub fn write_bytes(bytes: &[u8]) {
    let mut port = PORT.lock();
    for &b in bytes {
        if b == b'\n' {
            port.write_byte(b'\r');
        }
        port.write_byte(b);
    }
}

/// Writes formatted text even if the lock is held by code that will never
/// resume (panic and fatal exception paths).
pub fn write_fmt_emergency(args: fmt::Arguments) {
    use fmt::Write;
    if PORT.try_lock().is_none() {
        // SAFETY: we are on a path that never returns to the lock holder.
        unsafe { PORT.force_unlock() };
    }
    let mut port = PORT.lock();
    let _ = port.write_fmt(args);
}

const RX_CAPACITY: usize = 256;

/// Bytes received but not yet read by the shell. When full, new bytes are
/// dropped (and counted) rather than overwriting unread input.
struct RxBuffer {
    bytes: [u8; RX_CAPACITY],
    head: usize,
    len: usize,
    dropped: u64,
}

static RX: IrqLock<RxBuffer> = IrqLock::new(RxBuffer {
    bytes: [0; RX_CAPACITY],
    head: 0,
    len: 0,
    dropped: 0,
});

/// Threads waiting for input (the shell).
static RX_WAIT: WaitQueue = WaitQueue::new();

/// IRQ 4 handler body: moves every waiting byte into the ring buffer and
/// wakes the readers.
pub fn handle_rx_interrupt() {
    fill_rx();
    RX_WAIT.wake_all();
}

fn fill_rx() {
    let mut rx = RX.lock();
    // SAFETY: reading LSR and the data register of COM1; reading DATA pops the FIFO,
    // which is exactly what we want here.
    while unsafe { cpu::inb(LINE_STATUS) } & LSR_DATA_READY != 0 {
        let byte = unsafe { cpu::inb(DATA) };
        if rx.len == RX_CAPACITY {
            rx.dropped += 1;
            continue;
        }
        let tail = (rx.head + rx.len) % RX_CAPACITY;
        rx.bytes[tail] = byte;
        rx.len += 1;
    }
}

/// Takes one received byte, if any.
pub fn read_byte() -> Option<u8> {
    let mut rx = RX.lock();
    if rx.len == 0 {
        return None;
    }
    let b = rx.bytes[rx.head];
    rx.head = (rx.head + 1) % RX_CAPACITY;
    rx.len -= 1;
    Some(b)
}

/// Blocks until a byte arrives: the thread sleeps on a wait queue (other
/// threads run meanwhile) and the receive interrupt wakes it.
pub fn read_byte_blocking() -> u8 {
    let mut byte = None;
    RX_WAIT.wait_until(|| {
        byte = read_byte();
        byte.is_some()
    });
    byte.unwrap_or(0)
}
