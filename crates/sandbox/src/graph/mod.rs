//! Microsoft Graph simulator under `/graph/v1.0/...`.
//! (Being written: see `reference/entra-graph.md` §B.)

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::App;

/// Mount point of the Graph simulator.
pub(crate) const GRAPH_PREFIX: &str = "/graph";

/// Route names of this simulator, for faults and the request log.
pub(crate) const ROUTE_NAMES: &[&str] = &[];

/// Applications, service principals, synchronization jobs, secrets and schemas.
#[derive(Debug, Default)]
pub(crate) struct GraphState {}

pub(crate) fn routes(_app: &Arc<App>) -> Router<Arc<App>> {
    Router::new()
}

/// Graph's answer to a path it does not serve.
pub(crate) fn unknown_endpoint(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({
            "error": {
                "code": "BadRequest",
                "message": format!("Resource not found for the segment '{}'.", path.rsplit('/').next().unwrap_or_default()),
            }
        })),
    )
        .into_response()
}
