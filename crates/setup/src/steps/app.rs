//! Step 2: the Entra enterprise application (a non-gallery app from Entra's template).
//!
//! - observe: the app the journal names (still there?), else an app carrying our unique name
//!   (an earlier run whose answer was lost, or a setup made by another computer);
//! - decide: reuse it, adopt the one found by name, or create one;
//! - run: instantiate, and when Entra's answer is lost, look for the app by its name before
//!   anything is created again.

use chrono::{DateTime, Utc};
use scim_wizard_entra::GraphClient;
use scim_wizard_entra::graph::{ApplicationSummary, GraphError, ServicePrincipalSummary};

use super::{AppState, EntraCtx, forget_app, plan_item};
use crate::engine::SetupEngine;
use crate::entra_step::EntraSession;
use crate::failure::SetupError;
use crate::journal::{AppRecord, EntraRecord};
use crate::messages::{PlanMessage, ProgressMessage};
use crate::progress::{CancellationToken, Reporter, Step};
use crate::report::{AppOutcome, PlanAction, PlanItem};

/// The start of every app name the wizard gives.
pub const APP_NAME_PREFIX: &str = "Scaleway SCIM";

/// The app's display name for an Organization: "Scaleway SCIM (1a2b3c4d)". The suffix (the
/// Organization id's first 8 characters) makes it unique enough that a lookup by name after a
/// lost answer finds exactly our app, and tells the admin which Organization it feeds.
pub fn app_display_name(organization_id: &str) -> String {
    let suffix: String = organization_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("{APP_NAME_PREFIX} ({suffix})")
}

/// The default name when no Organization ID is known (a token given without one): the same
/// shape, with an 8-hex-digit fingerprint of the Base URL instead of the Organization ID, so a
/// lookup by name after a lost answer still finds exactly this setup's app. FNV-1a: fixed
/// forever, unlike std's hasher, so every version of the app computes the same name.
pub fn app_display_name_for_base_url(base_url: &url::Url) -> String {
    let text = base_url.as_str().trim_end_matches('/').to_ascii_lowercase();
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{APP_NAME_PREFIX} ({hash:08x})")
}

/// What the journal and Entra say about our app.
#[derive(Debug)]
pub(crate) enum ObservedApp {
    /// The journal's app, still in Entra.
    Recorded(AppState),
    /// An app carrying our unique name. `ours`: the journal says we started creating it (its
    /// answer was lost); otherwise it was made elsewhere, and is reused but never deleted.
    Found {
        app: ApplicationSummary,
        ours: bool,
    },
    Missing,
}

/// What the app step does.
#[derive(Debug)]
pub(crate) enum AppDecision {
    Reuse(AppState),
    Adopt { app: ApplicationSummary, ours: bool },
    Create,
}

pub(crate) fn decide(observed: ObservedApp) -> AppDecision {
    match observed {
        ObservedApp::Recorded(app) => AppDecision::Reuse(app),
        ObservedApp::Found { app, ours } => AppDecision::Adopt { app, ours },
        ObservedApp::Missing => AppDecision::Create,
    }
}

/// Refuses the first change in Entra until the admin has confirmed the tenant signed in to.
pub(crate) fn require_confirmed_tenant(
    options: &crate::engine::SetupOptions,
    entra: &EntraSession,
    before: Option<&EntraRecord>,
) -> Result<(), SetupError> {
    // Our app exists: the tenant was confirmed when it was made, and the journal check keeps
    // every later run in that tenant.
    if before.is_some_and(|record| record.app.is_some()) {
        return Ok(());
    }
    let signed_in = entra.tenant_id();
    match options.confirmed_tenant.as_deref().map(str::trim) {
        Some(confirmed) if confirmed.eq_ignore_ascii_case(signed_in) => Ok(()),
        confirmed => Err(SetupError::TenantNotConfirmed {
            signed_in: signed_in.to_owned(),
            confirmed: confirmed.map(str::to_owned),
        }),
    }
}

/// For a plan: reuse the app when one exists (ours, or found by name), else create it.
pub(crate) fn plan(exists: bool, name: &str) -> PlanItem {
    let name = name.to_owned();
    if exists {
        plan_item(
            Step::EntraApp,
            PlanAction::Reuse,
            PlanMessage::ReuseApp { name },
        )
    } else {
        plan_item(
            Step::EntraApp,
            PlanAction::Create,
            PlanMessage::CreateApp { name },
        )
    }
}

/// The outcome the fronts get.
pub(crate) fn outcome(name: &str, app: &AppState) -> AppOutcome {
    AppOutcome {
        display_name: name.to_owned(),
        application_object_id: app.record.application_object_id.clone(),
        app_id: app.record.app_id.clone(),
        service_principal_id: app.record.service_principal_id.clone(),
        created: app.created_now,
    }
}

pub(crate) fn finished_message(name: &str, app: &AppState) -> ProgressMessage {
    let name = name.to_owned();
    if app.created_now {
        ProgressMessage::AppCreated { name }
    } else {
        ProgressMessage::AppReused { name }
    }
}

