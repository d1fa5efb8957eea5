//! Rendered lines as text for a terminal: ANSI SGR escapes for colour and
//! emphasis, or nothing but the characters. Used by `megarepo sheet show`.
//!
//! Each span is written as "set its style, write its text, reset", which is
//! longer than tracking style changes but can never leak a style onto the
//! next span or past the end of a line.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use super::render::render;
use super::theme::{Theme, ThemeKind, no_color_requested};

/// Whether output to stdout should be coloured: it is a terminal and the
/// user has not set `NO_COLOR`.
pub fn stdout_wants_color() -> bool {
    std::io::stdout().is_terminal() && !no_color_requested()
}

/// Renders `markdown` for printing: coloured with `kind`'s theme when
/// `color`, otherwise plain text.
pub fn render_ansi(markdown: &str, width: u16, kind: ThemeKind, color: bool) -> String {
    let theme = if color {
        Theme::of(kind)
    } else {
        Theme::plain()
    };
    to_ansi(&render(markdown, width, &theme).lines, color)
}

/// Lines as text, one per `\n`; with escapes only when `color`.
pub fn to_ansi(lines: &[Line<'_>], color: bool) -> String {
    let mut out = String::new();
    for line in lines {
        let mut text = String::new();
        for span in &line.spans {
            let sgr = if color {
                sgr(span.style)
            } else {
                String::new()
            };
            if sgr.is_empty() {
                text.push_str(&span.content);
            } else {
                write!(text, "\x1b[{sgr}m{}\x1b[0m", span.content).ok();
            }
        }
        // Padding at the end of a line is invisible and gets in the way of
        // copying and of `diff`.
        let trimmed = if color {
            text.as_str()
        } else {
            text.trim_end()
        };
        out.push_str(trimmed);
        out.push('\n');
    }
    out
}

/// The SGR parameters for a style, e.g. `1;38;2;255;0;0`; empty for none.
fn sgr(style: Style) -> String {
    let mut codes: Vec<String> = Vec::new();
    let m = style.add_modifier;
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(flag) {
            codes.push(code.into());
        }
    }
    if let Some(fg) = style.fg.and_then(|c| color(c, false)) {
        codes.push(fg);
    }
    if let Some(bg) = style.bg.and_then(|c| color(c, true)) {
        codes.push(bg);
    }
    codes.join(";")
}

fn color(c: Color, background: bool) -> Option<String> {
    let base = if background { 40 } else { 30 };
    let bright = if background { 100 } else { 90 };
    let named = |n: u8, hi: bool| Some(format!("{}", if hi { bright } else { base } + n));
    match c {
        Color::Reset => None,
        Color::Black => named(0, false),
        Color::Red => named(1, false),
        Color::Green => named(2, false),
        Color::Yellow => named(3, false),
        Color::Blue => named(4, false),
        Color::Magenta => named(5, false),
        Color::Cyan => named(6, false),
        Color::Gray => named(7, false),
        Color::DarkGray => named(0, true),
        Color::LightRed => named(1, true),
        Color::LightGreen => named(2, true),
        Color::LightYellow => named(3, true),
        Color::LightBlue => named(4, true),
        Color::LightMagenta => named(5, true),
        Color::LightCyan => named(6, true),
        Color::White => named(7, true),
        Color::Indexed(i) => Some(format!("{};5;{i}", base + 8)),
        Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", base + 8)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    #[test]
    fn colour_uses_sgr_and_plain_has_no_escapes() {
        let lines = vec![Line::from(vec![
            Span::styled(
                "fn",
                Style::new()
                    .fg(Color::Rgb(1, 2, 3))
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(" main  "),
        ])];
        assert_eq!(
            to_ansi(&lines, true),
            "\x1b[1;38;2;1;2;3mfn\x1b[0m main  \n"
        );
        assert_eq!(to_ansi(&lines, false), "fn main\n");
    }

    #[test]
    fn render_ansi_plain_is_readable_text() {
        let out = render_ansi(
            "# Title\n\nSome *text* and `code`.\n",
            40,
            ThemeKind::Dark,
            false,
        );
        assert!(!out.contains('\x1b'), "{out:?}");
        assert_eq!(out, "Title\n═════\n\nSome text and `code`.\n");
        let coloured = render_ansi("# Title\n", 40, ThemeKind::Dark, true);
        assert!(coloured.contains("\x1b["), "{coloured:?}");
    }
}
