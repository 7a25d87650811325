//! What the engine says, as typed values: each front words them in the admin's language. The
//! desktop has an English and a French sentence for every variant (`ui/src/lib/said.ts`);
//! the CLI and the logs use the English table here, the one place English is written for them.

use serde::{Deserialize, Serialize};

use crate::error::UiError;
use crate::report::{MappingChange, ProofChannel};

/// Where a SCIM token is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TokenKept {
    /// In the OS keychain.
    Keychain,
    /// Only in this app's memory: the keychain refused it.
    MemoryKeychainRefused,
    /// Only in this app's memory, as the admin chose.
    MemoryAsChosen,
}

/// What a progress event says. The step and the phase are beside it in the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgressMessage {
    CheckingPermissions,
    /// The preflight passed: `account` (UPN or name) can set this up, with `role` when known.
    PermissionsOk {
        account: Option<String>,
        role: Option<String>,
    },
    CheckingScim,
    CheckingGivenToken,
    ScimEnabledNow,
    ScimAlreadyEnabled,
    GivenTokenWorks,
    CreatingToken,
    TokenCreated {
        kept: TokenKept,
    },
    TokenReused {
        kept: TokenKept,
    },
    UsingGivenToken {
        kept: TokenKept,
    },
    CreatingApp {
        name: String,
    },
    AppCreated {
        name: String,
    },
    AppReused {
        name: String,
    },
    /// The app the journal names was deleted in Entra meanwhile.
    AppGoneCreatingAgain,
    AppFoundByName {
        name: String,
    },
    /// Entra's answer to the creation was lost: looking for the app by its unique name.
    AppCreationUnconfirmed,
    CreatingJob,
    JobCreated,
    JobExists,
    JobGoneCreatingAgain,
    TestingConnection,
    /// Test connection passed: saving the Tenant URL and the token in Entra.
    ConnectionTestedSaving,
    ConnectionSaved,
    ConnectionSavedEarlier,
    /// Scaleway refused the token during Test connection (its words, when it gave some).
    ConnectionRefused {
        error: UiError,
    },
    ReadingMappings,
    EditingMappings,
    MappingsEdited {
        changes: Vec<MappingChange>,
    },
    MappingsAlreadyRight,
    NoOneToAssign,
    Assigning,
    Assigned {
        created: u32,
        reused: u32,
    },
    Starting,
    Started,
    AlreadyRunning,
    CheckingUserArrives,
    ProofTurnedOff,
    ProvisioningOnDemand {
        upn: String,
    },
    /// Provision on demand does not support the SCIM compatibility option: the first cycle is
    /// waited for instead.
    WaitingForFirstCycle,
    /// The user is in Scaleway; the provisioning cycle has not finished yet.
    UserSeenCycleRunning,
    WaitingForUser,
    /// The proof's outcome (also in the `ProofReport`).
    Proof {
        finding: ProofFinding,
    },
    /// A group provisioned on demand with its members (`members`: how many were sent).
    ProvisioningGroupOnDemand {
        name: String,
        members: u32,
    },
    /// The group's proof (also in the `ProofReport`).
    GroupProof {
        proof: GroupProof,
    },
    RollingBack,
    Undoing {
        item: RollbackWhat,
    },
    RolledBack {
        removed: u32,
    },
    RotatingToken,
    NewTokenGivenToEntra,
    /// Entra uses the new token; the old one was deleted (its id), or was not the wizard's to
    /// delete (`None`: the admin deletes it in the console).
    TokenRotated {
        old_deleted: Option<String>,
    },
    /// The step failed: the error, with its stable code, says why.
    Failed {
        error: UiError,
    },
}

/// What the proof found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProofFinding {
    /// `upn` is in Scaleway as `username`; `cycle_finished` false: the first cycle still runs.
    Seen {
        upn: String,
        username: String,
        channel: ProofChannel,
        cycle_finished: bool,
    },
    /// A later run: the user proven earlier is still there (nothing provisioned again).
    StillThere {
        upn: String,
        username: String,
        channel: ProofChannel,
    },
    /// No user is assigned directly: provisioning runs, but no one could be checked.
    NoUserToCheck,
}

