//! The Scaleway IAM v1alpha1 subset, served under `{base}/scaleway`.
//!
//! Written from `reference/scaleway-scim.md` (§A, §B, §C.1): same paths, JSON shapes, envelopes
//! and status codes. Where the reference marks a behaviour UNVERIFIED, the choice sits in one
//! constant or function below, with the reason.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Months, Utc};
use rand::Rng;
use serde_json::{Value, json};

use crate::App;
use crate::clock::timestamp;
use crate::state::{
    ApiKeyRecord, ApplicationRecord, PermissionSet, ScimRecord, ScimTokenRecord, UserRecord,
    UserType, World, new_uuid,
};

/// Where the IAM API lives below the sandbox base URL (clients append `/iam/v1alpha1/...`).
pub(crate) const SCALEWAY_PREFIX: &str = "/scaleway";

/// UNVERIFIED (reference §B.3: "at most two active tokens", error for a third one unknown).
pub(crate) const MAX_LIVE_SCIM_TOKENS: usize = 2;

/// UNVERIFIED (reference §B.3 leaves open whether expired tokens count toward the cap of two).
/// The documentation speaks of two *active* tokens, so an expired (but not deleted) token does
/// not count here; it is still listed until someone deletes it.
fn counts_toward_token_cap(token: &ScimTokenRecord, now: DateTime<Utc>) -> bool {
    !token.deleted && token.expires_at > now
}

/// UNVERIFIED (reference §B.3: the error for a third token is "probably 400, 403
/// `quotas_exceeded`, or 412 `precondition_failed`"). Scaleway reports per-resource limits as
/// `quotas_exceeded` elsewhere, and the SDK maps that type to 403, so that is what we answer.
fn too_many_scim_tokens(current: usize) -> ScwError {
    ScwError::QuotasExceeded {
        resource: "iam_scim_token",
        quota: MAX_LIVE_SCIM_TOKENS as u64,
        current: current as u64,
    }
}

/// UNVERIFIED (reference §B.1: a second enable POST is untested; Terraform refuses it itself).
/// A second configuration for one organization is a conflict on a unique resource, and the SDK
/// tests show `conflict` with 409, so that is the most likely answer.
fn scim_already_enabled() -> ScwError {
    ScwError::Conflict("SCIM is already enabled for this organization".into())
}

/// UNVERIFIED (reference §B.3: whether `DELETE /scim/{id}` cascades to its tokens is unknown).
/// Tokens belong to a SCIM configuration and cannot be listed or used without one, so disabling
/// SCIM deletes them: a re-enabled configuration starts with no token, as a fresh one does.
const DISABLING_SCIM_DELETES_ITS_TOKENS: bool = true;

/// UNVERIFIED (reference §A.2: `scw init` calls `GET /api-keys/{own access key}` whatever the
/// key's rights). Looking up one's own API key or own user therefore needs no IAM permission.
const SELF_LOOKUP_NEEDS_NO_PERMISSION: bool = true;

/// UNVERIFIED (reference §C.1: the SDK sends no default page size). Scaleway list calls
/// commonly default to 20 items per page.
const DEFAULT_PAGE_SIZE: u32 = 20;

/// UNVERIFIED: what the enable POST accepts as a body. The SDKs always send `{}` with
/// `Content-Type: application/json` (reference §0 step 2, §E); a body that is not a JSON object,
/// or a missing JSON content type, is rejected as an invalid argument, the way a JSON gateway
/// refuses a body it cannot decode. Unknown fields in the object are ignored.
fn enable_body_problem(headers: &HeaderMap, body: &Bytes) -> Option<ArgumentProblem> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    let is_object = serde_json::from_slice::<Value>(body).is_ok_and(|value| value.is_object());
    (!is_json || !is_object).then(|| ArgumentProblem {
        argument_name: "body".into(),
        reason: "format",
        help_message: "the request body must be a JSON object (`{}`) sent with \
                       Content-Type: application/json"
            .into(),
    })
}

/// What a request wants to do, for the permission check and for the 403 `details`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IamAction {
    ReadOrganization,
    ReadScim,
    ManageScim,
    ReadScimTokens,
    ManageScimTokens,
    ReadUsers,
    ReadApplications,
    ReadApiKeys,
}

