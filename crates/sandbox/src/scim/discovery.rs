//! `GET /ServiceProviderConfig` (RFC 7643 §5): what this SCIM server supports.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use serde_json::json;

use super::protocol::{MAX_RESULTS, ScimResult, authenticate, scim_json_response};
use super::unverified::SERVICE_PROVIDER_CONFIG_NEEDS_AUTH;
use crate::App;

const SCHEMA_SPC: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

pub(crate) async fn service_provider_config(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(params): Path<HashMap<String, String>>,
) -> ScimResult {
    let world = app.world();
    if SERVICE_PROVIDER_CONFIG_NEEDS_AUTH {
        authenticate(&app, &world, &headers, &uri, &params)?;
    }
    let location = format!("{}{}", app.base_url, uri.path());
    Ok(scim_json_response(
        StatusCode::OK,
        json!({
            "schemas": [SCHEMA_SPC],
            "documentationUri": "https://www.scaleway.com/en/docs/iam/how-to/manage-users-with-scim/",
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_RESULTS},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": false},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication scheme using the OAuth Bearer Token Standard",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": true,
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": location},
        }),
    ))
}
