//! What the scheduler knows about one thread.

use alloc::string::String;

use crate::memory::stacks::Stack;
use crate::sched::policy::Tid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Waiting in the policy's ready set.
    Ready,
    /// On the CPU.
    Running,
    /// Waiting for the timer tick `until`.
    Sleeping { until: u64 },
    /// Waiting on a wait queue, mutex, semaphore or join.
    Blocked,
    /// Finished with this exit code; kept until joined (or dropped if
    /// detached).
    Exited { code: i64 },
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Ready => "ready",
            State::Running => "running",
            State::Sleeping { .. } => "sleeping",
            State::Blocked => "blocked",
            State::Exited { .. } => "exited",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Runs the idle loop when nothing else is ready.
    Idle,
    /// Kernel code from start to end.
    Kernel,
    /// A user-mode process (ring 3, its own address space).
    User,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Idle => "idle",
            Kind::Kernel => "kernel",
            Kind::User => "user",
        }
    }
}

pub struct Thread {
    pub tid: Tid,
    pub name: String,
    pub kind: Kind,
    pub state: State,
    pub nice: i8,
    /// Saved stack pointer while the thread is not running.
    pub rsp: u64,
    /// Its kernel stack; `None` for the boot thread, which keeps the boot
    /// kernel stack.
    pub stack: Option<Stack>,
    /// TSC cycles spent on the CPU so far.
    pub runtime: u64,
    /// Times it was switched to.
    pub switches: u64,
    /// Times it was preempted by the timer.
    pub preemptions: u64,
    /// TSC when it last started running.
    pub since: u64,
    /// Ticks left in the current time slice.
    pub slice_left: u32,
    /// The thread waiting in `join` for this one.
    pub joiner: Option<Tid>,
    /// Nobody will join it: drop the record as soon as it exits.
    pub detached: bool,
    /// Asked to stop (`kill`); a user process exits on its way back to
    /// user mode.
    pub killed: bool,
    /// Its address space, for user processes.
    pub space: Option<crate::process::AddressSpace>,
}

/// A copy of one thread's public facts, for `ps` and the tests.
#[derive(Clone, Debug)]
pub struct ThreadInfo {
    pub tid: Tid,
    pub name: String,
    pub kind: Kind,
    pub state: State,
    pub nice: i8,
    pub runtime: u64,
    pub switches: u64,
    pub preemptions: u64,
}

impl Thread {
    pub fn info(&self) -> ThreadInfo {
        ThreadInfo {
            tid: self.tid,
            name: self.name.clone(),
            kind: self.kind,
            state: self.state,
            nice: self.nice,
            runtime: self.runtime,
            switches: self.switches,
            preemptions: self.preemptions,
        }
    }
}
