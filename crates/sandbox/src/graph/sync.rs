//! `/servicePrincipals/{id}/synchronization/...` (reference §B3–§B7): templates, jobs,
//! validateCredentials, secrets, schema (GET/PUT, PATCH → 404, parseExpression, functions),
//! start/pause/restart, provisionOnDemand; and `/auditLogs/provisioning`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::expressions::{self, Val};
use super::provisioning::{self, Exported};
use super::respond::{
    GraphError, GraphResult, json_body, json_response, no_content, ok, with_context,
};
use super::{GraphState, auth, schema};
use crate::App;
use crate::clock::timestamp;

/// The synchronization template of a non-gallery SCIM app (§B3). `customappsso` is the legacy
/// job the reference says is no longer supported, so the sandbox refuses it.
pub(crate) const SCIM_TEMPLATE_ID: &str = "scim";

/// The `synchronizationSecret` enum (§B5). Keys are matched case-sensitively: a wrongly cased
/// key is "not found" like an unknown one.
const SECRET_KEYS: &[&str] = &[
    "None",
    "UserName",
    "Password",
    "SecretToken",
    "AppKey",
    "BaseAddress",
    "ClientIdentifier",
    "ClientSecret",
    "SingleSignOnType",
    "Sandbox",
    "Url",
    "Domain",
    "ConsumerKey",
    "ConsumerSecret",
    "TokenKey",
    "TokenExpiration",
    "Oauth2AccessToken",
    "Oauth2AccessTokenCreationTime",
    "Oauth2RefreshToken",
    "SyncAll",
    "InstanceName",
    "Oauth2ClientId",
    "Oauth2ClientSecret",
    "CompanyId",
    "UpdateKeyOnSoftDelete",
    "SynchronizationSchedule",
    "SystemOfRecord",
    "SandboxName",
    "EnforceDomain",
    "SyncNotificationSettings",
    "SkipOutOfScopeDeletions",
    "Oauth2AuthorizationCode",
    "Oauth2RedirectUri",
    "ApplicationTemplateIdentifier",
    "Oauth2TokenExchangeUri",
    "Oauth2AuthorizationUri",
    "AuthenticationType",
    "Server",
    "PerformInboundEntitlementGrants",
    "HardDeletesEnabled",
    "SyncAgentCompatibilityKey",
    "SyncAgentADContainer",
    "ValidateDomain",
    "TestReferences",
    "ConnectionString",
];

/// UNVERIFIED (TF "assumes sensitive values come back masked as `*`"): which keys `GET secrets`
/// masks, and the mask.
const MASKED_SECRET_KEYS: &[&str] = &[
    "SecretToken",
    "Password",
    "ClientSecret",
    "AppKey",
    "ConsumerSecret",
    "TokenKey",
    "Oauth2AccessToken",
    "Oauth2RefreshToken",
    "Oauth2ClientSecret",
    "Oauth2AuthorizationCode",
];
const SECRET_MASK: &str = "*";

/// UNVERIFIED (§D4 "whether PUT secrets merges or replaces keys"): the sandbox REPLACES the
/// whole set, and a key PUT with an empty value is dropped (TF's way of deleting). A client
/// that PUTs only the changed key therefore loses the others, which is what the reference
/// tells clients to guard against ("always send the complete set in one PUT").
const PUT_SECRETS_REPLACES_THE_SET: bool = true;

/// provisionOnDemand limit (§B7): this many calls per window per job.
const ON_DEMAND_LIMIT: usize = 5;
const ON_DEMAND_WINDOW: Duration = Duration::from_secs(10);

/// A fresh job's schedule interval and the interval once started (§B7).
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

/// UNVERIFIED (§B7 lists the codes but not every transition): NotConfigured until credentials
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
    // §B4: "HTTP 400 RequestMissingRequiredParameter: templateId or credentials is missing"
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

