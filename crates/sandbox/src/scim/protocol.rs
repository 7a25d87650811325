//! What every SCIM resource endpoint shares: the media type and message schemas, the error
//! body (RFC 7644 §3.12), bearer-token authentication against the IAM-managed SCIM tokens,
//! request-body recording and parsing, and list paging parameters.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::state::ReceivedScimBody;
use crate::{App, World};

pub(super) const SCHEMA_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(super) const SCHEMA_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub(super) const SCHEMA_LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SCHEMA_ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// Largest page a list returns (announced as `filter.maxResults`).
pub(super) const MAX_RESULTS: usize = 100;

/// The resource endpoints below the mount, which is where a request's SCIM base URL ends.
const ENDPOINTS: &[&str] = &["/Users", "/Groups", "/ServiceProviderConfig"];

/// A SCIM error (RFC 7644 §3.12).
#[derive(Debug)]
pub(crate) struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    pub(super) fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub(super) fn unauthorized(detail: &str) -> Self {
        ScimError::new(StatusCode::UNAUTHORIZED, None, detail)
    }

    pub(super) fn not_found(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::NOT_FOUND, None, detail)
    }

    pub(super) fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub(super) fn forbidden(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::FORBIDDEN, None, detail)
    }
}

/// A JSON answer with SCIM's media type (`application/scim+json`); injected faults on `scim.*`
/// routes use it too.
pub(crate) fn scim_json_response(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(SCIM_CONTENT_TYPE),
    );
    response
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [SCHEMA_ERROR],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let (Some(scim_type), Some(object)) = (self.scim_type, body.as_object_mut()) {
            object.insert("scimType".into(), json!(scim_type));
        }
        let mut response = scim_json_response(self.status, body);
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub(super) type ScimResult = Result<Response, ScimError>;

/// The SCIM configuration a request is addressed to, once its bearer token is accepted.
pub(super) struct ScimContext {
    pub(super) organization_id: String,
    /// `{base}/scim/{scim_id}/v2` as the client called it, for `meta.location`.
    pub(super) base_url: String,
}

fn base_url_of_request(app: &App, uri: &Uri) -> String {
    let path = uri.path();
    let mount_end = ENDPOINTS
        .iter()
        .filter_map(|suffix| path.find(suffix))
        .min()
        .unwrap_or(path.len());
    format!("{}{}", app.base_url, &path[..mount_end])
}

/// Accepts only `Authorization: Bearer <token>` for a token that exists, is not deleted, has not
/// expired, belongs to the SCIM configuration named in the path, and whose configuration is
/// still enabled.
pub(super) fn authenticate(
    app: &App,
    world: &World,
    headers: &HeaderMap,
    uri: &Uri,
    params: &HashMap<String, String>,
) -> Result<ScimContext, ScimError> {
    let scim_id = params
        .get("scim_id")
        .map(String::as_str)
        .unwrap_or_default();
    if uuid::Uuid::try_parse(scim_id).is_err() || scim_id.len() != 36 {
        return Err(ScimError::not_found(format!(
            "no SCIM endpoint at {}",
            uri.path()
        )));
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| ScimError::unauthorized("a Bearer token is required"))?;
    let token = world
        .scaleway
        .scim_tokens
        .iter()
        .find(|token| token.bearer_token == bearer)
        .ok_or_else(|| ScimError::unauthorized("invalid bearer token"))?;
    if token.deleted {
        return Err(ScimError::unauthorized("this token has been deleted"));
    }
    if token.expires_at <= world.now() {
        return Err(ScimError::unauthorized("this token has expired"));
    }
    if token.scim_id != scim_id {
        return Err(ScimError::unauthorized(
            "this token does not belong to this SCIM configuration",
        ));
    }
    let scim = world
        .scaleway
        .scim(scim_id)
        .ok_or_else(|| ScimError::unauthorized("SCIM is disabled for this organization"))?;
    if let Some(organization_id) = params.get("organization_id")
        && organization_id != &scim.organization_id
    {
        return Err(ScimError::not_found(format!(
            "no SCIM endpoint at {}",
            uri.path()
        )));
    }
    Ok(ScimContext {
        organization_id: scim.organization_id.clone(),
        base_url: base_url_of_request(app, uri),
    })
}

/// Records the body of a write as received, then parses it: it must be a JSON object.
pub(super) fn record_body(
    world: &mut World,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Result<Value, ScimError> {
    let parsed = serde_json::from_slice::<Value>(body);
    // Record even what we reject, so tests can see exactly what a client sent.
    world.scim.request_bodies.push(ReceivedScimBody {
        method: method.to_string(),
        path: uri.path().to_string(),
        body: match &parsed {
            Ok(value) => value.clone(),
            Err(_) => Value::String(String::from_utf8_lossy(body).into_owned()),
        },
    });
    match parsed {
        Ok(value) if value.is_object() => Ok(value),
        _ => Err(ScimError::bad_request(
            "invalidSyntax",
            "the request body must be a JSON object",
        )),
    }
}

/// The query string as ordered pairs.
pub(super) fn query_pairs(raw_query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// A query parameter, its name matched case-insensitively (RFC 7644 parameter names).
pub(super) fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Whether `excludedAttributes` (RFC 7644 §3.4.2.5, a comma-separated list) names `attribute`.
pub(super) fn excludes(query: &[(String, String)], attribute: &str) -> bool {
    query_value(query, "excludedAttributes").is_some_and(|list| {
        list.split(',').any(|name| {
            let name = name.trim();
            let name = name
                .strip_prefix(SCHEMA_GROUP)
                .map_or(name, |rest| rest.trim_start_matches(':'));
            name.eq_ignore_ascii_case(attribute)
        })
    })
}

/// A whole-number query parameter of a list (`startIndex`, `count`), matched case-insensitively.
pub(super) fn parse_index(
    query: &[(String, String)],
    name: &str,
    default: i64,
) -> Result<i64, ScimError> {
    match query.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)) {
        None => Ok(default),
        Some((_, value)) => value.trim().parse::<i64>().map_err(|_| {
            ScimError::bad_request("invalidValue", format!("{name} must be an integer"))
        }),
    }
}

/// Entra sends booleans as JSON booleans or as the strings "True"/"False".
pub(super) fn scim_bool(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}
