//! The Entra side of the engine: where Microsoft is (cloud preset plus overrides), signing in
//! and staying signed in (refresh token in the OS keychain), the Graph client, and the preflight
//! gate: nothing in Entra is changed before the admin's role and the wizard's permissions check out.

use std::sync::Arc;
use std::time::Duration;

use scim_wizard_entra::auth::{
    AuthError, PreflightReport, RefreshTokenStore, SignInConfig, StoreError, TokenSession, Tokens,
    refresh_token_key,
};
use scim_wizard_entra::{Cloud, Endpoints, GraphClient, RetryPolicy};
use scim_wizard_scaleway::credentials::Environment;
use url::Url;

use crate::failure::SetupError;
use crate::secret::Secret;
use crate::vault::Vault;

/// Environment variable overriding the Microsoft login root (the sandbox: `{base}/login`).
pub const LOGIN_URL_ENV: &str = "SCIM_WIZARD_LOGIN_URL";
/// Environment variable overriding the Microsoft Graph root (the sandbox: `{base}/graph`).
pub const GRAPH_URL_ENV: &str = "SCIM_WIZARD_GRAPH_URL";
/// `global`, `usgov` or `china`.
pub const CLOUD_ENV: &str = "SCIM_WIZARD_CLOUD";
/// The admin's own public client id instead of Microsoft Graph Command Line Tools.
pub const CLIENT_ID_ENV: &str = "SCIM_WIZARD_CLIENT_ID";
/// A tenant id or domain to sign in to instead of `organizations`.
pub const TENANT_ENV: &str = "SCIM_WIZARD_TENANT";

/// The refresh token store of the desktop app and the CLI: the OS keychain, one entry per
/// tenant and client (`refresh_token_key(tid, client)`), chunked by the vault when long.
#[derive(Debug, Clone)]
pub struct KeychainRefreshTokenStore {
    vault: Vault,
    /// False: a sign-in kept earlier is used, but no new one is written (the admin did not ask
    /// to keep it; the session holds it in memory).
    saves: bool,
}

impl KeychainRefreshTokenStore {
    pub fn new(vault: Vault) -> Self {
        Self { vault, saves: true }
    }

    /// Reads and deletes, but never writes: for a run that keeps nothing new.
    pub fn reading_only(vault: Vault) -> Self {
        Self {
            vault,
            saves: false,
        }
    }

    /// The keychain account a tenant's refresh token lives under.
    pub fn account(tenant_id: &str, client_id: &str) -> String {
        refresh_token_key(tenant_id, client_id)
    }
}

fn store_error(error: crate::vault::VaultError) -> StoreError {
    // The vault's own sentence is plain and never holds the secret.
    StoreError::new(crate::error::UiError::from(error).message)
}

/// Runs a blocking keychain call so that it does not stall the async runtime.
///
/// The store trait is synchronous (it belongs to the Entra crate, which knows nothing of
/// keychains) yet is called from async code, and each keychain call is a blocking D-Bus round
/// trip (it may even wait for an unlock prompt). On a multi-threaded runtime (the desktop app's
/// and the CLI's) the call runs in `block_in_place`: the worker hands its other tasks to the
/// other workers meanwhile. Elsewhere (a current-thread runtime such as `#[tokio::test]`'s, or no
/// runtime) it runs as it is, as before; `block_in_place` would panic there. The result is the
/// same either way.
fn keychain_call<T>(call: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(call)
        }
        _ => call(),
    }
}

impl RefreshTokenStore for KeychainRefreshTokenStore {
    fn load(&self, key: &str) -> Result<Option<Secret>, StoreError> {
        keychain_call(|| self.vault.read(key)).map_err(store_error)
    }

    fn save(&self, key: &str, token: &Secret) -> Result<(), StoreError> {
        if !self.saves {
            return Ok(());
        }
        keychain_call(|| self.vault.store(key, token)).map_err(store_error)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        keychain_call(|| self.vault.delete(key))
            .map(drop)
            .map_err(store_error)
    }
}

