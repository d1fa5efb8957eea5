//! A small, honest `.gitignore` reader for `pm scan`.
//!
//! It reads the `.gitignore` file of each folder as the walk enters it and
//! supports what real projects use: blank lines and `#` comments, `!` to
//! re-include, a trailing `/` for folders only, a leading or middle `/` to
//! anchor a pattern to its folder, and `*`, `?`, `[a-z]`, `[!a-z]` and `**`
//! wildcards, with `\` to escape. A deeper `.gitignore` wins over a higher
//! one, and within a file the last matching line wins, as in git.
//!
//! It does not read `.git/info/exclude`, the global excludes file or
//! `core.excludesFile`, and it does not check that the scanned folder is in
//! a git repository at all: a `.gitignore` is obeyed wherever it is. The
//! `ignore` crate (from
//! ripgrep) does all of that; this file exists because the point of Phase 1
//! is to see the walk and the matching in plain std code.

use std::path::Path;

/// The patterns of one `.gitignore` file.
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    /// The glob, without `!`, leading `/` or trailing `/`.
    glob: Vec<u8>,
    /// `!pattern`: a match means "do not ignore".
    negate: bool,
    /// `pattern/`: only folders match.
    dir_only: bool,
    /// Contains a `/` before its end: matched against the path relative to
    /// the `.gitignore`'s folder. Otherwise matched against the name alone,
    /// at any depth.
    anchored: bool,
}

impl IgnoreFile {
    /// Parses the text of a `.gitignore`.
    pub fn parse(text: &str) -> IgnoreFile {
        let rules = text
            .lines()
            .filter_map(|line| {
                if line.trim().is_empty() || line.starts_with('#') {
                    return None;
                }
                // Trailing spaces are dropped unless the last one is escaped.
                let line = if line.ends_with("\\ ") {
                    line
                } else {
                    line.trim_end()
                };
                let (negate, rest) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, line),
                };
                let (dir_only, rest) = match rest.strip_suffix('/') {
                    Some(rest) => (true, rest),
                    None => (false, rest),
                };
                let anchored = rest.contains('/');
                let rest = rest.strip_prefix('/').unwrap_or(rest);
                // `\#` and `\!` start a pattern with a literal `#` or `!`;
                // the glob matcher below already reads `\x` as a literal x.
                (!rest.is_empty()).then(|| Rule {
                    glob: rest.as_bytes().to_vec(),
                    negate,
                    dir_only,
                    anchored,
                })
            })
            .collect();
        IgnoreFile { rules }
    }

    /// What this file says about `relative` (a path below the file's own
    /// folder, with `/` separators): `Some(true)` ignore, `Some(false)`
    /// explicitly keep, `None` no rule matched.
    pub fn decide(&self, relative: &str, is_dir: bool) -> Option<bool> {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        self.rules.iter().rev().find_map(|rule| {
            if rule.dir_only && !is_dir {
                return None;
            }
            let subject = if rule.anchored { relative } else { name };
            glob_match(&rule.glob, subject.as_bytes()).then_some(!rule.negate)
        })
    }
}

/// The `.gitignore` files that apply in one folder: the folder's own and
/// those of the folders above it up to the scan root, nearest last.
#[derive(Debug, Clone, Default)]
pub struct IgnoreStack {
    /// (folder relative to the scan root, with a trailing `/` or empty; its file)
    files: Vec<(String, IgnoreFile)>,
}

impl IgnoreStack {
    /// The stack for a child folder: this one plus the child's `.gitignore`,
    /// if it has one. `prefix` is the child's path relative to the scan
    /// root, ending in `/` (empty for the root itself).
    pub fn enter(&self, dir: &Path, prefix: &str) -> IgnoreStack {
        let mut next = self.clone();
        if let Ok(text) = std::fs::read_to_string(dir.join(".gitignore")) {
            next.files
                .push((prefix.to_string(), IgnoreFile::parse(&text)));
        }
        next
    }

    /// Whether the entry at `relative` (relative to the scan root) is ignored.
    pub fn is_ignored(&self, relative: &str, is_dir: bool) -> bool {
        self.files
            .iter()
            .rev()
            .find_map(|(prefix, file)| {
                let below = relative.strip_prefix(prefix.as_str())?;
                file.decide(below, is_dir)
            })
            .unwrap_or(false)
    }
}

