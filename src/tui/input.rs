//! A one-line text input with a cursor and history, for consoles and notes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, Default)]
pub struct LineInput {
    text: Vec<char>,
    cursor: usize,
    history: Vec<String>,
    /// Position while browsing history; None = editing a fresh line.
    browsing: Option<usize>,
    /// The text is a suggestion (a field's current value): the first
    /// typed char replaces it, any editing key keeps it.
    suggested: bool,
}

/// What a key did to the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    /// The key changed the text or cursor (or was ignored harmlessly).
    Edited,
    /// Enter: the line is returned and the input cleared.
    Submit(String),
    /// Esc, or ctrl-c (which also clears the line).
    Cancel,
    /// A key the input does not use.
    Unhandled,
}

impl LineInput {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_text(s: &str) -> Self {
        let text: Vec<char> = s.chars().collect();
        LineInput {
            cursor: text.len(),
            text,
            ..Self::default()
        }
    }

    /// A field pre-filled with its current value, shown selected: typing
    /// replaces it, while an editing key (arrows, home/end, backspace)
    /// starts editing it instead.
    pub fn suggested(s: &str) -> Self {
        LineInput {
            suggested: !s.is_empty(),
            ..Self::with_text(s)
        }
    }

    /// True while the pre-filled value would be replaced by typing.
    pub fn is_suggested(&self) -> bool {
        self.suggested
    }

    pub fn text(&self) -> String {
        self.text.iter().collect()
    }

    pub fn set_text(&mut self, s: &str) {
        self.text = s.chars().collect();
        self.cursor = self.text.len();
    }

    pub fn insert_str(&mut self, s: &str) {
        if std::mem::take(&mut self.suggested) {
            self.text.clear();
            self.cursor = 0;
        }
        for c in s.chars().filter(|c| !c.is_control()) {
            self.text.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> InputEvent {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let typed = matches!(key.code, KeyCode::Char(_)) && !ctrl;
        if std::mem::take(&mut self.suggested) && typed {
            self.text.clear();
            self.cursor = 0;
        }
        match key.code {
            KeyCode::Enter => {
                let line = self.text();
                if !line.trim().is_empty() && self.history.last() != Some(&line) {
                    self.history.push(line.clone());
                }
                self.text.clear();
                self.cursor = 0;
                self.browsing = None;
                InputEvent::Submit(line)
            }
            KeyCode::Esc => InputEvent::Cancel,
            // As in a shell: ctrl-c abandons the line.
            KeyCode::Char('c') if ctrl => {
                self.text.clear();
                self.cursor = 0;
                self.browsing = None;
                InputEvent::Cancel
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                InputEvent::Edited
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.text.len();
                InputEvent::Edited
            }
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
                InputEvent::Edited
            }
            KeyCode::Char('w') if ctrl => {
                let mut start = self.cursor;
                while start > 0 && self.text[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && self.text[start - 1] != ' ' {
                    start -= 1;
                }
                self.text.drain(start..self.cursor);
                self.cursor = start;
                InputEvent::Edited
            }
            KeyCode::Char(_) if ctrl => InputEvent::Unhandled,
            KeyCode::Char(c) => {
                self.text.insert(self.cursor, c);
                self.cursor += 1;
                InputEvent::Edited
            }
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    self.text.remove(self.cursor);
                }
                InputEvent::Edited
            }
            KeyCode::Delete => {
                if self.cursor < self.text.len() {
                    self.text.remove(self.cursor);
                }
                InputEvent::Edited
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                InputEvent::Edited
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(self.text.len());
                InputEvent::Edited
            }
            KeyCode::Home => {
                self.cursor = 0;
                InputEvent::Edited
            }
            KeyCode::End => {
                self.cursor = self.text.len();
                InputEvent::Edited
            }
            KeyCode::Up => {
                if self.history.is_empty() {
                    return InputEvent::Edited;
                }
                let i = match self.browsing {
                    None => self.history.len() - 1,
                    Some(i) => i.saturating_sub(1),
                };
                self.browsing = Some(i);
                let h = self.history[i].clone();
                self.set_text(&h);
                InputEvent::Edited
            }
            KeyCode::Down => {
                match self.browsing {
                    Some(i) if i + 1 < self.history.len() => {
                        self.browsing = Some(i + 1);
                        let h = self.history[i + 1].clone();
                        self.set_text(&h);
                    }
                    Some(_) => {
                        self.browsing = None;
                        self.set_text("");
                    }
                    None => {}
                }
                InputEvent::Edited
            }
            _ => InputEvent::Unhandled,
        }
    }

