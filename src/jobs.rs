//! Background jobs with identity, and typed messages back to their pane.
//!
//! A pane that starts slow work (open a store, build a kernel, run a
//! benchmark, serve a port) keeps a [`Mailbox`] of its own message type. Each
//! piece of work is started as a job of a *kind* (`"build"`, `"open"`, ...):
//! starting a job cancels the previous job of the same kind and bumps that
//! kind's generation. The work reports through its [`JobSender`], which
//! carries the generation it was started with; the mailbox drops any message
//! whose generation is no longer current, so pressing a key twice can never
//! interleave two results.
//!
//! Data flow: `JobSender::send` puts the message in the pane's own typed
//! channel and wakes the app with `Action::Wake(pane id)`; the app calls the
//! pane's `on_wake`, which drains the mailbox. The channel is typed by the
//! pane's message enum, so a message for another pane does not compile:
//!
//! ```compile_fail
//! use megarepo::jobs::JobSender;
//! enum KvMsg { Opened }
//! enum KernelMsg { Built }
//! fn report(tx: &JobSender<KvMsg>) {
//!     tx.send(KernelMsg::Built); // error[E0308]: mismatched types
//! }
//! ```
//!
//! Cancellation: a job started with [`Mailbox::spawn`] (a tokio task) is
//! aborted; one started with [`Mailbox::thread`] sees
//! [`JobSender::is_cancelled`] turn true and its [`JobSender::cancel_flag`]
//! set (child-process runners such as the kernel build poll that flag and
//! kill their child). [`Mailbox::cancel_all`] is what a pane's `shutdown`
//! calls.

use crate::action::{Action, Sender};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

/// Wakes the app for one pane: "messages are waiting for you".
#[derive(Clone)]
pub struct Waker {
    tx: Sender,
    pane: &'static str,
}

impl Waker {
    pub fn new(tx: Sender, pane: &'static str) -> Self {
        Waker { tx, pane }
    }

    pub fn wake(&self) {
        self.tx.send(Action::Wake(self.pane));
    }
}

struct Envelope<M> {
    kind: &'static str,
    generation: u64,
    msg: M,
}

/// One kind of job: its current generation and how to cancel it.
struct Slot {
    kind: &'static str,
    generation: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
    task: Option<tokio::task::AbortHandle>,
}

