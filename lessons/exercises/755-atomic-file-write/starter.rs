use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

pub fn save_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // Not atomic: a crash after create() leaves an empty or partial file.
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    Ok(())
}

pub fn load_or_default(path: &Path) -> io::Result<Vec<u8>> {
    fs::read(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fresh directory, removed again when the test ends (even on failure).
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("megarepo-ex755-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn saves_and_replaces_without_leftovers() {
        let scratch = Scratch::new("replace");
        let dir = scratch.0.clone();
        let p = dir.join("tasks.json");
        assert_eq!(load_or_default(&p).unwrap(), Vec::<u8>::new());
        save_atomic(&p, b"[1]").unwrap();
        save_atomic(&p, b"[1,2]").unwrap();
        assert_eq!(load_or_default(&p).unwrap(), b"[1,2]");
        assert_eq!(entries(&dir), vec!["tasks.json"], "no temp file left behind");
    }

    #[test]
    fn failure_keeps_the_old_file_and_names_the_path() {
        let scratch = Scratch::new("fail");
        let dir = scratch.0.clone();
        let p = dir.join("tasks.json");
        save_atomic(&p, b"old").unwrap();
        // A directory where the temp file should go makes the write fail.
        fs::create_dir(dir.join(".tasks.json.tmp")).unwrap();
        let err = save_atomic(&p, b"new").unwrap_err();
        assert!(err.to_string().starts_with(&p.display().to_string()), "{err}");
        assert_eq!(fs::read(&p).unwrap(), b"old", "old contents intact");
    }

    #[test]
    fn missing_directory_and_bad_path() {
        let scratch = Scratch::new("missing");
        let dir = scratch.0.clone();
        let p = dir.join("no/such/dir/x");
        let err = save_atomic(&p, b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("no/such/dir/x"));
        assert_eq!(save_atomic(Path::new("/"), b"x").unwrap_err().kind(), io::ErrorKind::InvalidInput);
        let as_dir = load_or_default(&dir).unwrap_err();
        assert!(as_dir.to_string().contains("megarepo-ex755"), "{as_dir}");
    }
}
