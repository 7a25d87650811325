//! Copying the SCIM token and Base URL for the admin, safely: the write happens in Rust, is
//! marked sensitive (kept out of clipboard history and cloud sync where the OS allows), and the
//! clipboard is cleared after a delay — but only if it still holds what we put there, so a later
//! copy by the admin is never wiped.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use zeroize::Zeroizing;

/// How long a copied secret stays on the clipboard unless the settings say otherwise.
pub const DEFAULT_CLEAR_AFTER_SECONDS: u32 = 30;

/// One clipboard for the app's lifetime: on X11 and Wayland the owning process serves the
/// clipboard's content, so it must outlive the copy.
#[derive(Default)]
pub struct SecureClipboard {
    inner: Arc<Mutex<Option<arboard::Clipboard>>>,
    /// Bumped on every copy, so only the latest copy's timer clears.
    generation: Arc<Mutex<u64>>,
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
        {
            let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if guard.is_none() {
                *guard = Some(
                    arboard::Clipboard::new()
                        .map_err(|e| ClipboardError::Unavailable(e.to_string()))?,
                );
            }
            let clipboard = guard
                .as_mut()
                .ok_or_else(|| ClipboardError::Unavailable("no clipboard".into()))?;
            set_sensitive(clipboard, &text)?;
        }
        let generation = {
            let mut generation = self
                .generation
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *generation += 1;
            *generation
        };
        let inner = Arc::clone(&self.inner);
        let current = Arc::clone(&self.generation);
        std::thread::spawn(move || {
            std::thread::sleep(clear_after);
            if *current.lock().unwrap_or_else(PoisonError::into_inner) != generation {
                return;
            }
            let mut guard = inner.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(clipboard) = guard.as_mut() {
                let still_ours = clipboard
                    .get_text()
                    .map(|now| Zeroizing::new(now).as_str() == text.as_str())
                    .unwrap_or(false);
                if still_ours {
                    let _ = clipboard.clear();
                }
            }
        });
        Ok(())
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
