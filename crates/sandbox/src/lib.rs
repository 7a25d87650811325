//! `scim-wizard-sandbox`: a loopback simulator of the Scaleway IAM API subset the wizard uses and
//! of a Scaleway-style SCIM 2.0 endpoint, with fault injection and test-only control endpoints.
//! (Microsoft login and Graph are reserved under `/login` and `/graph` for later.)
//!
//! It is written from the reference documents (`reference/scaleway-scim.md`), not from our client
//! code, and shares no types with the clients: a misunderstanding in a client must show up as a
//! failing call here, not be mirrored. It rejects what the real service is documented to reject.
//! Behaviours the reference marks UNVERIFIED are each decided in one constant or function,
//! commented as such.
//!
//! ```no_run
//! # async fn demo() -> Result<(), scim_wizard_sandbox::SandboxError> {
//! use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
//! let sandbox = Sandbox::start(SandboxConfig {
//!     faults: "scaleway.create_scim_token:status=429,retry_after=1,nth=1".parse().unwrap_or_default(),
//!     ..SandboxConfig::default()
//! })
//! .await?;
//! let api = &sandbox.urls().scaleway_api; // http://127.0.0.1:PORT/scaleway
//! let key = sandbox.seed_data().key(SeedKeyKind::IamManagerApplication);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Layout of the URL space (all on `127.0.0.1`, never another interface)
//!
//! | prefix | what |
//! |---|---|
//! | `/scaleway/iam/v1alpha1/...` | Scaleway IAM (SCIM config and tokens, organization, API keys, users, applications) |
//! | `/scim/{scim_id}/v2/...` | SCIM 2.0 (`/ServiceProviderConfig`, `/Users`); see [`DEFAULT_SCIM_MOUNT_PATTERN`] |
//! | `/login`, `/graph` | reserved for the Microsoft simulators |
//! | `/_sandbox/...` | control: `GET state`, `GET requests`, `GET seed`, `GET`/`POST faults`, `POST reset`, `POST time-travel` |
//!
//! Every response outside `/login` and `/graph` carries `X-Request-Id` (a UUID) and
//! `Server: Scaleway API Gateway`, like the real gateway.
//!
//! # Fault SPEC
//!
//! Faults are chosen per route by name ([`route_names`]). Pass a SPEC in
//! [`SandboxConfig::faults`], or `POST` one to `/_sandbox/faults` while the sandbox runs.
//!
//! ```text
#![doc = include_str!("fault_spec_help.txt")]
//! ```

// Built without `control` (the desktop app), the control handlers and what only they read are
// unused on purpose: they stay compiled, unreachable.
#![cfg_attr(not(feature = "control"), allow(dead_code, unused_imports))]

/// Wraps a handler so its requests carry a stable route name (for faults, counts and the log).
macro_rules! named {
    ($app:expr, $name:literal, $handler:expr) => {
        ::axum::handler::Handler::layer(
            $handler,
            ::axum::middleware::from_fn_with_state(
                $crate::RouteContext {
                    app: ::std::sync::Arc::clone(&$app),
                    name: $name,
                },
                $crate::route_guard,
            ),
        )
    };
}

mod clock;
mod control;
mod entra_tokens;
mod faults;
mod graph;
mod login;
mod scaleway;
mod scim;
mod state;
mod tenant;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

pub use control::setup_footprint;
pub use faults::{
    FAULT_SPEC_HELP, FaultAction, FaultBody, FaultPlan, FaultRule, FaultSpecError, FaultTrigger,
    SCALEWAY_ROUTE_NAMES, route_names,
};
pub use scim::DEFAULT_SCIM_MOUNT_PATTERN;
pub use state::{SeedData, SeedKey, SeedKeyKind};
pub use tenant::{TenantGroup, TenantSeed, TenantUser};

use crate::clock::timestamp;
use crate::control::CONTROL_PREFIX;
use crate::faults::{FaultOutcome, FaultRuntime, injected_response};
use crate::scaleway::SCALEWAY_PREFIX;
use crate::state::{RequestLogEntry, World};

