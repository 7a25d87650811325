//! Step 3: the connection. Entra's "Test connection" with the Tenant URL and the token, then
//! both saved in the provisioning job's secrets, then tested again with what is saved.
//!
//! - observe: does the journal say this Tenant URL and token were saved, and does Entra still
//!   accept them?
//! - decide: nothing to do, or test and save;
//! - run: test (nothing is saved when Scaleway refuses), save, test the saved credentials.

use chrono::Utc;
use scim_wizard_entra::graph::{GraphError, SCIM_TEMPLATE_ID, Secrets};
use tokio::sync::oneshot;

use super::{AppState, EntraCtx, JobState, plan_item};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::{Journal, SecretsRecord};
use crate::messages::{PlanMessage, ProgressMessage};
use crate::progress::{CancellationToken, Phase, Step};
use crate::report::{ConnectionTest, PlanAction, PlanItem};
use crate::secret::Secret;

/// What the connection step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectionDecision {
    /// Saved earlier with this Tenant URL and token, and Entra still accepts them.
    Nothing,
    TestAndSave,
}

/// What running it did.
#[derive(Debug)]
pub(crate) enum ConnectionOutcome {
    SavedEarlier,
    Saved,
    /// Test connection failed: nothing was saved (Scaleway's refusal, or another error).
    Refused(SetupError),
}

/// For a plan, from the journal alone (apply tests again anyway).
pub(crate) fn plan(saved_earlier: bool) -> PlanItem {
    if saved_earlier {
        plan_item(
            Step::Connection,
            PlanAction::Nothing,
            PlanMessage::ConnectionSavedEarlier,
        )
    } else {
        plan_item(
            Step::Connection,
            PlanAction::Create,
            PlanMessage::TestAndSaveConnection,
        )
    }
}

/// What the connection needs: the token, the Tenant URL (the Base URL, perhaps with the
/// compatibility flag), and the token's Scaleway id.
pub(crate) struct ConnectionInputs {
    pub(crate) token: Secret,
    pub(crate) base_url: url::Url,
    pub(crate) tenant_url: String,
    pub(crate) token_id: Option<String>,
}

impl EntraCtx<'_> {
    /// The Tenant URL to save for this Base URL (with the compat flag when chosen).
    pub(crate) fn tenant_url(&self, base_url: &str) -> String {
        self.options.mapping.tenant_url(base_url)
    }

    pub(crate) async fn observe_connection(
        &self,
        app: &AppState,
        job: &JobState,
        inputs: &ConnectionInputs,
    ) -> Result<ConnectionDecision, SetupError> {
        let Some(saved) = self.load()?.and_then(|entra| entra.secrets_saved) else {
            return Ok(ConnectionDecision::TestAndSave);
        };
        if saved.base_address != inputs.tenant_url
            || saved.token_id.as_deref() != inputs.token_id.as_deref()
        {
            return Ok(ConnectionDecision::TestAndSave);
        }
        let client = self.client_for(app.record.recorded_at);
        match client
            .validate_credentials_saved(&app.record.service_principal_id, &job.id)
            .await
        {
            Ok(()) => Ok(ConnectionDecision::Nothing),
            Err(GraphError::CredentialsRejected { .. }) => Ok(ConnectionDecision::TestAndSave),
            Err(error) => Err(error.into()),
        }
    }

    /// The connection step of `apply_all`: test, save, test the saved token, said as one step;
    /// a refused token fails the setup. Gives whether the connection was saved now.
    pub(crate) async fn connect_in_apply(
        &self,
        app: &AppState,
        job: &JobState,
        inputs: &ConnectionInputs,
        tested: oneshot::Sender<()>,
    ) -> Result<bool, SetupError> {
        let r = self.reporter;
        let outcome = r
            .step(
                Step::Connection,
                ProgressMessage::TestingConnection,
                async {
                    match self
                        .ensure_connection(app, job, inputs, Some(tested))
                        .await?
                    {
                        ConnectionOutcome::Refused(error) => Err(error),
                        done => Ok(done),
                    }
                },
            )
            .await?;
        let saved_now = matches!(outcome, ConnectionOutcome::Saved);
        if saved_now {
            r.finished(Step::Connection, ProgressMessage::ConnectionSaved);
        } else {
            r.skipped(Step::Connection, ProgressMessage::ConnectionSavedEarlier);
        }
        Ok(saved_now)
    }

    /// observe → decide → run. `tested` is told once Test connection passed (or nothing was
    /// to be done): the mappings step writes nothing to the app before that.
    pub(crate) async fn ensure_connection(
        &self,
        app: &AppState,
        job: &JobState,
        inputs: &ConnectionInputs,
        tested: Option<oneshot::Sender<()>>,
    ) -> Result<ConnectionOutcome, SetupError> {
        let r = self.reporter;
        if self.observe_connection(app, job, inputs).await? == ConnectionDecision::Nothing {
            if let Some(tested) = tested {
                let _ = tested.send(());
            }
            return Ok(ConnectionOutcome::SavedEarlier);
        }
        r.checkpoint()?;
        match self
            .test_unsaved(app, &inputs.tenant_url, &inputs.token)
            .await
        {
            Ok(()) => {}
            Err(refused @ SetupError::Graph(GraphError::CredentialsRejected { .. })) => {
                return Ok(ConnectionOutcome::Refused(refused));
            }
            Err(error) => return Err(error),
        }
        if let Some(tested) = tested {
            let _ = tested.send(());
        }
        r.progress(Step::Connection, ProgressMessage::ConnectionTestedSaving);
        // A cancel here leaves Entra as it was; after the save, the journal has it.
        r.checkpoint()?;
        self.save_secrets(
            app,
            &inputs.tenant_url,
            &inputs.token,
            inputs.token_id.as_deref(),
        )
        .await?;
        r.checkpoint()?;
        self.client_for(app.record.recorded_at)
            .validate_credentials_saved(&app.record.service_principal_id, &job.id)
            .await?;
        Ok(ConnectionOutcome::Saved)
    }

    /// Test connection with credentials that are not saved (collection-level).
    async fn test_unsaved(
        &self,
        app: &AppState,
        tenant_url: &str,
        token: &Secret,
    ) -> Result<(), SetupError> {
        self.client_for(app.record.recorded_at)
            .validate_credentials_unsaved(
                &app.record.service_principal_id,
                SCIM_TEMPLATE_ID,
                tenant_url,
                token,
            )
            .await?;
        Ok(())
    }

    /// Saves the complete secret set, then journals which token and URL went in.
    async fn save_secrets(
        &self,
        app: &AppState,
        tenant_url: &str,
        token: &Secret,
        token_id: Option<&str>,
    ) -> Result<(), SetupError> {
        let secrets = Secrets {
            base_address: tenant_url.to_owned(),
            secret_token: token.clone(),
            sync_all: false,
            notification_email: self.options.notification_email.clone(),
        };
        self.client_for(app.record.recorded_at)
            .put_secrets(&app.record.service_principal_id, &secrets)
            .await?;
        let record = SecretsRecord {
            base_address: tenant_url.to_owned(),
            token_id: token_id.map(str::to_owned),
            saved_at: Utc::now(),
        };
        self.update(|entra| entra.secrets_saved = Some(record))?;
        Ok(())
    }

    /// Test connection for the desktop's button: a refusal by Scaleway is an answer, not an error.
    async fn test_connection(
        &self,
        app: &AppState,
        tenant_url: &str,
        token: &Secret,
    ) -> Result<ConnectionTest, SetupError> {
        match self.test_unsaved(app, tenant_url, token).await {
            Ok(()) => Ok(ConnectionTest {
                ok: true,
                message: "Entra reached Scaleway and the token works.".to_owned(),
                tenant_url: tenant_url.to_owned(),
            }),
            Err(error @ SetupError::Graph(GraphError::CredentialsRejected { .. })) => {
                Ok(refused(&error, tenant_url))
            }
            Err(error) => Err(error),
        }
    }
}

