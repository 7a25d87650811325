//! Test-only control routes of the login simulator, under `/_sandbox/login` (see the table in
//! the module root). Like every `/_sandbox` route they are never faulted and never logged.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::device::{ApprovalProblem, approve_by_user_code};
use super::scopes::{graph_part, graph_permission};
use super::{
    AUTHORIZATION_CODE_LIFETIME_SECONDS, Behaviour, LoginState, check_client, signing_in_user,
    token,
};
use crate::App;
use crate::core::clock::timestamp;
use crate::tenant::{GRAPH_CLI_CLIENT_ID, TenantSeed};

/// The keys `POST /_sandbox/login/behaviour` understands.
const BEHAVIOUR_KEYS: &[&str] = &[
    "deny_consent",
    "sign_in_as",
    "consented_scopes",
    "access_token_lifetime_seconds",
    "device_poll_interval_seconds",
    "device_auto_approve_after_polls",
    "require_pkce",
    "enforce_poll_interval",
];

/// Longest access-token lifetime a test may ask for (a day; Entra's maximum is 90 minutes).
const MAX_TEST_TOKEN_LIFETIME_SECONDS: u64 = 86_400;

fn control_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// A JSON object body (an empty body counts as `{}`).
fn json_object(body: &Bytes) -> Option<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

fn not_an_object() -> Response {
    control_error(StatusCode::BAD_REQUEST, "the body must be a JSON object")
}

/// `GET /_sandbox/login/behaviour`.
pub(super) async fn get_behaviour(State(app): State<Arc<App>>) -> Response {
    Json(&app.login().behaviour).into_response()
}

/// `POST /_sandbox/login/behaviour`: changes only the keys given; `null` restores a key's
/// default. Unknown keys and bad values are refused (400) with nothing changed.
pub(super) async fn set_behaviour(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(update) = json_object(&body) else {
        return not_an_object();
    };
    let mut login = app.login();
    match updated_behaviour(&login.behaviour, &update, app.tenant()) {
        Ok(behaviour) => {
            login.behaviour = behaviour;
            Json(&login.behaviour).into_response()
        }
        Err(message) => control_error(StatusCode::BAD_REQUEST, message),
    }
}

fn updated_behaviour(
    current: &Behaviour,
    update: &Map<String, Value>,
    tenant: &TenantSeed,
) -> Result<Behaviour, String> {
    let defaults = Behaviour::default();
    let mut next = current.clone();
    for (key, value) in update {
        let reset = value.is_null();
        let bad = |expected: &str| format!("{key}: expected {expected}, got {value}");
        match key.as_str() {
            "deny_consent" => {
                next.deny_consent = if reset {
                    defaults.deny_consent
                } else {
                    value.as_bool().ok_or_else(|| bad("true or false"))?
                };
            }
            "require_pkce" => {
                next.require_pkce = if reset {
                    defaults.require_pkce
                } else {
                    value.as_bool().ok_or_else(|| bad("true or false"))?
                };
            }
            "enforce_poll_interval" => {
                next.enforce_poll_interval = if reset {
                    defaults.enforce_poll_interval
                } else {
                    value.as_bool().ok_or_else(|| bad("true or false"))?
                };
            }
            "sign_in_as" => {
                next.sign_in_as = if reset {
                    None
                } else {
                    let upn = value.as_str().ok_or_else(|| bad("a UPN"))?;
                    let user = tenant
                        .user_by_upn(upn)
                        .ok_or_else(|| format!("sign_in_as: no user {upn:?} in the tenant"))?;
                    Some(user.user_principal_name.clone())
                };
            }
            "consented_scopes" => {
                next.consented_scopes = if reset {
                    None
                } else {
                    let names = value
                        .as_array()
                        .ok_or_else(|| bad("a list of Graph permissions"))?;
                    let mut consented = Vec::new();
                    for name in names {
                        let text = name.as_str().ok_or_else(|| bad("a list of strings"))?;
                        let permission =
                            graph_part(text).and_then(graph_permission).ok_or_else(|| {
                                format!("consented_scopes: unknown Graph permission {text:?}")
                            })?;
                        if !consented.contains(&permission) {
                            consented.push(permission);
                        }
                    }
                    Some(consented)
                };
            }
            "access_token_lifetime_seconds" => {
                next.access_token_lifetime_seconds = if reset {
                    None
                } else {
                    Some(
                        seconds(value, 1, MAX_TEST_TOKEN_LIFETIME_SECONDS)
                            .ok_or_else(|| bad("1..=86400 seconds"))?,
                    )
                };
            }
            "device_poll_interval_seconds" => {
                next.device_poll_interval_seconds = if reset {
                    defaults.device_poll_interval_seconds
                } else {
                    seconds(value, 0, 3600).ok_or_else(|| bad("0..=3600 seconds"))?
                };
            }
            "device_auto_approve_after_polls" => {
                next.device_auto_approve_after_polls = if reset {
                    defaults.device_auto_approve_after_polls
                } else {
                    seconds(value, 0, 1000)
                        .ok_or_else(|| bad("a poll count 0..=1000 (0 = never)"))?
                };
            }
            _ => {
                return Err(format!(
                    "unknown key {key:?}; known keys: {}",
                    BEHAVIOUR_KEYS.join(", ")
                ));
            }
        }
    }
    Ok(next)
}