    /// The input as a line with a visible cursor, scrolled so the cursor
    /// stays inside `width` columns.
    pub fn line(&self, prompt: &str, width: u16, style: Style) -> Line<'static> {
        let avail = (width as usize)
            .saturating_sub(prompt.chars().count() + 1)
            .max(1);
        let start = self.cursor.saturating_sub(avail);
        let visible: String = self.text[start..].iter().take(avail + 1).collect();
        let cur = self.cursor - start;
        let before: String = visible.chars().take(cur).collect();
        let at: String = visible
            .chars()
            .nth(cur)
            .map(String::from)
            .unwrap_or_else(|| " ".into());
        let after: String = visible.chars().skip(cur + 1).collect();
        // A suggested value shows selected, as it will be replaced.
        let text_style = if self.suggested {
            style.add_modifier(Modifier::UNDERLINED)
        } else {
            style
        };
        Line::from(vec![
            Span::styled(prompt.to_string(), style.add_modifier(Modifier::BOLD)),
            Span::styled(before, text_style),
            Span::styled(at, style.add_modifier(Modifier::REVERSED)),
            Span::styled(after, text_style),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn typing_editing_submit_and_history() {
        let mut i = LineInput::new();
        for c in "set a 1".chars() {
            i.handle_key(key(KeyCode::Char(c)));
        }
        i.handle_key(key(KeyCode::Left));
        i.handle_key(key(KeyCode::Backspace));
        assert_eq!(i.text(), "set a1");
        assert_eq!(
            i.handle_key(key(KeyCode::Enter)),
            InputEvent::Submit("set a1".into())
        );
        assert_eq!(i.text(), "");
        i.handle_key(key(KeyCode::Up));
        assert_eq!(i.text(), "set a1");
        i.handle_key(key(KeyCode::Down));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn a_suggested_value_is_replaced_by_typing_and_kept_by_editing() {
        let mut i = LineInput::suggested("2026-09-01");
        for c in "2026-08-01".chars() {
            i.handle_key(key(KeyCode::Char(c)));
        }
        assert_eq!(i.text(), "2026-08-01", "typing replaces the value");
        let mut i = LineInput::suggested("2026-09-01");
        i.handle_key(key(KeyCode::Backspace));
        i.handle_key(key(KeyCode::Char('5')));
        assert_eq!(i.text(), "2026-09-05", "an edit keeps the value");
        // The same line-editing keys as everywhere: ctrl-u clears.
        let mut i = LineInput::suggested("2026-09-01");
        i.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "");
        i.handle_key(key(KeyCode::Char('x')));
        assert_eq!(i.text(), "x");
        let mut i = LineInput::with_text("one two");
        i.handle_key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "one ");
        i.handle_key(key(KeyCode::Home));
        i.handle_key(key(KeyCode::Char('>')));
        assert_eq!(i.text(), ">one ");
    }

    #[test]
    fn multibyte_text_is_safe() {
        let mut i = LineInput::with_text("héllo→");
        i.handle_key(key(KeyCode::Backspace));
        i.handle_key(key(KeyCode::Home));
        i.handle_key(key(KeyCode::Delete));
        assert_eq!(i.text(), "éllo");
        let _ = i.line("> ", 3, Style::new());
    }
}
