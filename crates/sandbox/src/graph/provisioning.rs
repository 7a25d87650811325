//! The simulated Entra provisioning service (reference §B4, §B7; anchors §4): "Test connection",
//! provisioning cycles after start/restart, and provisionOnDemand. It talks SCIM to the saved
//! `BaseAddress` with the saved `SecretToken` over real HTTP, like Entra: it never touches the
//! Scaleway world directly.
//!
//! A cycle evaluates the ENABLED object mappings of the job's saved schema for the objects in
//! scope (`SyncAll=false`: assigned users, and direct members of assigned groups; `true`: all),
//! matches each object on its matching attribute (`GET /Users?filter=userName eq "…"`), then
//! creates it (`POST`) or updates it (`PATCH` in Entra's style: `"op":"Replace"` capitalised
//! and booleans as `"False"` strings, unless the tenant URL carries `aadOptscim062020`).
//! Everything sent and received is journaled for `/_sandbox/graph/provisioning`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Map, Value, json};
use url::Url;

use super::expressions::{self, Val};
use super::respond::GraphError;
use super::schema::{self, ObjectMapping};
use super::sync::{Job, Schedule};
use super::{GraphState, directory};
use crate::App;
use crate::clock::timestamp;
use crate::tenant::{TenantGroup, TenantUser};

/// How long after start/restart the first cycle runs.
pub(crate) const CYCLE_DELAY: Duration = Duration::from_millis(200);
const HTTP_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

const SCIM_CONTENT_TYPE: &str = "application/scim+json";
const SCHEMA_CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const SCHEMA_ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const SCHEMA_CORE_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const SCHEMA_PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SCHEMA_LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The tenant-URL flag that switches Entra to RFC-compliant PATCH bodies (§B4).
const RFC_PATCH_FLAG: &str = "aadOptscim062020";

/// What a previous run exported for one source object (Entra's watermark, simplified).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Exported {
    pub(crate) target_id: String,
    pub(crate) values: BTreeMap<String, String>,
}

/// Everything the provisioning service did, for the control route and `/auditLogs/provisioning`.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    /// Every HTTP exchange with a SCIM endpoint (the bearer token is never recorded).
    pub(crate) exchanges: Vec<Value>,
    /// `provisioningObjectSummary`-shaped entries.
    pub(crate) logs: Vec<Value>,
    /// One summary per cycle or on-demand run.
    pub(crate) runs: Vec<Value>,
}

// ---------------------------------------------------------------------------------------------
// UNVERIFIED texts and codes, all here.

/// UNVERIFIED: modelled on the admin center's Test-connection failure text (anchors §4.2,
/// MicrosoftDocs/azure-docs #54231); the exact sync-service message is not documented.
fn unexpected_response_message(status: u16, detail: &str) -> String {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Unknown");
    format!(
        "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account. Error code: SystemForCrossDomainIdentityManagementCredentialValidationUnavailable Details: We received this unexpected response from your application: An HTTP/{status} {reason} response was returned rather than the expected HTTP/200 OK response. To address this issue, ensure that the tenant URL and the secret token are correct. Response from the application: {detail}"
    )
}

/// UNVERIFIED: the text when the tenant URL cannot be reached at all.
fn unreachable_message(url: &str, error: &str) -> String {
    format!(
        "Error code: SystemForCrossDomainIdentityManagementCredentialValidationUnavailable Details: We could not connect to your application at '{url}': {error}. Ensure that the tenant URL is correct and reachable from Microsoft Entra ID."
    )
}

/// [V] (§B7, older Graph tutorial): the quarantine error of a job with bad credentials.
const QUARANTINE_ERROR_CODE: &str = "SystemForCrossDomainIdentityManagementInvalidCredentials";
const INVALID_TENANT_URL: &str = "Please provide a valid tenant URL for your application.";

/// UNVERIFIED: entry-level (escrow) error codes per SCIM status.
fn entry_error_code(status: u16) -> &'static str {
    match status {
        400 => "SystemForCrossDomainIdentityManagementBadRequest",
        404 | 405 | 501 => "SystemForCrossDomainIdentityManagementServiceIncompatible",
        409 => "SystemForCrossDomainIdentityManagementConflict",
        500..=599 => "SystemForCrossDomainIdentityManagementServiceError",
        _ => "SystemForCrossDomainIdentityManagementBadRequest",
    }
}

/// UNVERIFIED: `SyncAll` absent means "only assigned users and groups".
fn sync_all(value: Option<&str>) -> bool {
    value.is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
}

// ---------------------------------------------------------------------------------------------
// HTTP to the SCIM endpoint

fn client(app: &App) -> Result<reqwest::Client, String> {
    let mut graph = app.graph();
    if let Some(client) = &graph.http {
        return Ok(client.clone());
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HTTP_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_max_idle_per_host(0)
        .user_agent("Microsoft Entra provisioning (scim-wizard-sandbox)")
        .build()
        .map_err(|error| format!("the provisioning service has no HTTP client: {error}"))?;
    graph.http = Some(client.clone());
    Ok(client)
}

#[derive(Debug, Clone)]
struct Target {
    base: Url,
    token: String,
    rfc_patch: bool,
}

impl Target {
    fn new(base_address: &str, token: &str) -> Option<Target> {
        let base = Url::parse(base_address.trim()).ok()?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return None;
        }
        let rfc_patch = base
            .query_pairs()
            .any(|(key, _)| key.eq_ignore_ascii_case(RFC_PATCH_FLAG));
        Some(Target {
            base,
            token: token.to_string(),
            rfc_patch,
        })
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}/{path}", self.base.path().trim_end_matches('/'));
        url.set_path(&joined);
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        url
    }
}

enum Reply {
    Status(u16, Value),
    Unreachable(String),
}

struct Session {
    client: reqwest::Client,
    target: Target,
    origin: &'static str,
    job_id: Option<String>,
    sp_id: String,
    run: u64,
    exchanges: Vec<Value>,
    now: DateTime<Utc>,
}