/// The seed used when none is given: any fixed value keeps runs reproducible.
pub const DEFAULT_SEED: u64 = 2026;

/// How to start a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free ephemeral port.
    pub port: u16,
    /// Added to every request (on top of any fault latency).
    pub latency: Duration,
    /// Faults in force from the start (and again after `POST /_sandbox/reset`).
    pub faults: FaultPlan,
    /// Seeds every id, key and fault-fraction draw: same seed, same run.
    pub seed: u64,
    /// Where SCIM 2.0 is served, relative to the base URL, with a `{scim_id}` placeholder and
    /// optionally `{organization_id}`. Set it to something else (e.g.
    /// `/console-only/{organization_id}/{scim_id}`) to make [`DEFAULT_SCIM_MOUNT_PATTERN`] answer
    /// 404, so a client's "paste the Base URL" fallback can be tested; every path that is not the
    /// mount answers 404.
    pub scim_mount_pattern: String,
    /// How long a freshly instantiated Entra application and service principal stay invisible
    /// (404) to Graph reads, as Entra's directory replication makes them.
    pub replication_lag: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            latency: Duration::ZERO,
            faults: FaultPlan::none(),
            seed: DEFAULT_SEED,
            scim_mount_pattern: DEFAULT_SCIM_MOUNT_PATTERN.to_string(),
            replication_lag: Duration::ZERO,
        }
    }
}

impl SandboxConfig {
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn with_faults(mut self, faults: FaultPlan) -> Self {
        self.faults = faults;
        self
    }

    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn with_replication_lag(mut self, lag: Duration) -> Self {
        self.replication_lag = lag;
        self
    }

    pub fn with_scim_mount_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.scim_mount_pattern = pattern.into();
        self
    }
}

/// Where a running sandbox answers.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct SandboxUrls {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// `{base}/scaleway`: clients append `/iam/v1alpha1/...`.
    pub scaleway_api: String,
    /// Where SCIM 2.0 is served, with a literal `{scim_id}` (and possibly `{organization_id}`)
    /// placeholder, e.g. `http://127.0.0.1:PORT/scim/{scim_id}/v2`.
    pub scim_base_url_pattern: String,
    /// `{base}/login` (Microsoft login simulator, reserved).
    pub login: String,
    /// `{base}/graph` (Microsoft Graph simulator, reserved).
    pub graph: String,
    /// `{base}/_sandbox`: test-only control endpoints.
    pub control: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "port {port} on 127.0.0.1 is already in use: stop what is listening there, pick another \
         port, or use port 0 for a free one"
    )]
    PortInUse { port: u16 },
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid SCIM mount pattern {pattern:?}: {reason}")]
    InvalidScimMountPattern { pattern: String, reason: String },
}

