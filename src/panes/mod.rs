//! The panes. `checklist` is the always-visible roadmap on the left (the
//! [`Sidebar`]); the rest are tabs in the main area, each behind the
//! [`Pane`] trait. [`tabs`] is the one list of tabs: adding a pane is one
//! file here plus one line there (see ARCHITECTURE.md, "How to add a pane").

pub mod checklist;
pub mod db;
pub mod exercises;
pub mod item;
pub mod journal;
pub mod kernel;
pub mod kv;
pub mod net;
pub mod pm;
pub mod sheets;
pub mod stats;
pub mod today;

use crate::app::Shell;
use crate::content::Content;
use crate::pane::{Pane, Sidebar};
use crate::store::{Store, StoreError};
use crate::study::clock::{Clock, SystemClock};
use std::sync::Arc;

/// The tab panes of this build, in tab order (F1, F2, ...). None of them
/// starts work until it is shown.
pub fn tabs(
    store: &Store,
    content: &Content,
    clock: Arc<dyn Clock + Send + Sync>,
) -> Result<Vec<Box<dyn Pane>>, StoreError> {
    Ok(vec![
        Box::new(today::TodayPane::new(clock.clone())),
        Box::new(item::ItemPane::new(content.roadmap.clone())),
        Box::new(sheets::SheetsPane::default()),
        Box::new(stats::StatsPane::new(
            store,
            content.roadmap.clone(),
            clock.clone(),
        )?),
        Box::new(journal::JournalPane::new(store, clock.clone())),
        Box::new(exercises::ExercisesPane::new(clock)),
        Box::new(pm::PmPane::new()),
        Box::new(kv::KvPane::new()),
        Box::new(net::NetPane::new()),
        Box::new(db::DbPane::new()),
        Box::new(kernel::KernelPane::new()),
    ])
}

/// The roadmap and the tabs, on the system clock.
pub fn shell(store: &Store, content: &Content) -> Result<Shell, StoreError> {
    let clock: Arc<dyn Clock + Send + Sync> = Arc::new(SystemClock::new());
    let sidebar: Box<dyn Sidebar> = Box::new(checklist::ChecklistPane::new(
        content.roadmap.clone(),
        store,
    )?);
    Ok(Shell {
        sidebar,
        tabs: tabs(store, content, clock)?,
    })
}

/// The tab a roadmap pane name leads to, by the title the learner sees on
/// the tab bar ("stats" and "timer" are the Study tab). `tests/platform.rs`
/// checks this against the tabs' own ids and titles.
pub const TAB_TITLES: &[(&str, &str)] = &[
    (today::ID, "Today"),
    (item::ID, "Item"),
    (sheets::ID, "Sheets"),
    (stats::ID, "Study"),
    ("timer", "Study"),
    (journal::ID, "Journal"),
    (exercises::ID, "Exercises"),
    (pm::ID, "PM"),
    (kv::ID, "KV"),
    (net::ID, "Net"),
    (db::ID, "DB"),
    (kernel::ID, "Kernel"),
];

/// The tab title for a roadmap pane name, if a tab has it.
pub fn tab_title(pane: &str) -> Option<&'static str> {
    TAB_TITLES
        .iter()
        .find(|(id, _)| *id == pane)
        .map(|(_, t)| *t)
}

/// Pane names the roadmap may already use for panes this build does not
/// have yet; opening one says so in the status line.
pub const PLANNED: &[&str] = &[];
