//! The Microsoft Graph client of the wizard: the non-gallery enterprise app, its SCIM
//! provisioning job (credentials, schema, start, status, provision on demand), assignments and
//! the user/group picker. Every fact behind a path or a body: `docs/services.md`.
//!
//! # How the engine should sequence the calls
//!
//! ```text
//! instantiate_non_gallery ─┬─► wait_until_replicated ─► (window) validate_credentials_unsaved
//!   (never retried blind:  │                               ─► ensure_scim_job ─► put_secrets
//!    on graph.outcome_     │                               ─► validate_credentials_saved
//!    unknown look it up by │                               ─► get_schema ─► parse_expression
//!    display name first)   │                               ─► edit_schema ─► put_schema ─► get_schema + verify
//!                          └─► service_principal_app_roles ─► ensure_assignment (per principal)
//!                                                          ─► start_job ─► provision_on_demand ─► get_job
//! ```
//!
//! - Calls on the same job are sequential: secrets before validate-saved, schema PUT before start,
//!   assignment before provision on demand (with `SyncAll=false` only assigned users are in scope).
//! - Independent, safe to run concurrently once the SP is replicated: reading app roles and
//!   creating assignments (one per principal, concurrently) vs. the job/secrets/schema chain;
//!   `get_schema` and `parse_expression` (both need only the job id); the user/group picker at
//!   any time after sign-in.
//! - Right after `instantiate_non_gallery` or `create_scim_job`, make the follow-up calls through
//!   `client.with_retry_window(RetryWindow::AfterCreate(..))`, so 404/403/409 are treated as
//!   replication lag for a bounded time. Elsewhere leave the window off: a 403 is then a real
//!   role/consent problem.
//! - Recovery: before retrying an instantiate that failed with `graph.outcome_unknown` (or that the
//!   journal says was started but not finished), call
//!   [`GraphClient::find_applications_by_display_name`] with the same unique name (the wizard's
//!   names carry a short suffix), then [`GraphClient::find_service_principal_by_app_id`]. Reuse
//!   what exists; never create a twin. Same for jobs ([`GraphClient::ensure_scim_job`] lists
//!   first) and assignments ([`GraphClient::ensure_assignment`]).

mod apps;
mod directory;
mod error;
mod limiter;
mod logs;
mod odata;
mod retry;
mod sync;
mod types;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

pub use apps::Replication;
pub use directory::user_role_id;
pub use error::{
    ErrorDetail, GraphError, REQUIRED_ROLES, application_response, extract_embedded_message,
    parse_error_body,
};
pub use limiter::SlidingWindowLimiter;
pub use logs::{
    ProvisionedIdentity, ProvisioningErrorInformation, ProvisioningLogEntry, ProvisioningStatusInfo,
};
pub use odata::{odata_string, percent_encode_query_value};
pub use retry::{RetryPolicy, RetryWindow, parse_retry_after};
pub use sync::{RESTART_RESET_SCOPE, SCIM_TEMPLATE_ID};
pub use types::{
    AppRole, ApplicationSummary, Assignment, DirectoryGroup, DirectoryUser, EntryCount,
    ExecutionError, GroupMember, InstantiatedApp, JobExecution, JobSchedule, JobStatus,
    JobStatusCode, OnDemandResult, ParsedExpression, Quarantine, Secrets, ServicePrincipalSummary,
    SyncJob,
};

pub use crate::schema::user_rule_id;

/// Why a token source could not give a token. The message is shown to the admin: no secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TokenSourceError(pub String);

/// The future a token source returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<SecretString, TokenSourceError>> + Send + 'a>>;

/// Where Graph access tokens come from. The sign-in side implements it for its session (which
/// refreshes); tests use [`StaticToken`] or [`token_fn`].
pub trait AccessTokenSource: Send + Sync + 'static {
    /// A currently valid access token for Graph (refreshing it first if needed).
    fn access_token(&self) -> TokenFuture<'_>;

    /// Graph answered 401 to the last token. Return `true` if the next [`access_token`] may give
    /// a different one (the cached token was dropped): the call is then tried once more.
    ///
    /// [`access_token`]: AccessTokenSource::access_token
    fn token_rejected(&self) -> bool {
        false
    }
}

/// A fixed access token.
pub struct StaticToken(pub SecretString);

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([redacted])")
    }
}

