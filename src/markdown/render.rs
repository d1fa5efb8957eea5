//! The renderer: pulldown-cmark events in, wrapped and styled ratatui lines out.
//!
//! One pass over the events. Inline events (text, emphasis, links, inline
//! code) append styled pieces to a buffer; when a block ends (paragraph,
//! heading, list item, table cell) the buffer is word-wrapped to the width
//! left after the block's prefix and emitted as lines. The prefix comes from
//! a stack of containers (block quotes draw a bar, list items a marker on
//! their first line and an indent after), so nesting composes without each
//! block knowing where it sits. Code blocks bypass wrapping: they are
//! highlighted line by line (rustdoc's hidden lines dropped) and cut only
//! when longer than the width. Tables are collected whole and laid out at
//! their end (see `table`). Alongside the lines, headings and links are
//! recorded with their line index, for a table of contents and for opening.

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::highlight::Highlighter;
use super::table::{TableData, layout};
use super::theme::Theme;
use super::wrap::{Pieces, hard_wrap, text_width, wrap};
use crate::examples::{CodeInfo, hidden_line, markdown_options};

/// A heading, for a table of contents and jumps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#` through 6.
    pub level: u8,
    /// The heading's text without formatting.
    pub title: String,
    /// Index into [`Rendered::lines`] of its first line.
    pub line: usize,
}

/// A link (or image) in the text, shown as `text[index]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The number shown after the text, starting at 1.
    pub index: usize,
    pub text: String,
    pub url: String,
    /// Index into [`Rendered::lines`] of the line where the text ends.
    pub line: usize,
}

/// A rendered document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// Some code blocks were left unhighlighted by [`render_quick`] because
    /// their colours were not ready; render again after [`prepare_highlighting`].
    pub highlight_pending: bool,
}

/// Renders `markdown` to lines at most `width` columns wide (tables in very
/// narrow widths excepted). Loads the shared highlighter only if the text has
/// a code block to highlight.
pub fn render(markdown: &str, width: u16, theme: &Theme) -> Rendered {
    Renderer::new(width, theme, None).run(markdown)
}

/// [`render`] that never waits for syntect: code blocks whose colours are
/// not already cached are shown plain and `highlight_pending` is set. For a
/// UI that must draw now; pair it with [`prepare_highlighting`] on a worker
/// thread, then render again.
pub fn render_quick(markdown: &str, width: u16, theme: &Theme) -> Rendered {
    let mut renderer = Renderer::new(width, theme, None);
    renderer.only_cached = true;
    renderer.run(markdown)
}

/// Highlights every code block of `markdown` into the shared cache (loading
/// syntect if needed), so the next [`render_quick`] finds them. Slow the
/// first time (tens of milliseconds): call it off the UI thread.
pub fn prepare_highlighting(markdown: &str, theme: &Theme) {
    // Highlighting does not depend on the width, so any width fills the cache.
    render(markdown, 80, theme);
}

/// [`render`] with a given highlighter instead of the shared one.
pub fn render_with(
    markdown: &str,
    width: u16,
    theme: &Theme,
    highlighter: &Highlighter,
) -> Rendered {
    Renderer::new(width, theme, Some(highlighter)).run(markdown)
}

/// Something that adds a prefix to each line of the blocks inside it.
#[derive(Debug)]
enum Container {
    Quote,
    /// A list item or footnote: `marker` on its first line, spaces after.
    Item {
        marker: String,
        style: Style,
        used: bool,
    },
}

#[derive(Debug)]
struct CodeState {
    info: CodeInfo,
    text: String,
}

struct LinkState {
    url: String,
    text: String,
    image: bool,
}

struct Renderer<'a> {
    theme: &'a Theme,
    width: usize,
    highlighter: Option<&'a Highlighter>,
    /// Use only cached highlighting (see [`render_quick`]).
    only_cached: bool,
    out: Rendered,
    pieces: Pieces,
    styles: Vec<Style>,
    containers: Vec<Container>,
    /// Next number of each open list (`None` for bullets).
    lists: Vec<Option<u64>>,
    /// A blank line is due before the next block.
    gap: bool,
    heading: Option<(u8, String)>,
    links: Vec<LinkState>,
    code: Option<CodeState>,
    html: Option<String>,
    table: Option<TableData>,
    row: Vec<Pieces>,
    in_metadata: bool,
}

