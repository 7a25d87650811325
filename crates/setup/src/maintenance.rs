//! After the setup: status of both sides, token rotation, and rollback.

use chrono::{DateTime, Utc};
use scim_wizard_entra::graph::{GraphError, Secrets};
use scim_wizard_scaleway::{ScalewayError, ScimToken};

use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::health;
use crate::journal::{Journal, RotationRecord, TokenRecord, check_organization, check_tenant};
use crate::messages::{ProgressMessage, RollbackKept, RollbackWhat};
use crate::progress::{CancellationToken, Step};
use crate::report::{
    EntraStatus, JobHealth, KeyAction, LastProof, NeedsScalewayKey, RollbackItem, RollbackPlan,
    RollbackReport, RollbackRequest, RotationReport, ScalewayStatus, SetupStatus, TokenStatus,
};
use crate::scaleway_step::{MAX_SCIM_TOKENS, ScalewaySide, TokenSummary, scim_token_account};
use crate::steps::forget_app;

/// Where the admin revokes tokens or disables SCIM by hand.
const CONSOLE_SCIM_PAGE: &str =
    "the Scaleway console (Organization security → Automatic user provisioning)";

/// Warn when a SCIM token expires within this many days.
pub const TOKEN_EXPIRY_WARNING_DAYS: i64 = 30;

/// Keychain account holding a rotation's new token until Entra has it.
pub fn staging_token_account(organization_id: &str) -> String {
    format!("scim-token:{organization_id}:next")
}

/// What `status` read on Scaleway's side.
enum ScalewayRead {
    Keyed {
        scim: Option<scim_wizard_scaleway::Scim>,
        tokens: Vec<ScimToken>,
        /// Scaleway's clock when it answered.
        now: DateTime<Utc>,
    },
    TokenOnly {
        works: bool,
    },
}