/// Where Microsoft is, which client signs in, and how patient to be.
#[derive(Debug, Clone)]
pub struct EntraSettings {
    /// Cloud preset with any overrides (login root, Graph root, non-gallery template id).
    pub endpoints: Endpoints,
    /// Empty or `None`: Microsoft Graph Command Line Tools.
    pub client_id: Option<String>,
    /// Tenant id or domain; `None`: `organizations` (the admin's home tenant).
    pub tenant: Option<String>,
    /// Ask for `Group.Read.All` so groups can be picked.
    pub group_picking: bool,
    /// Ask for `AuditLog.Read.All` too: only when the admin opens the provisioning logs
    /// (incremental consent).
    pub audit_logs: bool,
    /// Delays of every Graph call (tests use `RetryPolicy::fast()`).
    pub graph_retry: RetryPolicy,
    /// How long 404/403/409 right after a create count as replication lag (about 5 minutes:
    /// docs/services.md, "Graph: replication lag").
    pub replication_window: Duration,
    /// How long the proof waits for the first cycle and for the user to show up in Scaleway.
    pub proof_timeout: Duration,
    /// Between two job status reads while waiting.
    pub poll_interval: Duration,
}

impl Default for EntraSettings {
    fn default() -> Self {
        Self {
            endpoints: Endpoints::for_cloud(Cloud::Global),
            client_id: None,
            tenant: None,
            group_picking: true,
            audit_logs: false,
            graph_retry: RetryPolicy::default(),
            replication_window: Duration::from_secs(5 * 60),
            proof_timeout: Duration::from_secs(3 * 60),
            poll_interval: Duration::from_secs(5),
        }
    }
}

impl EntraSettings {
    /// A cloud's defaults.
    pub fn for_cloud(cloud: Cloud) -> Self {
        Self {
            endpoints: Endpoints::for_cloud(cloud),
            ..Self::default()
        }
    }

    /// The defaults with `SCIM_WIZARD_CLOUD`, `SCIM_WIZARD_LOGIN_URL`, `SCIM_WIZARD_GRAPH_URL`,
    /// `SCIM_WIZARD_CLIENT_ID` and `SCIM_WIZARD_TENANT` applied (like
    /// [`crate::scaleway_step::ScalewaySettings::from_environment`]).
    pub fn from_environment(environment: &Environment) -> Result<Self, SetupError> {
        let cloud = match environment.get(CLOUD_ENV).filter(|v| !v.trim().is_empty()) {
            Some(name) => name.parse::<Cloud>().map_err(|reason| {
                SetupError::Auth(AuthError::InvalidConfig {
                    setting: CLOUD_ENV.into(),
                    reason,
                })
            })?,
            None => Cloud::Global,
        };
        let mut settings = Self::for_cloud(cloud);
        if let Some(login) = environment.get(LOGIN_URL_ENV).filter(|v| !v.is_empty()) {
            settings = settings.with_login_url(login)?;
        }
        if let Some(graph) = environment.get(GRAPH_URL_ENV).filter(|v| !v.is_empty()) {
            settings = settings.with_graph_url(graph)?;
        }
        settings.client_id = environment
            .get(CLIENT_ID_ENV)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned);
        settings.tenant = environment
            .get(TENANT_ENV)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned);
        // Checked now, so a typo is reported before the browser opens.
        settings.sign_in_config()?;
        Ok(settings)
    }

    pub fn with_login_url(mut self, login: &str) -> Result<Self, SetupError> {
        self.endpoints = self.endpoints.with_login(&http_url(LOGIN_URL_ENV, login)?);
        Ok(self)
    }

    pub fn with_graph_url(mut self, graph: &str) -> Result<Self, SetupError> {
        self.endpoints = self.endpoints.with_graph(&http_url(GRAPH_URL_ENV, graph)?);
        Ok(self)
    }

    /// The sign-in configuration for these settings.
    pub fn sign_in_config(&self) -> Result<SignInConfig, SetupError> {
        let config = SignInConfig::new(self.endpoints.clone())
            .with_client_id(self.client_id.as_deref().unwrap_or_default())?
            .with_tenant(self.tenant.as_deref().unwrap_or_default())?
            .with_group_picking(self.group_picking)
            .with_audit_logs(self.audit_logs);
        Ok(config)
    }
}

