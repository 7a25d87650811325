//! Tokens as the rest of the app sees them, and the plumbing shared by the flows: the `oauth2`
//! client typed for Entra's error bodies, and turning a token response into [`Tokens`].

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    EndpointNotSet, EndpointSet, ExtraTokenFields, HttpClientError, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::config::SignInConfig;
use super::error::{AuthError, EntraErrorDetails, Stage};

/// Claims read from an access token, for display and preflight. They are decoded **without**
/// checking the signature (only Entra and Graph can do that); never base a security decision on
/// them, only what to show and what to check first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// `tid`: the tenant the token was issued in.
    pub tenant_id: Option<String>,
    /// `oid`: the signed-in user's object id.
    pub object_id: Option<String>,
    /// `upn`, else `preferred_username`, else `unique_name`.
    pub username: Option<String>,
    /// `name`.
    pub display_name: Option<String>,
    /// `scp`: granted delegated scopes.
    pub scopes: Vec<String>,
    /// `wids`: directory role template ids the user holds.
    pub directory_role_ids: Vec<String>,
    /// `exp`, seconds since the Unix epoch.
    pub expires_at: Option<i64>,
    /// `appid` or `azp`: the client the token was issued to.
    pub client_id: Option<String>,
}

#[derive(Deserialize)]
struct RawClaims {
    tid: Option<String>,
    oid: Option<String>,
    upn: Option<String>,
    preferred_username: Option<String>,
    unique_name: Option<String>,
    name: Option<String>,
    scp: Option<String>,
    #[serde(default)]
    wids: Vec<String>,
    exp: Option<i64>,
    appid: Option<String>,
    azp: Option<String>,
}

impl TokenClaims {
    /// Reads the payload of a JWT. `None` when the token is not a readable JWT (Graph access
    /// tokens for work accounts always are).
    pub fn decode_unverified(jwt: &str) -> Option<TokenClaims> {
        let mut parts = jwt.split('.');
        let (Some(_header), Some(payload), Some(_signature)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let raw: RawClaims = serde_json::from_slice(&bytes).ok()?;
        Some(TokenClaims {
            tenant_id: raw.tid,
            object_id: raw.oid,
            username: raw.upn.or(raw.preferred_username).or(raw.unique_name),
            display_name: raw.name,
            scopes: raw.scp.map(|scp| split_scopes(&scp)).unwrap_or_default(),
            directory_role_ids: raw.wids,
            expires_at: raw.exp,
            client_id: raw.appid.or(raw.azp),
        })
    }

    /// Whether `scp` holds this scope (case-insensitive, as Entra compares them).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes
            .iter()
            .any(|granted| granted.eq_ignore_ascii_case(scope))
    }
}

/// Splits a space-separated scope list and drops a Graph resource prefix
/// (`https://graph.microsoft.com/User.Read` → `User.Read`).
pub(crate) fn split_scopes(scopes: &str) -> Vec<String> {
    scopes
        .split_whitespace()
        .map(|scope| match scope.rfind('/') {
            Some(index) if scope.starts_with("http") => scope[index + 1..].to_owned(),
            _ => scope.to_owned(),
        })
        .filter(|scope| !scope.is_empty())
        .collect()
}

/// A Microsoft Graph access token, in memory only.
#[derive(Clone)]
pub struct AccessToken {
    secret: SecretString,
    expires_at: SystemTime,
    claims: TokenClaims,
    scopes: Vec<String>,
}

impl AccessToken {
    /// The bearer token, to put in an `Authorization: Bearer` header. Expose it only there.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// When the token stops working (from `expires_in`, measured when it arrived).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// How long it still works (zero once expired).
    pub fn remaining(&self) -> Duration {
        self.expires_at
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    }

    /// Whether it works for at least `margin` more.
    pub fn valid_for(&self, margin: Duration) -> bool {
        self.remaining() > margin
    }

    pub fn claims(&self) -> &TokenClaims {
        &self.claims
    }

