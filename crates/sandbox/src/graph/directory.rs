//! The directory side: `/me`, the caller's directory roles, `/organization`, `/users`,
//! `/groups`, and a group's `members` and `transitiveMembers` (users and nested groups, told
//! apart by `@odata.type`).

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::auth;
use super::odata::{self, Resource};
use super::respond::{GraphError, GraphResult, ok, with_context};
use crate::App;
use crate::tenant::{
    ROLE_APPLICATION_ADMINISTRATOR, ROLE_CLOUD_APPLICATION_ADMINISTRATOR,
    ROLE_GLOBAL_ADMINISTRATOR, TenantGroup, TenantSeed, TenantUser,
};

const USER: Resource = Resource {
    name: "User",
    odata_type: "microsoft.graph.user",
    filterable: &[
        "displayName",
        "userPrincipalName",
        "mail",
        "givenName",
        "surname",
        "id",
    ],
    dates: &[],
    searchable: &[
        "displayName",
        "userPrincipalName",
        "mail",
        "givenName",
        "surname",
    ],
};

const GROUP: Resource = Resource {
    name: "Group",
    odata_type: "microsoft.graph.group",
    filterable: &["displayName", "id", "mailNickname", "securityEnabled"],
    dates: &[],
    searchable: &["displayName", "description", "mailNickname"],
};

/// A group's members: `directoryObject`s, users and groups mixed; filters and searches on
/// the properties of either type.
const DIRECTORY_OBJECT: Resource = Resource {
    name: "DirectoryObject",
    odata_type: "microsoft.graph.directoryObject",
    filterable: &[
        "displayName",
        "userPrincipalName",
        "mail",
        "givenName",
        "surname",
        "id",
        "mailNickname",
        "securityEnabled",
    ],
    dates: &[],
    searchable: &[
        "displayName",
        "userPrincipalName",
        "mail",
        "givenName",
        "surname",
        "description",
        "mailNickname",
    ],
};

const DIRECTORY_ROLE: Resource = Resource {
    name: "DirectoryRole",
    odata_type: "microsoft.graph.directoryRole",
    filterable: &["roleTemplateId", "displayName", "id"],
    dates: &[],
    searchable: &[],
};

/// The local part of a UPN, which Entra uses as `mailNickname` for cloud users.
pub(crate) fn mail_nickname(upn: &str) -> &str {
    upn.split('@').next().unwrap_or(upn)
}

pub(crate) fn user_json(user: &TenantUser) -> Value {
    json!({
        "businessPhones": [],
        "displayName": user.display_name,
        "givenName": user.given_name,
        "jobTitle": null,
        "mail": user.mail,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": null,
        "surname": user.surname,
        "userPrincipalName": user.user_principal_name,
        "id": user.id,
    })
}

fn group_json(group: &TenantGroup) -> Value {
    json!({
        "id": group.id,
        "deletedDateTime": null,
        "classification": null,
        "description": null,
        "displayName": group.display_name,
        "groupTypes": [],
        "mail": null,
        "mailEnabled": false,
        "mailNickname": group.display_name.replace(' ', "-").to_lowercase(),
        "securityEnabled": true,
        "visibility": null,
    })
}

/// `object` with `@odata.type` first, as Graph types the items of a `directoryObject` list.
fn typed(odata_type: &str, object: Value) -> Value {
    let mut body = json!({"@odata.type": format!("#{odata_type}")});
    if let (Some(typed), Value::Object(fields)) = (body.as_object_mut(), object) {
        typed.extend(fields);
    }
    body
}

/// One member of a group, as `members` and `transitiveMembers` list it.
enum Member<'a> {
    User(&'a TenantUser),
    Group(&'a TenantGroup),
}

impl Member<'_> {
    fn id(&self) -> &str {
        match self {
            Member::User(user) => &user.id,
            Member::Group(group) => &group.id,
        }
    }

    fn json(&self) -> Value {
        match self {
            Member::User(user) => typed(USER.odata_type, user_json(user)),
            Member::Group(group) => typed(GROUP.odata_type, group_json(group)),
        }
    }
}

