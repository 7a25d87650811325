//! One typed error for everything sign-in can run into, with stable codes for the UI and the CLI.
//!
//! Microsoft's answers (`error`, `error_description` with its `AADSTSnnnnn` code, `trace_id`,
//! `correlation_id`) are mapped to plain words here, and kept in [`EntraErrorDetails`] for support.
//! Nothing in this module ever holds a token, an authorization code or a PKCE verifier, so the
//! `Display` and `Debug` of an [`AuthError`] are safe to log and to show.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The longest `error_description` we keep (Entra's run to a few hundred characters).
const MAX_DESCRIPTION_CHARS: usize = 600;

/// What Microsoft's sign-in service said when it refused something, kept for support.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntraErrorDetails {
    /// The OAuth 2.0 error, e.g. `access_denied`, `invalid_grant`.
    pub error: String,
    /// The Entra error code, e.g. `AADSTS65004`, when Microsoft gave one.
    pub aadsts: Option<String>,
    /// The first line of `error_description`, without control characters and capped in length.
    pub description: Option<String>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
    pub timestamp: Option<String>,
}

impl EntraErrorDetails {
    /// Builds the details from the raw fields of an OAuth error (a callback query or a token
    /// endpoint body). The AADSTS code is read from the description, else from `error_codes`.
    pub fn new(
        error: &str,
        description: Option<&str>,
        error_codes: &[i64],
        trace_id: Option<&str>,
        correlation_id: Option<&str>,
        timestamp: Option<&str>,
    ) -> Self {
        let aadsts = description
            .and_then(find_aadsts)
            .or_else(|| error_codes.first().map(|code| format!("AADSTS{code}")));
        Self {
            error: clean_line(error, 100),
            aadsts,
            description: description
                .map(|text| clean_line(text, MAX_DESCRIPTION_CHARS))
                .filter(|text| !text.is_empty()),
            trace_id: trace_id.map(|id| clean_line(id, 100)),
            correlation_id: correlation_id.map(|id| clean_line(id, 100)),
            timestamp: timestamp.map(|id| clean_line(id, 100)),
        }
    }

    /// The numeric part of the AADSTS code.
    pub fn aadsts_number(&self) -> Option<u32> {
        self.aadsts
            .as_deref()
            .and_then(|code| code.strip_prefix("AADSTS"))
            .and_then(|digits| digits.parse().ok())
    }

    /// One line for a support ticket: `AADSTS65004 · trace … · correlation …`.
    pub fn support_reference(&self) -> String {
        let mut parts = Vec::new();
        match &self.aadsts {
            Some(code) => parts.push(code.clone()),
            None if !self.error.is_empty() => parts.push(self.error.clone()),
            None => {}
        }
        if let Some(trace) = &self.trace_id {
            parts.push(format!("trace id {trace}"));
        }
        if let Some(correlation) = &self.correlation_id {
            parts.push(format!("correlation id {correlation}"));
        }
        if let Some(timestamp) = &self.timestamp {
            parts.push(format!("at {timestamp}"));
        }
        parts.join(" · ")
    }
}

/// Finds `AADSTS` followed by digits in a description.
fn find_aadsts(text: &str) -> Option<String> {
    let start = text.find("AADSTS")?;
    let digits: String = text[start + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

/// First line, control characters dropped, capped at `max` characters.
fn clean_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut cleaned: String = line.chars().filter(|c| !c.is_control()).take(max).collect();
    if line.chars().count() > max {
        cleaned.push('…');
    }
    cleaned.trim().to_owned()
}

/// Which step of the protocol an OAuth error came from: the same `error` means different things
/// at different steps (`invalid_grant` on a refresh means "sign in again").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The browser came back to the loopback listener with `error=`.
    Authorize,
    /// Redeeming the authorization code at the token endpoint.
    CodeRedemption,
    /// Redeeming a refresh token.
    Refresh,
    /// Asking for a device code.
    DeviceCode,
    /// Polling the token endpoint with a device code.
    DevicePoll,
}

