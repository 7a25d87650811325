//! Progress events and cancellation.
//!
//! Every step reports `started`, then `finished`, `skipped` or `failed` (and `progress` for a
//! long wait), with a typed message ([`ProgressMessage`]) and the time since the operation
//! began. The desktop shell forwards them as Tauri events and the page words them in the
//! admin's language; the CLI prints their English. No event ever carries a secret.
//!
//! Cancellation is a [`CancellationToken`] checked between calls, never in the middle of one: a
//! request that may have changed something is always allowed to finish and be journaled, so a
//! cancelled run resumes cleanly.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use serde::Serialize;
pub use tokio_util::sync::CancellationToken;

use crate::failure::SetupError;
pub use crate::messages::ProgressMessage;

/// The steps of a setup, in order, plus the maintenance operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Checking the Entra role and permissions (nothing is changed before it passes).
    Preflight,
    ScimEnabled,
    ScimToken,
    EntraApp,
    ProvisioningJob,
    Connection,
    Mappings,
    Assignments,
    Start,
    Proof,
    Rollback,
    RotateToken,
}

impl Step {
    /// The setup steps in the order of the guide.
    pub const SETUP: [Step; 10] = [
        Step::Preflight,
        Step::ScimEnabled,
        Step::ScimToken,
        Step::EntraApp,
        Step::ProvisioningJob,
        Step::Connection,
        Step::Mappings,
        Step::Assignments,
        Step::Start,
        Step::Proof,
    ];

    /// A short name for the admin.
    pub fn label(self) -> &'static str {
        match self {
            Step::Preflight => "Checking your Entra permissions",
            Step::ScimEnabled => "Enabling SCIM in Scaleway",
            Step::ScimToken => "SCIM token",
            Step::EntraApp => "Entra enterprise application",
            Step::ProvisioningJob => "Provisioning job",
            Step::Connection => "Connecting Entra to Scaleway",
            Step::Mappings => "Attribute mappings",
            Step::Assignments => "Users and groups",
            Step::Start => "Starting provisioning",
            Step::Proof => "Checking that it works",
            Step::Rollback => "Undoing the setup",
            Step::RotateToken => "Replacing the SCIM token",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Started,
    Progress,
    Finished,
    Skipped,
    Failed,
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgressEvent {
    pub step: Step,
    pub phase: Phase,
    /// What happened, with its parameters (e.g. `AppCreated { name }`).
    pub message: ProgressMessage,
    /// Milliseconds since the operation (apply, rollback, …) began.
    // Far below 2^53: a plain number in TypeScript is exact.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub elapsed_ms: u64,
}

/// Receives progress events. Called from the engine's task: keep it quick (forward, don't work).
pub trait ProgressSink: Send + Sync {
    fn event(&self, event: ProgressEvent);
}

/// Discards every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn event(&self, _event: ProgressEvent) {}
}

/// Forwards events into a tokio channel (the desktop shell turns them into Tauri events).
#[derive(Debug, Clone)]
pub struct ChannelProgress(pub tokio::sync::mpsc::UnboundedSender<ProgressEvent>);

impl ProgressSink for ChannelProgress {
    fn event(&self, event: ProgressEvent) {
        // A closed receiver means nobody listens any more; the setup goes on regardless.
        let _ = self.0.send(event);
    }
}

/// Keeps every event (tests, the CLI's `--json` report).
#[derive(Debug, Default)]
pub struct RecordedProgress {
    events: Mutex<Vec<ProgressEvent>>,
}

impl RecordedProgress {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn events(&self) -> Vec<ProgressEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl ProgressSink for RecordedProgress {
    fn event(&self, event: ProgressEvent) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }
}

/// Reports the events of one operation and checks its cancellation token.
#[derive(Clone)]
pub(crate) struct Reporter {
    sink: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
    began: Instant,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporter")
            .field("cancelled", &self.cancel.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl Reporter {
    pub(crate) fn new(sink: Arc<dyn ProgressSink>, cancel: CancellationToken) -> Self {
        Self {
            sink,
            cancel,
            began: Instant::now(),
        }
    }

    pub(crate) fn emit(&self, step: Step, phase: Phase, message: ProgressMessage) {
        self.sink.event(ProgressEvent {
            step,
            phase,
            message,
            elapsed_ms: u64::try_from(self.began.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
    }

    pub(crate) fn started(&self, step: Step, message: ProgressMessage) {
        self.emit(step, Phase::Started, message);
    }

    pub(crate) fn progress(&self, step: Step, message: ProgressMessage) {
        self.emit(step, Phase::Progress, message);
    }

    pub(crate) fn finished(&self, step: Step, message: ProgressMessage) {
        self.emit(step, Phase::Finished, message);
    }

    pub(crate) fn skipped(&self, step: Step, message: ProgressMessage) {
        self.emit(step, Phase::Skipped, message);
    }

    pub(crate) fn failed(&self, step: Step, error: &SetupError) {
        self.emit(
            step,
            Phase::Failed,
            ProgressMessage::Failed {
                error: error.to_ui(),
            },
        );
    }

    /// Between two calls: stop here if the operation was cancelled.
    pub(crate) fn checkpoint(&self) -> Result<(), SetupError> {
        if self.cancel.is_cancelled() {
            Err(SetupError::Cancelled)
        } else {
            Ok(())
        }
    }

    pub(crate) fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Sleeps, but wakes up (with `Cancelled`) when the operation is cancelled.
    pub(crate) async fn sleep(&self, duration: std::time::Duration) -> Result<(), SetupError> {
        tokio::select! {
            () = self.cancel.cancelled() => Err(SetupError::Cancelled),
            () = tokio::time::sleep(duration) => Ok(()),
        }
    }

    /// Runs one step: `started`, then `failed` if it errs (the step reports its own success).
    pub(crate) async fn step<T>(
        &self,
        step: Step,
        message: ProgressMessage,
        work: impl std::future::Future<Output = Result<T, SetupError>>,
    ) -> Result<T, SetupError> {
        self.checkpoint()?;
        self.started(step, message);
        let result = work.await;
        if let Err(error) = &result {
            self.failed(step, error);
        }
        result
    }
}