/// A group's direct members: its users, then its nested groups.
fn direct_members<'a>(tenant: &'a TenantSeed, group: &'a TenantGroup) -> Vec<Member<'a>> {
    let users = group
        .members
        .iter()
        .filter_map(|id| tenant.user_by_id(id))
        .map(Member::User);
    let groups = group
        .member_groups
        .iter()
        .filter_map(|id| tenant.group_by_id(id))
        .map(Member::Group);
    users.chain(groups).collect()
}

/// Everyone below a group: its direct members, then the members of its nested groups (breadth
/// first), each once.
fn transitive_members<'a>(tenant: &'a TenantSeed, group: &'a TenantGroup) -> Vec<Member<'a>> {
    let mut seen: BTreeSet<String> = BTreeSet::from([group.id.clone()]);
    let mut members = Vec::new();
    let mut queue = vec![group];
    while !queue.is_empty() {
        let mut next = Vec::new();
        for current in queue {
            for member in direct_members(tenant, current) {
                if !seen.insert(member.id().to_string()) {
                    continue;
                }
                if let Member::Group(nested) = member {
                    next.push(nested);
                }
                members.push(member);
            }
        }
        queue = next;
    }
    members
}

/// Every property a member (user or group) can be selected on.
fn member_properties() -> Vec<String> {
    let user = TenantUser {
        id: String::new(),
        user_principal_name: String::new(),
        display_name: String::new(),
        given_name: String::new(),
        surname: String::new(),
        mail: String::new(),
        directory_roles: Vec::new(),
    };
    let group = TenantGroup {
        id: String::new(),
        display_name: String::new(),
        members: Vec::new(),
        member_groups: Vec::new(),
    };
    let mut names: Vec<String> = [user_json(&user), group_json(&group)]
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|fields| fields.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Display name and description of the role templates the sandbox knows.
fn role_names(template_id: &str) -> (&'static str, &'static str) {
    match template_id {
        ROLE_GLOBAL_ADMINISTRATOR => (
            "Global Administrator",
            "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
        ),
        ROLE_APPLICATION_ADMINISTRATOR => (
            "Application Administrator",
            "Can create and manage all aspects of app registrations and enterprise apps.",
        ),
        ROLE_CLOUD_APPLICATION_ADMINISTRATOR => (
            "Cloud Application Administrator",
            "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
        ),
        _ => ("Directory role", ""),
    }
}

/// A directory role's object id differs per tenant; derive a stable one from tenant + template.
fn role_object_id(tenant_id: &str, template_id: &str) -> String {
    let digest = Sha256::digest(format!("{tenant_id}/{template_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn signed_in_user<'a>(app: &'a App, oid: &str) -> Result<&'a TenantUser, GraphError> {
    app.tenant()
        .user_by_id(oid)
        .ok_or_else(|| GraphError::resource_not_found(oid))
}

pub(crate) async fn me(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    let claims = auth::authorize(&app, &headers, auth::SIGNED_IN_READ, false)?;
    let user = signed_in_user(&app, &claims.oid)?;
    let select = odata::parse_select(raw_query.as_deref());
    let body = odata::select(user_json(user), select.as_deref(), &USER)?;
    ok(with_context(&app, "users/$entity", body))
}

pub(crate) async fn my_directory_roles(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    let claims = auth::authorize(&app, &headers, auth::SIGNED_IN_READ, false)?;
    let user = signed_in_user(&app, &claims.oid)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &DIRECTORY_ROLE)?;
    let tenant_id = &app.tenant().tenant_id;
    let items = user
        .directory_roles
        .iter()
        .map(|template_id| {
            let (display_name, description) = role_names(template_id);
            json!({
                "@odata.type": "#microsoft.graph.directoryRole",
                "id": role_object_id(tenant_id, template_id),
                "deletedDateTime": null,
                "description": description,
                "displayName": display_name,
                "roleTemplateId": template_id,
            })
        })
        .collect();
    ok(odata::collection(
        &app,
        uri.path(),
        "directoryRoles",
        &query,
        &DIRECTORY_ROLE,
        items,
    )?)
}

pub(crate) async fn organization(State(app): State<Arc<App>>, headers: HeaderMap) -> GraphResult {
    auth::authorize(&app, &headers, auth::SIGNED_IN_READ, false)?;
    let tenant = app.tenant();
    ok(with_context(
        &app,
        "organization",
        json!({"value": [{
            "id": tenant.tenant_id,
            "deletedDateTime": null,
            "businessPhones": [],
            "city": null,
            "country": null,
            "countryLetterCode": "FR",
            "createdDateTime": "2024-01-15T09:00:00Z",
            "displayName": tenant.display_name,
            "onPremisesSyncEnabled": null,
            "preferredLanguage": "en",
            "tenantType": "AAD",
            "assignedPlans": [],
            "provisionedPlans": [],
            "technicalNotificationMails": [tenant.admin_upn],
            "verifiedDomains": [{
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": true,
                "isInitial": true,
                "name": tenant.domain,
                "type": "Managed",
            }, {
                "capabilities": "Email",
                "isDefault": false,
                "isInitial": false,
                "name": crate::tenant::SECOND_DOMAIN,
                "type": "Managed",
            }],
        }]}),
    ))
}

pub(crate) async fn list_users(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::USERS_READ, false)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &USER)?;
    let items = app.tenant().users.iter().map(user_json).collect();
    ok(odata::collection(
        &app,
        uri.path(),
        "users",
        &query,
        &USER,
        items,
    )?)
}