/// Why a sign-in failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The admin pressed Cancel (or the caller cancelled).
    #[error("{}", self.message())]
    Cancelled,
    /// No answer came back from the browser (or the device code was not used) in time.
    #[error("{}", self.message())]
    TimedOut { after: Duration },
    /// The admin declined the consent prompt (AADSTS65004, `access_denied`).
    #[error("{}", self.message())]
    ConsentDeclined { details: Box<EntraErrorDetails> },
    /// The permissions need an administrator's consent first (AADSTS65001, AADSTS90094, …).
    #[error("{}", self.message())]
    AdminConsentRequired { details: Box<EntraErrorDetails> },
    /// The tenant requires assignment to the sign-in app and this user isn't (AADSTS50105).
    #[error("{}", self.message())]
    UserNotAssigned { details: Box<EntraErrorDetails> },
    /// The client id is not known in this tenant or cloud (AADSTS700016).
    #[error("{}", self.message())]
    UnknownClient { details: Box<EntraErrorDetails> },
    /// The app registration does not list our loopback redirect (AADSTS50011).
    #[error("{}", self.message())]
    RedirectMismatch { details: Box<EntraErrorDetails> },
    /// A Conditional Access policy blocked the sign-in (AADSTS53003 and friends).
    #[error("{}", self.message())]
    BlockedByPolicy { details: Box<EntraErrorDetails> },
    /// Microsoft wants more interaction (MFA, a policy prompt): `interaction_required`.
    #[error("{}", self.message())]
    InteractionRequired { details: Box<EntraErrorDetails> },
    /// The tenant given does not exist (AADSTS90002).
    #[error("{}", self.message())]
    TenantNotFound { details: Box<EntraErrorDetails> },
    /// The account is not a member or guest of the tenant signed in to (AADSTS50020, AADSTS90072).
    #[error("{}", self.message())]
    AccountNotInTenant { details: Box<EntraErrorDetails> },
    /// The app registration is not set up as a public client for this flow (AADSTS7000218, …).
    #[error("{}", self.message())]
    ClientMisconfigured { details: Box<EntraErrorDetails> },
    /// Microsoft refused to redeem the authorization code (expired, reused, or PKCE mismatch).
    #[error("{}", self.message())]
    CodeRejected { details: Box<EntraErrorDetails> },
    /// Any other refusal by Microsoft's sign-in service.
    #[error("{}", self.message())]
    SignInFailed { details: Box<EntraErrorDetails> },
    /// The saved sign-in is gone or no longer accepted: sign in again.
    #[error("{}", self.message())]
    SignInRequired {
        reason: String,
        details: Option<Box<EntraErrorDetails>>,
    },
    /// The admin declined the device code sign-in.
    #[error("{}", self.message())]
    DeviceCodeDeclined { details: Box<EntraErrorDetails> },
    /// The device code expired before it was used.
    #[error("{}", self.message())]
    DeviceCodeExpired {
        details: Option<Box<EntraErrorDetails>>,
    },
    /// Microsoft did not recognise our device code (`bad_verification_code`): a bug.
    #[error("{}", self.message())]
    DeviceCodeRejected { details: Box<EntraErrorDetails> },
    /// Only answers that did not belong to this sign-in came back (an old tab, another app).
    #[error("{}", self.message())]
    StateMismatch,
    /// The tenant setting is neither a tenant id (GUID) nor a domain name.
    #[error("{}", self.message())]
    InvalidTenant { value: String, reason: String },
    /// Another setting is unusable (client id, a URL).
    #[error("{}", self.message())]
    InvalidConfig { setting: String, reason: String },
    /// Microsoft could not be reached.
    #[error("{}", self.message())]
    Network { message: String },
    /// Microsoft (or Graph) answered something we could not use.
    #[error("{}", self.message())]
    UnexpectedResponse {
        message: String,
        /// Graph's `request-id` (or the login service's trace id), for support.
        request_id: Option<String>,
    },
    /// The loopback listener could not be started.
    #[error("{}", self.message())]
    ListenerFailed { message: String },
    /// The keychain (the caller's [`crate::auth::RefreshTokenStore`]) failed.
    #[error("{}", self.message())]
    TokenStore { message: String },
}

