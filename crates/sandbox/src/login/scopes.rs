//! Scopes: what a `scope` parameter asks for, and what a sign-in grants.
//!
//! A scope without a resource prefix means Microsoft Graph, so `Synchronization.ReadWrite.All`
//! and `https://graph.microsoft.com/Synchronization.ReadWrite.All` are the same permission
//! (Microsoft's "Scope names" documentation). Graph is the only resource this tenant knows.

use serde::Serialize;

use super::protocol::OAuthError;

/// Microsoft Graph's resource URI, the audience of every access token issued here.
pub(super) const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";
/// Microsoft Graph's application id: `{GRAPH_APP_ID}/Scope` names a Graph scope too.
pub(super) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Graph delegated permissions the simulator knows, in Graph's own spelling. An unknown name is
/// refused (AADSTS650053), so a typo in a client's scope list fails here instead of in production.
/// It is the subset a provisioning wizard could plausibly ask for, not all of Graph: add a name
/// here if a client legitimately needs it.
pub(super) const GRAPH_DELEGATED_PERMISSIONS: &[&str] = &[
    "User.Read",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Synchronization.Read.All",
    "Synchronization.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "AuditLog.Read.All",
    "Organization.Read.All",
    "Policy.Read.All",
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
];

/// The OpenID Connect scopes, which name no resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(super) struct OidcScopes {
    pub(super) openid: bool,
    pub(super) profile: bool,
    pub(super) email: bool,
    pub(super) offline_access: bool,
}

/// What a `scope` parameter asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RequestedScopes {
    pub(super) oidc: OidcScopes,
    /// Graph permissions by their canonical name, each once, in request order.
    pub(super) graph: Vec<&'static str>,
    /// `https://graph.microsoft.com/.default`: every Graph permission already consented.
    pub(super) graph_default: bool,
}

/// What a sign-in granted: stored with codes, refresh tokens and approved device codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Grant {
    pub(super) oidc: OidcScopes,
    pub(super) graph: Vec<&'static str>,
}

/// Why a `scope` parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ScopeProblem {
    Missing,
    /// A resource other than Graph, or a malformed scope.
    NotValid(String),
    /// A Graph permission that does not exist.
    UnknownGraphPermission(String),
    /// `.default` together with named Graph permissions.
    DefaultMixed(String),
}

impl ScopeProblem {
    /// The Entra error for this problem; `client` names the app as Entra's messages do.
    pub(super) fn to_oauth_error(&self, client_id: &str, client_name: &str) -> OAuthError {
        match self {
            ScopeProblem::Missing => OAuthError::missing_parameter("scope"),
            ScopeProblem::NotValid(scope) => OAuthError::new(
                "invalid_scope",
                70_011,
                format!(
                    "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."
                ),
            ),
            ScopeProblem::UnknownGraphPermission(scope) => {
                super::unverified::unknown_graph_permission(client_id, client_name, scope)
            }
            ScopeProblem::DefaultMixed(scopes) => OAuthError::new(
                "invalid_scope",
                70_011,
                format!(
                    "The provided value for the input parameter 'scope' is not valid. The scope {scopes} is not valid. static scope limit exceeded."
                ),
            ),
        }
    }
}

/// The canonical spelling of a Graph permission, matched case-insensitively.
pub(super) fn graph_permission(name: &str) -> Option<&'static str> {
    GRAPH_DELEGATED_PERMISSIONS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
        .copied()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// The Graph permission part of a scope (`User.Read`, `https://graph.microsoft.com/User.Read`,
/// `00000003-…/User.Read`), or `None` for a scope of another resource.
pub(super) fn graph_part(scope: &str) -> Option<&str> {
    if let Some(rest) = strip_prefix_ignore_case(scope, &format!("{GRAPH_RESOURCE}/")) {
        return Some(rest);
    }
    if let Some(rest) = strip_prefix_ignore_case(scope, &format!("{GRAPH_APP_ID}/")) {
        return Some(rest);
    }
    (!scope.contains('/') && !scope.contains(':')).then_some(scope)
}