impl AccessTokenSource for StaticToken {
    fn access_token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// A token source from an async closure (see [`token_fn`]).
pub struct FnTokenSource<F>(F);

impl<F> fmt::Debug for FnTokenSource<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTokenSource")
    }
}

/// Wraps `|| async { Ok(SecretString) }` as an [`AccessTokenSource`].
pub fn token_fn<F, Fut>(f: F) -> FnTokenSource<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<SecretString, TokenSourceError>> + Send + 'static,
{
    FnTokenSource(f)
}

impl<F, Fut> AccessTokenSource for FnTokenSource<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<SecretString, TokenSourceError>> + Send + 'static,
{
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin((self.0)())
    }
}

struct Shared {
    http: reqwest::Client,
    /// `{graph root}/v1.0`.
    base: Url,
    token: Box<dyn AccessTokenSource>,
    on_demand_limiter: SlidingWindowLimiter,
}

/// The Graph client. Cheap to clone; clones share the HTTP pool, the token source and the
/// provision-on-demand limiter.
#[derive(Clone)]
pub struct GraphClient {
    shared: Arc<Shared>,
    policy: Arc<RetryPolicy>,
    window: RetryWindow,
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("base", &self.shared.base.as_str())
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

/// Per-request timeout (Graph's own calls answer in seconds; validateCredentials reaches out to
/// the SCIM server and can take longer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(100);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Pages followed by a list call before giving up (a wizard never needs this many).
const MAX_PAGES: usize = 50;

impl GraphClient {
    /// A client for `graph_root` (e.g. `https://graph.microsoft.com`, or the sandbox's
    /// `http://127.0.0.1:P/graph`); calls go to `{graph_root}/v1.0/...`.
    pub fn new(graph_root: &str, token: impl AccessTokenSource) -> Result<Self, GraphError> {
        let mut base = Url::parse(graph_root.trim_end_matches('/')).map_err(|error| {
            GraphError::InvalidEndpoint {
                message: format!("\"{graph_root}\" is not a URL: {error}"),
            }
        })?;
        // The bearer token, and the SCIM token in the job's secrets, travel to this address.
        if let Err(problem) = crate::cloud::check_endpoint(&base) {
            return Err(GraphError::InvalidEndpoint {
                message: format!("\"{graph_root}\": {}", problem.describe()),
            });
        }
        base.set_query(None);
        base.set_fragment(None);
        if let Ok(mut segments) = base.path_segments_mut() {
            segments.pop_if_empty().push("v1.0");
        }
        let http = reqwest::Client::builder()
            // Never follow a redirect: it would carry the bearer to another host.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("scim-wizard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| GraphError::Network {
                message: format!("could not start the HTTP client: {error}"),
            })?;
        Ok(GraphClient {
            shared: Arc::new(Shared {
                http,
                base,
                token: Box::new(token),
                on_demand_limiter: SlidingWindowLimiter::provision_on_demand(),
            }),
            policy: Arc::new(RetryPolicy::default()),
            window: RetryWindow::None,
        })
    }

    /// A client for a cloud preset (or its overrides).
    pub fn for_endpoints(
        endpoints: &crate::cloud::Endpoints,
        token: impl AccessTokenSource,
    ) -> Result<Self, GraphError> {
        GraphClient::new(&endpoints.graph, token)
    }

    /// The same client with other delays (tests use [`RetryPolicy::fast`]).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = Arc::new(policy);
        self
    }

    /// A view of this client whose calls treat 404/403/409 as replication lag for `window`
    /// (use it for the calls that follow an instantiate or a job creation).
    pub fn with_retry_window(&self, window: RetryWindow) -> GraphClient {
        GraphClient {
            shared: Arc::clone(&self.shared),
            policy: Arc::clone(&self.policy),
            window,
        }
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// `{graph root}/v1.0`.
    pub fn base_url(&self) -> &str {
        self.shared.base.as_str()
    }

    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.shared.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        if !query.is_empty() {
            let text = query
                .iter()
                .map(|(key, value)| format!("{key}={}", percent_encode_query_value(value)))
                .collect::<Vec<_>>()
                .join("&");
            url.set_query(Some(&text));
        }
        url
    }

    /// Only Graph itself may receive the bearer: a `@odata.nextLink` elsewhere is refused.
    fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.shared.base.origin() && url.path().starts_with(self.shared.base.path())
    }

    async fn token(&self) -> Result<SecretString, GraphError> {
        self.shared
            .token
            .access_token()
            .await
            .map_err(|error| GraphError::SignInRequired {
                message: error.to_string(),
            })
    }

    /// Sends one logical call through the retry policy. Returns the successful answer.
    async fn send(&self, request: Request<'_>) -> Result<Answer, GraphError> {
        let started = Instant::now();
        let mut retries = 0u32;
        let mut replication_retries = 0u32;
        let mut token_retried = false;
        loop {
            let token = self.token().await?;
            let client_request_id = uuid::Uuid::new_v4().to_string();
            let mut builder = self
                .shared
                .http
                .request(request.method.clone(), request.url.clone())
                .header(ACCEPT, "application/json")
                .header("client-request-id", &client_request_id)
                .header("return-client-request-id", "true");
            let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| GraphError::SignInRequired {
                    message: "the access token is not a valid header value".to_owned(),
                })?;
            auth.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, auth);
            for (name, value) in &request.headers {
                builder = builder.header(*name, value);
            }
            if let Some(body) = &request.body {
                builder = builder.json(body);
            } else if request.method == Method::POST {
                builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
            }
            tracing::debug!(method = %request.method, path = request.url.path(), "graph call");

            let outcome = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(body) => Ok((status, headers, body.to_vec())),
                        Err(error) => Err(error),
                    }
                }
                Err(error) => Err(error),
            };
            let (status, headers, body) = match outcome {
                Ok(answer) => answer,
                Err(error) => {
                    // Connect errors happen before anything is sent: always safe to retry.
                    let not_sent = error.is_connect() || error.is_builder();
                    let message = redact_error(&error, &request.secrets);
                    if (not_sent || request.idempotent) && retries < self.policy.max_retries {
                        let delay = self.policy.backoff(retries);
                        retries += 1;
                        tracing::debug!(?delay, "graph network error, retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    if !not_sent && let Some(operation) = request.create_operation {
                        return Err(GraphError::OutcomeUnknown { operation, message });
                    }
                    return Err(GraphError::Network { message });
                }
            };
            if status.is_success() {
                return Ok(Answer { status, body });
            }
            if status.is_redirection() {
                return Err(GraphError::UnexpectedResponse {
                    status: Some(status.as_u16()),
                    message: "Graph answered with a redirect, which the wizard never follows"
                        .to_owned(),
                    detail: None,
                });
            }
            let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
            let mut detail = parse_error_body(
                status.as_u16(),
                &body,
                header("request-id"),
                header("client-request-id"),
            )
            .redacted(&request.secrets);
            if detail.client_request_id.is_none() {
                detail.client_request_id = Some(client_request_id);
            }
            let retry_after = parse_retry_after(&headers);
            tracing::debug!(
                status = status.as_u16(),
                code = %detail.code,
                request_id = ?detail.request_id,
                "graph error"
            );

            if status == StatusCode::UNAUTHORIZED
                && !token_retried
                && self.shared.token.token_rejected()
            {
                token_retried = true;
                continue;
            }
            // A create is resent as is only when Graph said it did nothing: 429, or 503 with a
            // Retry-After (a service turning requests away). Any other 5xx may have come after
            // the create was carried out: the caller looks for what it asked for instead.
            let turned_away = status == StatusCode::TOO_MANY_REQUESTS
                || (status == StatusCode::SERVICE_UNAVAILABLE
                    && (request.create_operation.is_none() || retry_after.is_some()));
            if turned_away && retries < self.policy.max_retries {
                let delay = self.policy.throttle_delay(retry_after, retries);
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            if status.is_server_error()
                && status != StatusCode::NOT_IMPLEMENTED
                && request.idempotent
                && retries < self.policy.max_retries
                && !is_unknown_secret_key(&detail)
            {
                let delay = self.policy.backoff(retries);
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            if let Some(budget) = self.window.budget()
                && matches!(
                    status,
                    StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::CONFLICT
                )
                && !detail.has_code("insufficient_claims")
            {
                let delay = self.policy.replication_backoff(replication_retries);
                if started.elapsed() + delay <= budget {
                    replication_retries += 1;
                    tracing::debug!(
                        ?delay,
                        status = status.as_u16(),
                        "replication lag, retrying"
                    );
                    tokio::time::sleep(delay).await;
                    continue;
                }
            }
            if let Some(operation) = request.create_operation
                && status.is_server_error()
                && !turned_away
            {
                return Err(GraphError::OutcomeUnknown {
                    operation,
                    message: format!(
                        "Graph answered HTTP {} ({}, request-id {}), which does not say whether it was done",
                        status.as_u16(),
                        detail.code,
                        detail.request_id.as_deref().unwrap_or("none")
                    ),
                });
            }
            let mut error = error::classify(detail, retry_after);
            if let GraphError::ClaimsChallenge { claims, .. } = &mut error {
                *claims = claims_from_www_authenticate(&headers);
            }
            return Err(error);
        }
    }

    async fn call_json<T: DeserializeOwned>(&self, request: Request<'_>) -> Result<T, GraphError> {
        let answer = self.send(request).await?;
        answer.json()
    }

    /// GETs a collection, following `@odata.nextLink` on Graph's own host only.
    async fn get_all<T: DeserializeOwned>(&self, first: Url) -> Result<Vec<T>, GraphError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            let page: Value = self.call_json(Request::get(url)).await?;
            let values = page
                .get("value")
                .and_then(Value::as_array)
                .ok_or_else(|| unexpected("a collection without \"value\""))?;
            for value in values {
                items.push(
                    serde_json::from_value(value.clone())
                        .map_err(|error| unexpected(&format!("a collection item: {error}")))?,
                );
            }
            if let Some(link) = page.get("@odata.nextLink").and_then(Value::as_str) {
                let url = Url::parse(link)
                    .map_err(|_| unexpected("an @odata.nextLink that is not a URL"))?;
                if !self.same_origin(&url) {
                    return Err(unexpected("an @odata.nextLink pointing outside Graph"));
                }
                if pages >= MAX_PAGES {
                    break;
                }
                next = Some(url);
            }
        }
        Ok(items)
    }
}

