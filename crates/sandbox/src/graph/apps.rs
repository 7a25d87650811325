//! Enterprise apps: `applicationTemplates/{id}/instantiate`, replication lag, applications,
//! service principals, and `appRoleAssignedTo`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::odata::{self, Resource};
use super::respond::{
    GraphError, GraphResult, json_body, json_response, no_content, ok, with_context,
};
use super::{GraphState, auth};
use crate::App;
use crate::core::clock::timestamp;

/// The non-gallery ("Custom") template per cloud: global, US Government, China.
pub(crate) const NON_GALLERY_TEMPLATE_IDS: &[&str] = &[
    "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
    "4602d0b4-76bb-404b-bca9-2652e1a39c6d",
    "5a532e38-1581-4918-9658-008dc27c1d68",
];

/// The two app roles the non-gallery template declares.
pub(crate) const APP_ROLE_USER: &str = "18d14569-c3bd-439b-9a66-3a2aee01d14f";
pub(crate) const APP_ROLE_MSIAM_ACCESS: &str = "b9632174-c057-4f7e-951b-be3adc52bfe6";

const APPLICATION: Resource = Resource {
    name: "Application",
    odata_type: "microsoft.graph.application",
    filterable: &["displayName", "appId", "id", "applicationTemplateId"],
    dates: &[],
    searchable: &["displayName"],
};

const SERVICE_PRINCIPAL: Resource = Resource {
    name: "ServicePrincipal",
    odata_type: "microsoft.graph.servicePrincipal",
    filterable: &[
        "displayName",
        "appId",
        "id",
        "applicationTemplateId",
        "servicePrincipalNames",
    ],
    dates: &[],
    searchable: &["displayName"],
};

const ASSIGNMENT: Resource = Resource {
    name: "AppRoleAssignment",
    odata_type: "microsoft.graph.appRoleAssignment",
    filterable: &["principalId", "principalType", "appRoleId", "resourceId"],
    dates: &[],
    searchable: &[],
};

