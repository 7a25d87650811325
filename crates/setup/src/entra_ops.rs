//! The Entra steps of the engine, each "look first, create only what is missing", journaled at
//! every boundary. `SetupEngine` composes them; they borrow only what they need, so the engine
//! can run them concurrently with the Scaleway steps.

use std::time::Duration;

use chrono::{DateTime, Utc};
use scim_wizard_entra::graph::{
    AppRole, ApplicationSummary, Assignment, DirectoryGroup, GraphError, RetryWindow,
    SCIM_TEMPLATE_ID, Secrets, ServicePrincipalSummary, SyncJob, user_role_id,
};
use scim_wizard_entra::schema::{SchemaEdit, SchemaError, USERNAME_EXPRESSION, edit_schema};
use scim_wizard_entra::{GraphClient, verify_schema};
use serde_json::Value;
use tokio::task::JoinSet;

use crate::entra_step::EntraSession;
use crate::failure::SetupError;
use crate::journal::{
    AppRecord, AssignmentRecord, EntraRecord, JobRecord, Journal, JournalStore, ScalewayRecord,
    SecretsRecord, check_organization, check_tenant,
};
use crate::progress::{Reporter, Step};
use crate::report::{AssignmentOutcome, ConnectionTest, MappingChange};
use crate::secret::Secret;

/// The UPN used to check the parsed userName expression (`jane.doe` must come out).
const TEST_UPN: &str = "jane.doe@contoso.com";
const TEST_UPN_LOCAL_PART: &str = "jane.doe";

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

/// The schema as read and as it should become.
#[derive(Debug, Clone)]
pub(crate) struct MappingDraft {
    pub(crate) original: Value,
    pub(crate) edit: SchemaEdit,
}

impl MappingDraft {
    pub(crate) fn changes(&self) -> Vec<MappingChange> {
        self.edit.changes.iter().map(MappingChange::from).collect()
    }
}

/// A user or group found in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedPrincipal {
    pub(crate) id: String,
    /// `User` or `Group`.
    pub(crate) kind: &'static str,
    pub(crate) display_name: Option<String>,
    pub(crate) user_principal_name: Option<String>,
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

impl<'a> EntraCtx<'a> {
    pub(crate) fn graph(&self) -> &GraphClient {
        self.entra.graph()
    }