pub(crate) async fn get_user(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::USERS_READ, false)?;
    let tenant = app.tenant();
    let user = tenant
        .user_by_id(&id)
        .or_else(|| tenant.user_by_upn(&id))
        .ok_or_else(|| GraphError::resource_not_found(&id))?;
    let select = odata::parse_select(raw_query.as_deref());
    let body = odata::select(user_json(user), select.as_deref(), &USER)?;
    ok(with_context(&app, "users/$entity", body))
}

pub(crate) async fn list_groups(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::GROUPS_READ, false)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &GROUP)?;
    let items = app.tenant().groups.iter().map(group_json).collect();
    ok(odata::collection(
        &app,
        uri.path(),
        "groups",
        &query,
        &GROUP,
        items,
    )?)
}

pub(crate) async fn get_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::GROUPS_READ, false)?;
    let group = app
        .tenant()
        .groups
        .iter()
        .find(|group| group.id == id)
        .ok_or_else(|| GraphError::resource_not_found(&id))?;
    let select = odata::parse_select(raw_query.as_deref());
    let body = odata::select(group_json(group), select.as_deref(), &GROUP)?;
    ok(with_context(&app, "groups/$entity", body))
}

pub(crate) async fn group_members(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    member_list(&app, &headers, uri.path(), &id, raw_query.as_deref(), false)
}

pub(crate) async fn group_transitive_members(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    member_list(&app, &headers, uri.path(), &id, raw_query.as_deref(), true)
}

/// `GET /groups/{id}/members` and `…/transitiveMembers`: `directoryObject`s with their
/// `@odata.type`, `$filter`, `$search`, `$select` (a property of either type), `$top` and
/// `@odata.nextLink` paging.
fn member_list(
    app: &App,
    headers: &HeaderMap,
    path: &str,
    id: &str,
    raw_query: Option<&str>,
    transitive: bool,
) -> GraphResult {
    auth::authorize(app, headers, auth::GROUPS_READ, false)?;
    let tenant = app.tenant();
    let group = tenant
        .group_by_id(id)
        .ok_or_else(|| GraphError::resource_not_found(id))?;
    let query = odata::parse(raw_query, headers, &DIRECTORY_OBJECT)?;
    let members = if transitive {
        transitive_members(tenant, group)
    } else {
        direct_members(tenant, group)
    };
    let items = members.iter().map(Member::json).collect();
    let known = member_properties();
    ok(odata::collection_with(
        app,
        path,
        "directoryObjects",
        &query,
        items,
        |item, select| odata::select_known(item, select, &known, DIRECTORY_OBJECT.odata_type),
    )?)
}
