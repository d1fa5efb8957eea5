use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub type Entry = (String, Option<String>);

type Heads<'a> = BinaryHeap<Reverse<(&'a str, usize, usize)>>;

/// Pushes the entry after position `i` of run `r`, if any.
fn advance<'a>(heap: &mut Heads<'a>, runs: &'a [Vec<Entry>], r: usize, i: usize) {
    if let Some((k, _)) = runs[r].get(i + 1) {
        heap.push(Reverse((k.as_str(), r, i + 1)));
    }
}

pub fn compact(runs: &[Vec<Entry>], keep_tombstones: bool) -> Vec<Entry> {
    let mut heap: Heads = BinaryHeap::new();
    for (r, run) in runs.iter().enumerate() {
        if let Some((k, _)) = run.first() {
            heap.push(Reverse((k.as_str(), r, 0)));
        }
    }
    let mut out = Vec::new();
    while let Some(Reverse((key, r, i))) = heap.pop() {
        // (key, r) is the newest version: equal keys pop in run order.
        advance(&mut heap, runs, r, i);
        while let Some(Reverse((k2, r2, i2))) = heap.peek().copied() {
            if k2 != key {
                break;
            }
            heap.pop();
            advance(&mut heap, runs, r2, i2);
        }
        let value = &runs[r][i].1;
        if value.is_some() || keep_tombstones {
            out.push((key.to_string(), value.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(k: &str, v: &str) -> Entry {
        (k.to_string(), Some(v.to_string()))
    }
    fn del(k: &str) -> Entry {
        (k.to_string(), None)
    }

    fn runs() -> Vec<Vec<Entry>> {
        vec![
            vec![put("b", "b3"), del("c"), put("e", "e3")],             // newest
            vec![put("a", "a2"), put("b", "b2"), put("d", "d2")],
            vec![put("a", "a1"), put("c", "c1"), del("d"), put("f", "f1")], // oldest
        ]
    }

    #[test]
    fn newest_version_wins() {
        assert_eq!(
            compact(&runs(), true),
            vec![put("a", "a2"), put("b", "b3"), del("c"), put("d", "d2"), put("e", "e3"), put("f", "f1")]
        );
    }

    #[test]
    fn bottom_level_drops_tombstones() {
        assert_eq!(
            compact(&runs(), false),
            vec![put("a", "a2"), put("b", "b3"), put("d", "d2"), put("e", "e3"), put("f", "f1")]
        );
    }

    #[test]
    fn edge_cases() {
        assert!(compact(&[], true).is_empty());
        assert!(compact(&[vec![], vec![]], false).is_empty());
        assert_eq!(compact(&[vec![del("x")]], false), vec![]);
        assert_eq!(compact(&[vec![del("x")], vec![put("x", "old")]], false), vec![], "deleted stays deleted");
        assert_eq!(compact(&[vec![put("x", "new")], vec![del("x")]], false), vec![put("x", "new")]);
    }

    #[test]
    fn agrees_with_a_map_model() {
        use std::collections::BTreeMap;
        let runs: Vec<Vec<Entry>> = (0..4)
            .map(|r| {
                (0..40)
                    .filter(|k| (k * 7 + r * 3) % 5 != 0)
                    .map(|k| {
                        let key = format!("k{k:02}");
                        if (k + r) % 6 == 0 { del(&key) } else { put(&key, &format!("r{r}")) }
                    })
                    .collect()
            })
            .collect();
        let mut model: BTreeMap<String, Option<String>> = BTreeMap::new();
        for run in runs.iter().rev() {
            for (k, v) in run {
                model.insert(k.clone(), v.clone());
            }
        }
        let expected: Vec<Entry> = model.into_iter().filter(|(_, v)| v.is_some()).collect();
        assert_eq!(compact(&runs, false), expected);
    }
}
