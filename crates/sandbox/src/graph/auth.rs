//! Bearer access tokens, delegated scopes and the caller's directory roles for every Graph route.

use axum::http::{HeaderMap, StatusCode, header};

use super::respond::GraphError;
use crate::App;
use crate::entra_tokens::{self, AccessClaims, GRAPH_AUDIENCE, TokenRejection};
use crate::tenant::{
    ROLE_APPLICATION_ADMINISTRATOR, ROLE_CLOUD_APPLICATION_ADMINISTRATOR, ROLE_GLOBAL_ADMINISTRATOR,
};

/// Graph's own application id, also accepted as the token audience.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

// Scopes: a route accepts its least-privileged documented scope or any higher one listed.
/// Instantiate and delete applications.
pub(crate) const APP_WRITE: &[&str] = &["Application.ReadWrite.All", "Directory.ReadWrite.All"];
/// Read applications and service principals (inferred: covered by the ReadWrite scopes).
pub(crate) const APP_READ: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// `GET` on synchronization templates, jobs and schema.
pub(crate) const SYNC_READ: &[&str] =
    &["Synchronization.Read.All", "Synchronization.ReadWrite.All"];
/// Every synchronization write ("higher privileged: not available").
pub(crate) const SYNC_WRITE: &[&str] = &["Synchronization.ReadWrite.All"];
/// `appRoleAssignedTo` writes need this AND one of [`ASSIGN_DIRECTORY_READ`].
pub(crate) const ASSIGN_WRITE: &[&str] = &["AppRoleAssignment.ReadWrite.All"];
pub(crate) const ASSIGN_DIRECTORY_READ: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
pub(crate) const USERS_READ: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// UNVERIFIED: which scopes allow reading groups and their members.
pub(crate) const GROUPS_READ: &[&str] = &[
    "GroupMember.Read.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// `/me`, `/me/transitiveMemberOf/...`, `/organization`: UNVERIFIED that `User.Read` suffices
/// for the role listing (it does for `/me` and `/organization`).
pub(crate) const SIGNED_IN_READ: &[&str] = &[
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// UNVERIFIED: which of the two is least-privileged for the provisioning logs.
pub(crate) const AUDIT_READ: &[&str] = &["AuditLog.Read.All", "ProvisioningLog.Read.All"];
/// The provisioning logs' other permission ("AuditLog.Read.All and Directory.Read.All").
pub(crate) const DIRECTORY_READ: &[&str] = &["Directory.Read.All", "Directory.ReadWrite.All"];

/// Directory roles that may use the synchronization APIs and instantiate apps. UNVERIFIED
/// that assignments (`appRoleAssignedTo`) need the same roles for a caller who does not own the
/// app; the sandbox requires them.
pub(crate) const APP_ADMIN_ROLES: &[&str] = &[
    ROLE_APPLICATION_ADMINISTRATOR,
    ROLE_CLOUD_APPLICATION_ADMINISTRATOR,
    ROLE_GLOBAL_ADMINISTRATOR,
];

fn invalid_token(message: &str) -> GraphError {
    GraphError::new(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        message,
    )
}

const NOT_WELL_FORMED: &str = "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.";

/// The verified claims of the request's bearer token, or Graph's 401.
pub(crate) fn caller(app: &App, headers: &HeaderMap) -> Result<AccessClaims, GraphError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| invalid_token("Access token is empty."))?;
    if !token.contains('.') {
        return Err(invalid_token(NOT_WELL_FORMED));
    }
    let claims = entra_tokens::verify(app.seed(), token, app.now()).map_err(|rejection| {
        match rejection {
            TokenRejection::Expired | TokenRejection::NotYetValid => {
                invalid_token("Access token has expired or is not yet valid.")
            }
            TokenRejection::Malformed if token.split('.').count() != 3 => {
                invalid_token(NOT_WELL_FORMED)
            }
            TokenRejection::Malformed => invalid_token(
                "IDX14102: Unable to decode the payload '[PII of type 'Microsoft.IdentityModel.Logging.SecurityArtifact' is hidden. For more details, see https://aka.ms/IdentityModel/PII.]' as Base64Url encoded string.",
            ),
            // UNVERIFIED wording for a token whose signature does not check out.
            TokenRejection::BadSignature => invalid_token("Access token validation failure."),
        }
    })?;
    if claims.aud != GRAPH_AUDIENCE && claims.aud != GRAPH_APP_ID {
        return Err(invalid_token(
            "Access token validation failure. Invalid audience.",
        ));
    }
    if claims.tid != app.tenant().tenant_id {
        // UNVERIFIED: a token of another tenant; the sandbox serves one tenant only.
        return Err(invalid_token(
            "Access token validation failure. Invalid audience.",
        ));
    }
    Ok(claims)
}

/// 403 unless the token carries one of `any_of`.
pub(crate) fn require_scope(claims: &AccessClaims, any_of: &[&str]) -> Result<(), GraphError> {
    if any_of.iter().any(|scope| claims.has_scope(scope)) {
        Ok(())
    } else {
        Err(GraphError::denied())
    }
}

/// 403 unless the caller holds one of the directory roles (by template id, `wids`).
pub(crate) fn require_role(claims: &AccessClaims, any_of: &[&str]) -> Result<(), GraphError> {
    if claims
        .wids
        .iter()
        .any(|role| any_of.contains(&role.as_str()))
    {
        Ok(())
    } else {
        Err(GraphError::denied())
    }
}

/// Authenticates and checks one scope set plus, optionally, the admin roles.
pub(crate) fn authorize(
    app: &App,
    headers: &HeaderMap,
    scopes: &[&str],
    needs_admin_role: bool,
) -> Result<AccessClaims, GraphError> {
    let claims = caller(app, headers)?;
    require_scope(&claims, scopes)?;
    if needs_admin_role {
        require_role(&claims, APP_ADMIN_ROLES)?;
    }
    Ok(claims)
}
