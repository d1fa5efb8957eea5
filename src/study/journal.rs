//! The learning journal: one entry per day with a reflection space.
//!
//! An entry holds the day's notes and the three reflection prompts from the
//! roadmap (challenges, breakthroughs, insights), plus a title and tags. The
//! store keeps entries as JSON keyed by date. This module also turns an
//! entry into the plain text a person edits in `$EDITOR` and back, searches
//! entries, and exports them as one Markdown file per day with YAML front
//! matter, ready for a static blog generator.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::timefmt;

/// One day's journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    #[serde(with = "timefmt::day")]
    pub date: Date,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The daily entry: what was studied, what was built.
    #[serde(default)]
    pub entry: String,
    #[serde(default)]
    pub challenges: String,
    #[serde(default)]
    pub breakthroughs: String,
    #[serde(default)]
    pub insights: String,
    #[serde(with = "timefmt::instant")]
    pub updated: Timestamp,
}

/// The parts of an entry a person writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Entry,
    Challenges,
    Breakthroughs,
    Insights,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Entry,
        Field::Challenges,
        Field::Breakthroughs,
        Field::Insights,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Field::Entry => "Entry",
            Field::Challenges => "Challenges",
            Field::Breakthroughs => "Breakthroughs",
            Field::Insights => "Insights",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading().to_ascii_lowercase())
    }
}

/// A journal field name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown journal field {0:?} (expected entry, challenges, breakthroughs or insights)")]
pub struct FieldParseError(pub String);

impl FromStr for Field {
    type Err = FieldParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Field::ALL
            .into_iter()
            .find(|f| {
                let h = f.heading().to_ascii_lowercase();
                // Accept the singular too: "challenge", "insight".
                lower == h || lower == h.trim_end_matches('s')
            })
            .ok_or_else(|| FieldParseError(s.to_string()))
    }
}

/// Writing the Markdown export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot create export folder {path}: {source}")]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    #[serde(with = "timefmt::day")]
    pub date: Date,
    /// `title`, `tags`, `entry`, `challenges`, `breakthroughs` or `insights`.
    pub field: String,
    /// The matching line, trimmed to about 80 characters around the match.
    pub snippet: String,
}

