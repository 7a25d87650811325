//! A provisioning cycle: what is in scope, running it over HTTP without holding the Graph lock,
//! and recording the result on the job (status, quarantine, logs).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::documents::{Source, group_source, user_source};
use super::object::{Fatal, Outcome, provision_object};
use super::{
    CYCLE_DELAY, Exported, INVALID_TENANT_URL, QUARANTINE_ERROR_CODE, QUARANTINE_REASON, Session,
    Target, client, sync_all,
};
use crate::App;
use crate::core::clock::timestamp;
use crate::graph::GraphState;
use crate::graph::schema::{self, ObjectMapping};
use crate::graph::sync::{Job, Schedule};

/// What a run needs, copied out of the Graph state so no lock is held across HTTP calls.
pub(super) struct Plan {
    pub(super) job_id: String,
    pub(super) sp_id: String,
    pub(super) sp_name: String,
    pub(super) mappings: Vec<ObjectMapping>,
    pub(super) base_address: Option<String>,
    pub(super) token: Option<String>,
    pub(super) users: Vec<Source>,
    pub(super) groups: Vec<Source>,
    /// Source ids in scope.
    pub(super) in_scope: BTreeSet<String>,
    pub(super) exported: BTreeMap<String, Exported>,
    pub(super) run: u64,
}

pub(super) fn plan(app: &App, graph: &mut GraphState, job: &Job) -> Plan {
    let tenant = app.tenant();
    let sp_name = graph
        .service_principals
        .iter()
        .find(|sp| sp.id == job.sp_id)
        .map(|sp| sp.display_name.clone())
        .unwrap_or_default();
    let assignments: Vec<_> = graph
        .assignments
        .iter()
        .filter(|assignment| assignment.resource_id == job.sp_id)
        .cloned()
        .collect();
    let role_name = |id: &str| {
        if id == crate::graph::apps::APP_ROLE_MSIAM_ACCESS {
            "msiam_access"
        } else {
            "User"
        }
    };
    let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    for assignment in &assignments {
        let role = role_name(&assignment.app_role_id).to_string();
        assigned.insert(assignment.principal_id.clone());
        if assignment.principal_type == "Group" {
            if let Some(group) = tenant
                .groups
                .iter()
                .find(|group| group.id == assignment.principal_id)
            {
                for member in &group.members {
                    roles.entry(member.clone()).or_default().push(role.clone());
                    assigned.insert(member.clone());
                }
            }
        } else {
            roles
                .entry(assignment.principal_id.clone())
                .or_default()
                .push(role);
        }
    }
    let all = sync_all(graph.secret(&job.sp_id, "SyncAll").as_deref());
    let users: Vec<Source> = tenant
        .users
        .iter()
        .map(|user| user_source(user, roles.get(&user.id).cloned().unwrap_or_default()))
        .collect();
    let groups: Vec<Source> = tenant.groups.iter().map(group_source).collect();
    let in_scope = users
        .iter()
        .chain(&groups)
        .filter(|source| all || assigned.contains(&source.id))
        .map(|source| source.id.clone())
        .collect();
    let run = u64::try_from(graph.journal.runs.len()).unwrap_or(u64::MAX) + 1;
    Plan {
        job_id: job.id.clone(),
        sp_id: job.sp_id.clone(),
        sp_name,
        mappings: schema::object_mappings(&job.schema).unwrap_or_default(),
        base_address: graph.secret(&job.sp_id, "BaseAddress"),
        token: graph.secret(&job.sp_id, "SecretToken"),
        users,
        groups,
        in_scope,
        exported: job.exported.clone(),
        run,
    }
}