impl IamAction {
    /// `(resource, action)` as they appear in a `permissions_denied` body.
    fn denial_detail(self) -> (&'static str, &'static str) {
        match self {
            IamAction::ReadOrganization => ("organization", "read"),
            IamAction::ReadScim => ("iam_scim", "read"),
            IamAction::ManageScim => ("iam_scim", "write"),
            IamAction::ReadScimTokens => ("iam_scim_token", "read"),
            IamAction::ManageScimTokens => ("iam_scim_token", "write"),
            IamAction::ReadUsers => ("iam_user", "read"),
            IamAction::ReadApplications => ("iam_application", "read"),
            IamAction::ReadApiKeys => ("iam_api_key", "read"),
        }
    }
}

/// The permission table, in one place.
///
/// UNVERIFIED (reference §A.3): which permission set authorizes the SCIM endpoints is not
/// documented. Assumed: Owner status, IAMManager and OrganizationManager may do everything here;
/// IAMReadOnly may read the organization, users, applications and API keys but not SCIM (whose
/// token list is security-sensitive); anything else (e.g. ProjectManager) has no IAM rights.
fn permission_sets_allow(sets: &[PermissionSet], action: IamAction) -> bool {
    sets.iter().any(|set| match set {
        PermissionSet::OwnerStatus
        | PermissionSet::IamManager
        | PermissionSet::OrganizationManager => true,
        PermissionSet::IamReadOnly => matches!(
            action,
            IamAction::ReadOrganization
                | IamAction::ReadUsers
                | IamAction::ReadApplications
                | IamAction::ReadApiKeys
        ),
        PermissionSet::ProjectManager => false,
    })
}

/// One entry of an `invalid_arguments` body.
#[derive(Debug, Clone)]
pub(crate) struct ArgumentProblem {
    argument_name: String,
    /// `unknown`, `required`, `format` or `constraint`.
    reason: &'static str,
    help_message: String,
}

/// A Scaleway API error, rendered in the documented envelope (reference §A.4).
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

/// A known path called with the wrong method: 405 (reference §A.4, [3P]). The body is
/// UNVERIFIED; we keep the documented envelope shape.
pub(crate) fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({"message": "method not allowed", "type": "method_not_allowed"})),
    )
        .into_response()
}

type ScwResult = Result<Response, ScwError>;

/// Who is calling, as resolved from `X-Auth-Token`.
#[derive(Debug)]
struct Caller {
    access_key: String,
    user_id: Option<String>,
    organization_id: String,
    permission_sets: Vec<PermissionSet>,
    /// A locked member's keys lose their permissions (reference §D).
    locked: bool,
}

fn authenticate(world: &World, headers: &HeaderMap) -> Result<Caller, ScwError> {
    let not_found = ScwError::DeniedAuthentication {
        reason: "not_found",
    };
    let secret = headers
        .get("x-auth-token")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .ok_or(not_found.clone())?;
    let key = world
        .api_keys
        .iter()
        .find(|key| key.secret_key == secret)
        .ok_or(not_found.clone())?;
    // UNVERIFIED (reference §A.4): `reason: "expired"` is inferred from the SDK enum.
    if key.expires_at.is_some_and(|expiry| expiry <= world.now()) {
        return Err(ScwError::DeniedAuthentication { reason: "expired" });
    }
    let (organization_id, permission_sets, locked) = match (&key.user_id, &key.application_id) {
        (Some(user_id), _) => {
            // Deleting a member deletes their API keys (reference §D).
            let user = world.user(user_id).ok_or(not_found)?;
            (
                user.organization_id.clone(),
                user.permission_sets.clone(),
                user.locked,
            )
        }
        (None, Some(application_id)) => {
            let application = world
                .applications
                .iter()
                .find(|application| &application.id == application_id)
                .ok_or(not_found)?;
            (
                application.organization_id.clone(),
                application.permission_sets.clone(),
                false,
            )
        }
        (None, None) => return Err(not_found),
    };
    Ok(Caller {
        access_key: key.access_key.clone(),
        user_id: key.user_id.clone(),
        organization_id,
        permission_sets,
        locked,
    })
}

/// May `caller` do `action` on a resource of organization `target_organization_id`?
/// A key never has rights in another organization, so that is a 403 like any missing right.
fn authorize(
    caller: &Caller,
    target_organization_id: &str,
    action: IamAction,
) -> Result<(), ScwError> {
    let allowed = !caller.locked
        && caller.organization_id == target_organization_id
        && permission_sets_allow(&caller.permission_sets, action);
    if allowed {
        Ok(())
    } else {
        Err(ScwError::PermissionsDenied(action))
    }
}

