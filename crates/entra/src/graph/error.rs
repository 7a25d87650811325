//! Graph errors: the envelope parser and the typed error with stable codes.
//!
//! Graph answers errors as `{"error":{"code","message","innerError":{"date","request-id",
//! "client-request-id", "innerError": {...}}}}` (docs/services.md). Errors proxied
//! from the synchronization service may carry a `message` that is itself JSON, and a failed
//! `validateCredentials` embeds the SCIM server's own answer in it: we dig that out so the
//! admin sees what Scaleway said.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// The Entra roles that can configure provisioning (docs/services.md). Either one is enough.
pub const REQUIRED_ROLES: &str = "Cloud Application Administrator or Application Administrator";

/// What Graph said about a failed call, kept for support (ids) and for plain-language messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorDetail {
    /// HTTP status of the answer.
    pub status: u16,
    /// `error.code` (e.g. `Request_ResourceNotFound`); empty if the body had none.
    pub code: String,
    /// `error.message`, as sent (may itself be JSON text).
    pub message: String,
    /// Codes found further down the `innerError` chain, outermost first.
    pub inner_codes: Vec<String>,
    /// `request-id` (from the body's innerError, else the `request-id` header).
    pub request_id: Option<String>,
    /// `client-request-id` (from the body, else the header, else the one we sent).
    pub client_request_id: Option<String>,
    /// `innerError.date`.
    pub date: Option<String>,
}

impl ErrorDetail {
    /// A one-line reference for support tickets: `request-id …, client-request-id …, date …`.
    pub fn support_reference(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(id) = &self.request_id {
            parts.push(format!("request-id {id}"));
        }
        if let Some(id) = &self.client_request_id {
            parts.push(format!("client-request-id {id}"));
        }
        if let Some(date) = &self.date {
            parts.push(format!("date {date}"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// True when this code or any inner code equals `code` (case-insensitively).
    pub fn has_code(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
            || self
                .inner_codes
                .iter()
                .any(|inner| inner.eq_ignore_ascii_case(code))
    }

    /// The human part of the message: the message itself, or the text inside it when it is JSON.
    pub fn readable_message(&self) -> String {
        extract_embedded_message(&self.message).unwrap_or_else(|| self.message.clone())
    }
}

/// Every way a Graph call can fail. [`GraphError::code`] is stable: the UI branches on it.
/// `Display` is plain language and never contains a token or a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// 401: the access token is missing, expired or refused.
    #[error("Microsoft Graph refused the sign-in (it may have expired): sign in again")]
    AuthExpired { detail: Box<ErrorDetail> },
    /// The token source could not produce an access token (refresh failed, signed out).
    #[error("Not signed in to Microsoft Entra ID: {message}")]
    SignInRequired { message: String },
    /// 403 carrying a Conditional Access claims challenge (`insufficient_claims`).
    #[error("Your organization's Conditional Access policy requires you to sign in again")]
    ClaimsChallenge {
        detail: Box<ErrorDetail>,
        /// The `claims` value to pass to the authorize request, when the answer carried one.
        claims: Option<String>,
    },
    /// 403 `Authorization_RequestDenied` (or any other 403 after the retry window).
    #[error(
        "Your Entra account is not allowed to do this: it needs the {missing_role} role \
         (and consent to the wizard's permissions)"
    )]
    Forbidden {
        detail: Box<ErrorDetail>,
        /// The directory role(s) the signed-in admin lacks, as plain names.
        missing_role: &'static str,
    },
    /// 404.
    #[error("Microsoft Graph could not find this object: {}", .detail.readable_message())]
    NotFound { detail: Box<ErrorDetail> },
    /// 409 (e.g. `Directory_ConcurrencyViolation`).
    #[error("Microsoft Graph reported a conflict: {}", .detail.readable_message())]
    Conflict { detail: Box<ErrorDetail> },
    /// 400 (other than the typed cases below).
    #[error("Microsoft Graph rejected the request: {}", .detail.readable_message())]
    BadRequest { detail: Box<ErrorDetail> },
    /// 429 after the retries allowed by the policy.
    #[error("Microsoft Graph is throttling requests: try again in a moment")]
    Throttled {
        detail: Box<ErrorDetail>,
        retry_after: Option<Duration>,
    },
    /// 5xx after the retries allowed by the policy.
    #[error("Microsoft Graph is unavailable right now (HTTP {}): try again later", .detail.status)]
    Unavailable { detail: Box<ErrorDetail> },
    /// `validateCredentials` → 400 `CredentialValidationUnavailable`: Entra reached the SCIM
    /// endpoint and it refused (wrong or expired token, wrong URL).
    #[error("Scaleway refused the token{}", scaleway_suffix(.scaleway_message))]
    CredentialsRejected {
        detail: Box<ErrorDetail>,
        /// Scaleway's own message, extracted from the JSON Graph embeds in its message.
        scaleway_message: Option<String>,
    },
    /// 500 `InternalError` "Requested value 'X' was not found": a secret key name Graph does not
    /// know. A bug on our side, never the admin's.
    #[error("Microsoft Graph did not accept a provisioning setting name (a bug in the wizard)")]
    UnknownSecretKey { detail: Box<ErrorDetail> },
    /// `parseExpression` answered `parsingSucceeded: false`.
    #[error("Microsoft Graph could not parse the mapping expression: {message}")]
    ExpressionInvalid { message: String },
    /// The network failed before an answer came (DNS, connect, TLS, timeout).
    #[error("Could not reach Microsoft Graph: {message}")]
    Network { message: String },
    /// A create call was sent but no answer came back: it may or may not have happened.
    /// Look the object up (by its unique display name) before trying again.
    #[error(
        "Microsoft Graph did not answer whether \"{operation}\" succeeded: the wizard checks \
         before trying again"
    )]
    OutcomeUnknown {
        operation: &'static str,
        message: String,
    },
    /// The new application did not become readable within the replication window.
    #[error(
        "The new application did not appear in Microsoft Entra ID within {} s: try again in a \
         few minutes", .waited.as_secs()
    )]
    ReplicationTimeout { waited: Duration },
    /// The service principal has no app role named "User".
    #[error("The enterprise application has no \"User\" role to assign")]
    NoUserRole,
    /// The Graph address given to the client is not an http(s) URL.
    #[error("The Microsoft Graph address is not valid: {message}")]
    InvalidEndpoint { message: String },
    /// An answer we could not understand (wrong shape, redirect, unexpected status).
    #[error("Unexpected answer from Microsoft Graph: {message}")]
    UnexpectedResponse {
        status: Option<u16>,
        message: String,
        detail: Option<Box<ErrorDetail>>,
    },
}

