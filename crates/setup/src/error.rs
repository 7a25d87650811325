//! Errors as the admin sees them: a stable code the UI and the CLI branch on, a plain-language
//! message, a next step, and whether trying again may help.

use serde::{Deserialize, Serialize};

/// Stable error codes. They cross IPC, appear in `--json` output and map to CLI exit codes, so a
/// variant is never renamed or reused: add a new one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A bug on our side; the message says what to report.
    Internal,
    /// Input from the admin did not pass validation.
    InvalidInput,
    /// A step was asked for before the one it depends on (e.g. minting before connecting).
    NotReady,
    /// No OS keychain could be reached (no Secret Service, no keychain daemon).
    KeychainUnavailable,
    /// The keychain exists but is locked, or access to it was refused.
    KeychainLocked,
    /// The keychain answered with an error while reading or writing.
    KeychainFailed,
    /// The practice sandbox could not start.
    SandboxUnavailable,
    /// The setup journal could not be read or written.
    JournalFailed,
    /// The journal on disk belongs to another Organization or tenant.
    JournalMismatch,
    /// Another program (the desktop app or `scim-wizard-cli`) is working on this setup now.
    SetupInUse,
    /// No Scaleway credentials were found where we looked (scw config, environment).
    ScalewayCredentialsNotFound,
    /// The scw CLI configuration exists but cannot be used (unreadable, bad YAML).
    ScalewayCredentialsInvalid,
    /// The named scw profile does not exist.
    ScalewayProfileUnknown,
    /// Scaleway refused the secret key (unknown or revoked).
    ScalewayKeyRefused,
    /// The secret key has expired.
    ScalewayKeyExpired,
    /// The key is valid but lacks the IAM rights for SCIM.
    ScalewayPermissionDenied,
    /// The Organization ID does not exist (or is not this key's).
    ScalewayOrganizationNotFound,
    /// Scaleway already has two SCIM tokens, its maximum.
    ScalewayTokenLimit,
    /// Scaleway is limiting the request rate.
    ScalewayRateLimited,
    /// Scaleway could not be reached or had a server error.
    ScalewayUnavailable,
    /// The connection broke after a change was sent; the state must be re-read.
    ScalewayOutcomeUnknown,
    /// Scaleway answered something the app does not understand.
    ScalewayUnexpected,
    /// No candidate SCIM Base URL answered; the admin must paste it from the console.
    ScimBaseUrlNotFound,
    /// The SCIM endpoint refused the token.
    ScimTokenRefused,
    /// A minted token was lost before it could be saved (a crash at the worst moment).
    ScimTokenLost,
    /// Another token was given while this setup holds one it created: refused, so the first is
    /// never left in Scaleway untracked.
    TokenAlreadyCreated,
    /// The SCIM token is held only in this app's memory, and what was asked would drop it: the
    /// admin must say so first (after copying it, or choosing to lose it).
    UnsavedTokenAtRisk,
    /// Not signed in to Microsoft Entra ID, or the saved sign-in expired: sign in again.
    EntraSignInRequired,
    /// The wizard's Graph permissions were not granted (consent declined or admin consent needed).
    EntraConsentRequired,
    /// The signed-in Entra account lacks a role that can create and provision the app.
    EntraMissingRole,
    /// Microsoft's sign-in service refused or failed (the message says why).
    EntraSignInFailed,
    /// Microsoft Graph refused a call with 403 after the replication window.
    GraphForbidden,
    /// Microsoft Graph kept throttling after the retries.
    GraphThrottled,
    /// Microsoft Graph (or the sign-in service) could not be reached or had a server error.
    GraphUnavailable,
    /// Test connection: Scaleway refused the token or the Base URL (Scaleway's message included).
    GraphCredentialsRejected,
    /// The new Entra application did not become visible within the replication window.
    GraphReplicationTimeout,
    /// A Graph create got no answer and the object could not be found afterwards.
    GraphOutcomeUnknown,
    /// An Entra object the setup relies on is gone (deleted outside the wizard).
    GraphNotFound,
    /// Microsoft Graph rejected a request (400/409) for a reason the admin can act on.
    GraphRejected,
    /// Microsoft Graph answered something the app does not understand.
    GraphUnexpected,
    /// The attribute mappings could not be edited, or did not read back as written.
    MappingsNotApplied,
    /// A user or group named for assignment does not exist in the tenant.
    PrincipalNotFound,
    /// The provisioning job is in quarantine (the reason is in the message).
    ProvisioningQuarantined,
    /// Provisioning the test user failed (Entra's or Scaleway's message included).
    ProvisioningFailed,
    /// The test user did not appear in Scaleway within the time allowed.
    ProofUserNotFound,
    /// The operation was cancelled between two steps; run it again to resume.
    Cancelled,
    /// A destructive operation (rollback) was asked for without the admin's confirmation.
    ConfirmationRequired,
    /// The first change in Microsoft Entra waits until the admin has confirmed the tenant and
    /// the account on screen (or confirmed another one than the one signed in).
    TenantNotConfirmed,
    /// The admin gave only a SCIM token, and this needs a Scaleway API key (create, list or
    /// delete tokens, disable SCIM).
    ScalewayKeyNeeded,
}

