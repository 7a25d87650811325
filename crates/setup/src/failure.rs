//! Everything that can stop a setup step, and how each reaches the admin in plain words.

use scim_wizard_scaleway::credentials::CredentialsError;
use scim_wizard_scaleway::scim_base::{DiscoveryError, PatternError, ScimBaseError};
use scim_wizard_scaleway::validate::ValidationError;
use scim_wizard_scaleway::{AuthDeniedReason, ScalewayError, ScimToken};

use crate::error::{ErrorCode, UiError};
use crate::journal::JournalError;
use crate::vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Scaleway(#[from] ScalewayError),
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    BaseUrlDiscovery(#[from] DiscoveryError),
    #[error(transparent)]
    BaseUrl(#[from] ScimBaseError),
    #[error(transparent)]
    BaseUrlPattern(#[from] PatternError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("Scaleway already has its maximum of two SCIM tokens")]
    TokenLimit { tokens: Vec<ScimToken> },
    #[error("{0}")]
    NotReady(&'static str),
    #[error(
        "a token was created but its answer was lost before it could be saved; it cannot be \
         shown again"
    )]
    TokenLost { token_ids: Vec<String> },
    #[error("{0}")]
    Internal(String),
}

impl SetupError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    /// The plain-language version for the UI and the CLI. Only fixed sentences and values that
    /// are not secret (ids, names, request ids) go in.
    pub fn to_ui(&self) -> UiError {
        use ErrorCode as C;
        match self {
            Self::Scaleway(error) => scaleway_to_ui(error),
            Self::Credentials(error) => {
                let code = match error {
                    CredentialsError::UnknownProfile { .. } => C::ScalewayProfileUnknown,
                    CredentialsError::Unreadable { .. } | CredentialsError::InvalidYaml { .. } => {
                        C::ScalewayCredentialsInvalid
                    }
                    _ => C::ScalewayCredentialsNotFound,
                };
                let hint = match code {
                    C::ScalewayProfileUnknown => {
                        "Pick one of the profiles listed, or type your secret key and Organization ID instead."
                    }
                    C::ScalewayCredentialsInvalid => {
                        "Fix the file (the Scaleway CLI command `scw init` rewrites it), or type your secret key and Organization ID instead."
                    }
                    _ => {
                        "Type your secret key and Organization ID instead, or run `scw init` to set up the Scaleway CLI first."
                    }
                };
                UiError::new(code, error.to_string(), hint, false)
            }
            Self::Validation(error) => UiError::new(
                C::InvalidInput,
                error.to_string(),
                "Correct the value and try again.",
                false,
            ),
            Self::BaseUrlDiscovery(DiscoveryError::InvalidToken(error)) => UiError::new(
                C::InvalidInput,
                error.to_string(),
                "Copy the token again from the Scaleway console.",
                false,
            ),
            Self::BaseUrlDiscovery(_) => UiError::new(
                C::ScimBaseUrlNotFound,
                "The app could not work out your Scaleway SCIM Base URL by itself.",
                "Your token is saved. Open the Scaleway console (Organization security → Automatic user provisioning), copy the Base URL shown there and paste it here.",
                false,
            ),
            Self::BaseUrl(error) => base_url_to_ui(error),
            Self::BaseUrlPattern(error) => UiError::new(
                C::InvalidInput,
                format!("The SCIM Base URL pattern in the settings is not usable: {error}."),
                "Fix it in Settings: a full https:// address that may contain {scim_id} and {organization_id}.",
                false,
            ),
            Self::Vault(error) => UiError::from(error.clone()),
            Self::Journal(JournalError::OtherOrganization {
                journal_organization,
                ..
            }) => UiError::new(
                C::JournalMismatch,
                format!(
                    "A setup for another Scaleway Organization ({journal_organization}) is unfinished on this computer."
                ),
                "Finish or roll back that setup first, or connect with that Organization's key.",
                false,
            ),
            Self::Journal(error) => UiError::new(
                C::JournalFailed,
                format!("The app could not keep track of the setup: {error}."),
                "Check that your disk is not full and that your home folder is writable, then try again.",
                true,
            ),
            Self::TokenLimit { tokens } => UiError::new(
                C::ScalewayTokenLimit,
                format!(
                    "Scaleway allows two SCIM tokens per Organization, and yours already has {}.",
                    tokens.len()
                ),
                "Delete the older token (only if nothing uses it any more: Entra may still be using it), then try again.",
                false,
            ),
            Self::NotReady(what) => UiError::new(
                C::NotReady,
                format!("That step cannot run yet: {what}."),
                "Go back to the previous step and finish it first.",
                false,
            ),
            Self::TokenLost { token_ids } => UiError::new(
                C::ScimTokenLost,
                "A SCIM token was created, but the app stopped before it could save it, and Scaleway never shows a token twice.",
                format!(
                    "Delete the unusable token ({}) from the list, then create a new one.",
                    token_ids.join(", ")
                ),
                false,
            ),
            Self::Internal(detail) => UiError::new(
                C::Internal,
                format!("Something went wrong inside the app: {detail}."),
                "Please report this problem; your accounts were not changed by this error.",
                false,
            ),
        }
    }
}

fn with_request_id(message: String, request_id: Option<&str>) -> String {
    match request_id {
        Some(id) => format!("{message} (Scaleway request id {id})"),
        None => message,
    }
}

fn scaleway_to_ui(error: &ScalewayError) -> UiError {
    use ErrorCode as C;
    let request_id = error.request_id();
    match error {
        ScalewayError::AuthDenied {
            reason: AuthDeniedReason::Expired,
            ..
        } => UiError::new(
            C::ScalewayKeyExpired,
            with_request_id("This Scaleway API key has expired.".into(), request_id),
            "Create a new API key in the Scaleway console (IAM → API keys) and use its secret key.",
            false,
        ),
        ScalewayError::AuthDenied { .. } => UiError::new(
            C::ScalewayKeyRefused,
            with_request_id(
                "Scaleway does not recognise this secret key.".into(),
                request_id,
            ),
            "Check that you pasted the secret key (not the access key) in full. If the key was deleted, create a new one in the Scaleway console (IAM → API keys).",
            false,
        ),
        ScalewayError::PermissionDenied { denied, .. } => {
            let what = if denied.is_empty() {
                String::new()
            } else {
                format!(
                    " (missing: {})",
                    denied
                        .iter()
                        .map(|d| format!(
                            "{} {}",
                            d.action.as_deref().unwrap_or("use"),
                            d.resource.as_deref().unwrap_or("a resource")
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            UiError::new(
                C::ScalewayPermissionDenied,
                with_request_id(format!("This key cannot manage SCIM{what}."), request_id),
                "Use a key of the Organization Owner, or give the key's user or application the IAMManager permission set (Scaleway console → IAM → Policies), then try again.",
                false,
            )
        }
        ScalewayError::NotFound { .. } => UiError::new(
            C::ScalewayOrganizationNotFound,
            with_request_id(
                "Scaleway found no Organization with this ID for this key.".into(),
                request_id,
            ),
            "Copy the Organization ID from the Scaleway console (Organization settings), and check the key belongs to that Organization.",
            false,
        ),
        ScalewayError::QuotaExceeded { .. } => UiError::new(
            C::ScalewayTokenLimit,
            with_request_id(
                "Scaleway allows only two SCIM tokens, and both are in use.".into(),
                request_id,
            ),
            "Delete the older token (only if nothing uses it any more), then try again.",
            false,
        ),
        ScalewayError::RateLimited { .. } => UiError::new(
            C::ScalewayRateLimited,
            with_request_id("Scaleway asked the app to slow down.".into(), request_id),
            "Wait a minute, then try again.",
            true,
        ),
        ScalewayError::ServerError { .. }
        | ScalewayError::TransientState { .. }
        | ScalewayError::Network { .. } => UiError::new(
            C::ScalewayUnavailable,
            with_request_id(
                "Scaleway could not be reached or had a problem.".into(),
                request_id,
            ),
            "Check your internet connection and try again in a moment. Nothing was lost.",
            true,
        ),
        ScalewayError::OutcomeUnknown { .. } => UiError::new(
            C::ScalewayOutcomeUnknown,
            "The connection to Scaleway broke while a change was being made, so the app does not know whether it happened.",
            "Try again: the app checks what exists first and will not create anything twice.",
            true,
        ),
        ScalewayError::InvalidInput { .. } | ScalewayError::InvalidArguments { .. } => {
            UiError::new(
                C::InvalidInput,
                with_request_id(error.to_string(), request_id),
                "Correct the value and try again.",
                false,
            )
        }
        _ => UiError::new(
            C::ScalewayUnexpected,
            with_request_id(
                "Scaleway answered in a way the app did not expect.".into(),
                request_id,
            ),
            "Try again. If it keeps happening, report it with the request id.",
            true,
        ),
    }
}

fn base_url_to_ui(error: &ScimBaseError) -> UiError {
    use ErrorCode as C;
    match error {
        ScimBaseError::InvalidUrl(problem) => UiError::new(
            C::InvalidInput,
            problem.to_string(),
            "Copy the Base URL again from the Scaleway console.",
            false,
        ),
        ScimBaseError::InvalidToken(problem) => UiError::new(
            C::InvalidInput,
            problem.to_string(),
            "Copy the token again from the Scaleway console.",
            false,
        ),
        ScimBaseError::TokenRefused { .. } | ScimBaseError::Forbidden { .. } => UiError::new(
            C::ScimTokenRefused,
            "Scaleway's SCIM service refused this token.",
            "The token may have been deleted or may have expired: create a new one, or paste a current one.",
            false,
        ),
        ScimBaseError::Network { .. } | ScimBaseError::ClientSetup => UiError::new(
            C::ScalewayUnavailable,
            "The SCIM Base URL could not be reached.",
            "Check your internet connection and the address, then try again.",
            true,
        ),
        _ => UiError::new(
            C::ScimBaseUrlNotFound,
            "This address does not answer like a Scaleway SCIM Base URL.",
            "Copy the Base URL exactly as the Scaleway console shows it, next to the token.",
            false,
        ),
    }
}

impl From<SetupError> for UiError {
    fn from(error: SetupError) -> Self {
        error.to_ui()
    }
}
