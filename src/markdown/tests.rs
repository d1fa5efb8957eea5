//! Rendering tests: snapshots of documents drawn into ratatui's TestBackend
//! at a fixed size (what the reader sees, character for character), and
//! checks on what snapshots cannot show: styles, headings, links.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use super::*;

const SAMPLE: &str = include_str!("testdata/sample.md");

/// Draws the rendered lines into a TestBackend of `width` x `height`.
fn draw(rendered: &Rendered, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| frame.render_widget(MarkdownView::new(&rendered.lines, 0), frame.area()))
        .expect("draw");
    terminal
}

fn texts(rendered: &Rendered) -> Vec<String> {
    rendered.lines.iter().map(line_text).collect()
}

#[test]
fn snapshot_table_with_alignment() {
    let md = "| Reference | Count | Mutate? |\n|:--|:-:|--:|\n| `&T` | any | no |\n| `&mut T` | exactly one, and only while nothing else looks | yes |\n";
    let rendered = render(md, 40, &Theme::dark());
    for line in texts(&rendered) {
        assert!(text_width(&line) <= 40, "{line:?}");
    }
    insta::assert_snapshot!(draw(&rendered, 40, 12).backend());
}

#[test]
fn snapshot_rust_block_hides_lines_and_labels_attributes() {
    let md = "```rust,compile_fail,E0382\n# fn main() {\nlet s = String::from(\"hi\");\nlet t = s;\nprintln!(\"{s}\");\n#\n# }\n```\n\n```rust\n##[derive(Debug)]\nstruct Point { x: i32 }\n```\n";
    let rendered = render(md, 40, &Theme::dark());
    insta::assert_snapshot!(draw(&rendered, 40, 9).backend());
}

#[test]
fn rust_code_is_highlighted_in_several_colours() {
    let rendered = render(
        "```rust\nfn main() { let x: u32 = 1; }\n```\n",
        60,
        &Theme::dark(),
    );
    let code = &rendered.lines[1];
    let colours: std::collections::HashSet<_> =
        code.spans.iter().filter_map(|s| s.style.fg).collect();
    assert!(colours.len() >= 3, "{code:?}");
    assert!(colours.iter().all(|c| matches!(c, Color::Rgb(..))));
    // Plain mode: the same text, no colour at all.
    let plain = render(
        "```rust\nfn main() { let x: u32 = 1; }\n```\n",
        60,
        &Theme::plain(),
    );
    assert_eq!(line_text(&plain.lines[1]), line_text(code));
    assert!(
        plain
            .lines
            .iter()
            .flat_map(|l| &l.spans)
            .all(|s| s.style.fg.is_none() && s.style.bg.is_none())
    );
}

#[test]
fn snapshot_long_paragraph_wraps_to_width() {
    let md = "A *long* paragraph about **ownership**: every value has one owner, and when the owner goes out of scope the value is dropped. Borrowing lets code use a value without taking it, through `&T` or `&mut T`, checked at compile time.\n";
    let rendered = render(md, 30, &Theme::light());
    for line in texts(&rendered) {
        assert!(text_width(&line) <= 30, "{line:?}");
    }
    insta::assert_snapshot!(draw(&rendered, 30, 10).backend());
}

#[test]
fn snapshot_task_list_and_nested_lists() {
    let md = "- [x] Read chapter 4\n- [ ] Write a function that takes `&str` and returns the first word of it\n  - [ ] nested task\n  - plain nested\n\n1. one\n2. two\n   1. two-a\n";
    let rendered = render(md, 36, &Theme::dark());
    insta::assert_snapshot!(draw(&rendered, 36, 10).backend());
}

#[test]
fn snapshot_whole_sample_sheet() {
    let rendered = render(SAMPLE, 64, &Theme::dark());
    let height = u16::try_from(rendered.lines.len()).unwrap_or(u16::MAX);
    insta::assert_snapshot!(draw(&rendered, 64, height).backend());
}

#[test]
fn headings_are_recorded_with_their_lines() {
    let rendered = render(SAMPLE, 64, &Theme::dark());
    let toc: Vec<(u8, &str)> = rendered
        .headings
        .iter()
        .map(|h| (h.level, h.title.as_str()))
        .collect();
    assert_eq!(
        toc,
        [
            (1, "Ownership and borrowing"),
            (2, "Moves"),
            (2, "Borrowing rules"),
            (3, "Checklist"),
            (2, "Config and shell"),
        ]
    );
    for heading in &rendered.headings {
        assert_eq!(line_text(&rendered.lines[heading.line]), heading.title);
    }
    // Levels look different from each other.
    let style = |i: usize| rendered.lines[rendered.headings[i].line].spans[0].style;
    assert_ne!(style(0), style(1));
    assert_ne!(style(1), style(3));
}

