//! Scaleway's error envelope (`message` + `type` + type-specific fields), and its answers to
//! paths and methods the API does not serve.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::IamAction;

/// One entry of an `invalid_arguments` body.
#[derive(Debug, Clone)]
pub(crate) struct ArgumentProblem {
    pub(super) argument_name: String,
    /// `unknown`, `required`, `format` or `constraint`.
    pub(super) reason: &'static str,
    pub(super) help_message: String,
}

/// A Scaleway API error, rendered in the documented envelope.
#[derive(Debug, Clone)]
pub(crate) enum ScwError {
    DeniedAuthentication {
        reason: &'static str,
    },
    PermissionsDenied(IamAction),
    NotFound {
        resource: &'static str,
        resource_id: String,
    },
    InvalidArguments(Vec<ArgumentProblem>),
    QuotasExceeded {
        resource: &'static str,
        quota: u64,
        current: u64,
    },
    Conflict(String),
}

impl IntoResponse for ScwError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ScwError::DeniedAuthentication { reason } => (
                StatusCode::UNAUTHORIZED,
                json!({"message": "authentication is denied", "method": "api_key",
                       "reason": reason, "type": "denied_authentication"}),
            ),
            ScwError::PermissionsDenied(action) => {
                let (resource, action) = action.denial_detail();
                (
                    StatusCode::FORBIDDEN,
                    json!({"details": [{"action": action, "resource": resource}],
                           "message": "insufficient permissions", "type": "permissions_denied"}),
                )
            }
            ScwError::NotFound {
                resource,
                resource_id,
            } => (
                StatusCode::NOT_FOUND,
                json!({"message": "resource is not found", "resource": resource,
                       "resource_id": resource_id, "type": "not_found"}),
            ),
            ScwError::InvalidArguments(problems) => (
                StatusCode::BAD_REQUEST,
                json!({
                    "details": problems.iter().map(|problem| json!({
                        "argument_name": problem.argument_name,
                        "help_message": problem.help_message,
                        "reason": problem.reason,
                    })).collect::<Vec<_>>(),
                    "message": "invalid argument(s)",
                    "type": "invalid_arguments",
                }),
            ),
            ScwError::QuotasExceeded {
                resource,
                quota,
                current,
            } => (
                StatusCode::FORBIDDEN,
                json!({"details": [{"current": current, "quota": quota, "resource": resource}],
                       "message": "quota(s) exceeded for this resource", "type": "quotas_exceeded"}),
            ),
            ScwError::Conflict(message) => (
                StatusCode::CONFLICT,
                json!({"message": message, "type": "conflict"}),
            ),
        };
        (status, Json(body)).into_response()
    }
}

/// UNVERIFIED: the body for a path the gateway does not know. Only the envelope shape
/// (`message` + `type`) is documented, so we keep to it.
pub(crate) fn unknown_endpoint(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(
            json!({"message": "resource is not found", "resource": "endpoint",
                    "resource_id": path, "type": "not_found"}),
        ),
    )
        .into_response()
}

/// A known path called with the wrong method: 405 (as third-party clients report). The body
/// is UNVERIFIED; we keep the documented envelope shape.
pub(crate) fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({"message": "method not allowed", "type": "method_not_allowed"})),
    )
        .into_response()
}

pub(super) type ScwResult = Result<Response, ScwError>;

pub(super) fn ok_json(body: Value) -> ScwResult {
    Ok((StatusCode::OK, Json(body)).into_response())
}
