//! Step 1, Scaleway: connect with a key, enable SCIM, mint the token, find the Base URL, and keep
//! the token in the keychain — or take a token and Base URL the admin already has.
//!
//! Order matters for "nothing lost": the keychain is probed before a token is minted, the token
//! goes into the keychain the instant it arrives (before anything else touches it), and only then
//! does the journal record its id (never its value). A crash after minting resumes with the token
//! read back from the keychain instead of minting a second one.

use std::path::Path;

use chrono::{DateTime, Utc};
pub use scim_wizard_scaleway::credentials::Environment;
use scim_wizard_scaleway::credentials::import_credentials;
use scim_wizard_scaleway::scim_base::{
    ScimGroup, ScimProbe, ScimUser, VerifiedBase, patterns_to_try,
};
use scim_wizard_scaleway::{
    ClientOptions, OrganizationSource, RetryPolicy, ScalewayClient, ScalewayError, Scim, ScimToken,
    validate,
};
use serde::Serialize;
use url::Url;

use crate::failure::SetupError;
use crate::journal::{Journal, JournalStore, ScalewayRecord, TokenRecord, check_organization};
use crate::secret::{ExposeSecret, Secret};
use crate::vault::Vault;

mod side;
mod token;
mod token_only;

pub use side::ScalewaySide;
use token::probe_for;
pub use token_only::{ScalewayAccess, TokenOnlySession};

/// Scaleway allows at most two live SCIM tokens per Organization (docs/services.md).
pub const MAX_SCIM_TOKENS: usize = 2;

/// Keychain account of an Organization's SCIM token.
pub fn scim_token_account(organization_id: &str) -> String {
    format!("scim-token:{organization_id}")
}

/// Keychain account of a token pasted without a known Organization.
pub const PASTED_SCIM_TOKEN_ACCOUNT: &str = "scim-token:pasted";

/// Keychain account of the Scaleway secret key used for an Organization.
pub fn scaleway_key_account(organization_id: &str) -> String {
    format!("scaleway-secret-key:{organization_id}")
}

/// Where Scaleway is, and how hard to try.
#[derive(Debug, Clone)]
pub struct ScalewaySettings {
    /// `https://api.scaleway.com`, or the sandbox's `http://127.0.0.1:PORT/scaleway`.
    pub api_base: Url,
    /// A SCIM Base URL pattern with `{scim_id}` / `{organization_id}` that replaces the built-in
    /// guesses (setting, `--scim-base-url`, `SCIM_WIZARD_SCIM_BASE_URL`).
    pub scim_base_pattern: Option<String>,
    pub client_options: ClientOptions,
    pub probe_timeout: std::time::Duration,
    pub probe_retry: RetryPolicy,
    /// Whether connecting writes the key to the keychain, so a resume needs no retyping (the
    /// admin's [`crate::CredentialRetention`]; the CLI keeps it only with `--remember`).
    pub remember_key: bool,
}

impl Default for ScalewaySettings {
    fn default() -> Self {
        Self {
            api_base: scim_wizard_scaleway::default_api_base(),
            scim_base_pattern: None,
            client_options: ClientOptions::default(),
            probe_timeout: std::time::Duration::from_secs(15),
            probe_retry: RetryPolicy::default(),
            remember_key: true,
        }
    }
}

/// The process environment as the engine reads it: the Scaleway CLI's variables plus this
/// app's own `SCIM_WIZARD_*` overrides (endpoints, cloud, client id, tenant).
pub fn process_environment() -> Environment {
    let mut pairs: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| name.starts_with("SCIM_WIZARD_"))
        .collect();
    let scaleway = Environment::from_process();
    for name in [
        "SCW_CONFIG_PATH",
        "SCW_PROFILE",
        "SCW_ACCESS_KEY",
        "SCW_SECRET_KEY",
        "SCW_DEFAULT_ORGANIZATION_ID",
        "SCW_DEFAULT_PROJECT_ID",
        "SCW_API_URL",
        "XDG_CONFIG_HOME",
        "HOME",
        "USERPROFILE",
    ] {
        if let Some(value) = scaleway.get(name) {
            pairs.push((name.to_owned(), value.to_owned()));
        }
    }
    Environment::from_pairs(pairs)
}

/// Environment variable overriding the Scaleway API root.
pub const SCALEWAY_URL_ENV: &str = "SCIM_WIZARD_SCALEWAY_URL";
/// Environment variable overriding the SCIM Base URL pattern.
pub const SCIM_BASE_URL_ENV: &str = "SCIM_WIZARD_SCIM_BASE_URL";