/// What the proof found for an assigned group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroupFinding {
    /// The group is in Scaleway and `member_username` is in it.
    Arrived,
    /// Entra answered, but no group of that name is in Scaleway.
    GroupMissing,
    /// The group is in Scaleway without the member.
    MemberMissing,
    /// The group has no user directly in it: nothing to provision with it.
    NoUserMembers,
    /// Entra refused to provision it (its words).
    OnDemandFailed { message: String },
}

/// The proof for a group: one assigned group provisioned on demand with its members, then
/// looked for in Scaleway with one of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupProof {
    pub group: String,
    pub member_upn: Option<String>,
    pub member_username: Option<String>,
    pub finding: GroupFinding,
}

impl GroupProof {
    pub fn arrived(&self) -> bool {
        self.finding == GroupFinding::Arrived
    }

    pub fn english(&self) -> String {
        let group = &self.group;
        let member = self.member_username.as_deref().unwrap_or("?");
        match &self.finding {
            GroupFinding::Arrived => {
                format!("The group \"{group}\" is in Scaleway, with \"{member}\" in it.")
            }
            GroupFinding::GroupMissing => {
                format!("The group \"{group}\" did not appear in Scaleway.")
            }
            GroupFinding::MemberMissing => {
                format!("The group \"{group}\" is in Scaleway, but \"{member}\" is not in it yet.")
            }
            GroupFinding::NoUserMembers => format!(
                "The group \"{group}\" has no user directly in it: nothing was provisioned with it."
            ),
            GroupFinding::OnDemandFailed { message } => {
                format!("Entra could not provision the group \"{group}\": {message}")
            }
        }
    }
}

/// What a rollback removes, one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RollbackWhat {
    Unassign {
        principal_type: String,
        name: String,
    },
    RestoreMappings,
    DeleteJob,
    DeleteApp {
        name: String,
    },
    DeleteToken,
    DeleteRotationToken,
    DisableScim,
}

/// What a rollback leaves, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RollbackKept {
    ProvisionedUsers,
    AssignedBefore {
        name: String,
    },
    JobExistedBefore,
    AppExistedBefore {
        name: String,
    },
    SavedCredentialsStay,
    PastedToken,
    ScimEnabledBefore,
    /// The Scaleway key and the Microsoft sign-in stay (the admin chose to keep them).
    CredentialsKept,
    /// They are forgotten with the setup.
    CredentialsForgotten,
}

fn kept_words(kept: TokenKept) -> &'static str {
    match kept {
        TokenKept::Keychain => "kept in your keychain",
        TokenKept::MemoryKeychainRefused => "held in memory: your keychain refused it",
        TokenKept::MemoryAsChosen => "not stored (as you chose)",
    }
}

