//! Everything that can stop a setup step, and how each reaches the admin in plain words.

use scim_wizard_scaleway::credentials::CredentialsError;
use scim_wizard_scaleway::scim_base::{DiscoveryError, PatternError, ScimBaseError};
use scim_wizard_scaleway::validate::ValidationError;
use scim_wizard_scaleway::{AuthDeniedReason, ScalewayError, ScimToken};

use scim_wizard_entra::auth::AuthError;
use scim_wizard_entra::{GraphError, SchemaError};

use crate::error::{ErrorCode, UiError};
use crate::journal::JournalError;
use crate::preferences::PreferencesError;
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
    /// The saved connection settings (cloud, client id, endpoints) are not usable.
    #[error(transparent)]
    Preferences(#[from] PreferencesError),
    #[error("Scaleway already has its maximum of two SCIM tokens")]
    TokenLimit { tokens: Vec<ScimToken> },
    #[error("{0}")]
    NotReady(&'static str),
    #[error(
        "a token was created but its answer was lost before it could be saved; it cannot be \
         shown again"
    )]
    TokenLost { token_ids: Vec<String> },
    #[error("this setup already created SCIM token {token_id}")]
    TokenAlreadyCreated { token_id: String },
    #[error("the SCIM token is held only in memory and would be lost")]
    UnsavedTokenAtRisk,
    /// Nothing is changed in Entra before the admin confirmed the tenant (`confirmed` is the
    /// tenant they confirmed, when it is another one than `signed_in`).
    #[error("the Entra tenant {signed_in} was not confirmed")]
    TenantNotConfirmed {
        signed_in: String,
        confirmed: Option<String>,
    },
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The schema read back after the PUT does not carry the edits.
    #[error("the attribute mappings did not read back as written: {}", .mismatches.join("; "))]
    MappingsNotApplied { mismatches: Vec<String> },
    /// Preflight found a missing role or permission: nothing in Entra is changed before it passes.
    #[error("the Entra account cannot do the setup yet")]
    PreflightFailed {
        missing_roles: Vec<String>,
        missing_scopes: Vec<String>,
        admin_consent_url: Option<String>,
        fixes: Vec<String>,
    },
    #[error("cancelled")]
    Cancelled,
    #[error("this removes what the setup created and needs the admin's confirmation")]
    ConfirmationRequired,
    #[error("no {kind} named \"{query}\" was found in the Entra directory")]
    PrincipalNotFound { kind: &'static str, query: String },
    #[error("the provisioning job is in quarantine")]
    Quarantined {
        reason: Option<String>,
        /// Scaleway's (or Entra's) own words, extracted from the job status.
        message: Option<String>,
    },
    #[error("provisioning the test user failed")]
    ProvisioningFailed { message: String },
    #[error("the user {username} did not appear in Scaleway")]
    ProofUserNotFound { username: String, waited_secs: u64 },
    /// No SCIM Base URL is known yet: the admin must paste it (Scaleway step).
    #[error("the SCIM Base URL is not known yet")]
    BaseUrlNeeded,
    /// The admin gave only a SCIM token, and this needs a Scaleway API key.
    #[error("{} needs a Scaleway API key", .action.describe())]
    ScalewayKeyNeeded { action: crate::report::KeyAction },
}