impl ScalewaySettings {
    /// The defaults, with the `SCIM_WIZARD_SCALEWAY_URL` / `SCIM_WIZARD_SCIM_BASE_URL` overrides.
    pub fn from_environment(environment: &Environment) -> Result<Self, SetupError> {
        let mut settings = Self::default();
        if let Some(api) = environment.get(SCALEWAY_URL_ENV) {
            settings = settings.with_api_base(api)?;
        }
        if let Some(pattern) = environment.get(SCIM_BASE_URL_ENV) {
            settings = settings.with_scim_base_pattern(pattern)?;
        }
        Ok(settings)
    }

    /// Points at another Scaleway API root (the sandbox, a proxy).
    pub fn with_api_base(mut self, api_base: &str) -> Result<Self, SetupError> {
        self.api_base = validate::base_url(api_base)?;
        Ok(self)
    }

    /// Replaces the built-in Base URL guesses with one pattern (checked now, so a typo is
    /// reported before any token exists).
    pub fn with_scim_base_pattern(mut self, pattern: &str) -> Result<Self, SetupError> {
        patterns_to_try(Some(pattern))?;
        self.scim_base_pattern = Some(pattern.to_owned());
        Ok(self)
    }
}

/// How the admin gives their Scaleway key.
#[derive(Debug)]
pub enum CredentialInput {
    /// Typed in: the secret key, and the Organization ID or the access key to find it.
    Typed {
        secret_key: Secret,
        organization_id: Option<String>,
        access_key: Option<String>,
    },
    /// From the `scw` CLI configuration or the `SCW_*` variables (the variables win).
    Imported { profile: Option<String> },
    /// The key remembered in the keychain for this Organization by an earlier session.
    Remembered { organization_id: String },
}

/// A Scaleway key as [`ScalewaySession::connect`] checks it, whichever way it was given.
struct KeyInput {
    secret_key: Secret,
    organization_id: Option<String>,
    access_key: Option<String>,
    /// The API URL a `scw` profile names.
    api_override: Option<String>,
    /// The keychain account the key was read from, when it was: writing it back there would
    /// change nothing, and on macOS each write may raise a keychain prompt.
    remembered_in: Option<String>,
}

impl KeyInput {
    fn remembered(key: Option<Secret>, organization_id: String) -> Result<Self, SetupError> {
        let secret_key = key.ok_or(SetupError::NotReady(
            "no Scaleway key is remembered for this Organization",
        ))?;
        Ok(Self {
            secret_key,
            remembered_in: Some(scaleway_key_account(&organization_id)),
            organization_id: Some(organization_id),
            access_key: None,
            api_override: None,
        })
    }
}

/// A token as the admin sees it in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TokenSummary {
    pub id: String,
    pub created_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// True for the token this setup minted and keeps in the keychain.
    pub ours: bool,
}

/// SCIM on the Organization, as far as the wizard is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScimState {
    pub enabled: bool,
    pub scim_id: Option<String>,
    /// Oldest first.
    pub tokens: Vec<TokenSummary>,
    /// True when Scaleway's limit of two tokens is reached: one must go before minting.
    pub at_token_limit: bool,
}

/// The result of the connection check, in plain words plus the facts behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectReport {
    pub organization_id: String,
    pub organization_name: Option<String>,
    /// How the Organization was found: `given`, `api_key_user` or `api_key_application`.
    pub organization_source: String,
    pub can_manage_scim: bool,
    pub scim_enabled: bool,
    /// E.g. "Key OK — organization 'Acme' — this key can manage SCIM".
    pub summary: String,
}

/// What minting (or resuming) produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MintOutcome {
    pub token: TokenSummary,
    /// The verified Base URL, or `None` when the admin must paste it.
    pub base_url: Option<String>,
    /// True when no new token was minted because this setup already had one.
    pub resumed: bool,
    pub stored_in_keychain: bool,
    /// Set when the keychain refused the token right after Scaleway made it: the token is kept
    /// in this app's memory (it is never shown again by Scaleway), Entra can still be given it,
    /// and the admin can copy it, reveal it, or try the keychain again.
    pub keychain_problem: Option<crate::error::UiError>,
}

/// Whether a new token goes into the OS keychain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainChoice {
    Store,
    /// The admin explicitly chose not to store it: it is only sent to Entra.
    DoNotStore,
}

