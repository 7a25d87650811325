//! `/Users`: list (with Entra's matching filters), get, create, patch and delete. A SCIM user
//! is a Scaleway IAM member: these handlers read and write the IAM user table directly.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::filter::{UserFilter, parse_filter};
use super::patch::apply_operation;
use super::protocol::{
    MAX_RESULTS, SCHEMA_LIST, SCHEMA_USER, ScimContext, ScimError, ScimResult, authenticate,
    parse_index, record_body, scim_bool, scim_json_response,
};
use super::unverified::{DEFAULT_LOCALE, scim_may_modify};
use crate::core::clock::timestamp;
use crate::scaleway::seed::new_uuid;
use crate::scaleway::state::{UserRecord, UserType};
use crate::{App, World};

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
        .scaleway
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
        .scaleway
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
pub(super) fn pick_email(emails: &Value) -> Option<String> {
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

fn username_taken(
    world: &World,
    organization_id: &str,
    username: &str,
    except_id: Option<&str>,
) -> bool {
    world.scaleway.users.iter().any(|user| {
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
        id: new_uuid(&mut world.scaleway.rng),
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
        account_root_user_id: new_uuid(&mut world.scaleway.rng),
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
    world.scaleway.users.push(user);
    let mut response = scim_json_response(StatusCode::CREATED, representation);
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
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
    if let Some(slot) = world
        .scaleway
        .users
        .iter_mut()
        .find(|user| user.id == updated.id)
    {
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
    world.scaleway.users.retain(|user| user.id != id);
    // A deleted member leaves every group it was in.
    for group in &mut world.scaleway.groups {
        group.user_ids.retain(|member| member != &id);
    }
    // Deleting a member deletes their API keys.
    world
        .scaleway
        .api_keys
        .retain(|key| key.user_id.as_deref() != Some(id.as_str()));
    Ok(StatusCode::NO_CONTENT.into_response())
}
