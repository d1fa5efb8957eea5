//! Redis glob patterns, for KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET:
//! `*` any run of bytes, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` a class,
//! and `\` to take the next byte literally.
//!
//! The matcher remembers only the last `*` and retries from there, so a
//! hostile pattern such as `a*a*a*a*b` costs at most pattern length times
//! text length steps, never exponential backtracking.

/// Whether `text` matches `pattern`, byte for byte (case-sensitive).
pub fn matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*`: the pattern after it, and the
    // text position it has swallowed up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if pattern.get(p) == Some(&b'*') {
            p += 1;
            star = Some((p, t));
            continue;
        }
        if let Some((true, next)) = one(pattern, p, text[t]) {
            p = next;
            t += 1;
            continue;
        }
        match star {
            Some((sp, st)) => {
                p = sp;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// Match one text byte against the pattern element at `p`: whether it
/// matched and where the next element starts, or `None` at the pattern's
/// end.
fn one(pattern: &[u8], p: usize, c: u8) -> Option<(bool, usize)> {
    match *pattern.get(p)? {
        b'?' => Some((true, p + 1)),
        b'\\' if p + 1 < pattern.len() => Some((pattern[p + 1] == c, p + 2)),
        b'[' => {
            let mut i = p + 1;
            let negate = pattern.get(i) == Some(&b'^');
            if negate {
                i += 1;
            }
            let mut hit = false;
            while i < pattern.len() && pattern[i] != b']' {
                if pattern[i] == b'\\' && i + 1 < pattern.len() {
                    hit |= pattern[i + 1] == c;
                    i += 2;
                } else if i + 2 < pattern.len() && pattern[i + 1] == b'-' && pattern[i + 2] != b']'
                {
                    let (lo, hi) = (
                        pattern[i].min(pattern[i + 2]),
                        pattern[i].max(pattern[i + 2]),
                    );
                    hit |= (lo..=hi).contains(&c);
                    i += 3;
                } else {
                    hit |= pattern[i] == c;
                    i += 1;
                }
            }
            // An unclosed class runs to the end of the pattern, as in Redis.
            Some((hit != negate, (i + 1).min(pattern.len())))
        }
        other => Some((other == c, p + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn the_redis_pattern_language() {
        assert!(matches(b"*", b""));
        assert!(matches(b"*", b"anything"));
        assert!(matches(b"user:*", b"user:1"));
        assert!(!matches(b"user:*", b"users"));
        assert!(matches(b"h?llo", b"hello"));
        assert!(!matches(b"h?llo", b"hllo"));
        assert!(matches(b"h[ae]llo", b"hallo"));
        assert!(!matches(b"h[ae]llo", b"hillo"));
        assert!(matches(b"h[^e]llo", b"hallo"));
        assert!(!matches(b"h[^e]llo", b"hello"));
        assert!(matches(b"h[a-c]llo", b"hbllo"));
        assert!(!matches(b"h[a-c]llo", b"hdllo"));
        assert!(matches(b"a\\*b", b"a*b"));
        assert!(!matches(b"a\\*b", b"axb"));
        assert!(matches(b"*a*b*c", b"xxaxxbxxc"));
        assert!(!matches(b"*a*b*c", b"xxaxxcxxb"));
        assert!(matches(b"news.*", b"news.art"));
        assert!(!matches(b"", b"x"));
    }

    #[test]
    fn hostile_patterns_finish_quickly() {
        let text = vec![b'a'; 5000];
        let mut pattern = b"a*".repeat(50);
        pattern.push(b'b');
        assert!(!matches(&pattern, &text));
    }
}