fn scaleway_suffix(message: &Option<String>) -> String {
    match message {
        Some(text) if !text.is_empty() => format!(": Scaleway said \"{text}\""),
        _ => String::new(),
    }
}

impl GraphError {
    /// The stable code the engine and the UI branch on.
    pub fn code(&self) -> &'static str {
        match self {
            GraphError::AuthExpired { .. } => "graph.auth_expired",
            GraphError::SignInRequired { .. } => "graph.sign_in_required",
            GraphError::ClaimsChallenge { .. } => "graph.claims_challenge",
            GraphError::Forbidden { .. } => "graph.forbidden",
            GraphError::NotFound { .. } => "graph.not_found",
            GraphError::Conflict { .. } => "graph.conflict",
            GraphError::BadRequest { .. } => "graph.bad_request",
            GraphError::Throttled { .. } => "graph.throttled",
            GraphError::Unavailable { .. } => "graph.unavailable",
            GraphError::CredentialsRejected { .. } => "graph.credentials_rejected",
            GraphError::UnknownSecretKey { .. } => "graph.unknown_secret_key",
            GraphError::ExpressionInvalid { .. } => "graph.expression_invalid",
            GraphError::Network { .. } => "graph.network",
            GraphError::OutcomeUnknown { .. } => "graph.outcome_unknown",
            GraphError::ReplicationTimeout { .. } => "graph.replication_timeout",
            GraphError::NoUserRole => "graph.no_user_role",
            GraphError::InvalidEndpoint { .. } => "graph.invalid_endpoint",
            GraphError::UnexpectedResponse { .. } => "graph.unexpected_response",
        }
    }

    /// Whether trying the same thing again later may succeed without the admin changing anything.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            GraphError::Throttled { .. }
                | GraphError::Unavailable { .. }
                | GraphError::Network { .. }
                | GraphError::OutcomeUnknown { .. }
                | GraphError::ReplicationTimeout { .. }
                | GraphError::Conflict { .. }
        )
    }

    /// Graph's own error details, when the failure came with an answer.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        match self {
            GraphError::AuthExpired { detail }
            | GraphError::ClaimsChallenge { detail, .. }
            | GraphError::Forbidden { detail, .. }
            | GraphError::NotFound { detail }
            | GraphError::Conflict { detail }
            | GraphError::BadRequest { detail }
            | GraphError::Throttled { detail, .. }
            | GraphError::Unavailable { detail }
            | GraphError::CredentialsRejected { detail, .. }
            | GraphError::UnknownSecretKey { detail } => Some(detail),
            GraphError::UnexpectedResponse { detail, .. } => detail.as_deref(),
            _ => None,
        }
    }

    /// `request-id`, `client-request-id` and date for a support ticket.
    pub fn support_reference(&self) -> Option<String> {
        self.detail().and_then(ErrorDetail::support_reference)
    }

    /// The HTTP status Graph answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::UnexpectedResponse { status, .. } => *status,
            other => other.detail().map(|detail| detail.status),
        }
    }
}

