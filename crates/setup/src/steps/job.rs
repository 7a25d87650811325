//! Step 2 (second half): the app's provisioning job (Entra's `scim` template).
//!
//! - observe: the job the journal names (still there?), else the app's `scim` job;
//! - decide: reuse it or create one;
//! - run: create it; a lost or refused answer is checked by listing before anything is
//!   created again.

use chrono::Utc;
use scim_wizard_entra::graph::{GraphError, SyncJob};

use super::{AppState, EntraCtx, JobState, forget_job, plan_item};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::JobRecord;
use crate::messages::{PlanMessage, ProgressMessage};
use crate::progress::{CancellationToken, Step};
use crate::report::{PlanAction, PlanItem};

/// What the journal and Entra say about the job.
#[derive(Debug)]
pub(crate) enum ObservedJob {
    /// The journal's job, still there (as Entra has it now).
    Recorded(JobState, SyncJob),
    /// The app's `scim` job, found by listing (with its schedule, for the start step's plan).
    Found(SyncJob),
    Missing,
}

impl ObservedJob {
    /// The job as Entra has it, when there is one.
    pub(crate) fn job(&self) -> Option<&SyncJob> {
        match self {
            ObservedJob::Recorded(_, job) | ObservedJob::Found(job) => Some(job),
            ObservedJob::Missing => None,
        }
    }
}

#[derive(Debug)]
pub(crate) enum JobDecision {
    Reuse(JobState),
    Create,
}

pub(crate) fn decide(observed: ObservedJob) -> JobDecision {
    match observed {
        ObservedJob::Recorded(job, _) => JobDecision::Reuse(job),
        ObservedJob::Found(job) => JobDecision::Reuse(JobState {
            id: job.id,
            created_now: false,
        }),
        ObservedJob::Missing => JobDecision::Create,
    }
}

pub(crate) fn plan(decision: &JobDecision) -> PlanItem {
    match decision {
        JobDecision::Reuse(_) => plan_item(
            Step::ProvisioningJob,
            PlanAction::Reuse,
            PlanMessage::ReuseJob,
        ),
        JobDecision::Create => plan_item(
            Step::ProvisioningJob,
            PlanAction::Create,
            PlanMessage::CreateJob,
        ),
    }
}

pub(crate) fn finished_message(job: &JobState) -> ProgressMessage {
    if job.created_now {
        ProgressMessage::JobCreated
    } else {
        ProgressMessage::JobExists
    }
}

impl EntraCtx<'_> {
    /// Observes the job. `forget_gone`: a journaled job deleted meanwhile is forgotten (apply);
    /// a plan only reads.
    pub(crate) async fn observe_job(
        &self,
        app: &AppState,
        forget_gone: bool,
    ) -> Result<ObservedJob, SetupError> {
        let sp = &app.record.service_principal_id;
        let client = self.client_for(app.record.recorded_at);
        if let Some(job) = self.load()?.and_then(|entra| entra.job) {
            match client.get_job(sp, &job.id).await {
                Ok(current) => {
                    return Ok(ObservedJob::Recorded(
                        JobState {
                            id: job.id,
                            created_now: false,
                        },
                        current,
                    ));
                }
                Err(GraphError::NotFound { .. }) if forget_gone => {
                    self.reporter
                        .progress(Step::ProvisioningJob, ProgressMessage::JobGoneCreatingAgain);
                    self.update(forget_job)?;
                }
                Err(GraphError::NotFound { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
        // A service principal created a moment ago has no job yet: nothing to list.
        if app.created_now {
            return Ok(ObservedJob::Missing);
        }
        Ok(match client.find_scim_job(sp).await? {
            Some(job) => ObservedJob::Found(job),
            None => ObservedJob::Missing,
        })
    }

    pub(crate) async fn run_job(
        &self,
        app: &AppState,
        decision: JobDecision,
    ) -> Result<JobState, SetupError> {
        let (id, created) = match decision {
            JobDecision::Reuse(job) => (job.id, false),
            JobDecision::Create => {
                self.reporter.checkpoint()?;
                let sp = &app.record.service_principal_id;
                let client = self.client_for(app.record.recorded_at);
                match client.create_scim_job(sp).await {
                    Ok(job) => (job.id, true),
                    Err(
                        error
                        @ (GraphError::OutcomeUnknown { .. } | GraphError::Unavailable { .. }),
                    ) => match client.find_scim_job(sp).await? {
                        Some(job) => (job.id, true),
                        None => return Err(error.into()),
                    },
                    Err(error) => return Err(error.into()),
                }
            }
        };
        if self.load()?.and_then(|entra| entra.job).map(|job| job.id) != Some(id.clone()) {
            let record = JobRecord {
                id: id.clone(),
                created_by_us: created,
                recorded_at: Utc::now(),
            };
            self.update(|entra| entra.job = Some(record))?;
        }
        Ok(JobState {
            id,
            created_now: created,
        })
    }

    /// observe → decide → run, for apply.
    pub(crate) async fn ensure_job(&self, app: &AppState) -> Result<JobState, SetupError> {
        let observed = self.observe_job(app, true).await?;
        self.run_job(app, decide(observed)).await
    }
}

impl SetupEngine {
    /// Creates the provisioning job (or reuses the app's `scim` job).
    pub async fn ensure_job(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<(String, bool), SetupError> {
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let ctx = self.ctx(&r);
        let job = r
            .step(
                Step::ProvisioningJob,
                ProgressMessage::CreatingJob,
                ctx.ensure_job(&app),
            )
            .await?;
        r.finished(Step::ProvisioningJob, finished_message(&job));
        Ok((job.id, job.created_now))
    }

    pub(crate) fn current_job(&self) -> Result<JobState, SetupError> {
        let job = self
            .entra_record()?
            .and_then(|entra| entra.job)
            .ok_or(SetupError::NotReady(
                "the provisioning job is not created yet",
            ))?;
        Ok(JobState {
            id: job.id,
            created_now: false,
        })
    }
}
