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
use scim_wizard_scaleway::scim_base::{ScimProbe, ScimUser, VerifiedBase, patterns_to_try};
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

/// Scaleway allows at most two live SCIM tokens per Organization (reference §B.3).
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

    /// The engine's fast path of step 1: enables SCIM when it is off (one POST), or lists the
    /// tokens when it is on (kept for the next [`ScalewaySession::mint_token`], so that call
    /// need not list again). Returns whether SCIM was enabled by this call.
    pub async fn ensure_scim_enabled(&mut self) -> Result<bool, SetupError> {
        if let Some(scim) = &self.scim {
            if !self.enabled_just_now {
                self.listed_tokens = Some(self.client.list_scim_tokens(&scim.id).await?);
            }
            return Ok(false);
        }
        self.enable_scim_if_off().await?;
        Ok(self.enabled_just_now)
    }

    /// Forgets what this session knew about SCIM (after a rollback disabled it).
    pub fn forget_scim(&mut self) {
        self.scim = None;
        self.enabled_just_now = false;
        self.listed_tokens = None;
        self.unsaved_token = None;
    }

    /// Enables SCIM. The admin has confirmed: this really changes the Organization. Idempotent:
    /// reads first and enables only when it is off.
    pub async fn enable_scim(&mut self) -> Result<ScimState, SetupError> {
        self.enable_scim_if_off().await?;
        if self.enabled_just_now
            && let Some(scim) = &self.scim
        {
            return Ok(state_from(scim, &[], None));
        }
        self.scim_state().await
    }

    async fn enable_scim_if_off(&mut self) -> Result<(), SetupError> {
        if self.scim.is_none() {
            // The connection check just read the configuration (404): POST straight away, and
            // read again only if the POST's answer says it may have changed meanwhile.
            let (scim, newly) = match self.client.enable_scim(&self.organization_id).await {
                Ok(scim) => (scim, true),
                Err(
                    error @ (ScalewayError::Conflict { .. } | ScalewayError::OutcomeUnknown { .. }),
                ) => {
                    let outcome_unknown = matches!(error, ScalewayError::OutcomeUnknown { .. });
                    match self.client.get_scim(&self.organization_id).await? {
                        // After a lost answer the configuration that now exists is ours.
                        Some(scim) => (scim, outcome_unknown),
                        None => return Err(error.into()),
                    }
                }
                Err(error) => return Err(error.into()),
            };
            self.enabled_just_now = newly;
            let scim_id = scim.id.clone();
            self.scim = Some(scim);
            self.update_journal(|record| {
                record.scim_id = Some(scim_id);
                record.scim_enabled_by_us |= newly;
            })?;
        }
        Ok(())
    }

    /// Deletes a token. Only after the admin consented: Entra may be using it.
    pub async fn delete_token(&mut self, token_id: &str) -> Result<ScimState, SetupError> {
        self.client.delete_scim_token(token_id).await?;
        self.listed_tokens = None;
        let journal = self.journal.load()?;
        let mut ours = journal
            .as_ref()
            .and_then(Journal::scaleway_token_id)
            .map(str::to_owned);
        if ours.as_deref() == Some(token_id) {
            self.save_journal(journal, |record| record.token = None)?;
            ours = None;
            if let Some(vault) = &self.vault {
                vault
                    .delete_async(&scim_token_account(&self.organization_id))
                    .await?;
            }
        }
        self.enabled_just_now = false;
        // `ours` is still the journal's token id after the awaits above: in this process only
        // this session (borrowed mutably here) writes the token record, and no other process
        // writes this journal (one setup at a time).
        let Some((scim, tokens)) = self.list_if_enabled().await? else {
            return Ok(disabled_state());
        };
        Ok(state_from(scim, &tokens, ours.as_deref()))
    }

    /// Mints the SCIM token (or resumes with the one this setup already has), keeps it in the
    /// keychain first, records its id, then finds and verifies the Base URL.
    pub async fn mint_token(
        &mut self,
        keychain: KeychainChoice,
    ) -> Result<MintOutcome, SetupError> {
        let scim = self.scim.clone().ok_or(SetupError::NotReady(
            "SCIM is not enabled on this Organization yet",
        ))?;
        if keychain == KeychainChoice::Store && self.vault.is_none() {
            // Say what the admin can act on: no keychain (the UI then offers "don't store it").
            return Err(SetupError::Vault(crate::vault::VaultError::Unavailable {
                detail: "no keychain could be opened when connecting".to_owned(),
            }));
        }
        // Used at most once, and only by this call: a later mint lists afresh.
        let listed = self.listed_tokens.take();
        if let Some(outcome) = self.resume_minted_token(&scim).await? {
            return Ok(outcome);
        }
        let live = if self.enabled_just_now {
            Vec::new()
        } else if let Some(listed) = listed {
            listed
        } else {
            self.client.list_scim_tokens(&scim.id).await?
        };
        if live.len() >= MAX_SCIM_TOKENS {
            return Err(SetupError::TokenLimit { tokens: live });
        }
        let vault = match keychain {
            KeychainChoice::Store => {
                let vault = self
                    .vault
                    .clone()
                    .ok_or(SetupError::NotReady("no keychain is available"))?;
                // A locked keychain must be found now, not after the one-time token exists.
                vault.probe_async().await?;
                Some(vault)
            }
            KeychainChoice::DoNotStore => None,
        };
        let started = Utc::now();
        self.update_journal(|record| record.mint_started_at = Some(started))?;

        let created = match self.client.create_scim_token(&scim.id).await {
            Ok(created) => created,
            // Scaleway may have made it: look, never mint again in the dark.
            Err(error @ ScalewayError::OutcomeUnknown { .. }) => {
                return Err(self
                    .find_lost_mint(&scim, started)
                    .await?
                    .unwrap_or_else(|| error.into()));
            }
            Err(error) => {
                // A definite refusal: nothing was made.
                self.update_journal(|record| record.mint_started_at = None)?;
                return Err(error.into());
            }
        };
        // The one copy of the token is `created`: whatever the keychain says, it is kept.
        let keychain_problem = match &vault {
            Some(vault) => vault
                .store_async(
                    &scim_token_account(&self.organization_id),
                    &created.bearer_token,
                )
                .await
                .err(),
            None => None,
        };
        let in_keychain = vault.is_some() && keychain_problem.is_none();
        if !in_keychain {
            self.unsaved_token = Some(Secret::from(
                created.bearer_token.expose_secret().to_owned(),
            ));
        }
        let token = created.token.clone();
        self.update_journal(|record| {
            record.token = Some(TokenRecord {
                id: Some(token.id.clone()),
                minted_by_us: true,
                created_at: token.created_at,
                expires_at: token.expires_at,
                in_keychain,
            });
            record.mint_started_at = None;
        })?;
        self.enabled_just_now = false;
        let base_url = self.discover_base_url(&scim, &created.bearer_token).await?;
        Ok(MintOutcome {
            token: summary_of(&created.token, true),
            base_url,
            resumed: false,
            stored_in_keychain: in_keychain,
            keychain_problem: keychain_problem.map(crate::error::UiError::from),
        })
    }

    /// The token is held only in memory (the admin chose not to store it, or the keychain
    /// refused it): tries the keychain again. On success the token is kept there like any other.
    pub async fn store_token_in_keychain(&mut self) -> Result<(), SetupError> {
        let token = self
            .unsaved_token
            .as_ref()
            .map(|t| Secret::from(t.expose_secret().to_owned()))
            .ok_or(SetupError::NotReady(
                "there is no token waiting for the keychain",
            ))?;
        let vault = self
            .vault
            .as_ref()
            .ok_or(SetupError::NotReady("no keychain is available"))?
            .reconnect_async()
            .await?;
        vault
            .store_async(&scim_token_account(&self.organization_id), &token)
            .await?;
        self.vault = Some(vault);
        self.unsaved_token = None;
        self.update_journal(|record| {
            if let Some(token) = record.token.as_mut() {
                token.in_keychain = true;
            }
        })?;
        Ok(())
    }

    /// True while the setup's token exists only in this app's memory.
    pub fn token_only_in_memory(&self) -> bool {
        self.unsaved_token.is_some()
    }

    /// Checks a Base URL the admin pasted with the token we hold, and records it.
    pub async fn set_base_url(&mut self, pasted: &str) -> Result<String, SetupError> {
        let url = validate::base_url(pasted)?;
        let token = self
            .token()
            .await?
            .ok_or(SetupError::NotReady("there is no SCIM token yet"))?;
        let verified = self.probe()?.verify(&url, &token).await?;
        let text = verified.base_url.to_string();
        let recorded = text.clone();
        self.update_journal(|record| record.base_url = Some(recorded))?;
        Ok(text)
    }

    /// The SCIM token of this setup: from the keychain, or from memory when the admin chose not
    /// to store it.
    pub async fn token(&self) -> Result<Option<Secret>, SetupError> {
        if let Some(token) = &self.unsaved_token {
            return Ok(Some(Secret::from(token.expose_secret().to_owned())));
        }
        match &self.vault {
            Some(vault) => Ok(vault
                .read_async(&scim_token_account(&self.organization_id))
                .await?),
            None => Ok(None),
        }
    }

    /// Forgets the remembered Scaleway key (sign out of Scaleway).
    pub async fn forget_key(&self) -> Result<(), SetupError> {
        if let Some(vault) = &self.vault {
            vault
                .delete_async(&scaleway_key_account(&self.organization_id))
                .await?;
        }
        Ok(())
    }

    fn probe(&self) -> Result<ScimProbe, SetupError> {
        Ok(ScimProbe::with_options(
            self.settings.probe_timeout,
            self.settings.probe_retry.clone(),
        )?)
    }

    async fn discover_base_url(
        &mut self,
        scim: &Scim,
        token: &Secret,
    ) -> Result<Option<String>, SetupError> {
        let patterns = patterns_to_try(self.settings.scim_base_pattern.as_deref())?;
        match self
            .probe()?
            .discover(&patterns, &scim.id, &self.organization_id, token)
            .await
        {
            Ok(verified) => {
                let text = verified.base_url.to_string();
                let recorded = text.clone();
                self.update_journal(|record| record.base_url = Some(recorded))?;
                Ok(Some(text))
            }
            // The token is safe in the keychain; the admin pastes the URL next.
            Err(error) => {
                tracing::info!(code = error.code(), "no SCIM Base URL candidate verified");
                Ok(None)
            }
        }
    }

    /// A token this setup minted earlier and still holds: reuse it rather than mint another.
    async fn resume_minted_token(
        &mut self,
        scim: &Scim,
    ) -> Result<Option<MintOutcome>, SetupError> {
        let Some(journal) = self.journal.load()? else {
            return Ok(None);
        };
        let Some(record) = journal.scaleway.as_ref() else {
            return Ok(None);
        };
        let Some(held) = self.token().await? else {
            if record.token.as_ref().is_some_and(|t| t.minted_by_us) {
                // The keychain lost the value (or the admin chose not to keep it and the app
                // restarted): this token cannot be used again.
                let ids: Vec<String> = record.token.iter().filter_map(|t| t.id.clone()).collect();
                return Err(SetupError::TokenLost { token_ids: ids });
            }
            // A mint began and never ended (its answer lost, or a crash before the keychain):
            // what Scaleway made since is looked for before anything is minted again.
            if record.token.is_none()
                && let Some(started) = record.mint_started_at
                && let Some(lost) = self.find_lost_mint(scim, started).await?
            {
                return Err(lost);
            }
            return Ok(None);
        };
        let live = self.client.list_scim_tokens(&scim.id).await?;
        let token = match record.token.as_ref().and_then(|t| t.id.clone()) {
            Some(id) => live.iter().find(|t| t.id == id).cloned(),
            // The crash came between the keychain and the journal: recognise our token as the
            // only one created after the mint started.
            None => match record.mint_started_at {
                Some(started) => {
                    let mut newer = live.iter().filter(|t| {
                        t.created_at
                            .is_some_and(|c| c >= started - chrono::Duration::seconds(5))
                    });
                    match (newer.next(), newer.next()) {
                        (Some(only), None) => Some(only.clone()),
                        _ => None,
                    }
                }
                None => None,
            },
        };
        let Some(token) = token else {
            // The token we held was deleted on Scaleway's side: it is useless now.
            if let Some(vault) = &self.vault {
                vault
                    .delete_async(&scim_token_account(&self.organization_id))
                    .await?;
            }
            self.update_journal(|record| {
                record.token = None;
                record.mint_started_at = None;
            })?;
            return Ok(None);
        };
        let id = token.id.clone();
        let in_keychain = self.unsaved_token.is_none();
        self.update_journal(|record| {
            record.token = Some(TokenRecord {
                id: Some(id),
                minted_by_us: true,
                created_at: token.created_at,
                expires_at: token.expires_at,
                in_keychain,
            });
            record.mint_started_at = None;
        })?;
        let base_url = match record.base_url.clone() {
            Some(url) => Some(url),
            None => self.discover_base_url(scim, &held).await?,
        };
        Ok(Some(MintOutcome {
            token: summary_of(&token, true),
            base_url,
            resumed: true,
            stored_in_keychain: in_keychain,
            keychain_problem: None,
        }))
    }

    /// Reads the journal afresh on every change, never a copy kept from before an await: during
    /// `apply_all` the Entra branch records its progress (the app, the job) in the same file
    /// while this session awaits Scaleway, and saving an older copy would erase those records.
    /// After a mint whose answer was lost, or that a crash cut short before its token reached
    /// the keychain: the tokens Scaleway made since `started` (a few seconds of clock skew
    /// allowed). One is ours, and its secret is gone for good: it is recorded, so a rollback
    /// deletes it, and reported with its id. None means nothing was made, and minting may go on.
    async fn find_lost_mint(
        &self,
        scim: &Scim,
        started: DateTime<Utc>,
    ) -> Result<Option<SetupError>, SetupError> {
        let live = self.client.list_scim_tokens(&scim.id).await?;
        let since = started - chrono::Duration::seconds(5);
        let made: Vec<&ScimToken> = live
            .iter()
            .filter(|t| t.created_at.is_some_and(|created| created >= since))
            .collect();
        match made.as_slice() {
            [] => {
                self.update_journal(|record| record.mint_started_at = None)?;
                Ok(None)
            }
            [only] => {
                let token = (*only).clone();
                self.update_journal(|record| {
                    record.token = Some(TokenRecord {
                        id: Some(token.id.clone()),
                        minted_by_us: true,
                        created_at: token.created_at,
                        expires_at: token.expires_at,
                        in_keychain: false,
                    });
                    record.mint_started_at = None;
                })?;
                Ok(Some(SetupError::TokenLost {
                    token_ids: vec![only.id.clone()],
                }))
            }
            several => Ok(Some(SetupError::TokenLost {
                token_ids: several.iter().map(|t| t.id.clone()).collect(),
            })),
        }
    }

    fn update_journal(&self, change: impl FnOnce(&mut ScalewayRecord)) -> Result<(), SetupError> {
        let loaded = self.journal.load()?;
        self.save_journal(loaded, change)
    }

    /// [`Self::update_journal`] on the journal the caller has just loaded, with no await since
    /// (so nothing else can have written it in between).
    fn save_journal(
        &self,
        loaded: Option<Journal>,
        change: impl FnOnce(&mut ScalewayRecord),
    ) -> Result<(), SetupError> {
        let now = Utc::now();
        let mut journal = loaded.unwrap_or_else(|| Journal::new(now));
        check_organization(&journal, &self.organization_id)?;
        let record = journal.scaleway.get_or_insert_with(|| ScalewayRecord {
            organization_id: self.organization_id.clone(),
            ..ScalewayRecord::default()
        });
        record.organization_name = self.organization_name.clone();
        change(record);
        journal.updated_at = now;
        self.journal.save(&journal)?;
        Ok(())
    }
}

