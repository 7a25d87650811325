//! What a sign-in needs to know: which cloud (and login root), which client id, which tenant,
//! which scopes, and how long to wait.

use std::fmt;
use std::time::Duration;

use url::Url;

use super::error::AuthError;
use crate::cloud::{Cloud, Endpoints};

/// Microsoft's public "Microsoft Graph Command Line Tools" client (a.k.a. Microsoft Graph
/// PowerShell), the wizard's default client id.
///
/// Why this one (docs/services.md, "Microsoft sign-in"): it is a multi-tenant *public* client
/// that exists in every tenant without registering anything, it accepts dynamic scopes (so we
/// can ask for exactly the Graph permissions of [`SIGN_IN_SCOPES`]), its registered redirect is
/// `http://localhost` (any port, RFC 8252 loopback), and it allows the device code flow. The
/// catch: the consent screen names Microsoft's tool, not us, and some tenants restrict it with
/// Conditional Access or "assignment required". Such tenants set their own multi-tenant public
/// client (redirect `http://localhost`, "Allow public client flows" on) with
/// [`SignInConfig::with_client_id`].
pub const GRAPH_CLI_TOOLS_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// The client id used unless the admin sets their own.
pub const DEFAULT_CLIENT_ID: &str = GRAPH_CLI_TOOLS_CLIENT_ID;

/// The authority used for the first sign-in when no tenant is set: work and school accounts only
/// (the synchronization APIs do not support personal accounts: docs/services.md).
pub const ORGANIZATIONS_AUTHORITY: &str = "organizations";

/// The scopes requested at sign-in: the least-privileged ones for the calls made
/// (docs/services.md, "Microsoft sign-in").
pub const SIGN_IN_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "offline_access",
    "User.Read",
    "Application.ReadWrite.All",
    "Synchronization.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "User.ReadBasic.All",
];

/// Added when the admin may pick groups to assign.
pub const GROUP_PICKER_SCOPE: &str = "Group.Read.All";

/// Added only when the admin opens the provisioning logs (incremental consent): reading
/// `auditLogs/provisioning` needs `AuditLog.Read.All` and `Directory.Read.All` together (the
/// list's permissions table), and nothing else the wizard does needs them.
pub const AUDIT_LOG_SCOPE: &str = "AuditLog.Read.All";
pub const AUDIT_LOG_DIRECTORY_SCOPE: &str = "Directory.Read.All";

/// OpenID Connect scopes: they are asked for but are not Graph permissions, so preflight does not
/// look for them in the access token.
pub const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

/// The redirect URI registered for a public client; the loopback port is added at run time
/// (Entra ignores the port of loopback redirects, docs/services.md).
pub const REGISTERED_REDIRECT_URI: &str = "http://localhost";

/// A tenant to sign in to, instead of `organizations`: a tenant id or a verified domain.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tenant(String);

impl Tenant {
    /// Checks the shape of a tenant id (GUID) or domain (`contoso.onmicrosoft.com`). It cannot
    /// check that the tenant exists: Microsoft answers that at sign-in (AADSTS90002).
    pub fn parse(value: &str) -> Result<Tenant, AuthError> {
        let trimmed = value.trim();
        let invalid = |reason: &str| AuthError::InvalidTenant {
            value: trimmed.chars().take(100).collect(),
            reason: reason.to_owned(),
        };
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        let lower = trimmed.to_ascii_lowercase();
        match lower.as_str() {
            "common" | "consumers" => {
                return Err(invalid(
                    "personal Microsoft accounts cannot manage provisioning; leave the tenant empty to use 'organizations', or give your tenant id or domain",
                ));
            }
            "organizations" => {
                return Err(invalid(
                    "'organizations' is what an empty tenant setting means; give a tenant id or domain",
                ));
            }
            _ => {}
        }
        if is_guid(&lower) {
            return Ok(Tenant(lower));
        }
        if lower.contains('@') {
            return Err(invalid(
                "that looks like an email address; give only the domain after the @",
            ));
        }
        if looks_like_guid_attempt(&lower) {
            return Err(invalid(
                "a tenant id is a GUID of 32 hexadecimal digits in the form 8-4-4-4-12",
            ));
        }
        validate_domain(&lower).map_err(invalid)?;
        Ok(Tenant(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a tenant id rather than a domain.
    pub fn is_id(&self) -> bool {
        is_guid(&self.0)
    }
}

impl fmt::Debug for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tenant({})", self.0)
    }
}

impl fmt::Display for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Tenant {
    type Err = AuthError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Tenant::parse(value)
    }
}

pub(crate) fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

fn looks_like_guid_attempt(value: &str) -> bool {
    !value.contains('.')
        && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && value.len() >= 8
}

