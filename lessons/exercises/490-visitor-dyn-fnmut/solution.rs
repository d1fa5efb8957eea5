pub enum Node {
    File { name: String, size: u64 },
    Dir { name: String, children: Vec<Node> },
}

pub fn walk(node: &Node, prefix: &str, visit: &mut dyn FnMut(&str, u64)) {
    match node {
        Node::File { name, size } => visit(&format!("{prefix}/{name}"), *size),
        Node::Dir { name, children } => {
            let path = format!("{prefix}/{name}");
            for child in children {
                walk(child, &path, visit);
            }
        }
    }
}

pub fn total_size(root: &Node) -> u64 {
    let mut total = 0;
    walk(root, "", &mut |_, size| total += size);
    total
}

pub fn largest(root: &Node, n: usize) -> Vec<(u64, String)> {
    let mut files = Vec::new();
    walk(root, "", &mut |path, size| files.push((size, path.to_string())));
    files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    files.truncate(n);
    files
}

pub fn count_matching(root: &Node, ext: &str) -> usize {
    let mut count = 0;
    walk(root, "", &mut |path, _| {
        if path.ends_with(ext) {
            count += 1;
        }
    });
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: u64) -> Node {
        Node::File { name: name.into(), size }
    }
    fn dir(name: &str, children: Vec<Node>) -> Node {
        Node::Dir { name: name.into(), children }
    }

    fn tree() -> Node {
        dir("root", vec![
            file("Cargo.toml", 300),
            dir("src", vec![file("main.rs", 1200), file("lib.rs", 800), dir("empty", vec![])]),
            dir("data", vec![file("seg-1.log", 4096), file("seg-2.log", 4096)]),
        ])
    }

    #[test]
    fn visits_files_depth_first_with_paths() {
        let mut seen = Vec::new();
        walk(&tree(), "", &mut |p, s| seen.push(format!("{p}:{s}")));
        assert_eq!(
            seen,
            vec![
                "/root/Cargo.toml:300",
                "/root/src/main.rs:1200",
                "/root/src/lib.rs:800",
                "/root/data/seg-1.log:4096",
                "/root/data/seg-2.log:4096",
            ]
        );
        let mut n = 0;
        walk(&file("alone", 1), "/mnt", &mut |p, _| {
            assert_eq!(p, "/mnt/alone");
            n += 1;
        });
        assert_eq!(n, 1);
    }

    #[test]
    fn questions_answered_with_closures() {
        let t = tree();
        assert_eq!(total_size(&t), 10_492);
        assert_eq!(
            largest(&t, 3),
            vec![(4096, "/root/data/seg-1.log".into()), (4096, "/root/data/seg-2.log".into()), (1200, "/root/src/main.rs".into())]
        );
        assert_eq!(count_matching(&t, ".rs"), 2);
        assert_eq!(count_matching(&t, ".log"), 2);
        assert_eq!(total_size(&dir("empty", vec![])), 0);
        assert!(largest(&dir("e", vec![]), 5).is_empty());
    }
}