/// Parses a Graph error answer. Never fails: a body that is not the envelope still gives a detail
/// with the status and the ids from the headers.
pub fn parse_error_body(
    status: u16,
    body: &[u8],
    header_request_id: Option<&str>,
    header_client_request_id: Option<&str>,
) -> ErrorDetail {
    let mut detail = ErrorDetail {
        status,
        ..ErrorDetail::default()
    };
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(error) = parsed
        .as_ref()
        .and_then(|value| get_ci(value, "error"))
        .filter(|error| error.is_object())
    {
        detail.code = string_at(error, "code").unwrap_or_default();
        detail.message = string_at(error, "message").unwrap_or_default();
        let mut current = get_ci(error, "innerError");
        // Bounded walk: a malicious or broken body cannot make us loop.
        for _ in 0..16 {
            let Some(inner) = current.filter(|inner| inner.is_object()) else {
                break;
            };
            if let Some(code) = string_at(inner, "code").filter(|code| !code.is_empty()) {
                detail.inner_codes.push(code);
            }
            if detail.request_id.is_none() {
                detail.request_id = string_at(inner, "request-id");
            }
            if detail.client_request_id.is_none() {
                detail.client_request_id = string_at(inner, "client-request-id");
            }
            if detail.date.is_none() {
                detail.date = string_at(inner, "date");
            }
            if detail.message.is_empty() {
                detail.message = string_at(inner, "message").unwrap_or_default();
            }
            current = get_ci(inner, "innerError");
        }
    } else if let Some(value) = parsed.as_ref().filter(|value| value.is_object()) {
        // Not the Graph envelope (a proxied sync-fabric answer such as {"Message": "..."}).
        detail.message = string_at(value, "message").unwrap_or_default();
    }
    if detail.request_id.is_none() {
        detail.request_id = header_request_id.map(str::to_owned);
    }
    if detail.client_request_id.is_none() {
        detail.client_request_id = header_client_request_id.map(str::to_owned);
    }
    detail
}

/// A key looked up case-insensitively (`innerError` / `innererror` / `InnerError` all occur).
fn get_ci<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    })
}

