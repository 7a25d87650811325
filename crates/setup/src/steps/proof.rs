//! The proof: one assigned user provisioned on demand (unless the SCIM compatibility option is
//! on: on-demand does not support it, so the first cycle is waited for instead), then found in
//! Scaleway by the username the mapping gives (IAM users API with a key, SCIM with the token
//! alone), with the job's health beside it.
//!
//! - observe: the user to check (the first user assigned directly), and whether an earlier
//!   run proved it already;
//! - decide: prove, re-read an earlier proof, or nothing to check;
//! - run: provision on demand, then read the job and look the user up until both say so.

use chrono::Utc;
use scim_wizard_entra::MappingOptions;
use scim_wizard_entra::schema::{group_rule_id, user_rule_id};
use scim_wizard_scaleway::ScalewayClient;
use serde_json::Value;

use super::{AppState, EntraCtx, JobState, plan_item};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::{AssignmentRecord, EntraRecord, ProofRecord};
use crate::messages::{GroupFinding, GroupProof, PlanMessage, ProgressMessage, ProofFinding};
use crate::progress::{CancellationToken, Step};
use crate::report::{
    JobHealth, PlanAction, PlanItem, ProofChannel, ProofReport, plain_service_message,
};
use crate::scaleway_step::{ScalewaySide, TokenOnlySession};

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

/// How many of a group's members go with it in the group's proof (Graph's provision on demand
/// takes a few members per group: docs/services.md).
const GROUP_PROOF_MEMBERS: usize = 5;

pub(crate) fn plan() -> PlanItem {
    plan_item(Step::Proof, PlanAction::Nothing, PlanMessage::CheckUser)
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

    /// The Scaleway group of this name and its members' ids (the same kind of id as
    /// [`Self::find`] gives: IAM ids with a key, SCIM ids with the token).
    async fn find_group(&self, name: &str) -> Result<Option<(String, Vec<String>)>, SetupError> {
        match self {
            Self::Iam {
                client,
                organization_id,
            } => Ok(client
                .list_groups(organization_id)
                .await?
                .into_iter()
                .find(|group| group.name == name)
                .map(|group| (group.id, group.user_ids))),
            Self::Scim(session) => Ok(session
                .find_group(name)
                .await?
                .map(|group| (group.id, group.member_ids))),
        }
    }

    fn channel(&self) -> ProofChannel {
        match self {
            Self::Iam { .. } => ProofChannel::IamUsersApi,
            Self::Scim(_) => ProofChannel::Scim,
        }
    }
}

/// The report of a finding, with the job's health.
fn report(
    finding: ProofFinding,
    health: JobHealth,
    scaleway_user_id: Option<String>,
    on_demand_result: Option<String>,
) -> ProofReport {
    let (upn, username, channel, with_health) = match &finding {
        ProofFinding::Seen {
            upn,
            username,
            channel,
            cycle_finished,
        } => (
            Some(upn.clone()),
            Some(username.clone()),
            Some(*channel),
            *cycle_finished,
        ),
        ProofFinding::StillThere {
            upn,
            username,
            channel,
        } => (
            Some(upn.clone()),
            Some(username.clone()),
            Some(*channel),
            true,
        ),
        ProofFinding::NoUserToCheck => (None, None, None, false),
    };
    let message = if with_health {
        format!("{} {}", finding.english(), health.english_summary())
    } else {
        finding.english()
    };
    ProofReport {
        verified: finding.verified(),
        user_principal_name: upn,
        expected_username: username,
        scaleway_user_id,
        on_demand_result,
        job: Some(health),
        finding,
        message,
        checked_through: channel,
        group: None,
    }
}

/// The proof (see the module doc). `schema`: the mappings as just read back, when known.
/// `groups`: groups are provisioned, so an assigned group is proven too, after the user.
pub(crate) async fn prove(
    ctx: &EntraCtx<'_>,
    lookup: &UserLookup<'_>,
    app: &AppState,
    job: &JobState,
    schema: Option<&Value>,
    groups: bool,
) -> Result<ProofReport, SetupError> {
    let r = ctx.reporter;
    r.checkpoint()?;
    r.started(Step::Proof, ProgressMessage::CheckingUserArrives);
    let mut result = prove_inner(ctx, lookup, app, job, schema).await;
    if groups
        && let Ok(report) = &mut result
        && report.verified
    {
        match prove_group(ctx, lookup, app, job, schema).await {
            Ok(Some(group)) => {
                r.progress(
                    Step::Proof,
                    ProgressMessage::GroupProof {
                        proof: group.clone(),
                    },
                );
                let recorded = group.clone();
                ctx.update(|entra| {
                    if let Some(proof) = entra.proof.as_mut() {
                        proof.group = Some(recorded);
                    }
                })?;
                report.group = Some(group);
            }
            Ok(None) => {}
            Err(error) => result = Err(error),
        }
    }
    match &result {
        Ok(report) => {
            let said = ProgressMessage::Proof {
                finding: report.finding.clone(),
            };
            if report.verified {
                r.finished(Step::Proof, said);
            } else {
                r.skipped(Step::Proof, said);
            }
        }
        Err(error) => r.failed(Step::Proof, error),
    }
    result
}