/// How the engine reaches Scaleway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ScalewayAccess {
    /// A Scaleway API key: the app enables SCIM, creates and deletes tokens and reads IAM users.
    ApiKey,
    /// Only a SCIM token and its Base URL, made by hand in the Scaleway console: the app can
    /// use them, but cannot list, create or delete tokens, nor disable SCIM.
    TokenOnly,
}

/// Step 1 done by hand: a SCIM token and its verified Base URL, without a Scaleway API key.
///
/// Everything the Entra steps need is here (the token for Entra's "Secret Token", the Base URL
/// for its "Tenant URL"), and the final proof looks the user up over SCIM with the same token.
#[derive(Debug)]
pub struct TokenOnlySession {
    settings: ScalewaySettings,
    /// Given by the admin, or read from the journal; `None` when never given.
    organization_id: Option<String>,
    base_url: Url,
    vault: Option<Vault>,
    journal: JournalStore,
    /// The token when it is not kept in the keychain (the admin chose not to store it): it then
    /// lives only as long as this session.
    held: Option<Secret>,
}

impl TokenOnlySession {
    /// Checks a token and Base URL the admin has (shape, then `GET {base}/Users?count=1` with
    /// the token), keeps the token (in the keychain, or in memory only with
    /// [`KeychainChoice::DoNotStore`]) and records the Base URL in the journal (never the token).
    ///
    /// The Organization ID is optional: given, or the one the journal already names.
    pub async fn adopt(
        settings: ScalewaySettings,
        vault: Option<Vault>,
        journal: JournalStore,
        organization_id: Option<&str>,
        token: Secret,
        base_url: &str,
        keychain: KeychainChoice,
    ) -> Result<Self, SetupError> {
        // Pasting often brings a trailing newline: Entra must get the token exactly.
        let token = Secret::from(validate::scim_bearer_token(token.expose_secret())?.to_owned());
        let url = validate::base_url(base_url)?;
        let given = organization_id
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(validate::organization_id)
            .transpose()?;
        let existing = journal.load()?;
        let recorded = existing
            .as_ref()
            .and_then(|j| j.scaleway.as_ref())
            .map(|s| s.organization_id.clone())
            .filter(|id| !id.is_empty());
        if let (Some(existing), Some(given)) = (&existing, &given)
            && recorded.is_some()
        {
            check_organization(existing, given)?;
        }
        // A token this setup made is tracked so that rollback can delete it: replacing it here
        // would leave it in Scaleway, untracked.
        if let Some(minted) = existing
            .as_ref()
            .and_then(|j| j.scaleway.as_ref())
            .and_then(|s| s.token.as_ref())
            .filter(|t| t.minted_by_us)
        {
            return Err(SetupError::TokenAlreadyCreated {
                token_id: minted
                    .id
                    .clone()
                    .unwrap_or_else(|| "its id is unknown".to_owned()),
            });
        }
        let organization_id = given.or(recorded);
        let vault = match keychain {
            KeychainChoice::Store => Some(vault.ok_or_else(|| {
                SetupError::Vault(crate::vault::VaultError::Unavailable {
                    detail: "no keychain could be opened".to_owned(),
                })
            })?),
            KeychainChoice::DoNotStore => None,
        };
        let verified = probe_for(&settings)?.verify(&url, &token).await?;
        let mut session = Self {
            settings,
            organization_id,
            base_url: verified.base_url,
            vault,
            journal,
            held: None,
        };
        match &session.vault {
            Some(vault) => vault.store_async(&session.token_account(), &token).await?,
            None => session.held = Some(token),
        }
        let now = Utc::now();
        // Read again after the live check and the keychain write: the copy read before them may
        // be stale if another window or the CLI wrote the journal meanwhile, and this is no hot
        // path.
        let mut record_journal = session.journal.load()?.unwrap_or_else(|| Journal::new(now));
        let record = record_journal
            .scaleway
            .get_or_insert_with(ScalewayRecord::default);
        // A journal started without an Organization learns it now.
        if record.organization_id.is_empty() {
            record.organization_id = session.organization_id.clone().unwrap_or_default();
        }
        record.token = Some(TokenRecord {
            id: None,
            minted_by_us: false,
            created_at: None,
            expires_at: None,
            in_keychain: session.held.is_none(),
        });
        record.base_url = Some(session.base_url.to_string());
        record_journal.updated_at = now;
        session.journal.save(&record_journal)?;
        Ok(session)
    }

