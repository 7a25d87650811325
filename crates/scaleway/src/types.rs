//! Resources of the Scaleway IAM API, with the exact field names of the SDK (docs/services.md).
//! Timestamps are optional because the SDK types are pointers and may be null.
//! Every field but the identifier defaults when absent, so an added or dropped field on
//! Scaleway's side does not break the wizard.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::SecretString;

/// The SCIM configuration of an Organization. These are its only fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scim {
    pub id: String,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// A SCIM token's metadata. A token has no name or description, so the wizard remembers the
/// ids of the tokens it created in its own journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimToken {
    pub id: String,
    #[serde(default)]
    pub scim_id: String,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// One page of `GET /scim/{scim_id}/tokens`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ListScimTokensResponse {
    #[serde(default)]
    pub scim_tokens: Vec<ScimToken>,
    #[serde(default)]
    pub total_count: u64,
}

/// A freshly created token: its metadata and the bearer token, which Scaleway returns only in
/// this one response. Deliberately not `Serialize`.
#[derive(Debug)]
pub struct CreatedScimToken {
    pub token: ScimToken,
    pub bearer_token: SecretString,
}

/// The wire shape of `CreateScimTokenResponse`; the bearer token moves straight into a
/// [`SecretString`] without being copied.
#[derive(Deserialize)]
pub(crate) struct CreateScimTokenResponse {
    pub token: ScimToken,
    pub bearer_token: String,
}

/// The result of [`ScalewayClient::ensure_scim_enabled`](crate::ScalewayClient::ensure_scim_enabled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScimEnablement {
    pub scim: Scim,
    /// True when this call enabled SCIM; false when it was already enabled.
    pub newly_enabled: bool,
}

/// `GET /organizations/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub alias: String,
    #[serde(default)]
    pub login_password_enabled: bool,
    #[serde(default)]
    pub login_magic_code_enabled: bool,
    #[serde(default)]
    pub login_oauth2_enabled: bool,
    #[serde(default)]
    pub login_saml_enabled: bool,
}

/// `GET /api-keys/{access_key}`. The `secret_key` field (always null here) is left out on
/// purpose. There is no `organization_id`: it is reached through the user or application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub access_key: String,
    #[serde(default)]
    pub application_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub default_project_id: String,
    #[serde(default)]
    pub editable: bool,
    #[serde(default)]
    pub deletable: bool,
    #[serde(default)]
    pub managed: bool,
    #[serde(default)]
    pub creation_ip: String,
}

/// Who holds an API key: exactly one of a user or an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ApiKeyBearer {
    User(String),
    Application(String),
}

impl ApiKey {
    /// The user or application this key belongs to, if the response names one.
    pub fn bearer(&self) -> Option<ApiKeyBearer> {
        let non_empty = |id: &Option<String>| id.clone().filter(|id| !id.is_empty());
        non_empty(&self.user_id)
            .map(ApiKeyBearer::User)
            .or_else(|| non_empty(&self.application_id).map(ApiKeyBearer::Application))
    }
}

/// `type` of a [`User`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserType {
    Owner,
    Member,
    /// `unknown_type`, or a value this version does not know.
    #[default]
    #[serde(other)]
    UnknownType,
}

/// An IAM user (docs/services.md, "Scaleway: users").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: String,
    /// Unique in the Organization; SCIM matches IdP users on it, not on the email.
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub phone_number: String,
    #[serde(default)]
    pub locale: String,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub deletable: bool,
    #[serde(default)]
    pub last_login_at: Option<DateTime<Utc>>,
    #[serde(default, rename = "type")]
    pub user_type: UserType,
    #[serde(default)]
    pub mfa: bool,
    #[serde(default)]
    pub account_root_user_id: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub locked: bool,
    /// Deprecated by Scaleway in favour of `mfa`; kept because real responses still carry it.
    #[serde(default)]
    pub two_factor_enabled: Option<bool>,
    /// Deprecated by Scaleway: `unknown_status`, `invitation_pending` or `activated`.
    #[serde(default)]
    pub status: Option<String>,
}

/// One page of `GET /users`.
/// An IAM group (Scaleway's IAM API; what SCIM creates from an Entra group). Scaleway manages
/// two groups in every Organization itself ("All Users", "All Applications"): `managed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub user_ids: Vec<String>,
    #[serde(default)]
    pub application_ids: Vec<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// True for the groups Scaleway manages ("All Users", "All Applications").
    #[serde(default)]
    pub managed: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListGroupsResponse {
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub total_count: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ListUsersResponse {
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub total_count: u64,
}

/// An IAM application (a non-human principal that can hold API keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub editable: bool,
    #[serde(default)]
    pub deletable: bool,
    #[serde(default)]
    pub managed: bool,
    #[serde(default)]
    pub nb_api_keys: u32,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_shapes_deserialize() {
        let scim: Scim = serde_json::from_str(
            r#"{"id":"4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe","created_at":"2026-06-16T10:11:55.467309Z"}"#,
        )
        .unwrap();
        assert_eq!(
            scim.created_at.unwrap().to_rfc3339(),
            "2026-06-16T10:11:55.467309+00:00"
        );

        let page: ListScimTokensResponse = serde_json::from_str(
            r#"{"scim_tokens":[{"id":"t1","scim_id":"s1","created_at":"2026-06-16T10:11:55.834691Z","expires_at":"2027-06-16T10:11:55.831691Z"}],"total_count":1}"#,
        )
        .unwrap();
        assert_eq!(page.total_count, 1);
        assert_eq!(page.scim_tokens[0].scim_id, "s1");

        let user: User = serde_json::from_str(
            r#"{"id":"u1","email":"a@b.c","username":"alice","first_name":"","last_name":"","phone_number":"","locale":"fr_FR","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","organization_id":"o1","deletable":false,"last_login_at":null,"type":"owner","two_factor_enabled":true,"status":"activated","mfa":true,"account_root_user_id":"r1","tags":[],"locked":false}"#,
        )
        .unwrap();
        assert_eq!(user.user_type, UserType::Owner);
        assert_eq!(user.last_login_at, None);

        let odd: User = serde_json::from_str(r#"{"id":"u2","type":"robot"}"#).unwrap();
        assert_eq!(odd.user_type, UserType::UnknownType);
    }

    #[test]
    fn api_key_bearer() {
        let key: ApiKey = serde_json::from_str(
            r#"{"access_key":"SCWXXXXXXXXXXXXXXXXX","secret_key":null,"application_id":"app","user_id":null}"#,
        )
        .unwrap();
        assert_eq!(
            key.bearer(),
            Some(ApiKeyBearer::Application("app".to_owned()))
        );
        let key: ApiKey = serde_json::from_str(
            r#"{"access_key":"SCWXXXXXXXXXXXXXXXXX","user_id":"u","application_id":""}"#,
        )
        .unwrap();
        assert_eq!(key.bearer(), Some(ApiKeyBearer::User("u".to_owned())));
    }

    #[test]
    fn created_token_debug_hides_the_bearer() {
        let raw: CreateScimTokenResponse = serde_json::from_str(
            r#"{"token":{"id":"t","scim_id":"s","created_at":null,"expires_at":null},"bearer_token":"c2VjcmV0.very-secret-part"}"#,
        )
        .unwrap();
        let created = CreatedScimToken {
            token: raw.token,
            bearer_token: SecretString::from(raw.bearer_token),
        };
        assert!(!format!("{created:?}").contains("very-secret-part"));
    }
}
