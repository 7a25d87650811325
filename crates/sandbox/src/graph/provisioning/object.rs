//! Provisioning one object: match it on the target, then create it or update what differs.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use super::documents::{
    Computed, Source, compute, create_body, diff, flat, get_path, is_members, member_list,
    member_operations,
};
use super::{
    Exported, INVALID_TENANT_URL, Reply, SCHEMA_PATCH, Session, detail_of, entry_error_code,
    unexpected_response_message, unreachable_message,
};
use crate::graph::expressions::Val;
use crate::graph::schema::ObjectMapping;

/// A failure that stops the whole run: the target refuses the credentials or cannot be reached.
#[derive(Debug, Clone)]
pub(super) struct Fatal {
    pub(super) message: String,
}

#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) source: Source,
    pub(super) target_object: String,
    /// `create`, `update`, `other`.
    pub(super) action: &'static str,
    /// `success`, `failure`, `skipped`.
    pub(super) status: &'static str,
    pub(super) error: Option<(String, String)>,
    pub(super) target_id: Option<String>,
    pub(super) modified: Vec<Value>,
    pub(super) exported: Option<Exported>,
    pub(super) export_attempted: bool,
}

impl Outcome {
    fn new(source: &Source, mapping: &ObjectMapping) -> Outcome {
        Outcome {
            source: source.clone(),
            target_object: mapping.target_object.clone(),
            action: "other",
            status: "success",
            error: None,
            target_id: None,
            modified: Vec::new(),
            exported: None,
            export_attempted: false,
        }
    }

    fn fail(mut self, code: &str, message: String) -> Outcome {
        self.status = "failure";
        self.error = Some((code.to_string(), message));
        self
    }
}

fn fatal_for(status: u16, body: &Value) -> Option<Fatal> {
    match status {
        401 | 403 => Some(Fatal {
            message: unexpected_response_message(status, &detail_of(body)),
        }),
        _ => None,
    }
}

/// Provisions one object. `add_only_members` (provision on demand): a group's members are
/// added, never removed.
pub(super) async fn provision_object(
    session: &mut Session,
    mapping: &ObjectMapping,
    source: &Source,
    previous: Option<&Exported>,
    exported_ids: &BTreeMap<String, String>,
    add_only_members: bool,
) -> Result<Outcome, Fatal> {
    let outcome = Outcome::new(source, mapping);
    let group = source.type_name == "Group";
    let endpoint = if group { "Groups" } else { "Users" };
    let mut computed = match compute(mapping, source) {
        Ok(computed) => computed,
        Err(message) => return Ok(outcome.fail("AttributeMappingEvaluationFailed", message)),
    };
    // Group members are sent as the target ids of already-provisioned users.
    for item in computed.iter_mut().filter(|item| item.target == "members") {
        if let Val::Many(ids) = &item.value {
            item.value = Val::Many(
                ids.iter()
                    .filter_map(|id| exported_ids.get(id).cloned())
                    .collect(),
            );
        }
    }
    let matching = mapping
        .attribute_mappings
        .iter()
        .filter(|attribute| attribute.matching_priority > 0)
        .min_by_key(|attribute| attribute.matching_priority)
        .map(|attribute| attribute.target.clone());
    let Some((match_target, match_value)) = matching.and_then(|target| {
        computed
            .iter()
            .find(|item| item.target == target)
            .map(|item| (target, flat(&item.value)))
    }) else {
        return Ok(outcome.fail(
            "MatchingAttributeMissing",
            format!(
                "{} '{}' has no value for its matching attribute.",
                source.type_name, source.name
            ),
        ));
    };
    let mut values: BTreeMap<String, String> = computed
        .iter()
        .map(|item| (item.target.clone(), flat(&item.value)))
        .collect();
    // A group's member ids (targets), when its mapping sends members.
    let members: Option<Vec<String>> = computed
        .iter()
        .find(|item| group && is_members(&item.target))
        .map(|item| item.value.values());
    let previous_members = previous.and_then(|previous| {
        member_list(
            previous
                .values
                .iter()
                .find(|(target, _)| is_members(target))
                .map(|(_, value)| value),
        )
    });
    if let (Some(members), Some(before), true) = (&members, &previous_members, add_only_members) {
        // On demand adds members: Entra then believes the target has both.
        let mut union = before.clone();
        union.extend(members.iter().filter(|id| !before.contains(id)).cloned());
        values.insert("members".to_string(), union.join(","));
    }
    let rfc = session.target.rfc_patch;

    // Already exported: send only what changed since.
    let (target_id, existing) = if let Some(previous) = previous {
        (previous.target_id.clone(), None)
    } else {
        let filter = format!(
            "{match_target} eq \"{}\"",
            match_value.replace('\\', "\\\\").replace('"', "\\\"")
        );
        // Entra matches groups without reading their members.
        let mut query = Vec::new();
        if group {
            query.push(("excludedAttributes", "members".to_string()));
        }
        query.push(("filter", filter));
        let url = session.target.url(endpoint, &query);
        match session.send(Method::GET, url, None).await {
            Reply::Unreachable(error) => {
                return Err(Fatal {
                    message: unreachable_message(session.target.base.as_str(), &error),
                });
            }
            Reply::Status(200, body) => {
                let first = body
                    .get("Resources")
                    .and_then(Value::as_array)
                    .and_then(|resources| resources.first())
                    .cloned();
                match first.and_then(|resource| {
                    resource
                        .get("id")
                        .and_then(Value::as_str)
                        .map(|id| (id.to_string(), resource.clone()))
                }) {
                    Some((id, resource)) => (id, Some(resource)),
                    None => {
                        return create(session, mapping, source, &computed, values, outcome).await;
                    }
                }
            }
            Reply::Status(status, body) => {
                if let Some(fatal) = fatal_for(status, &body) {
                    return Err(fatal);
                }
                if status == 404 && !group {
                    return Err(Fatal {
                        message: format!(
                            "{INVALID_TENANT_URL} {}",
                            unexpected_response_message(status, &detail_of(&body))
                        ),
                    });
                }
                return Ok(outcome.fail(
                    entry_error_code(status),
                    format!(
                        "Failed to match the {} '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                        source.type_name, source.name, detail_of(&body)
                    ),
                ));
            }
        }
    };
    let (mut operations, mut modified) = match (&existing, previous) {
        (Some(resource), _) => diff(&computed, &|path| get_path(resource, path), rfc),
        (None, Some(previous)) => diff(&computed, &|path| previous.values.get(path).cloned(), rfc),
        (None, None) => (Vec::new(), Vec::new()),
    };
    if let Some(members) = &members {
        // Matched on the target: its members are unknown (not read); else the watermark's.
        let known = if existing.is_some() {
            None
        } else {
            previous_members.as_deref()
        };
        let (member_ops, member_change) = member_operations(members, known, add_only_members, rfc);
        operations.extend(member_ops);
        modified.extend(member_change);
    }
    let mut outcome = Outcome {
        target_id: Some(target_id.clone()),
        modified,
        ..outcome
    };
    if operations.is_empty() {
        outcome.status = if previous.is_some() {
            "skipped"
        } else {
            "success"
        };
        outcome.exported = Some(Exported { target_id, values });
        return Ok(outcome);
    }
    outcome.action = "update";
    outcome.export_attempted = true;
    let url = session.target.url(&format!("{endpoint}/{target_id}"), &[]);
    let body = json!({"schemas": [SCHEMA_PATCH], "Operations": operations});
    match session.send(Method::PATCH, url, Some(body)).await {
        Reply::Unreachable(error) => Err(Fatal {
            message: unreachable_message(session.target.base.as_str(), &error),
        }),
        Reply::Status(200 | 204, _) => {
            outcome.exported = Some(Exported { target_id, values });
            Ok(outcome)
        }
        Reply::Status(status, body) => {
            if let Some(fatal) = fatal_for(status, &body) {
                return Err(fatal);
            }
            Ok(outcome.fail(
                entry_error_code(status),
                format!(
                    "Failed to update the {} '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                    source.type_name, source.name, detail_of(&body)
                ),
            ))
        }
    }
}

