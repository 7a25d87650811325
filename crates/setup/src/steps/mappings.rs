//! Step 4: the attribute mappings, as Scaleway's guide wants them (groups as the options say,
//! `name.formatted` not sent, userName from an expression on the UPN).
//!
//! - observe: the job's schema, and (on a first run) Graph's parse of the userName expression,
//!   in one round trip;
//! - decide: the edit (pure, in `scim_wizard_entra::schema`): nothing, or these changes;
//! - run: keep the original in the journal (for a rollback), PUT the whole schema, read it
//!   back and check it.

use chrono::Utc;
use scim_wizard_entra::schema::{SchemaEdit, SchemaError, USERNAME_EXPRESSION, edit_schema};
use scim_wizard_entra::verify_schema;
use scim_wizard_entra::{GraphClient, MappingOptions};
use serde_json::Value;
use tokio::sync::oneshot;

use super::connection::ConnectionInputs;
use super::{AppState, EntraCtx, JobState, plan_item};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::messages::{PlanMessage, ProgressMessage};
use crate::options::{GroupsChoice, SetupOptions};
use crate::progress::{CancellationToken, Step};
use crate::report::{MappingChange, MappingPreview, PlanAction, PlanItem};
use crate::scaleway_step::ScalewaySide;

/// The UPN used to check the parsed userName expression (`jane.doe` must come out).
const TEST_UPN: &str = "jane.doe@contoso.com";
const TEST_UPN_LOCAL_PART: &str = "jane.doe";

/// The schema as read and as it should become: the step's decision.
#[derive(Debug, Clone)]
pub(crate) struct MappingDraft {
    pub(crate) original: Value,
    pub(crate) edit: SchemaEdit,
    /// The mappings it was drafted for.
    pub(crate) mapping: MappingOptions,
}

impl MappingDraft {
    pub(crate) fn changes(&self) -> Vec<MappingChange> {
        self.edit.changes.iter().map(MappingChange::from).collect()
    }

    /// Whether groups go to Scaleway with these mappings.
    pub(crate) fn groups_on(&self) -> bool {
        self.mapping.provision_groups
    }

    pub(crate) fn plan(&self) -> PlanItem {
        if self.edit.changes.is_empty() {
            plan_item(
                Step::Mappings,
                PlanAction::Nothing,
                PlanMessage::MappingsAlreadyRight,
            )
        } else {
            plan_item(
                Step::Mappings,
                PlanAction::Update,
                PlanMessage::EditMappings {
                    changes: self.changes(),
                },
            )
        }
    }

    /// Said once the mappings are as they should be.
    pub(crate) fn finished_message(&self, written: bool) -> ProgressMessage {
        if written {
            ProgressMessage::MappingsEdited {
                changes: self.changes(),
            }
        } else {
            ProgressMessage::MappingsAlreadyRight
        }
    }

    fn preview(&self) -> MappingPreview {
        MappingPreview {
            already_applied: self.edit.changes.is_empty(),
            changes: self.changes(),
        }
    }
}

/// When the app or its job does not exist yet, the edits are known only after they do.
pub(crate) fn plan_later() -> PlanItem {
    plan_item(
        Step::Mappings,
        PlanAction::AfterEarlierSteps,
        PlanMessage::EditMappingsLater,
    )
}

/// The job's schema as read, with Graph's parse of the userName expression when it was needed.
#[derive(Debug)]
pub(crate) struct FetchedSchema {
    schema: Value,
    parsed: Option<Value>,
}

/// observe: whether this Organization's SCIM service takes groups, asked only when the choice
/// depends on it.
pub(crate) async fn groups_supported(
    options: &SetupOptions,
    side: &ScalewaySide,
    inputs: &ConnectionInputs,
) -> Result<bool, SetupError> {
    match options.groups {
        GroupsChoice::AsScalewaySays => {
            side.groups_supported(&inputs.base_url, &inputs.token).await
        }
        // The choice does not depend on it.
        GroupsChoice::On | GroupsChoice::Off => Ok(false),
    }
}

