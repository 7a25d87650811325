//! The directory side: `/me`, the caller's directory roles, `/organization`, `/users`, `/groups`.

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
    ROLE_GLOBAL_ADMINISTRATOR, TenantGroup, TenantUser,
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
    searchable: &["displayName", "description", "mailNickname"],
};

const DIRECTORY_ROLE: Resource = Resource {
    name: "DirectoryRole",
    odata_type: "microsoft.graph.directoryRole",
    filterable: &["roleTemplateId", "displayName", "id"],
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
    auth::authorize(&app, &headers, auth::GROUPS_READ, false)?;
    let tenant = app.tenant();
    let group = tenant
        .groups
        .iter()
        .find(|group| group.id == id)
        .ok_or_else(|| GraphError::resource_not_found(&id))?;
    let query = odata::parse(raw_query.as_deref(), &headers, &USER)?;
    let items = group
        .members
        .iter()
        .filter_map(|member| tenant.user_by_id(member))
        .map(|user| {
            let mut body = json!({"@odata.type": "#microsoft.graph.user"});
            if let (Some(object), Value::Object(fields)) = (body.as_object_mut(), user_json(user)) {
                object.extend(fields);
            }
            body
        })
        .collect();
    ok(odata::collection(
        &app,
        uri.path(),
        "directoryObjects",
        &query,
        &USER,
        items,
    )?)
}
