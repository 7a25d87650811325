//! `/Groups`: list (with Entra's `displayName eq` filter), get, create, patch, replace and
//! delete. A SCIM group is a Scaleway IAM group and its members are IAM users: these handlers
//! read and write the IAM group table directly, as `/Users` does the user table.
//!
//! Groups take `displayName` and `members` only (see `unverified::GROUP_ATTRIBUTES`); a member
//! must be a user of the Organization (a group as member is nesting, which Scaleway does not
//! support); the two Scaleway-managed groups can be read but not changed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::filter::parse_group_filter;
use super::group_patch::{GroupDraft, apply_group_operation, member_values};
use super::patch::operations;
use super::protocol::{
    MAX_RESULTS, SCHEMA_GROUP, SCHEMA_LIST, ScimContext, ScimError, ScimResult, authenticate,
    excludes, parse_index, query_pairs, query_value, record_body, scim_json_response,
};
use super::unverified::{
    SCIM_SEES_EVERY_IAM_GROUP, group_attribute_accepted, group_name_taken, group_names_clash,
    group_quota_exceeded, managed_group_refused, nested_group_member, scim_may_modify_group,
    unknown_member, unsupported_group_attribute,
};
use crate::core::clock::timestamp;
use crate::scaleway::seed::new_uuid;
use crate::scaleway::state::GroupRecord;
use crate::scaleway::unverified::{MAX_GROUPS_PER_ORGANIZATION, counts_toward_group_quota};
use crate::{App, World};

/// A group as SCIM shows it; `members` left out when `excludedAttributes=members` asks so.
fn scim_group_json(world: &World, group: &GroupRecord, base_url: &str, members: bool) -> Value {
    let iam = &world.scaleway;
    let mut body = json!({
        "schemas": [SCHEMA_GROUP],
        "id": group.id,
        "displayName": group.name,
        "meta": {
            "resourceType": "Group",
            "created": timestamp(group.created_at),
            "lastModified": timestamp(group.updated_at),
            "location": format!("{base_url}/Groups/{}", group.id),
        },
    });
    if members && let Some(object) = body.as_object_mut() {
        // Members are users only: applications (in IAM groups too) are no SCIM resource.
        let list: Vec<Value> = iam
            .group_user_ids(group)
            .iter()
            .map(|id| {
                json!({
                    "value": id,
                    "$ref": format!("{base_url}/Users/{id}"),
                    "type": "User",
                    "display": iam.user(id).map(|user| user.username.clone()),
                })
            })
            .collect();
        object.insert("members".into(), Value::Array(list));
    }
    body
}

fn visible_groups<'a>(
    world: &'a World,
    context: &'a ScimContext,
) -> impl Iterator<Item = &'a GroupRecord> + 'a {
    world.scaleway.groups.iter().filter(move |group| {
        group.organization_id == context.organization_id
            && (SCIM_SEES_EVERY_IAM_GROUP || group.provisioned_by_scim)
    })
}

fn find_group<'a>(
    world: &'a World,
    context: &'a ScimContext,
    id: &str,
) -> Result<&'a GroupRecord, ScimError> {
    visible_groups(world, context)
        .find(|group| group.id == id)
        .ok_or_else(|| ScimError::not_found(format!("Resource {id} not found")))
}

/// A member id must be a user of this Organization; a group (of any kind) is nesting.
fn resolve_member(world: &World, organization_id: &str, id: &str) -> Result<String, ScimError> {
    let iam = &world.scaleway;
    if iam
        .users
        .iter()
        .any(|user| user.id == id && user.organization_id == organization_id)
    {
        Ok(id.to_string())
    } else if iam.group(id).is_some() {
        Err(nested_group_member(id))
    } else {
        Err(unknown_member(id))
    }
}

fn name_taken(world: &World, organization_id: &str, name: &str, except_id: Option<&str>) -> bool {
    world.scaleway.groups.iter().any(|group| {
        group.organization_id == organization_id
            && group_names_clash(&group.name, name)
            && Some(group.id.as_str()) != except_id
    })
}

/// What a POST or PUT body sets: a non-empty `displayName`, and `members` (absent: none).
fn read_group_body(
    world: &World,
    organization_id: &str,
    body: &Value,
) -> Result<GroupDraft, ScimError> {
    if let Some(object) = body.as_object()
        && let Some(unknown) = object.keys().find(|key| !group_attribute_accepted(key))
    {
        return Err(unsupported_group_attribute(unknown));
    }
    let name = body
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| ScimError::bad_request("invalidValue", "displayName is required"))?
        .to_string();
    let user_ids = match body.get("members") {
        None | Some(Value::Null) => Vec::new(),
        members => member_values("members", members, &|id: &str| {
            resolve_member(world, organization_id, id)
        })?,
    };
    Ok(GroupDraft { name, user_ids })
}

