//! Graph's response conventions: the error envelope, the OData JSON content type, `@odata.context`,
//! and the `request-id` / `client-request-id` / `x-ms-ags-diagnostic` headers every Graph response
//! carries.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::App;

/// What Graph answers JSON with.
const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// A stand-in diagnostic header (Graph sends one on every response; its content is opaque).
const AGS_DIAGNOSTIC: &str = r#"{"ServerInfo":{"DataCenter":"Sandbox","Slice":"E","Ring":"5","ScaleUnit":"000","RoleInstance":"SANDBOX000001"}}"#;

/// A Graph error: `{"error":{"code","message"}}`; the envelope middleware adds `innerError`.
#[derive(Debug, Clone)]
pub(crate) struct GraphError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) retry_after: Option<u64>,
    /// 401s carry Graph's `WWW-Authenticate` challenge.
    pub(crate) challenge: bool,
}

pub(crate) type GraphResult = Result<Response, GraphError>;

impl GraphError {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code: code.to_string(),
            message: message.into(),
            retry_after: None,
            challenge: status == StatusCode::UNAUTHORIZED,
        }
    }

    /// Directory objects that do not exist (or not yet, under replication lag).
    pub(crate) fn resource_not_found(id: &str) -> Self {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    pub(crate) fn bad_request(code: &str, message: impl Into<String>) -> Self {
        GraphError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub(crate) fn denied() -> Self {
        GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    /// A body that is not JSON (Graph's own wording).
    pub(crate) fn unreadable_body() -> Self {
        GraphError::bad_request(
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )
    }

    pub(crate) fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({"error": {"code": self.code, "message": self.message}})),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                ),
            );
        }
        response
    }
}

/// A JSON answer with Graph's content type.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    response
}

pub(crate) fn ok(body: Value) -> GraphResult {
    Ok(json_response(StatusCode::OK, body))
}

pub(crate) fn no_content() -> GraphResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `@odata.context` for a fragment such as `users/$entity`, on the sandbox's Graph host.
pub(crate) fn context(app: &App, fragment: &str) -> String {
    format!("{}/graph/v1.0/$metadata#{fragment}", app.base_url)
}

/// Puts `@odata.context` first in an object.
pub(crate) fn with_context(app: &App, fragment: &str, body: Value) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("@odata.context".into(), json!(context(app, fragment)));
    if let Value::Object(fields) = body {
        object.extend(fields);
    }
    Value::Object(object)
}

/// Parses a JSON object body, or Graph's "unable to read" error.
pub(crate) fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, GraphError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(GraphError::unreadable_body()),
    }
}

/// Graph's `innerError.date`: UTC, seconds precision, no zone suffix.
fn inner_error_date(app: &App) -> String {
    app.now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Middleware on every Graph route: request ids, the diagnostic header, and `innerError` in
/// error bodies (including the ones the fault plan injects).
pub(crate) async fn envelope(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty() && value.len() <= 128)
        .map_or_else(|| request_id.clone(), str::to_string);
    let mut response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if (response.status().is_client_error() || response.status().is_server_error()) && is_json {
        let (mut parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        let mut value = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
        let rewritten = match value.get_mut("error").and_then(Value::as_object_mut) {
            Some(error) if !error.contains_key("innerError") => {
                error.insert(
                    "innerError".into(),
                    json!({"date": inner_error_date(&app), "request-id": request_id,
                           "client-request-id": client_request_id}),
                );
                serde_json::to_vec(&value).ok()
            }
            _ => None,
        };
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, Body::from(rewritten.unwrap_or(bytes.to_vec())));
    }
    let headers = response.headers_mut();
    for (name, value) in [
        ("request-id", request_id.as_str()),
        ("client-request-id", client_request_id.as_str()),
        ("x-ms-ags-diagnostic", AGS_DIAGNOSTIC),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    headers.insert(
        "strict-transport-security",
        HeaderValue::from_static("max-age=31536000"),
    );
    response
}