/// A running sandbox. It stops when dropped, or with [`Sandbox::shutdown`].
pub struct Sandbox {
    urls: SandboxUrls,
    local_addr: SocketAddr,
    app: Arc<App>,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("urls", &self.urls)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds 127.0.0.1 only (never a wider interface) and starts serving in the background.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        validate_scim_mount_pattern(&config.scim_mount_pattern)?;
        let port = config.port;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::AddrInUse => SandboxError::PortInUse { port },
                _ => SandboxError::Bind { port, source },
            })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { port, source })?;
        let base = format!("http://127.0.0.1:{}", local_addr.port());
        let urls = SandboxUrls {
            scaleway_api: format!("{base}{SCALEWAY_PREFIX}"),
            scim_base_url_pattern: format!("{base}{}", config.scim_mount_pattern),
            login: format!("{base}/login"),
            graph: format!("{base}/graph"),
            control: format!("{base}{CONTROL_PREFIX}"),
            base: base.clone(),
        };
        let (world, seed_data) = World::seeded(config.seed);
        let app = Arc::new(App {
            world: Mutex::new(world),
            faults: Mutex::new(FaultRuntime::new(config.faults.clone(), config.seed)),
            seed: config.seed,
            seed_data,
            initial_plan: config.faults,
            global_latency: config.latency,
            base_url: base,
            scim_mount_pattern: config.scim_mount_pattern,
            login: Mutex::new(login::LoginState::default()),
            graph: Mutex::new(graph::GraphState::default()),
            microsoft: MicrosoftConfig {
                replication_lag: config.replication_lag,
            },
        });
        let router = build_router(Arc::clone(&app));
        let server = tokio::spawn(accept_loop(listener, router));
        tracing::info!(base = %urls.base, "sandbox listening");
        Ok(Sandbox {
            urls,
            local_addr,
            app,
            server,
        })
    }

    pub fn urls(&self) -> &SandboxUrls {
        &self.urls
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The demo organization and its fake (sandbox-only) API keys.
    pub fn seed_data(&self) -> &SeedData {
        &self.app.seed_data
    }

    /// Replaces the fault plan (same as `POST /_sandbox/faults`).
    pub fn set_faults(&self, plan: FaultPlan) {
        self.app.faults().install(plan);
    }

    /// Moves the sandbox clock (same as `POST /_sandbox/time-travel`); returns the new time.
    pub fn advance_clock(&self, seconds: i64) -> DateTime<Utc> {
        self.app.advance_clock(seconds)
    }

    /// Back to the seeded state (same as `POST /_sandbox/reset`).
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Stops listening and closes every open connection; the port is free when this returns.
    pub async fn shutdown(mut self) {
        self.server.abort();
        // The only possible error is the cancellation we just asked for.
        let _ = (&mut self.server).await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn validate_scim_mount_pattern(pattern: &str) -> Result<(), SandboxError> {
    let fail = |reason: &str| SandboxError::InvalidScimMountPattern {
        pattern: pattern.to_string(),
        reason: reason.to_string(),
    };
    if !pattern.starts_with('/') || pattern.ends_with('/') {
        return Err(fail("it must start with '/' and not end with '/'"));
    }
    if !pattern.contains("{scim_id}") {
        return Err(fail("it must contain the {scim_id} placeholder"));
    }
    let mut segments = pattern.split('/').skip(1);
    let first = segments.next().unwrap_or_default();
    if first.is_empty() || first.contains('{') {
        return Err(fail("its first segment must be fixed text"));
    }
    if [SCALEWAY_PREFIX, CONTROL_PREFIX, "/login", "/graph"].contains(&format!("/{first}").as_str())
    {
        return Err(fail(
            "it must not be under /scaleway, /_sandbox, /login or /graph",
        ));
    }
    for segment in pattern.split('/').skip(1) {
        let fixed = segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let placeholder = segment == "{scim_id}" || segment == "{organization_id}";
        if segment.is_empty() || !(fixed || placeholder) {
            return Err(fail(
                "segments must be plain text ([A-Za-z0-9._-]) or exactly {scim_id} / {organization_id}",
            ));
        }
    }
    Ok(())
}

/// Shared state behind every handler.
#[derive(Debug)]
pub(crate) struct App {
    world: Mutex<World>,
    faults: Mutex<FaultRuntime>,
    seed: u64,
    seed_data: SeedData,
    initial_plan: FaultPlan,
    global_latency: Duration,
    /// `http://127.0.0.1:PORT`, for absolute URLs in SCIM `meta.location`.
    pub(crate) base_url: String,
    scim_mount_pattern: String,
    /// Microsoft login simulator state (authorization codes, device codes, refresh tokens).
    login: Mutex<login::LoginState>,
    /// Microsoft Graph simulator state (applications, service principals, synchronization).
    graph: Mutex<graph::GraphState>,
    pub(crate) microsoft: MicrosoftConfig,
}

/// Knobs of the Microsoft simulators, from [`SandboxConfig`].
#[derive(Debug, Clone)]
pub(crate) struct MicrosoftConfig {
    pub(crate) replication_lag: Duration,
}

impl App {
    /// A handler that panicked cannot leave the world half-updated in a way that matters for a
    /// simulator, so a poisoned lock is simply taken over.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn login(&self) -> MutexGuard<'_, login::LoginState> {
        self.login.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn graph(&self) -> MutexGuard<'_, graph::GraphState> {
        self.graph.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The sandbox seed (also keys the access-token signatures).
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    pub(crate) fn tenant(&self) -> &TenantSeed {
        &self.seed_data.tenant
    }

    /// The sandbox clock's current time (shared by every simulator, moved by time-travel).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.world().now()
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultRuntime> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn reset(&self) {
        let (world, _) = World::seeded(self.seed);
        *self.world() = world;
        *self.login() = login::LoginState::default();
        *self.graph() = graph::GraphState::default();
        self.faults().install(self.initial_plan.clone());
    }

    pub(crate) fn advance_clock(&self, seconds: i64) -> DateTime<Utc> {
        let mut world = self.world();
        world.clock.advance(seconds);
        world.now()
    }
}

// ---------------------------------------------------------------------------------------------
// Routing and the two middleware layers: `gateway` (every request: global latency, gateway
// headers, request log) and `route_guard` (named routes only: counts and faults).

/// What `gateway` learned about a request, handed down so a dropped request is still logged.
#[derive(Debug, Clone)]
struct RequestMeta {
    request_id: String,
    time: String,
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    started: Instant,
}

impl RequestMeta {
    fn log_entry(
        &self,
        route: Option<&str>,
        status: Option<u16>,
        outcome: &'static str,
    ) -> RequestLogEntry {
        RequestLogEntry {
            request_id: self.request_id.clone(),
            time: self.time.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            route: route.map(str::to_string),
            status,
            outcome,
            duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            headers: self.headers.clone(),
        }
    }
}

/// Set by `route_guard` on the response so `gateway` can log the route name and outcome.
#[derive(Debug, Clone, Copy)]
struct RouteTag {
    name: &'static str,
    outcome: &'static str,
}

/// Per-connection switch: notifying it makes the accept loop close the socket unanswered.
#[derive(Debug, Clone)]
struct ConnectionKill(Arc<Notify>);

#[derive(Debug, Clone)]
pub(crate) struct RouteContext {
    pub(crate) app: Arc<App>,
    pub(crate) name: &'static str,
}

fn build_router(app: Arc<App>) -> Router {
    let iam = |path: &str| format!("{SCALEWAY_PREFIX}/iam/v1alpha1{path}");
    let scim_path = |path: &str| format!("{}{path}", app.scim_mount_pattern);
    let router = Router::new()
        .route(
            &iam("/organizations/{organization_id}"),
            get(named!(
                app,
                "scaleway.get_organization",
                scaleway::get_organization
            )),
        )
        .route(
            &iam("/organizations/{organization_id}/scim"),
            get(named!(app, "scaleway.get_scim", scaleway::get_scim)).post(named!(
                app,
                "scaleway.enable_scim",
                scaleway::enable_scim
            )),
        )
        .route(
            &iam("/scim/{scim_id}"),
            axum::routing::delete(named!(app, "scaleway.delete_scim", scaleway::delete_scim)),
        )
        .route(
            &iam("/scim/{scim_id}/tokens"),
            get(named!(
                app,
                "scaleway.list_scim_tokens",
                scaleway::list_scim_tokens
            ))
            .post(named!(
                app,
                "scaleway.create_scim_token",
                scaleway::create_scim_token
            )),
        )
        .route(
            &iam("/scim-tokens/{token_id}"),
            axum::routing::delete(named!(
                app,
                "scaleway.delete_scim_token",
                scaleway::delete_scim_token
            )),
        )
        .route(
            &iam("/api-keys/{access_key}"),
            get(named!(app, "scaleway.get_api_key", scaleway::get_api_key)),
        )
        .route(
            &iam("/users"),
            get(named!(app, "scaleway.list_users", scaleway::list_users)),
        )
        .route(
            &iam("/users/{user_id}"),
            get(named!(app, "scaleway.get_user", scaleway::get_user)),
        )
        .route(
            &iam("/applications/{application_id}"),
            get(named!(
                app,
                "scaleway.get_application",
                scaleway::get_application
            )),
        )
        .route(
            &scim_path("/ServiceProviderConfig"),
            get(named!(
                app,
                "scim.service_provider_config",
                scim::service_provider_config
            )),
        )
        .route(
            &scim_path("/Users"),
            get(named!(app, "scim.list_users", scim::list_users)).post(named!(
                app,
                "scim.create_user",
                scim::create_user
            )),
        )
        .route(
            &scim_path("/Users/{id}"),
            get(named!(app, "scim.get_user", scim::get_user))
                .patch(named!(app, "scim.patch_user", scim::patch_user))
                .delete(named!(app, "scim.delete_user", scim::delete_user)),
        )
        .merge(login::routes(&app))
        .merge(graph::routes(&app));
    #[cfg(feature = "control")]
    let router = router.merge(control_routes());
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), gateway))
        .with_state(app)
}

