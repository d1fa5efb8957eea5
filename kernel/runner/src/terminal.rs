//! Raw input for `kernel run` on a terminal.
//!
//! In the terminal's usual (canonical) mode the tty driver echoes each
//! typed line and hands it over only at Enter, so every shell command showed
//! twice (the tty's echo, then the kernel's) and the kernel's own line
//! editing never saw a key. [`RawInput`] switches off canonical mode, echo
//! and signal keys for as long as it lives, so keys reach the kernel one by
//! one and only the kernel echoes them. Ctrl-C then arrives as the byte
//! [`CTRL_C`]; `kernel run` stops QEMU when it sees it, and the previous
//! settings come back on drop (a SIGINT would have killed us before the
//! terminal could be restored).

use std::os::fd::RawFd;

/// What Ctrl-C sends once signal keys are off.
pub const CTRL_C: u8 = 0x03;

/// Terminal settings to restore; `None` inside when `fd` is not a terminal.
pub struct RawInput {
    fd: RawFd,
    saved: Option<libc::termios>,
}

impl RawInput {
    /// Puts `fd` into raw input mode if it is a terminal; otherwise (a pipe,
    /// a file) changes nothing.
    pub fn enable(fd: RawFd) -> std::io::Result<RawInput> {
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(fd) } != 1 {
            return Ok(RawInput { fd, saved: None });
        }
        // SAFETY: termios is plain old data; tcgetattr fills it.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd is an open terminal, `saved` is a valid termios to fill.
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut raw = saved;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ECHONL | libc::IEXTEN | libc::ISIG);
        // Enter arrives as CR, which the kernel's shell takes as end of line.
        raw.c_iflag &= !(libc::ICRNL | libc::IXON);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: fd is an open terminal and `raw` a complete termios.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &raw) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(RawInput {
            fd,
            saved: Some(saved),
        })
    }

    /// Whether the terminal was switched (false for pipes and files).
    pub fn is_active(&self) -> bool {
        self.saved.is_some()
    }
}

impl Drop for RawInput {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restoring the settings read from the same descriptor.
            unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, saved) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lflag(fd: RawFd) -> libc::tcflag_t {
        // SAFETY: test-only; fd is the pty opened below.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        t.c_lflag
    }

    #[test]
    fn raw_mode_turns_off_echo_and_line_buffering_and_restores_them() {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills two descriptors; null name/termios/winsize are allowed.
        let r = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(r, 0, "openpty failed");
        let before = lflag(slave);
        assert_ne!(before & libc::ECHO, 0, "a fresh pty echoes");
        assert_ne!(before & libc::ICANON, 0, "a fresh pty is canonical");
        {
            let raw = RawInput::enable(slave).expect("raw mode");
            assert!(raw.is_active());
            let during = lflag(slave);
            assert_eq!(during & (libc::ECHO | libc::ICANON | libc::ISIG), 0);
        }
        assert_eq!(lflag(slave), before, "settings restored on drop");
        // SAFETY: closing the descriptors openpty gave us.
        unsafe {
            libc::close(master);
            libc::close(slave);
        }
    }

    #[test]
    fn a_pipe_is_left_alone() {
        let mut fds = [0; 2];
        // SAFETY: pipe fills two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let raw = RawInput::enable(fds[0]).expect("no error on a pipe");
        assert!(!raw.is_active());
        drop(raw);
        // SAFETY: closing our pipe.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
    }
}

/// Local echo for raw mode, so typing shows at once.
///
/// The kernel echoes every key, but its output reaches us line by line
/// (QEMU's serial output is read as lines), so in raw mode a command would
/// only appear when Enter completes the kernel's line. `LocalEcho` shows the
/// keys immediately and keeps the typed-but-unsent text; when a line from
/// the kernel arrives it is printed over the local echo (`\r`, clear to end
/// of line) and the pending text is drawn again below it, so every command
/// appears once, in the kernel's own echo.
#[derive(Debug, Default)]
pub struct LocalEcho {
    pending: String,
}

/// Clears the current terminal row.
const CLEAR_ROW: &str = "\r\x1b[K";

impl LocalEcho {
    /// What to print for a typed byte.
    pub fn key(&mut self, b: u8) -> String {
        match b {
            // Enter: the kernel's echo line will replace the local text.
            b'\r' | b'\n' => {
                self.pending.clear();
                String::new()
            }
            0x08 | 0x7f => {
                if self.pending.pop().is_some() {
                    "\x08 \x08".into()
                } else {
                    String::new()
                }
            }
            0x20..=0x7e => {
                self.pending.push(b as char);
                (b as char).to_string()
            }
            _ => String::new(),
        }
    }

    /// What to print for a line from the kernel (ends with a newline and,
    /// if the user is in the middle of typing, their pending text).
    pub fn line(&self, line: &str) -> String {
        format!("{CLEAR_ROW}{line}\n{}", self.pending)
    }
}

#[cfg(test)]
mod echo_tests {
    use super::*;

    #[test]
    fn keys_echo_at_once_and_the_kernel_line_replaces_them() {
        let mut e = LocalEcho::default();
        let typed: String = b"psx".iter().map(|&b| e.key(b)).collect();
        assert_eq!(typed, "psx");
        assert_eq!(e.key(0x7f), "\x08 \x08");
        assert_eq!(e.key(b'\r'), "");
        // The kernel echoes the finished line: printed over the local echo.
        assert_eq!(e.line("ps"), "\r\x1b[Kps\n");
        assert_eq!(e.key(0x7f), "", "nothing left to erase");
    }

    #[test]
    fn output_while_typing_keeps_the_pending_text() {
        let mut e = LocalEcho::default();
        e.key(b'k');
        e.key(b'i');
        assert_eq!(e.line("hog[2]: spinning"), "\r\x1b[Khog[2]: spinning\nki");
        assert_eq!(e.key(0x1b), "", "escape bytes are not echoed");
    }
}