/// A connected Scaleway Organization and what step 1 knows about it.
#[derive(Debug)]
pub struct ScalewaySession {
    client: ScalewayClient,
    settings: ScalewaySettings,
    organization_id: String,
    organization_name: Option<String>,
    scim: Option<Scim>,
    /// Set when this session enabled SCIM: a fresh configuration has no token, so the list
    /// call can be skipped (one round trip fewer).
    enabled_just_now: bool,
    vault: Option<Vault>,
    journal: JournalStore,
    /// The token when the admin chose not to keep it in the keychain.
    unsaved_token: Option<Secret>,
    /// Tokens listed by [`ScalewaySession::ensure_scim_enabled`] a moment ago: the next mint uses
    /// them instead of listing again (one round trip fewer on the engine's critical path).
    listed_tokens: Option<Vec<ScimToken>>,
}

impl ScalewaySession {
    /// Checks the key at once: finds the Organization, reads its name and its SCIM state
    /// (which is also the permission preflight).
    pub async fn connect(
        settings: ScalewaySettings,
        input: CredentialInput,
        vault: Option<Vault>,
        journal: JournalStore,
        environment: &Environment,
        home: Option<&Path>,
    ) -> Result<(Self, ConnectReport), SetupError> {
        let key = match input {
            CredentialInput::Typed {
                secret_key,
                organization_id,
                access_key,
            } => KeyInput {
                secret_key,
                organization_id,
                access_key,
                api_override: None,
                remembered_in: None,
            },
            CredentialInput::Imported { profile } => {
                let imported = import_credentials(home, environment, profile.as_deref())?;
                KeyInput {
                    secret_key: imported.secret_key,
                    organization_id: imported.organization_id,
                    access_key: imported.access_key,
                    api_override: imported.api_url,
                    remembered_in: None,
                }
            }
            CredentialInput::Remembered { organization_id } => {
                let vault = vault.as_ref().ok_or(SetupError::NotReady(
                    "no keychain is available to read the remembered key from",
                ))?;
                let key = vault
                    .read_async(&scaleway_key_account(&organization_id))
                    .await?;
                KeyInput::remembered(key, organization_id)?
            }
        };
        Self::connect_key(settings, key, vault, journal).await
    }

    /// [`Self::connect`] with the key remembered for `organization_id`, already read from the
    /// keychain by the caller (a resume), so it is not read again. `remembered` is what the
    /// keychain holds for that Organization (`None`: no key is remembered, an error).
    pub async fn reconnect(
        settings: ScalewaySettings,
        organization_id: String,
        remembered: Option<Secret>,
        vault: Option<Vault>,
        journal: JournalStore,
    ) -> Result<(Self, ConnectReport), SetupError> {
        let key = KeyInput::remembered(remembered, organization_id)?;
        Self::connect_key(settings, key, vault, journal).await
    }

