//! Test-only routes of the Graph simulator under `/_sandbox/graph/...` (never faulted, never in
//! the request log):
//!
//! - `GET  /_sandbox/graph/state`: apps, service principals, assignments, jobs (with status and
//!   schema), secrets with `SecretToken` reduced to a fingerprint;
//! - `GET  /_sandbox/graph/provisioning[?jobId=…]`: every SCIM exchange the provisioning
//!   simulator made, its provisioning log and its runs;
//! - `POST /_sandbox/graph/jobs/{jobId}/run-cycle`: runs one provisioning cycle now and answers
//!   its summary (deterministic alternative to waiting for the scheduled one);
//! - `POST /_sandbox/graph/jobs/{jobId}/quarantine` `{"reason"?, "message"?}`: quarantines the
//!   job now, as Entra does after failures (the message is what the service said);
//! - `POST /_sandbox/graph/token-for` `{"upn", "scopes": [..] | "a b", "expires_in"?}`: mints an
//!   access token for a tenant user (the login simulator is the normal issuer);
//! - `POST /_sandbox/graph/quirks` `{"instantiate_lies": N}`: the next N instantiate calls create
//!   the app but answer 404.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::provisioning;
use super::sync::job_json;
use crate::App;
use crate::core::clock::timestamp;
use crate::core::fingerprint;
use crate::entra_tokens::{self, AccessClaims, GRAPH_AUDIENCE};
use crate::tenant::GRAPH_CLI_CLIENT_ID;

/// Switches that make the simulated Graph misbehave the way the real one is reported to.
#[derive(Debug, Default)]
pub(crate) struct Quirks {
    instantiate_lies: u32,
}

impl Quirks {
    /// Whether this instantiate call must answer 404 after creating the objects.
    pub(crate) fn take_instantiate_lie(&mut self) -> bool {
        if self.instantiate_lies > 0 {
            self.instantiate_lies -= 1;
            true
        } else {
            false
        }
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/graph/state", get(state))
        .route("/_sandbox/graph/provisioning", get(provisioning_journal))
        .route("/_sandbox/graph/jobs/{job_id}/run-cycle", post(run_cycle))
        .route("/_sandbox/graph/jobs/{job_id}/quarantine", post(quarantine))
        .route("/_sandbox/graph/token-for", post(token_for))
        .route("/_sandbox/graph/quirks", post(quirks))
}

fn control_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

const SECRET_KEYS_TO_REDACT: &[&str] = &[
    "SecretToken",
    "Password",
    "ClientSecret",
    "Oauth2ClientSecret",
    "Oauth2AccessToken",
    "Oauth2RefreshToken",
    "AppKey",
    "ConsumerSecret",
    "TokenKey",
];

async fn state(State(app): State<Arc<App>>) -> Response {
    let graph = app.graph();
    let applications: Vec<Value> = graph
        .applications
        .iter()
        .map(|record| {
            json!({"id": record.id, "appId": record.app_id, "displayName": record.display_name,
                   "applicationTemplateId": record.template_id, "createdDateTime": timestamp(record.created),
                   "visibleAt": timestamp(record.visible_at)})
        })
        .collect();
    let service_principals: Vec<Value> = graph
        .service_principals
        .iter()
        .map(|record| {
            json!({"id": record.id, "appId": record.app_id, "applicationId": record.application_id,
                   "displayName": record.display_name, "visibleAt": timestamp(record.visible_at)})
        })
        .collect();
    let assignments: Vec<Value> = graph
        .assignments
        .iter()
        .map(|record| {
            json!({"id": record.id, "principalId": record.principal_id, "principalType": record.principal_type,
                   "resourceId": record.resource_id, "appRoleId": record.app_role_id})
        })
        .collect();
    let secrets: serde_json::Map<String, Value> = graph
        .secrets
        .iter()
        .map(|(sp_id, pairs)| {
            let shown: Vec<Value> = pairs
                .iter()
                .map(|(key, value)| {
                    let value = if SECRET_KEYS_TO_REDACT.contains(&key.as_str()) {
                        fingerprint(value)
                    } else {
                        value.clone()
                    };
                    json!({"key": key, "value": value})
                })
                .collect();
            (sp_id.clone(), Value::Array(shown))
        })
        .collect();
    let jobs: Vec<Value> = graph
        .jobs
        .iter()
        .map(|job| {
            json!({"servicePrincipalId": job.sp_id,
                   "job": job_json(job, graph.has_credentials(&job.sp_id)),
                   "schema": job.schema,
                   "exported": job.exported})
        })
        .collect();
    Json(json!({
        "applications": applications,
        "servicePrincipals": service_principals,
        "assignments": assignments,
        "secrets": secrets,
        "jobs": jobs,
    }))
    .into_response()
}

async fn provisioning_journal(
    State(app): State<Arc<App>>,
    RawQuery(raw_query): RawQuery,
) -> Response {
    let job_id = url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "jobId")
        .map(|(_, value)| value.into_owned());
    let graph = app.graph();
    let keep = |item: &&Value| {
        job_id
            .as_deref()
            .is_none_or(|job_id| item.get("jobId").and_then(Value::as_str) == Some(job_id))
    };
    Json(json!({
        "exchanges": graph.journal.exchanges.iter().filter(keep).collect::<Vec<_>>(),
        "logs": graph.journal.logs.iter().filter(keep).collect::<Vec<_>>(),
        "runs": graph.journal.runs.iter().filter(keep).collect::<Vec<_>>(),
    }))
    .into_response()
}

