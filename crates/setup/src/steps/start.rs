//! Starting provisioning.
//!
//! - observe: is the job running already (scheduled, not in quarantine)? A job this run
//!   created a moment ago is not read: it has never run;
//! - decide: start it, or nothing (Entra's start is not for a running job, docs/services.md);
//! - run: start, and journal when.
//!
//! Once the setup is done, provisioning is paused and resumed from here too (day 2).

use chrono::Utc;
use scim_wizard_entra::graph::SyncJob;

use super::{AppState, EntraCtx, JobState, plan_item};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::messages::{PlanMessage, ProgressMessage};
use crate::progress::CancellationToken;
use crate::progress::Step;
use crate::report::{JobHealth, PlanAction, PlanItem};

/// Whether the job runs (its schedule is active and it is not in quarantine).
pub(crate) fn is_running(job: &SyncJob) -> bool {
    job.schedule.as_ref().and_then(|s| s.state.as_deref()) == Some("Active")
        && !job.is_quarantined()
}

/// For a plan: `running` when the job exists and runs; `None` when there is no job yet.
pub(crate) fn plan(running: Option<bool>) -> PlanItem {
    match running {
        Some(true) => plan_item(
            Step::Start,
            PlanAction::Nothing,
            PlanMessage::AlreadyRunning,
        ),
        Some(false) => plan_item(
            Step::Start,
            PlanAction::Update,
            PlanMessage::StartProvisioning,
        ),
        None => plan_item(
            Step::Start,
            PlanAction::Create,
            PlanMessage::StartProvisioning,
        ),
    }
}

pub(crate) fn finished(started_now: bool) -> ProgressMessage {
    if started_now {
        ProgressMessage::Started
    } else {
        ProgressMessage::AlreadyRunning
    }
}

impl EntraCtx<'_> {
    /// Starts the job unless it already runs. Returns whether it was started now.
    pub(crate) async fn ensure_started(
        &self,
        app: &AppState,
        job: &JobState,
    ) -> Result<bool, SetupError> {
        let sp = &app.record.service_principal_id;
        let client = self.client_for(app.record.recorded_at);
        let never_started = self.load()?.is_none_or(|entra| entra.started_at.is_none());
        if !(job.created_now && never_started) {
            let current = client.get_job(sp, &job.id).await?;
            if is_running(&current) {
                self.update(|entra| {
                    entra.started_at.get_or_insert_with(Utc::now);
                })?;
                return Ok(false);
            }
            self.reporter.checkpoint()?;
        }
        client.start_job(sp, &job.id).await?;
        self.update(|entra| entra.started_at = Some(Utc::now()))?;
        Ok(true)
    }
}

impl SetupEngine {
    /// Pauses provisioning: Entra stops its cycles until it is resumed; nothing in Scaleway
    /// changes. Gives the job as it is then.
    pub async fn pause_provisioning(&self) -> Result<JobHealth, SetupError> {
        let (sp, job) = self.recorded_job().await?;
        let graph = self.entra.graph();
        graph.pause_job(&sp, &job).await?;
        Ok(JobHealth::from_job(&graph.get_job(&sp, &job).await?))
    }

    /// Resumes paused provisioning (Entra's start carries on from where the job paused; on a
    /// running job it does nothing). Gives the job as it is then.
    pub async fn resume_provisioning(&self) -> Result<JobHealth, SetupError> {
        let (sp, job) = self.recorded_job().await?;
        let graph = self.entra.graph();
        let current = graph.get_job(&sp, &job).await?;
        if !is_running(&current) {
            graph.start_job(&sp, &job).await?;
        }
        Ok(JobHealth::from_job(&graph.get_job(&sp, &job).await?))
    }

    /// The service principal and job this setup made (refused when it has none yet).
    async fn recorded_job(&self) -> Result<(String, String), SetupError> {
        let r = self.reporter(&CancellationToken::new());
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        Ok((app.record.service_principal_id, job.id))
    }
}
