//! The console widget every project pane uses: a bounded ring of styled
//! lines, scrollback with keys and the wheel, exact terminal-style
//! wrapping, "follow the tail", and an optional input line with history.
//!
//! A pane owns a [`Console`], pushes lines into it as its service reports
//! (a serial line, a reply, a log entry), hands it keys it does not use
//! itself, and draws it. Lines keep a [`Tone`] rather than a style, so a
//! theme switch recolours the whole scrollback.

use crate::theme::Theme;
use crate::tui::input::{InputEvent, LineInput};
use crate::tui::keymap::{Key, KeyHelp, Keymap, bind};
use crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::VecDeque;

/// How a line is coloured; resolved against the theme when drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Text,
    Dim,
    Error,
    Ok,
    /// What the learner typed, echoed.
    Echo,
    /// Output of a child process with ANSI colour codes, parsed when drawn.
    Ansi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Tail,
}

const SCROLL_KEYS: Keymap<Scroll> = Keymap::new(&[
    bind(
        &[Key::ch('k'), Key::code(KeyCode::Up)],
        "k / ↑",
        "scroll the output up a line",
        Scroll::Up,
    ),
    bind(
        &[Key::ch('j'), Key::code(KeyCode::Down)],
        "j / ↓",
        "scroll down a line",
        Scroll::Down,
    ),
    bind(
        &[Key::code(KeyCode::PageUp)],
        "PgUp",
        "scroll up a page",
        Scroll::PageUp,
    ),
    bind(
        &[Key::code(KeyCode::PageDown)],
        "PgDn",
        "scroll down a page",
        Scroll::PageDown,
    ),
    bind(
        &[Key::ch('g'), Key::code(KeyCode::Home)],
        "g / Home",
        "oldest output",
        Scroll::Top,
    ),
    bind(
        &[Key::ch('G'), Key::code(KeyCode::End)],
        "G / End",
        "newest output, and follow it",
        Scroll::Tail,
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typing {
    Submit,
    Leave,
    History,
}

/// The keys of the input line (its editing keys are the line editor's).
const TYPING_KEYS: Keymap<Typing> = Keymap::new(&[
    bind(
        &[Key::code(KeyCode::Enter)],
        "enter",
        "run the line",
        Typing::Submit,
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        "esc",
        "leave the input line (then the pane's keys work)",
        Typing::Leave,
    ),
    bind(
        &[Key::code(KeyCode::Up), Key::code(KeyCode::Down)],
        "↑ ↓",
        "line history",
        Typing::History,
    ),
]);

/// What a key did to the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleEvent {
    /// Enter on the input line: the line, already cleared from the input.
    Submit(String),
    /// Esc on the input line: the console stopped taking text.
    Left,
    /// The key was used (typed, scrolled).
    Handled,
    /// Not a console key.
    Unhandled,
}

/// A scrollback with an optional input line.
pub struct Console {
    lines: VecDeque<(String, Tone)>,
    cap: usize,
    /// Wrapped rows scrolled up from the newest; 0 follows the tail.
    scroll: usize,
    /// Rows the output area had at the last draw-size notification, for
    /// page scrolling.
    page: usize,
    input: Option<LineInput>,
    prompt: &'static str,
    typing: bool,
    /// Shown while there is no output yet.
    placeholder: String,
}

impl Console {
    /// A console keeping at most `cap` lines, without an input line.
    pub fn new(cap: usize) -> Self {
        Console {
            lines: VecDeque::new(),
            cap: cap.max(1),
            scroll: 0,
            page: 10,
            input: None,
            prompt: "",
            typing: false,
            placeholder: String::new(),
        }
    }

    /// Add an input line shown with `prompt`. The console starts in
    /// navigation mode: showing a tab never lands in text input, the
    /// pane's `i` / `enter` starts typing (`set_typing`), esc leaves.
    pub fn with_input(mut self, prompt: &'static str) -> Self {
        self.input = Some(LineInput::new());
        self.prompt = prompt;
        self.typing = false;
        self
    }

    /// Change the input line's prompt (a REPL's continuation prompt while a
    /// statement spans lines).
    pub fn set_prompt(&mut self, prompt: &'static str) {
        self.prompt = prompt;
    }

    pub fn set_placeholder(&mut self, text: impl Into<String>) {
        self.placeholder = text.into();
    }

    /// Append text (one entry per line of it). While following the tail the
    /// view stays at the bottom; while scrolled up it stays where it is.
    pub fn push(&mut self, text: impl AsRef<str>, tone: Tone) {
        for l in text.as_ref().split('\n') {
            let l = l.strip_suffix('\r').unwrap_or(l);
            self.lines.push_back((l.to_string(), tone));
            if self.scroll > 0 {
                self.scroll += 1;
            }
        }
        while self.lines.len() > self.cap {
            self.lines.pop_front();
        }
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }

    pub fn say(&mut self, text: impl AsRef<str>) {
        self.push(text, Tone::Text);
    }

    pub fn error(&mut self, text: impl AsRef<str>) {
        self.push(text, Tone::Error);
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.scroll = 0;
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines held, oldest first.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(|(l, _)| l.as_str())
    }

    /// Newest output is in view and new lines keep it there.
    pub fn is_following(&self) -> bool {
        self.scroll == 0
    }

    pub fn typing(&self) -> bool {
        self.typing && self.input.is_some()
    }

    /// Start or stop taking text (only a console with an input line types).
    pub fn set_typing(&mut self, on: bool) {
        self.typing = on && self.input.is_some();
    }

    /// Pasted text goes into the input line while typing.
    pub fn paste(&mut self, text: &str) -> bool {
        match (&mut self.input, self.typing) {
            (Some(input), true) => {
                input.insert_str(&text.replace(['\n', '\r'], " "));
                true
            }
            _ => false,
        }
    }

    fn scroll_by(&mut self, cmd: Scroll) {
        let max = self.lines.len().saturating_sub(1);
        let page = self.page.max(1);
        self.scroll = match cmd {
            Scroll::Up => self.scroll + 1,
            Scroll::Down => self.scroll.saturating_sub(1),
            Scroll::PageUp => self.scroll + page,
            Scroll::PageDown => self.scroll.saturating_sub(page),
            Scroll::Top => max,
            Scroll::Tail => 0,
        }
        .min(max);
    }

    /// A key: typed into the input line while typing, else scrolling.
    pub fn handle_key(&mut self, key: KeyEvent) -> ConsoleEvent {
        if self.typing
            && let Some(input) = &mut self.input
        {
            return match input.handle_key(key) {
                InputEvent::Submit(line) => {
                    self.scroll = 0;
                    ConsoleEvent::Submit(line)
                }
                InputEvent::Cancel => {
                    self.typing = false;
                    ConsoleEvent::Left
                }
                InputEvent::Edited => ConsoleEvent::Handled,
                InputEvent::Unhandled => ConsoleEvent::Unhandled,
            };
        }
        match SCROLL_KEYS.lookup(&key) {
            Some(cmd) => {
                self.scroll_by(cmd);
                ConsoleEvent::Handled
            }
            None => ConsoleEvent::Unhandled,
        }
    }

    /// The mouse wheel scrolls.
    pub fn handle_mouse(&mut self, ev: &MouseEvent) -> bool {
        match ev.kind {
            MouseEventKind::ScrollUp => {
                for _ in 0..3 {
                    self.scroll_by(Scroll::Up);
                }
                true
            }
            MouseEventKind::ScrollDown => {
                for _ in 0..3 {
                    self.scroll_by(Scroll::Down);
                }
                true
            }
            _ => false,
        }
    }

    /// The keys the console answers now, for the help overlay.
    pub fn keys(&self) -> Vec<KeyHelp> {
        if self.typing() {
            TYPING_KEYS.help()
        } else {
            SCROLL_KEYS.help()
        }
    }

    /// The help of a pane built around this console: while typing only the
    /// input line's keys work; otherwise the pane's own, then scrolling.
    pub fn keys_with(&self, pane: Vec<KeyHelp>) -> Vec<KeyHelp> {
        if self.typing() {
            return self.keys();
        }
        let mut k = pane;
        k.extend(self.keys());
        k
    }

    /// The area is known before drawing (for page-sized scrolling).
    pub fn on_resize(&mut self, area: Rect) {
        self.page = (area.height as usize).saturating_sub(2).max(1);
    }

    fn style(theme: &Theme, tone: Tone) -> ratatui::style::Style {
        match tone {
            Tone::Text | Tone::Ansi => theme.text,
            Tone::Dim => theme.dim,
            Tone::Error => theme.error,
            Tone::Ok => theme.ok,
            Tone::Echo => theme.key,
        }
    }

    /// Draw the output, and the input line (or `hint` when not typing) on
    /// the last row when the console has one.
    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme, hint: &str) {
        let (out, input) = if self.input.is_some() && area.height > 1 {
            let out = Rect {
                height: area.height - 1,
                ..area
            };
            let input = Rect {
                y: area.y + area.height - 1,
                height: 1,
                ..area
            };
            (out, Some(input))
        } else {
            (area, None)
        };
        let color = theme.mode != crate::theme::Mode::Plain;
        let drawn = draw_tail(f, out, &self.lines, self.scroll, |(l, tone)| match tone {
            Tone::Ansi => crate::tui::ansi::line(l, theme.text, color),
            t => Line::styled(l.clone(), Self::style(theme, *t)),
        });
        if !drawn && !self.placeholder.is_empty() {
            f.render_widget(
                Paragraph::new(self.placeholder.as_str())
                    .style(theme.dim)
                    .wrap(ratatui::widgets::Wrap { trim: false }),
                out,
            );
        }
        if let (Some(row), Some(input)) = (input, &self.input) {
            let line = if self.typing {
                input.line(self.prompt, row.width, theme.text)
            } else {
                let more = if self.scroll > 0 {
                    format!("↓ {} newer line(s) (G) · ", self.scroll)
                } else {
                    String::new()
                };
                Line::styled(
                    crate::tui::text::truncate(&format!("{more}{hint}"), usize::from(row.width)),
                    theme.dim,
                )
            };
            f.render_widget(Paragraph::new(line), row);
        }
    }
}

/// Draw the newest items that fit in `area`, wrapped exactly to its width,
/// anchored to the bottom, `scroll` items up from the end. Returns false
/// when there was nothing to draw.
pub fn draw_tail<T>(
    f: &mut Frame,
    area: Rect,
    items: &VecDeque<T>,
    scroll: usize,
    to_line: impl Fn(&T) -> Line<'static>,
) -> bool {
    let h = area.height as usize;
    let w = area.width.max(1) as usize;
    let end = items.len().saturating_sub(scroll);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut i = end;
    while i > 0 && rows.len() < h {
        i -= 1;
        // Wrapped between words, continuation rows marked, never inside a
        // word; the row count is exact, so the newest line is always fully
        // visible.
        let marker = Span::styled(
            crate::tui::text::CONTINUED,
            Style::new().add_modifier(Modifier::DIM),
        );
        let mut wrapped = crate::tui::text::wrap_line(to_line(&items[i]), w, &marker);
        wrapped.reverse();
        rows.extend(wrapped);
    }
    if rows.is_empty() {
        return false;
    }
    rows.truncate(h);
    rows.reverse();
    f.render_widget(Paragraph::new(rows), area);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn shows_newest_lines_wrapped_at_the_bottom() {
        let items: VecDeque<String> = (0..50)
            .map(|i| format!("line {i} {}", "x".repeat(i % 3 * 8)))
            .collect();
        let mut t = Terminal::new(TestBackend::new(12, 4)).unwrap();
        t.draw(|f| {
            draw_tail(f, f.area(), &items, 0, |s| Line::raw(s.clone()));
        })
        .unwrap();
        let screen = t.backend().to_string();
        assert!(screen.contains("line 49"), "{screen}");
        assert!(!screen.contains("line 46"), "{screen}");
        let mut t = Terminal::new(TestBackend::new(12, 4)).unwrap();
        t.draw(|f| {
            draw_tail(f, f.area(), &items, 10, |s| Line::raw(s.clone()));
        })
        .unwrap();
        assert!(t.backend().to_string().contains("line 39"));
    }

    #[test]
    fn console_is_bounded_follows_the_tail_and_keeps_a_scrolled_view() {
        let mut c = Console::new(5);
        for i in 0..8 {
            c.say(format!("line {i}"));
        }
        assert_eq!(c.len(), 5, "the ring keeps the newest lines only");
        assert_eq!(c.lines().next(), Some("line 3"));
        assert!(c.is_following());
        assert_eq!(c.handle_key(Key::ch('k').event()), ConsoleEvent::Handled);
        assert!(!c.is_following());
        c.say("line 8");
        // scrolled up: a new line does not move what the learner reads
        let screen = |c: &Console| {
            let mut t = Terminal::new(TestBackend::new(20, 3)).unwrap();
            t.draw(|f| c.draw(f, f.area(), &Theme::plain(), ""))
                .unwrap();
            t.backend().to_string()
        };
        assert!(!screen(&c).contains("line 8"), "{}", screen(&c));
        assert_eq!(c.handle_key(Key::ch('G').event()), ConsoleEvent::Handled);
        assert!(c.is_following());
        assert!(screen(&c).contains("line 8"));
        assert_eq!(c.handle_key(Key::ch('z').event()), ConsoleEvent::Unhandled);
    }

    #[test]
    fn console_input_submits_keeps_history_and_leaves_on_esc() {
        use crossterm::event::KeyModifiers;
        let mut c = Console::new(100).with_input("kv> ");
        // A console starts in navigation mode; the pane's `i` starts typing.
        assert!(!c.typing());
        c.set_typing(true);
        assert!(c.typing());
        for ch in "get a".chars() {
            c.handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
        }
        assert_eq!(
            c.handle_key(Key::code(KeyCode::Enter).event()),
            ConsoleEvent::Submit("get a".into())
        );
        c.handle_key(Key::code(KeyCode::Up).event());
        assert_eq!(
            c.handle_key(Key::code(KeyCode::Enter).event()),
            ConsoleEvent::Submit("get a".into()),
            "up recalls the last line"
        );
        // q is text while typing
        assert_eq!(c.handle_key(Key::ch('q').event()), ConsoleEvent::Handled);
        assert_eq!(
            c.handle_key(Key::code(KeyCode::Esc).event()),
            ConsoleEvent::Left
        );
        assert!(!c.typing());
        assert_eq!(c.handle_key(Key::ch('q').event()), ConsoleEvent::Unhandled);
        assert!(c.keys().iter().any(|k| k.shown == "G / End"));
    }

    #[test]
    fn console_output_wraps_between_words() {
        let items: VecDeque<String> = ["get KEY      print a value", "keys         list keys"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut t = Terminal::new(TestBackend::new(16, 6)).unwrap();
        t.draw(|f| {
            draw_tail(f, f.area(), &items, 0, |s| Line::raw(s.clone()));
        })
        .unwrap();
        let screen = t.backend().to_string();
        // Whole words, the continuation marked: no "print a va" / "lue".
        assert!(screen.contains("↪ print a value"), "{screen}");
        assert!(screen.contains("↪ list keys"), "{screen}");
    }
}
