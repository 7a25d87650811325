//! `/servicePrincipals/{id}/synchronization/...`: templates, jobs, validateCredentials,
//! secrets, schema (GET/PUT, PATCH → 404, parseExpression, functions), start/pause/restart,
//! provisionOnDemand; and `/auditLogs/provisioning`.
//!
//! | module | what |
//! |---|---|
//! | (here) | jobs and their JSON, templates, the checks every route makes |
//! | `credentials` | validateCredentials and the synchronization secrets |
//! | `job_schema` | the job's schema: GET/PUT, PATCH → 404, parseExpression, functions |
//! | `runs` | start, pause, restart, provisionOnDemand, and `/auditLogs/provisioning` |

mod credentials;
mod job_schema;
mod runs;

pub(crate) use credentials::{
    get_secrets, put_secrets, validate_credentials, validate_job_credentials,
};
pub(crate) use job_schema::{
    get_schema, list_functions, parse_expression, patch_schema, put_schema,
};
pub(crate) use runs::{pause_job, provision_on_demand, provisioning_logs, restart_job, start_job};

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::provisioning::Exported;
use super::respond::{
    GraphError, GraphResult, json_body, json_response, no_content, ok, with_context,
};
use super::{GraphState, auth, schema};
use crate::App;
use crate::core::clock::timestamp;

/// The synchronization template of a non-gallery SCIM app. `customappsso` is the legacy job
/// Microsoft documents as no longer supported, so the sandbox refuses it.
pub(crate) const SCIM_TEMPLATE_ID: &str = "scim";

/// A fresh job's schedule interval and the interval once started.
const INTERVAL_NEVER: &str = "P10675199DT2H48M5.4775807S";
const INTERVAL_ACTIVE: &str = "PT40M";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schedule {
    Disabled,
    Active,
    Paused,
}

impl Schedule {
    fn as_str(self) -> &'static str {
        match self {
            Schedule::Disabled => "Disabled",
            Schedule::Active => "Active",
            Schedule::Paused => "Paused",
        }
    }
}

/// What `status` reports, kept up to date by the provisioning simulator.
#[derive(Debug, Clone, Default)]
pub(crate) struct JobStatus {
    pub(crate) last_execution: Option<Value>,
    pub(crate) last_successful_execution: Option<Value>,
    pub(crate) last_successful_with_exports: Option<Value>,
    pub(crate) quarantine: Option<Value>,
    pub(crate) steady_first: Option<DateTime<Utc>>,
    pub(crate) steady_last: Option<DateTime<Utc>>,
    pub(crate) successive_failures: u64,
    pub(crate) entry_counts: BTreeMap<String, u64>,
    pub(crate) completed_cycles: u64,
}

impl JobStatus {
    /// Quarantines the job after a failure at `at`, one more in its series; Entra tries a
    /// quarantined job again about daily.
    pub(crate) fn quarantine_after(
        &mut self,
        at: DateTime<Utc>,
        reason: &str,
        error_code: &str,
        message: &str,
    ) {
        self.successive_failures += 1;
        let series = self.quarantine.as_ref();
        let series_began = series
            .and_then(|quarantine| quarantine.get("seriesBegan").cloned())
            .unwrap_or_else(|| json!(timestamp(at)));
        let series_count = series
            .and_then(|quarantine| quarantine.get("seriesCount").and_then(Value::as_u64))
            .unwrap_or(0)
            + 1;
        self.quarantine = Some(json!({
            "currentBegan": timestamp(at),
            "nextAttempt": timestamp(at + chrono::Duration::hours(24)),
            "reason": reason,
            "seriesBegan": series_began,
            "seriesCount": series_count,
            "error": {"code": error_code, "message": message, "tenantActionable": true},
        }));
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) sp_id: String,
    pub(crate) template_id: String,
    pub(crate) schema: Value,
    pub(crate) schedule: Schedule,
    pub(crate) status: JobStatus,
    /// Bumped by start, pause, restart and schema changes: a scheduled cycle runs only if the
    /// generation it was scheduled for is still current.
    pub(crate) generation: u64,
    pub(crate) on_demand_calls: VecDeque<Instant>,
    /// What was exported per source object id (Entra's escrow/watermark, simplified).
    pub(crate) exported: BTreeMap<String, Exported>,
}

