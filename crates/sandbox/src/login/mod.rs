//! Microsoft identity platform (v2.0 endpoints) simulator, mounted at `/login`.
//!
//! Written from Microsoft's identity platform documentation, never from client code. It refuses
//! what Entra is documented to refuse, with Entra's error shapes: JSON `{error, error_description:
//! "AADSTSn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …", error_codes, timestamp,
//! trace_id, correlation_id, error_uri}` from `token` and `devicecode`; error redirects (`error`,
//! `error_description`, `state`) or an error page from `authorize`. Behaviours the documentation
//! leaves open are each decided once, in [`unverified`].
//!
//! # Endpoints: `{base}/login/{tenant}/oauth2/v2.0/…`
//!
//! | method | path | route name | what |
//! |---|---|---|---|
//! | GET | `authorize` | `login.authorize` | auth code + PKCE: signs a tenant user in, auto-consents, answers 302 to the loopback redirect URI (or `form_post`/`fragment`) |
//! | POST | `token` | `login.token` | grants `authorization_code`, `refresh_token`, `urn:ietf:params:oauth:grant-type:device_code` |
//! | POST | `devicecode` | `login.devicecode` | starts a device code flow |
//!
//! - `{tenant}`: `organizations`, `common`, the tenant GUID or its verified domain
//!   (case-insensitive). `consumers` → AADSTS9002332 (the sync APIs do not support personal
//!   accounts); anything else → AADSTS90002.
//! - Clients: the tenant seed's public `client_ids` (Microsoft Graph Command Line Tools); others
//!   get AADSTS700016. Redirect URIs: `http://localhost[:port][/path]` or
//!   `http://127.0.0.1[:port][/path]` (see [`unverified::redirect_uri_is_registered`]).
//! - Who signs in: `sign_in_as` (behaviour) if set, else a `login_hint` naming a tenant user,
//!   else the tenant's admin (Cloud Application Administrator).
//! - Access tokens come from [`crate::entra_tokens::issue`] (audience Graph), so the Graph
//!   simulator verifies them; `wids` holds the user's directory role template ids.
//! - Every answer carries `x-ms-request-id` (= `trace_id`), `Cache-Control: no-store, no-cache`
//!   and echoes a GUID `client-request-id` (also used as `correlation_id`).
//! - Secrets (codes, refresh tokens, device codes) are stored only as SHA-256 keys, appear in no
//!   log and no state dump; form bodies are never logged.
//!
//! # Control routes (test-only; under `/_sandbox`, so never faulted nor written to the request log)
//!
//! | route | body | effect |
//! |---|---|---|
//! | `GET /_sandbox/login/behaviour` | | the behaviour in force |
//! | `POST /_sandbox/login/behaviour` | partial JSON, e.g. `{"deny_consent":true}` | changes only the keys given (`null` = back to the default); answers the whole behaviour |
//! | `POST /_sandbox/login/revoke` | `{}` or `{"upn":"…"}` | revokes every refresh token (of that user) and ends their browser sessions: next refresh → `invalid_grant` AADSTS50173 |
//! | `POST /_sandbox/login/device/approve` | `{"user_code":"…","decline":false,"as_upn":"…"}` | the person at microsoft.com/devicelogin enters the code and approves (or declines) |
//! | `POST /_sandbox/login/token-for` | `{"upn":"…","scopes":["Application.ReadWrite.All"],"client_id":"…","lifetime_seconds":N}` | TEST-ONLY shortcut for Graph tests: `{access_token, token_type, expires_in, scope}` without any browser flow |
//! | `GET /_sandbox/login/state` | | codes, refresh tokens and device codes (metadata only, never the secrets), sessions, and logs of authorize and token requests (non-secret parameters) |
//!
//! Behaviour keys: `deny_consent` (bool: authorize answers `access_denied` AADSTS65004, device
//! auto-approval declines), `sign_in_as` (UPN), `consented_scopes` (list of Graph permissions the
//! tenant has consented to; tokens carry only those, so a client can detect missing admin
//! consent; `null` = whatever is asked), `access_token_lifetime_seconds` (`null` = Entra's random
//! 60–90 min), `device_poll_interval_seconds` (5), `device_auto_approve_after_polls` (2; 0 = off),
//! `require_pkce` (true), `enforce_poll_interval` (false).