fn is_unknown_secret_key(detail: &ErrorDetail) -> bool {
    detail.has_code("InternalError") && detail.message.contains("Requested value")
}

/// `WWW-Authenticate: Bearer ..., claims="<base64>"` on a claims challenge.
fn claims_from_www_authenticate(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(reqwest::header::WWW_AUTHENTICATE)?
        .to_str()
        .ok()?;
    let start = value.find("claims=\"")? + "claims=\"".len();
    let rest = value.get(start..)?;
    let end = rest.find('"')?;
    rest.get(..end).map(str::to_owned)
}

fn redact_error(error: &reqwest::Error, secrets: &[&str]) -> String {
    // reqwest errors name the URL (ids only, never the bearer); strip secrets anyway.
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    error::redact(&text, secrets)
}

pub(crate) fn unexpected(what: &str) -> GraphError {
    GraphError::UnexpectedResponse {
        status: None,
        message: format!("Graph answered {what}"),
        detail: None,
    }
}

/// One logical call.
struct Request<'a> {
    method: Method,
    url: Url,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    /// Safe to send twice (GET, PUT, DELETE, and POSTs without side effects).
    idempotent: bool,
    /// For creates: the operation name reported by `graph.outcome_unknown` when an answer is lost.
    create_operation: Option<&'static str>,
    /// Values to scrub from any error text (tokens we sent in the body).
    secrets: Vec<&'a str>,
}

impl<'a> Request<'a> {
    fn new(method: Method, url: Url) -> Self {
        let idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        Request {
            method,
            url,
            body: None,
            headers: Vec::new(),
            idempotent,
            create_operation: None,
            secrets: Vec::new(),
        }
    }

    fn get(url: Url) -> Self {
        Request::new(Method::GET, url)
    }

    fn post(url: Url, body: Option<Value>) -> Self {
        let mut request = Request::new(Method::POST, url);
        request.body = body;
        request
    }

    /// A POST that only reads or validates (no state change), safe to resend.
    fn safe(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// A POST that creates something: never resent after it may have arrived.
    fn creates(mut self, operation: &'static str) -> Self {
        self.idempotent = false;
        self.create_operation = Some(operation);
        self
    }

    fn secret(mut self, secret: &'a str) -> Self {
        self.secrets.push(secret);
        self
    }
}

struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl Answer {
    fn json<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        serde_json::from_slice(&self.body).map_err(|error| GraphError::UnexpectedResponse {
            status: Some(self.status.as_u16()),
            message: format!("an answer that is not the expected JSON: {error}"),
            detail: None,
        })
    }
}