/// On a run after a successful proof: read the job and look the user up again (no provisioning).
/// Falls back to the full proof when the user is gone.
pub(crate) async fn recheck(
    ctx: &EntraCtx<'_>,
    lookup: &UserLookup<'_>,
    app: &AppState,
    job: &JobState,
    schema: &Value,
    before: ProofRecord,
    groups: bool,
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
            let finding = ProofFinding::StillThere {
                upn: before.user_principal_name,
                username: before.expected_username,
                channel: lookup.channel(),
            };
            r.skipped(
                Step::Proof,
                ProgressMessage::Proof {
                    finding: finding.clone(),
                },
            );
            let mut rechecked = report(finding, health, Some(user_id), None);
            rechecked.group = before.group;
            Ok(rechecked)
        }
        None => prove(ctx, lookup, app, job, Some(schema), groups).await,
    }
}

/// The proof for a group (groups on, one assigned): provision it on demand with its direct user
/// members (Graph refuses a group without them; at most [`GROUP_PROOF_MEMBERS`]), then find it
/// in Scaleway with one of them in it. `None`: no group is assigned.
async fn prove_group(
    ctx: &EntraCtx<'_>,
    lookup: &UserLookup<'_>,
    app: &AppState,
    job: &JobState,
    schema: Option<&Value>,
) -> Result<Option<GroupProof>, SetupError> {
    let r = ctx.reporter;
    let record = ctx.load()?.unwrap_or_default();
    let Some(group) = record
        .assignments
        .iter()
        .find(|a| a.principal_type.eq_ignore_ascii_case("Group"))
        .cloned()
    else {
        return Ok(None);
    };
    let name = group
        .display_name
        .clone()
        .unwrap_or_else(|| group.principal_id.clone());
    let proof = |member: Option<(&String, &String)>, finding| GroupProof {
        group: name.clone(),
        member_upn: member.map(|(upn, _)| upn.clone()),
        member_username: member.map(|(_, username)| username.clone()),
        finding,
    };
    r.checkpoint()?;
    let members: Vec<_> = ctx
        .graph()
        .group_members(&group.principal_id)
        .await?
        .into_iter()
        .filter(|member| member.is_user() && member.user_principal_name.is_some())
        .take(GROUP_PROOF_MEMBERS)
        .collect();
    let Some(first) = members.first() else {
        return Ok(Some(proof(None, GroupFinding::NoUserMembers)));
    };
    let upn = first.user_principal_name.clone().unwrap_or_default();
    let username = expected_username(&upn, &ctx.options.mapping);
    let member = Some((&upn, &username));
    let sp = &app.record.service_principal_id;
    let client = ctx.client_for(app.record.recorded_at);
    let fetched;
    let schema = match schema {
        Some(schema) => schema,
        None => {
            fetched = client.get_schema(sp, &job.id).await?;
            &fetched
        }
    };
    let rule = group_rule_id(schema).ok_or(SetupError::MappingsNotApplied {
        mismatches: vec!["the schema has no rule for Entra groups".to_owned()],
    })?;
    r.progress(
        Step::Proof,
        ProgressMessage::ProvisioningGroupOnDemand {
            name: name.clone(),
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
        },
    );
    let member_ids: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
    let outcome = client
        .provision_group_on_demand(sp, &job.id, &rule, &group.principal_id, &member_ids)
        .await?;
    if outcome.result.eq_ignore_ascii_case("Failure") {
        let message = outcome
            .error_message
            .as_deref()
            .map(plain_service_message)
            .or(outcome.error_code.clone())
            .unwrap_or_else(|| "no reason was given".to_owned());
        return Ok(Some(proof(
            member,
            GroupFinding::OnDemandFailed { message },
        )));
    }
    // On demand provisions at once; a short wait covers a server that is slower to list.
    let settings = ctx.entra.settings();
    let deadline = tokio::time::Instant::now() + settings.proof_timeout;
    loop {
        r.checkpoint()?;
        let (found, user) = tokio::join!(lookup.find_group(&name), lookup.find(&username));
        let finding = match (found?, user?) {
            (Some((_, ids)), Some(user_id)) if ids.contains(&user_id) => GroupFinding::Arrived,
            (Some(_), _) => GroupFinding::MemberMissing,
            (None, _) => GroupFinding::GroupMissing,
        };
        if finding == GroupFinding::Arrived || tokio::time::Instant::now() >= deadline {
            return Ok(Some(proof(member, finding)));
        }
        r.sleep(settings.poll_interval).await?;
    }
}