/// `[{key, value}, …]` → pairs, every key checked against the `synchronizationSecret` enum:
/// an unknown or wrongly cased key is the documented 500 (§B4, §B5).
fn secret_pairs(list: &Value, parameter: &str) -> Result<Vec<(String, String)>, GraphError> {
    let items = list
        .as_array()
        .ok_or_else(|| missing_parameter(parameter))?;
    let mut pairs = Vec::new();
    for item in items {
        let key = item.get("key").and_then(Value::as_str).unwrap_or_default();
        if !SECRET_KEYS.contains(&key) {
            return Err(GraphError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                format!("Requested value '{key}' was not found."),
            ));
        }
        let value = match item.get("value") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        pairs.push((key.to_string(), value));
    }
    Ok(pairs)
}

fn credential_unavailable(message: &str) -> GraphError {
    // The sync service's message is itself a JSON string (§B10).
    let inner = json!({"Message": message}).to_string();
    GraphError::bad_request("CredentialValidationUnavailable", inner)
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
    // UNVERIFIED (§B3, §D1): what a non-gallery app lists here; the sandbox lists `scim`.
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

// ---------------------------------------------------------------------------------------------
// Credentials and secrets

/// Runs Entra's "Test connection" against the SCIM endpoint: 204 or the documented 400.
async fn test_credentials(
    app: &Arc<App>,
    sp_id: &str,
    job_id: Option<String>,
    pairs: &[(String, String)],
) -> GraphResult {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let (base_address, token) = (get("BaseAddress"), get("SecretToken"));
    match provisioning::test_connection(app, sp_id, job_id, &base_address, &token).await {
        Ok(()) => no_content(),
        Err(message) => Err(credential_unavailable(&message)),
    }
}

pub(crate) async fn validate_credentials(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    template_id_of(&body)?;
    let pairs = if body.get("useSavedCredentials").and_then(Value::as_bool) == Some(true) {
        app.graph().secrets.get(&sp_id).cloned().unwrap_or_default()
    } else {
        secret_pairs(
            body.get("credentials").unwrap_or(&Value::Null),
            "credentials",
        )?
    };
    test_credentials(&app, &sp_id, None, &pairs).await
}

pub(crate) async fn validate_job_credentials(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    let saved = {
        let mut graph = app.graph();
        graph.job_mut(&sp_id, &job_id)?;
        graph.secrets.get(&sp_id).cloned().unwrap_or_default()
    };
    // `credentials` is ignored when useSavedCredentials is true (§B4).
    let pairs = if body.get("useSavedCredentials").and_then(Value::as_bool) == Some(true) {
        saved
    } else {
        secret_pairs(
            body.get("credentials").unwrap_or(&Value::Null),
            "credentials",
        )?
    };
    test_credentials(&app, &sp_id, Some(job_id), &pairs).await
}

pub(crate) async fn get_secrets(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    let pairs = app.graph().secrets.get(&sp_id).cloned().unwrap_or_default();
    let value: Vec<Value> = pairs
        .iter()
        .map(|(key, value)| {
            let shown = if MASKED_SECRET_KEYS.contains(&key.as_str()) {
                SECRET_MASK
            } else {
                value.as_str()
            };
            json!({"key": key, "value": shown})
        })
        .collect();
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/secrets"),
        json!({"value": value}),
    ))
}

pub(crate) async fn put_secrets(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    // The wrapper is `value` (the doc's parameter table says `credentials`; §B5).
    let pairs = secret_pairs(body.get("value").unwrap_or(&Value::Null), "value")?;
    let mut graph = app.graph();
    let set = graph.secrets.entry(sp_id).or_default();
    if PUT_SECRETS_REPLACES_THE_SET {
        set.clear();
    }
    for (key, value) in pairs {
        set.retain(|(name, _)| *name != key);
        if !value.is_empty() {
            set.push((key, value));
        }
    }
    no_content()
}

// ---------------------------------------------------------------------------------------------
// Schema

pub(crate) async fn get_schema(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    let mut graph = app.graph();
    let schema = graph.job_mut(&sp_id, &job_id)?.schema.clone();
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/jobs('{job_id}')/schema/$entity"),
        schema,
    ))
}

