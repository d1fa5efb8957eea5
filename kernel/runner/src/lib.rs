//! Host side of the Phase 5 kernel: build it, package it, boot it, watch it.
//!
//! Data flow: [`builder`] runs cargo on `kernel/` with JSON messages and
//! reports progress and compiler errors as [`builder::BuildEvent`]s; it
//! yields the kernel ELF and the BIOS loader ELF. [`image`] turns those into
//! a raw disk image for the BIOS path. [`qemu`] starts QEMU (PVH `-kernel`
//! boot or the disk image), streams the serial port line by line over a
//! channel, forwards typed bytes to the kernel, and reports how the kernel
//! exited. [`timeline`] parses the kernel's stage-tagged log lines and lays
//! out the boot chart; [`trace`] parses the scheduling trace into a
//! per-thread timeline.
//! [`cli`] puts these together for `megarepo kernel ...` and the
//! `kernel-runner` binary; the TUI pane uses the same modules directly.

pub mod bench;
pub mod builder;
pub mod cli;
pub mod image;
pub mod qemu;
pub mod suite;
pub mod terminal;
pub mod timeline;
pub mod trace;

pub use cli::{KernelCommand, run_cli};