pub(crate) async fn list_groups(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    RawQuery(raw_query): RawQuery,
) -> ScimResult {
    let world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let query = query_pairs(raw_query.as_deref());
    let filter = match query_value(&query, "filter") {
        Some(text) => Some(parse_group_filter(text)?),
        None => None,
    };
    // RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0.
    let start_index = parse_index(&query, "startIndex", 1)?.max(1);
    let count = parse_index(&query, "count", MAX_RESULTS as i64)?.clamp(0, MAX_RESULTS as i64);
    let members = !excludes(&query, "members");
    let mut matching: Vec<&GroupRecord> = visible_groups(&world, &context)
        .filter(|group| {
            filter
                .as_ref()
                .is_none_or(|name| group_names_clash(&group.name, name))
        })
        .collect();
    matching.sort_by_key(|group| group.created_at);
    let total_results = matching.len();
    let resources: Vec<Value> = matching
        .into_iter()
        .skip(start_index as usize - 1)
        .take(count as usize)
        .map(|group| scim_group_json(&world, group, &context.base_url, members))
        .collect();
    Ok(scim_json_response(
        StatusCode::OK,
        json!({
            "schemas": [SCHEMA_LIST],
            "totalResults": total_results,
            "startIndex": start_index,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    ))
}

pub(crate) async fn get_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    RawQuery(raw_query): RawQuery,
) -> ScimResult {
    let world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let query = query_pairs(raw_query.as_deref());
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    let group = find_group(&world, &context, id)?;
    Ok(scim_json_response(
        StatusCode::OK,
        scim_group_json(
            &world,
            group,
            &context.base_url,
            !excludes(&query, "members"),
        ),
    ))
}

pub(crate) async fn create_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let body = record_body(&mut world, &method, &uri, &body)?;
    let draft = read_group_body(&world, &context.organization_id, &body)?;
    if name_taken(&world, &context.organization_id, &draft.name, None) {
        return Err(group_name_taken(&draft.name));
    }
    let current = world
        .scaleway
        .groups
        .iter()
        .filter(|group| group.organization_id == context.organization_id)
        .filter(|group| counts_toward_group_quota(group))
        .count();
    if current >= MAX_GROUPS_PER_ORGANIZATION {
        return Err(group_quota_exceeded(MAX_GROUPS_PER_ORGANIZATION, current));
    }
    let now = world.now();
    let group = GroupRecord {
        id: new_uuid(&mut world.scaleway.rng),
        organization_id: context.organization_id.clone(),
        name: draft.name,
        description: String::new(),
        created_at: now,
        updated_at: now,
        user_ids: draft.user_ids,
        application_ids: Vec::new(),
        managed: None,
        provisioned_by_scim: true,
    };
    let representation = scim_group_json(&world, &group, &context.base_url, true);
    let location = format!("{}/Groups/{}", context.base_url, group.id);
    world.scaleway.groups.push(group);
    let mut response = scim_json_response(StatusCode::CREATED, representation);
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Saves `draft` over the group `id` (after the uniqueness check) and answers the new group.
fn commit(world: &mut World, context: &ScimContext, id: &str, draft: GroupDraft) -> ScimResult {
    if name_taken(world, &context.organization_id, &draft.name, Some(id)) {
        return Err(group_name_taken(&draft.name));
    }
    let now = world.now();
    let Some(slot) = world
        .scaleway
        .groups
        .iter_mut()
        .find(|group| group.id == id)
    else {
        return Err(ScimError::not_found(format!("Resource {id} not found")));
    };
    slot.name = draft.name;
    slot.user_ids = draft.user_ids;
    slot.updated_at = now;
    let group = slot.clone();
    Ok(scim_json_response(
        StatusCode::OK,
        scim_group_json(world, &group, &context.base_url, true),
    ))
}

/// The group `id` if SCIM may change it: 404 if unknown, 403 if Scaleway manages it.
fn modifiable_group(
    world: &World,
    context: &ScimContext,
    id: &str,
) -> Result<GroupRecord, ScimError> {
    let group = find_group(world, context, id)?;
    if !scim_may_modify_group(group) {
        return Err(managed_group_refused(group));
    }
    Ok(group.clone())
}

pub(crate) async fn patch_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let body = record_body(&mut world, &method, &uri, &body)?;
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    let group = modifiable_group(&world, &context, id)?;
    // Apply to a draft and commit only if every operation succeeds (RFC 7644 §3.5.2: atomic).
    let mut draft = GroupDraft {
        name: group.name.clone(),
        user_ids: group.user_ids.clone(),
    };
    {
        let resolve = |member: &str| resolve_member(&world, &context.organization_id, member);
        for operation in operations(&body)? {
            apply_group_operation(&mut draft, operation, &resolve)?;
        }
    }
    commit(&mut world, &context, id, draft)
}

pub(crate) async fn replace_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let body = record_body(&mut world, &method, &uri, &body)?;
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    modifiable_group(&world, &context, id)?;
    let draft = read_group_body(&world, &context.organization_id, &body)?;
    commit(&mut world, &context, id, draft)
}

pub(crate) async fn delete_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
) -> ScimResult {
    let mut world = app.world();
    let context = authenticate(&app, &world, &headers, &uri, &params)?;
    let id = params
        .get("id")
        .map(String::as_str)
        .unwrap_or_default()
        .to_string();
    modifiable_group(&world, &context, &id)?;
    world.scaleway.groups.retain(|group| group.id != id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