    async fn connect_key(
        settings: ScalewaySettings,
        key: KeyInput,
        vault: Option<Vault>,
        journal: JournalStore,
    ) -> Result<(Self, ConnectReport), SetupError> {
        let KeyInput {
            secret_key,
            organization_id,
            access_key,
            api_override,
            remembered_in,
        } = key;
        validate::secret_key(secret_key.expose_secret())?;
        let organization_id = organization_id
            .map(|id| validate::organization_id(&id))
            .transpose()?;
        let access_key = access_key
            .map(|key| validate::access_key(&key).map(str::to_owned))
            .transpose()?;
        if organization_id.is_none() && access_key.is_none() {
            return Err(SetupError::Validation(validate::ValidationError::Empty {
                field: validate::Field::OrganizationId,
            }));
        }
        let mut settings = settings;
        // The scw profile may name its own API URL; an explicit override (sandbox) still wins.
        if let Some(api) = api_override.as_deref().and_then(|u| Url::parse(u).ok())
            && settings.api_base == scim_wizard_scaleway::default_api_base()
        {
            settings.api_base = api;
        }
        let remembered_key = Secret::from(secret_key.expose_secret().to_owned());
        let client = ScalewayClient::with_options(
            settings.api_base.clone(),
            secret_key,
            settings.client_options.clone(),
        )?;
        let check = client
            .check_credentials(organization_id.as_deref(), access_key.as_deref())
            .await?;
        if let Some(existing) = journal.load()? {
            check_organization(&existing, &check.organization_id)?;
        }
        let report = ConnectReport {
            summary: summary(
                check.organization_name.as_deref(),
                &check.organization_id,
                check.can_manage_scim,
            ),
            organization_id: check.organization_id.clone(),
            organization_name: check.organization_name.clone(),
            organization_source: match check.organization_source {
                OrganizationSource::Given => "given",
                OrganizationSource::ApiKeyUser { .. } => "api_key_user",
                OrganizationSource::ApiKeyApplication { .. } => "api_key_application",
            }
            .to_owned(),
            can_manage_scim: check.can_manage_scim,
            scim_enabled: check.scim_enabled.is_some(),
        };
        if !check.can_manage_scim {
            return Err(SetupError::Scaleway(
                scim_wizard_scaleway::ScalewayError::PermissionDenied {
                    denied: check.scim_denied_permissions.clone(),
                    request_id: check.requests.last().and_then(|r| r.request_id.clone()),
                },
            ));
        }
        // Remember the key for this Organization so a resume needs no retyping, when the admin
        // wants it kept; a keychain problem here is not worth failing the connection for. A key
        // read from that very entry is already there.
        let account = scaleway_key_account(&check.organization_id);
        if let Some(vault) = &vault
            && settings.remember_key
            && remembered_in.as_deref() != Some(account.as_str())
            && let Err(error) = vault.store_async(&account, &remembered_key).await
        {
            tracing::warn!(
                code = error.code().as_str(),
                "could not remember the Scaleway key"
            );
        }
        let session = Self {
            client,
            settings,
            organization_id: check.organization_id,
            organization_name: check.organization_name,
            scim: check.scim_enabled,
            enabled_just_now: false,
            vault,
            journal,
            unsaved_token: None,
            listed_tokens: None,
        };
        Ok((session, report))
    }

    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    pub fn organization_name(&self) -> Option<&str> {
        self.organization_name.as_deref()
    }

    pub fn client(&self) -> &ScalewayClient {
        &self.client
    }

    /// SCIM state with the token list (one call when SCIM is enabled, none when it is not).
    pub async fn scim_state(&self) -> Result<ScimState, SetupError> {
        let Some((scim, tokens)) = self.list_if_enabled().await? else {
            return Ok(disabled_state());
        };
        let journal = self.journal.load()?;
        Ok(state_from(
            scim,
            &tokens,
            journal.as_ref().and_then(Journal::scaleway_token_id),
        ))
    }

    /// The SCIM configuration and its live tokens, or `None` when SCIM is not enabled (then
    /// nothing is asked).
    async fn list_if_enabled(&self) -> Result<Option<(&Scim, Vec<ScimToken>)>, SetupError> {
        match &self.scim {
            Some(scim) => Ok(Some((scim, self.client.list_scim_tokens(&scim.id).await?))),
            None => Ok(None),
        }
    }

    /// The SCIM configuration id, once SCIM is known to be enabled.
    pub fn scim_id(&self) -> Option<&str> {
        self.scim.as_ref().map(|scim| scim.id.as_str())
    }

    pub fn settings(&self) -> &ScalewaySettings {
        &self.settings
    }

    pub fn vault(&self) -> Option<&Vault> {
        self.vault.as_ref()
    }

    pub fn journal_store(&self) -> &JournalStore {
        &self.journal
    }
}

fn summary(name: Option<&str>, id: &str, can_manage_scim: bool) -> String {
    let organization = match name {
        Some(name) => format!("organization '{name}'"),
        None => format!("organization {id}"),
    };
    if can_manage_scim {
        format!("Key OK — {organization} — this key can manage SCIM")
    } else {
        format!("Key OK — {organization} — but this key cannot manage SCIM")
    }
}

fn disabled_state() -> ScimState {
    ScimState {
        enabled: false,
        scim_id: None,
        tokens: Vec::new(),
        at_token_limit: false,
    }
}

fn summary_of(token: &ScimToken, ours: bool) -> TokenSummary {
    TokenSummary {
        id: token.id.clone(),
        created_at: token.created_at,
        expires_at: token.expires_at,
        ours,
    }
}

fn state_from(scim: &Scim, tokens: &[ScimToken], ours: Option<&str>) -> ScimState {
    let mut tokens: Vec<TokenSummary> = tokens
        .iter()
        .map(|t| summary_of(t, Some(t.id.as_str()) == ours))
        .collect();
    tokens.sort_by_key(|t| t.created_at);
    ScimState {
        enabled: true,
        scim_id: Some(scim.id.clone()),
        at_token_limit: tokens.len() >= MAX_SCIM_TOKENS,
        tokens,
    }
}