pub(crate) async fn put_schema(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    let schema = schema::validate_put(body)?;
    let restart = {
        let mut graph = app.graph();
        let job = graph.job_mut(&sp_id, &job_id)?;
        job.schema = schema;
        // Changing mappings restarts provisioning with a full cycle (§B6 side effect).
        job.exported.clear();
        if job.schedule == Schedule::Active {
            job.generation += 1;
            Some(job.generation)
        } else {
            None
        }
    };
    if let Some(generation) = restart {
        provisioning::schedule_cycle(&app, job_id, generation);
    }
    no_content()
}

/// There is no PATCH on the schema: the sync service answers 404 (§B6, §C3).
pub(crate) async fn patch_schema(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let inner = json!({"Message": format!(
        "No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/servicePrincipals('{sp_id}')/synchronization/jobs('{job_id}')/schema?api-version=2.0'."
    )});
    Err(GraphError::new(
        StatusCode::NOT_FOUND,
        "UnknownError",
        inner.to_string(),
    ))
}

fn public_error(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message, "details": [], "innerError": null, "target": null})
}

pub(crate) async fn parse_expression(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    app.graph().job_mut(&sp_id, &job_id)?;
    let body = json_body(&body)?;
    let expression = body
        .get("expression")
        .and_then(Value::as_str)
        .ok_or_else(|| missing_parameter("expression"))?;
    let context = "microsoft.graph.parseExpressionResponse";
    let parsed = match expressions::parse(expression) {
        Ok(parsed) => parsed,
        Err(error) => {
            // UNVERIFIED: a syntax error is a 200 with parsingSucceeded false.
            return ok(with_context(
                &app,
                context,
                json!({"error": public_error("ExpressionParsingFailed", &error.message),
                       "evaluationResult": null, "evaluationSucceeded": false,
                       "parsedExpression": null, "parsingSucceeded": false}),
            ));
        }
    };
    let test_properties = body
        .get("testInputObject")
        .and_then(|object| object.get("properties"))
        .and_then(Value::as_array);
    let (error, result, succeeded) = match test_properties {
        None => (Value::Null, Value::Null, false),
        Some(properties) => {
            let lookup = |name: &str| {
                properties
                    .iter()
                    .find(|pair| {
                        pair.get("key")
                            .and_then(Value::as_str)
                            .is_some_and(|key| key.eq_ignore_ascii_case(name))
                    })
                    .and_then(|pair| pair.get("value"))
                    .map_or(Val::Null, |value| match value {
                        Value::String(text) => Val::One(text.clone()),
                        Value::Array(items) => Val::Many(
                            items
                                .iter()
                                .map(|item| {
                                    item.as_str()
                                        .map_or_else(|| item.to_string(), str::to_string)
                                })
                                .collect(),
                        ),
                        Value::Null => Val::Null,
                        other => Val::One(other.to_string()),
                    })
            };
            match expressions::evaluate(&parsed, &lookup) {
                Ok(value) => (Value::Null, json!(value.to_results()), true),
                Err(message) => (
                    public_error("ExpressionEvaluationFailed", &message),
                    Value::Null,
                    false,
                ),
            }
        }
    };
    ok(with_context(
        &app,
        context,
        json!({"error": error, "evaluationResult": result, "evaluationSucceeded": succeeded,
               "parsedExpression": expressions::to_source(&parsed), "parsingSucceeded": true}),
    ))
}

pub(crate) async fn list_functions(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    app.graph().job_mut(&sp_id, &job_id)?;
    ok(with_context(
        &app,
        "Collection(microsoft.graph.attributeMappingFunctionSchema)",
        json!({"value": expressions::function_schemas()}),
    ))
}

// ---------------------------------------------------------------------------------------------
// Start, pause, restart, on demand

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
        // Start clears quarantine (§B7).
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
    // The body is optional; `criteria.resetScope` is a comma-separated list (§B7). An empty
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
            requests.push(provisioning::OnDemandSubject {
                rule_id: rule_id.to_string(),
                object_id: object_id.to_string(),
                type_name: type_name.to_string(),
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

pub(crate) async fn provisioning_logs(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::AUDIT_READ, false)?;
    let logs = app.graph().journal.logs.clone();
    ok(with_context(
        &app,
        "auditLogs/provisioning",
        json!({"value": logs}),
    ))
}
