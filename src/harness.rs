//! Driving one pane without the app, for tests: a store, the content, the
//! event channel and a tokio runtime (a pane may spawn tasks on it, as in
//! the app), plus delivery of the pane's wake-ups. Used by the panes' unit
//! tests and the integration tests; nothing in the app calls it.

use crate::action::{Action, Sender};
use crate::app::Io;
use crate::content::Content;
use crate::pane::{Ctx, Handled, Pane, Request};
use crate::store::Store;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

pub struct Harness {
    pub store: Store,
    pub content: Content,
    tx: Sender,
    rx: UnboundedReceiver<Action>,
    runtime: tokio::runtime::Runtime,
}

impl Harness {
    /// A harness on the store in `data_dir` and the built-in content.
    pub fn new(data_dir: &std::path::Path) -> anyhow::Result<Harness> {
        Ok(Self::with(Store::open(data_dir)?, Content::load(None))?)
    }

    pub fn with(store: Store, content: Content) -> std::io::Result<Harness> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        Ok(Harness {
            store,
            content,
            tx: Sender::new(tx),
            rx,
            runtime,
        })
    }

    /// What an app built on this harness needs (its channel and runtime).
    pub fn io(&self) -> Io {
        Io {
            tx: self.tx.clone(),
            runtime: self.runtime.handle().clone(),
        }
    }

    /// The whole app (every tab of this build, the plain theme) on this
    /// harness's store, content, channel and runtime, at `size`.
    pub fn app(&self, size: (u16, u16)) -> anyhow::Result<crate::app::App> {
        let shell = crate::panes::shell(&self.store, &self.content)?;
        crate::app::App::new(
            self.store.clone(),
            self.content.clone(),
            crate::theme::Theme::plain(),
            self.io(),
            size,
            shell,
        )
    }

    pub fn runtime(&self) -> &tokio::runtime::Handle {
        self.runtime.handle()
    }

    /// Call the pane with a context; returns what it returned and requested.
    pub fn call<R>(
        &self,
        pane: &mut dyn Pane,
        f: impl FnOnce(&mut dyn Pane, &mut Ctx) -> R,
    ) -> (R, Vec<Request>) {
        let mut cx = Ctx::new(
            &self.store,
            &self.content,
            &self.tx,
            self.runtime.handle(),
            pane.id(),
        );
        let r = f(pane, &mut cx);
        (r, cx.requests)
    }

    pub fn key(&self, pane: &mut dyn Pane, code: KeyCode) -> (Handled, Vec<Request>) {
        self.key_event(pane, KeyEvent::new(code, KeyModifiers::NONE))
    }

    pub fn key_event(&self, pane: &mut dyn Pane, key: KeyEvent) -> (Handled, Vec<Request>) {
        self.call(pane, |p, cx| p.handle_key(key, cx))
    }

    /// Deliver everything queued for an app built on this harness (its
    /// panes' wake-ups); returns how many actions arrived.
    pub fn pump_app(&mut self, app: &mut crate::app::App) -> usize {
        let mut n = 0;
        while let Ok(a) = self.rx.try_recv() {
            n += 1;
            app.update(a);
        }
        n
    }

    /// Deliver the pane's pending wake-ups; returns how many arrived.
    pub fn pump(&mut self, pane: &mut dyn Pane) -> usize {
        let mut n = 0;
        while let Ok(a) = self.rx.try_recv() {
            if let Action::Wake(id) = a
                && id == pane.id()
            {
                n += 1;
                self.call(pane, |p, cx| p.on_wake(cx));
            }
        }
        n
    }

    /// Deliver wake-ups (and ticks, when the pane wants them) until `done`
    /// holds or `timeout` passes; false on timeout.
    pub fn pump_until(
        &mut self,
        pane: &mut dyn Pane,
        timeout: Duration,
        mut done: impl FnMut(&dyn Pane) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.pump(pane);
            if pane.tick_every().is_some() {
                self.call(pane, |p, cx| p.tick(cx));
            }
            if done(pane) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
