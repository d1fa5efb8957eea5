//! Markdown for the terminal: cheat sheets and lessons rendered to ratatui
//! lines, with syntax-highlighted code, tables, links and search.
//!
//! `render` walks pulldown-cmark's events and produces a [`Rendered`]
//! document (wrapped lines plus its headings and links); `highlight` holds
//! the lazily loaded syntect sets; `wrap` and `table` do the layout;
//! `search` finds and marks text in the rendered lines; `view` draws them in
//! a frame; `ansi` prints them for the command line. Styles come from
//! `theme` (dark, light, or plain for `NO_COLOR`).

mod ansi;
mod highlight;
mod render;
mod search;
mod table;
#[cfg(test)]
mod tests;
mod theme;
mod view;
mod wrap;

pub use ansi::{render_ansi, stdout_wants_color, to_ansi};
pub use highlight::{Highlighter, StyledLine, SyntaxLoadError};
pub use render::{
    Heading, Link, Rendered, prepare_highlighting, render, render_quick, render_with,
};
pub use search::{Match, find_matches, highlight_matches, line_text};
pub use theme::{Theme, ThemeKind, no_color_requested};
pub use view::MarkdownView;
pub use wrap::{text_width, wrap};