fn uuid_problem(argument_name: &str, value: &str) -> Option<ArgumentProblem> {
    // Scaleway ids are canonical hyphenated UUIDs; uuid's parser also takes braces, `urn:` and
    // bare hex, which the API would not, hence the length check.
    let canonical = value.len() == 36 && uuid::Uuid::try_parse(value).is_ok();
    (!canonical).then(|| ArgumentProblem {
        argument_name: argument_name.to_string(),
        reason: "format",
        help_message: format!("{argument_name} must be a valid UUID"),
    })
}

fn require_uuid(argument_name: &str, value: &str) -> Result<(), ScwError> {
    match uuid_problem(argument_name, value) {
        Some(problem) => Err(ScwError::InvalidArguments(vec![problem])),
        None => Ok(()),
    }
}

/// The organization named in a path: unknown → 404 `organization`.
///
/// UNVERIFIED (reference §A.2): an organization the sandbox does not know answers 404 with
/// resource `organization`; an organization that exists but is not the caller's answers 403
/// `permissions_denied` (see [`authorize`]), since IAM checks rights on resources it can find.
fn require_organization(world: &World, organization_id: &str) -> Result<(), ScwError> {
    match world.organization(organization_id) {
        Some(_) => Ok(()),
        None => Err(ScwError::NotFound {
            resource: "organization",
            resource_id: organization_id.to_string(),
        }),
    }
}

/// Query string as ordered pairs (repeated keys kept, e.g. `user_ids=a&user_ids=b`).
struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    fn parse(raw: Option<&str>) -> Self {
        QueryParams(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

struct Paging {
    page: u32,
    page_size: u32,
}

impl Paging {
    fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        let skip = (self.page as usize - 1).saturating_mul(self.page_size as usize);
        items
            .into_iter()
            .skip(skip)
            .take(self.page_size as usize)
            .collect()
    }
}

/// `page` ≥ 1 and `page_size` 1..=100 (reference §B.1, §C.1); problems are appended.
fn parse_paging(query: &QueryParams, problems: &mut Vec<ArgumentProblem>) -> Paging {
    let mut number = |name: &str, default: u32, min: u32, max: u32| -> u32 {
        let Some(text) = query.get(name) else {
            return default;
        };
        match text.parse::<i64>() {
            Ok(value) if value >= i64::from(min) && value <= i64::from(max) => value as u32,
            Ok(_) => {
                problems.push(ArgumentProblem {
                    argument_name: name.to_string(),
                    reason: "constraint",
                    help_message: if max == u32::MAX {
                        format!("{name} must be greater than or equal to {min}")
                    } else {
                        format!("{name} must be between {min} and {max}")
                    },
                });
                default
            }
            Err(_) => {
                problems.push(ArgumentProblem {
                    argument_name: name.to_string(),
                    reason: "format",
                    help_message: format!("{name} must be an integer"),
                });
                default
            }
        }
    };
    let page = number("page", 1, 1, u32::MAX);
    let page_size = number("page_size", DEFAULT_PAGE_SIZE, 1, 100);
    Paging { page, page_size }
}

fn parse_order_by<'a>(
    query: &'a QueryParams,
    allowed: &[&'a str],
    problems: &mut Vec<ArgumentProblem>,
) -> &'a str {
    let default = allowed.first().copied().unwrap_or_default();
    match query.get("order_by") {
        None => default,
        Some(value) if allowed.contains(&value) => value,
        Some(_) => {
            problems.push(ArgumentProblem {
                argument_name: "order_by".into(),
                reason: "constraint",
                help_message: format!("order_by must be one of: {}", allowed.join(", ")),
            });
            default
        }
    }
}

fn scim_json(scim: &ScimRecord) -> Value {
    json!({"id": scim.id, "created_at": timestamp(scim.created_at)})
}

fn scim_token_json(token: &ScimTokenRecord) -> Value {
    json!({
        "id": token.id,
        "scim_id": token.scim_id,
        "created_at": timestamp(token.created_at),
        "expires_at": timestamp(token.expires_at),
    })
}

pub(crate) fn user_json(user: &UserRecord) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone_number": "",
        "locale": user.locale,
        "created_at": timestamp(user.created_at),
        "updated_at": timestamp(user.updated_at),
        "organization_id": user.organization_id,
        "deletable": user.user_type != UserType::Owner,
        "last_login_at": user.last_login_at.map(timestamp),
        "type": user.user_type.as_str(),
        "two_factor_enabled": user.mfa,
        "status": "activated",
        "mfa": user.mfa,
        "account_root_user_id": user.account_root_user_id,
        "tags": [],
        "locked": user.locked,
    })
}

