//! The kernel heap: two allocation strategies and the `#[global_allocator]`
//! that dispatches to the one chosen on the command line.

pub mod fixed_block;
pub mod global;
pub mod linked_list;
