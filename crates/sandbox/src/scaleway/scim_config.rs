//! SCIM configuration and its tokens: `organizations/{id}/scim` (read, enable),
//! `scim/{id}` (disable), `scim/{id}/tokens` (list, create) and `scim-tokens/{id}` (delete).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Months;
use rand::Rng;
use serde_json::{Value, json};

use super::auth::{IamAction, authenticate, authorize, require_organization};
use super::errors::{ScwError, ScwResult, ok_json};
use super::params::{QueryParams, parse_order_by, parse_paging, require_uuid, uuid_problem};
use super::seed::new_uuid;
use super::state::{ScimRecord, ScimTokenRecord};
use super::unverified::{
    DISABLING_SCIM_DELETES_ITS_TOKENS, MAX_LIVE_SCIM_TOKENS, counts_toward_token_cap,
    enable_body_problem, scim_already_enabled, too_many_scim_tokens,
};
use crate::App;
use crate::core::clock::timestamp;

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
    match world.scaleway.scim_for_organization(&organization_id) {
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
    if world
        .scaleway
        .scim_for_organization(&organization_id)
        .is_some()
    {
        return Err(scim_already_enabled());
    }
    let scim = ScimRecord {
        id: new_uuid(&mut world.scaleway.rng),
        organization_id,
        created_at: world.now(),
    };
    let body = scim_json(&scim);
    world.scaleway.scim_configs.push(scim);
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
    let scim = world
        .scaleway
        .scim(&scim_id)
        .ok_or_else(|| ScwError::NotFound {
            resource: "scim",
            resource_id: scim_id.clone(),
        })?;
    authorize(&caller, &scim.organization_id, IamAction::ManageScim)?;
    world
        .scaleway
        .scim_configs
        .retain(|scim| scim.id != scim_id);
    if DISABLING_SCIM_DELETES_ITS_TOKENS {
        for token in world
            .scaleway
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
    let scim = world
        .scaleway
        .scim(&scim_id)
        .ok_or_else(|| ScwError::NotFound {
            resource: "scim",
            resource_id: scim_id.clone(),
        })?;
    authorize(&caller, &scim.organization_id, IamAction::ReadScimTokens)?;
    let mut tokens: Vec<&ScimTokenRecord> = world
        .scaleway
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
    let scim = world
        .scaleway
        .scim(&scim_id)
        .ok_or_else(|| ScwError::NotFound {
            resource: "scim",
            resource_id: scim_id.clone(),
        })?;
    authorize(&caller, &scim.organization_id, IamAction::ManageScimTokens)?;
    let now = world.now();
    let live = world
        .scaleway
        .scim_tokens
        .iter()
        .filter(|token| token.scim_id == scim_id && counts_toward_token_cap(token, now))
        .count();
    if live >= MAX_LIVE_SCIM_TOKENS {
        return Err(too_many_scim_tokens(live));
    }
    let id = new_uuid(&mut world.scaleway.rng);
    // The observed shape of a real token: base64(token id) "." ~72 chars of base64url.
    let random_part: [u8; 54] = std::array::from_fn(|_| world.scaleway.rng.random());
    let bearer_token = format!(
        "{}.{}",
        STANDARD.encode(&id),
        URL_SAFE_NO_PAD.encode(random_part)
    );
    let token = ScimTokenRecord {
        id,
        scim_id,
        created_at: now,
        // TTL is one year and not configurable (documented).
        expires_at: now.checked_add_months(Months::new(12)).unwrap_or(now),
        bearer_token: bearer_token.clone(),
        deleted: false,
    };
    let body = json!({"token": scim_token_json(&token), "bearer_token": bearer_token});
    world.scaleway.scim_tokens.push(token);
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
        .scaleway
        .scim_tokens
        .iter()
        .find(|token| token.id == token_id && !token.deleted)
        .ok_or_else(not_found)?;
    let organization_id = world
        .scaleway
        .scim(&token.scim_id)
        .map(|scim| scim.organization_id.clone())
        .ok_or_else(not_found)?;
    authorize(&caller, &organization_id, IamAction::ManageScimTokens)?;
    for token in world
        .scaleway
        .scim_tokens
        .iter_mut()
        .filter(|token| token.id == token_id)
    {
        token.deleted = true;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