async fn run_cycle(State(app): State<Arc<App>>, Path(job_id): Path<String>) -> Response {
    match provisioning::run_cycle(&app, &job_id, None).await {
        Some(summary) => Json(summary).into_response(),
        None => control_error(StatusCode::NOT_FOUND, "no such synchronization job"),
    }
}

async fn quarantine(
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let body = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(body) => body,
            Err(_) => {
                return control_error(
                    StatusCode::BAD_REQUEST,
                    "the body must be JSON: {\"reason\"?, \"message\"?}",
                );
            }
        }
    };
    let text = |key: &str, default: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    let reason = text("reason", provisioning::QUARANTINE_REASON);
    let message = text(
        "message",
        "HTTP 401 Unauthorized: the SCIM endpoint refused the credentials.",
    );
    let now = app.now();
    let mut graph = app.graph();
    let Some(job) = graph.jobs.iter_mut().find(|job| job.id == job_id) else {
        return control_error(StatusCode::NOT_FOUND, "no such synchronization job");
    };
    job.status
        .quarantine_after(now, &reason, provisioning::QUARANTINE_ERROR_CODE, &message);
    // A quarantined job's scheduled cycle is called off, as Entra holds it back.
    job.generation += 1;
    Json(json!({"quarantine": job.status.quarantine})).into_response()
}

async fn token_for(State(app): State<Arc<App>>, body: axum::body::Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return control_error(
            StatusCode::BAD_REQUEST,
            "the body must be JSON: {\"upn\", \"scopes\"}",
        );
    };
    let Some(upn) = body.get("upn").and_then(Value::as_str) else {
        return control_error(StatusCode::BAD_REQUEST, "upn is required");
    };
    let Some(user) = app.tenant().user_by_upn(upn) else {
        return control_error(StatusCode::NOT_FOUND, "no such user in the tenant");
    };
    let scopes = match body.get("scopes") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    let expires_in = body
        .get("expires_in")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    let now = app.now().timestamp();
    let tenant_id = app.tenant().tenant_id.clone();
    let claims = AccessClaims {
        aud: GRAPH_AUDIENCE.to_string(),
        iss: format!("https://sts.windows.net/{tenant_id}/"),
        iat: now,
        nbf: now,
        exp: now + expires_in,
        appid: GRAPH_CLI_CLIENT_ID.to_string(),
        tid: tenant_id,
        oid: user.id.clone(),
        upn: user.user_principal_name.clone(),
        name: user.display_name.clone(),
        scp: scopes,
        wids: user.directory_roles.clone(),
    };
    Json(
        json!({"access_token": entra_tokens::issue(app.seed(), &claims),
                "token_type": "Bearer", "expires_in": expires_in}),
    )
    .into_response()
}

async fn quirks(State(app): State<Arc<App>>, body: axum::body::Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return control_error(StatusCode::BAD_REQUEST, "the body must be JSON");
    };
    let mut graph = app.graph();
    if let Some(count) = body.get("instantiate_lies").and_then(Value::as_u64) {
        graph.quirks.instantiate_lies = u32::try_from(count).unwrap_or(u32::MAX);
    }
    Json(json!({"instantiate_lies": graph.quirks.instantiate_lies})).into_response()
}