mod authorize;
mod control;
mod device;
mod protocol;
mod scopes;
mod token;
mod unverified;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::App;
use crate::core::control::CONTROL_PREFIX;
use crate::tenant::{GRAPH_CLI_CLIENT_ID, TenantSeed, TenantUser};

use self::protocol::OAuthError;
use self::scopes::{Grant, RequestedScopes};

/// Mount point of the login simulator.
pub(crate) const LOGIN_PREFIX: &str = "/login";

/// Route names of this simulator, for faults and the request log.
pub(crate) const ROUTE_NAMES: &[&str] = &["login.authorize", "login.token", "login.devicecode"];

/// Documented: "Authorization codes are short lived. Typically, they expire after about 10
/// minutes."
const AUTHORIZATION_CODE_LIFETIME_SECONDS: i64 = 600;
/// Documented: refresh tokens live 90 days; the sandbox counts them from last use.
const REFRESH_TOKEN_INACTIVITY_DAYS: i64 = 90;
/// Documented: "the user has 15 minutes to sign in. This is the default value for `expires_in`."
const DEVICE_CODE_LIFETIME_SECONDS: i64 = 900;
/// Documented: where the person enters the user code.
const DEVICE_VERIFICATION_URI: &str = "https://microsoft.com/devicelogin";
/// The `grant_type` of device code polling.
const DEVICE_CODE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How many authorize and token requests `GET /_sandbox/login/state` remembers.
const REQUEST_LOG_CAPACITY: usize = 500;
/// Mixed into the sandbox seed for the login simulator's own RNG stream, so its draws do not
/// shift the ids other simulators generate.
const LOGIN_RNG_SALT: u64 = 0x1091_2e27_a000_0002;

/// What tests can change about how the simulated people and tenant behave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Behaviour {
    /// The person clicks "Cancel" on the consent screen (authorize → `access_denied`; device
    /// auto-approval → `authorization_declined`).
    deny_consent: bool,
    /// The person signs in as this UPN whatever the `login_hint` (canonical spelling).
    sign_in_as: Option<String>,
    /// Graph permissions the tenant consented to for the client (`None`: whatever is asked).
    consented_scopes: Option<Vec<&'static str>>,
    /// Access-token lifetime (`None`: Entra's random 60–90 minutes).
    access_token_lifetime_seconds: Option<u32>,
    device_poll_interval_seconds: u32,
    /// Approve a pending device code by itself on this poll (0 = never).
    device_auto_approve_after_polls: u32,
    require_pkce: bool,
    enforce_poll_interval: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            deny_consent: false,
            sign_in_as: None,
            consented_scopes: None,
            access_token_lifetime_seconds: None,
            device_poll_interval_seconds: unverified::DEFAULT_DEVICE_POLL_INTERVAL_SECONDS,
            device_auto_approve_after_polls: unverified::DEFAULT_DEVICE_AUTO_APPROVE_AFTER_POLLS,
            require_pkce: unverified::REQUIRE_PKCE_BY_DEFAULT,
            enforce_poll_interval: unverified::ENFORCE_POLL_INTERVAL_BY_DEFAULT,
        }
    }
}

/// `plain` or `S256` (`code_challenge_method`; absent with a challenge means `plain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
enum PkceMethod {
    #[serde(rename = "plain")]
    Plain,
    S256,
}

#[derive(Debug, Clone)]
struct PkceChallenge {
    method: PkceMethod,
    challenge: String,
}

/// An issued authorization code (stored under the SHA-256 of the code).
#[derive(Debug, Clone)]
struct AuthorizationCode {
    client_id: String,
    redirect_uri: String,
    user_id: String,
    grant: Grant,
    pkce: Option<PkceChallenge>,
    nonce: Option<String>,
    issued_at: DateTime<Utc>,
    redeemed: bool,
}

