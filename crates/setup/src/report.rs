//! What the engine hands back to the fronts: plans, outcomes, status, the summary. All of it is
//! `Serialize` for IPC and `--json`, and none of it ever holds a secret.

use chrono::{DateTime, Utc};
use scim_wizard_entra::graph::{SyncJob, extract_embedded_message};
use scim_wizard_entra::schema::Change;
use serde::{Deserialize, Serialize};

use crate::messages::{
    GroupProof, JobCondition, PlanMessage, ProofFinding, QuarantineCause, RollbackKept,
    RollbackWhat,
};
use crate::progress::Step;
use crate::scaleway_step::{MintOutcome, ScalewayAccess, TokenSummary};

/// A user or group to assign, as the admin named it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PrincipalRef {
    /// A UPN (`jane@contoso.com`) or an object id.
    User(String),
    /// A group's exact display name or its object id.
    Group(String),
}

/// What a step would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    /// Something will be created.
    Create,
    /// Something will be changed.
    Update,
    /// It exists and will be reused (checked again when applying).
    Reuse,
    /// Nothing to do.
    Nothing,
    /// Cannot be known before an earlier step has run.
    AfterEarlierSteps,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanItem {
    pub step: Step,
    pub action: PlanAction,
    /// What would be done, typed.
    pub what: PlanMessage,
    /// Its English (the CLI's plan): "Create the enterprise application \"Scaleway SCIM (…)\"".
    pub description: String,
}

/// `plan()`: what `apply_all()` would change, read from both sides without writing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetupPlan {
    pub items: Vec<PlanItem>,
    /// The before → after list of the mapping edits (empty when unknown or nothing changes).
    pub mapping_changes: Vec<MappingChange>,
    /// True when nothing would change.
    pub up_to_date: bool,
}

/// One mapping edit in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MappingChange {
    /// `group_provisioning`, `group_attributes`, `name_formatted`, `display_name` or `user_name`.
    pub what: String,
    pub before: String,
    pub after: String,
    /// "userName: [userPrincipalName] → Item(Split([userPrincipalName], "@"), 1)".
    pub description: String,
}

impl From<&Change> for MappingChange {
    fn from(change: &Change) -> Self {
        Self {
            what: serde_json::to_value(change.what)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default(),
            before: change.before.clone(),
            after: change.after.clone(),
            description: change.describe(),
        }
    }
}

/// `preview_mappings()` / `apply_mappings()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MappingPreview {
    pub changes: Vec<MappingChange>,
    /// True when the mappings already are as Scaleway's guide wants (nothing to write).
    pub already_applied: bool,
}

/// The enterprise app as the engine knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppOutcome {
    pub display_name: String,
    pub application_object_id: String,
    pub app_id: String,
    pub service_principal_id: String,
    /// True when created by this call (false: reused).
    pub created: bool,
}

/// `test_connection()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionTest {
    pub ok: bool,
    /// "Entra reached Scaleway and the token works." or "Scaleway refused the token: …".
    pub message: String,
    /// The Tenant URL tested.
    pub tenant_url: String,
}

/// A user for the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonChoice {
    pub id: String,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
}

/// A group for the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupChoice {
    pub id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
}

/// `search_people(query)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeopleSearch {
    pub users: Vec<PersonChoice>,
    pub groups: Vec<GroupChoice>,
    /// True when groups could not be listed (no `Group.Read.All`): users still work.
    pub groups_unavailable: bool,
}

/// One assignment after `assign()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssignmentOutcome {
    pub principal_id: String,
    pub principal_type: String,
    pub display_name: Option<String>,
    pub assignment_id: String,
    /// False when the principal was already assigned.
    pub created: bool,
}

/// The last provisioning cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CycleSummary {
    pub state: Option<String>,
    pub began: Option<String>,
    pub ended: Option<String>,
    // Far below 2^53: a plain number in TypeScript is exact.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub exported: Option<i64>,
    /// Objects that failed on this cycle (Entra "escrows" them and tries again later).
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub failed: Option<i64>,
    /// The cycle's error in plain words (with Scaleway's message when it gave one).
    pub error: Option<String>,
}

/// A quarantine, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarantineExplained {
    /// Entra's reason code.
    pub reason: Option<String>,
    pub cause: QuarantineCause,
    /// The last error as the service said it (often Scaleway's own words), when there is one.
    pub service_message: Option<String>,
    pub next_attempt: Option<String>,
}

