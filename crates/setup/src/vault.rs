//! The keychain vault: the only place a secret is ever written to.
//!
//! It sits on the keyring 4 ecosystem (`keyring-core`) and registers the platform's native store
//! explicitly: the Secret Service on Linux and the BSDs, Keychain Services on macOS, the
//! Credential Manager on Windows. When that store cannot be reached or is locked, opening or using
//! the vault fails with a clear error: there is deliberately no fallback to a file.
//!
//! Secrets longer than [`CHUNK_CHARS`] are split across several entries, because Windows caps a
//! credential blob at 2560 bytes of UTF-16 and Entra refresh tokens can be longer than that.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use keyring_core::{CredentialStore, Entry};
use secrecy::ExposeSecret;

use crate::error::{ErrorCode, UiError};
use crate::secret::Secret;

/// The keychain "service" every entry of this app lives under.
pub const SERVICE: &str = "scim-wizard";

/// Largest piece stored in one entry, in characters. 1200 UTF-16 code units stay well under the
/// Windows limit of 2560 bytes once the platform adds its own framing.
pub const CHUNK_CHARS: usize = 1200;

/// Marks an entry whose value lives in numbered sibling entries. It starts with a control
/// character, which no token, key or URL we store can contain.
const CHUNK_MARKER: &str = "\u{1}scim-wizard-chunks:";

/// Why the vault could not do what was asked. Never carries a secret.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VaultError {
    #[error("no keychain is available on this computer ({detail})")]
    Unavailable { detail: String },
    #[error("the keychain is locked or refused access ({detail})")]
    Locked { detail: String },
    #[error("the keychain failed while {action} ({detail})")]
    Failed {
        action: &'static str,
        detail: String,
    },
    #[error("the keychain entry `{account}` is damaged: {detail}")]
    Damaged { account: String, detail: String },
}

impl VaultError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable { .. } => ErrorCode::KeychainUnavailable,
            Self::Locked { .. } => ErrorCode::KeychainLocked,
            Self::Failed { .. } | Self::Damaged { .. } => ErrorCode::KeychainFailed,
        }
    }
}

impl From<VaultError> for UiError {
    fn from(error: VaultError) -> Self {
        let (message, hint, retryable) = match &error {
            VaultError::Unavailable { .. } => (
                "Your computer's keychain could not be reached, so the app cannot keep your secrets safe.",
                "On Linux, install and start a keychain service such as GNOME Keyring or KWallet, then open the app again. Nothing was saved to a file.",
                false,
            ),
            VaultError::Locked { .. } => (
                "Your keychain is locked, or it refused to let the app use it.",
                "Unlock your keychain (on Linux: open \"Passwords and Keys\"), allow the app if asked, then try again.",
                true,
            ),
            VaultError::Failed { .. } => (
                "Your keychain reported an error.",
                "Try again. If it keeps failing, restart your keychain service or your session.",
                true,
            ),
            VaultError::Damaged { .. } => (
                "A secret saved by this app in your keychain is damaged.",
                "Remove the entries named \"scim-wizard\" from your keychain and run the setup again.",
                false,
            ),
        };
        UiError::new(error.code(), message, hint, retryable)
    }
}

/// Store, read and delete secrets in the OS keychain.
#[derive(Clone)]
pub struct Vault {
    store: Arc<CredentialStore>,
    service: String,
    /// Saves and deletes made through this vault and its clones (see [`Vault::writes`]).
    writes: Arc<AtomicU64>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Opens the platform's native keychain under the app's service name.
    pub fn open_native() -> Result<Self, VaultError> {
        Self::open_native_with_service(SERVICE)
    }