/// Who the proof sends and looks for: the first user assigned after the last proof (people
/// added from the home screen are the ones to see arrive), else the first user assigned.
fn proof_subject(record: &EntraRecord) -> Option<AssignmentRecord> {
    let users = || {
        record.assignments.iter().filter(|a| {
            a.principal_type.eq_ignore_ascii_case("User") && a.user_principal_name.is_some()
        })
    };
    let added_since_proof = record
        .proof
        .as_ref()
        .and_then(|proof| users().find(|a| a.recorded_at > proof.checked_at));
    added_since_proof.or_else(|| users().next()).cloned()
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
    let Some(user) = proof_subject(&record) else {
        let current = client.get_job(sp, &job.id).await?;
        return Ok(report(
            ProofFinding::NoUserToCheck,
            JobHealth::from_job(&current),
            None,
            None,
        ));
    };
    let upn = user.user_principal_name.clone().unwrap_or_default();
    let expected = expected_username(&upn, &ctx.options.mapping);
    let on_demand_result = if ctx.options.mapping.scim_compat_flag {
        r.progress(Step::Proof, ProgressMessage::WaitingForFirstCycle);
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
        r.progress(
            Step::Proof,
            ProgressMessage::ProvisioningOnDemand { upn: upn.clone() },
        );
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
            let proof = ProofRecord {
                user_principal_name: upn.clone(),
                expected_username: expected.clone(),
                found_in_scaleway: true,
                scaleway_user_id: Some(found.clone()),
                job_status: Some(health.status_code.clone()),
                checked_at: Utc::now(),
                group: None,
            };
            ctx.update(|entra| entra.proof = Some(proof))?;
            let finding = ProofFinding::Seen {
                upn,
                username: expected,
                channel: lookup.channel(),
                cycle_finished: cycle_done,
            };
            return Ok(report(
                finding,
                health,
                Some(found.clone()),
                on_demand_result,
            ));
        }
        if timed_out {
            let proof = ProofRecord {
                user_principal_name: upn.clone(),
                expected_username: expected.clone(),
                found_in_scaleway: false,
                scaleway_user_id: None,
                job_status: Some(JobHealth::from_job(&current).status_code),
                checked_at: Utc::now(),
                group: None,
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
                ProgressMessage::UserSeenCycleRunning
            } else {
                ProgressMessage::WaitingForUser
            },
        );
        r.sleep(settings.poll_interval).await?;
    }
}

impl SetupEngine {
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
                ProgressMessage::Starting,
                ctx.ensure_started(&app, &job),
            )
            .await?;
        if started {
            r.finished(Step::Start, super::start::finished(true));
        } else {
            r.skipped(Step::Start, super::start::finished(false));
        }
        // What was written decides, not this session's options (a resumed setup starts afresh).
        let written = self
            .journal
            .load()?
            .and_then(|j| j.entra)
            .and_then(|entra| entra.groups_provisioned);
        let groups = match written {
            Some(groups) => groups,
            None => self.mapping().await?.provision_groups,
        };
        let proof = prove(
            &ctx,
            &UserLookup::for_side(&self.scaleway),
            &app,
            &job,
            None,
            groups,
        )
        .await?;
        if proof.verified {
            self.release_credentials().await;
        }
        Ok(proof)
    }

    /// Once the setup is proven (and after each change made to a finished setup): forgets the
    /// Scaleway key and the Microsoft sign-in, unless the admin chose to keep them for later
    /// changes. The SCIM token stays: Entra uses it. A
    /// keychain that fails here does not undo a working setup: it is logged, and Settings'
    /// "Forget saved sign-ins and keys" (or `scim-wizard-cli forget`) remains.
    pub async fn release_credentials(&self) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proof_looks_for_the_first_person_added_since_the_last_proof() {
        let at = |minutes: i64| chrono::Utc::now() + chrono::Duration::minutes(minutes);
        let user = |upn: &str, recorded: i64| AssignmentRecord {
            principal_id: upn.to_owned(),
            principal_type: "User".to_owned(),
            display_name: None,
            user_principal_name: Some(upn.to_owned()),
            assignment_id: format!("a-{upn}"),
            created_by_us: true,
            recorded_at: at(recorded),
        };
        let mut record = EntraRecord {
            assignments: vec![user("adele@contoso.com", 0), user("ines@contoso.com", 0)],
            ..EntraRecord::default()
        };
        let upn = |record: &EntraRecord| proof_subject(record).and_then(|a| a.user_principal_name);
        assert_eq!(upn(&record).as_deref(), Some("adele@contoso.com"));
        record.proof = Some(ProofRecord {
            checked_at: at(1),
            ..serde_json::from_value(serde_json::json!({
                "user_principal_name": "adele@contoso.com",
                "expected_username": "adele",
                "found_in_scaleway": true,
                "checked_at": at(1),
            }))
            .unwrap()
        });
        // Proven, nobody added since: the first user again (Check again).
        assert_eq!(upn(&record).as_deref(), Some("adele@contoso.com"));
        record.assignments.push(user("megan@contoso.com", 2));
        record.assignments.push(user("alex@contoso.com", 3));
        assert_eq!(upn(&record).as_deref(), Some("megan@contoso.com"));
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
}
