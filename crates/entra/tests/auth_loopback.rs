//! The loopback listener and the PKCE flow, against a fake "browser" (reqwest) and a tiny fake
//! token endpoint, over real sockets.

// Helper functions in a test file are test code too (clippy.toml only covers #[test] bodies).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scim_wizard_entra::auth::{
    AuthError, CancellationToken, InteractiveSignIn, PendingSignIn, SignInConfig, Timeouts,
};
use scim_wizard_entra::{Endpoints, ExposeSecret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fake token endpoint: records each form it receives and answers with `answer(form)`.
struct FakeTokenEndpoint {
    login_root: Url,
    forms: Forms,
}

/// The form bodies the fake endpoint received.
type Forms = Arc<Mutex<Vec<Vec<(String, String)>>>>;

type Answer = Arc<dyn Fn(&[(String, String)]) -> (u16, String) + Send + Sync>;

impl FakeTokenEndpoint {
    async fn start(answer: Answer) -> Result<FakeTokenEndpoint, std::io::Error> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = listener.local_addr()?.port();
        let forms: Forms = Arc::default();
        let recorded = Arc::clone(&forms);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let answer = Arc::clone(&answer);
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    let Some(body) = read_http_body(&mut stream).await else {
                        return;
                    };
                    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    let (status, json) = answer(&form);
                    if let Ok(mut forms) = recorded.lock() {
                        forms.push(form);
                    }
                    let response = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                        json.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        let login_root = Url::parse(&format!("http://127.0.0.1:{port}/login"))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(FakeTokenEndpoint { login_root, forms })
    }

    fn forms(&self) -> Vec<Vec<(String, String)>> {
        self.forms
            .lock()
            .map(|forms| forms.clone())
            .unwrap_or_default()
    }
}

async fn read_http_body(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let read = stream.read(&mut chunk).await.ok()?;
                if read == 0 {
                    break;
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            return Some(buffer[end + 4..].to_vec());
        }
    }
}

fn fake_jwt(claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.c2ln")
}

const TENANT: &str = "11111111-2222-3333-4444-555555555555";
const ACCESS_MARKER: &str = "ACCESS-TOKEN-MARKER";

fn token_answer() -> Answer {
    Arc::new(|form: &[(String, String)]| {
        let grant = form
            .iter()
            .find(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert_eq!(grant, "authorization_code");
        let jwt = fake_jwt(&serde_json::json!({
            "tid": TENANT, "oid": "oid-1", "upn": "ines.admin@contoso.onmicrosoft.com",
            "name": "Inès Admin", "scp": "User.Read Application.ReadWrite.All",
            "wids": [], "exp": 4_000_000_000_i64, "marker": ACCESS_MARKER
        }));
        (
            200,
            serde_json::json!({
                "token_type": "Bearer", "expires_in": 4000, "ext_expires_in": 4000,
                "scope": "User.Read Application.ReadWrite.All", "access_token": jwt,
                "refresh_token": "REFRESH-TOKEN-MARKER", "id_token": "x.y.z"
            })
            .to_string(),
        )
    })
}

fn config(login: &Url, timeouts: Timeouts) -> SignInConfig {
    SignInConfig::new(Endpoints::for_cloud(scim_wizard_entra::Cloud::Global).with_login(login))
        .with_timeouts(timeouts)
}

fn quick(interactive: Duration) -> Timeouts {
    Timeouts {
        interactive,
        connection_read: Duration::from_millis(500),
        ..Timeouts::default()
    }
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap_or_default()
}

/// The fake browser comes back to the listener on 127.0.0.1 with this query.
async fn come_back(port: u16, query: &str) -> Result<(u16, String, String), reqwest::Error> {
    let response = browser()
        .get(format!("http://127.0.0.1:{port}/{query}"))
        .send()
        .await?;
    let status = response.status().as_u16();
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status, csp, response.text().await?))
}

async fn port_is_free(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await.is_ok()
}

