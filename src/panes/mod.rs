//! The panes. `checklist` is the always-visible tree on the left; the rest
//! are tabs in the main area, each behind the [`crate::pane::Pane`] trait.

pub mod checklist;
pub mod item;
pub mod journal;
pub mod kernel;
pub mod kv;
pub mod sheets;
pub mod stats;

use crate::app::App;

/// Add the tab panes of this build to the app, in tab order.
pub fn register(app: &mut App) -> Result<(), crate::store::StoreError> {
    use crate::study::clock::{Clock, SystemClock};
    use std::sync::Arc;
    let clock: Arc<dyn Clock + Send + Sync> = Arc::new(SystemClock::new());
    app.add_tab(Box::new(sheets::SheetsPane::default()));
    let stats = stats::StatsPane::new(&app.store, app.content.roadmap.clone(), clock.clone())?;
    app.study_status = Some(stats.status_handle());
    app.add_tab(Box::new(stats));
    app.add_tab(Box::new(journal::JournalPane::new(&app.store, clock)));
    app.add_tab(Box::new(kv::KvPane::new()));
    app.add_tab(Box::new(kernel::KernelPane::new()));
    Ok(())
}