    /// The token-only side of a setup found in the journal (after a restart, or when no Scaleway
    /// key is remembered): the Base URL recorded there and the token kept in the keychain.
    /// `loaded` is the journal as the caller has just read it from `journal` (`None`: there is
    /// none). Nothing is sent anywhere: the engine checks the token when it runs.
    pub async fn from_journal(
        settings: ScalewaySettings,
        vault: Option<Vault>,
        journal: JournalStore,
        loaded: Option<&Journal>,
    ) -> Result<Self, SetupError> {
        let record = loaded
            .and_then(|j| j.scaleway.as_ref())
            .filter(|s| s.token.is_some())
            .ok_or(SetupError::NotReady(
                "no SCIM token was given or created for this setup yet",
            ))?;
        let base_url = validate::base_url(
            record
                .base_url
                .as_deref()
                .ok_or(SetupError::BaseUrlNeeded)?,
        )?;
        let session = Self {
            settings,
            organization_id: Some(record.organization_id.clone()).filter(|id| !id.is_empty()),
            base_url,
            vault,
            journal,
            held: None,
        };
        if session.token().await?.is_none() {
            return Err(SetupError::token_gone());
        }
        Ok(session)
    }

    pub fn organization_id(&self) -> Option<&str> {
        self.organization_id.as_deref()
    }

