//! The organization and its principals: `organizations/{id}`, `users` (list, get),
//! `applications/{id}` and `api-keys/{access_key}`.
//!
//! Order of checks in every handler here and in `scim_config`: authentication, argument format,
//! existence, permission, business rules.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::auth::{IamAction, authenticate, authorize, require_organization};
use super::errors::{ArgumentProblem, ScwError, ScwResult, ok_json};
use super::params::{
    QueryParams, access_key_problem, parse_order_by, parse_paging, require_uuid, uuid_problem,
};
use super::state::{ApiKeyRecord, ApplicationRecord, UserRecord, UserType};
use super::unverified::SELF_LOOKUP_NEEDS_NO_PERMISSION;
use crate::core::clock::timestamp;
use crate::{App, World};

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
        .scaleway
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
    let Some(org) = world.scaleway.organization(&organization_id) else {
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
        .scaleway
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
            (Some(user_id), _) => world
                .scaleway
                .user(user_id)
                .map(|user| user.organization_id.clone()),
            (None, Some(application_id)) => world
                .scaleway
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
    let user = world
        .scaleway
        .user(&user_id)
        .ok_or_else(|| ScwError::NotFound {
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
        .scaleway
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
        .scaleway
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
