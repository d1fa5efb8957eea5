//! Opening a link in the learner's browser.

/// Open `url` with `$BROWSER` (else `xdg-open`), in the background. Returns
/// the one-line message to show: what is opening, or why nothing can.
pub fn open_url(url: &str) -> Result<String, String> {
    let opener = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "xdg-open".into());
    match std::process::Command::new(&opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(_) => Ok(format!("opening {url}")),
        Err(_) => Err(format!("no browser ({opener}) to open {url}; set $BROWSER")),
    }
}
