//! IAM groups: `groups` (list) and `groups/{id}` (get), read-only here. Groups are created,
//! changed and deleted over SCIM (`crate::scim`), which writes this same table; every
//! Organization also has the two groups Scaleway manages, "All Users" and "All Applications".
//!
//! Order of checks, as in `organization`: authentication, argument format, existence,
//! permission.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::auth::{IamAction, authenticate, authorize, require_organization};
use super::errors::{ScwError, ScwResult, ok_json};
use super::params::{QueryParams, parse_order_by, parse_paging, require_uuid, uuid_problem};
use super::state::{GroupRecord, ManagedGroup, ScalewayState};
use super::unverified::{GROUP_FLAGS_ALWAYS_SENT, group_name_matches};
use crate::App;
use crate::core::clock::timestamp;

/// A `Group` as the IAM API sends it (field names of the Go SDK's `Group`).
pub(crate) fn group_json(iam: &ScalewayState, group: &GroupRecord) -> Value {
    let managed = group.managed.is_some();
    let mut body = json!({
        "id": group.id,
        "created_at": timestamp(group.created_at),
        "updated_at": timestamp(group.updated_at),
        "organization_id": group.organization_id,
        "name": group.name,
        "description": group.description,
        "user_ids": iam.group_user_ids(group),
        "application_ids": iam.group_application_ids(group),
        "tags": [],
        "editable": !managed,
        "deletable": !managed,
        "managed": managed,
    });
    if let Some(object) = body.as_object_mut() {
        let all_users = group.managed == Some(ManagedGroup::AllUsers);
        let all_applications = group.managed == Some(ManagedGroup::AllApplications);
        if GROUP_FLAGS_ALWAYS_SENT || all_users {
            object.insert("all_users".into(), json!(all_users));
        }
        if GROUP_FLAGS_ALWAYS_SENT || all_applications {
            object.insert("all_applications".into(), json!(all_applications));
        }
    }
    body
}

const GROUP_ORDERS: &[&str] = &[
    "created_at_asc",
    "created_at_desc",
    "updated_at_asc",
    "updated_at_desc",
    "name_asc",
    "name_desc",
];

/// `GET /groups?organization_id=&order_by=&page=&page_size=&name=&user_ids=&application_ids=&group_ids=&tag=`
/// → `{"groups": [Group…], "total_count": N}`.
pub(crate) async fn list_groups(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    let query = QueryParams::parse(raw_query.as_deref());
    let mut problems = Vec::new();
    // As for users (UNVERIFIED there too): without organization_id, the caller's own.
    let organization_id = query
        .get("organization_id")
        .unwrap_or(&caller.organization_id)
        .to_string();
    problems.extend(uuid_problem("organization_id", &organization_id));
    let order_by = parse_order_by(&query, GROUP_ORDERS, &mut problems);
    let paging = parse_paging(&query, &mut problems);
    let user_ids = query.all("user_ids");
    let application_ids = query.all("application_ids");
    let group_ids = query.all("group_ids");
    for (name, ids) in [
        ("user_ids", &user_ids),
        ("application_ids", &application_ids),
        ("group_ids", &group_ids),
    ] {
        for id in ids {
            problems.extend(uuid_problem(name, id));
        }
    }
    if !problems.is_empty() {
        return Err(ScwError::InvalidArguments(problems));
    }
    require_organization(&world, &organization_id)?;
    authorize(&caller, &organization_id, IamAction::ReadGroups)?;

    let iam = &world.scaleway;
    let name = query.get("name");
    let tag = query.get("tag");
    let mut groups: Vec<&GroupRecord> = iam
        .groups
        .iter()
        .filter(|group| group.organization_id == organization_id)
        .filter(|group| name.is_none_or(|name| group_name_matches(&group.name, name)))
        // Groups carry no tags here, so a tag filter matches none.
        .filter(|_| tag.is_none())
        .filter(|group| group_ids.is_empty() || group_ids.contains(&group.id.as_str()))
        .filter(|group| {
            user_ids.is_empty()
                || iam
                    .group_user_ids(group)
                    .iter()
                    .any(|id| user_ids.contains(&id.as_str()))
        })
        .filter(|group| {
            application_ids.is_empty()
                || iam
                    .group_application_ids(group)
                    .iter()
                    .any(|id| application_ids.contains(&id.as_str()))
        })
        .collect();
    let (field, direction) = order_by.rsplit_once('_').unwrap_or((order_by, "asc"));
    groups.sort_by(|a, b| match field {
        "updated_at" => a.updated_at.cmp(&b.updated_at),
        "name" => a.name.cmp(&b.name),
        _ => a.created_at.cmp(&b.created_at),
    });
    if direction == "desc" {
        groups.reverse();
    }
    let total_count = groups.len();
    let page: Vec<Value> = paging
        .slice(groups)
        .into_iter()
        .map(|group| group_json(iam, group))
        .collect();
    ok_json(json!({"groups": page, "total_count": total_count}))
}

/// `GET /groups/{group_id}` → a `Group`; unknown → 404 `not_found` with resource `group`.
pub(crate) async fn get_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(group_id): Path<String>,
) -> ScwResult {
    let world = app.world();
    let caller = authenticate(&world, &headers)?;
    require_uuid("group_id", &group_id)?;
    let group = world
        .scaleway
        .group(&group_id)
        .ok_or_else(|| ScwError::NotFound {
            resource: "group",
            resource_id: group_id.clone(),
        })?;
    authorize(&caller, &group.organization_id, IamAction::ReadGroups)?;
    ok_json(group_json(&world.scaleway, group))
}