/// Matches a gitignore glob against a path. `*` and `?` do not cross `/`;
/// `**` does (`a/**/b`, `**/b`, `a/**`).
fn glob_match(glob: &[u8], text: &[u8]) -> bool {
    match glob.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) if rest.first() == Some(&b'*') => {
            // `**`: any number of characters, slashes included. A following
            // `/` may also match nothing, so `a/**/b` matches `a/b`.
            let rest = &rest[1..];
            if let Some(after_slash) = rest.strip_prefix(b"/")
                && glob_match(after_slash, text)
            {
                return true;
            }
            (0..=text.len()).any(|i| glob_match(rest, &text[i..]))
        }
        Some((b'*', rest)) => {
            // `*`: any run of characters up to the next `/`.
            let stop = text.iter().position(|&c| c == b'/').unwrap_or(text.len());
            (0..=stop).any(|i| glob_match(rest, &text[i..]))
        }
        Some((b'?', rest)) => match text.split_first() {
            Some((&c, text)) if c != b'/' => glob_match(rest, text),
            _ => false,
        },
        Some((b'[', rest)) => match (text.split_first(), class(rest)) {
            (Some((&c, text)), Some((matches, rest))) if c != b'/' && matches(c) => {
                glob_match(rest, text)
            }
            (_, Some(_)) => false,
            // No closing `]`: a literal `[`.
            (_, None) => text.first() == Some(&b'[') && glob_match(rest, &text[1..]),
        },
        Some((b'\\', rest)) if !rest.is_empty() => {
            text.first() == Some(&rest[0]) && glob_match(&rest[1..], &text[1..])
        }
        Some((&c, rest)) => text.first() == Some(&c) && glob_match(rest, &text[1..]),
    }
}

/// Reads a `[...]` class (after its `[`): a test for one byte, and the glob
/// after the `]`. `None` when there is no closing `]`.
#[allow(clippy::type_complexity)]
fn class(glob: &[u8]) -> Option<(Box<dyn Fn(u8) -> bool>, &[u8])> {
    let (negated, body) = match glob.first() {
        Some(b'!' | b'^') => (true, &glob[1..]),
        _ => (false, glob),
    };
    // A `]` right after `[` or `[!` is a literal member, not the end.
    let end = body.iter().skip(1).position(|&c| c == b']')? + 1;
    let members = body[..end].to_vec();
    let rest = &body[end + 1..];
    let test = move |c: u8| {
        let mut found = false;
        let mut i = 0;
        while i < members.len() {
            if i + 2 < members.len() && members[i + 1] == b'-' {
                found |= (members[i]..=members[i + 2]).contains(&c);
                i += 3;
            } else {
                found |= members[i] == c;
                i += 1;
            }
        }
        found != negated
    };
    Some((Box::new(test), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |g: &str, t: &str| glob_match(g.as_bytes(), t.as_bytes());
        assert!(m("*.log", "debug.log"));
        assert!(!m("*.log", "logs/debug.txt"));
        assert!(!m("*.log", "a/debug.log"), "* does not cross /");
        assert!(m("a/**/b", "a/b"));
        assert!(m("a/**/b", "a/x/y/b"));
        assert!(m("**/b", "b"));
        assert!(m("a/**", "a/x/y"));
        assert!(m("file?.txt", "file1.txt"));
        assert!(!m("file?.txt", "file10.txt"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[!a-c]x", "bx"));
        assert!(m("[]]", "]"));
        assert!(m("\\#x", "#x"));
        assert!(m("[oops", "[oops"));
    }

    #[test]
    fn rules() {
        let f = IgnoreFile::parse(
            "# comment\n\ntarget/  \n*.log\n!keep.log\n/build\ndocs/*.html\nspace\\ \n",
        );
        assert_eq!(
            f.decide("space ", false),
            Some(true),
            "an escaped trailing space stays"
        );
        assert_eq!(f.decide("target", true), Some(true));
        assert_eq!(
            f.decide("target", false),
            None,
            "target/ matches folders only"
        );
        assert_eq!(
            f.decide("sub/target", true),
            Some(true),
            "unanchored: any depth"
        );
        assert_eq!(f.decide("x.log", false), Some(true));
        assert_eq!(
            f.decide("keep.log", false),
            Some(false),
            "the last match wins"
        );
        assert_eq!(f.decide("build", true), Some(true));
        assert_eq!(f.decide("sub/build", true), None, "/build is anchored");
        assert_eq!(f.decide("docs/a.html", false), Some(true));
        assert_eq!(f.decide("x/docs/a.html", false), None);
        assert_eq!(f.decide("main.rs", false), None);
    }

    #[test]
    fn deeper_files_win() {
        let mut stack = IgnoreStack::default();
        stack
            .files
            .push((String::new(), IgnoreFile::parse("*.gen\n")));
        stack
            .files
            .push(("keep/".into(), IgnoreFile::parse("!*.gen\n")));
        assert!(stack.is_ignored("a.gen", false));
        assert!(stack.is_ignored("other/a.gen", false));
        assert!(!stack.is_ignored("keep/a.gen", false));
    }
}
