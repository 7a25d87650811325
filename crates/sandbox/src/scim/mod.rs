//! The SCIM 2.0 service provider behind the "Base URL" Entra's provisioning calls, mounted at
//! [`DEFAULT_SCIM_MOUNT_PATTERN`] (or `SandboxConfig::scim_mount_pattern`).
//!
//! Almost nothing of Scaleway's SCIM server is documented: what is (username matching, `active`
//! → lock, `name.formatted` unused, `displayName` rejected in PATCH with "unsupported path for
//! operation Add: displayName"; since 2026-08-18 groups: IAM groups created, updated and deleted,
//! members added and removed, no nested groups) is reproduced; the rest follows RFC 7643/7644
//! and what Entra's provisioning sends, with each guess marked UNVERIFIED (most in
//! [`unverified`]).
//!
//! | module | what |
//! |---|---|
//! | `protocol` | media type, schemas, error body, bearer-token check, body recording, paging |
//! | `discovery` | `/ServiceProviderConfig` |
//! | `users` | `/Users` and `/Users/{id}` |
//! | `groups` | `/Groups` and `/Groups/{id}` (IAM groups) |
//! | `filter` | the `filter` of `GET /Users` and `GET /Groups` |
//! | `patch` | PATCH operations on a user (and the PatchOp basics groups share) |
//! | `group_patch` | PATCH operations on a group (members, displayName) |
//! | `state` | what SCIM keeps of its own (users, groups and tokens are IAM's) |
//! | `unverified` | the undocumented behaviours, decided once |
//!
//! A resource type has its own handlers module, its routes in [`routes`], its names in
//! [`ROUTE_NAMES`], and its endpoint in `protocol::ENDPOINTS`.

mod discovery;
mod filter;
mod group_patch;
mod groups;
mod patch;
mod protocol;
pub(crate) mod state;
mod unverified;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

pub(crate) use protocol::scim_json_response;

use crate::App;

/// Where the sandbox serves SCIM 2.0, below its base URL.
///
/// UNVERIFIED: Scaleway's real Base URL is in no public source. The sandbox deliberately does
/// NOT mount it under `/scaleway/iam/...`, so a client that hardcodes a guess derived from the
/// IAM API path fails here and must use its configurable pattern list (or the "paste the Base
/// URL" fallback). `SandboxConfig::scim_mount_pattern` moves it elsewhere; every other path
/// answers 404.
pub const DEFAULT_SCIM_MOUNT_PATTERN: &str = "/scim/{scim_id}/v2";

/// Route names of this service, for faults and the request log.
pub(crate) const ROUTE_NAMES: &[&str] = &[
    "scim.service_provider_config",
    "scim.list_users",
    "scim.get_user",
    "scim.create_user",
    "scim.patch_user",
    "scim.delete_user",
    "scim.list_groups",
    "scim.get_group",
    "scim.create_group",
    "scim.patch_group",
    "scim.replace_group",
    "scim.delete_group",
];

/// The SCIM routes, below `mount_pattern` (already validated by `Sandbox::start`).
pub(crate) fn routes(app: &Arc<App>, mount_pattern: &str) -> Router<Arc<App>> {
    let scim_path = |path: &str| format!("{mount_pattern}{path}");
    Router::new()
        .route(
            &scim_path("/ServiceProviderConfig"),
            get(named!(
                app,
                "scim.service_provider_config",
                discovery::service_provider_config
            )),
        )
        .route(
            &scim_path("/Users"),
            get(named!(app, "scim.list_users", users::list_users)).post(named!(
                app,
                "scim.create_user",
                users::create_user
            )),
        )
        .route(
            &scim_path("/Users/{id}"),
            get(named!(app, "scim.get_user", users::get_user))
                .patch(named!(app, "scim.patch_user", users::patch_user))
                .delete(named!(app, "scim.delete_user", users::delete_user)),
        )
        .route(
            &scim_path("/Groups"),
            get(named!(app, "scim.list_groups", groups::list_groups)).post(named!(
                app,
                "scim.create_group",
                groups::create_group
            )),
        )
        .route(
            &scim_path("/Groups/{id}"),
            get(named!(app, "scim.get_group", groups::get_group))
                .patch(named!(app, "scim.patch_group", groups::patch_group))
                .put(named!(app, "scim.replace_group", groups::replace_group))
                .delete(named!(app, "scim.delete_group", groups::delete_group)),
        )
}