impl EntraCtx<'_> {
    /// observe: GET the schema and (when the userName edit may be needed) parse the expression,
    /// both at once. Writes nothing.
    pub(crate) async fn fetch_mappings(
        &self,
        app: &AppState,
        job: &JobState,
    ) -> Result<FetchedSchema, SetupError> {
        let sp = &app.record.service_principal_id;
        let client = self.client_for(app.record.recorded_at);
        let applied_before = self
            .load()?
            .is_some_and(|entra| entra.schema_applied_at.is_some());
        // On a first run the expression is needed: ask for it with the schema (one round trip).
        let parse_now = !self.options.mapping.keep_full_upn && !applied_before;
        let (schema, parsed) = if parse_now {
            let (schema, parsed) = tokio::join!(
                client.get_schema(sp, &job.id),
                self.parse_username(&client, sp, &job.id)
            );
            (schema?, Some(parsed?))
        } else {
            (client.get_schema(sp, &job.id).await?, None)
        };
        Ok(FetchedSchema { schema, parsed })
    }

    /// decide: the edit for `mapping` (Graph's parse is asked for here when it was not before).
    pub(crate) async fn edit_mappings(
        &self,
        app: &AppState,
        job: &JobState,
        fetched: FetchedSchema,
        mapping: &MappingOptions,
    ) -> Result<MappingDraft, SetupError> {
        let FetchedSchema { schema, parsed } = fetched;
        let edit = match edit_schema(&schema, mapping, parsed.as_ref()) {
            Err(SchemaError::MissingParsedExpression) => {
                let client = self.client_for(app.record.recorded_at);
                let parsed = self
                    .parse_username(&client, &app.record.service_principal_id, &job.id)
                    .await?;
                edit_schema(&schema, mapping, Some(&parsed))?
            }
            other => other?,
        };
        Ok(MappingDraft {
            original: schema,
            edit,
            mapping: *mapping,
        })
    }

    /// observe + decide, for `mapping`.
    pub(crate) async fn draft_mappings(
        &self,
        app: &AppState,
        job: &JobState,
        mapping: &MappingOptions,
    ) -> Result<MappingDraft, SetupError> {
        let fetched = self.fetch_mappings(app, job).await?;
        self.edit_mappings(app, job, fetched, mapping).await
    }

    async fn parse_username(
        &self,
        client: &GraphClient,
        sp: &str,
        job: &str,
    ) -> Result<Value, SetupError> {
        let parsed = client
            .parse_expression_with_test(
                sp,
                job,
                USERNAME_EXPRESSION,
                None,
                &[("userPrincipalName", TEST_UPN)],
            )
            .await?;
        if let Some(result) = &parsed.evaluation_result
            && result.as_slice() != [TEST_UPN_LOCAL_PART]
        {
            return Err(SetupError::MappingsNotApplied {
                mismatches: vec![format!(
                    "Entra evaluates the userName expression for {TEST_UPN} to {result:?}, not \"{TEST_UPN_LOCAL_PART}\""
                )],
            });
        }
        Ok(parsed.source)
    }

    /// run: keeps the original schema in the journal (first time only), then PUTs the whole
    /// edit. Returns whether anything was written.
    pub(crate) async fn write_mappings(
        &self,
        app: &AppState,
        job: &JobState,
        draft: &MappingDraft,
    ) -> Result<bool, SetupError> {
        if draft.edit.changes.is_empty() {
            return Ok(false);
        }
        let original = draft.original.clone();
        self.update(|entra| {
            if entra.schema_backup.is_none() {
                entra.schema_backup = Some(original);
            }
        })?;
        self.client_for(app.record.recorded_at)
            .put_schema(
                &app.record.service_principal_id,
                &job.id,
                &draft.edit.schema,
            )
            .await?;
        Ok(true)
    }

    /// GETs the schema back and checks the edits for `mapping` are there.
    pub(crate) async fn verify_mappings(
        &self,
        app: &AppState,
        job: &JobState,
        mapping: &MappingOptions,
    ) -> Result<Value, SetupError> {
        let schema = self
            .client_for(app.record.recorded_at)
            .get_schema(&app.record.service_principal_id, &job.id)
            .await?;
        verify_schema(&schema, mapping).map_err(|mismatches| SetupError::MappingsNotApplied {
            mismatches: mismatches.iter().map(ToString::to_string).collect(),
        })?;
        self.update(|entra| {
            if entra.schema_applied_at.is_none() {
                entra.schema_applied_at = Some(Utc::now());
            }
            entra.groups_provisioned = Some(mapping.provision_groups);
        })?;
        Ok(schema)
    }

    /// The mappings step of `apply_all`: the schema is read and edited (and Scaleway asked
    /// whether it takes groups) beside the connection test, written only once `tested` says the
    /// test passed, so a refused token leaves Entra untouched, then read back. Gives the changes,
    /// the schema as written and whether groups go to Scaleway.
    pub(crate) async fn mappings_once_tested(
        &self,
        side: &ScalewaySide,
        inputs: &ConnectionInputs,
        app: &AppState,
        job: &JobState,
        tested: oneshot::Receiver<()>,
    ) -> Result<(Vec<MappingChange>, Value, bool), SetupError> {
        let r = self.reporter;
        let (draft, written, schema) = r
            .step(Step::Mappings, ProgressMessage::ReadingMappings, async {
                let (supported, fetched) = tokio::join!(
                    groups_supported(self.options, side, inputs),
                    self.fetch_mappings(app, job),
                );
                let mapping = self.options.mapping_for(supported?);
                let draft = self.edit_mappings(app, job, fetched?, &mapping).await?;
                if tested.await.is_err() {
                    return Err(SetupError::Cancelled);
                }
                r.checkpoint()?;
                let written = self.write_mappings(app, job, &draft).await?;
                r.checkpoint()?;
                let schema = self.verify_mappings(app, job, &mapping).await?;
                Ok((draft, written, schema))
            })
            .await?;
        let said = draft.finished_message(written);
        if written {
            r.finished(Step::Mappings, said);
        } else {
            r.skipped(Step::Mappings, said);
        }
        Ok((draft.changes(), schema, draft.groups_on()))
    }
}