pub(super) fn log_entry(
    plan: &Plan,
    outcome: &Outcome,
    now: DateTime<Utc>,
    on_demand: bool,
) -> Value {
    let error = outcome.error.as_ref().map(|(code, message)| {
        json!({"errorCode": code, "reason": message, "additionalDetails": null,
               "errorCategory": "NonServiceFailure", "recommendedAction": null})
    });
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "activityDateTime": timestamp(now),
        "changeId": uuid::Uuid::new_v4().to_string(),
        "cycleId": format!("{}-{}", plan.job_id, plan.run),
        "durationInMilliseconds": 0,
        "jobId": plan.job_id,
        "provisioningAction": outcome.action,
        "provisioningStatusInfo": {"status": outcome.status, "errorInformation": error},
        "provisioningSteps": [],
        "modifiedProperties": outcome.modified,
        "servicePrincipal": {"id": plan.sp_id, "displayName": plan.sp_name},
        "sourceIdentity": {"id": outcome.source.id, "displayName": outcome.source.name,
                           "identityType": outcome.source.type_name, "details": {}},
        "sourceSystem": {"id": null, "displayName": "Azure Active Directory", "details": {}},
        "targetIdentity": {"id": outcome.target_id, "displayName": outcome.source.name,
                           "identityType": outcome.target_object, "details": {}},
        "targetSystem": {"id": null, "displayName": "customappsso", "details": {}},
        "initiatedBy": {"id": "", "displayName": if on_demand { "Provision on demand" } else { "Azure AD Provisioning Service" },
                        "initiatorType": "system"},
    })
}

pub(super) struct RunResult {
    pub(super) outcomes: Vec<Outcome>,
    pub(super) fatal: Option<Fatal>,
    pub(super) exchanges: Vec<Value>,
}

/// Processes `subjects` (all in-scope objects for a cycle) with the enabled mappings; on demand
/// (`add_only_members`), a group's members are only added.
pub(super) async fn execute(
    app: &App,
    plan: &Plan,
    origin: &'static str,
    subjects: &[(ObjectMapping, Source)],
    add_only_members: bool,
) -> RunResult {
    let missing = || Fatal {
        message: INVALID_TENANT_URL.to_string(),
    };
    let target = match (&plan.base_address, &plan.token) {
        (Some(base), Some(token)) => Target::new(base, token),
        _ => None,
    };
    let (Some(target), Ok(client)) = (target, client(app)) else {
        return RunResult {
            outcomes: Vec::new(),
            fatal: Some(missing()),
            exchanges: Vec::new(),
        };
    };
    let mut session = Session {
        client,
        target,
        origin,
        job_id: Some(plan.job_id.clone()),
        sp_id: plan.sp_id.clone(),
        run: plan.run,
        exchanges: Vec::new(),
        now: app.now(),
    };
    let mut exported = plan.exported.clone();
    let mut outcomes = Vec::new();
    let mut fatal = None;
    for (mapping, source) in subjects {
        let ids: BTreeMap<String, String> = exported
            .iter()
            .map(|(id, record)| (id.clone(), record.target_id.clone()))
            .collect();
        match provision_object(
            &mut session,
            mapping,
            source,
            exported.get(&source.id),
            &ids,
            add_only_members,
        )
        .await
        {
            Ok(outcome) => {
                if let Some(record) = &outcome.exported {
                    exported.insert(source.id.clone(), record.clone());
                }
                outcomes.push(outcome);
            }
            Err(error) => {
                fatal = Some(error);
                break;
            }
        }
    }
    RunResult {
        outcomes,
        fatal,
        exchanges: session.exchanges,
    }
}

/// Schedules a cycle of `job_id` after [`CYCLE_DELAY`], if `generation` is still current then.
pub(crate) fn schedule_cycle(app: &Arc<App>, job_id: String, generation: u64) {
    let app = Arc::clone(app);
    tokio::spawn(async move {
        tokio::time::sleep(CYCLE_DELAY).await;
        run_cycle(&app, &job_id, Some(generation)).await;
    });
}

