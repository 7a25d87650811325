//! The setup engine: one object the desktop app and the CLI both drive. Each step lives in its
//! own module under `steps/` (observe, decide, run); this file only schedules them.
//!
//! - [`SetupEngine::plan`] is observe + decide for every step: what would change, writing
//!   nothing.
//! - [`SetupEngine::apply_all`] runs every step with the fewest sequential round trips, and
//!   resumes an interrupted run from the journal without creating anything twice.
//! - The same steps one by one for the desktop wizard (one decision per screen), each in its
//!   step's module: `ensure_scim`, `ensure_app`, `ensure_job`, `test_connection`,
//!   `save_connection`, `preview_mappings`, `apply_mappings`, `search_people`, `assign`,
//!   `start_and_verify`.
//! - Maintenance (`maintenance.rs`): `status`, `plan_rollback` / `rollback`, `rotate_token`;
//!   `summary` (`summary.rs`).
//!
//! # Round trips of `apply_all`
//!
//! Counted from "both signed in" (a connected Scaleway side and an [`EntraSession`]) to the
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
//! the admin made in the console. With a token only, step 1 is already done: round trip 1
//! checks the token against its Base URL instead of enabling SCIM, no token is minted, steps
//! 2–4 run exactly as above, and the proof finds the user over SCIM with the token instead of
//! the IAM users API.

use std::future::Future;
use std::sync::Arc;

use scim_wizard_entra::auth::PreflightReport;
use tokio::sync::oneshot;

use crate::entra_step::EntraSession;
use crate::failure::SetupError;
use crate::journal::{EntraRecord, JournalStore, check_organization, check_tenant};
use crate::messages::ProgressMessage;
use crate::progress::{CancellationToken, NoProgress, ProgressSink, Reporter, Step};
use crate::report::{AppOutcome, ApplyReport, AssignmentOutcome, MappingChange, ProofReport};
use crate::scaleway_step::{MintOutcome, ScalewaySide};
use crate::steps::connection::ConnectionInputs;
use crate::steps::proof::UserLookup;
use crate::steps::{
    AppState, EntraCtx, app, assignments, first_failure, impact, job, proof,
    scaleway as scaleway_steps, start,
};

pub use crate::options::{GroupsChoice, SetupOptions};
pub use crate::steps::app::{APP_NAME_PREFIX, app_display_name, app_display_name_for_base_url};
pub use crate::steps::proof::expected_username;
pub use crate::summary::{SCALEWAY_CONSOLE_IAM_USERS, SCALEWAY_CONSOLE_SECURITY};

/// The engine. Owns both signed-in sessions; every step goes through it.
pub struct SetupEngine {
    pub(crate) scaleway: ScalewaySide,
    pub(crate) entra: EntraSession,
    pub(crate) journal: JournalStore,
    pub(crate) options: SetupOptions,
    pub(crate) app_name: String,
    pub(crate) progress: Arc<dyn ProgressSink>,
    /// What the impact read last, so that asking again a moment later reads nothing twice.
    pub(crate) impact_reads: impact::ImpactReads,
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

impl SetupEngine {
    /// Builds the engine over both sessions: a key session or a token-only one (a token and
    /// Base URL made by hand), and the Entra sign-in. The journal (the Scaleway side's) is
    /// refused when it belongs to another Organization or tenant.
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
            impact_reads: impact::ImpactReads::default(),
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

