//! The Scaleway side of the simulated world: organizations, their users and groups (including
//! the ones SCIM provisions: Scaleway's SCIM writes straight into IAM, so there is one table of
//! each), their applications and API keys, and the SCIM configurations and tokens IAM manages.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::seed::SeedKeyKind;
use crate::core::clock::timestamp;
use crate::core::fingerprint;

/// Permission sets a principal can hold (Owner status is modelled as one more set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum PermissionSet {
    OwnerStatus,
    IamManager,
    OrganizationManager,
    IamReadOnly,
    ProjectManager,
}

#[derive(Debug, Clone)]
pub(crate) struct OrganizationRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) alias: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Copy)]
pub(crate) enum UserType {
    Owner,
    Member,
}

impl UserType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            UserType::Owner => "owner",
            UserType::Member => "member",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) email: String,
    pub(crate) username: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) locale: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) last_login_at: Option<DateTime<Utc>>,
    pub(crate) user_type: UserType,
    pub(crate) mfa: bool,
    pub(crate) account_root_user_id: String,
    pub(crate) locked: bool,
    pub(crate) permission_sets: Vec<PermissionSet>,
    /// SCIM `externalId` (Entra's objectId), kept only by the SCIM side.
    pub(crate) external_id: Option<String>,
    pub(crate) provisioned_by_scim: bool,
}

/// The two groups Scaleway manages in every Organization (changelog 2026-09-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ManagedGroup {
    /// "All Users": every user of the Organization, always.
    AllUsers,
    /// "All Applications": every application of the Organization, always.
    AllApplications,
}

/// An IAM group. A group SCIM creates is an IAM group like any other (one table, as for users).
#[derive(Debug, Clone)]
pub(crate) struct GroupRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// Members as set (ignored for a managed group, whose members follow from [`ManagedGroup`]).
    pub(crate) user_ids: Vec<String>,
    pub(crate) application_ids: Vec<String>,
    pub(crate) managed: Option<ManagedGroup>,
    pub(crate) provisioned_by_scim: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ApplicationRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) permission_sets: Vec<PermissionSet>,
}

#[derive(Debug, Clone)]
pub(crate) struct ApiKeyRecord {
    pub(crate) kind: SeedKeyKind,
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
    pub(crate) user_id: Option<String>,
    pub(crate) application_id: Option<String>,
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) default_project_id: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ScimRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct ScimTokenRecord {
    pub(crate) id: String,
    pub(crate) scim_id: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) bearer_token: String,
    pub(crate) deleted: bool,
}

#[derive(Debug)]
pub(crate) struct ScalewayState {
    /// Ids and secrets minted at run time, by IAM and by SCIM, come from here, so a scripted
    /// session is reproducible.
    pub(crate) rng: StdRng,
    pub(crate) organizations: Vec<OrganizationRecord>,
    pub(crate) users: Vec<UserRecord>,
    pub(crate) groups: Vec<GroupRecord>,
    pub(crate) applications: Vec<ApplicationRecord>,
    pub(crate) api_keys: Vec<ApiKeyRecord>,
    pub(crate) scim_configs: Vec<ScimRecord>,
    pub(crate) scim_tokens: Vec<ScimTokenRecord>,
}

impl ScalewayState {
    pub(crate) fn organization(&self, id: &str) -> Option<&OrganizationRecord> {
        self.organizations.iter().find(|org| org.id == id)
    }

    pub(crate) fn user(&self, id: &str) -> Option<&UserRecord> {
        self.users.iter().find(|user| user.id == id)
    }

    pub(crate) fn group(&self, id: &str) -> Option<&GroupRecord> {
        self.groups.iter().find(|group| group.id == id)
    }

    /// The users of a group: every user of the Organization for "All Users", none for "All
    /// Applications", else the ones set (in the order they were added).
    pub(crate) fn group_user_ids(&self, group: &GroupRecord) -> Vec<String> {
        match group.managed {
            Some(ManagedGroup::AllUsers) => self
                .users
                .iter()
                .filter(|user| user.organization_id == group.organization_id)
                .map(|user| user.id.clone())
                .collect(),
            Some(ManagedGroup::AllApplications) => Vec::new(),
            None => group.user_ids.clone(),
        }
    }

    /// The applications of a group, likewise.
    pub(crate) fn group_application_ids(&self, group: &GroupRecord) -> Vec<String> {
        match group.managed {
            Some(ManagedGroup::AllApplications) => self
                .applications
                .iter()
                .filter(|application| application.organization_id == group.organization_id)
                .map(|application| application.id.clone())
                .collect(),
            Some(ManagedGroup::AllUsers) => Vec::new(),
            None => group.application_ids.clone(),
        }
    }

    pub(crate) fn scim_for_organization(&self, organization_id: &str) -> Option<&ScimRecord> {
        self.scim_configs
            .iter()
            .find(|scim| scim.organization_id == organization_id)
    }

    pub(crate) fn scim(&self, scim_id: &str) -> Option<&ScimRecord> {
        self.scim_configs.iter().find(|scim| scim.id == scim_id)
    }

    /// This side's part of `GET /_sandbox/state`. Secrets appear only as fingerprints.
    pub(crate) fn dump(&self, now: DateTime<Utc>) -> Map<String, Value> {
        let json = json!({
            "organizations": self.organizations.iter().map(|org| json!({
                "id": org.id, "name": org.name, "alias": org.alias,
            })).collect::<Vec<_>>(),
            "scim": self.scim_configs.iter().map(|scim| json!({
                "id": scim.id, "organization_id": scim.organization_id,
                "created_at": timestamp(scim.created_at),
            })).collect::<Vec<_>>(),
            "scim_tokens": self.scim_tokens.iter().map(|token| json!({
                "id": token.id,
                "scim_id": token.scim_id,
                "created_at": timestamp(token.created_at),
                "expires_at": timestamp(token.expires_at),
                "deleted": token.deleted,
                "expired": token.expires_at <= now,
                "bearer_token_fingerprint": fingerprint(&token.bearer_token),
            })).collect::<Vec<_>>(),
            "iam_users": self.users.iter().map(|user| json!({
                "id": user.id,
                "organization_id": user.organization_id,
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "type": user.user_type.as_str(),
                "locked": user.locked,
                "permission_sets": user.permission_sets,
                "external_id": user.external_id,
                "provisioned_by_scim": user.provisioned_by_scim,
            })).collect::<Vec<_>>(),
            "iam_groups": self.groups.iter().map(|group| json!({
                "id": group.id,
                "organization_id": group.organization_id,
                "name": group.name,
                "user_ids": self.group_user_ids(group),
                "application_ids": self.group_application_ids(group),
                "managed": group.managed.is_some(),
                "all_users": group.managed == Some(ManagedGroup::AllUsers),
                "all_applications": group.managed == Some(ManagedGroup::AllApplications),
                "provisioned_by_scim": group.provisioned_by_scim,
            })).collect::<Vec<_>>(),
            "applications": self.applications.iter().map(|app| json!({
                "id": app.id, "name": app.name, "organization_id": app.organization_id,
                "permission_sets": app.permission_sets,
            })).collect::<Vec<_>>(),
            "api_keys": self.api_keys.iter().map(|key| json!({
                "kind": key.kind,
                "access_key": key.access_key,
                "secret_key_fingerprint": fingerprint(&key.secret_key),
                "user_id": key.user_id,
                "application_id": key.application_id,
                "expires_at": key.expires_at.map(timestamp),
            })).collect::<Vec<_>>(),
        });
        match json {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}