fn validate_domain(value: &str) -> Result<(), &'static str> {
    if value.len() > 253 {
        return Err("a domain name is at most 253 characters");
    }
    let labels: Vec<&str> = value.split('.').collect();
    if labels.len() < 2 {
        return Err("a domain needs at least one dot, such as contoso.onmicrosoft.com");
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err("each part of a domain is 1 to 63 characters");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err("a domain has only letters, digits, hyphens and dots");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a part of a domain cannot start or end with a hyphen");
        }
    }
    let top = labels.last().copied().unwrap_or_default();
    if top.len() < 2 || !top.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err("a domain ends with a top-level domain such as .com");
    }
    Ok(())
}

/// How long each part of a sign-in may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From opening the browser to the redirect back to the loopback listener.
    pub interactive: Duration,
    /// How long one browser connection may take to send its request (pre-connects, slow clients).
    pub connection_read: Duration,
    /// One HTTP request to the login service or Graph.
    pub http: Duration,
    /// Refresh the access token when less than this remains.
    pub refresh_margin: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            interactive: Duration::from_secs(5 * 60),
            connection_read: Duration::from_secs(10),
            http: Duration::from_secs(30),
            refresh_margin: Duration::from_secs(5 * 60),
        }
    }
}

/// Everything a sign-in flow needs. Build with [`SignInConfig::new`] and the `with_*` methods.
#[derive(Debug, Clone)]
pub struct SignInConfig {
    endpoints: Endpoints,
    client_id: String,
    tenant: Option<Tenant>,
    group_picking: bool,
    audit_logs: bool,
    login_hint: Option<String>,
    domain_hint: Option<String>,
    timeouts: Timeouts,
}

impl SignInConfig {
    /// The default client id, `organizations`, [`SIGN_IN_SCOPES`] and default timeouts.
    pub fn new(endpoints: Endpoints) -> Self {
        SignInConfig {
            endpoints,
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            tenant: None,
            group_picking: false,
            audit_logs: false,
            login_hint: None,
            domain_hint: None,
            timeouts: Timeouts::default(),
        }
    }

    /// A cloud's own endpoints.
    pub fn for_cloud(cloud: Cloud) -> Self {
        Self::new(Endpoints::for_cloud(cloud))
    }

    /// Uses the admin's own public client instead of [`DEFAULT_CLIENT_ID`]. Empty → the default.
    pub fn with_client_id(mut self, client_id: &str) -> Result<Self, AuthError> {
        let trimmed = client_id.trim();
        if trimmed.is_empty() {
            self.client_id = DEFAULT_CLIENT_ID.to_owned();
            return Ok(self);
        }
        let lower = trimmed.to_ascii_lowercase();
        if !is_guid(&lower) {
            return Err(AuthError::InvalidConfig {
                setting: "client id".into(),
                reason: "an Application (client) ID is a GUID such as 14d82eec-204b-4c2f-b7e8-296a70dab67e".into(),
            });
        }
        self.client_id = lower;
        Ok(self)
    }

    /// Signs in to this tenant (id or domain) instead of `organizations`; needed when the admin
    /// is a guest in the tenant they manage. Empty → `organizations`.
    pub fn with_tenant(mut self, tenant: &str) -> Result<Self, AuthError> {
        self.tenant = match tenant.trim() {
            "" => None,
            value if value.eq_ignore_ascii_case(ORGANIZATIONS_AUTHORITY) => None,
            value => Some(Tenant::parse(value)?),
        };
        Ok(self)
    }

    /// Asks for [`AUDIT_LOG_SCOPE`] and [`AUDIT_LOG_DIRECTORY_SCOPE`] as well.
    pub fn with_audit_logs(mut self, audit_logs: bool) -> Self {
        self.audit_logs = audit_logs;
        self
    }

    /// Asks for [`GROUP_PICKER_SCOPE`] as well.
    pub fn with_group_picking(mut self, group_picking: bool) -> Self {
        self.group_picking = group_picking;
        self
    }

    /// Pre-fills the account in Microsoft's sign-in page (`login_hint`).
    pub fn with_login_hint(mut self, login_hint: Option<String>) -> Self {
        self.login_hint = login_hint.filter(|hint| !hint.trim().is_empty());
        self
    }

    /// Sends federated users straight to their identity provider (`domain_hint`).
    pub fn with_domain_hint(mut self, domain_hint: Option<String>) -> Self {
        self.domain_hint = domain_hint.filter(|hint| !hint.trim().is_empty());
        self
    }

    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn tenant(&self) -> Option<&Tenant> {
        self.tenant.as_ref()
    }

    pub fn group_picking(&self) -> bool {
        self.group_picking
    }

    pub fn login_hint(&self) -> Option<&str> {
        self.login_hint.as_deref()
    }

    pub fn domain_hint(&self) -> Option<&str> {
        self.domain_hint.as_deref()
    }

    pub fn timeouts(&self) -> &Timeouts {
        &self.timeouts
    }

    /// The authority segment of the first sign-in: the tenant set, else `organizations`.
    pub fn authority(&self) -> &str {
        self.tenant
            .as_ref()
            .map_or(ORGANIZATIONS_AUTHORITY, Tenant::as_str)
    }