#[derive(Debug, Clone)]
pub(crate) struct Application {
    pub(crate) id: String,
    pub(crate) app_id: String,
    pub(crate) display_name: String,
    pub(crate) template_id: String,
    pub(crate) created: DateTime<Utc>,
    /// Replication lag: invisible to reads until then.
    pub(crate) visible_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct ServicePrincipal {
    pub(crate) id: String,
    pub(crate) app_id: String,
    pub(crate) application_id: String,
    pub(crate) display_name: String,
    pub(crate) template_id: String,
    pub(crate) created: DateTime<Utc>,
    pub(crate) visible_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub(crate) id: String,
    pub(crate) app_role_id: String,
    pub(crate) principal_id: String,
    /// `User` or `Group`.
    pub(crate) principal_type: &'static str,
    pub(crate) principal_display_name: String,
    pub(crate) resource_id: String,
    pub(crate) resource_display_name: String,
    pub(crate) created: DateTime<Utc>,
}

/// What a call gets on an object that exists but is still replicating: reads 404; synchronization
/// writes first 403 then 409, as the Terraform provider's retry on both reflects.
///
/// UNVERIFIED: which of 404/403/409 real Entra answers when is not documented; the sandbox
/// makes every kind occur so a client must retry all three.
fn lag_error(
    id: &str,
    write: bool,
    visible_at: DateTime<Utc>,
    lag_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> GraphError {
    if !write {
        return GraphError::resource_not_found(id);
    }
    let total = (visible_at - lag_started).num_milliseconds().max(1);
    let elapsed = (now - lag_started).num_milliseconds();
    if elapsed * 2 < total {
        GraphError::denied()
    } else {
        GraphError::new(
            StatusCode::CONFLICT,
            "Directory_ConcurrencyViolation",
            "Request could not be completed due to a concurrency violation. Please wait briefly and retry.",
        )
    }
}

impl GraphState {
    /// A service principal visible at `now`, or the lag/not-found error.
    pub(crate) fn service_principal(
        &self,
        id: &str,
        now: DateTime<Utc>,
        write: bool,
    ) -> Result<ServicePrincipal, GraphError> {
        let sp = self
            .service_principals
            .iter()
            .find(|sp| sp.id == id)
            .ok_or_else(|| GraphError::resource_not_found(id))?;
        if now < sp.visible_at {
            return Err(lag_error(id, write, sp.visible_at, sp.created, now));
        }
        Ok(sp.clone())
    }

    /// Deletes an application and what hangs off it: its service principal, assignments to it,
    /// its synchronization secrets and jobs (accounts already provisioned are left alone).
    fn delete_application(&mut self, id: &str) {
        self.applications.retain(|application| application.id != id);
        let sp_ids: Vec<String> = self
            .service_principals
            .iter()
            .filter(|sp| sp.application_id == id)
            .map(|sp| sp.id.clone())
            .collect();
        self.service_principals
            .retain(|sp| !sp_ids.contains(&sp.id));
        self.assignments
            .retain(|assignment| !sp_ids.contains(&assignment.resource_id));
        for sp_id in &sp_ids {
            self.secrets.remove(sp_id);
        }
        self.jobs.retain(|job| !sp_ids.contains(&job.sp_id));
    }
}

fn app_roles() -> Value {
    json!([
        {"allowedMemberTypes": ["User"], "description": "msiam_access", "displayName": "msiam_access",
         "id": APP_ROLE_MSIAM_ACCESS, "isEnabled": true, "origin": "Application", "value": null},
        {"allowedMemberTypes": ["User"], "description": "User", "displayName": "User",
         "id": APP_ROLE_USER, "isEnabled": true, "origin": "Application", "value": null},
    ])
}

/// The template's homepage.
const HOMEPAGE: &str = "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=customappsso|ISV9.1|primary|z";

pub(crate) fn application_json(app: &App, record: &Application) -> Value {
    json!({
        "id": record.id,
        "deletedDateTime": null,
        "appId": record.app_id,
        "applicationTemplateId": record.template_id,
        "disabledByMicrosoftStatus": null,
        "createdDateTime": record.created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "displayName": record.display_name,
        "description": null,
        "groupMembershipClaims": null,
        "identifierUris": [],
        "isDeviceOnlyAuthSupported": null,
        "isFallbackPublicClient": null,
        "notes": null,
        "publisherDomain": app.tenant().domain,
        "serviceManagementReference": null,
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "tokenEncryptionKeyId": null,
        "defaultRedirectUri": null,
        "certification": null,
        "optionalClaims": null,
        "requestSignatureVerification": null,
        "addIns": [],
        "api": {"acceptMappedClaims": null, "knownClientApplications": [],
                "requestedAccessTokenVersion": null, "oauth2PermissionScopes": [], "preAuthorizedApplications": []},
        "appRoles": app_roles(),
        "info": {"logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null,
                 "supportUrl": null, "termsOfServiceUrl": null},
        "keyCredentials": [],
        "parentalControlSettings": {"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"},
        "passwordCredentials": [],
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [],
        "web": {"homePageUrl": HOMEPAGE, "logoutUrl": null, "redirectUris": [],
                "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false},
                "redirectUriSettings": []},
        "spa": {"redirectUris": []},
    })
}

pub(crate) fn service_principal_json(app: &App, record: &ServicePrincipal) -> Value {
    json!({
        "id": record.id,
        "deletedDateTime": null,
        "accountEnabled": true,
        "alternativeNames": [],
        "appDisplayName": record.display_name,
        "appDescription": null,
        "appId": record.app_id,
        "applicationTemplateId": record.template_id,
        "appOwnerOrganizationId": app.tenant().tenant_id,
        "appRoleAssignmentRequired": true,
        "createdDateTime": record.created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "description": null,
        "disabledByMicrosoftStatus": null,
        "displayName": record.display_name,
        "homepage": HOMEPAGE,
        "loginUrl": null,
        "logoutUrl": null,
        "notes": null,
        "notificationEmailAddresses": [],
        "preferredSingleSignOnMode": null,
        "preferredTokenSigningKeyThumbprint": null,
        "replyUrls": [],
        "servicePrincipalNames": [record.app_id],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp",
                 "WindowsAzureActiveDirectoryCustomSingleSignOnApplication"],
        "tokenEncryptionKeyId": null,
        "samlSingleSignOnSettings": null,
        "addIns": [],
        "appRoles": app_roles(),
        "info": {"logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null,
                 "supportUrl": null, "termsOfServiceUrl": null},
        "keyCredentials": [],
        "oauth2PermissionScopes": [],
        "passwordCredentials": [],
        "resourceSpecificApplicationPermissions": [],
        "verifiedPublisher": {"displayName": null, "verifiedPublisherId": null, "addedDateTime": null},
    })
}

fn assignment_json(record: &Assignment) -> Value {
    json!({
        "id": record.id,
        "deletedDateTime": null,
        "appRoleId": record.app_role_id,
        "createdDateTime": timestamp(record.created),
        "principalDisplayName": record.principal_display_name,
        "principalId": record.principal_id,
        "principalType": record.principal_type,
        "resourceDisplayName": record.resource_display_name,
        "resourceId": record.resource_id,
    })
}

/// The answer when instantiate is told (by `/_sandbox/graph/quirks`) to create the objects but
/// report 404 (as reported in the hamilton Go SDK, PR #283). UNVERIFIED: the error `code` of that
/// 404 (the reported text has `errorCode=` empty).
fn instantiate_lie() -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "UnknownError",
        "Graph call failed with httpCode=NotFound, errorCode=, errorMessage=, reason=Not Found.",
    )
}

