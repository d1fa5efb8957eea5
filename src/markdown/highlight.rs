//! Syntax highlighting of code blocks with syntect.
//!
//! Loading syntect's syntaxes and themes costs tens of milliseconds, so it
//! happens once, lazily, the first time a code block is highlighted
//! ([`Highlighter::global`]); a sheet without code, and app start-up, never
//! pay for it. Both sets come from dumps embedded in the binary by syntect's
//! `default-syntaxes`/`default-themes` features. syntect ships no TOML or
//! assembly grammar, so ours (assets/syntaxes/) are embedded with
//! `include_str!` and compiled into a second, small set at the same time.
//!
//! Output is one `Vec<(Style, String)>` per input line, ratatui styles,
//! newlines removed; the renderer decides layout.
//!
//! Highlighting is the slow part of rendering (syntect runs its grammar's
//! regexes over every line, 0.1 ms or more per line), while layout is cheap.
//! A pane renders the same sheet again on every resize or theme change, so
//! results are kept in a small cache keyed by (theme, language, code): a
//! re-render only lays out. The cache is cleared when it grows past
//! [`CACHE_LIMIT`] blocks, which bounds its memory to a few sheets' worth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};

/// Our grammars, as (file name, source). The names appear in errors.
const EXTRA_SYNTAXES: [(&str, &str); 2] = [
    (
        "TOML.sublime-syntax",
        include_str!("../../assets/syntaxes/TOML.sublime-syntax"),
    ),
    (
        "x86-asm.sublime-syntax",
        include_str!("../../assets/syntaxes/x86-asm.sublime-syntax"),
    ),
];

/// One highlighted line: styled pieces, without the newline.
pub type StyledLine = Vec<(Style, String)>;

/// Most code blocks kept highlighted (about twenty sheets' worth).
pub const CACHE_LIMIT: usize = 512;

/// (syntect theme, language, code): what a highlighted block depends on.
type CacheKey = (String, String, String);

/// A grammar of ours that syntect could not read. Only a bug in
/// assets/syntaxes/ can cause it; the language is then shown unhighlighted.
#[derive(Debug, thiserror::Error)]
#[error("syntax file assets/syntaxes/{file} is invalid: {reason}")]
pub struct SyntaxLoadError {
    pub file: &'static str,
    pub reason: String,
}

/// Loaded syntaxes and themes.
pub struct Highlighter {
    defaults: SyntaxSet,
    extra: SyntaxSet,
    themes: ThemeSet,
    cache: Mutex<HashMap<CacheKey, Arc<Vec<StyledLine>>>>,
    /// Grammars of ours that failed to load (normally empty).
    pub load_errors: Vec<SyntaxLoadError>,
}

static GLOBAL: OnceLock<Highlighter> = OnceLock::new();

impl Highlighter {
    /// Loads everything now. Prefer [`Highlighter::global`]; this exists so a
    /// benchmark can measure a cold start more than once.
    pub fn load() -> Highlighter {
        let mut builder = SyntaxSetBuilder::new();
        let mut load_errors = Vec::new();
        for (file, source) in EXTRA_SYNTAXES {
            // `true`: lines reach the highlighter with their newline, the
            // same convention as the `_newlines` default dump.
            match SyntaxDefinition::load_from_str(source, true, None) {
                Ok(def) => builder.add(def),
                Err(e) => load_errors.push(SyntaxLoadError {
                    file,
                    reason: e.to_string(),
                }),
            }
        }
        for e in &load_errors {
            tracing::warn!("{e}");
        }
        Highlighter {
            defaults: SyntaxSet::load_defaults_newlines(),
            extra: builder.build(),
            themes: ThemeSet::load_defaults(),
            cache: Mutex::new(HashMap::new()),
            load_errors,
        }
    }