const NEVER: &str = "0001-01-01T00:00:00Z";

/// UNVERIFIED (the status codes are documented, not every transition): NotConfigured until credentials
/// are saved, NotRun until the first cycle completes, then Active; Paused and Quarantine win.
fn status_code(job: &Job, has_credentials: bool) -> &'static str {
    if job.status.quarantine.is_some() {
        "Quarantine"
    } else if job.schedule == Schedule::Paused {
        "Paused"
    } else if job.schedule == Schedule::Disabled && !has_credentials {
        "NotConfigured"
    } else if job.status.completed_cycles == 0 || job.schedule == Schedule::Disabled {
        "NotRun"
    } else {
        "Active"
    }
}

pub(crate) fn job_json(job: &Job, has_credentials: bool) -> Value {
    let status = &job.status;
    let time = |at: Option<DateTime<Utc>>| at.map_or_else(|| NEVER.to_string(), timestamp);
    json!({
        "id": job.id,
        "templateId": job.template_id,
        "schedule": {
            "expiration": null,
            "interval": if job.schedule == Schedule::Active { INTERVAL_ACTIVE } else { INTERVAL_NEVER },
            "state": job.schedule.as_str(),
        },
        "status": {
            "code": status_code(job, has_credentials),
            "countSuccessiveCompleteFailures": status.successive_failures,
            "escrowsPruned": false,
            "lastExecution": status.last_execution,
            "lastSuccessfulExecution": status.last_successful_execution,
            "lastSuccessfulExecutionWithExports": status.last_successful_with_exports,
            "progress": [],
            "quarantine": status.quarantine,
            "steadyStateFirstAchievedTime": time(status.steady_first),
            "steadyStateLastAchievedTime": time(status.steady_last),
            "synchronizedEntryCountByType": status.entry_counts.iter()
                .map(|(key, value)| json!({"key": key, "value": value})).collect::<Vec<_>>(),
            "troubleshootingUrl": null,
        },
        "synchronizationJobSettings": [
            {"name": "AzureIngestionAttributeOptimization", "value": "False"},
            {"name": "LookaheadQueryEnabled", "value": "False"},
            {"name": "QuarantineTooManyDeletesThreshold", "value": "500"},
        ],
    })
}

impl GraphState {
    pub(crate) fn has_credentials(&self, sp_id: &str) -> bool {
        let set = self.secrets.get(sp_id);
        ["BaseAddress", "SecretToken"].iter().all(|key| {
            set.is_some_and(|pairs| {
                pairs
                    .iter()
                    .any(|(name, value)| name == key && !value.is_empty())
            })
        })
    }

    pub(crate) fn secret(&self, sp_id: &str, key: &str) -> Option<String> {
        self.secrets
            .get(sp_id)?
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
    }

    fn job_mut(&mut self, sp_id: &str, job_id: &str) -> Result<&mut Job, GraphError> {
        self.jobs
            .iter_mut()
            .find(|job| job.sp_id == sp_id && job.id == job_id)
            .ok_or_else(|| job_not_found(job_id))
    }
}

/// UNVERIFIED wording of the sync service's 404 for an unknown job id.
fn job_not_found(job_id: &str) -> GraphError {
    GraphError::resource_not_found(job_id)
}

fn missing_parameter(name: &str) -> GraphError {
    // Documented: "HTTP 400 RequestMissingRequiredParameter: templateId or credentials is missing"
    // (the message text is UNVERIFIED).
    GraphError::bad_request(
        "RequestMissingRequiredParameter",
        format!("The request is missing the required parameter '{name}'."),
    )
}

