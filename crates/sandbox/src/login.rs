//! Microsoft identity platform simulator under `/login/{tenant}/oauth2/v2.0/...`.
//! (Being written: authorize, token, devicecode — see `reference/entra-graph.md` §A.)

use std::sync::Arc;

use axum::Router;

use crate::App;

/// Mount point of the login simulator.
pub(crate) const LOGIN_PREFIX: &str = "/login";

/// Route names of this simulator, for faults and the request log.
pub(crate) const ROUTE_NAMES: &[&str] = &[];

/// Authorization codes, device codes and refresh tokens issued so far.
#[derive(Debug, Default)]
pub(crate) struct LoginState {}

pub(crate) fn routes(_app: &Arc<App>) -> Router<Arc<App>> {
    Router::new()
}