    /// Opens the native keychain under another service name (tests use a unique one per run).
    pub fn open_native_with_service(service: &str) -> Result<Self, VaultError> {
        let store = native_store().map_err(|error| VaultError::Unavailable {
            detail: describe(&error),
        })?;
        Ok(Self {
            store,
            service: service.to_owned(),
            writes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Writes a throw-away entry and removes it, so a locked or missing keychain is found before
    /// anything precious (a freshly minted token) depends on it.
    pub fn probe(&self) -> Result<(), VaultError> {
        // One probe entry per process: two setups running side by side must not read each
        // other's probe as missing.
        let account = &format!("probe-{}", std::process::id());
        self.store(account, &Secret::from("probe".to_owned()))?;
        match self.read(account)? {
            Some(value) if value.expose_secret() == "probe" => {}
            _ => {
                return Err(VaultError::Failed {
                    action: "checking a test entry",
                    detail: "the value read back differs from the value written".to_owned(),
                });
            }
        }
        self.delete(account)?;
        Ok(())
    }

    /// How many times this vault or one of its clones has saved or deleted a secret (counting
    /// the attempts, failed or not). Each such change is a round trip that, on macOS, may raise
    /// a keychain prompt: tests use this to prove that a path leaves the keychain alone.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Saves `secret` under `account`, replacing any previous value.
    pub fn store(&self, account: &str, secret: &Secret) -> Result<(), VaultError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        let value = secret.expose_secret();
        let previous_chunks = self.chunk_count(account)?;
        if value.chars().count() <= CHUNK_CHARS {
            self.entry(account)?
                .set_password(value)
                .map_err(|e| classify(e, "saving a secret"))?;
        } else {
            let chunks = split_chars(value, CHUNK_CHARS);
            for (index, chunk) in chunks.iter().enumerate() {
                self.entry(&chunk_account(account, index + 1))?
                    .set_password(chunk)
                    .map_err(|e| classify(e, "saving part of a secret"))?;
            }
            // The head entry is written last: until then a reader still sees the old value whole.
            let head = format!("{CHUNK_MARKER}{}", chunks.len());
            self.entry(account)?
                .set_password(&head)
                .map_err(|e| classify(e, "saving a secret"))?;
            self.delete_chunks(account, chunks.len() + 1..=previous_chunks)?;
            return Ok(());
        }
        self.delete_chunks(account, 1..=previous_chunks)
    }

    /// Reads the secret saved under `account`, or `None` when there is none.
    pub fn read(&self, account: &str) -> Result<Option<Secret>, VaultError> {
        let Some(head) = self.read_raw(account)? else {
            return Ok(None);
        };
        let Some(count) = parse_chunk_head(account, &head)? else {
            return Ok(Some(Secret::from(head)));
        };
        let mut whole = String::with_capacity(count * CHUNK_CHARS);
        for index in 1..=count {
            let part_account = chunk_account(account, index);
            let mut part = self
                .read_raw(&part_account)?
                .ok_or_else(|| VaultError::Damaged {
                    account: account.to_owned(),
                    detail: format!("part {index} of {count} is missing"),
                })?;
            whole.push_str(&part);
            zeroize::Zeroize::zeroize(&mut part);
        }
        Ok(Some(Secret::from(whole)))
    }

    /// Deletes the secret under `account`. Returns whether there was one.
    pub fn delete(&self, account: &str) -> Result<bool, VaultError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        let chunks = self.chunk_count(account)?;
        let existed = match self.entry(account)?.delete_credential() {
            Ok(()) => true,
            Err(keyring_core::Error::NoEntry) => false,
            Err(error) => return Err(classify(error, "deleting a secret")),
        };
        self.delete_chunks(account, 1..=chunks)?;
        Ok(existed)
    }

    /// [`Vault::open_native_with_service`] on a blocking thread: connecting to the Secret
    /// Service is itself a D-Bus round trip.
    pub async fn open_native_with_service_async(service: &str) -> Result<Self, VaultError> {
        let service = service.to_owned();
        off_runtime(move || Self::open_native_with_service(&service)).await
    }

    /// [`Vault::probe`] on a blocking thread (see [`Vault::read_async`]).
    pub async fn probe_async(&self) -> Result<(), VaultError> {
        let vault = self.clone();
        off_runtime(move || vault.probe()).await
    }

    /// [`Vault::store`] on a blocking thread (see [`Vault::read_async`]).
    pub async fn store_async(&self, account: &str, secret: &Secret) -> Result<(), VaultError> {
        let vault = self.clone();
        let account = account.to_owned();
        let secret = Secret::from(secret.expose_secret().to_owned());
        off_runtime(move || vault.store(&account, &secret)).await
    }

    /// [`Vault::read`] on a blocking thread. Every keychain call is a blocking round trip (a
    /// D-Bus call to the Secret Service on Linux, which may even wait for an unlock prompt), so
    /// async code uses these `*_async` forms: the runtime's worker threads keep serving the
    /// window, progress events and the other branch of a concurrent step meanwhile. Same
    /// results as the blocking forms; the call runs to its end even if the caller stops
    /// waiting, exactly as a blocking call would have.
    pub async fn read_async(&self, account: &str) -> Result<Option<Secret>, VaultError> {
        let vault = self.clone();
        let account = account.to_owned();
        off_runtime(move || vault.read(&account)).await
    }

    /// [`Vault::delete`] on a blocking thread (see [`Vault::read_async`]).
    pub async fn delete_async(&self, account: &str) -> Result<bool, VaultError> {
        let vault = self.clone();
        let account = account.to_owned();
        off_runtime(move || vault.delete(&account)).await
    }

    fn entry(&self, account: &str) -> Result<Entry, VaultError> {
        Entry::new_in_store(&self.store, &self.service, account)
            .map_err(|e| classify(e, "opening a keychain entry"))
    }

    fn read_raw(&self, account: &str) -> Result<Option<String>, VaultError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(keyring_core::Error::BadEncoding(_)) => Err(VaultError::Damaged {
                account: account.to_owned(),
                detail: "it is not text".to_owned(),
            }),
            Err(error) => Err(classify(error, "reading a secret")),
        }
    }

    fn chunk_count(&self, account: &str) -> Result<usize, VaultError> {
        match self.read_raw(account)? {
            Some(head) => Ok(parse_chunk_head(account, &head)?.unwrap_or(0)),
            None => Ok(0),
        }
    }

    fn delete_chunks(
        &self,
        account: &str,
        indexes: std::ops::RangeInclusive<usize>,
    ) -> Result<(), VaultError> {
        for index in indexes {
            match self
                .entry(&chunk_account(account, index))?
                .delete_credential()
            {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(error) => return Err(classify(error, "deleting part of a secret")),
            }
        }
        Ok(())
    }
}

