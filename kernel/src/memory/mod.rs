//! Memory management: physical frames, 4-level paging, and guarded stacks.
//! `kernel_space::init` wires them together at boot.

pub mod frames;
pub mod kernel_space;
pub mod layout;
pub mod paging;
pub mod stacks;