impl<'a> EntraCtx<'a> {
    /// Our app by its unique display name (the oldest if there are several).
    pub(crate) async fn lookup_app_by_name(
        &self,
        client: &GraphClient,
    ) -> Result<Option<ApplicationSummary>, SetupError> {
        let template = &self.entra.settings().endpoints.non_gallery_template_id;
        let mut found = client
            .find_applications_by_display_name(self.app_name)
            .await?;
        found.retain(|app| {
            app.application_template_id
                .as_deref()
                .is_none_or(|id| id.eq_ignore_ascii_case(template))
        });
        found.sort_by(|a, b| a.created_date_time.cmp(&b.created_date_time));
        if found.len() > 1 {
            tracing::warn!(count = found.len(), "several applications carry our name");
        }
        Ok(found.into_iter().next())
    }

    /// Observes the app. `prefetched`: a lookup by name made earlier in the run (beside the
    /// preflight), `None` when none was made. `wait`: when an earlier creation's answer was
    /// lost, give Entra's replication its window before saying the app is missing (apply);
    /// a plan only looks once.
    pub(crate) async fn observe_app(
        &self,
        prefetched: Option<Option<ApplicationSummary>>,
        wait: bool,
    ) -> Result<ObservedApp, SetupError> {
        let record = self.load()?.unwrap_or_default();
        if let Some(app) = record.app.clone() {
            let client = self.client_for(app.recorded_at);
            match client
                .get_service_principal(&app.service_principal_id)
                .await
            {
                Ok(sp) => {
                    return Ok(ObservedApp::Recorded(AppState {
                        record: app,
                        roles: sp.app_roles,
                        created_now: false,
                    }));
                }
                Err(GraphError::NotFound { .. }) if wait => {
                    self.reporter
                        .progress(Step::EntraApp, ProgressMessage::AppGoneCreatingAgain);
                    self.update(forget_app)?;
                }
                Err(GraphError::NotFound { .. }) => return Ok(ObservedApp::Missing),
                Err(error) => return Err(error.into()),
            }
        }
        self.reporter.checkpoint()?;
        let started = record.instantiate_started_at;
        let found = match (prefetched, started) {
            (Some(found), None) => found,
            (_, Some(at)) if wait => {
                let window = chrono::Duration::from_std(self.window()).unwrap_or_default();
                self.poll_lookup_until(at + window).await?
            }
            _ => self.lookup_app_by_name(self.graph()).await?,
        };
        Ok(match found {
            Some(app) => ObservedApp::Found {
                app,
                ours: started.is_some(),
            },
            None => ObservedApp::Missing,
        })
    }

    /// For a plan: the app state of an app found by name, read only (no journal write).
    pub(crate) async fn peek_found(
        &self,
        app: &ApplicationSummary,
    ) -> Result<Option<AppState>, SetupError> {
        Ok(self
            .graph()
            .find_service_principal_by_app_id(&app.app_id)
            .await?
            .map(|sp| AppState {
                record: AppRecord {
                    application_object_id: app.id.clone(),
                    app_id: app.app_id.clone(),
                    service_principal_id: sp.id,
                    created_by_us: false,
                    recorded_at: Utc::now() - chrono::Duration::days(1),
                },
                roles: sp.app_roles,
                created_now: false,
            }))
    }

    /// Runs the decision.
    pub(crate) async fn run_app(&self, decision: AppDecision) -> Result<AppState, SetupError> {
        match decision {
            AppDecision::Reuse(app) => Ok(app),
            AppDecision::Adopt { app, ours } => {
                self.reporter.progress(
                    Step::EntraApp,
                    ProgressMessage::AppFoundByName {
                        name: self.app_name.to_owned(),
                    },
                );
                self.adopt(app, ours).await
            }
            AppDecision::Create => {
                self.reporter.checkpoint()?;
                self.instantiate().await
            }
        }
    }

    /// observe → decide → run, for apply.
    pub(crate) async fn ensure_app(
        &self,
        prefetched: Option<Option<ApplicationSummary>>,
    ) -> Result<AppState, SetupError> {
        let observed = self.observe_app(prefetched, true).await?;
        self.run_app(decide(observed)).await
    }

    /// Looks the app up by name until it appears or `deadline` passes (an instantiate whose
    /// answer was lost may still be replicating).
    async fn poll_lookup_until(
        &self,
        deadline: DateTime<Utc>,
    ) -> Result<Option<ApplicationSummary>, SetupError> {
        let interval = self.graph().retry_policy().replication_poll_interval;
        loop {
            if let Some(app) = self.lookup_app_by_name(self.graph()).await? {
                return Ok(Some(app));
            }
            if Utc::now() + chrono::Duration::from_std(interval).unwrap_or_default() > deadline {
                return Ok(None);
            }
            self.reporter.sleep(interval).await?;
        }
    }