impl SetupError {
    /// A token-only setup whose SCIM token left the keychain: the admin must give it again.
    pub(crate) fn token_gone() -> Self {
        Self::NotReady(
            "the SCIM token is no longer in the keychain: give it again on the Scaleway step",
        )
    }

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
            Self::Journal(JournalError::OtherTenant { journal_tenant, .. }) => UiError::new(
                C::JournalMismatch,
                format!(
                    "A setup for another Microsoft Entra tenant ({journal_tenant}) is unfinished on this computer."
                ),
                "Sign in to that tenant to finish or roll back that setup first.",
                false,
            ),
            Self::Journal(JournalError::InUse { holder, .. }) => UiError::new(
                C::SetupInUse,
                format!("Another program is working on this setup right now: {holder}."),
                "Let it finish, or close it, then try again. Two programs changing the same setup at once could create things twice.",
                true,
            ),
            Self::Preferences(error) => error.to_ui(),
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
            Self::UnsavedTokenAtRisk => UiError::new(
                C::UnsavedTokenAtRisk,
                "The SCIM token is kept only in this app's memory, and this would drop it. Scaleway never shows a token twice: without it you would have to create a new one.",
                "Copy the token first (or save it in the keychain), then do this again and confirm.",
                false,
            ),
            Self::TenantNotConfirmed {
                signed_in,
                confirmed: Some(confirmed),
            } => UiError::new(
                C::TenantNotConfirmed,
                format!(
                    "Nothing was changed in Microsoft Entra: you confirmed the tenant {confirmed}, but you are signed in to {signed_in}."
                ),
                "Check the account and tenant shown, sign in again to the right one if needed, then confirm again.",
                false,
            ),
            Self::TenantNotConfirmed {
                signed_in,
                confirmed: None,
            } => UiError::new(
                C::TenantNotConfirmed,
                format!(
                    "Nothing was changed in Microsoft Entra: the tenant {signed_in} and the account signed in to it were not confirmed yet."
                ),
                "Check the account and tenant shown, then confirm them.",
                false,
            ),
            Self::TokenAlreadyCreated { token_id } => UiError::new(
                C::TokenAlreadyCreated,
                format!(
                    "This setup already created a SCIM token ({token_id}). Using another one now would leave that one in Scaleway, where undoing the setup could no longer remove it."
                ),
                "Go on with the token this setup created, or undo the setup first (it deletes that token), then give yours.",
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
            Self::Auth(error) => auth_to_ui(error),
            Self::Graph(error) => graph_to_ui(error),
            Self::Schema(error) => UiError::new(
                C::MappingsNotApplied,
                format!("The app could not edit the attribute mappings: {error}."),
                "Nothing was changed in the mappings. Check the app's Provisioning page in the Entra admin center, and report this if it keeps happening.",
                false,
            ),
            Self::MappingsNotApplied { mismatches } => UiError::new(
                C::MappingsNotApplied,
                format!(
                    "Entra did not keep the attribute mappings as the app wrote them ({}).",
                    mismatches.join("; ")
                ),
                "Try again; if it keeps happening, edit the mappings by hand in the Entra admin center as Scaleway's guide shows.",
                true,
            ),
            Self::PreflightFailed {
                missing_roles,
                missing_scopes,
                admin_consent_url,
                fixes,
            } => preflight_to_ui(
                missing_roles,
                missing_scopes,
                admin_consent_url.as_deref(),
                fixes,
            ),
            Self::BaseUrlNeeded => UiError::new(
                C::ScimBaseUrlNotFound,
                "The app could not work out your Scaleway SCIM Base URL by itself.",
                "Your token is saved. Open the Scaleway console (Organization security → Automatic user provisioning), copy the Base URL shown there and paste it in the Scaleway step; then continue.",
                false,
            ),
            Self::ScalewayKeyNeeded { action } => UiError::new(
                C::ScalewayKeyNeeded,
                format!(
                    "{} needs a Scaleway API key, and the app was given only a SCIM token.",
                    action.describe()
                ),
                "Do it in the Scaleway console (Organization security → Automatic user provisioning), or connect with a Scaleway API key of the Organization Owner or with the IAMManager permission set.",
                false,
            ),
            Self::Cancelled => UiError::new(
                C::Cancelled,
                "Stopped, as you asked. What was done so far is kept.",
                "Run the setup again to continue where it stopped; nothing will be created twice.",
                true,
            ),
            Self::ConfirmationRequired => UiError::new(
                C::ConfirmationRequired,
                "Undoing the setup deletes what it created, so it needs your confirmation.",
                "Review the list of what will be removed, then confirm.",
                false,
            ),
            Self::PrincipalNotFound { kind, query } => UiError::new(
                C::PrincipalNotFound,
                format!("No {kind} called \"{query}\" was found in your Entra directory."),
                "Check the spelling (users by sign-in name such as jane@contoso.com, groups by their exact name), or pick them from the list.",
                false,
            ),
            Self::Quarantined { reason, message } => {
                quarantine_to_ui(reason.as_deref(), message.as_deref())
            }
            Self::ProvisioningFailed { message } => UiError::new(
                C::ProvisioningFailed,
                format!("Entra could not create the test user in Scaleway: {message}"),
                "Check the message above; the connection and mappings are saved, so you can fix the cause and press Check again.",
                true,
            ),
            Self::ProofUserNotFound {
                username,
                waited_secs,
            } => UiError::new(
                C::ProofUserNotFound,
                format!("After {waited_secs} seconds, Scaleway still has no user \"{username}\"."),
                "Provisioning can take a while on the first run. Check again in a few minutes; if the user is still missing, look at the provisioning logs in the Entra admin center.",
                true,
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
        ScimBaseError::FilterRejected { .. } => UiError::new(
            C::ScalewayUnexpected,
            "Scaleway's SCIM service did not accept a search for a user by username.",
            "Check in the Scaleway console (IAM → Users) that the user arrived. If this keeps happening, report it.",
            true,
        ),
        ScimBaseError::EmptyUserName => UiError::new(
            C::Internal,
            "Something went wrong inside the app: there was no username to look for in Scaleway.",
            "Please report this problem; your accounts were not changed by this error.",
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

fn auth_to_ui(error: &AuthError) -> UiError {
    use ErrorCode as C;
    let code = match error {
        AuthError::Cancelled => C::Cancelled,
        AuthError::SignInRequired { .. } => C::EntraSignInRequired,
        AuthError::ConsentDeclined { .. } | AuthError::AdminConsentRequired { .. } => {
            C::EntraConsentRequired
        }
        AuthError::Network { .. } => C::GraphUnavailable,
        AuthError::TokenStore { .. } => C::KeychainFailed,
        _ => C::EntraSignInFailed,
    };
    // AuthError's own message and hint are written for the admin (AADSTS code and Microsoft's
    // reference included, never a token).
    let mut message = error.message();
    if let Some(details) = error.details() {
        let reference = details.support_reference();
        if !reference.is_empty() && !message.contains(&reference) {
            message = format!("{message} ({reference})");
        }
    }
    UiError::new(code, message, error.hint(), error.retryable())
}

fn with_graph_reference(message: String, error: &GraphError) -> String {
    match error.support_reference() {
        Some(reference) => format!("{message} (Microsoft {reference})"),
        None => message,
    }
}

fn graph_to_ui(error: &GraphError) -> UiError {
    use ErrorCode as C;
    let plain = |code, message: String, hint: &str, retryable| {
        UiError::new(code, with_graph_reference(message, error), hint, retryable)
    };
    match error {
        GraphError::AuthExpired { .. }
        | GraphError::SignInRequired { .. }
        | GraphError::ClaimsChallenge { .. } => plain(
            C::EntraSignInRequired,
            "Your Microsoft sign-in has expired or must be renewed.".into(),
            "Sign in to Microsoft again, then continue: what was done so far is kept.",
            true,
        ),
        GraphError::Forbidden { missing_role, .. } => plain(
            C::GraphForbidden,
            format!("Microsoft Entra refused this change: your account needs the {missing_role} role, and the wizard's permissions must be granted."),
            "Ask a Global Administrator to give you one of these roles (or to grant consent), sign in again, then continue.",
            false,
        ),
        GraphError::NotFound { .. } => plain(
            C::GraphNotFound,
            "Something the setup relies on is gone from Entra (it may have been deleted in the admin center).".into(),
            "Run the setup again: it checks what exists and creates only what is missing.",
            true,
        ),
        GraphError::Conflict { detail } | GraphError::BadRequest { detail } => plain(
            C::GraphRejected,
            format!("Microsoft Entra refused the request: {}", detail.readable_message()),
            "Check the message; if it does not help, try again in a minute or report it with the reference.",
            matches!(error, GraphError::Conflict { .. }),
        ),
        GraphError::Throttled { retry_after, .. } => plain(
            C::GraphThrottled,
            "Microsoft Graph asked the app to slow down, and kept doing so.".into(),
            match retry_after {
                Some(delay) if delay.as_secs() > 60 => "Wait a few minutes, then try again: nothing is lost.",
                _ => "Wait a minute, then try again: nothing is lost.",
            },
            true,
        ),
        GraphError::Unavailable { .. } | GraphError::Network { .. } => plain(
            C::GraphUnavailable,
            "Microsoft Entra could not be reached or had a problem.".into(),
            "Check your internet connection and try again in a moment. Nothing was lost.",
            true,
        ),
        GraphError::CredentialsRejected {
            scaleway_message, ..
        } => UiError::new(
            C::GraphCredentialsRejected,
            match scaleway_message.as_deref().filter(|m| !m.is_empty()) {
                Some(said) => format!("Scaleway refused the token: Scaleway said \"{said}\"."),
                None => "Scaleway refused the token.".to_owned(),
            },
            "Nothing was saved in Entra. Check that the token is current (create a new one if it was deleted or expired) and that the Base URL is the one shown in the Scaleway console.",
            false,
        ),
        GraphError::OutcomeUnknown { .. } => plain(
            C::GraphOutcomeUnknown,
            "The connection to Microsoft broke while something was being created, and the app could not find it afterwards.".into(),
            "Try again in a minute: the app looks for it first and will not create a second one.",
            true,
        ),
        GraphError::ReplicationTimeout { waited } => plain(
            C::GraphReplicationTimeout,
            format!("The new application did not appear in Microsoft Entra within {} seconds (Entra can be slow to spread new objects).", waited.as_secs()),
            "Try again in a few minutes: the app reuses what was already created.",
            true,
        ),
        GraphError::NoUserRole => plain(
            C::GraphUnexpected,
            "The enterprise application has no \"User\" role to assign people to.".into(),
            "Was the application changed by hand? Roll back and run the setup again, or assign users in the Entra admin center.",
            false,
        ),
        _ => plain(
            C::GraphUnexpected,
            "Microsoft Graph answered in a way the app did not expect.".into(),
            "Try again. If it keeps happening, report it with the reference.",
            true,
        ),
    }
}

fn preflight_to_ui(
    missing_roles: &[String],
    missing_scopes: &[String],
    admin_consent_url: Option<&str>,
    fixes: &[String],
) -> UiError {
    use ErrorCode as C;
    let mut hint = fixes.join(" ");
    if let Some(url) = admin_consent_url {
        if !hint.is_empty() {
            hint.push(' ');
        }
        hint.push_str(&format!("Admin consent link: {url}"));
    }
    if !missing_roles.is_empty() {
        if hint.is_empty() {
            hint = "Ask a Global Administrator to give you one of these roles, then sign in again."
                .into();
        }
        UiError::new(
            C::EntraMissingRole,
            format!(
                "Your Entra account cannot create and provision the app: it needs one of these roles: {}.",
                missing_roles.join(", ")
            ),
            hint,
            false,
        )
    } else {
        if hint.is_empty() {
            hint = "Ask an administrator to grant consent, then sign in again.".into();
        }
        UiError::new(
            C::EntraConsentRequired,
            format!(
                "The wizard was not granted these Microsoft Graph permissions: {}. Nothing was changed in Entra.",
                missing_scopes.join(", ")
            ),
            hint,
            false,
        )
    }
}

/// Quarantine reasons (reference §B7) in plain words, with the service's own message.
pub(crate) fn quarantine_message(reason: Option<&str>, message: Option<&str>) -> String {
    let why = match reason.unwrap_or_default() {
        "EncounteredQuarantineException" => {
            "Entra stopped provisioning because Scaleway kept refusing its requests (usually a wrong Tenant URL or a deleted or expired token)"
        }
        "TooManyDeletes" => {
            "Entra stopped provisioning because it was about to delete too many users at once"
        }
        "EncounteredBaseEscrowThreshold"
        | "EncounteredTotalEscrowThreshold"
        | "EncounteredEscrowProportionThreshold" => {
            "Entra stopped provisioning because too many users failed to provision"
        }
        "QuarantinedOnDemand" => "Provisioning was put in quarantine on request",
        "IngestionInterrupted" => {
            "Entra stopped provisioning because reading your directory was interrupted"
        }
        _ => "Entra stopped provisioning (quarantine)",
    };
    match message.filter(|m| !m.trim().is_empty()) {
        Some(said) => format!("{why}. The last error: \"{said}\"."),
        None => format!("{why}."),
    }
}

fn quarantine_to_ui(reason: Option<&str>, message: Option<&str>) -> UiError {
    UiError::new(
        ErrorCode::ProvisioningQuarantined,
        quarantine_message(reason, message),
        "Fix the cause (rotate the token, or check the Base URL), then start provisioning again: starting clears the quarantine.",
        true,
    )
}

#[cfg(test)]
mod tests {
    use scim_wizard_entra::graph::ErrorDetail;

    use super::*;

    fn detail(status: u16, message: &str) -> Box<ErrorDetail> {
        Box::new(ErrorDetail {
            status,
            code: "CredentialValidationUnavailable".into(),
            message: message.into(),
            request_id: Some("req-1".into()),
            ..ErrorDetail::default()
        })
    }

    #[test]
    fn a_refused_token_says_so_with_scaleways_words_and_no_raw_body() {
        let raw = r#"{"Message":"... Response from the application: {\"detail\":\"invalid bearer token\"}"}"#;
        let error = SetupError::Graph(GraphError::CredentialsRejected {
            detail: detail(400, raw),
            scaleway_message: Some("invalid bearer token".into()),
        });
        let ui = error.to_ui();
        assert_eq!(ui.code, ErrorCode::GraphCredentialsRejected);
        assert_eq!(
            ui.message,
            "Scaleway refused the token: Scaleway said \"invalid bearer token\"."
        );
        assert!(!ui.message.contains('{'), "{ui:?}");
        assert!(!ui.retryable);
    }

    #[test]
    fn graph_and_sign_in_failures_get_their_own_stable_codes() {
        let forbidden = SetupError::Graph(GraphError::Forbidden {
            detail: detail(403, "Insufficient privileges"),
            missing_role: scim_wizard_entra::graph::REQUIRED_ROLES,
        });
        assert_eq!(forbidden.code(), ErrorCode::GraphForbidden);
        assert!(
            forbidden
                .to_ui()
                .message
                .contains("Cloud Application Administrator")
        );
        assert!(forbidden.to_ui().message.contains("req-1"));
        let throttled = SetupError::Graph(GraphError::Throttled {
            detail: detail(429, "slow down"),
            retry_after: None,
        });
        assert_eq!(throttled.code(), ErrorCode::GraphThrottled);
        assert!(throttled.to_ui().retryable);
        let lag = SetupError::Graph(GraphError::ReplicationTimeout {
            waited: std::time::Duration::from_secs(300),
        });
        assert_eq!(lag.code(), ErrorCode::GraphReplicationTimeout);
        let signed_out = SetupError::Auth(AuthError::SignInRequired {
            reason: "no saved sign-in".into(),
            details: None,
        });
        assert_eq!(signed_out.code(), ErrorCode::EntraSignInRequired);
        assert_eq!(SetupError::Cancelled.code(), ErrorCode::Cancelled);
    }

    #[test]
    fn preflight_names_the_missing_role_or_scope_and_the_consent_link() {
        let role = SetupError::PreflightFailed {
            missing_roles: vec!["Cloud Application Administrator".into()],
            missing_scopes: vec![],
            admin_consent_url: None,
            fixes: vec![],
        }
        .to_ui();
        assert_eq!(role.code, ErrorCode::EntraMissingRole);
        assert!(role.message.contains("Cloud Application Administrator"));
        let consent = SetupError::PreflightFailed {
            missing_roles: vec![],
            missing_scopes: vec!["Synchronization.ReadWrite.All".into()],
            admin_consent_url: Some("https://login.example/adminconsent".into()),
            fixes: vec![],
        }
        .to_ui();
        assert_eq!(consent.code, ErrorCode::EntraConsentRequired);
        assert!(consent.message.contains("Synchronization.ReadWrite.All"));
        assert!(consent.hint.contains("https://login.example/adminconsent"));
    }

    #[test]
    fn quarantine_is_explained_in_plain_words() {
        let ui = SetupError::Quarantined {
            reason: Some("EncounteredQuarantineException".into()),
            message: Some("invalid bearer token".into()),
        }
        .to_ui();
        assert_eq!(ui.code, ErrorCode::ProvisioningQuarantined);
        assert!(ui.message.contains("kept refusing"), "{ui:?}");
        assert!(ui.message.contains("invalid bearer token"), "{ui:?}");
    }
}