/// Runs one provisioning cycle now. With `generation`, only if the job is still active at that
/// generation (a pause, restart or newer start cancels it). Returns the run summary.
pub(crate) async fn run_cycle(
    app: &Arc<App>,
    job_id: &str,
    generation: Option<u64>,
) -> Option<Value> {
    let lock = Arc::clone(&app.graph().provisioning_lock);
    let _serialised = lock.lock().await;
    let plan = {
        let mut graph = app.graph();
        let job = graph.jobs.iter().find(|job| job.id == job_id)?.clone();
        if let Some(generation) = generation
            && (job.generation != generation || job.schedule != Schedule::Active)
        {
            return None;
        }
        plan(app, &mut graph, &job)
    };
    let began = app.now();
    let mut subjects = Vec::new();
    // Users first, so group members can refer to them.
    for kind in ["User", "Group"] {
        for mapping in plan
            .mappings
            .iter()
            .filter(|mapping| mapping.enabled && mapping.source_object.eq_ignore_ascii_case(kind))
        {
            let sources = if kind == "User" {
                &plan.users
            } else {
                &plan.groups
            };
            for source in sources
                .iter()
                .filter(|source| plan.in_scope.contains(&source.id))
            {
                subjects.push((mapping.clone(), source.clone()));
            }
        }
    }
    let result = execute(app, &plan, "cycle", &subjects, false).await;
    let ended = app.now();
    Some(record_cycle(
        app,
        &plan,
        subjects.len(),
        result,
        began,
        ended,
    ))
}

fn record_cycle(
    app: &App,
    plan: &Plan,
    entitled: usize,
    result: RunResult,
    began: DateTime<Utc>,
    ended: DateTime<Utc>,
) -> Value {
    let failures = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.status == "failure")
        .count();
    let exported = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.export_attempted && outcome.status == "success")
        .count();
    let exports = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.export_attempted)
        .count();
    let state = if result.fatal.is_some() {
        "Failed"
    } else if failures > 0 {
        "EntryLevelErrors"
    } else {
        "Succeeded"
    };
    let error = result.fatal.as_ref().map(|fatal| {
        json!({"code": QUARANTINE_ERROR_CODE, "message": fatal.message, "tenantActionable": true})
    });
    let execution = json!({
        "activityIdentifier": uuid::Uuid::new_v4().to_string(),
        "countEntitled": entitled,
        "countEntitledForProvisioning": entitled,
        "countEscrowed": failures,
        "countEscrowedRaw": failures,
        "countExported": exported,
        "countExports": exports,
        "countImported": entitled,
        "countImportedDeltas": entitled,
        "countImportedReferenceDeltas": 0,
        "state": state,
        "timeBegan": timestamp(began),
        "timeEnded": timestamp(ended),
        "error": error,
    });
    let mut graph = app.graph();
    graph.journal.exchanges.extend(result.exchanges);
    let logs: Vec<Value> = result
        .outcomes
        .iter()
        .filter(|outcome| outcome.status != "skipped")
        .map(|outcome| log_entry(plan, outcome, ended, false))
        .collect();
    graph.journal.logs.extend(logs);
    let summary = json!({"jobId": plan.job_id, "run": plan.run, "trigger": "cycle",
                         "lastExecution": execution, "quarantined": result.fatal.is_some()});
    graph.journal.runs.push(summary.clone());
    if let Some(job) = graph.jobs.iter_mut().find(|job| job.id == plan.job_id) {
        for outcome in &result.outcomes {
            if let Some(record) = &outcome.exported {
                job.exported
                    .insert(outcome.source.id.clone(), record.clone());
            }
        }
        let status = &mut job.status;
        status.completed_cycles += 1;
        status.last_execution = Some(execution.clone());
        if let Some(fatal) = &result.fatal {
            status.quarantine_after(
                ended,
                QUARANTINE_REASON,
                QUARANTINE_ERROR_CODE,
                &fatal.message,
            );
        } else {
            status.successive_failures = 0;
            status.quarantine = None;
            status.last_successful_execution = Some(execution.clone());
            if exported > 0 {
                status.last_successful_with_exports = Some(execution);
            }
            status.steady_first.get_or_insert(ended);
            status.steady_last = Some(ended);
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for mapping in plan.mappings.iter().filter(|mapping| mapping.enabled) {
                let sources = if mapping.source_object.eq_ignore_ascii_case("Group") {
                    &plan.groups
                } else {
                    &plan.users
                };
                let count = sources
                    .iter()
                    .filter(|source| job.exported.contains_key(&source.id))
                    .count();
                counts.insert(
                    format!("{} to {}", mapping.source_object, mapping.target_object),
                    u64::try_from(count).unwrap_or(u64::MAX),
                );
            }
            status.entry_counts = counts;
        }
    }
    summary
}