    /// Every scope asked for at sign-in (and on refresh).
    pub fn scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = SIGN_IN_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        if self.group_picking {
            scopes.push(GROUP_PICKER_SCOPE.to_owned());
        }
        if self.audit_logs {
            scopes.push(AUDIT_LOG_SCOPE.to_owned());
            scopes.push(AUDIT_LOG_DIRECTORY_SCOPE.to_owned());
        }
        scopes
    }

    /// The Graph permissions the wizard needs (the scopes without the OpenID Connect ones).
    pub fn graph_scopes(&self) -> Vec<String> {
        self.scopes()
            .into_iter()
            .filter(|scope| {
                !OIDC_SCOPES
                    .iter()
                    .any(|oidc| oidc.eq_ignore_ascii_case(scope))
            })
            .collect()
    }

    /// `{login}/{tenant}/oauth2/v2.0/{endpoint}`.
    pub(crate) fn oauth_url(&self, tenant: &str, endpoint: &str) -> Result<Url, AuthError> {
        self.login_url(&format!("{tenant}/oauth2/v2.0/{endpoint}"))
    }

    /// `{login}/{path}`.
    pub(crate) fn login_url(&self, path: &str) -> Result<Url, AuthError> {
        let root = self.endpoints.login.trim_end_matches('/');
        Url::parse(&format!("{root}/{path}")).map_err(|error| AuthError::InvalidConfig {
            setting: "login URL".into(),
            reason: error.to_string(),
        })
    }

    /// `{graph}/v1.0/{path}`.
    pub(crate) fn graph_url(&self, path: &str) -> Result<Url, AuthError> {
        let root = self.endpoints.graph.trim_end_matches('/');
        Url::parse(&format!("{root}/v1.0/{path}")).map_err(|error| AuthError::InvalidConfig {
            setting: "Microsoft Graph URL".into(),
            reason: error.to_string(),
        })
    }

    /// A copy of this config that signs in to the given tenant (the `tid` pinned after sign-in).
    pub(crate) fn pinned_to(&self, tenant_id: &str) -> Result<SignInConfig, AuthError> {
        let mut pinned = self.clone();
        pinned.tenant = Some(Tenant::parse(tenant_id)?);
        Ok(pinned)
    }

    /// The HTTP client for the login service and Graph: no redirects (a token endpoint never
    /// redirects, and a redirect must not carry a code or a token elsewhere), bounded time.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, AuthError> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeouts.http)
            .connect_timeout(self.timeouts.http.min(Duration::from_secs(15)))
            .user_agent(concat!("scim-wizard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| AuthError::network(&error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_are_guids_or_domains() {
        let id = Tenant::parse(" 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ").map(|t| t.to_string());
        assert_eq!(
            id.ok().as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert!(Tenant::parse("contoso.onmicrosoft.com").is_ok_and(|t| !t.is_id()));
        assert!(Tenant::parse("Fabrikam.co.uk").is_ok());
        for bad in [
            "",
            "common",
            "consumers",
            "organizations",
            "admin@contoso.com",
            "72f988bf-86f1-41af-91ab",
            "contoso",
            "contoso..com",
            "-contoso.com",
            "contoso.c0m",
            "conto so.com",
            "https://contoso.com",
            "../../etc",
        ] {
            let error = Tenant::parse(bad).err();
            assert_eq!(
                error.as_ref().map(AuthError::code),
                Some("entra.invalid_tenant"),
                "{bad}"
            );
        }
    }

    #[test]
    fn config_defaults_and_overrides() -> Result<(), AuthError> {
        let config = SignInConfig::for_cloud(Cloud::Global);
        assert_eq!(config.client_id(), GRAPH_CLI_TOOLS_CLIENT_ID);
        assert_eq!(config.authority(), "organizations");
        assert!(!config.scopes().iter().any(|s| s == GROUP_PICKER_SCOPE));
        assert!(!config.graph_scopes().iter().any(|s| s == "openid"));
        let config = config
            .with_tenant("contoso.onmicrosoft.com")?
            .with_group_picking(true)
            .with_client_id("")?;
        assert_eq!(config.authority(), "contoso.onmicrosoft.com");
        assert!(config.scopes().iter().any(|s| s == GROUP_PICKER_SCOPE));
        assert!(!config.scopes().iter().any(|s| s == AUDIT_LOG_SCOPE));
        let config = config.with_audit_logs(true);
        assert!(config.graph_scopes().iter().any(|s| s == AUDIT_LOG_SCOPE));
        assert_eq!(
            config.oauth_url("t", "authorize")?.as_str(),
            "https://login.microsoftonline.com/t/oauth2/v2.0/authorize"
        );
        assert!(config.clone().with_client_id("not-a-guid").is_err());
        assert_eq!(config.with_tenant("")?.authority(), "organizations");
        Ok(())
    }
}
