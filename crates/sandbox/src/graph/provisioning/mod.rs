//! The simulated Entra provisioning service: "Test connection", provisioning cycles after
//! start/restart, and provisionOnDemand. It talks SCIM to the saved `BaseAddress` with the saved
//! `SecretToken` over real HTTP, like Entra: it never touches the Scaleway world directly.
//!
//! A cycle evaluates the ENABLED object mappings of the job's saved schema for the objects in
//! scope (`SyncAll=false`: assigned users, and direct members of assigned groups; `true`: all),
//! matches each object on its matching attribute (`GET /Users?filter=userName eq "…"`), then
//! creates it (`POST`) or updates it (`PATCH` in Entra's style: `"op":"Replace"` capitalised
//! and booleans as `"False"` strings, unless the tenant URL carries `aadOptscim062020`).
//! Everything sent and received is journaled for `/_sandbox/graph/provisioning`.
//!
//! | module | what |
//! |---|---|
//! | (here) | the journal, the undocumented texts and codes, HTTP to the SCIM endpoint, "Test connection" |
//! | `documents` | source objects, SCIM attribute paths, computed values, PATCH operations |
//! | `object` | provisioning one object: match, then create or update |
//! | `cycle` | planning and running a cycle, and recording it on the job |
//! | `on_demand` | provisionOnDemand |

mod cycle;
mod documents;
mod object;
mod on_demand;

pub(crate) use cycle::{run_cycle, schedule_cycle};
pub(crate) use on_demand::{OnDemandSubject, provision_on_demand};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

use crate::App;
use crate::core::clock::timestamp;

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
/// The tenant-URL flag that switches Entra to RFC-compliant PATCH bodies.
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

/// UNVERIFIED: modelled on the admin center's Test-connection failure text (as quoted in
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

/// Documented (in an older Graph tutorial): the quarantine error of a job with bad credentials.
pub(crate) const QUARANTINE_ERROR_CODE: &str =
    "SystemForCrossDomainIdentityManagementInvalidCredentials";
/// The reason Entra gives a job it quarantined after failures (its status' `quarantine.reason`).
pub(crate) const QUARANTINE_REASON: &str = "EncounteredQuarantineException";
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

/// Provisioning a group on demand takes the members to provision with it in
/// `subjects[].links.members` (Graph's `synchronizationLinkedObjects`); Entra's on-demand
/// known limitations allow up to five members per group at a time.
pub(crate) const ON_DEMAND_GROUP_MEMBER_LIMIT: usize = 5;

/// UNVERIFIED: how provisionOnDemand answers a group subject without `links.members`. It is
/// reported to fail (microsoft-graph-docs-contrib #8519; see `docs/sandbox.md`) without saying
/// how; the request itself is well formed, so the most likely answer is the usual 200 whose
/// `key` says `{"result":"Failure","details":{"errorCode":…,"errorMessage":…}}`, with this
/// code and text. The same shape answers more than [`ON_DEMAND_GROUP_MEMBER_LIMIT`] members.
fn group_without_members(group: &str) -> (String, String) {
    (
        "GroupMembersRequired".to_string(),
        format!(
            "The group '{group}' cannot be provisioned on demand without members: choose between 1 and {ON_DEMAND_GROUP_MEMBER_LIMIT} of its members (links.members)."
        ),
    )
}

fn too_many_group_members(group: &str, count: usize) -> (String, String) {
    (
        "TooManyGroupMembers".to_string(),
        format!(
            "The group '{group}' was given {count} members: provisioning on demand takes at most {ON_DEMAND_GROUP_MEMBER_LIMIT} members of a group at a time."
        ),
    )
}

/// UNVERIFIED: a linked member that is not a direct user member of the group (another user, a
/// member of a nested group) is not provisioned and not added, silently, as the portal only
/// offers the group's direct members; only the group's direct members are in scope through it.
const LINKED_NON_MEMBERS_ARE_IGNORED: bool = true;

/// UNVERIFIED: the 400 for a linked member whose `objectTypeName` is not `User` (on-demand
/// provisioning does not support nested groups, per Entra's known limitations).
pub(crate) fn linked_member_not_a_user(type_name: &str) -> crate::graph::respond::GraphError {
    crate::graph::respond::GraphError::bad_request(
        "BadRequest",
        format!(
            "The linked member type '{type_name}' is not supported: the members of a group provisioned on demand must be users (objectTypeName 'User'); nested groups are not supported."
        ),
    )
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

/// "Test connection": `GET {BaseAddress}/Users?filter=userName eq "<random>"` must answer
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