impl QuarantineExplained {
    /// The English explanation (the CLI).
    pub fn english(&self) -> String {
        self.cause.english(self.service_message.as_deref())
    }
}

/// The provisioning job's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobHealth {
    pub job_id: String,
    /// `NotConfigured`, `NotRun`, `Active`, `Paused`, `Quarantine`, …
    pub status_code: String,
    /// `Active`, `Disabled` or `Paused`.
    pub schedule_state: Option<String>,
    /// MS-SCIM's health gate (Active, no quarantine, no error, schedule active).
    pub healthy: bool,
    pub steady_state_reached: bool,
    pub last_cycle: Option<CycleSummary>,
    pub quarantine: Option<QuarantineExplained>,
    /// Where the job stands (the fronts word it).
    pub condition: JobCondition,
    /// Users and groups Entra keeps in sync with Scaleway, when it says.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub users_in_sync: Option<i64>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub groups_in_sync: Option<i64>,
}

impl JobHealth {
    /// One English sentence (the CLI): the quarantine's explanation, or the condition.
    pub fn english_summary(&self) -> String {
        match &self.quarantine {
            Some(quarantine) => quarantine.english(),
            None => self.condition.english().to_owned(),
        }
    }
}

impl JobHealth {
    pub(crate) fn from_job(job: &SyncJob) -> Self {
        let status = job.status.as_ref();
        let status_code = status
            .map(|status| match serde_json::to_value(&status.code) {
                Ok(serde_json::Value::String(code)) => code,
                _ => "Unknown".to_owned(),
            })
            .unwrap_or_else(|| "Unknown".to_owned());
        let schedule_state = job.schedule.as_ref().and_then(|s| s.state.clone());
        let last_cycle = status
            .and_then(|s| s.last_execution.as_ref())
            .map(|run| CycleSummary {
                state: run.state.clone(),
                began: run.time_began.clone(),
                ended: run.time_ended.clone(),
                exported: run.count_exported,
                failed: run.count_escrowed,
                error: run.error.as_ref().map(|error| {
                    error
                        .message
                        .as_deref()
                        .map(plain_service_message)
                        .or_else(|| error.code.clone())
                        .unwrap_or_else(|| "an error without a message".to_owned())
                }),
            });
        let quarantine = status.and_then(|s| s.quarantine.as_ref()).map(|q| {
            let message = q
                .error
                .as_ref()
                .and_then(|e| e.message.as_deref())
                .or_else(|| {
                    status
                        .and_then(|s| s.last_execution.as_ref())
                        .and_then(|run| run.error.as_ref())
                        .and_then(|e| e.message.as_deref())
                })
                .map(plain_service_message);
            QuarantineExplained {
                reason: q.reason.clone(),
                cause: QuarantineCause::from_reason(q.reason.as_deref()),
                service_message: message,
                next_attempt: q.next_attempt.clone(),
            }
        });
        let healthy = job.is_healthy();
        let steady = status.is_some_and(|s| s.steady_state_achieved());
        let condition = if quarantine.is_some() {
            JobCondition::Quarantined
        } else if healthy && steady {
            JobCondition::SteadyState
        } else if healthy {
            JobCondition::Running
        } else if schedule_state.as_deref() == Some("Paused") {
            JobCondition::Paused
        } else if schedule_state.as_deref() == Some("Active") {
            JobCondition::FirstCycleRunning
        } else {
            JobCondition::NotStarted
        };
        let in_sync = |source: &str| {
            let counts = &status?.synchronized_entry_count_by_type;
            let matching = counts.iter().filter(|count| {
                count
                    .key
                    .get(..source.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(source))
            });
            (!counts.is_empty()).then(|| matching.map(|count| count.value).sum())
        };
        Self {
            job_id: job.id.clone(),
            status_code,
            schedule_state,
            healthy,
            steady_state_reached: steady,
            last_cycle,
            quarantine,
            condition,
            users_in_sync: in_sync("User"),
            groups_in_sync: in_sync("Group"),
        }
    }
}

/// The human part of a sync-service message (which may embed Scaleway's JSON answer).
pub(crate) fn plain_service_message(message: &str) -> String {
    let text = extract_embedded_message(message).unwrap_or_else(|| message.to_owned());
    // Keep it to one readable line.
    let line: String = text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(400)
        .collect();
    line.trim().to_owned()
}