// ---------------------------------------------------------------------------------------------
// Handlers

pub(crate) async fn get_template(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(template_id): Path<String>,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_READ, false)?;
    if !NON_GALLERY_TEMPLATE_IDS.contains(&template_id.as_str()) {
        return Err(GraphError::resource_not_found(&template_id));
    }
    ok(with_context(
        &app,
        "applicationTemplates/$entity",
        json!({"id": template_id, "displayName": "Custom", "homePageUrl": null,
               "supportedSingleSignOnModes": ["password", "saml", "external", "notSupported"],
               "supportedProvisioningTypes": ["sync"], "logoUrl": null, "categories": [],
               "publisher": "Microsoft Corporation",
               "description": "Add an app that isn't in the gallery (Non-gallery application)."}),
    ))
}

pub(crate) async fn instantiate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(template_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_WRITE, true)?;
    if !NON_GALLERY_TEMPLATE_IDS.contains(&template_id.as_str()) {
        return Err(GraphError::resource_not_found(&template_id));
    }
    let body = json_body(&body)?;
    // UNVERIFIED: the exact error for a missing or empty displayName.
    let display_name = body
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            GraphError::bad_request(
                "Request_BadRequest",
                "Invalid value specified for property 'displayName' of resource 'Application'.",
            )
        })?
        .to_string();
    if display_name.chars().count() > 256 {
        return Err(GraphError::bad_request(
            "Request_BadRequest",
            "Invalid value specified for property 'displayName' of resource 'Application'.",
        ));
    }
    let now = app.now();
    let lag = chrono::Duration::from_std(app.microsoft.replication_lag)
        .unwrap_or_else(|_| chrono::Duration::zero());
    let seed = app.seed();
    let (application, service_principal, lie) = {
        let mut graph = app.graph();
        let application = Application {
            id: graph.guid(seed),
            app_id: graph.guid(seed),
            display_name: display_name.clone(),
            template_id: template_id.clone(),
            created: now,
            visible_at: now + lag,
        };
        let service_principal = ServicePrincipal {
            id: graph.guid(seed),
            app_id: application.app_id.clone(),
            application_id: application.id.clone(),
            display_name,
            template_id,
            created: now,
            visible_at: now + lag,
        };
        graph.applications.push(application.clone());
        graph.service_principals.push(service_principal.clone());
        let lie = graph.quirks.take_instantiate_lie();
        (application, service_principal, lie)
    };
    if lie {
        return Err(instantiate_lie());
    }
    Ok(json_response(
        StatusCode::CREATED,
        with_context(
            &app,
            "microsoft.graph.applicationServicePrincipal",
            json!({"application": application_json(&app, &application),
                   "servicePrincipal": service_principal_json(&app, &service_principal)}),
        ),
    ))
}

pub(crate) async fn list_applications(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_READ, false)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &APPLICATION)?;
    let now = app.now();
    let items: Vec<Value> = {
        let graph = app.graph();
        graph
            .applications
            .iter()
            .filter(|record| now >= record.visible_at)
            .map(|record| application_json(&app, record))
            .collect()
    };
    ok(odata::collection(
        &app,
        uri.path(),
        "applications",
        &query,
        &APPLICATION,
        items,
    )?)
}

pub(crate) async fn get_application(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_READ, false)?;
    let now = app.now();
    let body = {
        let graph = app.graph();
        let record = graph
            .applications
            .iter()
            .find(|record| record.id == id && now >= record.visible_at)
            .ok_or_else(|| GraphError::resource_not_found(&id))?;
        application_json(&app, record)
    };
    let select = odata::parse_select(raw_query.as_deref());
    let body = odata::select(body, select.as_deref(), &APPLICATION)?;
    ok(with_context(&app, "applications/$entity", body))
}

pub(crate) async fn delete_application(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_WRITE, true)?;
    let now = app.now();
    let mut graph = app.graph();
    let record = graph
        .applications
        .iter()
        .find(|record| record.id == id)
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(&id))?;
    if now < record.visible_at {
        return Err(GraphError::resource_not_found(&id));
    }
    graph.delete_application(&id);
    no_content()
}

pub(crate) async fn list_service_principals(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_READ, false)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &SERVICE_PRINCIPAL)?;
    let now = app.now();
    let items: Vec<Value> = {
        let graph = app.graph();
        graph
            .service_principals
            .iter()
            .filter(|record| now >= record.visible_at)
            .map(|record| service_principal_json(&app, record))
            .collect()
    };
    ok(odata::collection(
        &app,
        uri.path(),
        "servicePrincipals",
        &query,
        &SERVICE_PRINCIPAL,
        items,
    )?)
}