/// `now` is Scaleway's clock (see `ServerClock`): the one that will refuse the token.
fn token_status(token: &ScimToken, ours: bool, now: DateTime<Utc>) -> TokenStatus {
    let days = token
        .expires_at
        .map(|at| at.signed_duration_since(now).num_days());
    let warning = match days {
        Some(days) if days < 0 => Some(format!(
            "The SCIM token {} has expired: rotate it, or provisioning stops.",
            token.id
        )),
        Some(days) if days < TOKEN_EXPIRY_WARNING_DAYS => Some(format!(
            "The SCIM token {} expires in {days} day(s): rotate it soon.",
            token.id
        )),
        _ => None,
    };
    TokenStatus {
        token: TokenSummary {
            id: token.id.clone(),
            created_at: token.created_at,
            expires_at: token.expires_at,
            ours,
        },
        expires_in_days: days,
        warning,
    }
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

    /// Both sides, live: SCIM and its tokens (expiry warnings under 30 days), the app, the
    /// job's state, its last cycle, and a quarantine explained in plain words.
    ///
    /// With a token only (no API key), Scaleway's side is the token checked against its Base URL;
    /// what needs a key (listing tokens and their expiry) is said in `needs_scaleway_key`.
    pub async fn status(&self) -> Result<SetupStatus, SetupError> {
        let org = self.scaleway.journal_organization();
        let journal = self.journal.load()?;
        let scaleway_record = journal.as_ref().and_then(|j| j.scaleway.clone());
        let entra_record = journal.and_then(|j| j.entra).unwrap_or_default();
        let ours = scaleway_record
            .as_ref()
            .and_then(|s| s.token.as_ref())
            .and_then(|t| t.id.clone());

        let graph = self.entra.graph();
        let entra_side = async {
            let Some(app) = &entra_record.app else {
                return Ok::<_, SetupError>((false, None));
            };
            let (sp, job) = tokio::join!(
                graph.get_service_principal(&app.service_principal_id),
                async {
                    match &entra_record.job {
                        Some(job) => Some(graph.get_job(&app.service_principal_id, &job.id).await),
                        None => None,
                    }
                }
            );
            let exists = match sp {
                Ok(_) => true,
                Err(GraphError::NotFound { .. }) => false,
                Err(error) => return Err(error.into()),
            };
            let job = match job {
                Some(Ok(job)) => Some(JobHealth::from_job(&job)),
                Some(Err(GraphError::NotFound { .. })) | None => None,
                Some(Err(error)) => return Err(error.into()),
            };
            Ok((exists, job))
        };
        let scaleway_side = async {
            match &self.scaleway {
                ScalewaySide::Keyed(keyed) => {
                    let client = keyed.client();
                    let scim = client.get_scim(org).await?;
                    let tokens = match &scim {
                        Some(scim) => client.list_scim_tokens(&scim.id).await?,
                        None => Vec::new(),
                    };
                    Ok::<_, SetupError>(ScalewayRead::Keyed {
                        scim,
                        tokens,
                        now: client.now(),
                    })
                }
                ScalewaySide::TokenOnly(session) => match session.verify().await {
                    Ok(_) => Ok(ScalewayRead::TokenOnly { works: true }),
                    // A refusal is an answer about the token, not a failure of `status`.
                    Err(SetupError::BaseUrl(
                        scim_wizard_scaleway::scim_base::ScimBaseError::TokenRefused { .. }
                        | scim_wizard_scaleway::scim_base::ScimBaseError::Forbidden { .. },
                    )) => Ok(ScalewayRead::TokenOnly { works: false }),
                    Err(error) => Err(error),
                },
            }
        };
        let (entra_side, scaleway_side) = tokio::join!(entra_side, scaleway_side);
        let (app_exists, job) = entra_side?;
        let mut warnings = Vec::new();
        let mut needs_scaleway_key = Vec::new();
        let (scim_enabled, scim_id, tokens, token_works) = match scaleway_side? {
            ScalewayRead::Keyed { scim, tokens, now } => {
                let tokens: Vec<TokenStatus> = tokens
                    .iter()
                    .map(|t| token_status(t, ours.as_deref() == Some(t.id.as_str()), now))
                    .collect();
                warnings.extend(tokens.iter().filter_map(|t| t.warning.clone()));
                if scim.is_none() {
                    warnings.push("SCIM is not enabled on the Scaleway Organization.".to_owned());
                }
                (scim.is_some(), scim.map(|s| s.id), tokens, None)
            }
            ScalewayRead::TokenOnly { works } => {
                if !works {
                    warnings.push(format!(
                        "Scaleway's SCIM service refused this setup's SCIM token: it may have been deleted, or it expired. Create a new token in {CONSOLE_SCIM_PAGE} and give it to the app (Entra stops provisioning until then)."
                    ));
                }
                needs_scaleway_key.push(NeedsScalewayKey {
                    action: KeyAction::ListTokens,
                    id: None,
                    message: format!(
                        "Without a Scaleway API key the app cannot list your SCIM tokens or see when they expire (a token lasts one year): check them in {CONSOLE_SCIM_PAGE}."
                    ),
                });
                (works, None, Vec::new(), Some(works))
            }
        };
        if entra_record.app.is_some() && !app_exists {
            warnings.push(
                "The enterprise application recorded by the setup no longer exists in Entra."
                    .to_owned(),
            );
        }
        if let Some(job) = &job
            && let Some(quarantine) = &job.quarantine
        {
            warnings.push(quarantine.english());
        }
        // The token in use: ours in Scaleway's list, else (a token only) as the journal has it.
        let token_expires_in_days = tokens
            .iter()
            .find(|t| t.token.ours)
            .and_then(|t| t.expires_in_days)
            .or_else(|| {
                let expires_at = scaleway_record.as_ref()?.token.as_ref()?.expires_at?;
                Some(expires_at.signed_duration_since(Utc::now()).num_days())
            });
        let attention = health::attention(&health::Observed {
            setup_exists: entra_record.app.is_some()
                || scaleway_record.as_ref().is_some_and(|s| s.token.is_some()),
            token_days: token_expires_in_days,
            token_works,
            scim_enabled,
            app_missing: entra_record.app.is_some() && !app_exists,
            job: job.as_ref(),
        });
        Ok(SetupStatus {
            token_expires_in_days,
            attention,
            last_proof: entra_record.proof.as_ref().map(LastProof::from),
            scaleway: ScalewayStatus {
                organization_id: org.to_owned(),
                access: self.scaleway.access(),
                scim_enabled,
                scim_id,
                tokens,
                base_url: scaleway_record.and_then(|s| s.base_url),
                token_works,
                needs_scaleway_key,
            },
            entra: EntraStatus {
                tenant_id: self.entra.tenant_id().to_owned(),
                app_display_name: entra_record
                    .app
                    .as_ref()
                    .map(|_| entra_record.app_display_name.clone()),
                app_exists,
                service_principal_id: entra_record
                    .app
                    .as_ref()
                    .map(|a| a.service_principal_id.clone()),
                job,
                assignments: entra_record.assignments.len(),
            },
            warnings,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn token(days: i64) -> ScimToken {
        serde_json::from_value(serde_json::json!({
            "id": "t1",
            "scim_id": "s1",
            "created_at": Utc::now().to_rfc3339(),
            "expires_at": (Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(1)).to_rfc3339(),
        }))
        .unwrap()
    }

    #[test]
    fn tokens_expiring_within_thirty_days_are_flagged() {
        let now = Utc::now();
        assert!(token_status(&token(200), true, now).warning.is_none());
        let soon = token_status(&token(10), true, now);
        assert_eq!(soon.expires_in_days, Some(10));
        assert!(soon.warning.unwrap().contains("expires in 10 day"));
        // Counted on Scaleway's clock: 190 days on, the 200-day token has 10 left.
        let later = now + chrono::Duration::days(190);
        assert_eq!(
            token_status(&token(200), true, later).expires_in_days,
            Some(10)
        );
        assert!(
            token_status(&token(-3), false, now)
                .warning
                .unwrap()
                .contains("expired")
        );
    }
}
