//! App roles, assignments and the user/group picker (docs/services.md).

use reqwest::Method;
use serde_json::{Value, json};

use super::odata::odata_string;
use super::types::{
    AppRole, Assignment, DirectoryGroup, DirectoryUser, GroupMember, ServicePrincipalSummary,
};
use super::{GraphClient, GraphError, Request};

const USER_SELECT: &str = "id,displayName,userPrincipalName,mail,givenName,surname";
const GROUP_SELECT: &str = "id,displayName,description,mail";
const MEMBER_SELECT: &str = "id,displayName,userPrincipalName,mail,givenName,surname";
/// Graph's largest `$top` for users and groups.
const MAX_TOP: u32 = 999;

/// The id of the app role named "User" (case-insensitive, enabled), never hard-coded: the
/// non-gallery template declares `User` and `msiam_access` (docs/services.md).
pub fn user_role_id(app_roles: &[AppRole]) -> Option<String> {
    app_roles
        .iter()
        .filter(|role| role.is_enabled)
        .find(|role| {
            role.display_name
                .as_deref()
                .is_some_and(|name| name.trim().eq_ignore_ascii_case("user"))
        })
        .map(|role| role.id.clone())
}

impl GraphClient {
    /// The service principal's `appRoles` (from `GET /servicePrincipals/{sp}`).
    pub async fn service_principal_app_roles(&self, sp: &str) -> Result<Vec<AppRole>, GraphError> {
        let sp: ServicePrincipalSummary = self.get_service_principal(sp).await?;
        Ok(sp.app_roles)
    }

    /// The "User" role id of the service principal, or [`GraphError::NoUserRole`].
    pub async fn service_principal_user_role_id(&self, sp: &str) -> Result<String, GraphError> {
        user_role_id(&self.service_principal_app_roles(sp).await?).ok_or(GraphError::NoUserRole)
    }

    /// `POST /servicePrincipals/{sp}/appRoleAssignedTo {"principalId","resourceId","appRoleId"}`
    /// → 201; returns the assignment. A user or a group (groups need Entra ID P1/P2).
    pub async fn assign(
        &self,
        sp: &str,
        principal_id: &str,
        app_role_id: &str,
    ) -> Result<Assignment, GraphError> {
        let body = json!({
            "principalId": principal_id,
            "resourceId": sp,
            "appRoleId": app_role_id,
        });
        let request = Request::post(
            self.url(&["servicePrincipals", sp, "appRoleAssignedTo"], &[]),
            Some(body),
        )
        .creates("assign the user or group");
        self.call_json(request).await
    }

    /// Reuses an existing assignment of `principal_id` to `app_role_id`, else creates it.
    /// `bool` = created now. A lost answer is resolved by listing again.
    pub async fn ensure_assignment(
        &self,
        sp: &str,
        principal_id: &str,
        app_role_id: &str,
    ) -> Result<(Assignment, bool), GraphError> {
        let find = |assignments: Vec<Assignment>| {
            assignments.into_iter().find(|assignment| {
                assignment.principal_id.eq_ignore_ascii_case(principal_id)
                    && assignment.app_role_id.eq_ignore_ascii_case(app_role_id)
            })
        };
        if let Some(existing) = find(self.list_assignments(sp).await?) {
            return Ok((existing, false));
        }
        match self.assign(sp, principal_id, app_role_id).await {
            Ok(assignment) => Ok((assignment, true)),
            // A duplicate answers 400 (unverified: docs/services.md); a lost answer may have
            // created it.
            Err(
                error @ (GraphError::OutcomeUnknown { .. }
                | GraphError::BadRequest { .. }
                | GraphError::Conflict { .. }),
            ) => match find(self.list_assignments(sp).await?) {
                Some(existing) => {
                    Ok((existing, matches!(error, GraphError::OutcomeUnknown { .. })))
                }
                None => Err(error),
            },
            Err(other) => Err(other),
        }
    }

    /// `GET /servicePrincipals/{sp}/appRoleAssignedTo`.
    pub async fn list_assignments(&self, sp: &str) -> Result<Vec<Assignment>, GraphError> {
        self.get_all(self.url(&["servicePrincipals", sp, "appRoleAssignedTo"], &[]))
            .await
    }

