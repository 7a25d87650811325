//! `POST /login/{tenant}/oauth2/v2.0/token`: redeems authorization codes, refresh tokens and
//! device codes, and mints the tokens (access token, refresh token, id_token).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::protocol::{
    OAuthError, Params, RequestIds, json_response, optional, parse_params, required,
};
use super::scopes::{self, Grant};
use super::{
    AUTHORIZATION_CODE_LIFETIME_SECONDS, DEVICE_CODE_GRANT_TYPE, LoginState, PkceMethod,
    REFRESH_TOKEN_INACTIVITY_DAYS, RefreshGrant, TokenRecord, check_client, client_name, device,
    missing_seed_user, outcome_label, resolve_authority, secret_key, unverified,
};
use crate::App;
use crate::core::clock::timestamp;
use crate::entra_tokens::{self, AccessClaims, GRAPH_AUDIENCE};
use crate::tenant::TenantUser;

/// Inferred: id_tokens live one hour.
const ID_TOKEN_LIFETIME_SECONDS: i64 = 3600;

pub(super) async fn token(
    State(app): State<Arc<App>>,
    Path(tenant_segment): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ids = RequestIds::new(&headers);
    let now = app.now();
    let params = parse_params(&body);
    let result = params
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|params| redeem(&app, &tenant_segment, &headers, params, now));
    let record = TokenRecord {
        time: timestamp(now),
        endpoint: "token",
        grant_type: params
            .as_ref()
            .ok()
            .and_then(|p| p.get("grant_type").cloned()),
        client_id: params
            .as_ref()
            .ok()
            .and_then(|p| p.get("client_id").cloned()),
        outcome: outcome_label(&result),
    };
    app.login().log_token(record);
    match result {
        Ok(body) => ids.stamp(json_response(StatusCode::OK, &body)),
        Err(error) => error.to_json(&ids, now),
    }
}

/// `GET` on the token or devicecode endpoint: AADSTS900561.
pub(super) async fn wrong_method(headers: HeaderMap, State(app): State<Arc<App>>) -> Response {
    let ids = RequestIds::new(&headers);
    OAuthError::new(
        "invalid_request",
        900_561,
        "The endpoint only accepts POST, OPTIONS requests. Received a GET request.",
    )
    .to_json(&ids, app.now())
}