impl<'a> Renderer<'a> {
    fn new(width: u16, theme: &'a Theme, highlighter: Option<&'a Highlighter>) -> Self {
        Renderer {
            theme,
            width: usize::from(width).max(1),
            highlighter,
            only_cached: false,
            out: Rendered::default(),
            pieces: Vec::new(),
            styles: Vec::new(),
            containers: Vec::new(),
            lists: Vec::new(),
            gap: false,
            heading: None,
            links: Vec::new(),
            code: None,
            html: None,
            table: None,
            row: Vec::new(),
            in_metadata: false,
        }
    }

    fn run(mut self, markdown: &str) -> Rendered {
        for event in Parser::new_ext(markdown, markdown_options()) {
            self.event(event);
        }
        self.flush_inline();
        // Trailing blank lines carry nothing.
        while self
            .out
            .lines
            .last()
            .is_some_and(|l| l.spans.iter().all(|s| s.content.trim().is_empty()))
        {
            self.out.lines.pop();
        }
        self.out
    }

    fn style(&self) -> Style {
        self.styles
            .iter()
            .fold(Style::new(), |acc, s| acc.patch(*s))
    }

    fn push_text(&mut self, text: &str, style: Style) {
        if let Some(link) = self.links.last_mut() {
            link.text.push_str(text);
        }
        if let Some((_, title)) = self.heading.as_mut() {
            title.push_str(text);
        }
        self.pieces.push((text.to_string(), style));
    }

