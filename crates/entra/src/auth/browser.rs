//! Opening the authorize URL in the system browser, for the CLI. The desktop app uses the Tauri
//! opener plugin instead. Optional and never fatal: always show the URL as well.

use std::process::{Command, Stdio};

use url::Url;

/// Asks the desktop to open `url` in the default browser (`xdg-open`, `open`, or Windows'
/// URL handler). Returns as soon as the opener is started; an error only means "show the URL and
/// ask the admin to open it".
pub fn open_in_browser(url: &Url) -> std::io::Result<()> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "only http and https links are opened",
        ));
    }
    let mut command = opener_command(url.as_str());
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn()?;
    // Reap the opener in the background so it does not linger as a zombie.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(target_os = "windows")]
fn opener_command(url: &str) -> Command {
    // Not `cmd /C start`: cmd would interpret the `&` in the query.
    let mut command = Command::new("rundll32");
    command.arg("url.dll,FileProtocolHandler").arg(url);
    command
}

#[cfg(target_os = "macos")]
fn opener_command(url: &str) -> Command {
    let mut command = Command::new("open");
    command.arg(url);
    command
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn opener_command(url: &str) -> Command {
    let mut command = Command::new("xdg-open");
    command.arg(url);
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_opened() {
        let file = Url::parse("file:///etc/passwd").map(|url| open_in_browser(&url).is_err());
        assert_eq!(file.ok(), Some(true));
    }
}
