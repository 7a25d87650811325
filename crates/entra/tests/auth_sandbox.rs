//! Sign-in against the sandbox's login and Graph simulators, over real HTTP. The "browser" is a
//! reqwest client with redirects off: it GETs the authorize URL, then the `Location` it is sent
//! to (our loopback listener).

// Helper functions in a test file are test code too (clippy.toml only covers #[test] bodies).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use scim_wizard_entra::auth::{
    AuthError, CancellationToken, DeviceCodeSignIn, InteractiveSignIn, MemoryRefreshTokenStore,
    RefreshTokenStore, SignInConfig, TokenSession, Tokens,
};
use scim_wizard_entra::{Cloud, Endpoints, ExposeSecret};
use scim_wizard_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use url::Url;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Env {
    sandbox: Sandbox,
    config: SignInConfig,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Result<Env, Box<dyn std::error::Error>> {
        let sandbox = Sandbox::start(SandboxConfig::default()).await?;
        let endpoints = Endpoints::for_cloud(Cloud::Global)
            .with_login(&Url::parse(&sandbox.urls().login)?)
            .with_graph(&Url::parse(&sandbox.urls().graph)?);
        let config = SignInConfig::new(endpoints);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Env {
            sandbox,
            config,
            http,
        })
    }

    fn tenant_id(&self) -> String {
        self.sandbox.seed_data().tenant.tenant_id.clone()
    }

    async fn control(&self, path: &str, body: Value) -> Result<Value, Box<dyn std::error::Error>> {
        let response = self
            .http
            .post(format!("{}/{path}", self.sandbox.urls().control))
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("control {path}: {status} {value}").into());
        }
        Ok(value)
    }

    async fn behaviour(&self, body: Value) -> Result<Value, Box<dyn std::error::Error>> {
        self.control("login/behaviour", body).await
    }

    /// A full browser sign-in: returns the result and the page the tab showed.
    async fn browser_sign_in(
        &self,
        config: &SignInConfig,
    ) -> Result<(Result<Tokens, AuthError>, String), Box<dyn std::error::Error>> {
        let pending = InteractiveSignIn::start(config).await?;
        let authorize = pending.authorize_url().clone();
        let redirect = pending.redirect_uri().clone();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move { pending.wait(&cancel).await });

        let response = self.http.get(authorize).send().await?;
        if !response.status().is_redirection() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(format!("authorize answered {status}: {body}").into());
        }
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .ok_or("no Location")?
            .to_owned();
        let location = Url::parse(&location)?;
        assert_eq!(location.host_str(), redirect.host_str());
        assert_eq!(location.port(), redirect.port());
        // The browser follows the redirect to the loopback listener ("localhost": IPv6 or IPv4).
        let page = self.http.get(location).send().await?.text().await?;
        let result = tokio::time::timeout(Duration::from_secs(30), waiter).await??;
        Ok((result, page))
    }

    async fn signed_in_session(
        &self,
        store: Arc<MemoryRefreshTokenStore>,
    ) -> Result<TokenSession, Box<dyn std::error::Error>> {
        let (tokens, _) = self.browser_sign_in(&self.config).await?;
        Ok(TokenSession::establish(&self.config, tokens?, store)?)
    }
}

fn stored(store: &MemoryRefreshTokenStore, key: &str) -> Option<String> {
    store
        .load(key)
        .ok()
        .flatten()
        .map(|token| token.expose_secret().to_owned())
}

