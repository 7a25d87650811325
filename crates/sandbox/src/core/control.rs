//! Test-only control endpoints under `{base}/_sandbox` that concern the whole sandbox: state,
//! request log, seed, faults, reset and time travel (the login and Graph simulators add their
//! own under `/_sandbox/login` and `/_sandbox/graph`). They are never subject to faults and are
//! not written to the request log, so they do not disturb what a test asserts about client
//! traffic. Served only with the `control` feature.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::clock::timestamp;
use super::faults::FaultPlan;
use crate::App;

pub(crate) const CONTROL_PREFIX: &str = "/_sandbox";

/// The sandbox-wide control routes (see the module docs).
#[cfg(feature = "control")]
pub(crate) fn routes() -> Router<Arc<App>> {
    use axum::routing::{get, post};
    let control = |path: &str| format!("{CONTROL_PREFIX}{path}");
    Router::new()
        .route(&control("/state"), get(state))
        .route(&control("/requests"), get(requests))
        .route(&control("/seed"), get(seed))
        .route(&control("/faults"), get(get_faults).post(set_faults))
        .route(&control("/reset"), post(reset))
        .route(&control("/time-travel"), post(time_travel))
}

fn control_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// What a setup touches in both worlds, from `GET /_sandbox/state` and `GET /_sandbox/graph/state`,
/// without what moves by itself (clocks, counters, job run status): two footprints taken before
/// and after a re-run are equal when the re-run created nothing twice.
pub fn setup_footprint(scaleway_state: &Value, graph_state: &Value) -> Value {
    let live_tokens: Vec<Value> = scaleway_state["scim_tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|token| !token["deleted"].as_bool().unwrap_or(false))
        .map(|token| token["id"].clone())
        .collect();
    let jobs: Vec<Value> = graph_state["jobs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|job| json!({"sp": job["servicePrincipalId"], "id": job["job"]["id"], "schema": job["schema"]}))
        .collect();
    json!({
        "scim": scaleway_state["scim"],
        "tokens": live_tokens,
        "iam_users": scaleway_state["iam_users"],
        "iam_groups": scaleway_state["iam_groups"],
        "applications": graph_state["applications"],
        "servicePrincipals": graph_state["servicePrincipals"],
        "assignments": graph_state["assignments"],
        "secrets": graph_state["secrets"],
        "jobs": jobs,
    })
}

/// A footprint without what Entra provisioned into Scaleway (users, groups, and those users in
/// any group): it stays there after a rollback by design, as when an Entra app is deleted, so a
/// footprint after a rollback compares with one from before the setup. Returns how many users
/// were provisioned.
pub fn without_provisioned(footprint: &mut Value) -> usize {
    let provisioned: Vec<Value> = footprint["iam_users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|user| user["provisioned_by_scim"] == true)
        .map(|user| user["id"].clone())
        .collect();
    if let Some(users) = footprint["iam_users"].as_array_mut() {
        users.retain(|user| user["provisioned_by_scim"] != true);
    }
    if let Some(groups) = footprint["iam_groups"].as_array_mut() {
        groups.retain(|group| group["provisioned_by_scim"] != true);
        for group in groups.iter_mut() {
            if let Some(members) = group["user_ids"].as_array_mut() {
                members.retain(|id| !provisioned.contains(id));
            }
        }
    }
    provisioned.len()
}

/// `GET /_sandbox/state`: the whole simulated state; secrets only as fingerprints.
pub(crate) async fn state(State(app): State<Arc<App>>) -> Response {
    let fault_spec = app.faults().plan().to_string();
    Json(app.world().dump(&fault_spec)).into_response()
}

/// `GET /_sandbox/requests`: the request log, oldest first, credentials redacted.
pub(crate) async fn requests(State(app): State<Arc<App>>) -> Response {
    let world = app.world();
    Json(json!({"requests": world.log.entries()})).into_response()
}

/// `GET /_sandbox/seed`: the seed INCLUDING the fake secret keys. These are sandbox-only
/// credentials (they open nothing but this simulator); this is how the CLI end-to-end tests and
/// the app's practice mode obtain them.
pub(crate) async fn seed(State(app): State<Arc<App>>) -> Response {
    Json(app.seed_data()).into_response()
}

/// `GET /_sandbox/faults`: the plan in force, as a canonical SPEC.
pub(crate) async fn get_faults(State(app): State<Arc<App>>) -> Response {
    Json(json!({"spec": app.faults().plan().to_string()})).into_response()
}

/// `POST /_sandbox/faults` with a SPEC as the (text) body: replaces the plan and restarts its
/// counters. An empty body clears all faults.
pub(crate) async fn set_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Ok(spec) = std::str::from_utf8(&body) else {
        return control_error(StatusCode::BAD_REQUEST, "the fault SPEC must be UTF-8 text");
    };
    match spec.parse::<FaultPlan>() {
        Ok(plan) => {
            let canonical = plan.to_string();
            app.faults().install(plan);
            Json(json!({"spec": canonical})).into_response()
        }
        Err(error) => control_error(StatusCode::BAD_REQUEST, error.to_string()),
    }
}

/// `POST /_sandbox/reset`: back to the seeded state (same ids and keys), clock offset zero,
/// empty logs, and the fault plan the sandbox was started with.
pub(crate) async fn reset(State(app): State<Arc<App>>) -> Response {
    app.reset();
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /_sandbox/time-travel`: advance the sandbox clock, by `{"seconds": N}` as JSON or by
/// `?seconds=N`. Answers the new sandbox time.
pub(crate) async fn time_travel(
    State(app): State<Arc<App>>,
    RawQuery(raw_query): RawQuery,
    body: Bytes,
) -> Response {
    let from_query = url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "seconds")
        .and_then(|(_, value)| value.parse::<i64>().ok());
    let from_body = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|value| value.get("seconds").and_then(Value::as_i64));
    let Some(seconds) = from_query.or(from_body) else {
        return control_error(
            StatusCode::BAD_REQUEST,
            "give the number of seconds as {\"seconds\": N} or ?seconds=N",
        );
    };
    let now = app.advance_clock(seconds);
    Json(json!({"now": timestamp(now)})).into_response()
}
