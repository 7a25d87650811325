//! Entra's provisioning logs for one app: what happened to each person on each cycle
//! (docs/services.md, "Graph: provisioning logs"). Reading them needs `AuditLog.Read.All` and
//! `Directory.Read.All`, asked for only when the admin opens them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use super::odata::odata_string;
use super::{GraphClient, GraphError};

/// One entry of `GET /auditLogs/provisioning` (a `provisioningObjectSummary`), the parts the app
/// shows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningLogEntry {
    pub id: String,
    pub activity_date_time: DateTime<Utc>,
    /// `create`, `update`, `delete`, `disable`, `other`, …
    #[serde(default)]
    pub provisioning_action: Option<String>,
    #[serde(default)]
    pub provisioning_status_info: Option<ProvisioningStatusInfo>,
    /// The person or group in Entra.
    #[serde(default)]
    pub source_identity: Option<ProvisionedIdentity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningStatusInfo {
    /// `success`, `failure`, `skipped`, `warning`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub error_information: Option<ProvisioningErrorInformation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningErrorInformation {
    #[serde(default)]
    pub error_code: Option<String>,
    /// Often the target system's own words (Scaleway's SCIM error detail).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionedIdentity {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `User` or `Group`.
    #[serde(default)]
    pub identity_type: Option<String>,
}

impl ProvisioningLogEntry {
    /// Whether provisioning failed for this person or group.
    pub fn failed(&self) -> bool {
        self.provisioning_status_info
            .as_ref()
            .and_then(|info| info.status.as_deref())
            .is_some_and(|status| status.eq_ignore_ascii_case("failure"))
    }
}

/// At most this many entries per page (Graph's maximum for this list).
const LOG_PAGE_SIZE: u32 = 500;

impl GraphClient {
    /// The provisioning log entries of one app after `since`: `GET /auditLogs/provisioning?
    /// $filter=servicePrincipal/id eq '…' and activityDateTime gt …&$top=500`, every page (the
    /// list filters dates with `gt` and `lt` only).
    pub async fn provisioning_logs(
        &self,
        service_principal_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ProvisioningLogEntry>, GraphError> {
        let filter = format!(
            "servicePrincipal/id eq {} and activityDateTime gt {}",
            odata_string(service_principal_id),
            since.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let url = self.url(
            &["auditLogs", "provisioning"],
            &[("$filter", filter), ("$top", LOG_PAGE_SIZE.to_string())],
        );
        self.get_all(url).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_as_graph_sends_it() {
        let entry: ProvisioningLogEntry = serde_json::from_value(serde_json::json!({
            "id": "75b5b0a1",
            "activityDateTime": "2026-12-05T08:00:00Z",
            "provisioningAction": "create",
            "provisioningStatusInfo": {"status": "failure", "errorInformation": {
                "errorCode": "SystemForCrossDomainIdentityManagementBadRequest",
                "reason": "userName is already taken", "additionalDetails": null}},
            "sourceIdentity": {"id": "u1", "displayName": "Adele Vance", "identityType": "User", "details": {}},
            "servicePrincipal": {"id": "sp1", "displayName": "Scaleway SCIM"}
        }))
        .unwrap();
        assert!(entry.failed());
        assert_eq!(
            entry
                .source_identity
                .as_ref()
                .and_then(|s| s.display_name.as_deref()),
            Some("Adele Vance")
        );
        let ok: ProvisioningLogEntry = serde_json::from_value(serde_json::json!({
            "id": "2", "activityDateTime": "2026-12-05T08:00:00Z",
            "provisioningStatusInfo": {"status": "success", "errorInformation": null}
        }))
        .unwrap();
        assert!(!ok.failed());
    }
}
