//! The engine's Scaleway side: a key session or a token-only one.

use super::*;

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

    /// Whether this Organization's SCIM service takes groups (see
    /// `ScimProbe::groups_support`: asked with the token, never assumed).
    pub async fn groups_supported(
        &self,
        base_url: &Url,
        token: &Secret,
    ) -> Result<bool, SetupError> {
        let support = probe_for(self.settings())?
            .groups_support(base_url, token)
            .await?;
        Ok(support == scim_wizard_scaleway::scim_base::GroupsSupport::Supported)
    }
}
