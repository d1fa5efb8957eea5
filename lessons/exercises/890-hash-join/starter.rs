use std::collections::HashMap;

pub type Row = Vec<String>;

pub fn nested_loop_join(left: &[Row], lk: usize, right: &[Row], rk: usize) -> Vec<Row> {
    todo!("{} x {} rows on {lk} = {rk}", left.len(), right.len())
}

pub fn hash_join(left: &[Row], lk: usize, right: &[Row], rk: usize) -> Vec<Row> {
    let _: HashMap<&str, Vec<usize>> = HashMap::new();
    todo!("{} x {} rows on {lk} = {rk}", left.len(), right.len())
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