/// How the proof looked the user up in Scaleway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProofChannel {
    /// Scaleway's IAM users API, with the API key.
    IamUsersApi,
    /// Scaleway's SCIM endpoint (`GET {base}/Users?filter=userName eq "…"`), with the SCIM token:
    /// the only way when the admin gave a token and no API key.
    Scim,
}

/// `start_and_verify()`: the proof that provisioning works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProofReport {
    /// True when the test user exists in Scaleway with the expected username.
    pub verified: bool,
    pub user_principal_name: Option<String>,
    pub expected_username: Option<String>,
    pub scaleway_user_id: Option<String>,
    /// `Success`, `Skipped`, `Failure`, or `None` when not used (compat flag on, or no user).
    pub on_demand_result: Option<String>,
    pub job: Option<JobHealth>,
    /// What was found, typed (the desktop words it).
    pub finding: ProofFinding,
    /// Its English with the job's state (the CLI, and scripts reading `--json`).
    pub message: String,
    /// How the user was looked up in Scaleway; `None` when no user was checked.
    #[cfg_attr(feature = "specta", specta(optional))]
    pub checked_through: Option<ProofChannel>,
    /// The proof for an assigned group, when groups are provisioned and one is assigned.
    #[cfg_attr(feature = "specta", specta(optional))]
    pub group: Option<GroupProof>,
}

/// Something on Scaleway's side that needs a Scaleway API key, which the app does not have
/// when the admin gave only a SCIM token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum KeyAction {
    /// Read the SCIM configuration and list its tokens with their expiry dates.
    ListTokens,
    /// Turn SCIM on for the Organization (step 1).
    EnableScim,
    /// Create a SCIM token (step 1, or replacing the token).
    CreateToken,
    /// Delete (revoke) a SCIM token.
    DeleteToken,
    /// Disable SCIM on the Organization.
    DisableScim,
}

impl KeyAction {
    /// What it is, in words that fit "… needs a Scaleway API key".
    pub fn describe(self) -> &'static str {
        match self {
            Self::ListTokens => "Listing your SCIM tokens and their expiry dates",
            Self::EnableScim => "Turning on SCIM",
            Self::CreateToken => "Creating a SCIM token",
            Self::DeleteToken => "Deleting a SCIM token",
            Self::DisableScim => "Disabling SCIM",
        }
    }
}

/// One thing the app left as it is because it has no Scaleway API key, with what the admin can
/// do instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NeedsScalewayKey {
    pub action: KeyAction,
    /// The token or SCIM configuration concerned, when the journal knows its id.
    pub id: Option<String>,
    /// Plain words: what stays as it is, and where to do it by hand.
    pub message: String,
}

/// What `apply_all()` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplyReport {
    pub token: Option<MintOutcome>,
    pub app: AppOutcome,
    pub job_id: String,
    pub job_created: bool,
    pub connection_saved_now: bool,
    pub mapping_changes: Vec<MappingChange>,
    pub assignments: Vec<AssignmentOutcome>,
    pub started_now: bool,
    pub proof: Option<ProofReport>,
    pub summary: SetupSummary,
}

/// A token as `status()` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TokenStatus {
    pub token: TokenSummary,
    // Far below 2^53: a plain number in TypeScript is exact.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub expires_in_days: Option<i64>,
    /// Set when it expires within 30 days (or has expired).
    pub warning: Option<String>,
}

/// `status()`, Scaleway side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScalewayStatus {
    /// Empty when the admin gave a token without its Organization ID.
    pub organization_id: String,
    /// With a key or with a token only.
    pub access: ScalewayAccess,
    /// With a key: SCIM's configuration exists. With a token only: the token opens the Base URL.
    pub scim_enabled: bool,
    pub scim_id: Option<String>,
    /// Empty with a token only: listing tokens needs a key (see `needs_scaleway_key`).
    pub tokens: Vec<TokenStatus>,
    pub base_url: Option<String>,
    /// With a token only: whether Scaleway's SCIM endpoint accepted it just now. With a key:
    /// `false` when the setup's token is no longer in Scaleway's list, else unknown.
    pub token_works: Option<bool>,
    /// What could not be checked without a Scaleway API key.
    pub needs_scaleway_key: Vec<NeedsScalewayKey>,
}

