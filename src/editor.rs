//! Handing a file to the learner's own editor (`$VISUAL`, then `$EDITOR`).
//!
//! Used by `megarepo sheet new` and `megarepo journal add` without text.
//! The variable may carry arguments (`code --wait`), so it is split on
//! whitespace; the editor inherits the terminal and we wait for it.

use anyhow::{Context, Result, bail};
use std::path::Path;

/// The configured editor command, if any.
/// An empty variable counts as unset (`VISUAL= cmd` falls to `$EDITOR`).
pub fn configured() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
}

/// Run `editor` on `path` and wait for it to exit successfully.
pub fn edit(editor: &str, path: &Path) -> Result<()> {
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(path)
        .status()
        .with_context(|| format!("cannot run editor `{editor}`"))?;
    if !status.success() {
        bail!("editor `{editor}` exited with {status}");
    }
    Ok(())
}
