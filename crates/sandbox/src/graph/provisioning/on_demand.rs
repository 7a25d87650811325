//! provisionOnDemand: provisions the chosen subjects now and answers Entra's step report.

use std::sync::Arc;

use serde_json::{Value, json};

use super::cycle::{execute, log_entry, plan};
use super::documents::Source;
use super::{
    LINKED_NON_MEMBERS_ARE_IGNORED, ON_DEMAND_GROUP_MEMBER_LIMIT, QUARANTINE_ERROR_CODE,
    group_without_members, too_many_group_members,
};
use crate::App;
use crate::graph::expressions::Val;
use crate::graph::respond::GraphError;

/// One subject of a provisionOnDemand call, validated by the route.
#[derive(Debug, Clone)]
pub(crate) struct OnDemandSubject {
    pub(crate) rule_id: String,
    pub(crate) object_id: String,
    pub(crate) type_name: String,
    /// The user ids of `links.members` (for a group), in order; `None` without `links.members`.
    pub(crate) members: Option<Vec<String>>,
}

fn on_demand_step(name: &str, kind: &str, status: &str, description: String) -> Value {
    json!({"name": name, "provisioningStepType": kind, "status": status,
           "description": description, "timestamp": null, "details": {}})
}

/// provisionOnDemand: provisions the subjects now; answers the `key`/`value` strings.
pub(crate) async fn provision_on_demand(
    app: &Arc<App>,
    job_id: &str,
    subjects: &[OnDemandSubject],
) -> Result<(String, String), GraphError> {
    let lock = Arc::clone(&app.graph().provisioning_lock);
    let _serialised = lock.lock().await;
    let plan = {
        let mut graph = app.graph();
        let job = graph
            .jobs
            .iter()
            .find(|job| job.id == job_id)
            .cloned()
            .ok_or_else(|| GraphError::resource_not_found(job_id))?;
        plan(app, &mut graph, &job)
    };
    let mut work: Vec<(crate::graph::schema::ObjectMapping, Source)> = Vec::new();
    let mut skipped: Vec<(Source, String, String, String)> = Vec::new();
    let mut refused: Vec<(Source, String, String, String)> = Vec::new();
    for subject in subjects {
        let source = plan
            .users
            .iter()
            .chain(&plan.groups)
            .find(|source| source.id == subject.object_id)
            .cloned()
            .ok_or_else(|| GraphError::resource_not_found(&subject.object_id))?;
        let mapping = plan.mappings.iter().find(|mapping| {
            mapping.rule_id == subject.rule_id
                && mapping
                    .source_object
                    .eq_ignore_ascii_case(&subject.type_name)
        });
        match mapping {
            Some(mapping) if !mapping.enabled => skipped.push((
                source,
                mapping.target_object.clone(),
                "ObjectMappingDisabled".to_string(),
                format!("The object mapping '{}' is disabled.", mapping.name),
            )),
            None => skipped.push((
                source,
                String::new(),
                "ObjectTypeNotMapped".to_string(),
                format!("The rule '{}' has no mapping for the object type '{}'.", subject.rule_id, subject.type_name),
            )),
            // UNVERIFIED: the skip reason Entra reports for an unassigned user.
            Some(mapping) if !plan.in_scope.contains(&source.id) => skipped.push((
                source,
                mapping.target_object.clone(),
                "NotEffectivelyEntitled".to_string(),
                "The object is not in scope: it is not assigned to the application, directly or through a group, and the scope is 'Sync only assigned users and groups'.".to_string(),
            )),
            Some(mapping) if source.type_name == "Group" => {
                let linked = subject.members.as_deref().unwrap_or_default();
                if linked.is_empty() {
                    let (code, message) = group_without_members(&source.name);
                    refused.push((source, mapping.target_object.clone(), code, message));
                    continue;
                }
                if linked.len() > ON_DEMAND_GROUP_MEMBER_LIMIT {
                    let (code, message) = too_many_group_members(&source.name, linked.len());
                    refused.push((source, mapping.target_object.clone(), code, message));
                    continue;
                }
                let direct = match source.attributes.get("members") {
                    Some(value) => value.values(),
                    None => Vec::new(),
                };
                let chosen: Vec<String> = linked
                    .iter()
                    .filter(|id| !LINKED_NON_MEMBERS_ARE_IGNORED || direct.contains(id))
                    .cloned()
                    .collect();
                // The members first, as users (with the rule's user mapping, if enabled).
                let user_mapping = plan.mappings.iter().find(|candidate| {
                    candidate.enabled
                        && candidate.rule_id == subject.rule_id
                        && candidate.source_object.eq_ignore_ascii_case("User")
                });
                if let Some(user_mapping) = user_mapping {
                    for member in plan.users.iter().filter(|user| chosen.contains(&user.id)) {
                        if !work.iter().any(|(_, queued)| queued.id == member.id) {
                            work.push((user_mapping.clone(), member.clone()));
                        }
                    }
                }
                // Then the group, with only the chosen members (added, never removed).
                let mut group = source;
                group
                    .attributes
                    .insert("members".to_string(), Val::Many(chosen));
                work.push((mapping.clone(), group));
            }
            Some(mapping) => work.push((mapping.clone(), source)),
        }
    }
    let result = execute(app, &plan, "on_demand", &work, true).await;
    let now = app.now();
    {
        let mut graph = app.graph();
        graph.journal.exchanges.extend(result.exchanges.clone());
        let logs: Vec<Value> = result
            .outcomes
            .iter()
            .map(|outcome| log_entry(&plan, outcome, now, true))
            .collect();
        graph.journal.logs.extend(logs);
        graph.journal.runs.push(json!({"jobId": plan.job_id, "run": plan.run, "trigger": "on_demand",
                                       "subjects": subjects.len(), "fatal": result.fatal.as_ref().map(|fatal| fatal.message.clone())}));
        if let Some(job) = graph.jobs.iter_mut().find(|job| job.id == plan.job_id) {
            for outcome in &result.outcomes {
                if let Some(record) = &outcome.exported {
                    job.exported
                        .insert(outcome.source.id.clone(), record.clone());
                }
            }
        }
    }
    // Describe the first subject, as the portal's single-user view does (for a group: the
    // group, not the members provisioned with it).
    let requested = subjects.first().map(|subject| subject.object_id.as_str());
    let described = result
        .outcomes
        .iter()
        .find(|outcome| Some(outcome.source.id.as_str()) == requested)
        .or_else(|| result.outcomes.first());
    let (result_name, details, steps, modified, source, target_object, target_id) =
        if let Some((source, target_object, code, message)) = refused.first() {
            (
                "Failure",
                json!({"errorCode": code, "errorMessage": message}),
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!("Retrieved {} from Azure Active Directory", source.name),
                    ),
                    on_demand_step(
                        "EntrySynchronizationScoping",
                        "Scoping",
                        "Success",
                        "The object is in scope.".to_string(),
                    ),
                    on_demand_step("EntryExport", "Export", "Failure", message.clone()),
                ],
                Vec::new(),
                source.clone(),
                target_object.clone(),
                None,
            )
        } else if let Some((source, target_object, code, message)) = skipped.first() {
            (
                "Skipped",
                json!({"errorCode": code, "errorMessage": message}),
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!("Retrieved {} from Azure Active Directory", source.name),
                    ),
                    on_demand_step(
                        "EntrySynchronizationScoping",
                        "Scoping",
                        "Skipped",
                        message.clone(),
                    ),
                ],
                Vec::new(),
                source.clone(),
                target_object.clone(),
                None,
            )
        } else if let Some(fatal) = &result.fatal {
            let source = work.first().map(|(_, source)| source.clone());
            let Some(source) = source else {
                return Err(GraphError::bad_request(
                    "BadRequest",
                    "No subject to provision.",
                ));
            };
            (
                "Failure",
                json!({"errorCode": QUARANTINE_ERROR_CODE, "errorMessage": fatal.message}),
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!("Retrieved {} from Azure Active Directory", source.name),
                    ),
                    on_demand_step("EntryExport", "Export", "Failure", fatal.message.clone()),
                ],
                Vec::new(),
                source,
                work.first()
                    .map(|(mapping, _)| mapping.target_object.clone())
                    .unwrap_or_default(),
                None,
            )
        } else if let Some(outcome) = described {
            let (name, details) = match &outcome.error {
                Some((code, message)) => (
                    "Failure",
                    json!({"errorCode": code, "errorMessage": message}),
                ),
                None => ("Success", json!({})),
            };
            let export_step = match outcome.action {
                "create" => "EntryExportAdd",
                "update" => "EntryExportUpdate",
                _ => "EntryExport",
            };
            (
                name,
                details,
                vec![
                    on_demand_step(
                        "EntryImport",
                        "Import",
                        "Success",
                        format!(
                            "Retrieved {} from Azure Active Directory",
                            outcome.source.name
                        ),
                    ),
                    on_demand_step(
                        "EntrySynchronizationScoping",
                        "Scoping",
                        "Success",
                        "The object is in scope.".to_string(),
                    ),
                    on_demand_step(
                        export_step,
                        "Export",
                        if outcome.error.is_some() {
                            "Failure"
                        } else {
                            "Success"
                        },
                        outcome.error.as_ref().map_or_else(
                            || {
                                format!(
                                    "{} {} in customappsso",
                                    outcome.action, outcome.source.name
                                )
                            },
                            |(_, message)| message.clone(),
                        ),
                    ),
                ],
                outcome.modified.clone(),
                outcome.source.clone(),
                outcome.target_object.clone(),
                outcome.target_id.clone(),
            )
        } else {
            return Err(GraphError::bad_request(
                "BadRequest",
                "No subject to provision.",
            ));
        };
    let key = json!({"result": result_name, "details": details}).to_string();
    let value = json!({
        "provisioningSteps": steps,
        "modifiedProperties": modified,
        "statusInfo": {"status": result_name},
        "sourceIdentity": {"id": source.id, "displayName": source.name, "type": source.type_name},
        "targetIdentity": {"id": target_id, "displayName": source.name, "type": target_object},
        "sourceSystem": {"name": "Azure Active Directory"},
        "targetSystem": {"name": "customappsso"},
    })
    .to_string();
    Ok((key, value))
}
