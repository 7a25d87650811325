//! The keychain vault: the only place a secret is ever written to.
//!
//! It sits on the keyring 4 ecosystem (`keyring-core`) and registers the platform's native store
//! explicitly: the Secret Service on Linux and the BSDs, Keychain Services on macOS, the
//! Credential Manager on Windows. When that store cannot be reached or is locked, opening or using
//! the vault fails with a clear error: there is deliberately no fallback to a file.
//!
//! Secrets longer than [`CHUNK_CHARS`] are split across several entries, because Windows caps a
//! credential blob at 2560 bytes of UTF-16 and Entra refresh tokens can be longer than that. The
//! head entry names the parts' generation: a rewrite puts its parts under a new generation and
//! switches the head last, so a crash or a second writer midway leaves the old value or the new
//! one, whole, never parts of both. Parts of a generation no head names (a rewrite that crashed)
//! are left behind; they hold a fragment of a secret, under this app's service.

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
        let previous = self.chunk_head(account)?;
        if value.chars().count() <= CHUNK_CHARS {
            self.entry(account)?
                .set_password(value)
                .map_err(|e| classify(e, "saving a secret"))?;
        } else {
            let head = ChunkHead {
                generation: new_generation(),
                count: 0,
            };
            let chunks = split_chars(value, CHUNK_CHARS);
            for (index, chunk) in chunks.iter().enumerate() {
                self.entry(&head.part_account(account, index + 1))?
                    .set_password(chunk)
                    .map_err(|e| classify(e, "saving part of a secret"))?;
            }
            let head = ChunkHead {
                count: chunks.len(),
                ..head
            };
            // The switch: until this write, a reader sees the old value whole.
            self.entry(account)?
                .set_password(&head.to_entry())
                .map_err(|e| classify(e, "saving a secret"))?;
        }
        // The new value is in place: the old parts are only clean-up. Another writer may be
        // deleting the same ones at this moment, so a failure here does not undo the save.
        if let Some(previous) = previous
            && let Err(error) = self.delete_parts(account, &previous)
        {
            tracing::debug!(%error, "old parts of a secret were not all deleted");
        }
        Ok(())
    }

    /// Reads the secret saved under `account`, or `None` when there is none.
    pub fn read(&self, account: &str) -> Result<Option<Secret>, VaultError> {
        // A writer may switch the head and delete the old parts between our reading the head and
        // the parts (a part then reads as missing, or, on the Secret Service, as an item that
        // vanished midway): when the head has changed meanwhile, the new one is read instead.
        let mut attempts = 0;
        loop {
            let Some(raw) = self.read_raw(account)? else {
                return Ok(None);
            };
            let Some(head) = parse_chunk_head(account, &raw)? else {
                return Ok(Some(Secret::from(raw)));
            };
            let problem = match self.read_parts(account, &head) {
                Ok(whole) => return Ok(Some(whole)),
                Err(problem) => problem,
            };
            attempts += 1;
            let head_moved = self.read_raw(account)?.as_deref() != Some(raw.as_str());
            if !head_moved || attempts >= 3 {
                return Err(problem.unwrap_or_else(|| VaultError::Damaged {
                    account: account.to_owned(),
                    detail: format!("a part of {} is missing", head.count),
                }));
            }
        }
    }

    /// The parts of `head` joined; else the error reading one, or `None` when one is missing.
    fn read_parts(&self, account: &str, head: &ChunkHead) -> Result<Secret, Option<VaultError>> {
        let mut whole = zeroize::Zeroizing::new(String::with_capacity(head.count * CHUNK_CHARS));
        for index in 1..=head.count {
            let part = self
                .read_raw(&head.part_account(account, index))
                .map_err(Some)?
                .ok_or(None)?;
            whole.push_str(&zeroize::Zeroizing::new(part));
        }
        Ok(Secret::from(whole.as_str().to_owned()))
    }

    /// The keychain service this vault's entries live under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Deletes the secret under `account`. Returns whether there was one.
    pub fn delete(&self, account: &str) -> Result<bool, VaultError> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        let head = self.chunk_head(account)?;
        let existed = match self.entry(account)?.delete_credential() {
            Ok(()) => true,
            Err(keyring_core::Error::NoEntry) => false,
            Err(error) => return Err(classify(error, "deleting a secret")),
        };
        if let Some(head) = head {
            self.delete_parts(account, &head)?;
        }
        Ok(existed)
    }

    /// Every account this app's service holds an entry for, parts of long values included, in
    /// order. The Secret Service lists entries by service; Windows' and macOS' stores are searched
    /// differently, and there this reports that it cannot list.
    pub fn accounts(&self) -> Result<Vec<String>, VaultError> {
        let spec = std::collections::HashMap::from([("service", self.service.as_str())]);
        let entries = Entry::search_in_store(&self.store, &spec)
            .map_err(|e| classify(e, "listing the app's entries"))?;
        let mut accounts: Vec<String> = entries
            .iter()
            .filter_map(Entry::get_specifiers)
            .filter(|(service, _)| *service == self.service)
            .map(|(_, account)| account)
            .collect();
        accounts.sort();
        accounts.dedup();
        Ok(accounts)
    }

    /// [`Vault::open_native_with_service`] on a blocking thread: connecting to the Secret
    /// Service is itself a D-Bus round trip.
    pub async fn open_native_with_service_async(service: &str) -> Result<Self, VaultError> {
        let service = service.to_owned();
        off_runtime(move || Self::open_native_with_service(&service)).await
    }

    /// The same vault connected afresh to the platform's store: after a refusal, the keychain
    /// service may have been restarted or unlocked since, and an old connection's session with
    /// it may be gone.
    pub async fn reconnect_async(&self) -> Result<Self, VaultError> {
        let service = self.service.clone();
        let writes = Arc::clone(&self.writes);
        off_runtime(move || {
            let store = native_store().map_err(|error| VaultError::Unavailable {
                detail: describe(&error),
            })?;
            Ok(Self {
                store,
                service,
                writes,
            })
        })
        .await
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

    fn chunk_head(&self, account: &str) -> Result<Option<ChunkHead>, VaultError> {
        match self.read_raw(account)? {
            Some(raw) => parse_chunk_head(account, &raw),
            None => Ok(None),
        }
    }

    fn delete_parts(&self, account: &str, head: &ChunkHead) -> Result<(), VaultError> {
        for index in 1..=head.count {
            match self
                .entry(&head.part_account(account, index))?
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

/// What a chunked value's head entry says: the generation its parts were written under (empty
/// for values written before generations existed, whose parts are `account#1`, `account#2`, …)
/// and how many parts there are.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChunkHead {
    generation: String,
    count: usize,
}

impl ChunkHead {
    fn part_account(&self, account: &str, index: usize) -> String {
        if self.generation.is_empty() {
            format!("{account}#{index}")
        } else {
            format!("{account}#{}.{index}", self.generation)
        }
    }

    fn to_entry(&self) -> String {
        format!("{CHUNK_MARKER}{}:{}", self.generation, self.count)
    }
}

/// A generation no other rewrite picks, even one running at the same moment in another process.
fn new_generation() -> String {
    format!("{:016x}", rand::random::<u64>())
}

fn parse_chunk_head(account: &str, head: &str) -> Result<Option<ChunkHead>, VaultError> {
    let Some(rest) = head.strip_prefix(CHUNK_MARKER) else {
        return Ok(None);
    };
    let (generation, count) = rest.split_once(':').unwrap_or(("", rest));
    let generation_ok = generation.is_empty()
        || (generation.len() == 16 && generation.bytes().all(|b| b.is_ascii_hexdigit()));
    count
        .parse::<usize>()
        .ok()
        .filter(|count| generation_ok && (1..=64).contains(count))
        .map(|count| {
            Some(ChunkHead {
                generation: generation.to_owned(),
                count,
            })
        })
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

    fn in_memory_vault() -> Vault {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        Vault {
            store,
            service: SERVICE.to_owned(),
            writes: Arc::new(AtomicU64::new(0)),
        }
    }

    #[test]
    fn a_long_value_saved_before_generations_is_read_and_replaced_whole() {
        let vault = in_memory_vault();
        // As earlier versions wrote it: the head counts the parts, which sit at `account#N`.
        let set =
            |account: &str, value: &str| vault.entry(account).unwrap().set_password(value).unwrap();
        set("refresh:old", &format!("{CHUNK_MARKER}2"));
        set("refresh:old#1", "first-half-");
        set("refresh:old#2", "second-half");
        let read = vault.read("refresh:old").unwrap().unwrap();
        assert_eq!(read.expose_secret(), "first-half-second-half");

        let long = "x".repeat(CHUNK_CHARS + 1);
        vault
            .store("refresh:old", &Secret::from(long.clone()))
            .unwrap();
        assert_eq!(
            vault.read("refresh:old").unwrap().unwrap().expose_secret(),
            long
        );
        for legacy in ["refresh:old#1", "refresh:old#2"] {
            assert!(
                vault.read_raw(legacy).unwrap().is_none(),
                "{legacy} is left"
            );
        }
    }

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
        // Written before generations: parts a#1..a#3.
        let legacy = parse_chunk_head("a", &format!("{CHUNK_MARKER}3"))
            .unwrap()
            .unwrap();
        assert_eq!((legacy.generation.as_str(), legacy.count), ("", 3));
        assert_eq!(legacy.part_account("a", 2), "a#2");
        let head = ChunkHead {
            generation: new_generation(),
            count: 2,
        };
        assert_eq!(
            parse_chunk_head("a", &head.to_entry()).unwrap(),
            Some(head.clone())
        );
        assert_eq!(
            head.part_account("a", 1),
            format!("a#{}.1", head.generation)
        );
        assert_ne!(new_generation(), new_generation());
        assert!(parse_chunk_head("a", &format!("{CHUNK_MARKER}0")).is_err());
        assert!(parse_chunk_head("a", &format!("{CHUNK_MARKER}x")).is_err());
        assert!(parse_chunk_head("a", &format!("{CHUNK_MARKER}zz:2")).is_err());
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
