//! The public face of the crate: how to configure, start, drive and stop a [`Sandbox`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::app::{App, AppConfig, MicrosoftConfig, build_router};
use crate::core::control::CONTROL_PREFIX;
use crate::core::faults::FaultPlan;
use crate::core::server::accept_loop;
use crate::graph::GRAPH_PREFIX;
use crate::login::LOGIN_PREFIX;
use crate::scaleway::{SCALEWAY_PREFIX, SeedData};
use crate::scim::DEFAULT_SCIM_MOUNT_PATTERN;

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
    /// Generated people added to the tenant, all in the group [`crate::STAFF_GROUP`] (a large
    /// directory for benchmarks); none by default.
    pub staff: usize,
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
            staff: 0,
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

    pub fn with_staff(mut self, staff: usize) -> Self {
        self.staff = staff;
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
    /// `{base}/login`: the Microsoft identity platform (login) simulator.
    pub login: String,
    /// `{base}/graph`: the Microsoft Graph simulator.
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
            login: format!("{base}{LOGIN_PREFIX}"),
            graph: format!("{base}{GRAPH_PREFIX}"),
            control: format!("{base}{CONTROL_PREFIX}"),
            base: base.clone(),
        };
        let app = Arc::new(App::new(AppConfig {
            seed: config.seed,
            faults: config.faults,
            global_latency: config.latency,
            base_url: base,
            scim_mount_pattern: config.scim_mount_pattern,
            microsoft: MicrosoftConfig {
                replication_lag: config.replication_lag,
            },
            staff: config.staff,
        }));
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

    /// The demo organization, its fake (sandbox-only) API keys, and the simulated Entra tenant.
    pub fn seed_data(&self) -> &SeedData {
        self.app.seed_data()
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
    if [SCALEWAY_PREFIX, CONTROL_PREFIX, LOGIN_PREFIX, GRAPH_PREFIX]
        .contains(&format!("/{first}").as_str())
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