    /// The verified Base URL (Entra's Tenant URL is built from it).
    pub fn base_url(&self) -> &Url {
        &self.base_url
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

    /// True when the token is kept in the keychain (false: held in memory for this run only).
    pub fn in_keychain(&self) -> bool {
        self.held.is_none()
    }

    /// The keychain account of the token: per Organization when it is known.
    pub fn token_account(&self) -> String {
        self.organization_id
            .as_deref()
            .map(scim_token_account)
            .unwrap_or_else(|| PASTED_SCIM_TOKEN_ACCOUNT.to_owned())
    }

    /// The token: from memory when held there, else from the keychain.
    pub async fn token(&self) -> Result<Option<Secret>, SetupError> {
        if let Some(token) = &self.held {
            return Ok(Some(Secret::from(token.expose_secret().to_owned())));
        }
        match &self.vault {
            Some(vault) => Ok(vault.read_async(&self.token_account()).await?),
            None => Ok(None),
        }
    }

    /// The token, or why there is none.
    async fn require_token(&self) -> Result<Secret, SetupError> {
        self.token().await?.ok_or(SetupError::token_gone())
    }

    /// Checks live that the token still opens the Base URL (`GET {base}/Users?count=1`).
    pub async fn verify(&self) -> Result<VerifiedBase, SetupError> {
        let token = self.require_token().await?;
        Ok(probe_for(&self.settings)?
            .verify(&self.base_url, &token)
            .await?)
    }

    /// The Scaleway user whose username is `user_name`, asked over SCIM with the token
    /// (`GET {base}/Users?filter=userName eq "…"`): without an API key, SCIM is the only
    /// window on Scaleway's users.
    pub async fn find_user(&self, user_name: &str) -> Result<Option<ScimUser>, SetupError> {
        let token = self.require_token().await?;
        Ok(probe_for(&self.settings)?
            .find_user_by_user_name(&self.base_url, &token, user_name)
            .await?)
    }
}

fn probe_for(settings: &ScalewaySettings) -> Result<ScimProbe, SetupError> {
    Ok(ScimProbe::with_options(
        settings.probe_timeout,
        settings.probe_retry.clone(),
    )?)
}

/// The engine's Scaleway side: a connected API key (step 1 runs in the engine) or a token the
/// admin made by hand (step 1 is already done). Steps 2–4 run the same on both.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per engine, moved a handful of times: boxing would buy nothing"
)]
pub enum ScalewaySide {
    Keyed(ScalewaySession),
    TokenOnly(TokenOnlySession),
}

