//! Headers the sandbox sets or reads on every request: the request id and `Server` header the
//! Scaleway gateway adds to its answers, and the redaction of credentials before a request's
//! headers reach the log.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue};

/// A fresh request id: a UUIDv4, like the one the Scaleway gateway puts in `X-Request-Id`.
pub(crate) fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// What the Scaleway API gateway adds to every answer: `Server: Scaleway API Gateway` and
/// `X-Request-Id`. (Microsoft's endpoints set their own headers instead.)
pub(crate) fn add_gateway_headers(headers: &mut HeaderMap, request_id: &str) {
    headers.insert("server", HeaderValue::from_static("Scaleway API Gateway"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", value);
    }
}

/// Header values that are credentials never reach the request log.
pub(crate) fn redacted_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = match name.as_str() {
                "authorization" => {
                    let scheme = value
                        .to_str()
                        .ok()
                        .and_then(|text| text.split_whitespace().next())
                        .unwrap_or("");
                    format!("{scheme} [redacted]").trim_start().to_string()
                }
                "x-auth-token" | "cookie" | "proxy-authorization" => "[redacted]".to_string(),
                _ => value
                    .to_str()
                    .map(str::to_string)
                    .unwrap_or_else(|_| "[binary]".to_string()),
            };
            (name.as_str().to_string(), shown)
        })
        .collect()
}
