//! The setup engine behind both the desktop app and `scim-wizard-cli`.
//!
//! It knows nothing of Tauri: the desktop shell and the CLI are thin fronts over it.

pub mod error;
pub mod failure;
pub mod journal;
pub mod scaleway_step;
pub mod secret;
pub mod vault;

pub use error::{ErrorCode, UiError};
pub use failure::SetupError;
pub use secret::{ExposeSecret, Secret};
pub use vault::{Vault, VaultError};