/// An issued refresh token (stored under the SHA-256 of the token).
#[derive(Debug, Clone)]
struct RefreshGrant {
    client_id: String,
    user_id: String,
    /// What the sign-in granted (before any later consent restriction).
    grant: Grant,
    issued_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    /// How often it was redeemed. Entra does not revoke a used refresh token.
    uses: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DeviceStatus {
    Pending,
    Approved {
        user_id: String,
        grant: Grant,
    },
    Declined,
    /// Tokens were handed out.
    Redeemed,
}

impl DeviceStatus {
    fn name(&self) -> &'static str {
        match self {
            DeviceStatus::Pending => "pending",
            DeviceStatus::Approved { .. } => "approved",
            DeviceStatus::Declined => "declined",
            DeviceStatus::Redeemed => "redeemed",
        }
    }
}

/// A device code flow in progress (stored under the SHA-256 of the device code).
#[derive(Debug, Clone)]
struct DeviceAuthorization {
    client_id: String,
    user_code: String,
    requested: RequestedScopes,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    interval_seconds: u32,
    status: DeviceStatus,
    polls: u32,
    last_poll_at: Option<DateTime<Utc>>,
}

/// The non-secret parameters of one authorize request and how it ended (for tests asserting
/// what a client sent: PKCE method, prompt, scopes…).
#[derive(Debug, Clone, Serialize)]
struct AuthorizeRecord {
    time: String,
    tenant: String,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    response_mode: Option<String>,
    scope: Option<String>,
    prompt: Option<String>,
    login_hint: Option<String>,
    code_challenge_method: Option<String>,
    state_sent: bool,
    nonce_sent: bool,
    /// `code`, or `redirect:{error}:AADSTS{n}`, or `page:AADSTS{n}`.
    outcome: String,
    /// UPN of the user signed in, when a code was issued.
    user: Option<String>,
}

/// One token or devicecode request: grant type, client and outcome (never a parameter value
/// that is a secret).
#[derive(Debug, Clone, Serialize)]
struct TokenRecord {
    time: String,
    endpoint: &'static str,
    grant_type: Option<String>,
    client_id: Option<String>,
    /// `ok`, or `{error}:AADSTS{n}`.
    outcome: String,
}

/// Authorization codes, refresh tokens and device codes issued so far, the people with a
/// browser session, the behaviour switches, and logs of non-secret request parameters.
#[derive(Debug, Default)]
pub(crate) struct LoginState {
    behaviour: Behaviour,
    /// Seeded from the sandbox seed on first use (this state is created with `Default`).
    rng: Option<StdRng>,
    codes: BTreeMap<String, AuthorizationCode>,
    refresh_tokens: BTreeMap<String, RefreshGrant>,
    device_authorizations: BTreeMap<String, DeviceAuthorization>,
    /// Ids of users who finished an interactive sign-in (their browser has a session, so
    /// `prompt=none` works for them).
    sessions: BTreeSet<String>,
    authorize_log: VecDeque<AuthorizeRecord>,
    token_log: VecDeque<TokenRecord>,
}

impl LoginState {
    fn rng(&mut self, seed: u64) -> &mut StdRng {
        self.rng
            .get_or_insert_with(|| StdRng::seed_from_u64(seed ^ LOGIN_RNG_SALT))
    }

    /// A new opaque secret: `prefix` then `length` base64url characters from the seeded RNG.
    fn new_secret(&mut self, seed: u64, prefix: &str, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let rng = self.rng(seed);
        let mut secret = String::with_capacity(prefix.len() + length);
        secret.push_str(prefix);
        secret
            .extend((0..length).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])));
        secret
    }

    /// A GUID from the seeded RNG (`session_state`).
    fn new_guid(&mut self, seed: u64) -> String {
        crate::tenant::guid(self.rng(seed))
    }

    fn log_authorize(&mut self, record: AuthorizeRecord) {
        if self.authorize_log.len() >= REQUEST_LOG_CAPACITY {
            self.authorize_log.pop_front();
        }
        self.authorize_log.push_back(record);
    }

    fn log_token(&mut self, record: TokenRecord) {
        if self.token_log.len() >= REQUEST_LOG_CAPACITY {
            self.token_log.pop_front();
        }
        self.token_log.push_back(record);
    }
}

