//! After the setup: status of both sides, token rotation, and rollback.

use chrono::Utc;
use scim_wizard_entra::graph::Secrets;
use scim_wizard_scaleway::ScalewayError;

use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::{Journal, RotationRecord, TokenRecord, check_organization, check_tenant};
use crate::messages::{ProgressMessage, RollbackKept, RollbackWhat};
use crate::progress::{CancellationToken, Step};
use crate::report::{
    KeyAction, NeedsScalewayKey, RollbackItem, RollbackPlan, RollbackReport, RollbackRequest,
    RotationReport, SetupStatus,
};
use crate::scaleway_step::{MAX_SCIM_TOKENS, TokenSummary, scim_token_account};
use crate::status::{CONSOLE_SCIM_PAGE, read_status};
use crate::steps::forget_app;

/// Keychain account holding a rotation's new token until Entra has it.
pub fn staging_token_account(organization_id: &str) -> String {
    format!("scim-token:{organization_id}:next")
}

impl SetupEngine {
    fn update_journal(&self, change: impl FnOnce(&mut Journal)) -> Result<(), SetupError> {
        let now = Utc::now();
        let mut journal = self.journal.load()?.unwrap_or_else(|| Journal::new(now));
        check_organization(&journal, self.scaleway.journal_organization())?;
        check_tenant(&journal, self.entra.tenant_id())?;
        change(&mut journal);
        journal.updated_at = now;
        self.journal.save(&journal)?;
        Ok(())
    }

    /// Both sides, live (see [`read_status`]).
    pub async fn status(&self) -> Result<SetupStatus, SetupError> {
        read_status(&self.scaleway, Some(&self.entra), &self.journal).await
    }

