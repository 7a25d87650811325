//! The steps of a setup, one module each, in the guide's order: [`scaleway`] (SCIM and its
//! token), [`app`] (the Entra enterprise application), [`job`] (its provisioning job),
//! [`connection`] (Tenant URL and token saved in Entra), [`mappings`], [`assignments`],
//! [`start`] and [`proof`].
//!
//! Each module has three parts:
//! - **observe**: read the remote state the decision needs (and nothing else);
//! - **decide**: pure, from what was observed and the options: what to do, as a typed
//!   decision that is also the step's plan item;
//! - **run**: do that, idempotently (look first, create only what is missing), journaled at
//!   every boundary so an interrupted run resumes without duplicates.
//!
//! `SetupEngine::plan` is observe + decide for every step; `SetupEngine::apply_all` and the
//! one-step methods of each module wire observe → decide → run. The engine (`engine.rs`) only
//! schedules which steps run side by side.

pub(crate) mod app;
pub(crate) mod assignments;
pub(crate) mod connection;
pub mod impact;
pub(crate) mod job;
pub(crate) mod mappings;
mod plan;
pub(crate) mod proof;
pub(crate) mod scaleway;
pub mod scope;
pub(crate) mod start;

use std::time::Duration;

use chrono::{DateTime, Utc};
use scim_wizard_entra::GraphClient;
use scim_wizard_entra::graph::{AppRole, RetryWindow};

use crate::entra_step::EntraSession;
use crate::failure::SetupError;
use crate::journal::{
    AppRecord, EntraRecord, Journal, JournalStore, ScalewayRecord, check_organization, check_tenant,
};
use crate::messages::PlanMessage;
use crate::progress::{Reporter, Step};
use crate::report::{PlanAction, PlanItem};

/// The enterprise app as the steps after it need it.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) record: AppRecord,
    /// The service principal's app roles (may be empty: then read again when assigning).
    pub(crate) roles: Vec<AppRole>,
    /// Created by this run a moment ago: nothing can hang off it yet (no job, no assignment),
    /// so the lists are skipped, and replication lag is expected.
    pub(crate) created_now: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct JobState {
    pub(crate) id: String,
    pub(crate) created_now: bool,
}

/// What the Entra steps share: the signed-in session, the journal, the options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntraCtx<'a> {
    pub(crate) entra: &'a EntraSession,
    pub(crate) journal: &'a JournalStore,
    pub(crate) options: &'a crate::engine::SetupOptions,
    pub(crate) app_name: &'a str,
    pub(crate) organization_id: &'a str,
    pub(crate) reporter: &'a Reporter,
}

impl EntraCtx<'_> {
    pub(crate) fn graph(&self) -> &GraphClient {
        self.entra.graph()
    }

    pub(crate) fn window(&self) -> Duration {
        self.entra.settings().replication_window
    }

    /// The client view for calls on an object created moments ago: 404/403/409 are lag.
    pub(crate) fn after_create(&self) -> GraphClient {
        self.graph()
            .with_retry_window(RetryWindow::AfterCreate(self.window()))
    }

    /// `after_create()` when `since` is within the replication window, else the plain client
    /// (then a 404 means "gone" at once instead of after minutes of retries).
    pub(crate) fn client_for(&self, since: DateTime<Utc>) -> GraphClient {
        let age = Utc::now().signed_duration_since(since);
        match age.to_std() {
            Ok(age) if age > self.window() => self.graph().clone(),
            _ => self.after_create(),
        }
    }

    pub(crate) fn load(&self) -> Result<Option<EntraRecord>, SetupError> {
        Ok(self.journal.load()?.and_then(|journal| journal.entra))
    }

    /// Load, check it is ours, change the Entra record, save: synchronous, so two concurrent
    /// branches of the engine never interleave inside one update.
    pub(crate) fn update(&self, change: impl FnOnce(&mut EntraRecord)) -> Result<(), SetupError> {
        let now = Utc::now();
        let mut journal = self.journal.load()?.unwrap_or_else(|| Journal::new(now));
        check_organization(&journal, self.organization_id)?;
        check_tenant(&journal, self.entra.tenant_id())?;
        journal.scaleway.get_or_insert_with(|| ScalewayRecord {
            organization_id: self.organization_id.to_owned(),
            ..ScalewayRecord::default()
        });
        let record = journal.entra.get_or_insert_with(|| EntraRecord {
            tenant_id: self.entra.tenant_id().to_owned(),
            app_display_name: self.app_name.to_owned(),
            ..EntraRecord::default()
        });
        change(record);
        journal.updated_at = now;
        self.journal.save(&journal)?;
        Ok(())
    }
}

/// A plan item: what a step would do, in its typed words (English beside it for the CLI).
pub(crate) fn plan_item(step: Step, action: PlanAction, what: PlanMessage) -> PlanItem {
    PlanItem {
        step,
        action,
        description: what.english(),
        what,
    }
}

/// Picks the error to report from concurrent branches: a real failure before the "cancelled"
/// that the other branches stopped with because of it.
pub(crate) fn first_failure(errors: impl IntoIterator<Item = SetupError>) -> SetupError {
    let mut cancelled = None;
    for error in errors {
        if matches!(error, SetupError::Cancelled) {
            cancelled = Some(error);
        } else {
            return error;
        }
    }
    cancelled.unwrap_or(SetupError::Cancelled)
}

/// The app, job and everything hanging off them are gone: forget them.
pub(crate) fn forget_app(entra: &mut EntraRecord) {
    entra.app = None;
    entra.instantiate_started_at = None;
    forget_job(entra);
    entra.secrets_saved = None;
    entra.assignments.clear();
}

pub(crate) fn forget_job(entra: &mut EntraRecord) {
    entra.job = None;
    entra.schema_backup = None;
    entra.schema_applied_at = None;
    entra.groups_provisioned = None;
    entra.started_at = None;
    entra.proof = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_failure_wins_over_cancelled() {
        let picked = first_failure([SetupError::Cancelled, SetupError::NotReady("x")]);
        assert!(matches!(picked, SetupError::NotReady("x")));
        assert!(matches!(
            first_failure([SetupError::Cancelled]),
            SetupError::Cancelled
        ));
    }
}