/// The test-only control routes of every service (see the `control` feature).
#[cfg(feature = "control")]
fn control_routes() -> Router<Arc<App>> {
    let control = |path: &str| format!("{CONTROL_PREFIX}{path}");
    Router::new()
        .route(&control("/state"), get(control::state))
        .route(&control("/requests"), get(control::requests))
        .route(&control("/seed"), get(control::seed))
        .route(
            &control("/faults"),
            get(control::get_faults).post(control::set_faults),
        )
        .route(&control("/reset"), post(control::reset))
        .route(&control("/time-travel"), post(control::time_travel))
        .merge(login::control_routes())
        .merge(graph::control_routes())
}

fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

async fn not_found(uri: Uri) -> Response {
    if is_under(uri.path(), SCALEWAY_PREFIX) {
        scaleway::unknown_endpoint(uri.path())
    } else if is_under(uri.path(), graph::GRAPH_PREFIX) {
        graph::unknown_endpoint(uri.path())
    } else {
        (StatusCode::NOT_FOUND, "404 page not found\n").into_response()
    }
}

async fn method_not_allowed(uri: Uri) -> Response {
    if is_under(uri.path(), SCALEWAY_PREFIX) {
        scaleway::method_not_allowed()
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, "405 method not allowed\n").into_response()
    }
}

