//! Copying the SCIM token and Base URL for the admin, safely: the write happens in Rust, is
//! marked sensitive (kept out of clipboard history and cloud sync where the OS allows), and the
//! clipboard is cleared after a delay — but only if it still holds what we put there, so a later
//! copy by the admin is never wiped.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use zeroize::Zeroizing;

/// How long a copied secret stays on the clipboard unless the settings say otherwise.
pub const DEFAULT_CLEAR_AFTER_SECONDS: u32 = 30;
/// The shortest and longest the admin may choose (ui/src/lib/settings.ts has the same bounds): a
/// secret left longer on the clipboard is more likely to be pasted where it should not go.
pub const MIN_CLEAR_AFTER_SECONDS: u32 = 5;
pub const MAX_CLEAR_AFTER_SECONDS: u32 = 120;

/// The delay before a copy is cleared: what the page asked for, within the bounds.
pub fn clear_delay(requested_seconds: Option<u32>) -> Duration {
    let seconds = requested_seconds
        .unwrap_or(DEFAULT_CLEAR_AFTER_SECONDS)
        .clamp(MIN_CLEAR_AFTER_SECONDS, MAX_CLEAR_AFTER_SECONDS);
    Duration::from_secs(u64::from(seconds))
}

/// One clipboard for the app's lifetime: on X11 and Wayland the owning process serves the
/// clipboard's content, so it must outlive the copy.
#[derive(Default)]
pub struct SecureClipboard {
    inner: Arc<Mutex<Owned>>,
}

/// The clipboard, and what our last copy put on it until that is cleared (the one copy of the
/// secret kept here: the timer and quitting both compare against it).
#[derive(Default)]
struct Owned {
    clipboard: Option<arboard::Clipboard>,
    copied: Option<Zeroizing<String>>,
    /// Bumped on every copy, so only the latest copy's timer clears.
    generation: u64,
}

impl Owned {
    /// Clears the clipboard if it still holds our last copy; a later copy by the admin stays.
    fn clear_if_ours(&mut self) {
        let Some(copied) = self.copied.take() else {
            return;
        };
        if let Some(clipboard) = self.clipboard.as_mut() {
            let still_ours = clipboard
                .get_text()
                .map(|now| Zeroizing::new(now).as_str() == copied.as_str())
                .unwrap_or(false);
            if still_ours {
                let _ = clipboard.clear();
            }
        }
    }
}

impl std::fmt::Debug for SecureClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureClipboard").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    #[error("the clipboard is not available: {0}")]
    Unavailable(String),
}

impl SecureClipboard {
    /// Puts `text` on the clipboard as sensitive data and schedules its removal.
    pub fn copy_sensitive(
        &self,
        text: Zeroizing<String>,
        clear_after: Duration,
    ) -> Result<(), ClipboardError> {
        let generation = {
            let mut owned = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if owned.clipboard.is_none() {
                owned.clipboard = Some(
                    arboard::Clipboard::new()
                        .map_err(|e| ClipboardError::Unavailable(e.to_string()))?,
                );
            }
            let clipboard = owned
                .clipboard
                .as_mut()
                .ok_or_else(|| ClipboardError::Unavailable("no clipboard".into()))?;
            set_sensitive(clipboard, &text)?;
            owned.copied = Some(text);
            owned.generation += 1;
            owned.generation
        };
        let inner = Arc::clone(&self.inner);
        std::thread::spawn(move || {
            std::thread::sleep(clear_after);
            let mut owned = inner.lock().unwrap_or_else(PoisonError::into_inner);
            if owned.generation == generation {
                owned.clear_if_ours();
            }
        });
        Ok(())
    }

    /// When the app quits: a clipboard manager would otherwise keep our last copy after the
    /// app that served it is gone.
    pub fn clear_if_ours(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear_if_ours();
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
))]
fn set_sensitive(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), ClipboardError> {
    use arboard::SetExtLinux;
    clipboard
        .set()
        .exclude_from_history()
        .text(text)
        .map_err(|e| ClipboardError::Unavailable(e.to_string()))
}

#[cfg(target_os = "macos")]
fn set_sensitive(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), ClipboardError> {
    use arboard::SetExtApple;
    clipboard
        .set()
        .exclude_from_history()
        .text(text)
        .map_err(|e| ClipboardError::Unavailable(e.to_string()))
}

#[cfg(windows)]
fn set_sensitive(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), ClipboardError> {
    use arboard::SetExtWindows;
    clipboard
        .set()
        .exclude_from_history()
        .exclude_from_cloud()
        .exclude_from_monitoring()
        .text(text)
        .map_err(|e| ClipboardError::Unavailable(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_page_cannot_ask_for_a_secret_to_stay_longer_than_two_minutes() {
        assert_eq!(clear_delay(None), Duration::from_secs(30));
        assert_eq!(clear_delay(Some(600)), Duration::from_secs(120));
        assert_eq!(clear_delay(Some(u32::MAX)), Duration::from_secs(120));
        assert_eq!(clear_delay(Some(0)), Duration::from_secs(5));
        assert_eq!(clear_delay(Some(45)), Duration::from_secs(45));
    }

    #[test]
    fn the_page_offers_the_same_bounds() {
        let settings = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ui/src/lib/settings.ts"
        ))
        .unwrap();
        let bounds = format!(
            "min: {MIN_CLEAR_AFTER_SECONDS}, max: {MAX_CLEAR_AFTER_SECONDS}, default: {DEFAULT_CLEAR_AFTER_SECONDS}"
        );
        assert!(
            settings.contains(&bounds),
            "ui/src/lib/settings.ts must say {bounds}"
        );
    }

    /// What another program reads from the X clipboard.
    fn xclip_reads() -> String {
        let out = std::process::Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .output()
            .expect("xclip: run through `make test`");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    #[ignore = "needs an X display and xclip: run through `make test`"]
    fn quitting_clears_our_copy_but_never_the_admins_next_one() {
        let clipboard = SecureClipboard::default();
        let secret = "scim-token-for-the-clipboard-test";
        clipboard
            .copy_sensitive(Zeroizing::new(secret.to_owned()), Duration::from_secs(120))
            .unwrap();
        assert_eq!(xclip_reads(), secret);
        // The app quits long before the timer: the copy goes with it.
        clipboard.clear_if_ours();
        assert_eq!(xclip_reads(), "");

        // The admin copied something else since: quitting leaves it.
        clipboard
            .copy_sensitive(Zeroizing::new(secret.to_owned()), Duration::from_secs(120))
            .unwrap();
        let mut admin = std::process::Command::new("xclip")
            .args(["-i", "-selection", "clipboard"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        admin
            .stdin
            .take()
            .unwrap()
            .write_all(b"the admin's own copy")
            .unwrap();
        admin.wait().unwrap();
        assert_eq!(xclip_reads(), "the admin's own copy");
        clipboard.clear_if_ours();
        assert_eq!(xclip_reads(), "the admin's own copy");
    }
}
