//! The setup engine behind both the desktop app and `scim-wizard-cli`.
//!
//! It knows nothing of Tauri: the desktop shell and the CLI are thin fronts over it.
//!
//! - [`scaleway_step::ScalewaySession`]: step 1 (connect, enable SCIM, mint the token, Base URL).
//! - [`entra_step::EntraSession`]: the signed-in Entra admin (keychain-backed refresh token,
//!   Graph client, preflight gate); [`entra_step::EntraSettings`] says where Microsoft is.
//! - [`engine::SetupEngine`]: plan, apply (all at once or step by step), resume, status,
//!   rollback, token rotation, progress events and cancellation.

pub mod engine;
pub mod entra_step;
pub mod error;
pub mod failure;
mod files;
pub mod health;
pub mod journal;
mod maintenance;
pub mod messages;
mod options;
pub mod preferences;
pub mod progress;
pub mod provisioning_log;
pub mod report;
pub mod retention;
pub mod scaleway_step;
pub mod secret;
pub mod session;
pub mod setups;
pub mod status;
mod steps;
pub use steps::{impact, scope};
mod summary;
pub mod vault;

pub use engine::{GroupsChoice, SetupEngine, SetupOptions, app_display_name};
pub use entra_step::{EntraSession, EntraSettings, KeychainRefreshTokenStore};
pub use error::{ErrorCode, UiError};
pub use failure::SetupError;
pub use maintenance::staging_token_account;
pub use messages::ProgressMessage;
pub use preferences::{ConnectionPreferences, PreferencesError, PreferencesStore};
pub use progress::{
    CancellationToken, ChannelProgress, NoProgress, Phase, ProgressEvent, ProgressSink,
    RecordedProgress, Step,
};
pub use retention::{CredentialRetention, KeptCredential, forget_saved_credentials};
pub use secret::{ExposeSecret, Secret};
pub use status::{TOKEN_EXPIRY_WARNING_DAYS, read_status};
pub use vault::{Vault, VaultError};