fn string_at(value: &Value, key: &str) -> Option<String> {
    get_ci(value, key)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Keys under which an embedded answer carries its human message, most specific first:
/// SCIM (`detail`), Scaleway IAM (`message`), ASP.NET (`Message`), OAuth (`error_description`).
const MESSAGE_KEYS: &[&str] = &[
    "detail",
    "message",
    "error_description",
    "errorMessage",
    "error",
];

/// How many `{` of a text are tried as the start of embedded JSON. Real messages have a line of
/// prose and then the answer, so the first few are enough.
const MAX_EMBEDDED_STARTS: usize = 16;

/// Finds the innermost human message in a text that is, or contains, JSON.
///
/// `{"Message":"…"}` → `…`; `… Response: {"detail":"invalid bearer token",…}` → `invalid bearer
/// token`; a JSON string that itself holds JSON is unwrapped too. `None` when there is no JSON.
pub fn extract_embedded_message(text: &str) -> Option<String> {
    extract_inner(text, 0)
}

fn extract_inner(text: &str, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let trimmed = text.trim();
    if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
        return message_from_value(&value, depth);
    }
    // JSON embedded in prose: try the first '{'s from the left until one parses to the end of a
    // value. Each try parses from its '{' onwards, so trying every one of a long text full of
    // braces would take time quadratic in its length.
    for (start, _) in trimmed.match_indices('{').take(MAX_EMBEDDED_STARTS) {
        let Some(candidate) = trimmed.get(start..) else {
            continue;
        };
        let mut stream = serde_json::Deserializer::from_str(candidate).into_iter::<Value>();
        if let Some(Ok(value)) = stream.next()
            && let Some(message) = message_from_value(&value, depth)
        {
            return Some(message);
        }
    }
    None
}

