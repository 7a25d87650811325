//! The two middleware layers every service sits behind: `gateway` (every request: global
//! latency, gateway headers, request log) and `route_guard` (named routes only: call counts and
//! faults). A route gets its name from the crate's `named!` macro.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::header::DATE;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::clock::{http_date, timestamp};
use super::control::CONTROL_PREFIX;
use super::faults::{FaultOutcome, injected_response};
use super::headers::{add_gateway_headers, new_request_id, redacted_headers};
use super::is_under;
use super::log::RequestLogEntry;
use super::server::ConnectionKill;
use crate::App;
use crate::graph::GRAPH_PREFIX;
use crate::login::LOGIN_PREFIX;

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

/// The state of `route_guard`: the app and the name of the route it guards.
#[derive(Debug, Clone)]
pub(crate) struct RouteContext {
    pub(crate) app: Arc<App>,
    pub(crate) name: &'static str,
}

pub(crate) async fn gateway(
    State(app): State<Arc<App>>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let request_id = new_request_id();
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
    let global_latency = app.global_latency();
    if !global_latency.is_zero() {
        tokio::time::sleep(global_latency).await;
    }
    let mut response = next.run(request).await;
    // Every real service tells its clock in `Date`; here it is the sandbox's, which time travel
    // moves (hyper adds the real time only when a response has none).
    if let Ok(date) = HeaderValue::from_str(&http_date(app.world().now())) {
        response.headers_mut().insert(DATE, date);
    }
    // Microsoft's endpoints set their own headers.
    if !is_under(&path, LOGIN_PREFIX) && !is_under(&path, GRAPH_PREFIX) {
        add_gateway_headers(response.headers_mut(), &request_id);
    }
    if !is_under(&path, CONTROL_PREFIX) {
        let tag = response.extensions().get::<RouteTag>().copied();
        let entry = meta.log_entry(
            tag.map(|tag| tag.name),
            Some(response.status().as_u16()),
            tag.map_or("handled", |tag| tag.outcome),
        );
        app.world().log.record(entry);
    }
    response
}

pub(crate) async fn route_guard(
    State(context): State<RouteContext>,
    request: Request,
    next: Next,
) -> Response {
    let RouteContext { app, name } = context;
    app.world().log.count(name);
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
            .log
            .record(meta.log_entry(Some(name), status, outcome));
    }
    match kill {
        Some(kill) => {
            kill.close();
            std::future::pending::<Response>().await
        }
        // Only reachable if the router were served by something other than the accept loop.
        None => StatusCode::BAD_GATEWAY.into_response(),
    }
}
