//! The SCIM 2.0 service provider behind the "Base URL" (reference §C).
//!
//! Almost nothing of Scaleway's SCIM server is documented: what is (username matching, `active`
//! → lock, `name.formatted` unused, `displayName` rejected in PATCH with "unsupported path for
//! operation Add: displayName") is reproduced; the rest follows RFC 7643/7644 and what Entra's
//! provisioning sends, with each guess marked UNVERIFIED.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::App;
use crate::clock::timestamp;
use crate::state::{ReceivedScimBody, UserRecord, UserType, World, new_uuid};

/// Where the sandbox serves SCIM 2.0, below its base URL.
///
/// UNVERIFIED (reference §B.4): Scaleway's real Base URL is in no public source. The sandbox
/// deliberately does NOT mount it under `/scaleway/iam/...`, so a client that hardcodes a guess
/// derived from the IAM API path fails here and must use its configurable pattern list (or the
/// "paste the Base URL" fallback). `SandboxConfig::scim_mount_pattern` moves it elsewhere;
/// every other path answers 404.
pub const DEFAULT_SCIM_MOUNT_PATTERN: &str = "/scim/{scim_id}/v2";

const SCHEMA_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const SCHEMA_LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SCHEMA_ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const SCHEMA_SPC: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// Largest page `GET /Users` returns (announced as `filter.maxResults`).
const MAX_RESULTS: usize = 100;

/// UNVERIFIED: whether `/ServiceProviderConfig` needs the bearer token. RFC 7644 allows either;
/// Scaleway's SCIM is token-scoped, so we require it like every other SCIM call.
const SERVICE_PROVIDER_CONFIG_NEEDS_AUTH: bool = true;

/// UNVERIFIED (reference §D: "whether SCIM can touch the Owner is unverified", and the Owner is
/// `deletable: false`). The Owner is visible to SCIM (so Entra can match it) but SCIM may not
/// modify or delete it: 403.
fn scim_may_modify(user: &UserRecord) -> bool {
    user.user_type != UserType::Owner
}

/// UNVERIFIED: new SCIM users get this locale (Scaleway's default for new members is unknown).
const DEFAULT_LOCALE: &str = "en_US";

/// A SCIM error (RFC 7644 §3.12).
#[derive(Debug)]
pub(crate) struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    fn unauthorized(detail: &str) -> Self {
        ScimError::new(StatusCode::UNAUTHORIZED, None, detail)
    }

    fn not_found(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::NOT_FOUND, None, detail)
    }

    fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }
}

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

type ScimResult = Result<Response, ScimError>;

/// The SCIM configuration a request is addressed to, once its bearer token is accepted.
struct ScimContext {
    organization_id: String,
    /// `{base}/scim/{scim_id}/v2` as the client called it, for `meta.location`.
    base_url: String,
}

fn base_url_of_request(app: &App, uri: &Uri) -> String {
    let path = uri.path();
    let mount_end = ["/Users", "/ServiceProviderConfig"]
        .iter()
        .filter_map(|suffix| path.find(suffix))
        .min()
        .unwrap_or(path.len());
    format!("{}{}", app.base_url, &path[..mount_end])
}