impl Session {
    async fn send(&mut self, method: Method, url: Url, body: Option<Value>) -> Reply {
        let mut request = self
            .client
            .request(method.clone(), url.clone())
            .bearer_auth(&self.target.token)
            .header(reqwest::header::ACCEPT, SCIM_CONTENT_TYPE);
        if let Some(body) = &body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, SCIM_CONTENT_TYPE)
                .body(body.to_string());
        }
        let reply = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                let body = serde_json::from_str::<Value>(&text).unwrap_or(if text.is_empty() {
                    Value::Null
                } else {
                    Value::String(text)
                });
                Reply::Status(status, body)
            }
            Err(error) => Reply::Unreachable(describe(&error)),
        };
        let (status, response_body, error) = match &reply {
            Reply::Status(status, body) => (Some(*status), body.clone(), None),
            Reply::Unreachable(error) => (None, Value::Null, Some(error.clone())),
        };
        self.exchanges.push(json!({
            "time": timestamp(self.now),
            "jobId": self.job_id,
            "servicePrincipalId": self.sp_id,
            "origin": self.origin,
            "run": self.run,
            "method": method.as_str(),
            "url": url.as_str(),
            "requestBody": body,
            "status": status,
            "responseBody": response_body,
            "error": error,
        }));
        reply
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the request timed out".to_string()
    } else if error.is_connect() {
        "the connection was refused or could not be established".to_string()
    } else if error.is_builder() {
        "the request could not be built (check the tenant URL and the secret token)".to_string()
    } else {
        "the connection failed before a response was received".to_string()
    }
}

/// The SCIM error's `detail` (or the raw body) for messages.
fn detail_of(body: &Value) -> String {
    match body {
        Value::Null => "(empty body)".to_string(),
        Value::String(text) => text.chars().take(300).collect(),
        other => other
            .get("detail")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| other.to_string().chars().take(300).collect()),
    }
}

fn is_list_response(body: &Value) -> bool {
    body.get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|schemas| schemas.iter().any(|schema| schema == SCHEMA_LIST))
        || body.get("totalResults").is_some()
}

fn record_exchanges(app: &App, exchanges: Vec<Value>) {
    app.graph().journal.exchanges.extend(exchanges);
}

/// "Test connection" (§B4): `GET {BaseAddress}/Users?filter=userName eq "<random>"` must answer
/// 200 with a ListResponse. `Err` carries the message of the 400 `CredentialValidationUnavailable`.
pub(crate) async fn test_connection(
    app: &Arc<App>,
    sp_id: &str,
    job_id: Option<String>,
    base_address: &str,
    token: &str,
) -> Result<(), String> {
    let target = Target::new(base_address, token).ok_or_else(|| INVALID_TENANT_URL.to_string())?;
    let client = client(app)?;
    let probe = uuid::Uuid::new_v4().to_string();
    let mut session = Session {
        client,
        target,
        origin: "test_connection",
        job_id,
        sp_id: sp_id.to_string(),
        run: 0,
        exchanges: Vec::new(),
        now: app.now(),
    };
    let url = session
        .target
        .url("Users", &[("filter", format!("userName eq \"{probe}\""))]);
    let reply = session.send(Method::GET, url.clone(), None).await;
    record_exchanges(app, std::mem::take(&mut session.exchanges));
    match reply {
        Reply::Status(200, body) if is_list_response(&body) => Ok(()),
        Reply::Status(status, body) => Err(unexpected_response_message(status, &detail_of(&body))),
        Reply::Unreachable(error) => Err(unreachable_message(url.as_str(), &error)),
    }
}

// ---------------------------------------------------------------------------------------------
// Source objects and SCIM documents

/// A source object with its attributes (lowercased names) as the expressions see them.
#[derive(Debug, Clone)]
struct Source {
    id: String,
    name: String,
    type_name: &'static str,
    attributes: BTreeMap<String, Val>,
}

impl Source {
    fn lookup(&self, name: &str) -> Val {
        self.attributes
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or(Val::Null)
    }
}

fn text(value: &str) -> Val {
    if value.is_empty() {
        Val::Null
    } else {
        Val::One(value.to_string())
    }
}

fn user_source(user: &TenantUser, roles: Vec<String>) -> Source {
    let mut attributes = BTreeMap::new();
    for (name, value) in [
        ("objectid", text(&user.id)),
        ("userprincipalname", text(&user.user_principal_name)),
        ("displayname", text(&user.display_name)),
        ("givenname", text(&user.given_name)),
        ("surname", text(&user.surname)),
        ("mail", text(&user.mail)),
        (
            "mailnickname",
            text(directory::mail_nickname(&user.user_principal_name)),
        ),
        ("issoftdeleted", text("False")),
        ("accountenabled", text("True")),
        (
            "approleassignments",
            if roles.is_empty() {
                Val::Null
            } else {
                Val::Many(roles)
            },
        ),
    ] {
        attributes.insert(name.to_string(), value);
    }
    Source {
        id: user.id.clone(),
        name: user.user_principal_name.clone(),
        type_name: "User",
        attributes,
    }
}

fn group_source(group: &TenantGroup) -> Source {
    let mut attributes = BTreeMap::new();
    attributes.insert("objectid".to_string(), text(&group.id));
    attributes.insert("displayname".to_string(), text(&group.display_name));
    attributes.insert(
        "mailnickname".to_string(),
        text(&group.display_name.replace(' ', "-").to_lowercase()),
    );
    attributes.insert("issoftdeleted".to_string(), text("False"));
    attributes.insert("members".to_string(), Val::Many(group.members.clone()));
    Source {
        id: group.id.clone(),
        name: group.display_name.clone(),
        type_name: "Group",
        attributes,
    }
}

