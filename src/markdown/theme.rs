//! Styles for everything the Markdown renderer draws, in three variants:
//! dark and light terminals, and plain (no colour at all, for `NO_COLOR`
//! and pipes), where structure is shown with bold/italic/underline only.
//!
//! The renderer reads a [`Theme`] and never decides a colour itself, so a
//! pane can switch themes by rendering again with another value.

use ratatui::style::{Color, Modifier, Style};

/// Which family a theme belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThemeKind {
    Dark,
    Light,
    /// No colours: modifiers only, and no syntax highlighting.
    Plain,
}

/// The styles the renderer uses. Fields are public so a settings screen can
/// adjust one without rebuilding the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub kind: ThemeKind,
    /// Headings by level, `[0]` for `#` through `[5]` for `######`.
    pub headings: [Style; 6],
    pub emphasis: Style,
    pub strong: Style,
    pub strikethrough: Style,
    pub inline_code: Style,
    pub link: Style,
    /// The `[n]` shown after a link's text.
    pub link_index: Style,
    pub quote_bar: Style,
    pub quote_text: Style,
    /// `Note`, `Warning`... above a GitHub alert block quote.
    pub quote_label: Style,
    pub list_marker: Style,
    pub task_done: Style,
    pub task_open: Style,
    pub rule: Style,
    pub table_border: Style,
    pub table_header: Style,
    /// Code block language label.
    pub code_label: Style,
    /// "does not compile", "panics": how the tests treat a block.
    pub code_note: Style,
    /// Code in a language we do not highlight, or everything in plain mode.
    pub code_text: Style,
    pub html: Style,
    /// Search matches, and the one the reader is on.
    pub search_match: Style,
    pub search_current: Style,
    /// Name of the syntect theme for code blocks; `None` turns highlighting off.
    pub syntax_theme: Option<&'static str>,
}

impl Theme {
    /// For dark terminal backgrounds. Markdown structure uses the terminal's
    /// own palette (named colours), so it follows the user's colour scheme;
    /// only code uses syntect's RGB colours.
    pub fn dark() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            kind: ThemeKind::Dark,
            headings: [
                bold.fg(Color::LightCyan),
                bold.fg(Color::LightBlue),
                bold.fg(Color::LightMagenta),
                bold.fg(Color::LightYellow),
                Style::new()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::ITALIC),
                Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
            ],
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: bold,
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: Style::new().fg(Color::LightYellow).bg(Color::Indexed(236)),
            link: Style::new()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::UNDERLINED),
            link_index: Style::new().fg(Color::DarkGray),
            quote_bar: Style::new().fg(Color::DarkGray),
            quote_text: Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
            quote_label: bold.fg(Color::LightCyan),
            list_marker: Style::new().fg(Color::Yellow),
            task_done: Style::new().fg(Color::LightGreen),
            task_open: Style::new().fg(Color::Gray),
            rule: Style::new().fg(Color::DarkGray),
            table_border: Style::new().fg(Color::DarkGray),
            table_header: bold,
            code_label: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            code_note: Style::new().fg(Color::LightRed),
            code_text: Style::new().fg(Color::Gray),
            html: Style::new().fg(Color::DarkGray),
            search_match: Style::new().fg(Color::Black).bg(Color::Yellow),
            search_current: Style::new().fg(Color::Black).bg(Color::LightRed),
            syntax_theme: Some("base16-ocean.dark"),
        }
    }

    /// For light terminal backgrounds.
    pub fn light() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            kind: ThemeKind::Light,
            headings: [
                bold.fg(Color::Blue),
                bold.fg(Color::Magenta),
                bold.fg(Color::Cyan),
                bold.fg(Color::Red),
                Style::new().fg(Color::Red).add_modifier(Modifier::ITALIC),
                Style::new()
                    .fg(Color::DarkGray)
                    .add_modifier(Modifier::ITALIC),
            ],
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: bold,
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: Style::new().fg(Color::Red).bg(Color::Indexed(254)),
            link: Style::new()
                .fg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED),
            link_index: Style::new().fg(Color::Gray),
            quote_bar: Style::new().fg(Color::Gray),
            quote_text: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            quote_label: bold.fg(Color::Blue),
            list_marker: Style::new().fg(Color::Magenta),
            task_done: Style::new().fg(Color::Green),
            task_open: Style::new().fg(Color::DarkGray),
            rule: Style::new().fg(Color::Gray),
            table_border: Style::new().fg(Color::Gray),
            table_header: bold,
            code_label: Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
            code_note: Style::new().fg(Color::Red),
            code_text: Style::new().fg(Color::DarkGray),
            html: Style::new().fg(Color::Gray),
            search_match: Style::new().fg(Color::Black).bg(Color::LightYellow),
            search_current: Style::new().fg(Color::White).bg(Color::Red),
            syntax_theme: Some("InspiredGitHub"),
        }
    }

    /// No colour anywhere (the `NO_COLOR` convention): levels and emphasis are
    /// told apart by modifiers, and matches by reverse video.
    pub fn plain() -> Theme {
        let none = Style::new();
        let bold = none.add_modifier(Modifier::BOLD);
        let italic = none.add_modifier(Modifier::ITALIC);
        Theme {
            kind: ThemeKind::Plain,
            headings: [
                bold.add_modifier(Modifier::UNDERLINED),
                bold,
                bold.add_modifier(Modifier::ITALIC),
                italic,
                italic,
                italic,
            ],
            emphasis: italic,
            strong: bold,
            strikethrough: none.add_modifier(Modifier::CROSSED_OUT),
            inline_code: none,
            link: none.add_modifier(Modifier::UNDERLINED),
            link_index: none,
            quote_bar: none,
            quote_text: italic,
            quote_label: bold,
            list_marker: none,
            task_done: none,
            task_open: none,
            rule: none,
            table_border: none,
            table_header: bold,
            code_label: italic,
            code_note: bold,
            code_text: none,
            html: none,
            search_match: none.add_modifier(Modifier::REVERSED),
            search_current: none.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            syntax_theme: None,
        }
    }

    /// The theme for a kind.
    pub fn of(kind: ThemeKind) -> Theme {
        match kind {
            ThemeKind::Dark => Theme::dark(),
            ThemeKind::Light => Theme::light(),
            ThemeKind::Plain => Theme::plain(),
        }
    }

    /// `preferred`, unless the `NO_COLOR` variable is set (to anything
    /// non-empty, per no-color.org), in which case [`Theme::plain`].
    pub fn from_env(preferred: ThemeKind) -> Theme {
        if no_color_requested() {
            Theme::plain()
        } else {
            Theme::of(preferred)
        }
    }

    pub fn is_plain(&self) -> bool {
        self.kind == ThemeKind::Plain
    }
}

/// Whether the user asked for no colour with a non-empty `NO_COLOR`.
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