async fn create(
    session: &mut Session,
    mapping: &ObjectMapping,
    source: &Source,
    computed: &[Computed],
    values: BTreeMap<String, String>,
    mut outcome: Outcome,
) -> Result<Outcome, Fatal> {
    let group = source.type_name == "Group";
    let url = session
        .target
        .url(if group { "Groups" } else { "Users" }, &[]);
    let body = create_body(mapping, computed, group);
    outcome.action = "create";
    outcome.export_attempted = true;
    outcome.modified = computed
        .iter()
        .map(|item| json!({"displayName": item.target, "oldValue": null, "newValue": flat(&item.value)}))
        .collect();
    match session.send(Method::POST, url, Some(body)).await {
        Reply::Unreachable(error) => Err(Fatal {
            message: unreachable_message(session.target.base.as_str(), &error),
        }),
        Reply::Status(200 | 201, body) => {
            let target_id = body
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            outcome.target_id = Some(target_id.clone());
            let members: Vec<String> = computed
                .iter()
                .find(|item| group && is_members(&item.target))
                .map(|item| item.value.values())
                .unwrap_or_default();
            if members.is_empty() {
                outcome.exported = Some(Exported { target_id, values });
                return Ok(outcome);
            }
            add_members(session, source, target_id, &members, values, outcome).await
        }
        Reply::Status(status, body) => {
            if let Some(fatal) = fatal_for(status, &body) {
                return Err(fatal);
            }
            Ok(outcome.fail(
                entry_error_code(status),
                format!(
                    "Failed to create the {} '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                    source.type_name, source.name, detail_of(&body)
                ),
            ))
        }
    }
}

/// The PATCH that follows a group's creation: "Add" its members. If it fails, the group stays
/// exported without members, so the next cycle adds them again.
async fn add_members(
    session: &mut Session,
    source: &Source,
    target_id: String,
    members: &[String],
    mut values: BTreeMap<String, String>,
    outcome: Outcome,
) -> Result<Outcome, Fatal> {
    let (operations, _) = member_operations(members, Some(&[]), true, session.target.rfc_patch);
    let url = session.target.url(&format!("Groups/{target_id}"), &[]);
    let body = json!({"schemas": [SCHEMA_PATCH], "Operations": operations});
    match session.send(Method::PATCH, url, Some(body)).await {
        Reply::Unreachable(error) => Err(Fatal {
            message: unreachable_message(session.target.base.as_str(), &error),
        }),
        Reply::Status(200 | 204, _) => Ok(Outcome {
            exported: Some(Exported { target_id, values }),
            ..outcome
        }),
        Reply::Status(status, body) => {
            if let Some(fatal) = fatal_for(status, &body) {
                return Err(fatal);
            }
            values.insert("members".to_string(), String::new());
            let failed = outcome.fail(
                entry_error_code(status),
                format!(
                    "Failed to add the members of the Group '{}' in customappsso: the SCIM endpoint answered HTTP {status}: {}",
                    source.name,
                    detail_of(&body)
                ),
            );
            Ok(Outcome {
                exported: Some(Exported { target_id, values }),
                ..failed
            })
        }
    }
}