/// `emails[type eq "work"].value` → (`emails`, `type`, `work`, `value`).
fn filtered_path(path: &str) -> Option<(&str, &str, String, &str)> {
    let (attribute, rest) = path.split_once('[')?;
    let (inside, after) = rest.split_once(']')?;
    let sub = after.strip_prefix('.')?;
    let mut words = inside.splitn(3, char::is_whitespace);
    let key = words.next()?;
    if !words.next()?.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value = words.next()?.trim().trim_matches('"').to_string();
    Some((attribute, key, value, sub))
}

fn is_active(path: &str) -> bool {
    path.eq_ignore_ascii_case("active")
}

fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(true) => Some("True".to_string()),
        Value::Bool(false) => Some("False".to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(_) => field(value, "value").and_then(as_text),
        _ => None,
    }
}

/// Reads a mapping target out of a SCIM resource (for comparing with the source).
fn get_path(resource: &Value, path: &str) -> Option<String> {
    if let Some(attribute) = path
        .strip_prefix(SCHEMA_ENTERPRISE_USER)
        .and_then(|rest| rest.strip_prefix(':'))
    {
        return field(resource, SCHEMA_ENTERPRISE_USER)
            .and_then(|extension| field(extension, attribute))
            .and_then(as_text);
    }
    if let Some((attribute, key, wanted, sub)) = filtered_path(path) {
        return field(resource, attribute)?
            .as_array()?
            .iter()
            .find(|entry| {
                field(entry, key)
                    .and_then(Value::as_str)
                    .is_some_and(|value| value.eq_ignore_ascii_case(&wanted))
            })
            .and_then(|entry| field(entry, sub))
            .and_then(as_text);
    }
    if let Some((parent, child)) = path.split_once('.') {
        return field(resource, parent)
            .and_then(|parent| field(parent, child))
            .and_then(as_text);
    }
    field(resource, path).and_then(as_text)
}

/// The JSON a value is sent as: booleans for `active` on create, `{"value": id}` lists for
/// multi-valued references.
fn create_value(path: &str, value: &Val) -> Value {
    match value {
        Val::Many(items) => Value::Array(items.iter().map(|item| json!({"value": item})).collect()),
        Val::One(text) if is_active(path) => Value::Bool(text.eq_ignore_ascii_case("true")),
        Val::One(text) => Value::String(text.clone()),
        Val::Null => Value::Null,
    }
}

fn set_path(resource: &mut Map<String, Value>, path: &str, value: &Val) {
    let json_value = create_value(path, value);
    if let Some(attribute) = path
        .strip_prefix(SCHEMA_ENTERPRISE_USER)
        .and_then(|rest| rest.strip_prefix(':'))
    {
        let extension = resource
            .entry(SCHEMA_ENTERPRISE_USER)
            .or_insert_with(|| json!({}));
        if let Some(extension) = extension.as_object_mut() {
            let json_value = if attribute == "manager" {
                json!({"value": json_value})
            } else {
                json_value
            };
            extension.insert(attribute.to_string(), json_value);
        }
        return;
    }
    if let Some((attribute, key, wanted, sub)) = filtered_path(path) {
        let list = resource
            .entry(attribute.to_string())
            .or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            let position = list
                .iter()
                .position(|entry| entry.get(key).and_then(Value::as_str) == Some(wanted.as_str()));
            let index = position.unwrap_or_else(|| {
                let mut entry = json!({ key: wanted });
                if attribute == "emails" {
                    entry["primary"] = json!(true);
                }
                list.push(entry);
                list.len() - 1
            });
            if let Some(entry) = list.get_mut(index).and_then(Value::as_object_mut) {
                entry.insert(sub.to_string(), json_value);
            }
        }
        return;
    }
    if let Some((parent, child)) = path.split_once('.') {
        let parent = resource
            .entry(parent.to_string())
            .or_insert_with(|| json!({}));
        if let Some(parent) = parent.as_object_mut() {
            parent.insert(child.to_string(), json_value);
        }
        return;
    }
    resource.insert(path.to_string(), json_value);
}

fn flat(value: &Val) -> String {
    match value {
        Val::Null => String::new(),
        Val::One(text) => text.clone(),
        Val::Many(items) => items.join(","),
    }
}

/// One computed attribute: target, whether it flows on updates, value.
struct Computed {
    target: String,
    on_update: bool,
    value: Val,
}

fn compute(mapping: &ObjectMapping, source: &Source) -> Result<Vec<Computed>, String> {
    let lookup = |name: &str| source.lookup(name);
    let mut computed = Vec::new();
    for attribute in &mapping.attribute_mappings {
        let value = match &attribute.source {
            Some(expression) => expressions::evaluate(expression, &lookup).map_err(|error| {
                format!(
                    "the expression for '{}' could not be evaluated: {error}",
                    attribute.target
                )
            })?,
            None => attribute.default_value.as_deref().map_or(Val::Null, text),
        };
        if value == Val::Null {
            continue;
        }
        computed.push(Computed {
            target: attribute.target.clone(),
            on_update: !attribute.flow_type.eq_ignore_ascii_case("ObjectAddOnly"),
            value,
        });
    }
    Ok(computed)
}

/// Entra's PATCH operations for what changed, and the modifiedProperties to log.
fn diff(
    computed: &[Computed],
    current: &dyn Fn(&str) -> Option<String>,
    rfc: bool,
) -> (Vec<Value>, Vec<Value>) {
    let mut operations = Vec::new();
    let mut modified = Vec::new();
    for item in computed.iter().filter(|item| item.on_update) {
        let new = flat(&item.value);
        let old = current(&item.target);
        let same = old.as_deref().is_some_and(|old| {
            if is_active(&item.target) {
                old.eq_ignore_ascii_case(&new)
            } else {
                old == new
            }
        });
        if same {
            continue;
        }
        let op = match (&old, rfc) {
            (Some(_), false) => "Replace",
            (None, false) => "Add",
            (Some(_), true) => "replace",
            (None, true) => "add",
        };
        let value = match &item.value {
            Val::One(text) if is_active(&item.target) && rfc => {
                Value::Bool(text.eq_ignore_ascii_case("true"))
            }
            // Entra's non-standard booleans: "True" / "False" strings (anchors §4.1).
            Val::One(text) if is_active(&item.target) => Value::String(
                if text.eq_ignore_ascii_case("true") {
                    "True"
                } else {
                    "False"
                }
                .to_string(),
            ),
            other => create_value(&item.target, other),
        };
        operations.push(json!({"op": op, "path": item.target, "value": value}));
        modified.push(json!({"displayName": item.target, "oldValue": old, "newValue": new}));
    }
    (operations, modified)
}

