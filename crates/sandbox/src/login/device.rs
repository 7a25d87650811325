//! The device code flow: `POST …/devicecode` starts it, the person enters the user code at
//! microsoft.com/devicelogin (simulated by `POST /_sandbox/login/device/approve`, or by
//! auto-approval after a few polls), and the client polls `…/token` with the device code.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::protocol::{
    OAuthError, Params, RequestIds, json_response, optional, parse_params, required,
};
use super::scopes::{self, Grant};
use super::token::{Issue, issue_tokens};
use super::{
    Behaviour, DEVICE_CODE_LIFETIME_SECONDS, DEVICE_VERIFICATION_URI, DeviceAuthorization,
    DeviceStatus, LoginState, TokenRecord, check_client, client_name, missing_seed_user,
    outcome_label, resolve_authority, secret_key, signing_in_user, unverified,
};
use crate::App;
use crate::core::clock::timestamp;
use crate::tenant::TenantUser;

pub(super) async fn devicecode(
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
        .and_then(|params| start(&app, &tenant_segment, params, now));
    let record = TokenRecord {
        time: timestamp(now),
        endpoint: "devicecode",
        grant_type: None,
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

fn start(
    app: &App,
    tenant_segment: &str,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Value, OAuthError> {
    let tenant = app.tenant();
    resolve_authority(tenant, tenant_segment, optional(params, "client_id"))?;
    let client_id = required(params, "client_id")?;
    check_client(tenant, client_id)?;
    let requested = scopes::parse(params.get("scope").map(String::as_str).unwrap_or_default())
        .map_err(|problem| problem.to_oauth_error(client_id, client_name(client_id)))?;
    if !requested.oidc.openid {
        return Err(unverified::openid_required());
    }
    let seed = app.seed();
    let mut login = app.login();
    let device_code = login.new_secret(
        seed,
        unverified::DEVICE_CODE_PREFIX,
        unverified::DEVICE_CODE_RANDOM_LENGTH,
    );
    let user_code = new_user_code(&mut login, seed);
    let interval_seconds = login.behaviour.device_poll_interval_seconds;
    login.device_authorizations.insert(
        secret_key(&device_code),
        DeviceAuthorization {
            client_id: client_id.to_string(),
            user_code: user_code.clone(),
            requested,
            created_at: now,
            expires_at: now + Duration::seconds(DEVICE_CODE_LIFETIME_SECONDS),
            interval_seconds,
            status: DeviceStatus::Pending,
            polls: 0,
            last_poll_at: None,
        },
    );
    Ok(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": DEVICE_VERIFICATION_URI,
        "expires_in": DEVICE_CODE_LIFETIME_SECONDS,
        "interval": interval_seconds,
        "message": format!(
            "To sign in, use a web browser to open the page {DEVICE_VERIFICATION_URI} and enter the code {user_code} to authenticate."
        ),
    }))
}

/// A user code no live device flow uses.
fn new_user_code(login: &mut LoginState, seed: u64) -> String {
    loop {
        let rng = login.rng(seed);
        let code: String = (0..unverified::USER_CODE_LENGTH)
            .map(|_| {
                let alphabet = unverified::USER_CODE_ALPHABET;
                char::from(alphabet[rng.random_range(0..alphabet.len())])
            })
            .collect();
        if !login
            .device_authorizations
            .values()
            .any(|flow| flow.user_code == code)
        {
            return code;
        }
    }
}

/// One poll of `grant_type=urn:ietf:params:oauth:grant-type:device_code`.
pub(super) fn poll(
    app: &App,
    params: &Params,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<Value, OAuthError> {
    let device_code = required(params, "device_code")?;
    let tenant = app.tenant();
    let mut login = app.login();
    let behaviour = login.behaviour.clone();
    let key = secret_key(device_code);
    let Some(flow) = login.device_authorizations.get_mut(&key) else {
        return Err(OAuthError::new(
            "bad_verification_code",
            70_018,
            "The provided value for the input parameter 'device_code' is not valid.",
        ));
    };
    if !flow.client_id.eq_ignore_ascii_case(client_id) {
        return Err(unverified::grant_of_another_client());
    }
    if flow.status == DeviceStatus::Redeemed {
        return Err(unverified::device_code_already_redeemed());
    }
    if now >= flow.expires_at {
        return Err(OAuthError::new(
            "expired_token",
            70_019,
            "Verification code expired.",
        ));
    }
    flow.polls += 1;
    let previous_poll = flow.last_poll_at.replace(now);
    if behaviour.enforce_poll_interval
        && previous_poll.is_some_and(|previous| {
            now < previous + Duration::seconds(i64::from(flow.interval_seconds))
        })
    {
        return Err(unverified::polling_too_fast(flow.interval_seconds));
    }
    let auto_approve = behaviour.device_auto_approve_after_polls;
    if flow.status == DeviceStatus::Pending && auto_approve > 0 && flow.polls >= auto_approve {
        let user = signing_in_user(tenant, &behaviour, None).ok_or_else(missing_seed_user)?;
        settle(flow, &behaviour, user, behaviour.deny_consent);
    }
    let (user_id, grant) = match &flow.status {
        DeviceStatus::Pending => {
            return Err(OAuthError::new(
                "authorization_pending",
                70_016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
            ));
        }
        DeviceStatus::Declined => return Err(unverified::device_code_declined()),
        DeviceStatus::Redeemed => return Err(unverified::device_code_already_redeemed()),
        DeviceStatus::Approved { user_id, grant } => (user_id.clone(), grant.clone()),
    };
    flow.status = DeviceStatus::Redeemed;
    let user = tenant.user_by_id(&user_id).ok_or_else(missing_seed_user)?;
    Ok(issue_tokens(
        app,
        &mut login,
        &Issue {
            client_id,
            user,
            grant: &grant,
            refresh_grant: &grant,
            nonce: None,
            now,
        },
    ))
}

/// The person at the verification page approves (signing in as `user`, consenting as the
/// tenant's consent allows) or declines.
fn settle(flow: &mut DeviceAuthorization, behaviour: &Behaviour, user: &TenantUser, decline: bool) {
    flow.status = if decline {
        DeviceStatus::Declined
    } else {
        DeviceStatus::Approved {
            user_id: user.id.clone(),
            grant: Grant {
                oidc: flow.requested.oidc,
                graph: scopes::granted(&flow.requested, behaviour.consented_scopes.as_deref()),
            },
        }
    };
}

/// Why the control route could not approve a user code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ApprovalProblem {
    UnknownUserCode,
    Expired,
    AlreadySettled(&'static str),
}

/// `POST /_sandbox/login/device/approve`: the person enters `user_code` (case and dashes do not
/// matter, as on the real page) and approves or declines. Returns the device flow's new status.
pub(super) fn approve_by_user_code(
    login: &mut LoginState,
    user: &TenantUser,
    user_code: &str,
    decline: bool,
    now: DateTime<Utc>,
) -> Result<&'static str, ApprovalProblem> {
    let wanted: String = user_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let behaviour = login.behaviour.clone();
    let flow = login
        .device_authorizations
        .values_mut()
        .find(|flow| flow.user_code == wanted)
        .ok_or(ApprovalProblem::UnknownUserCode)?;
    if now >= flow.expires_at {
        return Err(ApprovalProblem::Expired);
    }
    if flow.status != DeviceStatus::Pending {
        // AADSTS90120 on the real page: "The request was already authorized or declined."
        return Err(ApprovalProblem::AlreadySettled(flow.status.name()));
    }
    settle(flow, &behaviour, user, decline);
    Ok(flow.status.name())
}