impl From<ScalewaySession> for ScalewaySide {
    fn from(session: ScalewaySession) -> Self {
        Self::Keyed(session)
    }
}

impl From<TokenOnlySession> for ScalewaySide {
    fn from(session: TokenOnlySession) -> Self {
        Self::TokenOnly(session)
    }
}

impl ScalewaySide {
    pub fn access(&self) -> ScalewayAccess {
        match self {
            Self::Keyed(_) => ScalewayAccess::ApiKey,
            Self::TokenOnly(_) => ScalewayAccess::TokenOnly,
        }
    }

    pub fn organization_id(&self) -> Option<&str> {
        match self {
            Self::Keyed(session) => Some(session.organization_id()),
            Self::TokenOnly(session) => session.organization_id(),
        }
    }

    /// The Organization the journal is kept for: empty when a token was given without one.
    pub fn journal_organization(&self) -> &str {
        self.organization_id().unwrap_or_default()
    }

    pub fn organization_name(&self) -> Option<&str> {
        match self {
            Self::Keyed(session) => session.organization_name(),
            Self::TokenOnly(_) => None,
        }
    }

    pub fn journal_store(&self) -> &JournalStore {
        match self {
            Self::Keyed(session) => session.journal_store(),
            Self::TokenOnly(session) => session.journal_store(),
        }
    }

