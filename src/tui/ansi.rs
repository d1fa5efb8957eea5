//! ANSI colour (SGR) sequences in text from child processes (a kernel's
//! serial port, a server's log) turned into ratatui spans. Other escape
//! sequences (cursor movement, clearing) are dropped, so a misbehaving
//! program cannot scribble over the rest of the screen.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

fn basic(n: u16) -> Color {
    match n {
        0 => Color::Black,
        1 => Color::Red,
        2 => Color::Green,
        3 => Color::Yellow,
        4 => Color::Blue,
        5 => Color::Magenta,
        6 => Color::Cyan,
        _ => Color::Gray,
    }
}

fn bright(n: u16) -> Color {
    match n {
        0 => Color::DarkGray,
        1 => Color::LightRed,
        2 => Color::LightGreen,
        3 => Color::LightYellow,
        4 => Color::LightBlue,
        5 => Color::LightMagenta,
        6 => Color::LightCyan,
        _ => Color::White,
    }
}

fn apply_sgr(params: &str, base: Style, mut style: Style, color: bool) -> Style {
    let nums: Vec<u16> = if params.is_empty() {
        vec![0]
    } else {
        params.split(';').map(|p| p.parse().unwrap_or(0)).collect()
    };
    let mut i = 0;
    while i < nums.len() {
        let n = nums[i];
        match n {
            0 => style = base,
            1 => style = style.add_modifier(Modifier::BOLD),
            2 => style = style.add_modifier(Modifier::DIM),
            3 => style = style.add_modifier(Modifier::ITALIC),
            4 => style = style.add_modifier(Modifier::UNDERLINED),
            7 => style = style.add_modifier(Modifier::REVERSED),
            22 => style = style.remove_modifier(Modifier::BOLD | Modifier::DIM),
            23 => style = style.remove_modifier(Modifier::ITALIC),
            24 => style = style.remove_modifier(Modifier::UNDERLINED),
            27 => style = style.remove_modifier(Modifier::REVERSED),
            30..=37 if color => style = style.fg(basic(n - 30)),
            39 if color => style = style.fg(base.fg.unwrap_or(Color::Reset)),
            40..=47 if color => style = style.bg(basic(n - 40)),
            49 if color => style = style.bg(base.bg.unwrap_or(Color::Reset)),
            90..=97 if color => style = style.fg(bright(n - 90)),
            100..=107 if color => style = style.bg(bright(n - 100)),
            38 | 48 => {
                // 38;5;N or 38;2;R;G;B (and 48 for background)
                let c = match nums.get(i + 1) {
                    Some(5) => {
                        let c = nums.get(i + 2).map(|&v| Color::Indexed(v.min(255) as u8));
                        i += 2;
                        c
                    }
                    Some(2) => {
                        let rgb = (nums.get(i + 2), nums.get(i + 3), nums.get(i + 4));
                        i += 4;
                        match rgb {
                            (Some(&r), Some(&g), Some(&b)) => {
                                Some(Color::Rgb(r as u8, g as u8, b as u8))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                if let (Some(c), true) = (c, color) {
                    style = if n == 38 { style.fg(c) } else { style.bg(c) };
                }
            }
            _ => {}
        }
        i += 1;
    }
    style
}

/// Parse one line of output. With `color` false (NO_COLOR), colours are
/// dropped but bold/underline are kept.
pub fn line(text: &str, base: Style, color: bool) -> Line<'static> {
    let mut spans = Vec::new();
    let mut style = base;
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    let mut params = String::new();
                    let mut fin = None;
                    for p in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&p) {
                            fin = Some(p);
                            break;
                        }
                        params.push(p);
                    }
                    if fin == Some('m') {
                        if !cur.is_empty() {
                            spans.push(Span::styled(std::mem::take(&mut cur), style));
                        }
                        style = apply_sgr(&params, base, style, color);
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            }
        } else if c == '\t' {
            cur.push_str("    ");
        } else if c == '\r' {
            // a bare CR within a line: keep what follows (progress-bar style)
            cur.clear();
        } else if !c.is_control() {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_reset() {
        let l = line("\x1b[1;32mok\x1b[0m done", Style::new(), true);
        assert_eq!(l.spans.len(), 2);
        assert_eq!(l.spans[0].content, "ok");
        assert_eq!(l.spans[0].style.fg, Some(Color::Green));
        assert!(l.spans[0].style.add_modifier.contains(Modifier::BOLD));
        assert_eq!(l.spans[1].content, " done");
        assert_eq!(l.spans[1].style, Style::new());
    }

    #[test]
    fn other_escapes_and_garbage_are_dropped() {
        let l = line(
            "a\x1b[2Jb\x1b[Hc\x07\x1b[38;5;999md\x1b",
            Style::new(),
            true,
        );
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "abcd");
    }

    #[test]
    fn no_color_keeps_modifiers_only() {
        let l = line("\x1b[31;1mred\x1b[0m", Style::new(), false);
        assert_eq!(l.spans[0].style.fg, None);
        assert!(l.spans[0].style.add_modifier.contains(Modifier::BOLD));
    }
}