impl JournalEntry {
    pub fn new(date: Date, now: Timestamp) -> Self {
        JournalEntry {
            date,
            title: String::new(),
            tags: Vec::new(),
            entry: String::new(),
            challenges: String::new(),
            breakthroughs: String::new(),
            insights: String::new(),
            updated: now,
        }
    }

    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Entry => &self.entry,
            Field::Challenges => &self.challenges,
            Field::Breakthroughs => &self.breakthroughs,
            Field::Insights => &self.insights,
        }
    }

    fn field_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Entry => &mut self.entry,
            Field::Challenges => &mut self.challenges,
            Field::Breakthroughs => &mut self.breakthroughs,
            Field::Insights => &mut self.insights,
        }
    }

    /// Adds a paragraph to a field (what `megarepo journal add` does).
    pub fn append(&mut self, field: Field, text: &str, now: Timestamp) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let f = self.field_mut(field);
        if !f.is_empty() {
            f.push_str("\n\n");
        }
        f.push_str(text);
        self.updated = now;
    }

    /// Adds tags, keeping them unique and in first-seen order.
    pub fn add_tags<'a>(&mut self, tags: impl IntoIterator<Item = &'a str>) {
        for t in tags {
            let t = t.trim().to_lowercase();
            if !t.is_empty() && !self.tags.contains(&t) {
                self.tags.push(t);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.title.trim().is_empty() && Field::ALL.iter().all(|f| self.field(*f).trim().is_empty())
    }

    /// The title, or a default naming the date.
    pub fn display_title(&self) -> String {
        if self.title.trim().is_empty() {
            format!("Study notes, {}", self.date)
        } else {
            self.title.trim().to_string()
        }
    }

    /// The text opened in `$EDITOR` (and in the TUI editor).
    pub fn to_editor_text(&self) -> String {
        let mut out = format!("Title: {}\nTags: {}\n\n", self.title, self.tags.join(", "));
        out.push_str(self.entry.trim());
        out.push_str("\n\n");
        for f in [Field::Challenges, Field::Breakthroughs, Field::Insights] {
            out.push_str(&format!("## {}\n\n", f.heading()));
            let body = self.field(f).trim();
            if !body.is_empty() {
                out.push_str(body);
                out.push_str("\n\n");
            }
        }
        out
    }

    /// Reads back text written from [`to_editor_text`](Self::to_editor_text).
    /// Optional `Title:`/`Tags:` lines lead; `## Challenges`,
    /// `## Breakthroughs` and `## Insights` start the reflection parts; any
    /// other text, including other headings, stays where it is written.
    pub fn update_from_editor_text(&mut self, text: &str, now: Timestamp) {
        let mut title = String::new();
        let mut tags = Vec::new();
        let mut parts: [String; 4] = Default::default();
        let mut current = 0usize;
        let mut header = true;
        for line in text.lines() {
            if header {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("title:") {
                    title = line[6..].trim().to_string();
                    continue;
                }
                if lower.starts_with("tags:") {
                    tags = line[5..]
                        .split(',')
                        .map(|t| t.trim().to_lowercase())
                        .filter(|t| !t.is_empty())
                        .collect();
                    continue;
                }
                if line.trim().is_empty() {
                    continue;
                }
                header = false;
            }
            if let Some(h) = line.strip_prefix("## ")
                && let Some(i) = Field::ALL
                    .iter()
                    .position(|f| f.heading().eq_ignore_ascii_case(h.trim()))
            {
                current = i;
                continue;
            }
            parts[current].push_str(line);
            parts[current].push('\n');
        }
        self.title = title;
        self.tags = tags;
        for (f, p) in Field::ALL.into_iter().zip(parts) {
            *self.field_mut(f) = p.trim().to_string();
        }
        self.updated = now;
    }

    /// The file name of this entry's export: `YYYY-MM-DD.md`.
    pub fn file_name(&self) -> String {
        format!("{}.md", self.date)
    }

    /// The entry as a Markdown blog post with YAML front matter.
    pub fn to_markdown(&self, minutes_studied: i64) -> String {
        // A JSON string is also a valid YAML double-quoted scalar, so
        // serde_json gives correct escaping for quotes, colons, backslashes
        // and control characters without hand-written rules.
        let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
        let tags: Vec<String> = self.tags.iter().map(|t| q(t)).collect();
        let mut out = format!(
            "---\ndate: {}\ntitle: {}\ntags: [{}]\nminutes_studied: {}\n---\n\n",
            self.date,
            q(&self.display_title()),
            tags.join(", "),
            minutes_studied.max(0)
        );
        let entry = self.entry.trim();
        if !entry.is_empty() {
            out.push_str(entry);
            out.push_str("\n\n");
        }
        for f in [Field::Challenges, Field::Breakthroughs, Field::Insights] {
            let body = self.field(f).trim();
            if !body.is_empty() {
                out.push_str(&format!("## {}\n\n{}\n\n", f.heading(), body));
            }
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }
}

/// Writes one Markdown file per non-empty entry into `dir` (created if
/// missing) and returns the paths written. Files are written whole to a
/// temporary name and renamed, so an interrupted export never leaves half a
/// post; re-exporting replaces earlier exports of the same day.
pub fn export(
    entries: &[JournalEntry],
    minutes_of: &dyn Fn(Date) -> i64,
    dir: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    fs::create_dir_all(dir).map_err(|source| ExportError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for e in entries.iter().filter(|e| !e.is_empty()) {
        let path = dir.join(e.file_name());
        let tmp = dir.join(format!(".{}.tmp", e.file_name()));
        let text = e.to_markdown(minutes_of(e.date));
        fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|source| ExportError::Write {
                path: path.clone(),
                source,
            })?;
        written.push(path);
    }
    Ok(written)
}

/// Case-insensitive search across titles, tags and every field. Results
/// are newest first, one per matching line.
pub fn search(entries: &[JournalEntry], query: &str) -> Vec<SearchHit> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut sorted: Vec<&JournalEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.date));
    let mut hits = Vec::new();
    for e in sorted {
        let tags = e.tags.join(", ");
        let fields: [(&str, &str); 6] = [
            ("title", &e.title),
            ("tags", &tags),
            ("entry", &e.entry),
            ("challenges", &e.challenges),
            ("breakthroughs", &e.breakthroughs),
            ("insights", &e.insights),
        ];
        for (name, text) in fields {
            for line in text.lines() {
                if let Some(snippet) = snippet(line, &q) {
                    hits.push(SearchHit {
                        date: e.date,
                        field: name.to_string(),
                        snippet,
                    });
                }
            }
        }
    }
    hits
}