/// The key a secret is stored under: its SHA-256, so the state never holds a usable secret.
fn secret_key(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

pub(crate) fn routes(app: &Arc<App>) -> Router<Arc<App>> {
    let endpoint = |leaf: &str| format!("{LOGIN_PREFIX}/{{tenant}}/oauth2/v2.0/{leaf}");
    Router::new()
        .route(
            &endpoint("authorize"),
            get(named!(app, "login.authorize", authorize::authorize)),
        )
        .route(
            &endpoint("token"),
            post(named!(app, "login.token", token::token)).get(named!(
                app,
                "login.token",
                token::wrong_method
            )),
        )
        .route(
            &endpoint("devicecode"),
            post(named!(app, "login.devicecode", device::devicecode)).get(named!(
                app,
                "login.devicecode",
                token::wrong_method
            )),
        )
}

/// The login's test-only control routes (the sandbox's `control` feature).
#[cfg(feature = "control")]
pub(crate) fn control_routes() -> Router<Arc<App>> {
    let control = |path: &str| format!("{CONTROL_PREFIX}/login{path}");
    Router::new()
        .route(
            &control("/behaviour"),
            get(control::get_behaviour).post(control::set_behaviour),
        )
        .route(&control("/revoke"), post(control::revoke))
        .route(&control("/device/approve"), post(control::approve_device))
        .route(&control("/token-for"), post(control::token_for))
        .route(&control("/state"), get(control::state))
}

/// Which authority `{tenant}` named. Only the tenant's own id and domain, and the two
/// multi-tenant aliases, lead anywhere: this simulator has one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Authority {
    Organizations,
    Common,
    Tenant,
}

fn resolve_authority(
    tenant: &TenantSeed,
    segment: &str,
    client_id: Option<&str>,
) -> Result<Authority, OAuthError> {
    if segment.eq_ignore_ascii_case("organizations") {
        Ok(Authority::Organizations)
    } else if segment.eq_ignore_ascii_case("common") {
        Ok(Authority::Common)
    } else if segment.eq_ignore_ascii_case(&tenant.tenant_id)
        || segment.eq_ignore_ascii_case(&tenant.domain)
    {
        Ok(Authority::Tenant)
    } else if segment.eq_ignore_ascii_case("consumers") {
        let client_id = client_id.unwrap_or_default();
        Err(OAuthError::new(
            "invalid_request",
            9_002_332,
            format!(
                "Application '{client_id}'({}) is configured for use by Azure Active Directory users only. Please do not use the /consumers endpoint to serve this request.",
                client_name(client_id)
            ),
        ))
    } else {
        Err(OAuthError::new(
            "invalid_request",
            90_002,
            format!(
                "Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
            ),
        ))
    }
}

/// AADSTS700016 unless `client_id` is one of the tenant's known public clients.
fn check_client(tenant: &TenantSeed, client_id: &str) -> Result<(), OAuthError> {
    if tenant
        .client_ids
        .iter()
        .any(|known| known.eq_ignore_ascii_case(client_id))
    {
        return Ok(());
    }
    Err(OAuthError::new(
        "unauthorized_client",
        700_016,
        format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
            tenant.display_name
        ),
    ))
}

/// The display name Entra's messages give a client.
fn client_name(client_id: &str) -> &'static str {
    if client_id.eq_ignore_ascii_case(GRAPH_CLI_CLIENT_ID) {
        "Microsoft Graph Command Line Tools"
    } else {
        "Unknown application"
    }
}

