//! `scim-wizard-sandbox`: a loopback simulator of everything the wizard talks to, with fault
//! injection and test-only control endpoints:
//!
//! - the Scaleway IAM API subset the wizard uses (SCIM configuration and tokens, organization,
//!   API keys, users, applications);
//! - a Scaleway-style SCIM 2.0 endpoint (`/ServiceProviderConfig`, `/Users`);
//! - the Microsoft identity platform (sign-in: authorization code with PKCE, device code,
//!   refresh tokens) for a seeded Entra ID tenant;
//! - Microsoft Graph (directory, enterprise applications, assignments, synchronization jobs),
//!   with a simulated Entra provisioning service that calls the SCIM endpoint over real HTTP.
//!
//! It is written from the services' public documentation, not from our client code, and shares
//! no types with the clients: a misunderstanding in a client must show up as a failing call
//! here, not be mirrored. It rejects what the real services are documented to reject.
//! Behaviours the documentation leaves open are each decided in one constant or function,
//! marked UNVERIFIED with what was assumed; `docs/sandbox.md` lists them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use scim_wizard_sandbox::{FaultPlan, FaultRule, Sandbox, SandboxConfig, SeedKeyKind};
//! let faults = FaultPlan::new()
//!     .with(FaultRule::on("scaleway.create_scim_token").status(429).retry_after(1).nth(1))?;
//! // The same plan, as the CLI's `--faults` takes it:
//! assert_eq!(faults, "scaleway.create_scim_token:status=429,retry_after=1,nth=1".parse()?);
//! let sandbox = Sandbox::start(SandboxConfig::default().with_faults(faults)).await?;
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
//! | `/login/{tenant}/oauth2/v2.0/...` | Microsoft identity platform (`authorize`, `token`, `devicecode`) |
//! | `/graph/v1.0/...` | Microsoft Graph |
//! | `/_sandbox/...` | control (`control` feature): `GET state`, `GET requests`, `GET seed`, `GET`/`POST faults`, `POST reset`, `POST time-travel`, and the login and Graph controls under `/_sandbox/login/...` and `/_sandbox/graph/...` |
//!
//! Every response outside `/login` and `/graph` carries `X-Request-Id` (a UUID) and
//! `Server: Scaleway API Gateway`, like the real gateway; Microsoft's endpoints carry their own
//! request-id headers.
//!
//! # Layout of the crate
//!
//! One folder per simulated service, each with its state, routes and handlers, and one for what
//! they share:
//!
//! | module | what |
//! |---|---|
//! | `scaleway` | the IAM API |
//! | `scim` | the SCIM 2.0 endpoint (its users are IAM users, kept by `scaleway`) |
//! | `login` | the Microsoft identity platform |
//! | `graph` | Microsoft Graph and the simulated provisioning service |
//! | `core` | accept loop, gateway middleware, headers, request log, clock, faults, control routes |
//! | `tenant`, `entra_tokens` | the seeded Entra tenant and the access tokens `login` issues and `graph` checks |
//! | `app` | the state behind every handler, and the router that puts the services together |
//! | `sandbox` | [`Sandbox`] and [`SandboxConfig`] |
//!
//! # Faults
//!
//! Faults are chosen per route by name ([`route_names`]). Give a plan in
//! [`SandboxConfig::faults`], built with [`FaultRule::on`] and [`FaultPlan::with`] or parsed
//! from a SPEC, or `POST` a SPEC to `/_sandbox/faults` while the sandbox runs.
//!
//! ```text
#![doc = include_str!("core/faults/spec_help.txt")]
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
                $crate::core::gateway::RouteContext {
                    app: ::std::sync::Arc::clone(&$app),
                    name: $name,
                },
                $crate::core::gateway::route_guard,
            ),
        )
    };
}

mod app;
mod core;
mod entra_tokens;
mod graph;
mod login;
mod sandbox;
mod scaleway;
mod scim;
mod tenant;

pub use crate::core::control::{setup_footprint, without_provisioned};
pub use crate::core::faults::{
    FAULT_SPEC_HELP, FaultAction, FaultBody, FaultPlan, FaultRule, FaultRuleBuilder,
    FaultSpecError, FaultTrigger, SCALEWAY_ROUTE_NAMES, StatusRuleBuilder, route_names,
};
pub use sandbox::{DEFAULT_SEED, Sandbox, SandboxConfig, SandboxError, SandboxUrls};
pub use scaleway::{SeedData, SeedKey, SeedKeyKind};
pub use scim::DEFAULT_SCIM_MOUNT_PATTERN;
pub use tenant::{SECOND_DOMAIN, STAFF_GROUP, TenantGroup, TenantSeed, TenantUser};

pub(crate) use app::{App, World};