/// `status()`, Entra side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EntraStatus {
    pub tenant_id: String,
    pub app_display_name: Option<String>,
    /// False when the journal names an app that no longer exists.
    pub app_exists: bool,
    pub service_principal_id: Option<String>,
    pub job: Option<JobHealth>,
    // Far below 2^53: a plain number in TypeScript is exact.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub assignments: usize,
}

/// `status()`: both sides, live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetupStatus {
    /// Days until the SCIM token Entra uses expires (negative once expired), on Scaleway's
    /// clock with a key; from the journal with a token only. `None` when unknown (a pasted
    /// token without a key).
    // Far below 2^53: a plain number in TypeScript is exact.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub token_expires_in_days: Option<i64>,
    /// When that token was created and when it expires, when known.
    pub token_created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub token_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What needs the admin now, most urgent first; empty when all is well.
    pub attention: Vec<crate::health::Attention>,
    /// The last time the setup looked for its user in Scaleway, and what it found.
    pub last_proof: Option<LastProof>,
    pub scaleway: ScalewayStatus,
    /// `None` when Entra was not read (no Microsoft sign-in yet: the desktop's home screen
    /// reads Scaleway's side first).
    pub entra: Option<EntraStatus>,
    /// Plain sentences: tokens expiring soon, quarantine, a missing app…
    pub warnings: Vec<String>,
}

/// The last proof, as the journal keeps it (who was looked for in Scaleway, when, and whether
/// they were there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LastProof {
    pub upn: String,
    pub username: String,
    pub found: bool,
    pub checked_at: chrono::DateTime<chrono::Utc>,
    pub group: Option<crate::messages::GroupProof>,
}

impl From<&crate::journal::ProofRecord> for LastProof {
    fn from(proof: &crate::journal::ProofRecord) -> Self {
        Self {
            upn: proof.user_principal_name.clone(),
            username: proof.expected_username.clone(),
            found: proof.found_in_scaleway,
            checked_at: proof.checked_at,
            group: proof.group.clone(),
        }
    }
}

/// One thing rollback would remove or restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollbackItem {
    pub step: Step,
    pub what: RollbackWhat,
    /// Its English (the CLI).
    pub description: String,
    pub id: Option<String>,
}

impl RollbackItem {
    pub(crate) fn new(step: Step, what: RollbackWhat, id: Option<String>) -> Self {
        Self {
            step,
            description: what.english(),
            what,
            id,
        }
    }
}

/// `plan_rollback()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollbackPlan {
    /// In the order they will be undone.
    pub remove: Vec<RollbackItem>,
    /// What stays, and why (not created by the wizard, or left by design).
    pub kept: Vec<RollbackKept>,
    /// What stays on Scaleway's side because the app has no Scaleway API key (a token-only
    /// setup), and how to do it in the console instead. Empty with a key.
    pub needs_scaleway_key: Vec<NeedsScalewayKey>,
}

/// `rollback()` options: nothing happens without `confirmed: true`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollbackRequest {
    pub confirmed: bool,
    /// Also delete the saved Entra sign-in (kept by default, for a next setup).
    #[serde(default)]
    pub forget_entra_sign_in: bool,
}

/// What `rollback()` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollbackReport {
    pub undone: Vec<RollbackItem>,
    pub kept: Vec<RollbackKept>,
    /// As in the plan: left on Scaleway's side for lack of an API key.
    pub needs_scaleway_key: Vec<NeedsScalewayKey>,
}

/// What `rotate_token()` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RotationReport {
    pub new_token: TokenSummary,
    /// The token deleted from Scaleway, when its id was known.
    pub old_token_deleted: Option<String>,
}

/// Links to both consoles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsoleLinks {
    /// The enterprise app's overview in the Entra admin center.
    pub entra_app: Option<String>,
    /// Its Provisioning page.
    pub entra_provisioning: Option<String>,
    /// Scaleway console, IAM users (where provisioned users appear).
    pub scaleway_iam_users: String,
    /// Scaleway console, Organization security (SCIM settings and tokens).
    pub scaleway_security: String,
}

/// One assignment in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssignedPrincipal {
    pub principal_id: String,
    pub principal_type: String,
    pub display_name: Option<String>,
    pub assignment_id: String,
    pub created_by_wizard: bool,
}

