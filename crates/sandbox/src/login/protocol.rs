//! The wire shapes every login endpoint shares: parameter parsing, Entra's error body, error
//! redirects and error pages, and the headers Entra stamps on each answer.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use url::Url;

/// Parameters of a query string or form body, by name. Entra refuses a parameter given twice.
pub(super) type Params = BTreeMap<String, String>;

/// Identifiers Entra puts on every answer. `trace_id` is also sent as `x-ms-request-id`;
/// `correlation_id` is the client's `client-request-id` when it sends one (Entra echoes it), so a
/// client can tie a failure in its own log to the server's.
#[derive(Debug, Clone)]
pub(super) struct RequestIds {
    pub(super) trace_id: String,
    pub(super) correlation_id: String,
    client_request_id: Option<String>,
}

impl RequestIds {
    pub(super) fn new(headers: &HeaderMap) -> Self {
        // Only a GUID is echoed: the header is attacker-chosen text otherwise.
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| uuid::Uuid::parse_str(value.trim()).ok())
            .map(|id| id.hyphenated().to_string());
        RequestIds {
            trace_id: uuid::Uuid::new_v4().to_string(),
            correlation_id: client_request_id
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            client_request_id,
        }
    }

    /// Adds Entra's headers. Every answer of the login endpoints carries `Cache-Control: no-store`:
    /// token responses must never be cached, and error pages and redirects carry codes too.
    pub(super) fn stamp(&self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        );
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if let Ok(value) = HeaderValue::from_str(&self.trace_id) {
            headers.insert("x-ms-request-id", value);
        }
        if let Some(Ok(value)) = self.client_request_id.as_deref().map(HeaderValue::from_str) {
            headers.insert("client-request-id", value);
        }
        response
    }
}

/// Entra's timestamp format in error bodies: `2016-01-09 02:02:12Z`.
pub(super) fn entra_timestamp(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// Parses a query string or an `application/x-www-form-urlencoded` body.
pub(super) fn parse_params(raw: &[u8]) -> Result<Params, OAuthError> {
    let mut params = Params::new();
    for (name, value) in url::form_urlencoded::parse(raw) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(super::unverified::duplicated_parameter(&name));
        }
    }
    Ok(params)
}

/// A parameter that must be present and non-empty.
pub(super) fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| OAuthError::missing_parameter(name))
}

/// An optional parameter; empty counts as absent.
pub(super) fn optional<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
}

/// One Entra error: the OAuth `error`, the AADSTS number and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OAuthError {
    pub(super) status: StatusCode,
    pub(super) error: &'static str,
    pub(super) code: u32,
    pub(super) message: String,
}

impl OAuthError {
    pub(super) fn new(error: &'static str, code: u32, message: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            message: message.into(),
        }
    }

    pub(super) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// AADSTS900144. Entra says "request body" even when the parameter belongs in a query string.
    pub(super) fn missing_parameter(name: &str) -> Self {
        OAuthError::new(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    /// `AADSTSn: message\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`, as Entra writes it.
    pub(super) fn description(&self, ids: &RequestIds, now: DateTime<Utc>) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
            self.code,
            self.message,
            ids.trace_id,
            ids.correlation_id,
            entra_timestamp(now)
        )
    }

    /// The JSON error body of the token and devicecode endpoints.
    pub(super) fn to_json(&self, ids: &RequestIds, now: DateTime<Utc>) -> Response {
        let body = json!({
            "error": self.error,
            "error_description": self.description(ids, now),
            "error_codes": [self.code],
            "timestamp": entra_timestamp(now),
            "trace_id": ids.trace_id,
            "correlation_id": ids.correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        ids.stamp(json_response(self.status, &body))
    }

    /// An error sent back to the client's redirect URI (only once that URI has been validated).
    pub(super) fn to_redirect(
        &self,
        target: &Url,
        mode: ResponseMode,
        state: Option<&str>,
        ids: &RequestIds,
        now: DateTime<Utc>,
    ) -> Response {
        let description = self.description(ids, now);
        let mut params = vec![
            ("error", self.error),
            ("error_description", description.as_str()),
        ];
        if let Some(state) = state {
            params.push(("state", state));
        }
        ids.stamp(deliver(target, mode, &params))
    }

    /// The page Entra shows in the browser instead of redirecting (unknown tenant or client, bad
    /// redirect URI: sending the user to an unvalidated URI would make Entra an open redirector).
    pub(super) fn to_page(&self, ids: &RequestIds, now: DateTime<Utc>) -> Response {
        let page = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign in to your account</title></head>\n\
             <body>\n<h1>Sorry, but we're having trouble signing you in.</h1>\n\
             <p id=\"error\">AADSTS{code}: {message}</p>\n\
             <p>Error code: <span id=\"error-code\">{error}</span></p>\n\
             <p>Request Id: {trace}</p>\n<p>Correlation Id: {correlation}</p>\n\
             <p>Timestamp: {timestamp}</p>\n</body></html>\n",
            code = self.code,
            message = html_escape(&self.message),
            error = self.error,
            trace = ids.trace_id,
            correlation = ids.correlation_id,
            timestamp = entra_timestamp(now),
        );
        let status = super::unverified::ERROR_PAGE_STATUS;
        ids.stamp((status, Html(page)).into_response())
    }
}