/// The line around the first match of `q` (already lowercase), or None.
fn snippet(line: &str, q: &str) -> Option<String> {
    let lower = line.to_lowercase();
    let byte = lower.find(q)?;
    // Work in chars: lowercasing can change byte lengths, so positions are
    // mapped through the char index of the match.
    let at = lower[..byte].chars().count();
    let chars: Vec<char> = line.trim_end().chars().collect();
    let from = at.saturating_sub(30);
    let to = (at + q.chars().count() + 50).min(chars.len());
    let mut s: String = chars[from.min(chars.len())..to].iter().collect();
    s = s.trim().to_string();
    if from > 0 {
        s.insert(0, '…');
    }
    if to < chars.len() {
        s.push('…');
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn now() -> Timestamp {
        Timestamp::from_second(1_740_000_000).unwrap()
    }

    fn sample() -> JournalEntry {
        let mut e = JournalEntry::new(date(2025, 3, 1), now());
        e.title = "Borrowing: \"finally\" clicked".into();
        e.add_tags(["Rust", "ownership", "rust"]);
        e.append(Field::Entry, "Read chapter 4 of the book.", now());
        e.append(
            Field::Breakthroughs,
            "Moves are just memcpy plus a rule.",
            now(),
        );
        e
    }

    #[test]
    fn markdown_has_front_matter_and_sections() {
        let md = sample().to_markdown(75);
        assert!(md.starts_with("---\ndate: 2025-03-01\n"), "{md}");
        assert!(
            md.contains("title: \"Borrowing: \\\"finally\\\" clicked\"\n"),
            "{md}"
        );
        assert!(md.contains("tags: [\"rust\", \"ownership\"]\n"), "{md}");
        assert!(
            md.contains("minutes_studied: 75\n---\n\nRead chapter 4"),
            "{md}"
        );
        assert!(md.contains("## Breakthroughs\n\nMoves are"), "{md}");
        assert!(!md.contains("## Challenges"), "{md}");
    }

    #[test]
    fn editor_text_round_trips() {
        let e = sample();
        let text = e.to_editor_text();
        let mut back = JournalEntry::new(e.date, now());
        back.update_from_editor_text(&text, now());
        assert_eq!(back, e);
        let mut edited = e.clone();
        edited.update_from_editor_text(
            "Title: New\n\nbody\n## Sub heading stays\nmore\n## insights\nbig one\n",
            now(),
        );
        assert_eq!(edited.title, "New");
        assert!(edited.tags.is_empty());
        assert_eq!(edited.entry, "body\n## Sub heading stays\nmore");
        assert_eq!(edited.insights, "big one");
        assert_eq!(edited.breakthroughs, "");
    }

    #[test]
    fn search_is_case_insensitive_and_newest_first() {
        let a = sample();
        let mut b = JournalEntry::new(date(2025, 3, 5), now());
        b.append(Field::Challenges, "Fought the BORROW checker again", now());
        let hits = search(&[a, b], "borrow");
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].date, date(2025, 3, 5));
        assert_eq!(hits[0].field, "challenges");
        assert_eq!(hits[1].field, "title");
        assert!(search(&[sample()], "tokio").is_empty());
        assert!(search(&[sample()], "  ").is_empty());
    }

    #[test]
    fn snippet_handles_unicode_and_long_lines() {
        let line = format!("{}İstanbul borrow {}", "é".repeat(40), "x".repeat(100));
        let s = snippet(&line, "borrow").unwrap();
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("borrow"));
    }

    #[test]
    fn field_names_parse() {
        assert_eq!("insight".parse::<Field>(), Ok(Field::Insights));
        assert_eq!("Challenges".parse::<Field>(), Ok(Field::Challenges));
        assert!("mood".parse::<Field>().is_err());
    }
}
