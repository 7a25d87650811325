//! Preflight: right after sign-in, check that the admin holds a role that can create and
//! provision the app and that the token carries every Graph permission the wizard needs; say
//! exactly what is missing and who can fix it (docs/services.md, "Microsoft sign-in").

use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use url::Url;

use super::config::{REGISTERED_REDIRECT_URI, SignInConfig};
use super::error::AuthError;
use super::token::AccessToken;

/// Cloud Application Administrator (role template id).
pub const CLOUD_APPLICATION_ADMINISTRATOR: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
/// Application Administrator (role template id).
pub const APPLICATION_ADMINISTRATOR: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
/// Global Administrator (role template id).
pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// The roles that let the admin create the enterprise app and configure its provisioning, least
/// privileged first.
pub const QUALIFYING_ROLES: &[(&str, &str)] = &[
    (
        CLOUD_APPLICATION_ADMINISTRATOR,
        "Cloud Application Administrator",
    ),
    (APPLICATION_ADMINISTRATOR, "Application Administrator"),
    (GLOBAL_ADMINISTRATOR, "Global Administrator"),
];

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountInfo {
    pub id: String,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
}

/// The organization (tenant) signed in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationInfo {
    pub id: String,
    pub display_name: Option<String>,
}

/// A directory role the admin holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleInfo {
    pub role_template_id: String,
    pub display_name: String,
}

/// What preflight found. [`PreflightReport::ok`] only when nothing is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreflightReport {
    pub account: AccountInfo,
    pub organization: OrganizationInfo,
    /// Every directory role found (from Graph and from the token's `wids`).
    pub roles: Vec<RoleInfo>,
    /// The role that qualifies, if any.
    pub qualifying_role: Option<RoleInfo>,
    /// Needed when no role qualifies: any one of these (names).
    pub missing_roles: Vec<String>,
    /// Graph permissions granted to the token (`scp`).
    pub granted_scopes: Vec<String>,
    /// Graph permissions the wizard needs and the token lacks.
    pub missing_scopes: Vec<String>,
    /// Who can fix what is missing, in plain sentences.
    pub fixes: Vec<String>,
    /// The v2 admin consent link, when a scope is missing.
    pub admin_consent_url: Option<Url>,
    /// What could not be checked (e.g. the role list could not be read).
    pub warnings: Vec<String>,
}