    fn event(&mut self, event: Event<'_>) {
        if self.in_metadata {
            if matches!(event, Event::End(TagEnd::MetadataBlock(_))) {
                self.in_metadata = false;
            }
            return;
        }
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(text) => code.text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.end_code_block(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some(html) = self.html.as_mut() {
                    html.push_str(&text);
                } else {
                    let style = self.style();
                    self.push_text(&text, style);
                }
            }
            Event::Code(code) => {
                let style = self.style().patch(self.theme.inline_code);
                // Without colour, backticks are the only way to tell code apart.
                if self.theme.is_plain() {
                    self.push_text(&format!("`{code}`"), style);
                } else {
                    self.push_text(&code, style);
                }
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                let style = self.style().patch(self.theme.inline_code);
                self.push_text(&math, style);
            }
            Event::Html(html) => {
                if let Some(buffer) = self.html.as_mut() {
                    buffer.push_str(&html);
                }
            }
            Event::InlineHtml(html) => {
                let tag = html.trim().to_ascii_lowercase();
                if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
                    self.pieces.push(("\n".into(), Style::new()));
                } else if !tag.starts_with("<!--") {
                    let style = self.style().patch(self.theme.html);
                    self.push_text(&html, style);
                }
            }
            Event::FootnoteReference(label) => {
                let style = self.theme.link_index;
                self.pieces.push((format!("[^{label}]"), style));
            }
            Event::SoftBreak => {
                let style = self.style();
                self.push_text(" ", style);
            }
            Event::HardBreak => self.pieces.push(("\n".into(), Style::new())),
            Event::Rule => {
                self.flush_inline();
                self.start_block();
                let width = self.available();
                self.emit(vec![Span::styled("─".repeat(width), self.theme.rule)]);
                self.gap = true;
            }
            Event::TaskListMarker(done) => {
                // A task item shows its box where the bullet would be.
                if let Some(Container::Item {
                    marker,
                    style,
                    used: false,
                }) = self.containers.last_mut()
                {
                    let (text, s) = if done {
                        ("[x] ", self.theme.task_done)
                    } else {
                        ("[ ] ", self.theme.task_open)
                    };
                    *marker = text.to_string();
                    *style = s;
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.flush_inline();
                self.start_block();
            }
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.start_block();
                let level = heading_level(level);
                self.heading = Some((level, String::new()));
                self.styles
                    .push(self.theme.headings[usize::from(level - 1)]);
            }
            Tag::BlockQuote(kind) => {
                self.flush_inline();
                self.start_block();
                self.containers.push(Container::Quote);
                self.styles.push(self.theme.quote_text);
                if let Some(kind) = kind {
                    let label = match kind {
                        BlockQuoteKind::Note => "Note",
                        BlockQuoteKind::Tip => "Tip",
                        BlockQuoteKind::Important => "Important",
                        BlockQuoteKind::Warning => "Warning",
                        BlockQuoteKind::Caution => "Caution",
                    };
                    self.emit(vec![Span::styled(label, self.theme.quote_label)]);
                }
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                self.start_block();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => CodeInfo::parse(&info),
                    CodeBlockKind::Indented => CodeInfo::default(),
                };
                self.code = Some(CodeState {
                    info,
                    text: String::new(),
                });
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_inline();
                if self.lists.is_empty() {
                    self.start_block();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush_inline();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => format!("{} ", ["•", "◦", "▪"][depth % 3]),
                };
                self.containers.push(Container::Item {
                    marker,
                    style: self.theme.list_marker,
                    used: false,
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.flush_inline();
                self.start_block();
                self.containers.push(Container::Item {
                    marker: format!("[^{label}] "),
                    style: self.theme.link_index,
                    used: false,
                });
            }
            Tag::Table(aligns) => {
                self.flush_inline();
                self.start_block();
                self.table = Some(TableData {
                    aligns,
                    rows: Vec::new(),
                    header_rows: 0,
                });
            }
            Tag::TableHead | Tag::TableRow => self.row.clear(),
            Tag::TableCell => self.pieces.clear(),
            Tag::Emphasis => self.styles.push(self.theme.emphasis),
            Tag::Strong => self.styles.push(self.theme.strong),
            Tag::Strikethrough => self.styles.push(self.theme.strikethrough),
            Tag::Superscript | Tag::Subscript => self.styles.push(Style::new()),
            Tag::Link { dest_url, .. } => {
                self.styles.push(self.theme.link);
                self.links.push(LinkState {
                    url: dest_url.to_string(),
                    text: String::new(),
                    image: false,
                });
            }
            Tag::Image { dest_url, .. } => {
                self.styles.push(self.theme.link);
                let style = self.style();
                self.pieces.push(("[image: ".into(), style));
                self.links.push(LinkState {
                    url: dest_url.to_string(),
                    text: String::new(),
                    image: true,
                });
            }
            Tag::MetadataBlock(_) => self.in_metadata = true,
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.flush_inline();
                self.start_block();
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.gap = true;
            }
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.styles.pop();
                self.containers.pop();
                self.gap = true;
            }
            TagEnd::CodeBlock => self.end_code_block(),
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    let trimmed = html.trim();
                    // Comments are notes for authors, not for readers.
                    if !(trimmed.starts_with("<!--") && trimmed.ends_with("-->")) {
                        self.start_block();
                        for line in trimmed.lines() {
                            let spans = vec![(self.theme.html, line.to_string())];
                            for l in hard_wrap(spans, self.available()) {
                                self.emit(l);
                            }
                        }
                        self.gap = true;
                    }
                }
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                // Only the end of a whole list separates it from what follows;
                // a nested list ends inside a (tight) item.
                if self.lists.is_empty() {
                    self.gap = true;
                }
            }
            TagEnd::Item => {
                self.flush_inline();
                self.pop_item();
            }
            TagEnd::FootnoteDefinition => {
                self.flush_inline();
                self.pop_item();
                self.gap = true;
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    let width = self.available();
                    let first = self.out.lines.len();
                    for line in layout(&table, width, self.theme) {
                        self.emit(line);
                    }
                    self.fix_link_lines(first);
                }
                self.gap = true;
            }
            TagEnd::TableHead => {
                if let Some(table) = self.table.as_mut() {
                    table.rows.push(std::mem::take(&mut self.row));
                    table.header_rows = table.rows.len();
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    table.rows.push(std::mem::take(&mut self.row));
                }
            }
            TagEnd::TableCell => self.row.push(std::mem::take(&mut self.pieces)),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                self.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => self.end_link(),
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {
                self.flush_inline();
                self.gap = true;
            }
        }
    }

    fn end_link(&mut self) {
        self.styles.pop();
        let Some(link) = self.links.pop() else { return };
        let style = self.style();
        if link.image {
            self.pieces.push(("]".into(), style.patch(self.theme.link)));
        }
        let index = self.out.links.len() + 1;
        self.pieces
            .push((format!("[{index}]"), self.theme.link_index));
        if let Some(outer) = self.links.last_mut() {
            // A link inside an image's text (rare) counts for both.
            outer.text.push_str(&link.text);
        }
        self.out.links.push(Link {
            index,
            text: link.text,
            url: link.url,
            // Fixed when the paragraph is emitted (see `flush_inline`).
            line: usize::MAX,
        });
    }

    fn end_heading(&mut self) {
        let Some((level, title)) = self.heading.take() else {
            return;
        };
        self.styles.pop();
        let line = self.out.lines.len();
        let pieces = std::mem::take(&mut self.pieces);
        let width = self.available();
        let wrapped = wrap(&pieces, width);
        let title_width = wrapped
            .iter()
            .map(|l| l.iter().map(|s| text_width(&s.content)).sum())
            .max()
            .unwrap_or(0);
        for spans in wrapped {
            self.emit(spans);
        }
        self.fix_link_lines(line);
        // Top levels get an underline, so they stand out even without colour.
        let underline = match level {
            1 => Some("═"),
            2 => Some("─"),
            _ => None,
        };
        if let Some(ch) = underline {
            let style =
                self.theme.headings[usize::from(level - 1)].remove_modifier(Modifier::UNDERLINED);
            self.emit(vec![Span::styled(ch.repeat(title_width.max(1)), style)]);
        }
        self.out.headings.push(Heading {
            level,
            title: title.trim().to_string(),
            line,
        });
        self.gap = true;
    }

    fn end_code_block(&mut self) {
        let Some(code) = self.code.take() else { return };
        let info = code.info;
        let lines: Vec<String> = code
            .text
            .split_inclusive('\n')
            .map(|l| l.replace('\t', "    "))
            .collect();
        // Every line is highlighted, hidden ones too, so the grammar's state
        // (open strings, comments) is right for the lines that are shown.
        let shown: Vec<Option<String>> = lines
            .iter()
            .map(|l| {
                if info.rust {
                    hidden_line(l)
                } else {
                    Some(l.clone())
                }
            })
            .collect();
        let to_highlight: Vec<&str> = shown
            .iter()
            .zip(&lines)
            .map(|(s, l)| s.as_deref().unwrap_or(l.as_str()))
            .collect();
        let highlighted = match self.theme.syntax_theme {
            Some(theme) if !info.lang.is_empty() => {
                let highlighter = match (self.highlighter, self.only_cached) {
                    (Some(h), _) => Some(h),
                    (None, false) => Some(Highlighter::global()),
                    (None, true) => Highlighter::global_if_loaded(),
                };
                match highlighter {
                    Some(h) if self.only_cached => {
                        let cached = h.cached(&to_highlight, &info.lang, theme);
                        // A language we have no grammar for will never be
                        // coloured: nothing to wait for.
                        if cached.is_none() && h.syntax_for(&info.lang).is_some() {
                            self.out.highlight_pending = true;
                        }
                        cached
                    }
                    Some(h) => h.highlight_cached(&to_highlight, &info.lang, theme),
                    None => {
                        self.out.highlight_pending = true;
                        None
                    }
                }
            }
            _ => None,
        };

        if !info.lang.is_empty() || info.label().is_some() {
            let mut label = vec![(self.theme.code_label, info.lang.clone())];
            if let Some(note) = info.label() {
                if !info.lang.is_empty() {
                    label.push((self.theme.code_label, " · ".to_string()));
                }
                label.push((self.theme.code_note, note.to_string()));
            }
            for line in hard_wrap(label, self.available()) {
                self.emit(line);
            }
        }
        let indent = 2;
        let width = self.available().saturating_sub(indent).max(1);
        for (i, visible) in shown.iter().enumerate() {
            if visible.is_none() {
                continue;
            }
            let spans = match highlighted.as_deref().and_then(|h| h.get(i)) {
                Some(styled) => styled.clone(),
                None => {
                    let text = to_highlight[i].trim_end_matches(['\n', '\r']).to_string();
                    vec![(self.theme.code_text, text)]
                }
            };
            // Code is never cut inside a token: long lines break at
            // whitespace and the continuation is marked.
            let line = Line::from(
                spans
                    .into_iter()
                    .map(|(st, t)| Span::styled(t, st))
                    .collect::<Vec<_>>(),
            );
            let marker = Span::styled(crate::tui::text::CONTINUED, self.theme.code_label);
            for row in crate::tui::text::wrap_line(line, width, &marker) {
                let mut line = row.spans;
                line.insert(0, Span::raw(" ".repeat(indent)));
                self.emit(line);
            }
        }
        self.gap = true;
    }

    /// Width left for text inside the current containers.
    fn available(&self) -> usize {
        let used: usize = self
            .containers
            .iter()
            .map(|c| match c {
                Container::Quote => 2,
                Container::Item { marker, .. } => text_width(marker),
            })
            .sum();
        self.width.saturating_sub(used).max(1)
    }

    /// Emits the due blank line, if any, before a block starts.
    fn start_block(&mut self) {
        if self.gap && !self.out.lines.is_empty() {
            let mut prefix = String::new();
            let mut spans = Vec::new();
            for c in &self.containers {
                match c {
                    Container::Quote => {
                        if !prefix.is_empty() {
                            spans.push(Span::raw(std::mem::take(&mut prefix)));
                        }
                        spans.push(Span::styled("│", self.theme.quote_bar));
                        prefix.push(' ');
                    }
                    Container::Item { marker, .. } => {
                        prefix.push_str(&" ".repeat(text_width(marker)))
                    }
                }
            }
            self.out.lines.push(Line::from(spans));
        }
        self.gap = false;
    }

    /// Adds one line of content, behind the containers' prefixes.
    fn emit(&mut self, spans: Vec<Span<'static>>) {
        let mut line = Vec::with_capacity(spans.len() + self.containers.len());
        for c in &mut self.containers {
            match c {
                Container::Quote => line.push(Span::styled("│ ", self.theme.quote_bar)),
                Container::Item {
                    marker,
                    style,
                    used,
                } => {
                    if *used {
                        line.push(Span::raw(" ".repeat(text_width(marker))));
                    } else {
                        line.push(Span::styled(marker.clone(), *style));
                        *used = true;
                    }
                }
            }
        }
        line.extend(spans);
        self.out.lines.push(Line::from(line));
    }

    fn pop_item(&mut self) {
        // An item with no content (`- `) still shows its marker.
        if let Some(Container::Item { used: false, .. }) = self.containers.last() {
            self.emit(Vec::new());
        }
        self.containers.pop();
    }

    /// Wraps and emits the collected inline text, if any, as a paragraph
    /// (or a tight list item's text, or a table cell's content).
    fn flush_inline(&mut self) {
        if self.table.is_some() || self.pieces.iter().all(|(t, _)| t.trim().is_empty()) {
            if self.table.is_none() {
                self.pieces.clear();
            }
            return;
        }
        self.start_block();
        let first = self.out.lines.len();
        let pieces = std::mem::take(&mut self.pieces);
        for spans in wrap(&pieces, self.available()) {
            self.emit(spans);
        }
        self.fix_link_lines(first);
    }

    /// Gives links collected since the last emitted block the line where
    /// their `[n]` landed, now that the text is wrapped.
    fn fix_link_lines(&mut self, first: usize) {
        for link in self
            .out
            .links
            .iter_mut()
            .rev()
            .take_while(|l| l.line == usize::MAX)
        {
            let tag = format!("[{}]", link.index);
            link.line = (first..self.out.lines.len())
                .find(|&i| self.out.lines[i].spans.iter().any(|s| s.content == tag))
                .unwrap_or(first);
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
