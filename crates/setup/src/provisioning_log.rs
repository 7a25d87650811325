//! "Show recent errors": Entra's provisioning logs for this setup's app over the last hours,
//! reduced to who failed, what Entra was doing, why (Scaleway's words when it gave them) and
//! what to do, as typed values the fronts word.

use chrono::{DateTime, Duration, Utc};
use scim_wizard_entra::graph::{GraphError, ProvisioningLogEntry};
use serde::Serialize;

use crate::engine::SetupEngine;
use crate::failure::SetupError;

/// Why provisioning failed for someone, from Entra's error code (the codes are the
/// `SystemForCrossDomainIdentityManagement…` family Entra shows in its admin center; which code
/// each Scaleway refusal becomes is not documented, so anything unknown is `Other`, with
/// Entra's own words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FailureCause {
    /// Scaleway refused the SCIM token: renew it.
    TokenRefused,
    /// Scaleway already has this username (HTTP 409): two people share a username, or the
    /// account exists outside Entra.
    AlreadyExists,
    /// Scaleway refused a value (HTTP 400): its words say which.
    ValueRefused,
    /// Scaleway could not be reached or failed (5xx): Entra tries again on its next cycle.
    ScalewayUnavailable,
    /// Scaleway does not do what the mapping asks (404, 405, 501).
    NotSupported,
    Other,
}

impl FailureCause {
    fn of(error_code: Option<&str>) -> Self {
        let Some(code) = error_code else {
            return Self::Other;
        };
        // Entra prefixes the code with the target's name (`ContosoEntryConflict` in Microsoft's
        // example); for a SCIM app it is `SystemForCrossDomainIdentityManagement…`.
        let ends = |suffix: &str| code.ends_with(suffix);
        if ends("InvalidCredentials") || ends("Unauthorized") {
            Self::TokenRefused
        } else if ends("Conflict") {
            Self::AlreadyExists
        } else if ends("BadRequest") {
            Self::ValueRefused
        } else if ends("ServiceError") || ends("CredentialValidationUnavailable") {
            Self::ScalewayUnavailable
        } else if ends("ServiceIncompatible") {
            Self::NotSupported
        } else {
            Self::Other
        }
    }

    /// The English sentence with what to do (the CLI).
    pub fn english(self) -> &'static str {
        match self {
            Self::TokenRefused => "Scaleway refused the SCIM token: renew the token.",
            Self::AlreadyExists => {
                "Scaleway already has this username: check that no two people get the same username (keep the domain in usernames if they do)."
            }
            Self::ValueRefused => {
                "Scaleway refused one of this person's details: correct it in Entra; the next cycle sends it again."
            }
            Self::ScalewayUnavailable => {
                "Scaleway could not be reached or failed: Entra tries again on its next cycle."
            }
            Self::NotSupported => {
                "Scaleway does not accept what Entra sent: run the setup again so the mappings are as Scaleway's guide asks."
            }
            Self::Other => "Entra could not provision this person: see Entra's words.",
        }
    }
}

/// One person (or group) Entra failed to provision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonFailure {
    pub at: DateTime<Utc>,
    /// As Entra names them (their display name), or their id.
    pub who: String,
    pub is_group: bool,
    /// `create`, `update`, `delete`, `disable`, … as Entra says it.
    pub action: Option<String>,
    pub cause: FailureCause,
    /// Entra's words (often Scaleway's own detail), when it gave them.
    pub detail: Option<String>,
}

/// The provisioning logs of the last hours, for this setup's app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecentErrors {
    pub since: DateTime<Utc>,
    /// Newest first; one entry per person (their latest failure).
    pub failures: Vec<PersonFailure>,
    /// Entries that went through in the same hours.
    // Far below 2^53: a plain number in TypeScript is exact.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub succeeded: usize,
}

