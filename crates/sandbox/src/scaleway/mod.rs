//! The Scaleway IAM v1alpha1 subset the wizard uses, served under `{base}/scaleway`: same
//! paths, JSON shapes, error envelopes and status codes as the real API. Where the public
//! documentation leaves a behaviour open, the choice sits in [`unverified`] (or, for a few,
//! where it is used), marked UNVERIFIED, with the reason.
//!
//! | module | what |
//! |---|---|
//! | `state` | organizations, users, groups, applications, API keys, SCIM configurations and tokens |
//! | `seed` | the deterministic seed: Acme, Globex, their people and groups, one fake key per [`SeedKeyKind`] |
//! | `auth` | `X-Auth-Token` → caller, and the permission check |
//! | `errors` | the error envelope; unknown paths and methods |
//! | `params` | path ids and list-call query strings (paging, ordering, filters) |
//! | `organization` | `organizations/{id}`, `users`, `applications/{id}`, `api-keys/{access_key}` |
//! | `groups` | `groups` and `groups/{id}` (read; SCIM writes groups) |
//! | `scim_config` | SCIM enable/read/disable and its tokens |
//! | `unverified` | every undocumented behaviour, decided once |

mod auth;
mod errors;
pub(crate) mod groups;
mod organization;
mod params;
mod scim_config;
pub(crate) mod seed;
pub(crate) mod state;
pub(crate) mod unverified;

use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get};

pub(crate) use errors::{method_not_allowed, unknown_endpoint};
pub use seed::{SeedData, SeedKey, SeedKeyKind};

use crate::App;

/// Where the IAM API lives below the sandbox base URL (clients append `/iam/v1alpha1/...`).
pub(crate) const SCALEWAY_PREFIX: &str = "/scaleway";

/// Route names of this service, for faults and the request log.
pub(crate) const ROUTE_NAMES: &[&str] = &[
    "scaleway.get_scim",
    "scaleway.enable_scim",
    "scaleway.delete_scim",
    "scaleway.list_scim_tokens",
    "scaleway.create_scim_token",
    "scaleway.delete_scim_token",
    "scaleway.get_organization",
    "scaleway.get_api_key",
    "scaleway.get_user",
    "scaleway.get_application",
    "scaleway.list_users",
    "scaleway.list_groups",
    "scaleway.get_group",
];

pub(crate) fn routes(app: &Arc<App>) -> Router<Arc<App>> {
    let iam = |path: &str| format!("{SCALEWAY_PREFIX}/iam/v1alpha1{path}");
    Router::new()
        .route(
            &iam("/organizations/{organization_id}"),
            get(named!(
                app,
                "scaleway.get_organization",
                organization::get_organization
            )),
        )
        .route(
            &iam("/organizations/{organization_id}/scim"),
            get(named!(app, "scaleway.get_scim", scim_config::get_scim)).post(named!(
                app,
                "scaleway.enable_scim",
                scim_config::enable_scim
            )),
        )
        .route(
            &iam("/scim/{scim_id}"),
            delete(named!(
                app,
                "scaleway.delete_scim",
                scim_config::delete_scim
            )),
        )
        .route(
            &iam("/scim/{scim_id}/tokens"),
            get(named!(
                app,
                "scaleway.list_scim_tokens",
                scim_config::list_scim_tokens
            ))
            .post(named!(
                app,
                "scaleway.create_scim_token",
                scim_config::create_scim_token
            )),
        )
        .route(
            &iam("/scim-tokens/{token_id}"),
            delete(named!(
                app,
                "scaleway.delete_scim_token",
                scim_config::delete_scim_token
            )),
        )
        .route(
            &iam("/api-keys/{access_key}"),
            get(named!(
                app,
                "scaleway.get_api_key",
                organization::get_api_key
            )),
        )
        .route(
            &iam("/users"),
            get(named!(app, "scaleway.list_users", organization::list_users)),
        )
        .route(
            &iam("/users/{user_id}"),
            get(named!(app, "scaleway.get_user", organization::get_user)),
        )
        .route(
            &iam("/groups"),
            get(named!(app, "scaleway.list_groups", groups::list_groups)),
        )
        .route(
            &iam("/groups/{group_id}"),
            get(named!(app, "scaleway.get_group", groups::get_group)),
        )
        .route(
            &iam("/applications/{application_id}"),
            get(named!(
                app,
                "scaleway.get_application",
                organization::get_application
            )),
        )
}