fn create_body(mapping: &ObjectMapping, computed: &[Computed], group: bool) -> Value {
    let mut resource = Map::new();
    let schemas = if group {
        json!([SCHEMA_CORE_GROUP])
    } else {
        json!([SCHEMA_CORE_USER, SCHEMA_ENTERPRISE_USER])
    };
    resource.insert("schemas".into(), schemas);
    for item in computed {
        set_path(&mut resource, &item.target, &item.value);
    }
    let _ = mapping;
    resource.insert(
        "meta".into(),
        json!({"resourceType": if group { "Group" } else { "User" }}),
    );
    Value::Object(resource)
}

// ---------------------------------------------------------------------------------------------
// One object

/// A failure that stops the whole run: the target refuses the credentials or cannot be reached.
#[derive(Debug, Clone)]
struct Fatal {
    message: String,
}

#[derive(Debug, Clone)]
struct Outcome {
    source: Source,
    target_object: String,
    /// `create`, `update`, `other`.
    action: &'static str,
    /// `success`, `failure`, `skipped`.
    status: &'static str,
    error: Option<(String, String)>,
    target_id: Option<String>,
    modified: Vec<Value>,
    exported: Option<Exported>,
    export_attempted: bool,
}

impl Outcome {
    fn new(source: &Source, mapping: &ObjectMapping) -> Outcome {
        Outcome {
            source: source.clone(),
            target_object: mapping.target_object.clone(),
            action: "other",
            status: "success",
            error: None,
            target_id: None,
            modified: Vec::new(),
            exported: None,
            export_attempted: false,
        }
    }

    fn fail(mut self, code: &str, message: String) -> Outcome {
        self.status = "failure";
        self.error = Some((code.to_string(), message));
        self
    }
}

fn fatal_for(status: u16, body: &Value) -> Option<Fatal> {
    match status {
        401 | 403 => Some(Fatal {
            message: unexpected_response_message(status, &detail_of(body)),
        }),
        _ => None,
    }
}