/// Header values that are credentials never reach the request log.
fn redacted_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = match name.as_str() {
                "authorization" => {
                    let scheme = value
                        .to_str()
                        .ok()
                        .and_then(|text| text.split_whitespace().next())
                        .unwrap_or("");
                    format!("{scheme} [redacted]").trim_start().to_string()
                }
                "x-auth-token" | "cookie" | "proxy-authorization" => "[redacted]".to_string(),
                _ => value
                    .to_str()
                    .map(str::to_string)
                    .unwrap_or_else(|_| "[binary]".to_string()),
            };
            (name.as_str().to_string(), shown)
        })
        .collect()
}

async fn gateway(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let request_id = uuid::Uuid::new_v4().to_string();
    let meta = RequestMeta {
        request_id: request_id.clone(),
        time: timestamp(app.world().now()),
        method: request.method().to_string(),
        path: request
            .uri()
            .path_and_query()
            .map_or_else(|| path.clone(), |path_and_query| path_and_query.to_string()),
        headers: redacted_headers(request.headers()),
        started: Instant::now(),
    };
    request.extensions_mut().insert(meta.clone());
    if !app.global_latency.is_zero() {
        tokio::time::sleep(app.global_latency).await;
    }
    let mut response = next.run(request).await;
    // Microsoft's endpoints (later simulators) set their own headers.
    if !is_under(&path, "/login") && !is_under(&path, "/graph") {
        let headers = response.headers_mut();
        headers.insert("server", HeaderValue::from_static("Scaleway API Gateway"));
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            headers.insert("x-request-id", value);
        }
    }
    if !is_under(&path, CONTROL_PREFIX) {
        let tag = response.extensions().get::<RouteTag>().copied();
        let entry = meta.log_entry(
            tag.map(|tag| tag.name),
            Some(response.status().as_u16()),
            tag.map_or("handled", |tag| tag.outcome),
        );
        app.world().log_request(entry);
    }
    response
}

