//! The Microsoft login simulator (`/login/{tenant}/oauth2/v2.0/...`) over real HTTP: auth code +
//! PKCE, refresh, device code, tenants, consent, behaviour switches, and that no secret leaks
//! into the sandbox's logs or state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Harness, status_json};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use scim_wizard_sandbox::{SandboxConfig, TenantSeed, route_names};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

const CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const REDIRECT_URI: &str = "http://localhost:53123/";
const SCOPES: &str = "openid profile offline_access User.Read Application.ReadWrite.All \
                      Synchronization.ReadWrite.All AppRoleAssignment.ReadWrite.All";
/// A state with characters that must survive the round trip exactly.
const STATE: &str = "st-1 a/b?c=d&e+f%";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier-0123456789";
const CLOUD_APPLICATION_ADMINISTRATOR: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The sandbox, a client that does not follow redirects (the browser's first hop is all a test
/// needs: the Location header), and the login endpoints.
struct Login {
    harness: Harness,
    browser: Client,
}

impl Login {
    async fn start() -> Self {
        Self::with_config(SandboxConfig::default()).await
    }

    async fn with_config(config: SandboxConfig) -> Self {
        let harness = Harness::with_config(config).await;
        let browser = Client::builder()
            .redirect(Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        Login { harness, browser }
    }

    fn tenant(&self) -> &TenantSeed {
        &self.harness.sandbox.seed_data().tenant
    }

    fn endpoint(&self, tenant: &str, leaf: &str) -> String {
        format!(
            "{}/{tenant}/oauth2/v2.0/{leaf}",
            self.harness.sandbox.urls().login
        )
    }

    /// The standard authorize parameters (PKCE S256 with [`VERIFIER`]); `changes` replace or add
    /// parameters, and a change to "" removes one.
    fn authorize_params(changes: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut params: BTreeMap<String, String> = [
            ("client_id", CLIENT_ID.to_string()),
            ("response_type", "code".to_string()),
            ("redirect_uri", REDIRECT_URI.to_string()),
            ("scope", SCOPES.to_string()),
            ("state", STATE.to_string()),
            ("code_challenge", challenge(VERIFIER)),
            ("code_challenge_method", "S256".to_string()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
        for (name, value) in changes {
            if value.is_empty() {
                params.remove(*name);
            } else {
                params.insert((*name).to_string(), (*value).to_string());
            }
        }
        params.into_iter().collect()
    }

    async fn authorize_at(&self, tenant: &str, changes: &[(&str, &str)]) -> Response {
        self.browser
            .get(self.endpoint(tenant, "authorize"))
            .query(&Self::authorize_params(changes))
            .send()
            .await
            .unwrap()
    }

    async fn authorize(&self, changes: &[(&str, &str)]) -> Response {
        self.authorize_at("organizations", changes).await
    }

    /// Signs in (authorize must redirect with a code) and returns the code.
    async fn code(&self, changes: &[(&str, &str)]) -> String {
        let response = self.authorize(changes).await;
        let (_, params) = redirect(&response);
        params
            .get("code")
            .unwrap_or_else(|| panic!("no code in the redirect: {params:?}"))
            .clone()
    }

    async fn token_at(&self, tenant: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .harness
            .client
            .post(self.endpoint(tenant, "token"))
            .form(form)
            .send()
            .await
            .unwrap();
        status_json(response).await
    }

    async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        self.token_at("organizations", form).await
    }

    async fn redeem(&self, code: &str) -> (StatusCode, Value) {
        self.token(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .await
    }

    /// A full sign-in: the token response.
    async fn sign_in(&self, changes: &[(&str, &str)]) -> Value {
        let code = self.code(changes).await;
        let (status, body) = self.redeem(&code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn refresh(&self, refresh_token: &str, scope: Option<&str>) -> (StatusCode, Value) {
        let mut form = vec![
            ("client_id", CLIENT_ID),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        self.token(&form).await
    }

    async fn devicecode(&self, scope: &str) -> (StatusCode, Value) {
        let response = self
            .harness
            .client
            .post(self.endpoint("organizations", "devicecode"))
            .form(&[("client_id", CLIENT_ID), ("scope", scope)])
            .send()
            .await
            .unwrap();
        status_json(response).await
    }

    async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        self.token(&[
            ("client_id", CLIENT_ID),
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
        ])
        .await
    }

    async fn control(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .harness
            .client
            .post(self.harness.control(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        status_json(response).await
    }

    async fn behaviour(&self, update: Value) -> Value {
        let (status, body) = self.control("/login/behaviour", update).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn get_text(&self, path: &str) -> String {
        self.harness
            .client
            .get(self.harness.control(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn time_travel(&self, seconds: i64) {
        let (status, _) = self
            .control("/time-travel", json!({"seconds": seconds}))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
}

/// The Location of a 302 and its query parameters.
fn redirect(response: &Response) -> (Url, BTreeMap<String, String>) {
    assert_eq!(response.status(), StatusCode::FOUND, "not a redirect");
    let location = response
        .headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap();
    let url = Url::parse(location).unwrap();
    let params = url.query_pairs().into_owned().collect();
    (url, params)
}

/// The claims of a JWT-shaped token.
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("three segments");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Asserts Entra's JSON error shape and returns (error, first error code).
fn assert_entra_error(body: &Value, error: &str, code: u64) {
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]), "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    let trace = body["trace_id"].as_str().unwrap();
    let correlation = body["correlation_id"].as_str().unwrap();
    let timestamp = body["timestamp"].as_str().unwrap();
    assert!(description.contains(&format!("\r\nTrace ID: {trace}\r\n")));
    assert!(description.contains(&format!("\r\nCorrelation ID: {correlation}\r\n")));
    assert!(description.ends_with(&format!("\r\nTimestamp: {timestamp}")));
    // `2016-01-09 02:02:12Z`
    assert_eq!(timestamp.len(), 20, "{timestamp}");
    assert!(chrono::NaiveDateTime::parse_from_str(timestamp, "%Y-%m-%d %H:%M:%SZ").is_ok());
    assert_eq!(
        body["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
}

/// An error page (no redirect) carrying this AADSTS code.
async fn assert_error_page(response: Response, code: u32) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("AADSTS{code}:")), "{page}");
}

/// An error redirect: (error, error_description, state).
fn redirected_error(response: &Response) -> (String, String, Option<String>) {
    let (url, params) = redirect(response);
    assert_eq!(url.host_str(), Some("localhost"));
    assert!(!params.contains_key("code"), "{params:?}");
    (
        params.get("error").cloned().unwrap_or_default(),
        params.get("error_description").cloned().unwrap_or_default(),
        params.get("state").cloned(),
    )
}

// ---------------------------------------------------------------------------------------------
// Authorization code + PKCE

#[tokio::test]
async fn auth_code_with_pkce_signs_the_admin_in_and_issues_all_three_tokens() {
    let login = Login::start().await;
    let response = login.authorize(&[]).await;
    assert!(response.headers().get("x-ms-request-id").is_some());
    let (url, params) = redirect(&response);
    assert_eq!(url.scheme(), "http");
    assert_eq!(url.host_str(), Some("localhost"));
    assert_eq!(url.port(), Some(53123));
    assert_eq!(url.path(), "/");
    // The state comes back exactly as sent; comparing it is the client's job.
    assert_eq!(params.get("state").map(String::as_str), Some(STATE));
    assert!(params.contains_key("session_state"));
    let code = params.get("code").unwrap();

    let response = login
        .harness
        .client
        .post(login.endpoint("organizations", "token"))
        .form(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    assert!(headers.contains_key("x-ms-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((3599..=5399).contains(&expires_in), "{expires_in}");
    assert_eq!(body["ext_expires_in"], body["expires_in"]);
    let scope = body["scope"].as_str().unwrap();
    for expected in [
        "User.Read",
        "Application.ReadWrite.All",
        "Synchronization.ReadWrite.All",
        "openid",
        "profile",
    ] {
        assert!(scope.split(' ').any(|s| s == expected), "{scope}");
    }
    assert!(!scope.contains("offline_access"), "{scope}");
    assert!(body["refresh_token"].as_str().unwrap().len() > 100);

    let tenant = login.tenant();
    let admin = tenant.user_by_upn(&tenant.admin_upn).unwrap();
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], "https://graph.microsoft.com");
    assert_eq!(access["tid"], tenant.tenant_id);
    assert_eq!(access["oid"], admin.id);
    assert_eq!(access["upn"], tenant.admin_upn);
    assert_eq!(access["appid"], CLIENT_ID);
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        expires_in
    );
    let scp = access["scp"].as_str().unwrap();
    assert!(scp.split(' ').any(|s| s == "Synchronization.ReadWrite.All"));
    assert!(!scp.contains("openid"), "{scp}");
    let wids: Vec<&str> = access["wids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(wids.contains(&CLOUD_APPLICATION_ADMINISTRATOR), "{wids:?}");

    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["tid"], tenant.tenant_id);
    assert_eq!(id["oid"], admin.id);
    assert_eq!(id["preferred_username"], tenant.admin_upn);
    assert_eq!(id["name"], admin.display_name);
    assert_eq!(id["ver"], "2.0");
    assert!(id.get("email").is_none(), "email was not requested");
}

#[tokio::test]
async fn only_requested_oidc_scopes_bring_a_refresh_token_and_an_id_token() {
    let login = Login::start().await;
    let body = login
        .sign_in(&[("scope", "openid User.Read"), ("nonce", "n-42")])
        .await;
    assert!(body.get("refresh_token").is_none(), "{body}");
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-42");
    assert!(
        id.get("preferred_username").is_none(),
        "profile not requested"
    );
    assert_eq!(body["scope"], "User.Read openid");
}

#[tokio::test]
async fn a_wrong_or_missing_verifier_is_invalid_grant_and_leaves_the_code_usable() {
    let login = Login::start().await;
    let code = login.code(&[]).await;
    let base = [
        ("client_id", CLIENT_ID),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
    ];
    let mut wrong = base.to_vec();
    wrong.push((
        "code_verifier",
        "not-the-verifier-not-the-verifier-not-the-verifier",
    ));
    let (status, body) = login.token(&wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 501_481);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("The Code_Verifier does not match the code_challenge")
    );
    let (status, body) = login.token(&base).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 501_481);
    let (status, _) = login.redeem(&code).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_code_is_single_use() {
    let login = Login::start().await;
    let code = login.code(&[]).await;
    assert_eq!(login.redeem(&code).await.0, StatusCode::OK);
    let (status, body) = login.redeem(&code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 54_005);
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes_on_the_sandbox_clock() {
    let login = Login::start().await;
    let code = login.code(&[]).await;
    login.time_travel(601).await;
    let (status, body) = login.redeem(&code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 70_008);
}

#[tokio::test]
async fn redemption_needs_the_same_redirect_uri_and_a_known_code() {
    let login = Login::start().await;
    let code = login.code(&[]).await;
    let (status, body) = login
        .token(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:53124/"),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 50_011);
    let (status, body) = login.redeem("1.AXnot-a-code").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn an_unknown_client_gets_an_error_page_at_authorize_and_unauthorized_client_at_token() {
    let login = Login::start().await;
    let stranger = "00000000-1111-2222-3333-444444444444";
    assert_error_page(login.authorize(&[("client_id", stranger)]).await, 700_016).await;
    assert_error_page(login.authorize(&[("client_id", "")]).await, 900_144).await;
    let (status, body) = login
        .token(&[
            ("client_id", stranger),
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "unauthorized_client", 700_016);
}

#[tokio::test]
async fn only_loopback_http_redirect_uris_are_accepted_and_the_port_is_ignored() {
    let login = Login::start().await;
    for refused in [
        "https://localhost:53123/",
        "http://example.com/callback",
        "http://[::1]:53123/",
        "http://localhost:53123/?next=1",
        "http://user@localhost:53123/",
        "not a url",
    ] {
        let response = login.authorize(&[("redirect_uri", refused)]).await;
        assert_error_page(response, 50_011).await;
    }
    for (accepted, expected_prefix) in [
        (
            "http://127.0.0.1:40000/callback",
            "http://127.0.0.1:40000/callback?code=",
        ),
        ("http://localhost", "http://localhost/?code="),
        (
            "http://localhost:1/auth/done",
            "http://localhost:1/auth/done?code=",
        ),
    ] {
        let response = login.authorize(&[("redirect_uri", accepted)]).await;
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with(expected_prefix), "{location}");
    }
}

#[tokio::test]
async fn declining_consent_redirects_access_denied_with_the_state() {
    let login = Login::start().await;
    login.behaviour(json!({"deny_consent": true})).await;
    let response = login.authorize(&[]).await;
    let (error, description, state) = redirected_error(&response);
    assert_eq!(error, "access_denied");
    assert!(
        description.starts_with("AADSTS65004: User declined to consent to access the app."),
        "{description}"
    );
    assert_eq!(state.as_deref(), Some(STATE));
}

#[tokio::test]
async fn pkce_is_required_here_and_plain_is_accepted_but_recorded() {
    let login = Login::start().await;
    let response = login
        .authorize(&[("code_challenge", ""), ("code_challenge_method", "")])
        .await;
    let (error, description, _) = redirected_error(&response);
    assert_eq!(error, "invalid_request");
    assert!(description.starts_with("AADSTS9002325:"), "{description}");

    let response = login
        .authorize(&[
            ("code_challenge", "short"),
            ("code_challenge_method", "S256"),
        ])
        .await;
    assert!(redirected_error(&response).1.starts_with("AADSTS501491:"));

    // plain: the verifier is the challenge itself.
    let body = login
        .sign_in(&[
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ])
        .await;
    assert!(body.get("access_token").is_some());
    let state: Value = serde_json::from_str(&login.get_text("/login/state").await).unwrap();
    let methods: Vec<&Value> = state["authorization_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| &code["pkce_method"])
        .collect();
    assert_eq!(methods, vec![&json!("plain")]);

    // Entra's own leniency can be restored.
    login.behaviour(json!({"require_pkce": false})).await;
    let code = login
        .code(&[("code_challenge", ""), ("code_challenge_method", "")])
        .await;
    let (status, _) = login
        .token(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_scopes_are_error_redirects() {
    let login = Login::start().await;
    for (scope, error, code) in [
        (
            "openid https://vault.azure.net/user_impersonation",
            "invalid_scope",
            "AADSTS70011:",
        ),
        (
            "openid Synchronisation.ReadWrite.All",
            "invalid_client",
            "AADSTS650053:",
        ),
        ("profile User.Read", "invalid_request", "AADSTS90014:"),
        ("", "invalid_request", "AADSTS900144:"),
    ] {
        let response = login.authorize(&[("scope", scope)]).await;
        let (got_error, description, state) = redirected_error(&response);
        assert_eq!(got_error, error, "{scope}: {description}");
        assert!(description.starts_with(code), "{scope}: {description}");
        assert_eq!(state.as_deref(), Some(STATE));
    }
    let response = login.authorize(&[("response_type", "code id_token")]).await;
    assert_eq!(redirected_error(&response).0, "unsupported_response_type");
    let response = login.authorize(&[("prompt", "always")]).await;
    assert_eq!(redirected_error(&response).0, "invalid_request");
}

#[tokio::test]
async fn form_post_and_fragment_response_modes_carry_the_code() {
    let login = Login::start().await;
    let response = login.authorize(&[("response_mode", "form_post")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("action=\"http://localhost:53123/\""),
        "{page}"
    );
    assert!(page.contains("name=\"code\" value=\"1.AX"), "{page}");
    assert!(
        page.contains("name=\"state\" value=\"st-1 a/b?c=d&amp;e+f%\""),
        "{page}"
    );

    let response = login.authorize(&[("response_mode", "fragment")]).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.query().is_none());
    assert!(location.fragment().unwrap().starts_with("code=1.AX"));
}

#[tokio::test]
async fn prompt_none_needs_an_earlier_interactive_sign_in() {
    let login = Login::start().await;
    let response = login.authorize(&[("prompt", "none")]).await;
    let (error, description, _) = redirected_error(&response);
    assert_eq!(error, "login_required");
    assert!(description.starts_with("AADSTS50058:"));
    login.sign_in(&[("prompt", "select_account")]).await;
    login.code(&[("prompt", "none")]).await;
}

#[tokio::test]
async fn a_public_client_must_not_present_a_secret() {
    let login = Login::start().await;
    let code = login.code(&[]).await;
    let (status, body) = login
        .token(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
            ("client_secret", "s3cret"),
        ])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_entra_error(&body, "invalid_client", 700_025);
}

#[tokio::test]
async fn token_endpoint_protocol_errors() {
    let login = Login::start().await;
    let (status, body) = login.token(&[("client_id", CLIENT_ID)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_request", 900_144);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("'grant_type'")
    );
    let (_, body) = login
        .token(&[("client_id", CLIENT_ID), ("grant_type", "password")])
        .await;
    assert_entra_error(&body, "unsupported_grant_type", 70_003);
    let (_, body) = login
        .token(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "refresh_token"),
            ("grant_type", "refresh_token"),
        ])
        .await;
    assert_eq!(body["error"], "invalid_request");
    let response = login
        .harness
        .client
        .get(login.endpoint("organizations", "token"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_request", 900_561);
}

#[tokio::test]
async fn errors_carry_the_request_id_and_echo_the_client_request_id() {
    let login = Login::start().await;
    let client_request_id = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    let response = login
        .harness
        .client
        .post(login.endpoint("organizations", "token"))
        .header("client-request-id", client_request_id)
        .form(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "authorization_code"),
        ])
        .send()
        .await
        .unwrap();
    let request_id = response.headers()["x-ms-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(response.headers()["client-request-id"], client_request_id);
    let (_, body) = status_json(response).await;
    assert_eq!(body["trace_id"], request_id);
    assert_eq!(body["correlation_id"], client_request_id);
    assert_entra_error(&body, "invalid_request", 900_144);
}

// ---------------------------------------------------------------------------------------------
// Tenants, users, consent

#[tokio::test]
async fn every_tenant_spelling_is_accepted_and_others_are_not() {
    let login = Login::start().await;
    let tenant = login.tenant().clone();
    for path in [
        "organizations".to_string(),
        "common".to_string(),
        tenant.tenant_id.to_uppercase(),
        tenant.domain.clone(),
    ] {
        let response = login.authorize_at(&path, &[]).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
    }
    assert_error_page(login.authorize_at("consumers", &[]).await, 9_002_332).await;
    assert_error_page(login.authorize_at("fabrikam.com", &[]).await, 90_002).await;
    assert_error_page(
        login
            .authorize_at("11111111-2222-3333-4444-555555555555", &[])
            .await,
        90_002,
    )
    .await;
    let form = [
        ("client_id", CLIENT_ID),
        ("grant_type", "refresh_token"),
        ("refresh_token", "x"),
    ];
    let (status, body) = login.token_at("fabrikam.com", &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_request", 90_002);
    let (_, body) = login.token_at("consumers", &form).await;
    assert_entra_error(&body, "invalid_request", 9_002_332);

    // A code from /organizations is redeemed at the tenant GUID (the pinned authority).
    let code = login.code(&[]).await;
    let (status, _) = login
        .token_at(
            &tenant.tenant_id,
            &[
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn login_hint_chooses_the_user_and_sign_in_as_overrides_it() {
    let login = Login::start().await;
    let tenant = login.tenant().clone();
    let body = login
        .sign_in(&[("login_hint", &tenant.plain_user_upn)])
        .await;
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["upn"], tenant.plain_user_upn);
    let wids = access["wids"].as_array().unwrap();
    assert!(
        !wids.contains(&json!(CLOUD_APPLICATION_ADMINISTRATOR)),
        "{wids:?}"
    );

    login
        .behaviour(json!({"sign_in_as": "gloria.global@contoso.onmicrosoft.com"}))
        .await;
    let body = login
        .sign_in(&[("login_hint", &tenant.plain_user_upn)])
        .await;
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["upn"], "gloria.global@contoso.onmicrosoft.com");

    let behaviour = login.behaviour(json!({"sign_in_as": null})).await;
    assert_eq!(behaviour["sign_in_as"], Value::Null);
    let body = login.sign_in(&[]).await;
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["upn"],
        tenant.admin_upn
    );
}

#[tokio::test]
async fn consented_scopes_limit_what_tokens_carry() {
    let login = Login::start().await;
    login
        .behaviour(json!({"consented_scopes": [
            "User.Read",
            "https://graph.microsoft.com/Application.ReadWrite.All"
        ]}))
        .await;
    let body = login.sign_in(&[]).await;
    let scope = body["scope"].as_str().unwrap();
    assert!(!scope.contains("Synchronization.ReadWrite.All"), "{scope}");
    assert!(scope.contains("Application.ReadWrite.All"), "{scope}");
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scp"], "User.Read Application.ReadWrite.All");

    // `.default` grants exactly what is consented.
    let body = login
        .sign_in(&[("scope", "openid https://graph.microsoft.com/.default")])
        .await;
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scp"], "User.Read Application.ReadWrite.All");

    let (status, body) = login
        .control(
            "/login/behaviour",
            json!({"consented_scopes": ["Nope.All"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = login
        .control("/login/behaviour", json!({"deny_consnt": true}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn short_lived_tokens_can_be_asked_for() {
    let login = Login::start().await;
    login
        .behaviour(json!({"access_token_lifetime_seconds": 60}))
        .await;
    let body = login.sign_in(&[]).await;
    assert_eq!(body["expires_in"], 60);
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        60
    );
}

// ---------------------------------------------------------------------------------------------
// Refresh tokens

#[tokio::test]
async fn refresh_rotates_the_token_and_the_old_one_keeps_working() {
    let login = Login::start().await;
    let first = login.sign_in(&[]).await;
    let rt1 = first["refresh_token"].as_str().unwrap().to_string();
    login.time_travel(120).await;

    let (status, second) = login.refresh(&rt1, None).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let rt2 = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2);
    assert_ne!(first["access_token"], second["access_token"]);
    assert!(second.get("id_token").is_some());
    let access = claims(second["access_token"].as_str().unwrap());
    assert_eq!(access["tid"], login.tenant().tenant_id);
    assert_eq!(access["upn"], login.tenant().admin_upn);
    assert!(
        access["scp"]
            .as_str()
            .unwrap()
            .contains("Synchronization.ReadWrite.All")
    );
    let first_iat = claims(first["access_token"].as_str().unwrap())["iat"]
        .as_i64()
        .unwrap();
    assert!(access["iat"].as_i64().unwrap() >= first_iat + 120);
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        second["expires_in"].as_i64().unwrap()
    );

    // Documented: the used refresh token is not revoked.
    let (status, third) = login.refresh(&rt1, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(third["refresh_token"], second["refresh_token"]);

    // A narrower scope is fine; one never granted needs a new interactive consent.
    let (status, narrow) = login.refresh(&rt2, Some("User.Read offline_access")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        claims(narrow["access_token"].as_str().unwrap())["scp"],
        "User.Read"
    );
    let rt_narrow = narrow["refresh_token"].as_str().unwrap();
    let (status, wide_again) = login.refresh(rt_narrow, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        claims(wide_again["access_token"].as_str().unwrap())["scp"]
            .as_str()
            .unwrap()
            .contains("Application.ReadWrite.All"),
        "a refresh token keeps the whole grant"
    );
    let (status, body) = login.refresh(&rt2, Some("Group.Read.All")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 65_001);

    let (status, body) = login.refresh("0.AXnot-a-refresh-token", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 70_000);
}

#[tokio::test]
async fn revoked_refresh_tokens_are_invalid_grant_and_sign_in_works_again() {
    let login = Login::start().await;
    let tokens = login.sign_in(&[]).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let (status, body) = login.control("/login/revoke", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["revoked_refresh_tokens"], 1);
    let (status, body) = login.refresh(refresh_token, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 50_173);
    // The browser session is gone too: a silent sign-in fails, an interactive one works.
    let (error, _, _) = redirected_error(&login.authorize(&[("prompt", "none")]).await);
    assert_eq!(error, "login_required");
    let fresh = login.sign_in(&[]).await;
    assert_eq!(
        login
            .refresh(fresh["refresh_token"].as_str().unwrap(), None)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn refresh_tokens_expire_after_ninety_days_without_use() {
    let login = Login::start().await;
    let tokens = login.sign_in(&[]).await;
    login.time_travel(91 * 24 * 3600).await;
    let (status, body) = login
        .refresh(tokens["refresh_token"].as_str().unwrap(), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_grant", 700_082);
}

// ---------------------------------------------------------------------------------------------
// Device code

#[tokio::test]
async fn device_code_pending_then_approved_then_redeemed_once() {
    let login = Login::start().await;
    login
        .behaviour(json!({"device_auto_approve_after_polls": 0, "device_poll_interval_seconds": 1}))
        .await;
    let (status, start) = login.devicecode(SCOPES).await;
    assert_eq!(status, StatusCode::OK, "{start}");
    let user_code = start["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(
        user_code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    assert_eq!(
        start["verification_uri"],
        "https://microsoft.com/devicelogin"
    );
    assert_eq!(start["expires_in"], 900);
    assert_eq!(start["interval"], 1);
    assert!(start["message"].as_str().unwrap().contains(user_code));
    assert!(start.get("verification_uri_complete").is_none());
    let device_code = start["device_code"].as_str().unwrap();

    for _ in 0..3 {
        let (status, body) = login.poll(device_code).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_entra_error(&body, "authorization_pending", 70_016);
    }
    // The person types the code in lower case, as people do.
    let (status, body) = login
        .control(
            "/login/device/approve",
            json!({"user_code": user_code.to_lowercase(), "as_upn": login.tenant().plain_user_upn}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");
    let (status, tokens) = login.poll(device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens.get("refresh_token").is_some());
    assert!(tokens.get("id_token").is_some());
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["upn"],
        login.tenant().plain_user_upn
    );
    let (status, body) = login.poll(device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, _) = login
        .control("/login/device/approve", json!({"user_code": user_code}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn device_code_declined_expired_and_unknown() {
    let login = Login::start().await;
    login
        .behaviour(json!({"device_auto_approve_after_polls": 0}))
        .await;
    let (_, start) = login.devicecode(SCOPES).await;
    let (status, _) = login
        .control(
            "/login/device/approve",
            json!({"user_code": start["user_code"], "decline": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = login.poll(start["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "authorization_declined");

    let (_, start) = login.devicecode(SCOPES).await;
    login.time_travel(901).await;
    let (_, body) = login.poll(start["device_code"].as_str().unwrap()).await;
    assert_entra_error(&body, "expired_token", 70_019);
    let (status, _) = login
        .control(
            "/login/device/approve",
            json!({"user_code": start["user_code"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, body) = login.poll("DAQABIQEAAADnot-a-device-code").await;
    assert_entra_error(&body, "bad_verification_code", 70_018);
    let (status, _) = login
        .control("/login/device/approve", json!({"user_code": "ZZZZZZZZZ"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn device_code_is_approved_by_itself_on_the_second_poll_by_default() {
    let login = Login::start().await;
    let (_, start) = login.devicecode(SCOPES).await;
    assert_eq!(start["interval"], 5);
    let device_code = start["device_code"].as_str().unwrap();
    let (_, body) = login.poll(device_code).await;
    assert_eq!(body["error"], "authorization_pending");
    let (status, tokens) = login.poll(device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["upn"],
        login.tenant().admin_upn
    );

    // With deny_consent, the unattended person declines instead.
    login.behaviour(json!({"deny_consent": true})).await;
    let (_, start) = login.devicecode(SCOPES).await;
    let device_code = start["device_code"].as_str().unwrap();
    login.poll(device_code).await;
    let (_, body) = login.poll(device_code).await;
    assert_eq!(body["error"], "authorization_declined");
}

#[tokio::test]
async fn polling_faster_than_the_interval_can_be_refused() {
    let login = Login::start().await;
    login
        .behaviour(json!({"enforce_poll_interval": true, "device_auto_approve_after_polls": 0}))
        .await;
    let (_, start) = login.devicecode(SCOPES).await;
    let device_code = start["device_code"].as_str().unwrap();
    assert_eq!(
        login.poll(device_code).await.1["error"],
        "authorization_pending"
    );
    assert_eq!(login.poll(device_code).await.1["error"], "slow_down");
    login.time_travel(5).await;
    assert_eq!(
        login.poll(device_code).await.1["error"],
        "authorization_pending"
    );
}

#[tokio::test]
async fn devicecode_validates_client_and_scope() {
    let login = Login::start().await;
    let (status, body) = login
        .devicecode("openid https://vault.azure.net/.default")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "invalid_scope", 70_011);
    let response = login
        .harness
        .client
        .post(login.endpoint("organizations", "devicecode"))
        .form(&[
            ("client_id", "00000000-0000-0000-0000-000000000001"),
            ("scope", SCOPES),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_entra_error(&body, "unauthorized_client", 700_016);
}

// ---------------------------------------------------------------------------------------------
// Test-only shortcuts, faults, secrecy

#[tokio::test]
async fn token_for_mints_a_graph_token_without_a_browser() {
    let login = Login::start().await;
    let (status, body) = login
        .control(
            "/login/token-for",
            json!({"upn": login.tenant().admin_upn, "scopes": ["synchronization.readwrite.all", "https://graph.microsoft.com/User.Read"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expires_in"], 3600);
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scp"], "Synchronization.ReadWrite.All User.Read");
    assert_eq!(access["upn"], login.tenant().admin_upn);
    assert_eq!(access["aud"], "https://graph.microsoft.com");
    let (status, _) = login
        .control(
            "/login/token-for",
            json!({"upn": login.tenant().admin_upn, "scopes": ["Made.Up"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_injected_token_fault_answers_an_oauth_error() {
    for name in ["login.authorize", "login.token", "login.devicecode"] {
        assert!(route_names().contains(&name), "{name}");
    }
    let login = Login::with_config(
        SandboxConfig::default().with_faults("login.token:status=503,nth=1".parse().unwrap()),
    )
    .await;
    let code = login.code(&[]).await;
    let (status, body) = login.redeem(&code).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"], "temporarily_unavailable");
    // The fault answered before the handler ran, so the code is still good.
    assert_eq!(login.redeem(&code).await.0, StatusCode::OK);
}

#[tokio::test]
async fn no_secret_reaches_the_request_log_or_any_state_dump() {
    let login = Login::start().await;
    login
        .behaviour(json!({"device_auto_approve_after_polls": 1}))
        .await;
    let code = login.code(&[]).await;
    let (_, tokens) = login.redeem(&code).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_string();
    let (_, refreshed) = login.refresh(&refresh_token, None).await;
    let (_, start) = login.devicecode(SCOPES).await;
    let device_code = start["device_code"].as_str().unwrap().to_string();
    let (_, device_tokens) = login.poll(&device_code).await;

    let mut secrets = vec![code, VERIFIER.to_string(), refresh_token, device_code];
    for body in [&tokens, &refreshed, &device_tokens] {
        for field in ["access_token", "refresh_token", "id_token"] {
            secrets.push(body[field].as_str().unwrap().to_string());
        }
    }
    let requests = login.get_text("/requests").await;
    assert!(requests.contains("login.token"), "{requests}");
    assert!(requests.contains("login.authorize"), "{requests}");
    let dumps = [
        requests,
        login.get_text("/state").await,
        login.get_text("/login/state").await,
    ];
    for dump in &dumps {
        for secret in &secrets {
            // Long enough that a match cannot be a coincidence.
            let probe = &secret[secret.len().saturating_sub(40)..];
            assert!(!dump.contains(probe), "a secret leaked into {dump}");
        }
    }
    let state: Value = serde_json::from_str(&dumps[2]).unwrap();
    assert_eq!(state["refresh_tokens"].as_array().unwrap().len(), 3);
    assert_eq!(state["authorize_requests"][0]["outcome"], "code");
    assert_eq!(
        state["authorize_requests"][0]["code_challenge_method"],
        "S256"
    );
    assert_eq!(state["device_codes"][0]["status"], "redeemed");
}

#[tokio::test]
async fn reset_forgets_every_grant_and_behaviour() {
    let login = Login::start().await;
    login.behaviour(json!({"deny_consent": true})).await;
    let (status, _) = login
        .control("/login/behaviour", json!({"deny_consent": false}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let tokens = login.sign_in(&[]).await;
    login.behaviour(json!({"deny_consent": true})).await;
    let response = login
        .harness
        .client
        .post(login.harness.control("/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = login
        .refresh(tokens["refresh_token"].as_str().unwrap(), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let behaviour: Value = serde_json::from_str(&login.get_text("/login/behaviour").await).unwrap();
    assert_eq!(behaviour["deny_consent"], false);
    assert_eq!(behaviour["require_pkce"], true);
}
