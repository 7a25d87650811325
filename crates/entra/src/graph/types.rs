//! What the Graph calls return, typed where the wizard reads a field, with the raw JSON kept
//! where an unknown field may matter later.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `appRoles[]` of a service principal (docs/services.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    pub id: String,
    pub display_name: Option<String>,
    pub value: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub allowed_member_types: Vec<String>,
    #[serde(default = "default_true")]
    pub is_enabled: bool,
}

fn default_true() -> bool {
    true
}

/// What `POST /applicationTemplates/{id}/instantiate` created (docs/services.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstantiatedApp {
    /// `application.id`: the app object id (`DELETE /applications/{id}`).
    pub application_object_id: String,
    /// `application.appId`: the client id.
    pub app_id: String,
    /// `servicePrincipal.id`: the enterprise app; every synchronization call uses it.
    pub service_principal_id: String,
    pub display_name: String,
    /// `servicePrincipal.appRoles` (may be empty in the 201; read them again from the SP).
    pub app_roles: Vec<AppRole>,
}

/// An application found by a lookup (`GET /applications?$filter=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSummary {
    /// The app object id.
    pub id: String,
    pub app_id: String,
    pub display_name: Option<String>,
    pub application_template_id: Option<String>,
    pub created_date_time: Option<String>,
}

/// A service principal found by a lookup or read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalSummary {
    pub id: String,
    pub app_id: String,
    pub display_name: Option<String>,
    pub application_template_id: Option<String>,
    pub app_role_assignment_required: Option<bool>,
    #[serde(default)]
    pub app_roles: Vec<AppRole>,
}

/// A synchronization job (docs/services.md). `raw` keeps the whole answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncJob {
    pub id: String,
    pub template_id: Option<String>,
    pub schedule: Option<JobSchedule>,
    pub status: Option<JobStatus>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSchedule {
    pub expiration: Option<String>,
    pub interval: Option<String>,
    /// `Active`, `Disabled` or `Paused`.
    pub state: Option<String>,
}

/// `status.code` of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatusCode {
    /// No credentials, never run.
    NotConfigured,
    /// Configured; the first cycle has not finished.
    NotRun,
    Active,
    Paused,
    Quarantine,
    /// A value this version does not know.
    #[serde(untagged)]
    Other(String),
}

/// `status` of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    pub code: JobStatusCode,
    pub quarantine: Option<Quarantine>,
    pub last_execution: Option<JobExecution>,
    pub last_successful_execution: Option<JobExecution>,
    pub last_successful_execution_with_exports: Option<JobExecution>,
    /// `"0001-01-01T00:00:00Z"` means never; see [`JobStatus::steady_state_achieved`].
    pub steady_state_first_achieved_time: Option<String>,
    pub steady_state_last_achieved_time: Option<String>,
    pub count_successive_complete_failures: Option<i64>,
    pub escrows_pruned: Option<bool>,
    pub troubleshooting_url: Option<String>,
    /// How many objects the job keeps in sync, per mapping (`{key, value}` pairs).
    #[serde(default)]
    pub synchronized_entry_count_by_type: Vec<EntryCount>,
}

/// One of `synchronizedEntryCountByType`: `key` names a mapping (the sandbox writes
/// `"User to urn:…:User"`; Graph's exact wording is not documented, only that it starts with
/// the source object, which is all the app reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryCount {
    pub key: String,
    pub value: i64,
}

/// `status.quarantine`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quarantine {
    /// `EncounteredQuarantineException`, `TooManyDeletes`, … (docs/services.md).
    pub reason: Option<String>,
    pub current_began: Option<String>,
    pub next_attempt: Option<String>,
    pub series_began: Option<String>,
    pub series_count: Option<i64>,
    pub error: Option<ExecutionError>,
}

/// `status.lastExecution` and friends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobExecution {
    pub activity_identifier: Option<String>,
    pub state: Option<String>,
    pub time_began: Option<String>,
    pub time_ended: Option<String>,
    pub count_entitled: Option<i64>,
    pub count_entitled_for_provisioning: Option<i64>,
    pub count_escrowed: Option<i64>,
    pub count_exported: Option<i64>,
    pub count_exports: Option<i64>,
    pub count_imported: Option<i64>,
    pub error: Option<ExecutionError>,
}

