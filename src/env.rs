//! Where the learner's data and the content live, for the command line and
//! the TUI alike: the data folder (`--data-dir`, `MEGAREPO_HOME`, else the
//! platform's data directory) and the loaded content (the checkout's
//! `lessons/` and `cheatsheets/`, else the copies built into the binary).

use crate::content::{Content, Node};
use crate::store::{Store, default_data_dir};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// What every command needs: where data lives and the loaded content.
pub struct Env {
    pub data_dir: PathBuf,
    pub content: Content,
}

impl Env {
    /// Resolve the folders: `data_dir` if given, else the default; the
    /// content folder if given, else the checkout's, else the built-in copy.
    pub fn resolve(data_dir: Option<PathBuf>, content_dir: Option<&Path>) -> Env {
        let data_dir = data_dir.unwrap_or_else(default_data_dir);
        let dir = crate::content::resolve_dir(content_dir);
        let content = Content::load(dir.as_deref());
        Env { data_dir, content }
    }

    pub fn open_store(&self) -> Result<Store> {
        Ok(Store::open(&self.data_dir)?)
    }

    /// Content problems go to stderr as warnings: the command still runs on
    /// the built-in copy.
    pub fn warn_content(&self) {
        for w in &self.content.warnings {
            eprintln!("warning: {w} (using the built-in roadmap)");
        }
    }

    pub fn node(&self, id: &str) -> Result<&Node> {
        Ok(self.content.roadmap.require(id)?)
    }
}
