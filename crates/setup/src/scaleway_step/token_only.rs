//! Step 1 done by hand: a SCIM token and Base URL the admin made in the Scaleway console.

use super::*;

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
    pub(super) async fn require_token(&self) -> Result<Secret, SetupError> {
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

    /// What reading Scaleway's users over SCIM takes (a probe, the Base URL and the token), for
    /// a read that must not hold this session while other steps change it.
    pub(crate) async fn user_reader(&self) -> Result<(ScimProbe, Url, Secret), SetupError> {
        Ok((
            probe_for(&self.settings)?,
            self.base_url.clone(),
            self.require_token().await?,
        ))
    }

    /// How many groups Scaleway's SCIM server holds for this Organization.
    pub async fn count_groups(&self) -> Result<u64, SetupError> {
        let token = self.require_token().await?;
        Ok(probe_for(&self.settings)?
            .count_groups(&self.base_url, &token)
            .await?)
    }

    /// The group of this name as Scaleway's SCIM server shows it (`filter=displayName eq`).
    pub async fn find_group(&self, name: &str) -> Result<Option<ScimGroup>, SetupError> {
        let token = self.require_token().await?;
        Ok(probe_for(&self.settings)?
            .find_group_by_display_name(&self.base_url, &token, name)
            .await?)
    }
}
