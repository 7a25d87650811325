//! The Scaleway IAM client: SCIM configuration, SCIM tokens, organizations, API keys, users
//! and applications, all under `/iam/v1alpha1` (docs/services.md).

use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::clock::ServerClock;
use crate::error::{ErrorCode, ErrorResponse, ScalewayError, describe_body, error_from_response};
use crate::retry::{Idempotency, RawResponse, RetryPolicy, TransportFailure, send_with_retry};
use crate::secret::{ExposeSecret, SecretString};
use crate::types::{
    ApiKey, Application, CreateScimTokenResponse, CreatedScimToken, Group, ListGroupsResponse,
    ListScimTokensResponse, ListUsersResponse, Organization, Scim, ScimEnablement, ScimToken, User,
};
use crate::validate;

/// Scaleway's public API. IAM is global: no region or zone in its paths.
pub const DEFAULT_API_BASE: &str = "https://api.scaleway.com";

/// Largest page the list endpoints accept (and the default page size).
pub const MAX_PAGE_SIZE: u32 = 100;
/// Stop following pages after this many, whatever `total_count` says: a server that keeps
/// returning pages must not keep the wizard busy forever.
const MAX_PAGES: u32 = 1000;

/// The `resource` of the 404 that means "SCIM is not enabled for this Organization".
const SCIM_NOT_ENABLED_RESOURCE: &str = "organization_scim";

const USER_AGENT_VALUE: &str = concat!("scim-wizard/", env!("CARGO_PKG_VERSION"));

/// [`DEFAULT_API_BASE`] as a URL.
#[allow(
    clippy::expect_used,
    reason = "a constant that parses; the unit test `endpoints_keep_the_base_path_and_encode_segments` proves it"
)]
pub fn default_api_base() -> Url {
    Url::parse(DEFAULT_API_BASE).expect("DEFAULT_API_BASE is a valid URL")
}

/// Tunables of [`ScalewayClient`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientOptions {
    pub retry: RetryPolicy,
    /// Limit for one attempt, from sending to the last byte of the body.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Items per page when listing (1..=100; out-of-range values are clamped). Fewest round
    /// trips at 100; tests lower it to exercise paging.
    pub page_size: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            page_size: MAX_PAGE_SIZE,
        }
    }
}

impl ClientOptions {
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }
}

/// A value with the `X-Request-Id` of the response that carried it.
#[derive(Debug, Clone)]
pub(crate) struct Traced<T> {
    pub value: T,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    None,
    /// `{}` with `Content-Type: application/json`, as the SDKs send on the enable POST.
    EmptyJsonObject,
}

/// A client for the Scaleway IAM API, authenticated by a secret key sent as `X-Auth-Token`.
///
/// Cheap to clone (the connection pool is shared). Its `Debug` shows the base URL only.
#[derive(Clone)]
pub struct ScalewayClient {
    http: reqwest::Client,
    api_base: Url,
    auth_header: HeaderValue,
    retry: RetryPolicy,
    page_size: u32,
    clock: ServerClock,
}