/// `summary()`: what exists and what the wizard created, from the journal (no network, no
/// secrets): the report the admin can export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetupSummary {
    pub organization_id: String,
    pub organization_name: Option<String>,
    pub scim_id: Option<String>,
    pub scim_enabled_by_wizard: bool,
    pub token_id: Option<String>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub base_url: Option<String>,
    pub tenant_id: Option<String>,
    pub app_display_name: Option<String>,
    pub application_object_id: Option<String>,
    pub app_id: Option<String>,
    pub service_principal_id: Option<String>,
    pub app_created_by_wizard: bool,
    pub job_id: Option<String>,
    pub tenant_url: Option<String>,
    pub mappings_applied_at: Option<DateTime<Utc>>,
    pub assignments: Vec<AssignedPrincipal>,
    pub started_at: Option<DateTime<Utc>>,
    pub proof_username: Option<String>,
    pub proof_found_in_scaleway: Option<bool>,
    /// The group proof, when one was made.
    #[cfg_attr(feature = "specta", specta(optional))]
    pub proof_group: Option<GroupProof>,
    /// Where the SCIM token stays on this computer, when it is kept in the keychain.
    pub scim_token_keychain: Option<KeychainEntry>,
    /// How long the Scaleway key and the Microsoft sign-in are kept.
    pub credential_retention: crate::retention::CredentialRetention,
    pub links: ConsoleLinks,
}

/// An entry of the OS keychain (names only, never the value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeychainEntry {
    pub service: String,
    pub account: String,
}

impl SetupSummary {
    /// A plain-text report (for "Export report" and the CLI).
    pub fn to_text(&self) -> String {
        let mut lines = vec![
            "Scaleway SCIM Wizard: setup report".to_owned(),
            String::new(),
        ];
        let mut line = |label: &str, value: Option<String>| {
            if let Some(value) = value {
                lines.push(format!("{label}: {value}"));
            }
        };
        line(
            "Scaleway Organization",
            Some(match &self.organization_name {
                Some(name) => format!("{name} ({})", self.organization_id),
                None if self.organization_id.is_empty() => {
                    "not given (the setup used a SCIM token made in the Scaleway console)"
                        .to_owned()
                }
                None => self.organization_id.clone(),
            }),
        );
        line("SCIM configuration", self.scim_id.clone());
        line("SCIM token", self.token_id.clone());
        line(
            "SCIM token expires",
            self.token_expires_at.map(|at| at.to_rfc3339()),
        );
        line("SCIM Base URL", self.base_url.clone());
        line("Entra tenant", self.tenant_id.clone());
        line("Enterprise application", self.app_display_name.clone());
        line("Application (client) ID", self.app_id.clone());
        line("Application object ID", self.application_object_id.clone());
        line("Service principal ID", self.service_principal_id.clone());
        line("Provisioning job", self.job_id.clone());
        line("Tenant URL", self.tenant_url.clone());
        line(
            "Mappings edited",
            self.mappings_applied_at.map(|at| at.to_rfc3339()),
        );
        for assigned in &self.assignments {
            line(
                "Assigned",
                Some(format!(
                    "{} {} ({})",
                    assigned.principal_type,
                    assigned.display_name.as_deref().unwrap_or("?"),
                    assigned.principal_id
                )),
            );
        }
        line(
            "Provisioning started",
            self.started_at.map(|at| at.to_rfc3339()),
        );
        if let (Some(user), Some(found)) = (&self.proof_username, self.proof_found_in_scaleway) {
            line(
                "Test user in Scaleway",
                Some(format!(
                    "{user}: {}",
                    if found { "found" } else { "not found" }
                )),
            );
        }
        line(
            "SCIM token kept in",
            self.scim_token_keychain.as_ref().map(|entry| {
                format!(
                    "the system keychain, service \"{}\", entry \"{}\" (Entra uses this token)",
                    entry.service, entry.account
                )
            }),
        );
        line(
            "Scaleway key and Microsoft sign-in",
            Some(
                match self.credential_retention {
                    crate::retention::CredentialRetention::KeepForLater => {
                        "kept in the system keychain for later changes"
                    }
                    crate::retention::CredentialRetention::UntilSetupDone => {
                        "kept until the setup is proven, then forgotten"
                    }
                    crate::retention::CredentialRetention::ThisRun => "not kept on this computer",
                }
                .to_owned(),
            ),
        );
        line("Entra admin center", self.links.entra_app.clone());
        line(
            "Scaleway console",
            Some(self.links.scaleway_iam_users.clone()),
        );
        lines.join("\n")
    }
}