/// A whole number in `min..=max`, as `u32`.
fn seconds(value: &Value, min: u64, max: u64) -> Option<u32> {
    value
        .as_u64()
        .filter(|number| (min..=max).contains(number))
        .and_then(|number| u32::try_from(number).ok())
}

/// `POST /_sandbox/login/revoke` `{}` or `{"upn": "…"}`: an admin's "revoke sessions" (or a
/// password reset): refresh tokens stop working (AADSTS50173) and browser sessions end.
pub(super) async fn revoke(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(request) = json_object(&body) else {
        return not_an_object();
    };
    let user_id = match request.get("upn") {
        None | Some(Value::Null) => None,
        Some(Value::String(upn)) => match app.tenant().user_by_upn(upn) {
            Some(user) => Some(user.id.clone()),
            None => {
                return control_error(
                    StatusCode::BAD_REQUEST,
                    format!("no user {upn:?} in the tenant"),
                );
            }
        },
        Some(_) => return control_error(StatusCode::BAD_REQUEST, "upn must be a string"),
    };
    let now = app.now();
    let mut login = app.login();
    let mut revoked = 0_u32;
    for grant in login.refresh_tokens.values_mut() {
        let matches = user_id.as_ref().is_none_or(|id| *id == grant.user_id);
        if matches && grant.revoked_at.is_none() {
            grant.revoked_at = Some(now);
            revoked += 1;
        }
    }
    match &user_id {
        Some(id) => {
            login.sessions.remove(id);
        }
        None => login.sessions.clear(),
    }
    Json(json!({"revoked_refresh_tokens": revoked})).into_response()
}

/// `POST /_sandbox/login/device/approve` `{"user_code": "…", "decline": false, "as_upn": "…"}`.
/// Without `as_upn`, the behaviour's `sign_in_as` or the admin approves.
pub(super) async fn approve_device(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(request) = json_object(&body) else {
        return not_an_object();
    };
    let Some(user_code) = request.get("user_code").and_then(Value::as_str) else {
        return control_error(StatusCode::BAD_REQUEST, "user_code (string) is required");
    };
    let decline = match request.get("decline") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(decline)) => *decline,
        Some(_) => return control_error(StatusCode::BAD_REQUEST, "decline must be true or false"),
    };
    let tenant = app.tenant();
    let now = app.now();
    let mut login = app.login();
    let user = match request.get("as_upn") {
        None | Some(Value::Null) => signing_in_user(tenant, &login.behaviour, None),
        Some(Value::String(upn)) => match tenant.user_by_upn(upn) {
            Some(user) => Some(user),
            None => {
                return control_error(
                    StatusCode::BAD_REQUEST,
                    format!("no user {upn:?} in the tenant"),
                );
            }
        },
        Some(_) => return control_error(StatusCode::BAD_REQUEST, "as_upn must be a string"),
    };
    let Some(user) = user else {
        return control_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the seeded tenant has no admin",
        );
    };
    match approve_by_user_code(&mut login, user, user_code, decline, now) {
        Ok(status) => {
            Json(json!({"status": status, "upn": user.user_principal_name})).into_response()
        }
        Err(ApprovalProblem::UnknownUserCode) => control_error(
            StatusCode::NOT_FOUND,
            format!("no device flow has the user code {user_code:?}"),
        ),
        Err(ApprovalProblem::Expired) => {
            control_error(StatusCode::CONFLICT, "the user code has expired")
        }
        Err(ApprovalProblem::AlreadySettled(status)) => control_error(
            StatusCode::CONFLICT,
            format!("the request was already authorized or declined (status: {status})"),
        ),
    }
}