fn application_json(world: &World, application: &ApplicationRecord) -> Value {
    let key_count = world
        .api_keys
        .iter()
        .filter(|key| key.application_id.as_deref() == Some(application.id.as_str()))
        .count();
    json!({
        "id": application.id,
        "name": application.name,
        "description": application.description,
        "created_at": timestamp(application.created_at),
        "updated_at": timestamp(application.created_at),
        "organization_id": application.organization_id,
        "editable": true,
        "deletable": true,
        "managed": false,
        "nb_api_keys": key_count,
        "tags": [],
    })
}

fn api_key_json(key: &ApiKeyRecord) -> Value {
    let mut body = json!({
        "access_key": key.access_key,
        "secret_key": null,
        "description": key.description,
        "created_at": timestamp(key.created_at),
        "updated_at": timestamp(key.created_at),
        "expires_at": key.expires_at.map(timestamp),
        "default_project_id": key.default_project_id,
        "editable": true,
        "deletable": true,
        "managed": false,
        "creation_ip": "198.51.100.7",
    });
    // Exactly one of the two bearer fields is present (a oneof in the API), never both.
    if let Some(object) = body.as_object_mut() {
        match (&key.user_id, &key.application_id) {
            (Some(user_id), _) => object.insert("user_id".into(), json!(user_id)),
            (None, application_id) => object.insert("application_id".into(), json!(application_id)),
        };
    }
    body
}