#[test]
fn links_are_numbered_and_collected() {
    let rendered = render(SAMPLE, 64, &Theme::dark());
    let links: Vec<(usize, &str, &str)> = rendered
        .links
        .iter()
        .map(|l| (l.index, l.text.as_str(), l.url.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            (
                1,
                "the book",
                "https://doc.rust-lang.org/book/ch04-00-understanding-ownership.html"
            ),
            (2, "Rustonomicon", "https://doc.rust-lang.org/nomicon/"),
            (3, "https://crates.io", "https://crates.io"),
        ]
    );
    for link in &rendered.links {
        assert!(line_text(&rendered.lines[link.line]).contains(&format!("[{}]", link.index)));
    }
    let link_span = rendered
        .lines
        .iter()
        .flat_map(|l| &l.spans)
        .find(|s| s.content == "Rustonomicon");
    assert!(link_span.is_some_and(|s| s.style.add_modifier.contains(Modifier::UNDERLINED)));
}

#[test]
fn every_line_fits_the_width() {
    for width in [20u16, 33, 64, 100] {
        let rendered = render(SAMPLE, width, &Theme::dark());
        for line in texts(&rendered) {
            assert!(
                text_width(&line) <= usize::from(width),
                "width {width}: {line:?}"
            );
        }
    }
}

#[test]
fn search_finds_and_marks_rendered_text() {
    let mut rendered = render(SAMPLE, 64, &Theme::dark());
    let found = find_matches(&rendered.lines, "BORROW");
    // "borrowing" (title, heading, list), "borrow checker", "borrow of moved"...
    assert!(found.len() >= 4, "{found:?}");
    let theme = Theme::dark();
    highlight_matches(&mut rendered.lines, &found, theme.search_match);
    for m in &found {
        let line = &rendered.lines[m.line];
        let marked: String = line
            .spans
            .iter()
            .filter(|s| s.style.bg == theme.search_match.bg)
            .map(|s| s.content.as_ref())
            .collect();
        assert!(marked.to_lowercase().contains("borrow"), "{line:?}");
    }
}

#[test]
fn a_private_highlighter_colours_code_and_prose_renders_without_one() {
    // Whether the shared highlighter gets loaded cannot be checked here:
    // other tests in this process load it in parallel. This checks that a
    // private highlighter colours code and that prose renders.
    let private = Highlighter::load();
    let rendered = render_with("```toml\na = 1\n```\n", 40, &Theme::dark(), &private);
    assert!(rendered.lines[1].spans.len() > 2, "{:?}", rendered.lines[1]);
    let prose = render("# Just prose\n\nno code here\n", 40, &Theme::dark());
    assert_eq!(prose.lines.len(), 4);
}

#[test]
fn odd_input_never_panics() {
    let cases = [
        "",
        "```",
        "```rust\n",
        "|a|\n|-|\n",
        "| a | b |\n|---|---|\n| only one |\n",
        "> > > deep\n",
        "- \n- \n",
        "[^missing]\n",
        "<div>\nhtml\n</div>\n",
        "<!-- a comment -->\n",
        "---\ntitle: front matter\n---\n# After\n",
        "\t\tindented code\twith tabs\n",
        "# \n",
        "x\u{200b}y 漢字漢字漢字漢字漢字漢字",
    ];
    for md in cases {
        for width in [0u16, 1, 3, 80] {
            let rendered = render(md, width, &Theme::dark());
            let _ = to_ansi(&rendered.lines, true);
        }
    }
    let front = render(
        "---\ntitle: front matter\n---\n# After\n",
        40,
        &Theme::plain(),
    );
    assert_eq!(line_text(&front.lines[0]), "After");
}

#[test]
fn quick_render_shows_plain_code_until_prepared() {
    // A block no other test renders, so the shared cache cannot have it yet.
    let md =
        "```rust\nfn quick_render_probe() -> u8 { 7 }\n```\n\n```text\nnot highlightable\n```\n";
    let theme = Theme::dark();
    let quick = render_quick(md, 60, &theme);
    assert!(quick.highlight_pending);
    assert!(
        quick.lines[1]
            .spans
            .iter()
            .skip(1)
            .all(|s| s.style == theme.code_text),
        "{:?}",
        quick.lines[1]
    );
    prepare_highlighting(md, &theme);
    let ready = render_quick(md, 60, &theme);
    assert!(!ready.highlight_pending);
    assert_eq!(ready, render(md, 60, &theme));
    assert_eq!(texts(&ready), texts(&quick));
}