/// `POST /_sandbox/login/token-for` `{"upn": "…", "scopes": ["…"], "client_id": "…",
/// "lifetime_seconds": N}`: TEST-ONLY. A Graph access token for a tenant user without any
/// browser flow, for Graph tests. Ignores consent and behaviour switches; scopes must be known
/// Graph permissions (any spelling).
pub(super) async fn token_for(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(request) = json_object(&body) else {
        return not_an_object();
    };
    let tenant = app.tenant();
    let Some(upn) = request.get("upn").and_then(Value::as_str) else {
        return control_error(StatusCode::BAD_REQUEST, "upn (string) is required");
    };
    let Some(user) = tenant.user_by_upn(upn) else {
        return control_error(
            StatusCode::BAD_REQUEST,
            format!("no user {upn:?} in the tenant"),
        );
    };
    let Some(requested) = request.get("scopes").and_then(Value::as_array) else {
        return control_error(
            StatusCode::BAD_REQUEST,
            "scopes (list of Graph permissions) is required",
        );
    };
    let mut scopes: Vec<&'static str> = Vec::new();
    for scope in requested {
        let Some(permission) = scope
            .as_str()
            .and_then(graph_part)
            .and_then(graph_permission)
        else {
            return control_error(
                StatusCode::BAD_REQUEST,
                format!("unknown Graph permission {scope}"),
            );
        };
        if !scopes.contains(&permission) {
            scopes.push(permission);
        }
    }
    let client_id = request
        .get("client_id")
        .and_then(Value::as_str)
        .unwrap_or(GRAPH_CLI_CLIENT_ID);
    if check_client(tenant, client_id).is_err() {
        return control_error(
            StatusCode::BAD_REQUEST,
            format!("unknown client_id {client_id:?}"),
        );
    }
    let lifetime = match request.get("lifetime_seconds") {
        None | Some(Value::Null) => 3600,
        Some(value) => match seconds(value, 1, MAX_TEST_TOKEN_LIFETIME_SECONDS) {
            Some(lifetime) => lifetime,
            None => {
                return control_error(
                    StatusCode::BAD_REQUEST,
                    "lifetime_seconds: expected 1..=86400",
                );
            }
        },
    };
    let scp = scopes.join(" ");
    let access_token = token::access_token(&app, user, client_id, scp.clone(), app.now(), lifetime);
    Json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": scp,
    }))
    .into_response()
}

/// `GET /_sandbox/login/state`: what the login simulator holds, without any secret.
pub(super) async fn state(State(app): State<Arc<App>>) -> Response {
    let now = app.now();
    let login = app.login();
    Json(dump(&login, app.tenant(), now)).into_response()
}

fn dump(login: &LoginState, tenant: &TenantSeed, now: DateTime<Utc>) -> Value {
    let upn = |user_id: &str| {
        tenant
            .user_by_id(user_id)
            .map(|user| user.user_principal_name.clone())
    };
    let codes: Vec<Value> = login
        .codes
        .values()
        .map(|code| {
            json!({
                "client_id": code.client_id,
                "user": upn(&code.user_id),
                "redirect_uri": code.redirect_uri,
                "scopes": code.grant.graph,
                "oidc": code.grant.oidc,
                "pkce_method": code.pkce.as_ref().map(|pkce| pkce.method),
                "issued_at": timestamp(code.issued_at),
                "redeemed": code.redeemed,
                "expired": now >= code.issued_at + Duration::seconds(AUTHORIZATION_CODE_LIFETIME_SECONDS),
            })
        })
        .collect();
    let refresh_tokens: Vec<Value> = login
        .refresh_tokens
        .values()
        .map(|grant| {
            json!({
                "client_id": grant.client_id,
                "user": upn(&grant.user_id),
                "scopes": grant.grant.graph,
                "issued_at": timestamp(grant.issued_at),
                "last_used_at": timestamp(grant.last_used_at),
                "uses": grant.uses,
                "revoked": grant.revoked_at.is_some(),
            })
        })
        .collect();
    let device_codes: Vec<Value> = login
        .device_authorizations
        .values()
        .map(|flow| {
            let user = match &flow.status {
                super::DeviceStatus::Approved { user_id, .. } => upn(user_id),
                _ => None,
            };
            json!({
                "client_id": flow.client_id,
                "user_code": flow.user_code,
                "status": flow.status.name(),
                "user": user,
                "polls": flow.polls,
                "interval": flow.interval_seconds,
                "created_at": timestamp(flow.created_at),
                "expires_at": timestamp(flow.expires_at),
                "expired": now >= flow.expires_at,
            })
        })
        .collect();
    let sessions: Vec<Option<String>> = login.sessions.iter().map(|id| upn(id)).collect();
    json!({
        "behaviour": login.behaviour,
        "authorization_codes": codes,
        "refresh_tokens": refresh_tokens,
        "device_codes": device_codes,
        "signed_in_users": sessions,
        "authorize_requests": login.authorize_log,
        "token_requests": login.token_log,
    })
}