pub(crate) async fn route_guard(
    State(context): State<RouteContext>,
    request: Request,
    next: Next,
) -> Response {
    let RouteContext { app, name } = context;
    app.world().count_request(name);
    let decision = app.faults().decide(name);
    if !decision.extra_latency.is_zero() {
        tokio::time::sleep(decision.extra_latency).await;
    }
    let (mut response, outcome) = match decision.outcome {
        FaultOutcome::Proceed => (next.run(request).await, "handled"),
        FaultOutcome::Answer {
            status,
            retry_after_seconds,
            body,
        } => (
            injected_response(name, status, retry_after_seconds, body),
            "injected_status",
        ),
        FaultOutcome::Drop => {
            let meta = request.extensions().get::<RequestMeta>().cloned();
            let kill = request.extensions().get::<ConnectionKill>().cloned();
            return drop_connection(&app, name, meta, kill, None, "dropped").await;
        }
        FaultOutcome::DropAfterHandling => {
            let meta = request.extensions().get::<RequestMeta>().cloned();
            let kill = request.extensions().get::<ConnectionKill>().cloned();
            let status = next.run(request).await.status().as_u16();
            return drop_connection(
                &app,
                name,
                meta,
                kill,
                Some(status),
                "dropped_after_handling",
            )
            .await;
        }
    };
    response.extensions_mut().insert(RouteTag { name, outcome });
    response
}

/// Logs the request, then has the accept loop close the connection; this future never
/// completes, because the connection (and this future with it) is dropped.
async fn drop_connection(
    app: &App,
    name: &'static str,
    meta: Option<RequestMeta>,
    kill: Option<ConnectionKill>,
    status: Option<u16>,
    outcome: &'static str,
) -> Response {
    if let Some(meta) = meta {
        app.world()
            .log_request(meta.log_entry(Some(name), status, outcome));
    }
    match kill {
        Some(ConnectionKill(notify)) => {
            notify.notify_one();
            std::future::pending::<Response>().await
        }
        // Only reachable if the router were served by something other than `accept_loop`.
        None => StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// Our own accept loop rather than `axum::serve`: it lets a fault close a connection without
/// answering, and aborting this task closes the listener and every connection at once.
async fn accept_loop(listener: TcpListener, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                Err(error) => {
                    // E.g. too many open files: back off instead of spinning.
                    tracing::warn!(%error, "sandbox: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_finished) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, router: Router) {
    let kill = Arc::new(Notify::new());
    let kill_for_requests = Arc::clone(&kill);
    let service =
        hyper::service::service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectionKill(Arc::clone(&kill_for_requests)));
            router.clone().oneshot(request.map(Body::new))
        });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "sandbox: connection ended with an error");
            }
        }
        // Dropping the connection future closes the socket with no response written.
        () = kill.notified() => {}
    }
}

/// Built as the desktop app builds it: none of the control routes is served, so nothing on this
/// computer can change the practice sandbox's faults, clock or state, or read its seed.
#[cfg(all(test, not(feature = "control")))]
mod without_control {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn no_control_route_is_served() {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let control = &sandbox.urls().control;
        for (method, path) in [
            ("GET", "/state"),
            ("GET", "/seed"),
            ("GET", "/requests"),
            ("POST", "/faults"),
            ("POST", "/reset"),
            ("POST", "/time-travel"),
            ("POST", "/login/revoke"),
            ("POST", "/login/behaviour"),
            ("GET", "/graph/state"),
        ] {
            let request = match method {
                "GET" => client.get(format!("{control}{path}")),
                _ => client
                    .post(format!("{control}{path}"))
                    .json(&serde_json::json!({})),
            };
            let status = request.send().await.unwrap().status();
            assert_eq!(status, 404, "{method} {path}");
        }
        // The services themselves still answer.
        let users = client
            .get(format!(
                "{}/iam/v1alpha1/users",
                sandbox.urls().scaleway_api
            ))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(users, 401, "the Scaleway API answers (without a key: 401)");
    }
}