impl AuthError {
    /// A stable code the UI and scripts can branch on.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Cancelled => "entra.sign_in_cancelled",
            AuthError::TimedOut { .. } => "entra.sign_in_timed_out",
            AuthError::ConsentDeclined { .. } => "entra.consent_declined",
            AuthError::AdminConsentRequired { .. } => "entra.admin_consent_required",
            AuthError::UserNotAssigned { .. } => "entra.user_not_assigned",
            AuthError::UnknownClient { .. } => "entra.unknown_client",
            AuthError::RedirectMismatch { .. } => "entra.redirect_mismatch",
            AuthError::BlockedByPolicy { .. } => "entra.blocked_by_policy",
            AuthError::InteractionRequired { .. } => "entra.interaction_required",
            AuthError::TenantNotFound { .. } => "entra.tenant_not_found",
            AuthError::AccountNotInTenant { .. } => "entra.account_not_in_tenant",
            AuthError::ClientMisconfigured { .. } => "entra.client_misconfigured",
            AuthError::CodeRejected { .. } => "entra.code_rejected",
            AuthError::SignInFailed { .. } => "entra.sign_in_failed",
            AuthError::SignInRequired { .. } => "entra.sign_in_required",
            AuthError::DeviceCodeDeclined { .. } => "entra.device_code_declined",
            AuthError::DeviceCodeExpired { .. } => "entra.device_code_expired",
            AuthError::DeviceCodeRejected { .. } => "entra.device_code_rejected",
            AuthError::StateMismatch => "entra.state_mismatch",
            AuthError::InvalidTenant { .. } => "entra.invalid_tenant",
            AuthError::InvalidConfig { .. } => "entra.invalid_config",
            AuthError::Network { .. } => "entra.network",
            AuthError::UnexpectedResponse { .. } => "entra.unexpected_response",
            AuthError::ListenerFailed { .. } => "entra.listener_failed",
            AuthError::TokenStore { .. } => "entra.token_store",
        }
    }

    /// What happened, in plain words (this is also the `Display`). Ends with the AADSTS code in
    /// brackets when Microsoft gave one.
    pub fn message(&self) -> String {
        let base: String = match self {
            AuthError::Cancelled => "Sign-in was cancelled.".into(),
            AuthError::TimedOut { after } => format!(
                "Sign-in timed out: nothing came back from the browser within {}.",
                human_duration(*after)
            ),
            AuthError::ConsentDeclined { .. } => {
                "The permissions the wizard asked for were declined.".into()
            }
            AuthError::AdminConsentRequired { .. } => {
                "Your organization requires an administrator to approve the permissions the wizard needs.".into()
            }
            AuthError::UserNotAssigned { .. } => {
                "Your account is not allowed to use the sign-in app: your organization requires users to be assigned to it.".into()
            }
            AuthError::UnknownClient { .. } => {
                "Microsoft does not know the sign-in app (client id) in this organization or cloud.".into()
            }
            AuthError::RedirectMismatch { .. } => {
                "The sign-in app does not accept the wizard's local return address (http://localhost).".into()
            }
            AuthError::BlockedByPolicy { .. } => {
                "A Conditional Access policy of your organization blocked this sign-in.".into()
            }
            AuthError::InteractionRequired { .. } => {
                "Microsoft needs you to complete an extra step (such as multi-factor authentication) in the browser.".into()
            }
            AuthError::TenantNotFound { .. } => {
                "Microsoft does not know the organization (tenant) that was given.".into()
            }
            AuthError::AccountNotInTenant { .. } => {
                "This account does not belong to the organization (tenant) you are signing in to.".into()
            }
            AuthError::ClientMisconfigured { .. } => {
                "The sign-in app is not set up for this kind of sign-in.".into()
            }
            AuthError::CodeRejected { .. } => {
                "Microsoft refused to finish the sign-in (the one-time code was expired, reused or did not match).".into()
            }
            AuthError::SignInFailed { details } => match &details.description {
                Some(description) => format!("Microsoft refused the sign-in: {description}"),
                None => format!("Microsoft refused the sign-in ({}).", details.error),
            },
            AuthError::SignInRequired { reason, .. } => {
                format!("You need to sign in to Microsoft again: {reason}")
            }
            AuthError::DeviceCodeDeclined { .. } => "The device code sign-in was declined.".into(),
            AuthError::DeviceCodeExpired { .. } => {
                "The device code expired before it was used.".into()
            }
            AuthError::DeviceCodeRejected { .. } => {
                "Microsoft did not recognise the device code (this is a bug in the wizard).".into()
            }
            AuthError::StateMismatch => {
                "The browser came back with an answer that does not belong to this sign-in (an old tab, or another app).".into()
            }
            AuthError::InvalidTenant { value, reason } => {
                format!("'{value}' is not a usable tenant: {reason}")
            }
            AuthError::InvalidConfig { setting, reason } => {
                format!("The {setting} setting is not usable: {reason}")
            }
            AuthError::Network { message } => {
                format!("Could not reach Microsoft: {message}")
            }
            AuthError::UnexpectedResponse { message, .. } => {
                format!("Microsoft answered something unexpected: {message}")
            }
            AuthError::ListenerFailed { message } => {
                format!("The wizard could not start its local sign-in listener: {message}")
            }
            AuthError::TokenStore { message } => {
                format!("The system keychain failed: {message}")
            }
        };
        match self.details().and_then(|details| details.aadsts.as_deref()) {
            Some(code) => format!("{base} ({code})"),
            None => base,
        }
    }

    /// The next step for the admin, in plain words.
    pub fn hint(&self) -> String {
        match self {
            AuthError::Cancelled => "Start the sign-in again when you are ready.".into(),
            AuthError::TimedOut { .. } => {
                "Start the sign-in again. If the browser did not open, copy the link into it, or use the device code sign-in.".into()
            }
            AuthError::ConsentDeclined { .. } => {
                "Sign in again and choose Accept on the permissions page. Without them the wizard cannot create and configure the app.".into()
            }
            AuthError::AdminConsentRequired { .. } => {
                "Ask an Application Administrator, Cloud Application Administrator or Global Administrator to grant consent (the wizard can give you the link), then sign in again.".into()
            }
            AuthError::UserNotAssigned { .. } => {
                "Ask an administrator to assign you to the sign-in app in Entra ID (Enterprise applications), or set your own client id in the settings.".into()
            }
            AuthError::UnknownClient { .. } => {
                "Check the client id in the settings (and that it is a multi-tenant app), or clear it to use the default.".into()
            }
            AuthError::RedirectMismatch { .. } => {
                "Add the redirect URI http://localhost (Mobile and desktop applications) to your app registration, or use the device code sign-in.".into()
            }
            AuthError::BlockedByPolicy { .. } => {
                "Sign in from a device and network your organization allows, or ask your administrator which policy applies (give them the reference below).".into()
            }
            AuthError::InteractionRequired { .. } => {
                "Sign in again in the browser and complete every step Microsoft asks for.".into()
            }
            AuthError::TenantNotFound { .. } => {
                "Check the tenant id or domain in the settings, or leave it empty to sign in to your home organization.".into()
            }
            AuthError::AccountNotInTenant { .. } => {
                "Sign in with an account of that organization, or set the tenant id or domain of the organization you manage in the settings.".into()
            }
            AuthError::ClientMisconfigured { .. } => {
                "In your app registration turn on \"Allow public client flows\" and add the redirect URI http://localhost, or clear the client id to use the default.".into()
            }
            AuthError::CodeRejected { .. } => "Start the sign-in again.".into(),
            AuthError::SignInFailed { .. } => {
                "Try again. If it keeps failing, give the reference below to your administrator.".into()
            }
            AuthError::SignInRequired { .. } => "Sign in to Microsoft again.".into(),
            AuthError::DeviceCodeDeclined { .. } => {
                "Start the device code sign-in again and approve it, or use the browser sign-in.".into()
            }
            AuthError::DeviceCodeExpired { .. } => {
                "Start the device code sign-in again and enter the new code sooner.".into()
            }
            AuthError::DeviceCodeRejected { .. } => {
                "Start the sign-in again; if it happens again, please report it.".into()
            }
            AuthError::StateMismatch => {
                "Close the old sign-in tabs and start the sign-in again.".into()
            }
            AuthError::InvalidTenant { .. } => {
                "Enter the tenant id (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47) or a verified domain (contoso.onmicrosoft.com), or leave it empty.".into()
            }
            AuthError::InvalidConfig { .. } => "Correct the setting and try again.".into(),
            AuthError::Network { .. } => {
                "Check your internet connection (and proxy), then try again.".into()
            }
            AuthError::UnexpectedResponse { .. } => {
                "Try again. If it keeps happening, please report it with the reference below.".into()
            }
            AuthError::ListenerFailed { .. } => {
                "Try again, or use the device code sign-in.".into()
            }
            AuthError::TokenStore { .. } => {
                "Unlock the system keychain (or allow the wizard to use it) and try again.".into()
            }
        }
    }

    /// Whether doing the same thing again, unchanged, may well work.
    pub fn retryable(&self) -> bool {
        match self {
            AuthError::Cancelled
            | AuthError::TimedOut { .. }
            | AuthError::Network { .. }
            | AuthError::StateMismatch
            | AuthError::ListenerFailed { .. }
            | AuthError::CodeRejected { .. }
            | AuthError::DeviceCodeExpired { .. }
            | AuthError::InteractionRequired { .. }
            | AuthError::SignInRequired { .. } => true,
            AuthError::SignInFailed { details } => matches!(
                details.error.as_str(),
                "server_error" | "temporarily_unavailable"
            ),
            _ => false,
        }
    }

    /// Microsoft's own answer, when the error came from it.
    pub fn details(&self) -> Option<&EntraErrorDetails> {
        match self {
            AuthError::ConsentDeclined { details }
            | AuthError::AdminConsentRequired { details }
            | AuthError::UserNotAssigned { details }
            | AuthError::UnknownClient { details }
            | AuthError::RedirectMismatch { details }
            | AuthError::BlockedByPolicy { details }
            | AuthError::InteractionRequired { details }
            | AuthError::TenantNotFound { details }
            | AuthError::AccountNotInTenant { details }
            | AuthError::ClientMisconfigured { details }
            | AuthError::CodeRejected { details }
            | AuthError::SignInFailed { details }
            | AuthError::DeviceCodeDeclined { details }
            | AuthError::DeviceCodeRejected { details } => Some(&**details),
            AuthError::SignInRequired { details, .. }
            | AuthError::DeviceCodeExpired { details } => details.as_deref(),
            _ => None,
        }
    }

    /// The AADSTS code, e.g. `AADSTS65004`.
    pub fn aadsts(&self) -> Option<&str> {
        self.details().and_then(|details| details.aadsts.as_deref())
    }

    /// One line for a support ticket (AADSTS code, trace and correlation ids), when there is one.
    pub fn support_reference(&self) -> Option<String> {
        match self {
            AuthError::UnexpectedResponse {
                request_id: Some(id),
                ..
            } => Some(format!("request id {id}")),
            _ => self
                .details()
                .map(EntraErrorDetails::support_reference)
                .filter(|reference| !reference.is_empty()),
        }
    }

    /// Maps an OAuth error from Microsoft to the error the admin sees.
    pub(crate) fn from_entra(details: EntraErrorDetails, stage: Stage) -> AuthError {
        let details = Box::new(details);
        let error = details.error.clone();
        let error = error.as_str();
        // A few `error` values decide by themselves at some stages.
        match (stage, error) {
            (Stage::Refresh, "invalid_grant") => {
                return AuthError::SignInRequired {
                    reason: "your saved sign-in has expired or was revoked.".into(),
                    details: Some(details),
                };
            }
            (Stage::Refresh, "interaction_required" | "login_required" | "consent_required") => {
                return AuthError::SignInRequired {
                    reason: "Microsoft wants you to confirm who you are.".into(),
                    details: Some(details),
                };
            }
            (Stage::DevicePoll, "authorization_declined") => {
                return AuthError::DeviceCodeDeclined { details };
            }
            (Stage::DevicePoll, "expired_token") => {
                return AuthError::DeviceCodeExpired {
                    details: Some(details),
                };
            }
            (Stage::DevicePoll, "bad_verification_code") => {
                return AuthError::DeviceCodeRejected { details };
            }
            _ => {}
        }
        if let Some(number) = details.aadsts_number() {
            match number {
                65004 => return AuthError::ConsentDeclined { details },
                65001 | 90094 | 90095 | 90008 => {
                    return AuthError::AdminConsentRequired { details };
                }
                50105 => return AuthError::UserNotAssigned { details },
                700016 => return AuthError::UnknownClient { details },
                50011 | 500113 | 50010 => return AuthError::RedirectMismatch { details },
                53000..=53004 | 530032 | 530033 | 530034 | 50097 => {
                    return AuthError::BlockedByPolicy { details };
                }
                50076 | 50079 | 50074 | 50158 | 50072 => {
                    return AuthError::InteractionRequired { details };
                }
                90002 => return AuthError::TenantNotFound { details },
                50020 | 90072 => return AuthError::AccountNotInTenant { details },
                7000218 | 700025 | 7000215 | 700054 | 700051 => {
                    return AuthError::ClientMisconfigured { details };
                }
                _ => {}
            }
        }
        match error {
            "access_denied" => AuthError::ConsentDeclined { details },
            "consent_required" => AuthError::AdminConsentRequired { details },
            "interaction_required" | "login_required" => AuthError::InteractionRequired { details },
            "invalid_client" | "unauthorized_client" | "unsupported_response_type" => {
                AuthError::ClientMisconfigured { details }
            }
            "invalid_grant" if stage == Stage::CodeRedemption => {
                AuthError::CodeRejected { details }
            }
            "invalid_grant" if stage == Stage::DevicePoll => {
                AuthError::DeviceCodeRejected { details }
            }
            _ => AuthError::SignInFailed { details },
        }
    }

    pub(crate) fn network(error: &dyn std::error::Error) -> AuthError {
        AuthError::Network {
            message: error_chain(error),
        }
    }
}

