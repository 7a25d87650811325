//! Interactive sign-in: authorization code + PKCE (S256) in the system browser, answered on a
//! loopback port (docs/services.md, "Microsoft sign-in").
//!
//! ```no_run
//! # async fn demo() -> Result<(), scim_wizard_entra::auth::AuthError> {
//! use scim_wizard_entra::auth::{CancellationToken, InteractiveSignIn, SignInConfig, open_in_browser};
//! use scim_wizard_entra::Cloud;
//!
//! let config = SignInConfig::for_cloud(Cloud::Global);
//! let pending = InteractiveSignIn::start(&config).await?;
//! // The caller opens the browser (the app: the opener plugin; the CLI: print + try this helper).
//! let _ = open_in_browser(pending.authorize_url());
//! let cancel = CancellationToken::new(); // wired to a Cancel button or Ctrl-C
//! let tokens = pending.wait(&cancel).await?;
//! # let _ = tokens; Ok(()) }
//! ```

use std::fmt;
use std::net::SocketAddr;

use oauth2::{
    AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;
use zeroize::Zeroizing;

use super::config::SignInConfig;
use super::error::{AuthError, Stage};
use super::loopback::{CallbackAnswer, LoopbackListener};
use super::pages::Page;
use super::token::{Tokens, map_request_error, token_client, tokens_from_response};

/// Starts interactive sign-ins.
#[derive(Debug, Clone, Copy)]
pub struct InteractiveSignIn;

impl InteractiveSignIn {
    /// Binds the loopback listener and builds the authorize URL. Nothing is sent yet: open
    /// [`PendingSignIn::authorize_url`] in the browser, then call [`PendingSignIn::wait`].
    pub async fn start(config: &SignInConfig) -> Result<PendingSignIn, AuthError> {
        let listener = LoopbackListener::bind().await?;
        let redirect_uri =
            Url::parse(&format!("http://localhost:{}/", listener.port())).map_err(|error| {
                AuthError::ListenerFailed {
                    message: error.to_string(),
                }
            })?;
        let tenant = config.authority().to_owned();
        let auth_url = oauth2::AuthUrl::from_url(config.oauth_url(&tenant, "authorize")?);
        let client = token_client(config, &tenant)?
            .set_auth_uri(auth_url)
            .set_redirect_uri(RedirectUrl::from_url(redirect_uri.clone()));

        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .add_scopes(config.scopes().into_iter().map(Scope::new))
            .add_extra_param("prompt", "select_account");
        if let Some(hint) = config.login_hint() {
            request = request.add_extra_param("login_hint", hint.to_owned());
        }
        if let Some(hint) = config.domain_hint() {
            request = request.add_extra_param("domain_hint", hint.to_owned());
        }
        let (authorize_url, state) = request.url();

        Ok(PendingSignIn {
            config: config.clone(),
            tenant,
            authorize_url,
            redirect_uri,
            listener,
            state: Zeroizing::new(state.into_secret()),
            verifier: Zeroizing::new(verifier.into_secret()),
        })
    }
}

/// A sign-in waiting for the browser. Dropping it closes the listener.
pub struct PendingSignIn {
    config: SignInConfig,
    tenant: String,
    authorize_url: Url,
    redirect_uri: Url,
    listener: LoopbackListener,
    state: Zeroizing<String>,
    verifier: Zeroizing<String>,
}

impl fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("tenant", &self.tenant)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("listening_on", &self.listener.local_addrs())
            .finish_non_exhaustive()
    }
}

impl PendingSignIn {
    /// The page to open in the system browser. Show it too (with a copy button) in case the
    /// browser does not open. It holds no secret: the PKCE challenge and the state are public.
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// `http://localhost:<port>/`, where the browser comes back.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// The sockets listening for the answer (`127.0.0.1:<port>`, and `[::1]:<port>` when
    /// available). Always loopback addresses.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listener.local_addrs()
    }

    pub fn port(&self) -> u16 {
        self.listener.port()
    }

    /// Waits for the browser to come back (at most the config's interactive timeout), then
    /// redeems the code. Ends early on `cancel`. The port is free again when this returns.
    pub async fn wait(self, cancel: &CancellationToken) -> Result<Tokens, AuthError> {
        let timeouts = *self.config.timeouts();
        let deadline = Instant::now() + timeouts.interactive;
        let PendingSignIn {
            config,
            tenant,
            redirect_uri,
            listener,
            state,
            verifier,
            ..
        } = self;
        let callback = listener
            .wait(&state, deadline, timeouts.connection_read, cancel)
            .await?;
        drop(state);
        let code = match &callback.answer {
            CallbackAnswer::Error(details) => {
                let error = AuthError::from_entra(details.clone(), Stage::Authorize);
                callback.respond(error_page(&error));
                return Err(error);
            }
            CallbackAnswer::Code(code) => code.clone(),
        };
        let exchange = redeem_code(&config, &tenant, &redirect_uri, code, verifier);
        let result = tokio::select! {
            () = cancel.cancelled() => Err(AuthError::Cancelled),
            result = exchange => result,
        };
        match &result {
            Ok(_) => callback.respond(Page::signed_in()),
            Err(error) => callback.respond(error_page(error)),
        }
        result
    }
}

fn error_page(error: &AuthError) -> Page {
    Page::error(
        &error.message(),
        &error.hint(),
        error.support_reference().as_deref(),
    )
}

/// Redeems the code at the token endpoint. The code and the verifier are zeroized when this
/// returns (the copies inside `oauth2` and the request body are transient and dropped).
async fn redeem_code(
    config: &SignInConfig,
    tenant: &str,
    redirect_uri: &Url,
    code: Zeroizing<String>,
    verifier: Zeroizing<String>,
) -> Result<Tokens, AuthError> {
    let http = config.http_client()?;
    let client =
        token_client(config, tenant)?.set_redirect_uri(RedirectUrl::from_url(redirect_uri.clone()));
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
        .request_async(&http)
        .await
        .map_err(|error| map_request_error(error, Stage::CodeRedemption))?;
    drop(code);
    drop(verifier);
    Ok(tokens_from_response(&response))
}

#[cfg(test)]
impl PendingSignIn {
    /// Replaces the PKCE verifier, to prove the token endpoint checks it.
    pub(crate) fn tamper_verifier_for_tests(&mut self) {
        self.verifier = Zeroizing::new("x".repeat(64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{Cloud, Endpoints};

    /// The sandbox checks the PKCE verifier: a tampered one is refused at the token endpoint.
    #[tokio::test]
    async fn a_wrong_verifier_is_refused_by_the_token_endpoint()
    -> Result<(), Box<dyn std::error::Error>> {
        let sandbox =
            scim_wizard_sandbox::Sandbox::start(scim_wizard_sandbox::SandboxConfig::default())
                .await?;
        let endpoints =
            Endpoints::for_cloud(Cloud::Global).with_login(&Url::parse(&sandbox.urls().login)?);
        let config = SignInConfig::new(endpoints);
        let mut pending = InteractiveSignIn::start(&config).await?;
        pending.tamper_verifier_for_tests();
        let authorize = pending.authorize_url().clone();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move { pending.wait(&cancel).await });
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        let response = browser.get(authorize).send().await?;
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .ok_or("no redirect")?
            .to_owned();
        let page = browser.get(location).send().await?.text().await?;
        let error = waiter.await?.err().ok_or("the sign-in should fail")?;
        assert_eq!(error.code(), "entra.code_rejected", "{error:?}");
        assert!(error.support_reference().is_some());
        assert!(page.contains("Sign-in did not complete"));
        sandbox.shutdown().await;
        Ok(())
    }
}