/// Who signs in: the behaviour's `sign_in_as`, else a `login_hint` naming a tenant user, else
/// the tenant's admin. `None` only if the seed lacks its own admin (a sandbox bug).
fn signing_in_user<'a>(
    tenant: &'a TenantSeed,
    behaviour: &Behaviour,
    login_hint: Option<&str>,
) -> Option<&'a TenantUser> {
    if let Some(upn) = &behaviour.sign_in_as {
        return tenant.user_by_upn(upn);
    }
    if let Some(hinted) = login_hint.and_then(|hint| tenant.user_by_upn(hint.trim())) {
        return Some(hinted);
    }
    if login_hint.is_some() && !unverified::UNKNOWN_LOGIN_HINT_FALLS_BACK_TO_DEFAULT_USER {
        return None;
    }
    tenant.user_by_upn(&tenant.admin_upn)
}

/// The answer when the seeded tenant cannot supply a user it should have.
fn missing_seed_user() -> OAuthError {
    OAuthError::new(
        "server_error",
        50_000,
        "There was an error issuing a token: the sandbox tenant has no such user.",
    )
    .with_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// The outcome of a request for the logs: `ok` or `{error}:AADSTS{n}`.
fn outcome_label<T>(result: &Result<T, OAuthError>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(error) => format!("{}:AADSTS{}", error.error, error.code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> TenantSeed {
        TenantSeed::seeded(&mut StdRng::seed_from_u64(1))
    }

    #[test]
    fn authorities_resolve_like_entra() {
        let tenant = tenant();
        let upper_id = tenant.tenant_id.to_uppercase();
        for (segment, expected) in [
            ("organizations", Ok(Authority::Organizations)),
            ("Common", Ok(Authority::Common)),
            (upper_id.as_str(), Ok(Authority::Tenant)),
            ("CONTOSO.onmicrosoft.com", Ok(Authority::Tenant)),
        ] {
            assert_eq!(
                resolve_authority(&tenant, segment, None).map_err(|e| e.code),
                expected
            );
        }
        assert_eq!(
            resolve_authority(&tenant, "consumers", Some(GRAPH_CLI_CLIENT_ID)).map_err(|e| e.code),
            Err(9_002_332)
        );
        assert_eq!(
            resolve_authority(&tenant, "fabrikam.onmicrosoft.com", None).map_err(|e| e.code),
            Err(90_002)
        );
    }

    #[test]
    fn the_signing_in_user_follows_behaviour_then_hint_then_admin() {
        let tenant = tenant();
        let mut behaviour = Behaviour::default();
        let upn = |user: Option<&TenantUser>| user.map(|user| user.user_principal_name.clone());
        assert_eq!(
            upn(signing_in_user(&tenant, &behaviour, None)),
            Some(tenant.admin_upn.clone())
        );
        assert_eq!(
            upn(signing_in_user(
                &tenant,
                &behaviour,
                Some("PAUL.plain@contoso.onmicrosoft.com")
            )),
            Some(tenant.plain_user_upn.clone())
        );
        assert_eq!(
            upn(signing_in_user(
                &tenant,
                &behaviour,
                Some("nobody@example.com")
            )),
            Some(tenant.admin_upn.clone())
        );
        behaviour.sign_in_as = Some(tenant.plain_user_upn.clone());
        assert_eq!(
            upn(signing_in_user(
                &tenant,
                &behaviour,
                Some(&tenant.admin_upn)
            )),
            Some(tenant.plain_user_upn.clone())
        );
    }

    #[test]
    fn secrets_are_stored_by_digest_and_drawn_from_the_seed() {
        let mut first = LoginState::default();
        let mut second = LoginState::default();
        let a = first.new_secret(9, "0.AX", 40);
        assert_eq!(a, second.new_secret(9, "0.AX", 40));
        assert_eq!(a.len(), 44);
        assert_ne!(a, first.new_secret(9, "0.AX", 40));
        assert_eq!(secret_key(&a).len(), 64);
        assert!(!secret_key(&a).contains(&a));
    }
}
