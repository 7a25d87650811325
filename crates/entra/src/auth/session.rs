//! Keeping the admin signed in: the access token in memory, the refresh token in memory and in
//! the caller's store (the OS keychain) for as long as the admin wants it kept, silent refresh
//! with rotation, and sign-out.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use oauth2::{RefreshToken, Scope};
use secrecy::{ExposeSecret, SecretString};

use super::config::SignInConfig;
use super::error::{AuthError, Stage};
use super::preflight::{PreflightReport, preflight};
use super::token::{
    AccessToken, TokenClaims, Tokens, map_request_error, token_client, tokens_from_response,
};

/// A failure of a [`RefreshTokenStore`], in words fit for the admin (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    pub message: String,
}

impl StoreError {
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
        }
    }
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> Self {
        AuthError::TokenStore {
            message: error.message,
        }
    }
}

/// Where refresh tokens live between runs. The desktop app and the CLI implement it over the OS
/// keychain (service `scim-wizard`); [`MemoryRefreshTokenStore`] is for tests and for
/// "don't store it". Keys come from [`refresh_token_key`].
pub trait RefreshTokenStore: Send + Sync {
    fn load(&self, key: &str) -> Result<Option<SecretString>, StoreError>;
    fn save(&self, key: &str, token: &SecretString) -> Result<(), StoreError>;
    /// Deleting a key that holds nothing is not an error.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
}

/// The store key of the refresh token for a tenant and client:
/// `entra-refresh-token/{tenant_id}/{client_id}` (a refresh token is bound to a user and a client).
pub fn refresh_token_key(tenant_id: &str, client_id: &str) -> String {
    format!("entra-refresh-token/{tenant_id}/{client_id}")
}

/// A [`RefreshTokenStore`] in memory: nothing survives the process.
#[derive(Default)]
pub struct MemoryRefreshTokenStore {
    tokens: Mutex<HashMap<String, SecretString>>,
}

impl MemoryRefreshTokenStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many tokens it holds.
    pub fn len(&self) -> usize {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for MemoryRefreshTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryRefreshTokenStore")
            .field("entries", &self.len())
            .finish()
    }
}

impl RefreshTokenStore for MemoryRefreshTokenStore {
    fn load(&self, key: &str) -> Result<Option<SecretString>, StoreError> {
        Ok(self
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned())
    }

    fn save(&self, key: &str, token: &SecretString) -> Result<(), StoreError> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), token.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
        Ok(())
    }
}

/// A signed-in admin: hands out a valid access token, refreshing it silently.
///
/// Cheap to clone; clones share the token, and concurrent callers wait for one refresh.
#[derive(Clone)]
pub struct TokenSession {
    inner: Arc<Inner>,
}

struct Inner {
    /// Pinned to the tenant id from the token (`tid`).
    config: SignInConfig,
    tenant_id: String,
    key: String,
    store: Arc<dyn RefreshTokenStore>,
    /// The newest refresh token, so the session keeps working after the saved copy is
    /// forgotten ([`TokenSession::forget_saved`]).
    refresh: Mutex<Option<SecretString>>,
    /// False once the admin asked for the sign-in not to be kept: rotated tokens then stay in
    /// memory only.
    persist: AtomicBool,
    http: reqwest::Client,
    access: tokio::sync::Mutex<Option<AccessToken>>,
}

impl Inner {
    fn remember(&self, token: &SecretString) -> Result<(), StoreError> {
        *self.refresh.lock().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        if self.persist.load(Ordering::SeqCst) {
            self.store.save(&self.key, token)?;
        }
        Ok(())
    }

    fn current_refresh(&self) -> Result<Option<SecretString>, StoreError> {
        let held = self
            .refresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match held {
            Some(token) => Ok(Some(token)),
            None => self.store.load(&self.key),
        }
    }

    fn drop_refresh(&self) -> Result<(), StoreError> {
        *self.refresh.lock().unwrap_or_else(PoisonError::into_inner) = None;
        self.store.delete(&self.key)
    }
}

impl fmt::Debug for TokenSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSession")
            .field("tenant_id", &self.inner.tenant_id)
            .field("client_id", &self.inner.config.client_id())
            .finish_non_exhaustive()
    }
}

impl TokenSession {
    /// Starts a session from a fresh sign-in: pins the tenant from the token's `tid` and saves the
    /// refresh token in `store`.
    pub fn establish(
        config: &SignInConfig,
        tokens: Tokens,
        store: Arc<dyn RefreshTokenStore>,
    ) -> Result<TokenSession, AuthError> {
        let tenant_id =
            tokens
                .claims()
                .tenant_id
                .clone()
                .ok_or_else(|| AuthError::UnexpectedResponse {
                    message: "the access token does not say which tenant it is for (no 'tid')"
                        .into(),
                    request_id: None,
                })?;
        let session = Self::new(config, &tenant_id, store)?;
        let (access, refresh) = tokens.into_parts();
        if let Some(refresh) = refresh {
            session.inner.remember(&refresh)?;
        } else {
            tracing::warn!("no refresh token came with the sign-in; it will last one hour");
        }
        // The mutex is new and uncontended.
        if let Ok(mut slot) = session.inner.access.try_lock() {
            *slot = Some(access);
        }
        Ok(session)
    }