/// Scaleway's refusal, as an answer.
fn refused(error: &SetupError, tenant_url: &str) -> ConnectionTest {
    ConnectionTest {
        ok: false,
        message: error.to_ui().message,
        tenant_url: tenant_url.to_owned(),
    }
}

impl SetupEngine {
    /// The token and Tenant URL the connection uses.
    pub(crate) async fn connection_inputs(&self) -> Result<ConnectionInputs, SetupError> {
        let token = self
            .scaleway
            .token()
            .await?
            .ok_or(SetupError::NotReady("there is no SCIM token yet"))?;
        let journal = self.journal.load()?;
        let token_id = journal
            .as_ref()
            .and_then(Journal::scaleway_token_id)
            .map(str::to_owned);
        let base_url = journal
            .and_then(|journal| journal.scaleway)
            .and_then(|scaleway| scaleway.base_url)
            .or_else(|| {
                self.scaleway
                    .token_only()
                    .map(|session| session.base_url().to_string())
            })
            .ok_or(SetupError::BaseUrlNeeded)?;
        Ok(ConnectionInputs {
            token,
            tenant_url: self.options.mapping.tenant_url(&base_url),
            base_url: scim_wizard_scaleway::validate::base_url(&base_url)?,
            token_id,
        })
    }

    /// "Test connection": Entra tries the token and Tenant URL without saving them. A refusal
    /// by Scaleway is an answer (`ok: false` and Scaleway's words), not an error.
    pub async fn test_connection(
        &self,
        cancel: &CancellationToken,
    ) -> Result<ConnectionTest, SetupError> {
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let inputs = self.connection_inputs().await?;
        r.checkpoint()?;
        self.ctx(&r)
            .test_connection(&app, &inputs.tenant_url, &inputs.token)
            .await
    }

    /// Tests, then saves the complete secret set, then tests with what is saved (nothing when
    /// it was saved earlier and still works).
    pub async fn save_connection(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<ConnectionTest, SetupError> {
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        let inputs = self.connection_inputs().await?;
        let ctx = self.ctx(&r);
        let outcome = r
            .step(
                Step::Connection,
                ProgressMessage::TestingConnection,
                ctx.ensure_connection(&app, &job, &inputs, None),
            )
            .await?;
        match outcome {
            ConnectionOutcome::Refused(error) => {
                let ui = error.to_ui();
                r.emit(
                    Step::Connection,
                    Phase::Failed,
                    ProgressMessage::ConnectionRefused { error: ui },
                );
                Ok(refused(&error, &inputs.tenant_url))
            }
            ConnectionOutcome::Saved | ConnectionOutcome::SavedEarlier => {
                r.finished(Step::Connection, ProgressMessage::ConnectionSaved);
                Ok(ConnectionTest {
                    ok: true,
                    message:
                        "Entra reached Scaleway with the saved token: the connection is saved."
                            .to_owned(),
                    tenant_url: inputs.tenant_url,
                })
            }
        }
    }
}