fn changes_words(changes: &[MappingChange]) -> String {
    changes
        .iter()
        .map(|change| change.description.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl ProgressMessage {
    /// The preflight passed: who (the UPN, else the name), and with which role.
    pub fn permissions_ok(report: &scim_wizard_entra::auth::PreflightReport) -> Self {
        Self::PermissionsOk {
            account: report
                .account
                .user_principal_name
                .clone()
                .or_else(|| report.account.display_name.clone()),
            role: report
                .qualifying_role
                .as_ref()
                .map(|role| role.display_name.clone()),
        }
    }

    /// The English sentence (the CLI, the logs).
    pub fn english(&self) -> String {
        use ProgressMessage as M;
        match self {
            M::CheckingPermissions => "Checking your Entra role and permissions".into(),
            M::PermissionsOk { account, role } => {
                let who = account.as_deref().unwrap_or("You");
                match role {
                    Some(role) => {
                        format!("{who} can set this up ({role}), and the permissions are granted.")
                    }
                    None => format!("{who} can set this up, and the permissions are granted."),
                }
            }
            M::CheckingScim => "Checking SCIM on your Scaleway Organization".into(),
            M::CheckingGivenToken => "Checking the SCIM token with its Base URL".into(),
            M::ScimEnabledNow => "Enabled SCIM on your Scaleway Organization.".into(),
            M::ScimAlreadyEnabled => {
                "SCIM was already enabled on your Scaleway Organization.".into()
            }
            M::GivenTokenWorks => "SCIM is on in your Scaleway Organization, and the SCIM token works with its Base URL.".into(),
            M::CreatingToken => "Creating the SCIM token".into(),
            M::TokenCreated { kept } => format!("Created a SCIM token ({}).", kept_words(*kept)),
            M::TokenReused { kept } => {
                format!("Reusing the SCIM token created earlier ({}).", kept_words(*kept))
            }
            M::UsingGivenToken { kept } => match kept {
                TokenKept::Keychain => "Using the SCIM token kept in your keychain.".into(),
                _ => "Using the SCIM token (held only while the app runs, as you chose).".into(),
            },
            M::CreatingApp { name } => format!("Creating the enterprise application \"{name}\""),
            M::AppCreated { name } => format!("Created the enterprise application \"{name}\"."),
            M::AppReused { name } => {
                format!("The enterprise application \"{name}\" already exists: reusing it.")
            }
            M::AppGoneCreatingAgain => "The application recorded earlier no longer exists in Entra: creating it again.".into(),
            M::AppFoundByName { name } => {
                format!("Found the application \"{name}\" in Entra: reusing it.")
            }
            M::AppCreationUnconfirmed => {
                "Entra did not confirm the creation: looking for the application by its name."
                    .into()
            }
            M::CreatingJob => "Creating the provisioning job".into(),
            M::JobCreated => "Created the provisioning job.".into(),
            M::JobExists => "The provisioning job already exists.".into(),
            M::JobGoneCreatingAgain => {
                "The provisioning job recorded earlier no longer exists: creating it again.".into()
            }
            M::TestingConnection => "Testing the connection from Entra to Scaleway".into(),
            M::ConnectionTestedSaving => {
                "Test connection passed: saving the Tenant URL and the token in Entra.".into()
            }
            M::ConnectionSaved => {
                "Entra reached Scaleway with the token, and the connection is saved.".into()
            }
            M::ConnectionSavedEarlier => "The connection was saved earlier and still works.".into(),
            M::ConnectionRefused { error } => error.message.clone(),
            M::ReadingMappings => "Reading the attribute mappings".into(),
            M::EditingMappings => "Editing the attribute mappings".into(),
            M::MappingsEdited { changes } => {
                format!("Edited the attribute mappings: {}.", changes_words(changes))
            }
            M::MappingsAlreadyRight => {
                "The attribute mappings are as Scaleway's guide wants.".into()
            }
            M::NoOneToAssign => "No users or groups were chosen: assign them later in the wizard or the Entra admin center.".into(),
            M::Assigning => "Assigning the chosen users and groups".into(),
            M::Assigned { created, reused } => match (created, reused) {
                (0, n) => format!("All {n} were already assigned."),
                (n, 0) => format!("Assigned {n} user(s) or group(s)."),
                (n, m) => format!("Assigned {n}; {m} were already assigned."),
            },
            M::Starting => "Starting provisioning".into(),
            M::Started => "Started provisioning.".into(),
            M::AlreadyRunning => "Provisioning was already running.".into(),
            M::CheckingUserArrives => "Checking that a user arrives in Scaleway".into(),
            M::ProofTurnedOff => "The final check was turned off.".into(),
            M::ProvisioningOnDemand { upn } => format!("Provisioning {upn} on demand."),
            M::WaitingForFirstCycle => "Provision on demand does not work with the SCIM compatibility option: waiting for the first provisioning cycle instead.".into(),
            M::UserSeenCycleRunning => {
                "The user is in Scaleway; waiting for the provisioning cycle to finish.".into()
            }
            M::WaitingForUser => "Waiting for the user to appear in Scaleway.".into(),
            M::Proof { finding } => finding.english(),
            M::ProvisioningGroupOnDemand { name, members } => {
                format!("Provisioning the group \"{name}\" on demand, with {members} member(s).")
            }
            M::GroupProof { proof } => proof.english(),
            M::RollingBack => "Undoing the setup".into(),
            M::Undoing { item } => item.english(),
            M::RolledBack { removed } => format!("Undone: {removed} item(s) removed."),
            M::RotatingToken => "Replacing the SCIM token".into(),
            M::NewTokenGivenToEntra => "Created the new token: giving it to Entra.".into(),
            M::TokenRotated { old_deleted: Some(old) } => {
                format!("Entra now uses the new token, and the old one ({old}) is deleted.")
            }
            M::TokenRotated { old_deleted: None } => "Entra now uses the new token. The old one was not created by the wizard: delete it in the Scaleway console when nothing else uses it.".into(),
            M::Failed { error } => error.message.clone(),
        }
    }
}

impl ProofChannel {
    /// Said after "…is in Scaleway as \"name\"": how it was checked, when not the usual way.
    fn english_how(self) -> &'static str {
        match self {
            ProofChannel::IamUsersApi => "",
            ProofChannel::Scim => " (checked through SCIM with your token)",
        }
    }
}

impl ProofFinding {
    pub fn english(&self) -> String {
        match self {
            ProofFinding::Seen {
                upn,
                username,
                channel,
                cycle_finished,
            } => {
                let how = channel.english_how();
                if *cycle_finished {
                    format!("It works: {upn} is in Scaleway as \"{username}\"{how}.")
                } else {
                    format!(
                        "It works: {upn} is in Scaleway as \"{username}\"{how}. The first provisioning cycle is still running."
                    )
                }
            }
            ProofFinding::StillThere {
                upn,
                username,
                channel,
            } => format!(
                "Still working: {upn} is in Scaleway as \"{username}\"{}.",
                channel.english_how()
            ),
            ProofFinding::NoUserToCheck => "No user is assigned directly, so no test user could be checked. Provisioning is started; assign a user to check it.".into(),
        }
    }

    /// True when a user was seen in Scaleway.
    pub fn verified(&self) -> bool {
        !matches!(self, ProofFinding::NoUserToCheck)
    }
}

impl RollbackWhat {
    pub fn english(&self) -> String {
        match self {
            RollbackWhat::Unassign {
                principal_type,
                name,
            } => format!("Unassign {} {name}.", principal_type.to_ascii_lowercase()),
            RollbackWhat::RestoreMappings => "Put the attribute mappings back as they were.".into(),
            RollbackWhat::DeleteJob => "Delete the provisioning job (provisioning stops).".into(),
            RollbackWhat::DeleteApp { name } => format!(
                "Delete the enterprise application \"{name}\" (restorable for 30 days from Entra's deleted applications)."
            ),
            RollbackWhat::DeleteToken => "Delete the SCIM token the wizard created.".into(),
            RollbackWhat::DeleteRotationToken => {
                "Delete the token of the unfinished rotation.".into()
            }
            RollbackWhat::DisableScim => {
                "Disable SCIM on the Scaleway Organization (the wizard enabled it).".into()
            }
        }
    }
}

impl RollbackKept {
    pub fn english(&self) -> String {
        match self {
            RollbackKept::ProvisionedUsers => "Users and groups already provisioned into Scaleway stay (as when an Entra app is deleted): remove them in the Scaleway console if needed.".into(),
            RollbackKept::AssignedBefore { name } => {
                format!("{name} was assigned before the wizard: kept.")
            }
            RollbackKept::JobExistedBefore => {
                "The provisioning job existed before the wizard: kept.".into()
            }
            RollbackKept::AppExistedBefore { name } => {
                format!("The application \"{name}\" existed before the wizard: kept.")
            }
            RollbackKept::SavedCredentialsStay => "The Tenant URL and token saved in it stay (Entra cannot give back the previous ones).".into(),
            RollbackKept::PastedToken => "The SCIM token you pasted: kept in Scaleway.".into(),
            RollbackKept::ScimEnabledBefore => {
                "SCIM was enabled before the wizard: it stays enabled.".into()
            }
            RollbackKept::CredentialsKept => "Your Scaleway key and Microsoft sign-in stay in your keychain, as you chose; forget them in Settings or with `scim-wizard-cli forget`.".into(),
            RollbackKept::CredentialsForgotten => "Your Scaleway key and Microsoft sign-in are forgotten with the setup.".into(),
        }
    }
}

/// What a step would do, for `plan` (the CLI shows it; `apply` asks before doing it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanMessage {
    /// The admin gave the token: step 1 was done in the Scaleway console.
    GivenTokenWorks,
    UseGivenToken,
    ScimAlreadyEnabled,
    EnableScim,
    KeepToken,
    /// `at_limit`: Scaleway already has its two tokens; one must be deleted first.
    CreateToken {
        at_limit: bool,
    },
    CreateApp {
        name: String,
    },
    ReuseApp {
        name: String,
    },
    CreateJob,
    ReuseJob,
    TestAndSaveConnection,
    ConnectionSavedEarlier,
    /// The edits are known once the app and its job exist.
    EditMappingsLater,
    EditMappings {
        changes: Vec<MappingChange>,
    },
    MappingsAlreadyRight,
    Assign {
        principal_type: String,
        name: String,
    },
    AlreadyAssigned {
        name: String,
    },
    StartProvisioning,
    AlreadyRunning,
    CheckUser,
}

