//! Microsoft Graph v1.0 simulator under `/graph/v1.0/...`, written from Microsoft's Graph
//! documentation (never from client code), plus a simulated Entra provisioning service that
//! writes to the sandbox's Scaleway SCIM endpoint over real HTTP. What the documentation leaves
//! open is marked UNVERIFIED where it is decided (`docs/sandbox.md` lists them).
//!
//! | module | what |
//! |---|---|
//! | `respond` | error envelope, OData content type, `request-id` headers |
//! | `auth` | bearer tokens, delegated scopes, directory roles |
//! | `odata` | `$filter`, `$search`, `$select`, `$top`, `$count`, paging |
//! | `directory` | `/me`, roles, `/organization`, `/users`, `/groups`, group members (direct and transitive) |
//! | `apps` | instantiate, replication lag, applications, service principals, assignments |
//! | `sync` | synchronization templates, jobs, credentials, secrets, schema, start/restart/on demand |
//! | `schema` + `default_scim_schema.json` | the default `scim` schema and PUT validation |
//! | `expressions` | mapping expressions: parse, JSON tree, evaluate |
//! | `provisioning` | the provisioning cycle and on-demand provisioning over SCIM |
//! | `control` | test-only routes under `/_sandbox/graph/...` |

mod apps;
mod auth;
mod control;
mod directory;
mod expressions;
mod odata;
mod provisioning;
mod respond;
mod schema;
mod sync;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::App;

/// Mount point of the Graph simulator.
pub(crate) const GRAPH_PREFIX: &str = "/graph";

/// Route names of this simulator, for faults and the request log.
pub(crate) const ROUTE_NAMES: &[&str] = &[
    "graph.me",
    "graph.my_directory_roles",
    "graph.organization",
    "graph.list_users",
    "graph.get_user",
    "graph.list_groups",
    "graph.get_group",
    "graph.list_group_members",
    "graph.list_group_transitive_members",
    "graph.get_application_template",
    "graph.instantiate",
    "graph.list_applications",
    "graph.get_application",
    "graph.delete_application",
    "graph.list_service_principals",
    "graph.get_service_principal",
    "graph.list_assignments",
    "graph.assign",
    "graph.unassign",
    "graph.list_sync_templates",
    "graph.list_jobs",
    "graph.create_job",
    "graph.get_job",
    "graph.delete_job",
    "graph.validate_credentials",
    "graph.validate_job_credentials",
    "graph.get_secrets",
    "graph.put_secrets",
    "graph.get_schema",
    "graph.put_schema",
    "graph.patch_schema",
    "graph.parse_expression",
    "graph.list_functions",
    "graph.start_job",
    "graph.pause_job",
    "graph.restart_job",
    "graph.provision_on_demand",
    "graph.provisioning_logs",
];

/// Applications, service principals, assignments, synchronization jobs, secrets and schemas,
/// and what the provisioning simulator did. Reset to `default()` by `/_sandbox/reset`.
#[derive(Debug, Default)]
pub(crate) struct GraphState {
    /// Seeded from the sandbox seed on first use, so ids repeat run to run.
    rng: Option<StdRng>,
    applications: Vec<apps::Application>,
    service_principals: Vec<apps::ServicePrincipal>,
    assignments: Vec<apps::Assignment>,
    /// Per service principal id: the saved synchronization secrets, in the order saved.
    secrets: BTreeMap<String, Vec<(String, String)>>,
    jobs: Vec<sync::Job>,
    journal: provisioning::Journal,
    quirks: control::Quirks,
    /// The provisioning service's HTTP client (no redirects, short timeouts), built lazily.
    http: Option<reqwest::Client>,
    /// Serialises provisioning runs (cycles and on-demand) so their effects are deterministic.
    provisioning_lock: Arc<tokio::sync::Mutex<()>>,
}

impl GraphState {
    fn rng(&mut self, seed: u64) -> &mut StdRng {
        self.rng
            .get_or_insert_with(|| StdRng::seed_from_u64(seed ^ 0x4752_4150_4800))
    }