async fn provision_object(
    session: &mut Session,
    mapping: &ObjectMapping,
    source: &Source,
    previous: Option<&Exported>,
    exported_ids: &BTreeMap<String, String>,
) -> Result<Outcome, Fatal> {
    let outcome = Outcome::new(source, mapping);
    let group = source.type_name == "Group";
    let endpoint = if group { "Groups" } else { "Users" };
    let mut computed = match compute(mapping, source) {
        Ok(computed) => computed,
        Err(message) => return Ok(outcome.fail("AttributeMappingEvaluationFailed", message)),
    };
    // Group members are sent as the target ids of already-provisioned users.
    for item in computed.iter_mut().filter(|item| item.target == "members") {
        if let Val::Many(ids) = &item.value {
            item.value = Val::Many(
                ids.iter()
                    .filter_map(|id| exported_ids.get(id).cloned())
                    .collect(),
            );
        }
    }
    let matching = mapping
        .attribute_mappings
        .iter()
        .filter(|attribute| attribute.matching_priority > 0)
        .min_by_key(|attribute| attribute.matching_priority)
        .map(|attribute| attribute.target.clone());
    let Some((match_target, match_value)) = matching.and_then(|target| {
        computed
            .iter()
            .find(|item| item.target == target)
            .map(|item| (target, flat(&item.value)))
    }) else {
        return Ok(outcome.fail(
            "MatchingAttributeMissing",
            format!(
                "{} '{}' has no value for its matching attribute.",
                source.type_name, source.name
            ),
        ));
    };
    let values: BTreeMap<String, String> = computed
        .iter()
        .map(|item| (item.target.clone(), flat(&item.value)))
        .collect();
    let rfc = session.target.rfc_patch;

    // Already exported: send only what changed since.
    let (target_id, existing) = if let Some(previous) = previous {
        (previous.target_id.clone(), None)
    } else {
        let filter = format!(
            "{match_target} eq \"{}\"",
            match_value.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let url = session.target.url(endpoint, &[("filter", filter)]);
        match session.send(Method::GET, url, None).await {
            Reply::Unreachable(error) => {
                return Err(Fatal {
                    message: unreachable_message(session.target.base.as_str(), &error),
                });
            }
            Reply::Status(200, body) => {
                let first = body
                    .get("Resources")
                    .and_then(Value::as_array)
                    .and_then(|resources| resources.first())
                    .cloned();
                match first.and_then(|resource| {
                    resource
                        .get("id")
                        .and_then(Value::as_str)
                        .map(|id| (id.to_string(), resource.clone()))
                }) {
                    Some((id, resource)) => (id, Some(resource)),
                    None => {
                        return create(session, mapping, source, &computed, values, outcome).await;
                    }
                }
            }
            Reply::Status(status, body) => {
                if let Some(fatal) = fatal_for(status, &body) {
                    return Err(fatal);
                }
                if status == 404 && !group {
                    return Err(Fatal {
                        message: format!(
                            "{INVALID_TENANT_URL} {}",
                            unexpected_response_message(status, &detail_of(&body))
                        ),
                    });
                }
                return Ok(outcome.fail(
                    entry_error_code(status),
                    format!(
                        "Failed to match the {} '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                        source.type_name, source.name, detail_of(&body)
                    ),
                ));
            }
        }
    };
    let (operations, modified) = match (&existing, previous) {
        (Some(resource), _) => diff(&computed, &|path| get_path(resource, path), rfc),
        (None, Some(previous)) => diff(&computed, &|path| previous.values.get(path).cloned(), rfc),
        (None, None) => (Vec::new(), Vec::new()),
    };
    let mut outcome = Outcome {
        target_id: Some(target_id.clone()),
        modified,
        ..outcome
    };
    if operations.is_empty() {
        outcome.status = if previous.is_some() {
            "skipped"
        } else {
            "success"
        };
        outcome.exported = Some(Exported { target_id, values });
        return Ok(outcome);
    }
    outcome.action = "update";
    outcome.export_attempted = true;
    let url = session.target.url(&format!("{endpoint}/{target_id}"), &[]);
    let body = json!({"schemas": [SCHEMA_PATCH], "Operations": operations});
    match session.send(Method::PATCH, url, Some(body)).await {
        Reply::Unreachable(error) => Err(Fatal {
            message: unreachable_message(session.target.base.as_str(), &error),
        }),
        Reply::Status(200 | 204, _) => {
            outcome.exported = Some(Exported { target_id, values });
            Ok(outcome)
        }
        Reply::Status(status, body) => {
            if let Some(fatal) = fatal_for(status, &body) {
                return Err(fatal);
            }
            Ok(outcome.fail(
                entry_error_code(status),
                format!(
                    "Failed to update the {} '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                    source.type_name, source.name, detail_of(&body)
                ),
            ))
        }
    }
}

async fn create(
    session: &mut Session,
    mapping: &ObjectMapping,
    source: &Source,
    computed: &[Computed],
    values: BTreeMap<String, String>,
    mut outcome: Outcome,
) -> Result<Outcome, Fatal> {
    let group = source.type_name == "Group";
    let url = session
        .target
        .url(if group { "Groups" } else { "Users" }, &[]);
    let body = create_body(mapping, computed, group);
    outcome.action = "create";
    outcome.export_attempted = true;
    outcome.modified = computed
        .iter()
        .map(|item| json!({"displayName": item.target, "oldValue": null, "newValue": flat(&item.value)}))
        .collect();
    match session.send(Method::POST, url, Some(body)).await {
        Reply::Unreachable(error) => Err(Fatal {
            message: unreachable_message(session.target.base.as_str(), &error),
        }),
        Reply::Status(200 | 201, body) => {
            let target_id = body
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            outcome.target_id = Some(target_id.clone());
            outcome.exported = Some(Exported { target_id, values });
            Ok(outcome)
        }
        Reply::Status(status, body) => {
            if let Some(fatal) = fatal_for(status, &body) {
                return Err(fatal);
            }
            Ok(outcome.fail(
                entry_error_code(status),
                format!(
                    "Failed to create the {} '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                    source.type_name, source.name, detail_of(&body)
                ),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Runs

/// What a run needs, copied out of the Graph state so no lock is held across HTTP calls.
struct Plan {
    job_id: String,
    sp_id: String,
    sp_name: String,
    mappings: Vec<ObjectMapping>,
    base_address: Option<String>,
    token: Option<String>,
    users: Vec<Source>,
    groups: Vec<Source>,
    /// Source ids in scope.
    in_scope: BTreeSet<String>,
    exported: BTreeMap<String, Exported>,
    run: u64,
}

fn plan(app: &App, graph: &mut GraphState, job: &Job) -> Plan {
    let tenant = app.tenant();
    let sp_name = graph
        .service_principals
        .iter()
        .find(|sp| sp.id == job.sp_id)
        .map(|sp| sp.display_name.clone())
        .unwrap_or_default();
    let assignments: Vec<_> = graph
        .assignments
        .iter()
        .filter(|assignment| assignment.resource_id == job.sp_id)
        .cloned()
        .collect();
    let role_name = |id: &str| {
        if id == super::apps::APP_ROLE_MSIAM_ACCESS {
            "msiam_access"
        } else {
            "User"
        }
    };
    let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    for assignment in &assignments {
        let role = role_name(&assignment.app_role_id).to_string();
        assigned.insert(assignment.principal_id.clone());
        if assignment.principal_type == "Group" {
            if let Some(group) = tenant
                .groups
                .iter()
                .find(|group| group.id == assignment.principal_id)
            {
                for member in &group.members {
                    roles.entry(member.clone()).or_default().push(role.clone());
                    assigned.insert(member.clone());
                }
            }
        } else {
            roles
                .entry(assignment.principal_id.clone())
                .or_default()
                .push(role);
        }
    }
    let all = sync_all(graph.secret(&job.sp_id, "SyncAll").as_deref());
    let users: Vec<Source> = tenant
        .users
        .iter()
        .map(|user| user_source(user, roles.get(&user.id).cloned().unwrap_or_default()))
        .collect();
    let groups: Vec<Source> = tenant.groups.iter().map(group_source).collect();
    let in_scope = users
        .iter()
        .chain(&groups)
        .filter(|source| all || assigned.contains(&source.id))
        .map(|source| source.id.clone())
        .collect();
    let run = u64::try_from(graph.journal.runs.len()).unwrap_or(u64::MAX) + 1;
    Plan {
        job_id: job.id.clone(),
        sp_id: job.sp_id.clone(),
        sp_name,
        mappings: schema::object_mappings(&job.schema).unwrap_or_default(),
        base_address: graph.secret(&job.sp_id, "BaseAddress"),
        token: graph.secret(&job.sp_id, "SecretToken"),
        users,
        groups,
        in_scope,
        exported: job.exported.clone(),
        run,
    }
}

fn log_entry(plan: &Plan, outcome: &Outcome, now: DateTime<Utc>, on_demand: bool) -> Value {
    let error = outcome.error.as_ref().map(|(code, message)| {
        json!({"errorCode": code, "reason": message, "additionalDetails": null,
               "errorCategory": "NonServiceFailure", "recommendedAction": null})
    });
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "activityDateTime": timestamp(now),
        "changeId": uuid::Uuid::new_v4().to_string(),
        "cycleId": format!("{}-{}", plan.job_id, plan.run),
        "durationInMilliseconds": 0,
        "jobId": plan.job_id,
        "provisioningAction": outcome.action,
        "provisioningStatusInfo": {"status": outcome.status, "errorInformation": error},
        "provisioningSteps": [],
        "modifiedProperties": outcome.modified,
        "servicePrincipal": {"id": plan.sp_id, "displayName": plan.sp_name},
        "sourceIdentity": {"id": outcome.source.id, "displayName": outcome.source.name,
                           "identityType": outcome.source.type_name, "details": {}},
        "sourceSystem": {"id": null, "displayName": "Azure Active Directory", "details": {}},
        "targetIdentity": {"id": outcome.target_id, "displayName": outcome.source.name,
                           "identityType": outcome.target_object, "details": {}},
        "targetSystem": {"id": null, "displayName": "customappsso", "details": {}},
        "initiatedBy": {"id": "", "displayName": if on_demand { "Provision on demand" } else { "Azure AD Provisioning Service" },
                        "initiatorType": "system"},
    })
}

struct RunResult {
    outcomes: Vec<Outcome>,
    fatal: Option<Fatal>,
    exchanges: Vec<Value>,
}

/// Processes `subjects` (all in-scope objects for a cycle) with the enabled mappings.
async fn execute(
    app: &App,
    plan: &Plan,
    origin: &'static str,
    subjects: &[(ObjectMapping, Source)],
) -> RunResult {
    let missing = || Fatal {
        message: INVALID_TENANT_URL.to_string(),
    };
    let target = match (&plan.base_address, &plan.token) {
        (Some(base), Some(token)) => Target::new(base, token),
        _ => None,
    };
    let (Some(target), Ok(client)) = (target, client(app)) else {
        return RunResult {
            outcomes: Vec::new(),
            fatal: Some(missing()),
            exchanges: Vec::new(),
        };
    };
    let mut session = Session {
        client,
        target,
        origin,
        job_id: Some(plan.job_id.clone()),
        sp_id: plan.sp_id.clone(),
        run: plan.run,
        exchanges: Vec::new(),
        now: app.now(),
    };
    let mut exported = plan.exported.clone();
    let mut outcomes = Vec::new();
    let mut fatal = None;
    for (mapping, source) in subjects {
        let ids: BTreeMap<String, String> = exported
            .iter()
            .map(|(id, record)| (id.clone(), record.target_id.clone()))
            .collect();
        match provision_object(
            &mut session,
            mapping,
            source,
            exported.get(&source.id),
            &ids,
        )
        .await
        {
            Ok(outcome) => {
                if let Some(record) = &outcome.exported {
                    exported.insert(source.id.clone(), record.clone());
                }
                outcomes.push(outcome);
            }
            Err(error) => {
                fatal = Some(error);
                break;
            }
        }
    }
    RunResult {
        outcomes,
        fatal,
        exchanges: session.exchanges,
    }
}

/// Schedules a cycle of `job_id` after [`CYCLE_DELAY`], if `generation` is still current then.
pub(crate) fn schedule_cycle(app: &Arc<App>, job_id: String, generation: u64) {
    let app = Arc::clone(app);
    tokio::spawn(async move {
        tokio::time::sleep(CYCLE_DELAY).await;
        run_cycle(&app, &job_id, Some(generation)).await;
    });
}

/// Runs one provisioning cycle now. With `generation`, only if the job is still active at that
/// generation (a pause, restart or newer start cancels it). Returns the run summary.
pub(crate) async fn run_cycle(
    app: &Arc<App>,
    job_id: &str,
    generation: Option<u64>,
) -> Option<Value> {
    let lock = Arc::clone(&app.graph().provisioning_lock);
    let _serialised = lock.lock().await;
    let plan = {
        let mut graph = app.graph();
        let job = graph.jobs.iter().find(|job| job.id == job_id)?.clone();
        if let Some(generation) = generation
            && (job.generation != generation || job.schedule != Schedule::Active)
        {
            return None;
        }
        plan(app, &mut graph, &job)
    };
    let began = app.now();
    let mut subjects = Vec::new();
    // Users first, so group members can refer to them.
    for kind in ["User", "Group"] {
        for mapping in plan
            .mappings
            .iter()
            .filter(|mapping| mapping.enabled && mapping.source_object.eq_ignore_ascii_case(kind))
        {
            let sources = if kind == "User" {
                &plan.users
            } else {
                &plan.groups
            };
            for source in sources
                .iter()
                .filter(|source| plan.in_scope.contains(&source.id))
            {
                subjects.push((mapping.clone(), source.clone()));
            }
        }
    }
    let result = execute(app, &plan, "cycle", &subjects).await;
    let ended = app.now();
    Some(record_cycle(
        app,
        &plan,
        subjects.len(),
        result,
        began,
        ended,
    ))
}

fn record_cycle(
    app: &App,
    plan: &Plan,
    entitled: usize,
    result: RunResult,
    began: DateTime<Utc>,
    ended: DateTime<Utc>,
) -> Value {
    let failures = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.status == "failure")
        .count();
    let exported = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.export_attempted && outcome.status == "success")
        .count();
    let exports = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.export_attempted)
        .count();
    let state = if result.fatal.is_some() {
        "Failed"
    } else if failures > 0 {
        "EntryLevelErrors"
    } else {
        "Succeeded"
    };
    let error = result.fatal.as_ref().map(|fatal| {
        json!({"code": QUARANTINE_ERROR_CODE, "message": fatal.message, "tenantActionable": true})
    });
    let execution = json!({
        "activityIdentifier": uuid::Uuid::new_v4().to_string(),
        "countEntitled": entitled,
        "countEntitledForProvisioning": entitled,
        "countEscrowed": failures,
        "countEscrowedRaw": failures,
        "countExported": exported,
        "countExports": exports,
        "countImported": entitled,
        "countImportedDeltas": entitled,
        "countImportedReferenceDeltas": 0,
        "state": state,
        "timeBegan": timestamp(began),
        "timeEnded": timestamp(ended),
        "error": error,
    });
    let mut graph = app.graph();
    graph.journal.exchanges.extend(result.exchanges);
    let logs: Vec<Value> = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.status != "skipped")
        .map(|outcome| log_entry(plan, outcome, ended, false))
        .collect();
    graph.journal.logs.extend(logs);
    let summary = json!({"jobId": plan.job_id, "run": plan.run, "trigger": "cycle",
                         "lastExecution": execution, "quarantined": result.fatal.is_some()});
    graph.journal.runs.push(summary.clone());
    if let Some(job) = graph.jobs.iter_mut().find(|job| job.id == plan.job_id) {
        for outcome in &result.outcomes {
            if let Some(record) = &outcome.exported {
                job.exported
                    .insert(outcome.source.id.clone(), record.clone());
            }
        }
        let status = &mut job.status;
        status.completed_cycles += 1;
        status.last_execution = Some(execution.clone());
        if let Some(fatal) = &result.fatal {
            status.successive_failures += 1;
            let series_began = status
                .quarantine
                .as_ref()
                .and_then(|quarantine| quarantine.get("seriesBegan").cloned())
                .unwrap_or_else(|| json!(timestamp(ended)));
            let series_count = status
                .quarantine
                .as_ref()
                .and_then(|quarantine| quarantine.get("seriesCount").and_then(Value::as_u64))
                .unwrap_or(0)
                + 1;
            // Quarantined jobs retry about daily (§B7).
            status.quarantine = Some(json!({
                "currentBegan": timestamp(ended),
                "nextAttempt": timestamp(ended + chrono::Duration::hours(24)),
                "reason": "EncounteredQuarantineException",
                "seriesBegan": series_began,
                "seriesCount": series_count,
                "error": {"code": QUARANTINE_ERROR_CODE, "message": fatal.message, "tenantActionable": true},
            }));
        } else {
            status.successive_failures = 0;
            status.quarantine = None;
            status.last_successful_execution = Some(execution.clone());
            if exported > 0 {
                status.last_successful_with_exports = Some(execution);
            }
            status.steady_first.get_or_insert(ended);
            status.steady_last = Some(ended);
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for mapping in plan.mappings.iter().filter(|mapping| mapping.enabled) {
                let sources = if mapping.source_object.eq_ignore_ascii_case("Group") {
                    &plan.groups
                } else {
                    &plan.users
                };
                let count = sources
                    .iter()
                    .filter(|source| job.exported.contains_key(&source.id))
                    .count();
                counts.insert(
                    format!("{} to {}", mapping.source_object, mapping.target_object),
                    u64::try_from(count).unwrap_or(u64::MAX),
                );
            }
            status.entry_counts = counts;
        }
    }
    summary
}

