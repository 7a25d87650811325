//! Every login behaviour that Microsoft's identity platform documentation does not settle, each
//! decided in exactly one constant or function below, with the reason. A run against a real tenant
//! should check these first. Choices marked "deliberately stricter" are known to differ from Entra,
//! on purpose.
//!
//! Sources used to decide: Microsoft's pages on the auth code flow, the device code flow, the error
//! codes (codes and their names) and redirect URI restrictions, and error bodies quoted in public
//! MSAL test fixtures (exact `error_description` layout).

use axum::http::StatusCode;
use rand::Rng;
use rand::rngs::StdRng;
use url::Url;

use super::protocol::OAuthError;
use super::scopes::{Grant, OidcScopes};

/// UNVERIFIED: the HTTP status of the error page Entra renders in the browser (unknown tenant
/// or client, bad redirect URI). Only a test ever sees it: the browser shows the page and the
/// client's loopback listener simply never gets a callback. 400 keeps it unmistakable.
pub(super) const ERROR_PAGE_STATUS: StatusCode = StatusCode::BAD_REQUEST;

/// UNVERIFIED: a parameter given twice. Entra documents AADSTS9000411 ("The parameter is
/// duplicated") in sign-in logs; the exact wording here is ours.
pub(super) fn duplicated_parameter(name: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        9_000_411,
        format!("The request is not properly formatted. The parameter '{name}' is duplicated."),
    )
}

/// UNVERIFIED: a Graph permission name that does not exist. AADSTS650053 with
/// `invalid_client` is what Entra is widely reported to answer ("asked for scope … that doesn't
/// exist on the resource"); the error-code reference page does not list it.
pub(super) fn unknown_graph_permission(
    client_id: &str,
    client_name: &str,
    scope: &str,
) -> OAuthError {
    OAuthError::new(
        "invalid_client",
        650_053,
        format!(
            "The application '{client_name}' asked for scope '{scope}' that doesn't exist on the resource '{}'. Contact the app vendor. (Client app ID: {client_id})",
            super::scopes::GRAPH_APP_ID
        ),
    )
}

/// UNVERIFIED: what `https://graph.microsoft.com/.default` grants when the test has not set
/// `consented_scopes`. Real Entra grants whatever the tenant consented to for this client
/// earlier; with nothing configured, the sandbox assumes the wizard's documented sign-in set
/// was consented.
pub(super) const DEFAULT_SCOPE_WITHOUT_CONSENT_LIST: &[&str] = &[
    "User.Read",
    "Application.ReadWrite.All",
    "Synchronization.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "User.ReadBasic.All",
];

/// UNVERIFIED: the redirect URIs registered for the known public client. The Graph Command Line
/// Tools' full list is not published; its default interactive redirect is `http://localhost`. The
/// sandbox accepts exactly the documented loopback rules: `http` only, host `localhost` or
/// `127.0.0.1` (different registrations, both accepted here, the second as if added through the
/// manifest), any port (ignored for loopback), any path, no query, no fragment, no user info.
/// `[::1]` is not supported by Entra, so it is refused.
pub(super) fn redirect_uri_is_registered(uri: &Url) -> bool {
    let loopback_host = matches!(uri.host_str(), Some("localhost") | Some("127.0.0.1"));
    uri.scheme() == "http"
        && loopback_host
        && uri.username().is_empty()
        && uri.password().is_none()
        && uri.query().is_none()
        && uri.fragment().is_none()
}

/// Deliberately stricter than Entra: PKCE is required by default. Entra makes it optional for
/// native apps (Microsoft's auth code flow page: "recommended for all application types",
/// required only for SPAs), but the wizard's client must always send it, and a client that
/// forgets it must fail here. `POST /_sandbox/login/behaviour {"require_pkce": false}` restores
/// Entra's leniency.
pub(super) const REQUIRE_PKCE_BY_DEFAULT: bool = true;

/// The error for a missing `code_challenge` while PKCE is required. AADSTS9002325 is Entra's
/// real error when it does require PKCE (for SPAs); its use for a native client is ours.
pub(super) fn pkce_required() -> OAuthError {
    OAuthError::new(
        "invalid_request",
        9_002_325,
        "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
    )
}

/// Deliberately stricter than Entra: `openid` must be among the scopes (authorize and
/// devicecode). Entra does not require it, but the wizard pins the tenant from the id_token's
/// `tid`, which only comes with `openid`; a client that forgets it fails here.
pub(super) fn openid_required() -> OAuthError {
    OAuthError::new(
        "invalid_request",
        90_014,
        "The sandbox requires the 'openid' scope: the wizard reads the tenant id from the id_token, which is only issued with openid.",
    )
}