    /// A lowercase GUID from the seeded RNG.
    fn guid(&mut self, seed: u64) -> String {
        let bytes: [u8; 16] = self.rng(seed).random();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// Assignment ids look like Graph's: 43 base64url characters.
    fn assignment_id(&mut self, seed: u64) -> String {
        let bytes: [u8; 32] = self.rng(seed).random();
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

pub(crate) fn routes(app: &Arc<App>) -> Router<Arc<App>> {
    let v1 = |path: &str| format!("{GRAPH_PREFIX}/v1.0{path}");
    let sync = |path: &str| {
        v1(&format!(
            "/servicePrincipals/{{sp_id}}/synchronization{path}"
        ))
    };
    let job = |path: &str| sync(&format!("/jobs/{{job_id}}{path}"));
    Router::new()
        .route(&v1("/me"), get(named!(app, "graph.me", directory::me)))
        .route(
            &v1("/me/transitiveMemberOf/microsoft.graph.directoryRole"),
            get(named!(
                app,
                "graph.my_directory_roles",
                directory::my_directory_roles
            )),
        )
        .route(
            &v1("/organization"),
            get(named!(app, "graph.organization", directory::organization)),
        )
        .route(
            &v1("/users"),
            get(named!(app, "graph.list_users", directory::list_users)),
        )
        .route(
            &v1("/users/{id}"),
            get(named!(app, "graph.get_user", directory::get_user)),
        )
        .route(
            &v1("/groups"),
            get(named!(app, "graph.list_groups", directory::list_groups)),
        )
        .route(
            &v1("/groups/{id}"),
            get(named!(app, "graph.get_group", directory::get_group)),
        )
        .route(
            &v1("/groups/{id}/members"),
            get(named!(
                app,
                "graph.list_group_members",
                directory::group_members
            )),
        )
        .route(
            &v1("/groups/{id}/transitiveMembers"),
            get(named!(
                app,
                "graph.list_group_transitive_members",
                directory::group_transitive_members
            )),
        )
        .route(
            &v1("/applicationTemplates/{template_id}"),
            get(named!(
                app,
                "graph.get_application_template",
                apps::get_template
            )),
        )
        .route(
            &v1("/applicationTemplates/{template_id}/instantiate"),
            post(named!(app, "graph.instantiate", apps::instantiate)),
        )
        .route(
            &v1("/applications"),
            get(named!(
                app,
                "graph.list_applications",
                apps::list_applications
            )),
        )
        .route(
            &v1("/applications/{id}"),
            get(named!(app, "graph.get_application", apps::get_application)).delete(named!(
                app,
                "graph.delete_application",
                apps::delete_application
            )),
        )
        .route(
            &v1("/servicePrincipals"),
            get(named!(
                app,
                "graph.list_service_principals",
                apps::list_service_principals
            )),
        )
        .route(
            &v1("/servicePrincipals/{id}"),
            get(named!(
                app,
                "graph.get_service_principal",
                apps::get_service_principal
            )),
        )
        .route(
            &v1("/servicePrincipals/{sp_id}/appRoleAssignedTo"),
            get(named!(
                app,
                "graph.list_assignments",
                apps::list_assignments
            ))
            .post(named!(app, "graph.assign", apps::assign)),
        )
        .route(
            &v1("/servicePrincipals/{sp_id}/appRoleAssignedTo/{assignment_id}"),
            axum::routing::delete(named!(app, "graph.unassign", apps::unassign)),
        )
        .route(
            &sync("/templates"),
            get(named!(
                app,
                "graph.list_sync_templates",
                sync::list_templates
            )),
        )
        .route(
            &sync("/jobs"),
            get(named!(app, "graph.list_jobs", sync::list_jobs)).post(named!(
                app,
                "graph.create_job",
                sync::create_job
            )),
        )
        .route(
            &sync("/jobs/validateCredentials"),
            post(named!(
                app,
                "graph.validate_credentials",
                sync::validate_credentials
            )),
        )
        .route(
            &sync("/secrets"),
            get(named!(app, "graph.get_secrets", sync::get_secrets)).put(named!(
                app,
                "graph.put_secrets",
                sync::put_secrets
            )),
        )
        .route(
            &job(""),
            get(named!(app, "graph.get_job", sync::get_job)).delete(named!(
                app,
                "graph.delete_job",
                sync::delete_job
            )),
        )
        .route(
            &job("/validateCredentials"),
            post(named!(
                app,
                "graph.validate_job_credentials",
                sync::validate_job_credentials
            )),
        )
        .route(
            &job("/schema"),
            get(named!(app, "graph.get_schema", sync::get_schema))
                .put(named!(app, "graph.put_schema", sync::put_schema))
                .patch(named!(app, "graph.patch_schema", sync::patch_schema)),
        )
        .route(
            &job("/schema/parseExpression"),
            post(named!(
                app,
                "graph.parse_expression",
                sync::parse_expression
            )),
        )
        .route(
            &job("/schema/functions"),
            get(named!(app, "graph.list_functions", sync::list_functions)),
        )
        .route(
            &job("/start"),
            post(named!(app, "graph.start_job", sync::start_job)),
        )
        .route(
            &job("/pause"),
            post(named!(app, "graph.pause_job", sync::pause_job)),
        )
        .route(
            &job("/restart"),
            post(named!(app, "graph.restart_job", sync::restart_job)),
        )
        .route(
            &job("/provisionOnDemand"),
            post(named!(
                app,
                "graph.provision_on_demand",
                sync::provision_on_demand
            )),
        )
        .route(
            &v1("/auditLogs/provisioning"),
            get(named!(
                app,
                "graph.provisioning_logs",
                sync::provisioning_logs
            )),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(app),
            respond::envelope,
        ))
}

/// Graph's test-only control routes (the sandbox's `control` feature).
#[cfg(feature = "control")]
pub(crate) fn control_routes() -> Router<Arc<App>> {
    control::routes()
}

/// Graph's answer to a path it does not serve.
pub(crate) fn unknown_endpoint(path: &str) -> Response {
    let segment = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let mut response = respond::GraphError::new(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    )
    .into_response();
    let request_id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = axum::http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("request-id", value.clone());
        response.headers_mut().insert("client-request-id", value);
    }
    response
}