    /// The granted scopes: `scp` from the token, else the `scope` of the token response.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Builds a token from its parts (for callers' tests and fakes). The claims are read from the
    /// token if it is a JWT.
    pub fn new(secret: SecretString, expires_at: SystemTime, scopes: Vec<String>) -> AccessToken {
        let claims = TokenClaims::decode_unverified(secret.expose_secret()).unwrap_or_default();
        let scopes = if claims.scopes.is_empty() {
            scopes
        } else {
            claims.scopes.clone()
        };
        AccessToken {
            secret,
            expires_at,
            claims,
            scopes,
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_in = self.remaining().as_secs();
        f.debug_struct("AccessToken")
            .field("secret", &"[redacted]")
            .field("expires_in_secs", &expires_in)
            .field("claims", &self.claims)
            .finish()
    }
}

/// What a successful sign-in returns: the access token, and the refresh token to hand to a
/// [`super::RefreshTokenStore`] (through [`super::TokenSession::establish`]).
#[derive(Clone)]
pub struct Tokens {
    access_token: AccessToken,
    refresh_token: Option<SecretString>,
}

impl Tokens {
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    pub fn claims(&self) -> &TokenClaims {
        &self.access_token.claims
    }

    /// The refresh token, if Microsoft sent one (it does when `offline_access` is granted).
    pub fn refresh_token(&self) -> Option<&SecretString> {
        self.refresh_token.as_ref()
    }

    pub(crate) fn into_parts(self) -> (AccessToken, Option<SecretString>) {
        (self.access_token, self.refresh_token)
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &self.access_token)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Fields Entra adds to a token response.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(crate) struct EntraTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl fmt::Debug for EntraTokenFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EntraTokenFields { .. }")
    }
}

impl ExtraTokenFields for EntraTokenFields {}

pub(crate) type EntraTokenResponse = StandardTokenResponse<EntraTokenFields, BasicTokenType>;

/// Entra's token endpoint error body: the standard fields plus `error_codes`, `trace_id`,
/// `correlation_id` and `timestamp` (docs/services.md), which `oauth2`'s standard
/// error type would drop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EntraOAuthError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<i64>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

impl EntraOAuthError {
    pub(crate) fn details(&self) -> EntraErrorDetails {
        EntraErrorDetails::new(
            &self.error,
            self.error_description.as_deref(),
            &self.error_codes,
            self.trace_id.as_deref(),
            self.correlation_id.as_deref(),
            self.timestamp.as_deref(),
        )
    }
}

impl fmt::Display for EntraOAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)
    }
}

impl oauth2::ErrorResponse for EntraOAuthError {}

/// The `oauth2` client with Entra's error body; endpoints set per flow.
pub(crate) type EntraClient<HasAuthUrl, HasDeviceAuthUrl> = oauth2::Client<
    EntraOAuthError,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    HasDeviceAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A client with only the token endpoint of `tenant` (code redemption, refresh).
pub(crate) fn token_client(
    config: &SignInConfig,
    tenant: &str,
) -> Result<EntraClient<EndpointNotSet, EndpointNotSet>, AuthError> {
    let token_url = oauth2::TokenUrl::from_url(config.oauth_url(tenant, "token")?);
    Ok(
        oauth2::Client::new(oauth2::ClientId::new(config.client_id().to_owned()))
            .set_auth_type(oauth2::AuthType::RequestBody)
            .set_token_uri(token_url),
    )
}

/// Maps an `oauth2` request error. Never formats a response body: a body that failed to parse
/// may be a token response.
pub(crate) fn map_request_error(
    error: RequestTokenError<HttpClientError<reqwest::Error>, EntraOAuthError>,
    stage: Stage,
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            AuthError::from_entra(response.details(), stage)
        }
        RequestTokenError::Request(error) => AuthError::network(&error),
        RequestTokenError::Parse(error, _body) => AuthError::UnexpectedResponse {
            message: format!(
                "the sign-in service's answer could not be read (at '{}')",
                error.path()
            ),
            request_id: None,
        },
        RequestTokenError::Other(message) => AuthError::UnexpectedResponse {
            message,
            request_id: None,
        },
    }
}