impl Slot {
    fn stop(&mut self) {
        self.cancel.store(true, Ordering::SeqCst);
        if let Some(t) = self.task.take() {
            t.abort();
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// The sending half a job reports through; typed by the pane's message.
pub struct JobSender<M> {
    tx: mpsc::Sender<Envelope<M>>,
    kind: &'static str,
    generation: u64,
    current: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
    waker: Waker,
}

impl<M> Clone for JobSender<M> {
    fn clone(&self) -> Self {
        JobSender {
            tx: self.tx.clone(),
            kind: self.kind,
            generation: self.generation,
            current: self.current.clone(),
            cancel: self.cancel.clone(),
            waker: self.waker.clone(),
        }
    }
}

impl<M: Send> JobSender<M> {
    /// Report to the pane. Returns false when the job was superseded or
    /// cancelled (the message is then dropped): the work can stop.
    pub fn send(&self, msg: M) -> bool {
        if self.is_cancelled() {
            return false;
        }
        let env = Envelope {
            kind: self.kind,
            generation: self.generation,
            msg,
        };
        if self.tx.send(env).is_err() {
            return false;
        }
        self.waker.wake();
        true
    }

    /// True once a newer job of the same kind started, or this one was
    /// cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst) || self.current.load(Ordering::SeqCst) != self.generation
    }

    /// The flag set when the job is cancelled, for code that polls one
    /// (the kernel build kills cargo when it turns true).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }
}

/// A pane's typed inbox and the jobs that write to it.
pub struct Mailbox<M> {
    tx: mpsc::Sender<Envelope<M>>,
    rx: mpsc::Receiver<Envelope<M>>,
    slots: Vec<Slot>,
}

impl<M> Default for Mailbox<M> {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Mailbox {
            tx,
            rx,
            slots: Vec::new(),
        }
    }
}

impl<M: Send + 'static> Mailbox<M> {
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&mut self, kind: &'static str) -> &mut Slot {
        if let Some(i) = self.slots.iter().position(|s| s.kind == kind) {
            return &mut self.slots[i];
        }
        self.slots.push(Slot {
            kind,
            generation: Arc::new(AtomicU64::new(0)),
            cancel: Arc::new(AtomicBool::new(false)),
            task: None,
        });
        let last = self.slots.len() - 1;
        &mut self.slots[last]
    }

    /// Start a new job of `kind`, cancelling the one before it: from now on
    /// only messages from the returned sender are delivered for this kind.
    pub fn start(&mut self, kind: &'static str, waker: Waker) -> JobSender<M> {
        let tx = self.tx.clone();
        let slot = self.slot(kind);
        slot.stop();
        // A fresh flag: the old job keeps the set one.
        slot.cancel = Arc::new(AtomicBool::new(false));
        JobSender {
            tx,
            kind,
            generation: slot.generation.load(Ordering::SeqCst),
            current: slot.generation.clone(),
            cancel: slot.cancel.clone(),
            waker,
        }
    }

    /// Start a job on a thread (blocking work: fsync, a child process).
    pub fn thread(
        &mut self,
        kind: &'static str,
        waker: Waker,
        work: impl FnOnce(JobSender<M>) + Send + 'static,
    ) {
        let job = self.start(kind, waker);
        let name = format!("job-{kind}");
        if let Err(e) = std::thread::Builder::new().name(name).spawn(move || {
            first_frame::wait();
            work(job)
        }) {
            tracing::error!("cannot start a thread for {kind}: {e}");
        }
    }

    /// Start a job as a task on the app's tokio runtime; cancelling aborts it.
    pub fn spawn<F>(
        &mut self,
        kind: &'static str,
        waker: Waker,
        runtime: &tokio::runtime::Handle,
        work: impl FnOnce(JobSender<M>) -> F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
        let job = self.start(kind, waker);
        let handle = runtime.spawn(work(job));
        self.slot(kind).task = Some(handle.abort_handle());
    }

    /// Cancel the job of `kind` (if any); its later messages are dropped.
    pub fn cancel(&mut self, kind: &'static str) {
        if let Some(s) = self.slots.iter_mut().find(|s| s.kind == kind) {
            s.stop();
        }
    }

    /// Cancel every job (the pane is shutting down).
    pub fn cancel_all(&mut self) {
        for s in &mut self.slots {
            s.stop();
        }
    }

    /// The messages waiting, from current jobs only, in arrival order.
    pub fn drain(&mut self) -> Vec<M> {
        let mut out = Vec::new();
        while let Ok(env) = self.rx.try_recv() {
            let current = self
                .slots
                .iter()
                .find(|s| s.kind == env.kind)
                .map(|s| s.generation.load(Ordering::SeqCst));
            if current == Some(env.generation) {
                out.push(env.msg);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waker() -> (Waker, tokio::sync::mpsc::UnboundedReceiver<Action>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (Waker::new(Sender::new(tx), "test"), rx)
    }

    #[test]
    fn a_superseded_jobs_result_is_dropped() {
        let (w, mut wakes) = waker();
        let mut mb: Mailbox<u32> = Mailbox::new();
        let first = mb.start("build", w.clone());
        let second = mb.start("build", w.clone());
        // The first job finishes late, after the second started.
        assert!(second.send(2));
        assert!(!first.send(1), "a stale job is told it was superseded");
        assert!(first.is_cancelled());
        assert!(first.cancel_flag().load(Ordering::SeqCst));
        assert_eq!(mb.drain(), vec![2]);
        assert!(matches!(wakes.try_recv(), Ok(Action::Wake("test"))));
    }

    #[test]
    fn a_message_in_flight_when_cancelled_is_dropped() {
        let (w, _wakes) = waker();
        let mut mb: Mailbox<&str> = Mailbox::new();
        let open = mb.start("open", w.clone());
        let bench = mb.start("bench", w);
        assert!(open.send("opened"));
        assert!(bench.send("progress"));
        // `x` pressed while the store was opening: the open must not win.
        mb.cancel("open");
        assert_eq!(mb.drain(), vec!["progress"]);
        assert!(!open.send("opened again"));
    }

    #[test]
    fn cancel_all_aborts_tasks() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (w, _wakes) = waker();
        let mut mb: Mailbox<()> = Mailbox::new();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        mb.spawn("serve", w, rt.handle(), move |_job| async move {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            let _ = done_tx.send(());
        });
        mb.cancel_all();
        rt.block_on(async { tokio::task::yield_now().await });
        drop(rt);
        // The task was aborted: its sender is dropped without sending.
        assert!(done_rx.recv().is_err());
    }
}

/// Jobs started while the app builds its first screen (the study pane's
/// statistics, the exercise bank, the PM board) wait until that screen is
/// drawn: on two cores they would otherwise slow down the reads the first
/// frame needs. The runtime holds the gate for the few milliseconds before
/// the first frame; everywhere else (tests, the harness) it is open.
pub mod first_frame {
    use std::sync::{Condvar, Mutex};

    static HELD: Mutex<bool> = Mutex::new(false);
    static OPENED: Condvar = Condvar::new();

    /// Holds jobs' threads until the returned guard is dropped.
    pub fn hold() -> Gate {
        if let Ok(mut held) = HELD.lock() {
            *held = true;
        }
        Gate(())
    }

    /// Opens the gate when dropped (after the first frame, or on any early
    /// return before it).
    pub struct Gate(());

    impl Drop for Gate {
        fn drop(&mut self) {
            if let Ok(mut held) = HELD.lock() {
                *held = false;
            }
            OPENED.notify_all();
        }
    }

    /// Called by a job's thread before its work.
    pub(super) fn wait() {
        let Ok(mut held) = HELD.lock() else { return };
        while *held {
            match OPENED.wait(held) {
                Ok(h) => held = h,
                Err(_) => return,
            }
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_held_gate_keeps_jobs_waiting_until_dropped() {
            let gate = super::hold();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                super::wait();
                let _ = tx.send(());
            });
            let waited = rx.recv_timeout(std::time::Duration::from_millis(100));
            assert!(waited.is_err(), "the job ran before the gate opened");
            drop(gate);
            rx.recv_timeout(std::time::Duration::from_secs(10))
                .expect("the job runs once the gate opens");
        }
    }
}