/// UNVERIFIED: the access-token lifetime. Entra documents "a random value between 60 and 90 minutes
/// (75 on average)"; the distribution and whether `expires_in` is one second short of it (examples
/// show 3599) are not documented. Uniform over [3599, 5399] seconds from the sandbox's seeded RNG.
pub(super) fn default_access_token_lifetime(rng: &mut StdRng) -> u32 {
    rng.random_range(3599..=5399)
}

/// UNVERIFIED: the `scope` field of a token response. The device-code doc's example is
/// `"User.Read profile openid email"`: Graph permissions without the resource prefix, then the
/// OIDC scopes that were asked for. `offline_access` is not listed (it grants no access-token
/// permission; it only decides whether a refresh token comes back).
pub(super) fn response_scope(grant: &Grant) -> String {
    let mut names: Vec<&str> = grant.graph.clone();
    let OidcScopes {
        openid,
        profile,
        email,
        offline_access: _,
    } = grant.oidc;
    if profile {
        names.push("profile");
    }
    if openid {
        names.push("openid");
    }
    if email {
        names.push("email");
    }
    names.join(" ")
}

/// UNVERIFIED: the `scp` of an access token when no Graph permission was granted (only OIDC
/// scopes asked, or consent withheld for all of them). Entra then issues a Graph token for the
/// userinfo endpoint carrying the OIDC scopes; modelled as exactly that.
pub(super) fn scp_without_graph_permission(grant: &Grant) -> String {
    let mut names = Vec::new();
    if grant.oidc.openid {
        names.push("openid");
    }
    if grant.oidc.profile {
        names.push("profile");
    }
    if grant.oidc.email {
        names.push("email");
    }
    names.join(" ")
}

/// The issuer of Graph access tokens: Graph accepts v1.0 tokens, whose issuer is
/// `https://sts.windows.net/{tid}/` (inferred from the claims documentation).
pub(super) fn access_token_issuer(tenant_id: &str) -> String {
    format!("https://sts.windows.net/{tenant_id}/")
}

/// The role template every member user carries in `wids` besides their admin roles (inferred:
/// widely observed in real tokens). It matters: a client must look for a specific admin role in
/// `wids`, not treat "non-empty" as "admin".
pub(super) const MEMBER_USER_ROLE_TEMPLATE: &str = "b79fbf4d-3ef9-4689-8143-76b194e85509";

/// UNVERIFIED: a `login_hint` that names nobody in the tenant. Entra pre-fills the sign-in box
/// with it and the person corrects it; the sandbox models that person by signing in the default
/// user instead of failing.
pub(super) const UNKNOWN_LOGIN_HINT_FALLS_BACK_TO_DEFAULT_USER: bool = true;

/// UNVERIFIED: whether a failed redemption (wrong verifier, wrong redirect URI) burns the code.
/// Not burning it keeps a client bug's error stable (every retry says the same thing).
pub(super) const FAILED_REDEMPTION_CONSUMES_CODE: bool = false;

/// UNVERIFIED: an authorization code the server never issued. Entra answers malformed grants
/// with AADSTS9002313 in practice.
pub(super) fn unknown_authorization_code() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        9_002_313,
        "Invalid request. Request is malformed or invalid.",
    )
}

/// UNVERIFIED: a refresh token the server never issued (AADSTS70000 "InvalidGrant").
pub(super) fn unknown_refresh_token() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        70_000,
        "Provided grant is invalid or malformed.",
    )
}

/// UNVERIFIED: a code, refresh token or device code presented by a client other than the one it
/// was issued to (AADSTS70000 is Entra's generic "invalid grant").
pub(super) fn grant_of_another_client() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        70_000,
        "Provided grant is invalid or malformed. It was issued to a different client.",
    )
}

/// UNVERIFIED: the redemption's `redirect_uri` differs from the authorize one. Entra's message
/// for this names AADSTS50011 ("does not match the reply address … provided when requesting
/// Authorization code"), as quoted in public issues; `invalid_grant` is ours.
pub(super) fn redirect_uri_mismatch_at_redemption(given: &str, original: &str) -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        50_011,
        format!(
            "The redirect URI '{given}' specified in the request does not match the redirect URI '{original}' provided when requesting the authorization code."
        ),
    )
}

/// UNVERIFIED: the AADSTS number of `authorization_declined` (the device-code doc names the
/// `error` only). The person declining at the consent step is AADSTS65004.
pub(super) fn device_code_declined() -> OAuthError {
    OAuthError::new(
        "authorization_declined",
        65_004,
        "User declined to consent to access the app.",
    )
}

/// UNVERIFIED: polling again with a device code whose tokens were already handed out. Treated
/// like a second redemption of an authorization code.
pub(super) fn device_code_already_redeemed() -> OAuthError {
    OAuthError::new(
        "invalid_grant",
        54_005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    )
}