    pub fn vault(&self) -> Option<&Vault> {
        match self {
            Self::Keyed(session) => session.vault(),
            Self::TokenOnly(session) => session.vault(),
        }
    }

    pub fn settings(&self) -> &ScalewaySettings {
        match self {
            Self::Keyed(session) => session.settings(),
            Self::TokenOnly(session) => session.settings(),
        }
    }

    /// The key session, when there is one.
    pub fn keyed(&self) -> Option<&ScalewaySession> {
        match self {
            Self::Keyed(session) => Some(session),
            Self::TokenOnly(_) => None,
        }
    }

    pub fn keyed_mut(&mut self) -> Option<&mut ScalewaySession> {
        match self {
            Self::Keyed(session) => Some(session),
            Self::TokenOnly(_) => None,
        }
    }

    pub fn token_only(&self) -> Option<&TokenOnlySession> {
        match self {
            Self::Keyed(_) => None,
            Self::TokenOnly(session) => Some(session),
        }
    }

    /// The keychain account of this setup's SCIM token.
    /// True while the setup's token exists only in this app's memory (the admin chose not to
    /// keep it, or the keychain refused it): dropping this side would lose it.
    pub fn token_only_in_memory(&self) -> bool {
        match self {
            Self::Keyed(session) => session.token_only_in_memory(),
            Self::TokenOnly(session) => !session.in_keychain(),
        }
    }