impl SetupEngine {
    /// Whether this Organization's SCIM service takes groups (one `GET {base}/Groups` with the
    /// token): the mappings screen's default, and why.
    pub async fn groups_supported(&self) -> Result<bool, SetupError> {
        let inputs = self.connection_inputs().await?;
        self.scaleway
            .groups_supported(&inputs.base_url, &inputs.token)
            .await
    }

    /// The mappings as the options want them, asking Scaleway about groups when that decides.
    pub(crate) async fn mapping(&self) -> Result<MappingOptions, SetupError> {
        let supported = match self.options.groups {
            GroupsChoice::AsScalewaySays => self.groups_supported().await?,
            GroupsChoice::On | GroupsChoice::Off => false,
        };
        Ok(self.options.mapping_for(supported))
    }

    /// The mapping edits as a before → after list, without writing anything.
    pub async fn preview_mappings(&self) -> Result<MappingPreview, SetupError> {
        let r = self.reporter(&CancellationToken::new());
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        let mapping = self.mapping().await?;
        Ok(self
            .ctx(&r)
            .draft_mappings(&app, &job, &mapping)
            .await?
            .preview())
    }

    /// Writes the mapping edits (original kept in the journal) and reads them back.
    pub async fn apply_mappings(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<MappingPreview, SetupError> {
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        let mapping = self.mapping().await?;
        let ctx = self.ctx(&r);
        let (draft, written) = r
            .step(Step::Mappings, ProgressMessage::EditingMappings, async {
                let draft = ctx.draft_mappings(&app, &job, &mapping).await?;
                r.checkpoint()?;
                // Written after the backup is journaled; a cancel after the write is picked up
                // by the next run, which finds nothing left to change and only reads back.
                let written = ctx.write_mappings(&app, &job, &draft).await?;
                r.checkpoint()?;
                ctx.verify_mappings(&app, &job, &mapping).await?;
                Ok((draft, written))
            })
            .await?;
        r.finished(Step::Mappings, draft.finished_message(written));
        Ok(draft.preview())
    }
}
