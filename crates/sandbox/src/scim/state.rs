//! What the SCIM service keeps of its own. The users and groups it provisions are Scaleway IAM
//! users and groups and its tokens are managed by IAM, so they live in
//! [`crate::scaleway::state`]; this holds what only SCIM sees: the request bodies clients sent.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::scaleway::state::ScalewayState;

/// A SCIM request body as received, so tests can assert what a client sent (or never sent).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReceivedScimBody {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) body: Value,
}

#[derive(Debug, Default)]
pub(crate) struct ScimState {
    /// Every body of a write (`POST`, `PATCH`), in order, even the ones refused.
    pub(crate) request_bodies: Vec<ReceivedScimBody>,
}

impl ScimState {
    /// This service's part of `GET /_sandbox/state`: the users and groups SCIM provisioned, as
    /// SCIM shows them (a group's `members` are user ids, `memberUserNames` their usernames),
    /// and the bodies received.
    pub(crate) fn dump(&self, iam: &ScalewayState) -> Map<String, Value> {
        let mut state = Map::new();
        state.insert(
            "scim_users".into(),
            iam.users
                .iter()
                .filter(|user| user.provisioned_by_scim)
                .map(|user| {
                    json!({
                        "id": user.id, "userName": user.username, "externalId": user.external_id,
                        "active": !user.locked,
                    })
                })
                .collect(),
        );
        state.insert(
            "scim_groups".into(),
            iam.groups
                .iter()
                .filter(|group| group.provisioned_by_scim)
                .map(|group| {
                    let members = iam.group_user_ids(group);
                    let usernames: Vec<&str> = members
                        .iter()
                        .filter_map(|id| iam.user(id))
                        .map(|user| user.username.as_str())
                        .collect();
                    json!({
                        "id": group.id, "displayName": group.name,
                        "organization_id": group.organization_id,
                        "members": members, "memberUserNames": usernames,
                    })
                })
                .collect(),
        );
        state.insert("scim_request_bodies".into(), json!(self.request_bodies));
        state
    }
}