    /// `DELETE /servicePrincipals/{sp}/appRoleAssignedTo/{id}` → 204. `Ok(false)` if already gone.
    pub async fn remove_assignment(
        &self,
        sp: &str,
        assignment_id: &str,
    ) -> Result<bool, GraphError> {
        let url = self.url(
            &["servicePrincipals", sp, "appRoleAssignedTo", assignment_id],
            &[],
        );
        match self.send(Request::new(Method::DELETE, url)).await {
            Ok(_) => Ok(true),
            Err(GraphError::NotFound { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Users whose display name or UPN starts with `query` (the picker), at most `top`.
    /// `GET /users?$filter=startswith(displayName,'q') or startswith(userPrincipalName,'q')`
    /// (a basic query: no `ConsistencyLevel` needed). An empty query lists the first users.
    pub async fn search_users(
        &self,
        query: &str,
        top: u32,
    ) -> Result<Vec<DirectoryUser>, GraphError> {
        let mut params = vec![
            ("$select", USER_SELECT.to_owned()),
            ("$top", top.clamp(1, MAX_TOP).to_string()),
        ];
        let query = query.trim();
        if !query.is_empty() {
            let literal = odata_string(query);
            params.insert(
                0,
                (
                    "$filter",
                    format!(
                        "startswith(displayName,{literal}) or startswith(userPrincipalName,{literal})"
                    ),
                ),
            );
        }
        self.first_page(self.url(&["users"], &params), top).await
    }

    /// Groups whose display name starts with `query`, at most `top` (needs `Group.Read.All`).
    pub async fn search_groups(
        &self,
        query: &str,
        top: u32,
    ) -> Result<Vec<DirectoryGroup>, GraphError> {
        let mut params = vec![
            ("$select", GROUP_SELECT.to_owned()),
            ("$top", top.clamp(1, MAX_TOP).to_string()),
        ];
        let query = query.trim();
        if !query.is_empty() {
            params.insert(
                0,
                (
                    "$filter",
                    format!("startswith(displayName,{})", odata_string(query)),
                ),
            );
        }
        self.first_page(self.url(&["groups"], &params), top).await
    }

    /// A group's direct members, users and groups told apart (`@odata.type`), every page:
    /// `GET /groups/{id}/members?$select=id,displayName,userPrincipalName&$top=999`.
    pub async fn group_members(&self, group_id: &str) -> Result<Vec<GroupMember>, GraphError> {
        self.members(group_id, "members").await
    }

    /// Everyone in a group, through nested groups too: `GET /groups/{id}/transitiveMembers`.
    pub async fn group_transitive_members(
        &self,
        group_id: &str,
    ) -> Result<Vec<GroupMember>, GraphError> {
        self.members(group_id, "transitiveMembers").await
    }

    async fn members(
        &self,
        group_id: &str,
        relation: &str,
    ) -> Result<Vec<GroupMember>, GraphError> {
        let url = self.url(
            &["groups", group_id, relation],
            &[
                ("$select", MEMBER_SELECT.to_owned()),
                ("$top", MAX_TOP.to_string()),
            ],
        );
        self.get_all(url).await
    }

    /// `GET /users/{id or UPN}`.
    pub async fn get_user(&self, id_or_upn: &str) -> Result<DirectoryUser, GraphError> {
        let url = self.url(
            &["users", id_or_upn],
            &[("$select", USER_SELECT.to_owned())],
        );
        self.call_json(Request::get(url)).await
    }

    /// `GET /me`: the signed-in admin.
    pub async fn me(&self) -> Result<DirectoryUser, GraphError> {
        let url = self.url(&["me"], &[("$select", USER_SELECT.to_owned())]);
        self.call_json(Request::get(url)).await
    }

    async fn first_page<T: serde::de::DeserializeOwned>(
        &self,
        url: url::Url,
        top: u32,
    ) -> Result<Vec<T>, GraphError> {
        let page: Value = self.call_json(Request::get(url)).await?;
        let values = page
            .get("value")
            .and_then(Value::as_array)
            .ok_or_else(|| super::unexpected("a collection without \"value\""))?;
        values
            .iter()
            .take(top.max(1) as usize)
            .map(|value| {
                serde_json::from_value(value.clone()).map_err(|error| {
                    super::unexpected(&format!("a directory object of another shape: {error}"))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: &str, name: Option<&str>, enabled: bool) -> AppRole {
        AppRole {
            id: id.into(),
            display_name: name.map(str::to_owned),
            value: None,
            description: None,
            allowed_member_types: vec!["User".into()],
            is_enabled: enabled,
        }
    }

    #[test]
    fn user_role_is_found_by_name_case_insensitively() {
        let roles = vec![
            role(
                "b9632174-c057-4f7e-951b-be3adc52bfe6",
                Some("msiam_access"),
                true,
            ),
            role("18d14569-c3bd-439b-9a66-3a2aee01d14f", Some("user"), true),
        ];
        assert_eq!(
            user_role_id(&roles).as_deref(),
            Some("18d14569-c3bd-439b-9a66-3a2aee01d14f")
        );
        assert_eq!(user_role_id(&[role("x", Some("User"), false)]), None);
        assert_eq!(user_role_id(&[role("x", None, true)]), None);
        assert_eq!(user_role_id(&[]), None);
    }
}