impl ErrorCode {
    /// Every code, for tests and for the UI's sentence table.
    pub const ALL: [ErrorCode; 49] = [
        Self::Internal,
        Self::InvalidInput,
        Self::NotReady,
        Self::KeychainUnavailable,
        Self::KeychainLocked,
        Self::KeychainFailed,
        Self::SandboxUnavailable,
        Self::JournalFailed,
        Self::JournalMismatch,
        Self::SetupInUse,
        Self::ScalewayCredentialsNotFound,
        Self::ScalewayCredentialsInvalid,
        Self::ScalewayProfileUnknown,
        Self::ScalewayKeyRefused,
        Self::ScalewayKeyExpired,
        Self::ScalewayPermissionDenied,
        Self::ScalewayOrganizationNotFound,
        Self::ScalewayTokenLimit,
        Self::ScalewayRateLimited,
        Self::ScalewayUnavailable,
        Self::ScalewayOutcomeUnknown,
        Self::ScalewayUnexpected,
        Self::ScimBaseUrlNotFound,
        Self::ScimTokenRefused,
        Self::ScimTokenLost,
        Self::TokenAlreadyCreated,
        Self::UnsavedTokenAtRisk,
        Self::EntraSignInRequired,
        Self::EntraConsentRequired,
        Self::EntraMissingRole,
        Self::EntraSignInFailed,
        Self::GraphForbidden,
        Self::GraphThrottled,
        Self::GraphUnavailable,
        Self::GraphCredentialsRejected,
        Self::GraphReplicationTimeout,
        Self::GraphOutcomeUnknown,
        Self::GraphNotFound,
        Self::GraphRejected,
        Self::GraphUnexpected,
        Self::MappingsNotApplied,
        Self::PrincipalNotFound,
        Self::ProvisioningQuarantined,
        Self::ProvisioningFailed,
        Self::ProofUserNotFound,
        Self::Cancelled,
        Self::ConfirmationRequired,
        Self::TenantNotConfirmed,
        Self::ScalewayKeyNeeded,
    ];

    /// The code as it appears on the wire (`"keychain_locked"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::InvalidInput => "invalid_input",
            Self::NotReady => "not_ready",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::KeychainLocked => "keychain_locked",
            Self::KeychainFailed => "keychain_failed",
            Self::SandboxUnavailable => "sandbox_unavailable",
            Self::JournalFailed => "journal_failed",
            Self::JournalMismatch => "journal_mismatch",
            Self::SetupInUse => "setup_in_use",
            Self::ScalewayCredentialsNotFound => "scaleway_credentials_not_found",
            Self::ScalewayCredentialsInvalid => "scaleway_credentials_invalid",
            Self::ScalewayProfileUnknown => "scaleway_profile_unknown",
            Self::ScalewayKeyRefused => "scaleway_key_refused",
            Self::ScalewayKeyExpired => "scaleway_key_expired",
            Self::ScalewayPermissionDenied => "scaleway_permission_denied",
            Self::ScalewayOrganizationNotFound => "scaleway_organization_not_found",
            Self::ScalewayTokenLimit => "scaleway_token_limit",
            Self::ScalewayRateLimited => "scaleway_rate_limited",
            Self::ScalewayUnavailable => "scaleway_unavailable",
            Self::ScalewayOutcomeUnknown => "scaleway_outcome_unknown",
            Self::ScalewayUnexpected => "scaleway_unexpected",
            Self::ScimBaseUrlNotFound => "scim_base_url_not_found",
            Self::ScimTokenRefused => "scim_token_refused",
            Self::ScimTokenLost => "scim_token_lost",
            Self::TokenAlreadyCreated => "token_already_created",
            Self::UnsavedTokenAtRisk => "unsaved_token_at_risk",
            Self::EntraSignInRequired => "entra_sign_in_required",
            Self::EntraConsentRequired => "entra_consent_required",
            Self::EntraMissingRole => "entra_missing_role",
            Self::EntraSignInFailed => "entra_sign_in_failed",
            Self::GraphForbidden => "graph_forbidden",
            Self::GraphThrottled => "graph_throttled",
            Self::GraphUnavailable => "graph_unavailable",
            Self::GraphCredentialsRejected => "graph_credentials_rejected",
            Self::GraphReplicationTimeout => "graph_replication_timeout",
            Self::GraphOutcomeUnknown => "graph_outcome_unknown",
            Self::GraphNotFound => "graph_not_found",
            Self::GraphRejected => "graph_rejected",
            Self::GraphUnexpected => "graph_unexpected",
            Self::MappingsNotApplied => "mappings_not_applied",
            Self::PrincipalNotFound => "principal_not_found",
            Self::ProvisioningQuarantined => "provisioning_quarantined",
            Self::ProvisioningFailed => "provisioning_failed",
            Self::ProofUserNotFound => "proof_user_not_found",
            Self::Cancelled => "cancelled",
            Self::ConfirmationRequired => "confirmation_required",
            Self::TenantNotConfirmed => "tenant_not_confirmed",
            Self::ScalewayKeyNeeded => "scaleway_key_needed",
        }
    }
}

/// What crosses IPC when a command fails: `{ code, message, hint, retryable }`.
///
/// `message` and `hint` are written for a non-technical admin and never contain a secret or a
/// raw HTTP body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{message}")]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: String,
    pub retryable: bool,
}

impl UiError {
    pub fn new(
        code: ErrorCode,
        message: impl Into<String>,
        hint: impl Into<String>,
        retryable: bool,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            retryable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_as_str_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
        }
    }

    #[test]
    fn ui_error_json_shape_is_pinned() {
        let error = UiError::new(
            ErrorCode::KeychainLocked,
            "Your keychain is locked.",
            "Unlock it, then try again.",
            true,
        );
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"code":"keychain_locked","message":"Your keychain is locked.","hint":"Unlock it, then try again.","retryable":true}"#
        );
    }
}