    async fn service_principal_of(
        &self,
        app: &ApplicationSummary,
    ) -> Result<ServicePrincipalSummary, SetupError> {
        let interval = self.graph().retry_policy().replication_poll_interval;
        let deadline = tokio::time::Instant::now() + self.window();
        let client = self.after_create();
        loop {
            if let Some(sp) = client.find_service_principal_by_app_id(&app.app_id).await? {
                return Ok(sp);
            }
            if tokio::time::Instant::now() + interval > deadline {
                return Err(GraphError::ReplicationTimeout {
                    waited: self.window(),
                }
                .into());
            }
            self.reporter.sleep(interval).await?;
        }
    }

    /// Takes over an app found by name: ours when the journal says we started creating it.
    async fn adopt(
        &self,
        app: ApplicationSummary,
        created_by_us: bool,
    ) -> Result<AppState, SetupError> {
        let sp = self.service_principal_of(&app).await?;
        let record = AppRecord {
            application_object_id: app.id,
            app_id: app.app_id,
            service_principal_id: sp.id,
            created_by_us,
            recorded_at: Utc::now(),
        };
        let saved = record.clone();
        self.update(|entra| {
            entra.app = Some(saved);
            entra.instantiate_started_at = None;
        })?;
        Ok(AppState {
            record,
            roles: sp.app_roles,
            created_now: false,
        })
    }

    async fn instantiate(&self) -> Result<AppState, SetupError> {
        let started = Utc::now();
        self.update(|entra| entra.instantiate_started_at = Some(started))?;
        let template = &self.entra.settings().endpoints.non_gallery_template_id;
        match self
            .graph()
            .instantiate_non_gallery(template, self.app_name)
            .await
        {
            Ok(app) => {
                let record = AppRecord {
                    application_object_id: app.application_object_id,
                    app_id: app.app_id,
                    service_principal_id: app.service_principal_id,
                    created_by_us: true,
                    recorded_at: Utc::now(),
                };
                let saved = record.clone();
                self.update(|entra| {
                    entra.app = Some(saved);
                    entra.instantiate_started_at = None;
                })?;
                Ok(AppState {
                    record,
                    roles: app.app_roles,
                    created_now: true,
                })
            }
            Err(error @ GraphError::OutcomeUnknown { .. }) => {
                // Graph may have created it anyway (docs/services.md): find it by its unique
                // name before anything is created again.
                self.reporter
                    .progress(Step::EntraApp, ProgressMessage::AppCreationUnconfirmed);
                let window = chrono::Duration::from_std(self.window()).unwrap_or_default();
                match self.poll_lookup_until(started + window).await? {
                    Some(app) => self.adopt(app, true).await,
                    None => Err(error.into()),
                }
            }
            Err(error) => {
                // A definite refusal (403, 429 after retries, a connection that never reached
                // Graph): nothing was created.
                self.update(|entra| entra.instantiate_started_at = None)?;
                Err(error.into())
            }
        }
    }
}

impl SetupEngine {
    /// Creates the enterprise application (or reuses ours), after the preflight passed, in the
    /// tenant the admin confirmed. `name` replaces the default unique name when no app was
    /// created yet.
    ///
    /// This and the other one-step methods stop at the next boundary between calls once
    /// `cancel` is cancelled (with [`SetupError::Cancelled`]): a call that may have created
    /// something always finishes and is journaled first, so running the step again creates
    /// nothing twice.
    pub async fn ensure_app(
        &mut self,
        name: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<AppOutcome, SetupError> {
        let r = self.reporter(cancel);
        let before = self.entra_record()?;
        require_confirmed_tenant(&self.options, &self.entra, before.as_ref())?;
        if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty())
            && before.is_none_or(|e| e.app.is_none())
        {
            self.app_name = name.to_owned();
            let chosen = self.app_name.clone();
            self.ctx(&r)
                .update(|entra| entra.app_display_name = chosen)?;
        }
        r.step(
            Step::Preflight,
            ProgressMessage::CheckingPermissions,
            self.entra.require_preflight(),
        )
        .await?;
        let ctx = self.ctx(&r);
        let app = r
            .step(
                Step::EntraApp,
                ProgressMessage::CreatingApp {
                    name: self.app_name.clone(),
                },
                ctx.ensure_app(None),
            )
            .await?;
        r.finished(Step::EntraApp, finished_message(&self.app_name, &app));
        Ok(outcome(&self.app_name, &app))
    }

    /// The app recorded in the journal, checked live (with its roles).
    pub(crate) async fn current_app(&self, r: &Reporter) -> Result<AppState, SetupError> {
        let record =
            self.entra_record()?
                .and_then(|entra| entra.app)
                .ok_or(SetupError::NotReady(
                    "the Entra application is not created yet",
                ))?;
        let sp = self
            .ctx(r)
            .client_for(record.recorded_at)
            .get_service_principal(&record.service_principal_id)
            .await?;
        Ok(AppState {
            record,
            roles: sp.app_roles,
            created_now: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_are_unique_per_organization_and_stable() {
        assert_eq!(
            app_display_name("1A2B3C4D-0000-4000-8000-000000000000"),
            "Scaleway SCIM (1a2b3c4d)"
        );
        assert_ne!(
            app_display_name("1a2b3c4d-0000-4000-8000-000000000000"),
            app_display_name("9a2b3c4d-0000-4000-8000-000000000000")
        );
    }
}
