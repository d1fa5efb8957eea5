use std::num::ParseIntError;

#[derive(Debug)]
enum ConfigError {
    Io(std::io::Error),
    Parse(ParseIntError),
}

fn read_port(path: &std::path::Path) -> Result<u16, ConfigError> {
    let text = std::fs::read_to_string(path)?;
    let port = text.trim().parse::<u16>()?;
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("megarepo-ex123-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn each_kind_of_failure() {
        let good = temp_file("good", "8080\n");
        assert_eq!(read_port(&good).unwrap(), 8080);
        let bad = temp_file("bad", "eighty");
        assert!(matches!(read_port(&bad), Err(ConfigError::Parse(_))));
        let missing = std::path::Path::new("/no/such/megarepo/file");
        assert!(matches!(read_port(missing), Err(ConfigError::Io(_))));
        let _ = std::fs::remove_file(good);
        let _ = std::fs::remove_file(bad);
    }
}