impl PreflightReport {
    /// Nothing is missing.
    pub fn ok(&self) -> bool {
        self.missing_roles.is_empty() && self.missing_scopes.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphUser {
    id: String,
    display_name: Option<String>,
    user_principal_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphOrganization {
    id: String,
    display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphDirectoryRole {
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    role_template_id: Option<String>,
}

#[derive(Deserialize)]
struct GraphList<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

#[derive(Deserialize)]
struct GraphErrorBody {
    error: GraphErrorInner,
}

#[derive(Deserialize)]
struct GraphErrorInner {
    code: String,
    #[serde(default)]
    message: String,
}

/// Runs the three Graph reads (`/me`, `/organization`, `/me/transitiveMemberOf/
/// microsoft.graph.directoryRole`) concurrently and compares role and scopes with what the
/// wizard needs. A failure to read the roles is a warning (the token's `wids` may still answer);
/// a failure to read `/me` or `/organization` is an error.
pub async fn preflight(
    config: &SignInConfig,
    token: &AccessToken,
) -> Result<PreflightReport, AuthError> {
    let http = config.http_client()?;
    let me_url = config.graph_url("me")?;
    let organization_url = config.graph_url("organization")?;
    let roles_url = config.graph_url("me/transitiveMemberOf/microsoft.graph.directoryRole")?;
    let (me, organization, roles) = tokio::join!(
        graph_get::<GraphUser>(&http, &me_url, token),
        graph_get::<GraphList<GraphOrganization>>(&http, &organization_url, token),
        list_roles(&http, roles_url, token),
    );
    let me = me?;
    let organization = organization?;
    let mut warnings = Vec::new();

    let mut roles_found: Vec<RoleInfo> = Vec::new();
    match roles {
        Ok(roles) => {
            for role in roles {
                if let Some(template) = role.role_template_id {
                    let template = template.to_ascii_lowercase();
                    let display_name = role
                        .display_name
                        .unwrap_or_else(|| role_name(&template).unwrap_or("Directory role").to_owned());
                    push_role(&mut roles_found, template, display_name);
                }
            }
        }
        Err(error) => warnings.push(format!(
            "Your directory roles could not be read from Microsoft Graph ({}); only the sign-in token was checked.",
            error.message()
        )),
    }
    for template in &token.claims().directory_role_ids {
        let template = template.to_ascii_lowercase();
        let display_name = role_name(&template).unwrap_or("Directory role").to_owned();
        push_role(&mut roles_found, template, display_name);
    }
    let qualifying_role = QUALIFYING_ROLES.iter().find_map(|(id, _)| {
        roles_found
            .iter()
            .find(|role| role.role_template_id == *id)
            .cloned()
    });
    let missing_roles: Vec<String> = if qualifying_role.is_some() {
        Vec::new()
    } else {
        QUALIFYING_ROLES
            .iter()
            .map(|(_, name)| (*name).to_owned())
            .collect()
    };

    let granted_scopes = token.scopes().to_vec();
    let missing_scopes: Vec<String> = config
        .graph_scopes()
        .into_iter()
        .filter(|needed| {
            !granted_scopes
                .iter()
                .any(|granted| granted.eq_ignore_ascii_case(needed))
        })
        .collect();

    let tenant = token
        .claims()
        .tenant_id
        .clone()
        .unwrap_or_else(|| config.authority().to_owned());
    let mut fixes = Vec::new();
    if !missing_roles.is_empty() {
        fixes.push(
            "A Global Administrator or Privileged Role Administrator can give you the Cloud Application Administrator role (Application Administrator also works); sign in again afterwards.".to_owned(),
        );
    }
    let admin_consent_url = if missing_scopes.is_empty() {
        None
    } else {
        if qualifying_role.is_some() {
            fixes.push(format!(
                "You can grant consent yourself: open the admin consent link, accept, then sign in again. Missing: {}.",
                missing_scopes.join(", ")
            ));
        } else {
            fixes.push(format!(
                "An Application Administrator (or Cloud Application Administrator, or Global Administrator) can grant consent: send them the admin consent link, then sign in again. Missing: {}.",
                missing_scopes.join(", ")
            ));
        }
        Some(admin_consent_url(config, &tenant)?)
    };

    let organization = organization
        .value
        .into_iter()
        .next()
        .map(|org| OrganizationInfo {
            id: org.id,
            display_name: org.display_name,
        })
        .unwrap_or(OrganizationInfo {
            id: tenant,
            display_name: None,
        });

    Ok(PreflightReport {
        account: AccountInfo {
            id: me.id,
            display_name: me.display_name,
            user_principal_name: me.user_principal_name,
        },
        organization,
        roles: roles_found,
        qualifying_role,
        missing_roles,
        granted_scopes,
        missing_scopes,
        fixes,
        admin_consent_url,
        warnings,
    })
}

/// `{login}/{tenant}/v2.0/adminconsent?client_id=…&scope=…&redirect_uri=…`: the v2 admin consent
/// endpoint, with the Graph scopes fully qualified by the cloud's Graph resource.
pub fn admin_consent_url(config: &SignInConfig, tenant: &str) -> Result<Url, AuthError> {
    let mut url = config.login_url(&format!("{tenant}/v2.0/adminconsent"))?;
    let resource = config.endpoints().cloud.graph_url();
    let scopes: Vec<String> = config
        .graph_scopes()
        .iter()
        .map(|scope| format!("{resource}/{scope}"))
        .collect();
    url.query_pairs_mut()
        .append_pair("client_id", config.client_id())
        .append_pair("scope", &scopes.join(" "))
        .append_pair("redirect_uri", REGISTERED_REDIRECT_URI);
    Ok(url)
}

fn role_name(template_id: &str) -> Option<&'static str> {
    QUALIFYING_ROLES
        .iter()
        .find(|(id, _)| *id == template_id)
        .map(|(_, name)| *name)
}

fn push_role(roles: &mut Vec<RoleInfo>, role_template_id: String, display_name: String) {
    if !roles
        .iter()
        .any(|role| role.role_template_id == role_template_id)
    {
        roles.push(RoleInfo {
            role_template_id,
            display_name,
        });
    }
}

async fn list_roles(
    http: &reqwest::Client,
    first: Url,
    token: &AccessToken,
) -> Result<Vec<GraphDirectoryRole>, AuthError> {
    let mut roles = Vec::new();
    let mut next = Some(first);
    // A user holds a handful of roles; a few pages at most.
    for _ in 0..10 {
        let Some(url) = next.take() else { break };
        let page: GraphList<GraphDirectoryRole> = graph_get(http, &url, token).await?;
        roles.extend(page.value);
        next = page.next_link.and_then(|link| Url::parse(&link).ok());
    }
    Ok(roles)
}

async fn graph_get<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &Url,
    token: &AccessToken,
) -> Result<T, AuthError> {
    let what = url.path().to_owned();
    let response = http
        .get(url.clone())
        .bearer_auth(token.secret().expose_secret())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| AuthError::network(&error))?;
    let status = response.status();
    let request_id = response
        .headers()
        .get("request-id")
        .or_else(|| response.headers().get("client-request-id"))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response
        .bytes()
        .await
        .map_err(|error| AuthError::network(&error))?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|error| AuthError::UnexpectedResponse {
            message: format!("Microsoft Graph's answer to GET {what} could not be read ({error})"),
            request_id,
        });
    }
    let graph_error = serde_json::from_slice::<GraphErrorBody>(&body).ok();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return Err(AuthError::SignInRequired {
            reason: "Microsoft Graph no longer accepts your sign-in.".into(),
            details: None,
        });
    }
    let message = match graph_error {
        Some(GraphErrorBody { error }) => format!(
            "Microsoft Graph answered HTTP {} ({}: {}) to GET {what}",
            status.as_u16(),
            error.code,
            error.message.chars().take(300).collect::<String>()
        ),
        None => format!(
            "Microsoft Graph answered HTTP {} to GET {what}",
            status.as_u16()
        ),
    };
    Err(AuthError::UnexpectedResponse {
        message,
        request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Cloud;

    #[test]
    fn admin_consent_url_is_the_v2_endpoint_with_qualified_scopes() -> Result<(), AuthError> {
        let config = SignInConfig::for_cloud(Cloud::Global);
        let url = admin_consent_url(&config, "72f988bf-86f1-41af-91ab-2d7cd011db47")?;
        assert_eq!(
            url.path(),
            "/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/adminconsent"
        );
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("client_id"), config.client_id());
        assert_eq!(get("redirect_uri"), "http://localhost");
        let scope = get("scope");
        assert!(scope.contains("https://graph.microsoft.com/Synchronization.ReadWrite.All"));
        assert!(!scope.contains("openid"));
        Ok(())
    }
}