/// Runs a blocking keychain call on tokio's blocking pool. A join error only happens when the
/// call panicked or the runtime is shutting down; neither leaves a secret in the message.
async fn off_runtime<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, VaultError> {
    tokio::task::spawn_blocking(call)
        .await
        .unwrap_or_else(|error| {
            Err(VaultError::Failed {
                action: "using the keychain",
                detail: if error.is_panic() {
                    "the keychain call stopped unexpectedly".to_owned()
                } else {
                    "the app is shutting down".to_owned()
                },
            })
        })
}

fn chunk_account(account: &str, index: usize) -> String {
    format!("{account}#{index}")
}

fn parse_chunk_head(account: &str, head: &str) -> Result<Option<usize>, VaultError> {
    let Some(count) = head.strip_prefix(CHUNK_MARKER) else {
        return Ok(None);
    };
    count
        .parse::<usize>()
        .ok()
        .filter(|count| (1..=64).contains(count))
        .map(Some)
        .ok_or_else(|| VaultError::Damaged {
            account: account.to_owned(),
            detail: "its list of parts is unreadable".to_owned(),
        })
}

fn split_chars(value: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    chars
        .chunks(size)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

fn classify(error: keyring_core::Error, action: &'static str) -> VaultError {
    match error {
        keyring_core::Error::NoStorageAccess(_) => VaultError::Locked {
            detail: describe(&error),
        },
        keyring_core::Error::NoDefaultStore => VaultError::Unavailable {
            detail: describe(&error),
        },
        other => VaultError::Failed {
            action,
            detail: describe(&other),
        },
    }
}

/// A short description of a keyring error that is safe to show: keyring errors never hold the
/// secret itself, except `BadEncoding`/`BadDataFormat`, whose bytes we drop here.
fn describe(error: &keyring_core::Error) -> String {
    match error {
        keyring_core::Error::BadEncoding(_) => "the stored value is not text".to_owned(),
        keyring_core::Error::BadDataFormat(_, _) => "the stored value is malformed".to_owned(),
        keyring_core::Error::Ambiguous(_) => "several entries match".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(unix, not(any(target_os = "ios", target_os = "android")))
)))]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NoDefaultStore)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_keeps_every_character_in_order() {
        let value: String = "é".repeat(2500);
        let parts = split_chars(&value, CHUNK_CHARS);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.chars().count() <= CHUNK_CHARS));
        assert_eq!(parts.concat(), value);
    }

    #[test]
    fn chunk_heads_are_recognised_and_bounded() {
        assert_eq!(parse_chunk_head("a", "plain-token").unwrap(), None);
        assert_eq!(
            parse_chunk_head("a", &format!("{CHUNK_MARKER}3")).unwrap(),
            Some(3)
        );
        assert!(parse_chunk_head("a", &format!("{CHUNK_MARKER}0")).is_err());
        assert!(parse_chunk_head("a", &format!("{CHUNK_MARKER}x")).is_err());
    }

    #[test]
    fn vault_errors_become_plain_ui_errors_without_details() {
        let ui: UiError = VaultError::Locked {
            detail: "org.freedesktop.Secret.Error.IsLocked".to_owned(),
        }
        .into();
        assert_eq!(ui.code, ErrorCode::KeychainLocked);
        assert!(ui.retryable);
        assert!(!ui.message.contains("freedesktop"));
    }
}