fn http_url(setting: &str, value: &str) -> Result<Url, SetupError> {
    let invalid = |reason: &str| {
        SetupError::Auth(AuthError::InvalidConfig {
            setting: setting.into(),
            reason: reason.into(),
        })
    };
    let url = Url::parse(value.trim()).map_err(|_| invalid("it is not a URL"))?;
    scim_wizard_entra::check_endpoint(&url).map_err(|problem| invalid(problem.describe()))?;
    Ok(url)
}

/// A signed-in admin: the token session (refreshes silently) and a Graph client on it.
#[derive(Debug, Clone)]
pub struct EntraSession {
    settings: EntraSettings,
    tokens: TokenSession,
    graph: GraphClient,
}

impl EntraSession {
    /// After a fresh sign-in (browser or device code): pins the tenant, keeps the refresh token.
    pub fn establish(
        settings: EntraSettings,
        tokens: Tokens,
        store: Arc<dyn RefreshTokenStore>,
    ) -> Result<Self, SetupError> {
        let config = settings.sign_in_config()?;
        let session = TokenSession::establish(&config, tokens, store)?;
        Self::from_token_session(settings, session)
    }

    /// Resumes the sign-in saved for `tenant_id` (from the journal) without a browser.
    /// No saved sign-in → `entra_sign_in_required`.
    pub async fn resume(
        settings: EntraSettings,
        tenant_id: &str,
        store: Arc<dyn RefreshTokenStore>,
    ) -> Result<Self, SetupError> {
        let config = settings.sign_in_config()?;
        let session = TokenSession::resume(&config, tenant_id, store).await?;
        Self::from_token_session(settings, session)
    }

    /// Wraps a session the caller established itself.
    pub fn from_token_session(
        settings: EntraSettings,
        tokens: TokenSession,
    ) -> Result<Self, SetupError> {
        let graph = GraphClient::new(&settings.endpoints.graph, tokens.clone())?
            .with_retry_policy(settings.graph_retry.clone());
        Ok(Self {
            settings,
            tokens,
            graph,
        })
    }

    pub fn tenant_id(&self) -> &str {
        self.tokens.tenant_id()
    }

    pub fn settings(&self) -> &EntraSettings {
        &self.settings
    }

    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    pub fn token_session(&self) -> &TokenSession {
        &self.tokens
    }

    /// The preflight report as it is (for a screen that shows what is missing).
    pub async fn preflight(&self) -> Result<PreflightReport, SetupError> {
        Ok(self.tokens.preflight().await?)
    }

    /// The preflight gate: `Ok` only when the role and every permission are there; otherwise a
    /// typed error naming what is missing and the admin-consent link.
    pub async fn require_preflight(&self) -> Result<PreflightReport, SetupError> {
        let report = self.preflight().await?;
        if report.ok() {
            return Ok(report);
        }
        Err(SetupError::PreflightFailed {
            missing_roles: report.missing_roles.clone(),
            missing_scopes: report.missing_scopes.clone(),
            admin_consent_url: report.admin_consent_url.as_ref().map(Url::to_string),
            fixes: report.fixes.clone(),
        })
    }

    /// Forgets the access token and deletes the saved refresh token.
    pub async fn sign_out(&self) -> Result<(), SetupError> {
        Ok(self.tokens.sign_out().await?)
    }

    /// Deletes the saved sign-in from the keychain; this session still works until the app
    /// or the command ends, and saves no newer token.
    pub fn forget_saved_sign_in(&self) -> Result<(), SetupError> {
        Ok(self.tokens.forget_saved()?)
    }

    /// The Entra admin center root of this cloud (for links).
    pub fn portal_url(&self) -> &'static str {
        self.settings.endpoints.cloud.portal_url()
    }
}

impl From<StoreError> for SetupError {
    fn from(error: StoreError) -> Self {
        SetupError::Auth(AuthError::from(error))
    }
}
