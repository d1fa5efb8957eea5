use std::collections::HashMap;

pub type Row = Vec<String>;

fn joined(l: &Row, r: &Row) -> Row {
    l.iter().chain(r).cloned().collect()
}

pub fn nested_loop_join(left: &[Row], lk: usize, right: &[Row], rk: usize) -> Vec<Row> {
    let mut out = Vec::new();
    for l in left {
        for r in right {
            if let (Some(a), Some(b)) = (l.get(lk), r.get(rk))
                && a == b
            {
                out.push(joined(l, r));
            }
        }
    }
    out
}

/// Index pairs (build row, probe row) with equal keys.
fn probe(build: &[Row], bk: usize, probe_side: &[Row], pk: usize) -> Vec<(usize, usize)> {
    let mut table: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, row) in build.iter().enumerate() {
        if let Some(k) = row.get(bk) {
            table.entry(k.as_str()).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for (j, row) in probe_side.iter().enumerate() {
        if let Some(matches) = row.get(pk).and_then(|k| table.get(k.as_str())) {
            pairs.extend(matches.iter().map(|&i| (i, j)));
        }
    }
    pairs
}

pub fn hash_join(left: &[Row], lk: usize, right: &[Row], rk: usize) -> Vec<Row> {
    let mut pairs: Vec<(usize, usize)> = if left.len() <= right.len() {
        probe(left, lk, right, rk)
    } else {
        probe(right, rk, left, lk).into_iter().map(|(r, l)| (l, r)).collect()
    };
    pairs.sort_unstable();
    pairs.into_iter().map(|(l, r)| joined(&left[l], &right[r])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        text.lines().map(|l| l.split(',').map(String::from).collect()).collect()
    }

    #[test]
    fn joins_users_and_orders() {
        let users = rows("1,ada\n2,bob\n3,cy");
        let orders = rows("100,2,book\n101,1,pen\n102,2,lamp\n103,9,ghost");
        let expected = rows("1,ada,101,1,pen\n2,bob,100,2,book\n2,bob,102,2,lamp");
        assert_eq!(nested_loop_join(&users, 0, &orders, 1), expected);
        assert_eq!(hash_join(&users, 0, &orders, 1), expected);
        assert_eq!(hash_join(&orders, 1, &users, 0).len(), 3);
    }

    #[test]
    fn duplicates_multiply_and_short_rows_never_match() {
        let a = rows("k,1\nk,2\nx,3\nshort");
        let b = rows("k,A\nk,B\ny,C");
        let got = hash_join(&a, 0, &b, 0);
        assert_eq!(got.len(), 4, "2 x 2 matches on k");
        assert_eq!(got, nested_loop_join(&a, 0, &b, 0));
        assert_eq!(hash_join(&a, 1, &b, 5), vec![] as Vec<Row>);
        assert!(hash_join(&[], 0, &b, 0).is_empty());
    }

    #[test]
    fn agrees_with_the_reference_whichever_side_is_smaller() {
        let big: Vec<Row> = (0..300).map(|i| vec![format!("k{}", i % 17), i.to_string()]).collect();
        let small: Vec<Row> = (0..20).map(|i| vec![i.to_string(), format!("k{}", i % 23)]).collect();
        assert_eq!(hash_join(&big, 0, &small, 1), nested_loop_join(&big, 0, &small, 1));
        assert_eq!(hash_join(&small, 1, &big, 0), nested_loop_join(&small, 1, &big, 0));
    }
}
