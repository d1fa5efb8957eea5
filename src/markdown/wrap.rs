//! Word wrapping of styled text to a width in terminal columns.
//!
//! Input is a run of `(text, style)` pieces as the renderer collected them
//! from one paragraph, heading or table cell; `\n` inside a piece is a hard
//! break. Words are split at whitespace (collapsed to one space) and keep
//! their pieces' styles, so `**bold**,` stays one word in two styles. A word
//! wider than the whole width is cut at character boundaries. Widths come
//! from `unicode-width`, so CJK and emoji count as two columns.

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

/// Styled pieces of inline text, in order.
pub type Pieces = Vec<(String, Style)>;

/// Columns a string takes.
pub fn text_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Wraps `pieces` into lines no wider than `width` columns (at least 1).
/// Every hard break and every paragraph gives at least one line, possibly empty.
pub fn wrap(pieces: &[(String, Style)], width: usize) -> Vec<Vec<Span<'static>>> {
    let mut w = Wrapper {
        width: width.max(1),
        lines: Vec::new(),
        line: Vec::new(),
        line_width: 0,
        space: None,
        word: Vec::new(),
        word_width: 0,
    };
    for (text, style) in pieces {
        for c in text.chars() {
            if c == '\n' {
                w.finish_word();
                w.break_line();
                w.space = None;
            } else if c.is_whitespace() {
                w.finish_word();
                if w.line_width > 0 {
                    w.space = Some(*style);
                }
            } else {
                w.push_char(c, *style);
            }
        }
    }
    w.finish_word();
    if !w.line.is_empty() || w.lines.is_empty() {
        w.break_line();
    }
    w.lines
}

struct Wrapper {
    width: usize,
    lines: Vec<Vec<Span<'static>>>,
    line: Vec<Span<'static>>,
    line_width: usize,
    /// A space waiting to go before the next word, with its style (an
    /// underlined link keeps its underline between its words).
    space: Option<Style>,
    word: Vec<(String, Style)>,
    word_width: usize,
}

impl Wrapper {
    fn push_char(&mut self, c: char, style: Style) {
        match self.word.last_mut() {
            Some((text, s)) if *s == style => text.push(c),
            _ => self.word.push((c.to_string(), style)),
        }
        self.word_width += char_width(c);
    }

    fn break_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        self.line_width = 0;
    }

    fn push_span(&mut self, text: String, style: Style) {
        self.line_width += text_width(&text);
        // Merge with the previous span when the style is the same, to keep
        // lines short in spans (cheaper to draw and to search).
        if let Some(last) = self.line.last_mut()
            && last.style == style
        {
            last.content.to_mut().push_str(&text);
            return;
        }
        self.line.push(Span::styled(text, style));
    }

    fn finish_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let word = std::mem::take(&mut self.word);
        let word_width = std::mem::take(&mut self.word_width);
        let space = self.space.take().filter(|_| self.line_width > 0);
        let space_width = usize::from(space.is_some());

        if self.line_width + space_width + word_width <= self.width {
            if let Some(style) = space {
                self.push_span(" ".into(), style);
            }
        } else if word_width <= self.width {
            self.break_line();
        } else {
            // Longer than a whole line: start it here if some room is left,
            // then cut it wherever the line is full.
            if self.line_width + space_width < self.width {
                if let Some(style) = space {
                    self.push_span(" ".into(), style);
                }
            } else if self.line_width > 0 {
                self.break_line();
            }
            for (text, style) in word {
                let mut chunk = String::new();
                for c in text.chars() {
                    let cw = char_width(c);
                    if self.line_width + text_width(&chunk) + cw > self.width
                        && (self.line_width > 0 || !chunk.is_empty())
                    {
                        if !chunk.is_empty() {
                            self.push_span(std::mem::take(&mut chunk), style);
                        }
                        self.break_line();
                    }
                    chunk.push(c);
                }
                if !chunk.is_empty() {
                    self.push_span(chunk, style);
                }
            }
            return;
        }
        for (text, style) in word {
            self.push_span(text, style);
        }
    }
}

/// Cuts one line of spans into lines of at most `width` columns, at any
/// character (for code, where words must not be rejoined or collapsed).
pub fn hard_wrap(spans: Vec<(Style, String)>, width: usize) -> Vec<Vec<Span<'static>>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (style, text) in spans {
        let mut chunk = String::new();
        for c in text.chars() {
            let cw = char_width(c);
            if used + cw > width && used > 0 {
                if !chunk.is_empty() {
                    line.push(Span::styled(std::mem::take(&mut chunk), style));
                }
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            chunk.push(c);
            used += cw;
        }
        if !chunk.is_empty() {
            line.push(Span::styled(chunk, style));
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn plain(lines: &[Vec<Span<'static>>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn words(s: &str) -> Pieces {
        vec![(s.to_string(), Style::new())]
    }

    #[test]
    fn wraps_at_word_boundaries_within_width() {
        let text = "the quick brown fox jumps over the lazy dog";
        let lines = plain(&wrap(&words(text), 10));
        assert_eq!(
            lines,
            ["the quick", "brown fox", "jumps over", "the lazy", "dog"]
        );
        for line in &lines {
            assert!(text_width(line) <= 10);
        }
    }

    #[test]
    fn collapses_whitespace_and_honours_hard_breaks() {
        let lines = plain(&wrap(&words("  a   b\nc  "), 20));
        assert_eq!(lines, ["a b", "c"]);
        assert_eq!(plain(&wrap(&[], 5)), [""]);
    }

    #[test]
    fn cuts_a_word_longer_than_the_line() {
        let lines = plain(&wrap(&words("ab abcdefghij"), 4));
        assert_eq!(lines, ["ab a", "bcde", "fghi", "j"]);
    }

    #[test]
    fn counts_wide_characters_as_two_columns() {
        // Each ideograph is 2 columns: three fit in 6, not in 5.
        let lines = plain(&wrap(&words("漢字漢 字"), 6));
        assert_eq!(lines, ["漢字漢", "字"]);
        let lines = plain(&wrap(&words("漢字漢"), 5));
        assert_eq!(lines, ["漢字", "漢"]);
    }

    #[test]
    fn a_styled_word_stays_together_and_keeps_its_styles() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let pieces = vec![
            ("see ".to_string(), Style::new()),
            ("bold".to_string(), bold),
            (", then more".to_string(), Style::new()),
        ];
        let lines = wrap(&pieces, 9);
        assert_eq!(plain(&lines), ["see bold,", "then more"]);
        assert_eq!(lines[0][1].content, "bold");
        assert_eq!(lines[0][1].style, bold);
    }

    #[test]
    fn hard_wrap_cuts_code_at_the_width() {
        let lines = hard_wrap(vec![(Style::new(), "let x = 1;".into())], 4);
        assert_eq!(plain(&lines), ["let ", "x = ", "1;"]);
    }
}