impl PlanMessage {
    pub fn english(&self) -> String {
        use PlanMessage as P;
        match self {
            P::GivenTokenWorks => "SCIM is enabled on the Scaleway Organization (the SCIM token works with its Base URL).".into(),
            P::UseGivenToken => "Use the SCIM token this setup already has.".into(),
            P::ScimAlreadyEnabled => "SCIM is already enabled on the Scaleway Organization.".into(),
            P::EnableScim => "Enable SCIM on the Scaleway Organization.".into(),
            P::KeepToken => {
                "Keep using the SCIM token created earlier (it stays in your keychain).".into()
            }
            P::CreateToken { at_limit } => format!(
                "Create a SCIM token and keep it in your keychain.{}",
                if *at_limit {
                    " Scaleway already has two tokens, its maximum: one must be deleted first."
                } else {
                    ""
                }
            ),
            P::CreateApp { name } => {
                format!("Create the enterprise application \"{name}\" in Entra.")
            }
            P::ReuseApp { name } => format!("Reuse the enterprise application \"{name}\"."),
            P::CreateJob => "Create its provisioning job.".into(),
            P::ReuseJob => "Reuse its provisioning job.".into(),
            P::TestAndSaveConnection => {
                "Test the connection to Scaleway, then save the Tenant URL and token.".into()
            }
            P::ConnectionSavedEarlier => {
                "The connection was saved earlier (it is tested again when applying).".into()
            }
            P::EditMappingsLater => "Edit the mappings as Scaleway's guide says: groups sent when Scaleway takes them, name.formatted not sent, userName from the UPN.".into(),
            P::EditMappings { changes } => {
                format!("Edit the mappings: {}.", changes_words(changes))
            }
            P::MappingsAlreadyRight => "The mappings are already as Scaleway's guide wants.".into(),
            P::Assign {
                principal_type,
                name,
            } => format!("Assign {} {name}.", principal_type.to_ascii_lowercase()),
            P::AlreadyAssigned { name } => format!("{name} is already assigned."),
            P::StartProvisioning => "Start provisioning.".into(),
            P::AlreadyRunning => "Provisioning is already running.".into(),
            P::CheckUser => "Provision one assigned user and check it arrives in Scaleway (reads only, apart from that user).".into(),
        }
    }
}