    /// Replaces the SCIM token: mint the second token (refused at Scaleway's cap of two) →
    /// keychain → PUT the complete secret set → Test connection with what is saved → delete the
    /// old token → journal. A crash in between resumes from the new token kept in the keychain.
    ///
    /// Needs a Scaleway API key: with a token only, it answers
    /// [`SetupError::ScalewayKeyNeeded`] before anything happens.
    pub async fn rotate_token(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<RotationReport, SetupError> {
        if self.scaleway.keyed().is_none() {
            return Err(SetupError::ScalewayKeyNeeded {
                action: KeyAction::CreateToken,
            });
        }
        let r = self.reporter(cancel);
        r.checkpoint()?;
        r.started(Step::RotateToken, ProgressMessage::RotatingToken);
        let result = self.rotate_token_with(&r).await;
        match &result {
            Ok(report) => r.finished(
                Step::RotateToken,
                ProgressMessage::TokenRotated {
                    old_deleted: report.old_token_deleted.clone(),
                },
            ),
            Err(error) => r.failed(Step::RotateToken, error),
        }
        result
    }

    async fn rotate_token_with(
        &mut self,
        r: &crate::progress::Reporter,
    ) -> Result<RotationReport, SetupError> {
        let keyed = self.scaleway.keyed().ok_or(SetupError::ScalewayKeyNeeded {
            action: KeyAction::CreateToken,
        })?;
        let org = keyed.organization_id().to_owned();
        let scaleway = keyed.client().clone();
        let known_scim_id = keyed.scim_id().map(str::to_owned);
        let vault = keyed.vault().cloned();
        let journal = self
            .journal
            .load()?
            .unwrap_or_else(|| Journal::new(Utc::now()));
        let scaleway_record = journal.scaleway.clone().unwrap_or_default();
        let entra_record = journal.entra.clone().unwrap_or_default();
        let saved = entra_record
            .secrets_saved
            .clone()
            .ok_or(SetupError::NotReady(
                "the connection is not saved in Entra yet, so there is no token to replace",
            ))?;
        let scim_id = scaleway_record
            .scim_id
            .clone()
            .or(known_scim_id)
            .ok_or(SetupError::NotReady("SCIM is not enabled"))?;
        let app = self.current_app(r).await?;
        let job = self.current_job()?;
        let staging = staging_token_account(&org);

        // Resume a rotation whose new token is safe in the keychain.
        let resumed = match (&entra_record.rotation, &vault) {
            (Some(rotation), Some(vault)) => vault
                .read_async(&staging)
                .await?
                .map(|token| (rotation.clone(), token)),
            _ => None,
        };
        let (rotation, new_token) = match resumed {
            Some(found) => found,
            None => {
                let live = scaleway.list_scim_tokens(&scim_id).await?;
                if live.len() >= MAX_SCIM_TOKENS {
                    return Err(SetupError::TokenLimit { tokens: live });
                }
                let vault = vault.clone().ok_or(SetupError::NotReady(
                    "no keychain is available to keep the new token safe while Entra switches to it",
                ))?;
                // A locked keychain must be found before the one-time token exists.
                vault.probe_async().await?;
                r.checkpoint()?;
                let created = scaleway.create_scim_token(&scim_id).await?;
                if let Err(refused) = vault.store_async(&staging, &created.bearer_token).await {
                    // The keychain refused the new token before Entra had it: nothing uses it
                    // yet, and it could not be kept safe while Entra switches, so it is deleted
                    // at once. The old token is untouched and keeps working.
                    return Err(match scaleway.delete_scim_token(&created.token.id).await {
                        Ok(()) | Err(ScalewayError::NotFound { .. }) => refused.into(),
                        Err(_) => SetupError::TokenLost {
                            token_ids: vec![created.token.id.clone()],
                        },
                    });
                }
                let rotation = RotationRecord {
                    new_token_id: created.token.id.clone(),
                    old_token_id: scaleway_record.token.as_ref().and_then(|t| t.id.clone()),
                    new_token_created_at: created.token.created_at,
                    new_token_expires_at: created.token.expires_at,
                    started_at: Utc::now(),
                };
                let recorded = rotation.clone();
                self.update_journal(|journal| {
                    if let Some(entra) = journal.entra.as_mut() {
                        entra.rotation = Some(recorded);
                    }
                })?;
                r.progress(Step::RotateToken, ProgressMessage::NewTokenGivenToEntra);
                (rotation, created.bearer_token)
            }
        };
        r.checkpoint()?;
        let secrets = Secrets {
            base_address: saved.base_address.clone(),
            secret_token: new_token.clone(),
            sync_all: false,
            notification_email: self.options.notification_email.clone(),
        };
        let client = self.entra.graph();
        client
            .put_secrets(&app.record.service_principal_id, &secrets)
            .await?;
        client
            .validate_credentials_saved(&app.record.service_principal_id, &job.id)
            .await?;
        // Entra has the new token: it becomes the setup's token in the keychain.
        if let Some(vault) = &vault {
            vault
                .store_async(&scim_token_account(&org), &new_token)
                .await?;
            vault.delete_async(&staging).await?;
        }
        let old = rotation
            .old_token_id
            .clone()
            .filter(|old| old != &rotation.new_token_id);
        let old_token_deleted = match &old {
            Some(old) => match scaleway.delete_scim_token(old).await {
                Ok(()) | Err(ScalewayError::NotFound { .. }) => Some(old.clone()),
                Err(error) => return Err(error.into()),
            },
            None => None,
        };
        let new_record = TokenRecord {
            id: Some(rotation.new_token_id.clone()),
            minted_by_us: true,
            created_at: rotation.new_token_created_at,
            expires_at: rotation.new_token_expires_at,
            in_keychain: vault.is_some(),
        };
        let new_id = rotation.new_token_id.clone();
        self.update_journal(|journal| {
            if let Some(scaleway) = journal.scaleway.as_mut() {
                scaleway.token = Some(new_record);
            }
            if let Some(entra) = journal.entra.as_mut() {
                entra.rotation = None;
                if let Some(saved) = entra.secrets_saved.as_mut() {
                    saved.token_id = Some(new_id);
                    saved.saved_at = Utc::now();
                }
            }
        })?;
        Ok(RotationReport {
            new_token: TokenSummary {
                id: rotation.new_token_id.clone(),
                created_at: rotation.new_token_created_at,
                expires_at: rotation.new_token_expires_at,
                ours: true,
            },
            old_token_deleted,
        })
    }

    /// What `rollback` would remove, in order, and what it keeps.
    pub fn plan_rollback(&self) -> Result<RollbackPlan, SetupError> {
        let journal = self
            .journal
            .load()?
            .unwrap_or_else(|| Journal::new(Utc::now()));
        let retention = journal.retention();
        let scaleway = journal.scaleway.unwrap_or_default();
        let entra = journal.entra.unwrap_or_default();
        let mut remove = Vec::new();
        let mut kept = vec![RollbackKept::ProvisionedUsers];
        let app_ours = entra.app.as_ref().is_some_and(|a| a.created_by_us);
        for assignment in &entra.assignments {
            let name = assignment
                .display_name
                .clone()
                .unwrap_or_else(|| assignment.principal_id.clone());
            if assignment.created_by_us {
                remove.push(RollbackItem::new(
                    Step::Assignments,
                    RollbackWhat::Unassign {
                        principal_type: assignment.principal_type.clone(),
                        name,
                    },
                    Some(assignment.assignment_id.clone()),
                ));
            } else {
                kept.push(RollbackKept::AssignedBefore { name });
            }
        }
        let job_ours = entra.job.as_ref().is_some_and(|j| j.created_by_us);
        if !app_ours
            && !job_ours
            && entra.schema_applied_at.is_some()
            && entra.schema_backup.is_some()
        {
            remove.push(RollbackItem::new(
                Step::Mappings,
                RollbackWhat::RestoreMappings,
                entra.job.as_ref().map(|j| j.id.clone()),
            ));
        }
        if let Some(job) = &entra.job {
            if job.created_by_us {
                remove.push(RollbackItem::new(
                    Step::ProvisioningJob,
                    RollbackWhat::DeleteJob,
                    Some(job.id.clone()),
                ));
            } else {
                kept.push(RollbackKept::JobExistedBefore);
            }
        }
        if let Some(app) = &entra.app {
            if app.created_by_us {
                remove.push(RollbackItem::new(
                    Step::EntraApp,
                    RollbackWhat::DeleteApp {
                        name: entra.app_display_name.clone(),
                    },
                    Some(app.application_object_id.clone()),
                ));
            } else {
                kept.push(RollbackKept::AppExistedBefore {
                    name: entra.app_display_name.clone(),
                });
                if entra.secrets_saved.is_some() {
                    kept.push(RollbackKept::SavedCredentialsStay);
                }
            }
        }
        // Scaleway's side: with a key, what the wizard created is removed; with a token only,
        // nothing there can be touched, and each such thing is said, with where to do it.
        let keyless = self.scaleway.keyed().is_none();
        let mut needs_scaleway_key = Vec::new();
        if let Some(token) = &scaleway.token {
            match (&token.id, token.minted_by_us) {
                (Some(id), true) if keyless => needs_scaleway_key.push(NeedsScalewayKey {
                    action: KeyAction::DeleteToken,
                    id: Some(id.clone()),
                    message: format!(
                        "The SCIM token the wizard created ({id}) stays valid in Scaleway: the app has no Scaleway API key to delete it. Delete it in {CONSOLE_SCIM_PAGE} if nothing else uses it."
                    ),
                }),
                (Some(id), true) => remove.push(RollbackItem::new(
                    Step::ScimToken,
                    RollbackWhat::DeleteToken,
                    Some(id.clone()),
                )),
                _ if keyless => needs_scaleway_key.push(NeedsScalewayKey {
                    action: KeyAction::DeleteToken,
                    id: token.id.clone(),
                    message: format!(
                        "The SCIM token you gave stays valid in Scaleway: the app has no Scaleway API key to revoke it. Revoke it in {CONSOLE_SCIM_PAGE} if nothing else uses it."
                    ),
                }),
                _ => kept.push(RollbackKept::PastedToken),
            }
        }
        if let Some(rotation) = &entra.rotation {
            if keyless {
                needs_scaleway_key.push(NeedsScalewayKey {
                    action: KeyAction::DeleteToken,
                    id: Some(rotation.new_token_id.clone()),
                    message: format!(
                        "The token of an unfinished rotation ({}) stays in Scaleway: the app has no Scaleway API key to delete it. Delete it in {CONSOLE_SCIM_PAGE}.",
                        rotation.new_token_id
                    ),
                });
            } else {
                remove.push(RollbackItem::new(
                    Step::RotateToken,
                    RollbackWhat::DeleteRotationToken,
                    Some(rotation.new_token_id.clone()),
                ));
            }
        }
        if scaleway.scim_enabled_by_us && keyless {
            needs_scaleway_key.push(NeedsScalewayKey {
                action: KeyAction::DisableScim,
                id: scaleway.scim_id.clone(),
                message: format!(
                    "SCIM stays enabled on the Scaleway Organization (the wizard enabled it): the app has no Scaleway API key to disable it. Disable it in {CONSOLE_SCIM_PAGE} if you no longer need it."
                ),
            });
        } else if scaleway.scim_enabled_by_us {
            remove.push(RollbackItem::new(
                Step::ScimEnabled,
                RollbackWhat::DisableScim,
                scaleway.scim_id.clone(),
            ));
        } else if scaleway.scim_id.is_some() {
            kept.push(RollbackKept::ScimEnabledBefore);
        }
        kept.push(if retention.forgets_when_done() {
            RollbackKept::CredentialsForgotten
        } else {
            RollbackKept::CredentialsKept
        });
        Ok(RollbackPlan {
            remove,
            kept,
            needs_scaleway_key,
        })
    }

    /// Undoes what the journal says the wizard created, newest first, after the admin confirmed;
    /// then deletes the journal and the SCIM token from the keychain. Each removal is journaled,
    /// so an interrupted rollback resumes. Drop the engine afterwards: its sessions describe a
    /// setup that no longer exists.
    pub async fn rollback(
        &mut self,
        request: RollbackRequest,
        cancel: &CancellationToken,
    ) -> Result<RollbackReport, SetupError> {
        if !request.confirmed {
            return Err(SetupError::ConfirmationRequired);
        }
        let r = self.reporter(cancel);
        r.checkpoint()?;
        r.started(Step::Rollback, ProgressMessage::RollingBack);
        let result = self.rollback_with(&r, request).await;
        match &result {
            Ok(report) => r.finished(
                Step::Rollback,
                ProgressMessage::RolledBack {
                    removed: u32::try_from(report.undone.len()).unwrap_or(u32::MAX),
                },
            ),
            Err(error) => r.failed(Step::Rollback, error),
        }
        result
    }

    async fn rollback_with(
        &mut self,
        r: &crate::progress::Reporter,
        request: RollbackRequest,
    ) -> Result<RollbackReport, SetupError> {
        let plan = self.plan_rollback()?;
        let journal = self
            .journal
            .load()?
            .unwrap_or_else(|| Journal::new(Utc::now()));
        let entra = journal.entra.clone().unwrap_or_default();
        let graph = self.entra.graph().clone();
        let token_account = self.scaleway.token_account();
        let staging_account = self.scaleway.organization_id().map(staging_token_account);
        let mut undone = Vec::new();
        for item in plan.remove {
            r.checkpoint()?;
            r.progress(
                Step::Rollback,
                ProgressMessage::Undoing {
                    item: item.what.clone(),
                },
            );
            match item.step {
                Step::Assignments => {
                    let (Some(app), Some(id)) = (&entra.app, &item.id) else {
                        continue;
                    };
                    graph
                        .remove_assignment(&app.service_principal_id, id)
                        .await?;
                    let id = id.clone();
                    self.update_journal(|journal| {
                        if let Some(entra) = journal.entra.as_mut() {
                            entra.assignments.retain(|a| a.assignment_id != id);
                        }
                    })?;
                }
                Step::Mappings => {
                    let (Some(app), Some(job), Some(backup)) =
                        (&entra.app, &entra.job, &entra.schema_backup)
                    else {
                        continue;
                    };
                    graph
                        .put_schema(&app.service_principal_id, &job.id, backup)
                        .await?;
                    self.update_journal(|journal| {
                        if let Some(entra) = journal.entra.as_mut() {
                            entra.schema_applied_at = None;
                            entra.groups_provisioned = None;
                        }
                    })?;
                }
                Step::ProvisioningJob => {
                    let (Some(app), Some(id)) = (&entra.app, &item.id) else {
                        continue;
                    };
                    graph.delete_job(&app.service_principal_id, id).await?;
                    self.update_journal(|journal| {
                        if let Some(entra) = journal.entra.as_mut() {
                            crate::steps::forget_job(entra);
                        }
                    })?;
                }
                Step::EntraApp => {
                    let Some(id) = &item.id else { continue };
                    graph.delete_application(id).await?;
                    self.update_journal(|journal| {
                        if let Some(entra) = journal.entra.as_mut() {
                            forget_app(entra);
                        }
                    })?;
                }
                Step::ScimToken | Step::RotateToken => {
                    let (Some(id), Some(keyed)) = (&item.id, self.scaleway.keyed()) else {
                        continue;
                    };
                    match keyed.client().delete_scim_token(id).await {
                        Ok(()) | Err(ScalewayError::NotFound { .. }) => {}
                        Err(error) => return Err(error.into()),
                    }
                    let rotation = item.step == Step::RotateToken;
                    self.update_journal(|journal| {
                        if rotation {
                            if let Some(entra) = journal.entra.as_mut() {
                                entra.rotation = None;
                            }
                        } else if let Some(scaleway) = journal.scaleway.as_mut() {
                            scaleway.token = None;
                        }
                    })?;
                }
                Step::ScimEnabled => {
                    let (Some(id), Some(keyed)) = (&item.id, self.scaleway.keyed()) else {
                        continue;
                    };
                    match keyed.client().disable_scim(id).await {
                        Ok(()) | Err(ScalewayError::NotFound { .. }) => {}
                        Err(error) => return Err(error.into()),
                    }
                    self.update_journal(|journal| {
                        if let Some(scaleway) = journal.scaleway.as_mut() {
                            scaleway.scim_id = None;
                            scaleway.scim_enabled_by_us = false;
                        }
                    })?;
                    if let Some(keyed) = self.scaleway.keyed_mut() {
                        keyed.forget_scim();
                    }
                }
                _ => continue,
            }
            undone.push(item);
        }
        // Our keychain entries for this Organization: the SCIM token (its Scaleway twin is gone,
        // was not ours to delete, or stays for lack of a key, as the report says) and any
        // rotation leftover.
        if let Some(vault) = self.scaleway.vault() {
            vault.delete_async(&token_account).await?;
            if let Some(staging) = &staging_account {
                vault.delete_async(staging).await?;
            }
        }
        // A setup that is gone needs no key or sign-in, unless the admin chose to keep them.
        if request.forget_entra_sign_in {
            self.entra.sign_out().await?;
        }
        if journal.retention().forgets_when_done() {
            self.forget_key_and_sign_in().await?;
        }
        self.journal.remove()?;
        Ok(RollbackReport {
            undone,
            kept: plan.kept,
            needs_scaleway_key: plan.needs_scaleway_key,
        })
    }
}