/// From the log entries (newest first), the latest failure of each person, and the successes.
fn summarize(since: DateTime<Utc>, entries: &[ProvisioningLogEntry]) -> RecentErrors {
    let mut failures: Vec<PersonFailure> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut succeeded = 0;
    for entry in entries {
        if !entry.failed() {
            succeeded += usize::from(
                entry
                    .provisioning_status_info
                    .as_ref()
                    .and_then(|info| info.status.as_deref())
                    .is_some_and(|status| status.eq_ignore_ascii_case("success")),
            );
            continue;
        }
        let source = entry.source_identity.as_ref();
        let id = source.and_then(|s| s.id.clone()).unwrap_or_default();
        if !id.is_empty() && !seen.insert(id.clone()) {
            continue;
        }
        let error = entry
            .provisioning_status_info
            .as_ref()
            .and_then(|info| info.error_information.as_ref());
        failures.push(PersonFailure {
            at: entry.activity_date_time,
            who: source
                .and_then(|s| s.display_name.clone())
                .filter(|name| !name.is_empty())
                .unwrap_or(id),
            is_group: source
                .and_then(|s| s.identity_type.as_deref())
                .is_some_and(|t| t.eq_ignore_ascii_case("Group")),
            action: entry.provisioning_action.clone(),
            cause: FailureCause::of(error.and_then(|e| e.error_code.as_deref())),
            detail: error
                .and_then(|e| e.reason.clone())
                .filter(|reason| !reason.trim().is_empty()),
        });
    }
    RecentErrors {
        since,
        failures,
        succeeded,
    }
}

impl SetupEngine {
    /// The failures Entra logged for this setup's app over the last `hours`. Needs
    /// `AuditLog.Read.All`: without it, [`SetupError::AuditLogConsentNeeded`], and the front
    /// signs in again asking for it.
    pub async fn recent_errors(&self, hours: u32) -> Result<RecentErrors, SetupError> {
        let journal = self.journal().load()?;
        let app = journal
            .and_then(|j| j.entra)
            .and_then(|e| e.app)
            .ok_or(SetupError::NotReady(
                "the enterprise app is not created yet",
            ))?;
        let since = Utc::now() - Duration::hours(i64::from(hours));
        match self
            .entra()
            .graph()
            .provisioning_logs(&app.service_principal_id, since)
            .await
        {
            Ok(entries) => Ok(summarize(since, &entries)),
            Err(GraphError::Forbidden { .. }) => Err(SetupError::AuditLogConsentNeeded),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, who: &str, status: &str, code: Option<&str>) -> ProvisioningLogEntry {
        serde_json::from_value(serde_json::json!({
            "id": format!("log-{id}-{status}"),
            "activityDateTime": "2026-12-05T08:00:00Z",
            "provisioningAction": "create",
            "provisioningStatusInfo": {"status": status, "errorInformation": code.map(|code| serde_json::json!({
                "errorCode": code, "reason": "userName is already taken"}))},
            "sourceIdentity": {"id": id, "displayName": who, "identityType": "User"}
        }))
        .unwrap()
    }

    #[test]
    fn each_person_is_said_once_with_the_cause_of_their_latest_failure() {
        let entries = [
            entry(
                "u1",
                "Jordan Lee",
                "failure",
                Some("SystemForCrossDomainIdentityManagementConflict"),
            ),
            entry(
                "u1",
                "Jordan Lee",
                "failure",
                Some("SystemForCrossDomainIdentityManagementBadRequest"),
            ),
            entry("u2", "Adele Vance", "success", None),
            entry(
                "u3",
                "Megan Bowen",
                "failure",
                Some("SystemForCrossDomainIdentityManagementInvalidCredentials"),
            ),
            entry("u4", "Alex Wilber", "skipped", None),
        ];
        let said = summarize(Utc::now(), &entries);
        assert_eq!(said.succeeded, 1);
        let causes: Vec<_> = said
            .failures
            .iter()
            .map(|f| (f.who.as_str(), f.cause))
            .collect();
        assert_eq!(
            causes,
            [
                ("Jordan Lee", FailureCause::AlreadyExists),
                ("Megan Bowen", FailureCause::TokenRefused)
            ]
        );
        assert_eq!(
            said.failures[0].detail.as_deref(),
            Some("userName is already taken")
        );
        assert_eq!(FailureCause::of(Some("Something new")), FailureCause::Other);
        assert_eq!(
            FailureCause::of(Some("ContosoEntryConflict")),
            FailureCause::AlreadyExists
        );
        assert_eq!(FailureCause::of(None), FailureCause::Other);
    }
}