/// An error recorded on an execution or a quarantine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub tenant_actionable: Option<bool>,
}

const NEVER: &str = "0001-01-01T00:00:00";

impl JobStatus {
    /// Whether the job has ever reached steady state (`0001-01-01…` means never).
    pub fn steady_state_achieved(&self) -> bool {
        self.steady_state_first_achieved_time
            .as_deref()
            .is_some_and(|time| !time.starts_with(NEVER) && !time.is_empty())
    }
}

impl SyncJob {
    /// MS-SCIM's health gate (docs/services.md): status Active, no quarantine, no error on the
    /// last execution (none yet is fine), schedule Active.
    pub fn is_healthy(&self) -> bool {
        let Some(status) = &self.status else {
            return false;
        };
        status.code == JobStatusCode::Active
            && status.quarantine.is_none()
            && status
                .last_execution
                .as_ref()
                .is_none_or(|execution| execution.error.is_none())
            && self
                .schedule
                .as_ref()
                .and_then(|schedule| schedule.state.as_deref())
                == Some("Active")
    }

    pub fn is_quarantined(&self) -> bool {
        self.status.as_ref().is_some_and(|status| {
            status.code == JobStatusCode::Quarantine || status.quarantine.is_some()
        })
    }
}

/// An `appRoleAssignment` (docs/services.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub id: String,
    pub app_role_id: String,
    pub principal_id: String,
    pub principal_type: Option<String>,
    pub principal_display_name: Option<String>,
    pub resource_id: Option<String>,
    pub created_date_time: Option<String>,
}

/// A user for the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryUser {
    pub id: String,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
    /// What Entra sends as `name.givenName` and `name.familyName`.
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
}

/// A group for the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub mail: Option<String>,
}

/// A member of a group: a user, a group (nested), or another kind of directory object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMember {
    pub id: String,
    /// `#microsoft.graph.user`, `#microsoft.graph.group`, `#microsoft.graph.device`, …
    #[serde(rename = "@odata.type", default)]
    pub odata_type: String,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    /// A user member's email and names (what Entra would send to Scaleway).
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
}

impl GroupMember {
    pub fn is_user(&self) -> bool {
        self.odata_type
            .eq_ignore_ascii_case("#microsoft.graph.user")
    }

    pub fn is_group(&self) -> bool {
        self.odata_type
            .eq_ignore_ascii_case("#microsoft.graph.group")
    }
}

/// The four values of the synchronization secrets PUT (docs/services.md). Sent complete every
/// time.
#[derive(Clone)]
pub struct Secrets {
    /// The Tenant URL (`BaseAddress`): Scaleway's SCIM base URL.
    pub base_address: String,
    /// The Secret Token (`SecretToken`): the Scaleway SCIM bearer token.
    pub secret_token: secrecy::SecretString,
    /// `SyncAll`: `false` = "Sync only assigned users and groups" (what the wizard sets).
    pub sync_all: bool,
    /// Quarantine notification email; `None` turns notifications off.
    pub notification_email: Option<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("base_address", &self.base_address)
            .field("secret_token", &"[redacted]")
            .field("sync_all", &self.sync_all)
            .field("notification_email", &self.notification_email)
            .finish()
    }
}

/// What `provisionOnDemand` answered, both JSON-in-a-string halves parsed (docs/services.md).
#[derive(Debug, Clone, PartialEq)]
pub struct OnDemandResult {
    /// `Success`, `Skipped` or `Failure` (from the `key` JSON).
    pub result: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// The parsed `key` JSON.
    pub key: Value,
    /// The parsed `value` JSON (`provisioningSteps[]`, `modifiedProperties[]`, …).
    pub value: Value,
}

impl OnDemandResult {
    pub fn succeeded(&self) -> bool {
        self.result.eq_ignore_ascii_case("Success")
    }
}

/// What `parseExpression` answered (docs/services.md).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedExpression {
    /// The `attributeMappingSource` to put in the schema.
    pub source: Value,
    pub evaluation_succeeded: Option<bool>,
    pub evaluation_result: Option<Vec<String>>,
    /// The whole answer.
    pub raw: Value,
}
