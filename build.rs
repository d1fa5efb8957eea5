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
    write_embedded_sheets(&root, &collection.files, &out_dir);
    write_embedded_exercises(&root, &out_dir);
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

/// `embedded_sheets.rs`: the cheat sheets compiled into the binary, as a
/// slice of (name, text), so a binary run away from its checkout still has
/// them. Only files directly in cheatsheets/ are sheets; names are the file
/// stems. Unreadable files are left out here (the doctests report them).
fn write_embedded_sheets(root: &Path, files: &[PathBuf], out_dir: &Path) {
    // (folder, stem, text) for every top-level .md of cheatsheets/ and lessons/.
    let mut source = String::from("&[\n");
    for folder in ["cheatsheets", "lessons"] {
        let dir = root.join(folder);
        for path in files {
            if path.parent() != Some(dir.as_path()) || std::fs::read_to_string(path).is_err() {
                continue;
            }
            let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            source.push_str(&format!(
                "    ({folder:?}, {name:?}, include_str!({:?})),\n",
                path.to_string_lossy()
            ));
        }
    }
    source.push_str("]\n");
    let target = out_dir.join("embedded_sheets.rs");
    if let Err(e) = write_if_changed(&target, &source) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}

/// `embedded_exercises.rs`: every file of `lessons/exercises/*/` as a slice
/// of (folder, file, text), so `Bank::from_files` works in a binary run
/// away from its checkout. `lessons/` is already watched for reruns.
fn write_embedded_exercises(root: &Path, out_dir: &Path) {
    let bank = root.join("lessons/exercises");
    let mut rows: Vec<(String, String, PathBuf)> = Vec::new();
    if let Ok(folders) = std::fs::read_dir(&bank) {
        for folder in folders.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
            let Some(name) = folder.file_name().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let Ok(files) = std::fs::read_dir(&folder) else {
                continue;
            };
            for file in files.flatten().map(|e| e.path()) {
                if !file.is_file() || std::fs::read_to_string(&file).is_err() {
                    continue;
                }
                let Some(f) = file.file_name().map(|s| s.to_string_lossy().into_owned()) else {
                    continue;
                };
                rows.push((name.clone(), f, file));
            }
        }
    }
    rows.sort();
    let mut source = String::from("&[\n");
    for (folder, file, path) in rows {
        source.push_str(&format!(
            "    ({folder:?}, {file:?}, include_str!({:?})),\n",
            path.to_string_lossy()
        ));
    }
    source.push_str("]\n");
    let target = out_dir.join("embedded_exercises.rs");
    if let Err(e) = write_if_changed(&target, &source) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}
