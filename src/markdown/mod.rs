//! Markdown to ratatui text (in progress).