fn message_from_value(value: &Value, depth: usize) -> Option<String> {
    match value {
        Value::String(text) => extract_inner(text, depth + 1).or_else(|| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        }),
        Value::Object(_) => {
            // The Graph envelope nests the message one level down.
            if let Some(error) = get_ci(value, "error").filter(|error| error.is_object()) {
                return message_from_value(error, depth + 1);
            }
            for key in MESSAGE_KEYS {
                if let Some(found) = get_ci(value, key) {
                    match found {
                        Value::String(_) | Value::Object(_) => {
                            if let Some(message) = message_from_value(found, depth + 1) {
                                return Some(message);
                            }
                        }
                        _ => {}
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// What the SCIM server itself answered, from a failed `validateCredentials` message: the JSON
/// Graph embeds is unwrapped, and in the admin center's prose ("… Response from the application:
/// X") only X is kept. Falls back to the whole readable message.
pub fn application_response(message: &str) -> Option<String> {
    const MARKERS: &[&str] = &[
        "response from the application:",
        "response from your application:",
    ];
    let readable = extract_embedded_message(message).unwrap_or_else(|| message.trim().to_owned());
    let lower = readable.to_ascii_lowercase();
    let tail = MARKERS.iter().find_map(|marker| {
        lower
            .rfind(marker)
            .and_then(|at| readable.get(at + marker.len()..))
            .map(str::trim)
            .filter(|tail| !tail.is_empty())
    });
    let text = match tail {
        Some(tail) => extract_embedded_message(tail).unwrap_or_else(|| tail.to_owned()),
        None => readable,
    };
    let text = text.trim().trim_end_matches('.').trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Replaces every occurrence of each secret in `text` with `[redacted]`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if secret.len() >= 4 {
            out = out.replace(secret, "[redacted]");
        }
    }
    out
}

impl ErrorDetail {
    pub(crate) fn redacted(mut self, secrets: &[&str]) -> Self {
        if !secrets.is_empty() {
            self.message = redact(&self.message, secrets);
        }
        self
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if !self.code.is_empty() {
            write!(f, " {}", self.code)?;
        }
        let message = self.readable_message();
        if !message.is_empty() {
            write!(f, ": {message}")?;
        }
        if let Some(reference) = self.support_reference() {
            write!(f, " ({reference})")?;
        }
        Ok(())
    }
}

/// Maps a failed answer to the typed error (no retry logic here).
pub(crate) fn classify(detail: ErrorDetail, retry_after: Option<Duration>) -> GraphError {
    let status = detail.status;
    let detail = Box::new(detail);
    if detail.has_code("CredentialValidationUnavailable")
        || detail.has_code("SystemForCrossDomainIdentityManagementCredentialValidationUnavailable")
    {
        let scaleway_message = application_response(&detail.message);
        return GraphError::CredentialsRejected {
            detail,
            scaleway_message,
        };
    }
    match status {
        401 => GraphError::AuthExpired { detail },
        403 if detail.has_code("insufficient_claims")
            || detail.message.contains("insufficient_claims") =>
        {
            GraphError::ClaimsChallenge {
                detail,
                claims: None,
            }
        }
        403 => GraphError::Forbidden {
            detail,
            missing_role: REQUIRED_ROLES,
        },
        404 => GraphError::NotFound { detail },
        409 => GraphError::Conflict { detail },
        429 => GraphError::Throttled {
            detail,
            retry_after,
        },
        500 if detail.has_code("InternalError")
            && detail.message.contains("Requested value")
            && detail.message.contains("was not found") =>
        {
            GraphError::UnknownSecretKey { detail }
        }
        400 | 405 | 411 | 412 | 413 | 415 | 422 => GraphError::BadRequest { detail },
        500..=599 => GraphError::Unavailable { detail },
        _ => GraphError::UnexpectedResponse {
            status: Some(status),
            message: format!("HTTP {status}"),
            detail: Some(detail),
        },
    }
}

#[cfg(test)]
#[path = "error_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Vec<u8> {
        serde_json::to_vec(&value).unwrap()
    }

    #[test]
    fn parses_the_envelope_with_nested_inner_errors() {
        let raw = body(json!({"error": {
            "code": "Request_ResourceNotFound",
            "message": "Resource '9d1e' does not exist or one of its queried reference-property objects are not present.",
            "innerError": {
                "date": "2026-08-20T10:00:00",
                "request-id": "req-1",
                "client-request-id": "cli-1",
                "innerError": {"code": "DirectoryObjectNotFound", "innererror": {"code": "Deeper"}}
            }
        }}));
        let detail = parse_error_body(404, &raw, Some("header-req"), None);
        assert_eq!(detail.code, "Request_ResourceNotFound");
        assert_eq!(detail.request_id.as_deref(), Some("req-1"));
        assert_eq!(detail.client_request_id.as_deref(), Some("cli-1"));
        assert_eq!(detail.date.as_deref(), Some("2026-08-20T10:00:00"));
        assert_eq!(
            detail.inner_codes,
            vec!["DirectoryObjectNotFound", "Deeper"]
        );
        assert!(detail.has_code("deeper"));
        let error = classify(detail, None);
        assert_eq!(error.code(), "graph.not_found");
        assert!(error.support_reference().unwrap().contains("req-1"));
    }

    #[test]
    fn falls_back_to_header_ids_and_survives_non_json() {
        let detail = parse_error_body(
            502,
            b"<html><body>Bad gateway</body></html>",
            Some("r"),
            Some("c"),
        );
        assert_eq!(detail.request_id.as_deref(), Some("r"));
        assert_eq!(detail.client_request_id.as_deref(), Some("c"));
        assert_eq!(detail.code, "");
        assert_eq!(classify(detail, None).code(), "graph.unavailable");
        let detail = parse_error_body(400, b"", None, None);
        assert_eq!(classify(detail, None).code(), "graph.bad_request");
        // `error` that is a string (OAuth style) is not the envelope but must not panic.
        let detail = parse_error_body(401, br#"{"error":"invalid_token"}"#, None, None);
        assert_eq!(classify(detail, None).code(), "graph.auth_expired");
    }

    #[test]
    fn authorization_request_denied_names_the_missing_role() {
        let raw = body(json!({"error": {
            "code": "Authorization_RequestDenied",
            "message": "Insufficient privileges to complete the operation.",
            "innerError": {"date": "2026-08-20T10:00:00", "request-id": "a", "client-request-id": "b"}
        }}));
        let error = classify(parse_error_body(403, &raw, None, None), None);
        assert_eq!(error.code(), "graph.forbidden");
        let GraphError::Forbidden { missing_role, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(missing_role.contains("Cloud Application Administrator"));
        assert!(
            error
                .to_string()
                .contains("Cloud Application Administrator")
        );
        assert!(error.to_string().contains("Application Administrator"));
    }

    #[test]
    fn credential_validation_unavailable_extracts_scaleway_message() {
        // The sync service embeds the SCIM server's answer as JSON inside the message string.
        let scim_answer = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "detail": "invalid bearer token",
            "status": "401"
        })
        .to_string();
        let message = json!({"Message": format!(
            "Error: StatusCode: Unauthorized. Response: {scim_answer}")})
        .to_string();
        let raw = body(json!({"error": {
            "code": "CredentialValidationUnavailable",
            "message": message,
            "innerError": {"date": "d", "request-id": "r", "client-request-id": "c"}
        }}));
        let error = classify(parse_error_body(400, &raw, None, None), None);
        assert_eq!(error.code(), "graph.credentials_rejected");
        let GraphError::CredentialsRejected {
            scaleway_message, ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(scaleway_message.as_deref(), Some("invalid bearer token"));
        assert_eq!(
            error.to_string(),
            "Scaleway refused the token: Scaleway said \"invalid bearer token\""
        );
    }

    #[test]
    fn credential_validation_prose_keeps_only_the_application_response() {
        let prose = "You appear to have entered invalid credentials. Error code: \
            SystemForCrossDomainIdentityManagementCredentialValidationUnavailable Details: An \
            HTTP/401 Unauthorized response was returned. Response from the application: invalid \
            bearer token";
        let raw = body(json!({"error": {
            "code": "CredentialValidationUnavailable",
            "message": json!({"Message": prose}).to_string(),
        }}));
        let error = classify(parse_error_body(400, &raw, None, None), None);
        let GraphError::CredentialsRejected {
            scaleway_message, ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(scaleway_message.as_deref(), Some("invalid bearer token"));
        // The application's answer may itself be JSON (Scaleway IAM's error shape).
        assert_eq!(
            application_response(
                r#"Response from the application: {"message":"authentication is denied","type":"denied_authentication"}"#
            )
            .as_deref(),
            Some("authentication is denied")
        );
        assert_eq!(
            application_response("Please provide a valid tenant URL for your application.")
                .as_deref(),
            Some("Please provide a valid tenant URL for your application")
        );
        assert_eq!(application_response("  "), None);
    }

    #[test]
    fn embedded_messages_in_every_shape() {
        assert_eq!(
            extract_embedded_message(r#"{"Message":"No HTTP resource was found"}"#).as_deref(),
            Some("No HTTP resource was found")
        );
        assert_eq!(
            extract_embedded_message(r#""{\"detail\":\"token expired\"}""#).as_deref(),
            Some("token expired")
        );
        assert_eq!(
            extract_embedded_message(
                r#"{"message":"authentication is denied","type":"denied_authentication"}"#
            )
            .as_deref(),
            Some("authentication is denied")
        );
        assert_eq!(extract_embedded_message("plain text"), None);
        assert_eq!(extract_embedded_message("broken { json"), None);
        assert_eq!(extract_embedded_message("{}"), None);
    }

    #[test]
    fn unknown_secret_key_and_claims_challenge() {
        let raw = body(json!({"error": {"code": "InternalError",
            "message": "Requested value 'Secrettoken' was not found."}}));
        assert_eq!(
            classify(parse_error_body(500, &raw, None, None), None).code(),
            "graph.unknown_secret_key"
        );
        let raw = body(json!({"error": {"code": "Authorization_RequestDenied",
            "message": "insufficient_claims"}}));
        assert_eq!(
            classify(parse_error_body(403, &raw, None, None), None).code(),
            "graph.claims_challenge"
        );
        let raw = body(json!({"error": {"code": "Directory_ConcurrencyViolation",
            "message": "Please wait briefly and retry"}}));
        assert_eq!(
            classify(parse_error_body(409, &raw, None, None), None).code(),
            "graph.conflict"
        );
    }

    #[test]
    fn redaction_removes_secrets_from_messages() {
        let detail = ErrorDetail {
            status: 400,
            message: "token sekret-123 refused".into(),
            ..ErrorDetail::default()
        }
        .redacted(&["sekret-123"]);
        assert_eq!(detail.message, "token [redacted] refused");
    }
}