#[tokio::test]
async fn pkce_sign_in_establishes_a_session_and_preflight_passes_for_the_admin() -> TestResult {
    let env = Env::start().await?;
    let seed = env.sandbox.seed_data().tenant.clone();
    let (tokens, page) = env.browser_sign_in(&env.config).await?;
    assert!(page.contains("You are signed in"), "{page}");
    let tokens = tokens?;
    assert_eq!(
        tokens.claims().tenant_id.as_deref(),
        Some(seed.tenant_id.as_str())
    );
    assert_eq!(
        tokens.claims().username.as_deref(),
        Some(seed.admin_upn.as_str())
    );
    assert!(tokens.claims().has_scope("Synchronization.ReadWrite.All"));
    assert!(tokens.refresh_token().is_some());
    assert!(tokens.access_token().remaining() > Duration::from_secs(30 * 60));

    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = TokenSession::establish(&env.config, tokens, store.clone())?;
    assert_eq!(session.tenant_id(), seed.tenant_id);
    assert_eq!(store.len(), 1);
    assert!(stored(&store, session.store_key()).is_some());

    let report = session.preflight().await?;
    assert!(report.ok(), "{report:?}");
    assert_eq!(
        report.account.user_principal_name.as_deref(),
        Some(seed.admin_upn.as_str())
    );
    assert_eq!(report.organization.id, seed.tenant_id);
    assert_eq!(
        report.organization.display_name.as_deref(),
        Some(seed.display_name.as_str())
    );
    assert_eq!(
        report
            .qualifying_role
            .as_ref()
            .map(|role| role.display_name.as_str()),
        Some("Cloud Application Administrator")
    );
    assert!(report.missing_scopes.is_empty() && report.missing_roles.is_empty());
    assert!(report.admin_consent_url.is_none());
    assert!(report.fixes.is_empty());
    Ok(())
}

#[tokio::test]
async fn tenant_override_by_domain_is_pinned_to_the_tenant_id() -> TestResult {
    let env = Env::start().await?;
    let seed = env.sandbox.seed_data().tenant.clone();
    let config = env
        .config
        .clone()
        .with_tenant(&seed.domain)?
        .with_login_hint(Some(seed.admin_upn.clone()));
    let (tokens, _) = env.browser_sign_in(&config).await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = TokenSession::establish(&config, tokens?, store)?;
    assert_eq!(session.tenant_id(), seed.tenant_id);
    assert_eq!(session.config().authority(), seed.tenant_id);
    // Refreshing through the pinned tenant works.
    session.refresh_now().await?;
    Ok(())
}

#[tokio::test]
async fn declined_consent_is_consent_declined() -> TestResult {
    let env = Env::start().await?;
    env.behaviour(json!({"deny_consent": true})).await?;
    let (result, page) = env.browser_sign_in(&env.config).await?;
    let Err(error) = result else {
        return Err("sign-in should have failed".into());
    };
    assert_eq!(error.code(), "entra.consent_declined");
    assert_eq!(error.aadsts(), Some("AADSTS65004"));
    assert!(!error.hint().is_empty());
    assert!(page.contains("Sign-in did not complete"), "{page}");
    assert!(page.contains("AADSTS65004"));
    Ok(())
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_into_the_store() -> TestResult {
    let env = Env::start().await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store.clone()).await?;
    let first_refresh = stored(&store, session.store_key()).ok_or("no refresh token")?;
    let first_access = session.access_token().await?;

    // A valid token is reused without a refresh.
    let again = session.access_token().await?;
    assert_eq!(
        again.secret().expose_secret(),
        first_access.secret().expose_secret()
    );
    assert_eq!(
        stored(&store, session.store_key()).as_deref(),
        Some(first_refresh.as_str())
    );

    let refreshed = session.refresh_now().await?;
    assert!(refreshed.remaining() > Duration::from_secs(30 * 60));
    let second_refresh = stored(&store, session.store_key()).ok_or("no refresh token")?;
    assert_ne!(
        second_refresh, first_refresh,
        "the rotated refresh token must be stored"
    );
    Ok(())
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_silently() -> TestResult {
    let env = Env::start().await?;
    // Shorter than the 5-minute margin: every access_token() call must refresh.
    env.behaviour(json!({"access_token_lifetime_seconds": 120}))
        .await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store.clone()).await?;
    // (The sandbox's access tokens are deterministic within a second, so watch the rotated
    // refresh token in the store instead.)
    let before = stored(&store, session.store_key());
    let first = session.access_token().await?;
    let after_first = stored(&store, session.store_key());
    assert_ne!(after_first, before, "the first call must have refreshed");
    let second = session.access_token().await?;
    assert_ne!(
        stored(&store, session.store_key()),
        after_first,
        "so must the second"
    );
    assert!(first.remaining() <= Duration::from_secs(120) && second.remaining() > Duration::ZERO);
    // Concurrent callers share one session and all get a working token.
    let clone = session.clone();
    let (a, b) = tokio::join!(session.access_token(), clone.access_token());
    assert!(a.is_ok() && b.is_ok());
    Ok(())
}

