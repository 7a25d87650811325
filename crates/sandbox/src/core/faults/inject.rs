//! The answer to a request hit by a `status=` rule: the status, an optional `Retry-After`, and
//! a body shaped like the service the route belongs to would send (or an HTML gateway page, or
//! nothing), so a client's error handling is exercised on realistic input.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::FaultBody;

/// The answer for an injected `status=`: a realistic body for the service the route belongs to.
pub(crate) fn injected_response(
    route: &str,
    status: u16,
    retry_after_seconds: Option<u64>,
    body: FaultBody,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    let mut response = match body {
        FaultBody::Empty => status.into_response(),
        // What an nginx-style gateway answers when the service behind it is down.
        FaultBody::Html => (
            status,
            Html(format!(
                "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
                 <center><h1>{code} {reason}</h1></center>\r\n</body>\r\n</html>\r\n",
                code = status.as_u16()
            )),
        )
            .into_response(),
        FaultBody::Json => service_error(route, status, reason),
    };
    if let Some(seconds) = retry_after_seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn service_error(route: &str, status: StatusCode, reason: &str) -> Response {
    let code = status.as_u16();
    match route.split('.').next().unwrap_or_default() {
        "scim" => crate::scim::scim_json_response(
            status,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                   "status": code.to_string(), "detail": reason}),
        ),
        "graph" => {
            let code_name: String = reason.split_whitespace().collect();
            (
                status,
                Json(json!({"error": {"code": code_name, "message": reason}})),
            )
                .into_response()
        }
        "login" => {
            let error = if status.is_server_error() || code == 429 {
                "temporarily_unavailable"
            } else {
                "invalid_request"
            };
            (
                status,
                Json(json!({"error": error, "error_description": reason})),
            )
                .into_response()
        }
        _ => (status, Json(scaleway_error_body(status, reason))).into_response(),
    }
}

/// The Scaleway envelope (`message` + `type` + type-specific fields) for an injected status.
/// UNVERIFIED: the 429 and 5xx bodies are not documented; they keep the envelope shape with a
/// type derived from the status text (`too_many_requests`, …).
fn scaleway_error_body(status: StatusCode, reason: &str) -> Value {
    match status.as_u16() {
        401 => json!({"message": "authentication is denied", "method": "api_key",
                      "reason": "unknown_reason", "type": "denied_authentication"}),
        403 => json!({"details": [], "message": "insufficient permissions",
                      "type": "permissions_denied"}),
        404 => json!({"message": "resource is not found", "resource": "", "resource_id": "",
                      "type": "not_found"}),
        409 => json!({"message": "conflict", "type": "conflict"}),
        _ => json!({
            "message": reason.to_lowercase(),
            "type": reason.to_lowercase().replace([' ', '-'], "_"),
        }),
    }
}