    fn window(&self) -> Duration {
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

    // -----------------------------------------------------------------------------------------
    // entra_app

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

    /// The app step: reuse the journal's app if it still exists, else the app carrying our
    /// unique name, else instantiate. `prefetched` is a lookup by name made earlier in the run
    /// (concurrently with the preflight), `None` when none was made.
    pub(crate) async fn ensure_app(
        &self,
        prefetched: Option<Option<ApplicationSummary>>,
    ) -> Result<AppState, SetupError> {
        let record = self.load()?.unwrap_or_default();
        if let Some(app) = record.app.clone() {
            let client = self.client_for(app.recorded_at);
            match client
                .get_service_principal(&app.service_principal_id)
                .await
            {
                Ok(sp) => {
                    return Ok(AppState {
                        record: app,
                        roles: sp.app_roles,
                        created_now: false,
                    });
                }
                Err(GraphError::NotFound { .. }) => {
                    self.reporter.progress(
                        Step::EntraApp,
                        "The application recorded earlier no longer exists in Entra: creating it again.",
                    );
                    self.update(forget_app)?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        self.reporter.checkpoint()?;
        let started = record.instantiate_started_at;
        let found = match (prefetched, started) {
            (Some(found), None) => found,
            (_, None) => self.lookup_app_by_name(self.graph()).await?,
            // An earlier instantiate may have created it: give replication its window.
            (_, Some(at)) => {
                let window = chrono::Duration::from_std(self.window()).unwrap_or_default();
                self.poll_lookup_until(at + window).await?
            }
        };
        if let Some(app) = found {
            self.reporter.progress(
                Step::EntraApp,
                format!(
                    "Found the application \"{}\" in Entra: reusing it.",
                    self.app_name
                ),
            );
            return self.adopt(app, started.is_some()).await;
        }
        self.reporter.checkpoint()?;
        self.instantiate().await
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
                // Graph may have created it anyway (reference §B2, C3.1): find it by its unique
                // name before anything is created again.
                self.reporter.progress(
                    Step::EntraApp,
                    "Entra did not confirm the creation: looking for the application by its name.",
                );
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

    // -----------------------------------------------------------------------------------------
    // provisioning_job

    pub(crate) async fn ensure_job(&self, app: &AppState) -> Result<JobState, SetupError> {
        let sp = &app.record.service_principal_id;
        let client = self.client_for(app.record.recorded_at);
        if let Some(job) = self.load()?.and_then(|entra| entra.job) {
            match client.get_job(sp, &job.id).await {
                Ok(_) => {
                    return Ok(JobState {
                        id: job.id,
                        created_now: false,
                    });
                }
                Err(GraphError::NotFound { .. }) => {
                    self.reporter.progress(
                        Step::ProvisioningJob,
                        "The provisioning job recorded earlier no longer exists: creating it again.",
                    );
                    self.update(forget_job)?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        self.reporter.checkpoint()?;
        let (job, created) = if app.created_now {
            // A service principal created a moment ago has no job yet: create straight away.
            match client.create_scim_job(sp).await {
                Ok(job) => (job, true),
                Err(
                    error @ (GraphError::OutcomeUnknown { .. } | GraphError::Unavailable { .. }),
                ) => match find_scim_job(&client, sp).await? {
                    Some(job) => (job, true),
                    None => return Err(error.into()),
                },
                Err(error) => return Err(error.into()),
            }
        } else {
            client.ensure_scim_job(sp).await?
        };
        let record = JobRecord {
            id: job.id.clone(),
            created_by_us: created,
            recorded_at: Utc::now(),
        };
        self.update(|entra| entra.job = Some(record))?;
        Ok(JobState {
            id: job.id,
            created_now: created,
        })
    }

    // -----------------------------------------------------------------------------------------
    // connection

    /// The Tenant URL to save for this Base URL (with the compat flag when chosen).
    pub(crate) fn tenant_url(&self, base_url: &str) -> String {
        self.options.mapping.tenant_url(base_url)
    }

    /// True when the journal says these credentials were saved and Entra still accepts them.
    pub(crate) async fn saved_connection_still_good(
        &self,
        app: &AppState,
        job: &JobState,
        tenant_url: &str,
        token_id: Option<&str>,
    ) -> Result<bool, SetupError> {
        let Some(saved) = self.load()?.and_then(|entra| entra.secrets_saved) else {
            return Ok(false);
        };
        if saved.base_address != tenant_url || saved.token_id.as_deref() != token_id {
            return Ok(false);
        }
        let client = self.client_for(app.record.recorded_at);
        match client
            .validate_credentials_saved(&app.record.service_principal_id, &job.id)
            .await
        {
            Ok(()) => Ok(true),
            Err(GraphError::CredentialsRejected { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Test connection with credentials that are not saved (collection-level).
    pub(crate) async fn test_unsaved(
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
    pub(crate) async fn save_secrets(
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

    pub(crate) async fn verify_saved(
        &self,
        app: &AppState,
        job: &JobState,
    ) -> Result<(), SetupError> {
        self.client_for(app.record.recorded_at)
            .validate_credentials_saved(&app.record.service_principal_id, &job.id)
            .await?;
        Ok(())
    }

    /// Test connection for the desktop's button: a refusal by Scaleway is an answer, not an error.
    pub(crate) async fn test_connection(
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
                Ok(ConnectionTest {
                    ok: false,
                    message: error.to_ui().message,
                    tenant_url: tenant_url.to_owned(),
                })
            }
            Err(error) => Err(error),
        }
    }

    // -----------------------------------------------------------------------------------------
    // mappings

    /// GET the schema and (when the userName edit may be needed) parse the expression, both at
    /// once; then compute the edit. Writes nothing.
    pub(crate) async fn draft_mappings(
        &self,
        app: &AppState,
        job: &JobState,
    ) -> Result<MappingDraft, SetupError> {
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
        let edit = match edit_schema(&schema, &self.options.mapping, parsed.as_ref()) {
            Err(SchemaError::MissingParsedExpression) => {
                let parsed = self.parse_username(&client, sp, &job.id).await?;
                edit_schema(&schema, &self.options.mapping, Some(&parsed))?
            }
            other => other?,
        };
        Ok(MappingDraft {
            original: schema,
            edit,
        })
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

    /// Keeps the original schema in the journal (first time only), then PUTs the whole edit.
    /// Returns whether anything was written.
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

    /// GETs the schema back and checks the edits are there.
    pub(crate) async fn verify_mappings(
        &self,
        app: &AppState,
        job: &JobState,
    ) -> Result<Value, SetupError> {
        let schema = self
            .client_for(app.record.recorded_at)
            .get_schema(&app.record.service_principal_id, &job.id)
            .await?;
        verify_schema(&schema, &self.options.mapping).map_err(|mismatches| {
            SetupError::MappingsNotApplied {
                mismatches: mismatches.iter().map(ToString::to_string).collect(),
            }
        })?;
        self.update(|entra| {
            if entra.schema_applied_at.is_none() {
                entra.schema_applied_at = Some(Utc::now());
            }
        })?;
        Ok(schema)
    }

    // -----------------------------------------------------------------------------------------
    // assignments

    /// Finds the users (UPN or id) and groups (exact name or id) the admin named, concurrently.
    pub(crate) async fn resolve_principals(
        &self,
        principals: &[crate::report::PrincipalRef],
    ) -> Result<Vec<ResolvedPrincipal>, SetupError> {
        let mut tasks = JoinSet::new();
        for (index, principal) in principals.iter().cloned().enumerate() {
            let graph = self.graph().clone();
            tasks.spawn(async move { (index, resolve_one(&graph, principal).await) });
        }
        let mut resolved: Vec<(usize, ResolvedPrincipal)> = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (index, result) = joined
                .map_err(|error| SetupError::Internal(format!("a lookup task failed: {error}")))?;
            resolved.push((index, result?));
        }
        resolved.sort_by_key(|(index, _)| *index);
        let mut unique: Vec<ResolvedPrincipal> = Vec::new();
        for (_, principal) in resolved {
            if !unique
                .iter()
                .any(|p| p.id.eq_ignore_ascii_case(&principal.id))
            {
                unique.push(principal);
            }
        }
        Ok(unique)
    }

    /// One assignment per principal to the app's "User" role, reused when it exists.
    pub(crate) async fn ensure_assignments(
        &self,
        app: &AppState,
        principals: &[ResolvedPrincipal],
    ) -> Result<Vec<AssignmentOutcome>, SetupError> {
        if principals.is_empty() {
            return Ok(Vec::new());
        }
        let sp = app.record.service_principal_id.clone();
        let client = if app.created_now {
            self.after_create()
        } else {
            self.client_for(app.record.recorded_at)
        };
        let role_id = match user_role_id(&app.roles) {
            Some(id) => id,
            None => client.service_principal_user_role_id(&sp).await?,
        };
        // A service principal created a moment ago has no assignment: skip the list.
        let existing = if app.created_now {
            Vec::new()
        } else {
            client.list_assignments(&sp).await?
        };
        self.reporter.checkpoint()?;
        let find = |list: &[Assignment], principal: &str| {
            list.iter()
                .find(|a| {
                    a.principal_id.eq_ignore_ascii_case(principal)
                        && a.app_role_id.eq_ignore_ascii_case(&role_id)
                })
                .cloned()
        };
        let mut outcomes: Vec<(ResolvedPrincipal, Assignment, bool)> = Vec::new();
        let mut tasks = JoinSet::new();
        for principal in principals {
            if let Some(found) = find(&existing, &principal.id) {
                outcomes.push((principal.clone(), found, false));
                continue;
            }
            let (client, sp, role_id, principal) = (
                client.clone(),
                sp.clone(),
                role_id.clone(),
                principal.clone(),
            );
            tasks.spawn(async move {
                let result = client.assign(&sp, &principal.id, &role_id).await;
                (principal, result)
            });
        }
        let mut relist = Vec::new();
        let mut first_error = None;
        while let Some(joined) = tasks.join_next().await {
            let (principal, result) = joined.map_err(|error| {
                SetupError::Internal(format!("an assignment task failed: {error}"))
            })?;
            match result {
                Ok(assignment) => outcomes.push((principal, assignment, true)),
                // A duplicate answers 400/409; a lost answer may have created it: list again.
                Err(
                    error @ (GraphError::OutcomeUnknown { .. }
                    | GraphError::BadRequest { .. }
                    | GraphError::Conflict { .. }),
                ) => relist.push((principal, error)),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if !relist.is_empty() {
            let listed = client.list_assignments(&sp).await?;
            for (principal, error) in relist {
                match find(&listed, &principal.id) {
                    Some(found) => {
                        let created = matches!(error, GraphError::OutcomeUnknown { .. });
                        outcomes.push((principal, found, created));
                    }
                    None => {
                        first_error.get_or_insert(error);
                    }
                }
            }
        }
        // Journal what exists before reporting an error, so a rollback can find it.
        let now = Utc::now();
        let records: Vec<AssignmentRecord> = outcomes
            .iter()
            .map(|(principal, assignment, created)| AssignmentRecord {
                principal_id: principal.id.clone(),
                principal_type: principal.kind.to_owned(),
                display_name: principal.display_name.clone(),
                user_principal_name: principal.user_principal_name.clone(),
                assignment_id: assignment.id.clone(),
                created_by_us: *created,
                recorded_at: now,
            })
            .collect();
        self.update(|entra| {
            for mut record in records {
                if let Some(known) = entra.assignments.iter_mut().find(|known| {
                    known
                        .principal_id
                        .eq_ignore_ascii_case(&record.principal_id)
                }) {
                    // Keep "created by us" from the run that created it.
                    record.created_by_us |=
                        known.created_by_us && known.assignment_id == record.assignment_id;
                    *known = record;
                } else {
                    entra.assignments.push(record);
                }
            }
        })?;
        if let Some(error) = first_error {
            return Err(error.into());
        }
        Ok(principals
            .iter()
            .filter_map(|principal| {
                let (_, assignment, created_now) =
                    outcomes.iter().find(|(p, _, _)| p.id == principal.id)?;
                Some(AssignmentOutcome {
                    principal_id: principal.id.clone(),
                    principal_type: principal.kind.to_owned(),
                    display_name: principal.display_name.clone(),
                    assignment_id: assignment.id.clone(),
                    created: *created_now,
                })
            })
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // start

    /// Starts the job unless it already runs (start is not for a running job, reference §B7).
    /// Returns whether it was started now.
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
            let running = current
                .schedule
                .as_ref()
                .and_then(|schedule| schedule.state.as_deref())
                == Some("Active");
            if running && !current.is_quarantined() {
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
    entra.started_at = None;
    entra.proof = None;
}

async fn find_scim_job(client: &GraphClient, sp: &str) -> Result<Option<SyncJob>, GraphError> {
    Ok(client.list_jobs(sp).await?.into_iter().find(|job| {
        job.template_id
            .as_deref()
            .is_some_and(|id| id.eq_ignore_ascii_case(SCIM_TEMPLATE_ID))
    }))
}

fn looks_like_guid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

async fn resolve_one(
    graph: &GraphClient,
    principal: crate::report::PrincipalRef,
) -> Result<ResolvedPrincipal, SetupError> {
    use crate::report::PrincipalRef;
    match principal {
        PrincipalRef::User(query) => match graph.get_user(query.trim()).await {
            Ok(user) => Ok(ResolvedPrincipal {
                id: user.id,
                kind: "User",
                display_name: user.display_name,
                user_principal_name: user.user_principal_name,
            }),
            Err(GraphError::NotFound { .. }) => Err(SetupError::PrincipalNotFound {
                kind: "user",
                query,
            }),
            Err(error) => Err(error.into()),
        },
        PrincipalRef::Group(query) => {
            let wanted = query.trim();
            // There is no group-by-id read in the Graph client: an id is matched in the list.
            let candidates: Vec<DirectoryGroup> = if looks_like_guid(wanted) {
                graph.search_groups("", 999).await?
            } else {
                graph.search_groups(wanted, 100).await?
            };
            candidates
                .into_iter()
                .find(|group| {
                    group.id.eq_ignore_ascii_case(wanted)
                        || group
                            .display_name
                            .as_deref()
                            .is_some_and(|name| name.eq_ignore_ascii_case(wanted))
                })
                .map(|group| ResolvedPrincipal {
                    id: group.id,
                    kind: "Group",
                    display_name: group.display_name,
                    user_principal_name: None,
                })
                .ok_or(SetupError::PrincipalNotFound {
                    kind: "group",
                    query,
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_recognised() {
        assert!(looks_like_guid("18d14569-c3bd-439b-9a66-3a2aee01d14f"));
        assert!(!looks_like_guid("Scaleway users"));
        assert!(!looks_like_guid("18d14569-c3bd-439b-9a66"));
    }
}