/// Turns a token response into [`Tokens`], keeping the token only as a [`SecretString`].
pub(crate) fn tokens_from_response(response: &EntraTokenResponse) -> Tokens {
    let expires_in = response
        .expires_in()
        // Entra always sends expires_in; without it, assume the shortest documented lifetime.
        .unwrap_or(Duration::from_secs(60 * 60));
    let scopes = response
        .scopes()
        .map(|scopes| {
            scopes
                .iter()
                .flat_map(|scope| split_scopes(scope))
                .collect()
        })
        .unwrap_or_default();
    let mut access_token = AccessToken::new(
        SecretString::from(response.access_token().secret().as_str()),
        SystemTime::now() + expires_in,
        scopes,
    );
    if access_token.claims.tenant_id.is_none() {
        // An access token that is not a readable JWT: the id_token (with `openid`) still says
        // which tenant signed in, for pinning.
        let id_claims = response
            .extra_fields()
            .id_token
            .as_deref()
            .and_then(TokenClaims::decode_unverified);
        if let Some(id_claims) = id_claims {
            access_token.claims.tenant_id = id_claims.tenant_id;
            access_token.claims.object_id = access_token.claims.object_id.or(id_claims.object_id);
            access_token.claims.username = access_token.claims.username.or(id_claims.username);
            access_token.claims.display_name =
                access_token.claims.display_name.or(id_claims.display_name);
        }
    }
    let refresh_token = response
        .refresh_token()
        .map(|token| SecretString::from(token.secret().as_str()));
    Tokens {
        access_token,
        refresh_token,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JWT-shaped token with the given claims (unsigned: we never verify).
    pub(crate) fn fake_jwt(claims: &serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.c2lnbmF0dXJl")
    }

    #[test]
    fn claims_are_read_without_verifying() {
        let jwt = fake_jwt(&serde_json::json!({
            "tid": "t-1", "oid": "o-1", "preferred_username": "ines@contoso.com", "name": "Inès",
            "scp": "User.Read Application.ReadWrite.All", "wids": ["158c047a-c907-4556-b7ef-446551a6b5f7"],
            "exp": 1_900_000_000, "azp": "client"
        }));
        let claims = TokenClaims::decode_unverified(&jwt).unwrap_or_default();
        assert_eq!(claims.tenant_id.as_deref(), Some("t-1"));
        assert_eq!(claims.username.as_deref(), Some("ines@contoso.com"));
        assert!(claims.has_scope("application.readwrite.all"));
        assert_eq!(claims.directory_role_ids.len(), 1);
        assert_eq!(claims.client_id.as_deref(), Some("client"));
        assert_eq!(TokenClaims::decode_unverified("opaque-token"), None);
        assert_eq!(TokenClaims::decode_unverified("a.!!!.c"), None);
    }

    #[test]
    fn access_token_debug_is_redacted() {
        let jwt = fake_jwt(&serde_json::json!({"tid": "t", "scp": "User.Read"}));
        let token = AccessToken::new(
            SecretString::from(jwt.as_str()),
            SystemTime::now() + Duration::from_secs(3600),
            vec![],
        );
        let tokens = Tokens {
            access_token: token.clone(),
            refresh_token: Some(SecretString::from("refresh-secret-value")),
        };
        let printed = format!("{tokens:?} {token:?} {:?}", token.secret());
        assert!(!printed.contains(&jwt), "{printed}");
        assert!(!printed.contains("refresh-secret-value"), "{printed}");
        assert!(token.valid_for(Duration::from_secs(60)));
        assert_eq!(token.scopes(), ["User.Read".to_owned()]);
    }

    #[test]
    fn scopes_lose_their_resource_prefix() {
        assert_eq!(
            split_scopes("https://graph.microsoft.com/User.Read  openid profile"),
            vec!["User.Read", "openid", "profile"]
        );
    }
}