impl fmt::Debug for ScalewayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScalewayClient")
            .field("api_base", &self.api_base.as_str())
            .field("secret_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl ScalewayClient {
    /// Now on Scaleway's clock, as its last answer told it (see [`ServerClock`]).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// A client with the default options. `api_base` is usually [`default_api_base`]; the
    /// sandbox passes `http://127.0.0.1:PORT/scaleway` (a base with a path prefix is fine).
    pub fn new(api_base: Url, secret_key: SecretString) -> Result<Self, ScalewayError> {
        Self::with_options(api_base, secret_key, ClientOptions::default())
    }

    /// A client with explicit options (tests use [`RetryPolicy::quick`]).
    ///
    /// Refuses a base that is not https (plain http only to loopback, where the sandbox runs),
    /// because the secret key travels with every request, and a secret key that cannot be put
    /// in a header.
    pub fn with_options(
        api_base: Url,
        secret_key: SecretString,
        options: ClientOptions,
    ) -> Result<Self, ScalewayError> {
        let api_base = validate::base_url(api_base.as_str())
            .map_err(|error| ScalewayError::invalid_input("Scaleway API URL", error.to_string()))?;
        if secret_key.expose_secret().trim().is_empty() {
            return Err(ScalewayError::invalid_input("secret key", "it is empty"));
        }
        let mut auth_header =
            HeaderValue::from_str(secret_key.expose_secret().trim()).map_err(|_| {
                ScalewayError::invalid_input(
                    "secret key",
                    "it contains characters that cannot be sent in an HTTP header",
                )
            })?;
        // Keeps the value out of hyper's debug output and marks it never-index for HTTP/2.
        auth_header.set_sensitive(true);
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT_VALUE)
            .timeout(options.request_timeout)
            .connect_timeout(options.connect_timeout)
            // X-Auth-Token is not a header reqwest strips on redirect; a redirect could carry the
            // secret key to another host. The IAM API never redirects, so none are followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| {
                ScalewayError::invalid_input("HTTP client", "the TLS backend could not start")
            })?;
        Ok(Self {
            http,
            api_base,
            auth_header,
            retry: options.retry,
            page_size: options.page_size.clamp(1, MAX_PAGE_SIZE),
            clock: ServerClock::default(),
        })
    }

    /// The API base this client talks to (normalized: no trailing slash).
    pub fn api_base(&self) -> &Url {
        &self.api_base
    }

    /// `GET /organizations/{id}/scim`: the SCIM configuration, or `None` when SCIM is not
    /// enabled (the API answers 404 `not_found`).
    pub async fn get_scim(&self, organization_id: &str) -> Result<Option<Scim>, ScalewayError> {
        Ok(self.get_scim_traced(organization_id).await?.value)
    }

    /// `POST /organizations/{id}/scim` with `{}`. This really enables SCIM (there is no dry
    /// run): call it after the admin confirmed, and only when [`Self::get_scim`] said `None`.
    /// A dropped connection gives `OutcomeUnknown`: call `get_scim` again to find out.
    pub async fn enable_scim(&self, organization_id: &str) -> Result<Scim, ScalewayError> {
        let organization_id = path_id("Organization ID", organization_id)?;
        let url = self.endpoint(&["organizations", organization_id, "scim"])?;
        let reply = self
            .call(
                Method::POST,
                url,
                Body::EmptyJsonObject,
                Idempotency::NotIdempotent,
                "enable SCIM",
            )
            .await?;
        decode::<Scim>(&reply)
    }

    /// Enables SCIM only if it is not enabled yet (GET, then POST only on 404), as the
    /// Terraform provider does: a second enable POST has unverified behaviour.
    ///
    /// When the POST's outcome is unknown (dropped connection) or it reports a conflict (enabled
    /// meanwhile by someone else), the configuration is read again rather than guessed.
    pub async fn ensure_scim_enabled(
        &self,
        organization_id: &str,
    ) -> Result<ScimEnablement, ScalewayError> {
        if let Some(scim) = self.get_scim(organization_id).await? {
            return Ok(ScimEnablement {
                scim,
                newly_enabled: false,
            });
        }
        let error = match self.enable_scim(organization_id).await {
            Ok(scim) => {
                return Ok(ScimEnablement {
                    scim,
                    newly_enabled: true,
                });
            }
            Err(error) => error,
        };
        let newly_enabled = match error.code() {
            ErrorCode::OutcomeUnknown => true,
            ErrorCode::Conflict => false,
            _ => return Err(error),
        };
        match self.get_scim(organization_id).await? {
            Some(scim) => Ok(ScimEnablement {
                scim,
                newly_enabled,
            }),
            None => Err(error),
        }
    }

    /// `DELETE /scim/{scim_id}` (not `DELETE /organizations/{id}/scim`, which answers 405).
    /// A `NotFound` after a retried attempt means it is already gone.
    pub async fn disable_scim(&self, scim_id: &str) -> Result<(), ScalewayError> {
        let scim_id = path_id("SCIM id", scim_id)?;
        let url = self.endpoint(&["scim", scim_id])?;
        self.call(
            Method::DELETE,
            url,
            Body::None,
            Idempotency::Idempotent,
            "disable SCIM",
        )
        .await?;
        Ok(())
    }

    /// `GET /scim/{scim_id}/tokens`, oldest first, every page. At most two tokens are active
    /// at once, so a create is pointless when this returns two.
    pub async fn list_scim_tokens(&self, scim_id: &str) -> Result<Vec<ScimToken>, ScalewayError> {
        let scim_id = path_id("SCIM id", scim_id)?;
        self.list_every_page(
            &["scim", scim_id, "tokens"],
            &[],
            "list SCIM tokens",
            |listed: ListScimTokensResponse| (listed.scim_tokens, listed.total_count),
        )
        .await
    }

    /// `POST /scim/{scim_id}/tokens` with no body. The bearer token is in this response only.
    ///
    /// Never retried once the request may have reached Scaleway: a dropped connection or a
    /// gateway 502/504 gives `OutcomeUnknown`, and the caller must list tokens (and compare with
    /// the ids it knows) rather than create another one.
    pub async fn create_scim_token(
        &self,
        scim_id: &str,
    ) -> Result<CreatedScimToken, ScalewayError> {
        let scim_id = path_id("SCIM id", scim_id)?;
        let url = self.endpoint(&["scim", scim_id, "tokens"])?;
        let reply = self
            .call(
                Method::POST,
                url,
                Body::None,
                Idempotency::NotIdempotent,
                "create a SCIM token",
            )
            .await?;
        let created = decode::<CreateScimTokenResponse>(&reply)?;
        let bearer_token = SecretString::from(created.bearer_token);
        if bearer_token.expose_secret().trim().is_empty() {
            return Err(ScalewayError::UnexpectedResponse {
                status: reply.status.as_u16(),
                detail: "the token was created but the response holds no bearer token".to_owned(),
                request_id: reply.request_id.clone(),
            });
        }
        Ok(CreatedScimToken {
            token: created.token,
            bearer_token,
        })
    }

    /// `DELETE /scim-tokens/{token_id}` (the flat path, as in the SDK and the recordings).
    /// Deleting a token Entra uses breaks provisioning at once: only with the admin's consent.
    pub async fn delete_scim_token(&self, token_id: &str) -> Result<(), ScalewayError> {
        let token_id = path_id("SCIM token id", token_id)?;
        let url = self.endpoint(&["scim-tokens", token_id])?;
        self.call(
            Method::DELETE,
            url,
            Body::None,
            Idempotency::Idempotent,
            "delete a SCIM token",
        )
        .await?;
        Ok(())
    }

    /// `GET /organizations/{id}`.
    pub async fn get_organization(
        &self,
        organization_id: &str,
    ) -> Result<Organization, ScalewayError> {
        Ok(self.get_organization_traced(organization_id).await?.value)
    }

    /// `GET /api-keys/{access_key}`: tells which user or application holds the key.
    pub async fn get_api_key(&self, access_key: &str) -> Result<ApiKey, ScalewayError> {
        Ok(self.get_api_key_traced(access_key).await?.value)
    }

    /// `GET /users/{id}`.
    pub async fn get_user(&self, user_id: &str) -> Result<User, ScalewayError> {
        Ok(self.get_user_traced(user_id).await?.value)
    }

    /// `GET /applications/{id}`.
    pub async fn get_application(
        &self,
        application_id: &str,
    ) -> Result<Application, ScalewayError> {
        Ok(self.get_application_traced(application_id).await?.value)
    }

    /// `GET /users?organization_id=…`, every page (100 users each by default), oldest first.
    pub async fn list_users(&self, organization_id: &str) -> Result<Vec<User>, ScalewayError> {
        let organization_id = path_id("Organization ID", organization_id)?;
        self.list_every_page(
            &["users"],
            &[("organization_id", organization_id)],
            "list users",
            |listed: ListUsersResponse| (listed.users, listed.total_count),
        )
        .await
    }

    /// Every IAM group of the Organization (the managed ones included), with their members.
    pub async fn list_groups(&self, organization_id: &str) -> Result<Vec<Group>, ScalewayError> {
        let organization_id = path_id("Organization ID", organization_id)?;
        self.list_every_page(
            &["groups"],
            &[("organization_id", organization_id)],
            "list groups",
            |listed: ListGroupsResponse| (listed.groups, listed.total_count),
        )
        .await
    }

    /// Every page of a list endpoint, oldest first, stopping at an empty page, at
    /// `total_count`, or after `MAX_PAGES`.
    async fn list_every_page<R, T>(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
        operation: &'static str,
        items_of: impl Fn(R) -> (Vec<T>, u64),
    ) -> Result<Vec<T>, ScalewayError>
    where
        R: DeserializeOwned,
    {
        let mut items = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut url = self.endpoint(path)?;
            {
                let mut pairs = url.query_pairs_mut();
                for (name, value) in query {
                    pairs.append_pair(name, value);
                }
                pairs
                    .append_pair("order_by", "created_at_asc")
                    .append_pair("page", &page.to_string())
                    .append_pair("page_size", &self.page_size.to_string());
            }
            let reply = self
                .call(
                    Method::GET,
                    url,
                    Body::None,
                    Idempotency::Idempotent,
                    operation,
                )
                .await?;
            let (listed, total_count) = items_of(decode::<R>(&reply)?);
            let page_was_empty = listed.is_empty();
            items.extend(listed);
            if page_was_empty || count(&items) >= total_count {
                break;
            }
        }
        Ok(items)
    }

    /// The user whose `username` is exactly `username`. The API has no username filter, so
    /// every page is fetched and matched here. Exact, case-sensitive match: SCIM matches IdP
    /// users on this value as it is.
    pub async fn find_user_by_username(
        &self,
        organization_id: &str,
        username: &str,
    ) -> Result<Option<User>, ScalewayError> {
        if username.is_empty() {
            return Err(ScalewayError::invalid_input("username", "it is empty"));
        }
        let users = self.list_users(organization_id).await?;
        Ok(users.into_iter().find(|user| user.username == username))
    }

    pub(crate) async fn get_scim_traced(
        &self,
        organization_id: &str,
    ) -> Result<Traced<Option<Scim>>, ScalewayError> {
        let organization_id = path_id("Organization ID", organization_id)?;
        let url = self.endpoint(&["organizations", organization_id, "scim"])?;
        match self
            .call(
                Method::GET,
                url,
                Body::None,
                Idempotency::Idempotent,
                "read the SCIM configuration",
            )
            .await
        {
            Ok(reply) => Ok(Traced {
                value: Some(decode::<Scim>(&reply)?),
                request_id: reply.request_id.clone(),
            }),
            // Only the documented "SCIM not enabled" 404 (resource `organization_scim`, seen in
            // recordings) means None. Any other 404 (an unknown Organization, or an HTML page
            // from a wrong API base URL) stays an error, so nobody enables SCIM on a guess.
            Err(ScalewayError::NotFound {
                resource,
                request_id,
                ..
            }) if resource.as_deref() == Some(SCIM_NOT_ENABLED_RESOURCE) => Ok(Traced {
                value: None,
                request_id,
            }),
            Err(error) => Err(error),
        }
    }

    pub(crate) async fn get_organization_traced(
        &self,
        organization_id: &str,
    ) -> Result<Traced<Organization>, ScalewayError> {
        let organization_id = path_id("Organization ID", organization_id)?;
        let url = self.endpoint(&["organizations", organization_id])?;
        self.get_json(url, "read the Organization").await
    }

    pub(crate) async fn get_api_key_traced(
        &self,
        access_key: &str,
    ) -> Result<Traced<ApiKey>, ScalewayError> {
        let access_key = path_id("access key", access_key)?;
        let url = self.endpoint(&["api-keys", access_key])?;
        self.get_json(url, "read the API key").await
    }

    pub(crate) async fn get_user_traced(
        &self,
        user_id: &str,
    ) -> Result<Traced<User>, ScalewayError> {
        let user_id = path_id("user id", user_id)?;
        let url = self.endpoint(&["users", user_id])?;
        self.get_json(url, "read the user").await
    }

    pub(crate) async fn get_application_traced(
        &self,
        application_id: &str,
    ) -> Result<Traced<Application>, ScalewayError> {
        let application_id = path_id("application id", application_id)?;
        let url = self.endpoint(&["applications", application_id])?;
        self.get_json(url, "read the application").await
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        operation: &'static str,
    ) -> Result<Traced<T>, ScalewayError> {
        let reply = self
            .call(
                Method::GET,
                url,
                Body::None,
                Idempotency::Idempotent,
                operation,
            )
            .await?;
        let value = decode::<T>(&reply)?;
        Ok(Traced {
            value,
            request_id: reply.request_id.clone(),
        })
    }

    /// `{api_base}/iam/v1alpha1/{segments…}`, each segment percent-encoded, keeping any path
    /// prefix of the base (the sandbox serves the API under `/scaleway`).
    fn endpoint(&self, segments: &[&str]) -> Result<Url, ScalewayError> {
        let mut url = self.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| {
                ScalewayError::invalid_input("Scaleway API URL", "it cannot take a path")
            })?
            .pop_if_empty()
            .extend(["iam", "v1alpha1"])
            .extend(segments);
        Ok(url)
    }

    /// Sends one call under the retry policy and returns the 2xx response, or the typed error.
    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Body,
        idempotency: Idempotency,
        operation: &'static str,
    ) -> Result<RawResponse, ScalewayError> {
        tracing::debug!(%method, path = url.path(), operation, "Scaleway request");
        let build = || {
            let request = self
                .http
                .request(method.clone(), url.clone())
                .header("X-Auth-Token", self.auth_header.clone())
                .header(ACCEPT, "application/json")
                .header(USER_AGENT, USER_AGENT_VALUE);
            match body {
                Body::None => request,
                Body::EmptyJsonObject => {
                    request.header(CONTENT_TYPE, "application/json").body("{}")
                }
            }
        };
        let response = send_with_retry(&self.retry, idempotency, build)
            .await
            .map_err(|failure| match failure {
                TransportFailure::Network { failure, detail } => {
                    ScalewayError::Network { failure, detail }
                }
                TransportFailure::OutcomeUnknown { detail } => {
                    ScalewayError::OutcomeUnknown { operation, detail }
                }
                TransportFailure::BodyTooLarge { status, request_id } => {
                    ScalewayError::UnexpectedResponse {
                        status: status.as_u16(),
                        detail: "the response body is too large".to_owned(),
                        request_id,
                    }
                }
            })?;
        if let Some(date) = response.date {
            self.clock.saw(date);
        }
        tracing::debug!(
            status = response.status.as_u16(),
            request_id = response.request_id.as_deref().unwrap_or("-"),
            operation,
            "Scaleway response"
        );
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(error_from_response(ErrorResponse {
                status: response.status.as_u16(),
                content_type: response.content_type.as_deref(),
                body: &response.body,
                request_id: response.request_id.as_deref(),
                retry_after: response.retry_after,
            }))
        }
    }
}

