//! Threads and their scheduling.
//!
//! - `switch`: the context switch in assembly and a new thread's first frame;
//! - `thread`: a thread's record (state, priority, accounting);
//! - `policy`: the `Policy` trait and its two implementations;
//! - `scheduler`: the thread table and everything that blocks or switches;
//! - `wait`: wait queues, the building block of the blocking mutex and
//!   semaphore in `sync`.

pub mod policy;
pub mod scheduler;
pub mod switch;
pub mod thread;
pub mod wait;

pub use scheduler::*;