/// How the authorize endpoint hands its answer to the redirect URI (`response_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ResponseMode {
    /// `?code=…&state=…` (the default for a code).
    Query,
    /// `#code=…&state=…`.
    Fragment,
    /// An auto-submitting HTML form that POSTs the parameters to the redirect URI.
    FormPost,
}

impl ResponseMode {
    pub(super) fn parse(value: Option<&str>) -> Option<ResponseMode> {
        match value {
            None | Some("query") => Some(ResponseMode::Query),
            Some("fragment") => Some(ResponseMode::Fragment),
            Some("form_post") => Some(ResponseMode::FormPost),
            Some(_) => None,
        }
    }
}

/// Sends `params` to `target` the way `mode` says.
pub(super) fn deliver(target: &Url, mode: ResponseMode, params: &[(&str, &str)]) -> Response {
    match mode {
        ResponseMode::Query => {
            let mut location = target.clone();
            location.query_pairs_mut().extend_pairs(params);
            found(&location)
        }
        ResponseMode::Fragment => {
            let mut location = target.clone();
            let fragment = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            location.set_fragment(Some(&fragment));
            found(&location)
        }
        ResponseMode::FormPost => {
            let inputs: String = params
                .iter()
                .map(|(name, value)| {
                    format!(
                        "<input type=\"hidden\" name=\"{}\" value=\"{}\" />",
                        html_escape(name),
                        html_escape(value)
                    )
                })
                .collect();
            let page = format!(
                "<html><head><title>Working...</title></head><body>\
                 <form method=\"POST\" name=\"hiddenform\" action=\"{action}\">{inputs}\
                 <noscript><p>Script is disabled. Click Submit to continue.</p>\
                 <input type=\"submit\" value=\"Submit\" /></noscript></form>\
                 <script language=\"javascript\">document.forms[0].submit();</script>\
                 </body></html>",
                action = html_escape(target.as_str()),
            );
            Html(page).into_response()
        }
    }
}

fn found(location: &Url) -> Response {
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        // A parsed URL is always a valid header value; answer something sane regardless.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A JSON answer with Entra's content type.
pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// Text placed in HTML (error messages quote client input such as the redirect URI).
pub(super) fn html_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_decode_plus_as_space_and_refuse_duplicates() {
        let params = parse_params(b"scope=openid+profile&state=a%26b").unwrap_or_default();
        assert_eq!(
            params.get("scope").map(String::as_str),
            Some("openid profile")
        );
        assert_eq!(params.get("state").map(String::as_str), Some("a&b"));
        let duplicated = parse_params(b"code=a&code=b").err();
        assert_eq!(duplicated.map(|error| error.error), Some("invalid_request"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            html_escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