    /// The shared instance, loaded on first use.
    pub fn global() -> &'static Highlighter {
        GLOBAL.get_or_init(Highlighter::load)
    }

    /// Whether the shared instance has been loaded yet (start-up cost check).
    pub fn global_is_loaded() -> bool {
        GLOBAL.get().is_some()
    }

    /// The shared instance if it is loaded, without loading it.
    pub fn global_if_loaded() -> Option<&'static Highlighter> {
        GLOBAL.get()
    }

    /// The grammar for a code block's language word, if we have one.
    pub fn syntax_for(&self, lang: &str) -> Option<(&SyntaxSet, &SyntaxReference)> {
        let lang = lang.trim().to_ascii_lowercase();
        let token = match lang.as_str() {
            "" | "text" | "txt" | "plain" | "plaintext" | "output" => return None,
            "shell" | "console" | "zsh" | "terminal" | "shell-session" => "bash",
            "x86" | "x86asm" | "x86_64" | "nasm" | "gas" | "assembly" => "asm",
            "rs" => "rust",
            other => other,
        };
        for set in [&self.extra, &self.defaults] {
            if let Some(syntax) = set.find_syntax_by_token(token) {
                return Some((set, syntax));
            }
        }
        None
    }

    /// Names of the themes available for [`crate::markdown::Theme::syntax_theme`].
    pub fn theme_names(&self) -> impl Iterator<Item = &str> {
        self.themes.themes.keys().map(String::as_str)
    }

    /// Forgets every cached block (benchmarks use it to measure highlighting).
    pub fn clear_cache(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }

    /// A block's highlighting if it is already cached; never highlights.
    pub fn cached(&self, lines: &[&str], lang: &str, theme: &str) -> Option<Arc<Vec<StyledLine>>> {
        let key = (theme.to_string(), lang.to_string(), lines.concat());
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(&key).map(Arc::clone)
    }

    /// [`Highlighter::highlight`] through the cache.
    pub fn highlight_cached(
        &self,
        lines: &[&str],
        lang: &str,
        theme: &str,
    ) -> Option<Arc<Vec<StyledLine>>> {
        let key = (theme.to_string(), lang.to_string(), lines.concat());
        // A poisoned lock only means another thread panicked mid-insert; the
        // map itself is still sound, so keep using it.
        if let Some(hit) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Some(Arc::clone(hit));
        }
        // Highlight outside the lock: two threads may both do the work once,
        // but neither waits for the other's slow regexes.
        let fresh = Arc::new(self.highlight(lines, lang, theme)?);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&fresh));
        Some(fresh)
    }

    /// Highlights `lines` (each ending in `\n`, as from `str::split_inclusive`)
    /// as `lang` with the syntect theme `theme`. `None` when the language or
    /// theme is unknown, so the caller shows the code plainly.
    pub fn highlight(&self, lines: &[&str], lang: &str, theme: &str) -> Option<Vec<StyledLine>> {
        let (set, syntax) = self.syntax_for(lang)?;
        let theme = self.themes.themes.get(theme)?;
        let mut state = HighlightLines::new(syntax, theme);
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            let pieces = match state.highlight_line(line, set) {
                Ok(pieces) => pieces,
                // A grammar failure on one line should not lose the block:
                // the rest is shown unstyled.
                Err(_) => vec![(syntect::highlighting::Style::default(), *line)],
            };
            let styled = pieces
                .into_iter()
                .filter_map(|(style, text)| {
                    let text = text.trim_end_matches(['\n', '\r']);
                    (!text.is_empty()).then(|| (convert(style), text.to_string()))
                })
                .collect();
            out.push(styled);
        }
        Some(out)
    }
}

/// syntect's style to ratatui's: foreground and font style only, so code
/// sits on the terminal's own background.
fn convert(style: syntect::highlighting::Style) -> Style {
    let fg = style.foreground;
    let mut out = Style::new().fg(Color::Rgb(fg.r, fg.g, fg.b));
    if style.font_style.contains(FontStyle::BOLD) {
        out = out.add_modifier(Modifier::BOLD);
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        out = out.add_modifier(Modifier::ITALIC);
    }
    if style.font_style.contains(FontStyle::UNDERLINE) {
        out = out.add_modifier(Modifier::UNDERLINED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_grammars_load_and_the_required_languages_resolve() {
        let h = Highlighter::load();
        assert!(h.load_errors.is_empty(), "{:?}", h.load_errors);
        for lang in [
            "rust", "toml", "sh", "bash", "shell", "sql", "asm", "nasm", "json", "yaml",
        ] {
            assert!(h.syntax_for(lang).is_some(), "no grammar for {lang}");
        }
        assert!(h.syntax_for("text").is_none());
        assert!(h.syntax_for("no-such-language").is_none());
        assert!(h.theme_names().any(|t| t == "base16-ocean.dark"));
        assert!(h.theme_names().any(|t| t == "InspiredGitHub"));
    }

    #[test]
    fn cached_blocks_equal_fresh_ones() {
        let h = Highlighter::load();
        let lines = ["let x = 1;\n", "// note\n"];
        let fresh = h.highlight(&lines, "rust", "InspiredGitHub").expect("rust");
        let first = h
            .highlight_cached(&lines, "rust", "InspiredGitHub")
            .expect("rust");
        let second = h
            .highlight_cached(&lines, "rust", "InspiredGitHub")
            .expect("rust");
        assert_eq!(*first, fresh);
        assert!(
            Arc::ptr_eq(&first, &second),
            "the second call should hit the cache"
        );
        let other_theme = h
            .highlight_cached(&lines, "rust", "base16-ocean.dark")
            .expect("rust");
        assert_ne!(*other_theme, fresh);
    }

    /// The scope-to-colour path works for our grammars: a TOML key, a string
    /// and a comment end up in different colours.
    #[test]
    fn toml_and_asm_get_distinct_colours() {
        let h = Highlighter::load();
        let toml = h
            .highlight(
                &["name = \"kv\" # the crate\n"],
                "toml",
                "base16-ocean.dark",
            )
            .expect("toml highlights");
        let colours: std::collections::HashSet<_> = toml[0].iter().map(|(s, _)| s.fg).collect();
        assert!(colours.len() >= 3, "{toml:?}");

        let asm = h
            .highlight(
                &["start: mov rax, 0x10 ; load\n"],
                "asm",
                "base16-ocean.dark",
            )
            .expect("asm highlights");
        let by_text = |needle: &str| {
            asm[0]
                .iter()
                .find(|(_, t)| t.contains(needle))
                .map(|(s, _)| s.fg)
        };
        assert_ne!(by_text("mov"), by_text("rax"), "{asm:?}");
        assert_ne!(by_text("0x10"), by_text("; load"), "{asm:?}");
    }
}
