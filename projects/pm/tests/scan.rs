#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `pm scan` over a generated tree of 10,000 files: every TODO and FIXME in
//! a text file that is not ignored becomes exactly one task, binary and
//! ignored files are skipped, and a second scan after edits updates tasks
//! instead of adding copies.

mod common;

use std::fs;
use std::path::Path;

use common::{json, ok, workspace};

/// What the generator put where, to check the scan against.
struct Tree {
    todos: usize,
    fixmes: usize,
}

/// 10,000 files: a `.gitignore`, 9,699 source files in 97 folders (every 7th with a
/// TODO on line 3, every 50th with a FIXME on line 5), 100 binary files
/// with a TODO inside, 100 files in an ignored `target/` and 100 `*.log`
/// files ignored by pattern (101 ignored entries: one folder, 100 files),
/// all with TODOs that must not be found.
fn generate(root: &Path) -> Tree {
    fs::write(root.join(".gitignore"), "target/\n*.log\n").unwrap();
    let mut tree = Tree {
        todos: 0,
        fixmes: 0,
    };
    let mut files = 1; // the .gitignore
    for n in 0..9_699 {
        let folder = root.join(format!("src/m{:02}", n / 100));
        fs::create_dir_all(&folder).unwrap();
        let mut text = format!("// file {n}\nfn f{n}() {{}}\n");
        if n % 7 == 0 {
            text.push_str(&format!("// TODO: item {n}\n"));
            tree.todos += 1;
        } else {
            text.push_str("// nothing to do\n");
        }
        text.push_str("fn g() {}\n");
        if n % 50 == 0 {
            text.push_str(&format!("/* FIXME: fix {n} */\n"));
            tree.fixmes += 1;
        }
        fs::write(folder.join(format!("f{}.rs", n % 100)), text).unwrap();
        files += 1;
    }
    for (folder, name) in [
        ("assets", "img{}.bin"),
        ("target/debug", "out{}.rs"),
        ("logs", "run{}.log"),
    ] {
        let folder = root.join(folder);
        fs::create_dir_all(&folder).unwrap();
        for i in 0..100 {
            let mut body = b"TODO: must not be found\n".to_vec();
            if name.ends_with(".bin") {
                body.insert(0, 0); // a NUL byte: binary
            }
            fs::write(folder.join(name.replace("{}", &i.to_string())), body).unwrap();
            files += 1;
        }
    }
    assert_eq!(files, 10_000);
    tree
}

#[test]
fn scan_finds_the_todos_in_ten_thousand_files() {
    let ws = workspace();
    let d = ws.path();
    let code = d.join("code");
    fs::create_dir(&code).unwrap();
    let tree = generate(&code);

    let out = ok(d, &["scan", "code"]);
    let found = tree.todos + tree.fixmes;
    assert!(
        out.starts_with(&format!(
            "scanned 9700 file(s) (101 ignored, 100 binary): {found} comment(s); {found} new task(s)"
        )),
        "{out}"
    );
    let tasks = json(d, &["list", "--json"]);
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), found);
    let todos = tasks.iter().filter(|t| t["tags"][0] == "todo").count();
    assert_eq!((todos, tasks.len() - todos), (tree.todos, tree.fixmes));
    // One task checked in full: file, line, title and tag.
    let t = tasks
        .iter()
        .find(|t| t["title"] == "item 4207")
        .expect("the TODO of file 4207");
    assert_eq!(t["source"]["file"], "code/src/m42/f7.rs");
    assert_eq!(t["source"]["line"], 3);
    assert!(tasks.iter().all(|t| t["title"] != "must not be found"));

    // Edit two files: push one TODO down two lines, delete another.
    let moved = code.join("src/m42/f7.rs");
    let text = fs::read_to_string(&moved).unwrap();
    fs::write(&moved, format!("\n\n{text}")).unwrap();
    fs::write(code.join("src/m00/f7.rs"), "// done\n").unwrap();

    let out = ok(d, &["scan", "code"]);
    assert!(
        out.contains(&format!(
            "0 new task(s), 1 moved, {} unchanged, 1 closed",
            found - 2
        )),
        "{out}"
    );
    let all = json(d, &["list", "--all", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), found, "nothing duplicated");
    let t = all
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "item 4207")
        .unwrap();
    assert_eq!(t["source"]["line"], 5);
    let closed = all
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "item 7")
        .unwrap();
    assert_eq!(closed["status"], "done");
}
