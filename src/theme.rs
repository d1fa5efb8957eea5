//! Colours and styles for the TUI, in one place.
//!
//! With `NO_COLOR` set (https://no-color.org) every style is built from
//! modifiers only (bold, reversed, dim, underline), so the app stays usable
//! on a monochrome terminal.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Dark,
    Light,
    Plain,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub mode: Mode,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    pub selected: Style,
    pub done: Style,
    pub open: Style,
    pub section: Style,
    pub accent: Style,
    pub gauge: Style,
    pub error: Style,
    pub ok: Style,
    pub status: Style,
    pub key: Style,
    pub tab: Style,
    pub tab_active: Style,
}

impl Theme {
    /// Pick the theme from the environment: NO_COLOR wins, then
    /// `MEGAREPO_THEME=light|dark`, else dark.
    pub fn from_env() -> Theme {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Theme::plain();
        }
        match std::env::var("MEGAREPO_THEME").as_deref() {
            Ok("light") => Theme::light(),
            _ => Theme::dark(),
        }
    }

    pub fn dark() -> Theme {
        let fg = Color::Rgb(220, 220, 220);
        Theme {
            mode: Mode::Dark,
            text: Style::new().fg(fg),
            dim: Style::new().fg(Color::Rgb(130, 130, 140)),
            title: Style::new()
                .fg(Color::Rgb(255, 170, 90))
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::Rgb(90, 90, 100)),
            border_focused: Style::new().fg(Color::Rgb(255, 170, 90)),
            selected: Style::new()
                .bg(Color::Rgb(55, 60, 80))
                .add_modifier(Modifier::BOLD),
            done: Style::new().fg(Color::Rgb(120, 200, 120)),
            open: Style::new().fg(fg),
            section: Style::new()
                .fg(Color::Rgb(120, 170, 255))
                .add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Rgb(255, 170, 90)),
            gauge: Style::new()
                .fg(Color::Rgb(120, 200, 120))
                .bg(Color::Rgb(50, 50, 55)),
            error: Style::new()
                .fg(Color::Rgb(255, 110, 110))
                .add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Rgb(120, 200, 120)),
            status: Style::new().bg(Color::Rgb(40, 40, 48)).fg(fg),
            key: Style::new()
                .fg(Color::Rgb(255, 200, 120))
                .add_modifier(Modifier::BOLD),
            tab: Style::new().fg(Color::Rgb(150, 150, 160)),
            tab_active: Style::new()
                .fg(Color::Rgb(255, 170, 90))
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    pub fn light() -> Theme {
        let fg = Color::Rgb(30, 30, 35);
        Theme {
            mode: Mode::Light,
            text: Style::new().fg(fg),
            dim: Style::new().fg(Color::Rgb(110, 110, 120)),
            title: Style::new()
                .fg(Color::Rgb(170, 80, 0))
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::Rgb(170, 170, 180)),
            border_focused: Style::new().fg(Color::Rgb(170, 80, 0)),
            selected: Style::new()
                .bg(Color::Rgb(215, 225, 245))
                .add_modifier(Modifier::BOLD),
            done: Style::new().fg(Color::Rgb(20, 120, 40)),
            open: Style::new().fg(fg),
            section: Style::new()
                .fg(Color::Rgb(20, 70, 170))
                .add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Rgb(170, 80, 0)),
            gauge: Style::new()
                .fg(Color::Rgb(20, 140, 50))
                .bg(Color::Rgb(225, 225, 230)),
            error: Style::new()
                .fg(Color::Rgb(190, 20, 20))
                .add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Rgb(20, 120, 40)),
            status: Style::new().bg(Color::Rgb(225, 225, 232)).fg(fg),
            key: Style::new()
                .fg(Color::Rgb(170, 80, 0))
                .add_modifier(Modifier::BOLD),
            tab: Style::new().fg(Color::Rgb(100, 100, 110)),
            tab_active: Style::new()
                .fg(Color::Rgb(170, 80, 0))
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    pub fn plain() -> Theme {
        let n = Style::new();
        Theme {
            mode: Mode::Plain,
            text: n,
            dim: n.add_modifier(Modifier::DIM),
            title: n.add_modifier(Modifier::BOLD),
            border: n,
            border_focused: n.add_modifier(Modifier::BOLD),
            selected: n.add_modifier(Modifier::REVERSED),
            done: n,
            open: n,
            section: n.add_modifier(Modifier::BOLD),
            accent: n.add_modifier(Modifier::BOLD),
            gauge: n.add_modifier(Modifier::REVERSED),
            error: n.add_modifier(Modifier::BOLD),
            ok: n,
            status: n.add_modifier(Modifier::REVERSED),
            key: n.add_modifier(Modifier::BOLD),
            tab: n,
            tab_active: n.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }
}

impl Theme {
    /// The frame of an area: thick and highlighted when it has the focus.
    pub fn frame(&self, focused: bool) -> ratatui::widgets::Block<'static> {
        use ratatui::widgets::{Block, BorderType, Borders};
        Block::default()
            .borders(Borders::ALL)
            .border_type(if focused {
                BorderType::Thick
            } else {
                BorderType::Rounded
            })
            .border_style(if focused {
                self.border_focused
            } else {
                self.border
            })
    }
}