/// UNVERIFIED: Entra documents no `slow_down` for the device flow (only `authorization_pending`,
/// `authorization_declined`, `bad_verification_code`, `expired_token`), so the sandbox does not
/// enforce the interval unless a test turns `enforce_poll_interval` on; then it answers RFC 8628's
/// `slow_down` (AADSTS70016 is Entra's "pending" number; reused here).
pub(super) const ENFORCE_POLL_INTERVAL_BY_DEFAULT: bool = false;

pub(super) fn polling_too_fast(interval_seconds: u32) -> OAuthError {
    OAuthError::new(
        "slow_down",
        70_016,
        format!(
            "OAuth 2.0 device flow error. Polled sooner than the interval of {interval_seconds} seconds."
        ),
    )
}

/// Sandbox convenience (no Entra counterpart): a pending device code is approved by itself on
/// this poll (1-based), as the default user, so a CLI end-to-end test completes the device flow
/// unattended: the first poll answers `authorization_pending`, the second gets tokens. 0 turns
/// it off (approve through `POST /_sandbox/login/device/approve`).
pub(super) const DEFAULT_DEVICE_AUTO_APPROVE_AFTER_POLLS: u32 = 2;

/// Inferred: the poll interval Entra returns (5 s in every published sample response).
pub(super) const DEFAULT_DEVICE_POLL_INTERVAL_SECONDS: u32 = 5;

/// UNVERIFIED: the user code's shape. Published samples show 9 characters of uppercase letters
/// and digits, without a dash (`FRWQDE7YL`, `A62NXK96N`).
pub(super) const USER_CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub(super) const USER_CODE_LENGTH: usize = 9;

/// UNVERIFIED: `prompt=none` with nobody signed in. The sandbox keeps a "browser session" per
/// user once they finish an interactive sign-in; without one, a silent request gets
/// `login_required` (AADSTS50058, as the auth-code doc describes for `prompt=none`).
pub(super) fn silent_sign_in_impossible() -> OAuthError {
    OAuthError::new(
        "login_required",
        50_058,
        "A silent sign-in request was sent but no user is signed in.",
    )
}

/// UNVERIFIED: a `prompt` value outside `login`, `none`, `consent`, `select_account` (and the
/// newer `create`). Entra's wording for it is not documented.
pub(super) fn invalid_prompt(value: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        90_023,
        format!("Invalid request. The value '{value}' of the parameter 'prompt' is not supported."),
    )
}

/// UNVERIFIED: a `response_type` other than `code`. The hybrid flow (`code id_token`) needs the
/// implicit grant enabled on the client (AADSTS700054), which the Graph CLI client is assumed not
/// to have; anything else is AADSTS70005 "UnsupportedResponseType".
pub(super) fn unsupported_response_type(value: &str) -> OAuthError {
    if value
        .split_whitespace()
        .any(|part| part == "id_token" || part == "token")
    {
        OAuthError::new(
            "unsupported_response_type",
            700_054,
            "response_type 'id_token' is not enabled for the application.",
        )
    } else {
        OAuthError::new(
            "unsupported_response_type",
            70_005,
            format!(
                "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'. Received: '{value}'."
            ),
        )
    }
}

/// UNVERIFIED: an unknown `code_challenge_method`. Entra supports `plain` and `S256`.
pub(super) fn invalid_code_challenge_method(value: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        501_491,
        format!("Invalid code_challenge_method '{value}'. Supported values: 'S256', 'plain'."),
    )
}

/// UNVERIFIED: a `response_mode` other than `query`, `fragment`, `form_post` (AADSTS70007
/// "UnsupportedResponseMode").
pub(super) fn unsupported_response_mode(value: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        70_007,
        format!(
            "The provided value '{value}' for the input parameter 'response_mode' is not supported."
        ),
    )
}

/// UNVERIFIED: the shape of refresh tokens (opaque to clients). Real ones start `0.A` or `1.A`
/// and run to several hundred characters.
pub(super) const REFRESH_TOKEN_PREFIX: &str = "0.AX";
pub(super) const REFRESH_TOKEN_RANDOM_LENGTH: usize = 300;
/// UNVERIFIED: opaque authorization codes (`1.A…` in practice, ~700 characters; shorter here).
pub(super) const AUTHORIZATION_CODE_PREFIX: &str = "1.AX";
pub(super) const AUTHORIZATION_CODE_RANDOM_LENGTH: usize = 200;
/// UNVERIFIED: opaque device codes.
pub(super) const DEVICE_CODE_PREFIX: &str = "DAQABIQEAAAD";
pub(super) const DEVICE_CODE_RANDOM_LENGTH: usize = 140;

/// UNVERIFIED: a consent restriction set after sign-in (`consented_scopes` changed, as when an
/// admin removes a grant) also narrows tokens minted later from existing refresh tokens: the
/// refresh leg re-reads the tenant's consent, so it cannot outlive it.
pub(super) const CONSENT_LIMIT_APPLIES_TO_REFRESH: bool = true;
