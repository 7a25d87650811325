//! The setup engine: one object the desktop app and the CLI both drive.
//!
//! - [`SetupEngine::plan`] reads both sides and lists what would change, writing nothing.
//! - [`SetupEngine::apply_all`] runs every step with the fewest sequential round trips, and
//!   resumes an interrupted run from the journal without creating anything twice.
//! - The same steps one by one for the desktop wizard (one decision per screen):
//!   [`SetupEngine::ensure_scim`], [`SetupEngine::ensure_app`], [`SetupEngine::ensure_job`],
//!   [`SetupEngine::test_connection`], [`SetupEngine::save_connection`],
//!   [`SetupEngine::preview_mappings`], [`SetupEngine::apply_mappings`],
//!   [`SetupEngine::search_people`], [`SetupEngine::assign`], [`SetupEngine::start_and_verify`].
//! - Maintenance: [`SetupEngine::status`], [`SetupEngine::summary`],
//!   [`SetupEngine::plan_rollback`] / [`SetupEngine::rollback`], [`SetupEngine::rotate_token`]
//!   (in `maintenance.rs`).
//!
//! # Round trips of `apply_all`
//!
//! Counted from "both signed in" (a connected [`ScalewaySession`] and an [`EntraSession`]) to the
//! job's start, as the longest chain of requests that each had to wait for the previous one's
//! answer. On a fresh Organization and tenant:
//!
//! ```text
//! 1  preflight (/me, /organization, roles) ‖ app lookup by name ‖ users/groups ‖ Scaleway: enable SCIM (or list tokens)
//! 2  instantiate                           ‖ Scaleway: create token
//! 3  create job ‖ assign (per principal)   ‖ SCIM: verify the Base URL with the token
//! 4  get schema ‖ parse expression         ‖ validate credentials (unsaved)
//! 5  put schema (after the test passed)    ‖ put secrets
//! 6  get schema + verify                   ‖ validate credentials (saved)
//! 7  start
//! ```
//!
//! 7 sequential round trips (a naive sequence is about 14); measured against the sandbox's
//! request log by `tests/engine.rs` (`critical_path_is_at_most_seven_round_trips`). The proof
//! (provision on demand, job status, Scaleway user lookup) follows the start.
//!
//! # Without a Scaleway API key
//!
//! The Scaleway side is a [`ScalewaySide`]: a key session, or only the SCIM token and Base URL
//! the admin made in the console ([`TokenOnlySession`]). With a token only, step 1 is already
//! done: round trip 1 checks the token against its Base URL instead of enabling SCIM, no token
//! is minted, steps 2–4 run exactly as above, and the proof finds the user over SCIM
//! (`GET {base}/Users?filter=userName eq "…"` with the token) instead of the IAM users API.

use std::sync::Arc;

use chrono::Utc;
use scim_wizard_entra::MappingOptions;
use scim_wizard_entra::auth::PreflightReport;
use scim_wizard_entra::graph::GraphError;
use scim_wizard_entra::schema::user_rule_id;
use scim_wizard_scaleway::ScalewayClient;
use serde_json::Value;
use tokio::sync::oneshot;
use url::Url;

use crate::entra_ops::{AppState, EntraCtx, JobState, MappingDraft, ResolvedPrincipal};
use crate::entra_step::EntraSession;
use crate::failure::SetupError;
use crate::journal::{
    AppRecord, EntraRecord, Journal, JournalStore, ProofRecord, check_organization, check_tenant,
};
use crate::progress::{CancellationToken, NoProgress, ProgressSink, Reporter, Step};
use crate::report::{
    AppOutcome, ApplyReport, AssignedPrincipal, AssignmentOutcome, ConnectionTest, ConsoleLinks,
    GroupChoice, JobHealth, KeychainEntry, MappingPreview, PeopleSearch, PersonChoice, PlanAction,
    PlanItem, PrincipalRef, ProofChannel, ProofReport, SetupPlan, SetupSummary,
    plain_service_message,
};
use crate::scaleway_step::{KeychainChoice, MintOutcome, ScalewaySide, TokenOnlySession};
use crate::secret::Secret;

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
pub fn app_display_name_for_base_url(base_url: &Url) -> String {
    let text = base_url.as_str().trim_end_matches('/').to_ascii_lowercase();
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{APP_NAME_PREFIX} ({hash:08x})")
}

/// Scaleway console pages (where provisioned users appear; SCIM settings). UNVERIFIED paths:
/// the console's routes are not documented.
pub const SCALEWAY_CONSOLE_IAM_USERS: &str = "https://console.scaleway.com/iam/users";
pub const SCALEWAY_CONSOLE_SECURITY: &str = "https://console.scaleway.com/organization/security";

/// What the admin chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupOptions {
    /// Groups on/off, full UPN or local part, compat flag.
    pub mapping: MappingOptions,
    /// Who to assign (users by UPN or id, groups by name or id).
    pub principals: Vec<PrincipalRef>,
    /// Keep the SCIM token in the keychain (default) or only send it to Entra.
    pub keychain: KeychainChoice,
    /// Where Entra mails quarantine notices; `None`: off.
    pub notification_email: Option<String>,
    /// Provision one assigned user and check it in Scaleway at the end of `apply_all`.
    pub prove: bool,
    /// A display name instead of [`app_display_name`] (keep it unique in the tenant).
    pub app_name: Option<String>,
    /// The Entra tenant the admin confirmed, having seen it and the signed-in account: nothing
    /// in Entra is created until it is the tenant signed in to (a setup whose app exists was
    /// confirmed when it was created).
    pub confirmed_tenant: Option<String>,
}

impl Default for SetupOptions {
    fn default() -> Self {
        Self {
            mapping: MappingOptions::default(),
            principals: Vec::new(),
            keychain: KeychainChoice::Store,
            notification_email: None,
            prove: true,
            app_name: None,
            confirmed_tenant: None,
        }
    }
}

/// The engine. Owns both signed-in sessions; every step goes through it.
pub struct SetupEngine {
    pub(crate) scaleway: ScalewaySide,
    pub(crate) entra: EntraSession,
    pub(crate) journal: JournalStore,
    pub(crate) options: SetupOptions,
    pub(crate) app_name: String,
    pub(crate) progress: Arc<dyn ProgressSink>,
}

impl std::fmt::Debug for SetupEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupEngine")
            .field("organization_id", &self.scaleway.organization_id())
            .field("scaleway_access", &self.scaleway.access())
            .field("tenant_id", &self.entra.tenant_id())
            .field("app_name", &self.app_name)
            .finish_non_exhaustive()
    }
}

