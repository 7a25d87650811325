//! Typed errors of the Scaleway IAM client, each with a stable code the UI can branch on.
//!
//! Error bodies follow Scaleway's envelope (docs/services.md; `scaleway-sdk-go/scw/errors.go`):
//! `message` and `type` always, the other fields depending on `type`. Every field is read as
//! optional and leniently, because a gateway or a proxy may answer instead of the API.
//!
//! What an error may show: our own wording, the short fields of the JSON envelope (message,
//! resource, action, argument names…) cleaned of control characters and cut to a sane length,
//! the HTTP status and the `X-Request-Id`. Never a raw body (it can be an HTML page), never the
//! secret key or a bearer token (we never put them anywhere but in request headers).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// A stable, machine-readable error code: `scaleway.<what>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    AuthDenied,
    PermissionDenied,
    NotFound,
    InvalidArguments,
    QuotaExceeded,
    PreconditionFailed,
    TransientState,
    ResourceExpired,
    Conflict,
    MethodNotAllowed,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    Network,
    OutcomeUnknown,
    InvalidInput,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and for generating UI bindings.
    pub const ALL: [ErrorCode; 16] = [
        Self::AuthDenied,
        Self::PermissionDenied,
        Self::NotFound,
        Self::InvalidArguments,
        Self::QuotaExceeded,
        Self::PreconditionFailed,
        Self::TransientState,
        Self::ResourceExpired,
        Self::Conflict,
        Self::MethodNotAllowed,
        Self::RateLimited,
        Self::ServerError,
        Self::UnexpectedResponse,
        Self::Network,
        Self::OutcomeUnknown,
        Self::InvalidInput,
    ];

    /// The code as a string. These strings are a public contract: never rename one.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AuthDenied => "scaleway.auth_denied",
            Self::PermissionDenied => "scaleway.permission_denied",
            Self::NotFound => "scaleway.not_found",
            Self::InvalidArguments => "scaleway.invalid_arguments",
            Self::QuotaExceeded => "scaleway.quota_exceeded",
            Self::PreconditionFailed => "scaleway.precondition_failed",
            Self::TransientState => "scaleway.transient_state",
            Self::ResourceExpired => "scaleway.resource_expired",
            Self::Conflict => "scaleway.conflict",
            Self::MethodNotAllowed => "scaleway.method_not_allowed",
            Self::RateLimited => "scaleway.rate_limited",
            Self::ServerError => "scaleway.server_error",
            Self::UnexpectedResponse => "scaleway.unexpected_response",
            Self::Network => "scaleway.network",
            Self::OutcomeUnknown => "scaleway.outcome_unknown",
            Self::InvalidInput => "scaleway.invalid_input",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Why Scaleway refused the key (the `reason` of a 401 `denied_authentication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthDeniedReason {
    /// `unknown_reason`, or no reason in the body.
    Unknown,
    /// `invalid_argument`: the header value is not a well-formed key.
    InvalidArgument,
    /// `not_found`: no such key (mistyped, or deleted).
    NotFound,
    /// `expired`: the key has expired (inferred from the SDK enum, not yet seen live).
    Expired,
    /// A value this version does not know.
    Unrecognized,
}

impl AuthDeniedReason {
    fn parse(reason: Option<&str>) -> Self {
        match reason {
            None | Some("unknown_reason") => Self::Unknown,
            Some("invalid_argument") => Self::InvalidArgument,
            Some("not_found") => Self::NotFound,
            Some("expired") => Self::Expired,
            Some(_) => Self::Unrecognized,
        }
    }

    fn explain(self) -> &'static str {
        match self {
            Self::Unknown | Self::Unrecognized => "no reason given",
            Self::InvalidArgument => "the key is malformed",
            Self::NotFound => "no such key exists; it may be mistyped or deleted",
            Self::Expired => "the key has expired",
        }
    }
}

/// One permission a 403 `permissions_denied` says is missing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeniedPermission {
    pub resource: Option<String>,
    pub action: Option<String>,
}

/// One argument a 400 `invalid_arguments` rejects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InvalidArgument {
    pub argument_name: Option<String>,
    /// `unknown`, `required`, `format` or `constraint`.
    pub reason: Option<String>,
    pub help_message: Option<String>,
}

/// One quota a `quotas_exceeded` error reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExceededQuota {
    pub resource: Option<String>,
    pub quota: Option<u64>,
    pub current: Option<u64>,
}

/// How a request failed before any response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkFailure {
    /// No connection could be made (DNS, refused, TLS handshake): nothing reached the server.
    Connect,
    /// The request or the response took too long.
    Timeout,
    /// The connection broke while the request or response was in flight.
    Interrupted,
}

impl fmt::Display for NetworkFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Interrupted => "the connection was interrupted",
        })
    }
}

/// An error from the Scaleway IAM API or on the way to it.
///
/// `request_id` is the `X-Request-Id` of the response that carried the error, for support
/// tickets. It is `None` when no response arrived or the response had no such header.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ScalewayError {
    #[error("Scaleway refused the secret key: {}{}", reason.explain(), RequestIdSuffix(request_id))]
    AuthDenied {
        reason: AuthDeniedReason,
        /// `api_key`, `jwt` or `unknown_method`.
        method: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "The secret key is valid but lacks the permission for this action{}{}",
        DeniedList(denied),
        RequestIdSuffix(request_id)
    )]
    PermissionDenied {
        denied: Vec<DeniedPermission>,
        request_id: Option<String>,
    },
    #[error(
        "Scaleway found no {}{}",
        NotFoundSubject(resource, resource_id),
        RequestIdSuffix(request_id)
    )]
    NotFound {
        resource: Option<String>,
        resource_id: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "Scaleway rejected the request's arguments{}{}",
        ArgumentList(arguments),
        RequestIdSuffix(request_id)
    )]
    InvalidArguments {
        arguments: Vec<InvalidArgument>,
        message: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "A Scaleway quota is reached{}{}",
        QuotaList(quotas),
        RequestIdSuffix(request_id)
    )]
    QuotaExceeded {
        quotas: Vec<ExceededQuota>,
        request_id: Option<String>,
    },
    #[error(
        "Scaleway refused the request because a precondition is not met{}{}",
        Said(help_message.as_ref().or(message.as_ref())),
        RequestIdSuffix(request_id)
    )]
    PreconditionFailed {
        /// `unknown_precondition`, `resource_still_in_use` or `attribute_must_be_set`.
        precondition: Option<String>,
        help_message: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "The Scaleway resource is busy ({}); try again shortly{}",
        current_state.as_deref().unwrap_or("changing state"),
        RequestIdSuffix(request_id)
    )]
    TransientState {
        resource: Option<String>,
        resource_id: Option<String>,
        current_state: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "The Scaleway resource has expired{}{}",
        NotFoundSubject(resource, resource_id).prefixed(": "),
        RequestIdSuffix(request_id)
    )]
    ResourceExpired {
        resource: Option<String>,
        resource_id: Option<String>,
        expired_since: Option<String>,
        request_id: Option<String>,
    },
    #[error("Scaleway reports a conflict{}{}", Said(message.as_ref()), RequestIdSuffix(request_id))]
    Conflict {
        message: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "Scaleway does not allow this method on this path (HTTP 405){}",
        RequestIdSuffix(request_id)
    )]
    MethodNotAllowed { request_id: Option<String> },
    #[error(
        "Scaleway is limiting the request rate{}{}",
        RetryAfterHint(retry_after),
        RequestIdSuffix(request_id)
    )]
    RateLimited {
        /// What the last `Retry-After` asked for, when it was too long to wait for here.
        retry_after: Option<Duration>,
        request_id: Option<String>,
    },
    #[error("Scaleway had a server error (HTTP {status}){}{}", Said(message.as_ref()), RequestIdSuffix(request_id))]
    ServerError {
        status: u16,
        message: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "Scaleway sent an unexpected response (HTTP {status}): {detail}{}",
        RequestIdSuffix(request_id)
    )]
    UnexpectedResponse {
        status: u16,
        detail: String,
        request_id: Option<String>,
    },
    #[error("Could not reach Scaleway: {failure} ({detail})")]
    Network {
        failure: NetworkFailure,
        detail: String,
    },
    #[error(
        "The connection broke after the request to {operation} was sent, so whether Scaleway \
         carried it out is unknown; check the current state before trying again ({detail})"
    )]
    OutcomeUnknown {
        operation: &'static str,
        detail: String,
    },
    #[error("Invalid {field}: {problem}")]
    InvalidInput {
        field: &'static str,
        problem: String,
    },
}

impl ScalewayError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::AuthDenied { .. } => ErrorCode::AuthDenied,
            Self::PermissionDenied { .. } => ErrorCode::PermissionDenied,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::InvalidArguments { .. } => ErrorCode::InvalidArguments,
            Self::QuotaExceeded { .. } => ErrorCode::QuotaExceeded,
            Self::PreconditionFailed { .. } => ErrorCode::PreconditionFailed,
            Self::TransientState { .. } => ErrorCode::TransientState,
            Self::ResourceExpired { .. } => ErrorCode::ResourceExpired,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::ServerError { .. } => ErrorCode::ServerError,
            Self::UnexpectedResponse { .. } => ErrorCode::UnexpectedResponse,
            Self::Network { .. } => ErrorCode::Network,
            Self::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            Self::InvalidInput { .. } => ErrorCode::InvalidInput,
        }
    }

    /// The `X-Request-Id` of the response that carried this error, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::AuthDenied { request_id, .. }
            | Self::PermissionDenied { request_id, .. }
            | Self::NotFound { request_id, .. }
            | Self::InvalidArguments { request_id, .. }
            | Self::QuotaExceeded { request_id, .. }
            | Self::PreconditionFailed { request_id, .. }
            | Self::TransientState { request_id, .. }
            | Self::ResourceExpired { request_id, .. }
            | Self::Conflict { request_id, .. }
            | Self::MethodNotAllowed { request_id }
            | Self::RateLimited { request_id, .. }
            | Self::ServerError { request_id, .. }
            | Self::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
            Self::Network { .. } | Self::OutcomeUnknown { .. } | Self::InvalidInput { .. } => None,
        }
    }

    /// Whether trying the same call again later may succeed without anyone changing anything.
    /// (The client has already retried these within its own bounded budget.)
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::ServerError { .. }
                | Self::Network { .. }
                | Self::TransientState { .. }
        )
    }

    pub(crate) fn invalid_input(field: &'static str, problem: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            problem: problem.into(),
        }
    }
}

/// The parts of an HTTP response needed to build an error, already read off the wire.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorResponse<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
    pub request_id: Option<&'a str>,
    pub retry_after: Option<Duration>,
}

/// Turns a non-2xx response into a typed error.
///
/// Order of precedence: 429 and 5xx are decided by the status (they come from gateways as often
/// as from the API, and their handling does not depend on the body); then the envelope's `type`;
/// then the status alone, for bodies that are not Scaleway JSON.
pub(crate) fn error_from_response(response: ErrorResponse<'_>) -> ScalewayError {
    let request_id = response.request_id.map(str::to_owned);
    let envelope = if is_json_content_type(response.content_type) {
        serde_json::from_slice::<Value>(response.body)
            .ok()
            .filter(Value::is_object)
    } else {
        None
    };
    let field = |name: &str| envelope.as_ref().and_then(|body| text_field(body, name));
    let details = || {
        envelope
            .as_ref()
            .and_then(|body| body.get("details"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let status = response.status;

    if status == 429 {
        return ScalewayError::RateLimited {
            retry_after: response.retry_after,
            request_id,
        };
    }
    if status >= 500 {
        return ScalewayError::ServerError {
            status,
            message: field("message").or_else(|| status_text(status)),
            request_id,
        };
    }

    match field("type").as_deref() {
        Some("denied_authentication") => {
            return ScalewayError::AuthDenied {
                reason: AuthDeniedReason::parse(field("reason").as_deref()),
                method: field("method"),
                request_id,
            };
        }
        Some("permissions_denied") => {
            return ScalewayError::PermissionDenied {
                denied: details()
                    .iter()
                    .map(|detail| DeniedPermission {
                        resource: text_field(detail, "resource"),
                        action: text_field(detail, "action"),
                    })
                    .collect(),
                request_id,
            };
        }
        Some("not_found") => {
            return ScalewayError::NotFound {
                resource: field("resource"),
                resource_id: field("resource_id"),
                request_id,
            };
        }
        Some("invalid_arguments") => {
            return ScalewayError::InvalidArguments {
                arguments: details()
                    .iter()
                    .map(|detail| InvalidArgument {
                        argument_name: text_field(detail, "argument_name"),
                        reason: text_field(detail, "reason"),
                        help_message: text_field(detail, "help_message"),
                    })
                    .collect(),
                message: field("message"),
                request_id,
            };
        }
        Some("quotas_exceeded") => {
            return ScalewayError::QuotaExceeded {
                quotas: details()
                    .iter()
                    .map(|detail| ExceededQuota {
                        resource: text_field(detail, "resource"),
                        quota: detail.get("quota").and_then(Value::as_u64),
                        current: detail.get("current").and_then(Value::as_u64),
                    })
                    .collect(),
                request_id,
            };
        }
        Some("precondition_failed") => {
            return ScalewayError::PreconditionFailed {
                precondition: field("precondition"),
                help_message: field("help_message"),
                message: field("message"),
                request_id,
            };
        }
        Some("transient_state") => {
            return ScalewayError::TransientState {
                resource: field("resource"),
                resource_id: field("resource_id"),
                current_state: field("current_state"),
                request_id,
            };
        }
        Some("resource_expired") => {
            return ScalewayError::ResourceExpired {
                resource: field("resource"),
                resource_id: field("resource_id"),
                expired_since: field("expired_since"),
                request_id,
            };
        }
        Some("conflict") => {
            return ScalewayError::Conflict {
                message: field("message"),
                request_id,
            };
        }
        _ => {}
    }

    match status {
        400 => ScalewayError::InvalidArguments {
            arguments: Vec::new(),
            message: field("message"),
            request_id,
        },
        401 => ScalewayError::AuthDenied {
            reason: AuthDeniedReason::parse(field("reason").as_deref()),
            method: field("method"),
            request_id,
        },
        403 => ScalewayError::PermissionDenied {
            denied: Vec::new(),
            request_id,
        },
        404 => ScalewayError::NotFound {
            resource: field("resource"),
            resource_id: field("resource_id"),
            request_id,
        },
        405 => ScalewayError::MethodNotAllowed { request_id },
        409 => ScalewayError::Conflict {
            message: field("message"),
            request_id,
        },
        412 => ScalewayError::PreconditionFailed {
            precondition: field("precondition"),
            help_message: field("help_message"),
            message: field("message"),
            request_id,
        },
        _ => ScalewayError::UnexpectedResponse {
            status,
            detail: match field("message") {
                Some(message) => format!("Scaleway says \"{message}\""),
                None => describe_body(response.content_type, response.body),
            },
            request_id,
        },
    }
}

/// True for `application/json` and any `…+json` media type, parameters ignored.
pub(crate) fn is_json_content_type(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Says what kind of body came back without quoting it (it can be an HTML error page).
pub(crate) fn describe_body(content_type: Option<&str>, body: &[u8]) -> String {
    match content_type {
        _ if body.is_empty() => "the body is empty".to_owned(),
        Some(content_type) => format!(
            "a {} byte body of type {}",
            body.len(),
            clean_text(content_type, 60)
        ),
        None => format!("a {} byte body with no content type", body.len()),
    }
}

/// The canonical reason phrase of a status, as the SDK falls back to for non-JSON bodies.
fn status_text(status: u16) -> Option<String> {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map(str::to_owned)
}

/// A string field of a JSON object, cleaned for display; absent, null, empty or non-string ⇒ None.
fn text_field(object: &Value, name: &str) -> Option<String> {
    object
        .get(name)
        .and_then(Value::as_str)
        .map(|text| clean_text(text, 300))
        .filter(|text| !text.is_empty())
}

/// Removes control characters (no terminal escapes or forged log lines) and caps the length.
pub(crate) fn clean_text(text: &str, max_chars: usize) -> String {
    let mut cleaned = String::with_capacity(text.len().min(max_chars + 4));
    for (count, character) in text.chars().filter(|c| !c.is_control()).enumerate() {
        if count == max_chars {
            cleaned.push('…');
            break;
        }
        cleaned.push(character);
    }
    cleaned.trim().to_owned()
}

/// A request id as found in the header: kept only if it is short printable ASCII.
pub(crate) fn clean_request_id(raw: &[u8]) -> Option<String> {
    let usable = !raw.is_empty() && raw.len() <= 128 && raw.iter().all(u8::is_ascii_graphic);
    usable.then(|| String::from_utf8_lossy(raw).into_owned())
}

struct RequestIdSuffix<'a>(&'a Option<String>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

struct Said<'a>(Option<&'a String>);

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(message) => write!(f, ": \"{message}\""),
            None => Ok(()),
        }
    }
}

struct NotFoundSubject<'a>(&'a Option<String>, &'a Option<String>);

impl NotFoundSubject<'_> {
    fn prefixed(self, prefix: &'static str) -> Prefixed<Self> {
        Prefixed(prefix, self)
    }
}

impl fmt::Display for NotFoundSubject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0, self.1) {
            (Some(resource), Some(id)) => write!(f, "{resource} {id}"),
            (Some(resource), None) => write!(f, "{resource}"),
            (None, Some(id)) => write!(f, "resource {id}"),
            (None, None) => f.write_str("such resource"),
        }
    }
}

struct Prefixed<T>(&'static str, T);

impl<T: fmt::Display> fmt::Display for Prefixed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.0, self.1)
    }
}

struct DeniedList<'a>(&'a [DeniedPermission]);

impl fmt::Display for DeniedList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, denied) in self.0.iter().enumerate() {
            f.write_str(if index == 0 { " (missing: " } else { ", " })?;
            write!(
                f,
                "{} on {}",
                denied.action.as_deref().unwrap_or("?"),
                denied.resource.as_deref().unwrap_or("?")
            )?;
        }
        if !self.0.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

struct ArgumentList<'a>(&'a [InvalidArgument]);

impl fmt::Display for ArgumentList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, argument) in self.0.iter().enumerate() {
            f.write_str(if index == 0 { ": " } else { "; " })?;
            f.write_str(argument.argument_name.as_deref().unwrap_or("an argument"))?;
            if let Some(reason) = &argument.reason {
                write!(f, " ({reason})")?;
            }
            if let Some(help) = &argument.help_message {
                write!(f, ": {help}")?;
            }
        }
        Ok(())
    }
}

struct QuotaList<'a>(&'a [ExceededQuota]);

impl fmt::Display for QuotaList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, quota) in self.0.iter().enumerate() {
            f.write_str(if index == 0 { ": " } else { ", " })?;
            f.write_str(quota.resource.as_deref().unwrap_or("a resource"))?;
            match (quota.current, quota.quota) {
                (Some(current), Some(limit)) => write!(f, " ({current} of {limit})")?,
                (None, Some(limit)) => write!(f, " (limit {limit})")?,
                _ => {}
            }
        }
        Ok(())
    }
}

struct RetryAfterHint<'a>(&'a Option<Duration>);

impl fmt::Display for RetryAfterHint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(wait) => write!(f, "; it asks to wait {} s", wait.as_secs().max(1)),
            None => f.write_str("; try again in a minute"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_error(status: u16, body: &str) -> ScalewayError {
        error_from_response(ErrorResponse {
            status,
            content_type: Some("application/json; charset=utf-8"),
            body: body.as_bytes(),
            request_id: Some("req-123"),
            retry_after: None,
        })
    }

    #[test]
    fn every_code_string_is_distinct_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(code.as_str().starts_with("scaleway."));
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
        assert_eq!(
            serde_json::to_string(&ErrorCode::OutcomeUnknown).unwrap(),
            "\"scaleway.outcome_unknown\""
        );
    }

    #[test]
    fn real_401_body_from_the_cli_cassette() {
        let error = json_error(
            401,
            r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#,
        );
        match &error {
            ScalewayError::AuthDenied {
                reason,
                method,
                request_id,
            } => {
                assert_eq!(*reason, AuthDeniedReason::NotFound);
                assert_eq!(method.as_deref(), Some("api_key"));
                assert_eq!(request_id.as_deref(), Some("req-123"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(error.code().as_str(), "scaleway.auth_denied");
        assert!(error.to_string().contains("req-123"));
    }

    #[test]
    fn every_401_reason() {
        for (raw, expected) in [
            ("unknown_reason", AuthDeniedReason::Unknown),
            ("invalid_argument", AuthDeniedReason::InvalidArgument),
            ("not_found", AuthDeniedReason::NotFound),
            ("expired", AuthDeniedReason::Expired),
            ("brand_new", AuthDeniedReason::Unrecognized),
        ] {
            let body = format!(
                r#"{{"message":"authentication is denied","method":"api_key","reason":"{raw}","type":"denied_authentication"}}"#
            );
            assert!(
                matches!(json_error(401, &body), ScalewayError::AuthDenied { reason, .. } if reason == expected),
                "{raw}"
            );
        }
    }

    #[test]
    fn real_403_body_keeps_details() {
        let error = json_error(
            403,
            r#"{"details":[{"action":"read","resource":"server"}],"message":"insufficient permissions","type":"permissions_denied"}"#,
        );
        match &error {
            ScalewayError::PermissionDenied { denied, .. } => assert_eq!(
                denied,
                &[DeniedPermission {
                    resource: Some("server".to_owned()),
                    action: Some("read".to_owned())
                }]
            ),
            other => panic!("{other:?}"),
        }
        assert!(error.to_string().contains("read on server"));
    }

    #[test]
    fn real_404_body_for_scim_not_enabled() {
        let org = "4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe";
        let error = json_error(
            404,
            &format!(
                r#"{{"message":"resource is not found","resource":"organization_scim","resource_id":"{org}","type":"not_found"}}"#
            ),
        );
        match error {
            ScalewayError::NotFound {
                resource,
                resource_id,
                ..
            } => {
                assert_eq!(resource.as_deref(), Some("organization_scim"));
                assert_eq!(resource_id.as_deref(), Some(org));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn real_400_body_keeps_argument_details() {
        let error = json_error(
            400,
            r#"{"details":[{"argument_name":"page_size","help_message":"must be between 1 and 100","reason":"constraint"}],"message":"invalid argument(s)","type":"invalid_arguments"}"#,
        );
        match &error {
            ScalewayError::InvalidArguments { arguments, .. } => assert_eq!(
                arguments,
                &[InvalidArgument {
                    argument_name: Some("page_size".to_owned()),
                    reason: Some("constraint".to_owned()),
                    help_message: Some("must be between 1 and 100".to_owned()),
                }]
            ),
            other => panic!("{other:?}"),
        }
        assert!(
            error
                .to_string()
                .contains("page_size (constraint): must be between 1 and 100")
        );
    }

    #[test]
    fn quotas_precondition_transient_expired_and_conflict() {
        let quota = json_error(
            403,
            r#"{"details":[{"resource":"scim_tokens","quota":2,"current":2}],"message":"quota(s) exceeded for this resource","type":"quotas_exceeded"}"#,
        );
        assert_eq!(quota.code(), ErrorCode::QuotaExceeded);
        assert!(quota.to_string().contains("scim_tokens (2 of 2)"));

        let precondition = json_error(
            412,
            r#"{"message":"precondition is not respected","precondition":"resource_still_in_use","help_message":"delete the tokens first","type":"precondition_failed"}"#,
        );
        assert_eq!(precondition.code(), ErrorCode::PreconditionFailed);
        assert!(precondition.to_string().contains("delete the tokens first"));

        let transient = json_error(
            409,
            r#"{"message":"resource is in a transient state","resource":"scim","resource_id":"x","current_state":"deleting","type":"transient_state"}"#,
        );
        assert_eq!(transient.code(), ErrorCode::TransientState);
        assert!(transient.is_retryable());

        let expired = json_error(
            410,
            r#"{"message":"resource has expired","resource":"scim_token","resource_id":"t","expired_since":"2026-01-01T00:00:00Z","type":"resource_expired"}"#,
        );
        assert_eq!(expired.code(), ErrorCode::ResourceExpired);

        let conflict = json_error(
            409,
            r#"{"message":"SCIM already enabled","type":"conflict"}"#,
        );
        assert_eq!(conflict.code(), ErrorCode::Conflict);
        assert!(conflict.to_string().contains("SCIM already enabled"));
    }

    #[test]
    fn non_json_bodies_fall_back_to_the_status_and_never_show_html() {
        let html = "<html><body><h1>502 Bad Gateway</h1><script>secret()</script></body></html>";
        let error = error_from_response(ErrorResponse {
            status: 502,
            content_type: Some("text/html"),
            body: html.as_bytes(),
            request_id: None,
            retry_after: None,
        });
        assert!(
            matches!(&error, ScalewayError::ServerError { status: 502, message: Some(m), .. } if m == "Bad Gateway")
        );
        assert!(!error.to_string().contains('<'));

        let teapot = error_from_response(ErrorResponse {
            status: 418,
            content_type: Some("text/html"),
            body: html.as_bytes(),
            request_id: None,
            retry_after: None,
        });
        assert_eq!(teapot.code(), ErrorCode::UnexpectedResponse);
        assert!(!teapot.to_string().contains('<'), "{teapot}");

        // JSON sent as text/plain is not trusted as an envelope: the status decides.
        let mislabeled = error_from_response(ErrorResponse {
            status: 403,
            content_type: Some("text/plain"),
            body: br#"{"type":"not_found"}"#,
            request_id: None,
            retry_after: None,
        });
        assert_eq!(mislabeled.code(), ErrorCode::PermissionDenied);
    }

    #[test]
    fn status_fallbacks() {
        let plain = |status| {
            error_from_response(ErrorResponse {
                status,
                content_type: None,
                body: b"",
                request_id: None,
                retry_after: Some(Duration::from_secs(7)),
            })
            .code()
        };
        assert_eq!(plain(400), ErrorCode::InvalidArguments);
        assert_eq!(plain(401), ErrorCode::AuthDenied);
        assert_eq!(plain(403), ErrorCode::PermissionDenied);
        assert_eq!(plain(404), ErrorCode::NotFound);
        assert_eq!(plain(405), ErrorCode::MethodNotAllowed);
        assert_eq!(plain(409), ErrorCode::Conflict);
        assert_eq!(plain(412), ErrorCode::PreconditionFailed);
        assert_eq!(plain(429), ErrorCode::RateLimited);
        assert_eq!(plain(500), ErrorCode::ServerError);
        assert_eq!(plain(503), ErrorCode::ServerError);
        assert_eq!(plain(302), ErrorCode::UnexpectedResponse);
    }

    #[test]
    fn fields_with_unexpected_types_are_ignored_not_fatal() {
        let error = json_error(
            404,
            r#"{"message":12,"resource":["x"],"resource_id":null,"type":"not_found","details":"nope"}"#,
        );
        assert!(matches!(
            error,
            ScalewayError::NotFound {
                resource: None,
                resource_id: None,
                ..
            }
        ));
        let odd_details = json_error(403, r#"{"type":"permissions_denied","details":{"a":1}}"#);
        assert!(
            matches!(odd_details, ScalewayError::PermissionDenied { ref denied, .. } if denied.is_empty())
        );
    }

    #[test]
    fn server_text_is_cleaned() {
        let error = json_error(
            409,
            "{\"message\":\"line1\\nline2\\u001b[31m\",\"type\":\"conflict\"}",
        );
        let shown = error.to_string();
        assert!(
            !shown.contains('\n') && !shown.contains('\u{1b}'),
            "{shown}"
        );
        assert_eq!(clean_text(&"x".repeat(500), 10).chars().count(), 11);
    }

    #[test]
    fn request_ids_are_sanitized() {
        assert_eq!(clean_request_id(b"abc-123").as_deref(), Some("abc-123"));
        assert_eq!(clean_request_id(b"with space"), None);
        assert_eq!(clean_request_id(b""), None);
        assert_eq!(clean_request_id(&[b'a'; 200]), None);
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type(Some("application/json")));
        assert!(is_json_content_type(Some(
            "Application/JSON; charset=utf-8"
        )));
        assert!(is_json_content_type(Some("application/scim+json")));
        assert!(!is_json_content_type(Some("text/html")));
        assert!(!is_json_content_type(None));
    }
}
