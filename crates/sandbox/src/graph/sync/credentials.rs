//! validateCredentials (Entra's "Test connection") and the synchronization secrets.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::{missing_parameter, sync_guard, template_id_of};
use crate::App;
use crate::graph::provisioning;
use crate::graph::respond::{GraphError, GraphResult, json_body, no_content, ok, with_context};

/// The `synchronizationSecret` enum. Keys are matched case-sensitively: a wrongly cased
/// key is "not found" like an unknown one.
const SECRET_KEYS: &[&str] = &[
    "None",
    "UserName",
    "Password",
    "SecretToken",
    "AppKey",
    "BaseAddress",
    "ClientIdentifier",
    "ClientSecret",
    "SingleSignOnType",
    "Sandbox",
    "Url",
    "Domain",
    "ConsumerKey",
    "ConsumerSecret",
    "TokenKey",
    "TokenExpiration",
    "Oauth2AccessToken",
    "Oauth2AccessTokenCreationTime",
    "Oauth2RefreshToken",
    "SyncAll",
    "InstanceName",
    "Oauth2ClientId",
    "Oauth2ClientSecret",
    "CompanyId",
    "UpdateKeyOnSoftDelete",
    "SynchronizationSchedule",
    "SystemOfRecord",
    "SandboxName",
    "EnforceDomain",
    "SyncNotificationSettings",
    "SkipOutOfScopeDeletions",
    "Oauth2AuthorizationCode",
    "Oauth2RedirectUri",
    "ApplicationTemplateIdentifier",
    "Oauth2TokenExchangeUri",
    "Oauth2AuthorizationUri",
    "AuthenticationType",
    "Server",
    "PerformInboundEntitlementGrants",
    "HardDeletesEnabled",
    "SyncAgentCompatibilityKey",
    "SyncAgentADContainer",
    "ValidateDomain",
    "TestReferences",
    "ConnectionString",
];

/// UNVERIFIED (the Terraform provider "assumes sensitive values come back masked as `*`"):
/// which keys `GET secrets` masks, and the mask.
const MASKED_SECRET_KEYS: &[&str] = &[
    "SecretToken",
    "Password",
    "ClientSecret",
    "AppKey",
    "ConsumerSecret",
    "TokenKey",
    "Oauth2AccessToken",
    "Oauth2RefreshToken",
    "Oauth2ClientSecret",
    "Oauth2AuthorizationCode",
];
const SECRET_MASK: &str = "*";

/// UNVERIFIED: whether PUT secrets merges or replaces keys. The sandbox REPLACES the whole set,
/// and a key PUT with an empty value is dropped (the Terraform provider's way of deleting). A
/// client that PUTs only the changed key therefore loses the others, which is why clients must
/// always send the complete set in one PUT.
const PUT_SECRETS_REPLACES_THE_SET: bool = true;

/// `[{key, value}, …]` → pairs, every key checked against the `synchronizationSecret` enum:
/// an unknown or wrongly cased key is the documented 500.
fn secret_pairs(list: &Value, parameter: &str) -> Result<Vec<(String, String)>, GraphError> {
    let items = list
        .as_array()
        .ok_or_else(|| missing_parameter(parameter))?;
    let mut pairs = Vec::new();
    for item in items {
        let key = item.get("key").and_then(Value::as_str).unwrap_or_default();
        if !SECRET_KEYS.contains(&key) {
            return Err(GraphError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                format!("Requested value '{key}' was not found."),
            ));
        }
        let value = match item.get("value") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        pairs.push((key.to_string(), value));
    }
    Ok(pairs)
}

fn credential_unavailable(message: &str) -> GraphError {
    // The sync service's message is itself a JSON string.
    let inner = json!({"Message": message}).to_string();
    GraphError::bad_request("CredentialValidationUnavailable", inner)
}

/// Runs Entra's "Test connection" against the SCIM endpoint: 204 or the documented 400.
async fn test_credentials(
    app: &Arc<App>,
    sp_id: &str,
    job_id: Option<String>,
    pairs: &[(String, String)],
) -> GraphResult {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let (base_address, token) = (get("BaseAddress"), get("SecretToken"));
    match provisioning::test_connection(app, sp_id, job_id, &base_address, &token).await {
        Ok(()) => no_content(),
        Err(message) => Err(credential_unavailable(&message)),
    }
}

pub(crate) async fn validate_credentials(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    template_id_of(&body)?;
    let pairs = if body.get("useSavedCredentials").and_then(Value::as_bool) == Some(true) {
        app.graph().secrets.get(&sp_id).cloned().unwrap_or_default()
    } else {
        secret_pairs(
            body.get("credentials").unwrap_or(&Value::Null),
            "credentials",
        )?
    };
    test_credentials(&app, &sp_id, None, &pairs).await
}

pub(crate) async fn validate_job_credentials(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((sp_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    let saved = {
        let mut graph = app.graph();
        graph.job_mut(&sp_id, &job_id)?;
        graph.secrets.get(&sp_id).cloned().unwrap_or_default()
    };
    // `credentials` is ignored when useSavedCredentials is true.
    let pairs = if body.get("useSavedCredentials").and_then(Value::as_bool) == Some(true) {
        saved
    } else {
        secret_pairs(
            body.get("credentials").unwrap_or(&Value::Null),
            "credentials",
        )?
    };
    test_credentials(&app, &sp_id, Some(job_id), &pairs).await
}

pub(crate) async fn get_secrets(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, false)?;
    let pairs = app.graph().secrets.get(&sp_id).cloned().unwrap_or_default();
    let value: Vec<Value> = pairs
        .iter()
        .map(|(key, value)| {
            let shown = if MASKED_SECRET_KEYS.contains(&key.as_str()) {
                SECRET_MASK
            } else {
                value.as_str()
            };
            json!({"key": key, "value": shown})
        })
        .collect();
    ok(with_context(
        &app,
        &format!("servicePrincipals('{sp_id}')/synchronization/secrets"),
        json!({"value": value}),
    ))
}

pub(crate) async fn put_secrets(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(sp_id): Path<String>,
    body: Bytes,
) -> GraphResult {
    sync_guard(&app, &headers, &sp_id, true)?;
    let body = json_body(&body)?;
    // The wrapper is `value` (the doc's parameter table says `credentials`).
    let pairs = secret_pairs(body.get("value").unwrap_or(&Value::Null), "value")?;
    let mut graph = app.graph();
    let set = graph.secrets.entry(sp_id).or_default();
    if PUT_SECRETS_REPLACES_THE_SET {
        set.clear();
    }
    for (key, value) in pairs {
        set.retain(|(name, _)| *name != key);
        if !value.is_empty() {
            set.push((key, value));
        }
    }
    no_content()
}