fn ok_json(body: Value) -> ScwResult {
    Ok((StatusCode::OK, Json(body)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Handlers. Order of checks: authentication, argument format, existence, permission, business.

pub(crate) async fn get_organization(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(organization_id): Path<String>,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("organization_id", &organization_id)?;
    require_organization(&world, &organization_id)?;
    authorize(&caller, &organization_id, IamAction::ReadOrganization)?;
    let Some(org) = world.organization(&organization_id) else {
        return Err(ScwError::NotFound {
            resource: "organization",
            resource_id: organization_id,
        });
    };
    ok_json(json!({
        "id": org.id,
        "name": org.name,
        "alias": org.alias,
        "login_password_enabled": true,
        "login_magic_code_enabled": true,
        "login_oauth2_enabled": true,
        "login_saml_enabled": false,
    }))
}

pub(crate) async fn get_scim(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(organization_id): Path<String>,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("organization_id", &organization_id)?;
    require_organization(&world, &organization_id)?;
    authorize(&caller, &organization_id, IamAction::ReadScim)?;
    match world.scim_for_organization(&organization_id) {
        Some(scim) => ok_json(scim_json(scim)),
        None => Err(ScwError::NotFound {
            resource: "organization_scim",
            resource_id: organization_id,
        }),
    }
}

pub(crate) async fn enable_scim(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(organization_id): Path<String>,
    body: Bytes,
) -> ScwResult {
    let mut world = app.world();
    let caller = authenticate(&world, &headers)?;
    let problems: Vec<_> = uuid_problem("organization_id", &organization_id)
        .into_iter()
        .chain(enable_body_problem(&headers, &body))
        .collect();
    if !problems.is_empty() {
        return Err(ScwError::InvalidArguments(problems));
    }
    require_organization(&world, &organization_id)?;
    authorize(&caller, &organization_id, IamAction::ManageScim)?;
    if world.scim_for_organization(&organization_id).is_some() {
        return Err(scim_already_enabled());
    }
    let scim = ScimRecord {
        id: new_uuid(&mut world.rng),
        organization_id,
        created_at: world.now(),
    };
    let body = scim_json(&scim);
    world.scim_configs.push(scim);
    ok_json(body)
}

pub(crate) async fn delete_scim(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(scim_id): Path<String>,
) -> ScwResult {
    let mut world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("scim_id", &scim_id)?;
    let scim = world.scim(&scim_id).ok_or_else(|| ScwError::NotFound {
        resource: "scim",
        resource_id: scim_id.clone(),
    })?;
    authorize(&caller, &scim.organization_id, IamAction::ManageScim)?;
    world.scim_configs.retain(|scim| scim.id != scim_id);
    if DISABLING_SCIM_DELETES_ITS_TOKENS {
        for token in world
            .scim_tokens
            .iter_mut()
            .filter(|token| token.scim_id == scim_id)
        {
            token.deleted = true;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn list_scim_tokens(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(scim_id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    let query = QueryParams::parse(raw_query.as_deref());
    let mut problems: Vec<_> = uuid_problem("scim_id", &scim_id).into_iter().collect();
    let order_by = parse_order_by(
        &query,
        &["created_at_asc", "created_at_desc"],
        &mut problems,
    );
    let paging = parse_paging(&query, &mut problems);
    if !problems.is_empty() {
        return Err(ScwError::InvalidArguments(problems));
    }
    let scim = world.scim(&scim_id).ok_or_else(|| ScwError::NotFound {
        resource: "scim",
        resource_id: scim_id.clone(),
    })?;
    authorize(&caller, &scim.organization_id, IamAction::ReadScimTokens)?;
    let mut tokens: Vec<&ScimTokenRecord> = world
        .scim_tokens
        .iter()
        .filter(|token| token.scim_id == scim_id && !token.deleted)
        .collect();
    tokens.sort_by_key(|token| token.created_at);
    if order_by == "created_at_desc" {
        tokens.reverse();
    }
    let total_count = tokens.len();
    let page: Vec<Value> = paging
        .slice(tokens)
        .into_iter()
        .map(scim_token_json)
        .collect();
    ok_json(json!({"scim_tokens": page, "total_count": total_count}))
}

pub(crate) async fn create_scim_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(scim_id): Path<String>,
) -> ScwResult {
    let mut world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("scim_id", &scim_id)?;
    let scim = world.scim(&scim_id).ok_or_else(|| ScwError::NotFound {
        resource: "scim",
        resource_id: scim_id.clone(),
    })?;
    authorize(&caller, &scim.organization_id, IamAction::ManageScimTokens)?;
    let now = world.now();
    let live = world
        .scim_tokens
        .iter()
        .filter(|token| token.scim_id == scim_id && counts_toward_token_cap(token, now))
        .count();
    if live >= MAX_LIVE_SCIM_TOKENS {
        return Err(too_many_scim_tokens(live));
    }
    let id = new_uuid(&mut world.rng);
    // Observed shape (reference §B.2): base64(token id) "." ~72 chars of base64url.
    let random_part: [u8; 54] = std::array::from_fn(|_| world.rng.random());
    let bearer_token = format!(
        "{}.{}",
        STANDARD.encode(&id),
        URL_SAFE_NO_PAD.encode(random_part)
    );
    let token = ScimTokenRecord {
        id,
        scim_id,
        created_at: now,
        // TTL is one year and not configurable (reference §B.3).
        expires_at: now.checked_add_months(Months::new(12)).unwrap_or(now),
        bearer_token: bearer_token.clone(),
        deleted: false,
    };
    let body = json!({"token": scim_token_json(&token), "bearer_token": bearer_token});
    world.scim_tokens.push(token);
    ok_json(body)
}

pub(crate) async fn delete_scim_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(token_id): Path<String>,
) -> ScwResult {
    let mut world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("token_id", &token_id)?;
    let not_found = || ScwError::NotFound {
        resource: "scim_token",
        resource_id: token_id.clone(),
    };
    let token = world
        .scim_tokens
        .iter()
        .find(|token| token.id == token_id && !token.deleted)
        .ok_or_else(not_found)?;
    let organization_id = world
        .scim(&token.scim_id)
        .map(|scim| scim.organization_id.clone())
        .ok_or_else(not_found)?;
    authorize(&caller, &organization_id, IamAction::ManageScimTokens)?;
    for token in world
        .scim_tokens
        .iter_mut()
        .filter(|token| token.id == token_id)
    {
        token.deleted = true;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn access_key_problem(value: &str) -> Option<ArgumentProblem> {
    let well_formed = value.len() == 20
        && value.starts_with("SCW")
        && value[3..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    (!well_formed).then(|| ArgumentProblem {
        argument_name: "access_key".into(),
        reason: "format",
        help_message: "access_key must be a valid access key (SCW followed by 17 characters)"
            .into(),
    })
}

pub(crate) async fn get_api_key(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(access_key): Path<String>,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    if let Some(problem) = access_key_problem(&access_key) {
        return Err(ScwError::InvalidArguments(vec![problem]));
    }
    let key = world
        .api_keys
        .iter()
        .find(|key| key.access_key == access_key)
        .ok_or_else(|| ScwError::NotFound {
            resource: "api_key",
            resource_id: access_key.clone(),
        })?;
    let is_own_key = key.access_key == caller.access_key;
    if !(is_own_key && SELF_LOOKUP_NEEDS_NO_PERMISSION) {
        let owner_organization = match (&key.user_id, &key.application_id) {
            (Some(user_id), _) => world.user(user_id).map(|user| user.organization_id.clone()),
            (None, Some(application_id)) => world
                .applications
                .iter()
                .find(|application| &application.id == application_id)
                .map(|application| application.organization_id.clone()),
            (None, None) => None,
        }
        .unwrap_or_default();
        authorize(&caller, &owner_organization, IamAction::ReadApiKeys)?;
    }
    ok_json(api_key_json(key))
}

pub(crate) async fn get_user(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("user_id", &user_id)?;
    let user = world.user(&user_id).ok_or_else(|| ScwError::NotFound {
        resource: "user",
        resource_id: user_id.clone(),
    })?;
    let is_self = caller.user_id.as_deref() == Some(user.id.as_str());
    if !(is_self && SELF_LOOKUP_NEEDS_NO_PERMISSION) {
        authorize(&caller, &user.organization_id, IamAction::ReadUsers)?;
    }
    ok_json(user_json(user))
}

pub(crate) async fn get_application(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(application_id): Path<String>,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("application_id", &application_id)?;
    let application = world
        .applications
        .iter()
        .find(|application| application.id == application_id)
        .ok_or_else(|| ScwError::NotFound {
            resource: "application",
            resource_id: application_id.clone(),
        })?;
    authorize(
        &caller,
        &application.organization_id,
        IamAction::ReadApplications,
    )?;
    ok_json(application_json(&world, application))
}

const USER_ORDERS: &[&str] = &[
    "created_at_asc",
    "created_at_desc",
    "updated_at_asc",
    "updated_at_desc",
    "email_asc",
    "email_desc",
    "last_login_asc",
    "last_login_desc",
    "username_asc",
    "username_desc",
];

pub(crate) async fn list_users(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    let query = QueryParams::parse(raw_query.as_deref());
    let mut problems = Vec::new();
    // UNVERIFIED: the SDK always fills organization_id; without it we list the caller's own
    // organization, the friendliest reading of an optional filter.
    let organization_id = query
        .get("organization_id")
        .unwrap_or(&caller.organization_id)
        .to_string();
    problems.extend(uuid_problem("organization_id", &organization_id));
    let order_by = parse_order_by(&query, USER_ORDERS, &mut problems);
    let paging = parse_paging(&query, &mut problems);
    let type_filter = match query.get("type") {
        None => None,
        Some("owner") => Some(UserType::Owner),
        Some("member") => Some(UserType::Member),
        Some(_) => {
            problems.push(ArgumentProblem {
                argument_name: "type".into(),
                reason: "constraint",
                help_message: "type must be one of: owner, member".into(),
            });
            None
        }
    };
    let user_ids = query.all("user_ids");
    for user_id in &user_ids {
        problems.extend(uuid_problem("user_ids", user_id));
    }
    if !problems.is_empty() {
        return Err(ScwError::InvalidArguments(problems));
    }
    require_organization(&world, &organization_id)?;
    authorize(&caller, &organization_id, IamAction::ReadUsers)?;

    let mut users: Vec<&UserRecord> = world
        .users
        .iter()
        .filter(|user| user.organization_id == organization_id)
        .filter(|user| type_filter.is_none_or(|wanted| user.user_type == wanted))
        .filter(|user| user_ids.is_empty() || user_ids.contains(&user.id.as_str()))
        .collect();
    let (field, direction) = order_by.rsplit_once('_').unwrap_or((order_by, "asc"));
    users.sort_by(|a, b| match field {
        "updated_at" => a.updated_at.cmp(&b.updated_at),
        "email" => a.email.cmp(&b.email),
        "last_login" => a.last_login_at.cmp(&b.last_login_at),
        "username" => a.username.cmp(&b.username),
        _ => a.created_at.cmp(&b.created_at),
    });
    if direction == "desc" {
        users.reverse();
    }
    let total_count = users.len();
    let page: Vec<Value> = paging.slice(users).into_iter().map(user_json).collect();
    ok_json(json!({"users": page, "total_count": total_count}))
}
