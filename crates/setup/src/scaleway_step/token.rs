//! Step 1 with a key: SCIM turned on, the token minted and kept in the keychain the instant it
//! arrives, its Base URL found; a token whose answer was lost is found again, never minted twice.

use super::*;

impl ScalewaySession {
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

pub(super) fn probe_for(settings: &ScalewaySettings) -> Result<ScimProbe, SetupError> {
    Ok(ScimProbe::with_options(
        settings.probe_timeout,
        settings.probe_retry.clone(),
    )?)
}
