//! `GET /login/{tenant}/oauth2/v2.0/authorize`: the browser leg of the auth code flow.
//!
//! Checks come in Entra's two tiers. Until the client and its redirect URI are known good, a
//! problem is shown as an error page in the browser (redirecting to an unvalidated URI would make
//! the server an open redirector). After that, problems go back to the redirect URI as
//! `error`/`error_description`/`state`. The person signs in and consents automatically, unless a
//! behaviour switch says otherwise.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use url::Url;

use super::protocol::{
    OAuthError, Params, RequestIds, ResponseMode, deliver, optional, parse_params, required,
};
use super::scopes::{self, Grant};
use super::{
    AuthorizationCode, AuthorizeRecord, PkceChallenge, PkceMethod, check_client, client_name,
    missing_seed_user, resolve_authority, secret_key, signing_in_user, unverified,
};
use crate::App;
use crate::core::clock::timestamp;

/// Documented: the RFC 7636 §4.2 bounds, which Entra enforces as AADSTS501491.
const CODE_CHALLENGE_LENGTH: std::ops::RangeInclusive<usize> = 43..=128;

/// Documented: the `prompt` values of the auth-code doc, plus `create` (self-service sign-up).
const KNOWN_PROMPTS: &[&str] = &["login", "none", "consent", "select_account", "create"];

/// A code was issued: where and how to hand it over.
struct Issued {
    target: Url,
    mode: ResponseMode,
    state: Option<String>,
    code: String,
    session_state: String,
    user_upn: String,
}

/// Why no code was issued.
enum Refusal {
    /// Shown in the browser: the redirect URI is not (yet) trusted.
    Page(OAuthError),
    /// Sent back to the validated redirect URI.
    Redirect(Box<RedirectedError>),
}

struct RedirectedError {
    target: Url,
    mode: ResponseMode,
    state: Option<String>,
    error: OAuthError,
}

pub(super) async fn authorize(
    State(app): State<Arc<App>>,
    Path(tenant_segment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let ids = RequestIds::new(&headers);
    let now = app.now();
    let params = match parse_params(query.unwrap_or_default().as_bytes()) {
        Ok(params) => params,
        Err(error) => {
            record(
                &app,
                &tenant_segment,
                &Params::new(),
                now,
                format!("page:AADSTS{}", error.code),
                None,
            );
            return error.to_page(&ids, now);
        }
    };
    match sign_in(&app, &tenant_segment, &params, now) {
        Ok(issued) => {
            record(
                &app,
                &tenant_segment,
                &params,
                now,
                "code".into(),
                Some(issued.user_upn.clone()),
            );
            let mut answer = vec![("code", issued.code.as_str())];
            if let Some(state) = issued.state.as_deref() {
                answer.push(("state", state));
            }
            answer.push(("session_state", issued.session_state.as_str()));
            ids.stamp(deliver(&issued.target, issued.mode, &answer))
        }
        Err(Refusal::Page(error)) => {
            record(
                &app,
                &tenant_segment,
                &params,
                now,
                format!("page:AADSTS{}", error.code),
                None,
            );
            error.to_page(&ids, now)
        }
        Err(Refusal::Redirect(redirected)) => {
            let RedirectedError {
                target,
                mode,
                state,
                error,
            } = *redirected;
            let outcome = format!("redirect:{}:AADSTS{}", error.error, error.code);
            record(&app, &tenant_segment, &params, now, outcome, None);
            error.to_redirect(&target, mode, state.as_deref(), &ids, now)
        }
    }
}

fn sign_in(
    app: &App,
    tenant_segment: &str,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Issued, Refusal> {
    let tenant = app.tenant();

    // Tier 1: error page.
    resolve_authority(tenant, tenant_segment, optional(params, "client_id"))
        .map_err(Refusal::Page)?;
    let client_id = required(params, "client_id").map_err(Refusal::Page)?;
    check_client(tenant, client_id).map_err(Refusal::Page)?;
    let redirect_text = required(params, "redirect_uri").map_err(Refusal::Page)?;
    let target = Url::parse(redirect_text)
        .ok()
        .filter(unverified::redirect_uri_is_registered)
        .ok_or_else(|| Refusal::Page(redirect_uri_not_registered(redirect_text, client_id)))?;

    // Tier 2: error redirect.
    let state = optional(params, "state").map(str::to_string);
    let mode_text = optional(params, "response_mode");
    let parsed_mode = ResponseMode::parse(mode_text);
    let refuse = |error: OAuthError| {
        Refusal::Redirect(Box::new(RedirectedError {
            target: target.clone(),
            mode: parsed_mode.unwrap_or(ResponseMode::Query),
            state: state.clone(),
            error,
        }))
    };
    let mode = parsed_mode.ok_or_else(|| {
        refuse(unverified::unsupported_response_mode(
            mode_text.unwrap_or_default(),
        ))
    })?;
    let response_type = required(params, "response_type").map_err(&refuse)?;
    if response_type != "code" {
        return Err(refuse(unverified::unsupported_response_type(response_type)));
    }
    let requested = scopes::parse(params.get("scope").map(String::as_str).unwrap_or_default())
        .map_err(|problem| refuse(problem.to_oauth_error(client_id, client_name(client_id))))?;
    if !requested.oidc.openid {
        return Err(refuse(unverified::openid_required()));
    }
    let prompt = optional(params, "prompt");
    if let Some(value) = prompt.filter(|value| !KNOWN_PROMPTS.contains(value)) {
        return Err(refuse(unverified::invalid_prompt(value)));
    }

    let mut login = app.login();
    let behaviour = login.behaviour.clone();
    let pkce = pkce_challenge(params, behaviour.require_pkce).map_err(&refuse)?;
    let user = signing_in_user(tenant, &behaviour, optional(params, "login_hint"))
        .ok_or_else(|| refuse(missing_seed_user()))?;
    if prompt == Some("none") && !login.sessions.contains(&user.id) {
        return Err(refuse(unverified::silent_sign_in_impossible()));
    }
    if behaviour.deny_consent {
        return Err(refuse(OAuthError::new(
            "access_denied",
            65_004,
            "User declined to consent to access the app.",
        )));
    }

    let grant = Grant {
        oidc: requested.oidc,
        graph: scopes::granted(&requested, behaviour.consented_scopes.as_deref()),
    };
    let seed = app.seed();
    let code = login.new_secret(
        seed,
        unverified::AUTHORIZATION_CODE_PREFIX,
        unverified::AUTHORIZATION_CODE_RANDOM_LENGTH,
    );
    login.codes.insert(
        secret_key(&code),
        AuthorizationCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_text.to_string(),
            user_id: user.id.clone(),
            grant,
            pkce,
            nonce: optional(params, "nonce").map(str::to_string),
            issued_at: now,
            redeemed: false,
        },
    );
    login.sessions.insert(user.id.clone());
    let session_state = login.new_guid(seed);
    Ok(Issued {
        target,
        mode,
        state,
        code,
        session_state,
        user_upn: user.user_principal_name.clone(),
    })
}

/// AADSTS50011: only loopback `http` redirect URIs are registered.
fn redirect_uri_not_registered(redirect_uri: &str, client_id: &str) -> OAuthError {
    OAuthError::new(
        "invalid_request",
        50_011,
        format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
        ),
    )
}