fn redeem(
    app: &App,
    tenant_segment: &str,
    headers: &HeaderMap,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Value, OAuthError> {
    let tenant = app.tenant();
    resolve_authority(tenant, tenant_segment, optional(params, "client_id"))?;
    let grant_type = required(params, "grant_type")?;
    let client_id = required(params, "client_id")?;
    check_client(tenant, client_id)?;
    refuse_client_credentials(headers, params)?;
    match grant_type {
        "authorization_code" => redeem_code(app, params, client_id, now),
        "refresh_token" => redeem_refresh_token(app, params, client_id, now),
        DEVICE_CODE_GRANT_TYPE => device::poll(app, params, client_id, now),
        "client_credentials" => Err(OAuthError::new(
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
        .with_status(StatusCode::UNAUTHORIZED)),
        other => Err(OAuthError::new(
            "unsupported_grant_type",
            70_003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

/// Documented: "Public clients must not send a secret": a secret, an assertion or HTTP Basic
/// credentials from a public client are AADSTS700025, `invalid_client`, 401.
fn refuse_client_credentials(headers: &HeaderMap, params: &Params) -> Result<(), OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("basic ")
        });
    if basic || params.contains_key("client_secret") || params.contains_key("client_assertion") {
        return Err(OAuthError::new(
            "invalid_client",
            700_025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        )
        .with_status(StatusCode::UNAUTHORIZED));
    }
    Ok(())
}

fn redeem_code(
    app: &App,
    params: &Params,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<Value, OAuthError> {
    let code = required(params, "code")?;
    let redirect_uri = required(params, "redirect_uri")?;
    let mut login = app.login();
    let key = secret_key(code);
    let record = login
        .codes
        .get(&key)
        .cloned()
        .ok_or_else(unverified::unknown_authorization_code)?;
    if !record.client_id.eq_ignore_ascii_case(client_id) {
        return Err(unverified::grant_of_another_client());
    }
    if record.redeemed {
        return Err(OAuthError::new(
            "invalid_grant",
            54_005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    if now >= record.issued_at + Duration::seconds(AUTHORIZATION_CODE_LIFETIME_SECONDS) {
        return Err(OAuthError::new(
            "invalid_grant",
            70_008,
            format!(
                "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource. The code was issued on {}.",
                timestamp(record.issued_at)
            ),
        ));
    }
    let checked = check_redemption(&record, redirect_uri, optional(params, "code_verifier"))
        .and_then(|()| {
            scopes::narrow(
                &record.grant,
                optional(params, "scope"),
                client_id,
                client_name(client_id),
            )
        });
    let grant = match checked {
        Ok(grant) => grant,
        Err(error) => {
            if unverified::FAILED_REDEMPTION_CONSUMES_CODE
                && let Some(stored) = login.codes.get_mut(&key)
            {
                stored.redeemed = true;
            }
            return Err(error);
        }
    };
    if let Some(stored) = login.codes.get_mut(&key) {
        stored.redeemed = true;
    }
    let user = app
        .tenant()
        .user_by_id(&record.user_id)
        .ok_or_else(missing_seed_user)?;
    Ok(issue_tokens(
        app,
        &mut login,
        &Issue {
            client_id,
            user,
            grant: &grant,
            refresh_grant: &record.grant,
            nonce: record.nonce.as_deref(),
            now,
        },
    ))
}

/// The redirect URI must be the authorize one, character for character, and the verifier must
/// match the challenge.
fn check_redemption(
    record: &super::AuthorizationCode,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<(), OAuthError> {
    if redirect_uri != record.redirect_uri {
        return Err(unverified::redirect_uri_mismatch_at_redemption(
            redirect_uri,
            &record.redirect_uri,
        ));
    }
    let Some(pkce) = &record.pkce else {
        return Ok(());
    };
    let matches = verifier.is_some_and(|verifier| match pkce.method {
        PkceMethod::S256 => {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == pkce.challenge
        }
        PkceMethod::Plain => verifier == pkce.challenge,
    });
    if matches {
        Ok(())
    } else {
        Err(OAuthError::new(
            "invalid_grant",
            501_481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        ))
    }
}

fn redeem_refresh_token(
    app: &App,
    params: &Params,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<Value, OAuthError> {
    let refresh_token = required(params, "refresh_token")?;
    let mut login = app.login();
    let key = secret_key(refresh_token);
    let record = login
        .refresh_tokens
        .get(&key)
        .cloned()
        .ok_or_else(unverified::unknown_refresh_token)?;
    if !record.client_id.eq_ignore_ascii_case(client_id) {
        return Err(unverified::grant_of_another_client());
    }
    if let Some(revoked_at) = record.revoked_at {
        return Err(OAuthError::new(
            "invalid_grant",
            50_173,
            format!(
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{}'.",
                timestamp(record.issued_at),
                timestamp(revoked_at)
            ),
        ));
    }
    if now >= record.last_used_at + Duration::days(REFRESH_TOKEN_INACTIVITY_DAYS) {
        return Err(OAuthError::new(
            "invalid_grant",
            700_082,
            format!(
                "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for {REFRESH_TOKEN_INACTIVITY_DAYS}.00:00:00.",
                timestamp(record.issued_at)
            ),
        ));
    }
    let grant = scopes::narrow(
        &record.grant,
        optional(params, "scope"),
        client_id,
        client_name(client_id),
    )?;
    // Entra does not revoke the token just used: it stays valid, and is tracked.
    if let Some(stored) = login.refresh_tokens.get_mut(&key) {
        stored.uses += 1;
        stored.last_used_at = now;
    }
    let user = app
        .tenant()
        .user_by_id(&record.user_id)
        .ok_or_else(missing_seed_user)?;
    Ok(issue_tokens(
        app,
        &mut login,
        &Issue {
            client_id,
            user,
            grant: &grant,
            refresh_grant: &record.grant,
            nonce: None,
            now,
        },
    ))
}

/// What one token response is minted from.
pub(super) struct Issue<'a> {
    pub(super) client_id: &'a str,
    pub(super) user: &'a TenantUser,
    /// What this access token is for (possibly narrowed by the request's `scope`).
    pub(super) grant: &'a Grant,
    /// What a new refresh token keeps: the whole sign-in grant, since a refresh token is "valid
    /// for all permissions that your client has already received consent for" (Microsoft's
    /// auth code flow page).
    pub(super) refresh_grant: &'a Grant,
    pub(super) nonce: Option<&'a str>,
    pub(super) now: DateTime<Utc>,
}

/// Mints a token response: `token_type`, `scope`, `expires_in`, `ext_expires_in`,
/// `access_token`, plus `refresh_token` only with `offline_access` and `id_token` only with
/// `openid`.
pub(super) fn issue_tokens(app: &App, login: &mut LoginState, issue: &Issue<'_>) -> Value {
    let seed = app.seed();
    let effective = effective_grant(issue.grant, login);
    let lifetime = login
        .behaviour
        .access_token_lifetime_seconds
        .unwrap_or_else(|| unverified::default_access_token_lifetime(login.rng(seed)));
    let scp = if effective.graph.is_empty() {
        unverified::scp_without_graph_permission(&effective)
    } else {
        effective.graph.join(" ")
    };
    let access_token = access_token(app, issue.user, issue.client_id, scp, issue.now, lifetime);
    let mut body = json!({
        "token_type": "Bearer",
        "scope": unverified::response_scope(&effective),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    });
    if issue.grant.oidc.offline_access {
        body["refresh_token"] = Value::String(new_refresh_token(
            app,
            login,
            issue.client_id,
            issue.user,
            issue.refresh_grant,
            issue.now,
        ));
    }
    if issue.grant.oidc.openid {
        body["id_token"] = Value::String(id_token(app, issue, &effective));
    }
    body
}

/// The grant as the tenant's consent stands now.
fn effective_grant(grant: &Grant, login: &LoginState) -> Grant {
    match &login.behaviour.consented_scopes {
        Some(consented) if unverified::CONSENT_LIMIT_APPLIES_TO_REFRESH => Grant {
            oidc: grant.oidc,
            graph: grant
                .graph
                .iter()
                .filter(|scope| consented.contains(scope))
                .copied()
                .collect(),
        },
        _ => grant.clone(),
    }
}

fn new_refresh_token(
    app: &App,
    login: &mut LoginState,
    client_id: &str,
    user: &TenantUser,
    grant: &Grant,
    now: DateTime<Utc>,
) -> String {
    let token = login.new_secret(
        app.seed(),
        unverified::REFRESH_TOKEN_PREFIX,
        unverified::REFRESH_TOKEN_RANDOM_LENGTH,
    );
    login.refresh_tokens.insert(
        secret_key(&token),
        RefreshGrant {
            client_id: client_id.to_string(),
            user_id: user.id.clone(),
            grant: grant.clone(),
            issued_at: now,
            last_used_at: now,
            revoked_at: None,
            uses: 0,
        },
    );
    token
}

/// A Graph access token the Graph simulator accepts (see [`crate::entra_tokens`]).
pub(super) fn access_token(
    app: &App,
    user: &TenantUser,
    client_id: &str,
    scp: String,
    now: DateTime<Utc>,
    lifetime_seconds: u32,
) -> String {
    let tenant = app.tenant();
    let mut wids = user.directory_roles.clone();
    if !wids
        .iter()
        .any(|role| role == unverified::MEMBER_USER_ROLE_TEMPLATE)
    {
        wids.push(unverified::MEMBER_USER_ROLE_TEMPLATE.to_string());
    }
    let claims = AccessClaims {
        aud: GRAPH_AUDIENCE.to_string(),
        iss: unverified::access_token_issuer(&tenant.tenant_id),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: now.timestamp() + i64::from(lifetime_seconds),
        appid: client_id.to_string(),
        tid: tenant.tenant_id.clone(),
        oid: user.id.clone(),
        upn: user.user_principal_name.clone(),
        name: user.display_name.clone(),
        scp,
        wids,
    };
    entra_tokens::issue(app.seed(), &claims)
}

/// An id_token shaped like Entra's v2.0 ones (header.payload.signature, base64url). `name` and
/// `preferred_username` need `profile`, `email` needs `email` (OIDC standard claims). Signed with a
/// keyed SHA-256 like the access tokens: public clients read id_token claims, they do not verify.
fn id_token(app: &App, issue: &Issue<'_>, grant: &Grant) -> String {
    let tenant = app.tenant();
    let user = issue.user;
    let mut claims = json!({
        "aud": issue.client_id,
        "iss": format!("{}/login/{}/v2.0", app.base_url, tenant.tenant_id),
        "iat": issue.now.timestamp(),
        "nbf": issue.now.timestamp(),
        "exp": issue.now.timestamp() + ID_TOKEN_LIFETIME_SECONDS,
        "tid": tenant.tenant_id,
        "oid": user.id,
        // Pairwise per client, like Entra's `sub`.
        "sub": URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{}:{}", user.id, issue.client_id))),
        "ver": "2.0",
    });
    if let Some(nonce) = issue.nonce {
        claims["nonce"] = Value::String(nonce.to_string());
    }
    if grant.oidc.profile {
        claims["name"] = Value::String(user.display_name.clone());
        claims["preferred_username"] = Value::String(user.user_principal_name.clone());
    }
    if grant.oidc.email {
        claims["email"] = Value::String(user.mail.clone());
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256","kid":"sandbox-id"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut hasher = Sha256::new();
    hasher.update(b"scim-wizard-sandbox id token key");
    hasher.update(app.seed().to_le_bytes());
    hasher.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hasher.finalize());
    format!("{signing_input}.{signature}")
}