/// Decodes a 2xx JSON body. Failures say which field was wrong, never what value it had (a
/// value could be a bearer token).
fn decode<T: DeserializeOwned>(reply: &RawResponse) -> Result<T, ScalewayError> {
    let unexpected = |detail: String| ScalewayError::UnexpectedResponse {
        status: reply.status.as_u16(),
        detail,
        request_id: reply.request_id.clone(),
    };
    if reply.status == StatusCode::NO_CONTENT || reply.body.is_empty() {
        return Err(unexpected("the response body is empty".to_owned()));
    }
    if !crate::error::is_json_content_type(reply.content_type.as_deref()) {
        return Err(unexpected(format!(
            "expected JSON but got {}",
            describe_body(reply.content_type.as_deref(), &reply.body)
        )));
    }
    serde_json::from_slice(&reply.body).map_err(|error| unexpected(describe_json_error(&error)))
}

/// serde_json's messages can quote the offending value; keep only the safe kinds of message.
fn describe_json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let names_a_field_only =
        message.starts_with("missing field") || message.starts_with("unknown field");
    let what = if names_a_field_only {
        message
            .split(" at line ")
            .next()
            .unwrap_or("a field is missing")
            .to_owned()
    } else {
        match error.classify() {
            serde_json::error::Category::Data => {
                "a field has an unexpected type or value".to_owned()
            }
            serde_json::error::Category::Syntax => "the body is not valid JSON".to_owned(),
            serde_json::error::Category::Eof => "the body ends too early".to_owned(),
            serde_json::error::Category::Io => "the body could not be read".to_owned(),
        }
    };
    format!(
        "the response is not the expected JSON: {what} (line {}, column {})",
        error.line(),
        error.column()
    )
}