/// Why Entra put the provisioning job in quarantine, from its reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum QuarantineCause {
    /// Scaleway kept refusing Entra's requests (usually a wrong Tenant URL or a deleted or
    /// expired token).
    ScalewayRefuses,
    TooManyDeletes,
    TooManyFailures,
    OnRequest,
    DirectoryReadInterrupted,
    Other,
}

impl QuarantineCause {
    pub fn from_reason(reason: Option<&str>) -> Self {
        match reason.unwrap_or_default() {
            "EncounteredQuarantineException" => Self::ScalewayRefuses,
            "TooManyDeletes" => Self::TooManyDeletes,
            "EncounteredBaseEscrowThreshold"
            | "EncounteredTotalEscrowThreshold"
            | "EncounteredEscrowProportionThreshold" => Self::TooManyFailures,
            "QuarantinedOnDemand" => Self::OnRequest,
            "IngestionInterrupted" => Self::DirectoryReadInterrupted,
            _ => Self::Other,
        }
    }

    /// The English explanation, with the service's last error when there is one.
    pub fn english(self, service_message: Option<&str>) -> String {
        let why = match self {
            Self::ScalewayRefuses => {
                "Entra stopped provisioning because Scaleway kept refusing its requests (usually a wrong Tenant URL or a deleted or expired token)"
            }
            Self::TooManyDeletes => {
                "Entra stopped provisioning because it was about to delete too many users at once"
            }
            Self::TooManyFailures => {
                "Entra stopped provisioning because too many users failed to provision"
            }
            Self::OnRequest => "Provisioning was put in quarantine on request",
            Self::DirectoryReadInterrupted => {
                "Entra stopped provisioning because reading your directory was interrupted"
            }
            Self::Other => "Entra stopped provisioning (quarantine)",
        };
        match service_message.filter(|m| !m.trim().is_empty()) {
            Some(said) => format!("{why}. The last error: \"{said}\"."),
            None => format!("{why}."),
        }
    }
}