/// Reads a space-separated `scope` parameter (the form decoder has already turned `+` into
/// spaces).
pub(super) fn parse(scope: &str) -> Result<RequestedScopes, ScopeProblem> {
    let items: Vec<&str> = scope.split_whitespace().collect();
    if items.is_empty() {
        return Err(ScopeProblem::Missing);
    }
    let mut requested = RequestedScopes::default();
    for item in &items {
        match item.to_ascii_lowercase().as_str() {
            "openid" => requested.oidc.openid = true,
            "profile" => requested.oidc.profile = true,
            "email" => requested.oidc.email = true,
            "offline_access" => requested.oidc.offline_access = true,
            _ => {
                let Some(name) = graph_part(item) else {
                    return Err(ScopeProblem::NotValid((*item).to_string()));
                };
                if name == ".default" {
                    requested.graph_default = true;
                } else if let Some(permission) = graph_permission(name) {
                    if !requested.graph.contains(&permission) {
                        requested.graph.push(permission);
                    }
                } else {
                    return Err(ScopeProblem::UnknownGraphPermission(name.to_string()));
                }
            }
        }
    }
    if requested.graph_default && !requested.graph.is_empty() {
        return Err(ScopeProblem::DefaultMixed(items.join(" ")));
    }
    Ok(requested)
}

/// The Graph permissions a sign-in grants: what was asked, limited to what the tenant has
/// consented to (`None` = auto-consent to everything asked). `.default` asks for everything
/// consented.
pub(super) fn granted(
    requested: &RequestedScopes,
    consented: Option<&[&'static str]>,
) -> Vec<&'static str> {
    if requested.graph_default {
        return consented
            .map(<[&str]>::to_vec)
            .unwrap_or_else(|| super::unverified::DEFAULT_SCOPE_WITHOUT_CONSENT_LIST.to_vec());
    }
    match consented {
        None => requested.graph.clone(),
        Some(consented) => requested
            .graph
            .iter()
            .filter(|scope| consented.contains(scope))
            .copied()
            .collect(),
    }
}

/// Narrows a stored grant to what a token request's optional `scope` asks for. Asking for a
/// Graph permission the grant does not hold needs a new interactive consent: AADSTS65001.
pub(super) fn narrow(
    grant: &Grant,
    scope: Option<&str>,
    client_id: &str,
    client_name: &str,
) -> Result<Grant, OAuthError> {
    let Some(scope) = scope else {
        return Ok(grant.clone());
    };
    let requested =
        parse(scope).map_err(|problem| problem.to_oauth_error(client_id, client_name))?;
    if requested.graph_default {
        return Ok(grant.clone());
    }
    if requested.graph.is_empty() {
        return Ok(grant.clone());
    }
    if let Some(missing) = requested
        .graph
        .iter()
        .find(|scope| !grant.graph.contains(scope))
    {
        return Err(OAuthError::new(
            "invalid_grant",
            65_001,
            format!(
                "The user or administrator has not consented to use the application with ID '{client_id}' named '{client_name}'. Send an interactive authorization request for this user and resource. (Missing: {missing})"
            ),
        ));
    }
    Ok(Grant {
        oidc: grant.oidc,
        graph: requested.graph,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_scopes_are_recognised_in_every_spelling() {
        let requested = parse(
            "openid offline_access https://graph.microsoft.com/application.readwrite.all \
             Synchronization.ReadWrite.All 00000003-0000-0000-c000-000000000000/User.Read User.Read",
        )
        .unwrap_or_default();
        assert!(requested.oidc.openid && requested.oidc.offline_access);
        assert!(!requested.oidc.profile);
        assert_eq!(
            requested.graph,
            vec![
                "Application.ReadWrite.All",
                "Synchronization.ReadWrite.All",
                "User.Read"
            ]
        );
    }

    #[test]
    fn foreign_unknown_and_mixed_scopes_are_refused() {
        assert_eq!(
            parse("openid https://vault.azure.net/user_impersonation"),
            Err(ScopeProblem::NotValid(
                "https://vault.azure.net/user_impersonation".into()
            ))
        );
        assert_eq!(
            parse("openid Synchronisation.ReadWrite.All"),
            Err(ScopeProblem::UnknownGraphPermission(
                "Synchronisation.ReadWrite.All".into()
            ))
        );
        assert!(matches!(
            parse("https://graph.microsoft.com/.default User.Read"),
            Err(ScopeProblem::DefaultMixed(_))
        ));
        assert_eq!(parse("  "), Err(ScopeProblem::Missing));
    }

    #[test]
    fn consent_limits_the_grant() {
        let requested = parse("openid User.Read Application.ReadWrite.All").unwrap_or_default();
        assert_eq!(granted(&requested, None).len(), 2);
        assert_eq!(granted(&requested, Some(&["User.Read"])), vec!["User.Read"]);
    }
}