    pub fn token_account(&self) -> String {
        match self {
            Self::Keyed(session) => scim_token_account(session.organization_id()),
            Self::TokenOnly(session) => session.token_account(),
        }
    }

    /// The SCIM token of this setup.
    pub async fn token(&self) -> Result<Option<Secret>, SetupError> {
        match self {
            Self::Keyed(session) => session.token().await,
            Self::TokenOnly(session) => session.token().await,
        }
    }

    /// The token the admin gave and its Base URL, when step 1 needs no key work: always with a
    /// token-only side; with a key, when the journal says the token was given (not minted) and
    /// it is still held. `None`: step 1 (enable, mint) runs. `loaded`: the journal as the caller
    /// has just read it from [`Self::journal_store`] (`None`: there is none).
    pub(crate) async fn given_token(
        &self,
        loaded: Option<&Journal>,
    ) -> Result<Option<(Secret, Url)>, SetupError> {
        match self {
            Self::TokenOnly(session) => Ok(Some((
                session.require_token().await?,
                session.base_url().clone(),
            ))),
            Self::Keyed(session) => {
                let record = loaded.and_then(|j| j.scaleway.as_ref());
                let given_base = record.and_then(|record| match &record.token {
                    Some(token) if !token.minted_by_us && token.id.is_none() => {
                        record.base_url.as_deref()
                    }
                    _ => None,
                });
                let Some(base) = given_base else {
                    return Ok(None);
                };
                let base = validate::base_url(base)?;
                Ok(session.token().await?.map(|token| (token, base)))
            }
        }
    }

    /// Checks live that a given token still opens its Base URL.
    pub(crate) async fn verify_given(
        &self,
        base_url: &Url,
        token: &Secret,
    ) -> Result<(), SetupError> {
        probe_for(self.settings())?.verify(base_url, token).await?;
        Ok(())
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
