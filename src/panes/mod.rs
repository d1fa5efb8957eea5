//! The panes. `checklist` is the always-visible tree on the left; the rest
//! are tabs in the main area, each behind the [`crate::pane::Pane`] trait.

pub mod checklist;
pub mod item;
pub mod journal;
pub mod stats;

use crate::app::App;

/// Add the tab panes of this build to the app, in tab order.
pub fn register(_app: &mut App) {}
