//! Build script: turns every ```rust block in `cheatsheets/` and `lessons/`
//! into a doctest item (see `src/examples.rs` for the why and the how). It
//! never fails the build over content: an unreadable sheet becomes a failing
//! doctest instead, so `cargo build` keeps working while `cargo test` names
//! the file.

#[path = "src/examples.rs"]
#[allow(dead_code)]
mod examples;

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut collection = examples::Collection::default();
    for folder in ["cheatsheets", "lessons"] {
        let dir = root.join(folder);
        // Cargo scans a folder given here recursively, so new, edited and
        // removed sheets all rerun the script.
        println!("cargo:rerun-if-changed={}", dir.display());
        examples::collect_dir(&root, &dir, &mut collection);
    }
    println!("cargo:rerun-if-changed=src/examples.rs");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let dir = out_dir.join("sheet_examples");
    let generated = examples::generate(&collection);
    let mut files = vec![(out_dir.join("sheet_examples.rs"), generated.index(&dir))];
    for (name, source) in generated.modules {
        files.push((dir.join(name), source));
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        println!("cargo:warning=cannot create {}: {e}", dir.display());
    }
    for (path, source) in files {
        if let Err(e) = write_if_changed(&path, &source) {
            // Only our own OUT_DIR can fail here; say so and leave the build
            // to report the missing file where it is included.
            println!("cargo:warning=cannot write {}: {e}", path.display());
        }
    }
}

/// Rewriting an identical file would make cargo rebuild the crate for nothing.
fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}