/// `error: cause: cause`, as one line.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn human_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 && seconds.is_multiple_of(60) {
        let minutes = seconds / 60;
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    } else if seconds >= 1 {
        format!("{seconds} second{}", if seconds == 1 { "" } else { "s" })
    } else {
        format!("{} ms", duration.as_millis())
    }
}

/// The support reference, so the details can be printed on their own (a CLI `--verbose` line).
impl fmt::Display for EntraErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.support_reference())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(error: &str, description: &str) -> EntraErrorDetails {
        EntraErrorDetails::new(
            error,
            Some(description),
            &[],
            Some("trace-1"),
            Some("corr-1"),
            None,
        )
    }

    #[test]
    fn aadsts_codes_map_to_plain_words_and_keep_the_reference() {
        let cases = [
            (
                "access_denied",
                "AADSTS65004: User declined to consent to access the app.",
                "entra.consent_declined",
            ),
            (
                "invalid_client",
                "AADSTS65001: The user or administrator has not consented to use the application",
                "entra.admin_consent_required",
            ),
            (
                "access_denied",
                "AADSTS90094: The grant requires admin permission.",
                "entra.admin_consent_required",
            ),
            (
                "invalid_request",
                "AADSTS50105: Your administrator has configured the application to block users unless they are specifically granted access.",
                "entra.user_not_assigned",
            ),
            (
                "unauthorized_client",
                "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'.",
                "entra.unknown_client",
            ),
            (
                "invalid_request",
                "AADSTS50011: The redirect URI 'http://localhost:1234/' specified in the request does not match.",
                "entra.redirect_mismatch",
            ),
            (
                "access_denied",
                "AADSTS53003: Access has been blocked by Conditional Access policies.",
                "entra.blocked_by_policy",
            ),
            (
                "interaction_required",
                "AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.",
                "entra.interaction_required",
            ),
            (
                "invalid_request",
                "AADSTS90002: Tenant 'nope.example' not found.",
                "entra.tenant_not_found",
            ),
            (
                "invalid_client",
                "AADSTS7000218: The request body must contain client_assertion or client_secret.",
                "entra.client_misconfigured",
            ),
            (
                "access_denied",
                "The user cancelled.",
                "entra.consent_declined",
            ),
            (
                "interaction_required",
                "Interaction needed.",
                "entra.interaction_required",
            ),
            ("server_error", "Something broke.", "entra.sign_in_failed"),
        ];
        for (error, description, code) in cases {
            let mapped = AuthError::from_entra(details(error, description), Stage::Authorize);
            assert_eq!(mapped.code(), code, "{description}");
            assert!(!mapped.hint().is_empty());
            let reference = mapped.support_reference().unwrap_or_default();
            assert!(reference.contains("trace id trace-1"), "{reference}");
            assert!(reference.contains("correlation id corr-1"), "{reference}");
            if let Some(aadsts) = find_aadsts(description) {
                assert_eq!(mapped.aadsts(), Some(aadsts.as_str()));
                assert!(mapped.to_string().ends_with(&format!("({aadsts})")));
            }
        }
    }

    #[test]
    fn stage_decides_invalid_grant_and_device_errors() {
        let grant = details(
            "invalid_grant",
            "AADSTS70008: The refresh token has expired.",
        );
        assert_eq!(
            AuthError::from_entra(grant.clone(), Stage::Refresh).code(),
            "entra.sign_in_required"
        );
        let bad_code = details(
            "invalid_grant",
            "AADSTS501481: The Code_Verifier does not match.",
        );
        assert_eq!(
            AuthError::from_entra(bad_code, Stage::CodeRedemption).code(),
            "entra.code_rejected"
        );
        for (error, code) in [
            ("authorization_declined", "entra.device_code_declined"),
            ("expired_token", "entra.device_code_expired"),
            ("bad_verification_code", "entra.device_code_rejected"),
        ] {
            let mapped = AuthError::from_entra(details(error, "x"), Stage::DevicePoll);
            assert_eq!(mapped.code(), code);
        }
    }

    #[test]
    fn aadsts_is_read_from_error_codes_when_the_description_has_none() {
        let details = EntraErrorDetails::new(
            "invalid_grant",
            Some("no code here"),
            &[50105],
            None,
            None,
            None,
        );
        assert_eq!(details.aadsts.as_deref(), Some("AADSTS50105"));
        assert_eq!(details.aadsts_number(), Some(50105));
    }

    #[test]
    fn descriptions_are_one_clean_capped_line() {
        let long = format!("AADSTS1: {}\r\nTrace ID: x", "a\u{7}".repeat(2000));
        let details = EntraErrorDetails::new("x", Some(&long), &[], None, None, None);
        let description = details.description.unwrap_or_default();
        assert!(!description.contains('\u{7}'));
        assert!(!description.contains("Trace ID"));
        assert!(description.chars().count() <= MAX_DESCRIPTION_CHARS + 1);
    }

    #[test]
    fn every_code_is_namespaced() {
        let samples = [
            AuthError::Cancelled,
            AuthError::TimedOut {
                after: Duration::from_secs(300),
            },
            AuthError::StateMismatch,
            AuthError::Network {
                message: "x".into(),
            },
        ];
        for error in samples {
            assert!(error.code().starts_with("entra."));
            assert!(!error.message().is_empty());
        }
        assert_eq!(
            AuthError::TimedOut {
                after: Duration::from_secs(300)
            }
            .to_string(),
            "Sign-in timed out: nothing came back from the browser within 5 minutes."
        );
    }
}