/// One subject of a provisionOnDemand call, validated by the route.
#[derive(Debug, Clone)]
pub(crate) struct OnDemandSubject {
    pub(crate) rule_id: String,
    pub(crate) object_id: String,
    pub(crate) type_name: String,
}

fn on_demand_step(name: &str, kind: &str, status: &str, description: String) -> Value {
    json!({"name": name, "provisioningStepType": kind, "status": status,
           "description": description, "timestamp": null, "details": {}})
}

/// provisionOnDemand (§B7): provisions the subjects now; answers the `key`/`value` strings.
pub(crate) async fn provision_on_demand(
    app: &Arc<App>,
    job_id: &str,
    subjects: &[OnDemandSubject],
) -> Result<(String, String), GraphError> {
    let lock = Arc::clone(&app.graph().provisioning_lock);
    let _serialised = lock.lock().await;
    let plan = {
        let mut graph = app.graph();
        let job = graph
            .jobs
            .iter()
            .find(|job| job.id == job_id)
            .cloned()
            .ok_or_else(|| GraphError::resource_not_found(job_id))?;
        plan(app, &mut graph, &job)
    };
    let mut work = Vec::new();
    let mut skipped: Vec<(Source, String, String, String)> = Vec::new();
    for subject in subjects {
        let source = plan
            .users
            .iter()
            .chain(&plan.groups)
            .find(|source| source.id == subject.object_id)
            .cloned()
            .ok_or_else(|| GraphError::resource_not_found(&subject.object_id))?;
        let mapping = plan.mappings.iter().find(|mapping| {
            mapping.rule_id == subject.rule_id
                && mapping
                    .source_object
                    .eq_ignore_ascii_case(&subject.type_name)
        });
        match mapping {
            Some(mapping) if !mapping.enabled => skipped.push((
                source,
                mapping.target_object.clone(),
                "ObjectMappingDisabled".to_string(),
                format!("The object mapping '{}' is disabled.", mapping.name),
            )),
            None => skipped.push((
                source,
                String::new(),
                "ObjectTypeNotMapped".to_string(),
                format!("The rule '{}' has no mapping for the object type '{}'.", subject.rule_id, subject.type_name),
            )),
            // UNVERIFIED: the skip reason Entra reports for an unassigned user.
            Some(mapping) if !plan.in_scope.contains(&source.id) => skipped.push((
                source,
                mapping.target_object.clone(),
                "NotEffectivelyEntitled".to_string(),
                "The object is not in scope: it is not assigned to the application, directly or through a group, and the scope is 'Sync only assigned users and groups'.".to_string(),
            )),
            Some(mapping) => work.push((mapping.clone(), source)),
        }
    }
    let result = execute(app, &plan, "on_demand", &work).await;
    let now = app.now();
    {
        let mut graph = app.graph();
        graph.journal.exchanges.extend(result.exchanges.clone());
        let logs: Vec<Value> = result
            .outcomes
            .iter()
            .map(|outcome| log_entry(&plan, outcome, now, true))
            .collect();
        graph.journal.logs.extend(logs);
        graph.journal.runs.push(json!({"jobId": plan.job_id, "run": plan.run, "trigger": "on_demand",
                                       "subjects": subjects.len(), "fatal": result.fatal.as_ref().map(|fatal| fatal.message.clone())}));
        if let Some(job) = graph.jobs.iter_mut().find(|job| job.id == plan.job_id) {
            for outcome in &result.outcomes {
                if let Some(record) = &outcome.exported {
                    job.exported
                        .insert(outcome.source.id.clone(), record.clone());
                }
            }
        }
    }
    // Describe the first subject, as the portal's single-user view does.
    let (result_name, details, steps, modified, source, target_object, target_id) =
        if let Some((source, target_object, code, message)) = skipped.first() {
            (
                "Skipped",
                json!({"errorCode": code, "errorMessage": message}),
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!("Retrieved {} from Azure Active Directory", source.name),
                    ),
                    on_demand_step(
                        "EntrySynchronizationScoping",
                        "Scoping",
                        "Skipped",
                        message.clone(),
                    ),
                ],
                Vec::new(),
                source.clone(),
                target_object.clone(),
                None,
            )
        } else if let Some(fatal) = &result.fatal {
            let source = work.first().map(|(_, source)| source.clone());
            let Some(source) = source else {
                return Err(GraphError::bad_request(
                    "BadRequest",
                    "No subject to provision.",
                ));
            };
            (
                "Failure",
                json!({"errorCode": QUARANTINE_ERROR_CODE, "errorMessage": fatal.message}),
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!("Retrieved {} from Azure Active Directory", source.name),
                    ),
                    on_demand_step("EntryExport", "Export", "Failure", fatal.message.clone()),
                ],
                Vec::new(),
                source,
                work.first()
                    .map(|(mapping, _)| mapping.target_object.clone())
                    .unwrap_or_default(),
                None,
            )
        } else if let Some(outcome) = result.outcomes.first() {
            let (name, details) = match &outcome.error {
                Some((code, message)) => (
                    "Failure",
                    json!({"errorCode": code, "errorMessage": message}),
                ),
                None => ("Success", json!({})),
            };
            let export_step = match outcome.action {
                "create" => "EntryExportAdd",
                "update" => "EntryExportUpdate",
                _ => "EntryExport",
            };
            (
                name,
                details,
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!(
                            "Retrieved {} from Azure Active Directory",
                            outcome.source.name
                        ),
                    ),
                    on_demand_step(
                        "EntrySynchronizationScoping",
                        "Scoping",
                        "Success",
                        "The object is in scope.".to_string(),
                    ),
                    on_demand_step(
                        export_step,
                        "Export",
                        if outcome.error.is_some() {
                            "Failure"
                        } else {
                            "Success"
                        },
                        outcome.error.as_ref().map_or_else(
                            || {
                                format!(
                                    "{} {} in customappsso",
                                    outcome.action, outcome.source.name
                                )
                            },
                            |(_, message)| message.clone(),
                        ),
                    ),
                ],
                outcome.modified.clone(),
                outcome.source.clone(),
                outcome.target_object.clone(),
                outcome.target_id.clone(),
            )
        } else {
            return Err(GraphError::bad_request(
                "BadRequest",
                "No subject to provision.",
            ));
        };
    let key = json!({"result": result_name, "details": details}).to_string();
    let value = json!({
        "provisioningSteps": steps,
        "modifiedProperties": modified,
        "statusInfo": {"status": result_name},
        "sourceIdentity": {"id": source.id, "displayName": source.name, "type": source.type_name},
        "targetIdentity": {"id": target_id, "displayName": source.name, "type": target_object},
        "sourceSystem": {"name": "Azure Active Directory"},
        "targetSystem": {"name": "customappsso"},
    })
    .to_string();
    Ok((key, value))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn scim_paths_are_written_and_read_back() {
        let mut resource = Map::new();
        for (path, value) in [
            ("userName", "jane"),
            ("active", "True"),
            ("name.givenName", "Jane"),
            ("emails[type eq \"work\"].value", "jane@contoso.example"),
            ("phoneNumbers[type eq \"mobile\"].value", "+33 6"),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "Ops",
            ),
        ] {
            set_path(&mut resource, path, &Val::One(value.to_string()));
            assert_eq!(
                get_path(&Value::Object(resource.clone()), path).as_deref(),
                Some(value)
            );
        }
        let resource = Value::Object(resource);
        assert_eq!(resource["active"], json!(true));
        assert_eq!(
            resource["emails"],
            json!([{"type": "work", "primary": true, "value": "jane@contoso.example"}])
        );
    }

    #[test]
    fn diff_uses_entra_style_operations_unless_the_flag_is_set() {
        let computed = vec![
            Computed {
                target: "active".into(),
                on_update: true,
                value: Val::One("False".into()),
            },
            Computed {
                target: "displayName".into(),
                on_update: true,
                value: Val::One("Jane".into()),
            },
            Computed {
                target: "userName".into(),
                on_update: true,
                value: Val::One("jane".into()),
            },
        ];
        let current = |path: &str| match path {
            "active" => Some("True".to_string()),
            "userName" => Some("jane".to_string()),
            _ => None,
        };
        let (operations, _) = diff(&computed, &current, false);
        assert_eq!(
            operations,
            vec![
                json!({"op": "Replace", "path": "active", "value": "False"}),
                json!({"op": "Add", "path": "displayName", "value": "Jane"}),
            ]
        );
        let (operations, _) = diff(&computed, &current, true);
        assert_eq!(
            operations[0],
            json!({"op": "replace", "path": "active", "value": false})
        );
    }

    #[test]
    fn target_urls_keep_the_flag_query() {
        let target = Target::new("http://127.0.0.1:1/scim/x/v2?aadOptscim062020", "t").unwrap();
        assert!(target.rfc_patch);
        let url = target.url("Users", &[("filter", "userName eq \"a\"".to_string())]);
        assert_eq!(url.path(), "/scim/x/v2/Users");
        assert!(url.query().unwrap().starts_with("aadOptscim062020"));
        assert!(Target::new("ftp://x", "t").is_none());
        assert!(Target::new("not a url", "t").is_none());
    }
}