#[tokio::test]
async fn revoked_refresh_token_means_sign_in_required_and_is_deleted() -> TestResult {
    let env = Env::start().await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store.clone()).await?;
    env.control("login/revoke", json!({})).await?;
    let error = session
        .refresh_now()
        .await
        .err()
        .ok_or("refresh should fail")?;
    assert_eq!(error.code(), "entra.sign_in_required");
    assert!(error.aadsts().is_some(), "{error:?}");
    assert!(store.is_empty(), "the stale refresh token must be deleted");
    let error = session
        .access_token()
        .await
        .err()
        .ok_or("no token any more")?;
    assert_eq!(error.code(), "entra.sign_in_required");
    Ok(())
}

#[tokio::test]
async fn a_session_resumes_from_the_store_and_sign_out_deletes_it() -> TestResult {
    let env = Env::start().await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store.clone()).await?;
    let tenant = session.tenant_id().to_owned();
    drop(session);

    let resumed = TokenSession::resume(&env.config, &tenant, store.clone()).await?;
    let claims = resumed.claims().await.ok_or("no claims")?;
    assert_eq!(claims.tenant_id.as_deref(), Some(tenant.as_str()));
    assert!(resumed.preflight().await?.ok());

    resumed.sign_out().await?;
    assert!(store.is_empty());
    let error = TokenSession::resume(&env.config, &tenant, store)
        .await
        .err();
    assert_eq!(error.map(|e| e.code()), Some("entra.sign_in_required"));
    Ok(())
}

#[tokio::test]
async fn session_is_a_graph_token_source() -> TestResult {
    use scim_wizard_entra::graph::AccessTokenSource;
    let env = Env::start().await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store.clone()).await?;
    let first = AccessTokenSource::access_token(&session).await?;
    let before = stored(&store, session.store_key());
    // Without a rejection the cached token is reused: no refresh.
    let again = AccessTokenSource::access_token(&session).await?;
    assert_eq!(first.expose_secret(), again.expose_secret());
    assert_eq!(stored(&store, session.store_key()), before);
    // After a rejection the next call refreshes (the store sees the rotated refresh token).
    assert!(session.token_rejected());
    AccessTokenSource::access_token(&session).await?;
    assert_ne!(
        stored(&store, session.store_key()),
        before,
        "a rejected token is replaced"
    );
    Ok(())
}

#[tokio::test]
async fn device_code_flow_completes_with_auto_approval() -> TestResult {
    let env = Env::start().await?;
    env.behaviour(json!({"device_poll_interval_seconds": 1, "device_auto_approve_after_polls": 2}))
        .await?;
    let pending = DeviceCodeSignIn::start(&env.config).await?;
    let challenge = pending.challenge().clone();
    assert!(!challenge.user_code.is_empty());
    assert_eq!(
        challenge.verification_uri.as_str(),
        "https://microsoft.com/devicelogin"
    );
    assert_eq!(challenge.interval, Duration::from_secs(1));
    assert!(challenge.expires_in >= Duration::from_secs(600));
    assert!(
        challenge
            .message
            .as_deref()
            .is_some_and(|m| m.contains(&challenge.user_code))
    );
    let started = std::time::Instant::now();
    let tokens = pending.wait(&CancellationToken::new()).await?;
    // Two polls, each after the 1-second interval.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        tokens.claims().tenant_id.as_deref(),
        Some(env.tenant_id().as_str())
    );
    assert!(tokens.refresh_token().is_some());
    Ok(())
}

