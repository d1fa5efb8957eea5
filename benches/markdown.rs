#![allow(clippy::unwrap_used, clippy::expect_used)]
//! How long a cheat sheet takes to render into a frame.
//!
//! The document is the largest sheet in cheatsheets/ (or, while that folder
//! is empty, the renderer's test sample repeated to a comparable size).
//! `warm` is the everyday case: syntect already loaded, the pane re-renders
//! (on resize or theme change) and draws one screen. `cold` includes loading
//! syntect's syntaxes and themes and our two grammars, as the first code
//! block after start-up does. `load` is that loading alone. `quick_uncached`
//! is what the sheets pane draws for a sheet whose code is not coloured yet.
//! Goals: warm under 2 ms, cold under 60 ms. Run with
//! `cargo bench --bench markdown`.

use megarepo::markdown::{Highlighter, MarkdownView, Rendered, Theme, render_quick, render_with};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

fn main() {
    divan::main();
}

/// (name, text) of the largest sheet, or the sample.
fn document() -> (String, String) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cheatsheets");
    let largest = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter_map(|p| {
            std::fs::read_to_string(&p)
                .ok()
                .map(|t| (p.display().to_string(), t))
        })
        .max_by_key(|(_, t)| t.len());
    largest.unwrap_or_else(|| {
        let sample = include_str!("../src/markdown/testdata/sample.md");
        ("sample.md x4".to_string(), sample.repeat(4))
    })
}

const WIDTH: u16 = 100;
const HEIGHT: u16 = 45;

fn frame(rendered: &Rendered) -> Buffer {
    let area = Rect::new(0, 0, WIDTH, HEIGHT);
    let mut buf = Buffer::empty(area);
    MarkdownView::new(&rendered.lines, 0).render(area, &mut buf);
    buf
}

#[divan::bench]
fn warm(bencher: divan::Bencher) {
    let (name, text) = document();
    eprintln!("document: {name}, {} bytes", text.len());
    let theme = Theme::dark();
    let highlighter = Highlighter::global();
    bencher.bench(|| {
        frame(&render_with(
            divan::black_box(&text),
            WIDTH,
            &theme,
            highlighter,
        ))
    });
}

/// Warm, but with the highlight cache emptied each time: the cost of
/// rendering a sheet seen for the first time since start-up.
#[divan::bench]
fn warm_uncached(bencher: divan::Bencher) {
    let (_, text) = document();
    let theme = Theme::dark();
    let highlighter = Highlighter::global();
    bencher.bench(|| {
        highlighter.clear_cache();
        frame(&render_with(
            divan::black_box(&text),
            WIDTH,
            &theme,
            highlighter,
        ))
    });
}

/// The first frame of a sheet not seen before, as the sheets pane draws it:
/// `render_quick` leaves uncached code plain (a worker thread colours it).
#[divan::bench]
fn quick_uncached(bencher: divan::Bencher) {
    let (_, text) = document();
    let theme = Theme::dark();
    let highlighter = Highlighter::global();
    bencher.bench(|| {
        highlighter.clear_cache();
        frame(&render_quick(divan::black_box(&text), WIDTH, &theme))
    });
}

/// A sheet with one language (Rust), cold: the common first open.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn cold_rust_only(bencher: divan::Bencher) {
    let (_, text) = document();
    let rust_only: String = rust_only(&text);
    let theme = Theme::dark();
    bencher.bench(|| {
        let highlighter = Highlighter::load();
        frame(&render_with(
            divan::black_box(&rust_only),
            WIDTH,
            &theme,
            &highlighter,
        ))
    });
}

/// The document with every fenced block that is not Rust turned into prose.
fn rust_only(text: &str) -> String {
    let mut out = String::new();
    let mut in_other = false;
    for line in text.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            if in_other {
                in_other = false;
                continue;
            }
            if !info.is_empty() && !info.starts_with("rust") {
                in_other = true;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn cold(bencher: divan::Bencher) {
    let (_, text) = document();
    let theme = Theme::dark();
    bencher.bench(|| {
        let highlighter = Highlighter::load();
        frame(&render_with(
            divan::black_box(&text),
            WIDTH,
            &theme,
            &highlighter,
        ))
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn load() -> Highlighter {
    Highlighter::load()
}