/// The PKCE challenge of the request. `code_challenge_method` without a challenge is refused;
/// a challenge without a method is `plain` (Microsoft's auth code flow page).
fn pkce_challenge(
    params: &Params,
    require_pkce: bool,
) -> Result<Option<PkceChallenge>, OAuthError> {
    let challenge = optional(params, "code_challenge");
    let method = optional(params, "code_challenge_method");
    let Some(challenge) = challenge else {
        if method.is_some() {
            return Err(OAuthError::missing_parameter("code_challenge"));
        }
        return if require_pkce {
            Err(unverified::pkce_required())
        } else {
            Ok(None)
        };
    };
    let method = match method {
        None | Some("plain") => PkceMethod::Plain,
        Some("S256") => PkceMethod::S256,
        Some(other) => return Err(unverified::invalid_code_challenge_method(other)),
    };
    if !CODE_CHALLENGE_LENGTH.contains(&challenge.len()) {
        return Err(OAuthError::new(
            "invalid_request",
            501_491,
            "Invalid size of Code_Challenge parameter.",
        ));
    }
    Ok(Some(PkceChallenge {
        method,
        challenge: challenge.to_string(),
    }))
}

fn record(
    app: &App,
    tenant_segment: &str,
    params: &Params,
    now: DateTime<Utc>,
    outcome: String,
    user: Option<String>,
) {
    let text = |name: &str| params.get(name).cloned();
    let entry = AuthorizeRecord {
        time: timestamp(now),
        tenant: tenant_segment.to_string(),
        client_id: text("client_id"),
        redirect_uri: text("redirect_uri"),
        response_type: text("response_type"),
        response_mode: text("response_mode"),
        scope: text("scope"),
        prompt: text("prompt"),
        login_hint: text("login_hint"),
        code_challenge_method: text("code_challenge_method"),
        state_sent: params.contains_key("state"),
        nonce_sent: params.contains_key("nonce"),
        outcome,
        user,
    };
    app.login().log_authorize(entry);
}