/// Accepts only `Authorization: Bearer <token>` for a token that exists, is not deleted, has not
/// expired, belongs to the SCIM configuration named in the path, and whose configuration is
/// still enabled.
fn authenticate(
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

fn scim_user_json(user: &UserRecord, base_url: &str) -> Value {
    let mut body = json!({
        "schemas": [SCHEMA_USER],
        "id": user.id,
        "userName": user.username,
        "name": {"givenName": user.first_name, "familyName": user.last_name},
        "emails": [{"value": user.email, "type": "work", "primary": true}],
        "active": !user.locked,
        "meta": {
            "resourceType": "User",
            "created": timestamp(user.created_at),
            "lastModified": timestamp(user.updated_at),
            "location": format!("{base_url}/Users/{}", user.id),
        },
    });
    if let (Some(external_id), Some(object)) = (&user.external_id, body.as_object_mut()) {
        object.insert("externalId".into(), json!(external_id));
    }
    body
}

fn record_body(
    world: &mut World,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Result<Value, ScimError> {
    let parsed = serde_json::from_slice::<Value>(body);
    // Record even what we reject, so tests can see exactly what a client sent.
    world.scim_bodies.push(ReceivedScimBody {
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

// ---------------------------------------------------------------------------------------------

pub(crate) async fn service_provider_config(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
) -> ScimResult {
    let world = app.world();
    if SERVICE_PROVIDER_CONFIG_NEEDS_AUTH {
        authenticate(&app, &world, &headers, &uri, &params)?;
    }
    let location = format!("{}{}", app.base_url, uri.path());
    Ok(scim_json_response(
        StatusCode::OK,
        json!({
            "schemas": [SCHEMA_SPC],
            "documentationUri": "https://www.scaleway.com/en/docs/iam/how-to/manage-users-with-scim/",
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_RESULTS},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": false},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication scheme using the OAuth Bearer Token Standard",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": true,
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": location},
        }),
    ))
}

/// The filters Entra uses for matching: `userName eq "x"` and `externalId eq "x"`.
enum UserFilter {
    UserName(String),
    ExternalId(String),
}

fn parse_filter(filter: &str) -> Result<UserFilter, ScimError> {
    let invalid = || {
        ScimError::bad_request(
            "invalidFilter",
            format!(
                "unsupported filter `{filter}`: only `userName eq \"…\"` and `externalId eq \"…\"` are supported"
            ),
        )
    };
    // `attrPath SP compareOp SP compValue` (RFC 7644 §3.4.2.2); runs of spaces are tolerated
    // between the three, and the value (a JSON string) keeps its own spaces.
    let Some((attribute, rest)) = filter.trim().split_once(char::is_whitespace) else {
        return Err(invalid());
    };
    let Some((operator, value)) = rest.trim_start().split_once(char::is_whitespace) else {
        return Err(invalid());
    };
    if !operator.eq_ignore_ascii_case("eq") {
        return Err(invalid());
    }
    let value: String = serde_json::from_str(value.trim()).map_err(|_| invalid())?;
    // Attribute names are case-insensitive (RFC 7644 §3.4.2.2), optionally schema-qualified.
    let attribute = attribute
        .strip_prefix(SCHEMA_USER)
        .map_or(attribute, |rest| rest.trim_start_matches(':'));
    if attribute.eq_ignore_ascii_case("userName") {
        Ok(UserFilter::UserName(value))
    } else if attribute.eq_ignore_ascii_case("externalId") {
        Ok(UserFilter::ExternalId(value))
    } else {
        Err(invalid())
    }
}

fn parse_index(query: &[(String, String)], name: &str, default: i64) -> Result<i64, ScimError> {
    match query.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)) {
        None => Ok(default),
        Some((_, value)) => value.trim().parse::<i64>().map_err(|_| {
            ScimError::bad_request("invalidValue", format!("{name} must be an integer"))
        }),
    }
}

pub(crate) async fn list_users(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    RawQuery(raw_query): RawQuery,
) -> ScimResult {
    let world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let filter = match query
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("filter"))
    {
        Some((_, text)) => Some(parse_filter(text)?),
        None => None,
    };
    // RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0.
    let start_index = parse_index(&query, "startIndex", 1)?.max(1);
    let count = parse_index(&query, "count", MAX_RESULTS as i64)?.clamp(0, MAX_RESULTS as i64);

    let mut matching: Vec<&UserRecord> = world
        .users
        .iter()
        .filter(|user| user.organization_id == context.organization_id)
        .filter(|user| match &filter {
            None => true,
            // userName is caseExact=false in the core schema; externalId is caseExact=true.
            Some(UserFilter::UserName(name)) => user.username.eq_ignore_ascii_case(name),
            Some(UserFilter::ExternalId(id)) => user.external_id.as_deref() == Some(id.as_str()),
        })
        .collect();
    matching.sort_by_key(|user| user.created_at);
    let total_results = matching.len();
    let resources: Vec<Value> = matching
        .into_iter()
        .skip(start_index as usize - 1)
        .take(count as usize)
        .map(|user| scim_user_json(user, &context.base_url))
        .collect();
    Ok(scim_json_response(
        StatusCode::OK,
        json!({
            "schemas": [SCHEMA_LIST],
            "totalResults": total_results,
            "startIndex": start_index,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    ))
}

fn find_user<'a>(
    world: &'a World,
    context: &ScimContext,
    id: &str,
) -> Result<&'a UserRecord, ScimError> {
    world
        .users
        .iter()
        .find(|user| user.id == id && user.organization_id == context.organization_id)
        .ok_or_else(|| ScimError::not_found(format!("Resource {id} not found")))
}

pub(crate) async fn get_user(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
) -> ScimResult {
    let world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    let user = find_user(&world, &context, id)?;
    Ok(scim_json_response(
        StatusCode::OK,
        scim_user_json(user, &context.base_url),
    ))
}

/// The email Entra maps (`emails[type eq "work"].value`), else the primary one, else the first.
fn pick_email(emails: &Value) -> Option<String> {
    let list = emails.as_array()?;
    let value_of = |entry: &Value| {
        entry
            .get("value")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    list.iter()
        .find(|entry| {
            entry
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|kind| kind.eq_ignore_ascii_case("work"))
        })
        .or_else(|| {
            list.iter()
                .find(|entry| scim_bool(entry.get("primary")) == Some(true))
        })
        .or_else(|| list.first())
        .and_then(value_of)
}

/// Entra sends booleans as JSON booleans or as the strings "True"/"False".
fn scim_bool(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn username_taken(
    world: &World,
    organization_id: &str,
    username: &str,
    except_id: Option<&str>,
) -> bool {
    world.users.iter().any(|user| {
        user.organization_id == organization_id
            && user.username.eq_ignore_ascii_case(username)
            && Some(user.id.as_str()) != except_id
    })
}

fn uniqueness_conflict(username: &str) -> ScimError {
    ScimError::new(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        format!("a user with userName {username:?} already exists"),
    )
}

pub(crate) async fn create_user(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let body = record_body(&mut world, &method, &uri, &body)?;
    let username = body
        .get("userName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| ScimError::bad_request("invalidValue", "userName is required"))?
        .to_string();
    if username_taken(&world, &context.organization_id, &username, None) {
        return Err(uniqueness_conflict(&username));
    }
    // UNVERIFIED: attributes Scaleway does not use (name.formatted, displayName, …) are ignored
    // on create; only PATCH is documented to reject an unsupported path.
    let name = body.get("name");
    let name_part = |key: &str| {
        name.and_then(|name| name.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let now = world.now();
    let user = UserRecord {
        id: new_uuid(&mut world.rng),
        organization_id: context.organization_id.clone(),
        email: body.get("emails").and_then(pick_email).unwrap_or_default(),
        username,
        first_name: name_part("givenName"),
        last_name: name_part("familyName"),
        locale: DEFAULT_LOCALE.into(),
        created_at: now,
        updated_at: now,
        last_login_at: None,
        user_type: UserType::Member,
        mfa: false,
        account_root_user_id: new_uuid(&mut world.rng),
        locked: scim_bool(body.get("active")) == Some(false),
        permission_sets: Vec::new(),
        external_id: body
            .get("externalId")
            .and_then(Value::as_str)
            .map(str::to_string),
        provisioned_by_scim: true,
    };
    let representation = scim_user_json(&user, &context.base_url);
    let location = format!("{}/Users/{}", context.base_url, user.id);
    world.users.push(user);
    let mut response = scim_json_response(StatusCode::CREATED, representation);
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PatchOp {
    Add,
    Replace,
    Remove,
}

impl PatchOp {
    /// Entra sends "Add"/"Replace"/"Remove" capitalised; RFC 7644 says lowercase. Accept both.
    fn parse(text: &str) -> Option<PatchOp> {
        match text.to_ascii_lowercase().as_str() {
            "add" => Some(PatchOp::Add),
            "replace" => Some(PatchOp::Replace),
            "remove" => Some(PatchOp::Remove),
            _ => None,
        }
    }

    fn display_name(self) -> &'static str {
        match self {
            PatchOp::Add => "Add",
            PatchOp::Replace => "Replace",
            PatchOp::Remove => "Remove",
        }
    }
}

/// The documented error text (reference §C: "unsupported path for operation Add: displayName").
fn unsupported_path(op: PatchOp, path: &str) -> ScimError {
    ScimError::bad_request(
        "invalidPath",
        format!(
            "unsupported path for operation {}: {path}",
            op.display_name()
        ),
    )
}

fn invalid_value(path: &str) -> ScimError {
    ScimError::bad_request("invalidValue", format!("invalid value for {path}"))
}

fn string_value(path: &str, value: Option<&Value>) -> Result<String, ScimError> {
    value
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| invalid_value(path))
}

/// Applies one attribute change to `user`. `path` is the SCIM attribute path; the supported set
/// is what reference §C names as mapped (userName, name.givenName/familyName, work email,
/// active, externalId). Anything else is refused the way Scaleway refuses displayName.
fn apply_attribute(
    user: &mut UserRecord,
    op: PatchOp,
    path: &str,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let lowered = path.to_ascii_lowercase().replace(' ', "");
    let removing = op == PatchOp::Remove;
    match lowered.as_str() {
        "username" if !removing => {
            let username = string_value(path, value)?;
            if username.trim().is_empty() {
                return Err(invalid_value(path));
            }
            user.username = username;
        }
        "active" if !removing => {
            user.locked = !scim_bool(value).ok_or_else(|| invalid_value(path))?
        }
        "externalid" => {
            user.external_id = if removing {
                None
            } else {
                Some(string_value(path, value)?)
            }
        }
        "name.givenname" => {
            user.first_name = if removing {
                String::new()
            } else {
                string_value(path, value)?
            }
        }
        "name.familyname" => {
            user.last_name = if removing {
                String::new()
            } else {
                string_value(path, value)?
            }
        }
        "name" if !removing => {
            let name = value
                .and_then(Value::as_object)
                .ok_or_else(|| invalid_value(path))?;
            for (key, part) in name {
                apply_attribute(user, op, &format!("name.{key}"), Some(part))?;
            }
        }
        "emails[type eq \"work\"].value" | "emails[typeeq\"work\"].value" => {
            user.email = if removing {
                String::new()
            } else {
                string_value(path, value)?
            };
        }
        "emails" if !removing => {
            user.email = value
                .and_then(pick_email)
                .ok_or_else(|| invalid_value(path))?
        }
        _ => return Err(unsupported_path(op, path)),
    }
    Ok(())
}

fn apply_operation(user: &mut UserRecord, operation: &Value) -> Result<(), ScimError> {
    let op = operation
        .get("op")
        .and_then(Value::as_str)
        .and_then(PatchOp::parse)
        .ok_or_else(|| {
            ScimError::bad_request(
                "invalidSyntax",
                "each operation needs an op of add, replace or remove",
            )
        })?;
    let value = operation.get("value");
    match operation.get("path").and_then(Value::as_str) {
        Some(path) => apply_attribute(user, op, path, value),
        None if op == PatchOp::Remove => Err(ScimError::bad_request(
            "noTarget",
            "a remove operation needs a path",
        )),
        // No path: the value is an object of attribute → value (Entra does this for `active`).
        None => {
            let attributes: &Map<String, Value> = value
                .and_then(Value::as_object)
                .ok_or_else(|| invalid_value("value"))?;
            for (path, attribute_value) in attributes {
                apply_attribute(user, op, path, Some(attribute_value))?;
            }
            Ok(())
        }
    }
}

pub(crate) async fn patch_user(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let body = record_body(&mut world, &method, &uri, &body)?;
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    let original = find_user(&world, &context, id)?;
    if !scim_may_modify(original) {
        return Err(ScimError::new(
            StatusCode::FORBIDDEN,
            None,
            "the Organization Owner cannot be modified over SCIM",
        ));
    }
    let operations = body
        .get("Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ScimError::bad_request("invalidSyntax", "a PatchOp body needs an Operations array")
        })?;
    // Apply to a copy and commit only if every operation succeeds (RFC 7644 §3.5.2: atomic).
    let mut updated = original.clone();
    for operation in operations {
        apply_operation(&mut updated, operation)?;
    }
    if username_taken(
        &world,
        &context.organization_id,
        &updated.username,
        Some(&updated.id),
    ) {
        return Err(uniqueness_conflict(&updated.username));
    }
    updated.updated_at = world.now();
    let representation = scim_user_json(&updated, &context.base_url);
    if let Some(slot) = world.users.iter_mut().find(|user| user.id == updated.id) {
        *slot = updated;
    }
    Ok(scim_json_response(StatusCode::OK, representation))
}

pub(crate) async fn delete_user(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let id = params
        .get("id")
        .map(String::as_str)
        .unwrap_or_default()
        .to_string();
    let user = find_user(&world, &context, &id)?;
    if !scim_may_modify(user) {
        return Err(ScimError::new(
            StatusCode::FORBIDDEN,
            None,
            "the Organization Owner cannot be deleted over SCIM",
        ));
    }
    world.users.retain(|user| user.id != id);
    // Deleting a member deletes their API keys (reference §D).
    world
        .api_keys
        .retain(|key| key.user_id.as_deref() != Some(id.as_str()));
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_name(filter: &str) -> Option<String> {
        match parse_filter(filter) {
            Ok(UserFilter::UserName(name)) => Some(name),
            _ => None,
        }
    }

    #[test]
    fn the_user_name_filter_reads_like_rfc_7644() {
        assert_eq!(user_name(r#"userName eq "jane""#).as_deref(), Some("jane"));
        // Attribute and operator are case-insensitive; the attribute may be schema-qualified.
        assert_eq!(user_name(r#"USERNAME EQ "jane""#).as_deref(), Some("jane"));
        assert_eq!(
            user_name(&format!(r#"{SCHEMA_USER}:userName eq "jane""#)).as_deref(),
            Some("jane")
        );
        // The value is a JSON string: spaces kept, escapes decoded; runs of spaces between parts.
        assert_eq!(
            user_name(r#"userName  eq   "a \"b\" c\\d""#).as_deref(),
            Some(r#"a "b" c\d"#)
        );
        for refused in [
            r#"userName eq jane"#,
            r#"userName co "j""#,
            "userName eq",
            "",
        ] {
            assert!(parse_filter(refused).is_err(), "{refused}");
        }
    }
}