/// Where the provisioning job stands, in one word the fronts put in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum JobCondition {
    Quarantined,
    SteadyState,
    Running,
    Paused,
    /// Started; its first cycle has not finished yet.
    FirstCycleRunning,
    NotStarted,
}

impl JobCondition {
    /// The English sentence (a quarantine is explained by its cause instead).
    pub fn english(self) -> &'static str {
        match self {
            Self::Quarantined => "Entra stopped provisioning (quarantine).",
            Self::SteadyState => "Provisioning is running and has reached its steady state.",
            Self::Running => "Provisioning is running.",
            Self::Paused => "Provisioning is paused.",
            Self::FirstCycleRunning => {
                "Provisioning is started; its first cycle has not finished yet."
            }
            Self::NotStarted => "Provisioning is not started.",
        }
    }
}

/// Who can fix what the preflight found missing (the Entra screen says it in words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PreflightFix {
    /// A Global Administrator or Privileged Role Administrator can give the admin the Cloud
    /// Application Administrator role (Application Administrator also works).
    AskForRole,
    /// The admin can grant the missing permissions themselves, with the admin consent link.
    GrantConsentYourself { missing: Vec<String> },
    /// Someone with an application administrator role must grant them.
    AskForConsent { missing: Vec<String> },
}

impl PreflightFix {
    /// From the preflight's findings.
    pub fn for_report(report: &scim_wizard_entra::auth::PreflightReport) -> Vec<Self> {
        let mut fixes = Vec::new();
        if !report.missing_roles.is_empty() {
            fixes.push(Self::AskForRole);
        }
        if !report.missing_scopes.is_empty() {
            let missing = report.missing_scopes.clone();
            fixes.push(if report.qualifying_role.is_some() {
                Self::GrantConsentYourself { missing }
            } else {
                Self::AskForConsent { missing }
            });
        }
        fixes
    }
}