#[tokio::test]
async fn authorize_url_and_listener_follow_the_rules() -> TestResult {
    let login = Url::parse("http://127.0.0.1:9/login")?;
    let config = config(&login, Timeouts::default())
        .with_tenant("contoso.onmicrosoft.com")?
        .with_login_hint(Some("ines.admin@contoso.onmicrosoft.com".into()))
        .with_domain_hint(Some("contoso.onmicrosoft.com".into()))
        .with_group_picking(true);
    let pending = InteractiveSignIn::start(&config).await?;
    let addrs = pending.local_addrs();
    assert!(!addrs.is_empty());
    for addr in &addrs {
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_eq!(addr.port(), pending.port());
    }
    assert!(addrs.contains(&SocketAddr::from((Ipv4Addr::LOCALHOST, pending.port()))));
    assert_eq!(
        pending.redirect_uri().as_str(),
        format!("http://localhost:{}/", pending.port())
    );

    let url = pending.authorize_url();
    assert_eq!(
        url.path(),
        "/login/contoso.onmicrosoft.com/oauth2/v2.0/authorize"
    );
    assert_eq!(
        query(url, "client_id").as_deref(),
        Some("14d82eec-204b-4c2f-b7e8-296a70dab67e")
    );
    assert_eq!(query(url, "response_type").as_deref(), Some("code"));
    assert_eq!(
        query(url, "redirect_uri").as_deref(),
        Some(pending.redirect_uri().as_str())
    );
    assert_eq!(query(url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(url, "code_challenge").map(|c| c.len()), Some(43));
    assert_eq!(query(url, "prompt").as_deref(), Some("select_account"));
    assert_eq!(
        query(url, "login_hint").as_deref(),
        Some("ines.admin@contoso.onmicrosoft.com")
    );
    assert_eq!(
        query(url, "domain_hint").as_deref(),
        Some("contoso.onmicrosoft.com")
    );
    assert!(query(url, "state").is_some_and(|state| state.len() >= 16));
    let scope = query(url, "scope").unwrap_or_default();
    for needed in [
        "openid",
        "profile",
        "offline_access",
        "User.Read",
        "Application.ReadWrite.All",
        "Synchronization.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        "User.ReadBasic.All",
        "Group.Read.All",
    ] {
        assert!(scope.split(' ').any(|s| s == needed), "{needed} in {scope}");
    }
    // Two sign-ins never share a state or a port.
    let other = InteractiveSignIn::start(&config).await?;
    assert_ne!(query(other.authorize_url(), "state"), query(url, "state"));
    assert_ne!(other.port(), pending.port());
    Ok(())
}

#[tokio::test]
async fn full_pkce_flow_survives_preconnects_favicon_and_wrong_state() -> TestResult {
    let endpoint = FakeTokenEndpoint::start(token_answer()).await?;
    let config = config(&endpoint.login_root, quick(Duration::from_secs(20)));
    let pending = InteractiveSignIn::start(&config).await?;
    let port = pending.port();
    let state = query(pending.authorize_url(), "state").unwrap_or_default();
    let challenge = query(pending.authorize_url(), "code_challenge").unwrap_or_default();
    let cancel = CancellationToken::new();
    let waiter = tokio::spawn(async move { pending.wait(&cancel).await });

    // A browser pre-connect that never sends anything, and a slow client that stalls mid-line.
    let _preconnect = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
    let mut slow = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
    slow.write_all(b"GET /?code=slow").await?;
    // Stray paths get a 404 and the listener keeps waiting.
    let (status, csp, _) = come_back(port, "favicon.ico").await?;
    assert_eq!(status, 404);
    assert_eq!(csp, "default-src 'none'; style-src 'unsafe-inline'");
    // A wrong state gets a 400 and the listener keeps waiting.
    let (status, _, body) = come_back(port, "?code=evil&state=forged").await?;
    assert_eq!(status, 400);
    assert!(body.contains("out of date"));
    // Oversized requests are refused.
    let (status, _, _) = come_back(port, &format!("?pad={}", "a".repeat(20_000))).await?;
    assert_eq!(status, 431);
    // The real answer.
    let (status, csp, body) = come_back(
        port,
        &format!("?code=the-code&state={state}&session_state=x"),
    )
    .await?;
    assert_eq!(status, 200);
    assert_eq!(csp, "default-src 'none'; style-src 'unsafe-inline'");
    assert!(body.contains("You are signed in"), "{body}");
    assert!(body.contains("You can close this tab and return to Scaleway SCIM Wizard"));
    assert!(!body.contains("http://") && !body.contains("https://"));

    let tokens = waiter.await??;
    assert_eq!(tokens.claims().tenant_id.as_deref(), Some(TENANT));
    assert_eq!(
        tokens.claims().username.as_deref(),
        Some("ines.admin@contoso.onmicrosoft.com")
    );
    assert!(tokens.refresh_token().is_some());
    assert!(tokens.access_token().remaining() > Duration::from_secs(3000));

    // The token endpoint got the code, the redirect URI and a verifier matching the challenge.
    let forms = endpoint.forms();
    assert_eq!(forms.len(), 1);
    let field = |name: &str| {
        forms[0]
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(field("code"), "the-code");
    assert_eq!(field("redirect_uri"), format!("http://localhost:{port}/"));
    assert_eq!(field("client_id"), "14d82eec-204b-4c2f-b7e8-296a70dab67e");
    assert!(field("client_secret").is_empty());
    let verifier = field("code_verifier");
    let expected = oauth2::PkceCodeChallenge::from_code_verifier_sha256(
        &oauth2::PkceCodeVerifier::new(verifier.clone()),
    );
    assert_eq!(expected.as_str(), challenge);

    // Nothing secret in any Debug or Display.
    let printed = format!(
        "{tokens:?} {:?} {:?}",
        tokens.access_token(),
        tokens.claims()
    );
    for secret in [
        ACCESS_MARKER,
        "REFRESH-TOKEN-MARKER",
        "the-code",
        verifier.as_str(),
    ] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
    let access = tokens.access_token().secret().expose_secret().to_owned();
    assert!(!printed.contains(&access));

    // One answer ends it: the port is free again.
    assert!(port_is_free(port).await);
    Ok(())
}

#[tokio::test]
async fn ipv6_loopback_is_served_on_the_same_port_when_available() -> TestResult {
    let endpoint = FakeTokenEndpoint::start(token_answer()).await?;
    let config = config(&endpoint.login_root, quick(Duration::from_secs(20)));
    let pending = InteractiveSignIn::start(&config).await?;
    let Some(v6) = pending.local_addrs().into_iter().find(SocketAddr::is_ipv6) else {
        // No IPv6 loopback on this machine: nothing to check.
        return Ok(());
    };
    assert_eq!(v6.port(), pending.port());
    let state = query(pending.authorize_url(), "state").unwrap_or_default();
    let cancel = CancellationToken::new();
    let waiter = tokio::spawn(async move { pending.wait(&cancel).await });
    let response = browser()
        .get(format!("http://[::1]:{}/?code=c6&state={state}", v6.port()))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert!(waiter.await?.is_ok());
    Ok(())
}

#[tokio::test]
async fn timeout_ends_the_wait_and_frees_the_port() -> TestResult {
    let login = Url::parse("http://127.0.0.1:9/login")?;
    let pending =
        InteractiveSignIn::start(&config(&login, quick(Duration::from_millis(400)))).await?;
    let port = pending.port();
    assert!(!port_is_free(port).await);
    // A pre-connect must not keep it alive past the timeout.
    let _preconnect = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
    let started = std::time::Instant::now();
    let error = pending.wait(&CancellationToken::new()).await.err();
    assert_eq!(
        error.as_ref().map(AuthError::code),
        Some("entra.sign_in_timed_out")
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(port_is_free(port).await);
    Ok(())
}

#[tokio::test]
async fn only_wrong_states_then_timeout_reports_a_state_mismatch() -> TestResult {
    let login = Url::parse("http://127.0.0.1:9/login")?;
    let pending =
        InteractiveSignIn::start(&config(&login, quick(Duration::from_millis(800)))).await?;
    let port = pending.port();
    let cancel = CancellationToken::new();
    let waiter = tokio::spawn(async move { pending.wait(&cancel).await });
    let (status, _, _) = come_back(port, "?code=x&state=old-tab").await?;
    assert_eq!(status, 400);
    let error = waiter.await?.err();
    assert_eq!(
        error.as_ref().map(AuthError::code),
        Some("entra.state_mismatch")
    );
    Ok(())
}

#[tokio::test]
async fn cancel_ends_the_wait_and_frees_the_port() -> TestResult {
    let login = Url::parse("http://127.0.0.1:9/login")?;
    let pending = InteractiveSignIn::start(&config(&login, Timeouts::default())).await?;
    let port = pending.port();
    let cancel = CancellationToken::new();
    let handle = cancel.clone();
    let waiter = tokio::spawn(async move { pending.wait(&handle).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancel.cancel();
    let error = tokio::time::timeout(Duration::from_secs(2), waiter)
        .await??
        .err();
    assert_eq!(
        error.as_ref().map(AuthError::code),
        Some("entra.sign_in_cancelled")
    );
    assert!(port_is_free(port).await);
    Ok(())
}

#[tokio::test]
async fn dropping_a_pending_sign_in_frees_the_port() -> TestResult {
    let login = Url::parse("http://127.0.0.1:9/login")?;
    let pending: PendingSignIn =
        InteractiveSignIn::start(&config(&login, Timeouts::default())).await?;
    let port = pending.port();
    drop(pending);
    assert!(port_is_free(port).await);
    Ok(())
}

#[tokio::test]
async fn an_error_answer_is_mapped_and_shown_escaped() -> TestResult {
    let login = Url::parse("http://127.0.0.1:9/login")?;
    let pending = InteractiveSignIn::start(&config(&login, quick(Duration::from_secs(20)))).await?;
    let port = pending.port();
    let state = query(pending.authorize_url(), "state").unwrap_or_default();
    let cancel = CancellationToken::new();
    let waiter = tokio::spawn(async move { pending.wait(&cancel).await });
    let mut answer = Url::parse("http://127.0.0.1/")?;
    answer
        .query_pairs_mut()
        .append_pair("error", "access_denied")
        .append_pair(
            "error_description",
            "AADSTS65004: User declined to consent <script>alert(1)</script>\r\nTrace ID: t-9",
        )
        .append_pair("state", &state);
    let (status, _, body) =
        come_back(port, &format!("?{}", answer.query().unwrap_or_default())).await?;
    assert_eq!(status, 200);
    assert!(body.contains("Sign-in did not complete"));
    assert!(!body.contains("<script>"));
    let error = waiter.await?.err();
    let Some(error) = error else {
        return Err("expected an error".into());
    };
    assert_eq!(error.code(), "entra.consent_declined");
    assert_eq!(error.aadsts(), Some("AADSTS65004"));
    assert!(body.contains("AADSTS65004"));
    assert!(port_is_free(port).await);
    Ok(())
}

#[tokio::test]
async fn a_refused_code_is_shown_in_the_tab_and_returned() -> TestResult {
    let endpoint = FakeTokenEndpoint::start(Arc::new(|_: &[(String, String)]| {
        (
            400,
            serde_json::json!({
                "error": "invalid_grant",
                "error_description": "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.\r\nTrace ID: abc",
                "error_codes": [501481],
                "timestamp": "2026-01-01 00:00:00Z",
                "trace_id": "trace-42",
                "correlation_id": "corr-42"
            })
            .to_string(),
        )
    }))
    .await?;
    let pending = InteractiveSignIn::start(&config(
        &endpoint.login_root,
        quick(Duration::from_secs(20)),
    ))
    .await?;
    let port = pending.port();
    let state = query(pending.authorize_url(), "state").unwrap_or_default();
    let cancel = CancellationToken::new();
    let waiter = tokio::spawn(async move { pending.wait(&cancel).await });
    let (_, _, body) = come_back(port, &format!("?code=secret-code-1&state={state}")).await?;
    assert!(body.contains("Sign-in did not complete"), "{body}");
    assert!(body.contains("trace-42"));
    let Some(error) = waiter.await?.err() else {
        return Err("expected an error".into());
    };
    assert_eq!(error.code(), "entra.code_rejected");
    let reference = error.support_reference().unwrap_or_default();
    assert!(
        reference.contains("AADSTS501481") && reference.contains("corr-42"),
        "{reference}"
    );
    let printed = format!("{error} {error:?}");
    assert!(!printed.contains("secret-code-1"));
    Ok(())
}

#[tokio::test]
async fn unreachable_token_endpoint_is_a_network_error() -> TestResult {
    // Nothing listens on the login root (port 9 is discard; connection refused on loopback).
    let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let dead_port = free.local_addr()?.port();
    drop(free);
    let login = Url::parse(&format!("http://127.0.0.1:{dead_port}/login"))?;
    let pending = InteractiveSignIn::start(&config(&login, quick(Duration::from_secs(20)))).await?;
    let port = pending.port();
    let state = query(pending.authorize_url(), "state").unwrap_or_default();
    let cancel = CancellationToken::new();
    let waiter = tokio::spawn(async move { pending.wait(&cancel).await });
    let (_, _, body) = come_back(port, &format!("?code=c&state={state}")).await?;
    assert!(body.contains("Could not reach Microsoft"), "{body}");
    let error = waiter.await?.err();
    assert_eq!(error.as_ref().map(AuthError::code), Some("entra.network"));
    assert!(error.is_some_and(|e| e.retryable()));
    Ok(())
}
