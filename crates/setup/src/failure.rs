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
    #[error("two or more people would get the same Scaleway username")]
    UsernameCollision {
        collisions: Vec<crate::steps::impact::UsernameCollision>,
    },
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
    /// A new setup named an Organization another setup of this computer already holds.
    #[error("this computer already has a setup for this Scaleway Organization")]
    OrganizationHasSetup,
    /// Microsoft refused to show the provisioning logs to this sign-in (403).
    #[error("reading the provisioning logs needs AuditLog.Read.All")]
    AuditLogConsentNeeded,
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
    /// are not secret (ids, names, request ids) go in. A case with nothing more to say than its
    /// code uses the code's own sentence and hint (`crate::error`); the sentences written here add
    /// specifics.
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
                UiError::plain(code, false).with_message(error.to_string())
            }
            Self::Validation(error) => {
                UiError::plain(C::InvalidInput, false).with_message(error.to_string())
            }
            Self::BaseUrlDiscovery(DiscoveryError::InvalidToken(error)) => UiError::new(
                C::InvalidInput,
                error.to_string(),
                "Copy the token again from the Scaleway console.",
                false,
            ),
            Self::BaseUrlDiscovery(_) => UiError::plain(C::ScimBaseUrlNotFound, false),
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
            Self::Journal(JournalError::InUse { holder, .. }) => UiError::plain(C::SetupInUse, true)
                .with_message(format!(
                    "Another program is working on this setup right now: {holder}."
                )),
            Self::Preferences(error) => error.to_ui(),
            Self::Journal(error) => UiError::plain(C::JournalFailed, true).with_message(format!(
                "The app could not keep track of the setup: {error}."
            )),
            Self::TokenLimit { tokens } => UiError::new(
                C::ScalewayTokenLimit,
                format!(
                    "Scaleway allows two SCIM tokens per Organization, and yours already has {}.",
                    tokens.len()
                ),
                "Delete the older token (only if nothing uses it any more: Entra may still be using it), then try again.",
                false,
            ),
            Self::NotReady(what) => UiError::plain(C::NotReady, false)
                .with_message(format!("That step cannot run yet: {what}.")),
            Self::UnsavedTokenAtRisk => UiError::plain(C::UnsavedTokenAtRisk, false),
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
            } => UiError::plain(C::TenantNotConfirmed, false).with_message(format!(
                "Nothing was changed in Microsoft Entra: the tenant {signed_in} and the account signed in to it were not confirmed yet."
            )),
            Self::TokenAlreadyCreated { token_id } => UiError::plain(C::TokenAlreadyCreated, false)
                .with_message(format!(
                    "This setup already created a SCIM token ({token_id}). Using another one now would leave that one in Scaleway, where undoing the setup could no longer remove it."
                )),
            Self::TokenLost { token_ids } => {
                UiError::plain(C::ScimTokenLost, false).with_hint(format!(
                    "Delete the unusable token ({}) from the list, then create a new one.",
                    token_ids.join(", ")
                ))
            }
            Self::Internal(detail) => UiError::plain(C::Internal, false)
                .with_message(format!("Something went wrong inside the app: {detail}.")),
            Self::Auth(error) => auth_to_ui(error),
            Self::Graph(error) => graph_to_ui(error),
            Self::Schema(error) => UiError::new(
                C::MappingsNotApplied,
                format!("The app could not edit the attribute mappings: {error}."),
                "Nothing was changed in the mappings. Check the app's Provisioning page in the Entra admin center, and report this if it keeps happening.",
                false,
            ),
            Self::MappingsNotApplied { mismatches } => UiError::plain(C::MappingsNotApplied, true)
                .with_message(format!(
                    "Entra did not keep the attribute mappings as the app wrote them ({}).",
                    mismatches.join("; ")
                )),
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
            Self::AuditLogConsentNeeded => UiError::plain(C::AuditLogConsentNeeded, false),
            Self::OrganizationHasSetup => UiError::plain(C::OrganizationHasSetup, false),
            Self::BaseUrlNeeded => UiError::plain(C::ScimBaseUrlNotFound, false).with_hint(
                "Your token is saved. Open the Scaleway console (Organization security → Automatic user provisioning), copy the Base URL shown there and paste it in the Scaleway step; then continue.",
            ),
            Self::ScalewayKeyNeeded { action } => UiError::plain(C::ScalewayKeyNeeded, false)
                .with_message(format!(
                    "{} needs a Scaleway API key, and the app was given only a SCIM token.",
                    action.describe()
                )),
            Self::Cancelled => UiError::plain(C::Cancelled, true),
            Self::ConfirmationRequired => UiError::plain(C::ConfirmationRequired, false),
            Self::PrincipalNotFound { kind, query } => UiError::plain(C::PrincipalNotFound, false)
                .with_message(format!(
                    "No {kind} called \"{query}\" was found in your Entra directory."
                )),
            Self::UsernameCollision { collisions } => {
                let said: Vec<String> = collisions
                    .iter()
                    .map(|c| format!("\"{}\" for {}", c.username, c.upns.join(" and ")))
                    .collect();
                UiError::plain(C::UsernameCollision, false).with_message(format!(
                    "These people would get the same username in Scaleway: {}.",
                    said.join("; ")
                ))
            }
            Self::Quarantined { reason, message } => {
                quarantine_to_ui(reason.as_deref(), message.as_deref())
            }
            Self::ProvisioningFailed { message } => UiError::plain(C::ProvisioningFailed, true)
                .with_message(format!(
                    "Entra could not create the test user in Scaleway: {message}"
                )),
            Self::ProofUserNotFound {
                username,
                waited_secs,
            } => UiError::plain(C::ProofUserNotFound, true).with_message(format!(
                "After {waited_secs} seconds, Scaleway still has no user \"{username}\"."
            )),
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
    // The code's own sentence, with Scaleway's request id when there is one.
    let plain = |code: ErrorCode, retryable| {
        UiError::plain(code, retryable)
            .with_message(with_request_id(code.default_message().into(), request_id))
    };
    match error {
        ScalewayError::AuthDenied {
            reason: AuthDeniedReason::Expired,
            ..
        } => plain(C::ScalewayKeyExpired, false),
        ScalewayError::AuthDenied { .. } => plain(C::ScalewayKeyRefused, false),
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
            UiError::plain(C::ScalewayPermissionDenied, false).with_message(with_request_id(
                format!("This key cannot manage SCIM{what}."),
                request_id,
            ))
        }
        ScalewayError::NotFound { .. } => plain(C::ScalewayOrganizationNotFound, false),
        ScalewayError::QuotaExceeded { .. } => plain(C::ScalewayTokenLimit, false),
        ScalewayError::RateLimited { .. } => plain(C::ScalewayRateLimited, true),
        ScalewayError::ServerError { .. }
        | ScalewayError::TransientState { .. }
        | ScalewayError::Network { .. } => plain(C::ScalewayUnavailable, true),
        ScalewayError::OutcomeUnknown { .. } => UiError::plain(C::ScalewayOutcomeUnknown, true),
        ScalewayError::InvalidInput { .. } | ScalewayError::InvalidArguments { .. } => {
            UiError::plain(C::InvalidInput, false)
                .with_message(with_request_id(error.to_string(), request_id))
        }
        _ => plain(C::ScalewayUnexpected, true),
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
        ScimBaseError::TokenRefused { .. } | ScimBaseError::Forbidden { .. } => {
            UiError::plain(C::ScimTokenRefused, false)
        }
        ScimBaseError::FilterRejected { .. } => UiError::new(
            C::ScalewayUnexpected,
            "Scaleway's SCIM service did not accept a search for a user by username.",
            "Check in the Scaleway console (IAM → Users) that the user arrived. If this keeps happening, report it.",
            true,
        ),
        ScimBaseError::EmptyUserName => UiError::plain(C::Internal, false).with_message(
            "Something went wrong inside the app: there was no username to look for in Scaleway.",
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
    // A sentence with Microsoft's reference when there is one, and the code's own hint; `plain`
    // says the code's own sentence.
    let said = |code: ErrorCode, message: String, retryable| {
        UiError::plain(code, retryable).with_message(with_graph_reference(message, error))
    };
    let plain = |code: ErrorCode, retryable| said(code, code.default_message().into(), retryable);
    match error {
        GraphError::AuthExpired { .. }
        | GraphError::SignInRequired { .. }
        | GraphError::ClaimsChallenge { .. } => plain(C::EntraSignInRequired, true),
        GraphError::Forbidden { missing_role, .. } => said(
            C::GraphForbidden,
            format!("Microsoft Entra refused this change: your account needs the {missing_role} role, and the wizard's permissions must be granted."),
            false,
        )
        .with_hint("Ask a Global Administrator to give you one of these roles (or to grant consent), sign in again, then continue."),
        GraphError::NotFound { .. } => plain(C::GraphNotFound, true),
        GraphError::Conflict { detail } | GraphError::BadRequest { detail } => said(
            C::GraphRejected,
            format!("Microsoft Entra refused the request: {}", detail.readable_message()),
            matches!(error, GraphError::Conflict { .. }),
        ),
        GraphError::Throttled { retry_after, .. } => {
            let throttled = plain(C::GraphThrottled, true);
            match retry_after {
                Some(delay) if delay.as_secs() > 60 => {
                    throttled.with_hint("Wait a few minutes, then try again: nothing is lost.")
                }
                _ => throttled,
            }
        }
        GraphError::Unavailable { .. } | GraphError::Network { .. } => {
            plain(C::GraphUnavailable, true)
        }
        // Scaleway's words, not Microsoft's: no Graph reference.
        GraphError::CredentialsRejected {
            scaleway_message, ..
        } => {
            let rejected = UiError::plain(C::GraphCredentialsRejected, false);
            match scaleway_message.as_deref().filter(|m| !m.is_empty()) {
                Some(said) => rejected
                    .with_message(format!("Scaleway refused the token: Scaleway said \"{said}\".")),
                None => rejected,
            }
        }
        GraphError::OutcomeUnknown { .. } => plain(C::GraphOutcomeUnknown, true),
        GraphError::ReplicationTimeout { waited } => said(
            C::GraphReplicationTimeout,
            format!("The new application did not appear in Microsoft Entra within {} seconds (Entra can be slow to spread new objects).", waited.as_secs()),
            true,
        ),
        GraphError::NoUserRole => said(
            C::GraphUnexpected,
            "The enterprise application has no \"User\" role to assign people to.".into(),
            false,
        )
        .with_hint("Was the application changed by hand? Roll back and run the setup again, or assign users in the Entra admin center."),
        _ => plain(C::GraphUnexpected, true),
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
            hint = C::EntraConsentRequired.default_hint().into();
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

/// Quarantine reasons (docs/services.md) in plain words, with the service's own message: the
/// same words as the job's health ([`crate::messages::QuarantineCause`]), kept in one place.
pub(crate) fn quarantine_message(reason: Option<&str>, message: Option<&str>) -> String {
    crate::messages::QuarantineCause::from_reason(reason).english(message)
}

fn quarantine_to_ui(reason: Option<&str>, message: Option<&str>) -> UiError {
    UiError::plain(ErrorCode::ProvisioningQuarantined, true)
        .with_message(quarantine_message(reason, message))
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