    /// The preflight report as it is (the sign-in screen shows what is missing).
    pub async fn preflight(&self) -> Result<PreflightReport, SetupError> {
        self.entra.preflight().await
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
            impact_reads,
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
        // One read serves the tenant gate, the given-token check and the preflight's look-up
        // decision: nothing writes the journal before the branches below start.
        let loaded = journal.load()?;
        let entra_before = loaded.as_ref().and_then(|journal| journal.entra.clone());
        app::require_confirmed_tenant(options, entra, entra_before.as_ref())?;
        // Step 1 is already done when the admin gave the token (always with a token-only side):
        // nothing to enable or mint, only the token to check. Read locally (journal, keychain).
        let given = scaleway.given_token(loaded.as_ref()).await?;

        // Round trip 1: the preflight gate, with the reads that decide what to create (our app
        // by name, the people to assign); Scaleway's enable needs no Entra permission (or, with
        // a given token, its check against the Base URL).
        let look_up = entra_before
            .as_ref()
            .is_none_or(|entra| entra.app.is_none() && entra.instantiate_started_at.is_none());
        // Scaleway's users are read now, beside the rest, for the collision check made before
        // anyone is assigned (only when someone is to be, and not if the impact was just read).
        let users_reader = if options.principals.is_empty() {
            None
        } else {
            Some(impact::UsersReader::of(scaleway).await?)
        };
        let (gate, enabled, scaleway_users) = tokio::join!(
            r.step(
                Step::Preflight,
                ProgressMessage::CheckingPermissions,
                async {
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
            scaleway_steps::check_scim(r, scaleway, given.as_ref()),
            async {
                match &users_reader {
                    Some(reader) => impact_reads.scaleway_users(reader).await.map(Some),
                    None => Ok(None),
                }
            },
        );
        let (report, prefetched, principals, scaleway_users) = match (gate, enabled, scaleway_users)
        {
            (Ok(gate), Ok(enabled_now), Ok(users)) => {
                scaleway_steps::scim_checked(r, enabled_now);
                (gate.0, gate.1, gate.2, users.unwrap_or_default())
            }
            (gate, enabled, users) => {
                return Err(first_failure(
                    [gate.err(), enabled.err(), users.err()]
                        .into_iter()
                        .flatten(),
                ));
            }
        };
        r.finished(Step::Preflight, ProgressMessage::permissions_ok(&report));

        // Round trips 2–3: the Scaleway token (then its Base URL check) alongside the Entra app
        // (then its job); assignments start as soon as the app exists.
        let (app_tx, app_rx) = oneshot::channel::<AppState>();
        let scaleway_branch = stop_all_on_error(
            r,
            scaleway_steps::ready_token(r, scaleway, given, options.keychain),
        );
        let entra_branch = stop_all_on_error(r, async {
            let app = r
                .step(
                    Step::EntraApp,
                    ProgressMessage::CreatingApp {
                        name: ctx.app_name.to_owned(),
                    },
                    ctx.ensure_app(prefetched),
                )
                .await?;
            r.finished(Step::EntraApp, app::finished_message(ctx.app_name, &app));
            // The receiver is gone only if the assignments branch ended: nothing to tell.
            let _ = app_tx.send(app.clone());
            let job = r
                .step(
                    Step::ProvisioningJob,
                    ProgressMessage::CreatingJob,
                    ctx.ensure_job(&app),
                )
                .await?;
            r.finished(Step::ProvisioningJob, job::finished_message(&job));
            Ok((app, job))
        });
        let assignments_branch = async {
            if principals.is_empty() {
                if app_rx.await.is_err() {
                    return Err(SetupError::Cancelled);
                }
                r.skipped(Step::Assignments, ProgressMessage::NoOneToAssign);
                return Ok(Vec::new());
            }
            // Who is in scope and Scaleway's users are read while the app is being made: a
            // collision stops the setup before anyone is assigned.
            let (app, checked) = tokio::join!(
                app_rx,
                stop_all_on_error(
                    r,
                    impact::refuse_collisions(
                        impact_reads,
                        ctx.graph(),
                        &scaleway_users,
                        &principals,
                        &options.mapping
                    )
                )
            );
            checked?;
            let Ok(app) = app else {
                return Err(SetupError::Cancelled);
            };
            stop_all_on_error(r, async {
                let outcomes = r
                    .step(
                        Step::Assignments,
                        ProgressMessage::Assigning,
                        ctx.ensure_assignments(&app, &principals),
                    )
                    .await?;
                r.finished(Step::Assignments, assignments::finished_message(&outcomes));
                Ok(outcomes)
            })
            .await
        };

        // Round trips 4–6: the connection chain (test → save → test saved) and the mappings
        // chain (read + parse → write → read back) side by side; the schema is written only
        // once Test connection passed, so a refused token leaves Entra untouched.
        let main = async {
            let (scaleway_side, entra_side) = tokio::join!(scaleway_branch, entra_branch);
            let ((ready, side), (app, job)) = match (scaleway_side, entra_side) {
                (Ok(s), Ok(e)) => (s, e),
                (s, e) => return Err(first_failure([s.err(), e.err()].into_iter().flatten())),
            };
            let inputs = ConnectionInputs {
                tenant_url: ctx.tenant_url(&ready.base_url),
                base_url: scim_wizard_scaleway::validate::base_url(&ready.base_url)?,
                token: ready.token,
                token_id: ready.token_id,
            };
            let (tested_tx, tested_rx) = oneshot::channel::<()>();
            let connection_chain =
                stop_all_on_error(r, ctx.connect_in_apply(&app, &job, &inputs, tested_tx));
            let mappings_chain = stop_all_on_error(
                r,
                ctx.mappings_once_tested(side, &inputs, &app, &job, tested_rx),
            );
            let (connection, mappings) = tokio::join!(connection_chain, mappings_chain);
            match (connection, mappings) {
                (Ok(saved_now), Ok((changes, schema, groups))) => {
                    Ok((ready.mint, app, job, saved_now, changes, schema, groups))
                }
                (c, m) => Err(first_failure([c.err(), m.err()].into_iter().flatten())),
            }
        };
        let (main, assigned) = tokio::join!(main, assignments_branch);
        let ((mint, app, job, connection_saved_now, mapping_changes, schema, groups), assignments) =
            match (main, assigned) {
                (Ok(main), Ok(assignments)) => (main, assignments),
                (m, a) => return Err(first_failure([m.err(), a.err()].into_iter().flatten())),
            };

        // Round trip 7: start, once the mappings read back right and the people are assigned.
        let started_now = r
            .step(
                Step::Start,
                ProgressMessage::Starting,
                ctx.ensure_started(&app, &job),
            )
            .await?;
        if started_now {
            r.finished(Step::Start, start::finished(true));
        } else {
            r.skipped(Step::Start, start::finished(false));
        }

        let proof = if ctx.options.prove {
            let lookup = UserLookup::for_side(scaleway);
            let proven_before = ctx
                .load()?
                .and_then(|entra| entra.proof)
                .filter(|proof| proof.found_in_scaleway);
            Some(match proven_before {
                // A second run only re-reads: no user is provisioned again.
                Some(before) if !started_now => {
                    proof::recheck(&ctx, &lookup, &app, &job, &schema, before, groups).await?
                }
                _ => proof::prove(&ctx, &lookup, &app, &job, Some(&schema), groups).await?,
            })
        } else {
            r.skipped(Step::Proof, ProgressMessage::ProofTurnedOff);
            None
        };
        Ok(Applied {
            token: mint,
            app: app::outcome(ctx.app_name, &app),
            job_id: job.id.clone(),
            job_created: job.created_now,
            connection_saved_now,
            mapping_changes,
            assignments,
            started_now,
            proof,
        })
    }
}

/// Runs one branch of `apply_all`; when it fails, the other branches stop at their next
/// boundary (the error that is reported is this one, see [`first_failure`]).
async fn stop_all_on_error<T>(
    r: &Reporter,
    work: impl Future<Output = Result<T, SetupError>>,
) -> Result<T, SetupError> {
    let result = work.await;
    if result.is_err() {
        r.cancel_token().cancel();
    }
    result
}

/// What `apply_all_with` did; `apply_all` adds the summary.
struct Applied {
    token: Option<MintOutcome>,
    app: AppOutcome,
    job_id: String,
    job_created: bool,
    connection_saved_now: bool,
    mapping_changes: Vec<MappingChange>,
    assignments: Vec<AssignmentOutcome>,
    started_now: bool,
    proof: Option<ProofReport>,
}
