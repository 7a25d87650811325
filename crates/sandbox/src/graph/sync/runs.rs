//! Starting, pausing and restarting a job, provisionOnDemand, and the provisioning logs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::{Schedule, missing_parameter, sync_guard};
use crate::App;
use crate::graph::odata::{self, Resource};
use crate::graph::provisioning;
use crate::graph::respond::{GraphError, GraphResult, json_body, no_content, ok, with_context};
use crate::graph::{auth, schema};

/// provisionOnDemand limit: this many calls per window per job.
const ON_DEMAND_LIMIT: usize = 5;
const ON_DEMAND_WINDOW: Duration = Duration::from_secs(10);

pub(crate) async fn start_job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let generation = {
        let mut graph = app.graph();
        let job = graph.job_mut(&sp_id, &job_id)?;
        job.schedule = Schedule::Active;
        // Start clears quarantine.
        job.status.quarantine = None;
        job.generation += 1;
        job.generation
    };
    provisioning::schedule_cycle(&app, job_id, generation);
    no_content()
}

pub(crate) async fn pause_job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let mut graph = app.graph();
    let job = graph.job_mut(&sp_id, &job_id)?;
    job.schedule = Schedule::Paused;
    job.generation += 1;
    no_content()
}

pub(crate) async fn restart_job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    // The body is optional; `criteria.resetScope` is a comma-separated list. An empty
    // scope behaves like the portal's restart (QuarantineState + Watermark + Escrows).
    let scope = if body.is_empty() {
        String::new()
    } else {
        let body = json_body(&body)?;
        body.get("criteria")
            .and_then(|criteria| criteria.get("resetScope"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let parts: Vec<String> = scope
        .split(',')
        .map(|part| part.trim().to_ascii_lowercase())
        .filter(|part| !part.is_empty())
        .collect();
    let known = [
        "none",
        "connectordatastore",
        "escrows",
        "watermark",
        "quarantinestate",
        "full",
        "forcedeletes",
    ];
    if let Some(unknown) = parts.iter().find(|part| !known.contains(&part.as_str())) {
        return Err(GraphError::bad_request(
            "BadRequest",
            format!("The value '{unknown}' is not valid for resetScope."),
        ));
    }
    let has =
        |name: &str| parts.is_empty() || parts.iter().any(|part| part == name || part == "full");
    let generation = {
        let mut graph = app.graph();
        let job = graph.job_mut(&sp_id, &job_id)?;
        if has("quarantinestate") {
            job.status.quarantine = None;
        }
        if has("watermark") || has("escrows") {
            job.exported.clear();
        }
        job.generation += 1;
        (job.schedule == Schedule::Active).then_some(job.generation)
    };
    if let Some(generation) = generation {
        provisioning::schedule_cycle(&app, job_id, generation);
    }
    no_content()
}

/// UNVERIFIED: the code and text of a provisionOnDemand body that names no rule of the schema.
fn unknown_rule(rule_id: &str) -> GraphError {
    GraphError::bad_request(
        "BadRequest",
        format!("The synchronization rule '{rule_id}' was not found in the job's schema."),
    )
}

pub(crate) async fn provision_on_demand(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let rule_ids = {
        let mut graph = app.graph();
        let job = graph.job_mut(&sp_id, &job_id)?;
        let now = Instant::now();
        while job
            .on_demand_calls
            .front()
            .is_some_and(|at| now.duration_since(*at) >= ON_DEMAND_WINDOW)
        {
            job.on_demand_calls.pop_front();
        }
        if job.on_demand_calls.len() >= ON_DEMAND_LIMIT {
            let oldest = job.on_demand_calls.front().copied().unwrap_or(now);
            let wait = ON_DEMAND_WINDOW.saturating_sub(now.duration_since(oldest));
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(GraphError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!(
                    "Too many requests: provisionOnDemand accepts {ON_DEMAND_LIMIT} requests per {} seconds. Retry after {seconds} seconds.",
                    ON_DEMAND_WINDOW.as_secs()
                ),
            )
            .with_retry_after(seconds.max(1)));
        }
        job.on_demand_calls.push_back(now);
        schema::rule_ids(&job.schema)
    };
    let body = json_body(&body)?;
    let parameters = body
        .get("parameters")
        .and_then(Value::as_array)
        .filter(|parameters| !parameters.is_empty())
        .ok_or_else(|| missing_parameter("parameters"))?;
    let mut requests = Vec::new();
    for parameter in parameters {
        let rule_id = parameter
            .get("ruleId")
            .and_then(Value::as_str)
            .ok_or_else(|| missing_parameter("ruleId"))?;
        if !rule_ids.iter().any(|known| known == rule_id) {
            return Err(unknown_rule(rule_id));
        }
        let subjects = parameter
            .get("subjects")
            .and_then(Value::as_array)
            .filter(|subjects| !subjects.is_empty())
            .ok_or_else(|| missing_parameter("subjects"))?;
        for subject in subjects {
            let object_id = subject
                .get("objectId")
                .and_then(Value::as_str)
                .ok_or_else(|| missing_parameter("objectId"))?;
            let type_name = subject
                .get("objectTypeName")
                .and_then(Value::as_str)
                .ok_or_else(|| missing_parameter("objectTypeName"))?;
            if !["user", "group", "worker"].contains(&type_name.to_ascii_lowercase().as_str()) {
                return Err(GraphError::bad_request(
                    "BadRequest",
                    format!("The object type '{type_name}' is not supported. Use User or Group."),
                ));
            }
            // A group's members to provision with it (`synchronizationLinkedObjects`).
            let members = match subject
                .get("links")
                .and_then(|links| links.get("members"))
                .and_then(Value::as_array)
            {
                None => None,
                Some(linked) => {
                    let mut ids = Vec::new();
                    for member in linked {
                        let id = member
                            .get("objectId")
                            .and_then(Value::as_str)
                            .ok_or_else(|| missing_parameter("objectId"))?;
                        let kind = member
                            .get("objectTypeName")
                            .and_then(Value::as_str)
                            .ok_or_else(|| missing_parameter("objectTypeName"))?;
                        if !kind.eq_ignore_ascii_case("user") {
                            return Err(provisioning::linked_member_not_a_user(kind));
                        }
                        ids.push(id.to_string());
                    }
                    Some(ids)
                }
            };
            requests.push(provisioning::OnDemandSubject {
                rule_id: rule_id.to_string(),
                object_id: object_id.to_string(),
                type_name: type_name.to_string(),
                members,
            });
        }
    }
    let (key, value) = provisioning::provision_on_demand(&app, &job_id, &requests).await?;
    ok(with_context(
        &app,
        "microsoft.graph.stringKeyStringValuePair",
        json!({"key": key, "value": value}),
    ))
}

/// `provisioningObjectSummary`, as `GET /auditLogs/provisioning` filters it: the list documents
/// `eq`, `contains`, `gt` and `lt` (so dates take `gt`/`lt`, not `ge`/`le`). Unverified: which
/// properties; `servicePrincipal/id`, `activityDateTime`, `jobId` and
/// `provisioningStatusInfo/status` are taken to be (the admin center filters by app, date and
/// status). Anything else is refused as an unsupported filter clause.
const PROVISIONING_LOG: Resource = Resource {
    name: "provisioningObjectSummary",
    odata_type: "microsoft.graph.provisioningObjectSummary",
    filterable: &[
        "servicePrincipal/id",
        "activityDateTime",
        "jobId",
        "provisioningStatusInfo/status",
    ],
    dates: &["activityDateTime"],
    searchable: &[],
};

/// Newest first (unverified: the order the admin center shows them in).
pub(crate) async fn provisioning_logs(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    // The list needs AuditLog.Read.All and Directory.Read.All together.
    auth::authorize(&app, &headers, auth::AUDIT_READ, false)?;
    auth::authorize(&app, &headers, auth::DIRECTORY_READ, false)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &PROVISIONING_LOG)?;
    let mut logs = app.graph().journal.logs.clone();
    logs.reverse();
    ok(odata::collection(
        &app,
        uri.path(),
        "auditLogs/provisioning",
        &query,
        &PROVISIONING_LOG,
        logs,
    )?)
}