pub(crate) async fn get_service_principal(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_READ, false)?;
    let now = app.now();
    let record = app.graph().service_principal(&id, now, false)?;
    let body = service_principal_json(&app, &record);
    let select = odata::parse_select(raw_query.as_deref());
    let body = odata::select(body, select.as_deref(), &SERVICE_PRINCIPAL)?;
    ok(with_context(&app, "servicePrincipals/$entity", body))
}

pub(crate) async fn list_assignments(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(sp_id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::APP_READ, false)?;
    let query = odata::parse(raw_query.as_deref(), &headers, &ASSIGNMENT)?;
    let now = app.now();
    let items: Vec<Value> = {
        let graph = app.graph();
        graph.service_principal(&sp_id, now, false)?;
        graph
            .assignments
            .iter()
            .filter(|assignment| assignment.resource_id == sp_id)
            .map(assignment_json)
            .collect()
    };
    ok(odata::collection(
        &app,
        uri.path(),
        &format!("servicePrincipals('{sp_id}')/appRoleAssignedTo"),
        &query,
        &ASSIGNMENT,
        items,
    )?)
}

pub(crate) async fn assign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    let claims = auth::authorize(&app, &headers, auth::ASSIGN_WRITE, true)?;
    auth::require_scope(&claims, auth::ASSIGN_DIRECTORY_READ)?;
    let body = json_body(&body)?;
    let field = |name: &str| -> Result<String, GraphError> {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                GraphError::bad_request(
                    "Request_BadRequest",
                    format!("Invalid value specified for property '{name}' of resource 'AppRoleAssignment'."),
                )
            })
    };
    let principal_id = field("principalId")?;
    let resource_id = field("resourceId")?;
    let app_role_id = field("appRoleId")?;
    let now = app.now();
    let tenant = app.tenant();
    // UNVERIFIED: a principal that is not in the directory answers like any missing reference.
    let (principal_type, principal_display_name) =
        if let Some(user) = tenant.user_by_id(&principal_id) {
            ("User", user.display_name.clone())
        } else if let Some(group) = tenant.groups.iter().find(|group| group.id == principal_id) {
            ("Group", group.display_name.clone())
        } else {
            return Err(GraphError::resource_not_found(&principal_id));
        };
    let seed = app.seed();
    let record = {
        let mut graph = app.graph();
        let sp = graph.service_principal(&sp_id, now, true)?;
        if resource_id != sp_id {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                "Invalid value specified for property 'resourceId' of resource 'AppRoleAssignment'.",
            ));
        }
        // The app declares roles, so the default-access id (all zeros) is not valid either.
        if ![APP_ROLE_USER, APP_ROLE_MSIAM_ACCESS]
            .contains(&app_role_id.to_ascii_lowercase().as_str())
        {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                format!(
                    "Permission being assigned was not found on application '{}'.",
                    sp.app_id
                ),
            ));
        }
        // A duplicate assignment returns 400 (UNVERIFIED: the exact code and text).
        if graph.assignments.iter().any(|assignment| {
            assignment.resource_id == sp_id
                && assignment.principal_id == principal_id
                && assignment.app_role_id.eq_ignore_ascii_case(&app_role_id)
        }) {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                "Permission being assigned already exists on the object",
            ));
        }
        let record = Assignment {
            id: graph.assignment_id(seed),
            app_role_id: app_role_id.to_ascii_lowercase(),
            principal_id,
            principal_type,
            principal_display_name,
            resource_id: sp_id.clone(),
            resource_display_name: sp.display_name.clone(),
            created: now,
        };
        graph.assignments.push(record.clone());
        record
    };
    Ok(json_response(
        StatusCode::CREATED,
        with_context(
            &app,
            &format!("servicePrincipals('{sp_id}')/appRoleAssignedTo/$entity"),
            assignment_json(&record),
        ),
    ))
}

pub(crate) async fn unassign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, assignment_id)): Path<(String, String)>,
) -> GraphResult {
    auth::authorize(&app, &headers, auth::ASSIGN_WRITE, true)?;
    let now = app.now();
    let mut graph = app.graph();
    graph.service_principal(&sp_id, now, true)?;
    let before = graph.assignments.len();
    graph
        .assignments
        .retain(|assignment| !(assignment.resource_id == sp_id && assignment.id == assignment_id));
    if graph.assignments.len() == before {
        return Err(GraphError::resource_not_found(&assignment_id));
    }
    no_content()
}