    /// Resumes a session saved earlier (the app knows the tenant id from its journal): loads the
    /// refresh token and redeems it. No token, or a rejected one → [`AuthError::SignInRequired`].
    pub async fn resume(
        config: &SignInConfig,
        tenant_id: &str,
        store: Arc<dyn RefreshTokenStore>,
    ) -> Result<TokenSession, AuthError> {
        let session = Self::new(config, tenant_id, store)?;
        session.refresh_now().await?;
        Ok(session)
    }

    fn new(
        config: &SignInConfig,
        tenant_id: &str,
        store: Arc<dyn RefreshTokenStore>,
    ) -> Result<TokenSession, AuthError> {
        let pinned = config.pinned_to(tenant_id)?;
        let http = pinned.http_client()?;
        let tenant_id = pinned.authority().to_owned();
        Ok(TokenSession {
            inner: Arc::new(Inner {
                key: refresh_token_key(&tenant_id, pinned.client_id()),
                config: pinned,
                tenant_id,
                store,
                refresh: Mutex::new(None),
                persist: AtomicBool::new(true),
                http,
                access: tokio::sync::Mutex::new(None),
            }),
        })
    }

    /// The tenant id the session is pinned to.
    pub fn tenant_id(&self) -> &str {
        &self.inner.tenant_id
    }

    /// The config, pinned to the tenant.
    pub fn config(&self) -> &SignInConfig {
        &self.inner.config
    }

    /// The key of the refresh token in the store.
    pub fn store_key(&self) -> &str {
        &self.inner.key
    }

    /// A valid access token, refreshed first when less than the refresh margin remains.
    pub async fn access_token(&self) -> Result<AccessToken, AuthError> {
        let margin = self.inner.config.timeouts().refresh_margin;
        let mut slot = self.inner.access.lock().await;
        if let Some(token) = slot.as_ref().filter(|token| token.valid_for(margin)) {
            return Ok(token.clone());
        }
        self.refresh_locked(&mut slot).await
    }

    /// Redeems the refresh token now, whatever the current token's lifetime.
    pub async fn refresh_now(&self) -> Result<AccessToken, AuthError> {
        let mut slot = self.inner.access.lock().await;
        self.refresh_locked(&mut slot).await
    }

    /// The claims of the current access token, if there is one.
    pub async fn claims(&self) -> Option<TokenClaims> {
        self.inner
            .access
            .lock()
            .await
            .as_ref()
            .map(|token| token.claims().clone())
    }

    /// Forgets the access token and the refresh token, in memory and in the store.
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        *self.inner.access.lock().await = None;
        self.inner.drop_refresh()?;
        Ok(())
    }

    /// Deletes the saved refresh token and saves no newer one, while this session keeps
    /// working from memory until the process ends (the admin did not ask to keep the sign-in).
    pub fn forget_saved(&self) -> Result<(), AuthError> {
        self.inner.persist.store(false, Ordering::SeqCst);
        self.inner.store.delete(&self.inner.key)?;
        Ok(())
    }

    /// True while new refresh tokens are written to the store.
    pub fn is_saved(&self) -> bool {
        self.inner.persist.load(Ordering::SeqCst)
    }

    /// Checks role and consent with a valid access token (see [`preflight`]).
    pub async fn preflight(&self) -> Result<PreflightReport, AuthError> {
        let token = self.access_token().await?;
        preflight(&self.inner.config, &token).await
    }

    async fn refresh_locked(
        &self,
        slot: &mut Option<AccessToken>,
    ) -> Result<AccessToken, AuthError> {
        let inner = &self.inner;
        let Some(refresh) = inner.current_refresh()? else {
            *slot = None;
            return Err(AuthError::SignInRequired {
                reason: "there is no saved sign-in for this organization.".into(),
                details: None,
            });
        };
        let client = token_client(&inner.config, &inner.tenant_id)?;
        let refresh_token = RefreshToken::new(refresh.expose_secret().to_owned());
        let result = client
            .exchange_refresh_token(&refresh_token)
            .add_scopes(inner.config.scopes().into_iter().map(Scope::new))
            .request_async(&inner.http)
            .await;
        drop(refresh_token);
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                let error = map_request_error(error, Stage::Refresh);
                if let AuthError::SignInRequired {
                    details: Some(details),
                    ..
                } = &error
                    && details.error == "invalid_grant"
                {
                    *slot = None;
                    if let Err(store_error) = inner.drop_refresh() {
                        tracing::warn!(%store_error, "could not delete the rejected refresh token");
                    }
                }
                return Err(error);
            }
        };
        let (access, rotated) = tokens_from_response(&response).into_parts();
        *slot = Some(access.clone());
        if let Some(rotated) = rotated {
            // Entra returns a new refresh token on every use; the old one stays valid but is
            // replaced so the store always holds the newest (docs/services.md).
            inner.remember(&rotated)?;
        }
        Ok(access)
    }
}

/// Lets the Graph client take its tokens from the session (refreshing silently).
impl crate::graph::AccessTokenSource for TokenSession {
    fn access_token(&self) -> crate::graph::TokenFuture<'_> {
        Box::pin(async move {
            TokenSession::access_token(self)
                .await
                .map(|token| token.secret().clone())
                .map_err(|error| crate::graph::TokenSourceError(error.message()))
        })
    }

    fn token_rejected(&self) -> bool {
        // Drop the cached token so the next call refreshes. If a refresh is running right now,
        // the next call gets its result, which is new as well.
        if let Ok(mut slot) = self.inner.access.try_lock() {
            *slot = None;
        }
        true
    }
}