/// Rejects an identifier that would change which endpoint a request reaches. The value is
/// percent-encoded into the path afterwards, so only emptiness and invisible characters matter.
fn path_id<'a>(field: &'static str, value: &'a str) -> Result<&'a str, ScalewayError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ScalewayError::invalid_input(field, "it is empty"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ScalewayError::invalid_input(
            field,
            "it contains spaces or invisible characters",
        ));
    }
    Ok(value)
}

fn count<T>(items: &[T]) -> u64 {
    u64::try_from(items.len()).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[path = "client_fuzz.rs"]
pub(crate) mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> ScalewayClient {
        ScalewayClient::new(
            Url::parse(base).unwrap(),
            SecretString::from("11111111-2222-3333-4444-555555555555".to_owned()),
        )
        .unwrap()
    }

    #[test]
    fn endpoints_keep_the_base_path_and_encode_segments() {
        let sandbox = client("http://127.0.0.1:9/scaleway/");
        assert_eq!(
            sandbox
                .endpoint(&["organizations", "o/../x", "scim"])
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/scaleway/iam/v1alpha1/organizations/o%2F..%2Fx/scim"
        );
        let real = client(DEFAULT_API_BASE);
        assert_eq!(
            real.endpoint(&["scim-tokens", "t1"]).unwrap().as_str(),
            "https://api.scaleway.com/iam/v1alpha1/scim-tokens/t1"
        );
        assert_eq!(default_api_base().as_str(), "https://api.scaleway.com/");
    }

    #[test]
    fn construction_refuses_unsafe_bases_and_empty_keys() {
        let key = || SecretString::from("11111111-2222-3333-4444-555555555555".to_owned());
        let insecure = ScalewayClient::new(Url::parse("http://api.scaleway.com").unwrap(), key());
        assert_eq!(insecure.unwrap_err().code(), crate::ErrorCode::InvalidInput);
        let empty = ScalewayClient::new(default_api_base(), SecretString::from(" ".to_owned()));
        assert_eq!(empty.unwrap_err().code(), crate::ErrorCode::InvalidInput);
        let newline =
            ScalewayClient::new(default_api_base(), SecretString::from("a\u{7}b".to_owned()));
        let error = newline.unwrap_err();
        assert!(!error.to_string().contains("a\u{7}b"));
    }

    #[test]
    fn debug_hides_the_key() {
        let shown = format!("{:?}", client(DEFAULT_API_BASE));
        assert!(!shown.contains("1111"), "{shown}");
    }

    #[test]
    fn json_errors_do_not_quote_values() {
        let error = serde_json::from_str::<CreateScimTokenResponse>(
            r#"{"token":{"id":"t"},"bearer_token":12345678}"#,
        )
        .err()
        .unwrap();
        let described = describe_json_error(&error);
        assert!(!described.contains("12345678"), "{described}");
        let missing = serde_json::from_str::<Scim>("{}").err().unwrap();
        assert!(describe_json_error(&missing).contains("missing field `id`"));
    }

    #[test]
    fn ids_are_checked() {
        assert!(path_id("x", "").is_err());
        assert!(path_id("x", "a b").is_err());
        assert_eq!(path_id("x", " abc ").unwrap(), "abc");
    }
}
