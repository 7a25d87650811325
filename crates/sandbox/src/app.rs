//! The state behind every handler ([`App`]), the simulated world it guards ([`World`]), and the
//! router that puts every service, the control routes and the gateway middleware together.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::core::clock::{SandboxClock, timestamp};
use crate::core::faults::{FaultPlan, FaultRuntime};
use crate::core::gateway::gateway;
use crate::core::is_under;
use crate::core::log::RequestLog;
use crate::scaleway::state::ScalewayState;
use crate::scaleway::{SCALEWAY_PREFIX, SeedData};
use crate::scim::state::ScimState;
use crate::tenant::TenantSeed;
use crate::{graph, login, scaleway, scim};

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

/// Knobs of the Microsoft simulators, from `SandboxConfig`.
#[derive(Debug, Clone)]
pub(crate) struct MicrosoftConfig {
    pub(crate) replication_lag: Duration,
}

/// What [`App::new`] needs from `SandboxConfig`.
#[derive(Debug)]
pub(crate) struct AppConfig {
    pub(crate) seed: u64,
    pub(crate) faults: FaultPlan,
    pub(crate) global_latency: Duration,
    pub(crate) base_url: String,
    pub(crate) scim_mount_pattern: String,
    pub(crate) microsoft: MicrosoftConfig,
    pub(crate) staff: usize,
}

/// The Scaleway side of the simulation and what is shared with it, under one lock: a SCIM call
/// changes IAM users and API keys, and the log and clock are read while handling every request.
/// (The Microsoft simulators keep their own state, each under its own lock in [`App`].)
#[derive(Debug)]
pub(crate) struct World {
    /// The clock of every simulator, moved by time travel.
    pub(crate) clock: SandboxClock,
    pub(crate) scaleway: ScalewayState,
    pub(crate) scim: ScimState,
    pub(crate) log: RequestLog,
}

impl World {
    /// The seeded world; the same `seed` always gives the same ids, names and keys.
    pub(crate) fn seeded(seed: u64) -> (World, SeedData) {
        let clock = SandboxClock::default();
        let (scaleway, seed_data) = scaleway::seed::seeded(seed, clock.now());
        let world = World {
            clock,
            scaleway,
            scim: ScimState::default(),
            log: RequestLog::default(),
        };
        (world, seed_data)
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The whole state for `GET /_sandbox/state`. Secrets appear only as fingerprints.
    pub(crate) fn dump(&self, fault_spec: &str) -> Value {
        let now = self.now();
        let mut state = Map::new();
        state.insert(
            "clock".into(),
            json!({"now": timestamp(now), "offset_seconds": self.clock.offset_seconds()}),
        );
        state.extend(self.scaleway.dump(now));
        state.extend(self.scim.dump(&self.scaleway));
        state.insert("request_counts".into(), json!(self.log.counts()));
        state.insert("faults".into(), json!(fault_spec));
        Value::Object(state)
    }
}

impl App {
    pub(crate) fn new(config: AppConfig) -> App {
        let (world, mut seed_data) = World::seeded(config.seed);
        seed_data.tenant.add_staff(config.staff, config.seed);
        App {
            world: Mutex::new(world),
            faults: Mutex::new(FaultRuntime::new(config.faults.clone(), config.seed)),
            seed: config.seed,
            seed_data,
            initial_plan: config.faults,
            global_latency: config.global_latency,
            base_url: config.base_url,
            scim_mount_pattern: config.scim_mount_pattern,
            login: Mutex::new(login::LoginState::default()),
            graph: Mutex::new(graph::GraphState::default()),
            microsoft: config.microsoft,
        }
    }

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

    /// The demo organization, its fake keys and the tenant, as seeded.
    pub(crate) fn seed_data(&self) -> &SeedData {
        &self.seed_data
    }

    pub(crate) fn tenant(&self) -> &TenantSeed {
        &self.seed_data.tenant
    }

    /// Added to every request, before it is handled.
    pub(crate) fn global_latency(&self) -> Duration {
        self.global_latency
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

/// Every service's routes, the control routes (with the `control` feature), the 404 and 405
/// answers, and the gateway middleware around all of them.
pub(crate) fn build_router(app: Arc<App>) -> Router {
    let router = Router::new()
        .merge(scaleway::routes(&app))
        .merge(scim::routes(&app, &app.scim_mount_pattern))
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
    crate::core::control::routes()
        .merge(login::control_routes())
        .merge(graph::control_routes())
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
