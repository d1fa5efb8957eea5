#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub cap: usize,
    pub keys: Vec<u64>,
    pub values: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub struct Split {
    pub separator: u64,
    pub right: Leaf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Internal {
    pub keys: Vec<u64>,
    pub children: Vec<usize>,
}

impl Leaf {
    pub fn new(cap: usize) -> Self {
        Leaf { cap: cap.max(2), keys: Vec::new(), values: Vec::new() }
    }

    pub fn get(&self, key: u64) -> Option<&str> {
        todo!("find {key}")
    }

    pub fn insert(&mut self, key: u64, value: &str) -> Option<Split> {
        // Appends: keys end up unsorted, and the leaf never splits.
        self.keys.push(key);
        self.values.push(value.to_string());
        None
    }
}

impl Internal {
    pub fn child_for(&self, key: u64) -> usize {
        todo!("route {key}")
    }

    pub fn insert_child(&mut self, separator: u64, right: usize) {
        todo!("add {separator} -> {right}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_keep_keys_sorted() {
        let mut l = Leaf::new(8);
        for k in [5, 1, 9, 3] {
            assert_eq!(l.insert(k, &format!("v{k}")), None);
        }
        assert_eq!(l.keys, vec![1, 3, 5, 9]);
        assert_eq!(l.get(3), Some("v3"));
        assert_eq!(l.get(4), None);
        assert_eq!(l.insert(3, "new"), None);
        assert_eq!(l.get(3), Some("new"));
        assert_eq!(l.keys.len(), 4);
    }

    #[test]
    fn overflow_splits_in_half() {
        let mut l = Leaf::new(4);
        for k in [10, 20, 30, 40] {
            assert!(l.insert(k, "x").is_none());
        }
        let split = l.insert(25, "y").expect("the fifth key splits a leaf of 4");
        assert_eq!(l.keys, vec![10, 20]);
        assert_eq!(split.separator, 25);
        assert_eq!(split.right.keys, vec![25, 30, 40]);
        assert_eq!(split.right.values, vec!["y", "x", "x"]);
        assert_eq!(split.right.cap, 4);
        assert!(l.insert(20, "replace").is_none(), "a replace never splits");
    }

    #[test]
    fn routing_in_an_internal_node() {
        // children: 0 holds < 10, 1 holds [10, 20), 2 holds >= 20
        let mut n = Internal { keys: vec![10, 20], children: vec![0, 1, 2] };
        assert_eq!(n.child_for(5), 0);
        assert_eq!(n.child_for(10), 1, "equal keys go right");
        assert_eq!(n.child_for(15), 1);
        assert_eq!(n.child_for(20), 2);
        assert_eq!(n.child_for(99), 2);
        // child 1 split at 15 into 1 and a new node 7
        n.insert_child(15, 7);
        assert_eq!(n.keys, vec![10, 15, 20]);
        assert_eq!(n.children, vec![0, 1, 7, 2]);
        assert_eq!(n.child_for(16), 2);
        assert_eq!(n.children[n.child_for(16)], 7);
    }

    #[test]
    fn a_two_level_tree_from_splits() {
        let mut leaves = vec![Leaf::new(3)];
        let mut root = Internal { keys: vec![], children: vec![0] };
        for k in (1..=30u64).map(|i| (i * 17) % 31) {
            let c = root.child_for(k);
            let leaf_index = root.children[c];
            if let Some(split) = leaves[leaf_index].insert(k, &k.to_string()) {
                leaves.push(split.right);
                root.insert_child(split.separator, leaves.len() - 1);
            }
        }
        for k in 1..=30u64 {
            let leaf = &leaves[root.children[root.child_for(k)]];
            assert_eq!(leaf.get(k), Some(k.to_string().as_str()), "key {k}");
            assert!(leaf.keys.len() <= 3);
        }
        assert!(root.keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(root.children.len(), root.keys.len() + 1);
    }
}