/// UNVERIFIED: the code and text for a templateId the application has no template for.
fn unknown_template(template_id: &str) -> GraphError {
    GraphError::bad_request(
        "InvalidTemplateId",
        format!(
            "The synchronization template '{template_id}' was not found for this application. Use the template '{SCIM_TEMPLATE_ID}' for a non-gallery SCIM application."
        ),
    )
}

fn template_id_of(body: &Map<String, Value>) -> Result<String, GraphError> {
    let template_id = body
        .get("templateId")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing_parameter("templateId"))?;
    if template_id != SCIM_TEMPLATE_ID {
        return Err(unknown_template(template_id));
    }
    Ok(template_id.to_string())
}

/// Checks auth and the service principal; returns it.
fn sync_guard(
    app: &App,
    headers: &HeaderMap,
    sp_id: &str,
    write: bool,
) -> Result<super::apps::ServicePrincipal, GraphError> {
    let scopes = if write {
        auth::SYNC_WRITE
    } else {
        auth::SYNC_READ
    };
    auth::authorize(app, headers, scopes, true)?;
    let now = app.now();
    app.graph().service_principal(sp_id, now, write)
}

// ---------------------------------------------------------------------------------------------
// Templates and jobs

pub(crate) async fn list_templates(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
) -> GraphResult {
    let sp = sync_guard(&app, &headers, &sp_id, false)?;
    // UNVERIFIED: what a non-gallery app lists here; the sandbox lists `scim`.
    let template = json!({
        "id": SCIM_TEMPLATE_ID,
        "applicationId": sp.app_id,
        "default": true,
        "description": "SCIM 2.0 provisioning for a non-gallery application",
        "discoverable": true,
        "factoryTag": "CustomSCIM",
        "metadata": [{"key": "configurationFields",
                      "value": "[{\"name\":\"BaseAddress\",\"required\":true},{\"name\":\"SecretToken\",\"required\":false}]"}],
        "schema": schema::default_schema(""),
    });
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/templates"),
        json!({"value": [template]}),
    ))
}

pub(crate) async fn list_jobs(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    let graph = app.graph();
    let has_credentials = graph.has_credentials(&sp_id);
    let jobs: Vec<Value> = graph
        .jobs
        .iter()
        .filter(|job| job.sp_id == sp_id)
        .map(|job| job_json(job, has_credentials))
        .collect();
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/jobs"),
        json!({"value": jobs}),
    ))
}

pub(crate) async fn create_job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    let sp = sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    let template_id = template_id_of(&body)?;
    let tenant = app.tenant().tenant_id.replace('-', "");
    let job_id = format!("{template_id}.{tenant}.{}", sp.app_id);
    let mut graph = app.graph();
    // UNVERIFIED: a second job from the same template is refused (one job per template).
    if graph.jobs.iter().any(|job| job.id == job_id) {
        return Err(GraphError::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!(
                "A synchronization job from the template '{template_id}' already exists for this service principal: '{job_id}'."
            ),
        ));
    }
    let job = Job {
        id: job_id.clone(),
        sp_id: sp_id.clone(),
        template_id,
        schema: schema::default_schema(&job_id),
        schedule: Schedule::Disabled,
        status: JobStatus::default(),
        generation: 0,
        on_demand_calls: VecDeque::new(),
        exported: BTreeMap::new(),
    };
    let body = job_json(&job, graph.has_credentials(&sp_id));
    graph.jobs.push(job);
    Ok(json_response(
        StatusCode::CREATED,
        with_context(
            &app,
            &format!("servicePrincipals('{sp_id}')/synchronization/jobs/$entity"),
            body,
        ),
    ))
}

pub(crate) async fn get_job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    let mut graph = app.graph();
    let has_credentials = graph.has_credentials(&sp_id);
    let job = graph.job_mut(&sp_id, &job_id)?;
    let body = job_json(job, has_credentials);
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/jobs/$entity"),
        body,
    ))
}

pub(crate) async fn delete_job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let mut graph = app.graph();
    graph.job_mut(&sp_id, &job_id)?;
    graph.jobs.retain(|job| job.id != job_id);
    no_content()
}