#[tokio::test]
async fn device_code_declined_and_expired() -> TestResult {
    let env = Env::start().await?;
    env.behaviour(json!({"device_poll_interval_seconds": 1, "device_auto_approve_after_polls": 0}))
        .await?;

    let pending = DeviceCodeSignIn::start(&env.config).await?;
    env.control(
        "login/device/approve",
        json!({"user_code": pending.challenge().user_code, "decline": true}),
    )
    .await?;
    let error = pending.wait(&CancellationToken::new()).await.err();
    assert_eq!(error.map(|e| e.code()), Some("entra.device_code_declined"));

    let pending = DeviceCodeSignIn::start(&env.config).await?;
    env.control("time-travel", json!({"seconds": 1000})).await?;
    let error = pending.wait(&CancellationToken::new()).await.err();
    assert_eq!(error.map(|e| e.code()), Some("entra.device_code_expired"));
    Ok(())
}

#[tokio::test]
async fn device_code_wait_is_cancellable() -> TestResult {
    let env = Env::start().await?;
    env.behaviour(json!({"device_poll_interval_seconds": 1, "device_auto_approve_after_polls": 0}))
        .await?;
    let pending = DeviceCodeSignIn::start(&env.config).await?;
    let cancel = CancellationToken::new();
    let handle = cancel.clone();
    let waiter = tokio::spawn(async move { pending.wait(&handle).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cancel.cancel();
    let error = tokio::time::timeout(Duration::from_secs(2), waiter)
        .await??
        .err();
    assert_eq!(error.map(|e| e.code()), Some("entra.sign_in_cancelled"));
    Ok(())
}

#[tokio::test]
async fn device_code_polling_respects_an_enforced_interval() -> TestResult {
    let env = Env::start().await?;
    // The sandbox answers slow_down to polls sooner than the interval; a client that honours
    // the interval it was given never sees one (slow_down itself: see the unit tests).
    env.behaviour(json!({
        "device_poll_interval_seconds": 2,
        "device_auto_approve_after_polls": 2,
        "enforce_poll_interval": true
    }))
    .await?;
    let pending = DeviceCodeSignIn::start(&env.config).await?;
    assert_eq!(pending.challenge().interval, Duration::from_secs(2));
    let tokens = pending.wait(&CancellationToken::new()).await?;
    assert!(tokens.claims().tenant_id.is_some());
    Ok(())
}

#[tokio::test]
async fn unknown_client_and_unknown_tenant_are_named() -> TestResult {
    let env = Env::start().await?;
    let config = env
        .config
        .clone()
        .with_client_id("00000000-1111-2222-3333-444444444444")?;
    let error = DeviceCodeSignIn::start(&config)
        .await
        .err()
        .ok_or("should fail")?;
    assert_eq!(error.code(), "entra.unknown_client");
    assert_eq!(error.aadsts(), Some("AADSTS700016"));
    assert!(
        error
            .support_reference()
            .is_some_and(|r| r.contains("trace id"))
    );

    let config = env.config.clone().with_tenant("nowhere.example.com")?;
    let error = DeviceCodeSignIn::start(&config)
        .await
        .err()
        .ok_or("should fail")?;
    assert_eq!(error.code(), "entra.tenant_not_found");
    Ok(())
}

#[tokio::test]
async fn preflight_reports_a_missing_role_for_a_plain_user() -> TestResult {
    let env = Env::start().await?;
    let plain = env.sandbox.seed_data().tenant.plain_user_upn.clone();
    env.behaviour(json!({"sign_in_as": plain})).await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store).await?;
    let report = session.preflight().await?;
    assert!(!report.ok());
    assert_eq!(
        report.account.user_principal_name.as_deref(),
        Some(plain.as_str())
    );
    assert!(report.qualifying_role.is_none());
    assert!(
        report
            .missing_roles
            .iter()
            .any(|r| r == "Cloud Application Administrator")
    );
    assert!(
        report.missing_scopes.is_empty(),
        "{:?}",
        report.missing_scopes
    );
    assert!(
        report
            .fixes
            .iter()
            .any(|fix| fix.contains("Global Administrator or Privileged Role Administrator")),
        "{:?}",
        report.fixes
    );
    Ok(())
}

#[tokio::test]
async fn preflight_reports_missing_consent_with_an_admin_consent_link() -> TestResult {
    let env = Env::start().await?;
    env.behaviour(json!({"consented_scopes": [
        "User.Read", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "User.ReadBasic.All"
    ]}))
    .await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = env.signed_in_session(store).await?;
    let report = session.preflight().await?;
    assert!(!report.ok());
    assert!(report.missing_roles.is_empty());
    assert_eq!(
        report.missing_scopes,
        vec!["Synchronization.ReadWrite.All".to_owned()]
    );
    let url = report
        .admin_consent_url
        .clone()
        .ok_or("no admin consent URL")?;
    assert_eq!(
        url.path(),
        format!("/login/{}/v2.0/adminconsent", env.tenant_id())
    );
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(
        pairs
            .iter()
            .any(|(k, v)| k == "client_id" && v == env.config.client_id())
    );
    assert!(pairs.iter().any(|(k, v)| k == "scope"
        && v.contains("https://graph.microsoft.com/Synchronization.ReadWrite.All")));
    assert!(pairs.iter().any(|(k, _)| k == "redirect_uri"));
    assert!(
        report
            .fixes
            .iter()
            .any(|fix| fix.contains("Synchronization.ReadWrite.All"))
    );
    Ok(())
}

#[tokio::test]
async fn group_picking_asks_for_group_read_all() -> TestResult {
    let env = Env::start().await?;
    let config = env.config.clone().with_group_picking(true);
    let (tokens, _) = env.browser_sign_in(&config).await?;
    let tokens = tokens?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let session = TokenSession::establish(&config, tokens, store)?;
    let report = session.preflight().await?;
    // Either the tenant consented to it (ok) or preflight names it: never silently ignored.
    assert!(
        report.ok() || report.missing_scopes.iter().any(|s| s == "Group.Read.All"),
        "{report:?}"
    );
    Ok(())
}

#[tokio::test]
async fn no_secret_appears_in_any_debug_display_or_error() -> TestResult {
    let env = Env::start().await?;
    let store = Arc::new(MemoryRefreshTokenStore::new());
    let (tokens, page) = env.browser_sign_in(&env.config).await?;
    let tokens = tokens?;
    let access = tokens.access_token().secret().expose_secret().to_owned();
    let refresh = tokens
        .refresh_token()
        .map(|token| token.expose_secret().to_owned())
        .ok_or("no refresh token")?;
    let session = TokenSession::establish(&env.config, tokens.clone(), store.clone())?;
    let report = session.preflight().await?;
    let refreshed = session.refresh_now().await?;
    let rotated = stored(&store, session.store_key()).ok_or("no refresh token")?;

    env.control("login/revoke", json!({})).await?;
    let revoked = session.refresh_now().await.err().ok_or("should fail")?;

    let mut printed = vec![
        format!("{tokens:?}"),
        format!("{:?}", tokens.access_token()),
        format!("{:?}", tokens.claims()),
        format!("{session:?}"),
        format!("{report:?}"),
        format!("{refreshed:?}"),
        format!("{store:?}"),
        format!("{revoked} {revoked:?} {}", revoked.hint()),
        format!("{:?}", revoked.support_reference()),
        page,
    ];
    for error in [
        AuthError::Cancelled,
        AuthError::StateMismatch,
        AuthError::TimedOut {
            after: Duration::from_secs(1),
        },
    ] {
        printed.push(format!("{error} {error:?}"));
    }
    for text in &printed {
        for secret in [
            &access,
            &refresh,
            &rotated,
            &refreshed.secret().expose_secret().to_owned(),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked into: {text}"
            );
        }
    }
    Ok(())
}
