//! The summary of a setup (the Done screen, "Export report", the CLI's ids): what exists, who
//! made it, where the token stays, and links to both consoles. Read from the journal only.

use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::Journal;
use crate::report::{AssignedPrincipal, ConsoleLinks, KeychainEntry, SetupSummary};

/// Scaleway console pages (where provisioned users appear; SCIM settings). UNVERIFIED paths:
/// the console's routes are not documented (docs/services.md).
pub const SCALEWAY_CONSOLE_IAM_USERS: &str = "https://console.scaleway.com/iam/users";
pub const SCALEWAY_CONSOLE_SECURITY: &str = "https://console.scaleway.com/organization/security";

impl SetupEngine {
    /// What was created, with links to both consoles (no secrets).
    pub fn summary(&self) -> Result<SetupSummary, SetupError> {
        let journal = self.journal.load()?;
        let retention = journal.as_ref().map(Journal::retention).unwrap_or_default();
        let scaleway = journal
            .as_ref()
            .and_then(|j| j.scaleway.clone())
            .unwrap_or_default();
        let entra = journal.and_then(|j| j.entra).unwrap_or_default();
        let portal = self.entra.portal_url();
        let app = entra.app.as_ref();
        let blade = |page: &str| {
            app.map(|app| {
                format!(
                    "{portal}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/{page}/objectId/{}/appId/{}",
                    app.service_principal_id, app.app_id
                )
            })
        };
        Ok(SetupSummary {
            // Empty when the admin gave a token without its Organization ID.
            organization_id: self.scaleway.journal_organization().to_owned(),
            organization_name: self
                .scaleway
                .organization_name()
                .map(str::to_owned)
                .or_else(|| scaleway.organization_name.clone()),
            scim_id: scaleway.scim_id.clone(),
            scim_enabled_by_wizard: scaleway.scim_enabled_by_us,
            token_id: scaleway.token.as_ref().and_then(|t| t.id.clone()),
            token_expires_at: scaleway.token.as_ref().and_then(|t| t.expires_at),
            base_url: scaleway.base_url.clone(),
            tenant_id: Some(self.entra.tenant_id().to_owned()),
            app_display_name: Some(self.app_name.clone()),
            application_object_id: app.map(|a| a.application_object_id.clone()),
            app_id: app.map(|a| a.app_id.clone()),
            service_principal_id: app.map(|a| a.service_principal_id.clone()),
            app_created_by_wizard: app.is_some_and(|a| a.created_by_us),
            job_id: entra.job.as_ref().map(|j| j.id.clone()),
            tenant_url: entra.secrets_saved.as_ref().map(|s| s.base_address.clone()),
            mappings_applied_at: entra.schema_applied_at,
            assignments: entra
                .assignments
                .iter()
                .map(|a| AssignedPrincipal {
                    principal_id: a.principal_id.clone(),
                    principal_type: a.principal_type.clone(),
                    display_name: a.display_name.clone(),
                    assignment_id: a.assignment_id.clone(),
                    created_by_wizard: a.created_by_us,
                })
                .collect(),
            started_at: entra.started_at,
            proof_username: entra.proof.as_ref().map(|p| p.expected_username.clone()),
            proof_found_in_scaleway: entra.proof.as_ref().map(|p| p.found_in_scaleway),
            proof_group: entra.proof.as_ref().and_then(|p| p.group.clone()),
            scim_token_keychain: scaleway
                .token
                .as_ref()
                .filter(|token| token.in_keychain)
                .zip(self.scaleway.vault())
                .map(|(_, vault)| KeychainEntry {
                    service: vault.service().to_owned(),
                    account: self.scaleway.token_account(),
                }),
            credential_retention: retention,
            links: ConsoleLinks {
                entra_app: blade("Overview"),
                entra_provisioning: blade("Provisioning"),
                scaleway_iam_users: SCALEWAY_CONSOLE_IAM_USERS.to_owned(),
                scaleway_security: SCALEWAY_CONSOLE_SECURITY.to_owned(),
            },
        })
    }
}