/// Picks the error to report from concurrent branches: a real failure before the "cancelled"
/// that the other branches stopped with because of it.
fn first_failure(errors: impl IntoIterator<Item = SetupError>) -> SetupError {
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

impl SetupEngine {
    /// Builds the engine over both sessions: a
    /// [`ScalewaySession`](crate::scaleway_step::ScalewaySession) (API key) or a
    /// [`TokenOnlySession`] (a token and Base URL made by hand), and the Entra sign-in. The
    /// journal (the Scaleway side's) is refused when it belongs to another Organization or tenant.
    pub fn new(
        scaleway: impl Into<ScalewaySide>,
        entra: EntraSession,
        options: SetupOptions,
    ) -> Result<Self, SetupError> {
        let scaleway = scaleway.into();
        let journal = scaleway.journal_store().clone();
        let existing = journal.load()?;
        if let Some(existing) = &existing {
            check_organization(existing, scaleway.journal_organization())?;
            check_tenant(existing, entra.tenant_id())?;
        }
        let default_name = match (&scaleway, scaleway.organization_id()) {
            (_, Some(organization_id)) => app_display_name(organization_id),
            (ScalewaySide::TokenOnly(session), None) => {
                app_display_name_for_base_url(session.base_url())
            }
            // A key session always knows its Organization.
            (ScalewaySide::Keyed(session), None) => app_display_name(session.organization_id()),
        };
        // The journal's name wins: it is the name our app was created with.
        let app_name = existing
            .and_then(|journal| journal.entra)
            .map(|entra| entra.app_display_name)
            .filter(|name| !name.is_empty())
            .or_else(|| options.app_name.clone().filter(|n| !n.trim().is_empty()))
            .unwrap_or(default_name);
        Ok(Self {
            scaleway,
            entra,
            journal,
            options,
            app_name,
            progress: Arc::new(NoProgress),
        })
    }

    /// Where progress events go (a Tauri event emitter, the CLI's printer).
    pub fn set_progress(&mut self, sink: Arc<dyn ProgressSink>) {
        self.progress = sink;
    }

    pub fn options(&self) -> &SetupOptions {
        &self.options
    }

    /// Changes the options for the next steps (e.g. the wizard's mapping screen).
    pub fn set_options(&mut self, options: SetupOptions) {
        self.options = options;
    }

    pub fn app_name(&self) -> &str {
        &self.app_name
    }

    pub fn scaleway(&self) -> &ScalewaySide {
        &self.scaleway
    }

    /// For the Scaleway screens that the session already serves (tokens list, paste Base URL).
    pub fn scaleway_mut(&mut self) -> &mut ScalewaySide {
        &mut self.scaleway
    }

    /// Takes the engine apart (e.g. to sign in to Entra again and keep the Scaleway side).
    pub fn into_parts(self) -> (ScalewaySide, EntraSession) {
        (self.scaleway, self.entra)
    }

    pub fn entra(&self) -> &EntraSession {
        &self.entra
    }

    pub fn journal(&self) -> &JournalStore {
        &self.journal
    }

    pub(crate) fn reporter(&self, cancel: &CancellationToken) -> Reporter {
        Reporter::new(Arc::clone(&self.progress), cancel.child_token())
    }

    pub(crate) fn ctx<'a>(&'a self, reporter: &'a Reporter) -> EntraCtx<'a> {
        EntraCtx {
            entra: &self.entra,
            journal: &self.journal,
            options: &self.options,
            app_name: &self.app_name,
            organization_id: self.scaleway.journal_organization(),
            reporter,
        }
    }

    pub(crate) fn entra_record(&self) -> Result<Option<EntraRecord>, SetupError> {
        Ok(self.journal.load()?.and_then(|journal| journal.entra))
    }

    // -----------------------------------------------------------------------------------------
    // The whole setup

    /// Runs every step (see the module doc for the order and the round trips), resuming from
    /// the journal. Cancelling `cancel` stops at the next boundary between calls.
    pub async fn apply_all(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<ApplyReport, SetupError> {
        let reporter = self.reporter(cancel);
        let applied = self.apply_all_with(&reporter).await?;
        if applied.proof.as_ref().is_some_and(|proof| proof.verified) {
            self.release_credentials().await;
        }
        Ok(ApplyReport {
            token: applied.token,
            app: applied.app,
            job_id: applied.job_id,
            job_created: applied.job_created,
            connection_saved_now: applied.connection_saved_now,
            mapping_changes: applied.mapping_changes,
            assignments: applied.assignments,
            started_now: applied.started_now,
            proof: applied.proof,
            summary: self.summary()?,
        })
    }

    async fn apply_all_with(&mut self, r: &Reporter) -> Result<Applied, SetupError> {
        let Self {
            scaleway,
            entra,
            journal,
            options,
            app_name,
            ..
        } = self;
        let organization_id = scaleway.journal_organization().to_owned();
        let ctx = EntraCtx {
            entra,
            journal,
            options,
            app_name,
            organization_id: &organization_id,
            reporter: r,
        };
        let keychain = options.keychain;
        // One read serves the given-token check and the preflight's look-up decision: nothing
        // writes the journal before the branches below start.
        let loaded = journal.load()?;
        // Step 1 is already done when the admin gave the token (always with a token-only side):
        // nothing to enable or mint, only the token to check. Read locally (journal, keychain).
        let entra_before = loaded.as_ref().and_then(|journal| journal.entra.clone());
        require_confirmed_tenant(options, entra, entra_before.as_ref())?;
        let given = scaleway.given_token(loaded.as_ref()).await?;

        // Round trip 1: the preflight gate, with the reads that decide what to create (our app
        // by name, the people to assign); Scaleway's enable needs no Entra permission (or, with
        // a given token, its check against the Base URL).
        let (gate, enabled) = tokio::join!(
            r.step(
                Step::Preflight,
                "Checking your Entra role and permissions",
                async {
                    let look_up = entra_before.as_ref().is_none_or(|entra| {
                        entra.app.is_none() && entra.instantiate_started_at.is_none()
                    });
                    let (report, lookup, principals) = tokio::join!(
                        ctx.entra.require_preflight(),
                        async {
                            if look_up {
                                ctx.lookup_app_by_name(ctx.graph()).await.map(Some)
                            } else {
                                Ok(None)
                            }
                        },
                        ctx.resolve_principals(&ctx.options.principals),
                    );
                    // A missing role or consent explains the lookups' 403s too: it comes first.
                    let report = report?;
                    Ok((report, lookup?, principals?))
                }
            ),
            async {
                match (&given, &mut *scaleway) {
                    (Some((token, base_url)), side) => r
                        .step(
                            Step::ScimEnabled,
                            "Checking the SCIM token with its Base URL",
                            side.verify_given(base_url, token),
                        )
                        .await
                        .map(|()| None),
                    (None, ScalewaySide::Keyed(keyed)) => r
                        .step(
                            Step::ScimEnabled,
                            "Checking SCIM on your Scaleway Organization",
                            keyed.ensure_scim_enabled(),
                        )
                        .await
                        .map(Some),
                    // `given_token` always answers for a token-only side.
                    (None, ScalewaySide::TokenOnly(_)) => Err(SetupError::token_gone()),
                }
            },
        );
        let (report, prefetched, principals) = match (gate, enabled) {
            (Ok(gate), Ok(newly)) => {
                match newly {
                    Some(true) => r.finished(
                        Step::ScimEnabled,
                        "Enabled SCIM on your Scaleway Organization.",
                    ),
                    Some(false) => r.finished(
                        Step::ScimEnabled,
                        "SCIM was already enabled on your Scaleway Organization.",
                    ),
                    None => r.skipped(
                        Step::ScimEnabled,
                        "SCIM is on in your Scaleway Organization, and the SCIM token works with its Base URL.",
                    ),
                }
                gate
            }
            (gate, enabled) => {
                return Err(first_failure(
                    [gate.err(), enabled.err()].into_iter().flatten(),
                ));
            }
        };
        r.finished(Step::Preflight, preflight_sentence(&report));

        // Round trips 2–3: the Scaleway token (then its Base URL check) alongside the Entra app
        // (then its job); assignments start as soon as the app exists.
        let (app_tx, app_rx) = oneshot::channel::<AppState>();
        let scaleway_branch = async {
            let result = async {
                let keyed = match (given, &mut *scaleway) {
                    (Some((token, base_url)), side) => {
                        r.skipped(Step::ScimToken, given_token_sentence(side));
                        return Ok::<_, SetupError>((None, base_url.to_string(), token, None));
                    }
                    (None, ScalewaySide::Keyed(keyed)) => keyed,
                    (None, ScalewaySide::TokenOnly(_)) => {
                        return Err(SetupError::token_gone());
                    }
                };
                let mint = r
                    .step(
                        Step::ScimToken,
                        "Creating the SCIM token",
                        keyed.mint_token(keychain),
                    )
                    .await?;
                r.finished(Step::ScimToken, token_sentence(&mint));
                let base_url = mint.base_url.clone().ok_or(SetupError::BaseUrlNeeded)?;
                let token = keyed.token().await?.ok_or(SetupError::NotReady(
                    "the SCIM token is not in the keychain",
                ))?;
                // The id `mint_token` has just recorded in the journal.
                let token_id = Some(mint.token.id.clone());
                Ok::<_, SetupError>((Some(mint), base_url, token, token_id))
            }
            .await;
            if result.is_err() {
                r.cancel_token().cancel();
            }
            result
        };
        let entra_branch = async {
            let result = async {
                let app = r
                    .step(
                        Step::EntraApp,
                        format!("Creating the enterprise application \"{}\"", ctx.app_name),
                        ctx.ensure_app(prefetched),
                    )
                    .await?;
                r.finished(Step::EntraApp, app_sentence(ctx.app_name, &app));
                // The receiver is gone only if the assignments branch ended: nothing to tell.
                let _ = app_tx.send(app.clone());
                let job = r
                    .step(
                        Step::ProvisioningJob,
                        "Creating the provisioning job",
                        ctx.ensure_job(&app),
                    )
                    .await?;
                r.finished(
                    Step::ProvisioningJob,
                    if job.created_now {
                        "Created the provisioning job."
                    } else {
                        "The provisioning job already exists."
                    },
                );
                Ok::<_, SetupError>((app, job))
            }
            .await;
            if result.is_err() {
                r.cancel_token().cancel();
            }
            result
        };
        let assignments_branch = async {
            let Ok(app) = app_rx.await else {
                return Err(SetupError::Cancelled);
            };
            if principals.is_empty() {
                r.skipped(
                    Step::Assignments,
                    "No users or groups were chosen: assign them later in the wizard or the Entra admin center.",
                );
                return Ok(Vec::new());
            }
            let result = r
                .step(
                    Step::Assignments,
                    "Assigning the chosen users and groups",
                    ctx.ensure_assignments(&app, &principals),
                )
                .await;
            match &result {
                Ok(outcomes) => r.finished(Step::Assignments, assignments_sentence(outcomes)),
                Err(_) => r.cancel_token().cancel(),
            }
            result
        };

        // Round trips 4–6: the connection chain (test → save → test saved) and the mappings
        // chain (read + parse → write → read back) side by side; the schema is written only
        // once Test connection passed, so a refused token leaves Entra untouched.
        let main = async {
            let (scaleway_side, entra_side) = tokio::join!(scaleway_branch, entra_branch);
            let ((mint, base_url, token, token_id), (app, job)) = match (scaleway_side, entra_side)
            {
                (Ok(s), Ok(e)) => (s, e),
                (s, e) => return Err(first_failure([s.err(), e.err()].into_iter().flatten())),
            };
            let tenant_url = ctx.tenant_url(&base_url);
            let (tested_tx, tested_rx) = oneshot::channel::<()>();
            let connection_chain = async {
                let result = r
                    .step(
                        Step::Connection,
                        "Testing the connection from Entra to Scaleway",
                        async {
                            if ctx
                                .saved_connection_still_good(&app, &job, &tenant_url, token_id.as_deref())
                                .await?
                            {
                                let _ = tested_tx.send(());
                                return Ok(false);
                            }
                            r.checkpoint()?;
                            ctx.test_unsaved(&app, &tenant_url, &token).await?;
                            let _ = tested_tx.send(());
                            r.progress(
                                Step::Connection,
                                "Test connection passed: saving the Tenant URL and the token in Entra.",
                            );
                            r.checkpoint()?;
                            ctx.save_secrets(&app, &tenant_url, &token, token_id.as_deref())
                                .await?;
                            r.checkpoint()?;
                            ctx.verify_saved(&app, &job).await?;
                            Ok(true)
                        },
                    )
                    .await;
                match &result {
                    Ok(true) => r.finished(
                        Step::Connection,
                        "Entra reached Scaleway with the token, and the connection is saved.",
                    ),
                    Ok(false) => r.skipped(
                        Step::Connection,
                        "The connection was saved earlier and still works.",
                    ),
                    Err(_) => r.cancel_token().cancel(),
                }
                result
            };
            let mappings_chain = async {
                let result = r
                    .step(Step::Mappings, "Reading the attribute mappings", async {
                        let draft = ctx.draft_mappings(&app, &job).await?;
                        // Nothing is written to the app before Test connection passed.
                        if tested_rx.await.is_err() {
                            return Err(SetupError::Cancelled);
                        }
                        r.checkpoint()?;
                        let written = ctx.write_mappings(&app, &job, &draft).await?;
                        r.checkpoint()?;
                        let schema = ctx.verify_mappings(&app, &job).await?;
                        Ok((draft, written, schema))
                    })
                    .await;
                match &result {
                    Ok((draft, true, _)) => r.finished(
                        Step::Mappings,
                        format!(
                            "Edited the attribute mappings: {}.",
                            changes_sentence(draft)
                        ),
                    ),
                    Ok((_, false, _)) => r.skipped(
                        Step::Mappings,
                        "The attribute mappings were already as Scaleway's guide wants.",
                    ),
                    Err(_) => r.cancel_token().cancel(),
                }
                result
            };
            let (connection, mappings) = tokio::join!(connection_chain, mappings_chain);
            match (connection, mappings) {
                (Ok(saved_now), Ok((draft, _, schema))) => {
                    Ok((mint, app, job, saved_now, draft, schema))
                }
                (c, m) => Err(first_failure([c.err(), m.err()].into_iter().flatten())),
            }
        };
        let (main, assigned) = tokio::join!(main, assignments_branch);
        let ((mint, app, job, connection_saved_now, draft, schema), assignments) =
            match (main, assigned) {
                (Ok(main), Ok(assignments)) => (main, assignments),
                (m, a) => return Err(first_failure([m.err(), a.err()].into_iter().flatten())),
            };

        // Round trip 7: start, once the mappings read back right and the people are assigned.
        let started_now = r
            .step(
                Step::Start,
                "Starting provisioning",
                ctx.ensure_started(&app, &job),
            )
            .await?;
        if started_now {
            r.finished(Step::Start, "Started provisioning.");
        } else {
            r.skipped(Step::Start, "Provisioning was already running.");
        }

        let proven_before = ctx
            .load()?
            .and_then(|entra| entra.proof)
            .filter(|proof| proof.found_in_scaleway);
        let proof = if ctx.options.prove {
            let lookup = UserLookup::for_side(scaleway);
            match proven_before {
                // A second run only re-reads: no user is provisioned again.
                Some(before) if !started_now => {
                    Some(recheck_proof(&ctx, &lookup, &app, &job, &schema, before).await?)
                }
                _ => Some(prove(&ctx, &lookup, &app, &job, Some(&schema)).await?),
            }
        } else {
            r.skipped(Step::Proof, "The final check was turned off.");
            None
        };
        Ok(Applied {
            token: mint,
            app: app_outcome(ctx.app_name, &app),
            job_id: job.id.clone(),
            job_created: job.created_now,
            connection_saved_now,
            mapping_changes: draft.changes(),
            assignments,
            started_now,
            proof,
        })
    }
}

/// Refuses the first change in Entra until the admin has confirmed the tenant signed in to.
fn require_confirmed_tenant(
    options: &SetupOptions,
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

/// What `apply_all_with` did; `apply_all` adds the summary.
struct Applied {
    token: Option<MintOutcome>,
    app: AppOutcome,
    job_id: String,
    job_created: bool,
    connection_saved_now: bool,
    mapping_changes: Vec<crate::report::MappingChange>,
    assignments: Vec<AssignmentOutcome>,
    started_now: bool,
    proof: Option<ProofReport>,
}

fn app_outcome(name: &str, app: &AppState) -> AppOutcome {
    AppOutcome {
        display_name: name.to_owned(),
        application_object_id: app.record.application_object_id.clone(),
        app_id: app.record.app_id.clone(),
        service_principal_id: app.record.service_principal_id.clone(),
        created: app.created_now,
    }
}

fn preflight_sentence(report: &PreflightReport) -> String {
    let who = report
        .account
        .user_principal_name
        .clone()
        .or_else(|| report.account.display_name.clone())
        .unwrap_or_else(|| "You".to_owned());
    match &report.qualifying_role {
        Some(role) => format!(
            "{who} can set this up ({}), and the permissions are granted.",
            role.display_name
        ),
        None => format!("{who} can set this up, and the permissions are granted."),
    }
}

fn token_sentence(mint: &MintOutcome) -> String {
    let kept = if mint.stored_in_keychain {
        "kept in your keychain"
    } else if mint.keychain_problem.is_some() {
        "held in memory: your keychain refused it"
    } else {
        "not stored (as you chose)"
    };
    if mint.resumed {
        format!("Reusing the SCIM token created earlier ({kept}).")
    } else {
        format!("Created a SCIM token ({kept}).")
    }
}

fn given_token_sentence(side: &ScalewaySide) -> &'static str {
    match side.token_only() {
        Some(session) if !session.in_keychain() => {
            "Using the SCIM token (held only while the app runs, as you chose)."
        }
        _ => "Using the SCIM token kept in your keychain.",
    }
}

fn app_sentence(name: &str, app: &AppState) -> String {
    if app.created_now {
        format!("Created the enterprise application \"{name}\".")
    } else {
        format!("The enterprise application \"{name}\" already exists: reusing it.")
    }
}

fn assignments_sentence(outcomes: &[AssignmentOutcome]) -> String {
    let created = outcomes.iter().filter(|o| o.created).count();
    let reused = outcomes.len() - created;
    match (created, reused) {
        (0, n) => format!("All {n} were already assigned."),
        (n, 0) => format!("Assigned {n} user(s) or group(s)."),
        (n, m) => format!("Assigned {n}; {m} were already assigned."),
    }
}

fn changes_sentence(draft: &MappingDraft) -> String {
    draft
        .edit
        .changes
        .iter()
        .map(|change| change.describe())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The username Scaleway should show for a UPN.
pub fn expected_username(user_principal_name: &str, mapping: &MappingOptions) -> String {
    if mapping.keep_full_upn {
        user_principal_name.to_owned()
    } else {
        user_principal_name
            .split('@')
            .next()
            .unwrap_or(user_principal_name)
            .to_owned()
    }
}

/// Where the proof looks for the provisioned user: the IAM users API with a key, or Scaleway's
/// SCIM endpoint with the token when the admin gave only that.
pub(crate) enum UserLookup<'a> {
    Iam {
        client: &'a ScalewayClient,
        organization_id: &'a str,
    },
    Scim(&'a TokenOnlySession),
}

impl<'a> UserLookup<'a> {
    pub(crate) fn for_side(side: &'a ScalewaySide) -> Self {
        match side {
            ScalewaySide::Keyed(session) => Self::Iam {
                client: session.client(),
                organization_id: session.organization_id(),
            },
            ScalewaySide::TokenOnly(session) => Self::Scim(session),
        }
    }

    /// The Scaleway id of the user with this username, if there is one.
    async fn find(&self, username: &str) -> Result<Option<String>, SetupError> {
        match self {
            Self::Iam {
                client,
                organization_id,
            } => Ok(client
                .find_user_by_username(organization_id, username)
                .await?
                .map(|user| user.id)),
            Self::Scim(session) => Ok(session.find_user(username).await?.map(|user| user.id)),
        }
    }

    fn channel(&self) -> ProofChannel {
        match self {
            Self::Iam { .. } => ProofChannel::IamUsersApi,
            Self::Scim(_) => ProofChannel::Scim,
        }
    }

    /// Said after "…is in Scaleway as \"name\"": how it was checked, when not the usual way.
    fn how(&self) -> &'static str {
        match self {
            Self::Iam { .. } => "",
            Self::Scim(_) => " (checked through SCIM with your token)",
        }
    }
}

/// The proof: provision one assigned user on demand (unless the compat flag is on: on-demand
/// does not support it, so the start cycle is waited for instead), wait for the cycle, then
/// find the user in Scaleway by the expected username, and report the job's health.
pub(crate) async fn prove(
    ctx: &EntraCtx<'_>,
    lookup: &UserLookup<'_>,
    app: &AppState,
    job: &JobState,
    schema: Option<&Value>,
) -> Result<ProofReport, SetupError> {
    let r = ctx.reporter;
    r.checkpoint()?;
    r.started(Step::Proof, "Checking that a user arrives in Scaleway");
    let result = prove_inner(ctx, lookup, app, job, schema).await;
    match &result {
        Ok(report) if report.verified => r.finished(Step::Proof, report.message.clone()),
        Ok(report) => r.skipped(Step::Proof, report.message.clone()),
        Err(error) => r.failed(Step::Proof, error),
    }
    result
}

/// On a run after a successful proof: read the job and look the user up again (no provisioning).
/// Falls back to the full proof when the user is gone.
async fn recheck_proof(
    ctx: &EntraCtx<'_>,
    lookup: &UserLookup<'_>,
    app: &AppState,
    job: &JobState,
    schema: &Value,
    before: ProofRecord,
) -> Result<ProofReport, SetupError> {
    let r = ctx.reporter;
    r.checkpoint()?;
    let client = ctx.client_for(app.record.recorded_at);
    let (current, found) = tokio::join!(
        client.get_job(&app.record.service_principal_id, &job.id),
        lookup.find(&before.expected_username)
    );
    let health = JobHealth::from_job(&current?);
    if let Some(quarantine) = &health.quarantine {
        return Err(SetupError::Quarantined {
            reason: quarantine.reason.clone(),
            message: None,
        });
    }
    match found? {
        Some(user_id) => {
            let message = format!(
                "Still working: {} is in Scaleway as \"{}\"{}. {}",
                before.user_principal_name,
                before.expected_username,
                lookup.how(),
                health.summary
            );
            r.skipped(Step::Proof, message.clone());
            Ok(ProofReport {
                verified: true,
                user_principal_name: Some(before.user_principal_name),
                expected_username: Some(before.expected_username),
                scaleway_user_id: Some(user_id),
                on_demand_result: None,
                job: Some(health),
                message,
                checked_through: Some(lookup.channel()),
            })
        }
        None => prove(ctx, lookup, app, job, Some(schema)).await,
    }
}

async fn prove_inner(
    ctx: &EntraCtx<'_>,
    lookup: &UserLookup<'_>,
    app: &AppState,
    job: &JobState,
    schema: Option<&Value>,
) -> Result<ProofReport, SetupError> {
    let r = ctx.reporter;
    let sp = &app.record.service_principal_id;
    let client = ctx.client_for(app.record.recorded_at);
    let record = ctx.load()?.unwrap_or_default();
    let Some(user) = record
        .assignments
        .iter()
        .find(|a| a.principal_type.eq_ignore_ascii_case("User") && a.user_principal_name.is_some())
        .cloned()
    else {
        let current = client.get_job(sp, &job.id).await?;
        let health = JobHealth::from_job(&current);
        return Ok(ProofReport {
            verified: false,
            user_principal_name: None,
            expected_username: None,
            scaleway_user_id: None,
            on_demand_result: None,
            job: Some(health),
            message: "No user is assigned directly, so no test user could be checked. Provisioning is started; assign a user to check it.".to_owned(),
            checked_through: None,
        });
    };
    let upn = user.user_principal_name.clone().unwrap_or_default();
    let expected = expected_username(&upn, &ctx.options.mapping);
    let on_demand_result = if ctx.options.mapping.scim_compat_flag {
        r.progress(
            Step::Proof,
            "Provision on demand does not work with the SCIM compatibility option: waiting for the first provisioning cycle instead.",
        );
        None
    } else {
        let fetched;
        let schema = match schema {
            Some(schema) => schema,
            None => {
                fetched = client.get_schema(sp, &job.id).await?;
                &fetched
            }
        };
        let rule = user_rule_id(schema).ok_or(SetupError::MappingsNotApplied {
            mismatches: vec!["the schema has no rule for Entra users".to_owned()],
        })?;
        r.progress(Step::Proof, format!("Provisioning {upn} on demand."));
        let outcome = client
            .provision_on_demand(sp, &job.id, &rule, &user.principal_id)
            .await?;
        if outcome.result.eq_ignore_ascii_case("Failure") {
            let said = outcome
                .error_message
                .as_deref()
                .map(plain_service_message)
                .or(outcome.error_code.clone())
                .unwrap_or_else(|| "no reason was given".to_owned());
            return Err(SetupError::ProvisioningFailed { message: said });
        }
        Some(outcome.result)
    };

    let settings = ctx.entra.settings();
    let began = tokio::time::Instant::now();
    let deadline = began + settings.proof_timeout;
    loop {
        r.checkpoint()?;
        let (current, found) = tokio::join!(client.get_job(sp, &job.id), lookup.find(&expected));
        let current = current?;
        if current.is_quarantined() {
            let health = JobHealth::from_job(&current);
            let quarantine = health.quarantine.clone();
            return Err(SetupError::Quarantined {
                reason: quarantine.as_ref().and_then(|q| q.reason.clone()),
                message: current
                    .status
                    .as_ref()
                    .and_then(|s| s.quarantine.as_ref())
                    .and_then(|q| q.error.as_ref())
                    .and_then(|e| e.message.as_deref())
                    .map(plain_service_message),
            });
        }
        let found = found?;
        let cycle_done = current
            .status
            .as_ref()
            .and_then(|s| s.last_execution.as_ref())
            .is_some_and(|run| run.time_ended.is_some());
        let timed_out = tokio::time::Instant::now() >= deadline;
        if let Some(found) = &found
            && (cycle_done || timed_out)
        {
            let health = JobHealth::from_job(&current);
            let how = lookup.how();
            let message = if cycle_done {
                format!(
                    "It works: {upn} is in Scaleway as \"{expected}\"{how}. {}",
                    health.summary
                )
            } else {
                format!(
                    "It works: {upn} is in Scaleway as \"{expected}\"{how}. The first provisioning cycle is still running."
                )
            };
            let proof = ProofRecord {
                user_principal_name: upn.clone(),
                expected_username: expected.clone(),
                found_in_scaleway: true,
                scaleway_user_id: Some(found.clone()),
                job_status: Some(health.status_code.clone()),
                checked_at: Utc::now(),
            };
            ctx.update(|entra| entra.proof = Some(proof))?;
            return Ok(ProofReport {
                verified: true,
                user_principal_name: Some(upn),
                expected_username: Some(expected),
                scaleway_user_id: Some(found.clone()),
                on_demand_result,
                job: Some(health),
                message,
                checked_through: Some(lookup.channel()),
            });
        }
        if timed_out {
            let proof = ProofRecord {
                user_principal_name: upn.clone(),
                expected_username: expected.clone(),
                found_in_scaleway: false,
                scaleway_user_id: None,
                job_status: Some(JobHealth::from_job(&current).status_code),
                checked_at: Utc::now(),
            };
            ctx.update(|entra| entra.proof = Some(proof))?;
            if let Some(error) = current
                .status
                .as_ref()
                .and_then(|s| s.last_execution.as_ref())
                .and_then(|run| run.error.as_ref())
            {
                return Err(SetupError::ProvisioningFailed {
                    message: error
                        .message
                        .as_deref()
                        .map(plain_service_message)
                        .or(error.code.clone())
                        .unwrap_or_default(),
                });
            }
            return Err(SetupError::ProofUserNotFound {
                username: expected,
                waited_secs: began.elapsed().as_secs(),
            });
        }
        r.progress(
            Step::Proof,
            if found.is_some() {
                "The user is in Scaleway; waiting for the provisioning cycle to finish."
            } else {
                "Waiting for the user to appear in Scaleway."
            },
        );
        r.sleep(settings.poll_interval).await?;
    }
}

// ---------------------------------------------------------------------------------------------
// One step at a time (the desktop wizard), plan, summary.

impl SetupEngine {
    /// The preflight report as it is (the sign-in screen shows what is missing).
    pub async fn preflight(&self) -> Result<PreflightReport, SetupError> {
        self.entra.preflight().await
    }

    /// Step 1 in one call: enable SCIM when it is off, then mint (or reuse) the token and find
    /// the Base URL. `base_url: None` in the outcome means the admin must paste it
    /// (`scaleway_mut().set_base_url(…)`).
    ///
    /// Needs a Scaleway API key: with a token-only side, step 1 was done in the console and this
    /// answers [`SetupError::ScalewayKeyNeeded`].
    pub async fn ensure_scim(&mut self) -> Result<MintOutcome, SetupError> {
        let r = self.reporter(&CancellationToken::new());
        let scaleway = self
            .scaleway
            .keyed_mut()
            .ok_or(SetupError::ScalewayKeyNeeded {
                action: crate::report::KeyAction::CreateToken,
            })?;
        let newly = r
            .step(
                Step::ScimEnabled,
                "Checking SCIM on your Scaleway Organization",
                scaleway.ensure_scim_enabled(),
            )
            .await?;
        r.finished(
            Step::ScimEnabled,
            if newly {
                "Enabled SCIM."
            } else {
                "SCIM was already enabled."
            },
        );
        let keychain = self.options.keychain;
        let mint = r
            .step(
                Step::ScimToken,
                "Creating the SCIM token",
                scaleway.mint_token(keychain),
            )
            .await?;
        r.finished(Step::ScimToken, token_sentence(&mint));
        Ok(mint)
    }

    /// Creates the enterprise application (or reuses ours), after the preflight passed.
    /// `name` replaces the default unique name when no app was created yet.
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
            "Checking your Entra role and permissions",
            self.entra.require_preflight(),
        )
        .await?;
        let ctx = self.ctx(&r);
        let app = r
            .step(
                Step::EntraApp,
                format!("Creating the enterprise application \"{}\"", self.app_name),
                ctx.ensure_app(None),
            )
            .await?;
        r.finished(Step::EntraApp, app_sentence(&self.app_name, &app));
        Ok(app_outcome(&self.app_name, &app))
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
                "Creating the provisioning job",
                ctx.ensure_job(&app),
            )
            .await?;
        r.finished(
            Step::ProvisioningJob,
            if job.created_now {
                "Created the provisioning job."
            } else {
                "The provisioning job already exists."
            },
        );
        Ok((job.id, job.created_now))
    }

    /// The token and Tenant URL the connection uses.
    async fn connection_inputs(&self) -> Result<(Secret, String, Option<String>), SetupError> {
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
        Ok((token, self.options.mapping.tenant_url(&base_url), token_id))
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
        let (token, tenant_url, _) = self.connection_inputs().await?;
        r.checkpoint()?;
        self.ctx(&r)
            .test_connection(&app, &tenant_url, &token)
            .await
    }

    /// Tests, then saves the complete secret set, then tests with what is saved.
    pub async fn save_connection(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<ConnectionTest, SetupError> {
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        let (token, tenant_url, token_id) = self.connection_inputs().await?;
        let ctx = self.ctx(&r);
        let test = r
            .step(
                Step::Connection,
                "Testing the connection from Entra to Scaleway",
                ctx.test_connection(&app, &tenant_url, &token),
            )
            .await?;
        if !test.ok {
            r.emit(
                Step::Connection,
                crate::progress::Phase::Failed,
                test.message.clone(),
            );
            return Ok(test);
        }
        // A cancel here leaves Entra as it was; after the save, the journal has it.
        r.checkpoint()?;
        ctx.save_secrets(&app, &tenant_url, &token, token_id.as_deref())
            .await?;
        r.checkpoint()?;
        ctx.verify_saved(&app, &job).await?;
        r.finished(Step::Connection, "The connection is saved and works.");
        Ok(ConnectionTest {
            ok: true,
            message: "Entra reached Scaleway with the saved token: the connection is saved."
                .to_owned(),
            tenant_url,
        })
    }

    /// The mapping edits as a before → after list, without writing anything.
    pub async fn preview_mappings(&self) -> Result<MappingPreview, SetupError> {
        let r = self.reporter(&CancellationToken::new());
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        let draft = self.ctx(&r).draft_mappings(&app, &job).await?;
        Ok(MappingPreview {
            already_applied: draft.edit.changes.is_empty(),
            changes: draft.changes(),
        })
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
        let ctx = self.ctx(&r);
        let draft = r
            .step(Step::Mappings, "Editing the attribute mappings", async {
                let draft = ctx.draft_mappings(&app, &job).await?;
                r.checkpoint()?;
                // Written after the backup is journaled; a cancel after the write is picked up
                // by the next run, which finds nothing left to change and only reads back.
                ctx.write_mappings(&app, &job, &draft).await?;
                r.checkpoint()?;
                ctx.verify_mappings(&app, &job).await?;
                Ok(draft)
            })
            .await?;
        r.finished(
            Step::Mappings,
            "The attribute mappings are as Scaleway's guide wants.",
        );
        Ok(MappingPreview {
            already_applied: draft.edit.changes.is_empty(),
            changes: draft.changes(),
        })
    }

    /// Users and groups whose name starts with `query`, for the picker (at most 25 of each).
    pub async fn search_people(&self, query: &str) -> Result<PeopleSearch, SetupError> {
        let graph = self.entra.graph();
        let (users, groups) = tokio::join!(
            graph.search_users(query, 25),
            graph.search_groups(query, 25)
        );
        let users = users?
            .into_iter()
            .map(|user| PersonChoice {
                id: user.id,
                display_name: user.display_name,
                user_principal_name: user.user_principal_name,
                mail: user.mail,
            })
            .collect();
        let (groups, groups_unavailable) = match groups {
            Ok(groups) => (
                groups
                    .into_iter()
                    .map(|group| GroupChoice {
                        id: group.id,
                        display_name: group.display_name,
                        description: group.description,
                    })
                    .collect(),
                None,
            ),
            // Without Group.Read.All the picker still offers users.
            Err(GraphError::Forbidden { .. }) => (
                Vec::new(),
                Some(
                    "Groups cannot be listed: sign in again with group picking turned on."
                        .to_owned(),
                ),
            ),
            Err(error) => return Err(error.into()),
        };
        Ok(PeopleSearch {
            users,
            groups,
            groups_unavailable,
        })
    }

    /// Assigns users and groups to the app's "User" role (one assignment each, reused if it
    /// exists), and adds them to the options for the rest of the setup.
    pub async fn assign(
        &mut self,
        principals: &[PrincipalRef],
        cancel: &CancellationToken,
    ) -> Result<Vec<AssignmentOutcome>, SetupError> {
        for principal in principals {
            if !self.options.principals.contains(principal) {
                self.options.principals.push(principal.clone());
            }
        }
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let ctx = self.ctx(&r);
        let outcomes = r
            .step(
                Step::Assignments,
                "Assigning the chosen users and groups",
                async {
                    let resolved: Vec<ResolvedPrincipal> =
                        ctx.resolve_principals(principals).await?;
                    r.checkpoint()?;
                    ctx.ensure_assignments(&app, &resolved).await
                },
            )
            .await?;
        r.finished(Step::Assignments, assignments_sentence(&outcomes));
        Ok(outcomes)
    }

    /// Starts provisioning (unless it runs already) and proves it works with one assigned user.
    pub async fn start_and_verify(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<ProofReport, SetupError> {
        let r = self.reporter(cancel);
        let app = self.current_app(&r).await?;
        let job = self.current_job()?;
        let ctx = self.ctx(&r);
        let started = r
            .step(
                Step::Start,
                "Starting provisioning",
                ctx.ensure_started(&app, &job),
            )
            .await?;
        if started {
            r.finished(Step::Start, "Started provisioning.");
        } else {
            r.skipped(Step::Start, "Provisioning was already running.");
        }
        let proof = prove(
            &ctx,
            &UserLookup::for_side(&self.scaleway),
            &app,
            &job,
            None,
        )
        .await?;
        if proof.verified {
            self.release_credentials().await;
        }
        Ok(proof)
    }

    /// Once the setup is proven: forgets the Scaleway key and the Microsoft sign-in, unless the
    /// admin chose to keep them for later changes. The SCIM token stays: Entra uses it. A
    /// keychain that fails here does not undo a working setup: it is logged, and Settings'
    /// "Forget saved sign-ins and keys" (or `scim-wizard-cli forget`) remains.
    async fn release_credentials(&self) {
        let retention = match self.journal.load() {
            Ok(journal) => journal.map(|j| j.retention()).unwrap_or_default(),
            Err(error) => {
                tracing::warn!(%error, "could not read the setup's choice for saved sign-ins");
                return;
            }
        };
        if !retention.forgets_when_done() {
            return;
        }
        if let Err(error) = self.forget_key_and_sign_in().await {
            tracing::warn!(
                code = error.code().as_str(),
                "could not forget the Scaleway key or the Microsoft sign-in"
            );
        }
    }

    /// Deletes this setup's Scaleway key and Microsoft sign-in from the keychain; both sessions
    /// keep working from memory until the app or the command ends.
    pub(crate) async fn forget_key_and_sign_in(&self) -> Result<(), SetupError> {
        if let (Some(vault), Some(organization_id)) =
            (self.scaleway.vault(), self.scaleway.organization_id())
        {
            vault
                .delete_async(&crate::scaleway_step::scaleway_key_account(organization_id))
                .await?;
        }
        self.entra.forget_saved_sign_in()
    }

    /// What `apply_all` would change, read from both sides; writes nothing.
    pub async fn plan(&self) -> Result<SetupPlan, SetupError> {
        let r = self.reporter(&CancellationToken::new());
        let ctx = self.ctx(&r);
        // One read serves the whole plan: the plan writes nothing, and one setup runs at a time,
        // so nothing else writes the journal meanwhile.
        let loaded = self.journal.load()?;
        let record = loaded
            .as_ref()
            .and_then(|journal| journal.entra.clone())
            .unwrap_or_default();
        let given = self.scaleway.given_token(loaded.as_ref()).await?;
        // Scaleway's side is read alongside the preflight: the SCIM configuration with a key,
        // or (a token was given) the token against its Base URL. Reads only.
        let scaleway_read = async {
            match (&given, &self.scaleway) {
                (Some((token, base_url)), side) => {
                    side.verify_given(base_url, token).await.map(|()| None)
                }
                (None, ScalewaySide::Keyed(keyed)) => keyed
                    .client()
                    .get_scim(keyed.organization_id())
                    .await
                    .map(Some)
                    .map_err(SetupError::from),
                (None, ScalewaySide::TokenOnly(_)) => Err(SetupError::token_gone()),
            }
        };
        let (preflight, scim, principals) = tokio::join!(
            self.entra.require_preflight(),
            scaleway_read,
            ctx.resolve_principals(&self.options.principals),
        );
        preflight?;
        let principals = principals?;
        let mut items = Vec::new();
        let mut item = |step, action, description: String| {
            items.push(PlanItem {
                step,
                action,
                description,
            });
        };
        match (scim?, self.scaleway.keyed()) {
            // The admin gave the token: step 1 was done in the Scaleway console.
            (None, _) | (_, None) => {
                item(
                    Step::ScimEnabled,
                    PlanAction::Nothing,
                    "SCIM is enabled on the Scaleway Organization (the SCIM token works with its Base URL).".into(),
                );
                item(
                    Step::ScimToken,
                    PlanAction::Reuse,
                    "Use the SCIM token this setup already has.".into(),
                );
            }
            (Some(scim), Some(keyed)) => {
                match &scim {
                    Some(_) => item(
                        Step::ScimEnabled,
                        PlanAction::Nothing,
                        "SCIM is already enabled on the Scaleway Organization.".into(),
                    ),
                    None => item(
                        Step::ScimEnabled,
                        PlanAction::Create,
                        "Enable SCIM on the Scaleway Organization.".into(),
                    ),
                }
                let held = keyed.token().await?.is_some();
                let token_known = loaded
                    .as_ref()
                    .and_then(Journal::scaleway_token_id)
                    .is_some();
                match (&scim, held && token_known) {
                    (Some(_), true) => item(
                        Step::ScimToken,
                        PlanAction::Reuse,
                        "Keep using the SCIM token created earlier (it stays in your keychain)."
                            .into(),
                    ),
                    (Some(scim), false) => {
                        let tokens = keyed.client().list_scim_tokens(&scim.id).await?;
                        let note = if tokens.len() >= crate::scaleway_step::MAX_SCIM_TOKENS {
                            " Scaleway already has two tokens, its maximum: one must be deleted first."
                        } else {
                            ""
                        };
                        item(
                            Step::ScimToken,
                            PlanAction::Create,
                            format!("Create a SCIM token and keep it in your keychain.{note}"),
                        );
                    }
                    (None, _) => item(
                        Step::ScimToken,
                        PlanAction::Create,
                        "Create a SCIM token and keep it in your keychain.".into(),
                    ),
                }
            }
        }

        // Entra: the app, then what hangs off it.
        let app = match &record.app {
            Some(app) => match ctx
                .graph()
                .get_service_principal(&app.service_principal_id)
                .await
            {
                Ok(sp) => Some(AppState {
                    record: app.clone(),
                    roles: sp.app_roles,
                    created_now: false,
                }),
                Err(GraphError::NotFound { .. }) => None,
                Err(error) => return Err(error.into()),
            },
            None => match ctx.lookup_app_by_name(ctx.graph()).await? {
                Some(found) => match ctx
                    .graph()
                    .find_service_principal_by_app_id(&found.app_id)
                    .await?
                {
                    Some(sp) => Some(AppState {
                        record: AppRecord {
                            application_object_id: found.id,
                            app_id: found.app_id,
                            service_principal_id: sp.id,
                            created_by_us: false,
                            recorded_at: Utc::now() - chrono::Duration::days(1),
                        },
                        roles: sp.app_roles,
                        created_now: false,
                    }),
                    None => None,
                },
                None => None,
            },
        };
        let mut mapping_changes = Vec::new();
        match &app {
            None => {
                item(
                    Step::EntraApp,
                    PlanAction::Create,
                    format!(
                        "Create the enterprise application \"{}\" in Entra.",
                        self.app_name
                    ),
                );
                item(
                    Step::ProvisioningJob,
                    PlanAction::Create,
                    "Create its provisioning job.".into(),
                );
                item(
                    Step::Connection,
                    PlanAction::Create,
                    "Test the connection to Scaleway, then save the Tenant URL and token.".into(),
                );
                item(Step::Mappings, PlanAction::AfterEarlierSteps, "Edit the mappings as Scaleway's guide says: group provisioning off, name.formatted not sent, userName from the UPN.".into());
                for principal in &principals {
                    item(
                        Step::Assignments,
                        PlanAction::Create,
                        format!(
                            "Assign {} {}.",
                            principal.kind.to_ascii_lowercase(),
                            principal_label(principal)
                        ),
                    );
                }
                item(
                    Step::Start,
                    PlanAction::Create,
                    "Start provisioning.".into(),
                );
            }
            Some(app) => {
                item(
                    Step::EntraApp,
                    PlanAction::Reuse,
                    format!("Reuse the enterprise application \"{}\".", self.app_name),
                );
                let sp = &app.record.service_principal_id;
                let jobs = ctx.graph().list_jobs(sp).await?;
                let job = jobs.into_iter().find(|job| {
                    job.template_id.as_deref().is_some_and(|t| {
                        t.eq_ignore_ascii_case(scim_wizard_entra::graph::SCIM_TEMPLATE_ID)
                    })
                });
                match &job {
                    Some(_) => item(
                        Step::ProvisioningJob,
                        PlanAction::Reuse,
                        "Reuse its provisioning job.".into(),
                    ),
                    None => item(
                        Step::ProvisioningJob,
                        PlanAction::Create,
                        "Create its provisioning job.".into(),
                    ),
                }
                let saved = record.secrets_saved.is_some();
                item(
                    Step::Connection,
                    if saved {
                        PlanAction::Nothing
                    } else {
                        PlanAction::Create
                    },
                    if saved {
                        "The connection was saved earlier (it is tested again when applying)."
                            .into()
                    } else {
                        "Test the connection to Scaleway, then save the Tenant URL and token."
                            .into()
                    },
                );
                match &job {
                    Some(job) => {
                        let state = JobState {
                            id: job.id.clone(),
                            created_now: false,
                        };
                        let draft = ctx.draft_mappings(app, &state).await?;
                        mapping_changes = draft.changes();
                        if mapping_changes.is_empty() {
                            item(
                                Step::Mappings,
                                PlanAction::Nothing,
                                "The mappings are already as Scaleway's guide wants.".into(),
                            );
                        } else {
                            item(
                                Step::Mappings,
                                PlanAction::Update,
                                format!("Edit the mappings: {}.", changes_sentence(&draft)),
                            );
                        }
                        let running = job.schedule.as_ref().and_then(|s| s.state.as_deref())
                            == Some("Active")
                            && !job.is_quarantined();
                        if running {
                            item(
                                Step::Start,
                                PlanAction::Nothing,
                                "Provisioning is already running.".into(),
                            );
                        } else {
                            item(
                                Step::Start,
                                PlanAction::Update,
                                "Start provisioning.".into(),
                            );
                        }
                    }
                    None => {
                        item(
                            Step::Mappings,
                            PlanAction::AfterEarlierSteps,
                            "Edit the mappings as Scaleway's guide says.".into(),
                        );
                        item(
                            Step::Start,
                            PlanAction::Create,
                            "Start provisioning.".into(),
                        );
                    }
                }
                if !principals.is_empty() {
                    let existing = ctx.graph().list_assignments(sp).await?;
                    for principal in &principals {
                        let assigned = existing
                            .iter()
                            .any(|a| a.principal_id.eq_ignore_ascii_case(&principal.id));
                        item(
                            Step::Assignments,
                            if assigned {
                                PlanAction::Nothing
                            } else {
                                PlanAction::Create
                            },
                            if assigned {
                                format!("{} is already assigned.", principal_label(principal))
                            } else {
                                format!(
                                    "Assign {} {}.",
                                    principal.kind.to_ascii_lowercase(),
                                    principal_label(principal)
                                )
                            },
                        );
                    }
                }
            }
        }
        if self.options.prove {
            item(Step::Proof, PlanAction::Nothing, "Provision one assigned user and check it arrives in Scaleway (reads only, apart from that user).".into());
        }
        let up_to_date = items
            .iter()
            .all(|i| matches!(i.action, PlanAction::Nothing | PlanAction::Reuse));
        Ok(SetupPlan {
            items,
            mapping_changes,
            up_to_date,
        })
    }

    /// What exists and what the wizard created, from the journal (no network, no secret): the
    /// exportable report, with links to both consoles.
    pub fn summary(&self) -> Result<SetupSummary, SetupError> {
        let journal = self.journal.load()?;
        let retention = journal.as_ref().map(Journal::retention).unwrap_or_default();
        let scaleway = journal
            .as_ref()
            .and_then(|j| j.scaleway.clone())
            .unwrap_or_default();
        let entra = journal.and_then(|j| j.entra).unwrap_or_default();
        let portal = self.entra.portal_url();
        let app = entra.app.as_ref();
        let blade = |page: &str| {
            app.map(|app| {
                format!(
                    "{portal}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/{page}/objectId/{}/appId/{}",
                    app.service_principal_id, app.app_id
                )
            })
        };
        Ok(SetupSummary {
            // Empty when the admin gave a token without its Organization ID.
            organization_id: self.scaleway.journal_organization().to_owned(),
            organization_name: self
                .scaleway
                .organization_name()
                .map(str::to_owned)
                .or_else(|| scaleway.organization_name.clone()),
            scim_id: scaleway.scim_id.clone(),
            scim_enabled_by_wizard: scaleway.scim_enabled_by_us,
            token_id: scaleway.token.as_ref().and_then(|t| t.id.clone()),
            token_expires_at: scaleway.token.as_ref().and_then(|t| t.expires_at),
            base_url: scaleway.base_url.clone(),
            tenant_id: Some(self.entra.tenant_id().to_owned()),
            app_display_name: Some(self.app_name.clone()),
            application_object_id: app.map(|a| a.application_object_id.clone()),
            app_id: app.map(|a| a.app_id.clone()),
            service_principal_id: app.map(|a| a.service_principal_id.clone()),
            app_created_by_wizard: app.is_some_and(|a| a.created_by_us),
            job_id: entra.job.as_ref().map(|j| j.id.clone()),
            tenant_url: entra.secrets_saved.as_ref().map(|s| s.base_address.clone()),
            mappings_applied_at: entra.schema_applied_at,
            assignments: entra
                .assignments
                .iter()
                .map(|a| AssignedPrincipal {
                    principal_id: a.principal_id.clone(),
                    principal_type: a.principal_type.clone(),
                    display_name: a.display_name.clone(),
                    assignment_id: a.assignment_id.clone(),
                    created_by_wizard: a.created_by_us,
                })
                .collect(),
            started_at: entra.started_at,
            proof_username: entra.proof.as_ref().map(|p| p.expected_username.clone()),
            proof_found_in_scaleway: entra.proof.as_ref().map(|p| p.found_in_scaleway),
            scim_token_keychain: scaleway
                .token
                .as_ref()
                .filter(|token| token.in_keychain)
                .zip(self.scaleway.vault())
                .map(|(_, vault)| KeychainEntry {
                    service: vault.service().to_owned(),
                    account: self.scaleway.token_account(),
                }),
            credential_retention: retention,
            links: ConsoleLinks {
                entra_app: blade("Overview"),
                entra_provisioning: blade("Provisioning"),
                scaleway_iam_users: SCALEWAY_CONSOLE_IAM_USERS.to_owned(),
                scaleway_security: SCALEWAY_CONSOLE_SECURITY.to_owned(),
            },
        })
    }
}

fn principal_label(principal: &ResolvedPrincipal) -> String {
    principal
        .user_principal_name
        .clone()
        .or_else(|| principal.display_name.clone())
        .unwrap_or_else(|| principal.id.clone())
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

    #[test]
    fn expected_username_follows_the_mapping() {
        let local = MappingOptions::default();
        assert_eq!(
            expected_username("jane.doe@contoso.com", &local),
            "jane.doe"
        );
        let full = MappingOptions {
            keep_full_upn: true,
            ..MappingOptions::default()
        };
        assert_eq!(
            expected_username("jane.doe@contoso.com", &full),
            "jane.doe@contoso.com"
        );
    }

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
